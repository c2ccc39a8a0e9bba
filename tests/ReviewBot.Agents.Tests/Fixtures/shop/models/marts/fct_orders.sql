{{
    config(
        materialized='incremental',
        unique_key='order_id',
        partition_by={'field': 'order_date', 'data_type': 'date'},
        on_schema_change='append_new_columns'
    )
}}

with orders as (

    select * from {{ ref('stg_orders') }}

),

payments as (

    select * from {{ ref('stg_payments') }}

),

order_payments as (

    select
        order_id,
        sum(amount) as amount
    from payments
    group by order_id

),

final as (

    select
        orders.order_id,
        orders.customer_id,
        orders.order_date,
        order_payments.amount,
        current_timestamp as updated_at
    from orders
    left join order_payments
        on orders.order_id = order_payments.order_id
    where orders.order_date >= '2020-01-01'
    {% if is_incremental() %}
        and orders.order_date >= (select max(order_date) - interval '3 days' from {{ this }})
    {% endif %}

)

select * from final

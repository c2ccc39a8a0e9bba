{{
    config(
        materialized='incremental',
        unique_key='order_id',
        partition_by={'field': 'order_date', 'data_type': 'date'}
    )
}}

with orders as (

    select * from {{ ref('stg_orders') }}

),

payments as (

    select
        order_id,
        sum(amount) as amount
    from {{ ref('stg_payments') }}
    group by order_id

)

select
    orders.order_id,
    orders.customer_id,
    orders.order_date,
    orders.status,
    coalesce(payments.amount, 0) as amount
from orders
left join payments
    on orders.order_id = payments.order_id

{% if is_incremental() %}
where orders.order_date >= (select max(order_date) - interval '3 days' from {{ this }})
{% endif %}

with customers as (

    select * from {{ ref('stg_customers') }}

),

orders as (

    select
        customer_id,
        min(order_date) as first_order_date,
        count(*) as number_of_orders,
        sum(amount) as lifetime_value
    from {{ ref('orders') }}
    group by customer_id

)

select
    customers.customer_id,
    customers.first_name,
    orders.first_order_date,
    coalesce(orders.number_of_orders, 0) as number_of_orders,
    coalesce(orders.lifetime_value, 0) as lifetime_value
from customers
left join orders
    on customers.customer_id = orders.customer_id

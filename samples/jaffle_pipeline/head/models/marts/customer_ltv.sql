select *
from analytics.marts.customers c, analytics.marts.orders o
where c.customer_id = o.customer_id
  and o.status = null

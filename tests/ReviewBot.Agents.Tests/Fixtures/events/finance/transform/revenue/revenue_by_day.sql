select
    date(issued_at) as revenue_date,
    sum(total_eur) as revenue
from {{ source('billing', 'invoices') }}
where status = 'paid'
group by 1

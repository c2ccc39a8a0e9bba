select
    date(occurred_at) as activity_date,
    count(distinct user_id) as active_users
from {{ ref('stg_events') }}
{% if is_incremental() %}
where date(occurred_at) >= date_sub(current_date(), interval 2 day)
{% endif %}
group by 1

with tracks as (

    select * from {{ source('segment', 'tracks') }}

)

select
    message_id as event_id,
    user_id,
    event as event_name,
    timestamp as occurred_at
from tracks
where timestamp >= timestamp('2022-01-01')

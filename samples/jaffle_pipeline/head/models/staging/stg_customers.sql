with source as (

    select * from {{ source('shop', 'customers') }}

),

renamed as (

    select
        id as customer_id,
        first_name,
        email,
        phone_number,
        created_at as signed_up_at
    from source

)

select
    customer_id,
    first_name,
    email,
    phone_number,
    signed_up_at
from renamed

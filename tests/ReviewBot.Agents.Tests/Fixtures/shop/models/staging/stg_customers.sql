with source as (

    select * from {{ source('shop', 'customers') }}

),

renamed as (

    select
        id as customer_id,
        first_name,
        lower(email) as email,
        country_code
    from source

)

select * from renamed

create table if not exists raw.shop.customers (
    id integer primary key,
    first_name varchar,
    email varchar with masking policy governance.pii_mask,
    country_code varchar(2),
    _loaded_at timestamp
);

create table if not exists raw.shop.orders (
    id integer primary key,
    user_id integer,
    order_date date,
    status varchar,
    _loaded_at timestamp
);

create table if not exists analytics.audit_log (
    event_id bigint primary key,
    actor text not null,
    action text not null,
    created_at timestamp not null default current_timestamp
);

grant select on analytics.audit_log to role reporting;

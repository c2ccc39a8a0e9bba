drop table analytics.legacy_orders;

delete from analytics.audit_log;

grant select on all tables in schema analytics to public;

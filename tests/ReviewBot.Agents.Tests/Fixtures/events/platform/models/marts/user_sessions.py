def model(dbt, session):
    dbt.config(materialized="table", packages=["pandas"])
    events = dbt.ref("stg_events").to_pandas()
    events = events.sort_values(["user_id", "occurred_at"])
    gap = events.groupby("user_id")["occurred_at"].diff().dt.total_seconds().fillna(0)
    events["session_id"] = (gap > 1800).groupby(events["user_id"]).cumsum()
    return events

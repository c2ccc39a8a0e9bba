import os

from dagster import Definitions, ScheduleDefinition, define_asset_job
from dagster_dbt import DbtCliResource

DBT_TARGET = os.getenv("DAGSTER_DBT_TARGET", "dev")

shop_job = define_asset_job("shop_refresh", selection="*")

shop_daily = ScheduleDefinition(
    name="shop_daily",
    job=shop_job,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
)

defs = Definitions(
    jobs=[shop_job],
    schedules=[shop_daily],
    resources={"dbt": DbtCliResource(project_dir="shop", target=DBT_TARGET)},
)

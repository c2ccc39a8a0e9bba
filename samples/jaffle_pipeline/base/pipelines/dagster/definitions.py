import os

from dagster import Definitions, ScheduleDefinition, define_asset_job
from dagster_dbt import DbtCliResource, dbt_assets

DBT_PROJECT_DIR = os.getenv("DBT_PROJECT_DIR", ".")


@dbt_assets(manifest=os.path.join(DBT_PROJECT_DIR, "target", "manifest.json"))
def jaffle_dbt_assets(context, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


daily_refresh = ScheduleDefinition(
    job=define_asset_job("refresh_marts", selection="*"),
    cron_schedule="0 6 * * *",
)

defs = Definitions(
    assets=[jaffle_dbt_assets],
    schedules=[daily_refresh],
    resources={"dbt": DbtCliResource(project_dir=DBT_PROJECT_DIR)},
)

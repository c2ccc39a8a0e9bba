from datetime import datetime, timedelta
import os

from airflow import DAG
from airflow.operators.bash import BashOperator

PROJECT = os.environ.get("GCP_PROJECT", "analytics-prod")

with DAG(
    dag_id="events_pipeline",
    schedule=timedelta(hours=6),
    start_date=datetime(2024, 1, 1),
    catchup=False,
) as dag:
    platform = BashOperator(task_id="platform", bash_command=f"dbt build --project-dir platform --target prod --vars '{{project: {PROJECT}}}'")
    finance = BashOperator(task_id="finance", bash_command="dbt build --project-dir finance --target prod")
    platform >> finance

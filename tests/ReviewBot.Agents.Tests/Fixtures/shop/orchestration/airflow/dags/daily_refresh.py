from datetime import datetime, timedelta
import os

from airflow import DAG
from airflow.operators.bash import BashOperator

ALERT_EMAIL = os.environ.get("SHOP_ALERT_EMAIL", "data-alerts@example.com")

with DAG(
    dag_id="shop_daily_refresh",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "email": [ALERT_EMAIL]},
) as dag:
    run = BashOperator(task_id="dbt_build", bash_command="dbt build --target prod")

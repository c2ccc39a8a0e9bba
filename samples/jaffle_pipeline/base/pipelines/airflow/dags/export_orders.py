from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="export_orders",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
) as dag:
    BashOperator(
        task_id="export",
        bash_command="python -m exports.orders --since {{ ds }}",
    )

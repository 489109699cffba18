"""Export each day's rewards as a CSV: a report for the data interval, downloaded to a file (or object storage)."""

from __future__ import annotations

import datetime as dt

from airflow.providers.common.compat.sdk import DAG

from airflow_provider_tremendous.operators.reports import TremendousCreateReportOperator

with DAG(
    dag_id="rewards_report_export",
    description="Daily digital rewards report for the data interval, downloaded to a file",
    schedule="@daily",
    start_date=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    tags=["tremendous", "reporting", "example"],
) as dag:
    TremendousCreateReportOperator(
        task_id="export_rewards",
        filters={"created_at": {"gte": "{{ data_interval_start | ds }}", "lte": "{{ data_interval_end | ds }}"}},
        download_path="{{ var.value.get('tremendous_report_dir', '/tmp/tremendous-reports') }}/"
        "rewards_{{ data_interval_start | ds_nodash }}.csv",
        poll_interval=15,
        timeout=3 * 3600,
    )

"""Pay every eligible respondent of a survey, once.

Reads the survey export (``data/survey_responses.csv``), keeps completed responses that passed quality checks,
removes duplicate respondents, and sends one reward per respondent. Each order's external_id is
``<survey_id>-<respondent_id>``: re-running the DAG, retrying a task or clearing it never pays anyone twice.
Then it waits (deferrable) until every order is EXECUTED and exports the day's rewards report.

Variables (optional): ``survey_export`` (a CSV path; default: the shipped example), ``tremendous_campaign_id``
(default: the sandbox's campaign), ``tremendous_report_dir``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from airflow_provider_tremendous.operators.reports import TremendousCreateReportOperator
from airflow_provider_tremendous.sensors.orders import TremendousOrderSensor

SURVEY_EXPORT = Path(__file__).parent / "data" / "survey_responses.csv"
SURVEY_ID = "brand-tracker-2026-11"

with DAG(
    dag_id="survey_completion_payouts",
    description="Reward every eligible survey respondent once, wait until paid, export the report",
    schedule=None,
    start_date=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    tags=["tremendous", "payouts", "example"],
    default_args={"retries": 2, "retry_delay": dt.timedelta(seconds=5)},
) as dag:

    @task
    def select_eligible(path: str, survey_id: str, campaign_id: str) -> list[dict[str, Any]]:
        """Completed, quality-checked responses; one per respondent (the first complete counts)."""
        eligible: dict[str, dict[str, Any]] = {}
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                if row["status"] != "complete" or row["qa_passed"] != "true" or row["respondent_id"] in eligible:
                    continue
                eligible[row["respondent_id"]] = {
                    "external_id": f"{survey_id}-{row['respondent_id']}",
                    "reward": {
                        "value": {"denomination": float(row["reward_amount"]), "currency_code": row["currency"]},
                        "recipient": {"name": row["name"], "email": row["email"]},
                        "delivery": {"method": "EMAIL"},
                        "campaign_id": campaign_id,
                        "custom_fields": [{"id": "survey_id", "value": survey_id}],
                    },
                }
        print(f"{len(eligible)} eligible respondents")
        return list(eligible.values())

    def each(mapped_results: Any) -> list[dict[str, Any]]:
        """The mapped tasks' results, read by index (iterating past the end makes Airflow log a lookup miss)."""
        return [mapped_results[index] for index in range(len(mapped_results))]

    @task
    def order_ids(orders: Any) -> list[str]:
        return [order["id"] for order in each(orders)]

    @task
    def summarize(orders: Any, report: dict[str, Any]) -> dict[str, Any]:
        orders = each(orders)
        total = sum(order["payment"]["total"] for order in orders if order.get("payment"))
        summary = {"rewards": len(orders), "total": round(total, 2), "report_path": report.get("path")}
        print(f"Paid {len(orders)} respondents, {total:.2f} in total; report: {summary['report_path']}")
        return summary

    eligible = select_eligible(
        "{{ var.value.get('survey_export', '" + str(SURVEY_EXPORT) + "') }}",
        SURVEY_ID,
        "{{ var.value.get('tremendous_campaign_id', 'CAMPAIGN00001') }}",
    )
    pay = TremendousCreateOrderOperator.partial(task_id="pay_respondent", funding_source_id="balance").expand_kwargs(
        eligible
    )
    wait = TremendousOrderSensor(
        task_id="wait_until_executed",
        order_ids=order_ids(pay.output),
        created_after="{{ data_interval_start }}",
        poke_interval=10,
        timeout=6 * 3600,
    )
    report = TremendousCreateReportOperator(
        task_id="rewards_report",
        filters={"created_at": {"gte": "{{ ds }}"}},
        download_path="{{ var.value.get('tremendous_report_dir', '/tmp/tremendous-reports') }}/"
        "survey_rewards_{{ ds_nodash }}.csv",
        poll_interval=5,
    )
    wait >> report
    summarize(pay.output, report.output)

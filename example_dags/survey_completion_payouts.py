"""Pay every eligible respondent of a survey, once.

Reads the survey export (``data/survey_responses.csv``), keeps completed responses that passed quality checks and
the first complete of each respondent, then pays them all with one bulk payout: validated before the first
order, one order per respondent with the external_id ``<payout_id>:<respondent_id>``, concurrent under the API's
rate limit. Re-running the DAG, retrying a task or resubmitting the file never pays anyone twice. Then it waits
(deferrable) until every order is EXECUTED, reconciles what was intended with what the vendor holds, and exports
the day's rewards report.

The vendor is the connection: the ``payout_conn_id`` param names a ``tremendous`` connection (default
``tremendous_default``) or a ``tangocard`` one (e.g. ``tangocard_default``; rewards are then the ``tangocard_utid``
item). Every money rule is the same for both; only the final export differs (Tremendous rewards report, Tango Card
line items of the payout).

Variables (optional): ``survey_export`` (a CSV path; default: the shipped example), ``tremendous_campaign_id``
(default: the sandbox's campaign), ``tremendous_report_dir``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator
from airflow_provider_tremendous.operators.reconcile import TremendousReconcileOperator
from airflow_provider_tremendous.operators.reports import TremendousCreateReportOperator
from airflow_provider_tremendous.sensors.orders import TremendousOrderSensor

PAYOUT_CONN = "{{ params.payout_conn_id }}"
UTID = "{{ params.tangocard_utid }}"

SURVEY_EXPORT = Path(__file__).parent / "data" / "survey_responses.csv"
PAYOUT_ID = "brand-tracker-2026-11"
OUTPUT_DIR = "{{ var.value.get('tremendous_report_dir', '/tmp/tremendous-reports') }}"

with DAG(
    dag_id="survey_completion_payouts",
    description="Reward every eligible survey respondent once, wait until paid, reconcile, export the report",
    schedule=None,
    start_date=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    params={"payout_conn_id": "tremendous_default", "tangocard_utid": "U000002"},
    tags=["tremendous", "tangocard", "payouts", "example"],
    default_args={"retries": 2, "retry_delay": dt.timedelta(seconds=5)},
) as dag:

    @task
    def select_eligible(path: str) -> list[dict[str, Any]]:
        """Completed, quality-checked responses; one per respondent (the first complete counts)."""
        eligible: dict[str, dict[str, Any]] = {}
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                if row["status"] == "complete" and row["qa_passed"] == "true":
                    eligible.setdefault(row["respondent_id"], row)
        print(f"{len(eligible)} eligible respondents")
        return list(eligible.values())

    @task.branch
    def choose_export(payout: dict[str, Any]) -> str:
        """The export of the vendor that paid."""
        return "line_items_export" if payout.get("vendor") == "tangocard" else "rewards_report"

    @task
    def line_items_export(payout: dict[str, Any], output_dir: str) -> dict[str, Any]:
        """Tango Card: every line item of this payout's orders, to CSV (keyset-paged, 100 per request)."""
        from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

        hook = TangoCardHook(payout["conn_id"])
        path = Path(output_dir) / f"line_items_{payout['payout_id']}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["reference_line_item_id", "reference_order_id", "external_ref_id", "status", "amount"])
            for item in hook.iter_line_items(start_date=payout["created_after"]):
                if (item.external_ref_id or "").startswith(tuple(payout["external_id_prefixes"])):
                    amount = item.amount.value if item.amount else ""
                    writer.writerow(
                        [
                            item.reference_line_item_id,
                            item.reference_order_id,
                            item.external_ref_id,
                            item.status,
                            amount,
                        ]
                    )
                    count += 1
        print(f"{count} line items written to {path}")
        return {"path": str(path), "line_items": count}

    @task(trigger_rule="none_failed_min_one_success")
    def summarize(
        payout: dict[str, Any],
        reconciliation: dict[str, Any],
        report: dict[str, Any] | None,
        line_items: dict[str, Any] | None,
    ) -> dict[str, Any]:
        summary = {
            "vendor": payout.get("vendor"),
            "paid": payout["paid"],
            "newly_paid": payout["created"],
            "paid_by_currency": payout["paid_by_currency"],
            "matched": reconciliation["matched"],
            "report_path": (report or line_items or {}).get("path"),
        }
        print(f"Payout {payout['payout_id']}: {summary}")
        return summary

    eligible = select_eligible("{{ var.value.get('survey_export', '" + str(SURVEY_EXPORT) + "') }}")
    # The payout and its reconciliation take the rows, how they are read and who pays from one set of arguments, so
    # the reconciliation reads every row exactly as the payout did.
    payout_rows: dict[str, Any] = {
        "rows": eligible,
        "payout_id": PAYOUT_ID,
        "key_field": "respondent_id",
        "columns": {"amount": "reward_amount"},
        "campaign_id": "{{ var.value.get('tremendous_campaign_id', 'CAMPAIGN00001') }}",
        "custom_field_columns": {"survey_id": "survey_id"},
        "conn_id": PAYOUT_CONN,
        "utid": UTID,
    }
    pay = TremendousBulkPayoutOperator(
        task_id="pay_respondents",
        **payout_rows,
        # The caps compare what is charged (face + fees). Declare your fee schedule's highest rate with
        # max_fee_percent to price every row up front; without it the first order is charged before the rest.
        max_amount_per_recipient=50,
        max_total_amount=10_000,
        result_path=OUTPUT_DIR + f"/payout_{PAYOUT_ID}.csv",
        sender={"firstName": "Brand", "lastName": "Tracker", "email": "research@example.com"},
        message="Thank you for completing the brand tracker survey!",
    )
    wait = TremendousOrderSensor(task_id="wait_until_executed", payout=pay.output, poke_interval=10, timeout=6 * 3600)
    reconcile = TremendousReconcileOperator(
        task_id="reconcile",
        **payout_rows,
        created_after="{{ ti.xcom_pull(task_ids='pay_respondents')['created_after'] }}",
        report_path=OUTPUT_DIR + f"/reconciliation_{PAYOUT_ID}.csv",
        fail_on_discrepancy=True,
    )
    report = TremendousCreateReportOperator(
        task_id="rewards_report",
        filters={"created_at": {"gte": "{{ ds }}"}},
        download_path=OUTPUT_DIR + "/survey_rewards_{{ ds_nodash }}.csv",
        poll_interval=5,
    )
    export = choose_export(pay.output)
    line_items = line_items_export(pay.output, OUTPUT_DIR)
    wait >> reconcile >> export >> [report, line_items]
    summarize(pay.output, reconcile.output, report.output, line_items)

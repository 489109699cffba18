"""Issue 14 review, round 14: the arguments PayoutRowsOperator declares for the bulk payout and its reconciliation,
given through default_args, partial/expand, sharded() and templates, on both vendors, then a reconciliation of each
payout. Files come from SHARED_ARGUMENTS_DIR."""

from __future__ import annotations

import datetime as dt
import os

from airflow.providers.common.compat.sdk import DAG

from airflow_provider_tremendous.operators.bulk import BulkPayoutOperator
from airflow_provider_tremendous.operators.reconcile import ReconcileOperator

D = os.environ.get("SHARED_ARGUMENTS_DIR", "/nonexistent")
DEFAULTS = {"keep_case": True, "decimal_separator": ",", "key_field": "respondent_id"}

with DAG(
    "shared_arguments",
    schedule=None,
    start_date=dt.datetime(2026, 1, 1),
    catchup=False,
    default_args=DEFAULTS,
    params={"rows": f"{D}/rows.csv", "conn": "tangocard_default", "utid": "U000002", "pid": "sa-t"},
) as dag:
    # Tremendous: sharded, base args templated (rows, payout_id), key_field from default_args
    pay_t = BulkPayoutOperator.sharded(
        2,
        task_id="pay_t",
        rows="{{ params.rows }}",
        payout_id="{{ params.pid }}",
        campaign_id="CAMPAIGN00001",
        result_path=f"{D}/t_{{{{ ti.map_index }}}}.csv",
    )
    check_t = ReconcileOperator(
        task_id="check_t",
        rows="{{ params.rows }}",
        payout_id="{{ params.pid }}",
        defaults={"campaign_id": "CAMPAIGN00001"},
        fail_on_discrepancy=True,
        report_path=f"{D}/t_report.csv",
    )
    pay_t >> check_t
    # Tango Card: expand over a base-class argument (payout_id); conn_id and utid templated in partial
    pay_g = BulkPayoutOperator.partial(
        task_id="pay_g",
        rows=f"{D}/rows.csv",
        conn_id="{{ params.conn }}",
        utid="{{ params.utid }}",
        result_path=f"{D}/g_{{{{ ti.map_index }}}}.csv",
    ).expand(payout_id=["sa-g1", "sa-g2"])
    check_g = ReconcileOperator.partial(
        task_id="check_g",
        rows=f"{D}/rows.csv",
        conn_id="{{ params.conn }}",
        utid="{{ params.utid }}",
        fail_on_discrepancy=True,
        report_path=f"{D}/g_report_{{{{ ti.map_index }}}}.csv",
    ).expand(payout_id=["sa-g1", "sa-g2"])
    pay_g >> check_g

"""TremendousCreateInvoiceOperator and TremendousCreateReportOperator against the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import TaskDeferred

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.operators import TremendousCreateInvoiceOperator, TremendousCreateReportOperator
from tests.sandbox.conftest import order_body
from tests.support.context import context


def test_invoice_is_not_created_twice_by_a_retry(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(invoice_payment_seconds=None)
    operator = TremendousCreateInvoiceOperator(task_id="fund", amount="250.5", memo="top-up")
    ctx = context(dag_id="fund", run_id="r1")
    first = operator.execute(ctx)
    again = operator.execute(context(dag_id="fund", run_id="r1"))
    assert again["id"] == first["id"] and first["amount"] == 250.5
    assert ctx["ti"].pushed["invoice_id"] == first["id"]
    other_run = operator.execute(context(dag_id="fund", run_id="r2"))
    assert other_run["id"] != first["id"]
    assert len(list(TremendousHook().iter_invoices())) == 2


@pytest.mark.parametrize("amount", ["lots", 0, -5, None])
def test_invoice_amount_is_validated(tremendous_sandbox: Any, amount: Any) -> None:
    with pytest.raises(e.TremendousInputError, match="amount"):
        TremendousCreateInvoiceOperator(task_id="fund", amount=amount).execute(context())
    assert list(TremendousHook().iter_invoices()) == []


def test_report_is_generated_and_downloaded(tremendous_sandbox: Any, tmp_path: Path) -> None:
    for index in range(3):
        TremendousHook().create_order(order_body(f"rep-{index}"))
    target = tmp_path / "nested" / "rewards.csv"
    operator = TremendousCreateReportOperator(
        task_id="report", filters={"amount": {"gte": 1}}, download_path=str(target), poll_interval=0.1, timeout=30
    )
    result = operator.execute(context())
    assert result["status"] == "READY_FOR_DOWNLOAD" and result["path"] == str(target)
    lines = target.read_text().splitlines()
    assert len(lines) == 4 and lines[0].startswith("reward_id,")


def test_report_concurrency_limit_is_waited_out(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(report_seconds=0.4, report_concurrency=1)
    TremendousHook().create_report({"report_type": "digital_rewards", "format": "csv"})
    operator = TremendousCreateReportOperator(
        task_id="r", poll_interval=0.2, timeout=30, hook_params={"max_retries": 0}
    )
    assert operator.execute(context())["status"] == "READY_FOR_DOWNLOAD"


def test_report_defers_when_not_ready(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(report_seconds=60)
    ctx = context()
    with pytest.raises(TaskDeferred) as deferred:
        TremendousCreateReportOperator(task_id="r", deferrable=True).execute(ctx)
    assert deferred.value.trigger.check["kind"] == "report"
    assert ctx["ti"].pushed["report_id"] == deferred.value.kwargs["state"]["report_id"]


def test_report_failure_fails_the_task(tremendous_sandbox: Any) -> None:
    with pytest.raises(e.TremendousWaitFailedError):
        TremendousCreateReportOperator(task_id="r").execute_complete(
            context(), {"status": "failure", "message": "report R failed to generate"}, {"report_id": "R"}
        )

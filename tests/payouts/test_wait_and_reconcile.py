"""Waiting on a whole payout run cheaply, and reconciling intended rows with what Tremendous holds."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.hooks.tremendous import TremendousAsyncHook
from airflow_provider_tremendous.operators.reconcile import TremendousReconciliationError
from airflow_provider_tremendous.sensors import TremendousOrderSensor
from tests.payouts.conftest import bulk, reconcile, respondents
from tests.support.context import context


def _count_requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original = TremendousHook._execute

    def counting(self: Any, request: Any) -> Any:
        calls.append(f"{request.method} {request.path}")
        return original(self, request)

    monkeypatch.setattr(TremendousHook, "_execute", counting)
    return calls


def test_waiting_on_a_payout_run_costs_one_request_per_500_orders(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = bulk(tmp_path, respondents(1200), max_concurrency=16).execute(context())
    calls = _count_requests(monkeypatch)
    result = TremendousOrderSensor(task_id="wait", payout=summary).poke(context())
    assert result.is_done and result.xcom_value["status_counts"] == {"EXECUTED": 1200}
    assert calls == ["GET /orders"] * 3, "ceil(1200 / 500) list calls, no GET per order"


def test_payout_wait_accepts_shard_summaries_and_detects_missing_orders(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    rows = respondents(30)
    shards = [
        bulk(tmp_path, rows, shard_index=i, shard_count=2, result_path=str(tmp_path / f"{i}.csv")).execute(context())
        for i in range(2)
    ]
    assert TremendousOrderSensor(task_id="w", payout=shards).poke(context()).xcom_value["total"] == 30
    inflated = {**shards[0], "paid": shards[0]["paid"] + 1}  # one order more than exists (or not listed yet)
    # Was: failed at once ("only 30 of the 31"), without retries: now it waits until the sensor's deadline
    assert TremendousOrderSensor(task_id="w", payout=[inflated, shards[1]]).poke(context()) is False


def test_payout_wait_waits_for_approval_then_succeeds(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    # Orders awaiting approval are not charged yet: only a declared fee bound prices them (see test_fees.py).
    summary = bulk(tmp_path, respondents(8), max_fee_percent=0).execute(context())
    sensor = TremendousOrderSensor(task_id="w", payout=summary)
    assert sensor.poke(context()) is False
    hook = TremendousHook()
    for order in hook.iter_orders():
        hook.approve_order(order.id)
    assert sensor.poke(context()).is_done


def test_waiting_on_a_result_file(tremendous_sandbox: Any, tmp_path: Path) -> None:
    summary = bulk(tmp_path, respondents(12)).execute(context())
    sensor = TremendousOrderSensor(
        task_id="w", result_path=summary["result_path"], created_after=summary["created_after"]
    )
    assert sensor.poke(context()).xcom_value["total"] == 12


async def test_payout_wait_in_the_trigger(tremendous_sandbox: Any, tmp_path: Path) -> None:
    import time

    from airflow_provider_tremendous.triggers.status import TremendousStatusTrigger
    from airflow_provider_tremendous.vendors.tremendous.checks import PayoutRunCheck

    summary = bulk(tmp_path, respondents(7)).execute(context())
    check = PayoutRunCheck(summary["external_id_prefix"], summary["paid"], summary["created_after"])
    trigger = TremendousStatusTrigger(check.serialize(), "tremendous_default", 0.05, time.time() + 30)
    events = [event.payload async for event in trigger.run()]
    assert events[0]["status"] == "success" and events[0]["data"]["total"] == 7
    assert TremendousAsyncHook  # the trigger polled through the async hook


def _reconcile(rows: Any, tmp_path: Path, **kwargs: Any) -> dict[str, Any]:
    return reconcile(rows, tmp_path, **kwargs)


def test_reconciliation_of_a_clean_run(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(25)
    summary = bulk(tmp_path, rows).execute(context())
    result = _reconcile(rows, tmp_path, created_after=summary["created_after"], fail_on_discrepancy=True)
    assert result["matched"] == 25 and result["orders_found"] == 25
    assert all(result[kind] == 0 for kind in ("missing", "unexpected", "amount_mismatch", "recipient_mismatch"))


def test_reconciliation_finds_every_kind_of_discrepancy(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.settings(order_processing_seconds=3600)  # orders stay OPEN: not executed
    paid = respondents(5)
    bulk(tmp_path, paid, max_fee_percent=0).execute(context())  # OPEN orders are priced by the declared bound
    intended = respondents(5)
    intended[0]["amount"] = "9.00"
    intended[1]["email"] = "someone.else@example.com"
    intended.append({"respondent_id": "R99999", "amount": "5.00", "email": "late@example.com"})
    del intended[2]
    result = _reconcile(intended, tmp_path)
    assert (result["missing"], result["unexpected"], result["amount_mismatch"], result["recipient_mismatch"]) == (
        1,
        1,
        1,
        1,
    )
    assert result["not_executed"] == 4 and result["matched"] == 2  # the 4 intended orders found are all OPEN
    with (tmp_path / "reconciliation.csv").open(newline="") as handle:
        kinds = {(row["kind"], row["key"] or row["external_id"]) for row in csv.DictReader(handle)}
    assert ("missing", "r99999") in kinds and ("unexpected", "survey-42:r00002") in kinds
    with pytest.raises(TremendousReconciliationError, match="missing"):
        _reconcile(intended, tmp_path, fail_on_discrepancy=True)


def test_reconciliation_ignores_other_payouts(tremendous_sandbox: Any, tmp_path: Path) -> None:
    bulk(tmp_path, respondents(3), payout_id="another-payout").execute(context())
    rows = respondents(3)
    bulk(tmp_path, rows, result_path=str(tmp_path / "mine.csv")).execute(context())
    result = _reconcile(rows, tmp_path, created_after="None")
    assert (result["orders_found"], result["unexpected"], result["matched"]) == (3, 0, 3)

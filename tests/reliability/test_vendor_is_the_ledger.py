"""Reliability scenarios of "the vendor is the ledger" (issue: Money rules, part 2), against the strict sandbox.

Each scenario is a way the result file used to be trusted wrongly, or a payout's orders used to be missed by its
wait and reconciliation. The sandbox's ledger (every order ever created) is the judge.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.sensors import TremendousOrderSensor
from tests.payouts.conftest import bulk, reconcile, respondents
from tests.support.context import context
from tests.vendors.tangocard.conftest import tango_bulk


def _keys(sandbox: Any) -> Counter[str]:
    return Counter(order["external_id"] for order in sandbox.admin.ledger())


def test_later_payout_on_the_same_result_path_pays_everyone(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: next month's payout on the same result path was marked already_paid by the old file; nobody paid."""
    rows = respondents(5)
    bulk(tmp_path, rows, payout_id="survey-42-2026-10").execute(context())
    later = bulk(tmp_path, rows, payout_id="survey-42-2026-11").execute(context())
    assert (later["created"], later["already_paid"]) == (5, 0)
    assert len(tremendous_sandbox.admin.ledger()) == 10 and set(_keys(tremendous_sandbox).values()) == {1}


def test_a_resumed_payout_is_waited_on_and_reconciled_whole(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: the summary's created_after was the first *new* order of the last try: the wait found 1 of 20 orders
    and failed without retries; reconciliation reported the earlier orders missing."""
    rows = respondents(20)
    bulk(tmp_path, rows[:19]).execute(context())
    resumed = bulk(tmp_path, rows, result_path=str(tmp_path / "fresh-worker.csv")).execute(context())
    assert (resumed["created"], resumed["already_paid"]) == (1, 19)
    waited = TremendousOrderSensor(task_id="wait", payout=resumed).poke(context())
    assert waited.is_done and waited.xcom_value["total"] == 20  # type: ignore[union-attr]
    reconciled = reconcile(rows, tmp_path, created_after=resumed["created_after"])
    assert (reconciled["matched"], reconciled["missing"], reconciled["unexpected"]) == (20, 0, 0)


def test_a_worker_clock_behind_the_vendor_still_finds_every_order(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: the wait scanned up to the worker's "now": with a clock 5 s slow the newest orders were not listed."""
    from airflow_provider_tremendous.vendors.tremendous import checks

    summary = bulk(tmp_path, respondents(8)).execute(context())
    real = dt.datetime

    class SlowClock(dt.datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
            return real.now(tz) - dt.timedelta(minutes=5)

    monkeypatch.setattr(checks.dt, "datetime", SlowClock)
    waited = TremendousOrderSensor(task_id="wait", payout=summary).poke(context())
    assert waited.is_done and waited.xcom_value["total"] == 8  # type: ignore[union-attr]


def test_fewer_orders_found_than_paid_waits_instead_of_failing(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Only a vendor's terminal status fails a payout wait at once; "not all found yet" waits for the deadline."""
    summary = bulk(tmp_path, respondents(3)).execute(context())
    ahead = {**summary, "paid": 4}  # an order the listing does not show yet
    assert TremendousOrderSensor(task_id="wait", payout=ahead).poke(context()) is False


def test_a_delivery_failure_is_its_own_kind_in_waits_and_reconciliation(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: an order EXECUTED whose reward delivery FAILED passed every wait and reconciliation as success."""
    from airflow_provider_tremendous.core.errors import TremendousWaitFailedError

    rows = respondents(3)
    rows[1]["email"] = "bounce-r1@example.com"  # the sandbox fails delivery to a bouncing address
    summary = bulk(tmp_path, rows).execute(context())
    tremendous_sandbox.admin.advance(60)
    waited = TremendousOrderSensor(task_id="wait", payout=summary).poke(context())
    assert waited.is_done and waited.xcom_value["delivery_failed"] == 1  # type: ignore[union-attr]
    strict = TremendousOrderSensor(task_id="wait", payout=summary, fail_on_delivery_failure=True)
    with pytest.raises(TremendousWaitFailedError, match="1 reward\\(s\\) paid but not delivered"):
        strict.poke(context())
    reconciled = reconcile(rows, tmp_path)
    assert (reconciled["delivery_failed"], reconciled["matched"]) == (1, 3)


def test_a_tango_payout_over_the_list_cap_is_learned_and_waited_on_in_date_slices(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: Tango's GET /orders lists at most 10,000 results: a larger payout could never be confirmed, and its
    resume trusted the result file. The cap is lowered to 4 here (sandbox tango_list_cap, and the client's)."""
    from airflow_provider_tremendous.vendors.tangocard import checks as tango_checks
    from airflow_provider_tremendous.vendors.tangocard.payouts import TangoCardPayoutAdapter
    from tests.vendors.tangocard.conftest import respondents as tango_rows

    tremendous_sandbox.admin.settings(tango_list_cap=4)
    monkeypatch.setattr(TangoCardPayoutAdapter, "list_cap", 4)
    monkeypatch.setattr(tango_checks, "LIST_CAP", 4)
    monkeypatch.setattr(tango_checks, "SMALLEST_SLICE", dt.timedelta(milliseconds=1))
    rows = tango_rows(9)
    first = tango_bulk(tmp_path, rows[:6]).execute(context())
    assert first["created"] == 6
    resumed = tango_bulk(tmp_path, rows, result_path=str(tmp_path / "fresh.csv")).execute(context())
    assert (resumed["already_paid"], resumed["created"]) == (6, 3), "every paid order found past the cap"
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 9
    waited = TremendousOrderSensor(task_id="wait", payout=resumed).poke(context())
    assert waited.is_done and waited.xcom_value["total"] == 9  # type: ignore[union-attr]

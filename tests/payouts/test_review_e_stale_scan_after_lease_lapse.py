"""Second adversarial review of issue 12 (after the fixes):
the pre-send lease confirmation (review D finding 1's fix) only refuses when ANOTHER task
instance holds THIS shard's lease key live at that moment. A run whose lease lapsed during its vendor scan is let
through when the run that took over in the meantime has already finished (its lease is 'released'), or used another
shard_count (another lease key). The lapsed run then sends on a scan taken before the other run paid: a person
the other run paid under another key (a corrected export) is paid twice, on the same account.

Time is compressed like review D's test: LEASE_TTL 0.5 s, HEARTBEAT 0.05 s; run A's scan is read, then held open
(stands for a > 15 min Tango scan at 1 request/s, whose first pages were read before run B paid)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.payouts import history as history_module
from airflow_provider_tremendous.payouts import registry
from tests.support.context import context
from tests.tangocard.conftest import production_connections, tango_bulk


def _rows(prefix: str) -> list[dict[str, Any]]:
    # the same two people; run B's export keys them differently (a corrected export of the same payout)
    return [
        {"respondent_id": f"{prefix}{i:05d}", "amount": "5.00", "name": f"Resp {i}", "email": f"t{i}@example.com"}
        for i in range(2)
    ]


def _race(tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, b_shards: int) -> Counter[str]:
    production_connections(monkeypatch, tremendous_sandbox)
    monkeypatch.setattr(registry, "LEASE_TTL", dt.timedelta(seconds=0.5))
    monkeypatch.setattr(registry, "HEARTBEAT", dt.timedelta(seconds=0.05))
    real = history_module.read_history
    a_scanned, b_done = threading.Event(), threading.Event()
    first = {"a": True}

    def slow_scan(adapter: Any, *args: Any, **kwargs: Any) -> Any:
        result = real(adapter, *args, **kwargs)
        if first.pop("a", False):  # run A: its scan was read, and it is still 'scanning' (no heartbeat)
            a_scanned.set()
            b_done.wait(60)
        return result

    monkeypatch.setattr(history_module, "read_history", slow_scan)
    outcome: dict[str, Any] = {}

    def run_a() -> None:
        try:
            outcome["a"] = tango_bulk(tmp_path, _rows("T"), result_path=str(tmp_path / "a.csv")).execute(
                context(dag_id="payouts", task_id="pay", run_id="scheduled__1")
            )
        except Exception as error:  # a refusal is the expected outcome
            outcome["a"] = error

    thread = threading.Thread(target=run_a)
    thread.start()
    try:
        assert a_scanned.wait(60)
        time.sleep(1.0)  # A's lease lapses (no heartbeat during the scan)
        for index in range(b_shards):  # run B: every shard runs to the end and releases its lease
            kwargs: dict[str, Any] = {"shard_index": index, "shard_count": b_shards} if b_shards > 1 else {}
            tango_bulk(tmp_path, _rows("X"), result_path=str(tmp_path / f"b{index}.csv"), **kwargs).execute(
                context(dag_id="payouts", task_id="pay", run_id="manual__2", map_index=index if b_shards > 1 else -1)
            )
    finally:
        b_done.set()
        thread.join(60)
    print("A:", outcome.get("a"))
    orders = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    return Counter(str(o.get("email")) for o in orders if o.get("status") != "FAILED")


def test_a_lapsed_run_sends_after_a_same_shard_takeover_finished(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    paid = _race(tremendous_sandbox, tmp_path, monkeypatch, b_shards=1)
    assert all(count == 1 for count in paid.values()), f"paid twice: {dict(paid)}"


def test_a_lapsed_run_sends_after_a_run_with_another_shard_count_finished(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    paid = _race(tremendous_sandbox, tmp_path, monkeypatch, b_shards=2)
    assert all(count == 1 for count in paid.values()), f"paid twice: {dict(paid)}"

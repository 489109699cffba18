"""Third adversarial review of issue 12 (the claim fix):
`_lost()` compares only the recorded shard COUNT, not which claim set it (ABA).

Run A (shard 1 of 2, scheduled__1) reads the vendor, then its scan outlasts the lease. Run B (shard_count=1, a
corrected export keying the same people differently) claims, pays everyone, releases. Then A's sibling shard 0 of 2
(same DAG run, started late: 2 workers, a pool) claims lease 0of2 and writes the shards record back to count=2.
A resumes: its lease 1of2 still carries A's claim id and the record says count=2 again, so `_confirm_lease` passes
and A sends on the scan it read before B paid: A's people are paid twice on the same production account.
Time is compressed as in review E (LEASE_TTL 0.5 s, HEARTBEAT 0.05 s)."""

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
    return [
        {"respondent_id": f"{prefix}{i:05d}", "amount": "5.00", "name": f"Resp {i}", "email": f"t{i}@example.com"}
        for i in range(6)
    ]


def test_lapsed_shard_sends_after_other_count_paid_and_sibling_rewrote_count(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    production_connections(monkeypatch, tremendous_sandbox)
    monkeypatch.setattr(registry, "LEASE_TTL", dt.timedelta(seconds=0.5))
    monkeypatch.setattr(registry, "HEARTBEAT", dt.timedelta(seconds=0.05))
    real = history_module.read_history
    a_scanned, others_done = threading.Event(), threading.Event()
    first = {"a": True}

    def slow_scan(adapter: Any, *args: Any, **kwargs: Any) -> Any:
        result = real(adapter, *args, **kwargs)
        if first.pop("a", False):  # run A's scan is read; A stays 'scanning' (no heartbeat)
            a_scanned.set()
            others_done.wait(60)
        return result

    monkeypatch.setattr(history_module, "read_history", slow_scan)
    outcome: dict[str, Any] = {}

    def run_a() -> None:
        try:
            outcome["a"] = tango_bulk(
                tmp_path, _rows("T"), result_path=str(tmp_path / "a1.csv"), shard_index=1, shard_count=2
            ).execute(context(dag_id="payouts", task_id="pay", run_id="scheduled__1", map_index=1))
        except Exception as error:
            outcome["a"] = error

    thread = threading.Thread(target=run_a)
    thread.start()
    try:
        assert a_scanned.wait(60)
        time.sleep(1.0)  # A's lease lapses
        # run B: unsharded, a corrected export; pays everyone and releases
        outcome["b"] = tango_bulk(tmp_path, _rows("X"), result_path=str(tmp_path / "b.csv")).execute(
            context(dag_id="payouts", task_id="pay", run_id="manual__2")
        )
        # A's sibling shard 0 of 2 starts late: it claims (shards record -> count 2 again); its fresh scan may refuse
        try:
            outcome["a0"] = tango_bulk(
                tmp_path, _rows("T"), result_path=str(tmp_path / "a0.csv"), shard_index=0, shard_count=2
            ).execute(context(dag_id="payouts", task_id="pay", run_id="scheduled__1", map_index=0))
        except Exception as error:
            outcome["a0"] = error
        print("shards record:", {k: v for k, v in registry_store.__dict__.items()})
    finally:
        others_done.set()
        thread.join(60)
    print("A1:", outcome.get("a"))
    print("A0:", outcome.get("a0"))
    orders = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    paid = Counter(str(o.get("email")) for o in orders if o.get("status") != "FAILED")
    assert all(count == 1 for count in paid.values()), f"paid twice: {dict(paid)}"

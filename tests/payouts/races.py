"""A harness for payout-registry races on the sandbox: leases that lapse in half a second, and a run held inside
its vendor scan (a long Tango scan at 1 request/s, compressed) while other runs go."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from typing import Any

import pytest

from airflow_provider_tremendous.payouts import history as history_module
from airflow_provider_tremendous.payouts import registry


def compress_lease(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lease lapses after 0.5 s without a heartbeat (15 minutes in real use)."""
    monkeypatch.setattr(registry, "LEASE_TTL", dt.timedelta(seconds=0.5))
    monkeypatch.setattr(registry, "HEARTBEAT", dt.timedelta(seconds=0.05))


def people(prefix: str, count: int) -> list[dict[str, Any]]:
    """The same ``count`` people (emails t0@, t1@, …) under keys ``<prefix>00000…``: a corrected export of one
    payout keys them differently."""
    return [
        {"respondent_id": f"{prefix}{i:05d}", "amount": "5.00", "name": f"Resp {i}", "email": f"t{i}@example.com"}
        for i in range(count)
    ]


def paid_per_email(sandbox: Any) -> Counter[str]:
    """How many Tango orders not FAILED each email has."""
    orders = sandbox.admin.tangocard_ledger()["orders"]
    return Counter(str(o.get("email")) for o in orders if o.get("status") != "FAILED")


class HeldRun:
    """One run in a thread, held inside its first vendor scan — before reading it (``read_after=False``) or after
    (a stale scan) — until :meth:`finish`; then the lease has lapsed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, read_after: bool = True) -> None:
        self.scanning, self.released = threading.Event(), threading.Event()
        self.outcome: Any = None
        real, first = history_module.read_history, [True]

        def held_scan(adapter: Any, *args: Any, **kwargs: Any) -> Any:
            if not first or not first.pop():
                return real(adapter, *args, **kwargs)
            result = real(adapter, *args, **kwargs) if read_after else None
            self.scanning.set()
            self.released.wait(60)
            return result if read_after else real(adapter, *args, **kwargs)

        monkeypatch.setattr(history_module, "read_history", held_scan)

    def start(self, operator: Any, context: dict[str, Any]) -> None:
        def run() -> None:
            executor_safeguard_for_this_thread()
            try:
                self.outcome = operator.execute(context)
            except Exception as error:  # a refusal is what the race tests expect
                self.outcome = error

        self.thread = threading.Thread(target=run)
        self.thread.start()
        assert self.scanning.wait(60), f"the held run never reached its vendor scan: {self.outcome!r}"
        time.sleep(1.0)  # the held run's lease lapses: no heartbeat during a scan

    def finish(self) -> Any:
        self.released.set()
        self.thread.join(60)
        return self.outcome


def executor_safeguard_for_this_thread() -> None:
    """Airflow 2's ``ExecutorSafeguard`` keeps its callers in a thread-local set up in the importing thread only:
    ``execute`` in another thread fails with ``'_thread._local' object has no attribute 'callers'``."""
    try:
        from airflow.models.baseoperator import ExecutorSafeguard
    except ImportError:  # Airflow 3 has none
        return
    if not hasattr(ExecutorSafeguard._sentinel, "callers"):
        ExecutorSafeguard._sentinel.callers = {}

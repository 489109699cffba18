"""Where a payout run keeps, across tries and workers, since when the payout has been paying on an account.

On Airflow 3.3+ that is the task state store (``context["task_state_store"]``: per task instance, kept across
retries and workers, here with ``NEVER_EXPIRE``). On older Airflow there is no such store: the result file's lines
and the operator's ``created_after`` carry it, else the run scans a bounded lookback (docs/bulk_payouts.md).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from airflow_provider_tremendous.core.clock import parse_time as parse_time  # re-exported: its old home
from airflow_provider_tremendous.core.markers import TaskStateStore, task_state_store
from airflow_provider_tremendous.payouts.ledger import Identity

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.history import PayoutHistory

#: How far before a recorded start the vendor scan begins: clocks (the worker's, the vendor's) disagree by seconds,
#: sometimes minutes.
SKEW_PAD = dt.timedelta(minutes=15)


class SinceRecord(Protocol):
    """Since when a payout has been paying on one account, kept somewhere durable."""

    def get(self) -> str | None: ...

    def set(self, since: str) -> None: ...


class TaskStateRecord:
    """The record in Airflow 3.3's task state store, keyed by payout, vendor and account."""

    def __init__(self, store: TaskStateStore, identity: Identity) -> None:
        self.store = store
        self.key = f"tremendous_payout:{identity.payout_id}:{identity.vendor}:{identity.account}"

    def get(self) -> str | None:
        since = (self.store.get(self.key) or {}).get("since")
        return since if isinstance(since, str) and parse_time(since) is not None else None

    def set(self, since: str) -> None:
        self.store.set(self.key, {"since": since})


def since_record(context: Any, identity: Identity) -> SinceRecord | None:
    """The durable record for this task instance, or ``None`` where Airflow has no task state store."""
    store = task_state_store(context)
    return TaskStateRecord(store, identity) if store is not None else None


def recorded_since(*candidates: str | None) -> dt.datetime | None:
    """The earliest recorded start of the payout on this account among the task state store's, the result file's
    and the operator's ``created_after`` (those present)."""
    moments = [moment for moment in (parse_time(c) for c in candidates if c) if moment is not None]
    return min(moments) if moments else None


def window_start(recorded: dt.datetime | None, started: dt.datetime, lookback_days: float) -> str:
    """Where the vendor scan begins: the recorded start less :data:`SKEW_PAD`, else ``lookback_days`` back."""
    if recorded is not None:
        return (recorded - SKEW_PAD).isoformat()
    return (started - dt.timedelta(days=lookback_days)).isoformat()


def payout_start(recorded: dt.datetime | None, history: PayoutHistory, started: dt.datetime) -> str:
    """When the payout began on this account, as far as anyone knows: the earliest of its record, its orders at the
    vendor, and this run's start (recorded before the first order, so every later order is after it)."""
    moments = [started, *([recorded] if recorded else [])]
    moments += [m for m in (parse_time(o.created_at) for o in history.by_id.values() if o.created_at) if m]
    return min(moments).isoformat()


def sibling_results(payout_id: str, result_path: str) -> list[str]:
    """This payout's other default result files on this worker: other vendors' and accounts' folders (a vendor or
    account switch with default paths), and the default path of versions before accounts were recorded."""
    root = Path(tempfile.gettempdir()) / "tremendous-payouts"
    found = [*root.glob(f"*/{payout_id}.csv"), *root.glob(f"*/{payout_id}-shard*of*.csv")]
    found += [root / f"{payout_id}.csv", *root.glob(f"{payout_id}-shard*of*.csv")]
    return sorted({str(p) for p in found if p.is_file() and str(p) != result_path})

"""One payout, one place, one run at a time: what every worker and every DAG run can see of a payout.

A result file lives on one worker and a task state store belongs to one task instance; neither tells a fresh
worker in another DAG run that this payout already paid on another production account, or that another run of it
is sending right now. The registry does, in Airflow Variables (the metadata database every worker shares, on
Airflow 2.11 and 3.x alike), without recipient data or secrets:

* ``tremendous_payout__<payout_id>``: the *places* the payout paid from — vendor, account fingerprint, since when —
  recorded by production runs before their first order. A production run on another place is refused unless
  ``allow_other_accounts``; sandbox runs are never recorded and never refused (rehearse, then pay).
* ``tremendous_payout__<payout_id>__<environment>__shards``: the shard count of the runs now sending, and
  ``tremendous_payout__<payout_id>__<environment>__lease_<i>of<n>``: which task instance sends shard ``i`` of ``n``,
  with a heartbeat (per environment: a sandbox rehearsal never blocks production). A run finding a live lease
  of another task instance on its shard, or a live run of the payout with another shard count, is refused before
  anything is sent; the lease is confirmed again right before the first order, after the vendor scan. A retry of
  the same task instance takes its lease over (Airflow runs one try of a task instance at a time); a lease whose
  heartbeat is older than :data:`LEASE_TTL` (a killed worker) is free.

Variables have no compare-and-set, so a claim is *written, then read back* after :data:`SETTLE_SECONDS`: of two
runs that claim at once, every one that sees another's claim backs off (both may; neither sends). That detects
every pair whose read-to-write gap is shorter than the settle delay — milliseconds against seconds. For strict
mutual exclusion as well, give the payout task ``max_active_runs=1`` or a pool with one slot (docs/bulk_payouts.md).
The vendor's idempotency keys stay the last line: two runs sending the same key cannot pay it twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.core.markers import JsonStore, VariableStore
from airflow_provider_tremendous.payouts.ledger import PRODUCTION, Identity

log = logging.getLogger(__name__)

#: A lease whose heartbeat is older than this belongs to a run that died (heartbeats come every HEARTBEAT).
LEASE_TTL = dt.timedelta(minutes=15)
#: How often a sending run renews its lease.
HEARTBEAT = dt.timedelta(minutes=1)
#: How long a claim waits before reading it back (longer than any run's read-to-write gap).
SETTLE_SECONDS = 3.0

Clock = Callable[[], dt.datetime]


#: Where the registry's records live: JSON objects by key (Airflow Variables; a dict in tests).
RegistryStore = JsonStore


def variable_store() -> RegistryStore:
    """The store a run uses (tests replace this factory with an in-memory store)."""
    return VariableStore()


def holder_of(context: Any) -> str:
    """The task instance a lease belongs to (``dag/task/run/map_index``); its retries are the same holder."""
    ti = context.get("ti") if hasattr(context, "get") else None
    if ti is None:
        import os
        import socket

        return f"process {socket.gethostname()}:{os.getpid()}"
    parts = (getattr(ti, name, "?") for name in ("dag_id", "task_id", "run_id", "map_index"))
    return "/".join(str(part) for part in parts)


def registry_key(payout_id: str, suffix: str = "") -> str:
    """The Variable's name (Variable keys are at most 250 characters: long ids are hashed)."""
    name = payout_id if len(payout_id) <= 120 else hashlib.sha256(payout_id.encode()).hexdigest()
    return f"tremendous_payout__{name}{suffix}"


class PayoutRegistry:
    """The cross-run record of one shard of one payout: where it pays, and who is sending it now."""

    def __init__(
        self,
        store: RegistryStore,
        identity: Identity,
        holder: str,
        shard: tuple[int, int],
        clock: Clock = lambda: dt.datetime.now(dt.timezone.utc),
        settle: float = SETTLE_SECONDS,
    ) -> None:
        self.store, self.identity, self.holder, self.clock, self.settle = store, identity, holder, clock, settle
        self.index, self.count = shard[0], shard[1]
        self._beat: dt.datetime | None = None
        self.off = False  # the store failed on the sandbox: the guards are off for this run (logged)
        self.allow_other_accounts = False
        #: This claim (a try of a task instance): a later claim of the same shard, even by a retry, replaces it.
        self.claim_id = uuid.uuid4().hex
        #: The generation of the shard-count record this claim saw (see :meth:`_record_shard_count`).
        self.generation: Any = None
        self._claimed = False

    # -- the run's calls ----------------------------------------------------------------------------------------
    def begin(self, allow_other_accounts: bool, sending: bool) -> None:
        """Before anything is sent: refuse a production payout recorded on another place; claim the lease."""
        self.allow_other_accounts = allow_other_accounts
        self._guarded(lambda: self.check_places(allow_other_accounts))
        if sending:
            self._guarded(self.claim)

    def before_first_order(self, since: str) -> None:
        """Right before the first order (after the vendor scan, which may outlast the lease): confirm the lease is
        still this run's, then record this production place, refusing if another one was recorded meanwhile."""
        self._guarded(self._confirm_lease)
        self._guarded(lambda: self.record_place(since))

    def _confirm_lease(self) -> None:
        """Refuse to send when the lease is no longer this claim's (another run claimed it while this one read the
        vendor, even if that run has finished since: what this run read may be stale), else renew it."""
        if self._beat is None:  # not claimed (a dry run)
            return
        lost = self._lost()
        if lost is not None:
            raise InputError(concurrent_message(self.identity.payout_id, f"{lost} while this run read the vendor"))
        self._write_lease()

    def _lost(self) -> str | None:
        """Why this claim no longer holds the payout — its lease now carries another claim (live, released or
        expired), or the runs now record another shard count — or ``None``."""
        lease = self.store.get(self._lease_key(self.index, self.count)) or {}
        if lease.get("claim") != self.claim_id:
            return f"another run ({lease.get('holder', 'unknown')}) claimed this payout's shard"
        shards = self.store.get(self._shards_key()) or {}
        if shards.get("count") != self.count or shards.get("generation") != self.generation:
            return f"a run with shard_count={shards.get('count')} claimed this payout"
        return None

    def _guarded(self, step: Callable[[], None]) -> None:
        """Run a registry step; a store that fails refuses a production run and is logged on the sandbox."""
        if self.off:
            return
        try:
            step()
        except InputError:
            raise
        except Exception as error:
            if self.identity.environment == PRODUCTION:
                raise InputError(
                    f"payout {self.identity.payout_id}: the payout registry (Airflow Variable "
                    f"{registry_key(self.identity.payout_id)}) could not be used ({type(error).__name__}: {error}); "
                    "nothing was sent. It is how runs on other workers and DAG runs see this payout's accounts "
                    "and each other; fix the metadata database access, or pass payout_registry=False to pay "
                    "without those guards (docs/bulk_payouts.md)"
                ) from None
            self.off = True
            log.warning(
                "Payout %s: the payout registry is unavailable (%s); on the sandbox the run goes on without "
                "cross-run guards",
                self.identity.payout_id,
                error,
            )

    # -- places -------------------------------------------------------------------------------------------------
    @property
    def place(self) -> str:
        return f"{self.identity.vendor}-{self.identity.account}"

    def other_places(self) -> list[dict[str, Any]]:
        """The production places other than this one the payout recorded paying from."""
        places = (self.store.get(registry_key(self.identity.payout_id)) or {}).get("places") or {}
        return [place for name, place in sorted(places.items()) if name != self.place and isinstance(place, dict)]

    def check_places(self, allow_other_accounts: bool) -> None:
        """Refuse a production run of a payout that paid from another production place (sandbox: never)."""
        if self.identity.environment != PRODUCTION or allow_other_accounts:
            return
        others = self.other_places()
        if others:
            raise InputError(other_place_message(self.identity, others[0], len(others)))

    def record_place(self, since: str) -> None:
        """Record, before the first order, that this payout pays from this production place, refusing when another
        production place is recorded (unless ``allow_other_accounts``); then read it back: of two runs on two places
        that record at the same moment, the one whose record was overwritten, or that sees the other's, refuses."""
        if self.identity.environment != PRODUCTION:
            return
        self.check_places(self.allow_other_accounts)
        key = registry_key(self.identity.payout_id)
        record = self.store.get(key) or {}
        places = dict(record.get("places") or {})
        if self.place in places:
            return
        places[self.place] = {
            "vendor": self.identity.vendor,
            "account": self.identity.account,
            "since": since,
            "by": self.holder,
        }
        self.store.set(key, {**record, "payout_id": self.identity.payout_id, "places": places})
        self._settle()
        mine = (self.store.get(key) or {}).get("places") or {}
        if self.place not in mine:
            raise InputError(
                f"payout {self.identity.payout_id}: another run recorded another account for this payout at the "
                "same moment; nothing was sent. Run the payout from one account at a time"
            )
        self.check_places(self.allow_other_accounts)

    # -- leases -------------------------------------------------------------------------------------------------
    def _lease_key(self, index: int, count: int) -> str:
        """Leases are per environment: a sandbox rehearsal never blocks the production run (nor the reverse)."""
        return registry_key(self.identity.payout_id, f"__{self.identity.environment}__lease_{index}of{count}")

    def _shards_key(self) -> str:
        return registry_key(self.identity.payout_id, f"__{self.identity.environment}__shards")

    def _live(self, lease: dict[str, Any] | None) -> bool:
        """A lease held by another task instance whose heartbeat is recent."""
        if not lease or lease.get("released") or lease.get("holder") == self.holder:
            return False
        from airflow_provider_tremendous.payouts.records import parse_time

        beat = parse_time(lease.get("heartbeat"))
        return beat is not None and self.clock() - beat < LEASE_TTL

    def _conflict(self) -> str | None:
        """Why another run holds this payout now, or ``None``."""
        mine = self.store.get(self._lease_key(self.index, self.count))
        if self._live(mine):
            assert mine is not None
            return f"shard {self.index + 1} of {self.count} is being sent by {mine.get('holder')}"
        recorded = (self.store.get(self._shards_key()) or {}).get("count")
        if isinstance(recorded, int) and recorded != self.count:
            for index in range(recorded):
                lease = self.store.get(self._lease_key(index, recorded))
                if self._live(lease):
                    assert lease is not None
                    return f"a run with shard_count={recorded} is sending (shard {index + 1}, {lease.get('holder')})"
        return None

    def claim(self) -> None:
        """Take this shard's lease, or refuse the run (nothing sent) while another run of the payout sends."""
        conflict = self._conflict()
        if conflict is None:
            self._claimed = True  # from here on, release() frees a lease that carries this claim
            self._write_lease()
            self._record_shard_count()
            self._settle()
            conflict = self._conflict()
            if conflict is not None:
                self.release()
            self.generation = (self.store.get(self._shards_key()) or {}).get("generation")
        if conflict is not None:
            raise InputError(concurrent_message(self.identity.payout_id, conflict))

    def _record_shard_count(self) -> None:
        """Record the shard count of the runs now sending. A change of count starts a new *generation*, so a run
        can tell that another count claimed the payout while it read the vendor even if the count has changed
        back since; mapped shards of one run that change it at once read back the same generation after the settle
        delay, and later siblings find their count recorded and keep it."""
        key = self._shards_key()
        shards = self.store.get(key) or {}
        if shards.get("count") != self.count:  # a generation never repeats, even if the record is deleted by hand
            self.store.set(key, {"count": self.count, "generation": uuid.uuid4().hex})

    def heartbeat(self) -> str | None:
        """Renew the lease (at most every :data:`HEARTBEAT`). Returns why the run must stop when its claim was
        lost (it stalled past :data:`LEASE_TTL` and another run claimed the payout); a failed renewal is logged."""
        if self.off or self._beat is None or self.clock() - self._beat < HEARTBEAT:
            return None
        error: Exception | None = None
        for _attempt in range(2):  # a single blip is retried at once
            try:
                lost = self._lost()
                if lost is not None:
                    return f"{lost} while this one stalled"
                self._write_lease()
                return None
            except Exception as failure:  # the run goes on while its lease lasts
                error = failure
        log.warning("Payout %s: could not renew its run lease: %s", self.identity.payout_id, error)
        age = self.clock() - self._beat
        if self.identity.environment == PRODUCTION and age >= LEASE_TTL - 2 * HEARTBEAT:
            return (
                f"the run lease was last renewed {int(age.total_seconds() // 60)} minutes ago and cannot be renewed "
                f"now ({error}): it expires after {int(LEASE_TTL.total_seconds() // 60)}, and another run may then "
                "hold the payout"
            )
        return None

    def release(self) -> None:
        """Free the lease at the end of the run, if it is still this claim's (a killed run's lease expires after
        :data:`LEASE_TTL`)."""
        if self.off or not self._claimed:
            return
        key = self._lease_key(self.index, self.count)
        try:
            if (self.store.get(key) or {}).get("claim") == self.claim_id:
                self.store.set(key, {"holder": self.holder, "claim": self.claim_id, "released": True})
        except Exception as error:
            log.warning("Payout %s: could not release its run lease: %s", self.identity.payout_id, error)

    def _write_lease(self) -> None:
        now = self.clock()
        lease = {"holder": self.holder, "claim": self.claim_id, "heartbeat": now.isoformat()}
        self.store.set(self._lease_key(self.index, self.count), lease)
        self._beat = now  # renewed only once written

    def _settle(self) -> None:
        if self.settle > 0:
            time.sleep(self.settle)


def other_place_message(identity: Identity, place: dict[str, Any], count: int) -> str:
    return (
        f"payout {identity.payout_id} paid from {count} other production account(s) (recorded in the Airflow "
        f"Variable {registry_key(identity.payout_id)}: {place.get('vendor')} account {place.get('account')}, since "
        f"{place.get('since')}), and this connection pays from {identity.label}. Paying here could pay those people "
        "twice, once per account. Nothing was sent. Finish the payout on the account that began it, or, if paying "
        "here is deliberate, pass allow_other_accounts=True (each person may then be paid once per account), or use "
        "a new payout_id"
    )


def concurrent_message(payout_id: str, conflict: str) -> str:
    return (
        f"payout {payout_id}: another run of this payout is sending now ({conflict}); nothing was sent. Two runs at "
        "once (a manual and a scheduled run, a changed shard_count) could pay recipients the other run also pays. "
        f"Wait for it to finish (a killed run's lease expires {int(LEASE_TTL.total_seconds() // 60)} minutes after "
        "its last heartbeat), then retry; the retry pays only what is still missing"
    )


def open_registry(context: Any, identity: Identity, shard: tuple[int, int]) -> PayoutRegistry:
    """The registry of ``identity``'s payout for the task instance in ``context``, in Airflow Variables."""
    return PayoutRegistry(variable_store(), identity, holder_of(context), shard, settle=SETTLE_SECONDS)

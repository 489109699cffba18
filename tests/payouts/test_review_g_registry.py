"""Fourth adversarial review of issue 12 (the generation and renewal fixes): protocol-level reproductions.
(in-memory store, fake clock, no settle delay), in the style of tests/payouts/test_payout_registry.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousInputError
from airflow_provider_tremendous.payouts.ledger import Identity
from airflow_provider_tremendous.payouts.registry import HEARTBEAT, LEASE_TTL, PayoutRegistry, registry_key

SHARDS = registry_key("p-1", "__production__shards")


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


def _reg(store: Any, clock: Clock, holder: str, shard: tuple[int, int]) -> PayoutRegistry:
    return PayoutRegistry(store, Identity("p-1", "tangocard", "acct", "production"), holder, shard, clock, settle=0)


# -- (a) a generation that restarts: the shards record deleted by hand -------------------------------------------
def test_a_recreated_shards_record_repeats_a_generation_and_the_stale_shard_sends(registry_store: Any) -> None:
    """A (shard 1 of 2) claims: record {count 2, generation 1}; its vendor scan outlasts the lease. B (shard_count=1,
    a corrected export) claims ({1, 2}), pays everyone, releases. The operator cleans the payout's Variables up
    (deletes `__production__shards`). A's sibling shard 0 of 2 starts late and claims: the record is rebuilt from
    nothing as {count 2, generation 1} -- exactly what A saw. A resumes and its pre-send confirmation passes, so A
    sends on a scan read before B paid (rule 1)."""
    clock = Clock()
    a1 = _reg(registry_store, clock, "payouts/pay/scheduled__1/1", (1, 2))
    a1.begin(False, sending=True)
    assert a1.generation is not None
    clock.now += LEASE_TTL + dt.timedelta(seconds=1)  # A's scan outlasts its lease
    b = _reg(registry_store, clock, "payouts/pay/manual__2/-1", (0, 1))
    b.begin(False, sending=True)
    b.before_first_order(clock.now.isoformat())
    b.release()  # B paid everyone and finished
    registry_store.records.pop(SHARDS)  # deleted by hand (the docs only name the __lease_* Variables for that)
    a0 = _reg(registry_store, clock, "payouts/pay/scheduled__1/0", (0, 2))
    a0.begin(False, sending=True)  # A's sibling, started late
    print("shards record now:", registry_store.get(SHARDS), "A's generation:", a1.generation)
    with pytest.raises(TremendousInputError, match="while this run read the vendor"):
        a1.before_first_order(clock.now.isoformat())  # A would send on its stale scan


# -- (b) a single transient failure after a long gap between heartbeats -------------------------------------------
class Flaky:
    """The shared store; the next ``fail`` writes raise (one transient blip)."""

    def __init__(self, store: Any) -> None:
        self.store, self.fail = store, 0

    def get(self, key: str) -> Any:
        return self.store.get(key)

    def set(self, key: str, value: Any) -> None:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("metadata database: connection reset")
        self.store.set(key, value)


def test_one_failed_renewal_after_a_long_scan_is_reported_as_13_minutes_of_outage(registry_store: Any) -> None:
    """A production run claims, then reads the vendor for 13.5 minutes (no heartbeat during the scan; nothing is
    unpaid, so before_first_order does not renew). The first renewal attempt after the scan hits one transient
    failure: heartbeat() returns a stop (fatal: the run fails though it had nothing to send) claiming the registry
    was unreachable for 13 minutes -- it was tried once. The lease is still valid for 1.5 minutes and the next
    renewal succeeds. Lesser defect (rule 2: false refusal)."""
    clock = Clock()
    view = Flaky(registry_store)
    a = _reg(view, clock, "payouts/pay/scheduled__1/-1", (0, 1))
    a.begin(False, sending=True)
    clock.now += dt.timedelta(minutes=13, seconds=30)  # the vendor scan
    view.fail = 1
    first = a.heartbeat()
    clock.now += dt.timedelta(seconds=5)
    second = a.heartbeat()
    assert second is None  # the registry is reachable again; the lease was never lost
    assert first is None, f"one transient failure stopped the run: {first!r}"


# -- (c) a claim refused half-way whose lease write did land ---------------------------------------------------
class CommitThenFail:
    """A write that commits but reports an error (the connection drops after the commit)."""

    def __init__(self, store: Any) -> None:
        self.store, self.armed = store, True

    def get(self, key: str) -> Any:
        return self.store.get(key)

    def set(self, key: str, value: Any) -> None:
        self.store.set(key, value)
        if self.armed and "__lease_" in key:
            self.armed = False
            raise ConnectionError("connection lost after commit")


def test_a_claim_refused_after_its_lease_write_landed_is_not_released(registry_store: Any) -> None:
    """run.py now calls begin() inside the try whose finally releases, so that "a claim refused half-way is
    released". But _write_lease sets _beat only after a successful write, and release() returns early when _beat is
    None: a lease write that landed but reported an error is never released, and another DAG run of the payout is
    refused for LEASE_TTL (15 minutes) by a run that refused and sent nothing. Lesser defect (rule 2)."""
    clock = Clock()
    a = _reg(CommitThenFail(registry_store), clock, "payouts/pay/scheduled__1/-1", (0, 1))
    with pytest.raises(TremendousInputError, match="could not be used"):
        try:
            a.begin(False, sending=True)
        finally:
            a.release()  # what PayoutRun.execute does
    clock.now += dt.timedelta(minutes=1)
    b = _reg(registry_store, clock, "payouts/pay/manual__2/-1", (0, 1))
    b.begin(False, sending=True)  # refused: "shard 1 of 1 is being sent by payouts/pay/scheduled__1/-1"


# -- what held (these pass) -------------------------------------------------------------------------------------
def test_siblings_claiming_at_different_times_and_retries_share_one_generation(registry_store: Any) -> None:
    clock = Clock()
    registry_store.set(SHARDS, {"count": 3, "generation": 5})  # an earlier run with 3 shards finished
    a0 = _reg(registry_store, clock, "d/t/r/0", (0, 2))
    a0.begin(False, sending=True)
    clock.now += dt.timedelta(minutes=5)
    a1 = _reg(registry_store, clock, "d/t/r/1", (1, 2))
    a1.begin(False, sending=True)
    a1.release()
    a1_retry = _reg(registry_store, clock, "d/t/r/1", (1, 2))
    a1_retry.begin(False, sending=True)
    assert a0.generation == a1_retry.generation is not None
    for reg in (a0, a1_retry):
        reg.before_first_order(clock.now.isoformat())
        clock.now += HEARTBEAT
        assert reg.heartbeat() is None


def test_racing_siblings_from_one_base_write_the_same_generation(registry_store: Any) -> None:
    clock = Clock()
    registry_store.set(SHARDS, {"count": 3, "generation": 5})
    a0 = _reg(registry_store, clock, "d/t/r/0", (0, 2))
    a1 = _reg(registry_store, clock, "d/t/r/1", (1, 2))
    assert a0._conflict() is None and a1._conflict() is None
    base = registry_store.get(SHARDS)
    a0._write_lease()
    a0._record_shard_count()
    registry_store.set(SHARDS, base)  # a1 read the record before a0's write landed
    a1._write_lease()
    a1._record_shard_count()
    assert registry_store.get(SHARDS)["count"] == 2
    a0.generation = a1.generation = registry_store.get(SHARDS)["generation"]  # read back after the settle delay
    assert a0._lost() is None and a1._lost() is None


def test_a_legacy_shards_record_without_generation_still_detects_aba(registry_store: Any) -> None:
    clock = Clock()
    registry_store.set(SHARDS, {"count": 2})  # written by the previous release
    a1 = _reg(registry_store, clock, "d/t/r/1", (1, 2))
    a1.begin(False, sending=True)
    assert a1.generation is None
    clock.now += LEASE_TTL + dt.timedelta(seconds=1)
    b = _reg(registry_store, clock, "d/t/m/-1", (0, 1))
    b.begin(False, sending=True)
    b.release()
    a0 = _reg(registry_store, clock, "d/t/r/0", (0, 2))
    a0.begin(False, sending=True)
    with pytest.raises(TremendousInputError):
        a1.before_first_order(clock.now.isoformat())


def test_an_outage_on_the_sandbox_never_stops_and_single_blips_early_do_not(registry_store: Any) -> None:
    clock = Clock()
    view = Flaky(registry_store)
    sandbox = PayoutRegistry(view, Identity("p-1", "tangocard", "acct", "sandbox"), "d/t/r/-1", (0, 1), clock, 0)
    prod = _reg(view, clock, "d/t/r/-1", (0, 1))
    sandbox.begin(False, sending=True)
    prod.begin(False, sending=True)
    for _ in range(20):
        clock.now += HEARTBEAT
        view.fail = 1
        assert sandbox.heartbeat() is None
    prod2 = _reg(registry_store, clock, "d/t/r2/-1", (0, 1))
    prod2._beat = None
    view2 = Flaky(registry_store)
    p = _reg(view2, clock, "d/t/r3/-1", (0, 3))
    p.begin(False, sending=True)
    for minute in range(30):  # one blip every other minute: never 13 minutes without a renewal
        clock.now += HEARTBEAT
        view2.fail = minute % 2
        assert p.heartbeat() is None


def test_a_refused_claim_never_releases_the_winners_lease(registry_store: Any) -> None:
    clock = Clock()
    a = _reg(registry_store, clock, "d/t/r/-1", (0, 1))
    b = _reg(registry_store, clock, "d/t/m/-1", (0, 1))
    assert a._conflict() is None and b._conflict() is None
    a._write_lease()
    b._write_lease()  # b wins the key
    assert a._conflict() is not None
    a.release()
    assert registry_store.get(registry_key("p-1", "__production__lease_0of1")).get("claim") == b.claim_id

"""Third adversarial review of issue 12 (the claim fix):
a production run that cannot reach the registry keeps sending forever.

`heartbeat()` logs a failed renewal and returns None, however long the failures last. Once the run's last
successful renewal is older than LEASE_TTL its lease is expired for everyone else: another DAG run (on a worker
that can reach the store) claims the payout and sends, while this one, blind, keeps sending too — two runs of one
payout sending at once on one account, which the lease exists to prevent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow_provider_tremendous.payouts.ledger import Identity
from airflow_provider_tremendous.payouts.registry import HEARTBEAT, LEASE_TTL, PayoutRegistry


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


class Outage:
    """The shared store as one worker sees it: failing while ``down``."""

    def __init__(self, store: Any) -> None:
        self.store, self.down = store, False

    def get(self, key: str) -> Any:
        if self.down:
            raise ConnectionError("metadata database unreachable")
        return self.store.get(key)

    def set(self, key: str, value: Any) -> None:
        if self.down:
            raise ConnectionError("metadata database unreachable")
        self.store.set(key, value)


def test_a_run_blind_to_the_registry_past_its_lease_keeps_sending(registry_store: Any) -> None:
    clock = Clock()
    identity = Identity("p-1", "tangocard", "acct", "production")
    a_view = Outage(registry_store)
    a = PayoutRegistry(a_view, identity, "dag/pay/scheduled/-1", (0, 1), clock, settle=0)
    b = PayoutRegistry(registry_store, identity, "dag/pay/manual/-1", (0, 1), clock, settle=0)
    a.begin(False, sending=True)
    a.before_first_order("2026-01-01T00:00:00+00:00")  # A is sending
    a_view.down = True  # A's worker loses the metadata database; A keeps sending, a heartbeat per outcome
    blind = dt.timedelta(0)
    reason = None
    while reason is None and blind <= LEASE_TTL + HEARTBEAT:
        clock.now += HEARTBEAT
        blind += HEARTBEAT
        reason = a.heartbeat()
    assert reason is not None, "A has not renewed its lease for longer than LEASE_TTL yet goes on sending"
    assert blind < LEASE_TTL, "A stops only after its lease expired: B may already be sending next to it"
    clock.now += LEASE_TTL  # A's lease expires (A could not release it): B claims; A stopped before that
    b.begin(False, sending=True)

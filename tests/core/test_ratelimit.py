"""The client-side rate limiter: evenly spaced slots, shared by threads and by hooks of one account."""

from __future__ import annotations

import itertools
import threading

import pytest

from airflow_provider_tremendous.core.transport.ratelimit import RateLimiter, shared_rate_limiter
from airflow_provider_tremendous.hooks import TremendousHook
from tests.conftest import conn_json
from tests.support.hooks import ORDER, recording_hook
from tests.support.http_stub import Reply, StubServer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_slots_are_spaced_at_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock)
    waits = [limiter.reserve() for _ in range(5)]
    assert waits == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])


def test_idle_time_is_not_banked_into_a_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock)
    limiter.reserve()
    clock.now += 60
    assert [limiter.reserve() for _ in range(3)] == pytest.approx([0.0, 0.1, 0.2])


def test_disabled_limiter_never_waits() -> None:
    assert RateLimiter(None).reserve() == 0.0
    assert RateLimiter(0).reserve() == 0.0


def test_threads_get_distinct_slots_at_least_one_interval_apart() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            wait = limiter.reserve()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(waits)
    assert len(ordered) == 200
    assert all(b - a == pytest.approx(0.1) for a, b in itertools.pairwise(ordered))


def test_hooks_of_one_account_share_one_limiter() -> None:
    a = shared_rate_limiter("http://x/api/v2", "key-1", 10)
    b = shared_rate_limiter("http://x/api/v2/", "key-1", 10)
    c = shared_rate_limiter("http://x/api/v2", "key-2", 10)
    assert a is b
    assert a is not c


def test_hook_waits_for_its_slot(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(stub.base_url, password="TEST_rate_test", rate_limit_per_second=2)
    )
    stub.default = lambda _: Reply.json({"order": ORDER})
    sleeps: list[float] = []
    hook = recording_hook(sleeps)
    for _ in range(4):
        hook.get_order("ORD1")
    # on the hook's virtual clock each wait passes: requests are sent 0.5 s apart
    assert sleeps == pytest.approx([0.5, 0.5, 0.5])
    assert TremendousHook().settings.rate_limit_per_second == 2


def test_a_margin_widens_every_interval() -> None:
    """Tango Card allows 1 request per second with no burst: 1.05 s apart, jitter cannot make one arrive early."""
    now = [0.0]
    limiter = RateLimiter(1.0, clock=lambda: now[0], margin=0.05)
    assert [limiter.reserve(), limiter.reserve(), limiter.reserve()] == pytest.approx([0.0, 1.05, 2.10])


def test_tango_connections_pace_with_a_margin() -> None:
    from types import SimpleNamespace

    from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
    from airflow_provider_tremendous.vendors.tangocard.connection import tangocard_settings_from_connection

    conn = SimpleNamespace(conn_id="tc", host=None, port=None, login="p", password="k", extra_dejson={})
    settings = tangocard_settings_from_connection(conn)
    limiter = TangoCardHook.sync_client_for(settings).limiter
    assert (limiter.rate_per_second, limiter.margin) == (1.0, 0.05)


def test_a_pause_holds_callers_that_had_already_reserved_a_slot() -> None:
    """Was: a 429 moved the next free slot, but a thread holding an earlier slot still sent at its time."""
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock)
    limiter.reserve()
    waiting = limiter.reserve()  # a second thread's slot, 0.1 s from now
    limiter.pause(1.0)  # the first request got a 429
    clock.now += waiting  # the second thread wakes at its slot
    assert limiter.held(), "it must not send now"
    again = limiter.reserve()
    assert again >= 1.0 - waiting - 1e-9, "its new slot is after the pause"
    clock.now += again
    assert not limiter.held()

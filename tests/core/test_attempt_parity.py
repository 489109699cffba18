"""The sync and async clients make the same decisions: both drive one attempt (``core/transport/attempt.py``).

Each scenario runs the same scripted answers through the sync hook (requests) and the async hook (httpx), on a
virtual clock and with the backoff jitter seeded alike, and compares what reached the server (method, path,
credentials), every wait, and what the caller got (result, or error type, text and ``may_have_reached_server``).
A transport error's text names the HTTP library's own exception (requests vs httpx), so only its type and
``may_have_reached_server`` are compared.
"""

from __future__ import annotations

import asyncio
import random
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.core.transport.attempt import (
    Acquire,
    Attempt,
    Blocking,
    Send,
    Sleep,
    attempt_steps,
)
from airflow_provider_tremendous.core.transport.ratelimit import RateLimiter
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse
from airflow_provider_tremendous.core.transport.tokens import clear_token_slots
from airflow_provider_tremendous.vendors.tremendous.errors import build_api_error
from tests.conftest import conn_json
from tests.support.hooks import ORDER, ORDER_BODY, oauth_connection, recording_async_hook, recording_hook
from tests.support.http_stub import Reply, StubServer

Call = Callable[[Any], Any]  # given a hook: its result (sync) or an awaitable of it (async)
GET_ORDER: Call = lambda hook: hook.get_order("ORD1")  # noqa: E731
CREATE_ORDER: Call = lambda hook: hook.create_order(ORDER_BODY)  # noqa: E731 - no external_id: not retry-safe
OK_ORDER = Reply.json({"order": ORDER})
EXPIRED = Reply.json({"errors": {"message": "The API key you provided is no longer valid."}}, 401)


@dataclass
class Run:
    """What one client did: the requests the server saw, the waits, each call's outcome, and whether the
    credential's renewal lock was still held afterwards (it never should be)."""

    requests: list[tuple[str, str, str]]
    sleeps: list[float]
    outcomes: list[tuple[str, ...]]
    lock_held: bool


def _outcome(value: Any) -> tuple[str, ...]:
    return ("ok", str(getattr(value, "id", value)))


def _failure(error: e.ProviderError) -> tuple[str, ...]:
    if isinstance(error, e.TransportError):
        return (type(error).__name__, f"may_have_reached_server={error.may_have_reached_server}")
    return (type(error).__name__, str(error))


def _prepare(stub: StubServer, script: list[Reply]) -> None:
    clear_token_slots()  # each client starts like a fresh process
    stub.reset()
    stub.add(*script)
    random.seed(1414)  # the same backoff jitter for both


def _seen(stub: StubServer) -> list[tuple[str, str, str]]:
    return [(r.method, r.path, r.headers.get("authorization", "")) for r in stub.requests]


def _run_sync(stub: StubServer, script: list[Reply], calls: list[Call], **kwargs: Any) -> Run:
    _prepare(stub, script)
    sleeps: list[float] = []
    hook = recording_hook(sleeps, **kwargs)
    outcomes: list[tuple[str, ...]] = []
    for call in calls:
        try:
            outcomes.append(_outcome(call(hook)))
        except e.ProviderError as error:
            outcomes.append(_failure(error))
    lock_held = hook.client.credentials.lock.locked()
    hook.client.close()
    return Run(_seen(stub), sleeps, outcomes, lock_held)


def _run_async(stub: StubServer, script: list[Reply], calls: list[Call], **kwargs: Any) -> Run:
    _prepare(stub, script)
    sleeps: list[float] = []
    outcomes: list[tuple[str, ...]] = []

    async def main() -> bool:
        hook = await recording_async_hook(sleeps, **kwargs)
        try:
            for call in calls:
                try:
                    outcomes.append(_outcome(await call(hook)))
                except e.ProviderError as error:
                    outcomes.append(_failure(error))
            return (await hook.get_async_client()).credentials.lock.locked()
        finally:
            await hook.aclose()

    lock_held = asyncio.run(main())
    return Run(_seen(stub), sleeps, outcomes, lock_held)


def _both(stub: StubServer, script: list[Reply], calls: list[Call], **kwargs: Any) -> Run:
    """Run the scenario with both clients; assert they did the same; return what they did."""
    sync = _run_sync(stub, script, calls, **kwargs)
    aio = _run_async(stub, script, calls, **kwargs)
    assert aio == sync
    assert not sync.lock_held
    return sync


def _conn(monkeypatch: pytest.MonkeyPatch, url: str, **extra: Any) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(url, **{"rate_limit_per_second": 0, **extra}))


def test_a_401_renews_the_token_and_repeats_once(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    oauth_connection(monkeypatch, stub, "old-token")
    token = Reply.json({"access_token": "new-token", "refresh_token": "refresh-rotated"})
    run = _both(stub, [EXPIRED, token, OK_ORDER], [CREATE_ORDER])
    assert run.requests == [
        ("POST", "/api/v2/orders", "Bearer old-token"),
        ("POST", "/oauth/token", ""),
        ("POST", "/api/v2/orders", "Bearer new-token"),
    ]
    assert run.sleeps == [] and run.outcomes == [("ok", "ORD1")]


def test_a_second_401_after_the_renewal_is_raised(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    oauth_connection(monkeypatch, stub, "old-token")
    run = _both(stub, [EXPIRED, Reply.json({"access_token": "still-bad"}), EXPIRED], [GET_ORDER])
    assert len(run.requests) == 3 and run.outcomes[0][0] == "UnauthorizedError"


def test_a_429_with_retry_after_pauses_then_repeats_even_a_post(
    stub: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _conn(monkeypatch, stub.base_url)
    slow_down = Reply.json({"error": {"message": "slow down"}}, 429, {"Retry-After": "3"})
    run = _both(stub, [slow_down, OK_ORDER], [CREATE_ORDER])
    assert [r[:2] for r in run.requests] == [("POST", "/api/v2/orders")] * 2
    assert run.sleeps == [3.0] and run.outcomes == [("ok", "ORD1")]


def test_limiter_pacing_and_a_429_pause_are_waited_alike(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _conn(monkeypatch, stub.base_url, rate_limit_per_second=4)
    slow_down = Reply.json({"error": {"message": "slow down"}}, 429, {"Retry-After": "2"})
    run = _both(stub, [OK_ORDER, slow_down, OK_ORDER, OK_ORDER], [GET_ORDER, GET_ORDER, GET_ORDER])
    assert len(run.requests) == 4 and run.outcomes == [("ok", "ORD1")] * 3
    assert run.sleeps[:2] == [0.25, 2.0]  # the second call's slot, then the Retry-After


def test_a_5xx_on_a_post_without_idempotency_key_is_raised_at_once(
    stub: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _conn(monkeypatch, stub.base_url)
    run = _both(stub, [Reply.json({"errors": {"message": "boom"}}, 503), OK_ORDER], [CREATE_ORDER])
    assert len(run.requests) == 1 and run.sleeps == []
    assert run.outcomes == [("ServerError", "Tremendous API 503 Server Error on POST /orders: boom")]


def test_5xx_on_a_read_is_retried_with_the_same_backoff(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _conn(monkeypatch, stub.base_url)
    run = _both(stub, [Reply(500), Reply(502), OK_ORDER], [GET_ORDER])
    assert len(run.requests) == 3 and len(run.sleeps) == 2 and run.outcomes == [("ok", "ORD1")]


def test_a_dropped_post_is_not_repeated(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _conn(monkeypatch, stub.base_url)
    run = _both(stub, [Reply(drop=True), OK_ORDER], [CREATE_ORDER])
    assert len(run.requests) == 1
    assert run.outcomes == [("TransportError", "may_have_reached_server=True")]


def test_connection_refused_is_retried_even_for_a_post(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _conn(monkeypatch, f"http://127.0.0.1:{port}/api/v2")
    run = _both(stub, [], [CREATE_ORDER], max_retries=3)
    assert run.requests == [] and len(run.sleeps) == 3
    assert run.outcomes == [("TransportError", "may_have_reached_server=False")]


def test_a_failed_token_request_releases_the_renewal_lock(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token request's transport error is thrown into the attempt, whose ``finally`` releases the lock."""
    oauth_connection(monkeypatch, stub, "old-token")
    run = _both(stub, [EXPIRED, Reply(drop=True)], [CREATE_ORDER])
    assert [r[1] for r in run.requests] == ["/api/v2/orders", "/oauth/token"]
    assert run.outcomes == [("TransportError", "may_have_reached_server=True")] and not run.lock_held


async def test_a_cancelled_renewal_releases_the_lock(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    oauth_connection(monkeypatch, stub, access_token="")
    stub.add(Reply(delay=1.0, body=b"{}"))  # the token endpoint is slow: the caller gives up meanwhile
    hook = await recording_async_hook([])
    task = asyncio.create_task(hook.get_order("ORD1"))
    await asyncio.sleep(0.3)
    assert hook._client is not None and hook._client.credentials.lock.locked()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not hook._client.credentials.lock.locked()
    await hook.aclose()


class _Credentials:
    """A credential without I/O: an OAuth token that the first answer (a 401) makes the attempt renew."""

    lock = threading.Lock()
    generation = 0
    needs_token = False

    def headers(self, request: ApiRequest) -> dict[str, str]:
        return {"Authorization": f"Bearer t{self.generation}"}

    def should_refresh(self, request: ApiRequest, response: RawResponse) -> bool:
        return response.status == 401

    def before_refresh(self) -> None:
        pass

    def refresh_request(self) -> ApiRequest:
        return ApiRequest("POST", "https://auth.example/token", absolute=True, authenticated=False)

    def another_token_after(self, response: RawResponse) -> bool:
        return False

    def apply_refresh(self, request: ApiRequest, response: RawResponse) -> None:
        self.generation += 1

    def after_refresh(self) -> None:
        pass


def test_the_attempt_alone_asks_for_each_effect_in_order() -> None:
    """Without any client: 401 → lock → token request → resend with the new token → 429 pauses the limiter."""
    now = [0.0]
    limiter = RateLimiter(None, clock=lambda: now[0])
    credentials = _Credentials()
    request = ApiRequest("GET", "/orders/ORD1")
    answers = iter([RawResponse(401, {}, b""), RawResponse(200, {}, b"{}"), RawResponse(429, {}, b"{}")])
    attempt = Attempt(attempt_steps(request, credentials, limiter, build_api_error))
    effects: list[object] = []
    step = attempt.start()
    with pytest.raises(e.RateLimitError):
        while not isinstance(step, RawResponse):
            effects.append(step)
            outcome: object = None
            if isinstance(step, Send):
                outcome = next(answers)
            elif isinstance(step, Acquire):
                step.lock.acquire()
            elif isinstance(step, Blocking):
                outcome = step.call()
            step = attempt.resume(outcome, None)
    assert [type(effect).__name__ for effect in effects] == [
        "Send",
        "Acquire",
        "Blocking",
        "Send",
        "Blocking",
        "Blocking",
        "Send",
    ]
    sends = [effect for effect in effects if isinstance(effect, Send)]
    assert [s.headers.get("Authorization") for s in sends] == ["Bearer t0", None, "Bearer t1"]
    assert not credentials.lock.locked()
    assert limiter.pause_left() == 1.0  # the 429 paused the account for the documented second
    assert not any(isinstance(effect, Sleep) for effect in effects)

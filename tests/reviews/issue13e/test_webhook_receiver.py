"""Webhook receiver findings (rule 2: never silently fail; the documented 401/409 behaviour)."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from airflow_provider_tremendous.vendors.tremendous.webhooks import WebhookEvent, verify_webhook_signature, webhook_app
from tests.reviews.issue13e.wh import post, signed


def test_a_non_ascii_signature_is_refused_not_a_crash() -> None:
    """Anyone can send this header: hmac.compare_digest raises TypeError on non-ASCII str, so instead of "False"
    (→ 401) the receiver raises out of the ASGI app (a 500 and a traceback per request)."""
    assert verify_webhook_signature(b"{}", "sha256=\u00e9", "k") is False


async def test_a_non_ascii_signature_header_gets_401() -> None:
    body, _ = signed("u1")
    app = webhook_app("k", lambda event: None)
    assert await post(app, body, "sha256=\u00e9\u00e9".encode("latin-1")) == 401


async def test_a_sync_handler_does_not_stall_every_other_delivery() -> None:
    """The docstring suggests mounting the app in the Airflow 3 API server. A *sync* on_event (e.g. one using
    requests to call the REST API) is called on the event loop itself: while it runs, no other delivery (and
    nothing else on that loop, e.g. the API server's own endpoints) is served. Sync handlers should go to a thread
    (asyncio.to_thread / anyio.to_thread.run_sync)."""

    def slow(event: WebhookEvent) -> None:
        time.sleep(1.0)  # a blocking REST call

    app = webhook_app("k", slow)
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)
    body, signature = signed("u-sync")
    assert await post(app, body, signature) == 200
    beat.cancel()
    assert ticks >= 10, f"the event loop ran {ticks} times in 1 s: the sync handler blocked it"


async def test_a_signed_delivery_it_cannot_parse_is_not_dropped_silently(caplog: pytest.LogCaptureFixture) -> None:
    """A delivery that *is* signed by Tremendous but does not fit WebhookEvent (e.g. an event whose payload has
    no ``resource``, or a resource without ``type``) is answered 401 and nothing is logged: Tremendous retries it
    20 times, every one refused the same way, and the event is gone without a trace on the receiving side."""
    caplog.set_level(logging.DEBUG)
    body, signature = signed("u-shape", payload={"meta": {"id": "ORG1"}})
    app = webhook_app("k", lambda event: None)
    assert await post(app, body, signature) != 200
    assert any(record.levelno >= logging.WARNING for record in caplog.records), "a signed event refused, unlogged"


async def test_a_hung_handler_does_not_lose_the_event_silently(caplog: pytest.LogCaptureFixture) -> None:
    """An async handler that never returns keeps the uuid in ``running`` forever: every one of Tremendous's
    redeliveries (up to 20, then it gives up) is answered 409 and nothing is logged, so the event is lost
    silently. There is no handler timeout, and the 409 path logs nothing."""
    caplog.set_level(logging.DEBUG)
    started = asyncio.Event()

    async def hangs(event: WebhookEvent) -> None:
        started.set()
        await asyncio.Event().wait()

    app = webhook_app("k", hangs)
    body, signature = signed("u-hang")
    stuck = asyncio.create_task(post(app, body, signature))
    await started.wait()
    answers = [await post(app, body, signature) for _ in range(20)]  # the vendor's whole retry budget
    stuck.cancel()
    assert answers != [409] * 20 or any(r.levelno >= logging.WARNING for r in caplog.records), (
        "20 redeliveries all answered 409, nothing logged: the event is lost silently"
    )


def test_remember_must_be_validated() -> None:
    """remember=-1 was accepted, then the eviction loop popped an empty dict after the handler succeeded: the
    delivery was answered with an exception although it was handled, so it was handled again. Now refused."""
    with pytest.raises(ValueError, match="remember"):
        webhook_app("k", lambda event: None, remember=-1)

"""Review 13f. webhook_app promises (docstring and docs/reliability.md "Webhooks") that a delivery of a uuid whose
handler is still running is answered 409 "rather than the handler running twice at once", and that a handler still
running after ``handler_timeout`` is "given up". A *synchronous* handler runs in a worker thread
(``asyncio.to_thread``); ``asyncio.wait_for`` cannot stop a thread, it only stops waiting for it. The uuid is freed
from ``running`` anyway, so Tremendous's next delivery of the same event starts a second copy of the handler while
the first is still running — and both may then complete (the event handled twice, e.g. two REST calls/DAG runs for
a handler without a uuid-derived run id). Every later redelivery does the same, up to Tremendous's 20 retries."""

from __future__ import annotations

import threading
import time

from airflow_provider_tremendous.vendors.tremendous.webhooks import WebhookEvent, webhook_app
from tests.reviews.issue13e.wh import post, signed


async def test_a_timed_out_sync_handler_is_not_run_again_while_it_still_runs() -> None:
    lock = threading.Lock()
    active = 0
    most_at_once = 0
    completed = 0
    release = threading.Event()

    def slow(event: WebhookEvent) -> None:  # e.g. a blocking REST call that takes longer than handler_timeout
        nonlocal active, most_at_once, completed
        with lock:
            active += 1
            most_at_once = max(most_at_once, active)
        release.wait(5)
        with lock:
            active -= 1
            completed += 1

    app = webhook_app("k", slow, handler_timeout=0.2)
    body, signature = signed("u-timeout")
    first = await post(app, body, signature)  # given up after 0.2 s: 500, but the thread is still running
    second = await post(app, body, signature)  # Tremendous's retry: should be 409 while the first still runs
    release.set()
    deadline = time.monotonic() + 5
    while completed < 2 and time.monotonic() < deadline and active:
        time.sleep(0.01)
    time.sleep(0.1)
    assert first == 500
    assert most_at_once == 1, (
        f"the handler ran {most_at_once} times at once (answers {first}, {second}); {completed} copies completed: "
        "the same event was handled twice"
    )

"""Verifying Tremendous webhook deliveries, and a small receiver that hands verified events to your code.

Tremendous signs each delivery: ``Tremendous-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw request body,
keyed with the webhook's private_key>``. Verify the *raw bytes* (re-serialized JSON would not match) and compare in
constant time. There is no timestamp in the signature, so de-duplicate by the event's ``uuid``, and remember a uuid
only once its handler has succeeded: Tremendous retries a delivery that was not answered 200, so a handler that
fails must answer an error (and not mark the event seen), or the retry would be answered "duplicate" and the event
lost.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import inspect
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from airflow_provider_tremendous.core.errors import ProviderError, describe_validation_error

SIGNATURE_HEADER = "Tremendous-Webhook-Signature"
log = logging.getLogger(__name__)


class TremendousWebhookError(ProviderError):
    """A delivery whose signature does not verify, or whose body is not a Tremendous event."""


class WebhookResource(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    type: str


class WebhookPayload(BaseModel):
    model_config = ConfigDict(extra="allow")

    resource: WebhookResource
    meta: dict[str, Any] = {}


class WebhookEvent(BaseModel):
    """A verified delivery: ``event`` (e.g. ``REPORTS.GENERATION.SUCCEEDED``), ``uuid``, ``created_utc``, payload."""

    model_config = ConfigDict(extra="allow")

    event: str
    uuid: str
    created_utc: str | None = None
    payload: WebhookPayload


def compute_signature(raw_body: bytes, private_key: str) -> str:
    """The header value Tremendous sends for ``raw_body``."""
    return "sha256=" + hmac.new(private_key.encode(), raw_body, hashlib.sha256).hexdigest()


def verify_webhook_signature(raw_body: bytes, signature_header: str | None, private_key: str) -> bool:
    """Whether ``signature_header`` is the valid ``sha256=`` HMAC of ``raw_body`` under ``private_key``."""
    if not signature_header or not private_key or not isinstance(raw_body, (bytes, bytearray)):
        return False
    algorithm, separator, digest = signature_header.partition("=")
    if not separator or algorithm.strip().lower() != "sha256":
        return False
    given = digest.strip().lower()
    if not given.isascii():  # compare_digest refuses non-ASCII text: such a header is simply not a signature
        return False
    expected = hmac.new(private_key.encode(), bytes(raw_body), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.encode())


class UnreadableWebhookError(TremendousWebhookError):
    """A delivery whose signature verifies but whose body is not an event this provider can read."""


def parse_webhook(raw_body: bytes, signature_header: str | None, private_key: str) -> WebhookEvent:
    """Verify and parse a delivery; raise :class:`TremendousWebhookError` (:class:`UnreadableWebhookError` for a
    signed body that is not a readable event) otherwise."""
    if not verify_webhook_signature(raw_body, signature_header, private_key):
        raise TremendousWebhookError("webhook signature does not verify: not from Tremendous, or the wrong key")
    try:
        return WebhookEvent.model_validate(json.loads(raw_body))
    except (ValueError, ValidationError) as error:
        problems = describe_validation_error(error) if isinstance(error, ValidationError) else "not JSON"
        raise UnreadableWebhookError(f"a signed delivery that is not a readable event ({problems})") from None


EventHandler = Callable[[WebhookEvent], Awaitable[None] | None]
ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[dict[str, Any]]], Callable[[dict[str, Any]], Awaitable[None]]],
    Awaitable[None],
]


def webhook_app(
    private_key: str | Callable[[], str],
    on_event: EventHandler,
    *,
    remember: int = 10_000,
    handler_timeout: float | None = 300.0,
) -> ASGIApp:
    """A tiny ASGI receiver (no framework needed): ``POST`` verifies the signature (401 otherwise), calls
    ``on_event`` and answers 200; a uuid whose handler succeeded is remembered and answered ``duplicate`` (200).

    Tremendous retries a delivery that is not answered 200, so a handler that raises gets a 500 answer and its uuid
    is *not* remembered: the retry runs the handler again (make it idempotent, as :func:`trigger_dag_run` is). A
    delivery of a uuid whose handler is still running gets 409, so the vendor tries again later rather than the
    handler running twice at once. The error text is not sent back (it may hold details of your systems).

    A synchronous ``on_event`` runs in a worker thread, so a slow one never stalls the event loop (the API server's
    other requests and deliveries). A handler still running after ``handler_timeout`` seconds is answered 500 and
    logged: a coroutine is cancelled and its uuid freed, so the next delivery runs it again; a thread cannot be
    stopped, so its uuid stays "in progress" (409) until it ends and counts as handled if it succeeded — never two
    runs of one event at once (``None``: no limit). A signed delivery
    this provider cannot read is logged (event name and uuid, never the payload) and answered 422, so it is not
    lost without a trace; an unsigned one gets 401.

    Serve it where Tremendous can reach it (an Airflow 3 API-server plugin's ``fastapi_apps``/``asgi`` mount, or any
    ASGI server such as uvicorn), and make ``on_event`` do the Airflow part, e.g. trigger a DAG run or record an
    asset event through the Airflow REST API when ``REPORTS.GENERATION.SUCCEEDED`` or ``INVOICES.PAID`` arrives.
    """
    if remember < 0:
        raise ValueError("remember must be 0 or more (how many handled event uuids to remember)")
    if handler_timeout is not None and handler_timeout <= 0:
        raise ValueError("handler_timeout must be more than 0 seconds (or None: no limit)")
    seen: OrderedDict[str, None] = OrderedDict()
    running: dict[str, float] = {}

    def finished(uuid: str, handling: asyncio.Future[None]) -> None:
        """The handler of ``uuid`` ended: free it, and remember it as handled if it succeeded."""
        running.pop(uuid, None)
        if handling.cancelled() or handling.exception() is not None:
            return
        seen[uuid] = None  # only now: a failed handler's event is delivered again
        while len(seen) > remember:
            seen.popitem(last=False)

    async def respond(send: Callable[[dict[str, Any]], Awaitable[None]], status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": raw})

    async def app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]], send: Any) -> None:
        if scope["type"] != "http":
            return
        if scope.get("method") != "POST":
            await respond(send, 405, {"error": "POST only"})
            return
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        key = private_key() if callable(private_key) else private_key
        body = b"".join(chunks)
        try:
            event = parse_webhook(body, headers.get(SIGNATURE_HEADER.lower()), key)
        except UnreadableWebhookError as error:
            log.warning("A signed webhook delivery could not be read (%s): %s", _name_of(body), error)
            await respond(send, 422, {"error": str(error)})
            return
        except TremendousWebhookError as error:
            await respond(send, 401, {"error": str(error)})
            return
        if event.uuid in seen:
            await respond(send, 200, {"status": "duplicate"})
            return
        if event.uuid in running:
            since = time.monotonic() - running[event.uuid]
            log.warning(
                "Webhook event %s (%s) delivered again while its handler runs (%.0f s)", event.event, event.uuid, since
            )
            await respond(send, 409, {"status": "in progress", "error": "this event is being handled; retry later"})
            return
        running[event.uuid] = time.monotonic()
        handling = asyncio.ensure_future(_handle(on_event, event))
        try:
            await asyncio.wait_for(asyncio.shield(handling), handler_timeout)
        except Exception as error:
            timed_out = isinstance(error, asyncio.TimeoutError)
            log.exception(
                "The handler of webhook event %s (%s) %s; answering 500 so it is retried",
                event.event,
                event.uuid,
                "timed out" if timed_out else "failed",
            )
            if timed_out and not inspect.iscoroutinefunction(on_event):
                # a thread cannot be stopped: the uuid stays "running" (409) until it ends, and counts as handled
                # if it succeeds, so the handler never runs twice at once
                handling.add_done_callback(lambda done: finished(event.uuid, done))
            else:
                handling.cancel()
                running.pop(event.uuid, None)
            await respond(send, 500, {"status": "error", "error": "the event was not handled; retry"})
            return
        finished(event.uuid, handling)
        await respond(send, 200, {"status": "ok"})

    return app


async def _handle(on_event: EventHandler, event: WebhookEvent) -> None:
    """Run ``on_event``: a coroutine function on the loop, a plain function in a worker thread."""
    if inspect.iscoroutinefunction(on_event):
        await on_event(event)
        return
    result = await asyncio.to_thread(on_event, event)
    if inspect.isawaitable(result):
        await result


def _name_of(body: bytes) -> str:
    """The event name and uuid of a delivery, if it has them (for a log line; never the payload)."""
    try:
        data = json.loads(body)
        return f"event {str(data.get('event'))[:80]!r}, uuid {str(data.get('uuid'))[:80]!r}"
    except (ValueError, AttributeError):
        return "not JSON"


def trigger_dag_run(
    airflow_url: str,
    dag_id: str,
    events: set[str] | frozenset[str],
    *,
    token: str | None = None,
    api_version: str = "v2",
) -> Callable[[WebhookEvent], Awaitable[None]]:
    """An ``on_event`` for :func:`webhook_app` that starts a DAG run when one of ``events`` arrives, instead of
    a sensor polling: e.g. run ``rewards_report_export``'s download as soon as ``REPORTS.GENERATION.SUCCEEDED``.

    The run's ``conf`` is the event (``event``, ``uuid``, ``resource``); its run id is derived from the event uuid,
    so a delivery Tremendous repeats cannot start a second run. Uses Airflow's REST API (``/api/v2`` on Airflow 3,
    ``api_version="v1"`` on 2.11) with a bearer ``token`` when given.
    """
    import httpx

    base = airflow_url.rstrip("/")
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def handle(event: WebhookEvent) -> None:
        if event.event not in events:
            return
        body: dict[str, Any] = {
            "dag_run_id": f"tremendous__{event.uuid}",
            "conf": {"event": event.event, "uuid": event.uuid, "resource": event.payload.resource.model_dump()},
        }
        if api_version == "v2":
            body["logical_date"] = None
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(f"{base}/api/{api_version}/dags/{dag_id}/dagRuns", json=body, headers=headers)
        if response.status_code not in (200, 409):  # 409: this event already started its run
            response.raise_for_status()

    return handle

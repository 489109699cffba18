"""Webhook verification (property-based) and the receiver, fed by the sandbox's real signed deliveries."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
from typing import Any

import httpx
import pytest
import uvicorn
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.vendors.tremendous.webhooks import (
    SIGNATURE_HEADER,
    TremendousWebhookError,
    WebhookEvent,
    compute_signature,
    parse_webhook,
    verify_webhook_signature,
    webhook_app,
)
from tests.sandbox.conftest import order_body

bodies = st.binary(min_size=0, max_size=512)
keys = st.text(min_size=1, max_size=64)


@given(body=bodies, key=keys)
def test_a_genuine_signature_verifies(body: bytes, key: str) -> None:
    assert verify_webhook_signature(body, compute_signature(body, key), key)
    expected = "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    assert compute_signature(body, key) == expected


@given(body=bodies, key=keys, position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_change_to_the_body_fails(body: bytes, key: str, position: int, flip: int) -> None:
    header = compute_signature(body, key)
    if body:
        index = position % len(body)
        tampered = body[:index] + bytes([body[index] ^ flip]) + body[index + 1 :]
    else:
        tampered = bytes([flip])
    assert not verify_webhook_signature(tampered, header, key)


@given(body=bodies, key=keys, other=keys)
def test_any_other_key_fails(body: bytes, key: str, other: str) -> None:
    if other != key:
        assert not verify_webhook_signature(body, compute_signature(body, key), other)


@given(body=bodies, key=keys, position=st.integers(min_value=7, max_value=70), char=st.sampled_from("0123456789abcdef"))
def test_any_change_to_the_header_fails(body: bytes, key: str, position: int, char: str) -> None:
    header = compute_signature(body, key)
    index = min(position, len(header) - 1)
    if header[index] != char:
        assert not verify_webhook_signature(body, header[:index] + char + header[index + 1 :], key)


@settings(max_examples=50)
@given(body=bodies, key=keys)
def test_malformed_headers_fail(body: bytes, key: str) -> None:
    digest = compute_signature(body, key).removeprefix("sha256=")
    for header in (None, "", digest, f"sha1={digest}", f"md5={digest}", "sha256=", f"sha256{digest}"):
        assert not verify_webhook_signature(body, header, key)


def test_header_case_and_spacing_are_tolerated() -> None:
    header = compute_signature(b"{}", "k")
    assert verify_webhook_signature(b"{}", "SHA256=" + header[7:].upper(), "k")


def test_parse_rejects_signed_garbage() -> None:
    with pytest.raises(TremendousWebhookError, match="not a readable event"):
        parse_webhook(b"[1]", compute_signature(b"[1]", "k"), "k")
    with pytest.raises(TremendousWebhookError, match="does not verify"):
        parse_webhook(b"{}", "sha256=00", "k")


class _Receiver:
    """The webhook app on a loopback port, collecting events."""

    def __init__(self, private_key: Any) -> None:
        self.events: list[WebhookEvent] = []
        app = webhook_app(private_key, self.events.append)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Receiver:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self.server.servers[0].sockets[0].getsockname()[1]}/"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)


def test_sandbox_deliveries_are_verified_and_received(tremendous_sandbox: Any) -> None:
    key: dict[str, str] = {}
    with _Receiver(lambda: key["private_key"]) as receiver:
        hook = TremendousHook()
        key["private_key"] = hook.create_webhook({"url": receiver.url}).private_key or ""
        hook.create_order(order_body("hooked-1"))
        report = hook.create_report({"report_type": "digital_rewards", "format": "csv"})
        tremendous_sandbox.admin.advance(1)
        deadline = time.monotonic() + 10
        wanted = {"ORDERS.CREATED", "REWARDS.DELIVERY.SUCCEEDED", "REPORTS.GENERATION.SUCCEEDED"}
        while not wanted <= {e.event for e in receiver.events} and time.monotonic() < deadline:
            time.sleep(0.05)
        received = {e.event: e for e in receiver.events}
        assert wanted <= set(received)
        assert received["REPORTS.GENERATION.SUCCEEDED"].payload.resource.id == report.id

        forged = json.dumps(
            {"event": "INVOICES.PAID", "uuid": "x", "payload": {"resource": {"id": "I", "type": "invoices"}}}
        )
        answer = httpx.post(
            receiver.url, content=forged, headers={SIGNATURE_HEADER: compute_signature(forged.encode(), "wrong")}
        )
        assert answer.status_code == 401
        genuine = receiver.events[0].model_dump_json().encode()
        replay = httpx.post(
            receiver.url, content=genuine, headers={SIGNATURE_HEADER: compute_signature(genuine, key["private_key"])}
        )
        assert replay.json() == {"status": "duplicate"}
        assert "INVOICES.PAID" not in {e.event for e in receiver.events}


async def test_async_handlers_are_awaited() -> None:
    seen: list[str] = []

    async def handler(event: WebhookEvent) -> None:
        await asyncio.sleep(0)
        seen.append(event.uuid)

    app = webhook_app("k", handler)
    body = json.dumps(
        {"event": "ORDERS.CREATED", "uuid": "u-1", "payload": {"resource": {"id": "O", "type": "orders"}}}
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
        response = await client.post(
            "/", content=body, headers={SIGNATURE_HEADER: compute_signature(body.encode(), "k")}
        )
    assert response.json() == {"status": "ok"} and seen == ["u-1"]


def test_verified_events_start_dag_runs_once(tremendous_sandbox: Any, stub: Any) -> None:
    """Sandbox delivery → receiver → Airflow REST API (a recording stub here): one DAG run per event."""
    from airflow_provider_tremendous.vendors.tremendous.webhooks import trigger_dag_run
    from tests.support.http_stub import Reply

    stub.default = lambda request: Reply.json({"dag_run_id": request.json["dag_run_id"]})
    handler = trigger_dag_run(
        f"http://127.0.0.1:{stub.port}",
        "rewards_report_export",
        {"REPORTS.GENERATION.SUCCEEDED"},
        token="airflow-token",
    )
    key: dict[str, str] = {}
    app = webhook_app(lambda: key["k"], handler)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/"
        hook = TremendousHook()
        key["k"] = hook.create_webhook({"url": url}).private_key or ""
        report = hook.create_report({"report_type": "digital_rewards", "format": "csv"})
        tremendous_sandbox.admin.advance(1)
        deadline = time.monotonic() + 10
        while not stub.requests and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.should_exit = True
        thread.join(5)
    (call,) = stub.requests
    assert call.path == "/api/v2/dags/rewards_report_export/dagRuns"
    assert call.headers["authorization"] == "Bearer airflow-token"
    assert call.json["conf"]["resource"] == {"id": report.id, "type": "reports"}
    assert call.json["dag_run_id"].startswith("tremendous__")


def _signed(uuid: str, key: str = "k") -> tuple[str, dict[str, str]]:
    body = json.dumps({"event": "ORDERS.CREATED", "uuid": uuid, "payload": {"resource": {"id": "O", "type": "orders"}}})
    return body, {SIGNATURE_HEADER: compute_signature(body.encode(), key)}


async def test_a_failed_handler_is_retried_not_marked_seen() -> None:
    """Issue item 4: an event whose handler fails once is answered with an error (the vendor retries) and is
    handled when the retry comes, instead of being answered "duplicate" and lost."""
    calls: list[str] = []

    def handler(event: WebhookEvent) -> None:
        calls.append(event.uuid)
        if len(calls) == 1:
            raise RuntimeError("database down")

    transport = httpx.ASGITransport(app=webhook_app("k", handler))
    body, headers = _signed("u-fail")
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
        first = await client.post("/", content=body, headers=headers)
        retry = await client.post("/", content=body, headers=headers)
        again = await client.post("/", content=body, headers=headers)
    assert first.status_code >= 500 and "database down" not in first.text
    assert (retry.status_code, retry.json()) == (200, {"status": "ok"})
    assert again.json() == {"status": "duplicate"}
    assert calls == ["u-fail", "u-fail"]


async def test_a_delivery_of_an_event_being_handled_is_answered_retry_later() -> None:
    release = asyncio.Event()
    calls: list[str] = []

    async def handler(event: WebhookEvent) -> None:
        calls.append(event.uuid)
        await release.wait()

    transport = httpx.ASGITransport(app=webhook_app("k", handler))
    body, headers = _signed("u-slow")
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
        slow = asyncio.create_task(client.post("/", content=body, headers=headers))
        while not calls:
            await asyncio.sleep(0)
        concurrent = await client.post("/", content=body, headers=headers)
        release.set()
        assert (await slow).json() == {"status": "ok"}
    assert concurrent.status_code == 409 and calls == ["u-slow"]

"""Fault knobs, rate limiting, authentication, malformed requests, persistence and the command line."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.sandbox import SandboxConfig, SandboxServer
from tests.sandbox.conftest import order_body
from tests.support.http_stub import Reply, StubServer

KEY = {"Authorization": "Bearer TEST_probe"}


def _client(sandbox: Any) -> httpx.Client:
    return httpx.Client(base_url=sandbox.base_url, headers=KEY, timeout=10)


def test_error_before_commit_changes_nothing(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(error_rate=1.0)
    response = _client(tremendous_sandbox).post("/orders", json=order_body("x-1"))
    assert response.status_code == 500
    assert tremendous_sandbox.admin.ledger() == []


def test_error_after_commit_keeps_the_order_and_a_keyed_retry_finds_it(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(error_after_commit_rate=1.0)
    response = _client(tremendous_sandbox).post("/orders", json=order_body("x-2"))
    assert response.status_code == 500
    assert [r["external_id"] for r in tremendous_sandbox.admin.ledger()] == ["x-2"]
    tremendous_sandbox.admin.faults(error_after_commit_rate=0.0)
    replay = TremendousHook().create_order.with_http_info(order_body("x-2"))
    assert replay.status_code == 201
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_drop_after_commit_closes_the_connection_without_an_answer(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(drop_after_commit_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        _client(tremendous_sandbox).post("/orders", json=order_body("x-3"))
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_hook_survives_dropped_answers_without_paying_twice(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(drop_after_commit_rate=0.5, seed=7, path_prefix="/orders")
    hook = TremendousHook(max_retries=10)
    hook.client._sleep = lambda seconds: None  # type: ignore[attr-defined]  # no real backoff in tests
    for index in range(40):
        hook.create_order(order_body(f"drop-{index}"))
    ledger = tremendous_sandbox.admin.ledger()
    assert sorted(r["external_id"] for r in ledger) == sorted(f"drop-{i}" for i in range(40))


def test_unkeyed_post_is_not_repeated_after_a_drop(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(drop_after_commit_rate=1.0, path_prefix="/orders")
    with pytest.raises(e.TremendousTransportError):
        TremendousHook().create_order(order_body())
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_fault_path_prefix_limits_faults(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(error_rate=1.0, path_prefix="/invoices")
    assert _client(tremendous_sandbox).get("/orders").status_code == 200
    assert _client(tremendous_sandbox).get("/invoices").status_code == 500


def test_rate_limit_answers_429_with_the_documented_body(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(rate_limit_per_second=10)
    client = _client(tremendous_sandbox)
    statuses = [client.get("/orders").status_code for _ in range(25)]
    assert statuses[:10] == [200] * 10
    assert 429 in statuses
    limited = next(r for r in (client.get("/orders") for _ in range(20)) if r.status_code == 429)
    assert limited.json() == {"error": {"message": "Too many requests", "payload": {}}}


def test_hook_at_the_documented_rate_is_never_limited(tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    tremendous_sandbox.admin.faults(rate_limit_per_second=10)
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(api_key="TEST_paced"))
    hook = TremendousHook(max_retries=0)  # any 429 would raise
    for _ in range(25):
        hook.list_orders()
    assert tremendous_sandbox.admin.stats() == {"requests": 25, "GET /orders": 25}, "no 429 (rate_limited)"


def test_latency_is_waited_concurrently(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(latency_ms=300)

    async def burst() -> float:
        async with httpx.AsyncClient(base_url=tremendous_sandbox.base_url, headers=KEY) as client:
            start = time.perf_counter()
            await asyncio.gather(*(client.get("/funding_sources") for _ in range(8)))
            return time.perf_counter() - start

    elapsed = asyncio.run(burst())
    assert elapsed < 8 * 0.3 / 2, f"8 requests with 300 ms latency took {elapsed:.2f} s: they were serialized"


@pytest.mark.parametrize(
    ("headers", "message"),
    [({}, "valid Bearer API key"), ({"Authorization": "Bearer PROD_x"}, "Production Access not available")],
)
def test_authentication_is_required(tremendous_sandbox: Any, headers: dict[str, str], message: str) -> None:
    response = httpx.get(f"{tremendous_sandbox.base_url}/orders", headers=headers)
    assert response.status_code == 401
    assert message in response.json()["errors"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "content", "status"),
    [
        ("POST", "/orders", b"{not json", 400),
        ("POST", "/orders", b"[1, 2]", 400),
        ("POST", "/orders", b"", 400),
        ("POST", "/invoices", b'{"amount": "lots"}', 400),
        ("GET", "/orders?limit=501", b"", 400),
        ("GET", "/orders?offset=-1", b"", 400),
        ("GET", "/orders?created_at[gte]=yesterday", b"", 400),
        ("GET", "/no_such_resource", b"", 404),
        ("PATCH", "/orders", b"", 405),
        ("GET", "/orders/NOPE", b"", 404),
        ("POST", "/reports", b'{"report_type": "everything"}', 400),
        ("POST", "/topups", b"{}", 400),
        ("POST", "/webhooks", b'{"url": "ftp://x"}', 400),
        ("POST", "/fraud_rules/not_a_rule", b"{}", 404),
    ],
)
def test_malformed_requests_get_a_clear_4xx(
    tremendous_sandbox: Any, method: str, path: str, content: bytes, status: int
) -> None:
    response = _client(tremendous_sandbox).request(method, path, content=content)
    assert response.status_code == status
    assert response.json()["errors"]["message"]


def test_signed_webhook_deliveries(tremendous_sandbox: Any, stub: StubServer) -> None:
    stub.default = lambda _: Reply(200)
    hook = TremendousHook()
    webhook = hook.create_webhook({"url": f"http://127.0.0.1:{stub.port}/hooks/tremendous"})
    hook.create_order(order_body("hooked"))
    tremendous_sandbox.admin.advance(1)
    deadline = time.monotonic() + 10
    while len(stub.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    events = {json.loads(r.body)["event"]: r for r in stub.requests}
    assert {"ORDERS.CREATED", "REWARDS.DELIVERY.SUCCEEDED"} <= set(events)
    for request in stub.requests:
        digest = hmac.new(webhook.private_key.encode(), request.body, hashlib.sha256).hexdigest()
        assert request.headers["tremendous-webhook-signature"] == f"sha256={digest}"
    assert json.loads(events["ORDERS.CREATED"].body)["payload"]["resource"]["type"] == "orders"


def test_state_survives_a_restart(tmp_path: Path) -> None:
    config = SandboxConfig.instant()
    config.state_file = str(tmp_path / "state.json")
    with SandboxServer(config) as first:
        httpx.post(f"{first.base_url}/orders", json=order_body("persisted"), headers=KEY).raise_for_status()
    with SandboxServer(SandboxConfig.instant().model_copy(update={"state_file": config.state_file})) as second:
        order = httpx.get(f"{second.base_url}/orders/persisted", headers=KEY).json()["order"]
        assert order["status"] == "EXECUTED"
        assert second.admin.balance() == 100_000 - 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_command_line_sandbox(tmp_path: Path) -> None:
    port = _free_port()
    command = Path(sys.executable).parent / "tremendous-sandbox"
    process = subprocess.Popen(
        [str(command), "--port", str(port), "--instant", "--starting-balance", "50"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v2/funding_sources/BALANCE", headers=KEY)
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        else:
            pytest.fail("tremendous-sandbox did not start")
        assert response.json()["funding_source"]["meta"]["available_amount"] == 50
    finally:
        process.terminate()
        process.wait(10)

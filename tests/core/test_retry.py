"""The retry policy through the real sync transport: which failures retry, how long it waits, and that a
request that may have reached the server is never repeated unless it is idempotent."""

from __future__ import annotations

import logging
import socket

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.core.transport.retry import RetryPolicy
from tests.conftest import TEST_KEY, conn_json
from tests.support.hooks import ORDER, ORDER_BODY, recording_hook
from tests.support.http_stub import Reply, StubServer

ERR_500 = Reply.json({"errors": {"message": "Internal error"}}, status=500)
ERR_429 = Reply.json({"error": {"message": "Too many requests", "payload": {}}}, status=429)
OK_ORDER = Reply.json({"order": ORDER})


def test_429_is_retried_after_at_least_one_second(stub_conn: StubServer) -> None:
    sleeps: list[float] = []
    stub_conn.add(ERR_429, ERR_429, OK_ORDER)
    assert recording_hook(sleeps).get_order("ORD1").id == "ORD1"
    assert len(stub_conn.requests) == 3
    assert len(sleeps) == 2
    assert all(s >= 1.0 for s in sleeps)


def test_retry_after_header_is_honoured(stub_conn: StubServer) -> None:
    sleeps: list[float] = []
    stub_conn.add(Reply.json({"error": {"message": "slow down"}}, 429, {"Retry-After": "7"}), OK_ORDER)
    recording_hook(sleeps).get_order("ORD1")
    assert sleeps == [7.0]


def test_server_errors_on_reads_are_retried_with_growing_backoff(stub_conn: StubServer) -> None:
    sleeps: list[float] = []
    stub_conn.add(ERR_500, Reply(502), Reply(503), OK_ORDER)
    recording_hook(sleeps).get_order("ORD1")
    assert len(stub_conn.requests) == 4
    policy = RetryPolicy()
    for attempt, slept in enumerate(sleeps, start=1):
        step = min(policy.max_wait, policy.min_wait * 2 ** (attempt - 1))
        assert step / 2 <= slept <= step


def test_retries_stop_after_max_retries_and_raise_the_last_error(stub_conn: StubServer) -> None:
    sleeps: list[float] = []
    stub_conn.add(ERR_500, ERR_500, ERR_500, ERR_500)
    with pytest.raises(e.TremendousServerError, match="Internal error"):
        recording_hook(sleeps, max_retries=2).get_order("ORD1")
    assert len(stub_conn.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 422])
def test_other_client_errors_are_never_retried(stub_conn: StubServer, status: int) -> None:
    stub_conn.add(Reply.json({"errors": {"message": "no"}}, status=status), OK_ORDER)
    with pytest.raises(e.TremendousAPIError):
        recording_hook([]).get_order("ORD1")
    assert len(stub_conn.requests) == 1


def test_create_order_without_external_id_is_not_retried_after_a_5xx(stub_conn: StubServer) -> None:
    stub_conn.add(ERR_500, OK_ORDER)
    with pytest.raises(e.TremendousServerError):
        recording_hook([]).create_order(ORDER_BODY)
    assert len(stub_conn.requests) == 1, "a second POST could pay twice"


def test_create_order_with_external_id_is_retried_and_the_replay_is_visible(stub_conn: StubServer) -> None:
    stub_conn.add(ERR_500, Reply.json({"order": ORDER}, status=201))
    body = {**ORDER_BODY, "external_id": "survey-42-r17"}
    response = recording_hook([]).create_order.with_http_info(body)
    assert response.status_code == 201
    assert response.data.id == "ORD1"
    assert [r.json["external_id"] for r in stub_conn.requests] == ["survey-42-r17"] * 2


def test_create_topup_is_retried_only_with_its_idempotency_key(stub_conn: StubServer) -> None:
    topup = Reply.json({"topup": {"id": "T1"}})
    stub_conn.add(ERR_500, topup)
    recording_hook([]).create_topup({"funding_source_id": "F1", "amount": 5, "idempotency_key": "k1"})
    assert len(stub_conn.requests) == 2
    stub_conn.reset()
    stub_conn.add(ERR_500, topup)
    with pytest.raises(e.TremendousServerError):
        recording_hook([]).create_topup({"funding_source_id": "F1", "amount": 5})
    assert len(stub_conn.requests) == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda h: h.create_invoice({"amount": 10}),
        lambda h: h.create_report({"report_type": "digital_rewards", "format": "csv"}),
        lambda h: h.approve_order("ORD1"),
        lambda h: h.create_webhook({"url": "https://example.com"}),
    ],
    ids=["create_invoice", "create_report", "approve_order", "create_webhook"],
)
def test_other_posts_are_not_retried_after_a_5xx(stub_conn: StubServer, call) -> None:
    stub_conn.add(Reply(503), Reply(503))
    with pytest.raises(e.TremendousServerError):
        call(recording_hook([]))
    assert len(stub_conn.requests) == 1


def test_any_post_is_retried_after_429_because_it_was_not_processed(stub_conn: StubServer) -> None:
    sleeps: list[float] = []
    stub_conn.add(ERR_429, OK_ORDER)
    recording_hook(sleeps).create_order(ORDER_BODY)
    assert len(stub_conn.requests) == 2
    assert sleeps[0] >= 1.0


def test_dropped_connection_after_a_post_is_not_retried(stub_conn: StubServer) -> None:
    stub_conn.add(Reply(drop=True), OK_ORDER)
    with pytest.raises(e.TremendousTransportError) as caught:
        recording_hook([]).create_order(ORDER_BODY)
    assert caught.value.may_have_reached_server
    assert len(stub_conn.requests) == 1


def test_dropped_connection_on_a_read_is_retried(stub_conn: StubServer) -> None:
    stub_conn.add(Reply(drop=True), OK_ORDER)
    assert recording_hook([]).get_order("ORD1").id == "ORD1"
    assert len(stub_conn.requests) == 2


def test_dropped_connection_after_idempotent_create_order_is_retried(stub_conn: StubServer) -> None:
    stub_conn.add(Reply(drop=True), Reply.json({"order": ORDER}, status=201))
    recording_hook([]).create_order({**ORDER_BODY, "external_id": "k"})
    assert len(stub_conn.requests) == 2


def test_read_timeout_on_a_get_is_retried(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(stub.base_url, rate_limit_per_second=0))
    stub.add(Reply(delay=1.5), OK_ORDER)
    assert recording_hook([], timeout=0.3).get_order("ORD1").id == "ORD1"
    assert len(stub.requests) == 2


def test_read_timeout_on_a_non_idempotent_post_is_not_retried(stub_conn: StubServer) -> None:
    stub_conn.add(Reply(delay=1.5), OK_ORDER)
    with pytest.raises(e.TremendousTransportError, match="Timeout"):
        recording_hook([], timeout=0.3).create_order(ORDER_BODY)
    assert len(stub_conn.requests) == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_retried_even_for_a_post(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api/v2"
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(url, rate_limit_per_second=0))
    sleeps: list[float] = []
    with pytest.raises(e.TremendousTransportError) as caught:
        recording_hook(sleeps, max_retries=3).create_order(ORDER_BODY)
    assert not caught.value.may_have_reached_server
    assert len(sleeps) == 3, "a request that never left this machine is safe to send again"


def test_retry_log_names_the_call_but_never_the_key(stub_conn: StubServer, caplog: pytest.LogCaptureFixture) -> None:
    stub_conn.add(ERR_500, OK_ORDER)
    with caplog.at_level(logging.DEBUG):
        recording_hook([]).get_order("ORD1")
    assert "GET /orders/ORD1" in caplog.text
    assert "retry 1 of 5" in caplog.text
    assert TEST_KEY not in caplog.text

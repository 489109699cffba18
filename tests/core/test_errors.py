"""Error bodies in every shape the API has used, mapped to one exception per meaningful status."""

from __future__ import annotations

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.vendors.tremendous.errors import build_api_error
from tests.support.http_stub import Reply, StubServer


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, e.TremendousBadRequestError),
        (401, e.TremendousUnauthorizedError),
        (402, e.TremendousPaymentRequiredError),
        (403, e.TremendousForbiddenError),
        (404, e.TremendousNotFoundError),
        (409, e.TremendousConflictError),
        (422, e.TremendousUnprocessableError),
        (429, e.TremendousRateLimitError),
        (500, e.TremendousServerError),
        (502, e.TremendousServerError),
        (503, e.TremendousServerError),
        (418, e.TremendousAPIError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[e.TremendousAPIError]) -> None:
    error = build_api_error(status=status, content=b"{}", method="GET", path="/orders")
    assert type(error) is cls
    assert isinstance(error, e.TremendousError)
    assert error.status == status


@pytest.mark.parametrize(
    ("body", "message", "payload"),
    [
        (
            b'{"errors":{"message":"Order failed: validation failure",'
            b'"payload":{"payment":{"funding_source_id":"missing"}}}}',
            "Order failed: validation failure",
            {"payment": {"funding_source_id": "missing"}},
        ),
        (b'{"error":{"message":"Too many requests","payload":{}}}', "Too many requests", {}),
        (b'{"errors":"Production Access not available"}', "Production Access not available", None),
        (b'{"status":500,"error":"boom"}', "boom", None),
        (b"<html>Bad Gateway</html>", "<html>Bad Gateway</html>", None),
        (b"", "HTTP 502 with an empty body", None),
        (b'{"errors": {"message": "x"', '{"errors": {"message": "x"', None),  # truncated JSON
        (b"[1, 2]", "[1, 2]", None),
    ],
)
def test_error_bodies_are_parsed_defensively(body: bytes, message: str, payload: object) -> None:
    error = build_api_error(status=502, content=body, method="POST", path="/orders")
    assert error.message == message
    assert error.payload == payload


def test_error_text_names_status_method_path_message_and_payload() -> None:
    error = build_api_error(
        status=422,
        content=b'{"errors":{"message":"Invalid email","payload":{"reward":{"recipient":{"email":"invalid"}}}}}',
        method="POST",
        path="/orders",
    )
    text = str(error)
    for part in ("422", "Unprocessable", "POST /orders", "Invalid email", '"email": "invalid"'):
        assert part in text


def test_hook_raises_typed_error_with_payload(stub_conn: StubServer) -> None:
    stub_conn.add(Reply.json({"errors": {"message": "Order not found", "payload": {}}}, status=404))
    with pytest.raises(e.TremendousNotFoundError, match="GET /orders/NOPE: Order not found"):
        TremendousHook().get_order("NOPE")


def test_success_status_with_non_json_body_is_an_error_not_a_silent_success(stub_conn: StubServer) -> None:
    stub_conn.add(Reply(200, b"<html>maintenance</html>", {"Content-Type": "text/html"}))
    with pytest.raises(e.TremendousResponseError, match="expected JSON"):
        TremendousHook().get_order("ORD1")


def test_success_with_missing_wrapper_key_is_an_error(stub_conn: StubServer) -> None:
    stub_conn.add(Reply.json({"orders": []}))
    with pytest.raises(e.TremendousResponseError, match="no 'order' field"):
        TremendousHook().get_order("ORD1")


def test_success_with_wrong_shape_is_an_error(stub_conn: StubServer) -> None:
    stub_conn.add(Reply.json({"order": {"status": "EXECUTED"}}))  # no id
    with pytest.raises(e.TremendousResponseError, match="expected shape"):
        TremendousHook().get_order("ORD1")


def test_find_order_returns_none_on_404(stub_conn: StubServer) -> None:
    stub_conn.add(Reply.json({"errors": {"message": "not found"}}, status=404))
    assert TremendousHook().find_order("missing") is None

"""Every API error carries the vendor's request id where one is sent: the ``X-Request-ID`` response header for
Tremendous (shown at the end of the error text), the body's ``requestId`` for Tango Card with the header as the
fallback. An error without one reads exactly as before."""

from __future__ import annotations

import json

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.core.transport.profile import ErrorFactory
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse, raise_for_status
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.vendors.tangocard import errors as te
from airflow_provider_tremendous.vendors.tremendous.errors import build_api_error
from tests.support.hooks import recording_async_hook
from tests.support.http_stub import Reply, StubServer

NOT_FOUND = {"errors": {"message": "Order not found", "payload": {}}}
INVALID = {"errors": {"message": "Invalid email", "payload": {"reward": {"recipient": {"email": "invalid"}}}}}
REQUEST = ApiRequest("POST", "/orders")


def _raised(response: RawResponse, errors: ErrorFactory = build_api_error) -> e.ApiError:
    with pytest.raises(e.ApiError) as caught:
        raise_for_status(REQUEST, response, errors)
    return caught.value


@pytest.mark.parametrize("name", ["x-request-id", "X-Request-ID", "X-REQUEST-ID"])
def test_the_header_is_read_whatever_its_case(name: str) -> None:
    assert RawResponse(404, {name: " rq-7 "}, b"").request_id == "rq-7"
    assert RawResponse(404, {name: ""}, b"").request_id is None
    assert RawResponse(404, {}, b"").request_id is None


def test_a_tremendous_error_with_the_header_carries_it_and_shows_it(stub_conn: StubServer) -> None:
    stub_conn.add(Reply.json(NOT_FOUND, 404, {"X-Request-ID": "req-123"}))
    with pytest.raises(e.TremendousNotFoundError) as caught:
        TremendousHook().get_order("NOPE")
    assert caught.value.request_id == "req-123"
    assert str(caught.value) == "Tremendous API 404 Not Found on GET /orders/NOPE: Order not found | request id req-123"
    assert caught.value.message == "Order not found"


async def test_the_async_client_carries_it_too(stub_conn: StubServer) -> None:
    stub_conn.add(Reply.json(NOT_FOUND, 404, {"x-request-id": "req-456"}))
    hook = await recording_async_hook([])
    with pytest.raises(e.TremendousNotFoundError) as caught:
        await hook.get_order("NOPE")
    await hook.aclose()
    assert caught.value.request_id == "req-456" and str(caught.value).endswith(" | request id req-456")


def test_a_tremendous_error_without_the_header_reads_exactly_as_before(stub_conn: StubServer) -> None:
    stub_conn.add(Reply.json(NOT_FOUND, 404))
    with pytest.raises(e.TremendousNotFoundError) as caught:
        TremendousHook().get_order("NOPE")
    assert caught.value.request_id is None
    assert str(caught.value) == "Tremendous API 404 Not Found on GET /orders/NOPE: Order not found"


def test_the_request_id_follows_the_payload_and_is_absent_without_a_header() -> None:
    content = json.dumps(INVALID).encode()
    before = 'Tremendous API 422 Unprocessable Entity on POST /orders: Invalid email | payload: {"reward": {"recipient": {"email": "invalid"}}}'  # noqa: E501
    assert str(_raised(RawResponse(422, {}, content))) == before
    assert str(_raised(RawResponse(422, {"x-request-id": ""}, content))) == before
    assert str(_raised(RawResponse(422, {"x-request-id": "r-9"}, content))) == before + " | request id r-9"


def test_tango_reads_the_body_first_and_the_header_as_fallback() -> None:
    body = {"httpCode": 404, "i18nKey": "404.001", "message": "not found"}
    from_header = _raised(
        RawResponse(404, {"x-request-id": "hdr-1"}, json.dumps(body).encode()), te.build_tangocard_error
    )
    assert isinstance(from_header, te.TangoCardNotFoundError) and from_header.request_id == "hdr-1"
    assert str(from_header).endswith(" | requestId hdr-1")
    both = json.dumps({**body, "requestId": "body-1"}).encode()
    from_body = _raised(RawResponse(404, {"x-request-id": "hdr-1"}, both), te.build_tangocard_error)
    assert from_body.request_id == "body-1"
    neither = _raised(RawResponse(404, {}, json.dumps(body).encode()), te.build_tangocard_error)
    assert neither.request_id == "" and "requestId" not in str(neither)  # as before: Tango's empty id is ""

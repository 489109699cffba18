"""The official tremendous-python SDK and the hook, sent to the same recorder, make the same requests.

The SDK is generated from Tremendous's current spec and none of us wrote it, so agreeing with it on method, path,
query parameter names and body is evidence that the hook speaks the real wire format.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from airflow_provider_tremendous.hooks import TremendousHook
from tests.conftest import TEST_KEY
from tests.support.hooks import ORDER, ORDER_BODY
from tests.support.http_stub import Reply, StubServer

tremendous = pytest.importorskip("tremendous")


def _sdk(stub: StubServer):
    configuration = tremendous.Configuration(host=stub.base_url, access_token=TEST_KEY)
    return tremendous.TremendousApi(tremendous.ApiClient(configuration))


def _without_nulls(value: Any) -> Any:
    """The SDK sends unset nullable fields as null (``"campaign_id": null``); the hook omits them."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _same_request(stub: StubServer) -> None:
    sdk_request, hook_request = stub.requests
    assert hook_request.method == sdk_request.method
    assert hook_request.path == sdk_request.path
    assert sorted(k for k, _ in hook_request.query) == sorted(k for k, _ in sdk_request.query)
    assert _without_nulls(hook_request.json) == _without_nulls(sdk_request.json)
    assert hook_request.headers["authorization"] == sdk_request.headers["authorization"]


def test_list_orders_with_date_window(stub_conn: StubServer) -> None:
    page = Reply.json({"orders": [ORDER], "total_count": 1})
    stub_conn.add(page, page)
    since = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    _sdk(stub_conn).list_orders(offset=0, limit=500, created_at_gte="2026-11-01T00:00:00Z", campaign_id="CMP1")
    TremendousHook().list_orders(offset=0, limit=500, created_at_gte=since, campaign_id="CMP1")
    _same_request(stub_conn)
    assert stub_conn.requests[0].query == stub_conn.requests[1].query, "the datetime is rendered as the SDK sends it"


def test_create_order(stub_conn: StubServer) -> None:
    stub_conn.add(Reply.json({"order": ORDER}), Reply.json({"order": ORDER}))
    body = {**ORDER_BODY, "external_id": "survey-42-r1"}
    request = tremendous.CreateOrderRequest.from_dict(body)
    _sdk(stub_conn).create_order(request)
    TremendousHook().create_order(body)
    _same_request(stub_conn)


@pytest.mark.parametrize(
    ("sdk_call", "hook_call", "reply"),
    [
        (lambda s: s.get_order("ext-7"), lambda h: h.get_order("ext-7"), {"order": ORDER}),
        (lambda s: s.approve_order("ORD1"), lambda h: h.approve_order("ORD1"), {"order": ORDER}),
        (
            lambda s: s.get_funding_source("BALANCE"),
            lambda h: h.get_funding_source("BALANCE"),
            {"funding_source": {"id": "BALANCE", "method": "balance", "meta": {}}},
        ),
        (
            lambda s: s.list_invoices(offset=10, limit=10),
            lambda h: h.list_invoices(offset=10, limit=10),
            {"invoices": [], "total_count": 0},
        ),
        (
            lambda s: s.create_report(
                tremendous.CreateReportRequest.from_dict({"report_type": "digital_rewards", "format": "csv"})
            ),
            lambda h: h.create_report({"report_type": "digital_rewards", "format": "csv"}),
            {"report": {"id": "R1", "status": "CREATED"}},
        ),
        (
            lambda s: s.list_balance_transactions(limit=5, created_at_lte="2026-01-01T00:00:00Z"),
            lambda h: h.list_balance_transactions(limit=5, created_at_lte=dt.datetime(2026, 1, 1)),
            {"transactions": []},
        ),
    ],
    ids=["get_order", "approve_order", "get_funding_source", "list_invoices", "create_report", "balance_tx"],
)
def test_same_wire_format(stub_conn: StubServer, sdk_call, hook_call, reply) -> None:
    stub_conn.add(Reply.json(reply), Reply.json(reply))
    sdk_call(_sdk(stub_conn))
    hook_call(TremendousHook())
    _same_request(stub_conn)

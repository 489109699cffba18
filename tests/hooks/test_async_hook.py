"""The async hook: the same declarations and core as the sync hook, awaited, without blocking the loop."""

from __future__ import annotations

import asyncio

import pytest
from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks import TremendousAsyncHook
from airflow_provider_tremendous.vendors.tremendous.models import FundingSource, Invoice, Order, Report
from tests.conftest import TEST_KEY
from tests.support.hooks import ORDER, ORDER_BODY, recording_async_hook
from tests.support.http_stub import Reply, StubServer


async def test_async_reads(stub_conn: StubServer) -> None:
    stub_conn.add(
        Reply.json({"order": ORDER}),
        Reply.json({"orders": [ORDER], "total_count": 1}),
        Reply.json({"report": {"id": "REP1", "status": "PROCESSING"}}, status=202),
        Reply.json({"invoice": {"id": "INV1", "status": "PAID"}}),
        Reply.json({"funding_source": {"id": "BALANCE", "method": "balance", "meta": {"available_amount": 9.5}}}),
    )
    async with TremendousAsyncHook() as hook:
        order = await hook.get_order("ext-1")
        page = await hook.list_orders(external_id="ext-1")
        report = await hook.get_report.with_http_info("REP1")
        invoice = await hook.get_invoice("INV1")
        balance = await hook.get_funding_source("BALANCE")
    assert isinstance(order, Order)
    assert page.items[0].id == "ORD1"
    assert report.status_code == 202 and isinstance(report.data, Report)
    assert isinstance(invoice, Invoice) and invoice.status == "PAID"
    assert isinstance(balance, FundingSource) and balance.meta and balance.meta.available_amount == 9.5
    assert [r.path for r in stub_conn.requests] == [
        "/api/v2/orders/ext-1",
        "/api/v2/orders",
        "/api/v2/reports/REP1",
        "/api/v2/invoices/INV1",
        "/api/v2/funding_sources/BALANCE",
    ]
    assert all(r.headers["authorization"] == f"Bearer {TEST_KEY}" for r in stub_conn.requests)


async def test_async_pagination(stub_conn: StubServer) -> None:
    def handler(request):
        offset = int(request.query_dict["offset"])
        items = [{**ORDER, "id": f"O{i}"} for i in range(offset, min(620, offset + 500))]
        return Reply.json({"orders": items, "total_count": 620})

    stub_conn.default = handler
    async with TremendousAsyncHook() as hook:
        ids = [order.id async for order in hook.list_orders.iter_all()]
    assert len(ids) == 620
    assert [r.query_dict["offset"] for r in stub_conn.requests] == ["0", "500"]


async def test_async_retry_policy_is_the_same(stub_conn: StubServer) -> None:
    sleeps: list[float] = []
    stub_conn.add(Reply(429), Reply(drop=True), Reply.json({"order": ORDER}))
    hook = await recording_async_hook(sleeps)
    assert (await hook.get_order("ORD1")).id == "ORD1"
    assert len(stub_conn.requests) == 3
    assert sleeps[0] >= 1.0

    stub_conn.reset()
    stub_conn.add(Reply(500), Reply.json({"order": ORDER}))
    with pytest.raises(e.TremendousServerError):
        await hook.create_order(ORDER_BODY)
    assert len(stub_conn.requests) == 1, "no external_id: never repeated"

    stub_conn.reset()
    stub_conn.add(Reply(drop=True), Reply.json({"order": ORDER}, 201))
    response = await hook.create_order.with_http_info({**ORDER_BODY, "external_id": "k-1"})
    assert response.status_code == 201
    await hook.aclose()


async def test_connection_is_never_read_synchronously_inside_the_event_loop(
    stub_conn: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = BaseHook.get_connection.__func__  # type: ignore[attr-defined]
    called_inside_loop: list[bool] = []

    def spy(cls, conn_id):
        try:
            asyncio.get_running_loop()
            called_inside_loop.append(True)
        except RuntimeError:
            called_inside_loop.append(False)
        return original(cls, conn_id)

    monkeypatch.setattr(BaseHook, "get_connection", classmethod(spy))
    stub_conn.add(Reply.json({"order": ORDER}))
    async with TremendousAsyncHook() as hook:
        await hook.get_order("ORD1")
    assert True not in called_inside_loop

"""The provider's own hook against the sandbox: idempotency, errors, money movement, pagination, async."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks import TremendousAsyncHook, TremendousHook
from tests.sandbox.conftest import order_body


def test_idempotent_create_order(tremendous_sandbox: Any) -> None:
    hook = TremendousHook()
    body = order_body("panel-7-r1")
    first = hook.create_order.with_http_info(body)
    replay = hook.create_order.with_http_info(body)
    assert (first.status_code, replay.status_code) == (200, 201)
    assert replay.data.id == first.data.id
    with pytest.raises(e.TremendousConflictError, match="panel-7-r1"):
        hook.create_order(order_body("panel-7-r1", recipient={"name": "Other", "email": "o@example.com"}))
    assert [row["external_id"] for row in tremendous_sandbox.admin.ledger()] == ["panel-7-r1"]


def test_validation_errors_name_the_fields(tremendous_sandbox: Any) -> None:
    bad = order_body(recipient={"name": "X", "email": "not-an-email"}, value={"denomination": -3})
    with pytest.raises(e.TremendousBadRequestError) as caught:
        TremendousHook().create_order(bad)
    payload = caught.value.payload
    assert "email" in payload["reward"]["recipient"]
    assert "denomination" in payload["reward"]["value"]
    with pytest.raises(e.TremendousUnprocessableError, match="Unknown product"):
        TremendousHook().create_order(order_body(products=["NOSUCHPRODUCT"]))
    assert tremendous_sandbox.admin.ledger() == []


def test_insufficient_funds_is_402_and_nothing_is_created(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.set_balance(5)
    with pytest.raises(e.TremendousPaymentRequiredError):
        TremendousHook().create_order(order_body("too-expensive"))
    assert tremendous_sandbox.admin.ledger() == []
    assert TremendousHook().find_order("too-expensive") is None


def test_balance_moves_with_orders_and_invoices(tremendous_sandbox: Any) -> None:
    hook = TremendousHook()
    start = hook.get_balance().meta.available_amount
    hook.create_order(order_body(value={"denomination": 12.5, "currency_code": "USD"}))
    assert hook.get_balance().meta.available_amount == start - 12.5
    tremendous_sandbox.admin.settings(invoice_payment_seconds=None)
    invoice = hook.create_invoice({"amount": 100})
    assert hook.get_invoice(invoice.id).status == "OPEN"
    tremendous_sandbox.admin.pay_invoice(invoice.id)
    assert hook.get_invoice(invoice.id).status == "PAID"
    assert hook.get_balance().meta.available_amount == start - 12.5 + 100
    actions = [t.action for t in hook.iter_balance_transactions()]
    assert actions == ["invoice_paid", "order"]


def test_pagination_over_1200_orders(tremendous_sandbox: Any) -> None:
    hook = TremendousHook()
    for index in range(1200):
        hook.create_order(order_body(f"bulk-{index:04d}"))
    seen = [order.external_id for order in hook.iter_orders()]
    assert len(seen) == 1200
    assert len(set(seen)) == 1200
    assert seen[0] == "bulk-1199" and seen[-1] == "bulk-0000"


def test_reports_lifecycle_and_concurrency_limit(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(report_seconds=60, report_concurrency=2)
    hook = TremendousHook(max_retries=0)
    request = {"report_type": "digital_rewards", "format": "csv"}
    first = hook.create_report(request)
    hook.create_report(request)
    with pytest.raises(e.TremendousRateLimitError):
        hook.create_report(request)
    assert hook.get_report.with_http_info(first.id).status_code == 202
    tremendous_sandbox.admin.fail_report(first.id)
    tremendous_sandbox.admin.advance(60)
    assert hook.get_report(first.id).status == "FAILED"
    assert hook.create_report(request).status == "CREATED", "finished reports free their slot"


async def test_async_hook_against_the_sandbox(tremendous_sandbox: Any) -> None:
    TremendousHook().create_order(order_body("async-1"))
    async with TremendousAsyncHook() as hook:
        order = await hook.get_order("async-1")
        listed = [o.id async for o in hook.list_orders.iter_all(external_id="async-1")]
        balance = await hook.get_funding_source("BALANCE")
    assert order.status == "EXECUTED"
    assert listed == [order.id]
    assert balance.meta is not None and balance.meta.available_amount == 100_000 - 10


def test_order_status_lifecycle_with_processing_delay(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(order_processing_seconds=30)
    hook = TremendousHook()
    order = hook.create_order(order_body("slow-1"))
    assert order.status == "OPEN"
    assert "payment" not in order.to_xcom()
    tremendous_sandbox.admin.advance(30)
    executed = hook.get_order("slow-1")
    assert executed.status == "EXECUTED"
    assert executed.payment is not None and executed.payment.total == 10


def test_delivery_statuses_progress(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(delivery_seconds=10)
    hook = TremendousHook()
    reward_id = hook.create_order(order_body()).rewards[0].id
    statuses = [hook.get_reward(reward_id).delivery.status]
    tremendous_sandbox.admin.advance(5)
    statuses.append(hook.get_reward(reward_id).delivery.status)
    tremendous_sandbox.admin.advance(5)
    statuses.append(hook.get_reward(reward_id).delivery.status)
    assert statuses == ["PENDING", "SCHEDULED", "SUCCEEDED"]


def test_approvals_and_admin_failure(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    hook = TremendousHook()
    order = hook.create_order(order_body("approve-me"))
    assert order.status == "PENDING APPROVAL"
    start = hook.get_balance().meta.available_amount
    assert hook.approve_order("approve-me").status == "EXECUTED"
    assert hook.get_balance().meta.available_amount == start - 10
    with pytest.raises(e.TremendousUnprocessableError):
        hook.approve_order("approve-me")
    other = hook.create_order(order_body("will-fail"))
    assert tremendous_sandbox.admin.fail_order(other.id)["status"] == "FAILED"


def test_advancing_the_clock_keeps_timestamps_real(tremendous_sandbox: Any) -> None:
    hook = TremendousHook()
    tremendous_sandbox.admin.advance(7 * 24 * 3600)  # a week of delays elapse at once
    hook.create_order(order_body("after-advance"))
    assert [o.external_id for o in hook.iter_orders()] == ["after-advance"], "not stamped a week in the future"

"""StatusTrigger (0.1: TremendousStatusTrigger): serialization, and one event for every way a wait can end."""

from __future__ import annotations

import time
from typing import Any

import pytest

from airflow_provider_tremendous.core.checks import Check
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.triggers.status import StatusTrigger, TremendousStatusTrigger
from airflow_provider_tremendous.vendors import load_checks
from airflow_provider_tremendous.vendors.tremendous.checks import OrdersCheck
from airflow_provider_tremendous.vendors.tremendous.resource_checks import BalanceCheck, InvoiceCheck, ReportCheck
from tests.sandbox.conftest import order_body
from tests.support.http_stub import Reply, StubServer


def _trigger(check: Check, deadline_in: float = 30, poll: float = 0.05) -> TremendousStatusTrigger:
    return TremendousStatusTrigger(check.serialize(), "tremendous_default", poll, time.time() + deadline_in, {})


async def _events(trigger: TremendousStatusTrigger) -> list[dict[str, Any]]:
    return [event.payload async for event in trigger.run()]


def test_serialization_round_trip() -> None:
    trigger = _trigger(OrdersCheck(["a", "b"], created_after="2026-11-01T00:00:00+00:00"))
    classpath, kwargs = trigger.serialize()
    # 0.1's class name and kwargs, so that a triggerer still on 0.1 (rolling upgrade, rollback) runs it
    assert classpath == "airflow_provider_tremendous.triggers.status.TremendousStatusTrigger"
    assert set(kwargs) == {"check", "tremendous_conn_id", "poll_interval", "deadline", "hook_params", "vendor"}
    import json

    assert json.loads(json.dumps(kwargs)) == kwargs, "kwargs are plain JSON"
    rebuilt = TremendousStatusTrigger(**kwargs)
    assert rebuilt.serialize() == (classpath, kwargs)
    load_checks()
    check = Check.deserialize(kwargs["check"])
    assert isinstance(check, OrdersCheck) and check.order_ids == ["a", "b"]


async def test_a_trigger_serialized_by_release_0_1_rebuilds_and_runs(tremendous_sandbox: Any) -> None:
    """A deferred task from 0.1 left ``TremendousStatusTrigger`` with ``tremendous_conn_id`` in the database: the
    triggerer of this release imports that classpath and runs it on the same connection."""
    import importlib

    module, _, name = "airflow_provider_tremendous.triggers.status.TremendousStatusTrigger".rpartition(".")
    kwargs = {
        "check": BalanceCheck(min_available_amount=1).serialize(),
        "tremendous_conn_id": "tremendous_default",
        "poll_interval": 0.05,
        "deadline": time.time() + 30,
        "hook_params": {},
        "vendor": "tremendous",
    }
    trigger = getattr(importlib.import_module(module), name)(**kwargs)
    assert trigger.conn_id == "tremendous_default" == trigger.tremendous_conn_id
    assert (await _events(trigger))[0]["status"] == "success"


def test_a_trigger_without_its_deadline_is_refused() -> None:
    with pytest.raises(ValueError, match="deadline"):
        StatusTrigger(OrdersCheck(["a"]).serialize(), "tremendous_default", 1.0)


@pytest.mark.parametrize(
    "check", [ReportCheck("R1"), InvoiceCheck("I1"), BalanceCheck(5.5, "BALANCE"), OrdersCheck(["x"])]
)
def test_every_check_round_trips(check: Check) -> None:
    load_checks()
    assert Check.deserialize(check.serialize()).serialize() == check.serialize()


async def test_success_after_pending(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(order_processing_seconds=0.2)
    order = TremendousHook().create_order(order_body("trig-1"))
    assert order.status == "OPEN"
    events = await _events(_trigger(OrdersCheck(["trig-1"])))
    assert len(events) == 1
    assert events[0]["status"] == "success"
    assert events[0]["data"]["order"]["status"] == "EXECUTED"


async def test_failure_status_ends_the_wait(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(order_processing_seconds=60)
    order = TremendousHook().create_order(order_body("trig-2"))
    tremendous_sandbox.admin.fail_order(order.id)
    (event,) = await _events(_trigger(OrdersCheck([order.id])))
    assert event["status"] == "failure" and "FAILED" in event["message"]


async def test_pending_approval_can_fail_at_once(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    TremendousHook().create_order(order_body("trig-3"))
    (event,) = await _events(_trigger(OrdersCheck(["trig-3"], fail_on_pending_approval=True)))
    assert event["status"] == "failure" and "PENDING APPROVAL" in event["message"]


async def test_deadline_yields_a_timeout_event(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    TremendousHook().create_order(order_body("trig-4"))
    (event,) = await _events(_trigger(OrdersCheck(["trig-4"]), deadline_in=0.2))
    assert event["status"] == "timeout" and "PENDING APPROVAL" in event["message"]


async def test_permanent_api_error_yields_an_error_event(tremendous_sandbox: Any) -> None:
    (event,) = await _events(_trigger(ReportCheck("NO-SUCH-REPORT")))
    assert event["status"] == "error" and "404" in event["message"]


async def test_transient_errors_are_polled_through(stub_conn: StubServer) -> None:
    stub_conn.add(*[Reply(503)] * 6)  # outlasts the hook's own retries once
    stub_conn.default = lambda _: Reply.json({"invoice": {"id": "I1", "status": "PAID"}})
    (event,) = await _events(_trigger(InvoiceCheck("I1"), poll=0.01))
    assert event["status"] == "success"


async def test_running_twice_has_no_side_effects(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(invoice_payment_seconds=None)
    invoice = TremendousHook().create_invoice({"amount": 5})
    trigger = _trigger(InvoiceCheck(invoice.id), deadline_in=0.3)
    first, second = await _events(trigger), await _events(trigger)  # a triggerer restart runs it again
    assert first[0]["status"] == second[0]["status"] == "timeout"
    assert TremendousHook().get_invoice(invoice.id).status == "OPEN"
    assert tremendous_sandbox.admin.ledger() == []


async def test_many_orders_cost_one_list_call_per_500(tremendous_sandbox: Any, monkeypatch: Any) -> None:
    hook = TremendousHook()
    ids = [hook.create_order(order_body(f"many-{i}")).id for i in range(1100)]
    calls: list[str] = []
    from airflow_provider_tremendous.hooks.tremendous import TremendousAsyncHook

    original = TremendousAsyncHook._aexecute

    async def counting(self: Any, request: Any) -> Any:
        calls.append(request.path)
        return await original(self, request)

    monkeypatch.setattr(TremendousAsyncHook, "_aexecute", counting)
    (event,) = await _events(_trigger(OrdersCheck(ids)))
    assert event["status"] == "success" and event["data"]["total"] == 1100
    assert calls == ["/orders"] * 3

"""The sensors: poke in the worker, defer to the trigger, and every terminal path."""

from __future__ import annotations

from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowSensorTimeout, TaskDeferred

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.sensors import (
    TremendousBalanceSensor,
    TremendousInvoiceSensor,
    TremendousOrderSensor,
    TremendousReportSensor,
)
from tests.sandbox.conftest import order_body
from tests.support.context import context


def test_order_sensor_needs_exactly_one_selector() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        TremendousOrderSensor(task_id="s")
    with pytest.raises(ValueError, match="exactly one"):
        TremendousOrderSensor(task_id="s", order_id="a", external_id="b")


def test_order_sensor_poke_paths(tremendous_sandbox: Any) -> None:
    hook = TremendousHook()
    tremendous_sandbox.admin.settings(approvals=True)
    pending = hook.create_order(order_body("pending-1"))
    sensor = TremendousOrderSensor(task_id="s", external_id="pending-1")
    assert sensor.poke(context()) is False
    hook.approve_order(pending.id)
    result = sensor.poke(context())
    assert result.is_done and result.xcom_value["status_counts"] == {"EXECUTED": 1}
    strict = TremendousOrderSensor(
        task_id="s2", order_id=hook.create_order(order_body("p2")).id, fail_on_pending_approval=True
    )
    with pytest.raises(e.TremendousWaitFailedError, match="PENDING APPROVAL"):
        strict.poke(context())


def test_order_sensor_accepts_operator_output_and_fails_on_missing(tremendous_sandbox: Any) -> None:
    orders = [TremendousHook().create_order(order_body(f"k{i}")).to_xcom() for i in range(3)]
    assert TremendousOrderSensor(task_id="s", order_ids=orders).poke(context()).is_done
    with pytest.raises(e.TremendousNotFoundError):
        TremendousOrderSensor(task_id="s", order_ids=["NOPE"]).poke(context())
    with pytest.raises(e.TremendousInputError, match="empty"):
        TremendousOrderSensor(task_id="s", order_ids=[]).poke(context())


def test_deferrable_sensor_checks_first_then_defers(tremendous_sandbox: Any) -> None:
    done = TremendousHook().create_order(order_body("done-1"))
    result = TremendousOrderSensor(task_id="s", order_id=done.id, deferrable=True).execute(context())
    assert result["status_counts"] == {"EXECUTED": 1}
    tremendous_sandbox.admin.settings(approvals=True)
    TremendousHook().create_order(order_body("waiting-1"))
    sensor = TremendousOrderSensor(task_id="s", external_id="waiting-1", deferrable=True, poke_interval=7, timeout=100)
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute(context())
    assert deferred.value.trigger.poll_interval == 7
    assert deferred.value.timeout is None


@pytest.mark.parametrize(
    ("event", "error"),
    [
        ({"status": "timeout", "message": "deadline passed"}, AirflowSensorTimeout),
        ({"status": "failure", "message": "FAILED"}, e.TremendousWaitFailedError),
        ({"status": "error", "message": "401"}, e.TremendousError),
    ],
)
def test_sensor_execute_complete_paths(event: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        TremendousReportSensor(task_id="s", report_id="R").execute_complete(context(), event)
    ok = {"status": "success", "message": "ready", "data": {"report": {"id": "R"}}}
    assert TremendousReportSensor(task_id="s", report_id="R").execute_complete(context(), ok) == ok["data"]


def test_report_sensor(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(report_seconds=30)
    report = TremendousHook().create_report({"report_type": "digital_rewards", "format": "csv"})
    sensor = TremendousReportSensor(task_id="s", report_id=report.id)
    assert sensor.poke(context()) is False
    tremendous_sandbox.admin.advance(30)
    assert sensor.poke(context()).xcom_value["report"]["url"].endswith(".csv")
    failing = TremendousHook().create_report({"report_type": "digital_rewards", "format": "csv"})
    tremendous_sandbox.admin.fail_report(failing.id)
    tremendous_sandbox.admin.advance(30)
    with pytest.raises(e.TremendousWaitFailedError, match="failed to generate"):
        TremendousReportSensor(task_id="s", report_id=failing.id).poke(context())


def test_invoice_sensor(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(invoice_payment_seconds=None)
    invoice = TremendousHook().create_invoice({"amount": 20})
    sensor = TremendousInvoiceSensor(task_id="s", invoice_id=invoice.id)
    assert sensor.poke(context()) is False
    tremendous_sandbox.admin.pay_invoice(invoice.id)
    assert sensor.poke(context()).is_done
    deleted = TremendousHook().create_invoice({"amount": 5})
    TremendousHook().delete_invoices(deleted.id)
    with pytest.raises(e.TremendousWaitFailedError, match="deleted"):
        TremendousInvoiceSensor(task_id="s", invoice_id=deleted.id).poke(context())


def test_balance_sensor(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.set_balance(40)
    sensor = TremendousBalanceSensor(task_id="s", min_available_amount="50")
    assert sensor.poke(context()) is False
    tremendous_sandbox.admin.set_balance(50)
    assert sensor.poke(context()).xcom_value["available_amount"] == 50

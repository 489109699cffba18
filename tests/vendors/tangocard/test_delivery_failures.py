"""Tango Card reward delivery failures (strictness.md #13): an order COMPLETE (money spent) whose line item's
``deliveryStatus`` is FAILED (the email never reached the person) is injectable in the sandbox, reported by the
waits and reconciled as its own kind, ``delivery_failed``, as for Tremendous."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousWaitFailedError
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from airflow_provider_tremendous.payouts.keys import external_id
from airflow_provider_tremendous.sensors.orders import TremendousOrderSensor
from airflow_provider_tremendous.sensors.tangocard import TangoCardOrderSensor
from airflow_provider_tremendous.triggers.status import TremendousStatusTrigger
from airflow_provider_tremendous.vendors.tangocard.checks import TangoCardPayoutRunCheck
from airflow_provider_tremendous.vendors.tangocard.errors import TangoCardBadRequestError
from tests.support.context import context
from tests.vendors.tangocard.conftest import order_body, respondents, tango_bulk, tango_reconcile

BOUNCING = "bounce-t1@example.com"


def _recipient(email: str) -> dict[str, str]:
    return {"email": email, "firstName": "Ada"}


def _reconcile(rows: list[dict[str, Any]], tmp_path: Path, summary: dict[str, Any]) -> dict[str, Any]:
    return tango_reconcile(rows, tmp_path, created_after=summary["created_after"])


def _done(result: Any) -> dict[str, Any]:
    """The verdict data of a poke that finished."""
    assert getattr(result, "is_done", False), result
    return dict(result.xcom_value)


def _bouncing_payout(tmp_path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows = respondents(3)
    rows[1]["email"] = BOUNCING  # the sandbox fails delivery to a bouncing address
    return rows, tango_bulk(tmp_path, rows).execute(context())


def test_sandbox_line_items_carry_delivery_status_and_filter_by_it(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    tremendous_sandbox.admin.settings(tango_order_pending_seconds=30)
    bounced = hook.create_order(order_body("bounced", recipient=_recipient(BOUNCING)))
    invalid = hook.create_order(order_body("invalid", recipient=_recipient("invalid.person@example.com")))
    fine = hook.create_order(order_body("fine"))
    link = hook.create_order(order_body("link", sendEmail=False, recipient=_recipient(BOUNCING)))
    assert {i.delivery_status for i in hook.iter_line_items()} == {"IN_PROGRESS"}, "not delivered while PENDING"
    tremendous_sandbox.admin.advance(31)
    statuses = {i.reference_order_id: i.delivery_status for i in hook.iter_line_items()}
    assert statuses == {
        bounced.reference_order_id: "FAILED",
        invalid.reference_order_id: "FAILED",
        fine.reference_order_id: "COMPLETED",
        link.reference_order_id: "COMPLETED",  # a LINK reward is handed over in the order: nothing to bounce
    }
    assert hook.get_order(bounced.reference_order_id).status == "COMPLETE", "the money is spent all the same"
    failed = list(hook.iter_line_items(delivery_status="FAILED"))
    assert sorted(i.external_ref_id or "" for i in failed) == ["bounced", "invalid"]
    assert [i.external_ref_id for i in hook.iter_line_items(delivery_status="COMPLETED", external_ref_id="fine")] == [
        "fine"
    ]
    later = "2999-01-01T00:00:00Z"
    assert list(hook.iter_line_items(delivery_status="FAILED", start_date=later)) == [], "startDate filters"
    hook.resend_order(bounced.reference_order_id, {"newEmail": "corrected@example.com"})
    assert [i.external_ref_id for i in hook.iter_line_items(delivery_status="FAILED")] == ["invalid"]


def test_an_unknown_delivery_status_filter_is_a_400_naming_the_field(tremendous_sandbox: Any) -> None:
    with pytest.raises(TangoCardBadRequestError) as raised:
        TangoCardHook().list_line_items(delivery_status="BOUNCED")
    assert raised.value.i18n_key == "400.001"
    assert [(e["path"], e["invalidValue"]) for e in raised.value.errors] == [("deliveryStatus", "BOUNCED")]


def test_a_tango_payout_wait_reports_delivery_failures_and_fails_on_request(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: a Tango payout whose reward email bounced passed every wait as success, without a word."""
    rows, summary = _bouncing_payout(tmp_path)
    bounced = external_id("survey-7", rows[1]["respondent_id"].lower(), "tangocard")
    data = _done(TremendousOrderSensor(task_id="wait", payout=summary).poke(context()))
    assert (data["delivery_failed"], data["delivery_failed_examples"]) == (1, [bounced])
    assert "redeem" not in str(data), "no reward credential in the verdict"
    strict = TremendousOrderSensor(task_id="wait", payout=summary, fail_on_delivery_failure=True)
    with pytest.raises(TremendousWaitFailedError, match=r"1 reward\(s\) paid but not delivered") as raised:
        strict.poke(context())
    assert "/resends" in str(raised.value) and "newEmail" in str(raised.value) and bounced in str(raised.value)


async def test_the_deferred_payout_wait_reports_delivery_failures(tremendous_sandbox: Any, tmp_path: Path) -> None:
    _, summary = _bouncing_payout(tmp_path)
    check = TangoCardPayoutRunCheck(
        summary["external_id_prefixes"],
        summary["paid"],
        account_identifier=summary["account_identifier"],
        created_after=summary["created_after"],
        fail_on_delivery_failure=True,
    )
    trigger = TremendousStatusTrigger(check.serialize(), "tangocard_default", 0.05, time.time() + 30, {}, "tangocard")
    (event,) = [e.payload async for e in trigger.run()]
    assert event["status"] == "failure" and event["data"]["delivery_failed"] == 1


def test_the_order_sensor_reports_a_bounced_reward(tremendous_sandbox: Any) -> None:
    order = TangoCardHook().create_order(order_body("bounced", recipient=_recipient(BOUNCING)))
    sensor = TangoCardOrderSensor(task_id="wait", reference_order_id=order.reference_order_id, deferrable=False)
    data = _done(sensor.poke(context()))
    assert data["delivery_failed_examples"] == ["bounced"] and "redeem" not in str(data), "ids, never credentials"
    strict = TangoCardOrderSensor(
        task_id="wait", reference_order_id=order.reference_order_id, deferrable=False, fail_on_delivery_failure=True
    )
    with pytest.raises(TremendousWaitFailedError, match=f"bounced \\(order {order.reference_order_id}\\)"):
        strict.poke(context())


def test_reconciliation_reports_a_bounced_tango_reward_as_delivery_failed(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: reconciliation called a Tango order COMPLETE whose email bounced a match, with nothing to report."""
    rows, summary = _bouncing_payout(tmp_path)
    reconciled = _reconcile(rows, tmp_path, summary)
    assert (reconciled["delivery_failed"], reconciled["matched"], reconciled["not_executed"]) == (1, 3, 0)
    report = (tmp_path / "reconcile.csv").read_text()
    assert f"delivery_failed,{rows[1]['respondent_id'].lower()}," in report


def test_a_tango_payout_without_bouncing_recipients_reports_no_delivery_failure(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    rows = respondents(3)
    summary = tango_bulk(tmp_path, rows).execute(context())
    items = list(TangoCardHook().iter_line_items(start_date=summary["created_after"]))
    assert [i.delivery_status for i in items] == ["COMPLETED"] * 3
    waited = TremendousOrderSensor(task_id="wait", payout=summary, fail_on_delivery_failure=True).poke(context())
    assert "delivery_failed" not in _done(waited)
    reconciled = _reconcile(rows, tmp_path, summary)
    assert (reconciled["delivery_failed"], reconciled["matched"]) == (0, 3)

"""Tango Card operators, sensors and the trigger, against the emulator."""

from __future__ import annotations

import time
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import TaskDeferred

from airflow_provider_tremendous.core.checks import Check
from airflow_provider_tremendous.core.errors import TremendousInputError, TremendousWaitFailedError
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from airflow_provider_tremendous.operators.tangocard import TangoCardCreateOrderOperator, TangoCardFundAccountOperator
from airflow_provider_tremendous.sensors.tangocard import TangoCardBalanceSensor, TangoCardOrderSensor
from airflow_provider_tremendous.triggers.status import TremendousStatusTrigger
from airflow_provider_tremendous.vendors import load_checks
from airflow_provider_tremendous.vendors.tangocard.checks import (
    TangoCardBalanceCheck,
    TangoCardOrdersCheck,
    TangoCardPayoutRunCheck,
)
from tests.support.context import context
from tests.vendors.tangocard.conftest import ACCOUNT, order_body

RECIPIENT = {"email": "winner@example.com", "firstName": "Ada", "lastName": "Lovelace"}


def _register_card(hook: TangoCardHook) -> Any:
    """Register the sandbox test card for the default account."""
    return hook.register_credit_card(
        {
            "customerIdentifier": "sandbox-customer",
            "accountIdentifier": ACCOUNT,
            "label": "card",
            "ipAddress": "127.0.0.1",
            "creditCard": {"number": "4111111111111111", "expiration": "2030-12"},
        }
    )


def _order_operator(**kwargs: Any) -> TangoCardCreateOrderOperator:
    settings: dict[str, Any] = {"task_id": "pay", "utid": "U000001", "amount": "15.00", "recipient": RECIPIENT}
    return TangoCardCreateOrderOperator(**(settings | kwargs))


def test_create_order_derives_its_key_and_never_pays_twice(tremendous_sandbox: Any, caplog: Any) -> None:
    first = _order_operator().execute(context(map_index=3))
    again = _order_operator().execute(context(map_index=3))  # a task retry
    other = _order_operator().execute(context(map_index=4))
    assert first["referenceOrderID"] == again["referenceOrderID"] != other["referenceOrderID"]
    assert "reward" not in first, "gift credentials never reach XCom"
    ledger = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    assert len(ledger) == 2 and all(len(r["external_ref_id"]) <= 100 for r in ledger)
    assert ledger[0]["external_ref_id"].startswith("dagtaskti")
    assert all(r["external_ref_id"].isascii() and r["external_ref_id"].isalnum() for r in ledger)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": "ten"}, "not an amount"),
        ({"amount": "1.234"}, "3 decimals, more than the 2 allowed"),
        ({"recipient": {"email": "winner@example.com"}}, "needs recipient email and firstName"),
        ({"recipient": {"email": "not-an-email", "firstName": "A"}}, "is not a valid email address"),
        ({"external_ref_id": "has spaces"}, "external_ref_id"),
        ({"utid": " "}, "utid"),
    ],
)
def test_bad_input_is_refused_before_sending(tremendous_sandbox: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TremendousInputError, match=message):
        _order_operator(**kwargs).execute(context())
    assert tremendous_sandbox.admin.tangocard_ledger()["orders"] == []


def test_link_orders_need_no_email(tremendous_sandbox: Any) -> None:
    order = _order_operator(recipient=None, send_email=False).execute(context())
    assert order["status"] == "COMPLETE" and order["sendEmail"] is False


def test_create_order_can_wait_in_the_worker_or_defer(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(tango_order_pending_seconds=0.3)
    done = _order_operator(wait_for_completion=True, deferrable=False, poll_interval=0.1).execute(context())
    assert done["status"] == "COMPLETE"
    with pytest.raises(TaskDeferred) as deferred:
        _order_operator(wait_for_completion=True, deferrable=True).execute(context(map_index=1))
    trigger = deferred.value.trigger
    assert isinstance(trigger, TremendousStatusTrigger) and trigger.serialize()[1]["vendor"] == "tangocard"
    assert trigger.serialize()[1]["tremendous_conn_id"] == "tangocard_default"


def test_fund_account_charges_once_per_task_instance(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    card = _register_card(hook)
    before = hook.get_balance().current_balance or 0
    operator = TangoCardFundAccountOperator(task_id="fund", amount=250, credit_card_token=card.token)
    first = operator.execute(context())
    second = operator.execute(context())  # retried task: the same externalRefID, not charged again
    assert first["referenceDepositID"] == second["referenceDepositID"]
    assert second["currentBalance"] == float(before) + 250


async def test_order_sensor_outcomes_through_the_trigger(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(tango_order_pending_seconds=0.3)
    hook = TangoCardHook()
    pending = hook.create_order(order_body("waitme")).reference_order_id
    trigger = TremendousStatusTrigger(
        TangoCardOrdersCheck([pending]).serialize(), "tangocard_default", 0.05, time.time() + 30, {}, "tangocard"
    )
    (event,) = [e.payload async for e in trigger.run()]
    assert event["status"] == "success" and event["data"]["order"]["status"] == "COMPLETE"
    partial = hook.create_order(order_body("partial")).reference_order_id
    tremendous_sandbox.admin.tangocard_set_status(partial, "PARTIAL")
    for rule, state in (("fail", "failure"), ("succeed", "success")):
        check = TangoCardOrdersCheck([partial], partial=rule)  # type: ignore[arg-type]
        trigger = TremendousStatusTrigger(
            check.serialize(), "tangocard_default", 0.05, time.time() + 5, {}, "tangocard"
        )
        (event,) = [e.payload async for e in trigger.run()]
        assert event["status"] == state
    waiting = TremendousStatusTrigger(
        TangoCardOrdersCheck([partial], partial="wait").serialize(),
        "tangocard_default",
        0.05,
        time.time() + 0.3,
        {},
        "tangocard",
    )
    (event,) = [e.payload async for e in waiting.run()]
    assert event["status"] == "timeout"


def test_order_sensor_pokes(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    tremendous_sandbox.admin.settings(tango_order_pending_seconds=60)
    order = hook.create_order(order_body("poke")).to_xcom()
    sensor = TangoCardOrderSensor(task_id="wait", reference_order_ids=[order], deferrable=False)
    assert sensor.poke(context()) is False
    tremendous_sandbox.admin.advance(61)
    assert getattr(sensor.poke(context()), "is_done", False)
    tremendous_sandbox.admin.tangocard_set_status(order["referenceOrderID"], "FAILED")
    with pytest.raises(TremendousWaitFailedError, match="FAILED"):
        sensor.poke(context())
    assert tremendous_sandbox.admin.tangocard_ledger()["balances"][ACCOUNT] == 100_000, "FAILED refunds"


def test_balance_sensor(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.tangocard_set_balance(ACCOUNT, 40)
    sensor = TangoCardBalanceSensor(task_id="funded", min_balance=50, deferrable=False)
    assert sensor.poke(context()) is False
    tremendous_sandbox.admin.tangocard_set_balance(ACCOUNT, 75)
    result = sensor.poke(context())
    assert getattr(result, "xcom_value", {})["current_balance"] == 75


@pytest.mark.parametrize(
    "check",
    [
        TangoCardOrdersCheck(["RA1", "RA2"], partial="wait"),
        TangoCardPayoutRunCheck("p:", 3, account_identifier="a", created_after="2026-11-01T00:00:00+00:00"),
        TangoCardBalanceCheck("a", 12.5),
    ],
)
def test_tango_checks_round_trip(check: Check) -> None:
    load_checks()
    assert Check.deserialize(check.serialize()).serialize() == check.serialize()


def test_sensor_needs_exactly_one_target() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        TangoCardOrderSensor(task_id="s")
    with pytest.raises(ValueError, match="on_partial"):
        TangoCardOrderSensor(task_id="s", reference_order_id="RA1", on_partial="maybe")


def test_a_replay_for_another_amount_is_not_taken_as_paid(tremendous_sandbox: Any) -> None:
    """Tango answers a reused externalRefID with the original order even for another amount: the operator says so
    and fails without retries instead of reporting the new amount as paid."""
    from airflow_provider_tremendous.operators.tangocard import TangoCardReplayMismatchError

    _order_operator(external_ref_id="fixedkey").execute(context())
    with pytest.raises(TangoCardReplayMismatchError, match=r"amount 15(\.0+)? \(asked 25"):
        _order_operator(external_ref_id="fixedkey", amount="25.00").execute(context())
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 1


def test_gift_credentials_never_reach_xcom_from_any_wait(tremendous_sandbox: Any) -> None:
    order = TangoCardHook().create_order(order_body("secretcodes"))
    assert order.reward, "the hook gives the credentials to code that asks for them"
    assert "reward" not in order.to_xcom()
    sensor = TangoCardOrderSensor(task_id="wait", reference_order_id=order.reference_order_id, deferrable=False)
    done = sensor.poke(context())
    assert "redeem" not in str(getattr(done, "xcom_value", None))


def test_a_deposit_whose_answer_is_lost_is_never_sent_again(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    card = _register_card(hook)
    tremendous_sandbox.admin.faults(drop_after_commit_rate=1.0, path_prefix="/creditCardDeposits", method="POST")
    operator = TangoCardFundAccountOperator(task_id="fund", amount=250, credit_card_token=card.token)
    from airflow_provider_tremendous.operators.tangocard import TangoCardDepositUncertainError

    with pytest.raises(TangoCardDepositUncertainError, match="may have gone through"):
        operator.execute(context())
    deposits = tremendous_sandbox.state.collections["tango_deposits"]
    assert len(deposits) == 1, "charged once, and the hook did not send it again"
    assert tremendous_sandbox.admin.stats()["dropped_after_commit"] == 1

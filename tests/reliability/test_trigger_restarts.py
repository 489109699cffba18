"""Triggers survive what triggerers do to them: being cancelled mid-poll, restarted, run twice; a deadline ends
the wait with a clear failure in the task, through the trigger's own timeout event."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import TaskDeferred

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from airflow_provider_tremendous.triggers.status import TremendousStatusTrigger
from airflow_provider_tremendous.vendors.tremendous.checks import OrdersCheck
from tests.sandbox.conftest import order_body
from tests.support.context import context


def _trigger(order_id: str, deadline_in: float = 30) -> TremendousStatusTrigger:
    check = OrdersCheck([order_id]).serialize()
    return TremendousStatusTrigger(check, "tremendous_default", 0.05, time.time() + deadline_in, {})


async def test_cancelled_trigger_misses_nothing_when_restarted(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    order = TremendousHook().create_order(order_body("restart-1"))
    serialized = _trigger(order.id).serialize()

    first = asyncio.ensure_future(TremendousStatusTrigger(**serialized[1]).run().__anext__())
    await asyncio.sleep(0.3)  # it polled a few times: still pending
    first.cancel()  # the triggerer stops (restart, redistribution)
    with pytest.raises(asyncio.CancelledError):
        await first
    assert TremendousHook().get_order(order.id).status == "PENDING APPROVAL", "the trigger changed nothing"

    TremendousHook().approve_order(order.id)  # completes while no trigger runs
    restarted = TremendousStatusTrigger(**serialized[1])  # rebuilt from its serialized kwargs, as a triggerer does
    events = [event.payload async for event in restarted.run()]
    assert [event["status"] for event in events] == ["success"]
    again = [event.payload async for event in TremendousStatusTrigger(**serialized[1]).run()]
    assert again == events, "running it twice gives the same single event"
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_deferrable_timeout_fails_the_task_clearly(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    operator = TremendousCreateOrderOperator(
        task_id="pay",
        reward=order_body()["reward"],
        wait_for_completion=True,
        deferrable=True,
        timeout=0.3,
        poll_interval=0.05,
    )
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute(context())

    async def run_trigger() -> list[dict[str, Any]]:
        return [event.payload async for event in deferred.value.trigger.run()]

    events = asyncio.run(run_trigger())
    assert [event["status"] for event in events] == ["timeout"]
    with pytest.raises(e.TremendousWaitTimeoutError, match="PENDING APPROVAL"):
        operator.execute_complete(context(), events[0], **deferred.value.kwargs)

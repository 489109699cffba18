"""TremendousCreateOrderOperator against the sandbox: idempotency, validation, waiting, failure paths."""

from __future__ import annotations

from typing import Any

import pytest
from airflow.providers.common.compat.sdk import TaskDeferred

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.core.external_ids import task_instance_external_id
from airflow_provider_tremendous.operators.orders import (
    TremendousApproveOrderOperator,
    TremendousCreateOrderOperator,
    TremendousRejectOrderOperator,
)
from airflow_provider_tremendous.triggers.status import TremendousStatusTrigger
from tests.sandbox.conftest import order_body
from tests.support.context import context, logged

REWARD = order_body()["reward"]


def _operator(**kwargs: Any) -> TremendousCreateOrderOperator:
    return TremendousCreateOrderOperator(task_id="pay", reward=kwargs.pop("reward", REWARD), **kwargs)


def test_derived_external_id_is_stable_per_task_instance() -> None:
    first = task_instance_external_id("survey", "pay", "manual__1", 3)
    assert first == task_instance_external_id("survey", "pay", "manual__1", 3)
    others = {
        task_instance_external_id("survey", "pay", "manual__1", 4),
        task_instance_external_id("survey", "pay", "manual__2", 3),
        task_instance_external_id("survey", "other", "manual__1", 3),
    }
    assert first not in others and len(others) == 3
    assert first.startswith("survey.pay.") and len(first) <= 107


def test_a_retry_of_the_same_task_instance_finds_its_order(tremendous_sandbox: Any, caplog: Any, capsys: Any) -> None:
    first = _operator().execute(context(dag_id="survey", run_id="r1", map_index=0))
    ctx = context(dag_id="survey", run_id="r1", map_index=0)
    again = _operator().execute(ctx)
    assert again["id"] == first["id"]
    assert "already existed" in logged(caplog, capsys)
    assert ctx["ti"].pushed["order_id"] == first["id"]
    assert ctx["ti"].pushed["tremendous_order_url"].endswith(f"/orders/{first['id']}")
    other = _operator().execute(context(dag_id="survey", run_id="r1", map_index=1))
    assert other["id"] != first["id"]
    assert len(tremendous_sandbox.admin.ledger()) == 2


def test_returns_a_json_safe_order_without_the_link_of_link_rewards(tremendous_sandbox: Any, caplog: Any) -> None:
    import json

    link_reward = {**REWARD, "delivery": {"method": "LINK"}, "recipient": {"name": "L"}}
    ctx = context()
    order = _operator(reward=link_reward, external_id="given-key-1").execute(ctx)
    assert json.loads(json.dumps(order)) == order
    assert order["external_id"] == "given-key-1"
    assert order["status"] == "EXECUTED" and order["payment"]["total"] == 10
    assert order["rewards"][0]["delivery"] == {"method": "LINK", "status": "SUCCEEDED"}, "a link is bearer money"
    from airflow_provider_tremendous.hooks import TremendousHook

    reward_id = TremendousHook().get_order(order["id"]).rewards[0].id  # type: ignore[index]
    link = TremendousHook().generate_reward_link(str(reward_id)).link  # GET carries no link (as documented)
    assert link and link not in json.dumps(ctx["ti"].pushed) + caplog.text


def test_redemption_links_are_written_only_to_the_private_file_asked_for(
    tremendous_sandbox: Any, tmp_path: Any, caplog: Any
) -> None:
    import json
    import os
    import stat

    link_reward = {**REWARD, "delivery": {"method": "LINK"}, "recipient": {"name": "L"}}
    target = tmp_path / "links.jsonl"
    order = _operator(reward=link_reward, external_id="given-key-2", redemption_links_path=str(target)).execute(
        context()
    )
    (record,) = [json.loads(line) for line in target.read_text().splitlines()]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert record["order_id"] == order["id"] and record["link"].startswith("https://")
    assert record["link"] not in json.dumps(order) + caplog.text
    shared = tmp_path / "shared.jsonl"
    shared.write_text("")
    os.chmod(shared, 0o640)
    with pytest.raises(e.TremendousConfigurationError, match="chmod 600"):
        _operator(reward=link_reward, external_id="given-key-2", redemption_links_path=str(shared)).execute(context())
    assert shared.read_text() == ""


def test_conflicting_external_id_is_a_clear_error(tremendous_sandbox: Any) -> None:
    _operator(external_id="respondent-9").execute(context())
    changed = {**REWARD, "value": {"denomination": 99, "currency_code": "USD"}}
    conflict = r"respondent-9.*already belongs to order \S+ with another amount"
    with pytest.raises(e.TremendousConflictError, match=conflict):
        _operator(reward=changed, external_id="respondent-9").execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1


@pytest.mark.parametrize(
    ("reward", "message"),
    [
        ({**REWARD, "value": {"denomination": 0}}, "value.denomination: 0 is not positive"),
        ({**REWARD, "value": {"denomination": 1.234}}, "1.234 is a floating-point number with more than 2 decimals"),
        ({**REWARD, "recipient": {"name": "x", "email": "nope"}}, "recipient.email: 'nope' is not a valid email"),
        ({**REWARD, "products": None}, "give 'products'"),
        ({**REWARD, "products": ["bad id"]}, "product ids look like"),
        ({**REWARD, "delivery": {"method": "PIGEON"}}, "delivery.method"),
        ("not a dict", "must be a dict"),
    ],
)
def test_invalid_rewards_send_nothing(tremendous_sandbox: Any, reward: Any, message: str) -> None:
    with pytest.raises(e.TremendousInputError, match=message):
        _operator(reward=reward).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_insufficient_funds_fails_with_payment_required(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.set_balance(1)
    with pytest.raises(e.TremendousPaymentRequiredError):
        _operator().execute(context())


def test_wait_in_the_worker_until_executed(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(order_processing_seconds=0.3)  # real (sandbox) time passes while polling
    order = _operator(wait_for_completion=True, poll_interval=0.1, timeout=30).execute(context())
    assert order["status"] == "EXECUTED"


def test_deferrable_defers_with_an_absolute_deadline(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    operator = _operator(wait_for_completion=True, deferrable=True, poll_interval=5, timeout=600)
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute(context())
    trigger = deferred.value.trigger
    assert isinstance(trigger, TremendousStatusTrigger)
    assert trigger.check["kind"] == "orders" and trigger.poll_interval == 5
    import time

    assert 590 < trigger.deadline - time.time() <= 600
    assert deferred.value.method_name == "execute_complete"
    assert deferred.value.timeout is None, "the trigger enforces the deadline, not the framework"


def test_already_terminal_order_does_not_defer(tremendous_sandbox: Any) -> None:
    order = _operator(wait_for_completion=True, deferrable=True).execute(context())
    assert order["status"] == "EXECUTED"


@pytest.mark.parametrize(
    ("event", "error"),
    [
        ({"status": "failure", "message": "1 order(s) in a failure status: X (FAILED)"}, e.TremendousWaitFailedError),
        ({"status": "timeout", "message": "deadline passed"}, e.TremendousWaitTimeoutError),
        ({"status": "error", "message": "401 Unauthorized"}, e.TremendousError),
        (None, e.TremendousError),
        ({"status": "weird"}, e.TremendousError),
    ],
)
def test_execute_complete_handles_every_terminal_event(event: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        _operator(wait_for_completion=True).execute_complete(context(), event, {"order_id": "X"})


def test_execute_complete_success_returns_the_fresh_order(tremendous_sandbox: Any) -> None:
    created = _operator(external_id="k-77").execute(context())
    result = _operator(wait_for_completion=True).execute_complete(
        context(), {"status": "success", "message": "ok", "data": {}}, {"order_id": created["id"]}
    )
    assert result["id"] == created["id"] and result["status"] == "EXECUTED"


def test_approve_and_reject_are_retry_safe(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    _operator(external_id="to-approve").execute(context())
    _operator(external_id="to-reject").execute(context())
    approve = TremendousApproveOrderOperator(task_id="approve", order_id="to-approve")
    assert approve.execute(context())["status"] == "EXECUTED"
    assert approve.execute(context())["status"] == "EXECUTED", "a retry finds it already approved"
    reject = TremendousRejectOrderOperator(task_id="reject", order_id="to-reject")
    assert reject.execute(context())["status"] == "CANCELED"
    assert reject.execute(context())["status"] == "CANCELED"
    with pytest.raises(e.TremendousUnprocessableError):
        TremendousRejectOrderOperator(task_id="r2", order_id="to-approve").execute(context())


def test_template_fields_and_parse_time_safety() -> None:
    operator = _operator(tremendous_conn_id="no_such_connection")
    assert {"reward", "external_id", "funding_source_id"} <= set(operator.template_fields)
    assert "hook" not in operator.__dict__, "no hook (and no connection lookup) at DAG parse time"

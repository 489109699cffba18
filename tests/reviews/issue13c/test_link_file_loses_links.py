"""Rule 2 (never silently fail to pay): the opt-in redemption-links file is filled from ``GET /orders/{id}``, but
Tremendous documents ``delivery.link`` *only on create-order responses* (shared/api/tremendous-api.md, Reward
object: "link only on create-order responses and LINK rewards"). The loopback sandbox renders the link on every GET,
which hides this. With the GET made to answer as documented (the create response is untouched), a LINK reward paid
with ``redemption_links_path`` ends with an EMPTY links file and a green task: the recipient's money is never handed
over and nothing says so. Same on a retry (the order is found by GET, its link is not there)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from airflow_provider_tremendous import errors as e
from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from tests.sandbox.conftest import order_body
from tests.support.context import context

LINK_REWARD = {**order_body()["reward"], "delivery": {"method": "LINK"}, "recipient": {"name": "L"}}


@pytest.fixture
def documented_get(monkeypatch: pytest.MonkeyPatch) -> None:
    """GET /orders/{id} without ``delivery.link`` (as documented); POST /orders keeps it."""
    from airflow_provider_tremendous.sandbox.domain import orders as domain
    from airflow_provider_tremendous.sandbox.routes import orders as routes

    class _Documented:
        def __getattr__(self, name: str) -> Any:
            return getattr(domain, name)

        @staticmethod
        def render_order(state: Any, order: Any) -> Any:
            view = domain.render_order(state, order)
            for reward in view.get("rewards") or []:
                reward.get("delivery", {}).pop("link", None)
            return view

    monkeypatch.setattr(routes, "orders", _Documented())


def _lines(path: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_wait_for_completion_writes_the_link_from_the_create_answer(
    tremendous_sandbox: Any, documented_get: None, tmp_path: Any
) -> None:
    target = tmp_path / "links.jsonl"
    op = TremendousCreateOrderOperator(
        task_id="pay",
        reward=LINK_REWARD,
        external_id="wait-link-1",
        redemption_links_path=str(target),
        wait_for_completion=True,
        poll_interval=0.1,
        timeout=30,
    )
    order = op.execute(context())  # green
    assert order["status"] == "EXECUTED"
    assert len(_lines(target)) == 1, "paid a LINK reward, asked for its link, got an empty file and a green task"


def test_a_retry_after_the_file_was_refused_still_writes_the_link(
    tremendous_sandbox: Any, documented_get: None, tmp_path: Any
) -> None:
    target = tmp_path / "links.jsonl"
    target.write_text("")
    os.chmod(target, 0o644)

    def op() -> TremendousCreateOrderOperator:
        return TremendousCreateOrderOperator(task_id="pay", reward=LINK_REWARD, redemption_links_path=str(target))

    with pytest.raises(e.TremendousConfigurationError) as caught:
        op().execute(context(dag_id="d", run_id="r1"))  # the order IS paid here, then the file is refused
    assert len(tremendous_sandbox.admin.ledger()) == 1
    os.chmod(target, 0o600)  # the user fixes the file as told, and retries
    op().execute(context(dag_id="d", run_id="r1"))
    assert len(tremendous_sandbox.admin.ledger()) == 1  # not paid twice (holds)
    assert len(_lines(target)) == 1, "the retry succeeded but wrote no link: the reward is never handed over"


def test_the_refusal_after_payment_says_the_order_was_paid(tremendous_sandbox: Any, tmp_path: Any) -> None:
    target = tmp_path / "links.jsonl"
    target.write_text("")
    os.chmod(target, 0o644)
    with pytest.raises(e.TremendousConfigurationError) as caught:
        TremendousCreateOrderOperator(
            task_id="pay", reward=LINK_REWARD, external_id="paid-then-refused", redemption_links_path=str(target)
        ).execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1, "the order was paid"
    text = str(caught.value)
    assert "paid" in text.lower() or "order" in text.lower(), f"failure after paying does not say so: {text!r}"

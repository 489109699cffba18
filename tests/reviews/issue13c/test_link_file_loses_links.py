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

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from tests.sandbox.conftest import order_body
from tests.support.context import context

LINK_REWARD = {**order_body()["reward"], "delivery": {"method": "LINK"}, "recipient": {"name": "L"}}


@pytest.fixture
def documented_get(monkeypatch: pytest.MonkeyPatch) -> None:
    """GET /orders/{id} without ``delivery.link`` (as documented); POST /orders keeps it."""
    from airflow_provider_tremendous.sandbox.tremendous.domain import orders as domain
    from airflow_provider_tremendous.sandbox.tremendous.routes import orders as routes

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
    """The file is checked before anything is paid; the fixed retry pays once and writes the link."""
    target = tmp_path / "links.jsonl"
    target.write_text("")
    os.chmod(target, 0o644)

    def op() -> TremendousCreateOrderOperator:
        return TremendousCreateOrderOperator(task_id="pay", reward=LINK_REWARD, redemption_links_path=str(target))

    with pytest.raises(e.TremendousConfigurationError, match="chmod 600"):
        op().execute(context(dag_id="d", run_id="r1"))
    assert tremendous_sandbox.admin.ledger() == [], "refused before paying"
    os.chmod(target, 0o600)  # the user fixes the file as told, and retries
    op().execute(context(dag_id="d", run_id="r1"))
    op().execute(context(dag_id="d", run_id="r1"))  # a clear-and-rerun: found by GET (no link there)
    assert len(tremendous_sandbox.admin.ledger()) == 1  # not paid twice
    assert len(_lines(target)) == 1, "one link per reward, written once"


def test_a_retry_on_a_fresh_worker_generates_the_link_the_create_answer_carried(
    tremendous_sandbox: Any, documented_get: None, tmp_path: Any
) -> None:
    """The first try paid and its worker died before writing; the retry on another worker (another file) finds the
    order by GET, which carries no link, and generates one."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    TremendousCreateOrderOperator(task_id="pay", reward=LINK_REWARD, external_id="lost-link").execute(context())
    TremendousCreateOrderOperator(
        task_id="pay", reward=LINK_REWARD, external_id="lost-link", redemption_links_path=str(second)
    ).execute(context())
    assert not first.exists() and len(_lines(second)) == 1 and _lines(second)[0]["link"].startswith("https://")


def test_the_refusal_of_the_file_comes_before_payment(tremendous_sandbox: Any, tmp_path: Any) -> None:
    target = tmp_path / "links.jsonl"
    target.write_text("")
    os.chmod(target, 0o644)
    with pytest.raises(e.TremendousConfigurationError, match="chmod 600"):
        TremendousCreateOrderOperator(
            task_id="pay", reward=LINK_REWARD, external_id="paid-then-refused", redemption_links_path=str(target)
        ).execute(context())
    assert tremendous_sandbox.admin.ledger() == [], "nothing is paid when the link could not be kept"


def test_tango_credentials_file_is_checked_before_the_order_and_written_once(
    tremendous_sandbox: Any, tmp_path: Any
) -> None:
    from airflow_provider_tremendous.operators.tangocard import TangoCardCreateOrderOperator

    target = tmp_path / "credentials.jsonl"
    target.write_text("")
    os.chmod(target, 0o640)

    def op() -> TangoCardCreateOrderOperator:
        recipient = {"email": "w@example.com", "firstName": "W"}
        return TangoCardCreateOrderOperator(
            task_id="pay", utid="U000001", amount="5.00", recipient=recipient, credentials_path=str(target)
        )

    with pytest.raises(e.TremendousConfigurationError, match="chmod 600"):
        op().execute(context())
    assert tremendous_sandbox.admin.tangocard_ledger()["orders"] == [], "refused before the order"
    os.chmod(target, 0o600)
    op().execute(context())
    op().execute(context())  # a retry: the same order, its credentials not written twice
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 1 and len(_lines(target)) == 1

"""Stop means stop (Money rules, part 2, design 6): once a run stops — a 402, an account-wide 403, a cap or balance
stop, ``on_kill`` — only requests already on the wire complete; an order waiting for its turn under the rate limiter
is not sent. Against the strict sandbox; each test failed before the send gate."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.operators.bulk import TremendousPayoutStopped
from tests.payouts.conftest import bulk, respondents, results
from tests.support.context import context


def test_after_a_402_no_order_waiting_for_its_turn_is_sent(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: threads holding a rate-limiter slot sent their orders after the 402 (up to max_concurrency more 402s)."""
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(rate_limit_per_second=4))
    tremendous_sandbox.admin.set_balance(10)  # two orders of 5.00
    operator = bulk(tmp_path, respondents(12), max_concurrency=8, preflight_funding=False, max_fee_percent=0)
    with pytest.raises(TremendousPayoutStopped, match="402"):
        operator.execute(context())
    outcomes = Counter(line["outcome"] for line in results(tmp_path / "results.csv"))
    assert outcomes["created"] == 2
    assert outcomes["failed"] == 1, f"only the order on the wire met the 402: {dict(outcomes)}"
    assert outcomes["not_sent"] == 9


def test_on_kill_sends_no_order_waiting_for_its_turn(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``on_kill`` (what Airflow calls on SIGTERM), orders held by the rate limiter are not sent."""
    import threading

    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(rate_limit_per_second=4))
    operator = bulk(tmp_path, respondents(12), max_concurrency=8, max_fee_percent=0)
    seen = threading.Event()

    def kill_after_the_first_order() -> None:
        while not tremendous_sandbox.admin.ledger():
            seen.wait(0.01)
        operator.on_kill()

    killer = threading.Thread(target=kill_after_the_first_order, daemon=True)
    killer.start()
    with pytest.raises(TremendousPayoutStopped, match="the task was killed"):
        operator.execute(context())
    killer.join(5)
    paid = len(tremendous_sandbox.admin.ledger())
    outcomes = Counter(line["outcome"] for line in results(tmp_path / "results.csv"))
    assert paid <= 2, f"at most the order on the wire when the kill came completes, not {paid}"
    assert outcomes["created"] == paid and outcomes["not_sent"] == 12 - paid

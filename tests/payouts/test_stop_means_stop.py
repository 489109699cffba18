"""Stop means stop (Money rules, part 2, design 6): once a run stops — a 402, an account-wide 403, a cap or balance
stop, ``on_kill`` — only requests already on the wire complete; an order waiting for its turn under the rate limiter
is not sent. Against the strict sandbox; each test failed before the send gate."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
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


@pytest.mark.parametrize("balance", [60, 100])
def test_shards_reading_the_balance_at_once_cannot_overrun_it_together(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, balance: int
) -> None:
    """Was: each shard checked the whole balance, so shards running at once could jointly plan past it (the vendor's
    402 then stopped one mid-run). Each shard now keeps within its rows' part of what the payout still has to pay."""
    from airflow_provider_tremendous.core.errors import TremendousInputError
    from airflow_provider_tremendous.vendors.tremendous.payouts import TremendousPayoutAdapter

    tremendous_sandbox.admin.set_balance(balance)
    read_at_once = Decimal(balance)  # both shards read the balance before either pays
    monkeypatch.setattr(TremendousPayoutAdapter, "available_balance", lambda self: read_at_once)
    rows = respondents(20, amount="5.00")  # 100.00 in all
    shards = [
        bulk(tmp_path, rows, shard_index=i, shard_count=2, result_path=str(tmp_path / f"{i}.csv"), max_fee_percent=0)
        for i in range(2)
    ]
    if balance < 100:
        for shard in shards:
            with pytest.raises(TremendousInputError, match="balance"):
                shard.execute(context())
        assert tremendous_sandbox.admin.ledger() == [], "refused before sending, not stopped by a 402 mid-run"
    else:
        assert sum(shard.execute(context())["created"] for shard in shards) == 20

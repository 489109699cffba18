"""Exactly once under faults: a bulk payout through a sandbox that fails, rate-limits and drops connections, and
single orders whose answers are lost. The sandbox ledger is the judge: one order per key, none missing, and the
charged total equals the intended total."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator, TremendousPayoutError
from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from airflow_provider_tremendous.payouts.keys import row_ids
from tests.sandbox.conftest import order_body
from tests.support.context import context

FAULTS = {
    "error_rate": 0.10,  # 5xx before commit
    "error_after_commit_rate": 0.05,  # paid, then 5xx
    "rate_limited_rate": 0.05,  # 429
    "drop_after_commit_rate": 0.02,  # paid, then the connection is dropped
    "path_prefix": "/orders",
    "method": "POST",
}
FIGURES = Path(os.environ.get("RELIABILITY_FIGURES", "")) if os.environ.get("RELIABILITY_FIGURES") else None


def _rows(count: int) -> list[dict[str, Any]]:
    return [
        {"respondent_id": f"F{i:05d}", "amount": f"{1 + i % 7}.{i % 100:02d}", "email": f"f{i}@example.com"}
        for i in range(count)
    ]


def retry_until_paid(make_operator: Callable[[], Any]) -> int:
    """Run the payout task until it succeeds, like Airflow's task retries would; return the tries it took."""
    tries = 0
    while True:
        tries += 1
        try:
            make_operator().execute(context())
            return tries
        except TremendousPayoutError:
            assert tries < 5, "a few task retries must finish the payout"


def fault_figures(
    stats: dict[str, int],
    keys: list[str],
    costs: list[Any],
    intended: list[dict[str, Any]],
    tries: int,
    vendor: str = "tremendous",
) -> dict[str, Any]:
    """What a ledger says after a payout under faults: requests, faults, duplicates, missing keys, totals."""
    counts = Counter(keys)
    return {
        "rows": len(intended),
        "task_tries": tries,
        "api_requests": stats["requests"],
        "injected_429": stats.get("rate_limited", 0),
        "injected_5xx_before_commit": stats.get("error_before_commit", 0),
        "injected_5xx_after_commit": stats.get("error_after_commit", 0),
        "injected_drops_after_commit": stats.get("dropped_after_commit", 0),
        "orders_in_ledger": len(keys),
        "keys_paid_twice": sum(1 for n in counts.values() if n > 1),
        "keys_missing": len(
            {row_ids("reliability", r["respondent_id"], vendor).external_id for r in intended} - set(counts)
        ),
        "intended_total": str(sum(Decimal(row["amount"]) for row in intended)),
        "charged_total": str(sum(Decimal(str(cost)) for cost in costs)),
    }


def run_payout_under_faults(sandbox: Any, tmp_path: Path, rows: int, seed: int) -> dict[str, Any]:
    """Pay ``rows`` rows through the faulty sandbox, retrying the task like Airflow would; return the figures."""
    sandbox.admin.faults(seed=seed, **FAULTS)
    intended = _rows(rows)
    tries = retry_until_paid(
        lambda: TremendousBulkPayoutOperator(
            task_id="pay",
            rows=intended,
            payout_id="reliability",
            key_field="respondent_id",
            campaign_id="CAMPAIGN00001",
            max_concurrency=16,
            result_path=str(tmp_path / "results.csv"),
            hook_params={"rate_limit_per_second": 0},
            progress_interval=60,
        )
    )
    ledger = sandbox.admin.ledger()
    keys, costs = [r["external_id"] for r in ledger], [r["charged"] for r in ledger]
    return fault_figures(sandbox.admin.stats(), keys, costs, intended, tries)


def test_2000_row_payout_under_faults_pays_each_key_exactly_once(tremendous_sandbox: Any, tmp_path: Path) -> None:
    figures = run_payout_under_faults(tremendous_sandbox, tmp_path, rows=2000, seed=2026)
    assert figures["keys_paid_twice"] == 0
    assert figures["keys_missing"] == 0
    assert figures["orders_in_ledger"] == 2000
    assert figures["charged_total"] == figures["intended_total"]
    assert figures["api_requests"] > 2000, "faults really forced retries"
    if FIGURES:
        FIGURES.write_text(json.dumps(figures, indent=2))


def test_single_order_survives_dropped_answers(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(drop_after_commit_rate=0.5, seed=3, path_prefix="/orders", method="POST")
    operator = TremendousCreateOrderOperator(task_id="pay", reward=order_body()["reward"])
    for map_index in range(10):
        operator.execute(context(map_index=map_index))
    ledger = tremendous_sandbox.admin.ledger()
    assert len(ledger) == 10 and len({row["external_id"] for row in ledger}) == 10


def test_single_order_whose_answers_are_always_lost_is_paid_once_across_task_tries(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(drop_after_commit_rate=1.0, path_prefix="/orders", method="POST")
    operator = TremendousCreateOrderOperator(
        task_id="pay", reward=order_body()["reward"], hook_params={"max_retries": 2}
    )
    with pytest.raises(e.TremendousTransportError):
        operator.execute(context(run_id="r-1"))  # first task try: paid, but never told
    assert len(tremendous_sandbox.admin.ledger()) == 1
    tremendous_sandbox.admin.faults(drop_after_commit_rate=0.0)
    order = operator.execute(context(run_id="r-1"))  # the task retry finds it
    assert [row["id"] for row in tremendous_sandbox.admin.ledger()] == [order["id"]]


@pytest.mark.slow
def test_5000_row_payout_under_faults(tremendous_sandbox: Any, tmp_path: Path) -> None:
    figures = run_payout_under_faults(tremendous_sandbox, tmp_path, rows=5000, seed=5000)
    assert (figures["keys_paid_twice"], figures["keys_missing"]) == (0, 0)
    assert figures["charged_total"] == figures["intended_total"]
    if FIGURES:
        FIGURES.write_text(json.dumps(figures, indent=2))

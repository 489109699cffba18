"""The exactly-once fault suite, run for the Tango Card adapter: the same faults (5xx before and after commit,
429s, dropped connections) plus Tango's own 409.002 (a replay while the first order is still in process). The
emulator's ledger is the judge: one order per key, none missing, the spent total equals the intended total."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousTransportError
from airflow_provider_tremendous.operators.tangocard import TangoCardCreateOrderOperator
from tests.reliability.test_exactly_once import FAULTS, fault_figures, retry_until_paid
from tests.support.context import context
from tests.vendors.tangocard.conftest import tango_bulk

FIGURES = Path(os.environ["RELIABILITY_FIGURES_TANGOCARD"]) if os.environ.get("RELIABILITY_FIGURES_TANGOCARD") else None


def _rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "respondent_id": f"F{i:05d}",
            "amount": f"{1 + i % 7}.{i % 100:02d}",
            "name": f"Resp {i}",
            "email": f"f{i}@example.com",
        }
        for i in range(count)
    ]


def run_tango_payout_under_faults(sandbox: Any, tmp_path: Path, rows: int, seed: int) -> dict[str, Any]:
    """Pay ``rows`` rows through the faulty Tango emulator, retrying the task like Airflow would."""
    sandbox.admin.faults(seed=seed, **FAULTS)
    sandbox.admin.settings(tango_in_process_seconds=0.3)  # quick retries after a lost answer meet 409.002
    intended = _rows(rows)
    tries = retry_until_paid(
        lambda: tango_bulk(
            tmp_path, intended, payout_id="reliability", max_concurrency=16, hook_params={"rate_limit_per_second": 0}
        )
    )
    ledger = sandbox.admin.tangocard_ledger()["orders"]
    keys, costs = [r["external_ref_id"] for r in ledger], [r["cost"] for r in ledger]
    return {"vendor": "tangocard", **fault_figures(sandbox.admin.stats(), keys, costs, intended, tries, "tangocard")}


def test_2000_row_tango_payout_under_faults_pays_each_key_exactly_once(tremendous_sandbox: Any, tmp_path: Path) -> None:
    figures = run_tango_payout_under_faults(tremendous_sandbox, tmp_path, rows=2000, seed=2027)
    assert figures["keys_paid_twice"] == 0
    assert figures["keys_missing"] == 0
    assert figures["orders_in_ledger"] == 2000
    assert Decimal(figures["charged_total"]) == Decimal(figures["intended_total"])
    assert figures["api_requests"] > 2000, "faults really forced retries"
    if FIGURES:
        FIGURES.write_text(json.dumps(figures, indent=2))


def test_single_tango_order_whose_answers_are_always_lost_is_paid_once_across_task_tries(
    tremendous_sandbox: Any,
) -> None:
    tremendous_sandbox.admin.faults(drop_after_commit_rate=1.0, path_prefix="/orders", method="POST")
    operator = TangoCardCreateOrderOperator(
        task_id="pay",
        utid="U000001",
        amount=10,
        recipient={"email": "a@example.com", "firstName": "Ada"},
        hook_params={"max_retries": 2, "rate_limit_per_second": 0},
    )
    with pytest.raises(TremendousTransportError):
        operator.execute(context(run_id="r-1"))  # first task try: paid, but never told
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 1
    tremendous_sandbox.admin.faults(drop_after_commit_rate=0.0)
    order = operator.execute(context(run_id="r-1"))  # the task retry gets the original back (200)
    ledger = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    assert [row["reference_order_id"] for row in ledger] == [order["referenceOrderID"]]

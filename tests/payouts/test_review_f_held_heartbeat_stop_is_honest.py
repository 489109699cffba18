"""Third adversarial review of issue 12 (the claim fix):
a heartbeat that finds the claim lost stops the run; unsent rows are 'not_sent' and the
task fails (TremendousPayoutStopped). Expected to pass."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.payouts import registry
from airflow_provider_tremendous.payouts.run import PayoutRun, TremendousPayoutStopped
from tests.support.context import context
from tests.vendors.tangocard.conftest import production_connections, respondents, tango_bulk


def test_a_lost_claim_mid_send_stops_and_reports_not_sent(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    production_connections(monkeypatch, tremendous_sandbox)
    monkeypatch.setattr(registry, "HEARTBEAT", dt.timedelta(0))
    real = PayoutRun._record
    seen = {"n": 0}

    def record(self: Any, writer: Any, tally: Any, progress: Any, outcome: Any) -> None:
        seen["n"] += 1
        if seen["n"] == 2:  # another run's claim replaces this one's
            key = next(k for k in registry_store.records if "__lease_" in k)
            registry_store.records[key] = {"holder": "other/run", "claim": "x", "released": True}
        real(self, writer, tally, progress, outcome)

    monkeypatch.setattr(PayoutRun, "_record", record)
    with pytest.raises(TremendousPayoutStopped):
        tango_bulk(tmp_path, respondents(6), max_concurrency=1, result_path=str(tmp_path / "r.csv")).execute(
            context(dag_id="payouts", task_id="pay", run_id="scheduled__1")
        )
    with open(tmp_path / "r.csv") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    outcomes = [r.get("outcome") for r in rows]
    orders = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    print(outcomes, len(orders))
    assert len(orders) < 6
    assert outcomes.count("not_sent") == 6 - len(orders)

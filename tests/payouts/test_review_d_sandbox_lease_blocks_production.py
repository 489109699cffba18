"""Final adversarial review of issue 12, finding 3 (false refusal):
issue design 7 says sandbox records "never count as payment and never
block (rehearse on the sandbox, then pay on production)". A sandbox rehearsal's lease (still running, or killed:
its lease stays live for LEASE_TTL) refuses the production run of the payout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.payouts.ledger import Identity
from airflow_provider_tremendous.payouts.registry import PayoutRegistry
from tests.support.context import context
from tests.vendors.tangocard.conftest import production_connections, tango_bulk
from tests.vendors.tangocard.conftest import respondents as tango_rows


def test_a_sandbox_rehearsals_lease_never_blocks_production(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    # a rehearsal of payout survey-7 on the sandbox, in another DAG run, is sending (or its worker was killed)
    rehearsal = PayoutRegistry(
        registry_store,
        Identity("survey-7", "tangocard", "sbx", "sandbox"),
        "rehearse/pay/manual__1/-1",
        (0, 1),
        settle=0,
    )
    rehearsal.claim()
    production_connections(monkeypatch, tremendous_sandbox)
    summary = tango_bulk(tmp_path, tango_rows(2), result_path=str(tmp_path / "prod.csv")).execute(
        context(dag_id="payouts", run_id="scheduled__2")
    )
    assert summary["created"] == 2

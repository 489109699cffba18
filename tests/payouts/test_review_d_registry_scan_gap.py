"""Final adversarial review of issue 12, finding 1:
a production run that spends longer than LEASE_TTL learning from the vendor loses its lease; a second run on
ANOTHER production vendor claims it, and the places were merged without refusing either: every person was paid
twice (time compressed, see tests/payouts/races.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.payouts.races import HeldRun, compress_lease
from tests.support.context import context
from tests.vendors.tangocard.conftest import production_connections, tango_bulk
from tests.vendors.tangocard.conftest import respondents as tango_rows


def test_a_vendor_switch_while_the_first_run_scans_pays_everyone_twice(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    production_connections(monkeypatch, tremendous_sandbox)
    compress_lease(monkeypatch)
    rows = tango_rows(2)
    run_a = HeldRun(monkeypatch, read_after=False)
    run_a.start(
        tango_bulk(tmp_path, rows, result_path=str(tmp_path / "a.csv")),
        context(dag_id="payouts", task_id="pay_tango", run_id="scheduled__1"),
    )
    try:
        tremendous = tango_bulk(
            tmp_path,
            rows,
            conn_id="tremendous_default",
            utid=None,
            campaign_id="CAMPAIGN00001",
            result_path=str(tmp_path / "b.csv"),
        )
        tremendous.execute(context(dag_id="payouts", task_id="pay_tremendous", run_id="manual__2"))
    finally:
        run_a.finish()
    tango_orders = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    tremendous_orders = tremendous_sandbox.admin.ledger()
    assert len(tango_orders) + len(tremendous_orders) <= len(rows), (
        f"{len(tango_orders)} Tango orders + {len(tremendous_orders)} Tremendous orders for {len(rows)} people: "
        "paid twice, once per production vendor"
    )

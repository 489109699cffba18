"""Issue 14 review, round 14: ``dag.test()`` of dags/shared_arguments.py against the loopback sandbox. The arguments
:class:`PayoutRowsOperator` declares for both operators reach every mapped instance through ``default_args``
(``keep_case``, ``decimal_separator=","``, ``key_field``), ``sharded()``, ``partial().expand()`` over ``payout_id`` and
templates; each row is paid once at its comma amount on both vendors, the reconciliations (``fail_on_discrepancy``)
agree, and a second run of the DAG pays nobody. (Held at de079d3 and before it: kept as a guard.)"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

ROWS = [
    {"respondent_id": "AbC01", "amount": "5,50", "name": "Ada Love", "email": "ada@example.com"},
    {"respondent_id": "abc01", "amount": "1,25", "name": "Bob Ross", "email": "bob@example.com"},
    {"respondent_id": "XyZ-9", "amount": "2", "name": "Cy Twombly", "email": "cy@example.com"},
]


def _dag() -> Any:
    try:
        from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db
    except ImportError:  # Airflow 2
        from airflow.models.dagbag import DagBag

        sync_bag_to_db = None
    bag = DagBag(dag_folder=str(Path(__file__).parent / "dags" / "shared_arguments.py"))
    assert bag.import_errors == {}
    if sync_bag_to_db is not None:
        from airflow.dag_processing.bundles.manager import DagBundlesManager

        DagBundlesManager().sync_bundles_to_db()
        sync_bag_to_db(bag, "dags-folder", None)
    return bag.dags["shared_arguments"]


@pytest.mark.airflow
def test_shared_arguments_reach_every_mapped_instance_on_both_vendors(
    tremendous_sandbox: Any, airflow_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (tmp_path / "rows.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)
    monkeypatch.setenv("SHARED_ARGUMENTS_DIR", str(tmp_path))
    dag = _dag()
    run = dag.test()
    assert str(getattr(run, "state", run)).endswith("success")
    ledger = tremendous_sandbox.admin.ledger()
    tremendous = sorted(
        (r["external_id"], Decimal(str(r["amount"]))) for r in ledger if r["external_id"].startswith("sa-t")
    )
    assert tremendous == [("sa-t~AbC01", Decimal("5.5")), ("sa-t~XyZ-9", Decimal("2")), ("sa-t~abc01", Decimal("1.25"))]
    tango = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    assert len(tango) == 2 * 3, "three rewards per Tango Card payout (sa-g1, sa-g2), each paid once"
    assert sorted(Decimal(str(order["amount"])) for order in tango) == sorted(
        2 * [Decimal("5.5"), Decimal("1.25"), Decimal("2")]
    )
    run = dag.test()
    assert str(getattr(run, "state", run)).endswith("success")
    assert len(tremendous_sandbox.admin.ledger()) == len(ledger), "a second run pays nobody"
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == len(tango), "...on either vendor"

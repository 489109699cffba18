"""The payout registry in real Airflow Variables: the survey example DAG switched from Tremendous to Tango Card on a
fresh worker (issue "Money rules, part 2": "switching vendors mid-payout must not pay the first half twice")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.dags.test_example_dags import _run, small_survey  # noqa: F401 (a fixture)
from tests.vendors.tangocard.conftest import production_connections


@pytest.mark.airflow
@pytest.mark.real_payout_registry
def test_a_vendor_switch_of_the_survey_dag_on_a_fresh_worker_is_refused(
    tremendous_sandbox: Any,
    airflow_db: None,
    small_survey: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    production_connections(monkeypatch, tremendous_sandbox)
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", "False")
    assert _run("survey_completion_payouts").endswith("success")
    paid = len(tremendous_sandbox.admin.ledger())
    assert paid > 0
    fresh_worker = {"pay_respondents": {"result_path": str(tmp_path / "fresh-worker" / "payout.csv"), "retries": 0}}
    state = _run("survey_completion_payouts", {"payout_conn_id": "tangocard_default"}, **fresh_worker)
    assert state.endswith("failed"), "the switched run must be refused"
    assert tremendous_sandbox.admin.tangocard_ledger()["orders"] == [], "the same people paid again on Tango Card"
    assert len(tremendous_sandbox.admin.ledger()) == paid

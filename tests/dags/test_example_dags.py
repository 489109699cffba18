"""The example DAGs: they import cleanly without touching the API, and run green end to end with dag.test()
against the sandbox, in deferrable and non-deferrable mode, without paying anyone twice."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.payouts.keys import row_ids
from tests.support.http_stub import StubServer

EXAMPLES = Path(__file__).parents[2] / "example_dags"
DAG_IDS = {"survey_completion_payouts", "fund_balance_by_invoice", "rewards_report_export"}
TANGO_DAG_IDS = {"tangocard_sample_workflow"}


def _dagbag() -> Any:
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:
        from airflow.models.dagbag import DagBag
    return DagBag(dag_folder=str(EXAMPLES))


def test_example_dags_import_without_errors_or_api_calls(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import conn_json

    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(stub.base_url))
    dagbag = _dagbag()
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) >= DAG_IDS | TANGO_DAG_IDS
    assert stub.requests == [], "parsing a DAG must not call the API"
    assert "tangocard" in dagbag.dags["tangocard_sample_workflow"].tags
    for dag_id in DAG_IDS:
        dag = dagbag.dags[dag_id]
        assert dag.tags and "tremendous" in dag.tags
        assert dag.description


def test_example_dags_parse_without_any_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", raising=False)
    assert _dagbag().import_errors == {}


@pytest.fixture
def small_survey(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An 18-row export (with partials, failed QA and duplicate respondents) instead of the 240-row example."""
    source = EXAMPLES / "data" / "survey_responses.csv"
    with source.open(newline="") as handle:
        rows = list(csv.DictReader(handle))[:18]
    target = tmp_path / "survey.csv"
    with target.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("AIRFLOW_VAR_SURVEY_EXPORT", str(target))
    monkeypatch.setenv("AIRFLOW_VAR_TREMENDOUS_REPORT_DIR", str(tmp_path / "reports"))
    return target


def _eligible_keys(path: Path, vendor: str = "tremendous") -> set[str]:
    """The external ids of the eligible respondents, derived as the payout derives them."""
    with path.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["status"] == "complete" and r["qa_passed"] == "true"]
    return {row_ids("brand-tracker-2026-11", r["respondent_id"], vendor).external_id for r in rows}


def _run(dag_id: str, conf: dict[str, Any] | None = None, **task_settings: Any) -> str:
    """``dag.test()`` one example DAG; ``task_settings`` maps a task id to attributes to set on it first."""
    dag = _dagbag().dags[dag_id]
    for task_id, attributes in task_settings.items():
        for name, value in attributes.items():
            setattr(dag.get_task(task_id), name, value)
    run = dag.test(run_conf=conf) if conf else dag.test()
    return str(getattr(run, "state", run))


@pytest.mark.airflow
@pytest.mark.parametrize("deferrable", [True, False], ids=["deferrable", "in-worker"])
def test_survey_completion_payouts(
    deferrable: bool, tremendous_sandbox: Any, airflow_db: None, small_survey: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", str(deferrable))
    tremendous_sandbox.admin.settings(report_seconds=1 if deferrable else 0)  # deferrable: a real deferral
    assert _run("survey_completion_payouts").endswith("success")
    ledger = tremendous_sandbox.admin.ledger()
    expected = _eligible_keys(small_survey)
    assert sorted(r["external_id"] for r in ledger) == sorted(expected), "each eligible respondent paid exactly once"
    assert {r["status"] for r in ledger} == {"EXECUTED"}
    (report,) = (small_survey.parent / "reports").glob("survey_rewards_*.csv")
    assert len(report.read_text().splitlines()) == len(expected) + 1
    assert _run("survey_completion_payouts").endswith("success"), "a re-run of the DAG..."
    assert len(tremendous_sandbox.admin.ledger()) == len(expected), "...pays nobody again"


@pytest.mark.airflow
def test_payout_task_retry_after_lost_answers_pays_once(
    tremendous_sandbox: Any, airflow_db: None, small_survey: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API applies orders but their answers are lost (500 after commit), and so are the look-ups that would
    find them: the payout task fails with those rows unresolved, Airflow retries it, and the retry finds them in
    the payout's orders (read before sending) instead of paying again."""
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(max_retries=0))
    # keys already in canonical form, so no row has an earlier-derivation id to look up first: the faults below hit
    # the POSTs and the look-ups after them, which is what this test is about
    with small_survey.open(newline="") as handle:
        rows = [{**r, "respondent_id": r["respondent_id"].lower()} for r in csv.DictReader(handle)]
    with small_survey.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    # one row at a time: after the run's listing of the payout's orders, the faults hit three orders *and* the
    # look-ups that would have found them
    tremendous_sandbox.admin.faults(skip_next=1, error_after_commit_next=6, path_prefix="/orders")
    assert _run("survey_completion_payouts", pay_respondents={"max_concurrency": 1}).endswith("success")
    ledger = tremendous_sandbox.admin.ledger()
    assert Counter(r["external_id"] for r in ledger) == Counter(_eligible_keys(small_survey))
    assert tremendous_sandbox.admin.faults()["error_after_commit_next"] == 0, "the faults really happened"
    results = (small_survey.parent / "reports" / "payout_brand-tracker-2026-11.csv").read_text()
    assert "already_paid" in results, "the retry found, at the vendor, the orders the first try had paid"


@pytest.mark.airflow
@pytest.mark.parametrize("deferrable", [True, False], ids=["deferrable", "in-worker"])
def test_fund_balance_by_invoice(
    deferrable: bool, tremendous_sandbox: Any, airflow_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", str(deferrable))
    tremendous_sandbox.admin.set_balance(120_000)
    assert _run("fund_balance_by_invoice").endswith("success")
    assert tremendous_sandbox.admin.balance() == 150_000, "invoiced the 30,000 shortfall and it was paid"
    assert _run("fund_balance_by_invoice").endswith("success")
    assert tremendous_sandbox.admin.balance() == 150_000, "no shortfall: no second invoice"


@pytest.mark.airflow
@pytest.mark.parametrize("deferrable", [True, False], ids=["deferrable", "in-worker"])
def test_rewards_report_export(
    deferrable: bool, tremendous_sandbox: Any, airflow_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_tremendous.hooks import TremendousHook
    from tests.sandbox.conftest import order_body

    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", str(deferrable))
    monkeypatch.setenv("AIRFLOW_VAR_TREMENDOUS_REPORT_DIR", str(tmp_path))
    for index in range(4):
        TremendousHook().create_order(order_body(f"export-{index}"))
    assert _run("rewards_report_export").endswith("success")
    (export,) = tmp_path.glob("rewards_*.csv")
    assert len(export.read_text().splitlines()) >= 1  # header, plus the rewards inside the data interval


def test_shipped_survey_export_is_realistic() -> None:
    with (EXAMPLES / "data" / "survey_responses.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    statuses = Counter(r["status"] for r in rows)
    completes = [r for r in rows if r["status"] == "complete"]
    assert len(rows) >= 200 and statuses["partial"] and statuses["screened_out"]
    assert any(r["qa_passed"] == "false" for r in completes), "some completes fail quality checks"
    assert len({r["respondent_id"] for r in completes}) < len(completes), "some respondents answered twice"


@pytest.mark.airflow
def test_report_link_is_stored_for_the_ui(
    tremendous_sandbox: Any, airflow_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator pushes the report URL to XCom before waiting; Airflow 3's task runner stores the extra link
    (``_link_TremendousReportLink``) from it, and Airflow 2's link reads the same XCom."""
    import os
    import sqlite3

    import airflow

    monkeypatch.setenv("AIRFLOW_VAR_TREMENDOUS_REPORT_DIR", str(tmp_path))
    assert _run("rewards_report_export").endswith("success")
    database = Path(os.environ["AIRFLOW_HOME"]) / "airflow.db"
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT key, value FROM xcom WHERE dag_id = 'rewards_report_export' AND task_id = 'export_rewards'"
        ).fetchall()
    stored = {key: str(value) for key, value in rows}
    assert "/reports/" in stored["tremendous_report_url"]
    if airflow.__version__.startswith("3."):
        assert stored["_link_TremendousReportLink"] == stored["tremendous_report_url"]


@pytest.mark.airflow
@pytest.mark.parametrize("deferrable", [True, False], ids=["deferrable", "in-worker"])
def test_survey_completion_payouts_through_tango_card(
    deferrable: bool, tremendous_sandbox: Any, airflow_db: None, small_survey: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same DAG, switched to Tango Card by its connection: each respondent paid once, waited on until
    COMPLETE, reconciled, line items exported; Tremendous untouched."""
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", str(deferrable))
    tremendous_sandbox.admin.settings(tango_order_pending_seconds=1 if deferrable else 0)
    conf = {"payout_conn_id": "tangocard_default", "tangocard_utid": "U000002"}
    assert _run("survey_completion_payouts", conf).endswith("success")
    orders = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    expected = _eligible_keys(small_survey, "tangocard")
    assert sorted(r["external_ref_id"] for r in orders) == sorted(expected), "each eligible respondent paid once"
    assert {r["status"] for r in orders} == {"COMPLETE"}
    assert tremendous_sandbox.admin.ledger() == [], "nothing went through Tremendous"
    export = small_survey.parent / "reports" / "line_items_brand-tracker-2026-11.csv"
    assert len(export.read_text().splitlines()) == len(expected) + 1
    assert _run("survey_completion_payouts", conf).endswith("success"), "a re-run..."
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == len(expected), "...pays nobody again"


@pytest.mark.airflow
def test_tangocard_sample_workflow(tremendous_sandbox: Any, airflow_db: None) -> None:
    assert _run("tangocard_sample_workflow").endswith("success")
    ledger = tremendous_sandbox.admin.tangocard_ledger()
    (order,) = ledger["orders"]
    assert (order["account"], order["amount"], order["status"]) == ("sample-account", 10.0, "COMPLETE")
    assert ledger["balances"]["sample-account"] == 90.0, "funded 100, spent 10"
    assert _run("tangocard_sample_workflow").endswith("success"), "a re-run reuses customer, account and card..."
    again = tremendous_sandbox.admin.tangocard_ledger()
    assert again["balances"]["sample-account"] == 190.0, "...funds again (a deposit per run)..."
    assert len(again["orders"]) == 1, "...and finds the winner's order by its reward_key instead of paying again"

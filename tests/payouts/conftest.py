"""Helpers for the bulk payout tests (against the sandbox fixture)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator


def respondents(count: int, amount: str = "5.00", start: int = 0) -> list[dict[str, Any]]:
    """``count`` valid rows keyed by respondent_id."""
    return [
        {"respondent_id": f"R{i:05d}", "amount": amount, "name": f"Respondent {i}", "email": f"r{i}@example.com"}
        for i in range(start, start + count)
    ]


def bulk(tmp_path: Path, rows: Any, **kwargs: Any) -> TremendousBulkPayoutOperator:
    """A bulk operator paying ``rows`` from the sandbox campaign, results in ``tmp_path``."""
    settings: dict[str, Any] = {
        "task_id": "pay",
        "rows": rows,
        "payout_id": "survey-42",
        "key_field": "respondent_id",
        "campaign_id": "CAMPAIGN00001",
        "result_path": str(tmp_path / "results.csv"),
        **kwargs,
    }
    return TremendousBulkPayoutOperator(**settings)


def reconcile(rows: Any, tmp_path: Path, **kwargs: Any) -> dict[str, Any]:
    """Reconcile ``rows`` against payout ``survey-42`` (the sandbox campaign), report in ``tmp_path``."""
    from airflow_provider_tremendous.operators.reconcile import TremendousReconcileOperator
    from tests.support.context import context

    settings: dict[str, Any] = {
        "task_id": "reconcile",
        "rows": rows,
        "payout_id": "survey-42",
        "key_field": "respondent_id",
        "defaults": {"campaign_id": "CAMPAIGN00001"},
        "report_path": str(tmp_path / "reconciliation.csv"),
        **kwargs,
    }
    return TremendousReconcileOperator(**settings).execute(context())


def results(path: Path) -> list[dict[str, str]]:
    """The result file's rows."""
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))

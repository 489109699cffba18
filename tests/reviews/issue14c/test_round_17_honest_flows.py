"""Issue 14 review, round 17: honest flows still match their own orders under the wider campaign comparison (lost
answers then look-up and re-run, orders pending approval, Tango Card with and without a campaign). Held: a guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.payouts.conftest import bulk, reconcile, respondents, results
from tests.reviews.issue14c.orders import place_order
from tests.support.context import context
from tests.vendors.tangocard.conftest import tango_bulk

VISA = "Q24BD9EZ332JT"
SHAPES = {
    "campaign": {"campaign_id": "CAMPAIGN00001"},
    "products": {"campaign_id": None, "products": [VISA]},
    "both": {"campaign_id": "CAMPAIGN00001", "products": [VISA]},
    "spaces": {"campaign_id": "  CAMPAIGN00001  "},
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_lost_answers_then_lookup_and_rerun(tremendous_sandbox: Any, tmp_path: Path, shape: str) -> None:
    rows = respondents(3)
    tremendous_sandbox.admin.faults(error_after_commit_next=3, path_prefix="/orders", method="POST")
    out = bulk(tmp_path, rows, fail_on_error=False, **SHAPES[shape]).execute(context())
    assert out["paid"] == 3 and out["failed"] == 0, results(tmp_path / "results.csv")
    again = bulk(tmp_path, rows, result_path=str(tmp_path / "b.csv"), **SHAPES[shape]).execute(context())
    assert again["already_paid"] == 3
    defaults = {k: v for k, v in SHAPES[shape].items() if v is not None}
    rec = reconcile(rows, tmp_path, defaults=defaults, fail_on_discrepancy=True)
    assert rec["matched"] == 3
    assert len(tremendous_sandbox.admin.ledger()) == 3


@pytest.mark.parametrize("shape", ["campaign", "products"])
def test_pending_approval_orders_rerun(tremendous_sandbox: Any, tmp_path: Path, shape: str) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    rows = respondents(2)
    out = bulk(tmp_path, rows, fail_on_error=False, max_fee_percent=0, **SHAPES[shape]).execute(context())
    assert out["created"] == 2 and out["failed"] == 0
    again = bulk(
        tmp_path, rows, fail_on_error=False, max_fee_percent=0, result_path=str(tmp_path / "b.csv"), **SHAPES[shape]
    ).execute(context())
    assert again["created"] == 0 and again["failed"] == 0
    assert len(tremendous_sandbox.admin.ledger()) == 2


@pytest.mark.parametrize("campaign", [None, "CAMPAIGN00001"])
def test_tango_lost_answers_and_rerun(tremendous_sandbox: Any, tmp_path: Path, campaign: Any) -> None:
    from tests.vendors.tangocard.conftest import respondents as trows

    rows = trows(2)
    tremendous_sandbox.admin.faults(
        error_after_commit_next=2, path_prefix="/orders", method="POST", tango_rate_limit_per_second=None
    )
    out = tango_bulk(tmp_path, rows, campaign_id=campaign, fail_on_error=False).execute(context())
    assert out["paid"] == 2, results(tmp_path / "results.csv")
    again = tango_bulk(tmp_path, rows, campaign_id=campaign, result_path=str(tmp_path / "b.csv")).execute(context())
    assert again["already_paid"] == 2
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 2


def test_lenient_replay_race_with_changed_campaign_is_not_paid(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replay path (matching): an order placed under the row's id between the listing and the send."""
    from airflow_provider_tremendous.payouts.keys import row_ids

    tremendous_sandbox.admin.settings(lenient_changed_replay=True)
    rows = respondents(1)
    ident = row_ids("survey-42", rows[0]["respondent_id"]).external_id
    op = bulk(tmp_path, rows, campaign_id="CAMPAIGN00001", fail_on_error=False)
    import airflow_provider_tremendous.payouts.history as history

    real = history.read_history

    def racing(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        place_order(ident, email="r0@example.com", name="Respondent 0", campaign=None, products=[VISA])
        return got

    import airflow_provider_tremendous.payouts.run as run_mod

    for module in (history, run_mod):
        if hasattr(module, "read_history"):
            monkeypatch.setattr(module, "read_history", racing)
    out = op.execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1
    assert out["failed"] == 1

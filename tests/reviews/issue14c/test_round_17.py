"""Issue 14 review, round 17 (the campaign compared wherever Tremendous echoes it). Found, each failing before the
fix (at 0b2e732):

- F1 (older class): reconciliation reported a row whose order under a v1 id or another spelling of its key pays
  another reward (another campaign, another amount) as "missing: no order" plus an "unexpected" order, inviting
  someone to pay it again by hand. Keying such an order to the row (the first fix) let a row claim another row's
  order (round 18); the row stays ``missing`` and the order ``unexpected``, and the missing line now names the order
  and says to check it before paying by hand.
- F2: Tango Card's free-text ``campaign`` (a bookkeeping label, changed by PATCH /lineItems) made a correctly paid
  order "another payment" when the row named none; the label is no longer compared.
- F3 (older class): an order under the row's id for another reward that ended CANCELED lost the re-issue hint (the
  error read as if someone was paid)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from airflow_provider_tremendous.payouts.keys import LEGACY_V1, external_id
from tests.payouts.conftest import bulk, reconcile, results
from tests.reviews.issue14c.orders import place_order
from tests.support.context import context
from tests.vendors.tangocard.conftest import tango_bulk

DONATION = "A2J05SWPI2QG"
VISA = "Q24BD9EZ332JT"


def _v1_order(ident_key: str, amount: float = 5.0, campaign: str | None = None, products: list[str] | None = None):
    ident = external_id("survey-42", ident_key, scheme=LEGACY_V1)
    place_order(ident, email="p@example.com", name="x", amount=amount, campaign=campaign, products=products)
    return ident


ROW = {"respondent_id": "r17", "amount": "5", "name": "x", "email": "p@example.com"}


def _missing_names(out: dict[str, Any], tmp_path: Path, ident: str) -> None:
    """The row is missing and the order unexpected (never keyed to the row), and the missing line names the order."""
    assert (out["missing"], out["unexpected"], out["matched"]) == (1, 1, 0), out
    with (tmp_path / "reconciliation.csv").open(newline="") as handle:
        (line,) = [line for line in csv.DictReader(handle) if line["kind"] == "missing"]
    assert ident in line["actual"] and "check before paying by hand" in line["actual"], line


# --- F1: reconciliation of a v1 / folded-spelling order for another campaign: "missing ... no order" ----------------
def test_v1_order_with_no_campaign_where_row_asks_one_bulk(tremendous_sandbox: Any, tmp_path: Path) -> None:
    _v1_order("R17", products=[DONATION])
    out = bulk(tmp_path, [ROW], fail_on_error=False).execute(context())
    assert (out["created"], out["failed"]) == (0, 1), out
    assert "campaign none" in results(tmp_path / "results.csv")[0]["error"]
    assert len(tremendous_sandbox.admin.ledger()) == 1, "never paid again"


def test_v1_order_with_no_campaign_where_row_asks_one_is_named_on_the_missing_line(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    _v1_order("R17", products=[DONATION])
    out = reconcile([ROW], tmp_path)
    # the vendor holds an order under the row's v1 id for another reward: the missing line names it
    _missing_names(out, tmp_path, "survey-42:R17")


def test_folded_17_0_order_with_no_campaign_is_named_on_the_missing_line(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    _v1_order("17.0", products=[DONATION])
    row = {**ROW, "respondent_id": 17}
    out = reconcile([row], tmp_path)
    _missing_names(out, tmp_path, "survey-42:17.0")


def test_v1_order_for_another_amount_is_named_on_the_missing_line(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """The same for another amount under the v1 id (older than this issue)."""
    _v1_order("R17", amount=7.0, campaign="CAMPAIGN00001")
    out = reconcile([ROW], tmp_path)
    _missing_names(out, tmp_path, "survey-42:R17")


# --- F2: Tango Card's campaign is a free-text label -------------------------------------------------------------
TROWS = [{"respondent_id": "T1", "amount": "5", "name": "Ann A", "email": "t1@example.com"}]


def test_tango_rerun_without_the_label_fails_rows_paid_with_the_same_item(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    assert tango_bulk(tmp_path, TROWS, campaign_id="CAMPAIGN00001").execute(context())["created"] == 1
    again = tango_bulk(tmp_path, TROWS, campaign_id=None, result_path=str(tmp_path / "again.csv"), fail_on_error=False)
    out = again.execute(context())
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 1
    assert out["already_paid"] == 1, "same utid, amount, recipient: only the free-text label differs"


def test_tango_label_added_after_payment_is_no_reward_mismatch(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """The account holder labels the order afterwards (Tango: PATCH /lineItems/{id} updates campaign)."""
    assert tango_bulk(tmp_path, TROWS, campaign_id=None).execute(context())["created"] == 1
    state = tremendous_sandbox.state
    with state.lock:
        for name, coll in state.collections.items():
            if name.startswith("tango") and isinstance(coll, dict):
                for item in coll.values():
                    if isinstance(item, dict) and "campaign" in item:
                        item["campaign"] = "BUDGETQ3"
    out = reconcile(TROWS, tmp_path, payout_id="survey-7", conn_id="tangocard_default", utid="U000002", defaults={})
    again = tango_bulk(tmp_path, TROWS, campaign_id=None, result_path=str(tmp_path / "again.csv"), fail_on_error=False)
    got = again.execute(context())
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 1
    assert (out["matched"], got["already_paid"]) == (1, 1), "a bookkeeping label is not another reward"


# --- F3: an order for another reward that ended unpaid says how to pay the row -----------------------------------
def test_canceled_order_of_another_campaign_says_how_to_pay(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = [{"respondent_id": "R1", "amount": "5", "email": "r1@example.com", "name": "Ann A"}]
    assert bulk(tmp_path, rows, products=[DONATION], campaign_id=None).execute(context())["created"] == 1
    state = tremendous_sandbox.state
    with state.lock:
        (order,) = state.collections["orders"].values()
        order["status"] = "CANCELED"
    bulk(tmp_path, rows, fail_on_error=False, result_path=str(tmp_path / "b.csv")).execute(context())
    error = results(tmp_path / "b.csv")[0]["error"]
    assert "ended CANCELED: it paid nobody" in error and "reissue={'r1': 1}" in error, error
    again = bulk(tmp_path, rows, reissue={"R1": 1}, result_path=str(tmp_path / "c.csv")).execute(context())
    assert again["created"] == 1 and len(tremendous_sandbox.admin.ledger()) == 2

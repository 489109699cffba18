"""Issue 14 review, round 16 (reward_mismatch). Found, older than this issue: the campaign was compared only when
both the row and the order named one, and Tremendous echoes ``campaign_id`` (null when the order named none) but
never the products paid. So an order under a row's id placed with a product of its own (a donation) and no campaign,
where the row asks for a campaign, was "matched" by reconciliation and taken as the row's payment by a re-run of
the bulk payout ("already paid", not a word about the other reward); likewise an order under a campaign where the
row asks for a product alone. The campaign is now compared whenever the vendor echoes the field. Each failed before
the fix (at b63925b)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.payouts.history import reward_differences
from airflow_provider_tremendous.payouts.protocol import VendorOrder
from airflow_provider_tremendous.payouts.run import PayoutError
from tests.payouts.conftest import bulk, reconcile
from tests.support.context import context

ROWS = [{"respondent_id": "R1", "amount": "5", "email": "r1@example.com", "name": "Ann A"}]
DONATION = "A2J05SWPI2QG"  # a Red Cross donation: not in CAMPAIGN00001 (Amazon, PayPal, Visa)
VISA = "Q24BD9EZ332JT"


def test_an_order_naming_no_campaign_where_the_row_asks_for_one_is_another_reward(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    assert bulk(tmp_path, ROWS, products=[DONATION], campaign_id=None).execute(context())["created"] == 1
    out = reconcile(ROWS, tmp_path, defaults={}, campaign_id="CAMPAIGN00001")
    assert (out["matched"], out["reward_mismatch"]) == (0, 1), out
    assert "campaign none" in (tmp_path / "reconciliation.csv").read_text()


def test_an_order_under_a_campaign_where_the_row_asks_for_a_product_alone_is_another_reward(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    state = tremendous_sandbox.state
    with state.lock:
        other = dict(state.collections["campaigns"]["CAMPAIGN00001"], id="CAMPAIGN00002", products=[DONATION])
        state.collections["campaigns"]["CAMPAIGN00002"] = other
    assert bulk(tmp_path, ROWS, campaign_id="CAMPAIGN00002").execute(context())["created"] == 1
    out = reconcile(ROWS, tmp_path, defaults={}, products=[VISA])
    assert (out["matched"], out["reward_mismatch"]) == (0, 1), out


def test_a_rerun_asking_for_the_campaign_fails_the_row_instead_of_taking_the_donation_as_paid(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    assert bulk(tmp_path, ROWS, products=[DONATION], campaign_id=None).execute(context())["created"] == 1
    again = bulk(tmp_path, ROWS, campaign_id="CAMPAIGN00001", result_path=str(tmp_path / "again.csv"))
    with pytest.raises(PayoutError, match="campaign none"):  # the row fails as another payment, and says why
        again.execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1, "and nothing was paid again"


def test_products_only_rows_still_match_their_own_orders(tremendous_sandbox: Any, tmp_path: Path) -> None:
    assert bulk(tmp_path, ROWS, products=[VISA], campaign_id=None).execute(context())["created"] == 1
    out = reconcile(ROWS, tmp_path, defaults={}, products=[VISA], fail_on_discrepancy=True)
    assert (out["matched"], out["reward_mismatch"]) == (1, 0), out


def _order(campaign: str | None) -> VendorOrder:
    return VendorOrder("x", "o", "EXECUTED", amount=0, currency="USD", email=None, phone=None, created_at=None,
                       executed=True, campaign=campaign)  # fmt: skip


def test_campaigns_compare_only_where_the_vendor_echoes_the_field() -> None:
    asks = {"reward": {"campaign_id": "C1"}}
    assert reward_differences(asks, _order(None)) == []  # not echoed: nothing to compare
    assert reward_differences(asks, _order("")) == ["campaign none"]
    assert reward_differences(asks, _order("C2")) == ["campaign C2"]
    assert reward_differences({"reward": {}}, _order("C2")) == ["campaign C2"]
    assert reward_differences({"reward": {}}, _order("")) == []
    assert reward_differences(asks, _order("C1")) == []

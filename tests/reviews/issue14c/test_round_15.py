"""Issue 14 review, round 15 (reconciliation with the shared row defaults). Found, all older than this issue:

- F1: reconciliation called "matched" an order under a row's own id that pays another reward — LINK instead of
  EMAIL (nobody emails the person), another Tango Card item, another campaign — as long as amount, currency and
  email agreed, while the bulk payout on the same ledger sees that order as another payment. Now ``reward_mismatch``.
- F2: a row whose order differs in amount and recipient was subtracted twice from ``matched`` (``-1``).
- A Tango Card payout given ``products=[...]`` and ``utid=...`` paid the utid without a word; now refused.

Each failed before the fix (at d74abf8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.operators.reconcile import ReconciliationError
from tests.payouts.conftest import bulk, reconcile
from tests.support.context import context

ROWS = [{"respondent_id": "R1", "amount": "5", "email": "r1@example.com", "name": "Ann A"}]


def _reconcile(tmp_path: Path, fail: bool, **kwargs: Any) -> dict[str, Any]:
    return reconcile(ROWS, tmp_path, fail_on_discrepancy=fail, defaults={}, **kwargs)


def _reported_as_another_reward(tmp_path: Path, shown: str, **kwargs: Any) -> None:
    out = _reconcile(tmp_path, False, **kwargs)
    assert (out["matched"], out["reward_mismatch"]) == (0, 1), out
    assert shown in (tmp_path / "reconciliation.csv").read_text()
    with pytest.raises(ReconciliationError, match="reward_mismatch"):
        _reconcile(tmp_path, True, **kwargs)


def test_a_link_reward_where_an_email_was_intended_is_a_reward_mismatch(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    assert bulk(tmp_path, ROWS, delivery_method="LINK").execute(context())["created"] == 1
    _reported_as_another_reward(tmp_path, "delivery LINK", campaign_id="CAMPAIGN00001", delivery_method="EMAIL")


def test_another_tango_card_item_is_a_reward_mismatch(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tango = {"conn_id": "tangocard_default", "campaign_id": None}
    assert bulk(tmp_path, ROWS, utid="U000001", **tango).execute(context())["created"] == 1
    _reported_as_another_reward(tmp_path, "product U000001", utid="U000002", conn_id="tangocard_default")


def test_another_campaign_is_a_reward_mismatch(tremendous_sandbox: Any, tmp_path: Path) -> None:
    state = tremendous_sandbox.state
    with state.lock:
        other = dict(state.collections["campaigns"]["CAMPAIGN00001"], id="CAMPAIGN00002", name="Other")
        state.collections["campaigns"]["CAMPAIGN00002"] = other
    assert bulk(tmp_path, ROWS, campaign_id="CAMPAIGN00002").execute(context())["created"] == 1
    _reported_as_another_reward(tmp_path, "campaign CAMPAIGN00002", campaign_id="CAMPAIGN00001")


def test_the_intended_reward_still_matches(tremendous_sandbox: Any, tmp_path: Path) -> None:
    assert bulk(tmp_path, ROWS, delivery_method="LINK").execute(context())["created"] == 1
    out = _reconcile(tmp_path, True, campaign_id="CAMPAIGN00001", delivery_method="LINK")
    assert (out["matched"], out["reward_mismatch"]) == (1, 0), out


def test_a_row_differing_in_amount_and_recipient_is_unmatched_once(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = [{"respondent_id": "R1", "amount": "5", "email": "r1@example.com"}]
    assert bulk(tmp_path, rows).execute(context())["created"] == 1
    state = tremendous_sandbox.state
    with state.lock:
        (order,) = state.collections["orders"].values()
        reward = state.collections["rewards"][order["_reward_ids"][0]]
        reward["value"]["denomination"] = 50.0
        reward["recipient"]["email"] = "thief@example.com"
    out = reconcile(rows, tmp_path)
    assert (out["amount_mismatch"], out["recipient_mismatch"], out["matched"]) == (1, 1, 0), out


def test_products_and_utid_naming_two_items_are_refused_before_any_order(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=r"products \['U000001'\] and utid 'U000002'"):
        bulk(
            tmp_path, ROWS, conn_id="tangocard_default", utid="U000002", products=["U000001"], campaign_id=None
        ).execute(context())
    assert tremendous_sandbox.admin.tangocard_ledger()["orders"] == []


def test_products_naming_the_utid_itself_is_no_conflict(tremendous_sandbox: Any, tmp_path: Path) -> None:
    out = bulk(
        tmp_path, ROWS, conn_id="tangocard_default", utid="U000002", products=["U000002"], campaign_id=None
    ).execute(context())
    assert out["created"] == 1

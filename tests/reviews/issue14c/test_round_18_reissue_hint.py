"""Issue 14 review, round 18: the re-issue hint of an order for another reward that ended unpaid names the next
generation for a row already re-issued, and followed as written pays once; with a live order also under the row's
ids, following it pays nobody. (Held: guards.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousError
from airflow_provider_tremendous.payouts.keys import reissue_id
from tests.payouts.conftest import bulk, respondents
from tests.reviews.issue14c.orders import place_order
from tests.support.context import context


def pay(tmp_path: Path, rows: Any, **kwargs: Any) -> Any:
    return bulk(tmp_path, rows, max_fee_percent=0, **kwargs)


def _order(sandbox: Any, external_id: str) -> dict[str, Any]:
    return next(o for o in sandbox.admin.ledger() if o["external_id"] == external_id)


def test_hint_for_a_reissued_row_whose_reissue_failed_for_another_amount(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    tremendous_sandbox.admin.settings(order_processing_seconds=600)
    rows = respondents(2)
    assert pay(tmp_path, rows).execute(context())["created"] == 2
    tremendous_sandbox.admin.fail_order(_order(tremendous_sandbox, "survey-42:r00001")["id"])
    assert pay(tmp_path, rows, reissue={"R00001": 1}).execute(context())["created"] == 1
    gen1 = reissue_id("survey-42", "r00001", "tremendous", 1)
    tremendous_sandbox.admin.fail_order(_order(tremendous_sandbox, gen1)["id"])
    changed = [rows[0], {**rows[1], "amount": "7.00"}]  # the amount corrected after the re-issue failed
    with pytest.raises(TremendousError) as caught:
        pay(tmp_path, changed, reissue={"R00001": 1}).execute(context())
    text = str(caught.value)
    assert "reissue={'r00001': 2}" in text, text
    assert len(tremendous_sandbox.admin.ledger()) == 3
    out = pay(tmp_path, changed, reissue={"r00001": 2}).execute(context())
    assert (out["created"], out["already_paid"]) == (1, 1), out
    again = pay(tmp_path, changed, reissue={"r00001": 2}, result_path=str(tmp_path / "b.csv")).execute(context())
    assert again["created"] == 0, again
    assert len(tremendous_sandbox.admin.ledger()) == 4
    # and the old spelling of the hint (generation 1 again) pays nobody
    with pytest.raises(TremendousError):
        pay(tmp_path, changed, reissue={"r00001": 1}, result_path=str(tmp_path / "c.csv")).execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 4
    assert re.search("secret|api_key|Bearer", text, re.I) is None


def test_hint_when_a_live_order_is_also_a_candidate(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """CANCELED/FAILED v2 order for 5 and an EXECUTED v1-spelling order (R00001) for 6: the hint must not lead to a
    second payment of this person."""
    from airflow_provider_tremendous.payouts.keys import LEGACY_V1, external_id

    tremendous_sandbox.admin.settings(order_processing_seconds=600)
    rows = respondents(2)
    assert pay(tmp_path, rows).execute(context())["created"] == 2
    tremendous_sandbox.admin.fail_order(_order(tremendous_sandbox, "survey-42:r00001")["id"])
    tremendous_sandbox.admin.settings(order_processing_seconds=0)
    place_order(external_id("survey-42", "R00001", scheme=LEGACY_V1), amount=6.0)
    changed = [rows[0], {**rows[1], "amount": "7.00"}]
    with pytest.raises(TremendousError):
        pay(tmp_path, changed).execute(context())
    n = len(tremendous_sandbox.admin.ledger())
    with pytest.raises(TremendousError):
        pay(tmp_path, changed, reissue={"r00001": 1}, result_path=str(tmp_path / "d.csv")).execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == n

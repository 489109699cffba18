"""Issue 14 review, round 19 (final sweep). Found, older than this issue (same at d364aa2), each failing before the
fix (at a6f9643):

- F1: a row paid correctly under its v1 id, plus a second order under its current id (another person, or another
  amount): reconciliation keyed the v1 order to the row, then overwrote it with the current id's order, so the
  correct payment vanished and the report read as if the person got only the wrong order (inviting a payment by
  hand). Now the row is matched and the second order is ``unexpected``.
- F2: one person paid twice before a re-issue (two live earlier orders), reconciled with the re-issue (``reissue`` is
  a shared argument now): both earlier orders were keyed to the re-issue's id and one overwrote the other, so the
  report was clean. Now the second keeps its id and is ``unexpected``.
(F3, ``matched`` counting rows whose order is not executed, is documented: ``not_executed`` says so.)"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tests.payouts.conftest import reconcile
from tests.reviews.issue14c.orders import place_order

ROW = {"respondent_id": "R00001", "amount": "5.00", "name": "Respondent 1", "email": "r1@example.com"}


def _order(ident: str, email: str, amount: float = 5.0) -> str:
    return place_order(ident, email=email, amount=amount)


def _report(tmp_path: Path) -> list[dict[str, str]]:
    with (tmp_path / "reconciliation.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("email", "amount"), [("someone.else@example.com", 5.0), ("r1@example.com", 7.0)])
def test_a_correct_v1_payment_and_a_second_order_under_the_current_id_both_show(
    tremendous_sandbox: Any, tmp_path: Path, email: str, amount: float
) -> None:
    _order("survey-42:R00001", "r1@example.com")  # the row's v1 id: its honest payment
    second = _order("survey-42:r00001", email, amount)  # the current id: another payment
    out = reconcile([ROW], tmp_path)
    assert (out["matched"], out["unexpected"], out["orders_found"]) == (1, 1, 2), out
    (line,) = _report(tmp_path)
    assert (line["kind"], line["order_id"], line["external_id"]) == ("unexpected", second, "survey-42:r00001")


def test_two_live_earlier_orders_of_a_reissued_row_are_not_hidden(tremendous_sandbox: Any, tmp_path: Path) -> None:
    _order("survey-42:R00001", "r1@example.com")
    _order("survey-42:r00001", "r1@example.com")
    out = reconcile([ROW], tmp_path, reissue={"R00001": 1})
    assert (out["matched"], out["unexpected"], out["orders_found"]) == (1, 1, 2), out

"""The same deposit (same card, account, externalRefID, and the same amount on the wire: 250 == 250.00) is refused
as "another movement" when the amount is spelled differently in two runs ("250" vs "250.00"; 250 vs 250.0 from a
templated or native param). The facts compare ``str(Decimal)``, which keeps the spelling's exponent.

Rule 2: the message says the key "was already used for another movement" and tells the user to "Give a new
external_ref_id for a new movement" — following it charges the card a second time for the deposit already done.
The right answer is the earlier deposit, recalled (charged_now False)."""

from __future__ import annotations

from typing import Any

from tests.reviews.issue13a.helpers import card, deposits, fund
from tests.support.context import context


def test_same_amount_spelled_differently_is_the_same_deposit(tremendous_sandbox: Any, marker_store: Any) -> None:
    token = card()
    first = fund(token, amount="250", external_ref_id="decTopUp").execute(context(run_id="run-1"))
    assert first["charged_now"] is True
    # run 2 of the same schedule (or the DAG file now writes 250.00): same card, account, key, same wire amount
    again = fund(token, amount="250.00", external_ref_id="decTopUp").execute(context(run_id="run-2"))
    assert again["charged_now"] is False
    assert len(deposits(tremendous_sandbox)) == 1


def test_int_and_float_amount_are_the_same_deposit(tremendous_sandbox: Any, marker_store: Any) -> None:
    token = card()
    fund(token, amount=250, external_ref_id="janTopUp").execute(context(run_id="run-1"))
    again = fund(token, amount=250.0, external_ref_id="janTopUp").execute(context(run_id="run-2"))
    assert again["charged_now"] is False

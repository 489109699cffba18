"""Fees in every money check (issue 11, item 5): caps and the balance compare what is *charged*.

Was: with a 5 % order fee, ``max_total_amount=100`` let 105.00 be charged and the pre-flight funding check passed a
run that then ran out of balance half-way (the vendor's 402 was the only stop). Each test below failed on the code
before this change (its run charged face value + fees past the cap, or only stopped at the vendor's 402).
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.operators.bulk import TremendousPayoutStopped
from airflow_provider_tremendous.payouts import adapter as adapter_module
from airflow_provider_tremendous.payouts.charges import Budget, Limits, Scope, parse_fee_percent
from tests.payouts.conftest import bulk, respondents, results
from tests.support.context import context


def _charged(sandbox: Any, before: float = 100_000.0) -> Decimal:
    return (Decimal(str(before)) - Decimal(str(sandbox.admin.balance()))).quantize(Decimal("0.01"))


def _outcomes(tmp_path: Path) -> Counter[str]:
    return Counter(line["outcome"] for line in results(tmp_path / "results.csv"))


def test_a_cap_is_not_exceeded_when_the_fee_is_learned(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """The defect: 10 x 10.00 under max_total_amount=100 with a 5 % fee charged 105.00."""
    tremendous_sandbox.admin.settings(fee_percent=5)
    rows = respondents(10, amount="10")
    with pytest.raises(e.TremendousInputError, match=r"over max_total_amount=100 with any fee at all.*nothing was"):
        bulk(tmp_path, rows, max_total_amount=100).execute(context())  # no room for a fee: refused before sending
    assert tremendous_sandbox.admin.ledger() == []
    with pytest.raises(TremendousPayoutStopped, match=r"charged 105\.\d\d USD, over max_total_amount=104"):
        bulk(tmp_path, rows, max_total_amount=104).execute(context())
    assert _charged(tremendous_sandbox) == Decimal("10.50"), "one order taught the fee, then the run stopped"
    assert _outcomes(tmp_path) == Counter(created=1, not_sent=9)
    (first,) = [line for line in results(tmp_path / "results.csv") if line["outcome"] == "created"]
    charge = (first["amount"], first["charged"], first["fees"], first["charge_currency"])
    assert charge == ("10.00", "10.50", "0.50", "USD"), "the result file records face and charged amounts"


def test_a_declared_fee_bound_prices_every_row_before_sending(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.settings(fee_percent=5)
    rows = respondents(10, amount="10")
    with pytest.raises(e.TremendousInputError, match=r"charged 105\.10 USD, over max_total_amount=105.*nothing was"):
        bulk(tmp_path, rows, max_total_amount=105, max_fee_percent=5).execute(context())
    assert tremendous_sandbox.admin.ledger() == [], "refused before the first order"
    summary = bulk(tmp_path, rows, max_total_amount="105.10", max_fee_percent="5").execute(context())
    assert summary["paid"] == 10 and _charged(tremendous_sandbox) == Decimal("105.00")
    face_and_charged = (summary["paid_by_currency"], summary["charged"], summary["fees_charged"])
    assert face_and_charged == ({"USD": "100.00"}, "105.00", "5.00")
    assert summary["funding_currency"] == "USD" and "max_fee_percent=5%" in summary["fee_pricing"]


def test_a_per_recipient_cap_counts_fees(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = [{**row, "email": "same@example.com"} for row in respondents(2, amount="25")]
    with pytest.raises(e.TremendousInputError, match=r"same@example\.com would be charged 50\.52 USD, over max_amount"):
        bulk(tmp_path, rows, max_amount_per_recipient=50, max_fee_percent=1, allow_shared_recipients=True).execute(
            context()
        )
    assert tremendous_sandbox.admin.ledger() == []


def test_a_charge_above_the_declared_bound_stops_the_run(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.settings(fee_percent=5)
    with pytest.raises(TremendousPayoutStopped, match=r"charged fees of 0\.50 USD on 10\.00 \(5\.00%\), above max_fee"):
        bulk(tmp_path, respondents(10, amount="10"), max_fee_percent=2, max_concurrency=1).execute(context())
    assert _outcomes(tmp_path) == Counter(created=1, not_sent=9)


def test_the_balance_check_counts_fees_and_stops_before_a_402(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.settings(fee_percent=5)
    tremendous_sandbox.admin.set_balance(104)
    with pytest.raises(e.TremendousInputError, match=r"needs 105\.10 .*short by 1\.10.*nothing was sent"):
        bulk(tmp_path, respondents(10, amount="10"), max_fee_percent=5).execute(context())
    with pytest.raises(TremendousPayoutStopped, match=r"balance had 104\.00 USD available but this run needs 105\.18"):
        bulk(tmp_path, respondents(10, amount="10")).execute(context())
    assert _charged(tremendous_sandbox, before=104) == Decimal("10.50")
    assert _outcomes(tmp_path) == Counter(created=1, not_sent=9), "stopped by its own accounting, not a 402"


def test_the_fee_is_learned_once_the_first_order_is_processed(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Orders are charged only when processed: the run waits for the first before sending the rest."""
    tremendous_sandbox.admin.settings(fee_percent=5, order_processing_seconds=600)
    waits: list[float] = []

    def sandbox_time_passes(seconds: float) -> None:  # instead of sleeping, move the sandbox clock on
        waits.append(seconds)
        tremendous_sandbox.admin.advance(600)

    monkeypatch.setattr(adapter_module, "pause", sandbox_time_passes)
    summary = bulk(tmp_path, respondents(10, amount="10"), max_total_amount=120).execute(context())
    assert summary["paid"] == 10 and len(waits) == 1
    assert summary["orders_not_yet_charged"] == 9, "the others are still OPEN: priced at the learned 5 %"
    assert summary["fee_percent_charged_max"] == "5.0000" and summary["charged"] == "10.50"


def test_an_order_awaiting_approval_cannot_teach_the_fee(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    rows = respondents(10)
    with pytest.raises(TremendousPayoutStopped, match=r"PENDING APPROVAL.*Pass max_fee_percent"):
        bulk(tmp_path, rows, max_total_amount=1000).execute(context())
    assert _outcomes(tmp_path) == Counter(created=1, not_sent=9)
    summary = bulk(tmp_path, rows, max_total_amount=1000, max_fee_percent=0).execute(context())
    assert (summary["already_paid"], summary["created"]) == (1, 9), "the retry does not pay the first row again"


def test_caps_compare_the_organizations_currency(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """An organization in EUR: a 100 USD reward costs 92.00 EUR, and the caps are in EUR."""
    tremendous_sandbox.admin.settings(currency_code="EUR")
    rows = respondents(1, amount="100")
    with pytest.raises(e.TremendousInputError, match=r"charged 92\.00 EUR, over max_total_amount=91\.99"):
        bulk(tmp_path, rows, max_total_amount="91.99").execute(context())
    summary = bulk(tmp_path, rows, max_total_amount=92).execute(context())
    assert (summary["paid"], summary["funding_currency"], summary["charged"]) == (1, "EUR", "92.00")


def test_a_402_caused_by_someone_else_is_a_stop_that_says_so(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The balance read at the start was spent by someone else meanwhile: the vendor's 402 stops the run, and the
    task fails even with fail_on_error=False."""
    from airflow_provider_tremendous.vendors.tremendous.payouts import TremendousPayoutAdapter

    monkeypatch.setattr(TremendousPayoutAdapter, "available_balance", lambda self: Decimal(1000))
    tremendous_sandbox.admin.set_balance(30)
    with pytest.raises(TremendousPayoutStopped, match=r"402 .*someone else spent from the balance"):
        bulk(tmp_path, respondents(20), max_concurrency=1, fail_on_error=False).execute(context())
    assert _outcomes(tmp_path)["created"] == 6


@pytest.mark.parametrize("value", ["5%", "-1", "101", "abc", "1e1", True, 0.1 + 0.2, "2,5"])
def test_a_bad_fee_bound_is_refused_before_anything_is_sent(
    tremendous_sandbox: Any, tmp_path: Path, value: object
) -> None:
    with pytest.raises(e.TremendousInputError, match=r"max_fee_percent: .*nothing was sent"):
        bulk(tmp_path, respondents(2), max_fee_percent=value).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize(
    ("value", "read"), [("0", "0"), (0, "0"), ("2.5", "2.5"), (" 100 ", "100"), ("0.125", "0.125")]
)
def test_fee_bounds_are_read_exactly(value: object, read: str) -> None:
    assert parse_fee_percent(value) == Decimal(read)


def _vendor_fee(face: Decimal, percent: Decimal) -> Decimal:
    """A vendor rounding each order's fee half-up to the cent (the least favourable common rounding)."""
    return (face * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@settings(deadline=None, max_examples=300)
@given(
    faces=st.lists(st.decimals(min_value="0.01", max_value="2000", places=2), min_size=1, max_size=40),
    bound=st.decimals(min_value="0", max_value="30", places=3),
    share=st.fractions(min_value=0, max_value=1),
)
def test_pricing_at_the_bound_never_underestimates_what_is_charged(
    faces: list[Decimal], bound: Decimal, share: Any
) -> None:
    """Any fee at or below the declared bound, rounded per order, costs at most what the run priced."""
    charged_percent = bound * Decimal(share.numerator) / Decimal(share.denominator)
    total = sum((face + _vendor_fee(face, charged_percent) for face in faces), Decimal(0))
    scope = Scope(sum(faces, Decimal(0)), len(faces), {}, sum(faces, Decimal(0)), len(faces))
    budget = Budget("USD", bound, Limits(total_cap=Decimal(10**9)), scope)
    assert total <= budget.price(scope.face_total, len(faces))


def test_the_per_recipient_check_is_not_repeated_for_every_row_sent() -> None:
    """Re-checking after each outcome must not walk every recipient each time (100,000 rows would make it
    quadratic): at one rate, the recipients are priced once."""
    from airflow_provider_tremendous.payouts.outcomes import CREATED, Outcome
    from airflow_provider_tremendous.payouts.prepare import RecipientTotal

    recipients = {f"email r{i}@example.com": RecipientTotal(i, f"r{i}", Decimal(10), 1) for i in range(500)}
    scope = Scope(Decimal(5000), 500, recipients, Decimal(5000), 500)
    budget = Budget("USD", Decimal(2), Limits(recipient_cap=Decimal(100)), scope)
    priced: list[Decimal] = []
    real_price = budget.price

    def counting_price(face: Decimal, rows: int, rate: Decimal | None = None) -> Decimal:
        priced.append(face)
        return real_price(face, rows, rate)

    budget.price = counting_price  # type: ignore[method-assign]
    for i in range(500):
        outcome = Outcome(i, f"r{i}", f"p:r{i}", CREATED, cost="10", charge=None)
        assert budget.record(outcome) is None
    assert len(priced) < 3 * 500, f"{len(priced)} prices for 500 rows: the recipients were walked per row"

"""The one money parser: the accepted grammar, every refused spelling with its fix, and properties."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_tremendous.core.money import AmountError, decimals_for, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", Decimal("10")),
        ("10.5", Decimal("10.5")),
        ("10.50", Decimal("10.50")),
        (" 12.25 ", Decimal("12.25")),
        ("007.50", Decimal("7.50")),
        (17, Decimal(17)),
        (Decimal("12.30"), Decimal("12.30")),
        (10.5, Decimal("10.5")),
        (17.0, Decimal("17.0")),
    ],
)
def test_plain_amounts_are_read_exactly(text: Any, expected: Decimal) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("10,50", "has a comma"),  # was paid as 1,050.00
        ("1,050.00", "has a comma"),
        ("1e3", "exponent"),  # was paid as 1,000.00
        ("1E3", "exponent"),
        ("2.5e1", "exponent"),
        ("1_000", "grouping separator"),
        ("1 000", "grouping separator"),
        ("1\u00a0000", "grouping separator"),
        ("1'000", "grouping separator"),
        ("\uff11\uff10", "non-ASCII digits"),  # full-width
        ("\u0661\u0660", "non-ASCII digits"),  # Arabic-Indic
        ("५", "non-ASCII digits"),  # Devanagari
        ("-5", "sign"),
        ("+5", "sign"),
        ("\u22125", "sign"),
        (".5", "both sides"),
        ("5.", "both sides"),
        ("0", "not positive"),
        ("0.00", "not positive"),
        ("10.005", "3 decimals"),
        ("NaN", "not an amount"),
        ("inf", "not an amount"),
        ("", "empty"),
        ("ten", "not an amount"),
        (True, "not an amount"),
        (False, "not an amount"),
        (None, "not an amount"),
        (0.1 + 0.2, "floating-point"),
        (1e16, "floating-point"),
        (float("nan"), "floating-point"),
        (Decimal("NaN"), "not a finite amount"),
        (Decimal("-1"), "not positive"),
        (Decimal("1.001"), "more than 2 decimals"),
        ([10], "not an amount"),
    ],
)
def test_every_ambiguous_or_wrong_spelling_is_refused_with_its_fix(value: Any, reason: str) -> None:
    with pytest.raises(AmountError, match=reason):
        parse_amount(value)


def test_a_decimal_comma_only_when_chosen_and_then_a_point_is_refused() -> None:
    assert parse_amount("10,50", decimal_separator=",") == Decimal("10.50")
    with pytest.raises(AmountError, match="decimal_separator=','"):
        parse_amount("10.50", decimal_separator=",")
    with pytest.raises(ValueError, match="decimal_separator"):
        parse_amount("10", decimal_separator=";")


def test_decimals_follow_the_currency_and_the_vendor() -> None:
    assert (decimals_for("USD"), decimals_for("JPY"), decimals_for("KWD"), decimals_for(None)) == (2, 0, 2, 2)
    with pytest.raises(AmountError, match="this currency has none"):
        parse_amount("500.5", decimals=decimals_for("JPY"))
    assert parse_amount("500", decimals=0) == 500 and format_amount(Decimal(500), "JPY") == "500"
    assert format_amount(Decimal("10.5"), "USD") == "10.50"


def test_a_maximum_catches_a_unit_mistake() -> None:
    with pytest.raises(AmountError, match="check the unit"):
        parse_amount("2500000", maximum=Decimal(100_000))


@settings(deadline=None, max_examples=500)
@given(st.text(alphabet=st.sampled_from("0123456789.,-+eE_ \u00a0\u0661\uff12") | st.characters(), max_size=12))
def test_never_accepts_text_whose_plain_decimal_reading_differs(text: str) -> None:
    """Whatever the text, an accepted amount is exactly its plain decimal reading (digits and one '.')."""
    try:
        amount = parse_amount(text)
    except AmountError:
        return
    stripped = text.strip()
    assert stripped.replace(".", "", 1).isascii() and stripped.replace(".", "", 1).isdigit()
    assert amount == Decimal(stripped) and amount > 0


@settings(deadline=None, max_examples=300)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2))
def test_every_two_decimal_amount_round_trips_as_text_and_as_float(amount: Decimal) -> None:
    assert parse_amount(f"{amount:f}") == amount
    assert parse_amount(float(amount)) == amount, "a float whose repr is the amount is the amount"


@settings(deadline=None, max_examples=300)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_float_is_accepted_only_when_its_repr_is_the_amount(value: float) -> None:
    try:
        amount = parse_amount(value)
    except AmountError:
        return
    assert amount == Decimal(repr(value)) and float(amount) == value


def test_an_absurdly_large_amount_says_so() -> None:
    """Was: "more than 2 decimals" for 10**30 (a Decimal too large to quantize)."""
    with pytest.raises(AmountError, match="far too large"):
        parse_amount(10**30)

"""Which numbers a key may write (payouts/number_keys.py): every spelling of a number meets its plain form, different
numbers never meet, and no key is expensive or raises."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_tremendous.payouts.keys import canonical_key
from airflow_provider_tremendous.payouts.number_keys import number_readings

_DIGIT_SCRIPTS = [0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10]  # ASCII, Arabic-Indic, Persian, Devanagari, ...


def _grouped(digits: str, mark: str) -> str:
    """``digits`` with ``mark`` between thousands (``1,234,567``)."""
    head = len(digits) % 3 or 3
    return mark.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


@st.composite
def _spellings(draw: st.DrawFn) -> tuple[Decimal, str]:
    """A number (up to 4 decimals) and one way a spreadsheet, a locale or an export may write it."""
    whole = draw(st.integers(min_value=0, max_value=10**12))
    fraction = draw(st.text("0123456789", max_size=4))
    number = Decimal(f"{whole}.{fraction or 0}")
    point, group = draw(st.sampled_from([(".", ","), (",", "."), (".", " "), (",", "'"), (".", "")]))
    whole_text = "0" * draw(st.integers(0, 3)) + str(whole) if not group else _grouped(str(whole), group)
    text = whole_text + (point + fraction + "0" * draw(st.integers(0, 2)) if fraction else "")
    if draw(st.booleans()) and not fraction and not group and whole and whole % 1000 == 0:
        text = f"{whole // 1000}e+3"
    script = draw(st.sampled_from(_DIGIT_SCRIPTS))
    text = "".join(chr(script + int(c)) if c.isdigit() else c for c in text)
    return number, draw(st.sampled_from(["", "+"])) + text


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f") if number else "0"
    return text


@given(_spellings())
def test_every_spelling_of_a_number_may_be_that_number(spelling: tuple[Decimal, str]) -> None:
    number, text = spelling
    assert _plain(number) in number_readings(canonical_key(text))


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3), st.decimals(allow_nan=False, places=3))
def test_plain_numbers_meet_only_when_equal_or_ambiguous(first: Decimal, second: Decimal) -> None:
    """A plainly written number reads as itself; two meet when equal, or when one may group the other's thousands
    (``1.234`` beside ``1234``: which one a spreadsheet meant is not known)."""
    if not first.is_finite() or not second.is_finite():
        return
    a, b = number_readings(_plain(first)), number_readings(_plain(second))
    assert _plain(first) in a and _plain(second) in b
    if first != second and a & b:
        assert {_plain(first).replace(".", ""), _plain(second).replace(".", "")} & {_plain(first), _plain(second)}


@given(st.text(max_size=60))
def test_any_text_is_read_without_error(text: str) -> None:
    readings = number_readings(text)
    assert all(len(reading) <= 260 for reading in readings)


@pytest.mark.parametrize(
    ("key", "readings"),
    [
        ("1,234", {"1234", "1.234"}),
        ("1.234.567", {"1234567"}),
        ("1,234.5", {"1234.5"}),
        ("17,0", {"17"}),
        ("12 345", {"12345"}),
        ("-0", {"0"}),
        ("1e+99999999999999999999", {"1e99999999999999999999"}),
        ("1.7E+1", {"17"}),
        ("0e1234", set()),  # a short hex id, not scientific notation
        ("1,23,456", {"123456"}),
        ('="017"', {"17"}),
        ("+1 555 123 4567", set()),
        ("2024-01-05", set()),
        ("R17", set()),
        ("12 3", set()),
        ("0x11", set()),
    ],
)
def test_readings(key: str, readings: set[str]) -> None:
    assert number_readings(key) == readings

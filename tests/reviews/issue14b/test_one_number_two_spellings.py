"""Issue 14 review, round 2, B5 (in 0.1 and in the floor plan alike): keys fold ``17.0`` and 17 in full-width
digits to ``17``, but ``017``, ``+17``, ``1.7e1`` and 17 in Arabic-Indic digits stayed keys of their own, so a file
holding one of them beside ``17`` paid that person twice (the reviewer's run: two sandbox orders). Canonical keys,
and so external ids, are unchanged (a payout in progress keeps its ids); a file that writes one number two ways is
refused before the first order, naming both rows. Each test failed before the fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.payouts.keys import canonical_key, number_spelled
from tests.payouts.conftest import bulk
from tests.support.context import context
from tests.vendors.tangocard.conftest import tango_bulk

SPELLINGS = ["\u0661\u0667", "017", "+17", "1.7e1", "17.00e0", "17.", "\u0967\u096d"]  # Arabic-Indic, ..., Devanagari


def _rows(keys: list[str]) -> list[dict[str, Any]]:
    """One row per key, each with its own address (so the shared-recipient check cannot catch them)."""
    return [
        {"respondent_id": key, "amount": "5", "name": "Jo", "email": f"p{n}@example.com"} for n, key in enumerate(keys)
    ]


@pytest.mark.parametrize("other", SPELLINGS)
def test_tremendous_refuses_one_number_written_two_ways(tremendous_sandbox: Any, tmp_path: Path, other: str) -> None:
    with pytest.raises(e.InputError, match=r"row 2 .*respondent_id.*row 1's key '17'.*written otherwise"):
        bulk(tmp_path, _rows(["17", other])).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize("other", ["017", "\u0661\u0667"])
def test_tango_card_refuses_one_number_written_two_ways(tremendous_sandbox: Any, tmp_path: Path, other: str) -> None:
    with pytest.raises(e.InputError, match=r"row 2 .*row 1's key '17'.*written otherwise"):
        tango_bulk(tmp_path, _rows(["17", other])).execute(context())
    assert tremendous_sandbox.admin.tangocard_ledger()["orders"] == []


@pytest.mark.parametrize(
    ("keys", "first"), [(["017", "17"], "017"), (["017", "+17"], "017"), (["+17", "1.7e1"], "+17")]
)
def test_either_order_and_two_spellings_neither_plain(
    tremendous_sandbox: Any, tmp_path: Path, keys: list[str], first: str
) -> None:
    with pytest.raises(e.InputError, match=rf"row 2 .*row 1's key '{re.escape(first)}'.*written otherwise"):
        bulk(tmp_path, _rows(keys)).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_different_numbers_and_words_are_still_paid(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Only one number written two ways is refused: 17, 170, 1.7, R17 and 017a are five people."""
    summary = bulk(tmp_path, _rows(["17", "170", "1.7", "R17", "017a"])).execute(context())
    assert summary["paid"] == 5


def test_canonical_keys_and_so_external_ids_are_unchanged() -> None:
    """Refusing is the fix, not folding: ``017`` keeps the key (and the external id) it always had."""
    assert [canonical_key(key) for key in ["017", "+17", "1.7e1"]] == ["017", "+17", "1.7e1"]


_DIGIT_SCRIPTS = [0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10]  # ASCII, Arabic-Indic, Persian, Devanagari, ...


def _spell(number: int, script: int, zeros: int, plus: bool, exponent: int) -> str:
    """``number`` written with ``zeros`` leading zeros, an optional sign, in a script's digits, or ``d e k``."""
    text = str(number)
    if exponent and number % 10**exponent == 0 and number:
        text = f"{number // 10**exponent}e{exponent}"
    text = "0" * zeros + text
    text = "".join(chr(script + int(c)) if c.isdigit() else c for c in text)
    return ("+" if plus else "") + text


@given(
    st.integers(min_value=0, max_value=10**30),
    st.sampled_from(_DIGIT_SCRIPTS),
    st.integers(min_value=0, max_value=4),
    st.booleans(),
    st.integers(min_value=0, max_value=5),
)
def test_every_spelling_of_a_number_is_that_number(
    number: int, script: int, zeros: int, plus: bool, exponent: int
) -> None:
    written = canonical_key(_spell(number, script, zeros, plus, exponent))
    assert number_spelled(written) == number_spelled(str(number))


@given(st.integers(min_value=-(10**30), max_value=10**30), st.integers(min_value=-(10**30), max_value=10**30))
def test_different_numbers_never_meet(first: int, second: int) -> None:
    if first != second:
        assert number_spelled(str(first)) != number_spelled(str(second))


@pytest.mark.parametrize(
    ("spellings", "plain"), [([".5", "0.50", "5e-1"], "0.5"), (["-0", "00"], "0"), (["1e3", "1000.0"], "1000")]
)
def test_fractions_signs_and_exponents_meet_their_plain_spelling(spellings: list[str], plain: str) -> None:
    assert {number_spelled(key) for key in spellings} == {plain}


def test_a_plainly_written_number_is_its_own_form() -> None:
    """So a file of plain numeric keys keeps nothing beyond its keys in memory."""
    assert [number_spelled(key) for key in ["17", "170", "17.5", "-3", "0"]] == ["17", "170", "17.5", "-3", "0"]


def test_a_huge_exponent_costs_nothing() -> None:
    """The form is read off the digits, not computed: a key like ``1e999999999`` must not build a huge integer."""
    assert number_spelled("1e999999999") == "1e999999999" == number_spelled("10e999999998")

"""Issue 14 review, rounds 2 and 3 (the defect was in 0.1 too): keys fold ``17.0`` and 17 in full-width digits to
``17``, but ``017``, ``+17``, ``1.7e1``, ``1,234``, ``17,0`` and 17 in Arabic-Indic digits stayed keys of their own,
so a file holding one beside ``17`` paid that person twice (the reviewers' runs: two sandbox orders, on both vendors).
Canonical keys, and so external ids, are unchanged (a payout in progress keeps its ids): a file that may write one
number two ways is refused before the first order, naming both rows, in every ``on_invalid`` mode, unless
``distinct_number_spellings=True``. Each test failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.payouts.keys import canonical_key
from tests.payouts.conftest import bulk, reconcile
from tests.reviews.issue14b.rows import bulk_for, orders_of, rows_of, tango_orders
from tests.support.context import context
from tests.vendors.tangocard.conftest import tango_bulk

#: (one spelling, another of the same number): what spreadsheets, locales and exports produce.
SAME_NUMBER = [
    ("17", "\u0661\u0667"),  # Arabic-Indic digits
    ("17", "017"),  # an export that kept leading zeros
    ("17", "+17"),
    ("17", "1.7e1"),  # scientific notation
    ("17", "17.00e0"),
    ("17", "17."),
    ("17", "\u0967\u096d"),  # Devanagari digits
    ("17", "17,0"),  # a decimal-comma export of a float column: pandas' 17.0 in Europe
    ("1234", "1,234"),  # thousands separator
    ("1234", "1.234"),  # German thousands separator
    ("12345", "12\u00a0345"),  # French grouping with a no-break space
    ("0.5", ".5"),
    ("-17", "\u221217"),  # MINUS SIGN
    ("17", "17\u066b0"),  # ARABIC DECIMAL SEPARATOR
]


@pytest.mark.parametrize(("first", "other"), SAME_NUMBER)
def test_tremendous_refuses_one_number_written_two_ways(
    tremendous_sandbox: Any, tmp_path: Path, first: str, other: str
) -> None:
    pattern = rf"row 2 .*respondent_id.*row 1's key '{re.escape(canonical_key(first))}'.*written otherwise"
    with pytest.raises(e.InputError, match=pattern):
        bulk(tmp_path, rows_of([first, other])).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize(("first", "other"), [("17", "017"), ("17", "\u0661\u0667"), ("1234", "1,234")])
def test_tango_card_refuses_one_number_written_two_ways(
    tremendous_sandbox: Any, tmp_path: Path, first: str, other: str
) -> None:
    with pytest.raises(e.InputError, match=rf"row 2 .*row 1's key '{first}'.*written otherwise"):
        tango_bulk(tmp_path, rows_of([first, other])).execute(context())
    assert tango_orders(tremendous_sandbox) == []


@pytest.mark.parametrize(
    ("keys", "first"), [(["017", "17"], "017"), (["017", "+17"], "017"), (["+17", "1.7e1"], "+17")]
)
def test_either_order_and_two_spellings_neither_plain(
    tremendous_sandbox: Any, tmp_path: Path, keys: list[str], first: str
) -> None:
    with pytest.raises(e.InputError, match=rf"row 2 .*row 1's key '{re.escape(first)}'.*written otherwise"):
        bulk(tmp_path, rows_of(keys)).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_a_decimal_comma_file_refuses_17_beside_17_comma_0(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = rows_of(["17", "17,0"], amount="5,00")
    with pytest.raises(e.InputError, match="written otherwise"):
        bulk(tmp_path, rows, decimal_separator=",").execute(context())
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_skipping_invalid_rows_cannot_settle_two_spellings(
    tremendous_sandbox: Any, tmp_path: Path, vendor: str
) -> None:
    """Round 3, F3: with on_invalid='skip' the first spelling was paid and the second skipped; the same file sorted
    the other way (a re-run, a fresh worker) then paid the other spelling too. Now nothing is sent, in any order."""
    pay = bulk_for(vendor)
    for run, keys in enumerate([["17", "017"], ["017", "17"]]):
        with pytest.raises(e.InputError, match=r"1 of them write a number another row's key writes"):
            pay(tmp_path / str(run), rows_of(keys), on_invalid="skip").execute(context(run_id=f"run-{run}"))
    orders = orders_of(tremendous_sandbox, vendor)
    assert orders == []


def test_fixing_a_refused_row_does_not_pay_its_other_spelling(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Round 3, F3: run 1 skipped row 1 (bad email) and paid 017; row 1 fixed, the file ran again and 17 was paid
    too. Now run 1 stops already: a refused row's key still meets its other spellings (round 4)."""
    first = [{**rows_of(["17"])[0], "email": "p0@@example"}, rows_of(["x", "017"])[1]]
    with pytest.raises(e.InputError, match="written otherwise"):
        bulk(tmp_path / "a", first, on_invalid="skip").execute(context())
    with pytest.raises(e.InputError, match="written otherwise"):
        bulk(tmp_path / "b", rows_of(["17", "017"]), on_invalid="skip").execute(context(run_id="run-2"))
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize("key", ["1e99999999999999999999", "6e5190420138123456789012", "0e-" + "1" * 25])
def test_a_key_with_a_huge_exponent_is_an_ordinary_key(tremendous_sandbox: Any, tmp_path: Path, key: str) -> None:
    """Round 3, F2: such a key (a 24-hex-digit id can be one) raised a bare decimal.InvalidOperation from the
    first version of the check, naming no row; it is paid as before."""
    summary = bulk(tmp_path, rows_of(["R1", key])).execute(context())
    assert summary["paid"] == 2


@pytest.mark.parametrize(("first", "second"), [("12.1", "12.10"), ("3.2", "3.20"), ("007", "7"), ("1,5", "1.5")])
def test_different_people_whose_keys_write_one_number_can_be_paid(
    tremendous_sandbox: Any, tmp_path: Path, first: str, second: str
) -> None:
    """Round 3, F4: refused by default (the message names the option); paid with distinct_number_spellings."""
    with pytest.raises(e.InputError, match="distinct_number_spellings=True"):
        bulk(tmp_path / "a", rows_of([first, second])).execute(context())
    summary = bulk(tmp_path / "b", rows_of([first, second]), distinct_number_spellings=True).execute(context())
    assert summary["paid"] == 2 and len(tremendous_sandbox.admin.ledger()) == 2


def test_reconciliation_reads_keys_as_the_payout_does(tremendous_sandbox: Any, tmp_path: Path) -> None:
    bulk(tmp_path, rows_of(["007", "7"]), distinct_number_spellings=True).execute(context())
    assert reconcile(rows_of(["007", "7"]), tmp_path)["invalid_rows"] == 1
    assert reconcile(rows_of(["007", "7"]), tmp_path, distinct_number_spellings=True)["matched"] == 2


def test_a_re_issue_of_a_refused_row_names_the_real_problem(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Round 3, F5: the error blamed the re-issue list ('match no valid row'), not the two spellings."""
    with pytest.raises(e.InputError, match="written otherwise") as refused:
        bulk(tmp_path, rows_of(["017", "17"]), reissue={"17": 1}).execute(context())
    assert "reissue" not in str(refused.value)
    assert tremendous_sandbox.admin.ledger() == []


def test_different_numbers_and_words_are_still_paid(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Only one number written two ways is refused: 17, 170, 1.7, R17, 017a and 17-1 are six people."""
    summary = bulk(tmp_path, rows_of(["17", "170", "1.7", "R17", "017a", "17-1"])).execute(context())
    assert summary["paid"] == 6


def test_canonical_keys_and_so_external_ids_are_unchanged() -> None:
    """Refusing is the fix, not folding: ``017`` keeps the key (and the external id) it always had."""
    assert [canonical_key(key) for key in ["017", "+17", "1.7e1", "1,234"]] == ["017", "+17", "1.7e1", "1,234"]

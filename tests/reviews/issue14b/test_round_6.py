"""Issue 14 review, round 6: characters that look like nothing in a key, quoted keys, a quote left open in a CSV
file, a run that paid nobody with ``fail_on_error=False``, and a key cut in the middle of an emoji. All but the
quotes were there before this issue. Each test failed before its fix."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.payouts.run import PayoutError
from tests.payouts.conftest import bulk
from tests.reviews.issue14b.rows import bulk_for, orders_of, rows_of
from tests.support.context import context

#: Letters or marks that show nothing (not control or format characters).
BLANK_MARKS = ["\u034f", "\ufe0f", "\ufe00", "\u3164", "\uffa0", "\u115f", "\u2800", "\u17b4", "\u180b"]


@pytest.mark.parametrize("mark", BLANK_MARKS)
@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_a_key_with_a_mark_that_shows_nothing_is_refused(
    tremendous_sandbox: Any, tmp_path: Path, mark: str, vendor: str
) -> None:
    """F1: 17 and 17 + such a mark were two keys, both paid, in the default mode."""
    pay = bulk_for(vendor)
    with pytest.raises(e.InputError, match=rf"row 2 .*U\+{ord(mark):04X}"):
        pay(tmp_path, rows_of(["17", "17" + mark])).execute(context())
    orders = orders_of(tremendous_sandbox, vendor)
    assert orders == []


def test_a_name_may_still_hold_an_emojis_variation_selector(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Only keys refuse those marks: a name like 'Jo ❤️' is paid."""
    assert bulk(tmp_path, rows_of(["17"], name="Jo \u2764\ufe0f")).execute(context())["paid"] == 1


@pytest.mark.parametrize(
    "keys",
    [
        ["17", "\u2018017\u2019"],
        ["\u201817\u2019", "\u2018017\u2019"],
        ["'17'", "'017'"],
        ["17", "017'"],
        ["1000", "1\u2019000\u2019"],
        ["17", '"017"'],
    ],
)
def test_a_quoted_key_is_read_for_its_number(tremendous_sandbox: Any, tmp_path: Path, keys: list[str]) -> None:
    """F2: only a leading apostrophe was read through."""
    with pytest.raises(e.InputError, match="written otherwise"):
        bulk(tmp_path, rows_of(keys)).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_a_quote_left_open_does_not_swallow_a_row_silently(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F3: R2 became part of R1's comment; the run succeeded and R2 was never paid. (Here the quote closes at the
    end of R2's line, which CSV's strict reading accepts: the cell holds what reads as a whole row.)"""
    path = tmp_path / "rows.csv"
    path.write_text(
        "respondent_id,amount,name,email,comment\n"
        'R1,5,Jo,p0@example.com,"great survey\n'
        'R2,5,Al,p1@example.com,ok"\n'
        "R3,5,Bo,p2@example.com,fine\n"
    )
    with pytest.raises(e.InputError, match=r"(?s)row 1: row: spans lines 2-3: a quote left open joins the next rows"):
        bulk(tmp_path, str(path), on_invalid="skip").execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_a_comment_on_several_lines_is_read_when_allowed(tremendous_sandbox: Any, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        'respondent_id,amount,name,email,comment\nR1,5,Jo,p0@example.com,"line one\nline two, still"\n'
        "R2,5,Al,p1@example.com,x\n"
    )
    assert bulk(tmp_path, str(path), allow_multiline_cells=True).execute(context())["paid"] == 2


def test_an_unreadable_line_is_named_by_its_physical_line(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F6: after a cell on three lines, the bad row on line 5 was called line 3."""
    path = tmp_path / "rows.csv"
    path.write_text(
        "respondent_id,amount,name,email,comment\n"
        'R1,5,Jo,p0@example.com,"line one\nline two\nline three"\n'
        "R2,5,Smith, Al,p1@example.com,x\n"
    )
    with pytest.raises(e.InputError, match=r"row 2: row: has 6 values for 5 columns \(line 5\)"):
        bulk(tmp_path, str(path), allow_multiline_cells=True).execute(context())


def test_a_run_that_paid_nobody_says_so_loudly_without_fail_on_error(
    tremendous_sandbox: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """F4: every row refused by the vendor at sending (another amount under a paid key), fail_on_error=False: the
    run succeeded with paid=0 and no word. fail_on_error=False keeps the task green, as documented, with a warning."""
    bulk(tmp_path / "1", rows_of(["A", "B"])).execute(context())
    rows = rows_of(["A", "B"], amount="6")
    with caplog.at_level(logging.WARNING):
        summary = bulk(tmp_path / "2", rows, fail_on_error=False).execute(context(run_id="run-2"))
    logged = caplog.text + capsys.readouterr().out  # Airflow 2 logs through logging, Airflow 3 through structlog
    assert summary["paid"] == 0 and "this run paid no row of payout survey-42: 2 of 2 rows were not paid" in logged
    with pytest.raises(PayoutError, match=r"this run paid no row of payout survey-42: 2 of 2 rows were not paid"):
        bulk(tmp_path / "3", rows).execute(context(run_id="run-3"))
    assert len(tremendous_sandbox.admin.ledger()) == 2


@pytest.mark.parametrize("on_invalid", ["fail", "skip"])
def test_a_key_cut_in_the_middle_of_an_emoji_is_named(tremendous_sandbox: Any, tmp_path: Path, on_invalid: str) -> None:
    """F5: a lone surrogate in a key crashed writing the result file (UnicodeEncodeError, no row named)."""
    rows = rows_of(["R1", "R2\ud83d"])
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    if on_invalid == "fail":
        with pytest.raises(e.InputError, match=r"row 2 \(key R2\\ud83d\): respondent_id: .*U\+D83D"):
            bulk(tmp_path, str(path)).execute(context())
    else:
        assert bulk(tmp_path, str(path), on_invalid="skip").execute(context())["paid"] == 1

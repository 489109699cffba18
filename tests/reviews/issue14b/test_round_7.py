"""Issue 14 review, round 7: a quote left open in a middle column paid one row's reward to the next row's person
(there before this issue: Python's csv reader is lenient), and quotation marks of other styles around a number key.
Each test failed before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from tests.payouts.conftest import bulk
from tests.reviews.issue14b.rows import file_refused, rows_of
from tests.support.context import context


@pytest.mark.parametrize("on_invalid", ["fail", "skip"])
@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_a_quote_left_open_in_a_middle_column_pays_nobody(
    tremendous_sandbox: Any, tmp_path: Path, on_invalid: str, vendor: str
) -> None:
    """F1: R1's comment opened a quote that R2's quoted comment closed; R1 still had five cells, so R1's 50 went to
    R2's person (Al, p1@) and R2 disappeared, in the default mode."""
    text = (
        'respondent_id,amount,comment,name,email\nR1,50,"great survey,Jo,p0@example.com\nR2,5,"ok",Al,p1@example.com\n'
    )
    match = r"the row starting on line 2 is not valid CSV \(',' expected after '\"'\)"
    file_refused(tremendous_sandbox, tmp_path, text, vendor, match, on_invalid=on_invalid)


def test_quotes_inside_a_cell_are_still_text(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Strict CSV refuses only quoting that does not close a cell: a nickname in quotes is a name."""
    path = tmp_path / "rows.csv"
    path.write_text('respondent_id,amount,name,email\nR1,5,Jo "Joe" Smith,p0@example.com\n"R2",5,"Al, Jr.",p1@x.org\n')
    assert bulk(tmp_path, str(path)).execute(context())["paid"] == 2


@pytest.mark.parametrize(
    "quoted", ["\u00ab017\u00bb", "\u201e017\u201c", "\u201a017\u2018", "=\u201c017\u201d", "\u300c017\u300d"]
)
def test_a_number_in_any_quotation_marks_is_read(tremendous_sandbox: Any, tmp_path: Path, quoted: str) -> None:
    """F4: French, German and Japanese quotes, and Excel's ="017" with smart quotes."""
    with pytest.raises(e.InputError, match="written otherwise"):
        bulk(tmp_path, rows_of(["17", quoted])).execute(context())
    assert tremendous_sandbox.admin.ledger() == []

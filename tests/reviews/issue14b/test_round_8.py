"""Issue 14 review, round 8: a quote left open that an inch mark closes still paid one row's reward to the next
row's person (valid CSV, so strict reading alone cannot see it); messages that named the wrong line or said others
were paid; a presigned URL's signature in an error; a JSON line repeating a field. Each test failed before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.payouts.run import PayoutError
from tests.payouts.conftest import bulk
from tests.reviews.issue14b.rows import file_refused, rows_of
from tests.support.context import context

HEADER = "respondent_id,amount,comment,name,email\n"


@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_a_quote_left_open_and_closed_by_an_inch_mark_pays_nobody(
    tremendous_sandbox: Any, tmp_path: Path, vendor: str
) -> None:
    """F1: R1's 50 went to Al (R2's person), R2 vanished, the run succeeded."""
    text = HEADER + 'R1,50,"great survey,Jo,p0@example.com\nR2,5,screen 27",Al,p1@example.com\n'
    match = r"row 1: row: spans lines 2-3: a quote left open"
    file_refused(tremendous_sandbox, tmp_path, text, vendor, match, on_invalid="skip")


def test_a_correct_comment_on_several_lines_names_the_option(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F2: the heuristic called a closed quote 'left open' ("close the quote", impossible) with no way out."""
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + 'R1,5,"Thanks!\nLiked: speed, design, prizes, support, price",Jo,p0@example.com\n')
    with pytest.raises(e.InputError, match=r"allow_multiline_cells=True"):
        bulk(tmp_path / "a", str(path)).execute(context())
    assert bulk(tmp_path / "b", str(path), allow_multiline_cells=True).execute(context())["paid"] == 1


def test_broken_quoting_is_named_by_the_line_the_row_starts_on(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F4 and F8: the error named line 5 (a correct row) and always blamed 'a quote left open'."""
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + 'R1,5,"ok" ,Jo,p0@example.com\nR2,5,x,Al,p1@example.com\n')
    with pytest.raises(e.InputError, match=r"row starting on line 2 is not valid CSV .*a space after a closing quote"):
        bulk(tmp_path, str(path)).execute(context())


def test_a_run_that_paid_nobody_says_so(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F5: one row failed at sending and one was refused: the message said 'others paid once each'."""
    bulk(tmp_path / "1", rows_of(["A"])).execute(context())
    rows = [*rows_of(["A"], amount="6"), {**rows_of(["x", "B"])[1], "email": "bad@"}]
    with pytest.raises(PayoutError, match=r"paid no row of payout survey-42: 1 of 1 rows were not paid and 1 were"):
        bulk(tmp_path / "2", rows, on_invalid="skip").execute(context(run_id="run-2"))


@pytest.mark.parametrize(
    "location",
    ["https://bucket.example/rows.txt?X-Amz-Signature=SECRET", "https://user:SECRET@bucket.example/rows.txt"],
)
def test_a_url_shows_no_signature_or_password(location: str) -> None:
    """F6: the whole URL, signature or password included, was repeated in the error."""
    from airflow_provider_tremendous.payouts import sources

    with pytest.raises(e.InputError, match=r"must end in \.csv") as refused:
        list(sources.iter_rows(location))
    assert "SECRET" not in str(refused.value) and "https://" in str(refused.value)


def test_a_presigned_csv_url_is_read_by_its_path() -> None:
    """F6: a query string hid the .csv ending."""
    from airflow_provider_tremendous.payouts import sources

    with pytest.raises(Exception) as failed:  # no network here: it fails opening, not on the ending
        list(sources.iter_rows("https://bucket.invalid/rows.csv?X-Amz-Signature=SECRET"))
    assert "must end in" not in str(failed.value)


def test_a_json_line_repeating_a_field_is_refused(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F7: the last 'amount' (50) silently won over the first (5)."""
    path = tmp_path / "rows.jsonl"
    path.write_text('{"respondent_id": "R1", "amount": "5", "name": "Jo", "email": "p0@example.com", "amount": "50"}\n')
    with pytest.raises(e.InputError, match=r"is not valid JSON \(ValueError: repeats the field\(s\) \['amount'\]\)"):
        bulk(tmp_path, str(path)).execute(context())
    assert tremendous_sandbox.admin.ledger() == []

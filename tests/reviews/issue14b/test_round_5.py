"""Issue 14 review, round 5: the last ways a second spelling of one number got paid, and two runs that paid nobody
yet succeeded (those two were there before this issue). Each test failed before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.payouts.run import PayoutError
from tests.payouts.conftest import bulk
from tests.reviews.issue14b.rows import bulk_for, refused_for_one_number, rows_of
from tests.support.context import context


def test_an_unreadable_row_stops_a_skipping_run(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F1: row 2 (17, an unquoted comma in its name) could not be read, so 017 was paid; 17 fixed was paid next."""
    path = tmp_path / "rows.csv"
    path.write_text(
        "respondent_id,amount,name,email\nR1,5,Al,p0@example.com\n17,5,Smith, Jo,p1@example.com\n"
        "017,5,Jo Smith,p2@example.com\n"
    )
    with pytest.raises(
        e.InputError, match=r"(?s)1 of them cannot be read at all .*row 2: row: has 5 values for 4 columns"
    ):
        bulk(tmp_path, str(path), on_invalid="skip").execute(context())
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize("bad", ["17\u200b", "\u200b17", "17\u00ad", "\u202a17"])
def test_a_key_refused_for_itself_still_meets_its_other_spelling(
    tremendous_sandbox: Any, tmp_path: Path, bad: str
) -> None:
    """F1: a key with an invisible character is refused for itself; its number still meets 017's."""
    with pytest.raises(e.InputError, match=r"row 3 .*row 2's key '17' \(refused\).*written otherwise"):
        bulk(tmp_path, rows_of(["R1", bad, "017"]), on_invalid="skip").execute(context())
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize(
    "keys",
    [
        ["12345", "\u06f1\u06f2\u060c\u06f3\u06f4\u06f5"],  # Persian digits with the ARABIC COMMA
        ["1000", "1\u060c000"],
        ["17", "\u0661\u0667\u060c\u0660"],
        ["17", "\u2018017"],  # a leading ' turned into a LEFT SINGLE QUOTATION MARK by smart quotes
        ["1000", "1\u2032000"],  # PRIME as the Swiss thousands mark
        ["1000", "1\u02b9000"],
    ],
)
@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_arabic_commas_and_typographic_apostrophes_are_read(
    tremendous_sandbox: Any, tmp_path: Path, keys: list[str], vendor: str
) -> None:
    """F2."""
    refused_for_one_number(tremendous_sandbox, tmp_path, keys, vendor)


@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_a_re_issue_of_a_row_the_catalog_refuses_is_refused(
    tremendous_sandbox: Any, tmp_path: Path, vendor: str
) -> None:
    """F3 (before this issue): the row passed validation, so its re-issue counted as matched, and with skip the run
    succeeded without it."""
    rows = rows_of(["T1", "T2"])
    rows[0]["amount"] = "99999"  # above both sandboxes' ranges
    pay = bulk_for(vendor)
    with pytest.raises(e.InputError, match=r"reissue: 1 key\(s\) match no valid row \('t1'\)"):
        pay(tmp_path, rows, on_invalid="skip", reissue={"t1": 1}).execute(context())


def test_a_skipping_run_whose_every_row_is_refused_at_sending_fails(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F4 (before this issue): B pays p0@, whom A's order already paid, so B is refused when the payout's orders
    are read; the run succeeded with paid=0."""
    bulk(tmp_path / "1", rows_of(["A"])).execute(context())
    with pytest.raises(PayoutError, match=r"paid no row of payout survey-42: 0 of 1 rows were not paid and 1 were"):
        bulk(tmp_path / "2", rows_of(["B"]), on_invalid="skip").execute(context(run_id="run-2"))
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_a_shard_with_nothing_to_pay_still_succeeds(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """The guard above is about rows this shard was to pay: a shard that holds none of the valid rows is done."""
    from airflow_provider_tremendous.payouts.keys import shard_of

    keys = ["R1", "bad"]
    empty_shard = 1 - shard_of("r1", 2)
    rows = rows_of(keys)
    rows[1]["email"] = "not-an-email"
    summary = bulk(tmp_path, rows, on_invalid="skip", shard_index=empty_shard, shard_count=2).execute(context())
    assert summary["paid"] == 0 and summary["invalid"] == 1

"""Issue 14 review, round 9: a quote left open in the header, reconciliation passing over unreadable rows, and a
presigned URL's signature in the error of a file that cannot be opened. Each test failed before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from tests.payouts.conftest import bulk, reconcile
from tests.reviews.issue14b.rows import file_refused, rows_of
from tests.support.context import context


@pytest.mark.parametrize("on_invalid", ["fail", "skip"])
@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_a_quote_left_open_in_the_header_pays_nobody(
    tremendous_sandbox: Any, tmp_path: Path, on_invalid: str, vendor: str
) -> None:
    """F1: R1 became part of a column name; the run paid R2 and succeeded."""
    text = 'respondent_id,amount,name,email,"note\nR1,50,Jo,p0@example.com,screen 27"\nR2,5,Al,p1@example.com,ok\n'
    match = r"the header spans lines 1-2: a quote left open"
    file_refused(tremendous_sandbox, tmp_path, text, vendor, match, on_invalid=on_invalid)


@pytest.mark.parametrize(
    "text",
    [
        'respondent_id,amount,comment,name,email\nR1,5,"Thanks!\nGreat survey",Jo,p0@example.com\n'
        "R2,5,ok,Al,p1@example.com\n",
        "respondent_id,amount,name,email,comment\nR1,5,Jo,p0@example.com\nR2,5,Al,p1@example.com,x\n",
    ],
    ids=["multiline", "cells-missing"],
)
def test_reconciliation_does_not_pass_over_an_unreadable_row(
    tremendous_sandbox: Any, tmp_path: Path, text: str
) -> None:
    """F2: R1 (never paid) could not be read, so it was not 'missing' and fail_on_discrepancy=True passed."""
    path = tmp_path / "rows.csv"
    path.write_text(text)
    bulk(tmp_path / "a", rows_of(["R2"], email="p1@example.com", name="Al")).execute(context())
    with pytest.raises(e.InputError, match=r"1 rows cannot be read, so whether they were paid cannot be checked"):
        reconcile(str(path), tmp_path / "r", fail_on_discrepancy=True)


def test_a_url_that_cannot_be_opened_shows_no_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    """F4: fsspec's HTTP file system raises FileNotFoundError(url) on a 404: the signature reached the task log."""
    from airflow.providers.common.compat import sdk

    from airflow_provider_tremendous.payouts import sources

    class Missing:
        def __init__(self, url: str) -> None:
            self.url = url

        def open(self, mode: str) -> Any:
            raise FileNotFoundError(self.url)

    monkeypatch.setattr(sdk, "ObjectStoragePath", Missing)
    with pytest.raises(e.InputError, match=r"cannot open 'https://bucket.example/rows.csv' \(FileNotFoundError\)") as r:
        list(sources.iter_rows("https://bucket.example/rows.csv?X-Amz-Signature=SECRETSIG"))
    assert "SECRETSIG" not in str(r.value) and r.value.__cause__ is None

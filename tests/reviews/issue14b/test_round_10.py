"""Issue 14 review, round 10: a remote file failing midway, passwords holding URL delimiters, a header quote left
open with multi-line cells allowed, reconciliation passing over invalid rows, and a run that paid nobody with
fail_on_error=False saying so only in the log. Each test failed before its fix."""

from __future__ import annotations

import io
import traceback
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.operators.reconcile import ReconciliationError
from tests.payouts.conftest import bulk, reconcile
from tests.reviews.issue14b.rows import rows_of
from tests.support.context import context

URL = "https://bucket.example/rows.csv?X-Amz-Signature=SECRETSIG"


class _FailingMidway(io.RawIOBase):
    """A remote file whose range request fails after ``size`` bytes, as fsspec's HTTP file does on an expired URL
    (its error text repeats the URL, signature included)."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.position = data, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.size:
            raise OSError(f"403, message='Forbidden', url='{URL}'")
        chunk = self.data[self.position : self.position + min(len(buffer), 4096)]
        buffer[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)


def test_a_remote_file_failing_midway_shows_no_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    """F1: only opening was wrapped; a read failing after the first block repeated the signature."""
    from airflow.providers.common.compat import sdk

    from airflow_provider_tremendous.payouts import sources

    lines = "".join(f"R{n},5,Jo,p{n}@example.com\n" for n in range(2000))
    data = f"respondent_id,amount,name,email\n{lines}".encode()

    class Remote:
        def __init__(self, url: str) -> None:
            pass

        def open(self, mode: str) -> Any:
            return io.BufferedReader(_FailingMidway(data, 20_000))

    monkeypatch.setattr(sdk, "ObjectStoragePath", Remote)
    with pytest.raises(e.InputError, match=r"reading 'https://bucket.example/rows.csv' failed \(OSError\)") as failed:
        list(sources.iter_rows(URL))
    assert "SECRETSIG" not in "".join(traceback.format_exception(failed.value))


@pytest.mark.parametrize("password", ["pa/ss", "pa?ss", "pa#ss"])
def test_a_password_holding_a_url_delimiter_is_not_shown(password: str) -> None:
    """F2: urlsplit cut the user part at the first / ? or #, showing part or all of the password."""
    from airflow_provider_tremendous.payouts.sources import shown

    assert shown(f"https://user:{password}@bucket.example/rows.csv") == "https://.../rows.csv"


def test_a_header_quote_left_open_is_refused_even_with_multiline_cells(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F3: with allow_multiline_cells=True, R1 became part of a column name and was never paid, silently."""
    path = tmp_path / "rows.csv"
    path.write_text(
        'respondent_id,amount,name,email,"comment\nR1,50,Jo,p0@example.com,screen 27"\n'
        'R2,5,Al,p1@example.com,"line one\nline two"\n'
    )
    with pytest.raises(e.InputError, match=r"the header spans lines 1-2"):
        bulk(tmp_path, str(path), allow_multiline_cells=True).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_reconciliation_counts_an_invalid_row_as_a_discrepancy(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F4: R1 (amount 5,00) was refused and never paid; reconciliation with fail_on_discrepancy=True passed."""
    rows = [{**rows_of(["R1"])[0], "amount": "5,00"}, rows_of(["x", "R2"])[1]]
    bulk(tmp_path / "a", rows, on_invalid="skip").execute(context())
    with pytest.raises(ReconciliationError, match=r"1 invalid rows \(a bulk payout given the same arguments refuses"):
        reconcile(rows, tmp_path / "r", fail_on_discrepancy=True)


def test_a_run_that_paid_nobody_says_so_in_its_summary(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F5: with fail_on_error=False the only sign was a log line; the summary (XCom) now says it too."""
    bulk(tmp_path / "1", rows_of(["A"])).execute(context())
    summary = bulk(tmp_path / "2", rows_of(["A"], amount="6"), fail_on_error=False).execute(context(run_id="r2"))
    assert summary["paid"] == 0 and summary["paid_nobody"] is True

"""Issue 14 review, round 11: an address in a URL's query made the signature show (the user part was cut at the
last '@' of the whole URL), a URL that could not be parsed made the message itself fail, reconciliation's failure
named no invalid row, and a JSON line nested too deep lost its line. Each test failed before its fix."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.operators.reconcile import ReconciliationError
from airflow_provider_tremendous.payouts import sources
from tests.payouts.conftest import bulk, reconcile
from tests.reviews.issue14b.rows import rows_of
from tests.support.context import context


@pytest.mark.parametrize(
    "url",
    [
        "https://bucket.example/rows.csv?user=ops@example.com&X-Amz-Signature=SECRETSIG",
        "https://bucket.example/a@[zz]/rows.csv?X-Amz-Signature=SECRETSIG",
        "s3://AKIAKEY:SECRETSIG@bucket/rows.csv",
    ],
)
def test_no_url_form_shows_its_signature_or_password(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """F1 and F2, through every message built from the location (here: a file that cannot be opened)."""
    from airflow.providers.common.compat import sdk

    class Missing:
        def __init__(self, location: str) -> None:
            self.location = location

        def open(self, mode: str) -> Any:
            raise FileNotFoundError(self.location)

    assert "SECRETSIG" not in sources.shown(url) and sources.shown(url).endswith("/rows.csv")
    monkeypatch.setattr(sdk, "ObjectStoragePath", Missing)
    with pytest.raises(e.InputError, match=r"cannot open 'https?://|cannot open 's3://") as failed:
        list(sources.iter_rows(url))
    assert "SECRETSIG" not in "".join(traceback.format_exception(failed.value))


def test_reconciliation_names_its_invalid_rows(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F3: the failure said '1 invalid rows' and pointed to a report without them; F4: it called them never paid."""
    rows = [{**rows_of(["R1"])[0], "amount": "5,00"}, rows_of(["x", "R2"])[1]]
    bulk(tmp_path / "a", rows, on_invalid="skip").execute(context())
    with pytest.raises(ReconciliationError, match=r"1 invalid rows .*row 1 \(key R1\): amount: '5,00'") as failed:
        reconcile(rows, tmp_path / "r", fail_on_discrepancy=True)
    assert "never paid" not in str(failed.value)


def test_a_json_line_nested_too_deep_is_named(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F5: 'reading ... failed (RecursionError)', with no line."""
    path = tmp_path / "rows.jsonl"
    path.write_text('{"respondent_id": "R1", "amount": "5", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    with pytest.raises(e.InputError, match=r"row 1: row: is not valid JSON \(RecursionError"):
        bulk(tmp_path, str(path)).execute(context())

"""Issue 14 review, round 14 (the shared PayoutRowsOperator): a DAG with a misspelled argument and a bad
``on_invalid`` names the misspelling first, as before the change (Airflow's unknown-argument check runs before any
value is checked). Failed at de079d3: only ``on_invalid`` was named."""

from __future__ import annotations

import pytest

from airflow_provider_tremendous.operators.bulk import BulkPayoutOperator


def test_a_misspelled_argument_is_named_first() -> None:
    with pytest.raises(Exception) as caught:
        BulkPayoutOperator(task_id="t", rows=[], payout_id="p", key_field="k", on_invalid="skp", keep_cse=True)
    assert "keep_cse" in str(caught.value), f"{type(caught.value).__name__}: {caught.value}"


def test_a_bad_on_invalid_alone_is_still_refused_at_parse() -> None:
    with pytest.raises(ValueError, match="on_invalid must be 'fail' or 'skip'"):
        BulkPayoutOperator(task_id="t", rows=[], payout_id="p", key_field="k", on_invalid="skp")

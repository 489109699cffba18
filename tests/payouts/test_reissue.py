"""An explicit, recorded re-issue of a row whose order ended unpaid (issue "Money rules, part 2", design 3): the
vendor keeps the key forever, so only ``reissue={key: generation}`` pays that person, and only when the vendor
shows the earlier generation ended unpaid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_tremendous.core.errors import TremendousError, TremendousInputError
from airflow_provider_tremendous.payouts.keys import canonical_key, external_id, reissue_id
from airflow_provider_tremendous.payouts.reissue import parse_reissue
from tests.payouts.conftest import bulk, respondents, results
from tests.support.context import context


def pay(tmp_path: Path, rows: Any, **kwargs: Any) -> Any:
    """The bulk operator with a known fee bound (orders left PENDING are not charged, so no fee is learned)."""
    return bulk(tmp_path, rows, max_fee_percent=0, **kwargs)


def _order_of(sandbox: Any, key: str) -> dict[str, Any]:
    return next(o for o in sandbox.admin.ledger() if o["external_id"] == f"survey-42:{key.lower()}")


def test_a_failed_row_is_paid_again_only_by_an_explicit_reissue(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.settings(order_processing_seconds=600)  # orders stay PENDING: one can still fail
    rows = respondents(3)
    assert pay(tmp_path, rows).execute(context())["created"] == 3
    tremendous_sandbox.admin.fail_order(_order_of(tremendous_sandbox, "R00001")["id"])
    with pytest.raises(TremendousError, match=r"ended FAILED.*reissue=\{'r00001': 1\}"):
        pay(tmp_path, rows).execute(context())  # a plain re-run never pays it: the vendor keeps the key
    assert len(tremendous_sandbox.admin.ledger()) == 3
    summary = pay(tmp_path, rows, reissue={"R00001": 1}).execute(context())
    assert (summary["created"], summary["already_paid"], summary["failed"]) == (1, 2, 0)
    ledger = tremendous_sandbox.admin.ledger()
    assert [o["external_id"] for o in ledger[3:]] == [reissue_id("survey-42", "r00001", "tremendous", 1)]
    assert "reissue 1" in (tmp_path / "results.csv").read_text(), "the re-issue is recorded in the result file"
    again = pay(tmp_path, rows, reissue={"r00001": "1"}, result_path=str(tmp_path / "fresh.csv")).execute(context())
    assert (again["created"], again["already_paid"]) == (0, 3), "a re-run of the re-issue pays nobody again"
    assert len(tremendous_sandbox.admin.ledger()) == 4


def test_a_reissue_of_a_row_that_was_paid_is_refused(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(2)
    pay(tmp_path, rows).execute(context())
    with pytest.raises(TremendousError, match="1 of 2 rows were not paid"):
        pay(tmp_path, rows, reissue={"R00000": 1}).execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 2, "a paid person paid again by a re-issue"
    assert "not ended unpaid" in (tmp_path / "results.csv").read_text()


def test_a_reissue_that_skips_a_generation_is_refused(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.settings(order_processing_seconds=600)
    rows = respondents(2)
    pay(tmp_path, rows).execute(context())
    tremendous_sandbox.admin.fail_order(_order_of(tremendous_sandbox, "R00000")["id"])
    with pytest.raises(TremendousError, match="not paid"):
        pay(tmp_path, rows, reissue={"R00000": 2}).execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 2
    assert "holds no ended" in (tmp_path / "results.csv").read_text()


def test_a_reissue_of_a_row_never_paid_is_refused(tremendous_sandbox: Any, tmp_path: Path) -> None:
    with pytest.raises(TremendousError, match="not paid"):
        pay(tmp_path, respondents(2), reissue={"R00000": 1}).execute(context())
    assert [o["external_id"] for o in tremendous_sandbox.admin.ledger()] == ["survey-42:r00001"]


def test_a_reissue_naming_no_row_refuses_the_run(tremendous_sandbox: Any, tmp_path: Path) -> None:
    with pytest.raises(TremendousInputError, match=r"reissue: 1 key\(s\) match no valid row \('r99'\)"):
        pay(tmp_path, respondents(2), reissue={"R99": 1}).execute(context())
    assert tremendous_sandbox.admin.ledger() == []
    assert not list(tmp_path.glob("*.csv")) or results(tmp_path) == []


@pytest.mark.parametrize("generation", [0, -1, True, "x", 1.5, "", None, "\u0661"])
def test_a_reissue_generation_must_be_a_whole_number_from_one(generation: Any) -> None:
    with pytest.raises(TremendousInputError, match="whole number from 1"):
        parse_reissue({"r1": generation}, keep_case=False)


def test_a_reissue_list_is_read_as_keys_are() -> None:
    assert parse_reissue({" R17 ": 1, 18.0: "2"}, keep_case=False) == {"r17": 1, "18": 2}
    with pytest.raises(TremendousInputError, match="twice"):
        parse_reissue({"R17": 1, "r17": 2}, keep_case=False)


@given(
    st.text(min_size=1, max_size=40),
    st.text(min_size=1, max_size=40),
    st.integers(min_value=1, max_value=99),
    st.sampled_from(["tremendous", "tangocard"]),
)
def test_no_reissue_id_is_any_rows_own_id(first: str, second: str, generation: int, vendor: str) -> None:
    """A re-issue's id can never be a row's own id (which the vendor would answer with that row's order)."""
    try:
        key, other = canonical_key(first), canonical_key(second)
    except ValueError:
        return
    reissued = reissue_id("p-1", key, vendor, generation)
    assert reissued != external_id("p-1", other, vendor)
    assert reissued.startswith("p-1:" if vendor == "tremendous" else "v2")
    if other != key:
        assert reissued != reissue_id("p-1", other, vendor, generation)


def test_a_tango_reissue_is_paid_waited_on_and_reconciled_without_its_failed_order(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Tango refunds a FAILED order and keeps its key; the re-issue pays the person once, and the payout's wait
    and reconciliation leave the superseded FAILED order out (it would fail them at once)."""
    from airflow_provider_tremendous.sensors.orders import TremendousOrderSensor
    from tests.vendors.tangocard.conftest import respondents as tango_rows
    from tests.vendors.tangocard.conftest import tango_bulk, tango_reconcile

    rows = tango_rows(3)
    tango_bulk(tmp_path, rows).execute(context())
    key = rows[1]["respondent_id"]
    own = external_id("survey-7", canonical_key(key), "tangocard")
    failed = next(o for o in tremendous_sandbox.admin.tangocard_ledger()["orders"] if o["external_ref_id"] == own)
    tremendous_sandbox.admin.tangocard_set_status(failed["reference_order_id"], "FAILED")
    summary = tango_bulk(tmp_path, rows, reissue={key: 1}).execute(context())
    assert (summary["created"], summary["already_paid"]) == (1, 2)
    assert summary["superseded"], "the failed order (and its earlier-derivation id) left out of waits"
    assert TremendousOrderSensor(task_id="wait", payout=summary, deferrable=False).poke(context())
    report = tango_reconcile(rows, tmp_path, fail_on_discrepancy=True, reissue={key: 1})
    assert report["matched"] == 3

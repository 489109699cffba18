"""Money rules, part 2: the vendor is the ledger. Each test is a case the issue lists under *Why*, against the strict
sandbox (and its lenient settings where the documents leave the question open); each failed on the code before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from airflow_provider_tremendous.operators.bulk import TremendousPayoutError
from airflow_provider_tremendous.payouts import history as history_module
from airflow_provider_tremendous.payouts.keys import row_ids
from tests.payouts.conftest import bulk, respondents, results
from tests.support.context import context
from tests.tangocard.conftest import ACCOUNT, CUSTOMER, tango_bulk


def _tremendous_order(row: dict[str, Any], amount: str, payout_id: str = "survey-42") -> dict[str, Any]:
    """The order a run for ``payout_id`` would send for ``row``, but for ``amount``."""
    return {
        "external_id": row_ids(payout_id, row["respondent_id"]).external_id,
        "payment": {"funding_source_id": "balance"},
        "reward": {
            "campaign_id": "CAMPAIGN00001",
            "value": {"denomination": float(amount), "currency_code": "USD"},
            "recipient": {"name": row["name"], "email": row["email"]},
            "delivery": {"method": "EMAIL"},
        },
    }


def _after_listing(monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    """Run ``action`` right after the run has listed the payout's orders: an overlapping run's order."""
    original = history_module.read_history

    def read_then_act(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        action()
        return found

    monkeypatch.setattr(history_module, "read_history", read_then_act)


# -- replays and look-ups are compared with the row ------------------------------------------------------------------
@pytest.mark.parametrize("lenient", [False, True], ids=["409", "201-original"])
def test_a_replay_of_a_key_used_for_another_amount_is_not_taken_for_payment(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lenient: bool
) -> None:
    """Was: a 201 replay was recorded as "already existed" whatever order it returned (strictness.md #5)."""
    tremendous_sandbox.admin.settings(lenient_changed_replay=lenient)
    (row,) = respondents(1, amount="20.00")
    _after_listing(monkeypatch, lambda: TremendousHook().create_order(_tremendous_order(row, "5.00")))
    with pytest.raises(TremendousPayoutError, match="1 of 1 rows were not paid"):
        bulk(tmp_path, [row]).execute(context())
    (line,) = results(tmp_path / "results.csv")
    assert line["outcome"] == "failed"
    assert "different reward" in line["error"]
    assert [o["amount"] for o in tremendous_sandbox.admin.ledger()] == [5.0], "the 5.00 order only; 20.00 unpaid"


def test_a_look_up_after_a_lost_answer_that_finds_another_amount_is_not_payment(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: after a lost answer, the look-up by key accepted an order for 5.00 as payment of a row asking 20.00."""
    (row,) = respondents(1, amount="20.00")

    def overlap_then_lose_answers() -> None:
        TremendousHook().create_order(_tremendous_order(row, "5.00"))
        tremendous_sandbox.admin.faults(
            error_rate=1.0, path_prefix="/orders", method="POST", rate_limit_per_second=None
        )

    _after_listing(monkeypatch, overlap_then_lose_answers)
    with pytest.raises(TremendousPayoutError):
        bulk(tmp_path, [row]).execute(context())
    (line,) = results(tmp_path / "results.csv")
    assert (line["outcome"], "different reward" in line["error"]) == ("failed", True)


def test_a_tango_replay_for_another_name_or_item_is_not_payment(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tango answers a reused externalRefID with the original order (200), whatever the request says."""
    from tests.tangocard.conftest import respondents as tango_rows

    (row,) = tango_rows(1)
    ref = row_ids("survey-7", row["respondent_id"], "tangocard").external_id
    body = {
        "customerIdentifier": CUSTOMER,
        "accountIdentifier": ACCOUNT,
        "utid": "U000002",
        "amount": 5,
        "sendEmail": True,
        "externalRefID": ref,
        "recipient": {"email": row["email"], "firstName": "Someone", "lastName": "Else"},
    }
    _after_listing(monkeypatch, lambda: TangoCardHook().create_order(body))
    with pytest.raises(TremendousPayoutError):
        tango_bulk(tmp_path, [row]).execute(context())
    (line,) = results(tmp_path / "results.csv")
    assert line["outcome"] == "failed" and "another name" in line["error"]
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 1


def test_the_tango_sandbox_forgets_a_key_after_its_idempotency_window(tremendous_sandbox: Any) -> None:
    """strictness.md #3: past 90 days (sandbox time) Tango places a new order for the same externalRefID."""
    body = {
        "customerIdentifier": CUSTOMER,
        "accountIdentifier": ACCOUNT,
        "utid": "U000002",
        "amount": 5,
        "sendEmail": False,
        "externalRefID": "windowed1",
    }
    first = TangoCardHook().create_order(body)
    assert TangoCardHook().create_order(body).reference_order_id == first.reference_order_id
    tremendous_sandbox.admin.advance(91 * 86400)
    assert TangoCardHook().create_order(body).reference_order_id != first.reference_order_id
    tremendous_sandbox.admin.settings(tango_idempotency_days=None)
    body["externalRefID"] = "forever1"
    kept = TangoCardHook().create_order(body)
    tremendous_sandbox.admin.advance(400 * 86400)
    assert TangoCardHook().create_order(body).reference_order_id == kept.reference_order_id


# -- uncertainty is named --------------------------------------------------------------------------------------------
def test_a_row_whose_answer_and_look_up_were_lost_is_unknown_and_the_retry_resolves_it(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: reported "not paid" although the order existed: an invitation to pay it again by hand."""
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(max_retries=0))
    rows = respondents(2)

    def lose_everything() -> None:  # the order is created, its answer lost, and every look-up by key fails
        tremendous_sandbox.admin.faults(error_after_commit_rate=1.0, path_prefix="/orders", rate_limit_per_second=None)

    original = history_module.read_history
    _after_listing(monkeypatch, lose_everything)
    with pytest.raises(TremendousPayoutError, match=r"2 rows are unknown: their order may exist.*row 1 \(r00000\)"):
        bulk(tmp_path, rows, fail_on_error=False).execute(context())
    assert {line["outcome"] for line in results(tmp_path / "results.csv")} == {"unknown"}
    assert len(tremendous_sandbox.admin.ledger()) == 2, "both orders exist"
    monkeypatch.setattr(history_module, "read_history", original)
    tremendous_sandbox.admin.faults(error_after_commit_rate=0.0)
    summary = bulk(tmp_path, rows).execute(context())
    assert (summary["paid"], summary["created"], summary["unknown"]) == (2, 0, 0)
    assert len(tremendous_sandbox.admin.ledger()) == 2, "resolved from the vendor, not paid again"

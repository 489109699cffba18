"""The bulk payout core with a Tango Card connection: the same rules (validation first, once per key, resume,
pre-flight funding, reconciliation, waiting) through the Tango adapter."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousInputError, TremendousWaitFailedError
from airflow_provider_tremendous.operators.bulk import TremendousPayoutStopped
from airflow_provider_tremendous.payouts.keys import external_id
from airflow_provider_tremendous.sensors.orders import TremendousOrderSensor
from tests.payouts.conftest import results
from tests.support.context import context
from tests.vendors.tangocard.conftest import (
    ACCOUNT,
    production_connections,
    respondents,
    second_account,
    tango_bulk,
    tango_reconcile,
)


def _ledger(sandbox: Any) -> list[dict[str, Any]]:
    return list(sandbox.admin.tangocard_ledger()["orders"])


def test_pays_each_row_once_and_a_rerun_pays_nobody_again(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(12)
    summary = tango_bulk(tmp_path, rows, max_concurrency=4).execute(context())
    assert (summary["vendor"], summary["paid"], summary["created"], summary["failed"]) == ("tangocard", 12, 12, 0)
    ledger = _ledger(tremendous_sandbox)
    expected = sorted(external_id("survey-7", r["respondent_id"].lower(), "tangocard") for r in rows)
    assert sorted(r["external_ref_id"] for r in ledger) == expected
    assert all(re.fullmatch(r"[A-Za-z0-9]{1,100}", ref) for ref in expected), "Tango ids are alphanumeric"
    assert {r["utid"] for r in ledger} == {"U000002"} and {r["status"] for r in ledger} == {"COMPLETE"}
    assert tremendous_sandbox.admin.tangocard_ledger()["balances"][ACCOUNT] == 100_000 - 12 * 5
    (tmp_path / "results.csv").unlink()  # even without the result file, the keys make a re-run safe
    again = tango_bulk(tmp_path, rows).execute(context())
    assert (again["created"], again["already_paid"]) == (0, 12), "learned from the vendor: nothing sent"
    assert len(_ledger(tremendous_sandbox)) == 12


def test_catalog_rules_are_checked_before_anything_is_sent(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(4)
    rows[0]["amount"] = "9000"  # over U000002's 5000 maximum
    rows[1]["currency"] = "EUR"  # U000002 pays USD
    rows[2]["name"] = ""  # an emailed Tango reward needs a first name
    with pytest.raises(TremendousInputError) as raised:
        tango_bulk(tmp_path, rows).execute(context())
    message = str(raised.value)
    assert "3 of 4 rows are invalid; nothing was sent" in message
    assert "row 1 (key T00000): amount: U000002 takes 0.01-5000" in message
    assert "row 2 (key T00001): currency: U000002 pays USD, not EUR" in message
    assert "row 3 (key T00002): name: Tango Card needs the recipient's first name" in message
    assert _ledger(tremendous_sandbox) == []


def test_an_unknown_utid_is_invalid_for_every_row(tremendous_sandbox: Any, tmp_path: Path) -> None:
    with pytest.raises(TremendousInputError, match="U999999 is not in the Tango Card catalog"):
        tango_bulk(tmp_path, respondents(2), utid="U999999").execute(context())
    assert _ledger(tremendous_sandbox) == []


def test_preflight_funding_refuses_a_payout_the_account_cannot_cover(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.tangocard_set_balance(ACCOUNT, 20)
    with pytest.raises(TremendousInputError, match=r"short by 30\.00.*TangoCardFundAccountOperator"):
        tango_bulk(tmp_path, respondents(10)).execute(context())
    assert _ledger(tremendous_sandbox) == []


def test_running_out_of_funds_stops_the_run_and_a_retry_pays_only_the_rest(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    tremendous_sandbox.admin.tangocard_set_balance(ACCOUNT, 20)
    operator = tango_bulk(tmp_path, respondents(10), preflight_funding=False, max_concurrency=1, fail_on_error=False)
    with pytest.raises(TremendousPayoutStopped, match=r"402.*4 rows paid, 6 not paid"):
        operator.execute(context())  # a stop fails the task whatever fail_on_error says
    outcomes = Counter(r["outcome"] for r in results(tmp_path / "results.csv"))
    assert outcomes["created"] == 4 and outcomes["failed"] + outcomes["not_sent"] == 6
    assert outcomes["not_sent"] >= 1, "402.001 stopped the run: the rest were not even sent"
    tremendous_sandbox.admin.tangocard_set_balance(ACCOUNT, 1000)
    second = tango_bulk(tmp_path, respondents(10)).execute(context())
    assert (second["already_paid"], second["created"]) == (4, 6)
    assert Counter(r["external_ref_id"] for r in _ledger(tremendous_sandbox)).most_common(1)[0][1] == 1


def test_reconcile_and_wait_follow_the_connection_that_paid(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(6)
    tremendous_sandbox.admin.settings(tango_order_pending_seconds=30)
    summary = tango_bulk(tmp_path, rows).execute(context())
    sensor = TremendousOrderSensor(task_id="wait", payout=summary, deferrable=False, poke_interval=1, timeout=60)
    assert sensor.poke(context()) is False, "orders are PENDING"
    tremendous_sandbox.admin.advance(31)
    done = sensor.poke(context())
    assert getattr(done, "is_done", False) and sensor.connection_id == "tangocard_default"
    reconciled = tango_reconcile(rows, tmp_path, created_after=summary["created_after"], fail_on_discrepancy=True)
    assert reconciled["matched"] == 6
    reference = _ledger(tremendous_sandbox)[0]["reference_order_id"]
    tremendous_sandbox.admin.tangocard_set_status(reference, "FAILED")
    with pytest.raises(TremendousWaitFailedError, match="FAILED"):
        TremendousOrderSensor(task_id="wait2", payout=summary, deferrable=False).poke(context())
    report = tango_reconcile(rows, tmp_path, report_path=str(tmp_path / "reconcile2.csv"))
    assert report["not_executed"] == 1
    assert "COMPLETE" in (tmp_path / "reconcile2.csv").read_text()


def test_a_row_whose_amount_changed_since_it_was_paid_is_not_paid_again(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    rows = respondents(3)
    tango_bulk(tmp_path, rows).execute(context())
    (tmp_path / "results.csv").unlink()
    rows[1]["amount"] = "7.00"
    summary = tango_bulk(tmp_path, rows, fail_on_error=False).execute(context())
    assert (summary["already_paid"], summary["failed"]) == (2, 1)
    (failed,) = [r for r in results(tmp_path / "results.csv") if r["outcome"] == "failed"]
    assert failed["key"] == "t00001" and "already used for a different reward" in failed["error"]
    assert "amount 5" in failed["error"], "the error says what the existing order is for"
    assert len(_ledger(tremendous_sandbox)) == 3


def test_a_409_024_is_looked_up_instead_of_failed() -> None:
    """409.024 ("an order with this external reference ID already exists"): the order exists, find it."""
    import datetime as dt
    from types import SimpleNamespace

    from airflow_provider_tremendous.vendors.tangocard.errors import TangoCardConflictError
    from airflow_provider_tremendous.vendors.tangocard.models import Order
    from airflow_provider_tremendous.vendors.tangocard.payouts import TangoCardPayoutAdapter

    existing = Order(
        referenceOrderID="RA1",
        externalRefID="p:k",
        status="COMPLETE",
        createdAt=dt.datetime(2026, 1, 1),
        denomination={"value": 5, "currencyCode": "USD"},
        utid="U000002",
    )

    def conflict(body: Any) -> Any:
        raise TangoCardConflictError(status=409, message="exists", i18n_key="409.024", method="POST", path="/orders")

    hook = SimpleNamespace(
        account_ids=lambda c, a: ("c", "a"),
        create_order=SimpleNamespace(with_http_info=conflict),
        find_order=lambda ref, account: existing if ref == "p:k" else None,
    )
    adapter = TangoCardPayoutAdapter(hook)  # type: ignore[arg-type]
    row = {
        "row": 1,
        "key": "k",
        "external_id": "p:k",
        "amount": "5.00",
        "currency": "USD",
        "reward": {"products": ["U000002"], "delivery": {"method": "LINK"}, "recipient": {}},
    }
    outcome = adapter.pay(row)
    assert (outcome.outcome, outcome.order_id) == ("already_existed", "RA1")


def test_fees_count_against_caps_and_the_balance(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Tango Card reports each order's fee in ``amountCharged``: the run learns it and stops before a cap."""
    tremendous_sandbox.admin.settings(tango_fee_percent=5)
    with pytest.raises(TremendousInputError, match=r"over max_total_amount=20 with any fee at all"):
        tango_bulk(tmp_path, respondents(4), max_total_amount=20).execute(context())
    with pytest.raises(TremendousPayoutStopped, match=r"charged 21\.\d\d USD, over max_total_amount=21"):
        tango_bulk(tmp_path, respondents(4), max_total_amount=21).execute(context())
    lines = results(tmp_path / "results.csv")
    assert Counter(line["outcome"] for line in lines) == Counter(created=1, not_sent=3)
    (paid,) = [line for line in lines if line["outcome"] == "created"]
    assert (paid["charged"], paid["fees"]) == ("5.25", "0.25")
    summary = tango_bulk(tmp_path, respondents(4), max_total_amount=22, max_fee_percent=5).execute(context())
    assert (summary["already_paid"], summary["created"], summary["charged"]) == (1, 3, "15.75")


def test_a_fee_rounded_down_on_a_tiny_first_order_is_not_learned_as_zero(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Review finding: 4.9 % of 0.10 rounds to 0.00; the run learned 0 % and charged 4196.10 under a 4000.15 cap."""
    tremendous_sandbox.admin.settings(tango_fee_percent=4.9)
    tremendous_sandbox.admin.tangocard_set_balance(ACCOUNT, 100_000)
    rows = respondents(5, amount="1000")
    rows[0]["amount"] = "0.10"
    with pytest.raises(TremendousPayoutStopped, match=r"each fee is rounded, so up to 10\.0000% is possible"):
        tango_bulk(tmp_path, rows, max_total_amount="4010").execute(context())
    lines = results(tmp_path / "results.csv")
    assert Counter(line["outcome"] for line in lines) == Counter(created=1, not_sent=4)
    assert [line["charged"] for line in lines if line["outcome"] == "created"] == ["0.10"]


def _with_phone(count: int, amount: str = "50") -> list[dict[str, Any]]:
    rows = respondents(count, amount=amount)
    for i, row in enumerate(rows):
        row["phone"] = f"+1415555{i:04d}"
    return rows


@pytest.mark.parametrize("cap", [{"max_total_amount": 100}, {"max_amount_per_recipient": 50}])
@pytest.mark.parametrize("partial", [False, True])
def test_a_resume_is_not_refused_when_the_vendor_echoes_only_the_email(
    tremendous_sandbox: Any, tmp_path: Path, cap: dict[str, int], partial: bool
) -> None:
    """Fourth review: Tango orders carry no phone, so an order for a row with email and phone did not cover it and a
    fully or partly paid payout's retry was refused (its charge counted, its face priced again)."""
    rows = _with_phone(2)
    tango_bulk(tmp_path, rows[:1] if partial else rows, max_fee_percent=0, **cap).execute(context())
    summary = tango_bulk(tmp_path, rows, max_fee_percent=0, **cap).execute(context())
    assert summary["paid"] == 2 and len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 2


def test_the_same_payout_from_another_production_account_is_refused_not_paid_again(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fourth review: the result file's payments were dropped because the other account's listing did not hold them,
    and both people were paid again from the second account. Part 2: only production records count."""
    production_connections(monkeypatch, tremendous_sandbox)
    second_account()
    tremendous_sandbox.admin.tangocard_set_balance("acctb", 1000)
    rows = respondents(2)
    assert tango_bulk(tmp_path, rows).execute(context())["created"] == 2
    with pytest.raises(TremendousInputError, match=r"2 payments of it on another production account.*Nothing was"):
        tango_bulk(tmp_path, rows, account_identifier="acctb").execute(context())
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 2
    summary = tango_bulk(tmp_path, rows, account_identifier="acctb", allow_other_accounts=True).execute(context())
    assert summary["created"] == 2, "paid there only when asked explicitly"


def test_a_rehearsal_on_another_sandbox_account_never_blocks_nor_counts(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: the rehearsal's file marked every row paid on the second account, nobody was paid, the task succeeded."""
    second_account()
    tremendous_sandbox.admin.tangocard_set_balance("acctb", 1000)
    rows = respondents(2)
    assert tango_bulk(tmp_path, rows).execute(context())["created"] == 2
    assert tango_bulk(tmp_path, rows, account_identifier="acctb").execute(context())["created"] == 2
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 4


def test_switching_the_vendor_of_a_production_payout_on_the_same_result_file_is_refused(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sixth review: a Tango Card result file's lines (``v2``... ids) fell outside the Tremendous prefixes, were
    ignored as another payout's, and the Tremendous run paid everyone again."""
    production_connections(monkeypatch, tremendous_sandbox)
    rows = respondents(2)
    assert tango_bulk(tmp_path, rows).execute(context())["created"] == 2
    tremendous = tango_bulk(tmp_path, rows, conn_id="tremendous_default", utid=None, campaign_id="CAMPAIGN00001")
    with pytest.raises(TremendousInputError, match=r"another production account \(tangocard account .*Nothing was"):
        tremendous.execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_switching_the_vendor_of_a_sandbox_rehearsal_pays_everyone(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: switching the survey DAG from Tremendous to Tango Card on the same result file paid nobody, and the
    task succeeded."""
    rows = respondents(2)
    tremendous = tango_bulk(tmp_path, rows, conn_id="tremendous_default", utid=None, campaign_id="CAMPAIGN00001")
    assert tremendous.execute(context())["created"] == 2
    assert tango_bulk(tmp_path, rows).execute(context())["created"] == 2
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 2

"""The fee rules under attack: each test reproduces a finding of the adversarial review of issue 11's fees step,
and failed before its fix (the review's reproductions charged past the cap, or ended green)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.operators.bulk import TremendousPayoutStopped
from airflow_provider_tremendous.payouts import adapter as adapter_module
from tests.payouts.conftest import bulk, respondents, results
from tests.support.context import context


def _charged(sandbox: Any, before: float = 100_000.0) -> Decimal:
    return (Decimal(str(before)) - Decimal(str(sandbox.admin.balance()))).quantize(Decimal("0.01"))


def _outcomes(path: Path) -> Counter[str]:
    return Counter(line["outcome"] for line in results(path))


def _time_passes(monkeypatch: pytest.MonkeyPatch, sandbox: Any) -> None:
    """Waiting for a charge moves the sandbox clock on instead of sleeping."""
    monkeypatch.setattr(adapter_module, "pause", lambda seconds: sandbox.admin.advance(600))


def test_a_small_first_order_does_not_teach_a_rounded_down_fee(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: 0.4 % of 1.00 rounds to 0.00, the run learned 0 % and charged 3013.00 under a 3005 cap."""
    tremendous_sandbox.admin.settings(fee_percent=0.4)
    rows = respondents(1, amount="1.00") + respondents(3, amount="1000", start=1)
    with pytest.raises(TremendousPayoutStopped, match=r"each fee is rounded, so up to 1\.0000% is possible"):
        bulk(tmp_path, rows, max_total_amount=3005).execute(context())
    assert _charged(tremendous_sandbox) <= Decimal(3005)
    assert _outcomes(tmp_path / "results.csv") == Counter(created=1, not_sent=3)


def test_a_rounded_down_fee_does_not_break_the_recipient_cap(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: one recipient of 2 x 1000 was charged 2008.00 under a 2000.02 cap."""
    tremendous_sandbox.admin.settings(fee_percent=0.4)
    rows = respondents(1, amount="1.00") + [
        {**row, "email": "same@example.com"} for row in respondents(2, amount="1000", start=1)
    ]
    with pytest.raises(TremendousPayoutStopped, match="max_amount_per_recipient=2005"):
        bulk(tmp_path, rows, max_amount_per_recipient=2005, allow_shared_recipients=True).execute(context())
    paid = [o for o in tremendous_sandbox.admin.ledger() if o["recipient"].get("email") == "same@example.com"]
    assert paid == []


def test_rows_go_one_at_a_time_while_rounding_leaves_doubt(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Fee-free, with room for a rounding doubt only row by row: each row's charge narrows it, all are paid."""
    rows = respondents(1, amount="1.00") + respondents(3, amount="100", start=1)
    summary = bulk(tmp_path, rows, max_total_amount="302.50", max_concurrency=8).execute(context())
    assert summary["paid"] == 4 and _charged(tremendous_sandbox) == Decimal("301.00")


def test_a_retry_does_not_pay_another_learning_order(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: every try forgot the fee, paid one more learning order past the cap, and the last try succeeded."""
    tremendous_sandbox.admin.settings(fee_percent=5)
    rows = respondents(10, amount="10")
    with pytest.raises(TremendousPayoutStopped):
        bulk(tmp_path, rows, max_total_amount=104).execute(context())
    for result_path in (tmp_path / "results.csv", tmp_path / "fresh-worker.csv"):  # the file, then the vendor
        with pytest.raises(e.TremendousInputError, match=r"would be charged 105\.\d\d USD.*nothing was sent"):
            bulk(tmp_path, rows, max_total_amount=104, result_path=str(result_path)).execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_a_payout_charged_past_its_cap_never_ends_green(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.settings(fee_percent=5)
    rows = respondents(2, amount="50")
    assert bulk(tmp_path, rows, max_total_amount=200).execute(context())["paid"] == 2
    with pytest.raises(e.TremendousInputError, match=r"charged 105\.00 USD, over max_total_amount=104"):
        bulk(tmp_path, rows, max_total_amount=104).execute(context())
    lines = results(tmp_path / "results.csv")
    assert {(line["outcome"], line["charged"]) for line in lines} == {("created", "52.50")}, "file left as it was"


def test_an_already_paid_row_keeps_its_recorded_charge(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: a retry rewrote earlier rows as already_paid with empty charged/fees, losing what they cost."""
    tremendous_sandbox.admin.settings(fee_percent=5)
    rows = respondents(2, amount="10")
    bulk(tmp_path, rows).execute(context())
    summary = bulk(tmp_path, rows).execute(context())
    assert summary["already_paid"] == 2
    assert {(line["outcome"], line["charged"], line["fees"]) for line in results(tmp_path / "results.csv")} == {
        ("already_paid", "10.50", "0.50")
    }


def test_sharded_caps_need_a_declared_fee_bound(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: each shard paid its own learning order past the cap, and both shards' retries succeeded."""
    with pytest.raises(e.TremendousInputError, match=r"need a declared fee bound for a sharded payout"):
        bulk(tmp_path, respondents(4), max_total_amount=100, shard_count=2, shard_index=0).execute(context())
    assert tremendous_sandbox.admin.ledger() == []
    summary = bulk(tmp_path, respondents(4), max_total_amount=100, max_fee_percent=0, shard_count=2).execute(context())
    assert summary["paid"] >= 1


@pytest.mark.parametrize("fault", ["error_after_commit_next", "drop_after_commit_rate"])
def test_a_lost_answer_on_the_learning_order_is_still_awaited(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    """Was: the replayed or found learning order taught nothing, so a second order's fee went unforeseen."""
    tremendous_sandbox.admin.settings(fee_percent=5, order_processing_seconds=600)
    _time_passes(monkeypatch, tremendous_sandbox)
    if fault == "error_after_commit_next":
        tremendous_sandbox.admin.faults(error_after_commit_next=1, path_prefix="/orders", method="POST")
    else:
        tremendous_sandbox.admin.faults(drop_after_commit_rate=1.0, path_prefix="/orders", method="POST")
        real = adapter_module.VendorAdapter._send

        def once(self: Any, row: Any) -> Any:  # only the first answer is lost
            try:
                return real(self, row)
            finally:
                tremendous_sandbox.admin.faults(drop_after_commit_rate=0.0)

        monkeypatch.setattr(adapter_module.VendorAdapter, "_send", once)
    rows = respondents(1, amount="49") + respondents(1, amount="50", start=1) + respondents(3, amount="1", start=2)
    with pytest.raises(TremendousPayoutStopped, match="over max_total_amount=106"):
        bulk(tmp_path, rows, max_total_amount=106, preflight_funding=False).execute(context())
    tremendous_sandbox.admin.advance(600)
    assert _charged(tremendous_sandbox) == Decimal("51.45"), "only the learning order was paid"
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_this_runs_replayed_order_counts_against_the_balance(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: a replay of this run's own order was counted nowhere; the run needed the vendor's 402 and blamed
    'someone else'."""
    tremendous_sandbox.admin.settings(fee_percent=5)
    tremendous_sandbox.admin.set_balance(110)
    tremendous_sandbox.admin.faults(error_after_commit_next=1, path_prefix="/orders", method="POST")
    rows = respondents(1, amount="49") + respondents(1, amount="50", start=1) + respondents(1, amount="10", start=2)
    with pytest.raises(TremendousPayoutStopped) as stopped:
        bulk(tmp_path, rows).execute(context())
    assert "402" not in str(stopped.value) and "balance had 110.00 USD available" in str(stopped.value)
    assert "charged 51.45 USD by this run" in str(stopped.value)


def test_a_failed_learning_order_is_not_paid_and_not_skipped_later(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: the vendor FAILED the learning order, the row was recorded as created, and a retry skipped it."""
    tremendous_sandbox.admin.settings(order_processing_seconds=600)

    def fail_it(seconds: float) -> None:
        for order in tremendous_sandbox.admin.ledger():
            tremendous_sandbox.admin.fail_order(order["id"])

    monkeypatch.setattr(adapter_module, "pause", fail_it)
    rows = respondents(1, amount="10")
    with pytest.raises(e.TremendousError, match="ended FAILED"):
        bulk(tmp_path, rows, max_total_amount=100).execute(context())
    (line,) = results(tmp_path / "results.csv")
    assert (line["outcome"], line["status"]) == ("failed", "FAILED")
    with pytest.raises(e.TremendousError, match=r"ended FAILED.*re-issue the row explicitly"):
        bulk(tmp_path, rows, max_total_amount=100, max_fee_percent=0).execute(context())
    assert _outcomes(tmp_path / "results.csv") == Counter(failed=1), "never taken for paid"


@pytest.mark.parametrize("cap", ["max_total_amount", "max_amount_per_recipient"])
def test_converted_amounts_are_priced_at_the_cent_the_vendor_rounds_to(
    tremendous_sandbox: Any, tmp_path: Path, cap: str
) -> None:
    """Was: 100 x 2.24 CAD (1.635... USD each, charged 1.64) passed a 163.51 cap and charged 164.00."""
    rows = [{**row, "currency": "CAD", "email": "same@example.com"} for row in respondents(100, amount="2.24")]
    options = {"allow_shared_recipients": True, "max_fee_percent": 0}
    with pytest.raises(e.TremendousInputError, match=r"charged 164\.00 USD, over " + cap):
        bulk(tmp_path, rows, **{cap: "163.51"}, **options).execute(context())
    summary = bulk(tmp_path, rows, **{cap: "164"}, **options).execute(context())
    assert summary["paid"] == 100 and _charged(tremendous_sandbox) == Decimal("164.00")


@pytest.mark.parametrize("result_file", ["results.csv", "fresh-worker.csv"])
@pytest.mark.parametrize("fee_bound", [5, None])
def test_an_order_for_another_amount_covers_no_row(
    tremendous_sandbox: Any, tmp_path: Path, result_file: str, fee_bound: int | None
) -> None:
    """Second review: R00000 was paid 1000 (charged 1050), then corrected to 10 with 9 new rows of 100; the old
    order's subtotal 'covered' the new rows, so the payout was charged 1575-1995 under a 1500 cap."""
    tremendous_sandbox.admin.settings(fee_percent=5)
    assert bulk(tmp_path, respondents(1, amount="1000"), max_fee_percent=5).execute(context())["paid"] == 1
    corrected = respondents(1, amount="10") + respondents(9, amount="100", start=1)
    with pytest.raises(e.TremendousInputError, match=r"over max_total_amount=1500.*nothing was sent"):
        bulk(
            tmp_path,
            corrected,
            max_total_amount=1500,
            max_fee_percent=fee_bound,
            result_path=str(tmp_path / result_file),
        ).execute(context())
    assert _charged(tremendous_sandbox) == Decimal("1050.00")


def test_an_order_the_vendor_failed_later_is_not_taken_for_paid_from_the_file(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Second review: the result file recorded an OPEN order as created; the vendor then FAILED it (refunded), and
    the retry marked the row already_paid from the file and ended green."""
    tremendous_sandbox.admin.settings(order_processing_seconds=600)
    rows = respondents(2)
    assert bulk(tmp_path, rows, max_fee_percent=0).execute(context())["created"] == 2
    failed = tremendous_sandbox.admin.ledger()[0]
    tremendous_sandbox.admin.fail_order(failed["id"])
    with pytest.raises(e.TremendousError, match=r"ended FAILED.*re-issue the row explicitly"):
        bulk(tmp_path, rows, max_fee_percent=0).execute(context())
    lines = results(tmp_path / "results.csv")
    assert Counter((line["outcome"], line["status"]) for line in lines) == Counter(
        {("already_paid", "OPEN"): 1, ("failed", "FAILED"): 1}
    )


def _row(key: str, email: str, amount: str) -> dict[str, Any]:
    return {"respondent_id": key, "amount": amount, "name": "X", "email": email}


@pytest.mark.parametrize(
    "corrected",
    [
        [("R2", "x@example.com", "90")],  # the row was removed, the person got another key
        [("R1", "y@example.com", "90"), ("R2", "x@example.com", "90")],  # the key moved to another person
    ],
)
def test_the_per_recipient_cap_counts_what_the_payout_already_charged_them(
    tremendous_sandbox: Any, tmp_path: Path, corrected: list[tuple[str, str, str]]
) -> None:
    """Third review: x was paid 90 under R1; a corrected file paid x another 90 under R2 past a 100 cap, green."""
    # (part 2 refuses one person under two keys across runs by default: shared recipients allowed, the cap holds)
    cap = {"max_amount_per_recipient": 100, "max_fee_percent": 0, "allow_shared_recipients": True}
    assert bulk(tmp_path, [_row("R1", "x@example.com", "90")], **cap).execute(context())["paid"] == 1
    rows = [_row(*row) for row in corrected]
    with pytest.raises(e.TremendousInputError, match=r"x@example\.com would be charged 180\.00 USD.*nothing was sent"):
        bulk(tmp_path, rows, fail_on_error=False, **cap).execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1
    resumed = bulk(tmp_path, [_row("R1", "x@example.com", "90")], **cap).execute(context())
    assert resumed["already_paid"] == 1, "the recipient's own paid row is covered, not counted twice"


def test_a_result_file_the_vendor_does_not_hold_proves_no_payment(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Third review: a result file from another account or environment on the same path marked every row paid and
    the run ended green while the vendor held no order. Part 2: the vendor is the ledger, so rows it does not hold
    are sent (with the same keys: the vendor's idempotency covers an order it lists late)."""
    rows = respondents(3)
    assert bulk(tmp_path, rows).execute(context())["created"] == 3
    tremendous_sandbox.admin.reset()  # the sandbox forgets every order; the result path still says paid
    assert bulk(tmp_path, rows).execute(context())["created"] == 3
    assert len(tremendous_sandbox.admin.ledger()) == 3


def test_caps_over_several_fee_classes_need_a_declared_bound(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Third review: each new campaign/product list's first order has an unknown fee of its own; a 10 % product
    learned after a fee-free campaign took the payout to 1110.00 under a 1100.50 cap."""
    rows = respondents(1, amount="1000") + [
        {**row, "products": ["OKMHM2X2OHYV"]} for row in respondents(1, amount="100", start=1)
    ]
    with pytest.raises(e.TremendousInputError, match=r"need a declared fee bound for rows of 2 campaigns"):
        bulk(tmp_path, rows, max_total_amount="1100.50").execute(context())
    assert tremendous_sandbox.admin.ledger() == []
    assert bulk(tmp_path, rows, max_total_amount="1100.50", max_fee_percent=0).execute(context())["paid"] == 2


def test_the_next_payout_may_reuse_a_result_path(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Fifth review: another payout's lines in a reused result file were taken for 'payments this account does not
    hold' and the next payout was refused."""
    assert bulk(tmp_path, respondents(3), payout_id="survey-42").execute(context())["created"] == 3
    assert bulk(tmp_path, respondents(2, start=10), payout_id="survey-43").execute(context())["created"] == 2


@pytest.mark.parametrize("first_has_phone", [True, False])
def test_an_order_covers_its_row_when_the_phone_was_added_or_dropped(
    tremendous_sandbox: Any, tmp_path: Path, first_has_phone: bool
) -> None:
    """Fifth review: the order of a row paid with email and phone did not cover that row once the phone column was
    dropped, so the capped resume was refused (its charge counted, its face priced again)."""
    rows = respondents(2)
    with_phone = [dict(row, phone=f"+1415555{i:04d}") for i, row in enumerate(rows)]
    first, second = (with_phone, rows) if first_has_phone else (rows, with_phone)
    bulk(tmp_path, first[:1], max_total_amount=10, max_fee_percent=0).execute(context())
    summary = bulk(tmp_path, second, max_total_amount=10, max_fee_percent=0, fail_on_error=False).execute(context())
    assert summary["paid"] == 2 and len(tremendous_sandbox.admin.ledger()) == 2


@pytest.mark.parametrize("later_phone", [None, "+14155550002"])
def test_a_covered_row_leaves_the_phone_it_no_longer_has_counted(
    tremendous_sandbox: Any, tmp_path: Path, later_phone: str | None
) -> None:
    """Sixth review: R00000 was paid to r0 and phone P1; with its phone dropped or changed, the cover still took P1's
    earlier 10.00 off, and a new row paid P1 another 10.00 under a 15 cap, green."""
    p1 = "+14155550001"
    r0, r1 = respondents(2, amount="10.00")
    cap = {"max_amount_per_recipient": 15, "max_fee_percent": 0, "allow_shared_recipients": True}
    bulk(tmp_path, [dict(r0, phone=p1)], **cap).execute(context())
    first = dict(r0) if later_phone is None else dict(r0, phone=later_phone)
    with pytest.raises(e.TremendousInputError, match=r"phone \+14155550001 would be charged 20\.00 USD"):
        bulk(tmp_path, [first, dict(r1, phone=p1)], fail_on_error=False, **cap).execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_a_partly_paid_payout_resumes_where_an_uninterrupted_run_would_pay(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Seventh review: the fee learned from the first order (0.50 on 10.00: below 5.1 % given rounding) made the
    retry's pre-flight refuse at the top of that range, although an uninterrupted run fits by going row by row."""
    tremendous_sandbox.admin.settings(fee_percent=5)
    rows = respondents(3, amount="10")
    assert bulk(tmp_path, rows[:1], max_total_amount="31.53").execute(context())["paid"] == 1  # then the worker died
    summary = bulk(tmp_path, rows, max_total_amount="31.53").execute(context())
    assert (summary["already_paid"], summary["created"]) == (1, 2)
    assert _charged(tremendous_sandbox) == Decimal("31.50")

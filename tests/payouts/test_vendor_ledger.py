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
from tests.support.context import MemoryTaskStateStore, context
from tests.vendors.tangocard.conftest import ACCOUNT, CUSTOMER, tango_bulk


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
    from tests.vendors.tangocard.conftest import respondents as tango_rows

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


# -- the vendor is the ledger: resume on any worker -----------------------------------------------------------------
def _posts(sandbox: Any) -> int:
    return sum(1 for order in sandbox.admin.ledger())


def test_a_fresh_worker_learns_from_the_vendor_and_sends_only_what_is_missing(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: with no result file every row was sent again (a replay per row: hours at 100,000 rows)."""
    rows = respondents(10)
    bulk(tmp_path, rows[:6]).execute(context())
    before = tremendous_sandbox.admin.stats()["requests"]
    fresh = bulk(tmp_path, rows, result_path=str(tmp_path / "fresh-worker.csv")).execute(context())
    assert (fresh["already_paid"], fresh["created"], fresh["already_existed"]) == (6, 4, 0)
    sent = tremendous_sandbox.admin.stats()["requests"] - before
    assert sent <= 4 + 7, f"4 orders and a few reads (currency, campaign, products, organization, listing): {sent}"


def test_the_pre_flight_of_a_resumed_payout_counts_only_what_the_vendor_does_not_hold(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: a killed payout's resume was refused for funds: the pre-flight counted the rows already paid."""
    rows = respondents(10, amount="10.00")
    bulk(tmp_path, rows[:6], result_path=str(tmp_path / "killed.csv")).execute(context())
    tremendous_sandbox.admin.set_balance(40)  # enough for the 4 rows still to pay, not for all 10
    other_worker = bulk(tmp_path, rows, result_path=str(tmp_path / "other-worker.csv"), max_fee_percent=0)
    summary = other_worker.execute(context())
    assert (summary["already_paid"], summary["created"]) == (6, 4)


def test_the_task_state_store_keeps_the_payout_start_across_workers(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """The scan's lower bound survives a fresh worker through Airflow 3.3's task state store (NEVER_EXPIRE)."""
    store, rows = MemoryTaskStateStore(), respondents(4)
    bulk(tmp_path, rows[:2], result_path=str(tmp_path / "a.csv")).execute({**context(), "task_state_store": store})
    ((key, value),) = store.values.items()
    assert key.startswith("tremendous_payout:survey-42:tremendous:") and set(value) == {"since"}
    try:
        from airflow.sdk import NEVER_EXPIRE  # type: ignore[attr-defined]  # 3.3+
    except ImportError:  # Airflow 2.11 has no task state store (the run never finds one in its context)
        NEVER_EXPIRE = None
    assert store.retentions[key] is NEVER_EXPIRE, "NEVER_EXPIRE: a payout may be resumed months later"
    # a fresh worker, and a lookback that alone would not reach the first orders: the store does
    again = bulk(tmp_path, rows, result_path=str(tmp_path / "b.csv"), lookback_days=0)
    summary = again.execute({**context(), "task_state_store": store})
    assert (summary["already_paid"], summary["created"], summary["already_existed"]) == (2, 2, 0)


def test_without_any_record_the_lookback_bounds_the_scan(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """With no record of the payout's start and a lookback too short, its orders are not seen: the rows are sent
    with the same keys and the vendor answers with the existing orders, compared with the rows (never paid twice)."""
    rows = respondents(2)
    bulk(tmp_path, rows, result_path=str(tmp_path / "a.csv")).execute(context())
    summary = bulk(tmp_path, rows, result_path=str(tmp_path / "b.csv"), lookback_days=0).execute(context())
    assert (summary["already_paid"], summary["already_existed"], summary["created"]) == (0, 2, 0)
    assert len(tremendous_sandbox.admin.ledger()) == 2


def test_the_result_file_gives_the_start_and_carries_its_identity(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(3)
    first = bulk(tmp_path, rows[:2]).execute(context())
    lines = results(tmp_path / "results.csv")
    assert {(line["payout_id"], line["vendor"], line["environment"]) for line in lines} == {
        ("survey-42", "tremendous", "sandbox")
    }
    assert {line["account"] for line in lines} == {first["account"]} and len(first["account"]) == 16
    assert all("@" not in value for line in lines for value in line.values()), "no email in the file"
    assert "recipient_hash" not in lines[0], "no unkeyed hash of an email or phone either"
    summary = bulk(tmp_path, rows, lookback_days=0).execute(context())  # the file's payout_since bounds the scan
    assert (summary["already_paid"], summary["created"]) == (2, 1)
    assert summary["payout_since"] == first["payout_since"], "the payout's start, not this try's first order"
    assert len(results(tmp_path / "results.csv")) == 3, "compacted: one line per row"


def test_a_killed_try_s_lines_are_read_and_appended_to(tmp_path: Path) -> None:
    """Was: rows went to <path>.tmp and the next try read <path>: a SIGKILL's record was never read."""
    from airflow_provider_tremendous.payouts.ledger import Identity, ResultFile, read_journal
    from airflow_provider_tremendous.payouts.outcomes import UNKNOWN, Outcome

    identity = Identity("p", "tremendous", "acct", "sandbox")
    fields = identity.fields() | {"payout_since": "2026-11-01T00:00:00+00:00", "run": "2026-11-01T00:00:00+00:00"}
    path = str(tmp_path / "r.CSV")
    writer = ResultFile(path, fields)
    writer.write(Outcome(1, "a", "p:a", UNKNOWN))
    writer._handle.write("p,tremendous,acct,sandbox,2,b,p:b,ORD,")  # torn by a SIGKILL mid-line
    writer._handle.flush()  # no close: the worker died
    journal = read_journal(path, identity, ("p:",))
    assert journal.unknown == {"p:a"} and journal.since == "2026-11-01T00:00:00+00:00"
    later = ResultFile(path, fields | {"run": "2026-11-02T00:00:00+00:00"})
    later.write(Outcome(1, "a", "p:a", "created", order_id="ORD1"))
    later.close()
    text = Path(path).read_text()
    assert text.startswith("payout_id,"), ".CSV is CSV"
    assert read_journal(path, identity, ("p:",)).unknown == set(), "resolved by the later line"
    assert "ORD," not in text, "the torn line is gone after a clean close"


def test_object_storage_results_keep_a_local_journal_uploaded_at_close(tremendous_sandbox: Any, tmp_path: Path) -> None:
    from airflow_provider_tremendous.payouts.ledger import journal_path

    uri = f"file://{tmp_path}/remote/results.jsonl"
    (tmp_path / "remote").mkdir()
    bulk(tmp_path, respondents(3), result_path=uri).execute(context())
    assert Path(journal_path(uri)).read_text() == (tmp_path / "remote" / "results.jsonl").read_text()
    assert len((tmp_path / "remote" / "results.jsonl").read_text().splitlines()) == 3


def test_a_recipient_the_payout_already_paid_under_another_key_is_a_duplicate(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """The vendor's records count as rows of the payout: one person under two keys is refused across runs too."""
    from airflow_provider_tremendous.core.errors import TremendousInputError
    from airflow_provider_tremendous.payouts.run import PayoutError

    first, second = respondents(2)
    bulk(tmp_path, [first]).execute(context())
    second["email"] = first["email"].upper()  # the same person, another key, a later batch
    with pytest.raises(TremendousInputError, match=r"row 1 \(key r00001\): email: this recipient was already paid"):
        bulk(tmp_path, [second]).execute(context())
    with pytest.raises(PayoutError, match=r"paid no row of payout survey-42: 0 of 1 rows were not paid and 1 were"):
        bulk(tmp_path, [second], on_invalid="skip").execute(context())  # skipped, so nobody paid: not a success
    assert len(tremendous_sandbox.admin.ledger()) == 1
    shared = bulk(tmp_path, [second], allow_shared_recipients=True).execute(context())
    assert shared["created"] == 1

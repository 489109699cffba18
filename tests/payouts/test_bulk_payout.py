"""TremendousBulkPayoutOperator against the sandbox: every key paid once, nothing paid on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.operators.bulk import TremendousPayoutError
from airflow_provider_tremendous.payouts.keys import canonical_key, shard_of
from tests.payouts.conftest import bulk, respondents, results
from tests.support.context import context


def _keys(sandbox: Any) -> list[str]:
    return sorted(row["external_id"] for row in sandbox.admin.ledger())


def test_pays_every_row_once_and_records_each_outcome(tremendous_sandbox: Any, tmp_path: Path) -> None:
    summary = bulk(tmp_path, respondents(120)).execute(context())
    assert (summary["paid"], summary["created"], summary["failed"]) == (120, 120, 0)
    assert _keys(tremendous_sandbox) == sorted(f"survey-42:r{i:05d}" for i in range(120))
    lines = results(tmp_path / "results.csv")
    assert len(lines) == 120 and {line["outcome"] for line in lines} == {"created"}
    assert all(line["order_id"] and line["reward_id"] and line["status"] == "EXECUTED" for line in lines)
    assert tremendous_sandbox.admin.balance() == 100_000 - 600
    assert summary["paid_by_currency"] == {"USD": "600.00"}
    assert summary["created_after"] and summary["external_id_prefix"] == "survey-42:"


def test_retry_and_resubmission_never_pay_twice(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(40)
    bulk(tmp_path, rows).execute(context())
    again = bulk(tmp_path, rows).execute(context())  # a retry on the same worker: the result file is the ledger
    assert (again["already_paid"], again["created"]) == (40, 0)
    fresh = bulk(tmp_path, rows, result_path=str(tmp_path / "other.csv")).execute(context())  # another worker
    assert (fresh["already_paid"], fresh["created"]) == (40, 0), "learned from the vendor, nothing sent"
    assert len(tremendous_sandbox.admin.ledger()) == 40


def test_partial_run_then_retry_pays_the_missing_keys_only(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(max_retries=0))
    tremendous_sandbox.admin.faults(error_rate=0.3, seed=11, path_prefix="/orders", method="POST")
    rows = respondents(60)
    with pytest.raises(TremendousPayoutError, match="A retry pays only the missing keys"):
        bulk(tmp_path, rows).execute(context())
    first = results(tmp_path / "results.csv")
    failed = [line for line in first if line["outcome"] == "failed"]
    assert failed and len(tremendous_sandbox.admin.ledger()) == 60 - len(failed)
    tremendous_sandbox.admin.faults(error_rate=0.0)
    summary = bulk(tmp_path, rows).execute(context())
    assert (summary["created"], summary["already_paid"], summary["failed"]) == (len(failed), 60 - len(failed), 0)
    assert _keys(tremendous_sandbox) == sorted(f"survey-42:r{i:05d}" for i in range(60)), "nobody missed, nobody twice"


def test_lost_answers_are_resolved_by_looking_up_the_key(tremendous_sandbox: Any, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(max_retries=0))
    tremendous_sandbox.admin.faults(drop_after_commit_rate=0.4, seed=5, path_prefix="/orders", method="POST")
    summary = bulk(tmp_path, respondents(50)).execute(context())
    assert (summary["paid"], summary["failed"]) == (50, 0)
    assert len(tremendous_sandbox.admin.ledger()) == 50


def test_invalid_rows_stop_the_run_and_are_all_reported(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(10)
    rows[2]["amount"] = "-3"
    rows[5]["email"] = "not-an-email"
    rows[7]["respondent_id"] = ""
    rows[8]["respondent_id"] = rows[0]["respondent_id"]
    with pytest.raises(e.TremendousInputError) as caught:
        bulk(tmp_path, rows).execute(context())
    text = str(caught.value)
    assert "4 of 10 rows are invalid; nothing was sent" in text
    for fragment in (
        "row 3",
        "amount",
        "row 6",
        "email",
        "row 8",
        "key",
        "row 9",
        "is already row 1's key",
    ):
        assert fragment in text
    assert tremendous_sandbox.admin.ledger() == []
    assert "results.rejects.csv" in text, "the rejects have a file of their own"
    assert {line["outcome"] for line in results(tmp_path / "results.rejects.csv")} == {"invalid"}
    assert not (tmp_path / "results.csv").exists(), "a refused run never touches the result file"


def test_skip_mode_pays_the_valid_rows_and_records_the_rejects(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(6)
    rows[1]["amount"] = "1.005"
    summary = bulk(tmp_path, rows, on_invalid="skip").execute(context())
    assert (summary["paid"], summary["invalid"]) == (5, 1)
    rejected = [line for line in results(tmp_path / "results.csv") if line["outcome"] == "invalid"]
    assert rejected[0]["row"] == "2" and "decimals" in rejected[0]["error"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_rows": 5}, "exceed max_rows=5"),
        ({"max_total_amount": 49.99}, "over max_total_amount"),
        ({"max_amount_per_recipient": 4}, "over max_amount_per_recipient"),
    ],
)
def test_guards_stop_before_sending(tremendous_sandbox: Any, tmp_path: Path, settings: dict, message: str) -> None:
    with pytest.raises(e.TremendousInputError, match=message):
        bulk(tmp_path, respondents(10), **settings).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_per_recipient_cap_sums_a_recipients_rows(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(3)
    for row in rows:
        row["email"] = "same.person@example.com"
    with pytest.raises(e.TremendousInputError, match=r"same\.person@example\.com would be charged 15\.00"):
        bulk(tmp_path, rows, max_amount_per_recipient=10, allow_shared_recipients=True).execute(context())


def test_dry_run_prices_and_reports_without_sending(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = [*respondents(4), {"respondent_id": "E1", "amount": "10", "currency": "EUR", "email": "e@example.com"}]
    summary = bulk(tmp_path, rows, dry_run=True).execute(context())
    assert summary["would_pay"] == 5 and summary["paid"] == 0
    assert summary["cost_total"] == f"{20 + 10 / 0.92:.2f}", "EUR priced in USD at the API's rate"
    assert tremendous_sandbox.admin.ledger() == []
    assert {line["outcome"] for line in results(tmp_path / "results.csv")} == {"dry_run"}


def test_preflight_fails_fast_with_the_shortfall(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.set_balance(30)
    with pytest.raises(e.TremendousInputError, match=r"short by 20\.00"):
        bulk(tmp_path, respondents(10)).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_without_preflight_insufficient_funds_stops_the_run(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.set_balance(30)
    with pytest.raises(TremendousPayoutError):
        bulk(tmp_path, respondents(20), preflight_funding=False, max_concurrency=2).execute(context())
    outcomes = [line["outcome"] for line in results(tmp_path / "results.csv")]
    assert outcomes.count("created") == 6
    assert "not_sent" in outcomes, "once funds ran out, the remaining rows were not sent"
    tremendous_sandbox.admin.set_balance(1000)
    summary = bulk(tmp_path, respondents(20)).execute(context())
    assert (summary["created"], summary["already_paid"]) == (14, 6)


def test_changed_amount_for_a_paid_key_is_a_permanent_failure(tremendous_sandbox: Any, tmp_path: Path) -> None:
    bulk(tmp_path, respondents(2)).execute(context())
    changed = respondents(2, amount="7.00")
    with pytest.raises(TremendousPayoutError):
        bulk(tmp_path, changed, result_path=str(tmp_path / "changed.csv")).execute(context())
    errors = [line["error"] for line in results(tmp_path / "changed.csv")]
    assert all("already used for a different reward" in error for error in errors)
    assert len(tremendous_sandbox.admin.ledger()) == 2


def test_shards_split_the_work_without_overlap(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(90)
    summaries = [
        bulk(tmp_path, rows, shard_index=i, shard_count=3, result_path=str(tmp_path / f"s{i}.jsonl")).execute(context())
        for i in range(3)
    ]
    assert sum(s["created"] for s in summaries) == 90
    assert all(
        s["in_shard"] == sum(shard_of(canonical_key(r["respondent_id"]), 3) == i for r in rows)
        for i, s in enumerate(summaries)
    )
    assert len(set(_keys(tremendous_sandbox))) == 90
    first = [json.loads(line) for line in (tmp_path / "s0.jsonl").read_text().splitlines()]
    assert first and all(shard_of(record["key"], 3) == 0 for record in first)


def test_csv_file_input_with_column_mapping_and_defaults(tremendous_sandbox: Any, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("panelist,usd,mail,full name\nP1,2.50,p1@example.com,Ann\nP2,,p2@example.com,Bo\n")
    summary = bulk(
        tmp_path,
        str(path),
        key_field="panelist",
        columns={"amount": "usd", "email": "mail", "name": "full name"},
        amount=1,
    ).execute(context())
    assert summary["paid"] == 2 and summary["paid_by_currency"] == {"USD": "3.50"}
    ledger = {row["external_id"]: row for row in tremendous_sandbox.admin.ledger()}
    assert ledger["survey-42:p2"]["amount"] == 1.0 and ledger["survey-42:p1"]["recipient"]["name"] == "Ann"


def test_summary_stays_small_whatever_the_batch(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(5000)
    for row in rows[::50]:
        row["amount"] = "oops"
    summary = bulk(tmp_path, rows, dry_run=True, on_invalid="skip").execute(context())
    assert summary["invalid"] == 100 and summary["would_pay"] == 4900
    assert len(json.dumps(summary)) < 16 * 1024


@pytest.mark.parametrize("payout_id", ["", "has space", "x" * 61, "ünïcode"])
def test_payout_id_is_checked(tremendous_sandbox: Any, tmp_path: Path, payout_id: str) -> None:
    with pytest.raises(e.TremendousInputError, match="payout_id"):
        bulk(tmp_path, respondents(1), payout_id=payout_id).execute(context())


def test_sharded_helper_maps_one_task_instance_per_shard() -> None:
    import datetime as dt

    from airflow.providers.common.compat.sdk import DAG

    from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator

    with DAG("sharded", schedule=None, start_date=dt.datetime(2026, 1, 1)):
        mapped = TremendousBulkPayoutOperator.sharded(
            4, task_id="pay", rows="s3://bucket/rows.csv", payout_id="p-1", key_field="respondent_id"
        )
    assert mapped.partial_kwargs["shard_count"] == 4
    assert mapped.expand_input.value == {"shard_index": [0, 1, 2, 3]}
    with pytest.raises(ValueError, match="at least 1"):
        TremendousBulkPayoutOperator.sharded(0, task_id="x", rows=[], payout_id="p", key_field="k")


def test_object_storage_result_file_is_the_ledger_too(tremendous_sandbox: Any, tmp_path: Path) -> None:
    uri = f"file://{tmp_path}/remote/results.csv"
    (tmp_path / "remote").mkdir()
    bulk(tmp_path, respondents(5), result_path=uri).execute(context())
    again = bulk(tmp_path, respondents(5), result_path=uri).execute(context())
    assert (again["already_paid"], again["created"], again["already_existed"]) == (5, 0, 0)


def test_on_kill_stops_sending_and_records_the_rest(tremendous_sandbox: Any, tmp_path: Path) -> None:
    import threading
    import time

    tremendous_sandbox.admin.faults(latency_ms=20)
    operator = bulk(tmp_path, respondents(400), max_concurrency=4)

    def kill_when_under_way() -> None:  # what Airflow does from another thread on SIGTERM
        deadline = time.monotonic() + 60
        while len(tremendous_sandbox.admin.ledger()) < 40 and time.monotonic() < deadline:
            time.sleep(0.02)
        operator.on_kill()

    killer = threading.Thread(target=kill_when_under_way, daemon=True)
    killer.start()
    with pytest.raises(TremendousPayoutError, match="the task was killed"):
        operator.execute(context())
    killer.join(5)
    lines = results(tmp_path / "results.csv")
    paid = {line["key"] for line in lines if line["outcome"] == "created"}
    assert len(lines) == 400
    assert {line["outcome"] for line in lines} == {"created", "not_sent"}
    assert paid == {row["external_id"].split(":")[1] for row in tremendous_sandbox.admin.ledger()}


def test_all_rows_invalid_in_skip_mode_pays_nothing_and_fails(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """A run that pays nobody must not succeed: with every row invalid, skipping leaves nothing to pay (it
    succeeded with paid=0 before issue 14's review)."""
    rows = [{"respondent_id": "R1", "amount": "oops", "email": "a@example.com"}]
    with pytest.raises(e.InputError, match=r"1 of 1 rows are invalid; nothing was sent\. No row is valid"):
        bulk(tmp_path, rows, on_invalid="skip").execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_preflight_prices_each_currency_exactly(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = [
        {"respondent_id": "U1", "amount": "10", "email": "u@example.com"},
        {"respondent_id": "E1", "amount": "92", "currency": "EUR", "email": "e@example.com"},
    ]
    tremendous_sandbox.admin.set_balance(109.99)  # 10 USD + 92 EUR (= 100 USD at 0.92) = 110 USD
    with pytest.raises(e.TremendousInputError, match=r"needs 110\.00 .*short by 0\.01"):
        bulk(tmp_path, rows).execute(context())
    tremendous_sandbox.admin.set_balance(110)
    with pytest.raises(e.TremendousInputError, match=r"with any fee at all.*max_fee_percent"):
        bulk(tmp_path, rows).execute(context())  # exactly the face value: room for no fee at all
    assert bulk(tmp_path, rows, max_fee_percent=0).execute(context())["paid"] == 2

"""Adversarial review of issue 12, step (c), by a fresh-context reviewer: reproductions against the sandbox. Each
test asserts the correct behaviour; the first three failed before the fixes, the rest are what held."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.operators.bulk import TremendousPayoutStopped
from tests.payouts.conftest import bulk, respondents, results
from tests.support.context import context


def _kill_at_first_retry(monkeypatch: pytest.MonkeyPatch, operator: Any, then: Any = None) -> list[int]:
    """The run is killed while a POST whose answer was lost waits for its retry (the first backoff)."""
    from airflow_provider_tremendous.core.transport import retry

    calls: list[int] = []

    def wait_seconds(self: Any, error: Any, attempt_number: int) -> float:
        if not calls:
            operator.on_kill()
            if then is not None:
                then()
        calls.append(attempt_number)
        return 0.0

    monkeypatch.setattr(retry.RetryPolicy, "wait_seconds", wait_seconds)
    return calls


def test_a_stop_during_the_retry_of_a_post_that_reached_the_vendor_looks_it_up(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 2 (and 1): the first POST created the order and its answer was lost (500 after commit); the run is
    killed before the retry. The gate blocks the retry, and the row must be resolved by look-up (created), never
    called not_sent (a not_sent row that was paid invites paying it by hand)."""
    tremendous_sandbox.admin.faults(error_after_commit_next=1, path_prefix="/orders", method="POST")
    operator = bulk(tmp_path, respondents(1), max_concurrency=1, max_fee_percent=0)
    _kill_at_first_retry(monkeypatch, operator)
    with pytest.raises(TremendousPayoutStopped):
        operator.execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1
    outcomes = [line["outcome"] for line in results(tmp_path / "results.csv")]
    assert outcomes == ["created"], outcomes


def test_a_stop_during_the_retry_with_a_failed_look_up_is_unknown_not_unsent(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 2: as above, but the look-up fails too (the API answers 500 to reads): the row is ``unknown``."""
    tremendous_sandbox.admin.faults(error_after_commit_next=1, path_prefix="/orders", method="POST")
    operator = bulk(tmp_path, respondents(1), max_concurrency=1, max_fee_percent=0)

    def break_reads() -> None:
        tremendous_sandbox.admin.faults(error_rate=1.0, path_prefix="/orders", method="GET")

    _kill_at_first_retry(monkeypatch, operator, break_reads)
    with pytest.raises(TremendousPayoutStopped):
        operator.execute(context())
    tremendous_sandbox.admin.faults(error_rate=0.0)
    assert len(tremendous_sandbox.admin.ledger()) == 1
    outcomes = [line["outcome"] for line in results(tmp_path / "results.csv")]
    assert outcomes == ["unknown"], outcomes


def test_tango_stop_during_the_retry_of_a_lost_answer_looks_it_up(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 2, Tango Card: the order is placed, its answer dropped; the run is killed before the retry (which
    would have met 409.002 in process): the row is found by its externalRefID, not called not_sent."""
    from tests.vendors.tangocard.conftest import tango_bulk

    monkeypatch.setenv("AIRFLOW_CONN_TANGOCARD_DEFAULT", tremendous_sandbox.tangocard_conn_json())
    tremendous_sandbox.admin.settings(tango_in_process_seconds=30)
    tremendous_sandbox.admin.faults(
        error_after_commit_next=1, path_prefix="/orders", method="POST", tango_rate_limit_per_second=None
    )
    operator = tango_bulk(tmp_path, [{"respondent_id": "T1", "amount": "5.00", "name": "Ada L", "email": "a@b.co"}])
    _kill_at_first_retry(monkeypatch, operator)
    with pytest.raises(TremendousPayoutStopped):
        operator.execute(context())
    outcomes = [line["outcome"] for line in results(tmp_path / "results.csv")]
    assert outcomes == ["created"], outcomes


def test_shard_share_counts_rows_paid_under_their_v1_ids_as_still_to_pay(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Rule 2 (a shard refusing although the payout fits): ``_balance_share`` excludes from "what the payout still
    has to pay" only rows whose *current* id the vendor holds. Rows paid under their v1 id (``survey-42:R00003``,
    continued as ``survey-42:r00003``) are ``already_paid`` for every shard but still counted as owed, so the
    shard's share shrinks and a balance that covers every unpaid row is refused."""
    from airflow_provider_tremendous.payouts.keys import canonical_key, row_ids, shard_of

    rows = respondents(20, amount="5.00")
    mine = [r for r in rows if shard_of(canonical_key(r["respondent_id"]), 2) == 0]
    other = [r for r in rows if shard_of(canonical_key(r["respondent_id"]), 2) == 1]
    assert mine and other
    bodies = []
    for row in other:  # shard 1 was paid earlier, under derivation v1 (the key as written)
        ids = row_ids("survey-42", row["respondent_id"])
        (v1,) = ids.alternate_ids
        bodies.append(
            {
                "external_id": v1,
                "payment": {"funding_source_id": "balance"},
                "reward": {
                    "campaign_id": "CAMPAIGN00001",
                    "value": {"denomination": 5.0, "currency_code": "USD"},
                    "recipient": {"name": row["name"], "email": row["email"]},
                    "delivery": {"method": "EMAIL"},
                },
            }
        )
    assert tremendous_sandbox.admin.seed_orders(bodies) == len(other)
    tremendous_sandbox.admin.set_balance(5 * len(mine))  # exactly what the payout still has to pay
    summary = bulk(tmp_path, rows, shard_index=0, shard_count=2, max_fee_percent=0).execute(context())
    assert summary["created"] == len(mine)


def test_a_429_pause_holds_callers_when_client_pacing_is_off(stub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Design 6 ("a 429 pause holds every thread"): with ``rate_limit_per_second`` off (allowed: ``None``/0), the
    limiter's ``reserve()`` is always 0, so ``held()`` is polled MAX_HOLDS times without sleeping and the request is
    sent in the middle of the pause, inviting more 429s (each retried POST that exhausts its retries becomes an
    ambiguous failure to look up)."""
    from airflow_provider_tremendous.core.transport.ratelimit import RateLimiter
    from airflow_provider_tremendous.hooks import TremendousHook
    from tests.conftest import conn_json
    from tests.support.hooks import ORDER
    from tests.support.http_stub import Reply

    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(stub.base_url, password="TEST_rate_off", rate_limit_per_second=0)
    )
    stub.default = lambda _: Reply.json({"order": ORDER})
    now = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    hook = TremendousHook()
    limiter = RateLimiter(None, clock=lambda: now[0])
    hook.client = hook.sync_client_for(hook.settings, sleep=sleep, limiter=limiter)  # type: ignore[misc]
    limiter.pause(1.0)  # another thread just got a 429
    hook.get_order("ORD1")
    assert sum(slept) >= 1.0, f"sent during the pause (waited {sum(slept)} s)"


def test_admin_seeding_counts_only_orders_it_created(tremendous_sandbox: Any) -> None:
    """Tests must not lie (sandbox admin seeding): a body whose external_id already exists is a replay (201 with the
    original order), yet ``seed_orders`` reports it as created, so a benchmark or test counting seeded orders from
    the answer can believe it seeded more paid orders than the vendor holds."""
    body = {
        "external_id": "survey-42:seeded",
        "payment": {"funding_source_id": "balance"},
        "reward": {
            "campaign_id": "CAMPAIGN00001",
            "value": {"denomination": 5.0, "currency_code": "USD"},
            "recipient": {"name": "Ada", "email": "ada@example.com"},
            "delivery": {"method": "EMAIL"},
        },
    }
    created = tremendous_sandbox.admin.seed_orders([body, body])
    assert created == len(tremendous_sandbox.admin.ledger()) == 1

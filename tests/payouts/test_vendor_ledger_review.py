"""Adversarial review of issue 12, step (a), by a fresh-context reviewer: reproductions against the sandbox. Each
test asserts the correct behaviour; each failed before the fixes."""

from __future__ import annotations

import datetime as dt
import tempfile
import types
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousInputError
from airflow_provider_tremendous.payouts import run as run_module
from tests.payouts.conftest import bulk, respondents, results
from tests.support.context import MemoryTaskStateStore, context
from tests.vendors.tangocard.conftest import production_connections, second_account, tango_bulk
from tests.vendors.tangocard.conftest import respondents as tango_rows


def _tango_orders(sandbox: Any) -> list[dict[str, Any]]:
    return list(sandbox.admin.tangocard_ledger()["orders"])


# -- 1. the refusal of a payout paid on another production account/vendor never fires with the default path ----------
def test_vendor_switch_of_a_production_payout_with_the_default_result_path_is_refused(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 1 (never pay twice; issue design 7 "switching vendors mid-payout must not pay the first half twice").
    The refusal of a payout recorded on another production vendor/account only reads the *same* result file, but the
    default result path is ``<temp>/tremendous-payouts/<vendor>-<account>/<payout>.csv``: a vendor switch (README:
    "switching vendors is switching a connection") with the default path reads an empty file, is not refused, and
    pays every person a second time on the second vendor."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the worker's temp dir (default result path)
    production_connections(monkeypatch, tremendous_sandbox)
    rows = tango_rows(2)
    assert tango_bulk(tmp_path, rows, result_path=None).execute(context())["created"] == 2
    tremendous = tango_bulk(
        tmp_path, rows, result_path=None, conn_id="tremendous_default", utid=None, campaign_id="CAMPAIGN00001"
    )
    with pytest.raises(TremendousInputError):
        tremendous.execute(context())
    assert tremendous_sandbox.admin.ledger() == [], "both people paid a second time, on Tremendous"


def test_second_production_tango_account_with_the_default_result_path_is_refused(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 1. Same as above on one vendor: the payout paid from production account A is continued from production
    account B with the default result path (a folder per account): nothing is refused, everyone is paid again."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    production_connections(monkeypatch, tremendous_sandbox)
    second_account()
    tremendous_sandbox.admin.tangocard_set_balance("acctb", 1000)
    rows = tango_rows(2)
    assert tango_bulk(tmp_path, rows, result_path=None).execute(context())["created"] == 2
    with pytest.raises(TremendousInputError):
        tango_bulk(tmp_path, rows, result_path=None, account_identifier="acctb").execute(context())
    assert len(_tango_orders(tremendous_sandbox)) == 2, "paid again from the second production account"


# -- 2. an object-storage result file: a stale local journal hides the uploaded lines ---------------------------------
def test_a_stale_local_journal_does_not_hide_the_object_storage_file(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 1. With an object-storage ``result_path`` (the way to share the file across workers), the run reads the
    local journal whenever one exists on this worker, not the uploaded file: worker W1 ran a dry run (journal left
    behind), worker W2 then paid the payout on production account A and uploaded its lines; W1 now runs the payout
    on production account B: it reads only its stale journal, sees no payment elsewhere, and pays everyone again."""
    from airflow_provider_tremendous.payouts.ledger import journal_path

    production_connections(monkeypatch, tremendous_sandbox)
    second_account()
    tremendous_sandbox.admin.tangocard_set_balance("acctb", 1000)
    (tmp_path / "remote").mkdir()
    uri = f"file://{tmp_path}/remote/results-{tmp_path.name}.csv"
    journal = Path(journal_path(uri))
    rows = tango_rows(2)
    # W1: a dry run (leaves its journal)
    tango_bulk(tmp_path, rows, result_path=uri, dry_run=True).execute(context())
    stale = journal.read_bytes()
    # W2: a fresh worker (no journal) pays on production account A and uploads
    journal.unlink()
    assert tango_bulk(tmp_path, rows, result_path=uri).execute(context())["created"] == 2
    assert "created" in (tmp_path / "remote" / f"results-{tmp_path.name}.csv").read_text()
    # back on W1: its journal is the stale one
    journal.write_bytes(stale)
    with pytest.raises(TremendousInputError):
        tango_bulk(tmp_path, rows, result_path=uri, account_identifier="acctb").execute(context())
    assert len(_tango_orders(tremendous_sandbox)) == 2, "paid again from account B: the uploaded lines were not read"


# -- 3. the task state store records the worker's clock, never the vendor's: a fast worker clock hides the orders -----


@pytest.mark.parametrize("skew_minutes", [0, 30], ids=["clocks-agree", "worker-30min-fast"])
def test_a_fast_worker_clock_does_not_hide_a_tango_payout_from_its_resume(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skew_minutes: int
) -> None:
    """Rule 1. The payout's start kept in the task state store is the *worker's* clock at the run's start (set before
    the first order and never corrected from the vendor's ``created_at``, which the issue asks for). A worker clock
    more than 15 minutes fast (SKEW_PAD) puts the scan's lower bound after the payout's orders; the resume on a fresh
    worker (no result file: exactly what the store is for) does not see them, and on Tango Card past its idempotency
    window (strictness.md #3; the store is NEVER_EXPIRE because payouts are resumed months later) every row is paid
    again. With clocks that agree the same resume finds the orders."""
    real = dt.datetime

    class Skewed(real):
        @classmethod
        def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
            return real.now(tz) + dt.timedelta(minutes=skew_minutes)

    clock = types.SimpleNamespace(datetime=Skewed, timedelta=dt.timedelta, timezone=dt.timezone)
    monkeypatch.setattr(run_module, "dt", clock)
    store, rows = MemoryTaskStateStore(), tango_rows(2)
    first = tango_bulk(tmp_path, rows, result_path=str(tmp_path / "worker1.csv"))
    assert first.execute({**context(), "task_state_store": store})["created"] == 2
    tremendous_sandbox.admin.advance(91 * 86400)  # resumed after Tango's idempotency window
    again = tango_bulk(tmp_path, rows, result_path=str(tmp_path / "worker2.csv"))  # a fresh worker
    summary = again.execute({**context(), "task_state_store": store})
    assert len(_tango_orders(tremendous_sandbox)) == 2, f"paid twice: {summary['created']} new orders"


# -- 4. caps: what a person already received in this payout, pending approval --------------------------------------
def test_the_per_recipient_cap_counts_an_order_of_this_payout_pending_approval(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Rule 2 (never pay wrongly: a cap is exceeded). Issue design 1: "per-recipient caps include what that person
    already received in this payout". Only *charged* vendor orders are counted (``earlier_charges``); an order of the
    payout pending approval (Tremendous charges only once processed) is ignored, so a later run paying the same
    person under another key (allow_shared_recipients) passes a per-recipient cap of 25 with 20 + 20."""
    tremendous_sandbox.admin.settings(approvals=True)
    alice, other = respondents(2, amount="20.00")
    other["email"] = alice["email"]
    bulk(tmp_path, [alice], max_fee_percent=0, max_amount_per_recipient=25).execute(context())
    with pytest.raises(TremendousInputError):
        bulk(tmp_path, [other], max_fee_percent=0, max_amount_per_recipient=25, allow_shared_recipients=True).execute(
            context()
        )
    assert len(tremendous_sandbox.admin.ledger()) == 1, "alice would receive 40 under a cap of 25"


# -- 5. rows left `unknown` on another production account do not count as possibly paid there ----------------------
def test_rows_left_unknown_on_another_production_account_refuse_the_switch(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 1 and rule 2 ("what is uncertain is called uncertain"). Only *paid* lines of another production account
    refuse a run (``read_journal``: ``outcome in PAID``). A production run on account A whose answers and look-ups
    were all lost leaves every row ``unknown`` (the orders exist); continuing the payout on production account B with
    the same result file is not refused, and everyone is paid a second time from B."""
    from airflow_provider_tremendous.operators.bulk import TremendousPayoutError
    from airflow_provider_tremendous.payouts import history as history_module

    production_connections(monkeypatch, tremendous_sandbox)
    monkeypatch.setenv(
        "AIRFLOW_CONN_TANGOCARD_DEFAULT",
        tremendous_sandbox.tangocard_conn_json(environment="production", max_retries=0),
    )
    second_account()
    tremendous_sandbox.admin.tangocard_set_balance("acctb", 1000)
    rows = tango_rows(2)
    original = history_module.read_history

    def read_then_lose_everything(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        tremendous_sandbox.admin.faults(error_after_commit_rate=1.0, path_prefix="/orders")
        return found

    monkeypatch.setattr(history_module, "read_history", read_then_lose_everything)
    with pytest.raises(TremendousPayoutError, match="unknown"):
        tango_bulk(tmp_path, rows).execute(context())
    assert {line["outcome"] for line in results(tmp_path / "results.csv")} == {"unknown"}
    assert len(_tango_orders(tremendous_sandbox)) == 2, "both orders exist on account A"
    monkeypatch.setattr(history_module, "read_history", original)
    tremendous_sandbox.admin.faults(error_after_commit_rate=0.0, path_prefix=None)
    with pytest.raises(TremendousInputError):
        tango_bulk(tmp_path, rows, account_identifier="acctb").execute(context())
    assert len(_tango_orders(tremendous_sandbox)) == 2, "paid again from account B although A may hold both"


# -- 6. a line torn inside a quoted CSV field swallows the lines appended after it ------------------------------------
def test_a_line_torn_inside_a_quoted_field_does_not_swallow_later_lines(tmp_path: Path) -> None:
    """Rule 2 (the result file is the run's per-row report). A SIGKILL mid-line is "recognised by the missing run
    column and ignored" — but a CSV line cut inside a quoted field (every error text with a comma is quoted) leaves an
    open quote: the next try appends its lines after it, the CSV reader reads them as the rest of that field, and the
    clean close's compaction rewrites the file from what it parsed: the next try's own ``created`` lines are gone
    from the result file (and their ``payout_since`` with them)."""
    from airflow_provider_tremendous.payouts.ledger import Identity, ResultFile, read_journal
    from airflow_provider_tremendous.payouts.outcomes import Outcome

    identity = Identity("p", "tremendous", "acct", "sandbox")
    fields = identity.fields() | {"payout_since": "2026-11-01T00:00:00+00:00", "run": "2026-11-01T00:00:00+00:00"}
    path = tmp_path / "r.csv"
    writer = ResultFile(str(path), fields)
    writer.write(Outcome(1, "a", "p:a", "created", order_id="ORD-A"))
    writer._handle.write('p,tremendous,acct,sandbox,2,b,p:b,,,,unknown,5.00,USD,"unknown: the answer was lost (50')
    writer._handle.flush()  # SIGKILL mid-line, inside the quoted error
    later = ResultFile(str(path), fields | {"run": "2026-11-02T00:00:00+00:00"})
    for i, key in enumerate(["c", "d", "e"], start=3):
        later.write(Outcome(i, key, f"p:{key}", "created", order_id=f"ORD-{key.upper()}"))
    later.close()
    kept = {line["external_id"]: line["outcome"] for line in results(path)}
    assert {"p:c", "p:d", "p:e"} <= set(kept), f"the later try's paid rows vanished from the result file: {kept}"
    assert read_journal(str(path), identity, ("p:",)).since == "2026-11-01T00:00:00+00:00"


# -- 7. recipient data in clear in the result file -------------------------------------------------------------------
@pytest.mark.parametrize("on_invalid", ["skip", "fail"])
def test_no_recipient_email_in_clear_in_the_result_or_rejects_file(
    tremendous_sandbox: Any, tmp_path: Path, on_invalid: str
) -> None:
    """Issue design 4 / ledger.py's own promise: "no email, phone or name is written" (the result file is a report
    that lives in temp dirs and buckets). An invalid row's error quotes the address it refused, so the result file
    (``on_invalid="skip"``) or the rejects file (``"fail"``) holds the recipient's email in clear."""
    good, bad = respondents(2)
    bad["email"] = "alice.private@exa mple.com"
    if on_invalid == "fail":
        with pytest.raises(TremendousInputError):
            bulk(tmp_path, [good, bad], on_invalid=on_invalid).execute(context())
    else:
        bulk(tmp_path, [good, bad], on_invalid=on_invalid).execute(context())
    written = "".join(p.read_text() for p in tmp_path.glob("results*.csv"))
    assert written, "a file was written"
    assert "alice.private" not in written, "the recipient's email in clear"

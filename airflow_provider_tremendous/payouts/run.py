"""One bulk payout run, from validated rows to a summary: learn what the vendor holds, send only what is missing.

The vendor's records are the source of truth. Before anything is sent, the run lists the payout's orders on this
connection's account since the payout began (the window's lower bound comes from the task state store, the result
file or ``created_after``, padded for clock skew; else a bounded lookback) and compares each with its row: a row
whose order the vendor holds is ``already_paid`` and nothing is sent for it; an order under the row's key for
another payment fails the row. The result file is a report and a journal (:mod:`.ledger`), never trusted alone.
The operators only translate Airflow parameters into :class:`RunOptions`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.errors import InputError, ProviderError
from airflow_provider_tremendous.payouts.guards import RunGuards
from airflow_provider_tremendous.payouts.keys import IdScheme, prefix, prefixes
from airflow_provider_tremendous.payouts.ledger import (
    PRODUCTION,
    Identity,
    Journal,
    ResultFile,
    read_journal,
    rejects_path,
)
from airflow_provider_tremendous.payouts.outcomes import DRY_RUN, INVALID, PAID, Outcome, Tally
from airflow_provider_tremendous.payouts.records import (
    SKEW_PAD,
    SinceRecord,
    parse_time,
    payout_start,
    recorded_since,
    sibling_results,
    window_start,
)
from airflow_provider_tremendous.payouts.sender import Progress, send_rows

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.adapter import PayoutAdapter
    from airflow_provider_tremendous.payouts.charges import Budget
    from airflow_provider_tremendous.payouts.history import PayoutHistory
    from airflow_provider_tremendous.payouts.prepare import Prepared
    from airflow_provider_tremendous.payouts.registry import PayoutRegistry

#: How far back a payout with no record of its start is looked for (``lookback_days``).
DEFAULT_LOOKBACK_DAYS = 400.0


class PayoutError(ProviderError):
    """Some rows could not be paid (see the result file); the others were paid exactly once."""


class PayoutStopped(PayoutError, InputError):
    """The run stopped before paying every row — a cap or the balance would have been exceeded, the fee could not
    be learned or was above ``max_fee_percent``, the vendor refused for funds or credentials, the payout's
    keep_case setting differs — whatever ``fail_on_error`` says. Rows paid stay paid once; a retry pays the rest."""


#: The names of release 0.1: the same classes.
TremendousPayoutError = PayoutError
TremendousPayoutStopped = PayoutStopped


@dataclass
class RunOptions:
    """What the operator asks of one run (see ``BulkPayoutOperator`` for each meaning)."""

    payout_id: str
    shard: tuple[int, int]
    caps: dict[str, Decimal | None]
    keep_case: bool = False
    dry_run: bool = False
    preflight_funding: bool = True
    max_concurrency: int = 8
    result_path: str | None = None
    fail_on_error: bool = True
    on_invalid: str = "fail"
    max_rows: int | None = None
    progress_interval: float = 5.0
    created_after: str | None = None
    lookback_days: float = DEFAULT_LOOKBACK_DAYS
    allow_other_accounts: bool = False
    allow_shared_recipients: bool = False
    conn_id: str = ""


class PayoutRun(RunGuards):
    """One run of one shard of a payout through one vendor adapter."""

    def __init__(
        self,
        prepared: Prepared,
        adapter: PayoutAdapter,
        options: RunOptions,
        log: Any,
        record: Any = None,
        registry: Any = None,
    ) -> None:
        self.prepared, self.adapter, self.options, self.log = prepared, adapter, options, log
        self.started = dt.datetime.now(dt.timezone.utc)
        fingerprint, environment = adapter.account_identity()
        self.identity = Identity(options.payout_id, adapter.vendor, fingerprint, environment)
        self.result_path = options.result_path or default_result_path(self.identity, options.shard)
        self.since_record: SinceRecord | None = record(self.identity) if record is not None else None
        self.registry: PayoutRegistry | None = registry(self.identity, options.shard) if registry else None
        self.reissue_checked: dict[str, str | None] = {}
        #: Re-issued rows the vendor showed owed: their id now → the ids of their earlier generations.
        self.reissue_supersedes: dict[str, list[str]] = {}
        #: Earlier generations' ids of the re-issued rows this run saw paid: left out of the payout's waits.
        self.superseded_paid: set[str] = set()

    # -- the run ------------------------------------------------------------------------------------------------
    def execute(self) -> dict[str, Any]:
        self._check_guards()
        journal = self._journal()
        if self.registry is None:
            return self._pay(journal)
        try:  # a claim refused half-way is released too (only a lease that carries this claim)
            self.registry.begin(self.options.allow_other_accounts, sending=not self.options.dry_run)
            return self._pay(journal)
        finally:
            self.registry.release()

    def _pay(self, journal: Journal) -> dict[str, Any]:
        from airflow_provider_tremendous.payouts.report import (
            accounted,
            earlier_charges,
            open_budget,
            run_summary,
            stop_message,
            unknown_message,
        )

        options, prepared, adapter = self.options, self.prepared, self.adapter
        stored = self.since_record.get() if self.since_record else None
        recorded = recorded_since(journal.since, stored, options.created_after)
        scan_from = window_start(recorded, self.started, options.lookback_days)
        from airflow_provider_tremendous.payouts.history import read_history

        adapter.history = history = read_history(
            adapter, options.payout_id, prepared.current_ids, options.keep_case, self.log, scan_from
        )
        self._check_legacy(journal, history)
        self._check_capped(history)
        payout_since = payout_start(recorded, history, self.started)
        self.held_recipients = self._vendor_recipients(history)
        unpaid = [Decimal(row["cost"]) for row in prepared.spooled() if self._held(row) is None]
        self._check_shared_recipients()
        to_pay, held = sum(unpaid, Decimal(0)), prepared.in_shard - len(unpaid)
        self.log.info(
            "Payout %s: %d rows, %d valid, %d invalid; %d in this shard, %d already held by %s",
            options.payout_id,
            prepared.rows_total,
            prepared.valid,
            prepared.invalid,
            prepared.in_shard,
            held,
            self.identity.label,
        )
        check_balance = not options.dry_run and options.preflight_funding and bool(unpaid)
        known = earlier_charges(journal, history, prepared.current_ids)
        uncharged = [o for o in history.by_id.values() if o.charge is None and not _ended(o)]
        share = self._balance_share(to_pay, history)
        budget = open_budget(
            adapter, prepared, options.caps, (to_pay, len(unpaid)), check_balance, known, uncharged, share, self.log
        )
        self.log.info("Payout %s: rows priced at %s, in %s", options.payout_id, budget.describe(), budget.currency)
        adapter.learns_fee = budget.needs_learning
        if not options.dry_run and unpaid and self.since_record is not None:
            self.since_record.set(payout_since)  # before the first order: a later try's scan starts here
        if not options.dry_run and unpaid and self.registry is not None:
            self.registry.before_first_order(payout_since)  # other workers and DAG runs see this account
        tally = Tally()
        fields = self.identity.fields() | {"payout_since": payout_since, "run": self.started.isoformat()}
        writer = ResultFile(self.result_path, fields)
        clean = False
        try:
            self._write_invalid(writer, tally)
            pending = self._replay_vendor(writer, tally)
            if options.dry_run:
                for row in pending:
                    self._record(writer, tally, None, Outcome.for_row(row, DRY_RUN))
            else:
                progress = Progress(prepared.in_shard - held, self.log, options.progress_interval)
                send_rows(
                    pending,
                    accounted(adapter, budget),
                    lambda outcome: self._record(writer, tally, progress, outcome),
                    concurrency=options.max_concurrency,
                    stop_reason=lambda: adapter.stop_reason,
                    alone=budget.needs_learning,
                )
            clean = True
        finally:
            writer.close(compact=clean)
            payout_since = self._correct_since(payout_since, tally)
        summary = self._summary(tally, to_pay, payout_since, budget, run_summary)
        reason = adapter.fatal_reason or adapter.stop_reason
        if reason:  # a stopped run fails whatever fail_on_error says: it did not pay what it was asked to
            raise PayoutStopped(stop_message(reason, budget, options.payout_id, self.result_path, tally))
        if tally.unknown:  # uncertain money fails the task whatever fail_on_error says
            raise PayoutError(unknown_message(options.payout_id, tally, self.result_path))
        refused, failed = tally.outcomes[INVALID], tally.failed
        if not options.dry_run and prepared.in_shard and not tally.paid and (refused or failed):  # paid nobody
            headline = (
                f"this run paid no row of payout {options.payout_id}: {failed} of {prepared.in_shard} rows were not "
                f"paid and {refused} were refused; each row's error in {self.result_path} says why (a key "
                f"the vendor holds for another reward stays as it is). First errors: {tally.errors[:3]}."
            )
            if options.fail_on_error:
                raise PayoutError(f"{headline} A retry pays only the missing keys.")
            self.log.warning("%s The task succeeds: fail_on_error=False.", headline)  # loud, as asked: not quiet
            summary["paid_nobody"] = True
        if tally.failed and options.fail_on_error and not options.dry_run:
            raise PayoutError(
                f"{tally.failed} of {prepared.in_shard} rows were not paid (others paid once each); "
                f"see {self.result_path}. First errors: {tally.errors[:3]}. A retry pays only the missing keys."
            )
        if not options.dry_run and tally.paid and tally.paid == summary["already_paid"] == prepared.in_shard:
            self.log.warning(
                "Payout %s: every row of this shard was paid before this run (the vendor holds its orders, the "
                "first since %s); nothing was sent. If this is a new payout, give it a new payout_id",
                options.payout_id,
                payout_since,
            )
        return summary

    # -- before sending -----------------------------------------------------------------------------------------
    def _check_guards(self) -> None:
        prepared, options = self.prepared, self.options
        if prepared.rows_total == 0:
            raise InputError("rows: the input has no rows; nothing to pay")
        if options.max_rows is not None and prepared.rows_total > options.max_rows:
            raise InputError(f"{prepared.rows_total} rows exceed max_rows={options.max_rows}; nothing was sent")
        stops = prepared.number_conflicts or prepared.unreadable or not prepared.valid  # whatever on_invalid says
        if prepared.invalid and (options.on_invalid == "fail" or stops):
            where = rejects_path(self.result_path)
            writer = ResultFile(
                where, self.identity.fields() | {"payout_since": "", "run": self.started.isoformat()}, True
            )
            try:
                self._write_invalid(writer, Tally())
            finally:
                writer.close(compact=False)
            problems = "\n".join(str(p) for p in prepared.invalid_examples[:25])
            advice = "Fix them, or pass on_invalid='skip' to pay the valid rows."
            if not prepared.valid:  # on_invalid='skip' with nothing left to pay: a run that pays nobody must fail
                advice = "No row is valid, so there is nothing to pay: fix them."
            if prepared.unreadable:  # whose row it is cannot be known, so skipping it could pay its person twice
                advice = (
                    f"{prepared.unreadable} of them cannot be read at all (whose they are is unknown, so they cannot "
                    "be skipped): fix the file."
                )
            if prepared.number_conflicts:  # skipping would pay whichever spelling came first, and the other next time
                advice = (
                    f"{prepared.number_conflicts} of them write a number another row's key writes, which skipping "
                    "cannot settle: write each key one way (or pass distinct_number_spellings=True)."
                )
            raise InputError(
                f"{prepared.invalid} of {prepared.rows_total} rows are invalid; nothing was sent. {advice} All "
                f"problems: {where}\n{problems}"
            )

    def _journal(self) -> Journal:
        """What the result file says about this payout; a payout paid on another production account is refused."""
        own = tuple(prefixes(self.options.payout_id, "tremendous") + prefixes(self.options.payout_id, "tangocard"))
        others = sibling_results(self.options.payout_id, self.result_path) if self.options.result_path is None else []
        journal = read_journal(self.result_path, self.identity, own, others)
        if journal.unknown:
            self.log.info(
                "Payout %s: %d rows a previous try left unknown are resolved from the vendor before anything is sent",
                self.options.payout_id,
                len(journal.unknown),
            )
        if journal.elsewhere and self.identity.environment == PRODUCTION and not self.options.allow_other_accounts:
            line = journal.elsewhere[0]
            raise InputError(
                f"payout {self.options.payout_id}: {self.result_path} records {len(journal.elsewhere)} payments of it "
                f"on another production account ({line.get('vendor')} account {line.get('account')}, e.g. key "
                f"{line.get('key')!r}, order {line.get('order_id')}), and this connection pays from "
                f"{self.identity.label}. Paying here could pay those people twice, once per account. Nothing was "
                "sent. Finish the payout on the account that began it, or, if paying here is deliberate, pass "
                "allow_other_accounts=True (each person may then be paid once per account), or use a new payout_id"
            )
        return journal

    def _balance_share(self, to_pay: Decimal, history: PayoutHistory) -> Decimal | None:
        """A shard's part of what the whole payout still has to pay (every shard validates every row, and the
        vendor's listing holds every shard's orders): its share of the balance. ``None`` when not sharded."""
        if self.options.shard[1] <= 1:
            return None
        held = self._held_current_ids(history)
        rest = sum((cost for ident, (cost, _) in self.prepared.current_ids.items() if ident not in held), Decimal(0))
        return min(Decimal(1), to_pay / rest) if rest > 0 else Decimal(1)

    def _held_current_ids(self, history: PayoutHistory) -> set[str]:
        """The current ids of every row (all shards) the vendor holds a payment for: under its id now, or under an
        earlier derivation's readable id that folds to its key (a hashed v1 id cannot be mapped: its row counts
        as still to pay, which only makes the share smaller)."""
        from airflow_provider_tremendous.payouts.keys import external_id

        if not history.complete:
            return set()
        current = self.prepared.current_ids
        held = {ident for ident, order in history.by_id.items() if ident in current and not _ended(order)}
        if history.fold_matching:
            vendor, payout = self.adapter.vendor, self.options.payout_id
            for key, orders in history.by_folded_key.items():
                ident = external_id(payout, key, vendor, IdScheme())
                if ident in current and any(not _ended(order) for order in orders):
                    held.add(ident)
        return held

    def _correct_since(self, payout_since: str, tally: Tally) -> str:
        """The payout's start corrected by the vendor's own ``created_at`` of the orders this run saw or made (the
        worker's clock may run ahead of the vendor's): recorded so a later try's scan starts early enough."""
        recorded, first_order = parse_time(payout_since), parse_time(tally.first_created_at or "")
        if recorded is None or first_order is None or first_order >= recorded:
            return payout_since
        if self.since_record is not None and not self.options.dry_run:
            self.since_record.set(first_order.isoformat())
        return first_order.isoformat()

    def _write_invalid(self, writer: ResultFile, tally: Tally) -> None:
        for problem in self.prepared.rejected():
            outcome = Outcome(problem.row, problem.key, None, INVALID, error=f"{problem.field}: {problem.reason}")
            writer.write(outcome)
            tally.add(outcome)

    def _replay_vendor(self, writer: ResultFile, tally: Tally) -> Iterator[dict[str, Any]]:
        """Yield the rows still to send; rows the vendor's listing settles are written without a request."""
        for row in self.prepared.spooled():
            outcome = self._held(row)
            if outcome is None:
                yield row
            else:
                self._record(writer, tally, None, outcome)

    def _record(self, writer: ResultFile, tally: Tally, progress: Progress | None, outcome: Outcome) -> None:
        writer.write(outcome)
        tally.add(outcome)
        if outcome.outcome in PAID and outcome.external_id in self.reissue_supersedes:
            self.superseded_paid.update(self.reissue_supersedes[outcome.external_id])
        if progress is not None:
            progress.update(outcome)
        lost = self.registry.heartbeat() if self.registry is not None else None
        if lost:
            self.adapter.stop(lost, fatal=True)

    def _summary(
        self, tally: Tally, to_pay: Decimal, payout_since: str, budget: Budget, run_summary: Any
    ) -> dict[str, Any]:
        from airflow_provider_tremendous.core.order_wait import superseded_digest

        options, adapter = self.options, self.adapter
        summary: dict[str, Any] = run_summary(
            options.payout_id, options.dry_run, self.prepared, tally, self.result_path, options.shard, to_pay
        )
        since = parse_time(payout_since)
        summary |= {
            "payout_since": payout_since,
            "created_after": (since - SKEW_PAD).isoformat() if since else None,  # waits find every order
            "external_id_prefix": prefix(options.payout_id, adapter.vendor, IdScheme(keep_case=options.keep_case)),
            "external_id_prefixes": prefixes(options.payout_id, adapter.vendor),
            "id_scheme": IdScheme(keep_case=options.keep_case).label,
            "superseded": sorted(superseded_digest(ident) for ident in self.superseded_paid),
            "account": self.identity.account,
            "environment": self.identity.environment,
            **budget.summary(),
        }
        summary |= {"vendor": adapter.vendor, "conn_id": options.conn_id, **adapter.summary_fields()}
        self.log.info("Payout %s done: %s", options.payout_id, {k: summary[k] for k in ("paid", "created", "failed")})
        return summary


def _ended(order: Any) -> bool:
    from airflow_provider_tremendous.payouts.outcomes import ENDED_UNPAID

    return (order.status or "").upper() in ENDED_UNPAID


def default_result_path(identity: Identity, shard: tuple[int, int]) -> str:
    """``<temp>/tremendous-payouts/<vendor>-<account>/<payout_id>[-shardNofM].csv``: named by vendor and account,
    so a rehearsal on the sandbox, another account or a vendor switch never reads this payout's file."""
    suffix = f"-shard{shard[0]}of{shard[1]}" if shard[1] > 1 else ""
    folder = f"{identity.vendor}-{identity.account}"
    return str(Path(tempfile.gettempdir()) / "tremendous-payouts" / folder / f"{identity.payout_id}{suffix}.csv")

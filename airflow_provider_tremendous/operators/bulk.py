"""TremendousBulkPayoutOperator: pay a whole list of people, as fast as the API allows, each key exactly once."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.errors import TremendousError, TremendousInputError
from airflow_provider_tremendous.operators.base import TremendousBaseOperator
from airflow_provider_tremendous.payouts.keys import IdScheme, check_payout_id, prefix, prefixes
from airflow_provider_tremendous.payouts.ledger import (
    ResultWriter,
    confirmed,
    known_payment,
    read_paid,
    recorded_charge,
)
from airflow_provider_tremendous.payouts.outcomes import ALREADY_PAID, DRY_RUN, INVALID, Outcome, Tally
from airflow_provider_tremendous.payouts.sender import Progress, send_rows

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.adapter import PayoutAdapter
    from airflow_provider_tremendous.payouts.prepare import Prepared


class TremendousPayoutError(TremendousError):
    """Some rows could not be paid (see the result file); the others were paid exactly once."""


class TremendousPayoutStopped(TremendousPayoutError, TremendousInputError):
    """The run stopped before paying every row — a cap or the balance would have been exceeded, the fee could not
    be learned or was above ``max_fee_percent``, the vendor refused for funds or credentials, the payout's
    keep_case setting differs — whatever ``fail_on_error`` says. Rows paid stay paid once; a retry pays the rest."""


class TremendousBulkPayoutOperator(TremendousBaseOperator):
    """Pay one reward per row: validated first, idempotent per key, concurrent, resumable, observable.

    Every row is read and validated before the first order; by default one invalid row stops the run with a report
    of every bad row (row number, field, reason) and nothing is paid (``on_invalid="skip"`` pays the valid rows and
    records the rejects). Keys are compared in canonical form (trimmed, NFKC, case-folded, ``17.0`` = ``17``), so
    two spellings of one key are duplicates, refused with both row numbers. Each row's external_id derives from
    the payout id and the canonical key (``<payout_id>:<key>`` on Tremendous; alphanumeric on Tango Card): re-running
    the DAG, retrying the task or submitting the same file again never pays a key twice, and a row
    paid under an earlier derivation or another spelling is found in the payout's orders, listed once before
    sending. Keys the previous try's result file records as paid (same id, amount and currency) are not even sent
    again. Orders go out on ``max_concurrency`` threads under the hook's rate
    limiter (10 req/s by default); a 429 pauses every thread.

    :param rows: a list of dicts (e.g. an upstream XCom), a ``.csv``/``.jsonl`` path, or an object-storage URI;
        templated.
    :param payout_id: names this payout for good, e.g. ``survey-42-2026-11``; templated.
    :param key_field: the column holding each row's unique key (e.g. ``respondent_id``).
    :param columns: reward field → column name for differently named columns (fields: amount, currency, name, email,
        phone, products, campaign_id, delivery_method, language, deliver_at).
    :param amount, currency, products, campaign_id, delivery_method, language: defaults for rows leaving them empty.
    :param keep_case: compare keys case-sensitively (``R17`` and ``r17`` are two people). Its ids have their own
        namespace and the setting is pinned per payout: a run whose setting differs from the payout's existing
        orders is refused before anything is sent.
    :param decimal_separator: ``"."`` (default) or ``","`` when every amount of the input uses a decimal comma;
        never guessed. Amounts are digits with an optional decimal part (see docs/bulk_payouts.md).
    :param default_phone_region: the region (e.g. ``"US"``) of phone numbers written without a country code; without
        it such numbers are refused. Phones are sent in E.164.
    :param allow_international_email: accept non-ASCII addresses (refused by default: they can imitate Latin ones).
    :param allow_shared_recipients: let two keys pay the same email or phone (refused by default: one person under
        two keys); per-recipient caps still sum them.
    :param custom_field_columns: custom field id → column name.
    :param funding_source_id: what pays (``balance`` by default).
    :param on_invalid: ``"fail"`` (default: nothing is sent if any row is invalid) or ``"skip"``.
    :param max_rows, max_total_amount, max_amount_per_recipient: guards. The caps compare what is **charged** (face
        value plus the vendor's fees, in the organization's or account's currency as the vendor reports it),
        written like any amount: ``"500"``, ``500``, ``Decimal("500.00")``; the per-recipient cap sums a person's
        rows by case-folded email and by E.164 phone. Checked before sending and again as charges arrive: the run
        stops before its own accounting would exceed one (see ``max_fee_percent``).
    :param max_fee_percent: the highest fee the vendor charges per order, as a percentage of its face value
        (``0`` when every product is fee-free). Prices every row up front. Without it, when a cap or the balance
        is checked, the first order of each campaign/product is sent alone and the run waits for its charge to
        learn the fee; a charge above the declared bound stops the run.
    :param dry_run: validate, price and write the result file, send nothing.
    :param preflight_funding: fail before sending when the balance cannot cover the rows still to pay (priced with
        fees), and stop before this run's own charges would exceed the balance read at the start.
    :param max_concurrency: orders in flight at once.
    :param result_path: per-row results (``.csv`` or ``.jsonl``; local or object storage); templated. Default: a
        file named after the payout in the temp directory.
    :param fail_on_error: fail the task when any row failed (after writing every outcome).
    :param shard_index, shard_count: pay only the keys of one shard (for mapped tasks; see docs/bulk_payouts.md).
    :param conn_id: the connection that pays, of type ``tremendous`` or ``tangocard`` (default:
        ``tremendous_conn_id``); templated. The vendor follows the connection's type: every rule above holds for both.
    :param utid: Tango Card only: the catalog item every row pays (a row's ``products`` column may name its own).
    :param customer_identifier, account_identifier: Tango Card only: the paying account (default: the
        connection's extras).
    :param etid, sender, message, email_subject: Tango Card only: email template, sender and text of emailed rewards.
    :return: a summary dict (counts, totals, result path, the wait parameters), under 16 KB whatever the size.
    """

    template_fields: Sequence[str] = (
        "rows",
        "payout_id",
        "defaults",
        "result_path",
        "tremendous_conn_id",
        "conn_id",
        "tango_options",
        "shard_index",
    )
    ui_color = "#e6d9ff"

    def __init__(
        self,
        *,
        rows: Any,
        payout_id: str,
        key_field: str,
        columns: dict[str, str] | None = None,
        amount: str | int | Decimal | None = None,
        currency: str | None = "USD",
        products: list[str] | None = None,
        campaign_id: str | None = None,
        delivery_method: str = "EMAIL",
        language: str | None = None,
        custom_field_columns: dict[str, str] | None = None,
        funding_source_id: str = "balance",
        on_invalid: str = "fail",
        max_rows: int | None = None,
        max_total_amount: str | int | Decimal | None = None,
        max_amount_per_recipient: str | int | Decimal | None = None,
        max_fee_percent: str | int | Decimal | None = None,
        keep_case: bool = False,
        decimal_separator: str = ".",
        default_phone_region: str | None = None,
        allow_international_email: bool = False,
        allow_shared_recipients: bool = False,
        dry_run: bool = False,
        preflight_funding: bool = True,
        max_concurrency: int = 8,
        result_path: str | None = None,
        fail_on_error: bool = True,
        shard_index: int = 0,
        shard_count: int = 1,
        progress_interval: float = 5.0,
        conn_id: str | None = None,
        utid: str | None = None,
        customer_identifier: str | None = None,
        account_identifier: str | None = None,
        etid: str | None = None,
        sender: dict[str, str] | None = None,
        message: str | None = None,
        email_subject: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.conn_id = conn_id
        self.tango_options: dict[str, Any] = {
            "utid": utid,
            "customer_identifier": customer_identifier,
            "account_identifier": account_identifier,
            "etid": etid,
            "sender": sender,
            "message": message,
            "email_subject": email_subject,
        }
        if on_invalid not in ("fail", "skip"):
            raise ValueError("on_invalid must be 'fail' or 'skip'")
        from airflow_provider_tremendous.payouts.row_rules import row_rules

        self.keep_case = keep_case
        self.row_rules = row_rules(
            keep_case, decimal_separator, default_phone_region, allow_international_email, allow_shared_recipients
        )
        self.rows = rows
        self.payout_id = payout_id
        self.key_field = key_field
        self.columns = columns or {}
        self.defaults = {
            "amount": amount,
            "currency": currency,
            "products": products,
            "campaign_id": campaign_id,
            "delivery_method": delivery_method,
            "language": language,
        }
        self.custom_field_columns = custom_field_columns or {}
        self.funding_source_id = funding_source_id
        self.on_invalid = on_invalid
        self.max_rows = max_rows
        self.max_total_amount = max_total_amount
        self.max_amount_per_recipient = max_amount_per_recipient
        self.max_fee_percent = max_fee_percent
        self.is_dry_run = dry_run
        self.preflight_funding = preflight_funding
        self.max_concurrency = max(1, max_concurrency)
        self.result_path = result_path
        self.fail_on_error = fail_on_error
        self.shard_index = shard_index
        self.shard_count = shard_count
        self.progress_interval = progress_interval

    @classmethod
    def sharded(cls, shard_count: int, **kwargs: Any) -> Any:
        """The same payout split over ``shard_count`` mapped task instances (Celery or Kubernetes workers share the
        work): ``TremendousBulkPayoutOperator.sharded(4, task_id="pay", rows=..., payout_id=..., key_field=...)``.

        Every instance reads and validates the whole input (so all agree on what is invalid) and pays only the keys
        of its shard; all use the same ``payout_id``, so keys, waits and reconciliation are unchanged. Give each
        instance its own ``result_path`` (include ``{{ ti.map_index }}``) or keep the default.
        """
        if shard_count < 1:
            raise ValueError("shard_count must be at least 1")
        return cls.partial(shard_count=shard_count, **kwargs).expand(shard_index=list(range(shard_count)))

    # -- the run ------------------------------------------------------------------------------------------------
    def execute(self, context: Any) -> dict[str, Any]:
        from airflow_provider_tremendous.payouts.prepare import prepare
        from airflow_provider_tremendous.payouts.report import need_fee_bound
        from airflow_provider_tremendous.payouts.rows import RowSpec
        from airflow_provider_tremendous.payouts.vendors import payout_adapter

        payout_id = check_payout_id(self.payout_id)
        shard = (int(self.shard_index), int(self.shard_count))
        if not 0 <= shard[0] < shard[1]:
            raise TremendousInputError(f"shard_index must be in 0..{shard[1] - 1}, got {shard[0]}")
        adapter = payout_adapter(
            self.paying_conn_id, self.hook_params, funding_source_id=self.funding_source_id, **self.tango_options
        )
        self._adapter = adapter
        spec = RowSpec(
            self.key_field,
            self.columns,
            adapter.row_defaults(self.defaults),
            self.custom_field_columns,
            **self.row_rules,
        )
        caps = self._caps()
        from airflow_provider_tremendous.payouts.charges import parse_fee_percent

        caps["max_fee_percent"] = parse_fee_percent(self.max_fee_percent)
        prepared = prepare(self.rows, spec, payout_id, adapter.unit_cost, shard, adapter.row_problems, adapter.vendor)
        try:
            need_fee_bound(caps, shard, len(prepared.fee_classes))
            return self._run(prepared, adapter, payout_id, shard, caps)
        finally:
            prepared.cleanup()

    @property
    def paying_conn_id(self) -> str:
        """The connection that pays: ``conn_id`` when given, else ``tremendous_conn_id``."""
        return str(self.conn_id or self.tremendous_conn_id)

    def on_kill(self) -> None:
        """Stop sending when Airflow kills the task: orders in flight finish, the rest are recorded ``not_sent``
        and the result file is closed, so a retry knows exactly what was paid."""
        adapter = getattr(self, "_adapter", None)
        if adapter is not None:
            adapter.stop("the task was killed")

    def _caps(self) -> dict[str, Decimal | None]:
        """``max_total_amount`` and ``max_amount_per_recipient``, read by the one money parser."""
        from airflow_provider_tremendous.money import AmountError, parse_amount

        caps: dict[str, Decimal | None] = {}
        for name in ("max_total_amount", "max_amount_per_recipient"):
            value = getattr(self, name)
            try:
                caps[name] = None if value is None else parse_amount(value)
            except AmountError as error:
                raise TremendousInputError(f"{name}: {error}; nothing was sent") from None
        return caps

    def _run(
        self,
        prepared: Prepared,
        adapter: PayoutAdapter,
        payout_id: str,
        shard: tuple[int, int],
        caps: dict[str, Decimal | None],
    ) -> dict[str, Any]:
        from airflow_provider_tremendous.payouts.report import (
            accounted,
            earlier_charges,
            foreign_payments,
            open_budget,
            run_summary,
            stop_message,
            unknown_message,
        )

        result_path = self.result_path or self._default_result_path(payout_id, shard)
        self._check_guards(prepared, result_path)
        if not self.is_dry_run:
            from airflow_provider_tremendous.payouts.history import read_history

            adapter.history = read_history(adapter, payout_id, prepared.current_ids, self.keep_case, self.log)
        own = tuple(prefixes(payout_id, "tremendous") + prefixes(payout_id, "tangocard"))  # a vendor switch too
        ledger, foreign = confirmed(read_paid(result_path), adapter.history, own)  # the vendor's state wins
        if foreign:
            raise TremendousInputError(foreign_payments(result_path, foreign))
        unpaid = [Decimal(r["cost"]) for r in prepared.spooled() if not known_payment(ledger, r)]
        to_pay, recorded = sum(unpaid, Decimal(0)), prepared.in_shard - len(unpaid)
        self.log.info(
            "Payout %s: %d rows, %d valid, %d invalid; %d in this shard, %d already paid per %s",
            payout_id,
            prepared.rows_total,
            prepared.valid,
            prepared.invalid,
            prepared.in_shard,
            recorded,
            result_path,
        )
        check_balance = not self.is_dry_run and self.preflight_funding and bool(unpaid)
        known = earlier_charges(ledger, adapter.history, prepared.current_ids)
        budget = open_budget(adapter, prepared, caps, (to_pay, len(unpaid)), check_balance, known)
        self.log.info("Payout %s: rows priced at %s, in %s", payout_id, budget.describe(), budget.currency)
        adapter.learns_fee = budget.needs_learning
        tally = Tally()
        writer = ResultWriter(result_path)
        try:
            self._write_invalid(prepared, writer, tally)
            pending = self._replay_ledger(prepared, ledger, writer, tally)
            if self.is_dry_run:
                for row in pending:
                    self._record(writer, tally, None, Outcome.for_row(row, DRY_RUN))
            else:
                progress = Progress(prepared.in_shard - recorded, self.log, self.progress_interval)

                send_rows(
                    pending,
                    accounted(adapter, budget),
                    lambda outcome: self._record(writer, tally, progress, outcome),
                    concurrency=self.max_concurrency,
                    stop_reason=lambda: adapter.stop_reason,
                    alone=budget.needs_learning,
                )
        finally:
            writer.close()
        summary = run_summary(payout_id, self.is_dry_run, prepared, tally, result_path, shard, to_pay)
        summary |= {
            "external_id_prefix": prefix(payout_id, adapter.vendor, IdScheme(keep_case=self.keep_case)),
            "external_id_prefixes": prefixes(payout_id, adapter.vendor),
            "id_scheme": IdScheme(keep_case=self.keep_case).label,
            **budget.summary(),
        }
        summary |= {"vendor": adapter.vendor, "conn_id": self.paying_conn_id, **adapter.summary_fields()}
        self.log.info("Payout %s done: %s", payout_id, {k: summary[k] for k in ("paid", "created", "failed")})
        reason = adapter.fatal_reason or adapter.stop_reason
        if reason:  # a stopped run fails whatever fail_on_error says: it did not pay what it was asked to
            raise TremendousPayoutStopped(stop_message(reason, budget, payout_id, result_path, tally))
        if tally.unknown:  # uncertain money fails the task whatever fail_on_error says
            raise TremendousPayoutError(unknown_message(payout_id, tally, result_path))
        if tally.failed and self.fail_on_error and not self.is_dry_run:
            raise TremendousPayoutError(
                f"{tally.failed} of {prepared.in_shard} rows were not paid (others paid once each); "
                f"see {result_path}. First errors: {tally.errors[:3]}. A retry pays only the missing keys."
            )
        return summary

    # -- steps --------------------------------------------------------------------------------------------------
    def _default_result_path(self, payout_id: str, shard: tuple[int, int]) -> str:
        suffix = f"-shard{shard[0]}of{shard[1]}" if shard[1] > 1 else ""
        return str(Path(tempfile.gettempdir()) / "tremendous-payouts" / f"{payout_id}{suffix}.csv")

    def _check_guards(self, prepared: Prepared, result_path: str) -> None:
        if prepared.rows_total == 0:
            raise TremendousInputError("rows: the input has no rows; nothing to pay")
        if self.max_rows is not None and prepared.rows_total > self.max_rows:
            raise TremendousInputError(f"{prepared.rows_total} rows exceed max_rows={self.max_rows}; nothing was sent")
        if prepared.invalid and self.on_invalid == "fail":
            self._write_rejects(prepared, result_path)
            problems = "\n".join(str(p) for p in prepared.invalid_examples[:25])
            raise TremendousInputError(
                f"{prepared.invalid} of {prepared.rows_total} rows are invalid; nothing was sent. Fix them, or pass "
                f"on_invalid='skip' to pay the valid rows. All problems: {result_path}\n{problems}"
            )

    def _write_rejects(self, prepared: Prepared, result_path: str) -> None:
        writer = ResultWriter(result_path)
        try:
            self._write_invalid(prepared, writer, Tally())
        finally:
            writer.close()

    @staticmethod
    def _write_invalid(prepared: Prepared, writer: ResultWriter, tally: Tally) -> None:
        for problem in prepared.rejected():
            outcome = Outcome(problem.row, problem.key, None, INVALID, error=f"{problem.field}: {problem.reason}")
            writer.write(outcome)
            tally.add(outcome)

    def _replay_ledger(
        self, prepared: Prepared, ledger: dict[str, dict[str, str]], writer: ResultWriter, tally: Tally
    ) -> Any:
        """Yield the rows still to pay; rows the ledger records as paid are written as ``already_paid``."""
        for row in prepared.spooled():
            known = known_payment(ledger, row)
            if known is None:
                yield row
                continue
            outcome = Outcome.for_row(
                row,
                ALREADY_PAID,
                id_scheme=known.get("id_scheme") or "v1",
                created_at=known.get("created_at") or None,  # bounds the payout wait's scan
                charge=recorded_charge(known),
                order_id=known.get("order_id"),
                reward_id=known.get("reward_id"),
                status=known.get("status"),
            )
            self._record(writer, tally, None, outcome)

    @staticmethod
    def _record(writer: ResultWriter, tally: Tally, progress: Progress | None, outcome: Outcome) -> None:
        writer.write(outcome)
        tally.add(outcome)
        if progress is not None:
            progress.update(outcome)

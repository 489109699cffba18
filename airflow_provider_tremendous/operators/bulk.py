"""BulkPayoutOperator (0.1: TremendousBulkPayoutOperator): pay a whole list of people, as fast as the API allows,
each key exactly once, through the vendor of its connection. The run itself lives in
:mod:`airflow_provider_tremendous.payouts` (:mod:`~airflow_provider_tremendous.payouts.conductor`); this is its Airflow
face."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from airflow_provider_tremendous.operators.payout_rows import PayoutRowsOperator
from airflow_provider_tremendous.payouts.run import (
    DEFAULT_LOOKBACK_DAYS,
    PayoutError,
    PayoutStopped,
    TremendousPayoutError,
    TremendousPayoutStopped,
)
from airflow_provider_tremendous.vendors.tangocard.options import tango_options

__all__ = [
    "BulkPayoutOperator",
    "PayoutError",
    "PayoutStopped",
    "TremendousBulkPayoutOperator",
    "TremendousPayoutError",
    "TremendousPayoutStopped",
]


class BulkPayoutOperator(PayoutRowsOperator):
    """Pay one reward per row: validated first, idempotent per key, concurrent, resumable, observable.

    Every row is read and validated before the first order; by default one invalid row stops the run with a report
    of every bad row (row number, field, reason) and nothing is paid (``on_invalid="skip"`` pays the valid rows and
    records the rejects). Keys are compared in canonical form (trimmed, NFKC, case-folded, ``17.0`` = ``17``), so
    two spellings of one key are duplicates, refused with both row numbers. Each row's external_id derives from
    the payout id and the canonical key (``<payout_id>:<key>`` on Tremendous; alphanumeric on Tango Card): re-running
    the DAG, retrying the task or submitting the same file again never pays a key twice. **The vendor is the
    ledger:** before sending, the run lists the payout's orders on the paying account since the payout began, and
    sends only the rows whose order the vendor does not hold (so a retry on a fresh worker sends only what is
    missing); a row paid under an earlier derivation or another spelling is found too, and an order under a row's
    key that is for another payment fails the row. Orders go out on ``max_concurrency`` threads under the hook's
    rate limiter (10 req/s by default); a 429 pauses every thread.

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
    :param distinct_number_spellings: let two keys that write one number differently be two people (``7`` and
        ``007``, ``1234`` and ``1,234``, ``12.1`` and ``12.10``). Refused by default, in every ``on_invalid`` mode:
        one person's id written two ways (an export that dropped leading zeros) would be paid twice.
    :param allow_multiline_cells: read CSV rows whose quoted cells hold line breaks (refused by default, in every
        ``on_invalid`` mode: a quote left open joins the next rows to one cell and can put another row's values,
        and so another person, in this row's columns).
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
    :param result_path: per-row results (``.csv`` or ``.jsonl``, any case; local or object storage); templated.
        Lines carry the payout, vendor and account they were written for, and are appended (a retry reads a killed
        try's lines); a clean end keeps one line per row. Default: ``<temp>/tremendous-payouts/<vendor>-<account>/
        <payout_id>.csv``. A refused run writes its invalid rows to ``<name>.rejects.<suffix>`` instead.
    :param fail_on_error: fail the task when any row failed (after writing every outcome).
    :param shard_index, shard_count: pay only the keys of one shard (for mapped tasks; see docs/bulk_payouts.md).
    :param conn_id: the connection that pays, of type ``tremendous`` or ``tangocard`` (default:
        ``tremendous_conn_id``); templated. The vendor follows the connection's type: every rule above holds for both.
    :param utid, customer_identifier, account_identifier, etid, sender, message, email_subject: Tango Card only
        (:class:`~airflow_provider_tremendous.vendors.tangocard.options.TangoOptions`): the catalog item every row
        pays (a row's ``products`` column may name its own), the paying account (default: the connection's extras),
        and the email template, sender and text of emailed rewards.
    :param created_after: when this payout began paying (ISO-8601), if the task state store (Airflow 3.3+) and the
        result file cannot tell: the vendor scan starts 15 minutes before it; templated. Trusted: an order of the
        payout made earlier is not seen (the vendor's idempotency then still protects its key).
    :param lookback_days: how far back the vendor scan reaches when nothing records the payout's start (400).
    :param allow_other_accounts: continue a payout whose result file or payout registry records payments on another
        *production* account or vendor (refused by default: each person could be paid once per account).
    :param reissue: rows to pay again after their order ended FAILED or CANCELED (the vendor keeps the key, so
        nothing else pays them): key → re-issue generation (``{"r17": 1}``; the next time ``2``). A generation is
        paid under an id of its own only when the vendor shows the one before it ended unpaid and none is live;
        keep the mapping for every later run of the payout; at most 200 keys (docs/bulk_payouts.md); templated.
    :param payout_registry: record the payout's production accounts and its running shards in Airflow Variables
        (``tremendous_payout__<payout_id>...``), so that a run on any worker or DAG run refuses another production
        account and a second run of the payout while one is sending (default; docs/bulk_payouts.md). ``False``
        turns those cross-run guards off (the vendor's idempotency keys still protect each row).
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
        "created_after",
        "reissue",
    )
    ui_color = "#e6d9ff"

    def __init__(
        self,
        *,
        funding_source_id: str = "balance",
        on_invalid: str = "fail",
        max_rows: int | None = None,
        max_total_amount: str | int | Decimal | None = None,
        max_amount_per_recipient: str | int | Decimal | None = None,
        max_fee_percent: str | int | Decimal | None = None,
        dry_run: bool = False,
        preflight_funding: bool = True,
        max_concurrency: int = 8,
        result_path: str | None = None,
        fail_on_error: bool = True,
        shard_index: int = 0,
        shard_count: int = 1,
        progress_interval: float = 5.0,
        etid: str | None = None,
        sender: dict[str, str] | None = None,
        message: str | None = None,
        email_subject: str | None = None,
        lookback_days: float = DEFAULT_LOOKBACK_DAYS,
        allow_other_accounts: bool = False,
        payout_registry: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)  # first: Airflow names a misspelled argument before any value is checked
        if on_invalid not in ("fail", "skip"):
            raise ValueError("on_invalid must be 'fail' or 'skip'")
        self.tango_options = tango_options(
            **self.tango_options, etid=etid, sender=sender, message=message, email_subject=email_subject
        )
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
        self.lookback_days = lookback_days
        self.allow_other_accounts = allow_other_accounts
        self.payout_registry = payout_registry

    @classmethod
    def sharded(cls, shard_count: int, **kwargs: Any) -> Any:
        """The same payout split over ``shard_count`` mapped task instances (Celery or Kubernetes workers share the
        work): ``BulkPayoutOperator.sharded(4, task_id="pay", rows=..., payout_id=..., key_field=...)``.

        Every instance reads and validates the whole input (so all agree on what is invalid) and pays only the keys
        of its shard; all use the same ``payout_id``, so keys, waits and reconciliation are unchanged. Give each
        instance its own ``result_path`` (include ``{{ ti.map_index }}``) or keep the default.
        """
        if shard_count < 1:
            raise ValueError("shard_count must be at least 1")
        return cls.partial(shard_count=shard_count, **kwargs).expand(shard_index=list(range(shard_count)))

    # -- the run: payouts/conductor.py --------------------------------------------------------------------------
    def execute(self, context: Any) -> dict[str, Any]:
        from functools import partial

        from airflow_provider_tremendous.payouts.conductor import PayoutRequest, run_payout
        from airflow_provider_tremendous.payouts.records import since_record
        from airflow_provider_tremendous.payouts.registry import open_registry

        created_after = None if str(self.created_after or "").strip() in ("", "None") else str(self.created_after)
        request = PayoutRequest(
            rows=self.rows,
            payout_id=self.payout_id,
            key_field=self.key_field,
            columns=self.columns,
            defaults=self.defaults,
            custom_field_columns=self.custom_field_columns,
            row_rules=self.row_rules,
            reissue=self.reissue,
            max_total_amount=self.max_total_amount,
            max_amount_per_recipient=self.max_amount_per_recipient,
            max_fee_percent=self.max_fee_percent,
            shard_index=self.shard_index,
            shard_count=self.shard_count,
            conn_id=self.paying_conn_id,
            hook_params=self.hook_params,
            funding_source_id=self.funding_source_id,
            vendor_options=self.tango_options,
            run={
                "keep_case": self.keep_case,
                "dry_run": self.is_dry_run,
                "preflight_funding": self.preflight_funding,
                "max_concurrency": self.max_concurrency,
                "result_path": self.result_path,
                "fail_on_error": self.fail_on_error,
                "on_invalid": self.on_invalid,
                "max_rows": self.max_rows,
                "progress_interval": self.progress_interval,
                "created_after": created_after,
                "lookback_days": float(self.lookback_days),
                "allow_other_accounts": self.allow_other_accounts,
                "allow_shared_recipients": self.row_rules["allow_shared_recipients"],
            },
        )
        registry = partial(open_registry, context) if self.payout_registry else None
        return run_payout(request, self.log, partial(since_record, context), registry, self._keep_adapter)

    def _keep_adapter(self, adapter: Any) -> None:
        self._adapter = adapter

    def on_kill(self) -> None:
        """Stop sending when Airflow kills the task: orders in flight finish, the rest are recorded ``not_sent``
        and the result file is closed, so a retry knows exactly what was paid."""
        adapter = getattr(self, "_adapter", None)
        if adapter is not None:
            adapter.stop("the task was killed")


#: The name of release 0.1: the same class.
TremendousBulkPayoutOperator = BulkPayoutOperator

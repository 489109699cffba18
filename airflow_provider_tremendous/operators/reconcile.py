"""ReconcileOperator (0.1: TremendousReconcileOperator): what should have been paid vs what the vendor holds, key by
key. The matching lives in :mod:`airflow_provider_tremendous.payouts.reconcile`; this is its Airflow face."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_tremendous.core.errors import ProviderError
from airflow_provider_tremendous.operators.payout_rows import PayoutRowsOperator
from airflow_provider_tremendous.payouts.keys import check_payout_id
from airflow_provider_tremendous.payouts.reconcile import (
    KINDS,
    REPORT_COLUMNS,
    by_intended_id,
    discrepancies,
    reconcile,
    without_superseded,
)


class ReconciliationError(ProviderError):
    """The vendor does not hold exactly what the rows say should have been paid."""


class ReconcileOperator(PayoutRowsOperator):
    """Compare intended rows with the orders the vendor holds for a payout (matched by external_id), on a
    ``tremendous`` or a ``tangocard`` connection.

    Reports, per key: ``missing`` (no order), ``unexpected`` (an order of this payout for no intended row),
    ``amount_mismatch`` (amount or currency differ), ``recipient_mismatch`` (email or phone differ),
    ``reward_mismatch`` (another delivery method, product, campaign or recipient name), ``not_executed`` (status
    other than ``EXECUTED``) and ``delivery_failed`` (executed, but the reward's delivery failed: the person did not
    get it; resend or cancel it. For Tango Card: a COMPLETE order whose line item
    ``deliveryStatus`` is FAILED, found with one listing of the failed line items; resend it to a corrected
    ``newEmail``). Rows are read exactly as :class:`BulkPayoutOperator` reads them, from the same arguments
    (:class:`~airflow_provider_tremendous.operators.payout_rows.PayoutRowsOperator`): give both operators the same
    ``key_field``, ``columns``, row defaults and reading options; invalid rows are not expected to be paid.

    :param rows: the intended rows (list, ``.csv``/``.jsonl`` path or object-storage URI); templated.
    :param payout_id: the payout to reconcile; templated.
    :param created_after: only orders created from then on are scanned (e.g. the bulk summary's ``created_after``);
        templated. Without it, every order of the account is scanned (500 per request).
    :param report_path: the discrepancy report (CSV); templated; default: a file in the temp directory.
    :param fail_on_discrepancy: fail the task when anything differs, or a row is invalid (a bulk payout never pays it).
    :param conn_id: the connection that paid, ``tremendous`` or ``tangocard`` (default ``tremendous_conn_id``);
        templated. For Tango Card, ``customer_identifier``/``account_identifier`` name the account (default: the
        connection's extras), ``utid`` the item rows default to, and ``not_executed`` means "not COMPLETE".
    :param amount, currency, products, campaign_id, delivery_method, language: defaults for rows leaving them empty,
        as on the bulk payout (e.g. ``delivery_method="PHONE"`` for a payout sent by text message).
    :param defaults: the same defaults as a dict (release 0.1's way, e.g. ``{"delivery_method": "PHONE"}``); a field
        given here wins over its argument.
    :param keep_case, decimal_separator, default_phone_region, allow_international_email, allow_shared_recipients,
        distinct_number_spellings, allow_multiline_cells: as on the bulk payout (keys and amounts are read the
        same way). A row is matched by its external id under any derivation (see docs/bulk_payouts.md), so a payout
        begun before canonical keys reconciles too.
    :param reissue: the bulk payout's ``reissue`` (key → generation): re-issued rows are expected under their
        generation's id, and their earlier orders (ended unpaid) are not discrepancies; templated.
    :return: counts per kind, ``matched`` (rows whose order is for exactly what the row asks: amount, recipient,
        reward; whether it was executed and delivered is in ``not_executed`` and ``delivery_failed``),
        ``report_path`` and a few examples.
    """

    template_fields: Sequence[str] = (
        "rows",
        "payout_id",
        "defaults",
        "created_after",
        "report_path",
        "tremendous_conn_id",
        "conn_id",
        "tango_options",
        "reissue",
    )

    def __init__(
        self,
        *,
        defaults: dict[str, Any] | None = None,
        report_path: str | None = None,
        fail_on_discrepancy: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.defaults = {**self.defaults, **(defaults or {})}
        self.report_path = report_path
        self.fail_on_discrepancy = fail_on_discrepancy

    def execute(self, context: Any) -> dict[str, Any]:
        from airflow_provider_tremendous.payouts.reissue import parse_reissue
        from airflow_provider_tremendous.payouts.rows import RowSpec
        from airflow_provider_tremendous.vendors import payout_adapter

        payout_id = check_payout_id(self.payout_id)
        adapter = payout_adapter(self.paying_conn_id, self.hook_params, **self.tango_options)
        spec = RowSpec(
            self.key_field,
            self.columns,
            adapter.row_defaults(self.defaults),
            self.custom_field_columns,
            **self.row_rules,
            reissue=parse_reissue(self.reissue, self.keep_case),
        )
        outcome = reconcile(
            self.rows,
            spec,
            payout_id,
            adapter,
            created_after=self.created_after,
            report_path=self.report_path,
            keep_case=self.keep_case,
        )
        summary, counts, examples = outcome.summary, outcome.counts, outcome.examples
        shown = ("intended", "matched", "invalid_rows", *KINDS)
        self.log.info("Reconciliation of %s: %s", payout_id, {k: summary[k] for k in shown})
        if self.fail_on_discrepancy and (counts.total() or summary["invalid_rows"]):  # an invalid row was not paid
            raise ReconciliationError(
                f"payout {payout_id}: {dict(counts)} (see {summary['report_path']}); examples: {examples[:5]}; "
                f"{summary['invalid_rows']} invalid rows (a bulk payout given the same arguments refuses them, or pays "
                f"a duplicate's key once through its first row; if the payout was given other row defaults or reading "
                f"options, give this operator the same): {summary['invalid_examples']}"
            )
        return summary


# The helpers' names of release 0.1 (the matching now lives in payouts/reconcile.py).
_by_intended_id = by_intended_id
_without_superseded = without_superseded
#: The names of release 0.1: the same classes.
TremendousReconcileOperator = ReconcileOperator
TremendousReconciliationError = ReconciliationError

__all__ = [
    "KINDS",
    "REPORT_COLUMNS",
    "ReconcileOperator",
    "ReconciliationError",
    "TremendousReconcileOperator",
    "TremendousReconciliationError",
    "discrepancies",
]

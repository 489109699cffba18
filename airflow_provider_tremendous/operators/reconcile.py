"""TremendousReconcileOperator: what should have been paid vs what the vendor holds, key by key."""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.errors import TremendousError
from airflow_provider_tremendous.operators.base import TremendousBaseOperator
from airflow_provider_tremendous.payouts.keys import check_payout_id, prefixes

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.adapter import VendorOrder

KINDS = ("missing", "unexpected", "amount_mismatch", "recipient_mismatch", "not_executed", "delivery_failed")
REPORT_COLUMNS = ["kind", "key", "external_id", "order_id", "status", "expected", "actual"]


def _by_intended_id(
    actual: dict[str, VendorOrder], intended: dict[str, dict[str, Any]], payout_id: str, keep_case: bool
) -> dict[str, VendorOrder]:
    """Orders keyed by the id their row has now, matched as the bulk payout matches them (:mod:`.history`): an order
    under the row's id, its v1 id or (``keep_case=False``) a spelling that folds to its key, for the row's amount
    and recipient, is the row's order. Orders no row claims keep their own id (reported as unexpected)."""
    from airflow_provider_tremendous.payouts.history import PayoutHistory

    history = PayoutHistory.of(payout_id, actual.values(), claimed_ids=intended, fold_matching=not keep_case)
    keyed: dict[str, VendorOrder] = {}
    claimed: set[str] = set()
    for ident, row in intended.items():
        order, _ = history.earlier_payment(row)
        order = order or actual.get(ident)  # under its own id but for another payment: reported as a mismatch
        if order is not None and order.external_id not in claimed:
            keyed[ident] = order
            claimed.add(order.external_id)
    keyed |= {ident: order for ident, order in actual.items() if ident not in claimed}
    return keyed


def _without_superseded(scanned: dict[str, VendorOrder], superseded: dict[str, str]) -> dict[str, VendorOrder]:
    """A re-issued row's earlier orders: one that ended unpaid is no discrepancy (left out); a live one stands for
    the row while the re-issue's own order is absent (compared as the row's order, never called missing)."""
    from airflow_provider_tremendous.payouts.outcomes import ENDED_UNPAID

    kept: dict[str, VendorOrder] = {}
    for ident, order in scanned.items():
        now = superseded.get(ident)
        if now is None:
            kept.setdefault(ident, order)
        elif (order.status or "").upper() not in ENDED_UNPAID:
            kept[ident if now in scanned else now] = order
    return kept


class TremendousReconciliationError(TremendousError):
    """Tremendous does not hold exactly what the rows say should have been paid."""


class TremendousReconcileOperator(TremendousBaseOperator):
    """Compare intended rows with the orders Tremendous holds for a payout (matched by external_id).

    Reports, per key: ``missing`` (no order), ``unexpected`` (an order of this payout for no intended row),
    ``amount_mismatch`` (amount or currency differ), ``recipient_mismatch`` (email or phone differ),
    ``not_executed`` (status other than ``EXECUTED``) and ``delivery_failed`` (executed, but the reward's delivery
    failed: the person did not get it; resend or cancel it. For Tango Card: a COMPLETE order whose line item
    ``deliveryStatus`` is FAILED, found with one listing of the failed line items; resend it to a corrected
    ``newEmail``). Rows take the same ``key_field``, ``columns`` and
    ``defaults`` as :class:`TremendousBulkPayoutOperator`; invalid rows are not expected to be paid.

    :param rows: the intended rows (list, ``.csv``/``.jsonl`` path or object-storage URI); templated.
    :param payout_id: the payout to reconcile; templated.
    :param created_after: only orders created from then on are scanned (e.g. the bulk summary's ``created_after``);
        templated. Without it, every order of the account is scanned (500 per request).
    :param report_path: the discrepancy report (CSV); templated; default: a file in the temp directory.
    :param fail_on_discrepancy: fail the task when anything differs.
    :param conn_id: the connection that paid, ``tremendous`` or ``tangocard`` (default ``tremendous_conn_id``);
        templated. For Tango Card, ``customer_identifier``/``account_identifier`` name the account (default: the
        connection's extras), ``utid`` the item rows default to, and ``not_executed`` means "not COMPLETE".
    :param keep_case, decimal_separator, default_phone_region, allow_international_email, allow_shared_recipients:
        as on the bulk payout (keys and amounts are read the same way). A row is
        matched by its external id under any derivation (see docs/bulk_payouts.md), so a payout begun before
        canonical keys reconciles too.
    :param reissue: the bulk payout's ``reissue`` (key → generation): re-issued rows are expected under their
        generation's id, and their earlier orders (ended unpaid) are not discrepancies; templated.
    :return: counts per kind, ``matched``, ``report_path`` and a few examples.
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
        rows: Any,
        payout_id: str,
        key_field: str,
        columns: dict[str, str] | None = None,
        defaults: dict[str, Any] | None = None,
        custom_field_columns: dict[str, str] | None = None,
        created_after: str | None = None,
        report_path: str | None = None,
        fail_on_discrepancy: bool = False,
        conn_id: str | None = None,
        customer_identifier: str | None = None,
        account_identifier: str | None = None,
        utid: str | None = None,
        keep_case: bool = False,
        decimal_separator: str = ".",
        default_phone_region: str | None = None,
        allow_international_email: bool = False,
        allow_shared_recipients: bool = False,
        reissue: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        from airflow_provider_tremendous.payouts.row_rules import row_rules

        self.keep_case = keep_case
        self.row_rules = row_rules(
            keep_case, decimal_separator, default_phone_region, allow_international_email, allow_shared_recipients
        )
        self.conn_id = conn_id
        self.tango_options: dict[str, Any] = {
            "utid": utid,
            "customer_identifier": customer_identifier,
            "account_identifier": account_identifier,
        }
        self.rows = rows
        self.payout_id = payout_id
        self.key_field = key_field
        self.columns = columns or {}
        self.defaults = {"currency": "USD", **(defaults or {})}
        self.custom_field_columns = custom_field_columns or {}
        self.created_after = created_after
        self.report_path = report_path
        self.fail_on_discrepancy = fail_on_discrepancy
        self.reissue = reissue

    def execute(self, context: Any) -> dict[str, Any]:
        from airflow_provider_tremendous.payouts.prepare import prepare
        from airflow_provider_tremendous.payouts.reissue import parse_reissue
        from airflow_provider_tremendous.payouts.rows import RowSpec
        from airflow_provider_tremendous.payouts.vendors import payout_adapter

        payout_id = check_payout_id(self.payout_id)
        adapter = payout_adapter(str(self.conn_id or self.tremendous_conn_id), self.hook_params, **self.tango_options)
        spec = RowSpec(
            self.key_field,
            self.columns,
            adapter.row_defaults(self.defaults),
            self.custom_field_columns,
            **self.row_rules,
            reissue=parse_reissue(self.reissue, self.keep_case),
        )
        prepared = prepare(self.rows, spec, payout_id, lambda currency: Decimal(1), vendor=adapter.vendor)
        try:
            intended = {row["external_id"]: row for row in prepared.spooled()}
        finally:
            prepared.cleanup()
        superseded = prepared.superseded  # re-issued rows' earlier generations' ids → the row's id now
        since = None if str(self.created_after or "").strip() in ("", "None") else str(self.created_after)
        scanned = _without_superseded(
            {o.external_id: o for o in adapter.orders_with_prefix(tuple(prefixes(payout_id, adapter.vendor)), since)},
            superseded,
        )
        if not adapter.listing_complete:  # a capped listing: a row it does not show is looked up by its ids
            for ident, row in intended.items():
                for candidate in (ident, *(row.get("alternate_ids") or {})):
                    if candidate not in scanned:
                        found = adapter.find(candidate)
                        if found is not None:
                            scanned[candidate] = found
        scanned = adapter.with_delivery_status(scanned, since)  # Tango Card: from its failed line items
        actual = _by_intended_id(scanned, intended, payout_id, self.keep_case)
        report_path = self.report_path or str(Path(tempfile.gettempdir()) / f"tremendous-reconcile-{payout_id}.csv")
        counts: Counter[str] = Counter()
        examples: list[str] = []
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        with Path(report_path).open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS)
            writer.writeheader()
            for line in self._discrepancies(intended, actual, adapter.done_status):
                counts[line["kind"]] += 1
                writer.writerow(line)
                if len(examples) < 10:
                    examples.append(f"{line['kind']}: {line['key'] or line['external_id']} ({line['actual']})")
        matched = sum(1 for ext in intended if ext in actual) - counts["amount_mismatch"] - counts["recipient_mismatch"]
        summary = {
            "payout_id": payout_id,
            "intended": len(intended),
            "invalid_rows": prepared.invalid,
            "orders_found": len(actual),
            "matched": matched,
            **{kind: counts[kind] for kind in KINDS},
            "report_path": report_path,
            "examples": examples,
        }
        self.log.info("Reconciliation of %s: %s", payout_id, {k: summary[k] for k in ("intended", "matched", *KINDS)})
        if self.fail_on_discrepancy and counts.total():
            raise TremendousReconciliationError(
                f"payout {payout_id}: {dict(counts)} (see {report_path}); examples: {examples[:5]}"
            )
        return summary

    @staticmethod
    def _discrepancies(intended: dict[str, dict[str, Any]], actual: dict[str, VendorOrder], done: str) -> Any:
        for ext, row in intended.items():
            order = actual.get(ext)
            base = {"key": row["key"], "external_id": ext}
            if order is None:
                yield {
                    **base,
                    "kind": "missing",
                    "expected": f"{row['amount']} {row['currency']}",
                    "actual": "no order",
                }
                continue
            base |= {"order_id": order.order_id, "status": order.status}
            if Decimal(row["amount"]) != order.amount or row["currency"] != order.currency:
                expected, got = f"{row['amount']} {row['currency']}", f"{order.amount} {order.currency}"
                yield {**base, "kind": "amount_mismatch", "expected": expected, "actual": got}
            wanted = row["recipient"]
            if (wanted.get("email") or None) != order.email or (wanted.get("phone") or None) != order.phone:
                expected = wanted.get("email") or wanted.get("phone")
                yield {**base, "kind": "recipient_mismatch", "expected": expected, "actual": order.email or order.phone}
            if not order.executed:
                yield {**base, "kind": "not_executed", "expected": done, "actual": order.status}
            elif (order.delivery_status or "").upper() == "FAILED":  # paid, but the person did not get it
                yield {**base, "kind": "delivery_failed", "expected": "delivered", "actual": "delivery FAILED"}
        for ext, order in actual.items():
            if ext not in intended:
                yield {
                    "kind": "unexpected",
                    "key": None,
                    "external_id": ext,
                    "order_id": order.order_id,
                    "status": order.status,
                    "expected": "no order",
                    "actual": f"{order.amount} {order.currency}",
                }

"""Reconciliation: what should have been paid, key by key, against what the vendor holds.

The rows are read and keyed exactly as the bulk payout reads them (:mod:`.prepare`); the vendor's orders of the
payout are listed through its adapter and matched to rows as the bulk payout matches them (:mod:`.history`). Each
difference is one line of the report, of one of :data:`KINDS`.
"""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.payouts.keys import prefixes

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.protocol import PayoutAdapter, VendorOrder
    from airflow_provider_tremendous.payouts.rows import RowSpec

KINDS = (
    "missing",
    "unexpected",
    "amount_mismatch",
    "recipient_mismatch",
    "reward_mismatch",
    "not_executed",
    "delivery_failed",
)
#: The kinds by which an order under a row's id is not the payment the row asks for (the row is then not matched).
MISMATCHES = frozenset({"amount_mismatch", "recipient_mismatch", "reward_mismatch"})
REPORT_COLUMNS = ["kind", "key", "external_id", "order_id", "status", "expected", "actual"]


@dataclass(frozen=True)
class Reconciliation:
    """The outcome: the summary the operator returns, the count per kind, and a few examples for people."""

    summary: dict[str, Any]
    counts: Counter[str]
    examples: list[str]


def reconcile(
    rows: Any,
    spec: RowSpec,
    payout_id: str,
    adapter: PayoutAdapter,
    *,
    created_after: str | None,
    report_path: str | None,
    keep_case: bool,
) -> Reconciliation:
    """Compare the intended ``rows`` with the orders the vendor holds for ``payout_id``; write the report (CSV)."""
    from airflow_provider_tremendous.payouts.prepare import prepare

    prepared = prepare(rows, spec, payout_id, lambda currency: Decimal(1), vendor=adapter.vendor)
    try:
        if prepared.unreadable:  # a row read nowhere cannot be reported missing: the check would pass without it
            problems = "\n".join(str(p) for p in prepared.invalid_examples if p.field == "row")
            raise InputError(
                f"{prepared.unreadable} rows cannot be read, so whether they were paid cannot be checked; fix the "
                f"file (or pass allow_multiline_cells=True if it holds text on several lines):\n{problems}"
            )
        intended = {row["external_id"]: row for row in prepared.spooled()}
    finally:
        prepared.cleanup()
    superseded = prepared.superseded  # re-issued rows' earlier generations' ids → the row's id now
    since = None if str(created_after or "").strip() in ("", "None") else str(created_after)
    scanned = without_superseded(
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
    actual, near, extra = _matched(scanned, intended, payout_id, keep_case)
    report_path = report_path or str(Path(tempfile.gettempdir()) / f"tremendous-reconcile-{payout_id}.csv")
    counts: Counter[str] = Counter()
    examples: list[str] = []
    mismatched: set[str] = set()
    Path(report_path).parent.mkdir(parents=True, exist_ok=True)
    with Path(report_path).open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        for line in discrepancies(intended, actual, adapter.done_status, near, extra):
            counts[line["kind"]] += 1
            if line["kind"] in MISMATCHES:
                mismatched.add(line["external_id"])
            writer.writerow(line)
            if len(examples) < 10:
                examples.append(f"{line['kind']}: {line['key'] or line['external_id']} ({line['actual']})")
    matched = sum(1 for ext in intended if ext in actual and ext not in mismatched)  # a row, however many kinds
    summary = {
        "payout_id": payout_id,
        "intended": len(intended),
        "invalid_rows": prepared.invalid,
        "invalid_examples": [str(problem) for problem in prepared.invalid_examples[:5]],
        "orders_found": len(actual) + len(extra),
        "matched": matched,
        **{kind: counts[kind] for kind in KINDS},
        "report_path": report_path,
        "examples": examples,
    }
    return Reconciliation(summary, counts, examples)


def by_intended_id(
    actual: dict[str, VendorOrder], intended: dict[str, dict[str, Any]], payout_id: str, keep_case: bool
) -> dict[str, VendorOrder]:
    """Orders keyed by the id their row has now, matched as the bulk payout matches them (:mod:`.history`): an order
    under the row's id, its v1 id or (``keep_case=False``) a spelling that folds to its key, for the row's amount
    and recipient, is the row's order. Orders no row claims keep their own id (reported as unexpected). Kept for
    release 0.1's callers: an order under a row's id that is not its payment while another order is (``extra`` of
    :func:`_matched`, which :func:`reconcile` reports) is not in what it returns."""
    return _matched(actual, intended, payout_id, keep_case)[0]


#: What :func:`_matched` finds: orders by the id their row has now, the orders near a missing row (see there), and
#: orders under a row's id that are not its payment while another order is (reported unexpected).
_Matching = tuple[dict[str, "VendorOrder"], dict[str, list[str]], list["VendorOrder"]]


def _matched(
    actual: dict[str, VendorOrder], intended: dict[str, dict[str, Any]], payout_id: str, keep_case: bool
) -> _Matching:
    """:func:`by_intended_id`, and for each row no order is matched to, the ids of orders under its earlier ids or
    spellings of its key that are for another payment. Those are only named on the row's ``missing`` line, never
    keyed to it: such an id may be another row's (a v1 id is the key as written), and keying it here could report a
    paid row missing and hide an unpaid one."""
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
    extra: list[VendorOrder] = []  # under a row's id while an earlier id's order is its payment: a second order
    for ident, order in actual.items():
        if order.external_id in claimed:
            continue
        if ident in keyed:
            extra.append(order)
        else:
            keyed[ident] = order
    near = {
        ident: [order.external_id for order in history.candidates(row) if order.external_id != ident]
        for ident, row in intended.items()
        if ident not in keyed
    }
    return keyed, {ident: ids for ident, ids in near.items() if ids}, extra


def without_superseded(scanned: dict[str, VendorOrder], superseded: dict[str, str]) -> dict[str, VendorOrder]:
    """A re-issued row's earlier orders: one that ended unpaid is no discrepancy (left out); a live one stands for
    the row while the re-issue's own order is absent (compared as the row's order, never called missing)."""
    from airflow_provider_tremendous.payouts.outcomes import ENDED_UNPAID

    kept: dict[str, VendorOrder] = {}
    for ident, order in scanned.items():
        now = superseded.get(ident)
        if now is None:
            kept.setdefault(ident, order)
        elif (order.status or "").upper() not in ENDED_UNPAID:
            target = ident if now in scanned else now
            kept[ident if target in kept else target] = order  # a second live one keeps its id: reported unexpected
    return kept


def _no_order(ident: str, near: list[str] | None) -> str:
    """A missing row's ``actual``: no order under its id; orders under its earlier ids or spellings are named."""
    if not near:
        return "no order"
    return (
        f"no order under {ident}; the vendor holds {', '.join(near)} under an earlier id or spelling of this key, "
        "not for this payment (this person paid other values, or another row's order): check before paying by hand"
    )


def _reward_of(row: dict[str, Any]) -> str:
    """What the row asks for, beyond amount and recipient, as the report's ``expected`` column shows it."""
    reward = row.get("reward") or {}
    parts = {
        "name": (row.get("recipient") or {}).get("name"),
        "delivery": (reward.get("delivery") or {}).get("method"),
        "product": ", ".join(reward.get("products") or []),
        "campaign": reward.get("campaign_id"),
    }
    return "; ".join(f"{label} {value}" for label, value in parts.items() if value)


def discrepancies(
    intended: dict[str, dict[str, Any]],
    actual: dict[str, VendorOrder],
    done: str,
    near: dict[str, list[str]] | None = None,
    extra: list[VendorOrder] | None = None,
) -> Any:
    """One report line per difference between the intended rows and the vendor's orders (see :data:`KINDS`);
    ``near``: for a missing row, the orders under its earlier ids or spellings that are for another payment (named
    on its line: whoever reads "missing" must look at them before paying by hand); ``extra``: orders under a row's
    id that are not its payment while an order under an earlier id is (each an ``unexpected`` line)."""
    from airflow_provider_tremendous.payouts.history import reward_differences

    for ext, row in intended.items():
        order = actual.get(ext)
        base = {"key": row["key"], "external_id": ext}
        if order is None:
            yield {
                **base,
                "kind": "missing",
                "expected": f"{row['amount']} {row['currency']}",
                "actual": _no_order(ext, (near or {}).get(ext)),
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
        other_reward = reward_differences(row, order)  # delivery, product, campaign or name: another payment
        if other_reward:
            expected = _reward_of(row)
            yield {**base, "kind": "reward_mismatch", "expected": expected, "actual": "; ".join(other_reward)}
        if not order.executed:
            yield {**base, "kind": "not_executed", "expected": done, "actual": order.status}
        elif (order.delivery_status or "").upper() == "FAILED":  # paid, but the person did not get it
            yield {**base, "kind": "delivery_failed", "expected": "delivered", "actual": "delivery FAILED"}
    unexpected = [(ext, order) for ext, order in actual.items() if ext not in intended]
    for ext, order in [*unexpected, *((order.external_id, order) for order in extra or [])]:
        yield {
            "kind": "unexpected",
            "key": None,
            "external_id": ext,
            "order_id": order.order_id,
            "status": order.status,
            "expected": "no order",
            "actual": f"{order.amount} {order.currency}",
        }

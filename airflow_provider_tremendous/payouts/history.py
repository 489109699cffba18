"""What the vendor already holds for a payout, read once before sending, and how a row is matched against it.

A row may have been paid before under another id: under derivation v1 (the key as written, before canonical keys),
with the other ``keep_case`` setting, or under another spelling of its key that v1 treated as a different key
(``R17`` paid, ``r17`` resumed). The payout's orders are listed once (every id prefix of the payout, under every
derivation); a row is paid when one of them is *this* payment: its id is the row's id now or under an earlier
derivation, or its readable key folds to the row's key — and its amount, currency and recipient are the row's.
An order under the row's own ids that is for another payment (amount, recipient, delivery method, product, or a
campaign where the vendor echoes it) is never taken as paid: the row fails and says so (and, when that order ended
unpaid, how to pay the row). When the vendor cannot list the whole payout (Tango Card lists at most 10,000
orders), each row's earlier ids are looked up one by one instead.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.core.recipients import email_identity, visible_key
from airflow_provider_tremendous.payouts.adapter import PayoutAdapter, VendorOrder
from airflow_provider_tremendous.payouts.keys import canonical_key, mode_conflict, prefixes

#: A hash's shape in a readable id (v2 ``#<hex>``, v1 ``h-<hex>``): it cannot be folded back to a key.
_HASHED = re.compile(r"(#|h-)[0-9a-f]{32}")


def differences(row: dict[str, Any], order: VendorOrder) -> list[str]:
    """How ``order`` differs from the payment ``row`` asks for; empty when it is this payment.

    Compared: amount and currency, the recipient (email, phone, name), the delivery method, the product (Tango
    Card's utid) and the campaign — each where the vendor echoes it back (a field it does not return cannot
    differ: Tremendous orders carry no product list, Tango Card orders no phone)."""
    found: list[str] = []
    other_currency = bool(order.currency) and order.currency != row["currency"]  # absent: the organization's
    if order.amount != Decimal(row["amount"]) or other_currency:
        found.append(f"amount {order.amount} {order.currency}".rstrip())
    recipient = row.get("recipient") or {}
    if recipient.get("email") and order.email and _identity(order.email) != email_identity(recipient["email"]):
        found.append("another email")
    if recipient.get("phone") and order.phone and _digits(order.phone) != _digits(recipient["phone"]):
        found.append("another phone")
    return found + reward_differences(row, order)


def reward_differences(row: dict[str, Any], order: VendorOrder) -> list[str]:
    """How ``order`` pays another reward than ``row`` asks for, beyond amount, currency, email and phone: the
    recipient's name, the delivery method, the product (Tango Card's utid) or the campaign, each where the vendor
    echoes it back. Reconciliation reports these as ``reward_mismatch``; the bulk payout refuses such an order as
    this row's payment (:func:`differences`)."""
    found: list[str] = []
    recipient = row.get("recipient") or {}
    if recipient.get("name") and order.name and _name(order.name) != _name(recipient["name"]):
        found.append("another name")
    reward = row.get("reward") or {}
    method = (reward.get("delivery") or {}).get("method")
    if method and order.delivery and order.delivery.upper() != str(method).upper():
        found.append(f"delivery {order.delivery}")
    products = reward.get("products") or []
    if order.product and products and order.product not in products:
        found.append(f"product {order.product}")
    campaign = reward.get("campaign_id") or None
    if order.campaign is not None and (order.campaign or None) != campaign:  # "": the vendor says it names none
        found.append(f"campaign {order.campaign or 'none'}")
    return found


def other_payment(row: dict[str, Any], order: VendorOrder) -> str:
    """How an order under one of the row's ids is another payment, for the row's error; an order that ended unpaid
    (FAILED, CANCELED) paid nobody, so the error says how to pay the row."""
    from airflow_provider_tremendous.payouts.outcomes import ENDED_UNPAID

    text = f"{order.external_id} is for {', '.join(differences(row, order))}"
    if (order.status or "").upper() in ENDED_UNPAID:
        generation = int(row.get("generation") or 0) + 1
        text += (
            f", and ended {order.status}: it paid nobody; to pay this row, re-issue it "
            f"(reissue={{{row['key']!r}: {generation}}})"
        )
    return text


def _name(name: str) -> str:
    return " ".join(name.casefold().split())


def _identity(email: str) -> str | None:
    """The identity of an address as the vendor echoes it (Unicode or punycode alike), ``None`` if unreadable."""
    try:
        return email_identity(email)
    except ValueError:
        return None


def _digits(phone: str | None) -> str:
    return re.sub(r"\D", "", phone or "")


def folded_key(text: str) -> str | None:
    """The case-folded canonical key of a readable id's key part, or ``None`` when it has none. Characters v2
    refuses (zero-width, control) are dropped for this matching only: v1 accepted them, and a user who removed
    them as told must still find the order."""
    try:
        return canonical_key(visible_key(text))
    except ValueError:
        return None


@dataclass
class PayoutHistory:
    """The payout's orders at the vendor when the run started, and what the run itself claims.

    :param claimed_ids: every valid row's current external id: an earlier-derivation id of one row that is another
        row's id now belongs to that row, never to this one.
    :param fold_matching: match readable ids by folded key (``keep_case=False``, the default, under which a folded
        key *is* the person); with ``keep_case=True`` (``ab`` and ``AB`` are two people) ids match exactly only.
    """

    payout_id: str
    complete: bool = True
    by_id: dict[str, VendorOrder] = field(default_factory=dict)
    by_folded_key: dict[str, list[VendorOrder]] = field(default_factory=lambda: defaultdict(list))
    claimed_ids: frozenset[str] = frozenset()
    fold_matching: bool = True

    @classmethod
    def of(
        cls,
        payout_id: str,
        orders: Iterable[VendorOrder],
        complete: bool = True,
        claimed_ids: Iterable[str] = (),
        fold_matching: bool = True,
    ) -> PayoutHistory:
        """Index ``orders`` (all of the payout's prefixes); ``complete``: the vendor's listing saw every order of
        its window (Tango Card's list cap can hide some)."""
        history = cls(payout_id, claimed_ids=frozenset(claimed_ids), fold_matching=fold_matching)
        head = f"{payout_id}:"  # v1 and v2 (keep_case=False) readable ids
        for order in orders:
            history.by_id[order.external_id] = order
            suffix = order.external_id[len(head) :] if order.external_id.startswith(head) else None
            if suffix and not _HASHED.fullmatch(suffix):  # hashes only match exactly
                key = folded_key(suffix)
                if key is not None:
                    history.by_folded_key[key].append(order)
        history.complete = complete
        return history

    def earlier_ids(self, row: dict[str, Any]) -> list[str]:
        """The row's ids under earlier derivations that no other row of this run holds now."""
        return [ident for ident in row.get("alternate_ids") or {} if ident not in self.claimed_ids]

    def earlier_payment(self, row: dict[str, Any]) -> tuple[VendorOrder | None, list[str]]:
        """``(order, [])`` when an order of the payout is this row's payment; ``(None, problems)`` when orders under
        the row's own ids are for another payment; ``(None, [])`` when nothing was paid for it."""
        candidates = self.candidates(row)
        for order in candidates:
            if not differences(row, order):
                return order, []
        # every candidate is this key's (folded keys are one person under keep_case=False): another payment for it
        return None, [other_payment(row, order) for order in candidates]

    def candidates(self, row: dict[str, Any]) -> list[VendorOrder]:
        """The orders that may be this row's: under its id now or an earlier derivation's, or (``keep_case=False``)
        under a spelling that folds to its key — each this key's, whatever payment it is for."""
        ids = [row["external_id"], *self.earlier_ids(row)]
        exact = [self.by_id[ident] for ident in ids if ident in self.by_id]
        reissued = bool(row.get("generation"))  # its earlier generations are checked by .reissue, not paid by it
        folded = self.by_folded_key.get(canonical_key(row["key"]), []) if self.fold_matching and not reissued else []
        return list({order.external_id: order for order in [*exact, *folded]}.values())


def read_history(
    adapter: PayoutAdapter,
    payout_id: str,
    claimed_ids: Iterable[str],
    keep_case: bool,
    log: Any,
    created_after: str | None = None,
) -> PayoutHistory:
    """The payout's orders at the vendor created from ``created_after`` on (``None``: all), under every id
    derivation, read before anything is sent; a payout begun with the other ``keep_case`` setting is refused here
    (:func:`~.keys.mode_conflict`)."""
    orders = list(adapter.orders_with_prefix(tuple(prefixes(payout_id, adapter.vendor)), created_after))
    conflict = mode_conflict(payout_id, adapter.vendor, keep_case, (order.external_id for order in orders))
    if conflict:
        raise InputError(conflict)
    history = PayoutHistory.of(
        payout_id,
        orders,
        complete=adapter.listing_complete,
        claimed_ids=claimed_ids,
        fold_matching=not keep_case,
    )
    if keep_case and not history.complete:
        raise InputError(
            f"payout {payout_id}: keep_case=True is pinned by the payout's own orders, and the vendor lists only the "
            f"newest {adapter.list_cap:,} orders of this account, so the setting cannot be checked; continue it with "
            "keep_case=False (the default), or pay under a new payout_id; nothing was sent"
        )
    log.info(
        "Payout %s: the vendor holds %d orders of it created since %s%s",
        payout_id,
        len(history.by_id),
        created_after or "ever",
        "" if history.complete else " (a capped list: earlier ids are looked up row by row)",
    )
    return history

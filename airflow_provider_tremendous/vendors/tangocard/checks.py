"""Waiting on Tango Card: orders COMPLETE (one, a few, or a whole payout run) and an account's balance.

``COMPLETE`` succeeds; ``FAILED`` (refunded) fails at once; ``PARTIAL`` (some line items failed) fails, succeeds
or keeps waiting as the ``partial`` option says; ``PENDING`` waits. Once every order is done, line items whose
``deliveryStatus`` is ``FAILED`` (paid, but the email never reached the person: strictness.md #13) are reported as
``delivery_failed``, and fail the wait with ``fail_on_delivery_failure``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from airflow_provider_tremendous.core.checks import Call, Check, Plan, Verdict, call
from airflow_provider_tremendous.core.clock import CLOCK_PAD, parse_time
from airflow_provider_tremendous.core.order_wait import OrderWait, matches_prefix
from airflow_provider_tremendous.vendors.tangocard.api.accounts import AccountsAPI
from airflow_provider_tremendous.vendors.tangocard.api.orders import OrdersAPI
from airflow_provider_tremendous.vendors.tangocard.models import Account, LineItem, Order

PartialRule = Literal["fail", "succeed", "wait"]
#: Page size of the order scans (one request per 100 orders).
SCAN_PAGE = 100
#: ``GET /orders`` returns at most this many results, however many pages are asked (strictness.md #4).
LIST_CAP = 10_000
#: A window shorter than this is not split further (Tango's dates are RFC 3339: a second is the safe unit).
SMALLEST_SLICE = dt.timedelta(seconds=2)


@dataclass
class Scan:
    """The orders a windowed scan saw (by reference id), and whether it saw every order of the window."""

    orders: dict[str, Order] = field(default_factory=dict)
    complete: bool = True
    requests: int = 0


def scan_orders(
    filters: dict[str, Any], start: dt.datetime, end: dt.datetime, cap: int | None = None
) -> Generator[Call, Any, Scan]:
    """Every order created in ``[start, end]`` (newest first, 100 a page), under Tango's list cap: a window whose
        listing reaches the cap is split in two by date, again and again, until each part lists in full (parts overlap
        at their common instant; orders are kept once). Costs about ⌈orders in the window / 100⌉ requests plus one per
        split. Every page's count is checked, not only the first: orders placed on the account while a window is paged
    can push it past the cap mid-scan, which splits it then. ``complete`` is false only when a window of two seconds
    still holds ``cap`` orders."""
    scan, cap = Scan(), cap or LIST_CAP
    windows = [(start, end)]
    while windows:
        low, high = windows.pop()
        number = 0
        while True:
            page = yield call(
                OrdersAPI.list_orders,
                **{**filters, "start_date": low, "end_date": high, "page": number, "elements_per_block": SCAN_PAGE},
            )
            scan.requests += 1
            if (page.total_count or 0) >= cap:  # on any page: orders placed during the scan can push it past
                if high - low >= SMALLEST_SLICE:  # the cap, and then the window's oldest orders drop off its end
                    middle = low + (high - low) / 2
                    windows += [(low, middle), (middle, high)]
                    break
                scan.complete = False  # cannot be split further: list what is reachable
            for order in page.items:
                scan.orders[order.reference_order_id] = order
            number += 1
            seen = page.offset + len(page.items)
            if len(page.items) < SCAN_PAGE or (page.total_count is not None and seen >= page.total_count):
                break
    return scan


def failed_deliveries(wanted: Mapping[str, str], start: dt.datetime | None) -> Generator[Call, Any, dict[str, str]]:
    """``{name: referenceOrderID}`` of the orders in ``wanted`` (``{referenceOrderID: name}``, the name usually
    the ``externalRefID``) whose line item delivery FAILED: one keyset-paged ``GET /lineItems?deliveryStatus=FAILED``
    from ``start`` (100 a page), whatever the number of orders. Line items of other orders (another account's,
    another payout's) are ignored. Only ids are kept: line items may carry the reward's credentials."""
    found: dict[str, str] = {}
    filters: dict[str, Any] = {"delivery_status": "FAILED", "max_results": SCAN_PAGE}
    if start is not None:
        filters["start_date"] = start
    cursor: str | None = None
    while True:
        following: dict[str, Any] = {"next_cursor": cursor} if cursor else {}
        page = yield call(OrdersAPI.list_line_items, **filters, **following)
        for item in page.items:
            _note_failed(found, wanted, item)
        cursor = page.next_cursor
        if not page.items or not cursor:
            return found


def _note_failed(found: dict[str, str], wanted: Mapping[str, str], item: LineItem) -> None:
    name = wanted.get(str(item.reference_order_id))
    if name is not None and (item.delivery_status or "").upper() == "FAILED":
        found[name] = str(item.reference_order_id)


def _names(orders: Iterable[Order]) -> dict[str, str]:
    """``{referenceOrderID: externalRefID or referenceOrderID}``: how a check names each order."""
    return {o.reference_order_id: str(o.external_ref_id or o.reference_order_id) for o in orders}


class _TangoOrderWait(OrderWait):
    """What the Tango order checks share: how they read a status, name an undelivered reward and say what to do
    about it."""

    delivery_hint = (
        "resend them (POST /orders/{referenceOrderID}/resends with a corrected newEmail; at most once a day)"
    )

    def normalize_status(self, status: str | None) -> str:
        """As given: Tango's statuses are exact upper-case words (an unknown one is not a success: it waits)."""
        return status or ""

    def delivery_label(self, key: str) -> str:
        order = self.delivery_failed.get(key)
        return key if order in (None, key) else f"{key} (order {order})"


def _rules(partial: str) -> tuple[list[str], list[str]]:
    """``(success statuses, failure statuses)`` for a ``partial`` rule."""
    if partial not in ("fail", "succeed", "wait"):
        raise ValueError("partial must be 'fail', 'succeed' or 'wait'")
    success = ["COMPLETE"] + (["PARTIAL"] if partial == "succeed" else [])
    failure = ["FAILED"] + (["PARTIAL"] if partial == "fail" else [])
    return success, failure


class TangoCardOrdersCheck(_TangoOrderWait):
    """Every order in ``order_ids`` (reference order ids) must be ``COMPLETE``; once they are, each emailed one's
    line items are read for a delivery that FAILED (one more request per emailed order, on the last check only)."""

    kind = "tangocard_orders"

    def __init__(
        self, order_ids: list[str], partial: PartialRule = "fail", fail_on_delivery_failure: bool = False
    ) -> None:
        success, failure = _rules(partial)
        super().__init__(
            order_ids,
            success_statuses=success,
            failure_statuses=failure,
            fail_on_delivery_failure=fail_on_delivery_failure,
        )
        self.partial = partial

    def params(self) -> dict[str, Any]:
        return {
            "order_ids": self.order_ids,
            "partial": self.partial,
            "fail_on_delivery_failure": self.fail_on_delivery_failure,
        }

    def plan(self) -> Plan:
        found: dict[str, Order] = {}
        self.delivery_failed = {}
        for ident in self.order_ids:
            found[ident] = yield call(OrdersAPI.get_order, ident)
        statuses = {ident: order.status for ident, order in found.items()}
        verdict = self.judge(statuses)
        if verdict.state == "success":
            yield from self._find_failed_deliveries(found.values())
            verdict = self.judge(statuses) if self.delivery_failed else verdict
        if verdict.state == "success" and len(self.order_ids) == 1:
            verdict.data["order"] = found[self.order_ids[0]].to_xcom()
        return verdict

    def _find_failed_deliveries(self, orders: Iterable[Order]) -> Generator[Call, Any, None]:
        for order in orders:
            if order.send_email is not False:  # a LINK reward is handed over in the order: nothing to deliver
                page = yield call(
                    OrdersAPI.list_line_items, reference_order_id=order.reference_order_id, delivery_status="FAILED"
                )
                for item in page.items:
                    _note_failed(self.delivery_failed, _names([order]), item)


class TangoCardPayoutRunCheck(_TangoOrderWait):
    """Every order of a bulk payout run (``externalRefID`` starting with ``<payout_id>:``) must be ``COMPLETE``.

    Orders are found by listing the account's orders from ``created_after`` on, 100 per request: a run of N orders
    costs about ceil(N/100) requests per check (Tango allows 1 request per second). Once all are done, one listing
    of the line items whose delivery FAILED since ``created_after`` (:func:`failed_deliveries`) finds the rewards
    paid but not delivered: ``delivery_failed`` in the result, a failure with ``fail_on_delivery_failure``.
    """

    kind = "tangocard_payout"

    def __init__(
        self,
        external_id_prefix: str | list[str],
        expected_count: int,
        account_identifier: str | None = None,
        created_after: str | None = None,
        partial: PartialRule = "fail",
        fail_on_delivery_failure: bool = False,
        superseded: list[str] | None = None,
    ) -> None:
        success, failure = _rules(partial)
        self.superseded = list(superseded or [])
        super().__init__(
            ["payout"],
            success_statuses=success,
            failure_statuses=failure,
            created_after=created_after,
            fail_on_delivery_failure=fail_on_delivery_failure,
        )
        self.external_id_prefix = external_id_prefix
        self.expected_count = int(expected_count)
        self.account_identifier = account_identifier
        self.partial = partial

    def params(self) -> dict[str, Any]:
        return {
            "external_id_prefix": self.external_id_prefix,
            "expected_count": self.expected_count,
            "account_identifier": self.account_identifier,
            "created_after": self.created_after,
            "partial": self.partial,
            "fail_on_delivery_failure": self.fail_on_delivery_failure,
            "superseded": self.superseded,
        }

    def plan(self) -> Plan:
        self.delivery_failed = {}
        now = dt.datetime.now(dt.timezone.utc)
        start = (parse_time(self.created_after) if self.created_after else None) or now - dt.timedelta(days=400)
        filters: dict[str, Any] = {"account_identifier": self.account_identifier}
        scan = yield from scan_orders(filters, start, now + CLOCK_PAD)
        mine = {
            ident: order
            for ident, order in scan.orders.items()
            if matches_prefix(order.external_ref_id, self.external_id_prefix, set(self.superseded), order.status)
        }
        statuses = {str(order.external_ref_id): order.status for order in mine.values()}
        verdict = self.judge_found(statuses, self.expected_count, self.external_id_prefix, scan.complete)
        if verdict.state != "success":
            return verdict
        emailed = _names(o for o in mine.values() if o.send_email is not False)  # a LINK reward is not delivered
        if emailed:
            self.delivery_failed = yield from failed_deliveries(emailed, start)
        return self.judge_found(statuses, self.expected_count, self.external_id_prefix, scan.complete)


class TangoCardBalanceCheck(Check):
    """An account's ``currentBalance`` covers ``min_balance``."""

    kind = "tangocard_balance"

    def __init__(self, account_identifier: str, min_balance: float) -> None:
        self.account_identifier = account_identifier
        self.min_balance = float(min_balance)

    def params(self) -> dict[str, Any]:
        return {"account_identifier": self.account_identifier, "min_balance": self.min_balance}

    def plan(self) -> Plan:
        account: Account = yield call(AccountsAPI.get_account, self.account_identifier)
        balance = account.current_balance
        data = {"account_identifier": self.account_identifier, "current_balance": float(balance or 0)}
        data["min_balance"] = self.min_balance
        if balance is None:
            return Verdict("failure", f"account {self.account_identifier} reports no balance", data)
        if balance >= Decimal(str(self.min_balance)):
            return Verdict("success", f"{balance:.2f} covers {self.min_balance:.2f}", data)
        return Verdict("pending", f"{balance:.2f} in {self.account_identifier}, short of {self.min_balance:.2f}", data)

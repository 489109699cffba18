"""Waiting for orders to be executed: one order, or many at the cost of list calls (500 orders per request)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow_provider_tremendous.core.checks import Plan, Verdict, call
from airflow_provider_tremendous.core.order_wait import (
    CLOCK_PAD,
    MAX_EXAMPLES,
    OrderWait,
    matches_prefix,
    superseded_digest,
)
from airflow_provider_tremendous.vendors.tremendous.api.orders import OrdersAPI
from airflow_provider_tremendous.vendors.tremendous.models import Order, OrderStatus

#: Names that lived here before the vendor-neutral part of an order wait moved to ``core.order_wait``.
__all__ = [
    "CLOCK_PAD",
    "GET_EACH_UP_TO",
    "MAX_EXAMPLES",
    "OrdersCheck",
    "PayoutRunCheck",
    "matches_prefix",
    "superseded_digest",
]

#: Up to this many orders, one GET each is cheaper than scanning lists.
GET_EACH_UP_TO = 5


class OrdersCheck(OrderWait):
    """Every order in ``order_ids`` (ids or external_ids) must reach ``success_statuses``.

    :param order_ids: Tremendous order ids or external_ids.
    :param success_statuses: statuses that count as done (default ``EXECUTED``).
    :param failure_statuses: statuses that fail the wait at once (default ``FAILED``, ``CANCELED``).
    :param fail_on_pending_approval: also fail at once on ``PENDING APPROVAL``.
    :param created_after: ISO time bounding the list scan for many orders; an order older than that (e.g. one a
        re-run found by its external_id) is then read on its own, so a wrong bound costs requests, not correctness.
    """

    kind = "orders"
    delivery_hint = "resend them (POST /rewards/{id}/resend with a corrected address) or cancel them"
    success_by_default = ("EXECUTED",)
    failure_by_default = ("FAILED", "CANCELED")
    approval_statuses = frozenset({"PENDING APPROVAL"})

    def normalize_status(self, status: str | None) -> str:
        """Upper-case, single-spaced, ``CART`` read as ``OPEN`` (:meth:`OrderStatus.normalize`)."""
        return OrderStatus.normalize(status)

    def plan(self) -> Plan:
        found: dict[str, Order] = {}
        self.delivery_failed = {}
        if len(self.order_ids) > GET_EACH_UP_TO:
            found = yield from self._scan()
        for ident in self.order_ids:
            if ident not in found:  # few orders, or ones the scan did not see (e.g. created before created_after)
                found[ident] = yield call(OrdersAPI.get_order, ident)
        return self.evaluate(found)

    def _scan(self) -> Any:
        """Walk ``list_orders`` newest first (500 per page) until every wanted order was seen."""
        wanted = set(self.order_ids)
        found: dict[str, Order] = {}
        filters: dict[str, Any] = {"limit": 500, "created_at_lte": dt.datetime.now(dt.timezone.utc) + CLOCK_PAD}
        if self.created_after:
            filters["created_at_gte"] = self.created_after
        offset = 0
        while wanted - found.keys():
            page = yield call(OrdersAPI.list_orders, **filters, offset=offset)
            for order in page.items:
                for key in (order.id, order.external_id):
                    if key in wanted:
                        found[key] = order
            offset += len(page.items)
            if len(page.items) < 500 or (page.total_count is not None and offset >= page.total_count):
                break
        return found

    def evaluate(self, found: dict[str, Order]) -> Verdict:
        """Decide from the orders found (an unknown id has already raised a 404)."""
        statuses = {ident: self.normalize_status(found[ident].status) for ident in found}
        for order in found.values():
            self._note_delivery(order)
        verdict = self.judge(statuses)
        if verdict.state == "success" and len(self.order_ids) == 1:
            verdict.data["order"] = found[self.order_ids[0]].to_xcom()
        return verdict

    def _note_delivery(self, order: Order) -> None:
        """Remember an executed order whose reward delivery FAILED (strictness.md #13: its own kind of problem)."""
        delivery = order.rewards[0].delivery if order.rewards else None
        if delivery is not None and (delivery.status or "").upper() == "FAILED":
            self.delivery_failed[str(order.external_id or order.id)] = str(order.id)


class PayoutRunCheck(OrdersCheck):
    """Every order of a bulk payout run (external_ids starting with ``<payout_id>:``) must be done.

    Orders are found with list calls only (500 per request, from ``created_after`` on): a run of N orders costs
    about ceil(N/500) requests per check, plus one page per 500 other orders created meanwhile.

    :param external_id_prefix: ``<payout_id>:``, or the list of the payout's prefixes (summary
        ``external_id_prefixes``).
    :param expected_count: how many orders the run paid (fewer found is a failure).
    """

    kind = "payout"

    def __init__(
        self,
        external_id_prefix: str | list[str],
        expected_count: int,
        created_after: str | None = None,
        superseded: list[str] | None = None,
        **rules: Any,
    ) -> None:
        super().__init__(["payout"], created_after=created_after, **rules)
        self.external_id_prefix = external_id_prefix
        self.expected_count = int(expected_count)
        self.superseded = list(superseded or [])

    def params(self) -> dict[str, Any]:
        params = super().params()
        del params["order_ids"]
        return {
            **params,
            "external_id_prefix": self.external_id_prefix,
            "expected_count": self.expected_count,
            "superseded": self.superseded,
        }

    def plan(self) -> Plan:
        statuses: dict[str, str] = {}
        self.delivery_failed = {}
        filters: dict[str, Any] = {"limit": 500, "created_at_lte": dt.datetime.now(dt.timezone.utc) + CLOCK_PAD}
        if self.created_after:
            filters["created_at_gte"] = self.created_after
        offset = 0
        while True:
            page = yield call(OrdersAPI.list_orders, **filters, offset=offset)
            for order in page.items:
                if matches_prefix(order.external_id, self.external_id_prefix, set(self.superseded), order.status):
                    statuses[order.external_id] = self.normalize_status(order.status)
                    self._note_delivery(order)
            offset += len(page.items)
            if len(page.items) < 500 or (page.total_count is not None and offset >= page.total_count):
                break
        return self.judge_found(statuses, self.expected_count, self.external_id_prefix)

"""Waiting for orders to be executed: one order, or many at the cost of list calls (500 orders per request)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Collection
from typing import Any

from airflow_provider_tremendous.core.checks import Check, Plan, Verdict
from airflow_provider_tremendous.vendors.tremendous.models import Order, OrderStatus

#: Up to this many orders, one GET each is cheaper than scanning lists.
GET_EACH_UP_TO = 5
#: Statuses listed in a verdict's message and data, at most.
MAX_EXAMPLES = 20
#: Scans reach this far past "now": a worker's clock behind the vendor's must not hide the newest orders.
CLOCK_PAD = dt.timedelta(minutes=15)


def matches_prefix(
    external_id: str | None,
    prefix: str | list[str],
    superseded: Collection[str] | None = None,
    status: str | None = None,
) -> bool:
    """Whether ``external_id`` belongs to a payout known by one prefix or by its prefixes under every id
    derivation (a payout begun before canonical keys may hold orders under both), and still counts: an order a
    re-issue superseded (``superseded``: digests from the run's summary) is left out only while it ended unpaid
    (``status`` FAILED or CANCELED) — a live one counts like any other."""
    if not external_id or not str(external_id).startswith((prefix,) if isinstance(prefix, str) else tuple(prefix)):
        return False
    if not superseded or (status or "").upper() not in ("FAILED", "CANCELED"):
        return True
    return superseded_digest(str(external_id)) not in superseded


def superseded_digest(external_id: str) -> str:
    """How a run's summary names an order a re-issue superseded (short: the summary is an XCom; 48 bits)."""
    return hashlib.sha256(external_id.encode()).hexdigest()[:12]


class OrdersCheck(Check):
    """Every order in ``order_ids`` (ids or external_ids) must reach ``success_statuses``.

    :param order_ids: Tremendous order ids or external_ids.
    :param success_statuses: statuses that count as done (default ``EXECUTED``).
    :param failure_statuses: statuses that fail the wait at once (default ``FAILED``, ``CANCELED``).
    :param fail_on_pending_approval: also fail at once on ``PENDING APPROVAL``.
    :param created_after: ISO time bounding the list scan for many orders; an order older than that (e.g. one a
        re-run found by its external_id) is then read on its own, so a wrong bound costs requests, not correctness.
    """

    kind = "orders"
    #: What to do about a reward paid but not delivered, said when ``fail_on_delivery_failure`` fails the wait.
    delivery_hint = "resend them (POST /rewards/{id}/resend with a corrected address) or cancel them"

    def __init__(
        self,
        order_ids: list[str],
        success_statuses: list[str] | None = None,
        failure_statuses: list[str] | None = None,
        fail_on_pending_approval: bool = False,
        created_after: str | None = None,
        fail_on_delivery_failure: bool = False,
    ) -> None:
        if not order_ids:
            raise ValueError("order_ids must name at least one order")
        self.order_ids = list(dict.fromkeys(str(i) for i in order_ids))
        self.success_statuses = sorted({OrderStatus.normalize(s) for s in success_statuses or ["EXECUTED"]})
        self.failure_statuses = sorted({OrderStatus.normalize(s) for s in failure_statuses or ["FAILED", "CANCELED"]})
        self.fail_on_pending_approval = fail_on_pending_approval
        self.created_after = created_after
        self.fail_on_delivery_failure = fail_on_delivery_failure
        #: Orders executed whose reward delivery FAILED (the person did not get it), seen by the last plan.
        self.delivery_failed: dict[str, str] = {}

    def params(self) -> dict[str, Any]:
        return {
            "order_ids": self.order_ids,
            "success_statuses": self.success_statuses,
            "failure_statuses": self.failure_statuses,
            "fail_on_pending_approval": self.fail_on_pending_approval,
            "created_after": self.created_after,
            "fail_on_delivery_failure": self.fail_on_delivery_failure,
        }

    def plan(self) -> Plan:
        found: dict[str, Order] = {}
        self.delivery_failed = {}
        if len(self.order_ids) > GET_EACH_UP_TO:
            found = yield from self._scan()
        for ident in self.order_ids:
            if ident not in found:  # few orders, or ones the scan did not see (e.g. created before created_after)
                found[ident] = yield ("get_order", (ident,), {})
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
            page = yield ("list_orders", (), {**filters, "offset": offset})
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
        statuses = {ident: OrderStatus.normalize(found[ident].status) for ident in found}
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

    def delivery_label(self, key: str) -> str:
        """How an undelivered reward is named in a message (its external id, or its id)."""
        return key

    def judge(self, statuses: dict[str, str]) -> Verdict:
        """Success when every status is a success status; failure at the first failure status; else pending.
        Delivery failures are reported in ``delivery_failed`` (and fail the wait with ``fail_on_delivery_failure``)."""
        counts = dict(Counter(statuses.values()))
        data: dict[str, Any] = {"total": len(statuses), "status_counts": counts}
        if self.delivery_failed:
            data["delivery_failed"] = len(self.delivery_failed)
            data["delivery_failed_examples"] = sorted(self.delivery_failed)[:MAX_EXAMPLES]
            if self.fail_on_delivery_failure:
                sample = ", ".join(self.delivery_label(key) for key in sorted(self.delivery_failed)[:MAX_EXAMPLES])
                return Verdict(
                    "failure",
                    f"{len(self.delivery_failed)} reward(s) paid but not delivered (delivery FAILED): {sample}; "
                    + self.delivery_hint,
                    data,
                )
        failing = set(self.failure_statuses) | ({"PENDING APPROVAL"} if self.fail_on_pending_approval else set())
        failed = {i: s for i, s in statuses.items() if s in failing}
        if failed:
            data["failed"] = dict(list(failed.items())[:MAX_EXAMPLES])
            sample = ", ".join(f"{i} ({s})" for i, s in list(failed.items())[:MAX_EXAMPLES])
            return Verdict("failure", f"{len(failed)} order(s) in a failure status: {sample}", data)
        waiting = {i: s for i, s in statuses.items() if s not in self.success_statuses}
        if waiting:
            data["waiting"] = dict(list(waiting.items())[:MAX_EXAMPLES])
            return Verdict("pending", f"{len(waiting)} of {len(statuses)} order(s) not done yet: {counts}", data)
        failed_delivery = f"; {len(self.delivery_failed)} reward(s) NOT delivered" if self.delivery_failed else ""
        return Verdict(
            "success", f"all {len(statuses)} order(s) are {'/'.join(self.success_statuses)}{failed_delivery}", data
        )

    def judge_found(
        self, statuses: dict[str, str], expected: int, prefix: str | list[str], complete: bool = True
    ) -> Verdict:
        """A payout's verdict: a vendor failure status fails at once; fewer orders found than the run paid stays
        pending (an order not listed yet, a clock behind) until the wait's deadline; else :meth:`judge`."""
        verdict = self.judge(statuses)
        if verdict.state == "failure" or len(statuses) >= expected:
            return verdict
        why = "" if complete else " (the vendor's listing was capped)"
        data = {**verdict.data, "found": len(statuses), "expected": expected}
        return Verdict("pending", f"{len(statuses)} of the {expected} orders of {prefix}* found so far{why}", data)


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
            page = yield ("list_orders", (), {**filters, "offset": offset})
            for order in page.items:
                if matches_prefix(order.external_id, self.external_id_prefix, set(self.superseded), order.status):
                    statuses[order.external_id] = OrderStatus.normalize(order.status)
                    self._note_delivery(order)
            offset += len(page.items)
            if len(page.items) < 500 or (page.total_count is not None and offset >= page.total_count):
                break
        return self.judge_found(statuses, self.expected_count, self.external_id_prefix)

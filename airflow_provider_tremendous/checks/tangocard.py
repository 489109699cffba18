"""Waiting on Tango Card: orders COMPLETE (one, a few, or a whole payout run) and an account's balance.

``COMPLETE`` succeeds; ``FAILED`` (refunded) fails at once; ``PARTIAL`` (some line items failed) fails, succeeds
or keeps waiting as the ``partial`` option says; ``PENDING`` waits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from airflow_provider_tremendous.checks import Check, Plan, Verdict
from airflow_provider_tremendous.checks.orders import OrdersCheck, matches_prefix
from airflow_provider_tremendous.models.tangocard import Account, Order

PartialRule = Literal["fail", "succeed", "wait"]
#: Page size of the order scans (one request per 100 orders).
SCAN_PAGE = 100


def _rules(partial: str) -> tuple[list[str], list[str]]:
    """``(success statuses, failure statuses)`` for a ``partial`` rule."""
    if partial not in ("fail", "succeed", "wait"):
        raise ValueError("partial must be 'fail', 'succeed' or 'wait'")
    success = ["COMPLETE"] + (["PARTIAL"] if partial == "succeed" else [])
    failure = ["FAILED"] + (["PARTIAL"] if partial == "fail" else [])
    return success, failure


class TangoCardOrdersCheck(OrdersCheck):
    """Every order in ``order_ids`` (reference order ids) must be ``COMPLETE``."""

    kind = "tangocard_orders"

    def __init__(self, order_ids: list[str], partial: PartialRule = "fail") -> None:
        success, failure = _rules(partial)
        super().__init__(order_ids, success_statuses=success, failure_statuses=failure)
        self.partial = partial

    def params(self) -> dict[str, Any]:
        return {"order_ids": self.order_ids, "partial": self.partial}

    def plan(self) -> Plan:
        found: dict[str, Order] = {}
        for ident in self.order_ids:
            found[ident] = yield ("get_order", (ident,), {})
        verdict = self.judge({ident: order.status for ident, order in found.items()})
        if verdict.state == "success" and len(self.order_ids) == 1:
            verdict.data["order"] = found[self.order_ids[0]].to_xcom()
        return verdict


class TangoCardPayoutRunCheck(OrdersCheck):
    """Every order of a bulk payout run (``externalRefID`` starting with ``<payout_id>:``) must be ``COMPLETE``.

    Orders are found by listing the account's orders from ``created_after`` on, 100 per request: a run of N orders
    costs about ceil(N/100) requests per check (Tango allows 1 request per second).
    """

    kind = "tangocard_payout"

    def __init__(
        self,
        external_id_prefix: str | list[str],
        expected_count: int,
        account_identifier: str | None = None,
        created_after: str | None = None,
        partial: PartialRule = "fail",
    ) -> None:
        success, failure = _rules(partial)
        super().__init__(["payout"], success_statuses=success, failure_statuses=failure, created_after=created_after)
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
        }

    def plan(self) -> Plan:
        statuses: dict[str, str] = {}
        filters: dict[str, Any] = {"account_identifier": self.account_identifier, "elements_per_block": SCAN_PAGE}
        if self.created_after:
            filters["start_date"] = self.created_after
        number = 0
        while True:
            page = yield ("list_orders", (), {**filters, "page": number})
            for order in page.items:
                if matches_prefix(order.external_ref_id, self.external_id_prefix):
                    statuses[order.external_ref_id] = order.status
            number += 1
            seen = page.offset + len(page.items)
            if len(page.items) < SCAN_PAGE or (page.total_count is not None and seen >= page.total_count):
                break
        if len(statuses) < self.expected_count:
            return Verdict(
                "failure",
                f"only {len(statuses)} of the {self.expected_count} orders of {self.external_id_prefix}* were found",
                {"found": len(statuses), "expected": self.expected_count},
            )
        return self.judge(statuses)


class TangoCardBalanceCheck(Check):
    """An account's ``currentBalance`` covers ``min_balance``."""

    kind = "tangocard_balance"

    def __init__(self, account_identifier: str, min_balance: float) -> None:
        self.account_identifier = account_identifier
        self.min_balance = float(min_balance)

    def params(self) -> dict[str, Any]:
        return {"account_identifier": self.account_identifier, "min_balance": self.min_balance}

    def plan(self) -> Plan:
        account: Account = yield ("get_account", (self.account_identifier,), {})
        balance = account.current_balance
        data = {"account_identifier": self.account_identifier, "current_balance": float(balance or 0)}
        data["min_balance"] = self.min_balance
        if balance is None:
            return Verdict("failure", f"account {self.account_identifier} reports no balance", data)
        if balance >= Decimal(str(self.min_balance)):
            return Verdict("success", f"{balance:.2f} covers {self.min_balance:.2f}", data)
        return Verdict("pending", f"{balance:.2f} in {self.account_identifier}, short of {self.min_balance:.2f}", data)

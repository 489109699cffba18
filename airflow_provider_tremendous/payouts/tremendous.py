"""The Tremendous adapter: one row → one ``POST /orders`` with ``external_id`` (200 created, 201 replay)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from decimal import Decimal
from functools import cached_property
from typing import Any

from airflow_provider_tremendous import errors as e
from airflow_provider_tremendous.hooks.tremendous import TremendousHook
from airflow_provider_tremendous.models import Order, OrderStatus
from airflow_provider_tremendous.payouts.adapter import VendorOrder
from airflow_provider_tremendous.payouts.outcomes import ALREADY_EXISTED, CREATED, FAILED, Outcome

#: Errors after which sending more rows is pointless: every row would fail the same way.
STOPPING = (e.TremendousPaymentRequiredError, e.TremendousUnauthorizedError, e.TremendousForbiddenError)
#: Tolerance when comparing the API's creation time with this worker's clock.
CLOCK_SKEW = dt.timedelta(seconds=2)
#: Errors that may hide an order the API did create: look it up by external_id before reporting failure.
AMBIGUOUS = (
    e.TremendousTransportError,
    e.TremendousServerError,
    e.TremendousRateLimitError,
    e.TremendousResponseError,  # a success status with an unreadable body: the order may well exist
)


class TremendousPayoutAdapter:
    """Bulk payouts through :class:`TremendousHook` (thread-safe: one hook, many sending threads)."""

    vendor = "tremendous"

    def __init__(self, hook: TremendousHook, funding_source_id: str = "balance") -> None:
        self.hook = hook
        self.funding_source_id = funding_source_id
        self.stop_reason: str | None = None
        self._lock = threading.Lock()
        self.started = dt.datetime.now(dt.timezone.utc)

    @cached_property
    def _rates(self) -> dict[str, float]:
        return self.hook.list_forex()

    def unit_cost(self, currency: str) -> Decimal:
        if currency == "USD":
            return Decimal(1)
        rate = self._rates.get(currency)
        if not rate:
            raise e.TremendousInputError(f"no exchange rate for {currency}: the API does not price it")
        return Decimal(1) / Decimal(str(rate))

    def available_balance(self) -> Decimal | None:
        if self.funding_source_id.upper() not in ("BALANCE", "INVOICE_THEN_BALANCE"):
            return None
        meta = self.hook.get_balance().meta
        return Decimal(str(meta.available_amount)) if meta and meta.available_amount is not None else None

    def pay(self, row: dict[str, Any]) -> Outcome:
        body = {
            "external_id": row["external_id"],
            "payment": {"funding_source_id": self.funding_source_id},
            "reward": row["reward"],
        }
        try:
            response = self.hook.create_order.with_http_info(body)
        except e.TremendousConflictError:
            return self._failed(
                row,
                "external_id already used for a different reward (amount or recipient changed "
                "since it was paid): not paid again",
                permanent=True,
            )
        except STOPPING as error:
            with self._lock:
                self.stop_reason = self.stop_reason or f"{error.status} {error.message}"
            return self._failed(row, str(error), permanent=True)
        except AMBIGUOUS as error:
            return self._resolve(row, error)
        except e.TremendousAPIError as error:
            return self._failed(row, str(error), permanent=True)
        return self._paid(row, response.data, CREATED if response.status_code == 200 else ALREADY_EXISTED)

    def _resolve(self, row: dict[str, Any], error: Exception) -> Outcome:
        """The answer was lost: the order may exist. Look it up before calling it failed."""
        try:
            order = self.hook.find_order(row["external_id"])
        except e.TremendousError:
            order = None
        if order is not None:  # created by this request, or by an earlier try whose answer was lost
            created_now = order.created_at is not None and order.created_at >= self.started - CLOCK_SKEW
            return self._paid(row, order, CREATED if created_now else ALREADY_EXISTED)
        return self._failed(row, f"not paid ({error}); safe to retry: the same key will be used")

    @staticmethod
    def _paid(row: dict[str, Any], order: Order, outcome: str) -> Outcome:
        reward = order.rewards[0] if order.rewards else None
        created_at = order.created_at.isoformat() if order.created_at else None
        reward_id = reward.id if reward else None
        return Outcome.for_row(
            row, outcome, order_id=order.id, reward_id=reward_id, status=order.status, created_at=created_at
        )

    @staticmethod
    def _failed(row: dict[str, Any], error: str, permanent: bool = False) -> Outcome:
        return Outcome.for_row(row, FAILED, error=error, permanent=permanent)

    def orders_with_prefix(self, prefix: str, created_after: str | None) -> Iterator[VendorOrder]:
        filters: dict[str, Any] = {"created_at_gte": created_after} if created_after else {}
        for order in self.hook.iter_orders(**filters):
            if order.external_id and order.external_id.startswith(prefix):
                reward = order.rewards[0] if order.rewards else None
                value = reward.value if reward else None
                recipient = reward.recipient if reward else None
                yield VendorOrder(
                    external_id=order.external_id,
                    order_id=order.id,
                    status=OrderStatus.normalize(order.status),
                    amount=Decimal(str(value.denomination)) if value else Decimal(0),
                    currency=(value.currency_code or "") if value else "",
                    email=recipient.email if recipient else None,
                    phone=recipient.phone if recipient else None,
                    created_at=order.created_at.astimezone(dt.timezone.utc).isoformat() if order.created_at else None,
                    executed=order.is_executed,
                )

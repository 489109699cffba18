"""What a reward vendor must provide for bulk payouts. The core (validation, keys, caps, dry run, pre-flight,
concurrency, progress, result file, resume, reconciliation) is shared; an adapter only translates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from airflow_provider_tremendous.payouts.outcomes import Outcome


@dataclass(frozen=True)
class VendorOrder:
    """An order as reconciliation needs it, whatever the vendor."""

    external_id: str
    order_id: str
    status: str
    amount: Decimal
    currency: str
    email: str | None
    phone: str | None
    created_at: str | None
    executed: bool


class PayoutAdapter(Protocol):
    """One reward vendor."""

    vendor: str
    #: Outcomes that should stop the whole run (e.g. insufficient funds, a revoked key).
    stop_reason: str | None

    def unit_cost(self, currency: str) -> Decimal:
        """Cost in the organization's currency of one unit of ``currency``."""

    def available_balance(self) -> Decimal | None:
        """What the funding source can pay now, or ``None`` when it is not a prepaid balance."""

    def pay(self, row: dict[str, Any]) -> Outcome:
        """Pay one spooled row (idempotently, by its ``external_id``) and report what happened."""

    def orders_with_prefix(self, prefix: str, created_after: str | None) -> Iterator[VendorOrder]:
        """Every order whose external_id starts with ``prefix`` (for reconciliation)."""

"""What happened to one row, and the tally of a run."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from airflow_provider_tremendous.core.money import format_amount

CREATED = "created"
ALREADY_EXISTED = "already_existed"
ALREADY_PAID = "already_paid"  # the vendor held the row's order before this run sent anything; nothing sent
FAILED = "failed"
#: The row's order may exist: its answer was lost and so was the look-up by its key (or an earlier id could not be
#: checked). Never "not paid": the task fails naming it, and the next try looks it up before paying.
UNKNOWN = "unknown"
NOT_SENT = "not_sent"
INVALID = "invalid"
DRY_RUN = "dry_run"
PAID = frozenset({CREATED, ALREADY_EXISTED, ALREADY_PAID})
#: Vendor order statuses (both vendors) after which nothing was paid, and never will be under that key.
ENDED_UNPAID = frozenset({"FAILED", "CANCELED"})
MAX_ERRORS_IN_SUMMARY = 10


def fee_class(row: dict[str, Any]) -> str:
    """Which rows share a fee: the same campaign and products (vendors set fees per product and campaign)."""
    reward = row.get("reward") or {}
    products = ",".join(sorted(str(p) for p in reward.get("products") or []))
    return f"{reward.get('campaign_id') or ''}|{products}"


@dataclass(frozen=True)
class Charge:
    """What the vendor charged for one order, in the funding currency."""

    subtotal: Decimal
    fees: Decimal
    total: Decimal
    currency: str

    @property
    def percent(self) -> Decimal:
        """The fees as a percentage of the subtotal."""
        return self.fees / self.subtotal * 100 if self.subtotal > 0 else Decimal(0)


@dataclass
class Outcome:
    """The result of one row."""

    row: int
    key: str | None
    external_id: str | None
    outcome: str
    amount: str = ""
    currency: str = ""
    order_id: str | None = None
    reward_id: str | None = None
    status: str | None = None
    error: str | None = None
    permanent: bool = False
    created_at: str | None = None
    id_scheme: str | None = None
    recipient_hash: str | None = None
    #: The row's face value in the funding currency, and its fee class (campaign and products): for accounting.
    cost: str = ""
    fee_class: str = ""
    #: What the vendor charged for the order, when it says (processed orders only).
    charge: Charge | None = None
    #: The order was created during this run (a replay of this run's own lost answer included).
    this_run: bool = False
    #: The row's current external id (``external_id`` may name an order found under an earlier one).
    row_id: str | None = None

    @classmethod
    def for_row(cls, row: dict[str, Any], outcome: str, **fields: Any) -> Outcome:
        """The outcome of a spooled row (its number, key, external_id, id scheme, amount and currency filled in;
        ``fields`` may name another ``external_id``, e.g. one found under an earlier derivation)."""
        identity: dict[str, Any] = {k: row.get(k) for k in ("row", "key", "external_id", "amount", "currency")}
        identity["id_scheme"] = row.get("id_scheme")
        identity["recipient_hash"] = row.get("recipient_hash")
        identity["cost"] = row.get("cost") or ""
        identity["fee_class"] = fee_class(row)
        identity["row_id"] = row.get("external_id")
        return cls(outcome=outcome, **(identity | fields))

    def record(self) -> dict[str, Any]:
        """The result-file line."""
        return {
            "row": self.row,
            "key": self.key,
            "external_id": self.external_id,
            "order_id": self.order_id,
            "reward_id": self.reward_id,
            "status": self.status,
            "outcome": self.outcome,
            "amount": self.amount,
            "currency": self.currency,
            "error": self.error,
            "id_scheme": self.id_scheme,
            "created_at": self.created_at,
            "recipient_hash": self.recipient_hash,
            "charged": format_amount(self.charge.total, self.charge.currency) if self.charge else None,
            "fees": format_amount(self.charge.fees, self.charge.currency) if self.charge else None,
            "charge_currency": self.charge.currency if self.charge else None,
        }


@dataclass
class Tally:
    """Counts and totals of a run, and a few example errors: small whatever the batch size."""

    started: float = field(default_factory=time.monotonic)
    outcomes: Counter[str] = field(default_factory=Counter)
    paid_by_currency: dict[str, Decimal] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    first_created_at: str | None = None
    #: A few rows whose outcome is unknown, as ``row N (key)``: the task's failure names them.
    unknown_rows: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.outcomes[outcome.outcome] += 1
        if outcome.outcome in PAID and outcome.amount:
            total = self.paid_by_currency.get(outcome.currency, Decimal(0)) + Decimal(outcome.amount)
            self.paid_by_currency[outcome.currency] = total
        if outcome.created_at and (self.first_created_at is None or outcome.created_at < self.first_created_at):
            self.first_created_at = outcome.created_at
        if outcome.outcome == UNKNOWN and len(self.unknown_rows) < MAX_ERRORS_IN_SUMMARY:
            self.unknown_rows.append(f"row {outcome.row} ({outcome.key})")
        if outcome.error and len(self.errors) < MAX_ERRORS_IN_SUMMARY:
            self.errors.append(f"row {outcome.row} ({outcome.key}): {outcome.error}"[:300])

    @property
    def paid(self) -> int:
        return sum(self.outcomes[o] for o in PAID)

    @property
    def failed(self) -> int:
        return self.outcomes[FAILED] + self.outcomes[NOT_SENT]

    @property
    def unknown(self) -> int:
        return self.outcomes[UNKNOWN]

"""What a payout is charged (face value plus the vendor's fees, in the funding currency), and the run's own
accounting that keeps it within ``max_total_amount``, ``max_amount_per_recipient`` and the balance.

Vendors report fees only on processed orders (Tremendous: ``payment.fees``, absent while an order is
``PENDING APPROVAL``; Tango Card: ``amountCharged.fee``), and other spenders share the balance, so no client can
promise more than its own accounting. The rule:

- a declared bound (``max_fee_percent``) prices every row up front: face x (1 + bound), plus one minor unit per
  order for the vendor's rounding;
- without one, whenever a cap or the balance must be checked, the first order of each *fee class* (the row's
  campaign and products: fees are set per product and campaign) is sent alone and the run waits until it is
  charged; the rest is priced at the highest rate learned so far;
- orders in flight or not yet priced count at that rate. After every charge, caps and balance are re-checked
  against what was charged so far plus the priced rest; the run stops *before* its own accounting would exceed
  one (rows left ``not_sent``, the task fails with the numbers). A charge above the declared bound stops the run
  too: the bound was wrong, and every further order would be mispriced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.errors import TremendousInputError
from airflow_provider_tremendous.money import AmountError, decimals_for, parse_amount
from airflow_provider_tremendous.payouts.outcomes import ALREADY_EXISTED, CREATED, Charge, Outcome, fee_class

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.prepare import RecipientTotal

__all__ = ["Budget", "Charge", "Limits", "Scope", "fee_class", "parse_fee_percent"]

HUNDRED = Decimal(100)


def parse_fee_percent(value: Any) -> Decimal | None:
    """``max_fee_percent`` read like any amount (``"2.5"``, ``2``, ``Decimal("0")``), 0 to 100."""
    if value is None:
        return None
    if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip() in ("0", "0.0"):
        return Decimal(0)
    try:
        return parse_amount(value, decimals=4, maximum=HUNDRED)
    except AmountError as error:
        raise TremendousInputError(
            f"max_fee_percent: {error}; give the highest fee your products charge, as a percentage of the face "
            "value (e.g. 2.5, or 0 when every product is fee-free); nothing was sent"
        ) from None


@dataclass(frozen=True)
class Limits:
    """What the run must stay within, in the funding currency (``None``: not checked)."""

    total_cap: Decimal | None = None
    recipient_cap: Decimal | None = None
    balance: Decimal | None = None

    @property
    def any(self) -> bool:
        return any(limit is not None for limit in (self.total_cap, self.recipient_cap, self.balance))


@dataclass(frozen=True)
class Scope:
    """The money a run is about, from the validation pass (all shards) and the result file (this shard)."""

    face_total: Decimal  # every valid row of the payout, in the funding currency
    rows_total: int
    recipients: dict[str, RecipientTotal]  # identity -> its face total and rows
    face_to_pay: Decimal  # this shard's rows not recorded as paid
    rows_to_pay: int


@dataclass
class Budget:
    """The run's accounting of charges against its limits; fed every outcome, in the calling thread."""

    currency: str
    declared: Decimal | None
    limits: Limits
    scope: Scope
    learned: dict[str, Decimal] = field(default_factory=dict)
    highest: Decimal = Decimal(0)  # the highest fee percentage charged so far
    charged: Decimal = Decimal(0)  # what this run's new orders were charged, where known
    fees: Decimal = Decimal(0)
    charged_face: Decimal = Decimal(0)  # the face of those orders
    charged_rows: int = 0
    unpriced_face: Decimal = Decimal(0)  # new orders whose charge is not known yet
    unpriced_rows: int = 0
    done_face: Decimal = Decimal(0)  # rows of this run with an outcome (paid, failed, not sent)
    done_rows: int = 0

    @property
    def learning(self) -> bool:
        """No declared bound, and a cap or the balance needs prices: fees are learned from charged orders."""
        return self.declared is None and self.limits.any

    @property
    def known(self) -> bool:
        """Whether rows can be priced with fees: a declared bound, or a fee learned from a charged order."""
        return self.declared is not None or bool(self.learned)

    @property
    def rate(self) -> Decimal:
        """The fee percentage unsent, in-flight and unpriced orders count at."""
        return max(self.declared or Decimal(0), self.highest)

    def needs_learning(self, row: dict[str, Any]) -> bool:
        """Whether this row must be sent alone, and charged, before the next (its fee class is not known yet)."""
        return self.learning and fee_class(row) not in self.learned

    def price(self, face: Decimal, rows: int) -> Decimal:
        """What ``rows`` orders of ``face`` in all may be charged: face plus fees at :attr:`rate`, plus one minor
        unit per order for the vendor's rounding of each fee."""
        if self.rate == 0:
            return face
        unit = Decimal(1).scaleb(-decimals_for(self.currency))
        return face + face * self.rate / HUNDRED + unit * rows

    # -- before sending --------------------------------------------------------------------------------------
    def preflight(self, funding_hint: str) -> None:
        """Refuse before anything is sent when the priced payout already breaks a limit."""
        reason = self.over(funding_hint)
        if reason:
            raise TremendousInputError(f"{reason}; nothing was sent")

    def describe(self) -> str:
        """How rows are priced, for the log and the summary."""
        if self.declared is not None:
            return f"face + fees up to max_fee_percent={self.declared}%"
        if not self.limits.any:
            return "face value (no cap or balance check needs fees)"
        if not self.learned:
            return "face value until the first charged order of each campaign/product teaches the fee"
        return f"face + fees at the highest rate charged so far ({self.highest:.4f}%)"

    # -- while sending -----------------------------------------------------------------------------------------
    def record(self, outcome: Outcome) -> str | None:
        """Account for one row's outcome; the reason the run must stop now, if any."""
        face, charge = Decimal(outcome.cost or 0), outcome.charge
        self.done_face += face
        self.done_rows += 1
        if charge is not None and outcome.outcome in (CREATED, ALREADY_EXISTED):
            problem = self._learn(outcome, charge)
            if problem:
                return problem
        if outcome.outcome == CREATED:
            if charge is None:
                self.unpriced_face += face
                self.unpriced_rows += 1
            else:
                self.charged += charge.total
                self.fees += charge.fees
                self.charged_face += face
                self.charged_rows += 1
        return self.over()

    def _learn(self, outcome: Outcome, charge: Charge) -> str | None:
        if charge.currency.upper() != self.currency.upper():
            return (
                f"order {outcome.order_id} was charged in {charge.currency}, not in the funding currency "
                f"{self.currency} this run accounts in"
            )
        percent = charge.percent
        if self.declared is not None:
            allowed = charge.subtotal * self.declared / HUNDRED
            unit = Decimal(1).scaleb(-decimals_for(self.currency))
            if charge.fees > allowed.quantize(unit, rounding=ROUND_CEILING):
                return (
                    f"order {outcome.order_id} (row {outcome.row}) was charged fees of {charge.fees:.2f} "
                    f"{charge.currency} on {charge.subtotal:.2f} ({percent:.2f}%), above "
                    f"max_fee_percent={self.declared}: every further order would be mispriced. Declare the real "
                    "highest fee and retry"
                )
        cls = outcome.fee_class
        self.learned[cls] = max(self.learned.get(cls, Decimal(0)), percent)
        self.highest = max(self.highest, percent)
        return None

    def over(self, funding_hint: str = "") -> str | None:
        """The first limit the run's accounting breaks, with the numbers, or ``None``."""
        limits, scope, currency = self.limits, self.scope, self.currency
        so_far = f"{self.charged:.2f} charged by this run so far, " if self.charged_rows else ""
        how = f"{so_far}priced at {self.describe()}"
        if limits.total_cap is not None:
            unsent = scope.face_total - self.charged_face
            total = self.charged + self.price(unsent, scope.rows_total - self.charged_rows)
            if total > limits.total_cap:
                return (
                    f"the payout would be charged {total:.2f} {currency}, over max_total_amount={limits.total_cap} "
                    f"({how})"
                )
        if limits.recipient_cap is not None:
            who, most = self.worst_recipient()
            if most > limits.recipient_cap:
                return (
                    f"recipient {who} would be charged {most:.2f} {currency}, over "
                    f"max_amount_per_recipient={limits.recipient_cap} ({how})"
                )
        if limits.balance is not None:
            needed = self.run_total()
            if needed > limits.balance:
                fund = f"; fund the balance (e.g. {funding_hint}) and retry" if funding_hint else ""
                return (
                    f"the balance had {limits.balance:.2f} {currency} available but this run needs {needed:.2f} "
                    f"({how}): short by {needed - limits.balance:.2f}{fund}"
                )
        return None

    def run_total(self) -> Decimal:
        """What this run's orders cost: charged so far, plus unpriced orders and unsent rows at :attr:`rate`."""
        left_face = self.scope.face_to_pay - self.done_face
        left_rows = self.scope.rows_to_pay - self.done_rows
        return (
            self.charged
            + self.price(self.unpriced_face, self.unpriced_rows)
            + self.price(max(left_face, Decimal(0)), max(left_rows, 0))
        )

    def worst_recipient(self) -> tuple[str, Decimal]:
        """The recipient identity whose rows are priced highest."""
        worst = ("", Decimal(0))
        for who, recipient in self.scope.recipients.items():
            priced = self.price(recipient.total, recipient.rows)
            if priced > worst[1]:
                worst = (who, priced)
        return worst

    def summary(self) -> dict[str, Any]:
        """Face and charged amounts for the run's summary."""
        return {
            "funding_currency": self.currency,
            "fee_pricing": self.describe(),
            "fee_percent_charged_max": f"{self.highest:.4f}" if self.learned else None,
            "charged": f"{self.charged:.2f}",
            "fees_charged": f"{self.fees:.2f}",
            "orders_not_yet_charged": self.unpriced_rows,
            "run_priced_total": f"{self.run_total():.2f}",
        }

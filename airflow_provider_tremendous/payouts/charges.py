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

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.core.money import AmountError, decimals_for, parse_amount
from airflow_provider_tremendous.payouts.outcomes import (
    ALREADY_EXISTED,
    CREATED,
    FAILED,
    UNKNOWN,
    Charge,
    Outcome,
    fee_class,
)

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
        raise InputError(
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
class ClassRate:
    """What charged orders of one fee class say about its fee percentage: the highest seen, and the lowest upper
    bound (a fee is rounded per order, so a 0.00 fee on 1.00 only says the rate is below 1 %)."""

    point: Decimal = Decimal(0)
    upper: Decimal | None = None

    def add(self, charge: Charge, unit: Decimal) -> None:
        self.point = max(self.point, charge.percent)
        if charge.subtotal > 0:
            upper = (charge.fees + unit) / charge.subtotal * HUNDRED
            self.upper = upper if self.upper is None else min(self.upper, upper)

    @property
    def rate(self) -> Decimal:
        return max(self.point, self.upper if self.upper is not None else self.point)


#: The fee class of charges known before the run (earlier tries, the vendor's history): their rows are not read.
EARLIER = "(orders paid earlier)"


@dataclass
class Budget:
    """The run's accounting of charges against its limits; fed every outcome (under the run's lock)."""

    currency: str
    declared: Decimal | None
    limits: Limits
    scope: Scope
    learned: dict[str, ClassRate] = field(default_factory=dict)
    counted: set[str] = field(default_factory=set)  # order ids whose charge is in the payout's figures
    covered: set[str] = field(default_factory=set)  # rows (current external ids) whose face those charges cover
    #: Per recipient identity, what the payout's earlier orders charged them, and the face of current rows covered.
    recipient_known: dict[str, tuple[Decimal, Decimal, int]] = field(default_factory=dict)
    # The whole payout (earlier tries, other shards, this run): charges known, and the face they cover.
    payout_charged: Decimal = Decimal(0)
    payout_covered: Decimal = Decimal(0)
    payout_covered_rows: int = 0
    # This run's orders: charged where known; orders that may be charged but are not priced yet.
    charged: Decimal = Decimal(0)
    fees: Decimal = Decimal(0)
    unpriced_face: Decimal = Decimal(0)
    unpriced_rows: int = 0
    done_face: Decimal = Decimal(0)  # rows of this run with an outcome (paid, failed, not sent)
    done_rows: int = 0
    #: The limits hold at the fees charged but not at the upper bound their rounding allows: rows go one at a time
    #: (each one's charge narrows the bound), each only if it fits at the upper bound.
    careful: bool = False
    #: Rows admitted in careful mode and not yet recorded: what their upper bound adds (row number -> amount).
    admitted: dict[int, Decimal] = field(default_factory=dict)
    _worst: dict[Decimal, tuple[str, Decimal]] = field(default_factory=dict, repr=False)

    @property
    def unit(self) -> Decimal:
        """One minor unit of the funding currency (a cent)."""
        return Decimal(1).scaleb(-decimals_for(self.currency))

    @property
    def learning(self) -> bool:
        """No declared bound, and a cap or the balance needs prices: fees are learned from charged orders."""
        return self.declared is None and self.limits.any

    @property
    def rate(self) -> Decimal:
        """The fee percentage unsent, in-flight and unpriced orders count at: the declared bound (a charge above
        it stops the run), else the highest learned (each class's rate allows for the rounding of its fees)."""
        if self.declared is not None:
            return self.declared
        return max((learned.rate for learned in self.learned.values()), default=Decimal(0))

    @property
    def point_rate(self) -> Decimal:
        """The highest fee percentage actually charged (the declared bound, when there is one)."""
        if self.declared is not None:
            return self.declared
        return max((learned.point for learned in self.learned.values()), default=Decimal(0))

    def needs_learning(self, row: dict[str, Any]) -> bool:
        """Whether this row must be sent alone, and charged, before the next: its fee class is not known yet, or
        the limits hold at the fees charged but not at their rounding's upper bound (:attr:`careful`)."""
        return self.learning and (self.careful or fee_class(row) not in self.learned)

    def price(self, face: Decimal, rows: int, rate: Decimal | None = None) -> Decimal:
        """What ``rows`` orders of ``face`` in all may be charged: face plus fees at ``rate`` (default
        :attr:`rate`), plus one minor unit per order for the vendor's rounding of each fee."""
        rate = self.rate if rate is None else rate
        if rate == 0:
            return face
        return face + face * rate / HUNDRED + self.unit * rows

    def admit(self, row: dict[str, Any]) -> str | None:
        """In :attr:`careful` mode, before a row is sent alone: the reason not to send it, if the limits would not
        hold with this row at the upper bound and the rest at the fees charged so far."""
        if not self.careful:
            return None
        face = Decimal(row.get("cost") or 0)
        extra = self.price(face, 1) - self.price(face, 1, self.point_rate)
        doubt = self.price(self.unpriced_face, self.unpriced_rows)  # orders not priced yet: at the upper bound too
        doubt -= self.price(self.unpriced_face, self.unpriced_rows, self.point_rate)
        reason = self.over(rate=self.point_rate, extra=extra + doubt + sum(self.admitted.values(), Decimal(0)))
        if reason is None:
            self.admitted[int(row["row"])] = extra
            return None
        return (
            f"{reason}: the fees charged so far ({self.point_rate:.4f}%) would fit, but each fee is rounded, so up to "
            f"{self.rate:.4f}% is possible; pass max_fee_percent (0 if your products are fee-free) to price exactly"
        )

    # -- before sending --------------------------------------------------------------------------------------
    def seed(
        self,
        order_id: str,
        charge: Charge,
        covers: tuple[str, Decimal] | None,
        identities: Sequence[str] = (),
        shared: Sequence[str] = (),
        learn: bool = True,
    ) -> str | None:
        """A charge of this payout known before the run (the result file, the vendor's orders): it counts in the
        payout's total and its recipient's, and teaches the fee. ``covers``: the current row the order is the
        payment of (same id, cost and recipient), as ``(external id, cost)``; that row is not priced again.
        ``identities``: who the order paid (``email ...``, ``phone ...``), when the vendor says; its charge counts
        for each. ``shared``: those the covered row still has; only theirs have the row's face covered. ``learn``:
        false for an order not charged yet (pending approval...), counted at its priced face: it teaches nothing."""
        problem = self._learn(EARLIER, charge, f"order {order_id}") if learn else None
        self._worst.clear()  # a recipient's earlier charges change
        if not self._count(order_id, charge):
            return problem
        if covers is not None:
            self._cover(*covers)
        for who in identities:
            charged, face, rows = self.recipient_known.get(who, (Decimal(0), Decimal(0), 0))
            if covers is not None and who in shared:
                face, rows = face + covers[1], rows + 1
            self.recipient_known[who] = (charged + charge.total, face, rows)
        return problem

    def preflight(self, funding_hint: str) -> None:
        """Refuse before anything is sent when the priced payout already breaks a limit, or, while the fee is to be
        learned, leaves no room for any fee at all (the run would stop after its first order)."""
        reason = self.over(funding_hint)
        if reason and self.learning and self.over(rate=self.point_rate) is None:
            self.careful = True  # fees already learned fit; only their rounding leaves doubt: one row at a time
            reason = None
        if reason:
            raise InputError(f"{reason}; nothing was sent")
        if self.learning and self.rate == 0 and self.scope.rows_to_pay > 1:
            reason = self.over(funding_hint, rate=Decimal("0.000001"))
            if reason:
                raise InputError(
                    f"{reason.split(' (')[0]} with any fee at all, and the fee is known only once orders are charged; "
                    f"pass max_fee_percent (0 if your products are fee-free) or raise the limit; nothing was sent"
                )

    def describe(self) -> str:
        """How rows are priced, for the log and the summary."""
        if self.declared is not None:
            return f"face + fees up to max_fee_percent={self.declared}%"
        if not self.limits.any:
            return "face value (no cap or balance check needs fees)"
        if not self.learned:
            return "face value until the first charged order of each campaign/product teaches the fee"
        return f"face + fees at up to {self.rate:.4f}% (learned from charged orders, allowing for rounding)"

    # -- while sending -----------------------------------------------------------------------------------------
    def record(self, outcome: Outcome) -> str | None:
        """Account for one row's outcome; the reason the run must stop now, if any."""
        face, charge = Decimal(outcome.cost or 0), outcome.charge
        self.admitted.pop(outcome.row, None)
        self.done_face += face
        self.done_rows += 1
        paid = outcome.outcome in (CREATED, ALREADY_EXISTED)
        ours = outcome.outcome == CREATED or outcome.this_run
        if paid and charge is not None:
            problem = self._learn(outcome.fee_class, charge, f"order {outcome.order_id} (row {outcome.row})")
            if problem:
                return problem
            new = self._count(outcome.order_id or f"row {outcome.row}", charge)
            self._cover(str(outcome.row_id), face)  # this row's payment: its own face is no longer to price
            if new and ours:
                self.charged += charge.total
                self.fees += charge.fees
        elif (paid and ours) or outcome.outcome == UNKNOWN or (outcome.outcome == FAILED and not outcome.permanent):
            self.unpriced_face += face  # charged later, or perhaps already (an answer lost): count it at the rate
            self.unpriced_rows += 1
        return self.check()

    def check(self) -> str | None:
        """Stop when the limits break at the fees charged; go :attr:`careful` when they break only at the upper
        bound of those fees' rounding."""
        reason = self.over()
        if reason is None or self.declared is not None:
            self.careful = False
            return reason
        if self.over(rate=self.point_rate) is not None:
            return reason
        self.careful = True
        return None

    def _count(self, order_id: str, charge: Charge) -> bool:
        if order_id in self.counted:
            return False
        self.counted.add(order_id)
        self.payout_charged += charge.total
        return True

    def _cover(self, row_id: str, face: Decimal) -> None:
        """A row whose charge is counted: its face leaves the priced rest (once)."""
        if row_id in self.covered:
            return
        self.covered.add(row_id)
        self.payout_covered += face
        self.payout_covered_rows += 1

    def _learn(self, cls: str, charge: Charge, what: str) -> str | None:
        if charge.currency and charge.currency.upper() != self.currency.upper():
            return f"{what} was charged in {charge.currency}, not in the funding currency {self.currency}"
        if self.declared is not None:
            allowed = (charge.subtotal * self.declared / HUNDRED).quantize(self.unit, rounding=ROUND_CEILING)
            if charge.fees > allowed:
                return (
                    f"{what} was charged fees of {charge.fees:.2f} {charge.currency} on {charge.subtotal:.2f} "
                    f"({charge.percent:.2f}%), above max_fee_percent={self.declared}: every further order would be "
                    "mispriced. Declare the real highest fee and retry"
                )
        self.learned.setdefault(cls, ClassRate()).add(charge, self.unit)
        return None

    def over(self, funding_hint: str = "", rate: Decimal | None = None, extra: Decimal = Decimal(0)) -> str | None:
        """The first limit the run's accounting breaks (rows priced at ``rate``, plus ``extra`` for a row about to
        be sent), with the numbers, or ``None``."""
        limits, currency = self.limits, self.currency
        so_far = f"{self.payout_charged:.2f} charged so far, " if self.counted else ""
        how = f"{so_far}priced at {self.describe()}"
        if limits.total_cap is not None:
            total = self.payout_total(rate) + extra
            if total > limits.total_cap:
                return (
                    f"the payout would be charged {total:.2f} {currency}, over max_total_amount={limits.total_cap} "
                    f"({how})"
                )
        if limits.recipient_cap is not None:
            who, most = self.worst_recipient(rate)
            if most + extra > limits.recipient_cap:
                return (
                    f"recipient {who} would be charged {most + extra:.2f} {currency}, over "
                    f"max_amount_per_recipient={limits.recipient_cap} (priced at {self.describe()})"
                )
        if limits.balance is not None:
            needed = self.run_total(rate) + extra
            if needed > limits.balance:
                fund = f"; fund the balance (e.g. {funding_hint}) and retry" if funding_hint else ""
                mine = f"{self.charged:.2f} charged by this run so far, " if self.charged else ""
                return (
                    f"the balance had {limits.balance:.2f} {currency} available but this run needs {needed:.2f} "
                    f"({mine}priced at {self.describe()}): short by {needed - limits.balance:.2f}{fund}"
                )
        return None

    def payout_total(self, rate: Decimal | None = None) -> Decimal:
        """What the whole payout is charged: every charge known, plus every other row priced."""
        left = max(self.scope.face_total - self.payout_covered, Decimal(0))
        rows = max(self.scope.rows_total - self.payout_covered_rows, 0)
        return self.payout_charged + self.price(left, rows, rate)

    def run_total(self, rate: Decimal | None = None) -> Decimal:
        """What this run's orders cost: charged so far, plus unpriced orders and unsent rows at ``rate``."""
        left_face = self.scope.face_to_pay - self.done_face
        left_rows = self.scope.rows_to_pay - self.done_rows
        return (
            self.charged
            + self.price(self.unpriced_face, self.unpriced_rows, rate)
            + self.price(max(left_face, Decimal(0)), max(left_rows, 0), rate)
        )

    def worst_recipient(self, rate: Decimal | None = None) -> tuple[str, Decimal]:
        """The recipient identity charged most: what the payout's earlier orders charged them, plus their rows not
        covered by those orders, priced. It changes only with the rate (earlier charges are all known before the
        run), so it is computed once per rate: not once per row sent, which would be quadratic."""
        rate = self.rate if rate is None else rate
        if rate not in self._worst:
            self._worst[rate] = self._worst_at(rate)
        return self._worst[rate]

    def _worst_at(self, rate: Decimal) -> tuple[str, Decimal]:
        worst = ("", Decimal(0))
        for who in self.scope.recipients.keys() | self.recipient_known.keys():
            recipient = self.scope.recipients.get(who)
            total, rows = (recipient.total, recipient.rows) if recipient else (Decimal(0), 0)
            charged, face, covered_rows = self.recipient_known.get(who, (Decimal(0), Decimal(0), 0))
            priced = charged + self.price(max(total - face, Decimal(0)), max(rows - covered_rows, 0), rate)
            if priced > worst[1]:
                worst = (who, priced)
        return worst

    def summary(self) -> dict[str, Any]:
        """Face and charged amounts for the run's summary."""
        return {
            "funding_currency": self.currency,
            "fee_pricing": self.describe(),
            "fee_percent_charged_max": f"{max(r.point for r in self.learned.values()):.4f}" if self.learned else None,
            "charged": f"{self.charged:.2f}",
            "fees_charged": f"{self.fees:.2f}",
            "orders_not_yet_charged": self.unpriced_rows,
            "run_priced_total": f"{self.run_total():.2f}",
            "payout_charged_known": f"{self.payout_charged:.2f}",
        }

"""What a reward vendor must provide for bulk payouts, and the one place where an answer becomes an outcome.

The core (validation, keys, caps, dry run, pre-flight, concurrency, progress, result file, resume, reconciliation)
is shared. :class:`VendorAdapter` holds the money rules every vendor follows when paying one row: a replay is
"already existed", an ambiguous failure (lost answer, 5xx, 429 after retries, unreadable body) is looked up by
its idempotency key before being called failed, insufficient funds or revoked credentials stop the run. A vendor
adapter only translates: how a row becomes a request, how a replay is recognised, how an order is looked up and
listed, how funds and prices are read.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.payouts.outcomes import (
    ALREADY_EXISTED,
    ALREADY_PAID,
    CREATED,
    ENDED_UNPAID,
    FAILED,
    NOT_SENT,
    UNKNOWN,
    Charge,
    Outcome,
)
from airflow_provider_tremendous.payouts.protocol import (
    PayoutAdapter,
    Placed,
    Unpriced,
    VendorOrder,
    account_fingerprint,
)

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.history import PayoutHistory

#: Tolerance when comparing the API's creation time with this worker's clock.
CLOCK_SKEW = dt.timedelta(seconds=2)
#: Errors that may hide an order the API did create: look it up by its idempotency key before reporting failure.
AMBIGUOUS = (
    e.TransportError,
    e.ServerError,
    e.RateLimitError,
    e.ResponseError,  # a success status with an unreadable body: the order may well exist
)
#: Errors after which sending more rows is pointless: every row would fail the same way.
STOPPING = (e.PaymentRequiredError, e.UnauthorizedError, e.ForbiddenError)
#: How long a run waits for the vendor to charge the order that teaches it the fee (``max_fee_percent`` avoids it).
FEE_WAIT_SECONDS = 120.0


def pause(seconds: float) -> None:
    """Wait between polls of an order's charge (tests move the sandbox clock instead)."""
    time.sleep(seconds)


class _StopGate:
    """The run's stop, as the transport's send gate sees it; counts the attempts it was asked about."""

    def __init__(self, adapter: VendorAdapter) -> None:
        self.adapter = adapter
        self.checks = 0

    def __call__(self) -> str | None:
        self.checks += 1
        return self.adapter.stop_reason


class VendorAdapter:
    """The shared way of paying one row; subclasses implement :meth:`submit`, :meth:`lookup` and the rest of
    :class:`PayoutAdapter` (thread-safe: one hook, many sending threads)."""

    vendor: ClassVar[str] = ""
    done_status: ClassVar[str] = ""
    funding_hint: ClassVar[str] = "a deposit"

    #: Tango Card lists at most 10,000 orders: a history that long may be incomplete.
    list_cap: ClassVar[int | None] = None

    def __init__(self) -> None:
        self.stop_reason: str | None = None
        #: The payout's orders at the vendor, read before sending (set by the run; ``None``: look up row by row).
        self.history: PayoutHistory | None = None
        #: How many orders the last :meth:`orders_with_prefix` listing returned in all (matching or not), and
        #: whether it saw every order of its window (Tango Card's cap can hide some).
        self.listed = 0
        self.listing_complete = True
        #: A reason the run must fail whatever ``fail_on_error`` says (the payout's keep_case setting differs).
        self.fatal_reason: str | None = None
        #: Rows that must be charged before the run goes on (their fee class's fee is being learned).
        self.learns_fee: Callable[[dict[str, Any]], bool] = lambda row: False
        self._lock = threading.Lock()
        self.started = dt.datetime.now(dt.timezone.utc)

    def stop(self, reason: str, fatal: bool = False) -> None:
        """Stop the run (the one stop mechanism): no new order is sent; ``fatal`` fails the task whatever
        ``fail_on_error`` says. The first reason given is kept."""
        with self._lock:
            self.stop_reason = self.stop_reason or reason
            if fatal:
                self.fatal_reason = self.fatal_reason or reason

    # -- what a vendor implements ------------------------------------------------------------------------------
    def submit(self, row: dict[str, Any]) -> tuple[Placed, bool]:
        """Send the row's order with its idempotency key; return it and whether it was a replay."""
        raise NotImplementedError

    def lookup(self, external_id: str) -> Placed | None:
        """The order placed with this idempotency key, or ``None``."""
        raise NotImplementedError

    def find(self, external_id: str) -> VendorOrder | None:
        """The order placed with this idempotency key, as reconciliation sees it, or ``None``."""
        raise NotImplementedError

    def with_delivery_status(self, orders: dict[str, VendorOrder], created_after: str | None) -> dict[str, VendorOrder]:
        """``orders`` with ``delivery_status`` filled in (Tremendous orders carry it already; Tango Card's line
        items hold it)."""
        return orders

    def charge_of(self, order_id: str) -> Charge | None:
        """The order's charge once processed; ``None`` while it is not yet; :class:`Unpriced` when it will not be
        soon (waiting for approval) or never (failed, canceled)."""
        raise NotImplementedError

    def rejected(self, row: dict[str, Any], error: e.ApiError) -> Outcome:
        """A definite refusal (4xx): the row is not paid, and retrying the same request will not change that."""
        return self.failed(row, str(error), permanent=True)

    def row_problems(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        return []

    def row_defaults(self, defaults: dict[str, Any]) -> dict[str, Any]:
        return defaults

    def summary_fields(self) -> dict[str, Any]:
        return {}

    # -- the shared rules ----------------------------------------------------------------------------------
    def pay(self, row: dict[str, Any]) -> Outcome:
        if self.stop_reason:  # stopped while this row waited in the queue: no new order
            return Outcome.for_row(row, NOT_SENT, error=f"not sent: the run stopped ({self.stop_reason})")
        earlier = self.paid_earlier(row)
        if earlier is not None:
            return earlier
        outcome = self._send(row)
        if outcome.outcome in (CREATED, ALREADY_EXISTED) and outcome.charge is None and self.learns_fee(row):
            return self.await_charge(row, outcome)  # a replay or a found order too: it may be this run's
        return outcome

    def _send(self, row: dict[str, Any]) -> Outcome:
        from airflow_provider_tremendous.core.transport.client import send_gate

        gate = _StopGate(self)
        try:
            with send_gate(gate):  # a stop while this order waits for its turn: it is not sent
                placed, replay = self.submit(row)
        except e.NotSentError as error:
            if gate.checks <= 1:  # nothing of this row ever left
                return Outcome.for_row(row, NOT_SENT, error=f"not sent: the run stopped ({error.reason})")
            return self.resolve(row, error)  # an earlier attempt may have reached the vendor: look it up
        except STOPPING as error:
            self.stop(f"{error.status} {error.message}")
            return self.failed(row, str(error), permanent=True)
        except AMBIGUOUS as error:
            return self.resolve(row, error)
        except e.ApiError as error:
            if error.in_progress:  # still in process after every retry: it exists or soon will
                return self.resolve(row, error)
            return self.rejected(row, error)
        if replay:
            return self.matching(row, placed, ALREADY_EXISTED)
        return self.paid(row, placed, CREATED)

    def matching(self, row: dict[str, Any], placed: Placed, outcome: str) -> Outcome:
        """A replayed or looked-up order is this row's payment only if it is for what the row asks (a vendor may
        answer a reused key with the original order, whatever the new request says: strictness.md #5)."""
        from airflow_provider_tremendous.payouts.history import differences

        changed = differences(row, placed.view) if placed.view is not None else []
        if changed:
            outcome_ = self.failed(
                row,
                f"external id already used for a different reward (order {placed.order_id} is for "
                f"{', '.join(changed)}): not paid again. Pay this person under a new key",
                permanent=True,
            )
            outcome_.order_id, outcome_.status = placed.order_id, placed.status
            return outcome_
        return self.paid(row, placed, outcome)

    def await_charge(self, row: dict[str, Any], outcome: Outcome) -> Outcome:
        """Wait for the order that teaches the run its fee to be charged. An order that will not be charged soon
        stops the run (it stays paid); one the vendor FAILED or CANCELED is not paid."""
        deadline = time.monotonic() + FEE_WAIT_SECONDS
        interval = 0.25
        why = "it was not processed in time"
        while time.monotonic() < deadline:
            try:
                charge = self.charge_of(str(outcome.order_id))
            except Unpriced as unpriced:
                if unpriced.ended:
                    return self.ended_unpaid(row, str(outcome.order_id), unpriced.ended)
                why = str(unpriced)
                break
            except e.ProviderError as error:
                why = f"it could not be read ({error})"
                break
            if charge is not None:
                outcome.charge = charge
                return outcome
            pause(interval)
            interval = min(interval * 2, 5.0)
        self.stop(
            f"the fee is unknown: order {outcome.order_id} (row {row['row']}) was not charged ({why}), and without "
            "max_fee_percent the run prices orders only by what the vendor charged. Pass max_fee_percent (the highest "
            "fee your products charge; 0 if they are fee-free) and retry: paid rows are not paid again",
            fatal=True,
        )
        return outcome

    def paid_earlier(self, row: dict[str, Any]) -> Outcome | None:
        """This row's payment if the vendor already holds it (under its id now, an earlier derivation's id, or
        another spelling of its key), from the payout's history read before sending; without a complete history,
        each earlier id is looked up. An order under the row's ids for another payment fails the row (not paid
        again); an earlier id that cannot be checked leaves the row unsent and uncertain."""
        history = self.history
        if history is not None and history.complete:
            order, problems = history.earlier_payment(row)
        else:
            try:
                conflict = self._other_setting(row)
                if conflict is not None:
                    return conflict
                order, problems = self._look_up_earlier(row)
            except e.ProviderError as error:
                return self._unchecked(row, error)
        if order is not None and order.status.upper() in ENDED_UNPAID:
            return self.ended_unpaid(row, order.order_id, order.status)
        if order is not None:  # paid before this run: nothing is sent
            scheme = row.get("id_scheme") if order.external_id == row["external_id"] else None
            scheme = scheme or (row.get("alternate_ids") or {}).get(order.external_id, "v1 (another spelling)")
            return Outcome.for_row(
                row,
                ALREADY_PAID,
                external_id=order.external_id,
                id_scheme=scheme,
                order_id=order.order_id,
                status=order.status,
                created_at=order.created_at,
                charge=order.charge,
            )
        if problems:
            return self.failed(
                row, f"external id already used for a different reward ({'; '.join(problems)}): not paid again", True
            )
        return None

    def _look_up_earlier(self, row: dict[str, Any]) -> tuple[VendorOrder | None, list[str]]:
        from airflow_provider_tremendous.payouts.history import differences, other_payment

        if self.history is None:  # no listing was attempted: only the earlier ids
            ids = list(row.get("alternate_ids") or {})
        else:  # an incomplete listing: the current id too, the vendor's idempotency may have lapsed
            ids = [row["external_id"], *self.history.earlier_ids(row)]
        problems = []
        for ident in ids:
            order = self.find(ident)
            if order is None:
                continue
            changed = differences(row, order)
            if not changed:
                return order, []
            problems.append(other_payment(row, order))
        return None, problems

    def _other_setting(self, row: dict[str, Any]) -> Outcome | None:
        """Without a complete listing, the pin on ``keep_case`` is checked row by row: an order under the row's id
        for the other setting means the payout was begun with it, so the run stops and this row is not sent."""
        other = row.get("other_mode_id")
        if self.history is None or not other or self.find(other) is None:
            return None
        reason = f"the payout has orders made with the other keep_case setting (e.g. {other}): continue it with that"
        self.stop(f"{reason} setting", fatal=True)
        return self.failed(row, f"not sent: {reason} setting (it may have been paid under that setting)", True)

    def _unchecked(self, row: dict[str, Any], error: e.ProviderError) -> Outcome:
        if isinstance(error, STOPPING):
            self.stop(f"{error.status} {error.message}")
        return Outcome.for_row(
            row,
            UNKNOWN,
            error=f"unknown, not sent now: it may have been paid under an earlier id, which could not be checked "
            f"({error}); a retry checks again before sending",
        )

    def resolve(self, row: dict[str, Any], error: Exception) -> Outcome:
        """The answer was lost: the order may exist. Look it up before calling it failed."""
        try:
            placed = self.lookup(row["external_id"])
        except e.ProviderError as failed_lookup:
            return Outcome.for_row(
                row,
                UNKNOWN,
                error=f"unknown: the answer was lost ({error}) and so was the look-up by its key ({failed_lookup}): "
                "it may have been paid. Do not pay it by hand: a retry looks it up first and sends only with the same "
                "key, so it cannot pay twice",
            )
        if placed is not None:  # created by this request, or by an earlier try whose answer was lost
            return self.matching(row, placed, CREATED if self._created_now(placed.created_at) else ALREADY_EXISTED)
        return self.failed(
            row,
            f"not paid as far as the vendor shows: the answer was lost ({error}) and no order has its key; a "
            "retry sends with the same key, so it cannot pay twice",
        )

    def paid(self, row: dict[str, Any], placed: Placed, outcome: str, **fields: Any) -> Outcome:
        if (placed.status or "").upper() in ENDED_UNPAID:  # a replay of an order the vendor failed or canceled
            return self.ended_unpaid(row, placed.order_id, str(placed.status))
        created_at = placed.created_at.isoformat() if placed.created_at else None
        return Outcome.for_row(
            row,
            outcome,
            order_id=placed.order_id,
            reward_id=placed.reward_id,
            status=placed.status,
            created_at=created_at,
            charge=placed.charge,
            this_run=outcome == CREATED or self._created_now(placed.created_at),
            **fields,
        )

    def ended_unpaid(self, row: dict[str, Any], order_id: str, status: str) -> Outcome:
        """The row's order ended without payment (FAILED, CANCELED): not paid, and the vendor keeps the key."""
        outcome = self.failed(
            row,
            f"not paid: the vendor's order {order_id} for this key ended {status}. The vendor keeps the key, so "
            "neither a retry nor a re-run pays this person: to pay them, re-issue the row explicitly "
            f"(reissue={{{row['key']!r}: {int(row.get('generation') or 0) + 1}}})",
            permanent=True,
        )
        outcome.order_id, outcome.status = order_id, status
        return outcome

    def _created_now(self, created: dt.datetime | None) -> bool:
        """Whether an order was created during this run, by the API's clock (allowing for skew)."""
        if created is not None and created.tzinfo is None:  # an API time without zone is UTC
            created = created.replace(tzinfo=dt.timezone.utc)
        return created is not None and created >= self.started - CLOCK_SKEW

    @staticmethod
    def failed(row: dict[str, Any], error: str, permanent: bool = False) -> Outcome:
        return Outcome.for_row(row, FAILED, error=error, permanent=permanent)


__all__ = [
    "AMBIGUOUS",
    "CLOCK_SKEW",
    "FEE_WAIT_SECONDS",
    "STOPPING",
    "PayoutAdapter",
    "Placed",
    "Unpriced",
    "VendorAdapter",
    "VendorOrder",
    "account_fingerprint",
    "pause",
]

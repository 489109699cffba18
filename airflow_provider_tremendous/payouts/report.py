"""What a bulk payout run reports: its accounting opened before sending, its summary, and why it stopped."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Container, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.errors import InputError

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.adapter import PayoutAdapter, VendorOrder
    from airflow_provider_tremendous.payouts.charges import Budget, Charge
    from airflow_provider_tremendous.payouts.history import PayoutHistory
    from airflow_provider_tremendous.payouts.ledger import Journal
    from airflow_provider_tremendous.payouts.outcomes import Outcome, Tally
    from airflow_provider_tremendous.payouts.prepare import Prepared


def earlier_charges(
    journal: Journal, history: PayoutHistory | None, current_ids: Container[str]
) -> list[tuple[str, str, Charge, list[str], str | None]]:
    """``(order id, external id, charge, recipient identities, None)`` of the payout's orders charged before this
    run: the vendor's orders (every try, every shard, any worker), with the identities they echo, and the charges
    this account's result-file lines recorded for current rows whose order the vendor does not contradict (the same
    order counted once; the vendor's record wins)."""
    from airflow_provider_tremendous.payouts.outcomes import ENDED_UNPAID

    found: dict[str, tuple[str, str, Charge, list[str], str | None]] = {}
    by_order = {order.order_id: order for order in history.by_id.values()} if history is not None else {}
    for order_id, (external_id, charge) in journal.charges.items():
        order = by_order.get(order_id)
        if order is not None and (order.status or "").upper() in ENDED_UNPAID:
            continue
        if order is None and history is not None and history.complete:
            continue  # the account does not hold it
        if external_id in current_ids:
            found[order_id] = (order_id, external_id, charge, [], None)
    for order in by_order.values():  # an order that ended unpaid was refunded: it takes nothing from the caps
        if order.charge is not None and (order.status or "").upper() not in ENDED_UNPAID:
            found[order.order_id] = (order.order_id, order.external_id, order.charge, order_identities(order), None)
    return list(found.values())


def order_identities(order: VendorOrder) -> list[str]:
    """Who an order paid, in the form per-recipient caps compare (case-folded email, E.164 phone)."""
    from airflow_provider_tremendous.core.recipients import check_phone, email_identity

    identities = []
    if order.email:
        try:
            identities.append(f"email {email_identity(order.email)}")
        except ValueError:
            identities.append(f"email {order.email.casefold()}")
    if order.phone:
        try:
            identities.append(f"phone {check_phone(order.phone)}")
        except ValueError:
            identities.append(f"phone {order.phone}")
    return identities


def row_identities(row: dict[str, Any]) -> list[str]:
    """Who a spooled row pays, in the form :func:`order_identities` gives (case-folded email, E.164 phone)."""
    from airflow_provider_tremendous.core.recipients import email_identity

    recipient = row.get("recipient") or {}
    identities = []
    if recipient.get("email"):
        try:
            identities.append(f"email {email_identity(recipient['email'])}")
        except ValueError:
            identities.append(f"email {recipient['email'].casefold()}")
    if recipient.get("phone"):
        identities.append(f"phone {recipient['phone']}")
    return identities


def open_budget(
    adapter: PayoutAdapter,
    prepared: Prepared,
    caps: dict[str, Decimal | None],
    to_pay: tuple[Decimal, int],
    check_balance: bool,
    known: list[tuple[str, str, Charge, list[str], str | None]] = [],  # noqa: B006 - read only
    uncharged: Sequence[VendorOrder] = (),
    share: Decimal | None = None,
    log: Any = None,
) -> Budget:
    """The run's accounting of charges (see payouts/charges.py), checked once before anything is sent.

    :param to_pay: the face value (funding currency) and number of this shard's rows not recorded as paid.
    :param check_balance: read the balance and keep this run's charges within it.
    :param known: the payout's charges before this run (:func:`earlier_charges`): they count in the payout's total
        and teach the fee, so a retry, a later shard or a fresh worker does not learn it again by paying.
    :param uncharged: the payout's orders at the vendor not charged yet (pending approval, open): they count in the
        payout's and their recipients' totals at their face in the funding currency (plus ``max_fee_percent``),
        and teach nothing.
    :param share: a shard's part of what the payout still has to pay: the shard keeps within that part of the
        balance, so shards running at once cannot jointly overrun it.
    """
    from airflow_provider_tremendous.payouts.charges import Budget, Limits, Scope  # at run time, not DAG parse
    from airflow_provider_tremendous.payouts.prepare import recipient_hash, row_hashes

    balance = adapter.available_balance() if check_balance else None
    if balance is not None and share is not None and share < 1:
        whole, balance = balance, (balance * share).quantize(Decimal("0.01"), rounding="ROUND_FLOOR")
        if log is not None:
            log.info(
                "This shard keeps within %s of the %s available: its rows' part (%.2f%%) of what the payout still "
                "has to pay, so shards running at once cannot overrun the balance together",
                balance,
                whole,
                share * 100,
            )
    limits = Limits(caps["max_total_amount"], caps["max_amount_per_recipient"], balance)
    scope = Scope(prepared.cost_total, prepared.valid, prepared.recipients, *to_pay)
    budget = Budget(adapter.funding_currency, caps["max_fee_percent"], limits, scope)
    priced = [(o.order_id, o.external_id, _priced(adapter, budget, o), order_identities(o), None) for o in uncharged]
    for number, (order_id, external_id, charge, identities, recorded_hash) in enumerate([*known, *priced]):
        row = prepared.current_ids.get(external_id)
        covers, shared = None, []
        if row is not None and abs(charge.subtotal - row[0]) <= budget.unit:
            # the row's payment when it paid the row's recipient: an identity the vendor echoes is the row's (an
            # echo may add or drop a phone), or what the result file recorded is; a LINK order names nobody
            full, email, phone = row_hashes(row[1])
            shared = [who for who in identities if recipient_hash([who]) in (email, phone)]
            if shared or (not identities and recorded_hash in (None, full)):
                covers = (external_id, row[0])
        problem = budget.seed(order_id, charge, covers, identities, shared, learn=number < len(known))
        if problem:
            raise InputError(f"{problem}; nothing was sent")
    budget.preflight(adapter.funding_hint)
    return budget


def _priced(adapter: PayoutAdapter, budget: Budget, order: VendorOrder) -> Charge:
    """What an order not charged yet will cost, as far as the run can price it: its face in the funding currency
    (rounded up), plus the declared fee bound when there is one."""
    from decimal import ROUND_CEILING

    from airflow_provider_tremendous.payouts.outcomes import Charge

    face = (order.amount * adapter.unit_cost(order.currency or budget.currency)).quantize(
        budget.unit, rounding=ROUND_CEILING
    )
    bound = budget.declared or Decimal(0)
    fees = (face * bound / 100).quantize(budget.unit, rounding=ROUND_CEILING)
    return Charge(subtotal=face, fees=fees, total=face + fees, currency=budget.currency)


def accounted(adapter: PayoutAdapter, budget: Budget) -> Callable[[dict[str, Any]], Outcome]:
    """``adapter.pay`` with the run's accounting around it, in the sending thread: a row is admitted before its
    order (one at a time while the fee's rounding leaves doubt), and its charge is accounted before the thread
    takes another row, so a stop is seen by every row not yet sent."""
    lock = threading.Lock()

    def pay(row: dict[str, Any]) -> Outcome:
        with lock:
            refused = budget.admit(row)
        if refused:
            adapter.stop(refused, fatal=True)
        outcome = adapter.pay(row)  # after a stop: not_sent, nothing is sent
        with lock:
            reason = budget.record(outcome)
        if reason:
            adapter.stop(reason, fatal=True)
        return outcome

    return pay


def need_fee_bound(caps: dict[str, Decimal | None], shard: tuple[int, int], fee_classes: int) -> None:
    """A cap without ``max_fee_percent`` is only safe while one learning order is all that can surprise it."""
    capped = caps["max_total_amount"] is not None or caps["max_amount_per_recipient"] is not None
    if not capped or caps["max_fee_percent"] is not None:
        return
    why = None
    if shard[1] > 1:
        why = "a sharded payout (shards running at once cannot learn the fee from each other's charges)"
    elif fee_classes > 1:
        why = f"rows of {fee_classes} campaigns/product lists (each may charge its own fee, unknown until charged)"
    if why:
        raise InputError(
            f"max_fee_percent: max_total_amount and max_amount_per_recipient need a declared fee bound for {why}; "
            "pass the highest fee your products charge, or 0 if they are fee-free; nothing was sent"
        )


def foreign_payments(result_path: str, foreign: list[dict[str, Any]]) -> str:
    """Why lines an earlier version wrote, which the vendor contradicts, stop the run before sending."""
    return (
        f"{result_path} records {len(foreign)} payments of this payout (e.g. key {foreign[0].get('key')!r}, "
        f"order {foreign[0].get('order_id')}) that this connection's account does not hold, in lines written by an "
        "earlier version of this provider, which do not say which account paid them: the file was written for "
        "another account, vendor or environment. Nothing was sent: sending could pay those people again from this "
        "account. Check where the payout was paid; to pay it here, use a new payout_id (or move that file away if it "
        "was a rehearsal on the sandbox)"
    )


def stop_message(reason: str, budget: Budget, payout_id: str, result_path: str, tally: Tally) -> str:
    """Why the run stopped, with its numbers; a 402 the accounting did not expect names the likely cause."""
    if reason.startswith("402") and budget.limits.balance is not None:
        reason += (
            f" — before this run's own accounting expected it ({budget.run_total():.2f} of the "
            f"{budget.limits.balance:.2f} {budget.currency} available at the start): someone else spent from the "
            "balance, or a charge was higher than priced"
        )
    return (
        f"payout {payout_id}: the run stopped: {reason}. {tally.paid} rows paid, {tally.failed} not paid, "
        f"{tally.unknown} unknown "
        f"(charged {budget.charged:.2f} {budget.currency} by this run, {budget.payout_charged:.2f} known for the "
        f"payout); see {result_path}. A retry pays only the "
        "missing keys"
    )


def unknown_message(payout_id: str, tally: Tally, result_path: str) -> str:
    """Why a run with rows of unknown outcome fails, whatever ``fail_on_error`` says."""
    return (
        f"payout {payout_id}: {tally.unknown} rows are unknown: their order may exist (the answer was lost and the "
        f"look-up by key failed too): {', '.join(tally.unknown_rows)}{' ...' if tally.unknown > 10 else ''}. Do not "
        f"pay them by hand: a retry looks each one up by its key before sending, with the same key, so it cannot "
        f"pay twice. {tally.paid} rows paid, {tally.failed} not paid; see {result_path}"
    )


def run_summary(
    payout_id: str,
    dry_run: bool,
    prepared: Prepared,
    tally: Tally,
    result_path: str,
    shard: tuple[int, int],
    to_pay: Decimal,
) -> dict[str, Any]:
    """The run's summary (counts, face totals, the result path, the wait parameters): small whatever the size."""
    elapsed = time.monotonic() - tally.started
    sent = sum(tally.outcomes[kind] for kind in ("created", "already_existed", "failed", "unknown"))
    return {
        "payout_id": payout_id,
        "dry_run": dry_run,
        "shard": {"index": shard[0], "count": shard[1]},
        "rows": prepared.rows_total,
        "valid": prepared.valid,
        "invalid": max(prepared.invalid, tally.outcomes["invalid"]),  # + rows the vendor's records made invalid
        "in_shard": prepared.in_shard,
        "paid": tally.paid,
        "created": tally.outcomes["created"],
        "already_existed": tally.outcomes["already_existed"],
        "already_paid": tally.outcomes["already_paid"],
        "failed": tally.failed,
        "unknown": tally.unknown,
        "would_pay": tally.outcomes["dry_run"],
        "cost_to_pay": f"{to_pay:.2f}",
        "paid_by_currency": {c: str(a) for c, a in sorted(tally.paid_by_currency.items())[:20]},
        "cost_total": f"{prepared.cost_total:.2f}",
        "seconds": round(elapsed, 2),
        "orders_per_second": round(sent / elapsed, 2) if elapsed > 0 else None,
        "created_after": tally.first_created_at,
        "result_path": result_path,
        "errors": tally.errors,
    }

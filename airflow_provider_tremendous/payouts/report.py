"""What a bulk payout run reports: its accounting opened before sending, its summary, and why it stopped."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.payouts.charges import Budget, Limits, Scope

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.adapter import PayoutAdapter
    from airflow_provider_tremendous.payouts.outcomes import Tally
    from airflow_provider_tremendous.payouts.prepare import Prepared


def open_budget(
    adapter: PayoutAdapter,
    prepared: Prepared,
    caps: dict[str, Decimal | None],
    to_pay: tuple[Decimal, int],
    check_balance: bool,
) -> Budget:
    """The run's accounting of charges (see payouts/charges.py), checked once before anything is sent.

    :param to_pay: the face value (funding currency) and number of this shard's rows not recorded as paid.
    :param check_balance: read the balance and keep this run's charges within it.
    """
    balance = adapter.available_balance() if check_balance else None
    limits = Limits(caps["max_total_amount"], caps["max_amount_per_recipient"], balance)
    scope = Scope(prepared.cost_total, prepared.valid, prepared.recipients, *to_pay)
    budget = Budget(adapter.funding_currency, caps["max_fee_percent"], limits, scope)
    budget.preflight(adapter.funding_hint)
    return budget


def stop_message(reason: str, budget: Budget, payout_id: str, result_path: str, tally: Tally) -> str:
    """Why the run stopped, with its numbers; a 402 the accounting did not expect names the likely cause."""
    if reason.startswith("402") and budget.limits.balance is not None:
        reason += (
            f" — before this run's own accounting expected it ({budget.run_total():.2f} of the "
            f"{budget.limits.balance:.2f} {budget.currency} available at the start): someone else spent from the "
            "balance, or a charge was higher than priced"
        )
    return (
        f"payout {payout_id}: the run stopped: {reason}. {tally.paid} rows paid, {tally.failed} not paid "
        f"(charged {budget.charged:.2f} {budget.currency} by this run); see {result_path}. A retry pays only the "
        "missing keys"
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
    sent = tally.outcomes["created"] + tally.outcomes["already_existed"] + tally.outcomes["failed"]
    return {
        "payout_id": payout_id,
        "dry_run": dry_run,
        "shard": {"index": shard[0], "count": shard[1]},
        "rows": prepared.rows_total,
        "valid": prepared.valid,
        "invalid": prepared.invalid,
        "in_shard": prepared.in_shard,
        "paid": tally.paid,
        "created": tally.outcomes["created"],
        "already_existed": tally.outcomes["already_existed"],
        "already_paid": tally.outcomes["already_paid"],
        "failed": tally.failed,
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

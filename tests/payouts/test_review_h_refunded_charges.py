"""Fifth adversarial review of issue 12 (theory T1, made a test): the vendor's orders counted against the caps
skipped a refunded (FAILED/CANCELED) order only when the result file recorded its charge, not when the vendor's
listing showed one: a re-issued row was then counted twice and the run refused although it fit."""

from __future__ import annotations

from decimal import Decimal

from airflow_provider_tremendous.payouts.adapter import VendorOrder
from airflow_provider_tremendous.payouts.history import PayoutHistory
from airflow_provider_tremendous.payouts.ledger import Journal
from airflow_provider_tremendous.payouts.outcomes import Charge
from airflow_provider_tremendous.payouts.report import earlier_charges


def _order(ident: str, status: str) -> VendorOrder:
    charge = Charge(Decimal("5.00"), Decimal("0.25"), Decimal("5.25"), "USD")
    return VendorOrder(ident, f"O-{ident}", status, Decimal("5.00"), "USD", "a@b.co", None, None, True, charge)


def test_a_refunded_order_listed_with_its_charge_takes_nothing_from_the_caps() -> None:
    history = PayoutHistory.of(
        "p-1", [_order("p-1:r1", "FAILED"), _order("p-1:r2", "CANCELED"), _order("p-1:r3", "EXECUTED")]
    )
    charged = earlier_charges(Journal(), history, {"p-1:r1", "p-1:r2", "p-1:r3"})
    assert [external_id for _, external_id, *_ in charged] == ["p-1:r3"]

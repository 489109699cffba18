"""Money in: funding sources, invoices, topups and balance transactions."""

from __future__ import annotations

import datetime as dt

from airflow_provider_tremendous.core.models import ApiModel
from airflow_provider_tremendous.vendors.tremendous.models.orders import Payment


class FundingSourceMeta(ApiModel):
    """Funding source details; for the balance, ``available_amount`` is what can be spent now."""

    available_amount: float | None = None
    available_cents: int | None = None
    pending_amount: float | None = None
    pending_cents: int | None = None
    currency_code: str | None = None


class FundingSource(ApiModel):
    """A funding source: the balance, a bank account, a card or an invoice arrangement."""

    id: str
    method: str | None = None
    usage_permissions: list[str] | None = None
    status: str | None = None
    type: str | None = None
    meta: FundingSourceMeta | None = None


class InvoiceStatus:
    """Invoice status values."""

    OPEN = "OPEN"
    PAID = "PAID"
    MARKED_AS_PAID = "MARKED_AS_PAID"
    DELETED = "DELETED"

    SUCCESS = frozenset({PAID, MARKED_AS_PAID})
    FAILURE = frozenset({DELETED})


class Invoice(ApiModel):
    """An invoice; paying it adds funds to the balance."""

    id: str
    po_number: str | None = None
    amount: float | None = None
    currency_code: str | None = None
    currency: str | None = None
    international: bool | None = None
    status: str
    orders: list[str] | None = None
    rewards: list[str] | None = None
    created_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None


class Topup(ApiModel):
    """A topup of a funding source into the balance."""

    id: str | None = None
    amount: float | None = None
    currency_code: str | None = None
    processing_fee: float | None = None
    funding_source_id: str | None = None
    status: str | None = None
    created_at: dt.datetime | None = None
    fully_credited_at: dt.datetime | None = None
    rejected_at: dt.datetime | None = None
    reversed_at: dt.datetime | None = None
    reversed_reason: str | None = None
    idempotency_key: str | None = None
    instant_credit_amount: float | None = None
    settled_amount: float | None = None
    expected_settlement_at: dt.date | None = None


class BalanceTransactionOrder(ApiModel):
    """The order a balance transaction belongs to, when known."""

    id: str | None = None
    external_id: str | None = None
    payment: Payment | None = None


class BalanceTransaction(ApiModel):
    """A movement of the balance. It has no id; ``balance`` may be null while the API catches up."""

    created_at: dt.datetime | None = None
    amount: float | None = None
    currency_code: str | None = None
    balance: float | None = None
    action: str | None = None
    description: str | None = None
    order: BalanceTransactionOrder | None = None

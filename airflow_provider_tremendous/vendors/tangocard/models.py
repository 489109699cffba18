"""Tango Card RaaS v2 objects, read tolerantly (unknown fields kept; statuses as plain strings).

Fields have snake_case names and Tango's camelCase aliases (``reference_order_id`` ↔ ``referenceOrderID``);
:meth:`to_xcom` renders the wire names.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field

from airflow_provider_tremendous.core.models import ApiModel
from airflow_provider_tremendous.vendors.tangocard.naming import tango_name


class TangoModel(ApiModel):
    """A Tango Card API object."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, alias_generator=tango_name)


class TangoOrderStatus:
    """Order statuses: ``PENDING`` waits; ``COMPLETE`` succeeded; ``FAILED`` was refunded; ``PARTIAL`` mixed."""

    PENDING = "PENDING"
    COMPLETE = "COMPLETE"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"
    TERMINAL = frozenset({COMPLETE, PARTIAL, FAILED})


class Customer(TangoModel):
    customer_identifier: str
    display_name: str | None = None
    status: str | None = None
    created_at: dt.datetime | None = None
    accounts: list[dict[str, Any]] = Field(default_factory=list)


class Account(TangoModel):
    """An account; ``current_balance`` is what orders can spend now."""

    account_identifier: str
    customer_identifier: str | None = None
    display_name: str | None = None
    contact_email: str | None = None
    currency_code: str = "USD"
    current_balance: Decimal | None = None
    status: str | None = None
    created_at: dt.datetime | None = None


class CreditCard(TangoModel):
    #: Never in the repr: whoever holds the token can deposit from the card.
    token: str = Field(repr=False)
    label: str | None = None
    last_four_digits: str | None = None
    expiration_date: str | None = None
    status: str | None = None
    customer_identifier: str | None = None
    account_identifier: str | None = None
    created_date: dt.datetime | None = None
    activation_date: dt.datetime | None = None


class CreditCardUnregistration(TangoModel):
    credit_card_token: str | None = Field(default=None, repr=False)
    message: str | None = None


class CreditCardDeposit(TangoModel):
    reference_deposit_id: str
    amount: Decimal
    amount_charged: Decimal | None = None
    fee_percent: Decimal | None = None
    status: str | None = None
    external_ref_id: str | None = None
    created_date: dt.datetime | None = None


class FundTransfer(TangoModel):
    """Funds moved between two accounts of the platform (Tango publishes the request's fields, not the answer's:
    every field but ``amount`` is optional, and unknown ones are kept)."""

    reference_transfer_id: str | None = None
    transfer_from: str | None = None
    transfer_to: str | None = None
    amount: Decimal
    external_ref_id: str | None = None
    transfer_notes: str | None = None
    status: str | None = None
    created_date: dt.datetime | None = None


class CatalogItem(TangoModel):
    """One reward item: fixed value (``face_value``) or variable (``min_value``..``max_value``)."""

    utid: str
    reward_name: str | None = None
    currency_code: str = "USD"
    status: str | None = None
    value_type: str | None = None  # FIXED_VALUE or VARIABLE_VALUE
    reward_type: str | None = None
    face_value: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    countries: list[str] = Field(default_factory=list)
    credential_types: list[str] = Field(default_factory=list)


class Brand(TangoModel):
    brand_key: str
    brand_name: str | None = None
    status: str | None = None
    items: list[CatalogItem] = Field(default_factory=list)


class Catalog(TangoModel):
    catalog_name: str | None = None
    brands: list[Brand] = Field(default_factory=list)

    def items(self) -> dict[str, CatalogItem]:
        """Every item by ``utid``."""
        return {item.utid: item for brand in self.brands for item in brand.items}


class Money(TangoModel):
    value: Decimal
    currency_code: str = "USD"
    exchange_rate: Decimal | None = None
    fee: Decimal | None = None
    total: Decimal | None = None


class Recipient(TangoModel):
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class Order(TangoModel):
    """An order; ``status`` is PENDING, COMPLETE, PARTIAL or FAILED."""

    reference_order_id: str
    external_ref_id: str | None = None
    customer_identifier: str | None = None
    account_identifier: str | None = None
    status: str = TangoOrderStatus.PENDING
    utid: str | None = None
    reward_name: str | None = None
    amount_charged: Money | None = None
    denomination: Money | None = None
    recipient: Recipient | None = None
    sender: Recipient | None = None
    etid: str | None = None
    notes: str | None = None
    send_email: bool | None = None
    campaign: str | None = None
    created_at: dt.datetime | None = None
    #: The reward's credentials (gift codes, redemption links): the recipient's, never logged or put in XCom.
    reward: dict[str, Any] | None = Field(default=None, repr=False, exclude=True)

    def to_xcom(self) -> dict[str, Any]:
        """A JSON-safe dict of the order *without* its reward credentials (read ``order.reward`` for those)."""
        return {k: v for k, v in super().to_xcom().items() if k != "reward"}

    def credentials_record(self) -> dict[str, Any] | None:
        """The reward's credentials with what names them (for an explicit, private file; never XCom)."""
        if not self.reward:
            return None
        return {
            "referenceOrderID": self.reference_order_id,
            "externalRefID": self.external_ref_id or "",
            "reward": self.reward,
        }

    def differences(self, body: dict[str, Any]) -> list[str]:
        """How an order placed with ``body`` would differ from this one (Tango answers a reused ``externalRefID``
        with the original order, even for another item, amount or recipient)."""
        found = []
        if self.utid and body.get("utid") and self.utid != body["utid"]:
            found.append(f"utid {self.utid} (asked {body['utid']})")
        asked = body.get("amount")
        if self.denomination is not None and asked is not None and self.denomination.value != Decimal(str(asked)):
            found.append(f"amount {self.denomination.value} (asked {asked})")
        email = (body.get("recipient") or {}).get("email")
        held = self.recipient.email if self.recipient else None
        if email and held and email.lower() != held.lower():
            found.append(f"recipient {held} (asked {email})")
        return found


class LineItem(TangoModel):
    """One reward of an order. ``delivery_status`` (``IN_PROGRESS``, ``SHIPPED``, ``COMPLETED``, ``CANCELED``,
    ``FAILED``) says whether it reached the person: ``FAILED`` under a ``COMPLETE`` order means paid, not delivered."""

    reference_line_item_id: str
    reference_order_id: str | None = None
    external_ref_id: str | None = None
    status: str | None = None
    reward_status: str | None = None
    delivery_status: str | None = None
    utid: str | None = None
    amount: Money | None = None
    recipient: Recipient | None = None
    created_date: dt.datetime | None = None
    #: Line items carry the reward's credentials too (strictness.md #10): kept out of ``repr``, dumps and XCom.
    reward: dict[str, Any] | None = Field(default=None, repr=False, exclude=True)


class Resend(TangoModel):
    reference_order_id: str | None = None
    reference_line_item_id: str | None = None
    email: str | None = None
    status: str | None = None


class ExchangeRate(TangoModel):
    base_currency: str
    reward_currency: str
    base_fx: Decimal
    last_modified_date: dt.datetime | None = None


class ExchangeRates(TangoModel):
    disclaimer: str | None = None
    exchange_rates: list[ExchangeRate] = Field(default_factory=list)


class EmailTemplate(TangoModel):
    etid: str
    name: str | None = None
    from_name: str | None = None
    subject: str | None = None
    header_text: str | None = None
    status: str | None = None

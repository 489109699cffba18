"""The Tremendous adapter: one row → one ``POST /orders`` with ``external_id`` (200 created, 201 replay)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.payouts.adapter import (
    Placed,
    Unpriced,
    VendorAdapter,
    VendorOrder,
    account_fingerprint,
)
from airflow_provider_tremendous.payouts.outcomes import Charge, Outcome
from airflow_provider_tremendous.vendors.tremendous.models import Order, OrderStatus, Product

if TYPE_CHECKING:
    from airflow_provider_tremendous.hooks.tremendous import TremendousHook

#: Statuses in which an order is not charged until someone acts (approval, Tremendous's review).
AWAITING_SOMEONE = ("PENDING APPROVAL", "PENDING INTERNAL PAYMENT APPROVAL")
#: Statuses in which an order will never be charged.
NEVER_CHARGED = ("FAILED", "CANCELED")


def _vendor_order(order: Order) -> VendorOrder:
    reward = order.rewards[0] if order.rewards else None
    value = reward.value if reward else None
    recipient = reward.recipient if reward else None
    return VendorOrder(
        external_id=order.external_id or "",
        order_id=order.id,
        status=OrderStatus.normalize(order.status),
        amount=Decimal(str(value.denomination)) if value else Decimal(0),
        currency=(value.currency_code or "") if value else "",
        email=recipient.email if recipient else None,
        phone=recipient.phone if recipient else None,
        created_at=order.created_at.astimezone(dt.timezone.utc).isoformat() if order.created_at else None,
        executed=order.is_executed,
        charge=_charge(order),
        name=recipient.name if recipient else None,
        delivery=reward.delivery.method if reward and reward.delivery else None,
        delivery_status=reward.delivery.status if reward and reward.delivery else None,
        campaign=_echoed_campaign(order),
    )


def _echoed_campaign(order: Order) -> str | None:
    """The order's campaign as Tremendous echoes it: ``""`` when the order says it names none (``campaign_id:
    null``: placed with ``products`` alone), ``None`` when the response leaves the field out (nothing to compare).
    A campaign decides the products paid, and Tremendous never echoes the products, so a row asking for a
    campaign and an order naming none (or the reverse) are two rewards."""
    if "campaign_id" not in order.model_fields_set:
        return None
    return order.campaign_id or ""


def _charge(order: Order) -> Charge | None:
    """What a processed order cost (``payment``: only on processed orders), in the organization's currency."""
    payment = order.payment
    if payment is None or payment.total is None or payment.subtotal is None:
        return None
    subtotal, total = Decimal(str(payment.subtotal)), Decimal(str(payment.total))
    if payment.fees is not None:
        fees = Decimal(str(payment.fees))
    else:  # total = subtotal + fees - discount
        fees = max(total - subtotal + Decimal(str(payment.discount or 0)), Decimal(0))
    return Charge(subtotal=subtotal, fees=fees, total=total, currency=payment.currency_code or "")


def _placed(order: Order) -> Placed:
    reward = order.rewards[0] if order.rewards else None
    return Placed(
        order.id, order.status, order.created_at, reward.id if reward else None, _charge(order), _vendor_order(order)
    )


class TremendousPayoutAdapter(VendorAdapter):
    """Bulk payouts through :class:`TremendousHook`."""

    vendor = "tremendous"
    done_status = "EXECUTED"
    funding_hint = "TremendousCreateInvoiceOperator"

    def __init__(self, hook: TremendousHook, funding_source_id: str = "balance") -> None:
        super().__init__()
        self.hook = hook
        self.funding_source_id = funding_source_id
        self._campaigns: dict[str, list[str] | None] = {}  # campaign id → its products (None: no such campaign)

    @cached_property
    def _rates(self) -> dict[str, float]:
        return self.hook.list_forex()

    @cached_property
    def funding_currency(self) -> str:
        """The organization's currency: the balance's, else the organization's own (never assumed)."""
        meta = self.hook.get_balance().meta
        currency = meta.currency_code if meta else None
        if not currency:
            currency = next((org.currency_code for org in self.hook.list_organizations() if org.currency_code), None)
        if not currency:
            raise e.InputError(
                "the organization's currency could not be read (neither the balance nor the organization gives "
                "it): amounts cannot be priced; nothing was sent"
            )
        return currency.upper()

    def account_identity(self) -> tuple[str, str]:
        """The organization owning the key (``GET /organizations`` lists only it first), and the environment."""
        organizations = self.hook.list_organizations()
        if not organizations:
            raise e.InputError("the API lists no organization for this key: the paying account is unknown")
        environment = self.hook.settings.environment
        return account_fingerprint(self.vendor, environment, str(organizations[0].id)), environment

    @cached_property
    def _catalog(self) -> dict[str, Product]:
        return {product.id: product for product in self.hook.list_products()}

    def _product(self, product_id: str) -> Product | None:
        if product_id not in self._catalog:  # not listed for this organization: ask once, remember the answer
            try:
                self._catalog[product_id] = self.hook.get_product(product_id)
            except e.NotFoundError:
                return None
        return self._catalog[product_id]

    def _campaign_products(self, campaign_id: str) -> list[str] | None:
        if campaign_id not in self._campaigns:
            try:
                self._campaigns[campaign_id] = list(self.hook.get_campaign(campaign_id).products)
            except e.NotFoundError:
                self._campaigns[campaign_id] = None
        return self._campaigns[campaign_id]

    def row_problems(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        """The API's own rule, checked before the first order: at least one product of the row (its ``products``,
        else its campaign's) offers the amount in the currency (``skus``: min/max per currency)."""
        reward = row["reward"]
        campaign = self._campaign_products(reward["campaign_id"]) if reward.get("campaign_id") else []
        if campaign is None:  # the API refuses an unknown campaign even when products are given
            return [("campaign_id", f"{reward['campaign_id']} is not a campaign of this organization")]
        products = reward.get("products")
        where = "products"
        if not products:
            where, products = "campaign_id", campaign
        known = {pid: self._product(pid) for pid in products}
        unknown = [pid for pid, product in known.items() if product is None]
        if unknown:
            return [(where, f"{', '.join(unknown)}: no such product in this organization's catalog")]
        amount, currency = Decimal(row["amount"]), row["currency"]
        bands = [
            (Decimal(str(sku.min)), Decimal(str(sku.max)))
            for product in known.values()
            for sku in (product.skus if product else None) or []
            if sku.currency_code == currency
        ]
        if any(low <= amount <= high for low, high in bands):
            return []
        offered = ", ".join(f"{low.normalize():f}-{high.normalize():f}" for low, high in sorted(set(bands))) or "none"
        source = f"campaign {reward['campaign_id']}" if where == "campaign_id" else "the row's products"
        return [("amount", f"no product of {source} offers {amount} {currency} (ranges in {currency}: {offered})")]

    def unit_cost(self, currency: str) -> Decimal:
        """One unit of ``currency`` in the organization's currency, at the API's rates (units per US dollar)."""
        funding = self.funding_currency
        if currency == funding:
            return Decimal(1)
        rates = {"USD": 1.0, **self._rates}
        if not rates.get(currency) or not rates.get(funding):
            missing = currency if not rates.get(currency) else funding
            raise e.InputError(f"no exchange rate for {missing}: the API does not price it")
        return Decimal(str(rates[funding])) / Decimal(str(rates[currency]))

    def charge_of(self, order_id: str) -> Charge | None:
        order = self.hook.get_order(order_id)
        status = OrderStatus.normalize(order.status)
        if status in AWAITING_SOMEONE:
            raise Unpriced(f"it is {status}: charged only once approved")
        if status in NEVER_CHARGED:
            raise Unpriced(f"it is {status}", ended=status)
        return _charge(order)

    def available_balance(self) -> Decimal | None:
        if self.funding_source_id.upper() not in ("BALANCE", "INVOICE_THEN_BALANCE"):
            return None
        meta = self.hook.get_balance().meta
        return Decimal(str(meta.available_amount)) if meta and meta.available_amount is not None else None

    def submit(self, row: dict[str, Any]) -> tuple[Placed, bool]:
        body = {
            "external_id": row["external_id"],
            "payment": {"funding_source_id": self.funding_source_id},
            "reward": row["reward"],
        }
        response = self.hook.create_order.with_http_info(body)
        return _placed(response.data), response.status_code != 200

    def lookup(self, external_id: str) -> Placed | None:
        order = self.hook.find_order(external_id)
        return _placed(order) if order is not None else None

    def rejected(self, row: dict[str, Any], error: e.ApiError) -> Outcome:
        if isinstance(error, e.ConflictError):
            return self.failed(
                row,
                "external_id already used for a different reward (amount or recipient changed "
                "since it was paid): not paid again",
                permanent=True,
            )
        return super().rejected(row, error)

    def find(self, external_id: str) -> VendorOrder | None:
        order = self.hook.find_order(external_id)
        return _vendor_order(order) if order is not None and order.external_id else None

    def orders_with_prefix(self, prefix: str | tuple[str, ...], created_after: str | None) -> Iterator[VendorOrder]:
        filters: dict[str, Any] = {"created_at_gte": created_after} if created_after else {}
        self.listed = 0
        for order in self.hook.iter_orders(**filters):
            self.listed += 1
            if order.external_id and order.external_id.startswith(prefix):
                yield _vendor_order(order)
        self.listing_complete = self.list_cap is None or self.listed < self.list_cap


def payout_adapter(hook: TremendousHook, options: Mapping[str, Any]) -> TremendousPayoutAdapter:
    """The registry's factory: Tremendous reads only ``funding_source_id`` of the run's options."""
    return TremendousPayoutAdapter(hook, options.get("funding_source_id", "balance"))

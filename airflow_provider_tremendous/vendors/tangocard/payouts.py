"""The Tango Card adapter: one row → one ``POST /orders`` with ``externalRefID`` (201 created, 200 replay).

A row's reward item is its ``products`` (one ``utid``; the operator's ``utid`` sets it for every row) and is checked
against the catalog before anything is sent: the item exists and is active, the row's currency is the item's, the
amount is the fixed face value or within the variable range. ``EMAIL`` delivery needs the recipient's first name
(the row's ``name``); ``LINK`` orders without an email (the credentials come back in the order); ``PHONE`` is not
offered. The row's ``campaign_id`` becomes Tango's free-text ``campaign``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.core.limits import text_problems
from airflow_provider_tremendous.payouts.adapter import (
    Placed,
    Unpriced,
    VendorAdapter,
    VendorOrder,
    account_fingerprint,
)
from airflow_provider_tremendous.payouts.outcomes import Charge, Outcome
from airflow_provider_tremendous.vendors.tangocard.errors import TangoCardConflictError
from airflow_provider_tremendous.vendors.tangocard.models import CatalogItem, Order, TangoOrderStatus
from airflow_provider_tremendous.vendors.tangocard.options import PAYOUT_OPTIONS, TangoOptions

if TYPE_CHECKING:
    from airflow_provider_tremendous.hooks.tangocard import TangoCardHook


def _vendor_order(order: Order) -> VendorOrder:
    value = order.denomination
    return VendorOrder(
        external_id=order.external_ref_id or "",
        order_id=order.reference_order_id,
        status=order.status,
        amount=value.value if value else Decimal(0),
        currency=value.currency_code if value else "",
        email=order.recipient.email if order.recipient else None,
        phone=None,
        created_at=order.created_at.astimezone(dt.timezone.utc).isoformat() if order.created_at else None,
        executed=order.status == TangoOrderStatus.COMPLETE,
        charge=_charge(order),
        name=" ".join(filter(None, (order.recipient.first_name, order.recipient.last_name))) or None
        if order.recipient
        else None,
        delivery=None if order.send_email is None else ("EMAIL" if order.send_email else "LINK"),
        product=order.utid,
        campaign=None,  # Tango Card's campaign is a free-text label (PATCH /lineItems changes it): not the reward
    )


def _charge(order: Order) -> Charge | None:
    """What the order took from the account (``amountCharged``: value, fee, total, in the account's currency)."""
    charged = order.amount_charged
    if charged is None or order.status == TangoOrderStatus.FAILED:
        return None
    fee = charged.fee or Decimal(0)
    total = charged.total if charged.total is not None else charged.value + fee
    return Charge(subtotal=charged.value, fees=fee, total=total, currency=charged.currency_code)


def _earliest(orders: Iterable[VendorOrder], created_after: str | None) -> dt.datetime | None:
    """Where a listing must start to see these orders (a minute early: a vendor's clock, a rounded timestamp)."""
    from airflow_provider_tremendous.core.clock import parse_time

    times = [parse_time(t) for t in (created_after, *(o.created_at for o in orders)) if t]
    known = [t for t in times if t is not None]
    return min(known) - dt.timedelta(minutes=1) if known else None


def _placed(order: Order) -> Placed:
    return Placed(
        order.reference_order_id, order.status, order.created_at, charge=_charge(order), view=_vendor_order(order)
    )


class TangoCardPayoutAdapter(VendorAdapter):
    """Bulk payouts through :class:`TangoCardHook`, from one account.

    :param options: the run's :class:`TangoOptions` (item, paying account, reward email); or, as in earlier
        releases, its fields as arguments, by position or name (``utid``, ``customer_identifier``,
        ``account_identifier``, ``etid``, ``sender``, ``message``, ``email_subject``).
    """

    vendor = "tangocard"
    done_status = TangoOrderStatus.COMPLETE
    list_cap = 10_000  # GET /orders returns at most 10,000 results
    funding_hint = "TangoCardFundAccountOperator"

    def __init__(self, hook: TangoCardHook, *args: Any, options: TangoOptions | None = None, **kwargs: Any) -> None:
        super().__init__()
        if options is not None and (args or kwargs):
            raise TypeError("give the Tango Card options either as options=TangoOptions(...) or as arguments")
        options = options if options is not None else TangoOptions(*args, **kwargs)
        self.options = options
        self.hook = hook
        self.utid = options.utid
        self.customer, self.account = hook.account_ids(options.customer_identifier, options.account_identifier)
        self.extras = options.email_fields()
        problems = text_problems("tangocard", self.extras)
        if problems:
            raise e.InputError("; ".join(f"{field}: {reason}" for field, reason in problems))

    @cached_property
    def _items(self) -> dict[str, CatalogItem]:
        return self.hook.get_catalog().items()

    @cached_property
    def _rates(self) -> dict[tuple[str, str], Decimal]:
        """``baseFx`` by (base, reward) currency: how many reward units one base unit buys."""
        rates = self.hook.get_exchange_rates().exchange_rates
        return {(rate.base_currency.upper(), rate.reward_currency.upper()): rate.base_fx for rate in rates}

    @cached_property
    def _account(self) -> Any:
        return self.hook.get_account(self.account)

    def account_identity(self) -> tuple[str, str]:
        """The platform, customer and account that pay, and the environment."""
        settings = self.hook.settings
        platform = settings.platform_name or (settings.oauth.client_id if settings.oauth else "")
        fingerprint = account_fingerprint(self.vendor, settings.environment, platform, self.customer, self.account)
        return fingerprint, settings.environment

    @property
    def funding_currency(self) -> str:
        """The paying account's currency, as Tango Card reports it."""
        return str(self._account.currency_code).upper()

    def unit_cost(self, currency: str) -> Decimal:
        """One unit of ``currency`` in the account's currency (``baseFx``: reward units per base unit)."""
        funding = self.funding_currency
        if currency == funding:
            return Decimal(1)
        rate = self._rates.get((funding, currency.upper()))
        if not rate:
            raise e.InputError(
                f"no exchange rate from {funding} to {currency}: Tango Card does not price it for this account"
            )
        return Decimal(1) / rate

    def charge_of(self, order_id: str) -> Charge | None:
        order = self.hook.get_order(order_id)
        if order.status == TangoOrderStatus.FAILED:
            raise Unpriced("it FAILED (refunded)", ended="FAILED (refunded)")
        return _charge(order)

    def row_defaults(self, defaults: dict[str, Any]) -> dict[str, Any]:
        """Rows without their own ``products`` pay the adapter's ``utid``; a ``products`` default naming another
        item is refused before anything is sent (which of the two was meant cannot be guessed)."""
        if not self.utid:
            return defaults
        given = defaults.get("products")
        items = [given] if isinstance(given, str) else list(given or [])
        if items and [str(item) for item in items] != [str(self.utid)]:
            raise e.InputError(
                f"products {items!r} and utid {self.utid!r} both name the item of rows that leave it empty: "
                "give one of them (utid, for Tango Card); nothing was sent"
            )
        return {**defaults, "products": [str(self.utid)]}

    def summary_fields(self) -> dict[str, Any]:
        return {"account_identifier": self.account}

    def row_problems(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        reward = row["reward"]
        products = reward.get("products") or []
        if len(products) != 1:
            return [("products", "give exactly one Tango Card utid (or the operator's utid=...)")]
        item = self._items.get(products[0])
        if item is None:
            return [("products", f"{products[0]} is not in the Tango Card catalog of this platform")]
        problems = []
        if (item.status or "active").lower() != "active":
            problems.append(("products", f"{item.utid} ({item.reward_name}) is not active"))
        amount = Decimal(row["amount"])
        if row["currency"] != item.currency_code:
            problems.append(("currency", f"{item.utid} pays {item.currency_code}, not {row['currency']}"))
        if item.face_value is not None and amount != item.face_value:
            problems.append(("amount", f"{item.utid} is a fixed {item.face_value} {item.currency_code} item"))
        if item.min_value is not None and item.max_value is not None and not item.min_value <= amount <= item.max_value:
            problems.append(("amount", f"{item.utid} takes {item.min_value}-{item.max_value} {item.currency_code}"))
        method = reward["delivery"]["method"]
        if method == "PHONE":
            problems.append(("delivery_method", "Tango Card does not deliver by phone: use EMAIL or LINK"))
        if method == "EMAIL" and not reward["recipient"].get("name"):
            problems.append(("name", "Tango Card needs the recipient's first name to email a reward"))
        recipient = self.order_body(row).get("recipient") or {}
        problems += [("name", reason) for _, reason in text_problems("tangocard", {"recipient": recipient})]
        return problems

    def available_balance(self) -> Decimal | None:
        balance = self.hook.get_account(self.account).current_balance
        return Decimal(str(balance)) if balance is not None else None

    def order_body(self, row: dict[str, Any]) -> dict[str, Any]:
        """The ``POST /orders`` body of a spooled row."""
        reward = row["reward"]
        recipient = reward["recipient"]
        first, _, last = (recipient.get("name") or "").partition(" ")
        send_email = reward["delivery"]["method"] == "EMAIL"
        body: dict[str, Any] = {
            "customerIdentifier": self.customer,
            "accountIdentifier": self.account,
            "utid": reward["products"][0],
            "amount": float(Decimal(row["amount"])),
            "sendEmail": send_email,
            "externalRefID": row["external_id"],
            "recipient": {
                k: v for k, v in (("email", recipient.get("email")), ("firstName", first), ("lastName", last)) if v
            },
            "campaign": reward.get("campaign_id"),
            **self.extras,
        }
        if not send_email:
            body.pop("etid")
        return {k: v for k, v in body.items() if v not in (None, "", {})}

    def submit(self, row: dict[str, Any]) -> tuple[Placed, bool]:
        body = self.order_body(row)
        response = self.hook.create_order.with_http_info(body)
        return _placed(response.data), response.status_code == 200  # a replay is compared with the row

    def rejected(self, row: dict[str, Any], error: e.ApiError) -> Outcome:
        if isinstance(error, TangoCardConflictError):  # 409.024 "already exists": find it rather than call it failed
            return self.resolve(row, error)
        return super().rejected(row, error)

    def lookup(self, external_id: str) -> Placed | None:
        order = self.hook.find_order(external_id, account=self.account)
        return _placed(order) if order is not None else None

    def find(self, external_id: str) -> VendorOrder | None:
        order = self.hook.find_order(external_id, account=self.account)
        return _vendor_order(order) if order is not None else None

    def orders_with_prefix(self, prefix: str | tuple[str, ...], created_after: str | None) -> Iterator[VendorOrder]:
        """The account's orders under ``prefix`` created since ``created_after``, listed in date slices under
        Tango's 10,000-result cap (:func:`~airflow_provider_tremendous.vendors.tangocard.checks.scan_orders`)."""
        from airflow_provider_tremendous.core.checks import run_plan
        from airflow_provider_tremendous.core.clock import CLOCK_PAD, parse_time
        from airflow_provider_tremendous.vendors.tangocard.checks import scan_orders

        now = dt.datetime.now(dt.timezone.utc)
        start = parse_time(created_after) if created_after else None
        start = start or now - dt.timedelta(days=3650)
        filters: dict[str, Any] = {"account_identifier": self.account}
        scan = run_plan(scan_orders(filters, start, now + CLOCK_PAD, self.list_cap or 10_000), self.hook)
        self.listed, self.listing_complete = len(scan.orders), scan.complete
        for order in scan.orders.values():
            if order.external_ref_id and order.external_ref_id.startswith(prefix):
                yield _vendor_order(order)

    def with_delivery_status(self, orders: dict[str, VendorOrder], created_after: str | None) -> dict[str, VendorOrder]:
        """``orders`` whose line item's delivery FAILED marked ``delivery_status="FAILED"`` (the others
        ``COMPLETED``): one keyset-paged listing of the failed line items from the earliest order on, only when an
        emailed order is COMPLETE (:func:`~airflow_provider_tremendous.vendors.tangocard.checks.failed_deliveries`)."""
        from airflow_provider_tremendous.core.checks import run_plan
        from airflow_provider_tremendous.vendors.tangocard.checks import failed_deliveries

        emailed = {o.order_id: key for key, o in orders.items() if o.executed and o.delivery != "LINK"}
        if not emailed:
            return orders
        failed = run_plan(failed_deliveries(emailed, _earliest(orders.values(), created_after)), self.hook)
        return {
            key: replace(o, delivery_status="FAILED" if key in failed else "COMPLETED") if o.order_id in emailed else o
            for key, o in orders.items()
        }


def payout_adapter(hook: TangoCardHook, options: Mapping[str, Any]) -> TangoCardPayoutAdapter:
    """The registry's factory: the Tango Card options of the run that are set (:meth:`TangoOptions.given`)."""
    return TangoCardPayoutAdapter(hook, options=TangoOptions.given(options))


__all__ = ["PAYOUT_OPTIONS", "TangoCardPayoutAdapter", "TangoOptions", "payout_adapter"]

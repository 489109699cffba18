"""The payout adapter protocol: what a reward vendor provides for bulk payouts, and the values it answers with.

A vendor wing implements :class:`PayoutAdapter` (usually by subclassing
:class:`~airflow_provider_tremendous.payouts.adapter.VendorAdapter`, which holds the money rules) and may import
this module, :mod:`.adapter` and :mod:`.outcomes`, and nothing else of the payout run (checked by ``make lint``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from airflow_provider_tremendous.payouts.outcomes import Charge, Outcome

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.history import PayoutHistory


def account_fingerprint(vendor: str, environment: str, *identity: str) -> str:
    """A short hash naming one vendor account (Tremendous: the organization id; Tango Card: platform, customer
    and account): the same whatever key or token reaches it, so rotating credentials keeps the file valid."""
    return hashlib.sha256("\x1f".join((vendor, environment, *identity)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class VendorOrder:
    """An order as reconciliation needs it, whatever the vendor."""

    external_id: str
    order_id: str
    status: str
    amount: Decimal
    currency: str
    email: str | None
    phone: str | None
    created_at: str | None
    executed: bool
    #: What the vendor charged for it, when it says (processed orders only).
    charge: Charge | None = None
    #: The recipient's name, the delivery method (EMAIL, LINK, PHONE), the product (Tango Card's utid; Tremendous
    #: orders carry no product list) and the campaign, as the vendor echoes them (``None``: not echoed; a campaign
    #: ``""``: the vendor says the order names none).
    name: str | None = None
    delivery: str | None = None
    product: str | None = None
    campaign: str | None = None
    #: The reward's delivery status where the vendor reports one (Tremendous: ``FAILED`` after an EXECUTED order
    #: means the person did not get it: strictness.md #13).
    delivery_status: str | None = None


@dataclass(frozen=True)
class Placed:
    """A vendor's order, reduced to what an outcome records."""

    order_id: str
    status: str | None
    created_at: dt.datetime | None
    reward_id: str | None = None
    #: What the vendor charged, when the order says (processed orders only).
    charge: Charge | None = None
    #: The order as the vendor describes it: a replay or a look-up counts as the row's payment only if it matches.
    view: VendorOrder | None = None


class Unpriced(Exception):
    """The order's charge cannot be known soon (it waits for approval), or ever (``ended``: the vendor's order
    FAILED or was CANCELED, so nothing was paid)."""

    def __init__(self, reason: str, ended: str | None = None) -> None:
        super().__init__(reason)
        self.ended = ended


class PayoutAdapter(Protocol):
    """One reward vendor, as the bulk payout core sees it."""

    @property
    def vendor(self) -> str:
        """``tremendous`` or ``tangocard``."""

    @property
    def done_status(self) -> str:
        """The status that means "paid and delivered" (reconciliation's expectation)."""

    @property
    def funding_hint(self) -> str:
        """How to add funds, for the pre-flight message."""

    #: Why the whole run stopped (e.g. insufficient funds, a revoked key); ``None`` while it goes on.
    stop_reason: str | None
    #: The payout's orders at the vendor, read before sending.
    history: PayoutHistory | None

    @property
    def list_cap(self) -> int | None:
        """The most orders the vendor lists (``None``: no cap)."""

    #: How many orders the last listing returned in all, and whether it saw every order of its window.
    listed: int
    listing_complete: bool
    #: Why the run must fail whatever ``fail_on_error`` says.
    fatal_reason: str | None
    #: Rows whose order must be charged before the run goes on (set by the run from its fee accounting).
    learns_fee: Callable[[dict[str, Any]], bool]

    def stop(self, reason: str, fatal: bool = False) -> None:
        """Stop the run: no new order is sent."""

    def paid_earlier(self, row: dict[str, Any]) -> Outcome | None:
        """The row's outcome when the vendor already holds an order under its ids, else ``None``."""

    def find(self, external_id: str) -> VendorOrder | None:
        """The order placed with this idempotency key, or ``None``."""

    def account_identity(self) -> tuple[str, str]:
        """``(fingerprint, environment)`` of the paying account (see :func:`~.ledger.account_fingerprint`)."""

    def row_defaults(self, defaults: dict[str, Any]) -> dict[str, Any]:
        """The operator's row defaults, completed with the vendor's own (Tango Card: the ``utid`` as product)."""

    def summary_fields(self) -> dict[str, Any]:
        """Vendor facts the run's summary must carry for waits and reconciliation (Tango Card: the account)."""

    def unit_cost(self, currency: str) -> Decimal:
        """Cost in the account's currency of one unit of ``currency``."""

    def row_problems(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        """Vendor rules a valid row must also meet, as ``(field, reason)``; checked before anything is sent."""

    def available_balance(self) -> Decimal | None:
        """What the funding source can pay now, or ``None`` when it is not a prepaid balance."""

    @property
    def funding_currency(self) -> str:
        """The currency orders are charged in (the organization's or the account's), read from the vendor."""

    def pay(self, row: dict[str, Any]) -> Outcome:
        """Pay one spooled row (idempotently, by its ``external_id``) and report what happened."""

    def orders_with_prefix(self, prefix: str | tuple[str, ...], created_after: str | None) -> Iterator[VendorOrder]:
        """Every order whose external_id starts with ``prefix`` (for reconciliation)."""

    def with_delivery_status(self, orders: dict[str, VendorOrder], created_after: str | None) -> dict[str, VendorOrder]:
        """``orders`` with ``delivery_status`` filled in where the vendor reports it apart from the order."""

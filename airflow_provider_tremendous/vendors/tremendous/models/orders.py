"""Orders and rewards, and what their statuses mean."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from airflow_provider_tremendous.core.models import ApiModel


class OrderStatus:
    """Order status values (exact strings, spaces included) and how to read them.

    ``CART`` is the pre-2026 name of ``OPEN``; both mean "created, not yet processed". Unknown values (the API
    adds statuses over time) count as pending: waiting longer is safe, declaring success is not.
    """

    OPEN = "OPEN"
    CART = "CART"
    EXECUTED = "EXECUTED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"
    PENDING_APPROVAL = "PENDING APPROVAL"
    PENDING_INTERNAL_PAYMENT_APPROVAL = "PENDING INTERNAL PAYMENT APPROVAL"
    PENDING_SETTLEMENT = "PENDING SETTLEMENT"

    SUCCESS = frozenset({EXECUTED})
    FAILURE = frozenset({FAILED, CANCELED})
    PENDING = frozenset({OPEN, CART, PENDING_APPROVAL, PENDING_INTERNAL_PAYMENT_APPROVAL, PENDING_SETTLEMENT})

    @classmethod
    def normalize(cls, status: str | None) -> str:
        """Upper-case, single-spaced, with ``CART`` read as ``OPEN``."""
        value = " ".join((status or "").replace("_", " ").upper().split())
        return cls.OPEN if value == cls.CART else value

    @classmethod
    def is_terminal(cls, status: str | None) -> bool:
        """Whether the order will not change status any more on its own."""
        return cls.normalize(status) in cls.SUCCESS | cls.FAILURE


class DeliveryStatus:
    """Reward delivery status values."""

    PENDING = "PENDING"
    SCHEDULED = "SCHEDULED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class Money(ApiModel):
    """A reward value: ``denomination`` in ``currency_code``."""

    denomination: float
    currency_code: str | None = None


class Recipient(ApiModel):
    """Who receives a reward."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None


class Delivery(ApiModel):
    """How a reward is delivered and how far that got; ``link`` only for LINK rewards on create.

    ``link`` is bearer money (whoever opens it redeems the reward): it is left out of ``repr``, ``model_dump`` and
    :meth:`to_xcom`; read the attribute, or let an operator write it to a private file (``redemption_links_path``).
    """

    method: str | None = None
    status: str | None = None
    link: str | None = Field(default=None, repr=False, exclude=True)


class CustomField(ApiModel):
    """A custom field value attached to a reward."""

    id: str | None = None
    value: Any = None
    label: str | None = None


class Reward(ApiModel):
    """A reward: one payout to one recipient (an order holds one reward)."""

    id: str | None = None
    order_id: str | None = None
    created_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    value: Money | None = None
    recipient: Recipient | None = None
    deliver_at: dt.date | None = None
    custom_fields: list[CustomField] | None = None
    delivery: Delivery | None = None


class RewardLink(ApiModel):
    """The answer of ``generate_reward_link``; ``link`` (bearer money) is left out of ``repr`` and dumps."""

    id: str | None = None
    link: str | None = Field(default=None, repr=False, exclude=True)


class Refund(ApiModel):
    """Refunded amount of a canceled order or reward."""

    total: float
    currency_code: str | None = None


class Payment(ApiModel):
    """What an executed order cost: subtotal + fees - discount = total, in the organization's currency."""

    subtotal: float | None = None
    total: float | None = None
    fees: float | None = None
    discount: float | None = None
    currency_code: str | None = None
    refund: Refund | None = None


class Order(ApiModel):
    """An order. ``status`` is a plain string; see :class:`OrderStatus` for its meaning."""

    id: str
    external_id: str | None = None
    campaign_id: str | None = None
    created_at: dt.datetime | None = None
    status: str
    channel: str | None = None
    payment: Payment | None = None
    invoice_id: str | None = None
    rewards: list[Reward] | None = None

    def redemption_links(self) -> list[dict[str, str]]:
        """Each reward's redemption link with what names it (for an explicit, private file; never XCom)."""
        return [
            {"order_id": self.id, "external_id": self.external_id or "", "reward_id": r.id or "", "link": link}
            for r in self.rewards or []
            if r.delivery is not None and (link := r.delivery.link)
        ]

    @property
    def normalized_status(self) -> str:
        """The status with ``CART`` read as ``OPEN``."""
        return OrderStatus.normalize(self.status)

    @property
    def is_executed(self) -> bool:
        """Whether the order was paid and its rewards are being delivered."""
        return self.normalized_status in OrderStatus.SUCCESS

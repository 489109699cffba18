"""Orders and rewards: the endpoints that move money."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow_provider_tremendous.core.operation import Body, endpoint
from airflow_provider_tremendous.core.paging import Pagination
from airflow_provider_tremendous.vendors.tremendous.models import Order, Page, Reward, RewardLink


class OrdersAPI:
    """Orders (create, read, list, approve, reject) and rewards (read, list, cancel, resend, link)."""

    @endpoint("GET", "/orders", key="orders", pagination=Pagination(max_limit=500))
    def list_orders(
        self,
        offset: int | None = None,
        campaign_id: str | None = None,
        external_id: str | None = None,
        created_at_gte: dt.datetime | str | None = None,
        created_at_lte: dt.datetime | str | None = None,
        limit: int | None = None,
    ) -> Page[Order]:
        """List orders, newest first (``limit`` up to 500; the page has ``total_count``).

        :param created_at_gte: only orders created at or after this time (``created_at[gte]``).
        :param created_at_lte: only orders created at or before this time (``created_at[lte]``).
        """

    @endpoint("POST", "/orders", key="order", idempotency_field="external_id")
    def create_order(self, body: Body) -> Order:
        """Create an order of a single reward.

        With an ``external_id`` the call is idempotent: the same ``external_id`` and payload return the original
        order with status 201 (see ``create_order.with_http_info``); a different payload raises
        :class:`~airflow_provider_tremendous.core.errors.ConflictError` (409). Only such calls are retried
        after a failure that may have reached the server.
        """

    @endpoint("GET", "/orders/{order_id}", key="order")
    def get_order(self, order_id: str) -> Order:
        """Retrieve an order by its Tremendous id or by its ``external_id``."""

    @endpoint("POST", "/order_approvals/{order_id}/approve", key="order")
    def approve_order(self, order_id: str) -> Order:
        """Approve an order in ``PENDING APPROVAL`` (id or ``external_id``); 402 when funds are short."""

    @endpoint("POST", "/order_approvals/{order_id}/reject", key="order")
    def reject_order(self, order_id: str) -> Order:
        """Reject an order in ``PENDING APPROVAL`` (id or ``external_id``)."""

    @endpoint("GET", "/rewards", key="rewards", pagination=Pagination(max_limit=500))
    def list_rewards(
        self, /, offset: int | None = None, limit: int | None = None, **custom_fields: Any
    ) -> Page[Reward]:
        """List rewards, newest first (``limit`` up to 500).

        :param custom_fields: custom-field filters, passed as query parameters by field label.
        """

    @endpoint("GET", "/rewards/{reward_id}", key="reward")
    def get_reward(self, reward_id: str) -> Reward:
        """Retrieve a reward."""

    @endpoint("POST", "/rewards/{reward_id}/cancel")
    def cancel_reward(self, reward_id: str) -> dict[str, Any]:
        """Cancel a non-expired reward with a delivery failure (refunds it); 422 for redeemed rewards."""

    @endpoint("POST", "/rewards/{reward_id}/generate_link", key="reward")
    def generate_reward_link(self, reward_id: str) -> RewardLink:
        """Generate a new redemption link for a reward."""

    @endpoint("POST", "/rewards/{reward_id}/resend")
    def resend_reward(self, reward_id: str, body: Body | None = None) -> dict[str, Any]:
        """Resend a reward after a delivery failure, optionally to ``updated_email`` or ``updated_phone``."""

"""Orders, resends and line items: the endpoints that spend money."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

import datetime as dt

from airflow_provider_tremendous.core.operation import Body
from airflow_provider_tremendous.core.pagination import Page
from airflow_provider_tremendous.vendors.tangocard.api.common import tango_endpoint
from airflow_provider_tremendous.vendors.tangocard.models import LineItem, Order, Resend
from airflow_provider_tremendous.vendors.tangocard.paging import KeysetPagination, PageNumberPagination


class OrdersAPI:
    """Create, read, list and resend orders; read, list and resend line items."""

    @tango_endpoint("POST", "/orders", idempotency_field="externalRefID")
    def create_order(self, body: Body) -> Order:
        """Place an order (``customerIdentifier``, ``accountIdentifier``, ``utid``, ``amount``, ``recipient``...).

        With ``externalRefID`` (≤ 100 characters, unique per account) the call is idempotent: a replay returns the
        original order with status 200 instead of 201 (``create_order.with_http_info``), and ``409.002`` (the
        first is still in process) is retried with the same id after 2 s. Without it the call is never retried.
        """

    @tango_endpoint("GET", "/orders", key="orders", pagination=PageNumberPagination())
    def list_orders(
        self,
        account_identifier: str | None = None,
        customer_identifier: str | None = None,
        external_ref_id: str | None = None,
        start_date: dt.datetime | str | None = None,
        end_date: dt.datetime | str | None = None,
        page: int | None = None,
        elements_per_block: int | None = None,
    ) -> Page[Order]:
        """Orders, newest first, a page at a time (at most 10,000 results: narrow with a date window)."""

    @tango_endpoint("GET", "/orders/{reference_order_id}")
    def get_order(self, reference_order_id: str) -> Order:
        """One order, with its status and reward credentials (never logged)."""

    @tango_endpoint("POST", "/orders/{reference_order_id}/resends")
    def resend_order(self, reference_order_id: str, body: Body | None = None) -> Resend:
        """Resend the reward email (optionally to ``newEmail``); at most once every 24 hours (403.023)."""

    @tango_endpoint("GET", "/lineItems", key="lineItems", pagination=KeysetPagination())
    def list_line_items(
        self,
        reference_order_id: str | None = None,
        external_ref_id: str | None = None,
        utid: str | None = None,
        status: str | None = None,
        delivery_status: str | None = None,
        start_date: dt.datetime | str | None = None,
        end_date: dt.datetime | str | None = None,
        max_results: int | None = None,
        next_cursor: str | None = None,
    ) -> Page[LineItem]:
        """Line items, oldest first, keyset-paged (``iter_all`` follows ``nextCursor``); ``delivery_status="FAILED"``
        lists rewards paid but not delivered."""

    @tango_endpoint("GET", "/lineItems/{reference_line_item_id}")
    def get_line_item(self, reference_line_item_id: str) -> LineItem:
        """One line item (status, reward status)."""

    @tango_endpoint("POST", "/lineItems/{reference_line_item_id}/resends")
    def resend_line_item(self, reference_line_item_id: str, body: Body | None = None) -> Resend:
        """Resend one line item's reward email."""

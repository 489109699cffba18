"""Funding: funding sources, invoices, topups and balance transactions."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

import datetime as dt

from airflow_provider_tremendous.core.operation import Body, endpoint
from airflow_provider_tremendous.core.paging import Pagination
from airflow_provider_tremendous.vendors.tremendous.models import (
    BalanceTransaction,
    FundingSource,
    Invoice,
    Page,
    Topup,
)


class FundingAPI:
    """Where the money comes from."""

    @endpoint("GET", "/funding_sources", key="funding_sources")
    def list_funding_sources(self) -> list[FundingSource]:
        """List funding sources (the balance's amount here may be cached; use ``get_funding_source``)."""

    @endpoint("GET", "/funding_sources/{funding_source_id}", key="funding_source")
    def get_funding_source(self, funding_source_id: str) -> FundingSource:
        """Retrieve a funding source; ``"BALANCE"`` gives the current balance in ``meta.available_amount``."""

    @endpoint("GET", "/invoices", key="invoices", pagination=Pagination(max_limit=10))
    def list_invoices(self, offset: int | None = None, limit: int | None = None) -> Page[Invoice]:
        """List invoices, newest first (``limit`` at most 10; deleted invoices are omitted)."""

    @endpoint("POST", "/invoices", key="invoice")
    def create_invoice(self, body: Body) -> Invoice:
        """Create an invoice (``amount``, optional ``currency_code``, ``po_number``, ``memo``) to fund the balance."""

    @endpoint("DELETE", "/invoices/{invoice_id}", key="invoice")
    def delete_invoices(self, invoice_id: str) -> Invoice:
        """Delete an open invoice."""

    @endpoint("GET", "/invoices/{invoice_id}", key="invoice")
    def get_invoice(self, invoice_id: str) -> Invoice:
        """Retrieve an invoice (deleted ones too)."""

    @endpoint("GET", "/invoices/{invoice_id}/csv")
    def download_invoice_csv(self, invoice_id: str) -> str:
        """Download an invoice as CSV text."""

    @endpoint("GET", "/invoices/{invoice_id}/pdf")
    def download_invoice_pdf(self, invoice_id: str) -> bytes:
        """Download an invoice as PDF bytes."""

    @endpoint("GET", "/topups", key="topups", pagination=Pagination(max_limit=None))
    def list_topups(self, offset: int | None = None) -> Page[Topup]:
        """List topups, newest first (the endpoint takes no ``limit``)."""

    @endpoint("POST", "/topups", key="topup", idempotency_field="idempotency_key")
    def create_topup(self, body: Body) -> Topup:
        """Create a topup (``funding_source_id``, ``amount``, ``idempotency_key``); retried only with its key."""

    @endpoint("GET", "/topups/{topup_id}", key="topup")
    def get_topup(self, topup_id: str) -> Topup:
        """Retrieve a topup."""

    @endpoint(
        "GET",
        "/balance_transactions",
        key="transactions",
        pagination=Pagination(max_limit=100, short_page_ends=False),
    )
    def list_balance_transactions(
        self,
        offset: int | None = None,
        limit: int | None = None,
        created_at_gte: dt.datetime | str | None = None,
        created_at_lte: dt.datetime | str | None = None,
    ) -> Page[BalanceTransaction]:
        """List balance transactions, newest first, optionally within a ``created_at`` window."""

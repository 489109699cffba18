"""Catalog, exchange rates and email templates: the reference data orders point at."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from airflow_provider_tremendous.core.operation import Body
from airflow_provider_tremendous.core.pagination import Page
from airflow_provider_tremendous.vendors.tangocard.api.common import tango_endpoint
from airflow_provider_tremendous.vendors.tangocard.models import Catalog, EmailTemplate, ExchangeRates
from airflow_provider_tremendous.vendors.tangocard.paging import PageNumberPagination


class CatalogAPI:
    """The platform catalog (brands → items by ``utid``), FX rates, and email templates (``etid``)."""

    @tango_endpoint("GET", "/catalogs")
    def get_catalog(
        self,
        verbose: bool | None = None,
        utid: str | None = None,
        brand_key: str | None = None,
        currency_code: str | None = None,
        country: str | None = None,
    ) -> Catalog:
        """The catalog: each item's ``utid``, value type (fixed ``faceValue`` or ``minValue``..``maxValue``),
        currency, countries and status."""

    @tango_endpoint("GET", "/exchangerates")
    def get_exchange_rates(self) -> ExchangeRates:
        """FX rates (``baseCurrency``, ``rewardCurrency``, ``baseFx``) and Tango's disclaimer."""

    @tango_endpoint("GET", "/emailTemplates", key="emailTemplates", pagination=PageNumberPagination())
    def list_email_templates(
        self, page: int | None = None, elements_per_block: int | None = None
    ) -> Page[EmailTemplate]:
        """Email templates, a page at a time (``iter_all`` walks every page)."""

    @tango_endpoint("POST", "/emailTemplates")
    def create_email_template(self, body: Body) -> EmailTemplate:
        """Create an email template (``name``, ``fromName``, ``subject``, ``headerText``...); returns its etid."""

    @tango_endpoint("GET", "/emailTemplates/{etid}")
    def get_email_template(self, etid: str) -> EmailTemplate:
        """One email template."""

    @tango_endpoint("PATCH", "/emailTemplates/{etid}")
    def update_email_template(self, etid: str, body: Body) -> EmailTemplate:
        """Change an email template."""

    @tango_endpoint("DELETE", "/emailTemplates/{etid}")
    def delete_email_template(self, etid: str) -> None:
        """Delete an email template."""

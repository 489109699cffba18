"""The catalog: products, campaigns, custom fields and exchange rates."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from airflow_provider_tremendous.core.operation import Body, endpoint
from airflow_provider_tremendous.vendors.tremendous.models import Campaign, Field, Product


class CatalogAPI:
    """What can be sent, and how it looks."""

    @endpoint("GET", "/products", key="products")
    def list_products(
        self,
        id: str | list[str] | None = None,
        country: str | list[str] | None = None,
        currency: str | list[str] | None = None,
        subcategory: str | list[str] | None = None,
    ) -> list[Product]:
        """List products; each filter takes one value or a list (sent comma-separated)."""

    @endpoint("GET", "/products/{product_id}", key="product")
    def get_product(self, product_id: str) -> Product:
        """Retrieve a product."""

    @endpoint("GET", "/campaigns", key="campaigns")
    def list_campaigns(self) -> list[Campaign]:
        """List campaigns."""

    @endpoint("POST", "/campaigns", key="campaign")
    def create_campaign(self, body: Body) -> Campaign:
        """Create a campaign (``name``, ``products``, optional styles)."""

    @endpoint("GET", "/campaigns/{campaign_id}", key="campaign")
    def get_campaign(self, campaign_id: str) -> Campaign:
        """Retrieve a campaign."""

    @endpoint("PUT", "/campaigns/{campaign_id}", key="campaign")
    def update_campaign(self, campaign_id: str, body: Body) -> Campaign:
        """Update a campaign."""

    @endpoint("GET", "/fields", key="fields")
    def list_fields(self) -> list[Field]:
        """List custom fields."""

    @endpoint("POST", "/fields", key="field")
    def create_field(self, body: Body) -> Field:
        """Create a custom field (``display_name``, ``data_type``...)."""

    @endpoint("GET", "/forex", key="forex")
    def list_forex(self, base: str | None = None) -> dict[str, float]:
        """Exchange rates from ``base`` (default USD) to every currency."""

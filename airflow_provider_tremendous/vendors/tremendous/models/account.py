"""The organization and its catalog: organizations, members, roles, fields, campaigns, products."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field as PydanticField

from airflow_provider_tremendous.core.models import ApiModel


class Organization(ApiModel):
    """A Tremendous organization (the account an API key belongs to, or a sub-organization)."""

    id: str | None = None
    name: str | None = None
    website: str | None = None
    currency_code: str | None = None
    status: str | None = None
    created_at: dt.date | dt.datetime | None = None


class Member(ApiModel):
    """A member of the organization."""

    id: str
    email: str | None = None
    name: str | None = None
    active: bool | None = None
    role: str | None = None
    status: str | None = None
    created_at: dt.datetime | None = None
    last_login_at: dt.datetime | None = None
    events: list[dict[str, Any]] | None = None


class Role(ApiModel):
    """A member role."""

    id: str
    title: str | None = None
    description: str | None = None


class Field(ApiModel):
    """A custom field definition."""

    id: str | None = None
    label: str | None = None
    data_type: str | None = None
    data: dict[str, Any] | None = None
    required: bool | None = None
    scope: str | None = None


class Campaign(ApiModel):
    """A campaign: a reusable set of products and branding for rewards."""

    id: str | None = None
    name: str
    description: str | None = None
    products: list[str] = PydanticField(default_factory=list)
    fee_charged_to: str | None = None
    auto_add_product_rule: dict[str, Any] | None = None
    webpage_style: dict[str, Any] | None = None
    email_style: dict[str, Any] | None = None


class Sku(ApiModel):
    """A denomination band of a product."""

    min: float
    max: float
    currency_code: str | None = None


class Product(ApiModel):
    """A reward product (gift card, PayPal, Visa card, charity...)."""

    id: str
    name: str | None = None
    description: str | None = None
    category: str | None = None
    subcategory: str | None = None
    disclosure: str | None = None
    skus: list[Sku] | None = None
    currency_codes: list[str] | None = None
    countries: list[dict[str, Any]] | None = None
    images: list[dict[str, Any]] | None = None
    usage_instructions: str | None = None
    documents: dict[str, Any] | None = None

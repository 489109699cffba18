"""Fraud reviews and rules, and Tremendous Connect (connected organizations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow_provider_tremendous.core.models import ApiModel
from airflow_provider_tremendous.vendors.tremendous.models.orders import Reward


class FraudReview(ApiModel):
    """A reward held for fraud review (``flagged``, then ``blocked`` or ``released``)."""

    status: str | None = None
    reasons: list[str] | None = None
    device_id: str | None = None
    redemption_method: str | None = None
    redeemed_at: dt.datetime | None = None
    geo: dict[str, Any] | None = None
    reward: Reward | None = None
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None
    redemption_method_account_hash: str | None = None
    risk: str | None = None
    related_rewards: dict[str, Any] | None = None


class FraudRule(ApiModel):
    """A configured fraud rule."""

    rule_type: str | None = None
    config: dict[str, Any] | None = None


class ConnectedOrganization(ApiModel):
    """An organization connected through Tremendous Connect."""

    id: str
    client_id: str | None = None
    created_at: dt.datetime | None = None
    organization: dict[str, Any] | None = None


class ConnectedOrganizationMember(ApiModel):
    """A member of a connected organization."""

    id: str
    external_name: str | None = None
    external_email: str | None = None
    created_at: dt.datetime | None = None
    connected_organization_id: str | None = None
    member: dict[str, Any] | None = None


class ConnectedOrganizationMemberSession(ApiModel):
    """An embedded onboarding session for a connected organization member."""

    connected_organization_member_id: str | None = None
    url: str | None = None
    return_url: str | None = None
    state: str | None = None
    expires_at: dt.datetime | None = None
    created_at: dt.datetime | None = None

"""Tremendous Connect: connected organizations and their members."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from airflow_provider_tremendous.core.operation import Body, endpoint
from airflow_provider_tremendous.core.paging import Pagination
from airflow_provider_tremendous.vendors.tremendous.models import (
    ConnectedOrganization,
    ConnectedOrganizationMember,
    ConnectedOrganizationMemberSession,
    Page,
)


class ConnectAPI:
    """Platforms onboarding other organizations."""

    @endpoint("GET", "/connected_organizations", key="connected_organizations", pagination=Pagination(max_limit=100))
    def list_connected_organizations(
        self, offset: int | None = None, limit: int | None = None
    ) -> Page[ConnectedOrganization]:
        """List connected organizations (``limit`` up to 100)."""

    @endpoint("POST", "/connected_organizations", key="connected_organization")
    def create_connected_organization(self, body: Body) -> ConnectedOrganization:
        """Create a connected organization."""

    @endpoint("DELETE", "/connected_organizations/{connected_organization_id}", key="connected_organization")
    def delete_connected_organization(self, connected_organization_id: str) -> ConnectedOrganization:
        """Delete a connected organization."""

    @endpoint("GET", "/connected_organizations/{connected_organization_id}", key="connected_organization")
    def get_connected_organization(self, connected_organization_id: str) -> ConnectedOrganization:
        """Retrieve a connected organization."""

    @endpoint(
        "GET",
        "/connected_organization_members",
        key="connected_organization_members",
        pagination=Pagination(max_limit=100),
    )
    def list_connected_organization_members(
        self, connected_organization_id: str, offset: int | None = None, limit: int | None = None
    ) -> Page[ConnectedOrganizationMember]:
        """List the members of one connected organization (``limit`` up to 100)."""

    @endpoint("POST", "/connected_organization_members", key="connected_organization_member")
    def create_connected_organization_member(self, body: Body) -> ConnectedOrganizationMember:
        """Create a connected organization member."""

    @endpoint("DELETE", "/connected_organization_members/{member_id}", key="connected_organization_member")
    def delete_connected_organization_member(self, member_id: str) -> ConnectedOrganizationMember:
        """Remove a connected organization member."""

    @endpoint("GET", "/connected_organization_members/{member_id}", key="connected_organization_member")
    def get_connected_organization_member(self, member_id: str) -> ConnectedOrganizationMember:
        """Retrieve a connected organization member."""

    @endpoint(
        "POST",
        "/connected_organization_members/{member_id}/sessions",
        key="connected_organization_member_session",
    )
    def create_connected_organization_member_session(
        self, member_id: str, body: Body
    ) -> ConnectedOrganizationMemberSession:
        """Create an embedded onboarding session (``return_url``...) for a connected organization member."""

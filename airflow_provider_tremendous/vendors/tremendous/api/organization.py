"""The organization: organizations, API keys, members and roles."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from airflow_provider_tremendous.core.operation import Body, endpoint
from airflow_provider_tremendous.vendors.tremendous.models import Member, Organization, Role


class OrganizationAPI:
    """Who the account is and who may use it."""

    @endpoint("GET", "/organizations", key="organizations")
    def list_organizations(self) -> list[Organization]:
        """List organizations (the one owning the key and its sub-organizations)."""

    @endpoint("POST", "/organizations", key="organization")
    def create_organization(self, body: Body) -> Organization:
        """Create a sub-organization (needs ``with_api_key: true`` or ``copy_settings``)."""

    @endpoint("POST", "/organizations/create_api_key", key="api_key", secret_result=True)
    def create_api_key(self, body: Body | None = None) -> str:
        """Create an API key (``permission``: ``read_write`` or ``read_only``); masked in logs, shown once."""

    @endpoint("GET", "/organizations/{organization_id}", key="organization")
    def get_organization(self, organization_id: str) -> Organization:
        """Retrieve an organization."""

    @endpoint("GET", "/members", key="members")
    def list_members(self) -> list[Member]:
        """List members."""

    @endpoint("POST", "/members", key="member")
    def create_member(self, body: Body) -> Member:
        """Invite a member (``email``, ``name``, ``role``)."""

    @endpoint("DELETE", "/members/{member_id}")
    def delete_member(self, member_id: str) -> None:
        """Remove a member (204, no body)."""

    @endpoint("GET", "/members/{member_id}", key="member")
    def get_member(self, member_id: str) -> Member:
        """Retrieve a member with its events."""

    @endpoint("PATCH", "/members/{member_id}", key="member")
    def update_member(self, member_id: str, body: Body) -> Member:
        """Update a member's name or role."""

    @endpoint("GET", "/roles", key="roles")
    def list_roles(self) -> list[Role]:
        """List member roles."""

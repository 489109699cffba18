"""Customers and accounts (an account holds the balance orders spend)."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from airflow_provider_tremendous.core.operation import Body
from airflow_provider_tremendous.vendors.tangocard.api.common import tango_endpoint
from airflow_provider_tremendous.vendors.tangocard.models import Account, Customer


class AccountsAPI:
    """Customers (groups of accounts) and their accounts."""

    @tango_endpoint("GET", "/customers")
    def list_customers(self) -> list[Customer]:
        """Every customer on the platform."""

    @tango_endpoint("POST", "/customers")
    def create_customer(self, body: Body) -> Customer:
        """Create a customer (``customerIdentifier``, ``displayName``); 409 when the identifier exists."""

    @tango_endpoint("GET", "/customers/{customer_identifier}")
    def get_customer(self, customer_identifier: str) -> Customer:
        """One customer."""

    @tango_endpoint("GET", "/customers/{customer_identifier}/accounts")
    def list_customer_accounts(self, customer_identifier: str) -> list[Account]:
        """The accounts of one customer."""

    @tango_endpoint("POST", "/customers/{customer_identifier}/accounts")
    def create_account(self, customer_identifier: str, body: Body) -> Account:
        """Create an account (``accountIdentifier``, ``displayName``, ``contactEmail``); 409 when it exists."""

    @tango_endpoint("GET", "/accounts")
    def list_accounts(self) -> list[Account]:
        """Every account on the platform."""

    @tango_endpoint("GET", "/accounts/{account_identifier}")
    def get_account(self, account_identifier: str) -> Account:
        """One account, with ``currentBalance`` (what orders can spend now)."""

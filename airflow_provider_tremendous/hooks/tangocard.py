"""TangoCardHook (sync) and TangoCardAsyncHook (async): the Tango Card RaaS v2 surface.

Both get their operations from :class:`~airflow_provider_tremendous.vendors.tangocard.api.TangoCardOperations` and send
them through the same request core as the Tremendous hooks (retries, backoff, the shared rate limiter, token
handling); only the settings (``tangocard`` connection), the credentials (Basic or cached OAuth) and the error
reader (``httpCode``, ``i18nKey``, ``errors[]``) are Tango's. Nothing is read at construction time.

Usage::

    hook = TangoCardHook()  # tangocard_default
    order = hook.create_order({"customerIdentifier": "c1", "accountIdentifier": "a1", "utid": "U561593",
                               "amount": 10, "externalRefID": "survey-42:r17", ...})
    hook.create_order.with_http_info(body).status_code   # 201 new, 200 replay of the same externalRefID
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from airflow_provider_tremendous.core.connection import ConnectionLike
from airflow_provider_tremendous.core.errors import ConfigurationError, ProviderError
from airflow_provider_tremendous.core.transport.profile import ClientParts
from airflow_provider_tremendous.hooks.base import ApiHookBase, AsyncClientMixin, SyncClientMixin
from airflow_provider_tremendous.vendors.tangocard.api import TangoCardOperations
from airflow_provider_tremendous.vendors.tangocard.connection import (
    TangoCardSettings,
    tangocard_settings_from_connection,
)
from airflow_provider_tremendous.vendors.tangocard.errors import TangoCardNotFoundError
from airflow_provider_tremendous.vendors.tangocard.models import Account, LineItem, Order


class TangoCardHookBase(ApiHookBase[TangoCardSettings]):
    """Connection handling shared by the sync and async hooks.

    :param tangocard_conn_id: the Airflow connection (type ``tangocard``): platform name as login, platform key
        as password.
    :param timeout: seconds per HTTP request (overrides the connection's ``timeout`` extra).
    :param max_retries: retries of retry-safe requests (overrides ``max_retries``; default 4 = 5 requests).
    :param rate_limit_per_second: client-side request budget (overrides ``rate_limit_per_second``; default 1).
    """

    conn_name_attr = "tangocard_conn_id"
    default_conn_name = "tangocard_default"
    conn_type = "tangocard"
    hook_name = "Tango Card"

    def __init__(self, tangocard_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(tangocard_conn_id, **kwargs)
        self.tangocard_conn_id = tangocard_conn_id

    def _settings_from(self, conn: ConnectionLike) -> TangoCardSettings:
        return tangocard_settings_from_connection(conn, **self.overrides())

    @classmethod
    def _client_parts(cls, settings: TangoCardSettings) -> ClientParts:
        """Basic or cached OAuth credentials and Tango's error bodies (``httpCode``, ``i18nKey``, ``errors[]``)."""
        return settings.client_parts()


class TangoCardHook(SyncClientMixin[TangoCardSettings], TangoCardHookBase, TangoCardOperations):
    """Synchronous Tango Card hook; every operation also has ``.with_http_info`` and, for lists, ``.iter_all``."""

    def test_connection(self) -> tuple[bool, str]:
        """Check the credentials with a cheap authenticated call; never shows the key."""
        try:
            accounts = self.list_accounts()
        except ProviderError as error:
            return False, str(error)
        return True, (
            f"Connected to Tango Card {self.settings.environment} ({self.settings.base_url}): "
            f"{len(accounts)} account(s)."
        )

    # -- defaults from the connection -------------------------------------------------------------------------
    def account_ids(self, customer: str | None = None, account: str | None = None) -> tuple[str, str]:
        """The customer and account to use: the arguments, else the connection's extras; an error names both."""
        customer = customer or self.settings.customer_identifier
        account = account or self.settings.account_identifier
        if not customer or not account:
            raise ConfigurationError(
                f"Connection '{self.tangocard_conn_id}': no customer/account given. Pass customer_identifier and "
                "account_identifier, or set them in the connection's extra."
            )
        return customer, account

    def get_balance(self, account: str | None = None) -> Account:
        """The account (the connection's default when not given), with its fresh ``current_balance``."""
        return self.get_account(account or self.account_ids()[1])

    def find_order(self, external_ref_id: str, account: str | None = None) -> Order | None:
        """The order placed with this ``externalRefID`` in the account, or ``None`` when there is none."""
        account = account or self.settings.account_identifier
        if not account:  # externalRefIDs are unique per account only: never match another account's order
            raise ConfigurationError(
                f"Connection '{self.tangocard_conn_id}': find_order needs the account (pass account= or set "
                "account_identifier in the connection's extra)."
            )
        page = self.list_orders(external_ref_id=external_ref_id, account_identifier=account)
        matches = [order for order in page.items if order.external_ref_id == external_ref_id]
        return matches[0] if matches else None

    def iter_orders(self, **filters: Any) -> Iterator[Order]:
        """Every order matching ``filters`` (``account_identifier``, ``start_date``, ``external_ref_id``...)."""
        return self.list_orders.iter_all(**filters)

    def iter_line_items(self, **filters: Any) -> Iterator[LineItem]:
        """Every line item matching ``filters``, following the keyset cursor."""
        return self.list_line_items.iter_all(**filters)

    def get_order_or_none(self, reference_order_id: str) -> Order | None:
        """The order, or ``None`` when Tango does not know it."""
        try:
            return self.get_order(reference_order_id)
        except TangoCardNotFoundError:
            return None


class TangoCardAsyncHook(AsyncClientMixin[TangoCardSettings], TangoCardHookBase, TangoCardOperations):
    """Asynchronous Tango Card hook for triggers (``await hook.get_order(reference_order_id)``); close it with
    ``await hook.aclose()`` or use ``async with TangoCardAsyncHook() as hook``."""

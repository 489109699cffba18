"""TremendousHook (sync) and TremendousAsyncHook (async): every Tremendous API v2 operation.

Both hooks get the 66 operations from
:class:`~airflow_provider_tremendous.vendors.tremendous.api.TremendousOperations`; they differ only in how a request
is sent (:class:`SyncApiClient` with requests, :class:`AsyncApiClient` with httpx), which
:mod:`~airflow_provider_tremendous.hooks.base` builds from the parts declared here (settings, credentials, errors).
Nothing touches the network or the connection at construction time (DAG files are parsed often).

Usage::

    hook = TremendousHook()  # tremendous_default
    order = hook.create_order({"external_id": "survey-42-r17", "payment": {"funding_source_id": "balance"},
                               "reward": {...}})
    for order in hook.iter_orders(created_at_gte=data_interval_start):
        ...
    replay = hook.create_order.with_http_info(body)   # .status_code 201 = already existed
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from airflow_provider_tremendous.core.errors import NotFoundError, ProviderError
from airflow_provider_tremendous.core.transport.profile import ClientParts
from airflow_provider_tremendous.hooks.base import ApiHookBase, AsyncClientMixin, SyncClientMixin
from airflow_provider_tremendous.vendors.tremendous.api import TremendousOperations
from airflow_provider_tremendous.vendors.tremendous.connection import (
    ConnectionLike,
    TremendousSettings,
    settings_from_connection,
)
from airflow_provider_tremendous.vendors.tremendous.models import (
    BalanceTransaction,
    FundingSource,
    Invoice,
    Order,
    Reward,
)


class TremendousHookBase(ApiHookBase[TremendousSettings]):
    """Connection handling shared by the sync and async hooks.

    :param tremendous_conn_id: the Airflow connection (type ``tremendous``); the password holds the API key.
    :param timeout, max_retries, rate_limit_per_second: as on :class:`ApiHookBase` (Tremendous's defaults).
    """

    conn_name_attr = "tremendous_conn_id"
    default_conn_name = "tremendous_default"
    conn_type = "tremendous"
    hook_name = "Tremendous"

    def __init__(self, tremendous_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(tremendous_conn_id, **kwargs)
        self.tremendous_conn_id = tremendous_conn_id

    def _settings_from(self, conn: ConnectionLike) -> TremendousSettings:
        return settings_from_connection(conn, **self.overrides())

    @classmethod
    def _client_parts(cls, settings: TremendousSettings) -> ClientParts:
        """Bearer credentials (API key, or OAuth with refresh) and Tremendous's error bodies."""
        return settings.client_parts()


class TremendousHook(SyncClientMixin[TremendousSettings], TremendousHookBase, TremendousOperations):
    """Synchronous hook: one method per Tremendous API v2 operation, named as in the official SDK.

    Each operation also offers ``.with_http_info(...)`` (status code and headers) and, for paginated lists,
    ``.iter_all(...)``; the ``iter_*`` methods below are shortcuts for the common lists.
    """

    def test_connection(self) -> tuple[bool, str]:
        """Check the key with a cheap authenticated call; never shows the key."""
        try:
            organizations = self.list_organizations()
        except ProviderError as error:
            return False, str(error)
        names = ", ".join(org.name or org.id or "?" for org in organizations) or "no organization"
        return (
            True,
            f"Connected to Tremendous {self.settings.environment} ({self.settings.base_url}) as {names}.",
        )

    # -- friendlier shortcuts -------------------------------------------------------------------------------
    def iter_orders(self, **filters: Any) -> Iterator[Order]:
        """Every order matching ``filters`` (``campaign_id``, ``external_id``, ``created_at_gte/lte``)."""
        return self.list_orders.iter_all(**filters)

    def iter_rewards(self, **filters: Any) -> Iterator[Reward]:
        """Every reward (optionally filtered by custom fields)."""
        return self.list_rewards.iter_all(**filters)

    def iter_invoices(self) -> Iterator[Invoice]:
        """Every (non-deleted) invoice."""
        return self.list_invoices.iter_all()

    def iter_balance_transactions(self, **filters: Any) -> Iterator[BalanceTransaction]:
        """Every balance transaction, optionally within ``created_at_gte``/``created_at_lte``."""
        return self.list_balance_transactions.iter_all(**filters)

    def get_balance(self) -> FundingSource:
        """The balance funding source, fresh (``meta.available_amount`` is what can be spent now)."""
        return self.get_funding_source("BALANCE")

    def dashboard_url(self, kind: str, ident: str) -> str:
        """A link to a resource (``orders``, ``reports``, ``invoices``) for people, never carrying the key.

        Tremendous hosts link to the dashboard; a local sandbox links to the resource in its API.
        """
        return f"{self.settings.dashboard_url}/{kind}/{quote(ident, safe='')}"

    def find_order(self, id_or_external_id: str) -> Order | None:
        """The order with this id or external_id, or ``None`` when there is none."""
        try:
            return self.get_order(id_or_external_id)
        except NotFoundError:
            return None


class TremendousAsyncHook(AsyncClientMixin[TremendousSettings], TremendousHookBase, TremendousOperations):
    """Asynchronous hook for triggers: the same operations, awaited (``await hook.get_order(order_id)``).

    The connection is read with Airflow's async connection API, never with a blocking call inside the event
    loop. Close it with ``await hook.aclose()`` or use ``async with TremendousAsyncHook() as hook``.
    """

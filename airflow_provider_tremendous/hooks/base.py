"""What the Tremendous and Tango Card hooks share: the connection they read (one neutral :attr:`ApiHookBase.conn_id`
answered by every hook), hook arguments that override the connection's extras, the connection form, the clients
built from the vendor's parts, the sync client (one per hook) and the async client's lifecycle (one client per event
loop, closed with ``aclose`` or ``async with``).

A vendor hook declares only what is its own: how it reads its settings (``_settings_from``) and which credentials
and error reader its clients get (``_client_parts``). Nothing touches the network or the connection at construction
time (DAG files are parsed often).
"""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import Any, Generic, TypeVar

from airflow.providers.common.compat.connection import get_async_connection
from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_tremendous.core.connection import ConnectionLike, ConnectionOverrides
from airflow_provider_tremendous.core.transport import ApiRequest, AsyncApiClient, RawResponse, SyncApiClient
from airflow_provider_tremendous.core.transport.profile import (
    ClientParts,
    ClientSettings,
)
from airflow_provider_tremendous.hooks.connection_form import form_widgets, hook_ui_field_behaviour

SettingsT = TypeVar("SettingsT", bound=ClientSettings)
AsyncHookT = TypeVar("AsyncHookT", bound="AsyncClientMixin[Any]")


class ApiHookBase(BaseHook, Generic[SettingsT]):
    """A hook on one vendor connection (named by ``conn_name_attr``), with optional overrides of its extras.

    :param conn_id: the connection id; kept under the vendor's own attribute name (``conn_name_attr``, e.g.
        ``tremendous_conn_id``), and answered by :attr:`conn_id` for code that serves every vendor.
    :param timeout: seconds per HTTP request (overrides the connection's ``timeout`` extra).
    :param max_retries: retries of retry-safe requests (overrides ``max_retries``).
    :param rate_limit_per_second: client-side request budget (overrides ``rate_limit_per_second``).
    """

    conn_name_attr = ""
    default_conn_name = ""
    #: The connection type; also names the vendor's connection form fields (``hooks/connection_form.py``).
    conn_type = ""

    def __init__(
        self,
        conn_id: str,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        rate_limit_per_second: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        setattr(self, self.conn_name_attr, conn_id)
        self.timeout = timeout
        self.max_retries = max_retries
        self.rate_limit_per_second = rate_limit_per_second

    @property
    def conn_id(self) -> str:
        """The connection id this hook reads, whatever the vendor calls it (``tremendous_conn_id``,
        ``tangocard_conn_id``): read from that attribute, so the two never disagree."""
        value: str = getattr(self, self.conn_name_attr)
        return value

    @property
    def hook_conn_id(self) -> str:
        """The connection id this hook reads, as text (an alias of :attr:`conn_id`, kept for existing callers)."""
        return str(self.conn_id)

    def overrides(self) -> ConnectionOverrides:
        """The hook arguments that take precedence over the connection's extras."""
        return {
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "rate_limit_per_second": self.rate_limit_per_second,
        }

    def _settings_from(self, conn: ConnectionLike) -> SettingsT:
        """The vendor's validated settings for ``conn``, with :meth:`overrides` applied."""
        raise NotImplementedError

    @classmethod
    def _client_parts(cls, settings: SettingsT) -> ClientParts:
        """The vendor's credentials for ``settings`` and its error reader."""
        raise NotImplementedError

    @classmethod
    def sync_client_for(cls, settings: SettingsT, **options: Any) -> SyncApiClient:
        """A sync client for ``settings`` with this vendor's parts, as the hook builds it.

        :param options: :class:`SyncApiClient` keyword arguments (``transport``, ``policy``, ``limiter``,
            ``sleep``), e.g. for tests that record waits.
        """
        return SyncApiClient(settings, **cls._client_parts(settings), **options)

    @classmethod
    def async_client_for(cls, settings: SettingsT, **options: Any) -> AsyncApiClient:
        """An async client for ``settings`` with this vendor's parts, as the async hook builds it.

        :param options: :class:`AsyncApiClient` keyword arguments (``transport``, ``policy``, ``limiter``,
            ``sleep``).
        """
        return AsyncApiClient(settings, **cls._client_parts(settings), **options)

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """Connection form behaviour for Airflow 2.11 (Airflow 3 reads ``get_provider_info``)."""
        return hook_ui_field_behaviour(cls.conn_type)

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        """Connection form extra fields for Airflow 2.11 (Airflow 3 reads ``conn-fields``)."""
        return form_widgets(cls.conn_type)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.conn_name_attr}={self.hook_conn_id!r})"


class SyncClientMixin(ApiHookBase[SettingsT]):
    """The sync hooks' settings and client: the connection is read once, on first use; one pooled client per hook."""

    @cached_property
    def settings(self) -> SettingsT:
        """The validated connection settings (reads the connection once; refuses unsafe connections)."""
        return self._settings_from(self.get_connection(self.conn_id))

    @cached_property
    def client(self) -> SyncApiClient:
        """The HTTP client (one pooled session per hook)."""
        return self.sync_client_for(self.settings)

    def get_conn(self) -> SyncApiClient:
        """The HTTP client, for Airflow's ``get_conn`` convention."""
        return self.client

    def _execute(self, request: ApiRequest) -> RawResponse:
        return self.client.send(request)


class AsyncClientMixin(ApiHookBase[SettingsT]):
    """The async hooks' client: created on first use in the running event loop, never blocking it."""

    _client: AsyncApiClient | None = None
    _client_loop: asyncio.AbstractEventLoop | None = None

    async def _new_async_client(self) -> AsyncApiClient:
        """Read the connection (with Airflow's async API, never a blocking call in the loop) and build the client."""
        settings = self._settings_from(await get_async_connection(self.conn_id))
        return self.async_client_for(settings)

    async def get_async_client(self) -> AsyncApiClient:
        """The HTTP client of the running event loop, created on first use."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = await self._new_async_client()
            self._client_loop = loop
        return self._client

    async def _aexecute(self, request: ApiRequest) -> RawResponse:
        client = await self.get_async_client()
        return await client.send(request)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self: AsyncHookT) -> AsyncHookT:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

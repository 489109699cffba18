"""What the Tremendous and Tango Card hooks share: hook arguments that override the connection's extras, and the
async client's lifecycle (one client per event loop, closed with ``aclose`` or ``async with``)."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_tremendous.core.transport import ApiRequest, AsyncApiClient, RawResponse

AsyncHookT = TypeVar("AsyncHookT", bound="AsyncClientMixin")


class ApiHookBase(BaseHook):
    """A hook on one vendor connection (named by ``conn_name_attr``), with optional overrides of its extras.

    :param timeout: seconds per HTTP request (overrides the connection's ``timeout`` extra).
    :param max_retries: retries of retry-safe requests (overrides ``max_retries``).
    :param rate_limit_per_second: client-side request budget (overrides ``rate_limit_per_second``).
    """

    conn_name_attr = ""
    default_conn_name = ""

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
    def hook_conn_id(self) -> str:
        """The connection id this hook reads."""
        return str(getattr(self, self.conn_name_attr))

    def overrides(self) -> dict[str, Any]:
        """The hook arguments that take precedence over the connection's extras."""
        return {
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "rate_limit_per_second": self.rate_limit_per_second,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.conn_name_attr}={self.hook_conn_id!r})"


class AsyncClientMixin:
    """The async hooks' client: created on first use in the running event loop, never blocking it."""

    _client: AsyncApiClient | None = None
    _client_loop: asyncio.AbstractEventLoop | None = None

    async def _new_async_client(self) -> AsyncApiClient:
        """Read the connection (with Airflow's async API) and build the client."""
        raise NotImplementedError

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

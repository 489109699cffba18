"""The asynchronous HTTP transport (httpx): the async twin of :mod:`.sync`, same inputs and outputs."""

from __future__ import annotations

import httpx

from airflow_provider_tremendous.core.errors import TransportError
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse

#: httpx failures after which the server cannot have seen the request.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class HttpxTransport:
    """One ``httpx.AsyncClient`` for all calls of an async client; close it with :meth:`aclose`."""

    def __init__(self, base_url: str, timeout: float, client: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def send(self, request: ApiRequest, headers: dict[str, str]) -> RawResponse:
        """Send ``request``; map every failure without a response to :class:`TransportError`."""
        try:
            response = await self.client.request(
                request.method,
                request.url(self.base_url),
                params=list(request.params),
                json=request.json_body,
                data=dict(request.form_body) if request.form_body else None,
                headers=headers,
            )
        except httpx.HTTPError as error:
            raise TransportError(
                request.scrub(f"{type(error).__name__}: {error}"),
                method=request.method,
                path=request.shown_path,
                may_have_reached_server=not isinstance(error, _NEVER_SENT),
            ) from None  # the library's own error names the URL, and a path may hold a secret (a card token)
        headers_lower = {key.lower(): value for key, value in response.headers.items()}
        return RawResponse(status=response.status_code, headers=headers_lower, content=response.content)

    async def aclose(self) -> None:
        """Release pooled connections."""
        await self.client.aclose()

"""The synchronous HTTP transport (requests): sends one :class:`ApiRequest`, returns a :class:`RawResponse`."""

from __future__ import annotations

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from airflow_provider_tremendous.core.errors import TransportError
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse

#: Keep-alive connections per host, shared by threads using one hook.
POOL_SIZE = 64


def _never_sent(error: BaseException) -> bool:
    """Whether the TCP connection could not even be opened, so the server cannot have seen the request."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, ConnectTimeoutError)):
            return True
        pending.extend([*current.args, current.__cause__, current.__context__, getattr(current, "reason", None)])
    return False


class RequestsTransport:
    """One pooled ``requests.Session`` for all calls of a client (keep-alive across calls)."""

    def __init__(self, base_url: str, timeout: float, session: requests.Session | None = None) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.session = session or requests.Session()
        if session is None:  # room for the bulk operator's sending threads to keep their connections alive
            adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
            self.session.mount("http://", adapter)
            self.session.mount("https://", adapter)

    def send(self, request: ApiRequest, headers: dict[str, str]) -> RawResponse:
        """Send ``request``; map every failure without a response to :class:`TransportError`."""
        try:
            response = self.session.request(
                request.method,
                request.url(self.base_url),
                params=list(request.params),
                json=request.json_body,
                data=request.form_body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
            content = response.content
        except requests.exceptions.InvalidHeader:  # raised while preparing: never sent
            raise TransportError(
                "InvalidHeader: a request header value is not valid (not shown: it may be a credential)",
                method=request.method,
                path=request.shown_path,
                may_have_reached_server=False,
            ) from None
        except requests.exceptions.RequestException as error:
            raise TransportError(
                request.scrub(f"{type(error).__name__}: {error}"),
                method=request.method,
                path=request.shown_path,
                may_have_reached_server=not _never_sent(error),
            ) from None  # the library's own error names the URL, and a path may hold a secret (a card token)
        headers_lower = {key.lower(): value for key, value in response.headers.items()}
        return RawResponse(status=response.status_code, headers=headers_lower, content=content)

    def close(self) -> None:
        """Release pooled connections."""
        self.session.close()

"""The transport-neutral request and response values shared by the sync and async clients.

An :class:`ApiRequest` is what an endpoint declaration produces: everything needed to send the call, minus
credentials. A :class:`RawResponse` is what either transport returns. Keeping both plain values lets one retry
policy, one error mapping and one response decoder serve requests (sync) and httpx (async) alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

from airflow_provider_tremendous.core.errors import ApiError
from airflow_provider_tremendous.core.version import __version__

#: The User-Agent every vendor's credentials put in the headers of an API request (one name for the provider).
USER_AGENT = f"airflow-provider-tremendous/{__version__}"


@dataclass(frozen=True)
class ApiRequest:
    """One HTTP call, without credentials.

    :param method: HTTP method.
    :param path: path below the base URL (already formatted and escaped), or a full URL when ``absolute`` is set.
    :param params: query parameters as wire-name/value pairs, in order.
    :param json_body: JSON body, already JSON-safe.
    :param form_body: form-encoded body (OAuth token requests).
    :param retry_safe: whether sending the request twice cannot have a second effect (GET, or a POST carrying an
        idempotency key). Only retry-safe requests are retried after they may have reached the server.
    :param authenticated: whether to send the Bearer credentials.
    :param absolute: whether ``path`` is a full URL (OAuth token endpoint).
    :param name: operation name, for logs.
    :param redact: values that must never be shown (a card token in the body or the path): replaced in every error
        text and body this request produces, whatever the API echoes.
    """

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    #: Never in the repr: a body may carry a card number and its CVV, or a card token.
    json_body: Any = field(default=None, repr=False)
    form_body: Mapping[str, str] | None = field(default=None, repr=False)
    retry_safe: bool = True
    authenticated: bool = True
    absolute: bool = False
    name: str = ""
    redact: tuple[str, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        """Method, path as errors show it (redacted values replaced) and name: never the body or a credential."""
        return f"ApiRequest({self.method} {self.shown_path}, name={self.name!r}, retry_safe={self.retry_safe})"

    def url(self, base_url: str) -> str:
        """The full URL of this request below ``base_url``."""
        return self.path if self.absolute else base_url.rstrip("/") + self.path

    @property
    def shown_path(self) -> str:
        """The path as errors and logs show it: no query, no redacted value, no token endpoint URL."""
        return "(OAuth token endpoint)" if self.absolute else self.scrub(self.path.split("?")[0])

    def scrub(self, text: str) -> str:
        """``text`` with every :attr:`redact` value (raw or URL-quoted) replaced by ``[redacted]``."""
        for value in self.redact:
            for form in {value, quote(value, safe="")}:
                text = text.replace(form, "[redacted]")
        return text

    def scrub_bytes(self, content: bytes) -> bytes:
        """:meth:`scrub` for a response body."""
        if not self.redact:
            return content
        return self.scrub(content.decode("utf-8", "replace")).encode()


@dataclass(frozen=True)
class RawResponse:
    """A complete HTTP response: status, lower-cased headers and body bytes."""

    status: int
    headers: Mapping[str, str]
    #: Never in the repr: a body may hold a token, a redemption link or a reward code.
    content: bytes = field(repr=False)

    @property
    def retry_after(self) -> float | None:
        """Seconds from a ``Retry-After`` header (seconds or HTTP date), if the API ever sends one."""
        value = self.headers.get("retry-after")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())

    @property
    def request_id(self) -> str | None:
        """The vendor's id of this request from an ``X-Request-ID`` header (any case), to quote to its support;
        ``None`` when the header is absent or empty."""
        for key, value in self.headers.items():
            if key.lower() == "x-request-id":
                return value.strip() or None
        return None

    @property
    def content_type(self) -> str:
        """The media type without parameters, e.g. ``application/json``."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str:
        """The declared charset, UTF-8 when none is declared."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"')
        return "utf-8"


def raise_for_status(request: ApiRequest, response: RawResponse, errors: Callable[..., ApiError]) -> None:
    """Raise the matching typed API error for a 4xx/5xx; ``errors`` is the vendor's error factory, given the
    response's ``X-Request-ID`` (if any) as ``request_id``."""
    if response.status < 400:
        return
    raise errors(
        status=response.status,
        content=request.scrub_bytes(response.content),
        method=request.method,
        path=request.shown_path,
        retry_after=response.retry_after,
        request_id=response.request_id,
    )


def quote_path_segment(value: object) -> str:
    """Escape one path parameter (ids and external_ids may contain ``/``, spaces, ``#``...)."""
    text = str(value)
    if not text:
        raise ValueError("a path parameter (an id) must not be empty")
    return quote(text, safe="")


def query_value(value: object) -> str:
    """Render a query parameter: datetimes as ISO-8601 UTC, dates as ISO, lists comma-joined, bools lower-case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return aware.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(query_value(item) for item in value)
    return str(value)


def query_name(python_name: str) -> str:
    """Map a keyword argument to its wire name: ``created_at_gte`` → ``created_at[gte]``."""
    for suffix in ("gte", "lte", "gt", "lt"):
        if python_name.endswith(f"_{suffix}"):
            return f"{python_name[: -len(suffix) - 1]}[{suffix}]"
    return python_name

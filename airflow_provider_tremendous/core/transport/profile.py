"""What the request core needs from a vendor: its settings, its credentials and how it reads an error body.

The sync and async clients are vendor-neutral. A vendor (Tremendous, Tango Card) supplies a
:class:`ClientSettings` (base URL, timeouts, retry and rate budgets, secrets to mask), a :class:`CredentialsLike`
(which headers authenticate a request, and how to fetch or renew a token) and an :data:`ErrorFactory` that turns an
error response into the vendor's typed exception. Everything else (retries, backoff, the shared rate limiter,
token refresh under a lock, 429 pauses) is written once in :mod:`.client`.
"""

from __future__ import annotations

import threading
from typing import Protocol, TypedDict

from airflow_provider_tremendous.core.errors import ApiError
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse


class ClientSettings(Protocol):
    """The connection settings a client reads."""

    @property
    def base_url(self) -> str: ...
    @property
    def environment(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def rate_limit_per_second(self) -> float | None: ...
    @property
    def account_identity(self) -> str:
        """A value naming the account (hashed before use) so clients of one account share one rate budget."""
        ...

    def secrets(self) -> list[str]:
        """Every secret value, for the secrets masker."""
        ...


class CredentialsLike(Protocol):
    """How requests are authenticated, and how a token is fetched or renewed (see :mod:`.auth`).

    ``lock`` and ``generation`` belong to the credential's process-wide token slot (:mod:`.tokens`): a renewal
    runs under the lock and only if the generation is still the one the caller saw before its request.
    ``before_refresh`` and ``after_refresh`` run under the lock around the token request and may block (load or
    keep a rotated refresh token); the async client runs them in a worker thread.
    """

    @property
    def lock(self) -> threading.Lock: ...
    @property
    def generation(self) -> int: ...
    @property
    def needs_token(self) -> bool: ...
    def headers(self, request: ApiRequest) -> dict[str, str]: ...
    def should_refresh(self, request: ApiRequest, response: RawResponse) -> bool: ...
    def before_refresh(self) -> None: ...
    def refresh_request(self) -> ApiRequest: ...
    def another_token_after(self, response: RawResponse) -> bool: ...
    def apply_refresh(self, request: ApiRequest, response: RawResponse) -> None: ...
    def after_refresh(self) -> None: ...


class ErrorFactory(Protocol):
    """Builds the typed exception for an error response; ``request_id`` is the response's ``X-Request-ID`` header
    (``None`` without one), which a vendor may prefer to read from its error body."""

    def __call__(
        self,
        *,
        status: int,
        content: bytes,
        method: str,
        path: str,
        retry_after: float | None = None,
        request_id: str | None = None,
    ) -> ApiError: ...


class ClientParts(TypedDict):
    """What a vendor gives the vendor-neutral clients: its credentials and how its error bodies are read."""

    credentials: CredentialsLike
    errors: ErrorFactory

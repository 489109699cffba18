"""The request core: rate limit → send → OAuth refresh → error mapping, under one retry policy.

:class:`SyncApiClient` and :class:`AsyncApiClient` differ only in how they wait and send; every decision (what
to retry, how long to wait, when to refresh a token, which error to raise) is made by the shared pieces in this
package. Endpoint declarations (e.g. :mod:`airflow_provider_tremendous.vendors.tremendous.api`) hand both the
same :class:`ApiRequest`.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from airflow.providers.common.compat.sdk import mask_secret

from airflow_provider_tremendous.core.errors import TremendousNotSentError
from airflow_provider_tremendous.core.transport.aio import HttpxTransport
from airflow_provider_tremendous.core.transport.profile import ClientSettings, CredentialsLike, ErrorFactory
from airflow_provider_tremendous.core.transport.ratelimit import RateLimiter, shared_rate_limiter
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse, raise_for_status
from airflow_provider_tremendous.core.transport.retry import MAX_RETRY_AFTER, RATE_LIMIT_MIN_WAIT, RetryPolicy
from airflow_provider_tremendous.core.transport.sync import RequestsTransport
from airflow_provider_tremendous.core.transport.tokens import acquire_async

#: How many pauses in a row one request waits out before it is sent anyway (each is a fresh 429 from the API).
MAX_HOLDS = 10
#: The caller's send gate: why a request that changes something must not be sent now (``None``: send). Checked
#: after the rate limiter's wait, right before the request leaves, so a payout that stops while requests wait for
#: their turn sends none of them (reads are never gated: a look-up must still resolve an uncertain order).
SEND_GATE: contextvars.ContextVar[Callable[[], str | None] | None] = contextvars.ContextVar("send_gate", default=None)


@contextmanager
def send_gate(reason: Callable[[], str | None]) -> Iterator[None]:
    """Within this block (this thread or task), a request other than a GET is sent only while ``reason()`` is
    ``None``; otherwise :class:`TremendousNotSentError` is raised and nothing leaves."""
    token = SEND_GATE.set(reason)
    try:
        yield
    finally:
        SEND_GATE.reset(token)


def _check_gate(request: ApiRequest) -> None:
    gate = SEND_GATE.get()
    reason = gate() if gate is not None and request.method != "GET" else None
    if reason:
        raise TremendousNotSentError(reason)


class _ClientCore:
    """Settings, credentials, retry policy, rate limiter and error factory: the parts both clients share.

    No vendor is assumed: the caller (a vendor's hook, see ``hooks/base.py``) passes the vendor's ``credentials``
    (which headers authenticate a request, how a token is renewed) and ``errors`` (how its error bodies read), and
    gets the same retries, backoff, limiter and token handling as every other vendor.
    """

    def __init__(
        self,
        settings: ClientSettings,
        policy: RetryPolicy | None,
        limiter: RateLimiter | None,
        credentials: CredentialsLike,
        errors: ErrorFactory,
    ) -> None:
        self.settings = settings
        for secret in settings.secrets():
            mask_secret(secret)
        self.policy = policy or RetryPolicy(max_retries=settings.max_retries)
        self.credentials = credentials
        self.errors = errors
        account = hashlib.sha256(settings.account_identity.encode()).hexdigest()
        margin = float(getattr(settings, "rate_limit_margin", 0.0))
        self.limiter = limiter or shared_rate_limiter(
            settings.base_url, account, settings.rate_limit_per_second, margin
        )

    def _pause_on_rate_limit(self, response: RawResponse) -> None:
        """A 429 pauses every request of this account in the process, not just the one that got it."""
        if response.status == 429:
            self.limiter.pause(max(RATE_LIMIT_MIN_WAIT, min(response.retry_after or 0.0, MAX_RETRY_AFTER)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.settings.base_url!r}, env={self.settings.environment!r})"


class SyncApiClient(_ClientCore):
    """Sends :class:`ApiRequest` values synchronously with requests."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        credentials: CredentialsLike,
        errors: ErrorFactory,
        transport: RequestsTransport | None = None,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(settings, policy, limiter, credentials, errors)
        self.transport = transport or RequestsTransport(settings.base_url, settings.timeout)
        self._sleep = sleep

    def send(self, request: ApiRequest) -> RawResponse:
        """Send ``request`` with retries; return the successful response or raise a typed error."""
        return self.policy.retrying(request, self._sleep)(self._attempt, request)

    def _attempt(self, request: ApiRequest) -> RawResponse:
        seen = self.credentials.generation  # before needs_token: a renewal in between is then not repeated
        if request.authenticated and self.credentials.needs_token:
            self._refresh(seen)
        generation = self.credentials.generation
        for _ in range(MAX_HOLDS):  # a 429 pause that began while this caller waited for its slot holds it too
            delay = max(self.limiter.reserve(), self.limiter.pause_left())
            if delay > 0:
                self._sleep(delay)
            if not self.limiter.held():
                break
        _check_gate(request)
        response = self.transport.send(request, self.credentials.headers(request))
        if self.credentials.should_refresh(request, response):
            self._refresh(generation)
            _check_gate(request)  # a stop during the token refresh: the resend does not leave
            response = self.transport.send(request, self.credentials.headers(request))
        self._pause_on_rate_limit(response)
        raise_for_status(request, response, self.errors)
        return response

    def _refresh(self, seen_generation: int) -> None:
        """Renew the token unless another client of the credential did since ``seen_generation`` (one token
        request per process however many threads got a 401: they wait on the lock, then find it renewed)."""
        credentials = self.credentials
        with credentials.lock:
            if credentials.generation != seen_generation:
                return  # another thread refreshed while we waited
            credentials.before_refresh()
            token_request = credentials.refresh_request()
            response = self.transport.send(token_request, {})
            if credentials.another_token_after(response):  # rotated by another task process meanwhile
                token_request = credentials.refresh_request()
                response = self.transport.send(token_request, {})
            credentials.apply_refresh(token_request, response)
            credentials.after_refresh()

    def close(self) -> None:
        """Release pooled connections."""
        self.transport.close()


class AsyncApiClient(_ClientCore):
    """Sends :class:`ApiRequest` values asynchronously with httpx; never blocks the event loop."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        credentials: CredentialsLike,
        errors: ErrorFactory,
        transport: HttpxTransport | None = None,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(settings, policy, limiter, credentials, errors)
        self.transport = transport or HttpxTransport(settings.base_url, settings.timeout)
        self._sleep = sleep

    async def send(self, request: ApiRequest) -> RawResponse:
        """Send ``request`` with retries; return the successful response or raise a typed error."""
        response: RawResponse = await self.policy.async_retrying(request, self._sleep)(self._attempt, request)
        return response

    async def _attempt(self, request: ApiRequest) -> RawResponse:
        seen = self.credentials.generation
        if request.authenticated and self.credentials.needs_token:
            await self._refresh(seen)
        generation = self.credentials.generation
        for _ in range(MAX_HOLDS):  # a 429 pause that began while this caller waited for its slot holds it too
            delay = max(self.limiter.reserve(), self.limiter.pause_left())
            if delay > 0:
                await self._sleep(delay)
            if not self.limiter.held():
                break
        _check_gate(request)
        response = await self.transport.send(request, self.credentials.headers(request))
        if self.credentials.should_refresh(request, response):
            await self._refresh(generation)
            _check_gate(request)  # a stop during the token refresh: the resend does not leave
            response = await self.transport.send(request, self.credentials.headers(request))
        self._pause_on_rate_limit(response)
        raise_for_status(request, response, self.errors)
        return response

    async def _refresh(self, seen_generation: int) -> None:
        """The sync client's single-flight renewal, for coroutines: the same process-wide threading lock (so
        coroutines of any event loop and sync threads exclude each other), taken without blocking the loop
        (:func:`acquire_async`), and the same generation check, so N coroutines that got a 401 cause one token
        request. Blocking steps (loading or keeping a rotated refresh token) run in a worker thread."""
        credentials = self.credentials
        await acquire_async(credentials.lock)
        try:
            if credentials.generation != seen_generation:
                return  # another coroutine or thread refreshed while we waited
            await asyncio.to_thread(credentials.before_refresh)
            token_request = credentials.refresh_request()
            response = await self.transport.send(token_request, {})
            if await asyncio.to_thread(credentials.another_token_after, response):  # rotated by another process
                token_request = credentials.refresh_request()
                response = await self.transport.send(token_request, {})
            credentials.apply_refresh(token_request, response)
            await asyncio.to_thread(credentials.after_refresh)
        finally:
            credentials.lock.release()

    async def aclose(self) -> None:
        """Release pooled connections."""
        await self.transport.aclose()

"""The request core: rate limit → send → OAuth refresh → error mapping, under one retry policy.

:class:`SyncApiClient` and :class:`AsyncApiClient` differ only in how they wait and send. Every decision of an
attempt (when to wait for the rate limiter, when a closed send gate stops a request, when to renew a token and
repeat once, when a 429 pauses the account, which error to raise) is made once, without I/O, by
:mod:`.attempt`; each client only performs the effects it asks for, blocking or awaited. What to retry and how
long to wait in between is :class:`RetryPolicy`'s (one set of tenacity callbacks for both). Endpoint
declarations (e.g. :mod:`airflow_provider_tremendous.vendors.tremendous.api`) hand both the same
:class:`ApiRequest`.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable

from airflow.providers.common.compat.sdk import mask_secret

from airflow_provider_tremendous.core.transport.aio import HttpxTransport
from airflow_provider_tremendous.core.transport.attempt import (
    MAX_HOLDS,
    SEND_GATE,
    Acquire,
    Attempt,
    Effect,
    Send,
    Sleep,
    attempt_steps,
    send_gate,
)
from airflow_provider_tremendous.core.transport.profile import ClientSettings, CredentialsLike, ErrorFactory
from airflow_provider_tremendous.core.transport.ratelimit import RateLimiter, shared_rate_limiter
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse
from airflow_provider_tremendous.core.transport.retry import RetryPolicy
from airflow_provider_tremendous.core.transport.sync import RequestsTransport
from airflow_provider_tremendous.core.transport.tokens import acquire_async

#: Kept here too: callers import the send gate (and tests the hold count) from this module.
__all__ = ["MAX_HOLDS", "SEND_GATE", "AsyncApiClient", "SyncApiClient", "send_gate"]


def _vendor_parts(
    settings: ClientSettings, credentials: CredentialsLike | None, errors: ErrorFactory | None
) -> tuple[CredentialsLike, ErrorFactory]:
    """The parts a client was not given, from its settings: a vendor's settings name their own credentials and
    error reader (``client_parts()``), so ``SyncApiClient(settings)`` works as in release 0.1, for every vendor."""
    parts = getattr(settings, "client_parts", None)
    if parts is None:
        raise TypeError("pass credentials= and errors=, or settings that provide client_parts()")
    given = parts()
    return credentials or given["credentials"], errors or given["errors"]


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
        credentials: CredentialsLike | None,
        errors: ErrorFactory | None,
    ) -> None:
        if credentials is None or errors is None:
            credentials, errors = _vendor_parts(settings, credentials, errors)
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

    def _new_attempt(self, request: ApiRequest) -> Attempt:
        """One attempt of ``request`` with this client's credentials, limiter and error factory (see
        :mod:`.attempt`); the client performs its effects. A value the request must never show (a card token in
        its path) is handed to Airflow's secrets masker first, so that no log line shows it either (urllib3 and
        httpx log request lines at DEBUG)."""
        for value in request.redact:
            mask_secret(value)
        return Attempt(attempt_steps(request, self.credentials, self.limiter, self.errors))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.settings.base_url!r}, env={self.settings.environment!r})"


class SyncApiClient(_ClientCore):
    """Sends :class:`ApiRequest` values synchronously with requests."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        credentials: CredentialsLike | None = None,
        errors: ErrorFactory | None = None,
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
        """One attempt, its effects performed by blocking: sleep, send with requests, take the lock, call."""
        attempt = self._new_attempt(request)
        step = attempt.start()
        while not isinstance(step, RawResponse):
            outcome: object = None
            failure: BaseException | None = None
            try:
                outcome = self._perform(step)
            except BaseException as error:  # thrown into the attempt: it releases the lock it holds, then re-raises
                failure = error
            step = attempt.resume(outcome, failure)
        return step

    def _perform(self, effect: Effect) -> object:
        """Perform one effect of an attempt, blocking; return its outcome."""
        if isinstance(effect, Send):
            return self.transport.send(effect.request, effect.headers)
        if isinstance(effect, Sleep):
            self._sleep(effect.seconds)
        elif isinstance(effect, Acquire):
            effect.lock.acquire()
        else:
            return effect.call()
        return None

    def close(self) -> None:
        """Release pooled connections."""
        self.transport.close()


class AsyncApiClient(_ClientCore):
    """Sends :class:`ApiRequest` values asynchronously with httpx; never blocks the event loop."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        credentials: CredentialsLike | None = None,
        errors: ErrorFactory | None = None,
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
        """One attempt, its effects awaited: sleep, send with httpx, take the lock without blocking the loop
        (:func:`acquire_async`: the same process-wide threading lock as sync threads and other event loops), and
        run a blocking step (loading or keeping a rotated refresh token) in a worker thread."""
        attempt = self._new_attempt(request)
        step = attempt.start()
        while not isinstance(step, RawResponse):
            outcome: object = None
            failure: BaseException | None = None
            try:
                outcome = await self._perform(step)
            except BaseException as error:  # a cancellation too: the attempt releases the lock it holds, re-raises
                failure = error
            step = attempt.resume(outcome, failure)
        return step

    async def _perform(self, effect: Effect) -> object:
        """Perform one effect of an attempt, awaited; return its outcome."""
        if isinstance(effect, Send):
            return await self.transport.send(effect.request, effect.headers)
        if isinstance(effect, Sleep):
            await self._sleep(effect.seconds)
        elif isinstance(effect, Acquire):
            await acquire_async(effect.lock)
        else:
            return await asyncio.to_thread(effect.call)
        return None

    async def aclose(self) -> None:
        """Release pooled connections."""
        await self.transport.aclose()

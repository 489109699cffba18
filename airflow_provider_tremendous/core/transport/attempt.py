"""One transport attempt, without I/O: every decision the sync and async clients make, written once.

An attempt is a generator (:func:`attempt_steps`) that yields *effects* — "sleep N seconds", "send this
request", "take this lock", "run this blocking step" — and is sent the outcome of each (the
:class:`RawResponse` of a send, the result of a blocking step, ``None`` otherwise). It returns the successful
response, or raises the typed error (an API error, :class:`NotSentError`). A failure of an effect (a
:class:`TransportError` from a transport, a cancelled coroutine) is thrown into the generator at the
``yield`` that asked for it, so a held lock is released and the failure leaves the attempt unchanged.

The clients (:mod:`.client`) only perform the effects: :class:`SyncApiClient` by blocking (``time.sleep``,
requests, ``lock.acquire()``, a direct call), :class:`AsyncApiClient` by awaiting (``asyncio.sleep``, httpx,
:func:`acquire_async`, ``asyncio.to_thread``). Which requests are sent, how long each wait is, when a token is
renewed and which error is raised is therefore the same for both by construction. Retries around an attempt are
decided by :class:`RetryPolicy` (one set of tenacity callbacks for ``Retrying`` and ``AsyncRetrying``).
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_tremendous.core.errors import NotSentError
from airflow_provider_tremendous.core.transport.profile import CredentialsLike, ErrorFactory
from airflow_provider_tremendous.core.transport.ratelimit import RateLimiter
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse, raise_for_status
from airflow_provider_tremendous.core.transport.retry import MAX_RETRY_AFTER, RATE_LIMIT_MIN_WAIT

#: How many pauses in a row one request waits out before it is sent anyway (each is a fresh 429 from the API).
MAX_HOLDS = 10
#: The caller's send gate: why a request that changes something must not be sent now (``None``: send). Checked
#: after the rate limiter's wait, right before the request leaves, so a payout that stops while requests wait for
#: their turn sends none of them (reads are never gated: a look-up must still resolve an uncertain order).
SEND_GATE: contextvars.ContextVar[Callable[[], str | None] | None] = contextvars.ContextVar("send_gate", default=None)


@contextmanager
def send_gate(reason: Callable[[], str | None]) -> Iterator[None]:
    """Within this block (this thread or task), a request other than a GET is sent only while ``reason()`` is
    ``None``; otherwise :class:`NotSentError` is raised and nothing leaves."""
    token = SEND_GATE.set(reason)
    try:
        yield
    finally:
        SEND_GATE.reset(token)


def check_gate(request: ApiRequest) -> None:
    """Raise :class:`NotSentError` when the caller's send gate is closed for ``request`` (never a GET)."""
    gate = SEND_GATE.get()
    reason = gate() if gate is not None and request.method != "GET" else None
    if reason:
        raise NotSentError(reason)


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds`` (the rate limiter's slot or a 429 pause); the outcome is ``None``."""

    seconds: float


@dataclass(frozen=True)
class Send:
    """Send ``request`` with ``headers``; the outcome is its :class:`RawResponse` (a transport raises
    :class:`TransportError` when no response arrived)."""

    request: ApiRequest
    #: Never in the repr: they hold the credential (a step is a local of every frame that sends).
    headers: dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class Acquire:
    """Take ``lock`` (the credential's renewal lock, a :class:`threading.Lock` shared with other threads and event
    loops); the outcome is ``None``. The attempt releases it itself, in a ``finally``."""

    lock: threading.Lock


@dataclass(frozen=True)
class Blocking:
    """Run ``call``, which may block (load or keep a rotated refresh token); the outcome is what it returns. The
    async client runs it in a worker thread so the event loop never blocks."""

    #: Never in the repr: it may hold a token endpoint's answer (the access and refresh tokens).
    call: Callable[[], object] = field(repr=False)


#: What an attempt asks its client to do next.
Effect = Sleep | Send | Acquire | Blocking


class Attempt:
    """The attempt a client drives: :meth:`start` it, perform each effect it returns, :meth:`resume` it with the
    outcome (or the failure) of that effect, until it returns the response or raises.

    A client's loop is then only I/O::

        step = attempt.start()
        while not isinstance(step, RawResponse):
            outcome, failure = None, None
            try:
                outcome = perform(step)  # blocking or awaited
            except BaseException as error:
                failure = error
            step = attempt.resume(outcome, failure)
        return step

    A failure is thrown into the attempt at the effect that asked for it (outside the client's ``except``, so the
    exception leaves unchanged): the attempt releases what it holds and raises it again.
    """

    def __init__(self, steps: Generator[Effect, Any, RawResponse]) -> None:
        self._steps = steps

    def start(self) -> Effect | RawResponse:
        """The first effect to perform (or the response, should an attempt ever need no I/O)."""
        return self.resume(None, None)

    def resume(self, outcome: object, failure: BaseException | None) -> Effect | RawResponse:
        """Feed the outcome of the last effect (or the exception it raised); return the next effect to perform, or
        the successful response when the attempt is over. Raises the attempt's typed error."""
        try:
            return self._steps.send(outcome) if failure is None else self._steps.throw(failure)
        except StopIteration as done:
            response: RawResponse = done.value
            return response


def attempt_steps(
    request: ApiRequest, credentials: CredentialsLike, limiter: RateLimiter, errors: ErrorFactory
) -> Generator[Effect, Any, RawResponse]:
    """One attempt of ``request``: token (if needed) → rate-limiter slot → gate → send → on a 401 the vendor asks
    to renew for, renew once and send once more → a 429 pauses the account's limiter → the response or its
    typed error (``errors`` is the vendor's error factory). Retrying the attempt is the caller's (tenacity's)."""
    seen = credentials.generation  # before needs_token: a renewal in between is then not repeated
    if request.authenticated and credentials.needs_token:
        yield from refresh_steps(credentials, seen)
    generation = credentials.generation
    for _ in range(MAX_HOLDS):  # a 429 pause that began while this caller waited for its slot holds it too
        delay = max(limiter.reserve(), limiter.pause_left())
        if delay > 0:
            yield Sleep(delay)
        if not limiter.held():
            break
    check_gate(request)
    response: RawResponse = yield Send(request, credentials.headers(request))
    if credentials.should_refresh(request, response):
        yield from refresh_steps(credentials, generation)
        check_gate(request)  # a stop during the token refresh: the resend does not leave
        response = yield Send(request, credentials.headers(request))
    pause_on_rate_limit(limiter, response)
    raise_for_status(request, response, errors)
    return response


def refresh_steps(credentials: CredentialsLike, seen_generation: int) -> Generator[Effect, Any, None]:
    """Renew the token unless another client of the credential did since ``seen_generation``: single-flight under
    the credential's process-wide lock, so N threads or coroutines that got a 401 cause one token request (they
    wait on the lock, then find it renewed). A refused renewal is tried once more when another task process has
    rotated the refresh token meanwhile."""
    lock = credentials.lock
    yield Acquire(lock)
    try:
        if credentials.generation != seen_generation:
            return  # another thread or coroutine refreshed while we waited
        yield Blocking(credentials.before_refresh)
        token_request = credentials.refresh_request()
        response: RawResponse = yield Send(token_request, {})
        if (yield Blocking(functools.partial(credentials.another_token_after, response))):
            token_request = credentials.refresh_request()
            response = yield Send(token_request, {})
        credentials.apply_refresh(token_request, response)
        yield Blocking(credentials.after_refresh)
    finally:
        lock.release()


def pause_on_rate_limit(limiter: RateLimiter, response: RawResponse) -> None:
    """A 429 pauses every request of this account in the process, not just the one that got it."""
    if response.status == 429:
        limiter.pause(max(RATE_LIMIT_MIN_WAIT, min(response.retry_after or 0.0, MAX_RETRY_AFTER)))

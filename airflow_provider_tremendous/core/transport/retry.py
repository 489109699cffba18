"""One retry policy for the sync and async clients, built on tenacity.

What is retried, and why:

* **429** — the API says the request "was not processed", so any request may be sent again; wait at least
  1 second (the API's documented advice) or ``Retry-After`` when present.
* **5xx, timeouts, dropped connections** — the request may have taken effect, so only *retry-safe* requests are
  retried: reads, and POSTs that carry an idempotency key (``create_order`` with ``external_id``,
  ``create_topup`` with ``idempotency_key``). Anything else would risk paying twice.
* **Connection refused / connect timeout** — the request never left this machine; always safe to retry.
* **"Still processing"** (Tango Card's 409.002: the first request with this ``externalRefID`` is in process) —
  retried only when the request carries its idempotency key, after the vendor's minimum wait (2 s).
* **Other 4xx** — never retried: sending the same bad request again cannot succeed.

Waits grow exponentially with full jitter, so many workers hitting the limit at once do not retry in lockstep.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState, Retrying, stop_after_attempt

from airflow_provider_tremendous.core.errors import (
    ApiError,
    RateLimitError,
    ServerError,
    TransportError,
)
from airflow_provider_tremendous.core.transport.request import ApiRequest

log = logging.getLogger(__name__)

#: The documented pause after a 429.
RATE_LIMIT_MIN_WAIT = 1.0
#: The longest ``Retry-After`` honoured; a longer one is capped rather than blocking a worker for hours.
MAX_RETRY_AFTER = 300.0


def is_retryable(error: BaseException, request: ApiRequest) -> bool:
    """Whether ``request`` may be sent again after ``error`` without risking a second effect."""
    if isinstance(error, RateLimitError):
        return True
    if isinstance(error, ApiError) and error.in_progress:
        return request.retry_safe  # the first request with this idempotency key is still being processed
    if isinstance(error, ServerError):
        return request.retry_safe
    if isinstance(error, TransportError):
        return request.retry_safe or not error.may_have_reached_server
    return False


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how long to retry.

    :param max_retries: retries after the first attempt (0 disables retrying).
    :param min_wait: the first backoff step in seconds; step ``n`` is ``min_wait * 2**(n-1)``, capped.
    :param max_wait: the largest backoff step in seconds.
    """

    max_retries: int = 5
    min_wait: float = 0.5
    max_wait: float = 30.0

    def wait_seconds(self, error: BaseException | None, attempt_number: int) -> float:
        """Seconds to wait before the next attempt, after ``attempt_number`` attempts failed with ``error``."""
        step = min(self.max_wait, self.min_wait * (2 ** max(0, attempt_number - 1)))
        backoff = random.uniform(step / 2, step)
        if isinstance(error, RateLimitError):
            if error.retry_after is not None:
                return min(MAX_RETRY_AFTER, max(error.retry_after, RATE_LIMIT_MIN_WAIT))
            return max(RATE_LIMIT_MIN_WAIT, backoff)
        if isinstance(error, ApiError):
            return max(backoff, error.min_retry_wait)
        return backoff

    def _tenacity_kwargs(self, request: ApiRequest) -> dict[str, object]:
        def retry(state: RetryCallState) -> bool:
            error = state.outcome.exception() if state.outcome else None
            return error is not None and is_retryable(error, request)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            return self.wait_seconds(error, state.attempt_number)

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            delay = state.next_action.sleep if state.next_action else 0.0
            log.warning(
                "%s %s failed (%s); retry %d of %d in %.2f s",
                request.method,
                request.shown_path,
                error,
                state.attempt_number,
                self.max_retries,
                delay,
            )

        return {
            "retry": retry,
            "wait": wait,
            "stop": stop_after_attempt(self.max_retries + 1),
            "before_sleep": before_sleep,
            "reraise": True,
        }

    def retrying(self, request: ApiRequest, sleep: Callable[[float], None] = time.sleep) -> Retrying:
        """A tenacity controller for a synchronous call of ``request``."""
        return Retrying(sleep=sleep, **self._tenacity_kwargs(request))  # type: ignore[arg-type]

    def async_retrying(
        self, request: ApiRequest, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> AsyncRetrying:
        """A tenacity controller for an asynchronous call of ``request``, with the same decisions."""
        return AsyncRetrying(sleep=sleep, **self._tenacity_kwargs(request))  # type: ignore[arg-type]

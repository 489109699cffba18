"""A client-side rate limiter shared by every thread and coroutine that calls the same account.

The Tremendous API allows 10 requests per second and answers 429 beyond that. Spacing requests on our side avoids
the 429s (and their one-second pauses) instead of provoking them. The limiter hands out evenly spaced send
times ("reservations"); the caller sleeps until its slot, with ``time.sleep`` or ``asyncio.sleep``, so one
limiter serves sync and async code alike. Limiters are shared per (base URL, credential) within a process, so
several hooks, threads or mapped task instances in one worker process share one budget.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Evenly spaced request slots at ``rate_per_second`` (a token bucket holding one token).

    :param rate_per_second: requests per second; ``None`` or ``<= 0`` disables limiting.
    :param clock: monotonic clock, injectable for tests.
    :param margin: seconds added to every interval. A server allowing 1 request per second with no burst (Tango
        Card) answers 429 to a request arriving 999 ms after the previous one; without a margin, network jitter
        turns about a third of evenly spaced requests into 429s.
    """

    def __init__(
        self, rate_per_second: float | None, clock: Callable[[], float] = time.monotonic, margin: float = 0.0
    ) -> None:
        self.rate_per_second = rate_per_second if rate_per_second and rate_per_second > 0 else None
        self.margin = margin
        self._interval = 1.0 / self.rate_per_second + margin if self.rate_per_second else 0.0
        self._clock = clock
        self._next_free = 0.0
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Reserve the next send slot; return how many seconds to wait before sending (0 when free now)."""
        if not self._interval:
            return 0.0
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_free)
            self._next_free = slot + self._interval
            return slot - now

    def pause(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` (after a 429: the API asks to pause all requests for a second),
        including callers already holding a slot: :meth:`held` tells them to reserve again."""
        with self._lock:
            until = self._clock() + seconds
            self._paused_until = max(self._paused_until, until)
            self._next_free = max(self._next_free, until)

    def pause_left(self) -> float:
        """Seconds until the current pause ends (0 when none): waited even when client-side pacing is off."""
        with self._lock:
            return max(0.0, self._paused_until - self._clock())

    def held(self) -> bool:
        """Whether a pause holds the account now: a caller woken at its slot reserves again instead of sending."""
        with self._lock:
            return self._clock() < self._paused_until


_registry: dict[tuple[str, str], RateLimiter] = {}
_registry_lock = threading.Lock()


def shared_rate_limiter(
    base_url: str, credential: str, rate_per_second: float | None, margin: float = 0.0
) -> RateLimiter:
    """The process-wide limiter for one account at one base URL (keyed by a hash, never the key itself)."""
    fingerprint = hashlib.sha256(credential.encode()).hexdigest()[:16]
    key = (base_url.rstrip("/"), fingerprint)
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None or limiter.rate_per_second != (rate_per_second or None) or limiter.margin != margin:
            limiter = RateLimiter(rate_per_second, margin=margin)
            _registry[key] = limiter
        return limiter

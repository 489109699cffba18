"""Sending rows concurrently (``max_concurrency`` threads) under the hook's shared rate limiter, with progress
in the task log; outcomes are handed back to the calling thread, which alone writes the result file."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from airflow_provider_tremendous.payouts.outcomes import FAILED, NOT_SENT, Outcome


class Progress:
    """Logs sent/total, rate, ETA and failures every ``every`` seconds."""

    def __init__(self, total: int, log: Any, every: float = 5.0) -> None:
        self.total = total
        self.log = log
        self.every = every
        self.done = 0
        self.failures = 0
        self.started = time.monotonic()
        self._last = self.started

    def update(self, outcome: Outcome) -> None:
        self.done += 1
        self.failures += outcome.outcome in (FAILED, NOT_SENT)
        now = time.monotonic()
        if now - self._last >= self.every or self.done == self.total:
            self._last = now
            elapsed = max(now - self.started, 1e-9)
            rate = self.done / elapsed
            eta = (self.total - self.done) / rate if rate else float("inf")
            self.log.info(
                "Payout progress: %d/%d rows (%.0f%%), %.1f rows/s, ETA %.0f s, %d failed",
                self.done,
                self.total,
                100 * self.done / max(self.total, 1),
                rate,
                eta,
                self.failures,
            )


def send_rows(
    rows: Iterable[dict[str, Any]],
    pay: Callable[[dict[str, Any]], Outcome],
    on_outcome: Callable[[Outcome], None],
    *,
    concurrency: int,
    stop_reason: Callable[[], str | None],
    alone: Callable[[dict[str, Any]], bool] = lambda row: False,
) -> None:
    """Pay every row with at most ``concurrency`` in flight; once ``stop_reason()`` says why (e.g. insufficient
    funds, a cap), the remaining rows are reported ``not_sent`` instead of being sent (``pay`` checks it again
    before sending a row that was queued). A row for which ``alone(row)`` holds (e.g. the order that teaches
    the run its fee) is sent once every earlier row is done, and nothing else is sent until its outcome is
    handled."""
    in_flight: set[Future[Outcome]] = set()

    def collect(block: bool) -> None:
        nonlocal in_flight
        if not in_flight:
            return
        done, in_flight = wait(in_flight, timeout=None if block else 0, return_when=FIRST_COMPLETED)
        for future in done:
            on_outcome(future.result())  # pay() turns every API failure into an outcome; a bug still raises

    def drain() -> None:
        while in_flight:
            collect(block=True)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="payout") as pool:
        for row in rows:
            solo = alone(row)
            if solo:
                drain()
            reason = stop_reason()
            if reason:
                on_outcome(Outcome.for_row(row, NOT_SENT, error=f"not sent: the run stopped ({reason})"))
                continue
            while len(in_flight) >= concurrency * 2:
                collect(block=True)
            in_flight.add(pool.submit(pay, row))
            if solo:
                drain()
            else:
                collect(block=False)
        drain()

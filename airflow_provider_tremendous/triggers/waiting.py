"""Waiting, shared by sensors and waiting operators: the deferrable default, the trigger for a check, a sync
poll loop, and the reading of trigger events. The deferrable pattern: check once; if not done, defer with an
absolute deadline; the trigger yields exactly one event; every outcome is handled here."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import conf

from airflow_provider_tremendous.core.checks import Check, Verdict, run_check
from airflow_provider_tremendous.core.errors import (
    ProviderError,
    WaitFailedError,
    WaitTimeoutError,
)

if TYPE_CHECKING:
    from airflow_provider_tremendous.triggers.status import TremendousStatusTrigger


def default_deferrable() -> bool:
    """``[operators] default_deferrable`` (False when unset)."""
    return bool(conf.getboolean("operators", "default_deferrable", fallback=False))


def status_trigger(
    check: Check,
    conn_id: str,
    poll_interval: float,
    deadline: float,
    hook_params: dict[str, Any] | None,
    vendor: str = "tremendous",
) -> TremendousStatusTrigger:
    """The trigger that waits for ``check`` until ``deadline`` (epoch seconds), through ``vendor``'s API."""
    from airflow_provider_tremendous.triggers.status import TremendousStatusTrigger

    return TremendousStatusTrigger(
        check=check.serialize(),
        tremendous_conn_id=conn_id,
        poll_interval=poll_interval,
        deadline=deadline,
        hook_params=hook_params,
        vendor=vendor,
    )


def poll_until_done(check: Check, hook: Any, poll_interval: float, deadline: float, log: Any) -> Verdict:
    """Synchronous wait in the worker: check, sleep, check... until done or the deadline."""
    while True:
        verdict = run_check(check, hook)
        if verdict.done:
            return verdict
        remaining = deadline - time.time()
        if remaining <= 0:
            raise WaitTimeoutError(f"Timed out waiting; last state: {verdict.message}")
        log.info("Waiting: %s (next check in %.0f s)", verdict.message, min(poll_interval, remaining))
        time.sleep(min(poll_interval, remaining))


def verdict_from_event(event: dict[str, Any] | None) -> Verdict:
    """Read a trigger event; raise on ``timeout`` and ``error`` events."""
    if not event:
        raise ProviderError("The trigger ended without an event")
    status = event.get("status")
    if status == "timeout":
        raise WaitTimeoutError(f"Timed out waiting: {event.get('message')}")
    if status == "error":
        raise ProviderError(f"Waiting failed: {event.get('message')}")
    if status not in ("success", "failure"):
        raise ProviderError(f"Unexpected trigger event: {event!r}")
    return Verdict(status, str(event.get("message", "")), dict(event.get("data") or {}))


def raise_if_failed(verdict: Verdict) -> None:
    """A terminal failure fails the task without retries (retrying cannot un-fail an order)."""
    if verdict.state == "failure":
        raise WaitFailedError(verdict.message)

"""StatusTrigger: polls a status check through a vendor's async hook until it is done or a deadline passes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_tremendous.core.checks import Check, arun_check
from airflow_provider_tremendous.core.errors import ProviderError
from airflow_provider_tremendous.core.transport.request import ApiRequest
from airflow_provider_tremendous.core.transport.retry import is_retryable
from airflow_provider_tremendous.vendors import TREMENDOUS, async_hook, load_checks

_READ = ApiRequest(method="GET", path="")


class StatusTrigger(BaseTrigger):
    """Wait, in the triggerer, for a check (orders executed, report ready, invoice paid, balance funded).

    Side-effect free (only GETs), safe to run twice, and yields exactly one event:
    ``{"status": "success" | "failure" | "timeout" | "error", "message": str, "data": {...}}``.
    Transient API errors (429, 5xx, network) are retried by the hook's retry policy and, beyond that, polled
    through until the deadline; permanent ones (401, 404...) end the wait with an ``error`` event.

    :param check: a serialized :class:`~airflow_provider_tremendous.core.checks.Check` (``{"kind": ..., ...}``).
    :param conn_id: the vendor's connection (``tremendous_conn_id`` is accepted for triggers serialized by 0.1).
    :param poll_interval: seconds between polls.
    :param deadline: absolute time (epoch seconds) after which a ``timeout`` event is yielded.
    :param hook_params: extra hook arguments (``timeout``, ``max_retries``, ``rate_limit_per_second``).
    :param vendor: whose API to poll, by its registry name: ``tremendous`` (default) or ``tangocard``.
    """

    def __init__(
        self,
        check: dict[str, Any],
        conn_id: str | None = None,
        poll_interval: float | None = None,
        deadline: float | None = None,
        hook_params: dict[str, Any] | None = None,
        vendor: str = TREMENDOUS,
        *,
        tremendous_conn_id: str | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        connection = conn_id or tremendous_conn_id
        if not connection or poll_interval is None or deadline is None:
            raise ValueError("StatusTrigger needs conn_id, poll_interval and deadline")
        self.vendor = vendor
        self.check = check
        self.conn_id = connection
        self.poll_interval = float(poll_interval)
        self.deadline = float(deadline)
        self.hook_params = hook_params or {}

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """Classpath and JSON-safe kwargs (matching ``__init__``), in release 0.1's form (its class name and
        ``tremendous_conn_id``): during a rolling upgrade or a rollback, a triggerer still on 0.1 runs a wait this
        release deferred. The release that drops the 0.1 names switches to ``StatusTrigger`` and ``conn_id``."""
        return (
            f"{type(self).__module__}.TremendousStatusTrigger",
            {
                "check": self.check,
                "tremendous_conn_id": self.conn_id,
                "poll_interval": self.poll_interval,
                "deadline": self.deadline,
                "hook_params": self.hook_params,
                "vendor": self.vendor,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Poll until done, failed, errored or past the deadline; then yield one event."""
        load_checks()
        check = Check.deserialize(self.check)
        async with async_hook(self.vendor, self.conn_id, self.hook_params) as hook:
            event = await self._poll(check, hook)
        yield TriggerEvent(event)  # type: ignore[no-untyped-call]

    async def _poll(self, check: Check, hook: Any) -> dict[str, Any]:
        last_message = "not checked yet"
        while True:
            try:
                verdict = await arun_check(check, hook)
            except ProviderError as error:
                if not is_retryable(error, _READ):
                    return {"status": "error", "message": str(error), "data": {}}
                self.log.warning("Transient API error while waiting, polling on: %s", error)
                last_message = str(error)
            else:
                if verdict.done:
                    return {"status": verdict.state, "message": verdict.message, "data": verdict.data}
                last_message = verdict.message
                self.log.info("Waiting: %s", verdict.message)
            remaining = self.deadline - time.time()
            if remaining <= 0:
                return {"status": "timeout", "message": f"deadline passed; last state: {last_message}", "data": {}}
            await asyncio.sleep(min(self.poll_interval, remaining))

    @property
    def tremendous_conn_id(self) -> str:
        """The connection, under its 0.1 name."""
        return self.conn_id


#: The name of release 0.1 (triggers it serialized rebuild through it).
TremendousStatusTrigger = StatusTrigger

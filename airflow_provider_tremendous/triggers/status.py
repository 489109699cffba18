"""TremendousStatusTrigger: polls a status check through the async hook until it is done or a deadline passes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_tremendous.core.checks import Check, arun_check, load_all
from airflow_provider_tremendous.core.errors import TremendousError
from airflow_provider_tremendous.core.transport.request import ApiRequest
from airflow_provider_tremendous.core.transport.retry import is_retryable
from airflow_provider_tremendous.vendors import TREMENDOUS, async_hook

_READ = ApiRequest(method="GET", path="")


class TremendousStatusTrigger(BaseTrigger):
    """Wait, in the triggerer, for a check (orders executed, report ready, invoice paid, balance funded).

    Side-effect free (only GETs), safe to run twice, and yields exactly one event:
    ``{"status": "success" | "failure" | "timeout" | "error", "message": str, "data": {...}}``.
    Transient API errors (429, 5xx, network) are retried by the hook's retry policy and, beyond that, polled
    through until the deadline; permanent ones (401, 404...) end the wait with an ``error`` event.

    :param check: a serialized :class:`~airflow_provider_tremendous.core.checks.Check` (``{"kind": ..., ...}``).
    :param tremendous_conn_id: the Tremendous connection.
    :param poll_interval: seconds between polls.
    :param deadline: absolute time (epoch seconds) after which a ``timeout`` event is yielded.
    :param hook_params: extra hook arguments (``timeout``, ``max_retries``, ``rate_limit_per_second``).
    :param vendor: whose API to poll: ``tremendous`` (default) or ``tangocard`` (the connection is then a
        ``tangocard`` one).
    """

    def __init__(
        self,
        check: dict[str, Any],
        tremendous_conn_id: str,
        poll_interval: float,
        deadline: float,
        hook_params: dict[str, Any] | None = None,
        vendor: str = TREMENDOUS,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.vendor = vendor
        self.check = check
        self.tremendous_conn_id = tremendous_conn_id
        self.poll_interval = float(poll_interval)
        self.deadline = float(deadline)
        self.hook_params = hook_params or {}

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """Classpath and JSON-safe kwargs (matching ``__init__``)."""
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "check": self.check,
                "tremendous_conn_id": self.tremendous_conn_id,
                "poll_interval": self.poll_interval,
                "deadline": self.deadline,
                "hook_params": self.hook_params,
                "vendor": self.vendor,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Poll until done, failed, errored or past the deadline; then yield one event."""
        load_all()
        check = Check.deserialize(self.check)
        async with async_hook(self.vendor, self.tremendous_conn_id, self.hook_params) as hook:
            event = await self._poll(check, hook)
        yield TriggerEvent(event)  # type: ignore[no-untyped-call]

    async def _poll(self, check: Check, hook: Any) -> dict[str, Any]:
        last_message = "not checked yet"
        while True:
            try:
                verdict = await arun_check(check, hook)
            except TremendousError as error:
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

"""Signed webhook deliveries, as Tremendous sends them: a JSON POST with
``Tremendous-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook's private key>``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from typing import Any

import httpx

from airflow_provider_tremendous.sandbox.state import SandboxState

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "Tremendous-Webhook-Signature"
MAX_ATTEMPTS = 3


def sign(raw_body: bytes, private_key: str) -> str:
    """The signature header value for ``raw_body``."""
    return "sha256=" + hmac.new(private_key.encode(), raw_body, hashlib.sha256).hexdigest()


class WebhookDispatcher:
    """Delivers queued events to the organization's webhook, retrying non-2xx answers a few times."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def dispatch_pending(self) -> None:
        """Start a delivery task for every queued event (called by the ticker)."""
        events = self.state.take_events()
        webhook = next(iter(self.state.collections["webhooks"].values()), None)
        if webhook is None:
            return
        for event in events:
            task = asyncio.create_task(self._deliver(dict(webhook), event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, webhook: dict[str, Any], event: dict[str, Any]) -> None:
        raw = json.dumps(event).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(raw, webhook["private_key"])}
        record: dict[str, Any] = {"event": event["event"], "uuid": event["uuid"], "url": webhook["url"], "attempts": 0}
        self.state.deliveries.append(record)
        self._client = self._client or httpx.AsyncClient(timeout=5.0)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            record["attempts"] = attempt
            try:
                response = await self._client.post(webhook["url"], content=raw, headers=headers)
                record["status"] = response.status_code
                if response.status_code < 300:
                    return
            except httpx.HTTPError as error:
                record["status"] = None
                record["error"] = f"{type(error).__name__}: {error}"
            await asyncio.sleep(0.2 * 2**attempt)
        log.warning(
            "Webhook delivery of %s to %s failed after %d attempts", event["event"], webhook["url"], MAX_ATTEMPTS
        )

    async def aclose(self) -> None:
        """Finish in-flight deliveries (briefly) and close the client."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=2)
        if self._client is not None:
            await self._client.aclose()

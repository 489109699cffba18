"""Hooks wired to record their waits instead of sleeping, so retry tests are exact and instant."""

from __future__ import annotations

import asyncio
from typing import Any

from airflow_provider_tremendous.hooks import TremendousAsyncHook, TremendousHook
from airflow_provider_tremendous.transport import AsyncApiClient, SyncApiClient


def recording_hook(sleeps: list[float], **kwargs: Any) -> TremendousHook:
    """A sync hook whose retry and rate-limit waits are appended to ``sleeps``."""
    hook = TremendousHook(**kwargs)
    hook.client = SyncApiClient(hook.settings, sleep=sleeps.append)  # type: ignore[misc]
    return hook


async def recording_async_hook(sleeps: list[float], **kwargs: Any) -> TremendousAsyncHook:
    """An async hook whose waits are appended to ``sleeps``."""

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    hook = TremendousAsyncHook(**kwargs)
    client = await hook.get_async_client()
    hook._client = AsyncApiClient(client.settings, sleep=record)
    hook._client_loop = asyncio.get_running_loop()
    return hook


ORDER = {"id": "ORD1", "external_id": "ext-1", "status": "EXECUTED", "created_at": "2026-11-01T00:00:00Z"}
ORDER_BODY = {
    "payment": {"funding_source_id": "balance"},
    "reward": {
        "value": {"denomination": 5, "currency_code": "USD"},
        "recipient": {"name": "Ada", "email": "ada@example.com"},
        "delivery": {"method": "EMAIL"},
        "products": ["OKMHM2X2OHYV"],
    },
}

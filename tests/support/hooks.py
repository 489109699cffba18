"""Hooks wired to record their waits instead of sleeping, so retry tests are exact and instant."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from airflow_provider_tremendous.core.transport.ratelimit import RateLimiter
from airflow_provider_tremendous.hooks import TremendousAsyncHook, TremendousHook


class VirtualTime:
    """A clock that only a recorded sleep moves: the hook's waits are appended to ``sleeps`` and pass at once,
    and its rate limiter (pauses after a 429 included) runs on the same clock."""

    def __init__(self, sleeps: list[float]) -> None:
        self.sleeps = sleeps
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def limiter(self, settings: Any) -> RateLimiter:
        return RateLimiter(settings.rate_limit_per_second, clock=self.clock)


def recording_hook(sleeps: list[float], **kwargs: Any) -> TremendousHook:
    """A sync hook whose retry and rate-limit waits are appended to ``sleeps``."""
    hook = TremendousHook(**kwargs)
    time = VirtualTime(sleeps)
    hook.client = hook.sync_client_for(hook.settings, sleep=time.sleep, limiter=time.limiter(hook.settings))  # type: ignore[misc]
    return hook


async def recording_async_hook(sleeps: list[float], **kwargs: Any) -> TremendousAsyncHook:
    """An async hook whose waits are appended to ``sleeps``."""

    time = VirtualTime(sleeps)

    async def record(seconds: float) -> None:
        time.sleep(seconds)

    hook = TremendousAsyncHook(**kwargs)
    client = await hook.get_async_client()
    hook._client = hook.async_client_for(client.settings, sleep=record, limiter=time.limiter(client.settings))  # type: ignore[arg-type]
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


def oauth_connection(monkeypatch: Any, stub: Any, access_token: str = "") -> None:
    """Point ``tremendous_default`` at ``stub`` with OAuth (client id/secret, refresh token, the stub's token URL)
    and ``access_token`` as the stored token (empty: fetched on first use)."""
    value = {
        "conn_type": "tremendous",
        "host": stub.base_url,
        "password": access_token,
        "extra": {
            "rate_limit_per_second": 0,
            "oauth_client_id": "client-1",
            "oauth_client_secret": "client-secret-xyz",
            "oauth_refresh_token": "refresh-abc",
            "oauth_token_url": f"http://127.0.0.1:{stub.port}/oauth/token",
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", json.dumps(value))

"""The ASGI layer in front of the emulated API: authentication, rate limiting and injected faults.

Faults follow the admin API's contract: ``error_rate`` answers 500 before the request reaches the API (no state
change); ``error_after_commit_rate`` lets the request change state, then answers 500 instead of the real answer;
``drop_after_commit_rate`` lets it change state, then aborts the TCP connection without any answer. The decision
for each request is drawn from one seeded RNG, so a run is reproducible for a given seed and request order.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from airflow_provider_tremendous.sandbox.state import SandboxState

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_PREFIX = "/api/v2"
#: Open transports by client address, filled by the server's protocol class, so a fault can drop a connection.
TRANSPORTS: dict[tuple[str, int], Any] = {}


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": raw})


class TokenBuckets:
    """Per-key token buckets holding one second's worth of requests."""

    def __init__(self) -> None:
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, rate: float) -> bool:
        now = time.monotonic()
        tokens, last = self.buckets.get(key, (rate, now))
        tokens = min(rate, tokens + (now - last) * rate)
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            return False
        self.buckets[key] = (tokens - 1, now)
        return True


class Gateway:
    """Pure ASGI middleware: cheap enough not to limit the sandbox's throughput."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state
        self.buckets = TokenBuckets()
        self.rng = random.Random(state.config.faults.seed)
        #: API requests seen and answers given by the gateway itself (429s, injected faults), for benchmarks.
        self.stats: Counter[str] = Counter()

    def reseed(self) -> None:
        """Restart the fault RNG from the configured seed."""
        self.rng = random.Random(self.state.config.faults.seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        self.stats["requests"] += 1
        faults = self.state.config.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        token = self._token(scope)
        if token is None or not token.startswith("TEST_"):
            message = (
                "Production Access not available for your account"
                if token and token.startswith("PROD_")
                else ("Unauthorized: a valid Bearer API key is required")
            )
            await _send_json(send, 401, {"errors": {"message": message, "payload": {}}})
            return
        if faults.rate_limit_per_second and not self.buckets.allow(token, faults.rate_limit_per_second):
            self.stats["rate_limited"] += 1
            await _send_json(send, 429, {"error": {"message": "Too many requests", "payload": {}}})
            return
        affected = (faults.path_prefix is None or path[len(API_PREFIX) :].startswith(faults.path_prefix)) and (
            faults.method is None or scope["method"] == faults.method.upper()
        )
        if affected and faults.error_after_commit_next > 0:
            faults.error_after_commit_next -= 1
            await self._fail_after_commit(scope, receive, send, drop=False)
            return
        if affected and faults.rate_limited_rate and self.rng.random() < faults.rate_limited_rate:
            self.stats["rate_limited"] += 1
            await _send_json(send, 429, {"error": {"message": "Too many requests", "payload": {}}})
            return
        if affected and faults.error_rate and self.rng.random() < faults.error_rate:
            self.stats["error_before_commit"] += 1
            await _send_json(
                send, 500, {"errors": {"message": "Internal server error (injected before commit)", "payload": {}}}
            )
            return
        after = self.rng.random() if affected else 1.0
        if after < faults.error_after_commit_rate + faults.drop_after_commit_rate:
            await self._fail_after_commit(scope, receive, send, drop=after >= faults.error_after_commit_rate)
            return
        if affected and faults.after_commit_delay_ms:
            await self._delay_answer(scope, receive, send, faults.after_commit_delay_ms / 1000)
            return
        await self.app(scope, receive, send)

    async def _delay_answer(self, scope: Scope, receive: Receive, send: Send, seconds: float) -> None:
        """Apply the request at once, hold its answer for ``seconds``, then send it."""
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, hold)
        await asyncio.sleep(seconds)
        for message in messages:
            await send(message)

    @staticmethod
    def _token(scope: Scope) -> str | None:
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                return token.strip() if scheme.lower() == "bearer" and token.strip() else None
        return None

    async def _fail_after_commit(self, scope: Scope, receive: Receive, send: Send, *, drop: bool) -> None:
        async def swallow(message: Message) -> None:
            return None

        await self.app(scope, receive, swallow)  # the request takes effect; its answer is lost
        self.stats["dropped_after_commit" if drop else "error_after_commit"] += 1
        transport = TRANSPORTS.get(tuple(scope.get("client") or ("", 0)))  # type: ignore[arg-type]
        if drop and transport is not None:
            transport.abort()
            return
        await _send_json(
            send, 500, {"errors": {"message": "Internal server error (injected after commit)", "payload": {}}}
        )

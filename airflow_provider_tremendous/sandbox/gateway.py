"""The ASGI layer in front of the emulated API: authentication, rate limiting and injected faults.

Two APIs are served: Tremendous under ``/api/v2`` (Bearer ``TEST_`` keys, 10 req/s) and Tango Card under
``/raas/v2`` (HTTP Basic platform name and key, or a sandbox OAuth token; 1 req/s). Each has a :class:`Dialect`
saying how a caller is identified and how an error body looks; the fault knobs apply to both alike.

Faults follow the admin API's contract: ``error_rate`` answers 500 before the request reaches the API (no state
change); ``error_after_commit_rate`` lets the request change state, then answers 500 instead of the real answer;
``drop_after_commit_rate`` lets it change state, then aborts the TCP connection without any answer. The decision
for each request is drawn from one seeded RNG, so a run is reproducible for a given seed and request order.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from airflow_provider_tremendous.sandbox.config import FaultConfig
from airflow_provider_tremendous.sandbox.state import SandboxState
from airflow_provider_tremendous.sandbox.tangocard.domain.errors import tango_error_body, tango_error_headers

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_PREFIX = "/api/v2"
TANGO_PREFIX = "/raas/v2"
#: Open transports by client address, filled by the server's protocol class, so a fault can drop a connection.
TRANSPORTS: dict[tuple[str, int], Any] = {}


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    raw = json.dumps(body).encode()
    extra = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()), *extra],
        }
    )
    await send({"type": "http.response.body", "body": raw})


def _authorization(scope: Scope) -> tuple[str, str] | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, credential = value.decode("latin-1").partition(" ")
            return scheme.lower(), credential.strip()
    return None


class Dialect:
    """How one emulated API identifies callers and words its errors (Tremendous by default)."""

    prefix = API_PREFIX

    def caller(self, scope: Scope, production_keys: bool = False) -> tuple[str | None, str]:
        """``(rate-limit key, "")`` for an accepted caller, ``(None, message)`` for a 401 (``PROD_`` keys are
        accepted only when the sandbox emulates a production account, for tests of production-only rules)."""
        auth = _authorization(scope)
        token = auth[1] if auth and auth[0] == "bearer" and auth[1] else None
        if token is not None and (token.startswith("TEST_") or (production_keys and token.startswith("PROD_"))):
            return token, ""
        if token and token.startswith("PROD_"):
            return None, "Production Access not available for your account"
        return None, "Unauthorized: a valid Bearer API key is required"

    def rate_limit(self, faults: FaultConfig) -> float | None:
        return faults.rate_limit_per_second

    def error(self, status: int, message: str, path: str, i18n_key: str = "") -> dict[str, Any]:
        detail = {"message": message, "payload": {}}
        return {"error": detail} if status == 429 else {"errors": detail}

    def error_headers(self, body: dict[str, Any]) -> dict[str, str]:
        """Headers sent with an error answer of the gateway (none for Tremendous)."""
        return {}


class TangoDialect(Dialect):
    """Tango Card: Basic auth with any non-empty platform name and key (one emulated platform per name), or a
    Bearer token issued by the sandbox's ``/oauth/token``."""

    prefix = TANGO_PREFIX

    def caller(self, scope: Scope, production_keys: bool = False) -> tuple[str | None, str]:
        auth = _authorization(scope)
        if auth is None:
            return None, "HTTP Basic Authorization required"
        scheme, credential = auth
        if scheme == "bearer" and credential.startswith("TEST_oauth_"):
            return "tango-oauth:" + credential, ""
        if scheme == "basic":
            try:
                name, _, key = base64.b64decode(credential, validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                name, key = "", ""
            if name and key:
                return "tango:" + name, ""
        return None, "Invalid HTTP Basic Authorization credentials"

    def rate_limit(self, faults: FaultConfig) -> float | None:
        return faults.tango_rate_limit_per_second

    def error(self, status: int, message: str, path: str, i18n_key: str = "") -> dict[str, Any]:
        default_key = {401: "401.002", 429: "429.001"}.get(status, f"{status}.000")
        if status == 401 and message.endswith("required"):
            default_key = "401.001"
        return tango_error_body(status, i18n_key or default_key, message, path=path)

    def error_headers(self, body: dict[str, Any]) -> dict[str, str]:
        """``X-REQUEST-ID``, equal to the body's ``requestId``, as Tango sends it."""
        return tango_error_headers(body)


DIALECTS = (Dialect(), TangoDialect())


async def _send_error(send: Send, dialect: Dialect, status: int, message: str, path: str) -> None:
    """An error answer of the gateway itself, in ``dialect``'s body and headers."""
    body = dialect.error(status, message, path)
    await _send_json(send, status, body, dialect.error_headers(body))


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
        dialect = next((d for d in DIALECTS if path.startswith(d.prefix)), None) if scope["type"] == "http" else None
        if dialect is None:
            await self.app(scope, receive, send)
            return
        self.stats["requests"] += 1
        resource = path[len(dialect.prefix) :].strip("/").split("/", 1)[0]
        self.stats[f"{scope.get('method', 'GET')} /{resource}"] += 1  # e.g. "POST /orders": exact request counts
        faults = self.state.config.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        caller, refusal = dialect.caller(scope, self.state.config.settings.production_keys)
        if caller is None:
            await _send_error(send, dialect, 401, refusal, path)
            return
        rate = dialect.rate_limit(faults)
        if rate and not self.buckets.allow(caller, rate):
            self.stats["rate_limited"] += 1
            await _send_error(send, dialect, 429, "Too many requests", path)
            return
        affected = (faults.path_prefix is None or path[len(dialect.prefix) :].startswith(faults.path_prefix)) and (
            faults.method is None or scope["method"] == faults.method.upper()
        )
        if affected and faults.skip_next > 0:  # a deterministic place for the faults below
            faults.skip_next -= 1
            affected = False
        if affected and faults.error_after_commit_next > 0:
            faults.error_after_commit_next -= 1
            await self._fail_after_commit(scope, receive, send, dialect, drop=False)
            return
        if affected and faults.rate_limited_rate and self.rng.random() < faults.rate_limited_rate:
            self.stats["rate_limited"] += 1
            await _send_error(send, dialect, 429, "Too many requests", path)
            return
        if affected and faults.error_rate and self.rng.random() < faults.error_rate:
            self.stats["error_before_commit"] += 1
            await _send_error(send, dialect, 500, "Internal server error (injected before commit)", path)
            return
        after = self.rng.random() if affected else 1.0
        if after < faults.error_after_commit_rate + faults.drop_after_commit_rate:
            await self._fail_after_commit(scope, receive, send, dialect, drop=after >= faults.error_after_commit_rate)
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

    async def _fail_after_commit(
        self, scope: Scope, receive: Receive, send: Send, dialect: Dialect, *, drop: bool
    ) -> None:
        async def swallow(message: Message) -> None:
            return None

        await self.app(scope, receive, swallow)  # the request takes effect; its answer is lost
        self.stats["dropped_after_commit" if drop else "error_after_commit"] += 1
        transport = TRANSPORTS.get(tuple(scope.get("client") or ("", 0)))  # type: ignore[arg-type]
        if drop and transport is not None:
            transport.abort()
            return
        await _send_error(send, dialect, 500, "Internal server error (injected after commit)", scope["path"])

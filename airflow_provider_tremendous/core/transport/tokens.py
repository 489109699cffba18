"""The process-wide OAuth token store: one :class:`TokenSlot` per credential, shared by every hook and client.

A slot is keyed by what makes a token belong to a credential — token URL, grant type, client id, audience,
user name and a SHA-256 of the secrets (client secret, password, the refresh token a lineage started from) — so
two connections that differ only in a secret never share a token, while every hook of one connection in this
process (a task's hooks, a triggerer's triggers, threads of a bulk payout) shares one access token and, for the
refresh-token grant, the *current* refresh token of its lineage (rotated tokens included).

A slot's ``lock`` serialises renewals in the process and ``generation`` counts them: a caller notes the
generation before its request, and after taking the lock renews only if nobody renewed meanwhile. That makes a
renewal single-flight for threads (sync clients) and coroutines (async clients, see :func:`acquire_async`) alike.

Nothing here is written anywhere outside the process: access tokens are never persisted (see ``docs/hook.md``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow.providers.common.compat.sdk import mask_secret

from airflow_provider_tremendous.core.connection_checks import PRINTABLE_ASCII
from airflow_provider_tremendous.core.errors import ResponseError
from airflow_provider_tremendous.core.transport.request import ApiRequest

#: How long a coroutine waiting for a renewal sleeps between tries of the lock (seconds, doubling to the max).
_POLL_FIRST, _POLL_MAX = 0.002, 0.05


@dataclass(eq=False)
class TokenSlot:
    """The current tokens of one credential in this process, and the lock that makes their renewal single-flight.

    :param access_token: the current access token ("" until one is fetched).
    :param expires_at: ``time.monotonic()`` after which the access token is no longer used (``inf``: unknown).
    :param refresh_token: the current refresh token of the lineage ("" until first needed).
    :param generation: how many renewals happened; a renewal is skipped when it changed since the caller looked.
    :param unsaved: the current refresh token could not be kept in the opt-in Variable (the Variable is older).
    """

    access_token: str = field(default="", repr=False)
    expires_at: float = math.inf
    refresh_token: str = field(default="", repr=False)
    generation: int = 0
    unsaved: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


_SLOTS: dict[tuple[str, ...], TokenSlot] = {}
_SLOTS_LOCK = threading.Lock()


class SlotBacked:
    """A credential whose token, lock and renewal count live in a process-wide :class:`TokenSlot`."""

    _slot: TokenSlot

    @property
    def lock(self) -> threading.Lock:
        """Held while the token is renewed (shared by every client of this credential in the process)."""
        return self._slot.lock

    @property
    def generation(self) -> int:
        """How many renewals this credential had in the process."""
        return self._slot.generation

    def another_token_after(self, response: Any) -> bool:
        """Whether a refused renewal should be tried once more because a newer refresh token is now known (another
        task process rotated it); the credential then holds that token. None here: only rotating grants have one."""
        return False


def token_request(url: str, form: Mapping[str, str]) -> ApiRequest:
    """The OAuth token-endpoint request of every vendor, built in one place so that no vendor's differs: a form
    POST of ``form`` to the absolute ``url``, without the connection's Authorization header (the credentials are in
    the form), named ``oauth_token`` for logs, and not retry-safe (an exchange may rotate a refresh token, so
    sending it twice is not harmless)."""
    return ApiRequest(
        method="POST",
        path=url,
        absolute=True,
        authenticated=False,
        retry_safe=False,
        name="oauth_token",
        form_body=form,
    )


def secret_digest(*secrets: str) -> str:
    """A SHA-256 naming ``secrets`` in a cache key (the secrets themselves never enter a key, a log or a repr)."""
    digest = hashlib.sha256()
    for secret in secrets:
        digest.update(secret.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def token_slot(key: tuple[str, ...]) -> TokenSlot:
    """The process's slot for ``key`` (created empty on first use)."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(key, TokenSlot())


def clear_token_slots() -> None:
    """Forget every token of the process (tests; a credential rotated by hand). Hooks created earlier keep the
    slot they hold; new hooks start empty, as in a fresh process."""
    with _SLOTS_LOCK:
        _SLOTS.clear()


def slot_count() -> int:
    """How many credentials have a slot in this process (tests)."""
    with _SLOTS_LOCK:
        return len(_SLOTS)


async def acquire_async(lock: threading.Lock) -> None:
    """Take ``lock`` from a coroutine without blocking its event loop.

    The lock is a plain :class:`threading.Lock`, shared with sync clients in other threads and with coroutines
    of other event loops (a triggerer thread, ``asyncio.run`` per call), which an :class:`asyncio.Lock` cannot
    be. It is tried without blocking, with a short, growing sleep between tries; a coroutine cancelled while
    waiting holds nothing. The holder releases it in a ``finally``, so a cancelled renewal frees it too. Never
    call a sync client from the event loop thread while a coroutine of that loop holds the lock (it would wait
    for a coroutine that cannot run).
    """
    pause = _POLL_FIRST
    while not lock.acquire(blocking=False):
        await asyncio.sleep(pause)
        pause = min(pause * 2, _POLL_MAX)


def is_invalid_grant(status: int, content: bytes) -> bool:
    """Whether a token-endpoint answer refuses the grant itself (RFC 6749 ``invalid_grant``, with 400, or 401 as
    some servers answer): the refresh token or password is no longer good, and no retry will make it good."""
    if status not in (400, 401):
        return False
    try:
        data = json.loads(content)
    except ValueError:
        return False
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        error = error.get("code") or error.get("error")
    return error == "invalid_grant"


def read_token_answer(content: bytes, fix: str) -> dict[str, Any]:
    """A token endpoint's JSON answer, its ``access_token`` (and any ``refresh_token``) checked and masked.

    A token holding a control, whitespace or non-ASCII character is refused without showing it: sent as a header
    it would make ``requests`` print it, escaped so the secrets masker cannot recognise it, in an error and every
    retry's log line.

    :param fix: what to check when the answer has no usable token (e.g. "check the token URL").
    """
    try:
        data = json.loads(content)
        token = data["access_token"]
    except (ValueError, KeyError, TypeError) as error:
        raise ResponseError(f"The OAuth token endpoint answered without an access_token; {fix}.") from error
    for name in ("access_token", "refresh_token"):
        value = data.get(name)
        if value is None or (name == "refresh_token" and value == ""):
            continue
        if not isinstance(value, str) or not value or not set(value) <= PRINTABLE_ASCII:
            raise ResponseError(
                f"The OAuth token endpoint answered an {name} holding a control, whitespace or non-ASCII character "
                f"(not shown); it cannot be sent as a header. {fix[0].upper()}{fix[1:]}."
            )
        mask_secret(value)
    return {**data, "access_token": str(token)}

"""Tango Card OAuth tokens are cached per (token URL, grant, client id, audience, user, secret hash): a connection
never sends another connection's token, even with the same client id; renewals are single-flight."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from airflow_provider_tremendous.core.transport.tokens import token_slot
from airflow_provider_tremendous.hooks.tangocard import TangoCardAsyncHook, TangoCardHook


def _connect(sandbox: Any, monkeypatch: pytest.MonkeyPatch, conn_id: str, **oauth: str) -> None:
    extra = {"oauth_client_id": "shared-client", "oauth_token_url": f"{sandbox.origin}/oauth/token"} | oauth
    connection = sandbox.tangocard_connection(rate_limit_per_second=0, **extra) | {"login": "", "password": ""}
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(connection))


def _authorization(hook: TangoCardHook) -> str:
    request = hook.list_accounts.operation.build_request((), {})
    return hook.client.credentials.headers(request)["Authorization"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"oauth_client_secret": "secret-of-a"}, {"oauth_client_secret": "secret-of-b"}),
        (
            {"oauth_client_secret": "s", "oauth_username": "alice", "oauth_password": "pw-a"},
            {"oauth_client_secret": "s", "oauth_username": "bob", "oauth_password": "pw-b"},
        ),
        (
            {"oauth_client_secret": "s", "oauth_username": "alice", "oauth_password": "pw-a"},
            {"oauth_client_secret": "s", "oauth_username": "alice", "oauth_password": "pw-changed"},
        ),
    ],
    ids=["client-secret", "user", "password"],
)
def test_connections_sharing_a_client_id_never_share_a_token(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch, first: dict[str, str], second: dict[str, str]
) -> None:
    _connect(tremendous_sandbox, monkeypatch, "tango_a", **first)
    _connect(tremendous_sandbox, monkeypatch, "tango_b", **second)
    a, b = TangoCardHook("tango_a"), TangoCardHook("tango_b")
    a.list_accounts()
    b.list_accounts()
    assert tremendous_sandbox.admin.stats()["POST /oauth/token"] == 2, "b fetched its own token"
    assert _authorization(a) != _authorization(b)
    assert _authorization(a).startswith("Bearer TEST_oauth_") and _authorization(b).startswith("Bearer TEST_oauth_")


def test_twenty_coroutines_with_a_revoked_token_cause_one_token_request(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _connect(tremendous_sandbox, monkeypatch, "tangocard_default", oauth_client_secret="s")
    hook = TangoCardHook()
    hook.list_accounts()
    token_slot(hook.client.credentials.cache_key).access_token = "revoked"  # type: ignore[attr-defined]  # 401

    async def run() -> None:
        async with TangoCardAsyncHook() as one, TangoCardAsyncHook() as two:
            await asyncio.gather(*(h.list_accounts() for h in [one, two] * 10))

    asyncio.run(run())
    assert tremendous_sandbox.admin.stats()["POST /oauth/token"] == 2, "one token, then one renewal for all 20"
    assert _authorization(TangoCardHook()).startswith("Bearer TEST_oauth_")

"""OAuth that behaves, against the real sandbox on loopback (strictness.md #9: refresh tokens rotate, the old one
is refused): a process-wide token store shared by hooks, one refresh at a time for threads and coroutines, the
rotated refresh token used by the next hook, and a refused refresh token failing without retry, with the fix."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import httpx
import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_tremendous.core.errors import TremendousOAuthGrantError
from airflow_provider_tremendous.core.transport.tokens import clear_token_slots, token_slot
from airflow_provider_tremendous.hooks import TremendousAsyncHook, TremendousHook

REFRESH_TOKEN = "oauth-refresh-lineage-7e6d5c4b"
CLIENT_SECRET = "oauth-client-secret-9a8b7c6d"
#: An access token the sandbox refuses with 401 (not ``TEST_``): every first call must refresh.
EXPIRED = "expired-access-token-0000"


def oauth_connection(sandbox: Any, access_token: str = "", **extra: Any) -> str:
    """A ``tremendous`` connection using OAuth against ``sandbox``."""
    return json.dumps(
        {
            "conn_type": "tremendous",
            "host": sandbox.base_url,
            "password": access_token,
            "extra": {
                "rate_limit_per_second": 0,
                "max_retries": 0,
                "oauth_client_id": "client-1",
                "oauth_client_secret": CLIENT_SECRET,
                "oauth_refresh_token": REFRESH_TOKEN,
                "oauth_token_url": f"{sandbox.origin}/oauth/token",
            }
            | extra,
        }
    )


def token_requests(sandbox: Any) -> int:
    return int(sandbox.admin.stats().get("POST /oauth/token", 0))


def _exchange(sandbox: Any, refresh_token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": "c", "client_secret": "s"}
    return httpx.post(f"{sandbox.origin}/oauth/token", data=form)


def test_the_sandbox_rotates_refresh_tokens_and_refuses_the_old_one(tremendous_sandbox: Any) -> None:
    first = _exchange(tremendous_sandbox, "authorized-once-1234")
    assert first.status_code == 200
    rotated = first.json()["refresh_token"]
    assert rotated != "authorized-once-1234"
    again = _exchange(tremendous_sandbox, "authorized-once-1234")
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert _exchange(tremendous_sandbox, rotated).status_code == 200
    tremendous_sandbox.admin.reset()  # a reset forgets which tokens were used
    assert _exchange(tremendous_sandbox, "authorized-once-1234").status_code == 200


def test_the_lenient_setting_keeps_refresh_tokens_valid(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(oauth_reusable_refresh_tokens=True)
    assert [_exchange(tremendous_sandbox, "reusable-5678").status_code for _ in range(3)] == [200, 200, 200]


def test_a_second_hook_reuses_the_token_and_then_the_rotated_refresh_token(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", oauth_connection(tremendous_sandbox))
    TremendousHook().list_campaigns()
    TremendousHook().list_campaigns()  # a second hook (another task's, in the same process): no new token
    assert token_requests(tremendous_sandbox) == 1
    # the access token expires: the next hook refreshes with the *rotated* refresh token (the strict sandbox
    # refuses the connection's, already exchanged)
    third = TremendousHook()
    credentials = third.client.credentials
    token_slot(credentials.cache_key).access_token = EXPIRED  # type: ignore[attr-defined]
    third.list_campaigns()
    assert token_requests(tremendous_sandbox) == 2


def test_twenty_threads_with_a_401_cause_one_token_request(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", oauth_connection(tremendous_sandbox, EXPIRED))
    hooks = [TremendousHook() for _ in range(20)]  # one per thread, as separate tasks' hooks would be
    barrier = threading.Barrier(len(hooks))
    errors: list[BaseException] = []

    def call(hook: TremendousHook) -> None:
        barrier.wait()
        try:
            hook.list_campaigns()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=call, args=(hook,)) for hook in hooks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert token_requests(tremendous_sandbox) == 1


def test_twenty_coroutines_with_a_401_cause_one_token_request(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", oauth_connection(tremendous_sandbox, EXPIRED))

    async def run() -> None:
        async with TremendousAsyncHook() as hook, TremendousAsyncHook() as other:
            await asyncio.gather(*(h.list_campaigns() for h in [hook, other] * 10))

    asyncio.run(run())
    assert token_requests(tremendous_sandbox) == 1


def test_a_refused_refresh_token_fails_without_retry_and_names_the_fix(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", oauth_connection(tremendous_sandbox))
    first = TremendousHook()
    first.list_campaigns()  # exchanges the connection's refresh token: it is rotated
    clear_token_slots()  # a new task process: the rotated token was kept nowhere
    with pytest.raises(TremendousOAuthGrantError) as refused:
        TremendousHook().list_campaigns()
    rotated = first.client.credentials._slot.refresh_token  # type: ignore[attr-defined]  # the earlier process's
    assert rotated and rotated != REFRESH_TOKEN
    assert isinstance(refused.value, AirflowFailException), "Airflow must not retry it"
    message = str(refused.value)
    assert "invalid_grant" in message and "re-authorize" in message and "API key" in message
    assert "oauth_refresh_token_variable" in message
    for text in (message, repr(refused.value), repr(refused.value.__dict__)):
        assert REFRESH_TOKEN not in text and rotated not in text and CLIENT_SECRET not in text
    assert token_requests(tremendous_sandbox) == 2, "the refused grant was not retried"

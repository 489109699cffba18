"""Two task processes of one OAuth connection start at once (two mapped instances of a payout; two DAGs), with the
opt-in refresh-token Variable. Both read the Variable before either has renewed (the real interleaving: read,
then POST /oauth/token, then save — nothing makes it atomic across processes); process 1 rotates T0 -> T1 and
saves T1; process 2 then presents T0 and is refused (strict sandbox: rotated tokens, strictness.md #9).

Process 2 fails *without retry* with "re-authorize the app and put the new refresh token in the connection" —
wrong: the authorization is fine and the Variable already holds the token that works. Single-flight holds only
inside a process; across processes the refusal must re-read the Variable (a token other than the refused one →
renew once more with it) before calling the grant dead. (Rule 2: what fails must say what really happened; a
payout run fails at its first call for no reason the user can fix as told.)"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_tremendous.core.transport.tokens import clear_token_slots
from airflow_provider_tremendous.hooks import TremendousHook
from tests.reviews.issue13a.test_oauth_variable import MemoryVariable, variables  # noqa: F401  (fixture)
from tests.sandbox.test_oauth_sandbox import oauth_connection


def test_two_processes_renewing_at_once_both_work(
    tremendous_sandbox: Any,
    monkeypatch: pytest.MonkeyPatch,
    variables: Any,  # noqa: F811
) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT", oauth_connection(tremendous_sandbox, oauth_refresh_token_variable=True)
    )
    before = dict(MemoryVariable.data)  # what both processes read when they started (nothing kept yet)
    TremendousHook().list_campaigns()  # process 1: T0 -> T1, saved to the Variable
    assert MemoryVariable.data, "process 1 kept its rotated token"
    clear_token_slots()  # process 2: its own memory
    saved, MemoryVariable.data = MemoryVariable.data, before  # its read happened before process 1's save ...
    real_get = MemoryVariable.get.__func__  # type: ignore[attr-defined]
    reads = []

    def get(cls: Any, key: str, default: Any = None, deserialize_json: bool = False) -> Any:
        reads.append(key)
        if len(reads) > 1:  # ... any later read sees the database as it is now
            cls.data = saved
        return real_get(cls, key, default, deserialize_json)

    monkeypatch.setattr(MemoryVariable, "get", classmethod(get))
    TremendousHook().list_campaigns()  # refused: TremendousOAuthGrantError "re-authorize the app", no retry

"""The opt-in refresh-token Variable, with two task processes of one connection alive at once (a long bulk payout
and a later task; two mapped instances). Strict sandbox: refresh tokens rotate, the old one is refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from airflow_provider_tremendous.core.transport import refresh_store
from airflow_provider_tremendous.core.transport.tokens import clear_token_slots
from airflow_provider_tremendous.hooks import TremendousHook
from tests.sandbox.test_oauth_sandbox import EXPIRED, oauth_connection, token_requests


class MemoryVariable:
    """Airflow's Variable, in memory, shared by every 'process' of the test (the metadata database)."""

    data: dict[str, Any] = {}

    @classmethod
    def get(cls, key: str, default: Any = None, deserialize_json: bool = False) -> Any:
        return copy.deepcopy(cls.data.get(key, default))

    @classmethod
    def set(cls, key: str, value: Any, description: str | None = None, serialize_json: bool = False) -> None:
        cls.data[key] = copy.deepcopy(value)


@pytest.fixture
def variables(monkeypatch: pytest.MonkeyPatch) -> type[MemoryVariable]:
    MemoryVariable.data = {}
    monkeypatch.setattr(refresh_store, "airflow_variable", lambda: MemoryVariable)
    return MemoryVariable


def test_a_task_process_whose_refresh_token_was_rotated_by_another_process_is_not_failed(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch, variables: Any
) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT",
        oauth_connection(tremendous_sandbox, EXPIRED, oauth_refresh_token_variable=True),
    )
    long_task = TremendousHook()  # process 1: a long bulk payout
    long_task.list_campaigns()  # T0 -> T1, kept in the Variable
    clear_token_slots()  # process 2 starts (another task of the same connection)
    TremendousHook().list_campaigns()  # loads T1 from the Variable -> T2, kept in the Variable
    assert token_requests(tremendous_sandbox) == 2
    kept = next(iter(variables.data.values()))["refresh_token"]
    # process 1's access token expires: it refreshes with T1 from its memory, although the Variable holds T2
    long_task.client.credentials._slot.access_token = EXPIRED  # type: ignore[attr-defined]
    long_task.list_campaigns()  # raises TremendousOAuthGrantError ("re-authorize the app"), no retry
    assert next(iter(variables.data.values()))["refresh_token"] != kept


def test_a_custom_refresh_token_variable_name_is_hidden_like_the_default(tremendous_sandbox: Any) -> None:
    """refresh_store's docstring: "the Variable's name contains ``token`` so the UI hides its value" — true only
    for the default name; a custom name was taken as given. Now a name Airflow would show is refused when the
    connection is read, and an accepted one is hidden."""
    from airflow.models import Connection

    from airflow_provider_tremendous.core.errors import TremendousConfigurationError
    from airflow_provider_tremendous.vendors.tremendous.connection import settings_from_connection

    try:
        from airflow.sdk._shared.secrets_masker import should_hide_value_for_key
    except ImportError:  # Airflow 2
        from airflow.utils.log.secrets_masker import should_hide_value_for_key  # type: ignore[no-redef]

    def settings(name: str) -> Any:
        conn = Connection.from_json(
            oauth_connection(tremendous_sandbox, oauth_refresh_token_variable=name), conn_id="x"
        )
        return settings_from_connection(conn)

    with pytest.raises(TremendousConfigurationError, match="_refresh_token"):
        settings("tremendous_rt_store")
    for name in ("tremendous_rt_store_refresh_token", "payouts_oauth_secret"):
        kept = settings(name).oauth.refresh_token_variable
        assert kept == name and should_hide_value_for_key(kept), f"Variable {name!r} is shown in the UI"

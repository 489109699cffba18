"""The opt-in Airflow Variable keeps a rotated OAuth refresh token across task processes (real Variables, through
``dag.test()`` of the report example DAG, run twice with the in-memory token store cleared in between, as in a new
task process): the second run uses the rotated token, which the strict sandbox requires (the connection's was
already exchanged). Only the refresh token is kept, and it is masked."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import redact

from airflow_provider_tremendous.core.transport.tokens import clear_token_slots
from tests.dags.test_example_dags import _run
from tests.sandbox.test_oauth_sandbox import REFRESH_TOKEN, oauth_connection, token_requests


def _report_twice(sandbox: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **extra: Any) -> list[str]:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", oauth_connection(sandbox, **extra))
    monkeypatch.setenv("AIRFLOW_VAR_TREMENDOUS_REPORT_DIR", str(tmp_path))
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", "False")
    states = [_run("rewards_report_export")]
    clear_token_slots()  # a new task process: nothing in memory
    states.append(_run("rewards_report_export"))
    return states


def _variable(name: str) -> Any:
    from airflow.models import Variable

    return Variable.get(name, None, deserialize_json=True)


@pytest.mark.airflow
def test_the_rotated_refresh_token_survives_a_new_task_process(
    tremendous_sandbox: Any, airflow_db: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    states = _report_twice(tremendous_sandbox, monkeypatch, tmp_path, oauth_refresh_token_variable=True)
    assert [state.rsplit(".", 1)[-1] for state in states] == ["success", "success"]
    assert token_requests(tremendous_sandbox) == 2, "each 'process' refreshed once"
    kept = _variable("tremendous_oauth__tremendous_default__refresh_token")  # the documented default name
    assert set(kept) == {"lineage", "refresh_token"}, "only the refresh token is kept, never an access token"
    assert kept["lineage"] == hashlib.sha256(REFRESH_TOKEN.encode() + b"\0").hexdigest()
    assert kept["refresh_token"] != REFRESH_TOKEN
    assert kept["refresh_token"] not in str(redact(f"token {kept['refresh_token']}")), "registered with the masker"


@pytest.mark.airflow
def test_without_the_variable_the_next_task_process_is_refused(
    tremendous_sandbox: Any, airflow_db: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    states = _report_twice(tremendous_sandbox, monkeypatch, tmp_path)
    assert [state.rsplit(".", 1)[-1] for state in states] == ["success", "failed"]
    assert token_requests(tremendous_sandbox) == 2, "the refused grant was not retried"

"""Review 13f (suspicion, Airflow 2.11 only). markers._stored_but_unreadable opens a metadata-database session in
the task whenever a marker Variable reads as absent — i.e. on *every* first deposit/transfer. Airflow 2.11's
(experimental) database-isolation mode ([core] database_access_isolation) gives task processes no database: the
task runner switches to the internal API, Variable.get/set go through it (so markers otherwise work), and
create_session() yields a TracebackSession that raises on use. There every legitimate first deposit and transfer
fails before anything is sent (safe for rule 1, but the operators are unusable in that mode).

Run with /tmp/venv211/bin/python."""

from __future__ import annotations

from importlib.metadata import version

import pytest


@pytest.mark.skipif(not version("apache-airflow").startswith("2."), reason="Airflow 2 only")
def test_a_first_deposit_marker_read_works_without_task_database_access(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow.api_internal.internal_api_call import InternalApiConfig
    from airflow.models import Variable

    from airflow_provider_tremendous.core.markers import VariableStore

    # the internal API answers "no such Variable" (a first deposit): simulated, no internal-API server in tests
    monkeypatch.setattr(Variable, "get", classmethod(lambda cls, key, default=None, deserialize_json=False: default))
    monkeypatch.setattr(InternalApiConfig, "_use_internal_api", True)
    monkeypatch.setattr(InternalApiConfig, "_internal_api_endpoint", "http://127.0.0.1:9/internal_api/v1/rpcapi")
    try:
        got = VariableStore().get("tremendous_marker__review13f")
    except Exception as error:
        pytest.fail(f"a legitimately absent marker raised {type(error).__name__}: {str(error)[:200]}")
    assert got is None

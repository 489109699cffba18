"""Shared fixtures. Airflow is pointed at a throw-away home before anything imports it."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

_HOME = Path(tempfile.mkdtemp(prefix="tremendous-tests-airflow-"))
os.environ.setdefault("AIRFLOW_HOME", str(_HOME))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(Path(__file__).parents[1] / "example_dags"))
if version("apache-airflow").startswith("2."):  # Airflow 2 refuses SQLite with its default LocalExecutor
    os.environ.setdefault("AIRFLOW__CORE__EXECUTOR", "SequentialExecutor")

import pytest  # noqa: E402

from tests.support.http_stub import StubServer  # noqa: E402

TEST_KEY = "TEST_k3y-s3cr3t-0123456789abcdef"


def conn_json(host: str, password: str = TEST_KEY, **extra: Any) -> str:
    """An ``AIRFLOW_CONN_*`` value (JSON form, understood by Airflow 2.11 and 3.x)."""
    return json.dumps({"conn_type": "tremendous", "host": host, "password": password, "extra": extra})


@pytest.fixture(autouse=True)
def _fresh_tokens() -> Iterator[None]:
    """Every test starts like a fresh process: no OAuth token (Tremendous or Tango Card) cached from another."""
    from airflow_provider_tremendous.core.transport.tokens import clear_token_slots

    clear_token_slots()
    yield
    clear_token_slots()


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """An initialized metadata database (SQLite in the test AIRFLOW_HOME), for ``dag.test()``."""
    import subprocess
    import sys

    airflow = Path(sys.executable).parent / "airflow"
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=dict(os.environ))


@pytest.fixture(scope="session")
def _stub_server() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


@pytest.fixture
def stub(_stub_server: StubServer) -> StubServer:
    """The loopback stub server, emptied for this test."""
    _stub_server.reset()
    return _stub_server


@pytest.fixture
def stub_conn(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> StubServer:
    """``tremendous_default`` pointing at the stub server, with no client-side rate limit (tests set their own)."""
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(stub.base_url, rate_limit_per_second=0))
    return stub


class MemoryRegistryStore:
    """The payout registry's records in a dict (Airflow Variables need a running task or a database)."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        value = self.records.get(key)
        return json.loads(json.dumps(value)) if value is not None else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self.records[key] = json.loads(json.dumps(value))


@pytest.fixture
def registry_store() -> MemoryRegistryStore:
    """The in-memory payout registry shared by every run of this test (every 'worker' and 'DAG run')."""
    return MemoryRegistryStore()


@pytest.fixture
def marker_store() -> MemoryRegistryStore:
    """The in-memory Airflow Variables of durable task markers (:mod:`airflow_provider_tremendous.core.markers`),
    shared by every try and every 'worker' of this test."""
    return MemoryRegistryStore()


@pytest.fixture(autouse=True)
def _payout_registry_in_memory(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bulk payouts record into an in-memory registry without settle delay, and durable task markers into
    in-memory Variables, unless a test asks for the real Airflow Variables with the ``real_payout_registry``
    marker."""
    if request.node.get_closest_marker("real_payout_registry"):
        return
    from airflow_provider_tremendous.core import markers, once
    from airflow_provider_tremendous.payouts import registry

    store = request.getfixturevalue("registry_store")
    monkeypatch.setattr(registry, "variable_store", lambda: store)
    markers_store = request.getfixturevalue("marker_store")
    monkeypatch.setattr(markers, "variable_store", lambda: markers_store)
    monkeypatch.setattr(once, "CLAIM_SETTLE_SECONDS", 0.2)  # still far longer than two threads' claim gap
    monkeypatch.setattr(registry, "SETTLE_SECONDS", 0.0)

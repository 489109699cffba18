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

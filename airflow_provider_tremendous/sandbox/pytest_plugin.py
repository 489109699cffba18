"""pytest plugin (entry point ``pytest11``): the ``tremendous_sandbox`` fixture for testing DAGs and code that
pays through Tremendous, with no account and no network.

``tremendous_sandbox`` starts one sandbox per test session (instant delays, no rate limit), resets it before each
test, points ``AIRFLOW_CONN_TREMENDOUS_DEFAULT`` and ``AIRFLOW_CONN_TANGOCARD_DEFAULT`` (Tango Card RaaS v2
emulator, default customer and account) at it, and gives you the server: ``.base_url``,
``.airflow_conn_json()``, ``.admin.ledger()``, ``.admin.advance(seconds)``, ``.admin.settings(approvals=True)``,
``.admin.faults(error_rate=0.1)``... Settings and faults changed in a test are restored for the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def tremendous_sandbox_server() -> Iterator[Any]:
    """One sandbox server for the whole test session."""
    from airflow_provider_tremendous.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig.instant()) as server:
        yield server


@pytest.fixture
def tremendous_sandbox(tremendous_sandbox_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A freshly reset sandbox, with ``tremendous_default`` pointing at it for this test."""
    from airflow_provider_tremendous.sandbox import SandboxConfig

    admin = tremendous_sandbox_server.admin
    defaults = SandboxConfig.instant()
    admin.faults(**defaults.faults.model_dump())
    admin.settings(**defaults.settings.model_dump())
    admin.reset()
    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox_server.airflow_conn_json(rate_limit_per_second=0)
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_TANGOCARD_DEFAULT", tremendous_sandbox_server.tangocard_conn_json(rate_limit_per_second=0)
    )
    return tremendous_sandbox_server

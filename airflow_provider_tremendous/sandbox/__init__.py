"""A local emulator of the Tremendous API v2 for demos, tests and users' own DAG tests (loopback only).

Needs FastAPI and uvicorn: shipped with Airflow 3; on Airflow 2.11 install ``airflow-provider-tremendous[sandbox]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.sandbox.config import FaultConfig, SandboxConfig, SandboxSettings

if TYPE_CHECKING:
    from airflow_provider_tremendous.sandbox.server import SandboxAdmin, SandboxServer

__all__ = ["FaultConfig", "SandboxAdmin", "SandboxConfig", "SandboxServer", "SandboxSettings"]


def __getattr__(name: str) -> Any:
    """Import the server lazily, so the config models import without FastAPI/uvicorn."""
    if name in ("SandboxServer", "SandboxAdmin", "SANDBOX_API_KEY"):
        from airflow_provider_tremendous.sandbox import server

        return getattr(server, name)
    raise AttributeError(name)

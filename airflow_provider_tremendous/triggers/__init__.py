"""Triggers: asynchronous waits run by Airflow's triggerer, and the wait shared by operators and sensors
(:mod:`.waiting`).

Imported lazily: an operator module imports :mod:`.waiting` at DAG parse time, and must not pay for Airflow's
trigger machinery until a task actually defers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_provider_tremendous.triggers.status import StatusTrigger, TremendousStatusTrigger

__all__ = ["StatusTrigger", "TremendousStatusTrigger"]


def __getattr__(name: str) -> Any:
    """Import the trigger classes on first access."""
    if name in __all__:
        return getattr(importlib.import_module("airflow_provider_tremendous.triggers.status"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Triggers: asynchronous waits run by Airflow's triggerer, and the wait shared by operators and sensors
(:mod:`.waiting`).

Imported lazily: an operator module imports :mod:`.waiting` at DAG parse time, and must not pay for Airflow's
trigger machinery until a task actually defers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_tremendous.core.lazy import lazy_getattr

if TYPE_CHECKING:
    from airflow_provider_tremendous.triggers.status import StatusTrigger, TremendousStatusTrigger

__all__ = ["StatusTrigger", "TremendousStatusTrigger"]


__getattr__ = lazy_getattr(__name__, dict.fromkeys(__all__, "airflow_provider_tremendous.triggers.status"))

"""Hooks: the Tremendous and Tango Card API clients for Airflow, one module per vendor on a neutral base.

Imported lazily, so that reading the provider's info (``get_provider_info`` imports the connection form from here)
does not import the HTTP machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_tremendous.core.lazy import lazy_getattr

if TYPE_CHECKING:
    from airflow_provider_tremendous.hooks.tremendous import TremendousAsyncHook, TremendousHook

__all__ = ["TremendousAsyncHook", "TremendousHook"]


__getattr__ = lazy_getattr(__name__, dict.fromkeys(__all__, "airflow_provider_tremendous.hooks.tremendous"))

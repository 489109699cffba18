"""Hooks: the Tremendous and Tango Card API clients for Airflow, one module per vendor on a neutral base.

Imported lazily, so that reading the provider's info (``get_provider_info`` imports the connection form from here)
does not import the HTTP machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_provider_tremendous.hooks.tremendous import TremendousAsyncHook, TremendousHook

__all__ = ["TremendousAsyncHook", "TremendousHook"]


def __getattr__(name: str) -> Any:
    """Import a hook class on first access."""
    if name in __all__:
        return getattr(importlib.import_module("airflow_provider_tremendous.hooks.tremendous"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Lazy exports: a package names which module defines each public name, and imports that module on first access.

The package root, ``hooks/`` and ``triggers/`` use it, so that a DAG file (or reading the provider's info) pays
only for the modules it touches at parse time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``exports[name]`` (a module path) on first access
    and returns its ``name``; any other name raises :class:`AttributeError` as a module would."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__

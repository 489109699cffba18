"""What the registry knows of a vendor (:class:`Vendor`), declared by each wing in its package ``__init__``.

A wing names its Airflow-facing classes and its payout adapter factory by import path, the way Airflow's provider
info names hook classes: the registry stays importable from anywhere (a DAG file, the provider info, the payout
run) without importing a vendor's HTTP machinery, and the wing never imports the layers above it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ConnectionForm:
    """A connection type's form: the extra fields (key → label, description, JSON schema), the standard fields
    hidden or relabelled, and placeholders. Airflow 3 reads it from the provider info, Airflow 2.11 from the hook."""

    fields: dict[str, dict[str, Any]]
    hidden: list[str]
    relabeling: dict[str, str]
    placeholders: dict[str, str]


#: The ``timeout`` extra, the same for every vendor.
TIMEOUT_FIELD: dict[str, Any] = {
    "label": "Timeout (seconds)",
    "description": "Seconds to wait for each HTTP request (default 30).",
    "schema": {"type": ["number", "null"], "minimum": 1},
}


@dataclass(frozen=True)
class Vendor:
    """One vendor: its name, its Airflow connection type and default connection, and where its parts live.

    :param name: the vendor's name in results, ledgers and trigger kwargs (``tremendous``, ``tangocard``).
    :param label: the name people read (``Tremendous``, ``Tango Card``).
    :param conn_type: the Airflow connection type that selects this vendor.
    :param default_conn_id: the hooks' default connection id.
    :param hook, async_hook: ``module:Class`` of the sync and async hooks.
    :param payout_adapter: ``module:function`` building the bulk-payout adapter from a hook and the run's options.
    :param check_modules: modules defining the vendor's status checks (imported so triggers can rebuild them).
    :param form: the connection form.
    :param docs_url: the vendor's API documentation.
    """

    name: str
    label: str
    conn_type: str
    default_conn_id: str
    hook: str
    async_hook: str
    payout_adapter: str
    check_modules: tuple[str, ...]
    form: ConnectionForm
    docs_url: str

    def load(self, target: str) -> Any:
        """The object at ``module:attribute`` (imported on first use)."""
        module, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module), attribute)

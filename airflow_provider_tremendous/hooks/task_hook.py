"""The connection and hook of an operator or sensor: one mixin for every vendor, the vendor chosen in the registry.

An operator or sensor names its connection with its vendor's argument (``tremendous_conn_id``,
``tangocard_conn_id``); :attr:`TaskHookMixin.connection_id` is the one neutral way to read it, and the hook is
created on first use (never at DAG parse time).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.vendors import TANGOCARD, TREMENDOUS, VENDORS, sync_hook

if TYPE_CHECKING:
    from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
    from airflow_provider_tremendous.hooks.tremendous import TremendousHook

#: The default connection of the Tremendous and the Tango Card operators and sensors.
DEFAULT_CONN_ID = VENDORS[TREMENDOUS].default_conn_id
TANGOCARD_DEFAULT_CONN_ID = VENDORS[TANGOCARD].default_conn_id


class TaskHookMixin:
    """The connection of an operator or sensor (``tremendous_conn_id`` unless a subclass says otherwise)."""

    #: Whose API is called (a registry name: ``tremendous`` or ``tangocard``).
    vendor = TREMENDOUS
    tremendous_conn_id: str
    hook_params: dict[str, Any]

    @property
    def connection_id(self) -> str:
        """The connection the hook and triggers use."""
        return str(self.tremendous_conn_id)

    @cached_property
    def hook(self) -> TremendousHook:
        """The hook (created when first used, never at DAG parse time)."""
        hook: TremendousHook = sync_hook(self.vendor, self.connection_id, self.hook_params)
        return hook


class TangoCardTaskHookMixin(TaskHookMixin):
    """The Tango Card connection of an operator or sensor: ``tangocard_conn_id`` and its hook."""

    vendor = TANGOCARD
    tangocard_conn_id: str

    @property
    def connection_id(self) -> str:
        return str(self.tangocard_conn_id)

    @property
    def tremendous_conn_id(self) -> str:  # type: ignore[override]
        """Release 0.1 kept the Tango Card connection here too; read ``tangocard_conn_id`` (or ``connection_id``)."""
        import warnings

        warnings.warn(
            "A Tango Card task's tremendous_conn_id is deprecated: read tangocard_conn_id or connection_id.",
            DeprecationWarning,
            stacklevel=2,
        )
        return str(self.tangocard_conn_id)

    @cached_property
    def hook(self) -> TangoCardHook:  # type: ignore[override]
        """The Tango Card hook (created when first used, never at DAG parse time)."""
        hook: TangoCardHook = sync_hook(self.vendor, self.connection_id, self.hook_params)
        return hook

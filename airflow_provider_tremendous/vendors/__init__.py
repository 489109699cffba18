"""Which vendor a connection belongs to, and its hooks: ``tangocard`` connections get the Tango Card hooks, every
other connection the Tremendous ones. Switching vendors is switching the connection.

:class:`VendorConnectionMixin` gives operators and sensors their connection id, their (lazily created) hook and the
vendor name the shared waiting code hands to the trigger.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import BaseHook

if TYPE_CHECKING:
    from airflow_provider_tremendous.hooks.tremendous import TremendousHook

TREMENDOUS = "tremendous"
TANGOCARD = "tangocard"


def connection_vendor(conn_id: str) -> str:
    """``tangocard`` or ``tremendous``, from the connection's type."""
    conn_type = (BaseHook.get_connection(conn_id).conn_type or "").lower().replace("_", "")
    return TANGOCARD if conn_type == TANGOCARD else TREMENDOUS


def sync_hook(vendor: str, conn_id: str, hook_params: dict[str, Any] | None = None) -> Any:
    """The vendor's synchronous hook on ``conn_id``."""
    if vendor == TANGOCARD:
        from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

        return TangoCardHook(conn_id, **(hook_params or {}))
    from airflow_provider_tremendous.hooks.tremendous import TremendousHook

    return TremendousHook(conn_id, **(hook_params or {}))


def async_hook(vendor: str, conn_id: str, hook_params: dict[str, Any] | None = None) -> Any:
    """The vendor's asynchronous hook on ``conn_id`` (for triggers)."""
    if vendor == TANGOCARD:
        from airflow_provider_tremendous.hooks.tangocard import TangoCardAsyncHook

        return TangoCardAsyncHook(conn_id, **(hook_params or {}))
    from airflow_provider_tremendous.hooks.tremendous import TremendousAsyncHook

    return TremendousAsyncHook(conn_id, **(hook_params or {}))


class VendorConnectionMixin:
    """The connection of an operator or sensor (``tremendous_conn_id`` unless a subclass says otherwise)."""

    #: Whose API is called: ``tremendous`` or ``tangocard``.
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

"""Which vendor a connection pays through: ``tangocard`` connections get the Tango Card adapter and hooks, every
other connection the Tremendous ones. Switching vendors is switching the connection."""

from __future__ import annotations

from typing import Any

from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_tremendous.payouts.adapter import PayoutAdapter

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


def payout_adapter(
    conn_id: str, hook_params: dict[str, Any] | None = None, *, funding_source_id: str = "balance", **tango: Any
) -> PayoutAdapter:
    """The bulk-payout adapter of the connection's vendor (``tango``: account, etid, sender, message options)."""
    vendor = connection_vendor(conn_id)
    hook = sync_hook(vendor, conn_id, hook_params)
    if vendor == TANGOCARD:
        from airflow_provider_tremendous.payouts.tangocard import TangoCardPayoutAdapter

        return TangoCardPayoutAdapter(hook, **{k: v for k, v in tango.items() if v is not None})
    from airflow_provider_tremendous.payouts.tremendous import TremendousPayoutAdapter

    return TremendousPayoutAdapter(hook, funding_source_id)

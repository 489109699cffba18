"""The vendor registry: which vendors exist, which one a connection belongs to, and where each one's parts live.

Every vendor decision of the provider goes through here: an operator's hook, a trigger's async hook, the bulk
payout's adapter, the connection forms of the provider info, the check kinds a triggerer can rebuild. A connection
of type ``tangocard`` is Tango Card's; every other connection is Tremendous's (the first vendor, and the default
of every operator). Adding a vendor is one folder under ``vendors/`` declaring a :class:`Vendor`, plus one entry in
:data:`VENDORS` (docs/adding_a_vendor.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.vendor import Vendor
from airflow_provider_tremendous.vendors.tangocard import VENDOR as TANGOCARD_VENDOR
from airflow_provider_tremendous.vendors.tremendous import VENDOR as TREMENDOUS_VENDOR

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.adapter import PayoutAdapter

#: Every vendor by name.
VENDORS: dict[str, Vendor] = {vendor.name: vendor for vendor in (TREMENDOUS_VENDOR, TANGOCARD_VENDOR)}
#: The vendor of a connection whose type names no vendor.
DEFAULT_VENDOR = TREMENDOUS_VENDOR
#: The vendor names of earlier releases (kept: DAG files and trigger kwargs use them).
TREMENDOUS = TREMENDOUS_VENDOR.name
TANGOCARD = TANGOCARD_VENDOR.name


def vendor_named(name: str | Vendor) -> Vendor:
    """The vendor called ``name`` (a :class:`Vendor` is returned as is)."""
    if isinstance(name, Vendor):
        return name
    try:
        return VENDORS[name]
    except KeyError:
        raise ValueError(f"Unknown vendor {name!r}: expected one of {sorted(VENDORS)}.") from None


def vendor_of_conn_type(conn_type: str | None) -> Vendor:
    """The vendor a connection type selects (case and underscores ignored); :data:`DEFAULT_VENDOR` otherwise."""
    wanted = (conn_type or "").lower().replace("_", "")
    for vendor in VENDORS.values():
        if vendor.conn_type.replace("_", "") == wanted:
            return vendor
    return DEFAULT_VENDOR


def vendor_of_connection(conn_id: str) -> Vendor:
    """The vendor of the Airflow connection ``conn_id``, from its type."""
    from airflow.providers.common.compat.sdk import BaseHook

    return vendor_of_conn_type(BaseHook.get_connection(conn_id).conn_type)


def connection_vendor(conn_id: str) -> str:
    """The name of the vendor of ``conn_id`` (``tangocard`` or ``tremendous``)."""
    return vendor_of_connection(conn_id).name


def sync_hook(vendor: str | Vendor, conn_id: str, hook_params: dict[str, Any] | None = None) -> Any:
    """The vendor's synchronous hook on ``conn_id``."""
    found = vendor_named(vendor)
    return found.load(found.hook)(conn_id, **(hook_params or {}))


def async_hook(vendor: str | Vendor, conn_id: str, hook_params: dict[str, Any] | None = None) -> Any:
    """The vendor's asynchronous hook on ``conn_id`` (for triggers)."""
    found = vendor_named(vendor)
    return found.load(found.async_hook)(conn_id, **(hook_params or {}))


def payout_adapter(
    conn_id: str, hook_params: dict[str, Any] | None = None, *, funding_source_id: str = "balance", **options: Any
) -> PayoutAdapter:
    """The bulk-payout adapter of the connection's vendor. ``options`` are the vendor's own (Tango Card: the
    paying account, item and email texts); a vendor ignores the options that are not its own."""
    vendor = vendor_of_connection(conn_id)
    hook = sync_hook(vendor, conn_id, hook_params)
    build = vendor.load(vendor.payout_adapter)
    adapter: PayoutAdapter = build(hook, {"funding_source_id": funding_source_id, **options})
    return adapter


def load_checks() -> None:
    """Import every vendor's check modules, so that a triggerer can rebuild any check from its kind."""
    for vendor in VENDORS.values():
        for module in vendor.check_modules:
            importlib.import_module(module)


def __getattr__(name: str) -> Any:
    """``VendorConnectionMixin`` moved to :mod:`airflow_provider_tremendous.hooks.task_hook` (Airflow's face)."""
    if name == "VendorConnectionMixin":
        import warnings

        warnings.warn(
            "'airflow_provider_tremendous.vendors.VendorConnectionMixin' moved to "
            "'airflow_provider_tremendous.hooks.task_hook.TaskHookMixin'.",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module("airflow_provider_tremendous.hooks.task_hook").TaskHookMixin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_VENDOR",
    "TANGOCARD",
    "TREMENDOUS",
    "VENDORS",
    "Vendor",
    "async_hook",
    "connection_vendor",
    "load_checks",
    "payout_adapter",
    "sync_hook",
    "vendor_named",
    "vendor_of_conn_type",
    "vendor_of_connection",
]

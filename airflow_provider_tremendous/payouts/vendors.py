"""The bulk-payout adapter of a connection's vendor (see :mod:`airflow_provider_tremendous.vendors`)."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.payouts.adapter import PayoutAdapter
from airflow_provider_tremendous.vendors import TANGOCARD, connection_vendor, sync_hook

#: The Tango Card options the bulk and reconcile operators pass through (``None`` values are left out).
TANGO_OPTIONS = ("utid", "customer_identifier", "account_identifier", "etid", "sender", "message", "email_subject")


def payout_adapter(
    conn_id: str, hook_params: dict[str, Any] | None = None, *, funding_source_id: str = "balance", **tango: Any
) -> PayoutAdapter:
    """The adapter of the connection's vendor; ``tango`` holds :data:`TANGO_OPTIONS` (ignored for Tremendous)."""
    vendor = connection_vendor(conn_id)
    hook = sync_hook(vendor, conn_id, hook_params)
    if vendor == TANGOCARD:
        from airflow_provider_tremendous.vendors.tangocard.payouts import TangoCardPayoutAdapter

        return TangoCardPayoutAdapter(hook, **{k: v for k, v in tango.items() if v not in (None, "")})
    from airflow_provider_tremendous.vendors.tremendous.payouts import TremendousPayoutAdapter

    return TremendousPayoutAdapter(hook, funding_source_id)

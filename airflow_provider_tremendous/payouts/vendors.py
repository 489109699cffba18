"""The bulk-payout adapter of a connection's vendor: a name kept from earlier releases for
:func:`airflow_provider_tremendous.vendors.payout_adapter` (the registry builds it)."""

from __future__ import annotations

from airflow_provider_tremendous.vendors import payout_adapter

__all__ = ["payout_adapter"]

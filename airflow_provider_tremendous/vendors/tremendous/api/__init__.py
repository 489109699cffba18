"""Every Tremendous API v2 operation, declared once and shared by the sync and async hooks."""

from airflow_provider_tremendous.core.operation import (
    ApiResponse,
    AsyncBoundOperation,
    BoundOperation,
    Operation,
    endpoint,
)
from airflow_provider_tremendous.core.paging import Pagination
from airflow_provider_tremendous.vendors.tremendous.api.catalog import CatalogAPI
from airflow_provider_tremendous.vendors.tremendous.api.connect import ConnectAPI
from airflow_provider_tremendous.vendors.tremendous.api.fraud import FraudAPI
from airflow_provider_tremendous.vendors.tremendous.api.funding import FundingAPI
from airflow_provider_tremendous.vendors.tremendous.api.orders import OrdersAPI
from airflow_provider_tremendous.vendors.tremendous.api.organization import OrganizationAPI
from airflow_provider_tremendous.vendors.tremendous.api.reports import ReportsAPI


class TremendousOperations(OrdersAPI, FundingAPI, CatalogAPI, ReportsAPI, OrganizationAPI, FraudAPI, ConnectAPI):
    """All 66 operations, named as in the official SDK; mixed into both hooks."""


def all_operations() -> dict[str, Operation]:  # type: ignore[type-arg]
    """Every declared operation by name."""
    found: dict[str, Operation] = {}  # type: ignore[type-arg]
    for cls in TremendousOperations.__mro__:
        for name, value in vars(cls).items():
            if isinstance(value, Operation):
                found.setdefault(name, value)
    return found


__all__ = [
    "ApiResponse",
    "AsyncBoundOperation",
    "BoundOperation",
    "Operation",
    "Pagination",
    "TremendousOperations",
    "all_operations",
    "endpoint",
]

"""Every Tango Card RaaS v2 operation the provider offers, declared once for the sync and async hooks."""

from airflow_provider_tremendous.vendors.tangocard.api.accounts import AccountsAPI
from airflow_provider_tremendous.vendors.tangocard.api.catalog import CatalogAPI
from airflow_provider_tremendous.vendors.tangocard.api.funding import FundingAPI
from airflow_provider_tremendous.vendors.tangocard.api.orders import OrdersAPI


class TangoCardOperations(AccountsAPI, FundingAPI, CatalogAPI, OrdersAPI):
    """Customers, accounts, credit cards and deposits, catalogs, exchange rates, email templates, orders and line
    items; mixed into both Tango Card hooks."""


__all__ = ["TangoCardOperations"]

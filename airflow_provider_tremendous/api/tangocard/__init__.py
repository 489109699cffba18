"""Every Tango Card RaaS v2 operation the provider offers, declared once for the sync and async hooks."""

from airflow_provider_tremendous.api.tangocard.accounts import AccountsAPI
from airflow_provider_tremendous.api.tangocard.catalog import CatalogAPI
from airflow_provider_tremendous.api.tangocard.funding import FundingAPI
from airflow_provider_tremendous.api.tangocard.orders import OrdersAPI


class TangoCardOperations(AccountsAPI, FundingAPI, CatalogAPI, OrdersAPI):
    """Customers, accounts, credit cards and deposits, catalogs, exchange rates, email templates, orders and line
    items; mixed into both Tango Card hooks."""


__all__ = ["TangoCardOperations"]

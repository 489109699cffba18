"""The Tango Card RaaS v2 wing: its connection, credentials, errors, endpoints, models, checks and payout adapter.

:data:`VENDOR` is its entry in the registry (:mod:`airflow_provider_tremendous.vendors`).
"""

from airflow_provider_tremendous.core.vendor import Vendor
from airflow_provider_tremendous.vendors.tangocard.form import FORM

VENDOR = Vendor(
    name="tangocard",
    label="Tango Card",
    conn_type="tangocard",
    default_conn_id="tangocard_default",
    hook="airflow_provider_tremendous.hooks.tangocard:TangoCardHook",
    async_hook="airflow_provider_tremendous.hooks.tangocard:TangoCardAsyncHook",
    payout_adapter="airflow_provider_tremendous.vendors.tangocard.payouts:payout_adapter",
    check_modules=("airflow_provider_tremendous.vendors.tangocard.checks",),
    form=FORM,
    docs_url="https://developers.tangocard.com/",
)

"""The Tremendous wing: its connection, credentials, errors, endpoints, models, checks and payout adapter.

:data:`VENDOR` is its entry in the registry (:mod:`airflow_provider_tremendous.vendors`).
"""

from airflow_provider_tremendous.core.vendor import Vendor
from airflow_provider_tremendous.vendors.tremendous.form import FORM

VENDOR = Vendor(
    name="tremendous",
    label="Tremendous",
    conn_type="tremendous",
    default_conn_id="tremendous_default",
    hook="airflow_provider_tremendous.hooks.tremendous:TremendousHook",
    async_hook="airflow_provider_tremendous.hooks.tremendous:TremendousAsyncHook",
    payout_adapter="airflow_provider_tremendous.vendors.tremendous.payouts:payout_adapter",
    check_modules=(
        "airflow_provider_tremendous.vendors.tremendous.checks",
        "airflow_provider_tremendous.vendors.tremendous.resource_checks",
    ),
    form=FORM,
    docs_url="https://developers.tremendous.com/",
)

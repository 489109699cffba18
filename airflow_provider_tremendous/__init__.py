"""Apache Airflow provider for the Tremendous rewards API (and Tango Card RaaS v2, behind the same safety rules).

Public classes are importable from the package root (``from airflow_provider_tremendous import
TremendousCreateOrderOperator``); they are imported lazily, on first access, so a DAG file that uses one operator
does not pay for the rest at parse time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_tremendous import _moved
from airflow_provider_tremendous.core.lazy import lazy_getattr
from airflow_provider_tremendous.core.version import __version__

_moved.install()

_PUBLIC = {
    "TremendousHook": "airflow_provider_tremendous.hooks.tremendous",
    "TremendousAsyncHook": "airflow_provider_tremendous.hooks.tremendous",
    "TremendousCreateOrderOperator": "airflow_provider_tremendous.operators.orders",
    "TremendousApproveOrderOperator": "airflow_provider_tremendous.operators.orders",
    "TremendousRejectOrderOperator": "airflow_provider_tremendous.operators.orders",
    "TremendousCreateInvoiceOperator": "airflow_provider_tremendous.operators.invoices",
    "TremendousCreateReportOperator": "airflow_provider_tremendous.operators.reports",
    "TremendousBulkPayoutOperator": "airflow_provider_tremendous.operators.bulk",
    "BulkPayoutOperator": "airflow_provider_tremendous.operators.bulk",
    "ReconcileOperator": "airflow_provider_tremendous.operators.reconcile",
    "StatusTrigger": "airflow_provider_tremendous.triggers.status",
    "TremendousReconcileOperator": "airflow_provider_tremendous.operators.reconcile",
    "TremendousOrderSensor": "airflow_provider_tremendous.sensors.orders",
    "TremendousReportSensor": "airflow_provider_tremendous.sensors.resources",
    "TremendousInvoiceSensor": "airflow_provider_tremendous.sensors.resources",
    "TremendousBalanceSensor": "airflow_provider_tremendous.sensors.resources",
    "TremendousStatusTrigger": "airflow_provider_tremendous.triggers.status",
    "TangoCardHook": "airflow_provider_tremendous.hooks.tangocard",
    "TangoCardAsyncHook": "airflow_provider_tremendous.hooks.tangocard",
    "TangoCardCreateOrderOperator": "airflow_provider_tremendous.operators.tangocard",
    "TangoCardFundAccountOperator": "airflow_provider_tremendous.operators.tangocard_funding",
    "TangoCardTransferFundsOperator": "airflow_provider_tremendous.operators.tangocard_funding",
    "TangoCardOrderSensor": "airflow_provider_tremendous.sensors.tangocard",
    "TangoCardBalanceSensor": "airflow_provider_tremendous.sensors.tangocard",
}

__all__ = [
    "BulkPayoutOperator",
    "ReconcileOperator",
    "StatusTrigger",
    "TangoCardAsyncHook",
    "TangoCardBalanceSensor",
    "TangoCardCreateOrderOperator",
    "TangoCardFundAccountOperator",
    "TangoCardHook",
    "TangoCardOrderSensor",
    "TangoCardTransferFundsOperator",
    "TremendousApproveOrderOperator",
    "TremendousAsyncHook",
    "TremendousBalanceSensor",
    "TremendousBulkPayoutOperator",
    "TremendousCreateInvoiceOperator",
    "TremendousCreateOrderOperator",
    "TremendousCreateReportOperator",
    "TremendousHook",
    "TremendousInvoiceSensor",
    "TremendousOrderSensor",
    "TremendousReconcileOperator",
    "TremendousRejectOrderOperator",
    "TremendousReportSensor",
    "TremendousStatusTrigger",
    "__version__",
]

if TYPE_CHECKING:
    from airflow_provider_tremendous.hooks.tangocard import TangoCardAsyncHook, TangoCardHook
    from airflow_provider_tremendous.hooks.tremendous import TremendousAsyncHook, TremendousHook
    from airflow_provider_tremendous.operators.bulk import BulkPayoutOperator, TremendousBulkPayoutOperator
    from airflow_provider_tremendous.operators.invoices import TremendousCreateInvoiceOperator
    from airflow_provider_tremendous.operators.orders import (
        TremendousApproveOrderOperator,
        TremendousCreateOrderOperator,
        TremendousRejectOrderOperator,
    )
    from airflow_provider_tremendous.operators.reconcile import ReconcileOperator, TremendousReconcileOperator
    from airflow_provider_tremendous.operators.reports import TremendousCreateReportOperator
    from airflow_provider_tremendous.operators.tangocard import (
        TangoCardCreateOrderOperator,
        TangoCardFundAccountOperator,
    )
    from airflow_provider_tremendous.sensors.orders import TremendousOrderSensor
    from airflow_provider_tremendous.sensors.resources import (
        TremendousBalanceSensor,
        TremendousInvoiceSensor,
        TremendousReportSensor,
    )
    from airflow_provider_tremendous.sensors.tangocard import TangoCardBalanceSensor, TangoCardOrderSensor
    from airflow_provider_tremendous.triggers.status import StatusTrigger, TremendousStatusTrigger


__getattr__ = lazy_getattr(__name__, _PUBLIC)

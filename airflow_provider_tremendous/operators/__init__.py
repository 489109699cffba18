"""Operators: create orders, invoices and reports; approve or reject orders."""

from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator
from airflow_provider_tremendous.operators.invoices import TremendousCreateInvoiceOperator
from airflow_provider_tremendous.operators.orders import (
    TremendousApproveOrderOperator,
    TremendousCreateOrderOperator,
    TremendousRejectOrderOperator,
)
from airflow_provider_tremendous.operators.reconcile import TremendousReconcileOperator
from airflow_provider_tremendous.operators.reports import TremendousCreateReportOperator

__all__ = [
    "TremendousApproveOrderOperator",
    "TremendousBulkPayoutOperator",
    "TremendousCreateInvoiceOperator",
    "TremendousCreateOrderOperator",
    "TremendousCreateReportOperator",
    "TremendousReconcileOperator",
    "TremendousRejectOrderOperator",
]

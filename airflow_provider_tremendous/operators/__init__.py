"""Operators: create orders, invoices and reports; approve or reject orders; pay and reconcile bulk payouts."""

from airflow_provider_tremendous.operators.bulk import BulkPayoutOperator, TremendousBulkPayoutOperator
from airflow_provider_tremendous.operators.invoices import TremendousCreateInvoiceOperator
from airflow_provider_tremendous.operators.orders import (
    TremendousApproveOrderOperator,
    TremendousCreateOrderOperator,
    TremendousRejectOrderOperator,
)
from airflow_provider_tremendous.operators.reconcile import ReconcileOperator, TremendousReconcileOperator
from airflow_provider_tremendous.operators.reports import TremendousCreateReportOperator

__all__ = [
    "BulkPayoutOperator",
    "ReconcileOperator",
    "TremendousApproveOrderOperator",
    "TremendousBulkPayoutOperator",
    "TremendousCreateInvoiceOperator",
    "TremendousCreateOrderOperator",
    "TremendousCreateReportOperator",
    "TremendousReconcileOperator",
    "TremendousRejectOrderOperator",
]

"""Sensors: wait for orders, reports, invoices and the balance (deferrable)."""

from airflow_provider_tremendous.sensors.orders import TremendousOrderSensor
from airflow_provider_tremendous.sensors.resources import (
    TremendousBalanceSensor,
    TremendousInvoiceSensor,
    TremendousReportSensor,
)

__all__ = ["TremendousBalanceSensor", "TremendousInvoiceSensor", "TremendousOrderSensor", "TremendousReportSensor"]

"""Sensors for reports, invoices and the balance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.sensors.base import TremendousBaseSensor

if TYPE_CHECKING:
    from airflow_provider_tremendous.vendors.tremendous.resource_checks import BalanceCheck, InvoiceCheck, ReportCheck


class TremendousReportSensor(TremendousBaseSensor):
    """Wait until a report is ``READY_FOR_DOWNLOAD``; ``FAILED`` fails.

    :param report_id: the report; templated. Returns ``{"report": {...}}`` with the download ``url``.
    """

    template_fields: Sequence[str] = ("report_id", "tremendous_conn_id")

    def __init__(self, *, report_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.report_id = report_id

    def build_check(self) -> ReportCheck:
        from airflow_provider_tremendous.vendors.tremendous.resource_checks import ReportCheck

        return ReportCheck(str(self.report_id))


class TremendousInvoiceSensor(TremendousBaseSensor):
    """Wait until an invoice is ``PAID`` or ``MARKED_AS_PAID``; ``DELETED`` fails.

    :param invoice_id: the invoice; templated.
    """

    template_fields: Sequence[str] = ("invoice_id", "tremendous_conn_id")

    def __init__(self, *, invoice_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.invoice_id = invoice_id

    def build_check(self) -> InvoiceCheck:
        from airflow_provider_tremendous.vendors.tremendous.resource_checks import InvoiceCheck

        return InvoiceCheck(str(self.invoice_id))


class TremendousBalanceSensor(TremendousBaseSensor):
    """Wait until a funding source (the balance by default) has at least ``min_available_amount`` available.

    :param min_available_amount: the amount needed; templated.
    :param funding_source_id: ``BALANCE`` or a funding source id; templated.
    """

    template_fields: Sequence[str] = ("min_available_amount", "funding_source_id", "tremendous_conn_id")

    def __init__(self, *, min_available_amount: float | str, funding_source_id: str = "BALANCE", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_available_amount = min_available_amount
        self.funding_source_id = funding_source_id

    def build_check(self) -> BalanceCheck:
        from airflow_provider_tremendous.vendors.tremendous.resource_checks import BalanceCheck

        return BalanceCheck(float(self.min_available_amount), str(self.funding_source_id))

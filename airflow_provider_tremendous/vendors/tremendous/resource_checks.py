"""Waiting for a report to be ready, an invoice to be paid, the balance to cover an amount."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.core.checks import Check, Plan, Verdict, call
from airflow_provider_tremendous.vendors.tremendous.api.funding import FundingAPI
from airflow_provider_tremendous.vendors.tremendous.api.reports import ReportsAPI
from airflow_provider_tremendous.vendors.tremendous.models import (
    FundingSource,
    Invoice,
    InvoiceStatus,
    Report,
    ReportStatus,
)


class ReportCheck(Check):
    """``READY_FOR_DOWNLOAD`` succeeds, ``FAILED`` fails, anything else waits."""

    kind = "report"

    def __init__(self, report_id: str) -> None:
        self.report_id = report_id

    def params(self) -> dict[str, Any]:
        return {"report_id": self.report_id}

    def plan(self) -> Plan:
        report: Report = yield call(ReportsAPI.get_report, self.report_id)
        data = {"report": report.to_xcom()}
        if report.status == ReportStatus.READY_FOR_DOWNLOAD:
            return Verdict("success", f"report {self.report_id} is ready", data)
        if report.status == ReportStatus.FAILED:
            return Verdict("failure", f"report {self.report_id} failed to generate", data)
        return Verdict("pending", f"report {self.report_id} is {report.status}", data)


class InvoiceCheck(Check):
    """``PAID`` or ``MARKED_AS_PAID`` succeeds, ``DELETED`` fails, ``OPEN`` waits."""

    kind = "invoice"

    def __init__(self, invoice_id: str) -> None:
        self.invoice_id = invoice_id

    def params(self) -> dict[str, Any]:
        return {"invoice_id": self.invoice_id}

    def plan(self) -> Plan:
        invoice: Invoice = yield call(FundingAPI.get_invoice, self.invoice_id)
        data = {"invoice": invoice.to_xcom()}
        if invoice.status in InvoiceStatus.SUCCESS:
            return Verdict("success", f"invoice {self.invoice_id} is {invoice.status}", data)
        if invoice.status in InvoiceStatus.FAILURE:
            return Verdict("failure", f"invoice {self.invoice_id} was deleted before being paid", data)
        return Verdict("pending", f"invoice {self.invoice_id} is {invoice.status}", data)


class BalanceCheck(Check):
    """The funding source's available amount covers ``min_available_amount``."""

    kind = "balance"

    def __init__(self, min_available_amount: float, funding_source_id: str = "BALANCE") -> None:
        self.min_available_amount = float(min_available_amount)
        self.funding_source_id = funding_source_id

    def params(self) -> dict[str, Any]:
        return {"min_available_amount": self.min_available_amount, "funding_source_id": self.funding_source_id}

    def plan(self) -> Plan:
        source: FundingSource = yield call(FundingAPI.get_funding_source, self.funding_source_id)
        available = source.meta.available_amount if source.meta else None
        data = {"available_amount": available, "min_available_amount": self.min_available_amount}
        if available is None:
            return Verdict("failure", f"funding source {self.funding_source_id} reports no available amount", data)
        if available >= self.min_available_amount:
            return Verdict("success", f"{available:.2f} available covers {self.min_available_amount:.2f}", data)
        short = self.min_available_amount - available
        return Verdict(
            "pending", f"{available:.2f} available, {short:.2f} short of {self.min_available_amount:.2f}", data
        )

"""Extra links from a task to the Tremendous dashboard. The operator pushes the URL to XCom before it waits, so the
link works whatever happens next; on Airflow 3 the task runner stores ``get_link``'s answer for the UI."""

from __future__ import annotations

from typing import Any

from airflow.providers.common.compat.sdk import BaseOperatorLink, XCom

ORDER_URL_KEY = "tremendous_order_url"
REPORT_URL_KEY = "tremendous_report_url"
INVOICE_URL_KEY = "tremendous_invoice_url"


class _XComLink(BaseOperatorLink):
    """A link whose URL the operator pushed to XCom under ``url_key``."""

    url_key = ""

    def get_link(self, operator: Any, *, ti_key: Any) -> str:
        value = XCom.get_value(ti_key=ti_key, key=self.url_key)
        return str(value) if value else ""


class TremendousOrderLink(_XComLink):
    """The order in the Tremendous dashboard."""

    name = "Tremendous order"
    url_key = ORDER_URL_KEY


class TremendousReportLink(_XComLink):
    """The report in the Tremendous dashboard."""

    name = "Tremendous report"
    url_key = REPORT_URL_KEY


class TremendousInvoiceLink(_XComLink):
    """The invoice in the Tremendous dashboard."""

    name = "Tremendous invoice"
    url_key = INVOICE_URL_KEY

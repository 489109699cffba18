"""Create an invoice to fund the balance, without creating it twice on a retry."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.operators.base import TremendousBaseOperator
from airflow_provider_tremendous.operators.links import INVOICE_URL_KEY, TremendousInvoiceLink

if TYPE_CHECKING:
    from airflow_provider_tremendous.vendors.tremendous.models import Invoice

#: How many recent invoices are searched for one this task instance already created.
RECENT_INVOICES = 50
#: The largest invoice this operator creates (a larger amount is a unit mistake far more often than intended).
MAX_INVOICE = Decimal(10_000_000)


class TremendousCreateInvoiceOperator(TremendousBaseOperator):
    """Create an invoice; paying it adds ``amount`` to the balance.

    Creating an invoice is not idempotent in the API, so the operator gives each task instance a ``po_number``
    (unless you pass one) and, before creating, looks for a recent open or paid invoice with that ``po_number``
    and the same amount: a retried task reuses it instead of issuing a second invoice.

    :param amount: invoice amount; templated.
    :param currency_code: ``USD``, ``EUR`` or ``GBP`` (default: the organization's currency); templated.
    :param po_number: purchase order number; templated; derived from the task instance when not given.
    :param memo: free text on the invoice; templated.
    :return: the invoice as a JSON-safe dict.
    """

    template_fields: Sequence[str] = ("amount", "currency_code", "po_number", "memo", "tremendous_conn_id")
    operator_extra_links = (TremendousInvoiceLink(),)

    def __init__(
        self,
        *,
        amount: str | int | Decimal,
        currency_code: str | None = None,
        po_number: str | None = None,
        memo: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.amount = amount
        self.currency_code = currency_code
        self.po_number = po_number
        self.memo = memo

    def _amount(self) -> float:
        """The one money parser (never rounded: ``1000.005`` and ``"1e3"`` are refused), sent as a JSON number."""
        from airflow_provider_tremendous.core.money import AmountError, parse_amount

        try:
            return float(parse_amount(self.amount, maximum=MAX_INVOICE))
        except AmountError as error:
            raise InputError(f"amount: {error}; nothing was sent") from None

    def _po_number(self, context: Any) -> str:
        if self.po_number:
            return str(self.po_number)
        ti = context["ti"]
        key = "\x1f".join([ti.dag_id, ti.task_id, ti.run_id, str(getattr(ti, "map_index", -1))])
        return f"airflow-{hashlib.sha256(key.encode()).hexdigest()[:16]}"

    def _existing(self, po_number: str, amount: float) -> Invoice | None:
        for invoice in islice(self.hook.iter_invoices(), RECENT_INVOICES):
            if invoice.po_number == po_number and invoice.amount == amount and invoice.status != "DELETED":
                return invoice
        return None

    def execute(self, context: Any) -> dict[str, Any]:
        amount = self._amount()
        po_number = self._po_number(context)
        invoice = self._existing(po_number, amount)
        if invoice is not None:
            self.log.info("Invoice %s (po_number %s) already exists: not created again", invoice.id, po_number)
        else:
            body = {"amount": amount, "po_number": po_number, "currency_code": self.currency_code, "memo": self.memo}
            invoice = self.hook.create_invoice({k: v for k, v in body.items() if v is not None})
            self.log.info("Created invoice %s for %.2f (po_number %s)", invoice.id, amount, po_number)
        context["ti"].xcom_push(key="invoice_id", value=invoice.id)
        context["ti"].xcom_push(key=INVOICE_URL_KEY, value=self.hook.dashboard_url("invoices", invoice.id))
        return invoice.to_xcom()

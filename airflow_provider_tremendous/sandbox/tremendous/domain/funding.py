"""Funding: the balance and other funding sources, invoices (OPEN → PAID), topups, balance transactions."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.sandbox.errors import SandboxAPIError, invalid, not_found
from airflow_provider_tremendous.sandbox.state import SandboxState, public, transition

BALANCE_ID = "FSBALANCE001"
INVOICE_ID = "FSINVOICE001"
CARD_ID = "FSCREDITCRD1"
BALANCE_ALIASES = {"BALANCE", BALANCE_ID}
INVOICE_ALIASES = {"INVOICE", "INVOICE_THEN_BALANCE", INVOICE_ID}


def funding_sources(state: SandboxState) -> list[dict[str, Any]]:
    """The account's funding sources; the balance's amounts are live."""
    currency = state.config.settings.currency_code
    return [
        {
            "id": BALANCE_ID,
            "method": "balance",
            "usage_permissions": ["api_orders", "dashboard_orders"],
            "status": "active",
            "meta": {
                "available_amount": state.balance_cents / 100,
                "available_cents": state.balance_cents,
                "pending_amount": 0.0,
                "pending_cents": 0,
                "currency_code": currency,
            },
        },
        {
            "id": INVOICE_ID,
            "method": "invoice",
            "type": "COMMERCIAL",
            "usage_permissions": ["api_orders"],
            "status": "active",
            "meta": {"credit_limit_amount": 1_000_000.0, "credit_limit_cents": 100_000_000, "net": "30"},
        },
        {
            "id": CARD_ID,
            "method": "credit_card",
            "usage_permissions": ["api_orders", "balance_funding"],
            "status": "active",
            "meta": {"network": "Visa", "last4": "1111", "expired": False, "year": "2030", "month": "12"},
        },
    ]


def resolve_funding_source(state: SandboxState, ident: str) -> dict[str, Any]:
    """A funding source by id, or by the magic ids ``BALANCE``/``INVOICE`` (case-insensitive)."""
    key = ident.upper()
    sources = {source["id"]: source for source in funding_sources(state)}
    if key in BALANCE_ALIASES:
        return sources[BALANCE_ID]
    if key in INVOICE_ALIASES:
        return sources[INVOICE_ID]
    if key in sources:
        return sources[key]
    raise not_found("Funding source", ident)


# -- invoices -------------------------------------------------------------------------------------------------
def create_invoice(state: SandboxState, body: Any) -> dict[str, Any]:
    """Create an OPEN invoice; it becomes PAID after ``invoice_payment_seconds`` (or an admin call)."""
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object", {})
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not 0 < amount <= 10_000_000:
        raise invalid("Invalid invoice", {"amount": "must be a positive number"})
    currency = body.get("currency_code") or body.get("currency") or state.config.settings.currency_code
    if currency not in ("USD", "EUR", "GBP"):
        raise invalid("Invalid invoice", {"currency_code": "must be USD, EUR or GBP"})
    invoice: dict[str, Any] = {
        "id": state.new_id(),
        "po_number": body.get("po_number"),
        "amount": float(amount),
        "currency_code": currency,
        "currency": currency,
        "international": currency != "USD",
        "status": "OPEN",
        "orders": [],
        "rewards": [],
        "created_at": state.iso(),
        "paid_at": None,
        "_memo": body.get("memo"),
    }
    state.collections["invoices"][invoice["id"]] = invoice
    state.emit("INVOICES.CREATED", "invoices", invoice["id"])
    delay = state.config.settings.invoice_payment_seconds
    if delay is not None:
        state.schedule(delay, "invoice.pay", invoice["id"])
    return public(invoice)


@transition("invoice.pay")
def pay_invoice(state: SandboxState, invoice_id: str) -> None:
    """Mark an OPEN invoice PAID and credit the balance (no-op for deleted or already paid invoices)."""
    invoice = state.collections["invoices"].get(invoice_id)
    if invoice is None or invoice["status"] != "OPEN":
        return
    invoice["status"] = "PAID"
    invoice["paid_at"] = state.iso()
    state.record_transaction(round(invoice["amount"] * 100), "invoice_paid", f"Invoice {invoice_id} paid")
    state.emit("INVOICES.PAID", "invoices", invoice_id)
    state.emit("FUNDING_SOURCES.FUNDED", "funding_sources", BALANCE_ID)


def get_invoice(state: SandboxState, invoice_id: str) -> dict[str, Any]:
    """An invoice (deleted ones too)."""
    return state.get_one("invoices", invoice_id, not_found, "Invoice")


def delete_invoice(state: SandboxState, invoice_id: str) -> dict[str, Any]:
    """Delete an OPEN invoice (422 once paid)."""
    invoice = get_invoice(state, invoice_id)
    if invoice["status"] != "OPEN":
        raise SandboxAPIError(422, f"Invoice {invoice_id} is {invoice['status']} and cannot be deleted")
    invoice["status"] = "DELETED"
    state.emit("INVOICES.DELETED", "invoices", invoice_id)
    return public(invoice)


def invoice_csv(invoice: dict[str, Any]) -> str:
    """The invoice as CSV text."""
    return (
        "invoice_id,po_number,amount,currency_code,status,created_at,paid_at\n"
        f"{invoice['id']},{invoice['po_number'] or ''},{invoice['amount']:.2f},{invoice['currency_code']},"
        f"{invoice['status']},{invoice['created_at']},{invoice['paid_at'] or ''}\n"
    )


def invoice_pdf(invoice: dict[str, Any]) -> bytes:
    """A small but valid one-page PDF stating the invoice."""
    text = f"Tremendous sandbox invoice {invoice['id']}: {invoice['amount']:.2f} {invoice['currency_code']}"
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# -- topups ---------------------------------------------------------------------------------------------------
def create_topup(state: SandboxState, body: Any) -> dict[str, Any]:
    """Top up the balance from a card or bank source; ``idempotency_key`` is required and idempotent."""
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object", {})
    key, amount, source_id = body.get("idempotency_key"), body.get("amount"), body.get("funding_source_id")
    errors: dict[str, str] = {}
    if not isinstance(key, str) or not key:
        errors["idempotency_key"] = "is required"
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
        errors["amount"] = "must be a positive number"
    if not isinstance(source_id, str):
        errors["funding_source_id"] = "is required"
    if errors or not isinstance(key, str) or not isinstance(source_id, str) or not isinstance(amount, (int, float)):
        raise invalid("Invalid topup", errors)
    source = resolve_funding_source(state, source_id)
    if source["method"] not in ("credit_card", "bank_account"):
        raise invalid("Invalid topup", {"funding_source_id": "must be a card or bank account"})
    if key in state.topup_keys:
        existing = state.collections["topups"][state.topup_keys[key]]
        if existing["amount"] != float(amount) or existing["funding_source_id"] != source["id"]:
            raise SandboxAPIError(
                409, f"idempotency_key {key} was used for a different topup", {"idempotency_key": key}
            )
        return public(existing)
    topup = {
        "id": state.new_id(),
        "amount": float(amount),
        "currency_code": state.config.settings.currency_code,
        "processing_fee": 0.0,
        "funding_source_id": source["id"],
        "status": "fully_credited",
        "created_at": state.iso(),
        "fully_credited_at": state.iso(),
        "rejected_at": None,
        "reversed_at": None,
        "reversed_reason": None,
        "idempotency_key": key,
        "instant_credit_amount": float(amount),
        "settled_amount": float(amount),
        "expected_settlement_at": state.today().isoformat(),
    }
    state.collections["topups"][topup["id"]] = topup
    state.topup_keys[key] = topup["id"]
    state.record_transaction(round(float(amount) * 100), "topup", f"Topup {topup['id']}")
    state.emit("FUNDING_SOURCES.FUNDED", "funding_sources", BALANCE_ID)
    return public(topup)

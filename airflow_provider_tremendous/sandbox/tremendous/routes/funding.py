"""``/funding_sources``, ``/invoices``, ``/topups`` and ``/balance_transactions``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from airflow_provider_tremendous.sandbox.common import json_body, locked, respond
from airflow_provider_tremendous.sandbox.state import SandboxState, public
from airflow_provider_tremendous.sandbox.tremendous.domain import funding
from airflow_provider_tremendous.sandbox.tremendous.domain.listing import in_window, newest_first, page

router = APIRouter()


@router.get("/funding_sources")
async def list_funding_sources(request: Request) -> JSONResponse:
    return respond({"funding_sources": locked(request, funding.funding_sources)})


@router.get("/funding_sources/{source_id}")
async def get_funding_source(request: Request, source_id: str) -> JSONResponse:
    return respond({"funding_source": locked(request, funding.resolve_funding_source, source_id)})


def _list_invoices(state: SandboxState, query: dict[str, str]) -> dict[str, object]:
    invoices = [i for i in state.collections["invoices"].values() if i["status"] != "DELETED"]
    selected, total = page(newest_first(invoices), query, default=10, maximum=10)
    return {"invoices": [public(i) for i in selected], "total_count": total}


@router.get("/invoices")
async def list_invoices(request: Request) -> JSONResponse:
    return respond(locked(request, _list_invoices, dict(request.query_params)))


@router.post("/invoices")
async def create_invoice(request: Request) -> JSONResponse:
    return respond({"invoice": locked(request, funding.create_invoice, await json_body(request))})


@router.get("/invoices/{invoice_id}")
async def get_invoice(request: Request, invoice_id: str) -> JSONResponse:
    return respond({"invoice": public(locked(request, funding.get_invoice, invoice_id))})


@router.delete("/invoices/{invoice_id}")
async def delete_invoice(request: Request, invoice_id: str) -> JSONResponse:
    return respond({"invoice": locked(request, funding.delete_invoice, invoice_id)})


@router.get("/invoices/{invoice_id}/csv")
async def download_invoice_csv(request: Request, invoice_id: str) -> Response:
    invoice = locked(request, funding.get_invoice, invoice_id)
    return Response(funding.invoice_csv(invoice), media_type="text/csv")


@router.get("/invoices/{invoice_id}/pdf")
async def download_invoice_pdf(request: Request, invoice_id: str) -> Response:
    invoice = locked(request, funding.get_invoice, invoice_id)
    disposition = f'attachment; filename="Tremendous_Invoice_{invoice_id}.pdf"'
    return Response(
        funding.invoice_pdf(invoice), media_type="application/pdf", headers={"Content-Disposition": disposition}
    )


def _list_topups(state: SandboxState, query: dict[str, str]) -> dict[str, object]:
    selected, total = page(newest_first(state.collections["topups"].values()), query, default=10, maximum=None)
    return {"topups": [public(t) for t in selected], "total_count": total}


@router.get("/topups")
async def list_topups(request: Request) -> JSONResponse:
    return respond(locked(request, _list_topups, dict(request.query_params)))


@router.post("/topups")
async def create_topup(request: Request) -> JSONResponse:
    return respond({"topup": locked(request, funding.create_topup, await json_body(request))})


@router.get("/topups/{topup_id}")
async def get_topup(request: Request, topup_id: str) -> JSONResponse:
    from airflow_provider_tremendous.sandbox.tremendous.domain.account import get_one

    return respond({"topup": public(locked(request, get_one, "topups", topup_id, "Topup"))})


def _list_transactions(state: SandboxState, query: dict[str, str]) -> dict[str, object]:
    selected, _ = page(list(reversed(in_window(state.transactions, query))), query, default=10, maximum=1000)
    return {"transactions": selected}


@router.get("/balance_transactions")
async def list_balance_transactions(request: Request) -> JSONResponse:
    return respond(locked(request, _list_transactions, dict(request.query_params)))

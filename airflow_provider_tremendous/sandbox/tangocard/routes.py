"""The RaaS v2 routes under ``/raas/v2``: thin wrappers over the domain modules, answered in Tango's shapes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from airflow_provider_tremendous.sandbox.common import json_body, locked, respond
from airflow_provider_tremendous.sandbox.tangocard.domain import accounts, orders, reference

router = APIRouter()


@router.get("/customers")
async def list_customers(request: Request) -> JSONResponse:
    return respond(
        locked(request, lambda s: [accounts.render_customer(s, c) for c in s.collections[accounts.CUSTOMERS].values()])
    )


@router.post("/customers")
async def create_customer(request: Request) -> JSONResponse:
    return respond(locked(request, accounts.create_customer, await json_body(request)), 201)


@router.get("/customers/{customer}")
async def get_customer(request: Request, customer: str) -> JSONResponse:
    return respond(locked(request, lambda s, c: accounts.render_customer(s, accounts.get_customer(s, c)), customer))


@router.get("/customers/{customer}/accounts")
async def list_customer_accounts(request: Request, customer: str) -> JSONResponse:
    return respond(locked(request, accounts.list_accounts, customer))


@router.post("/customers/{customer}/accounts")
async def create_account(request: Request, customer: str) -> JSONResponse:
    return respond(locked(request, accounts.create_account, customer, await json_body(request)), 201)


@router.get("/accounts")
async def list_accounts(request: Request) -> JSONResponse:
    return respond(locked(request, accounts.list_accounts))


@router.get("/accounts/{account}")
async def get_account(request: Request, account: str) -> JSONResponse:
    return respond(locked(request, lambda s, a: accounts.render_account(accounts.get_account(s, a)), account))


@router.post("/creditCards")
async def register_card(request: Request) -> JSONResponse:
    return respond(locked(request, accounts.register_card, await json_body(request)), 201)


@router.get("/creditCards")
async def list_cards(request: Request) -> JSONResponse:
    show_inactive = request.query_params.get("showInactive", "false").lower() == "true"
    return respond(locked(request, accounts.list_cards, show_inactive))


@router.get("/creditCards/{token}")
async def get_card(request: Request, token: str) -> JSONResponse:
    return respond(locked(request, accounts.get_card, token))


@router.post("/creditCardUnregisters")
async def unregister_card(request: Request) -> JSONResponse:
    return respond(locked(request, accounts.unregister_card, await json_body(request)))


@router.post("/creditCardDeposits")
async def create_deposit(request: Request) -> JSONResponse:
    status, deposit = locked(request, accounts.create_deposit, await json_body(request))
    return respond(deposit, status)


@router.get("/creditCardDeposits/{deposit}")
async def get_deposit(request: Request, deposit: str) -> JSONResponse:
    return respond(locked(request, accounts.get_deposit, deposit))


@router.post("/transferFunds")
async def transfer_funds(request: Request) -> JSONResponse:
    status, transfer = locked(request, accounts.transfer_funds, await json_body(request))
    return respond(transfer, status)


@router.get("/catalogs")
async def catalog(request: Request) -> JSONResponse:
    return respond(reference.catalog(dict(request.query_params)))


@router.get("/exchangerates")
async def exchange_rates(request: Request) -> JSONResponse:
    return respond(reference.rates())


@router.get("/emailTemplates")
async def list_templates(request: Request) -> JSONResponse:
    return respond(locked(request, reference.list_templates, dict(request.query_params)))


@router.post("/emailTemplates")
async def create_template(request: Request) -> JSONResponse:
    return respond(locked(request, reference.create_template, await json_body(request)), 201)


@router.get("/emailTemplates/{etid}")
async def get_template(request: Request, etid: str) -> JSONResponse:
    return respond(locked(request, reference.get_template, etid))


@router.patch("/emailTemplates/{etid}")
async def update_template(request: Request, etid: str) -> JSONResponse:
    return respond(locked(request, reference.update_template, etid, await json_body(request)))


@router.delete("/emailTemplates/{etid}")
async def delete_template(request: Request, etid: str) -> Response:
    locked(request, reference.delete_template, etid)
    return Response(status_code=204)


@router.post("/orders")
async def create_order(request: Request) -> JSONResponse:
    status, order = locked(request, orders.create_order, await json_body(request))
    return respond(order, status)


@router.get("/orders")
async def list_orders(request: Request) -> JSONResponse:
    return respond(locked(request, orders.list_orders, dict(request.query_params)))


@router.get("/orders/{order}")
async def get_order(request: Request, order: str) -> JSONResponse:
    return respond(locked(request, lambda s, o: orders.render_order(s, orders.find_order(s, o)), order))


@router.post("/orders/{order}/resends")
async def resend_order(request: Request, order: str) -> JSONResponse:
    return respond(locked(request, orders.resend_order, order, await json_body(request)), 201)


@router.get("/lineItems")
async def list_line_items(request: Request) -> JSONResponse:
    return respond(locked(request, orders.list_line_items, dict(request.query_params)))


@router.get("/lineItems/{line_item}")
async def get_line_item(request: Request, line_item: str) -> JSONResponse:
    return respond(locked(request, orders.get_line_item, line_item))


@router.post("/lineItems/{line_item}/resends")
async def resend_line_item(request: Request, line_item: str) -> JSONResponse:
    return respond(locked(request, orders.resend_line_item, line_item, await json_body(request)), 201)


admin_router = APIRouter()


@admin_router.get("/ledger")
async def ledger(request: Request) -> JSONResponse:
    """Every Tango Card order and every account's balance."""

    def read(state: object) -> dict[str, object]:
        return {
            "orders": orders.ledger(state),  # type: ignore[arg-type]
            "balances": {
                ident: account["_balance_cents"] / 100
                for ident, account in state.collections[accounts.ACCOUNTS].items()  # type: ignore[attr-defined]
            },
        }

    return respond(locked(request, read))


@admin_router.post("/seed/orders")
async def seed_orders(request: Request) -> JSONResponse:
    """Create Tango Card orders as if placed earlier (``{"orders": [POST /orders bodies]}``), without the rate
    limit or the client; each is checked as ``POST /orders`` checks it and paid from its account."""
    body = await json_body(request) or {}

    def seed(state: object) -> dict[str, object]:
        statuses = [orders.create_order(state, order)[0] for order in body.get("orders") or []]  # type: ignore[arg-type]
        return {"created": statuses.count(201)}  # a replay of an existing externalRefID (200) creates nothing

    return respond(locked(request, seed))


@admin_router.post("/accounts/{account}/balance")
async def set_balance(request: Request, account: str) -> JSONResponse:
    body = await json_body(request) or {}
    return respond(locked(request, accounts.set_balance, account, float(body.get("amount", 0))))


@admin_router.post("/orders/{order}/status")
async def force_status(request: Request, order: str) -> JSONResponse:
    """Force an order to ``PENDING``, ``COMPLETE``, ``PARTIAL`` or ``FAILED`` (``FAILED`` refunds it)."""
    body = await json_body(request) or {}
    status = str(body.get("status", "FAILED")).upper()
    return respond(locked(request, orders.set_status, order, status))

"""The admin API under ``/_sandbox/`` (not part of the Tremendous API): reset, ledger, faults, settings, clock,
balance, forced outcomes, webhook deliveries, report downloads; plus an OAuth token endpoint for OAuth flows."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from airflow_provider_tremendous.sandbox.common import json_body, locked, respond, state_of
from airflow_provider_tremendous.sandbox.config import FaultConfig, SandboxSettings
from airflow_provider_tremendous.sandbox.errors import invalid
from airflow_provider_tremendous.sandbox.state import SandboxState
from airflow_provider_tremendous.sandbox.tremendous.domain import funding, orders, reports

router = APIRouter()
oauth_router = APIRouter()


def _merged(model: Any, current: Any, body: Any) -> Any:
    if body is not None and not isinstance(body, dict):
        raise invalid("Body must be a JSON object", {})
    try:
        return model.model_validate({**current.model_dump(), **(body or {})})
    except ValueError as error:
        raise invalid(f"Invalid settings: {error}", body) from None


@router.get("/health")
async def health() -> JSONResponse:
    return respond({"status": "ok"})


@router.post("/reset")
async def reset(request: Request) -> JSONResponse:
    locked(request, SandboxState.reset)
    request.app.state.gateway.reseed()
    request.app.state.gateway.buckets.buckets.clear()
    request.app.state.gateway.stats.clear()
    return respond({"status": "reset"})


@router.get("/ledger")
async def ledger(request: Request) -> JSONResponse:
    def read(state: SandboxState) -> dict[str, Any]:
        return {"orders": orders.ledger(state), "balance": state.balance_cents / 100}

    return respond(locked(request, read))


@router.post("/seed/orders")
async def seed_orders(request: Request) -> JSONResponse:
    """Create orders as if they had been paid earlier (``{"orders": [POST /orders bodies]}``), without the API's
    rate limit or the client: e.g. a benchmark's payout already 90 % paid. Each body is checked as ``POST /orders``
    checks it; the balance pays for them."""
    body = await json_body(request) or {}

    def seed(state: SandboxState) -> dict[str, Any]:
        statuses = [orders.create_order(state, order)[0] for order in body.get("orders") or []]
        return {"created": statuses.count(200)}  # a replay of an existing external_id (201) creates nothing

    return respond(locked(request, seed))


@router.get("/faults")
async def get_faults(request: Request) -> JSONResponse:
    return respond(state_of(request).config.faults.model_dump())


@router.post("/faults")
async def set_faults(request: Request) -> JSONResponse:
    state = state_of(request)
    state.config.faults = _merged(FaultConfig, state.config.faults, await json_body(request))
    request.app.state.gateway.reseed()
    return respond(state.config.faults.model_dump())


@router.get("/settings")
async def get_settings(request: Request) -> JSONResponse:
    return respond(state_of(request).config.settings.model_dump())


@router.post("/settings")
async def set_settings(request: Request) -> JSONResponse:
    state = state_of(request)
    state.config.settings = _merged(SandboxSettings, state.config.settings, await json_body(request))
    return respond(state.config.settings.model_dump())


@router.post("/advance")
async def advance(request: Request) -> JSONResponse:
    body = await json_body(request) or {}
    seconds = body.get("seconds") if isinstance(body, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise invalid("seconds must be a non-negative number", {"seconds": seconds})
    locked(request, SandboxState.advance, float(seconds))
    return respond({"advanced": seconds})


@router.post("/balance")
async def set_balance(request: Request) -> JSONResponse:
    body = await json_body(request) or {}
    amount = body.get("amount") if isinstance(body, dict) else None
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
        raise invalid("amount must be a non-negative number", {"amount": amount})

    def apply(state: SandboxState) -> float:
        state.record_transaction(round(amount * 100) - state.balance_cents, "adjustment", "Sandbox balance set")
        return state.balance_cents / 100

    return respond({"balance": locked(request, apply)})


@router.post("/invoices/{invoice_id}/pay")
async def pay_invoice(request: Request, invoice_id: str) -> JSONResponse:
    def apply(state: SandboxState) -> dict[str, Any]:
        funding.get_invoice(state, invoice_id)
        funding.pay_invoice(state, invoice_id)
        return funding.get_invoice(state, invoice_id)

    invoice = locked(request, apply)
    return respond({"invoice": {k: v for k, v in invoice.items() if not k.startswith("_")}})


@router.post("/orders/{order_id:path}/fail")
async def fail_order(request: Request, order_id: str) -> JSONResponse:
    return respond({"order": locked(request, orders.fail_order, order_id)})


@router.post("/reports/{report_id}/fail")
async def fail_report(request: Request, report_id: str) -> JSONResponse:
    locked(request, reports.fail_report, report_id)
    return respond({"report_id": report_id, "will_fail": True})


@router.get("/stats")
async def stats(request: Request) -> JSONResponse:
    """Requests seen by the API since the last reset, and how many were answered 429 by the rate limit."""
    return respond(dict(request.app.state.gateway.stats))


@router.get("/webhook_deliveries")
async def webhook_deliveries(request: Request) -> JSONResponse:
    return respond({"deliveries": list(state_of(request).deliveries)})


@router.get("/downloads/{token}/{filename}")
async def download_report(request: Request, token: str, filename: str) -> Response:
    return Response(locked(request, reports.download, token), media_type="text/csv")


@oauth_router.post("/oauth/token")
async def oauth_token(request: Request) -> JSONResponse:
    """Issue a sandbox access token (OAuth flows against the sandbox), strict about refresh tokens by default
    (strictness.md #9): every ``refresh_token`` grant returns a new refresh token, and a refresh token that was
    already exchanged is refused with 400 ``invalid_grant``. A refresh token never seen before counts as freshly
    authorized. ``oauth_reusable_refresh_tokens`` keeps exchanged tokens valid (the lenient reading)."""
    form = await request.form()
    grant = form.get("grant_type")
    if grant not in ("refresh_token", "authorization_code", "client_credentials", "password"):
        return respond({"error": "unsupported_grant_type"}, 400)
    request.app.state.gateway.stats["POST /oauth/token"] += 1
    if grant == "refresh_token":
        presented = str(form.get("refresh_token") or "")
        if not presented:
            return respond({"error": "invalid_request", "error_description": "refresh_token is required"}, 400)
        if not locked(request, _exchange_refresh_token, presented):
            return respond(
                {"error": "invalid_grant", "error_description": "The refresh token is invalid or was already used"},
                400,
            )
    return respond(
        {
            "access_token": "TEST_oauth_" + secrets.token_hex(16),
            "token_type": "bearer",
            "expires_in": 7200,
            "refresh_token": "sandbox-refresh-" + secrets.token_hex(8),
        }
    )


def _exchange_refresh_token(state: SandboxState, presented: str) -> bool:
    """Whether ``presented`` may be exchanged now; strict mode records it as used (tokens kept as hashes)."""
    digest = hashlib.sha256(presented.encode()).hexdigest()
    if state.config.settings.oauth_reusable_refresh_tokens:
        return True
    if digest in state.used_refresh_tokens:
        return False
    state.used_refresh_tokens.add(digest)
    return True

"""Organizations, members, roles, fields, campaigns, products, forex, webhooks and reports."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from airflow_provider_tremendous.sandbox.common import json_body, locked, respond
from airflow_provider_tremendous.sandbox.errors import not_found
from airflow_provider_tremendous.sandbox.state import SandboxState
from airflow_provider_tremendous.sandbox.tremendous.domain import account, reports

router = APIRouter()


@router.get("/organizations")
async def list_organizations(request: Request) -> JSONResponse:
    return respond({"organizations": locked(request, account.list_organizations)})


@router.post("/organizations")
async def create_organization(request: Request) -> JSONResponse:
    return respond({"organization": locked(request, account.create_organization, await json_body(request))})


@router.post("/organizations/create_api_key")
async def create_api_key(request: Request) -> JSONResponse:
    return respond({"api_key": account.create_api_key(await json_body(request))})


@router.get("/organizations/{org_id}")
async def get_organization(request: Request, org_id: str) -> JSONResponse:
    return respond({"organization": locked(request, account.get_organization, org_id)})


@router.get("/members")
async def list_members(request: Request) -> JSONResponse:
    return respond({"members": locked(request, lambda s: list(s.collections["members"].values()))})


@router.post("/members")
async def create_member(request: Request) -> JSONResponse:
    return respond({"member": locked(request, account.create_member, await json_body(request))})


@router.get("/members/{member_id}")
async def get_member(request: Request, member_id: str) -> JSONResponse:
    return respond({"member": locked(request, account.get_member, member_id)})


@router.patch("/members/{member_id}")
async def update_member(request: Request, member_id: str) -> JSONResponse:
    return respond({"member": locked(request, account.update_member, member_id, await json_body(request))})


@router.delete("/members/{member_id}")
async def delete_member(request: Request, member_id: str) -> Response:
    locked(request, account.delete_member, member_id)
    return Response(status_code=204)


@router.get("/roles")
async def list_roles(request: Request) -> JSONResponse:
    return respond({"roles": locked(request, lambda s: list(s.roles.values()))})


@router.get("/fields")
async def list_fields(request: Request) -> JSONResponse:
    return respond({"fields": locked(request, lambda s: list(s.collections["fields"].values()))})


@router.post("/fields")
async def create_field(request: Request) -> JSONResponse:
    return respond({"field": locked(request, account.create_field, await json_body(request))})


@router.get("/campaigns")
async def list_campaigns(request: Request) -> JSONResponse:
    return respond({"campaigns": locked(request, lambda s: list(s.collections["campaigns"].values()))})


@router.post("/campaigns")
async def create_campaign(request: Request) -> JSONResponse:
    return respond({"campaign": locked(request, account.save_campaign, await json_body(request))})


@router.get("/campaigns/{campaign_id}")
async def get_campaign(request: Request, campaign_id: str) -> JSONResponse:
    return respond({"campaign": locked(request, account.get_one, "campaigns", campaign_id, "Campaign")})


@router.put("/campaigns/{campaign_id}")
async def update_campaign(request: Request, campaign_id: str) -> JSONResponse:
    return respond({"campaign": locked(request, account.save_campaign, await json_body(request), campaign_id)})


@router.get("/products")
async def list_products(request: Request) -> JSONResponse:
    return respond({"products": locked(request, account.list_products, dict(request.query_params))})


def _product(state: SandboxState, product_id: str) -> dict[str, object]:
    if product_id not in state.products:
        raise not_found("Product", product_id)
    return state.products[product_id]


@router.get("/products/{product_id}")
async def get_product(request: Request, product_id: str) -> JSONResponse:
    return respond({"product": locked(request, _product, product_id)})


@router.get("/forex")
async def list_forex(request: Request) -> JSONResponse:
    return respond({"forex": account.forex(request.query_params.get("base"))})


@router.get("/webhooks")
async def list_webhooks(request: Request) -> JSONResponse:
    return respond({"webhooks": locked(request, lambda s: list(s.collections["webhooks"].values()))})


@router.post("/webhooks")
async def create_webhook(request: Request) -> JSONResponse:
    return respond({"webhook": locked(request, account.create_webhook, await json_body(request))})


@router.get("/webhooks/{webhook_id}")
async def get_webhook(request: Request, webhook_id: str) -> JSONResponse:
    return respond({"webhook": locked(request, account.get_one, "webhooks", webhook_id, "Webhook")})


@router.delete("/webhooks/{webhook_id}")
async def delete_webhook(request: Request, webhook_id: str) -> Response:
    locked(
        request,
        lambda s, i: s.collections["webhooks"].pop(account.get_one(s, "webhooks", i, "Webhook")["id"]),
        webhook_id,
    )
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/events")
async def list_webhook_events(request: Request, webhook_id: str) -> JSONResponse:
    locked(request, account.get_one, "webhooks", webhook_id, "Webhook")
    return respond({"events": account.webhook_events()})


@router.post("/webhooks/{webhook_id}/simulate")
async def simulate_webhook(request: Request, webhook_id: str) -> Response:
    text = locked(request, account.simulate_webhook, webhook_id, await json_body(request))
    return Response(text, media_type="text/html")


@router.post("/reports")
async def create_report(request: Request) -> JSONResponse:
    origin = str(request.base_url).rstrip("/")
    return respond({"report": locked(request, reports.create_report, await json_body(request), origin)})


@router.get("/reports/{report_id}")
async def get_report(request: Request, report_id: str) -> JSONResponse:
    status, body = locked(request, reports.get_report, report_id)
    return respond(body, status)

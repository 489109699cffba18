"""``/fraud_reviews``, ``/fraud_rules`` and Tremendous Connect."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from airflow_provider_tremendous.sandbox.common import json_body, locked, respond
from airflow_provider_tremendous.sandbox.state import SandboxState, public
from airflow_provider_tremendous.sandbox.tremendous.domain import fraud
from airflow_provider_tremendous.sandbox.tremendous.domain.account import get_one

router = APIRouter()


@router.get("/fraud_reviews")
async def list_fraud_reviews(request: Request) -> JSONResponse:
    return respond(locked(request, fraud.list_fraud_reviews, dict(request.query_params)))


@router.get("/fraud_reviews/{reward_id}")
async def get_fraud_review(request: Request, reward_id: str) -> JSONResponse:
    return respond({"fraud_review": locked(request, fraud.review_action, reward_id, None)})


@router.put("/fraud_reviews/{reward_id}/block")
async def block_fraud_review(request: Request, reward_id: str) -> JSONResponse:
    return respond({"fraud_review": locked(request, fraud.review_action, reward_id, "blocked")})


@router.put("/fraud_reviews/{reward_id}/release")
async def release_fraud_review(request: Request, reward_id: str) -> JSONResponse:
    return respond({"fraud_review": locked(request, fraud.review_action, reward_id, "released")})


@router.get("/fraud_rules")
async def list_fraud_rules(request: Request) -> JSONResponse:
    return respond({"fraud_rules": locked(request, lambda s: list(s.collections["fraud_rules"].values()))})


@router.post("/fraud_rules/{rule_type}")
async def configure_fraud_rule(request: Request, rule_type: str) -> JSONResponse:
    return respond({"message": locked(request, fraud.configure_rule, rule_type, await json_body(request))})


@router.delete("/fraud_rules/{rule_type}")
async def delete_fraud_rule(request: Request, rule_type: str) -> JSONResponse:
    return respond({"message": locked(request, fraud.delete_rule, rule_type)})


@router.post("/fraud_rules/{rule_type}/update_list")
async def update_fraud_rule_list(request: Request, rule_type: str) -> JSONResponse:
    return respond({"message": locked(request, fraud.update_rule_list, rule_type, await json_body(request))})


@router.get("/connected_organizations")
async def list_connected_organizations(request: Request) -> JSONResponse:
    return respond(locked(request, fraud.list_connected, "connected_organizations", dict(request.query_params)))


@router.post("/connected_organizations")
async def create_connected_organization(request: Request) -> JSONResponse:
    return respond({"connected_organization": locked(request, fraud.create_connected_org, await json_body(request))})


@router.get("/connected_organizations/{org_id}")
async def get_connected_organization(request: Request, org_id: str) -> JSONResponse:
    org = locked(request, get_one, "connected_organizations", org_id, "Connected organization")
    return respond({"connected_organization": public(org)})


@router.delete("/connected_organizations/{org_id}")
async def delete_connected_organization(request: Request, org_id: str) -> JSONResponse:
    def delete(state: SandboxState, ident: str) -> dict[str, Any]:
        return public(
            state.collections["connected_organizations"].pop(
                get_one(state, "connected_organizations", ident, "Connected organization")["id"]
            )
        )

    return respond({"connected_organization": locked(request, delete, org_id)})


@router.get("/connected_organization_members")
async def list_connected_organization_members(request: Request) -> JSONResponse:
    return respond(locked(request, fraud.list_connected, "connected_members", dict(request.query_params)))


@router.post("/connected_organization_members")
async def create_connected_organization_member(request: Request) -> JSONResponse:
    return respond(
        {"connected_organization_member": locked(request, fraud.create_connected_member, await json_body(request))}
    )


@router.get("/connected_organization_members/{member_id}")
async def get_connected_organization_member(request: Request, member_id: str) -> JSONResponse:
    member = locked(request, get_one, "connected_members", member_id, "Connected organization member")
    return respond({"connected_organization_member": member})


@router.delete("/connected_organization_members/{member_id}")
async def delete_connected_organization_member(request: Request, member_id: str) -> JSONResponse:
    def delete(state: SandboxState, ident: str) -> dict[str, Any]:
        return state.collections["connected_members"].pop(
            get_one(state, "connected_members", ident, "Connected organization member")["id"]
        )

    return respond({"connected_organization_member": locked(request, delete, member_id)})


@router.post("/connected_organization_members/{member_id}/sessions")
async def create_connected_organization_member_session(request: Request, member_id: str) -> JSONResponse:
    session = locked(request, fraud.create_session, member_id, await json_body(request))
    return respond({"connected_organization_member_session": session})

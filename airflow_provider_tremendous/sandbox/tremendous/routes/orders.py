"""``/orders``, ``/order_approvals`` and ``/rewards``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from airflow_provider_tremendous.sandbox.common import json_body, locked, respond
from airflow_provider_tremendous.sandbox.tremendous.domain import orders

router = APIRouter()


@router.get("/orders")
async def list_orders(request: Request) -> JSONResponse:
    return respond(locked(request, orders.list_orders, dict(request.query_params)))


@router.post("/orders")
async def create_order(request: Request) -> JSONResponse:
    status, order = locked(request, orders.create_order, await json_body(request))
    return respond({"order": order}, status)


@router.get("/orders/{order_id:path}")
async def get_order(request: Request, order_id: str) -> JSONResponse:
    return respond({"order": locked(request, lambda s, i: orders.render_order(s, orders.find_order(s, i)), order_id)})


@router.post("/order_approvals/{order_id:path}/approve")
async def approve_order(request: Request, order_id: str) -> JSONResponse:
    return respond({"order": locked(request, orders.approve_order, order_id)})


@router.post("/order_approvals/{order_id:path}/reject")
async def reject_order(request: Request, order_id: str) -> JSONResponse:
    return respond({"order": locked(request, orders.reject_order, order_id)})


@router.get("/rewards")
async def list_rewards(request: Request) -> JSONResponse:
    return respond(locked(request, orders.list_rewards, dict(request.query_params)))


@router.get("/rewards/{reward_id}")
async def get_reward(request: Request, reward_id: str) -> JSONResponse:
    return respond({"reward": locked(request, lambda s, i: orders.render_reward(orders.get_reward(s, i)), reward_id)})


@router.post("/rewards/{reward_id}/cancel")
async def cancel_reward(request: Request, reward_id: str) -> JSONResponse:
    return respond(locked(request, orders.cancel_reward, reward_id))


@router.post("/rewards/{reward_id}/generate_link")
async def generate_reward_link(request: Request, reward_id: str) -> JSONResponse:
    return respond({"reward": locked(request, orders.generate_link, reward_id)})


@router.post("/rewards/{reward_id}/resend")
async def resend_reward(request: Request, reward_id: str) -> JSONResponse:
    return respond(locked(request, orders.resend_reward, reward_id, await json_body(request)))

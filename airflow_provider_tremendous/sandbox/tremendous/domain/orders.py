"""Orders and their rewards: idempotent creation, approvals, execution, delivery, cancel/resend, the ledger."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from typing import Any

from airflow_provider_tremendous.sandbox.bounces import bounces
from airflow_provider_tremendous.sandbox.catalog import FOREX
from airflow_provider_tremendous.sandbox.errors import SandboxAPIError, invalid, not_found
from airflow_provider_tremendous.sandbox.state import SandboxState, public, transition
from airflow_provider_tremendous.sandbox.tremendous.domain.fraud import flag_if_suspicious
from airflow_provider_tremendous.sandbox.tremendous.domain.funding import BALANCE_ID, resolve_funding_source
from airflow_provider_tremendous.sandbox.tremendous.domain.listing import in_window, newest_first, page
from airflow_provider_tremendous.sandbox.tremendous.validation import ValidOrder, validate_order


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _fingerprint(body: dict[str, Any]) -> str:
    """What "the same payload" means: the body without external_id, an explicit null counting as absent."""
    return json.dumps(
        _without_nulls({k: v for k, v in body.items() if k != "external_id"}), sort_keys=True, default=str
    )


def _cost_cents(state: SandboxState, cents: int, currency: str) -> int:
    """What a reward costs in the organization's currency (USD), via the fixed forex table."""
    rate = FOREX.get(currency, 1.0) / FOREX.get(state.config.settings.currency_code, 1.0)
    return round(cents / rate)


def render_reward(reward: dict[str, Any], with_link: bool = False) -> dict[str, Any]:
    """The API view of a reward: ``delivery.link`` only on create-order answers, and only for LINK rewards (as
    Tremendous documents it; every other read leaves it out, and ``generate_link`` makes one)."""
    view = public(reward)
    if not with_link or view["delivery"].get("link") is None:
        view["delivery"] = {k: v for k, v in view["delivery"].items() if k != "link"}
    return view


def render_order(state: SandboxState, order: dict[str, Any], with_links: bool = False) -> dict[str, Any]:
    """The API view of an order with its rewards (their links only with ``with_links``: create-order answers)."""
    view = public(order)
    view["rewards"] = [render_reward(state.collections["rewards"][rid], with_links) for rid in order["_reward_ids"]]
    if view.get("payment") is None:
        view.pop("payment", None)
    return view


def find_order(state: SandboxState, ident: str) -> dict[str, Any]:
    """An order by its id or its external_id."""
    orders = state.collections["orders"]
    order = orders.get(ident) or orders.get(state.external_ids.get(ident, ""))
    if order is None:
        raise not_found("Order", ident)
    return order


def create_order(state: SandboxState, body: Any) -> tuple[int, dict[str, Any]]:
    """``POST /orders``: 200 with a new order, 201 with the original for a replayed external_id, 409 when the
    external_id was used with other parameters (201 with the original under ``lenient_changed_replay``), 402 when
    the balance cannot pay."""
    valid = validate_order(state, body)
    if valid.external_id is not None and valid.external_id in state.external_ids:
        existing = state.collections["orders"][state.external_ids[valid.external_id]]
        if existing["_fingerprint"] != _fingerprint(body) and not state.config.settings.lenient_changed_replay:
            raise SandboxAPIError(
                409,
                f"An order with external_id {valid.external_id!r} already exists with different parameters",
                {"external_id": valid.external_id},
            )
        return 201, render_order(state, existing, with_links=True)
    source = resolve_funding_source(state, valid.funding_source_id)
    cost = _cost_cents(state, valid.denomination_cents, valid.currency_code)
    fees = round(cost * state.config.settings.fee_percent / 100)
    pays_from_balance = source["id"] == BALANCE_ID
    if pays_from_balance and not state.config.settings.approvals and state.balance_cents < cost + fees:
        raise SandboxAPIError(
            402,
            "Order failed to execute due to insufficient funds",
            {
                "payment": {
                    "funding_source_id": f"available {state.balance_cents / 100:.2f}, needed {(cost + fees) / 100:.2f}"
                }
            },
        )
    order = _new_order(state, body, valid, source["id"], cost, fees)
    state.emit("ORDERS.CREATED", "orders", order["id"])
    if state.config.settings.approvals:
        order["status"] = "PENDING APPROVAL"
    elif pays_from_balance and state.config.settings.order_processing_seconds == 0:
        _execute(state, order)
    else:
        if pays_from_balance:
            _charge(state, order)
        state.schedule(state.config.settings.order_processing_seconds, "order.execute", order["id"])
    return 200, render_order(state, order, with_links=True)


def _new_order(
    state: SandboxState, body: dict[str, Any], valid: ValidOrder, source_id: str, cost: int, fees: int
) -> dict[str, Any]:
    order_id, reward_id = state.new_id(), state.new_id()
    state.sequence += 1
    reward_in = valid.reward
    recipient = reward_in.get("recipient") or {}
    reward = {
        "id": reward_id,
        "order_id": order_id,
        "created_at": state.iso(),
        "expires_at": None,
        "value": {"denomination": valid.denomination_cents / 100, "currency_code": valid.currency_code},
        "recipient": {k: recipient.get(k) for k in ("name", "email", "phone") if recipient.get(k) is not None},
        "deliver_at": str(reward_in["deliver_at"])[:10] if reward_in.get("deliver_at") else None,
        "custom_fields": [dict(f) for f in reward_in.get("custom_fields") or [] if isinstance(f, dict)],
        "delivery": {"method": valid.method, "status": "PENDING", "link": None},
        "_seq": state.sequence,
        "_products": valid.products,
        "_campaign_id": valid.campaign_id,
        "_language": reward_in.get("language", "en"),
        "_canceled": False,
    }
    order = {
        "id": order_id,
        "external_id": valid.external_id,
        "campaign_id": valid.campaign_id,
        "created_at": reward["created_at"],
        "status": "OPEN",
        "channel": "API",
        "payment": None,
        "invoice_id": None,
        "_reward_ids": [reward_id],
        "_seq": state.sequence,
        "_fingerprint": _fingerprint(body),
        "_funding_source_id": source_id,
        "_cost_cents": cost,
        "_fee_cents": fees,
        "_charged": False,
    }
    state.collections["rewards"][reward_id] = reward
    state.collections["orders"][order_id] = order
    if valid.external_id is not None:
        state.external_ids[valid.external_id] = order_id
    flag_if_suspicious(state, reward)
    return order


def _charge(state: SandboxState, order: dict[str, Any]) -> None:
    if order["_charged"] or order["_funding_source_id"] != BALANCE_ID:
        order["_charged"] = True
        return
    total = order["_cost_cents"] + order["_fee_cents"]
    reference = {"id": order["id"], "external_id": order["external_id"]}
    state.record_transaction(-total, "order", f"Order {order['id']}", reference)
    order["_charged"] = True


def _execute(state: SandboxState, order: dict[str, Any]) -> None:
    """Pay (if not yet) and mark EXECUTED; start delivering the rewards."""
    _charge(state, order)
    cost, fees = order["_cost_cents"], order["_fee_cents"]
    order["status"] = "EXECUTED"
    order["payment"] = {
        "subtotal": cost / 100,
        "total": (cost + fees) / 100,
        "fees": fees / 100,
        "discount": 0.0,
        "currency_code": state.config.settings.currency_code,
    }
    for reward_id in order["_reward_ids"]:
        _start_delivery(state, state.collections["rewards"][reward_id])


@transition("order.execute")
def _scheduled_execute(state: SandboxState, order_id: str) -> None:
    order = state.collections["orders"].get(order_id)
    if order is not None and order["status"] == "OPEN":
        _execute(state, order)


def _start_delivery(state: SandboxState, reward: dict[str, Any]) -> None:
    delivery = reward["delivery"]
    if delivery["method"] == "LINK":
        delivery["status"] = "SUCCEEDED"
        # a link is a bearer secret: like the real ones it carries an unguessable part
        delivery["link"] = f"https://testflight.tremendous.com/rewards/payout/{reward['id']}-{secrets.token_hex(8)}"
        state.emit("REWARDS.DELIVERY.SUCCEEDED", "rewards", reward["id"])
        return
    half = state.config.settings.delivery_seconds / 2
    if reward["deliver_at"] and reward["deliver_at"] > state.today().isoformat():
        delivery["status"] = "SCHEDULED"
        days = (dt.date.fromisoformat(reward["deliver_at"]) - state.today()).days
        state.schedule(days * 86400, "reward.deliver", reward["id"])
        return
    state.schedule(half, "reward.schedule", reward["id"])


@transition("reward.schedule")
def _scheduled(state: SandboxState, reward_id: str) -> None:
    reward = state.collections["rewards"][reward_id]
    if reward["delivery"]["status"] == "PENDING" and not reward["_canceled"]:
        reward["delivery"]["status"] = "SCHEDULED"
        state.schedule(state.config.settings.delivery_seconds / 2, "reward.deliver", reward_id)


def _bounces(reward: dict[str, Any]) -> bool:
    return bounces(reward["recipient"].get("email") or reward["recipient"].get("phone"))


@transition("reward.deliver")
def _delivered(state: SandboxState, reward_id: str) -> None:
    reward = state.collections["rewards"][reward_id]
    if reward["_canceled"] or reward["delivery"]["status"] not in ("PENDING", "SCHEDULED"):
        return
    if _bounces(reward):
        reward["delivery"]["status"] = "FAILED"
        reason = "invalid_email" if reward["delivery"]["method"] == "EMAIL" else "sms_delivery_failed"
        state.emit("REWARDS.DELIVERY.FAILED", "rewards", reward_id, {"failure_reason": reason, "retryable": True})
    else:
        reward["delivery"]["status"] = "SUCCEEDED"
        state.emit("REWARDS.DELIVERY.SUCCEEDED", "rewards", reward_id)


# -- approvals ------------------------------------------------------------------------------------------------
def approve_order(state: SandboxState, ident: str) -> dict[str, Any]:
    """Approve a PENDING APPROVAL order: pay it (402 if the balance cannot) and execute it."""
    order = _pending_approval(state, ident)
    total = order["_cost_cents"] + order["_fee_cents"]
    if order["_funding_source_id"] == BALANCE_ID and state.balance_cents < total:
        raise SandboxAPIError(402, "Order failed to execute due to insufficient funds", {"id": order["id"]})
    _execute(state, order)
    state.emit("ORDERS.APPROVED", "orders", order["id"])
    return render_order(state, order)


def reject_order(state: SandboxState, ident: str) -> dict[str, Any]:
    """Reject a PENDING APPROVAL order: it is CANCELED and nothing is paid."""
    order = _pending_approval(state, ident)
    order["status"] = "CANCELED"
    for reward_id in order["_reward_ids"]:
        state.collections["rewards"][reward_id]["_canceled"] = True
    state.emit("ORDERS.CANCELED", "orders", order["id"])
    return render_order(state, order)


def _pending_approval(state: SandboxState, ident: str) -> dict[str, Any]:
    order = find_order(state, ident)
    if order["status"] != "PENDING APPROVAL":
        raise SandboxAPIError(422, f"Order {order['id']} is {order['status']}, not PENDING APPROVAL", {"id": ident})
    return order


# -- reads ----------------------------------------------------------------------------------------------------
def list_orders(state: SandboxState, query: Mapping[str, str]) -> dict[str, Any]:
    """``GET /orders``: newest first, filtered, 10 by default and 500 at most per page."""
    orders = list(state.collections["orders"].values())
    if query.get("external_id"):
        orders = [o for o in orders if o["external_id"] == query["external_id"]]
    if query.get("campaign_id"):
        orders = [o for o in orders if o["campaign_id"] == query["campaign_id"]]
    selected, total = page(newest_first(in_window(orders, query)), query, default=10, maximum=500)
    return {"orders": [render_order(state, o) for o in selected], "total_count": total}


def list_rewards(state: SandboxState, query: Mapping[str, str]) -> dict[str, Any]:
    """``GET /rewards``: newest first, 100 by default and 500 at most per page."""
    rewards = newest_first(state.collections["rewards"].values())
    selected, total = page(rewards, query, default=100, maximum=500)
    return {"rewards": [render_reward(r) for r in selected], "total_count": total}


def get_reward(state: SandboxState, reward_id: str) -> dict[str, Any]:
    """A reward by id."""
    return state.get_one("rewards", reward_id, not_found, "Reward")


# -- reward actions -------------------------------------------------------------------------------------------
def cancel_reward(state: SandboxState, reward_id: str) -> dict[str, Any]:
    """Cancel a reward whose delivery failed, refunding its cost; 422 otherwise."""
    reward = get_reward(state, reward_id)
    if reward["_canceled"] or reward["delivery"]["status"] != "FAILED":
        raise SandboxAPIError(
            422, "Only non-expired rewards with a delivery failure can be canceled", {"id": reward_id}
        )
    order = state.collections["orders"][reward["order_id"]]
    reward["_canceled"] = True
    refund = order["_cost_cents"] + order["_fee_cents"]
    if order["_charged"] and order["_funding_source_id"] == BALANCE_ID:
        state.record_transaction(refund, "refund", f"Reward {reward_id} canceled", {"id": order["id"]})
    order["status"] = "CANCELED"
    if order["payment"] is not None:
        order["payment"]["refund"] = {"total": refund / 100, "currency_code": state.config.settings.currency_code}
    state.emit("REWARDS.CANCELED", "rewards", reward_id)
    return {}


def resend_reward(state: SandboxState, reward_id: str, body: Any) -> dict[str, Any]:
    """Deliver a failed reward again, optionally to an updated email or phone (never both)."""
    reward = get_reward(state, reward_id)
    body = body if isinstance(body, dict) else {}
    if body.get("updated_email") and body.get("updated_phone"):
        raise invalid(
            "Pass updated_email or updated_phone, not both", {"updated_email": "conflicts with updated_phone"}
        )
    if reward["_canceled"] or reward["delivery"]["status"] != "FAILED":
        raise SandboxAPIError(422, "Only rewards with a delivery failure can be resent", {"id": reward_id})
    if body.get("updated_email"):
        reward["recipient"]["email"] = body["updated_email"]
    if body.get("updated_phone"):
        reward["recipient"]["phone"] = body["updated_phone"]
    reward["delivery"]["status"] = "PENDING"
    _start_delivery(state, reward)
    return {}


def generate_link(state: SandboxState, reward_id: str) -> dict[str, Any]:
    """A fresh redemption link; 403 for rewards whose order was not executed."""
    reward = get_reward(state, reward_id)
    if state.collections["orders"][reward["order_id"]]["status"] != "EXECUTED" or reward["_canceled"]:
        raise SandboxAPIError(403, "A link can only be generated for rewards of executed orders", {"id": reward_id})
    state.sequence += 1
    link = f"https://testflight.tremendous.com/rewards/payout/{reward_id}?v={state.sequence}"
    return {"id": reward_id, "link": link}


def ledger(state: SandboxState) -> list[dict[str, Any]]:
    """Every order ever created, oldest first: the source of truth for "was anyone paid twice"."""
    rows = []
    for order in sorted(state.collections["orders"].values(), key=lambda o: o["_seq"]):
        reward = state.collections["rewards"][order["_reward_ids"][0]]
        rows.append(
            {
                "id": order["id"],
                "external_id": order["external_id"],
                "status": order["status"],
                "amount": reward["value"]["denomination"],
                "currency": reward["value"]["currency_code"],
                "charged": (order["_cost_cents"] + order["_fee_cents"]) / 100 if order["_charged"] else 0.0,
                "recipient": reward["recipient"],
                "created_at": order["created_at"],
            }
        )
    return rows


def fail_order(state: SandboxState, ident: str) -> dict[str, Any]:
    """Admin: mark a not-yet-executed order FAILED (refunding a charge), to exercise failure paths."""
    order = find_order(state, ident)
    if order["status"] in ("EXECUTED", "CANCELED", "FAILED"):
        raise SandboxAPIError(422, f"Order {order['id']} is already {order['status']}")
    if order["_charged"] and order["_funding_source_id"] == BALANCE_ID:
        total = order["_cost_cents"] + order["_fee_cents"]
        state.record_transaction(total, "refund", f"Order {order['id']} failed", {"id": order["id"]})
    order["status"] = "FAILED"
    state.emit("ORDERS.FAILED", "orders", order["id"])
    return render_order(state, order)

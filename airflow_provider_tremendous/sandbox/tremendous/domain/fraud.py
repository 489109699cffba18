"""Fraud reviews and rules, and Tremendous Connect (connected organizations, members, sessions)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any

from airflow_provider_tremendous.sandbox.catalog import FRAUD_RULE_TYPES
from airflow_provider_tremendous.sandbox.errors import SandboxAPIError, invalid, not_found
from airflow_provider_tremendous.sandbox.state import SandboxState, public
from airflow_provider_tremendous.sandbox.tremendous.domain.account import get_one
from airflow_provider_tremendous.sandbox.tremendous.domain.listing import in_window, page


def flag_if_suspicious(state: SandboxState, reward: dict[str, Any]) -> None:
    """Hold a reward for review when its recipient looks like fraud (an email containing ``fraud``)."""
    if "fraud" not in (reward["recipient"].get("email") or "").lower():
        return
    state.collections["fraud_reviews"][reward["id"]] = {
        "status": "flagged",
        "reasons": ["Device related to multiple emails"],
        "device_id": f"device-{reward['id'].lower()}",
        "redemption_method": "paypal",
        "redeemed_at": state.iso(),
        "geo": {"ip": "203.0.113.7", "country": "US", "city": "Sandbox"},
        "reviewed_by": None,
        "reviewed_at": None,
        "redemption_method_account_hash": secrets.token_hex(8),
        "risk": "high",
        "related_rewards": {"ids": [], "count": 0},
        "created_at": state.iso(),
        "_reward_id": reward["id"],
    }
    state.emit("REWARDS.FLAGGED", "rewards", reward["id"])


def render_review(state: SandboxState, review: dict[str, Any]) -> dict[str, Any]:
    """A fraud review with its reward."""
    reward = public(state.collections["rewards"][review["_reward_id"]])
    return {**public(review), "reward": reward}


def list_fraud_reviews(state: SandboxState, query: Mapping[str, str]) -> dict[str, Any]:
    """Reviews, newest redemption first, filtered by status and created/redeemed windows (100 per page max)."""
    reviews = list(state.collections["fraud_reviews"].values())
    if query.get("status"):
        reviews = [r for r in reviews if r["status"] == query["status"]]
    reviews = in_window(in_window(reviews, query), query, "redeemed_at")
    reviews.sort(key=lambda r: r["redeemed_at"], reverse=True)
    selected, total = page(reviews, query, default=10, maximum=100)
    return {"fraud_reviews": [render_review(state, r) for r in selected], "total_count": total}


def review_action(state: SandboxState, reward_id: str, action: str | None) -> dict[str, Any]:
    """Get (``None``), block or release the review of a reward."""
    review = state.get_one("fraud_reviews", reward_id, not_found, "Fraud review")
    if action is not None:
        if review["status"] != "flagged":
            raise SandboxAPIError(422, f"Fraud review is {review['status']}, not flagged", {"id": reward_id})
        review["status"] = action
        review["reviewed_by"] = "api"
        review["reviewed_at"] = state.iso()
    return render_review(state, review)


def _rule_type(rule_type: str) -> str:
    if rule_type not in FRAUD_RULE_TYPES:
        raise not_found("Fraud rule type", rule_type)
    return rule_type


def configure_rule(state: SandboxState, rule_type: str, body: Any) -> str:
    """Create or replace a fraud rule."""
    config = (body or {}).get("config", {}) if isinstance(body, dict) else None
    if not isinstance(config, dict):
        raise invalid("Invalid fraud rule", {"config": "must be an object"})
    state.collections["fraud_rules"][_rule_type(rule_type)] = {"rule_type": rule_type, "config": config}
    return "Fraud rule configured"


def update_rule_list(state: SandboxState, rule_type: str, body: Any) -> str:
    """Add to, remove from or replace a list-based rule's values."""
    rule = state.collections["fraud_rules"].get(_rule_type(rule_type))
    if rule is None:
        raise not_found("Fraud rule", rule_type)
    body = body if isinstance(body, dict) else {}
    operation, values = body.get("operation"), (body.get("config") or {})
    if operation not in ("add", "remove", "replace"):
        raise invalid("Invalid operation", {"operation": "must be add, remove or replace"})
    for key, items in values.items():
        current = list(rule["config"].get(key, []))
        if operation == "replace":
            current = list(items)
        elif operation == "add":
            current += [i for i in items if i not in current]
        else:
            current = [i for i in current if i not in items]
        rule["config"][key] = current
    return "Fraud rule list updated"


def delete_rule(state: SandboxState, rule_type: str) -> str:
    """Delete a fraud rule."""
    if state.collections["fraud_rules"].pop(_rule_type(rule_type), None) is None:
        raise not_found("Fraud rule", rule_type)
    return "Fraud rule deleted"


# -- Tremendous Connect ---------------------------------------------------------------------------------------
def create_connected_org(state: SandboxState, body: Any) -> dict[str, Any]:
    """Register a connected organization."""
    body = body if isinstance(body, dict) else None
    if body is None or not body.get("client_id"):
        raise invalid("Missing required parameters", {"client_id": "is required"})
    org = {
        "id": state.new_id(),
        "client_id": body["client_id"],
        "created_at": state.iso(),
        "organization": {
            "id": state.new_id(),
            "name": (body.get("kyb_prefill") or {}).get("name") or "Connected organization",
            "website": (body.get("kyb_prefill") or {}).get("website") or "https://connected.example",
            "currency_code": body.get("currency_code") or "USD",
            "status": "PENDING",
            "created_at": state.today().isoformat(),
        },
    }
    state.collections["connected_organizations"][org["id"]] = org
    return public(org)


def create_connected_member(state: SandboxState, body: Any) -> dict[str, Any]:
    """Add a member to a connected organization."""
    body = body if isinstance(body, dict) else {}
    org_id = body.get("connected_organization_id")
    if not org_id:
        raise invalid("Missing required parameters", {"connected_organization_id": "is required"})
    get_one(state, "connected_organizations", org_id, "Connected organization")
    member = {
        "id": state.new_id(),
        "external_name": body.get("external_name"),
        "external_email": body.get("external_email"),
        "created_at": state.iso(),
        "connected_organization_id": org_id,
        "member": None,
    }
    state.collections["connected_members"][member["id"]] = member
    return member


def list_connected(state: SandboxState, collection: str, query: Mapping[str, str]) -> dict[str, Any]:
    """Connected organizations or (for one organization) their members, 100 per page max."""
    items = [public(o) for o in state.collections[collection].values()]
    if collection == "connected_members":
        org_id = query.get("connected_organization_id")
        if not org_id:
            raise invalid("Missing required parameters", {"connected_organization_id": "is required"})
        items = [m for m in items if m["connected_organization_id"] == org_id]
    items.sort(key=lambda o: o["created_at"], reverse=True)
    selected, total = page(items, query, default=10, maximum=100)
    key = "connected_organizations" if collection == "connected_organizations" else "connected_organization_members"
    return {key: selected, "total_count": total}


def create_session(state: SandboxState, member_id: str, body: Any) -> dict[str, Any]:
    """An embedded onboarding session for a connected organization member."""
    get_one(state, "connected_members", member_id, "Connected organization member")
    body = body if isinstance(body, dict) else {}
    if not body.get("return_url"):
        raise invalid("Missing required parameters", {"return_url": "is required"})
    return {
        "connected_organization_member_id": member_id,
        "url": f"https://testflight.tremendous.com/connect/session/{secrets.token_hex(8)}",
        "return_url": body["return_url"],
        "state": body.get("state"),
        "expires_at": state.iso(time.time() + 3600),
        "created_at": state.iso(),
    }

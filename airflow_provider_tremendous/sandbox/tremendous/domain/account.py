"""The organization and its catalog: organizations and API keys, members, fields, campaigns, products, forex,
and the (single) webhook."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from airflow_provider_tremendous.sandbox.catalog import FOREX, WEBHOOK_EVENTS
from airflow_provider_tremendous.sandbox.errors import SandboxAPIError, invalid, not_found
from airflow_provider_tremendous.sandbox.state import SandboxState, public

FIELD_TYPES = {"Checkbox", "Currency", "Date", "Dropdown", "Email", "List", "Number", "Phone", "Text", "TextArea"}


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object", {})
    return body


def _require(body: dict[str, Any], *names: str) -> None:
    missing = {name: "is required" for name in names if body.get(name) in (None, "")}
    if missing:
        raise invalid("Missing required parameters", missing)


def get_one(state: SandboxState, collection: str, ident: str, kind: str) -> dict[str, Any]:
    """An object of ``collection`` by id, or a 404 naming ``kind``."""
    return state.get_one(collection, ident, not_found, kind)


# -- organizations --------------------------------------------------------------------------------------------
def list_organizations(state: SandboxState) -> list[dict[str, Any]]:
    """The key's organization and the sub-organizations it created."""
    return [state.organization, *(public(o) for o in state.collections["organizations"].values())]


def get_organization(state: SandboxState, ident: str) -> dict[str, Any]:
    """An organization by id."""
    if ident == state.organization["id"]:
        return state.organization
    return public(get_one(state, "organizations", ident, "Organization"))


def create_organization(state: SandboxState, body: Any) -> dict[str, Any]:
    """Create a sub-organization (``with_api_key`` or ``copy_settings`` required, as in the API)."""
    body = _object(body)
    _require(body, "name", "website")
    if not body.get("with_api_key") and not body.get("copy_settings"):
        raise invalid("Pass with_api_key: true or copy_settings", {"with_api_key": "must be true"})
    org = {
        "id": state.new_id(),
        "name": body["name"],
        "website": body["website"],
        "currency_code": state.config.settings.currency_code,
        "status": "PENDING",
        "created_at": state.today().isoformat(),
    }
    state.collections["organizations"][org["id"]] = org
    return org


def create_api_key(body: Any) -> str:
    """A new sandbox API key (``permission`` read_write or read_only)."""
    permission = (body or {}).get("permission", "read_write") if isinstance(body, dict) else "read_write"
    if permission not in ("read_write", "read_only"):
        raise invalid("Invalid permission", {"permission": "must be read_write or read_only"})
    return "TEST_" + secrets.token_hex(24)


# -- members --------------------------------------------------------------------------------------------------
def create_member(state: SandboxState, body: Any) -> dict[str, Any]:
    """Invite a member."""
    body = _object(body)
    _require(body, "email")
    role = body.get("role") or "ROLEMEMBER01"
    if role not in state.roles:
        raise invalid("Unknown role", {"role": f"{role} is not a role id"})
    member = {
        "id": state.new_id(),
        "email": body["email"],
        "name": body.get("name"),
        "active": False,
        "role": role,
        "status": "INVITED",
        "created_at": state.iso(),
        "last_login_at": None,
    }
    state.collections["members"][member["id"]] = member
    state.emit("MEMBERS.CREATED", "members", member["id"])
    return member


def get_member(state: SandboxState, ident: str) -> dict[str, Any]:
    """A member with its events."""
    member = get_one(state, "members", ident, "Member")
    return {**member, "events": [{"type": "created", "date_utc": member["created_at"]}]}


def update_member(state: SandboxState, ident: str, body: Any) -> dict[str, Any]:
    """Change a member's role (and name, which the API also accepts)."""
    member = get_one(state, "members", ident, "Member")
    body = _object(body)
    if "role" in body and body["role"] not in state.roles:
        raise SandboxAPIError(422, "Unknown role", {"role": f"{body['role']} is not a role id"})
    member.update({k: body[k] for k in ("name", "role") if k in body})
    return member


def delete_member(state: SandboxState, ident: str) -> None:
    """Remove a member."""
    get_one(state, "members", ident, "Member")
    del state.collections["members"][ident]
    state.emit("MEMBERS.DELETED", "members", ident)


# -- fields, campaigns, products, forex -----------------------------------------------------------------------
def create_field(state: SandboxState, body: Any) -> dict[str, Any]:
    """Define a custom field."""
    body = _object(body)
    _require(body, "display_name", "data_type")
    if body["data_type"] not in FIELD_TYPES:
        raise SandboxAPIError(422, "Invalid data_type", {"data_type": f"must be one of {sorted(FIELD_TYPES)}"})
    field = {
        "id": state.new_id(),
        "label": body["display_name"],
        "data_type": body["data_type"],
        "data": body.get("data") or {},
        "required": bool(body.get("required", False)),
        "scope": "REWARD",
    }
    state.collections["fields"][field["id"]] = field
    return field


def save_campaign(state: SandboxState, body: Any, ident: str | None = None) -> dict[str, Any]:
    """Create (``ident`` None) or replace a campaign; its products must exist."""
    body = _object(body)
    existing = get_one(state, "campaigns", ident, "Campaign") if ident else None
    merged = {**(existing or {}), **body}
    _require(merged, "name", "products")
    products = merged["products"]
    unknown = (
        [p for p in products if p != "ALL_FEE_FREE" and p not in state.products] if isinstance(products, list) else None
    )
    if unknown is None or unknown:
        raise SandboxAPIError(422, "Invalid products", {"products": f"unknown product(s): {unknown}"})
    campaign = {
        "description": None,
        "fee_charged_to": "SENDER",
        "auto_add_product_rule": None,
        "webpage_style": None,
        "email_style": None,
        **merged,
        "id": ident or state.new_id(),
    }
    state.collections["campaigns"][campaign["id"]] = campaign
    if ident is None:
        state.emit("CAMPAIGNS.CREATED", "campaigns", campaign["id"])
    return campaign


def list_products(state: SandboxState, query: Mapping[str, str]) -> list[dict[str, Any]]:
    """Products, filtered by comma-separated ``id``, ``country``, ``currency`` and ``subcategory``."""

    def wanted(name: str) -> set[str] | None:
        raw = query.get(name)
        return {part.strip() for part in raw.split(",") if part.strip()} if raw else None

    ids, countries, currencies, subcategories = (
        wanted("id"),
        wanted("country"),
        wanted("currency"),
        wanted("subcategory"),
    )
    result = []
    for product in state.products.values():
        if ids and "ALL_FEE_FREE" not in ids and product["id"] not in ids:
            continue
        if countries and not countries & {c["abbr"] for c in product["countries"]}:
            continue
        if currencies and not currencies & set(product["currency_codes"]):
            continue
        if subcategories and product["subcategory"] not in subcategories:
            continue
        result.append(product)
    return result


def forex(base: str | None) -> dict[str, float]:
    """Exchange rates from ``base`` (default USD)."""
    base = (base or "USD").upper()
    if base not in FOREX:
        raise invalid("Unsupported base currency", {"base": f"must be one of {sorted(FOREX)}"})
    return {code: round(rate / FOREX[base], 6) for code, rate in FOREX.items()}


# -- webhooks -------------------------------------------------------------------------------------------------
def create_webhook(state: SandboxState, body: Any) -> dict[str, Any]:
    """Create the organization's webhook, replacing the previous one (one per organization)."""
    body = _object(body)
    url = body.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise invalid("Invalid webhook", {"url": "must be an http(s) URL"})
    state.collections["webhooks"].clear()
    webhook = {"id": state.new_id(), "url": url, "private_key": secrets.token_hex(32)}
    state.collections["webhooks"][webhook["id"]] = webhook
    return webhook


def webhook_events() -> list[str]:
    """The event types a webhook receives."""
    return list(WEBHOOK_EVENTS)


def simulate_webhook(state: SandboxState, ident: str, body: Any) -> str:
    """Queue a test delivery of ``{"event": ...}``."""
    get_one(state, "webhooks", ident, "Webhook")
    event = _object(body).get("event")
    if event not in WEBHOOK_EVENTS:
        raise SandboxAPIError(422, "Unknown event", {"event": f"must be one of {WEBHOOK_EVENTS}"})
    state.emit(event, event.split(".")[0].lower(), "SIMULATED0001", {"simulated": True})
    return "OK"

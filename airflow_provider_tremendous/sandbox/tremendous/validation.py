"""Validation of ``POST /orders`` bodies, answering like the API: every bad field at once, in a ``payload``
that mirrors the request's structure (``{"reward": {"recipient": {"email": "..."}}}``)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from airflow_provider_tremendous.core.currencies import CURRENCY_CODES
from airflow_provider_tremendous.core.limits import text_problems
from airflow_provider_tremendous.core.recipients import check_email, check_phone
from airflow_provider_tremendous.sandbox.errors import SandboxAPIError, invalid
from airflow_provider_tremendous.sandbox.state import SandboxState

LANGUAGE = re.compile(r"^[a-z]{2}$")
MAX_EXTERNAL_ID = 255


@dataclass
class ValidOrder:
    """A create-order request that passed validation."""

    external_id: str | None
    funding_source_id: str
    reward: dict[str, Any]
    denomination_cents: int
    currency_code: str
    products: list[str]
    campaign_id: str | None
    method: str


def _nest(payload: dict[str, Any], path: tuple[str, ...], message: str) -> None:
    node = payload
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = message


def _amount_cents(value: Any, errors: dict[str, Any]) -> int:
    where = ("reward", "value", "denomination")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _nest(errors, where, "must be a number")
        return 0
    if not math.isfinite(value) or value <= 0:
        _nest(errors, where, "must be a positive, finite number")
        return 0
    cents = round(value * 100)
    if abs(cents - value * 100) > 1e-6:
        _nest(errors, where, "must have at most 2 decimal places")
    return cents


def _check_recipient(reward: dict[str, Any], method: str, errors: dict[str, Any]) -> None:
    recipient = reward.get("recipient")
    if recipient is None and method == "LINK":
        return
    if not isinstance(recipient, dict):
        _nest(errors, ("reward", "recipient"), "is required and must be an object")
        return
    email, phone = recipient.get("email"), recipient.get("phone")
    if method == "EMAIL" and not _valid(email, _any_email):
        _nest(errors, ("reward", "recipient", "email"), "must be a valid email address for EMAIL delivery")
    elif email is not None and not _valid(email, _any_email):
        _nest(errors, ("reward", "recipient", "email"), "is not a valid email address")
    if (method == "PHONE" or phone is not None) and not _valid(phone, check_phone):
        _nest(
            errors, ("reward", "recipient", "phone"), "must be a phone number (+ and country code) for PHONE delivery"
        )
    name = recipient.get("name")
    if name is not None and not isinstance(name, str):
        _nest(errors, ("reward", "recipient", "name"), "must be a string")
    for field, reason in text_problems("tremendous", reward, invisible=False):
        _nest(errors, ("reward", *field.split(".")), reason)


def _any_email(value: str) -> Any:
    """A valid address, internationalised ones included (refusing look-alikes is the client's policy, not the
    API's)."""
    return check_email(value, allow_international=True)


def _valid(value: Any, check: Callable[[str], Any]) -> bool:
    """Strict reading (strictness.md #12): the same kept libraries as the client (email-validator, phonenumbers)."""
    if not isinstance(value, str):
        return False
    try:
        check(value)
    except ValueError:
        return False
    return True


def _check_shape(body: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    external_id = body.get("external_id")
    if external_id is not None and not (isinstance(external_id, str) and 0 < len(external_id) <= MAX_EXTERNAL_ID):
        _nest(errors, ("external_id",), f"must be a non-empty string of at most {MAX_EXTERNAL_ID} characters")
    payment = body.get("payment")
    if not (isinstance(payment, dict) and isinstance(payment.get("funding_source_id"), str)):
        _nest(errors, ("payment", "funding_source_id"), "Your request was missing a funding_source_id.")
    reward = body.get("reward")
    if not isinstance(reward, dict):
        _nest(errors, ("reward",), "is required and must be an object")
        return {}
    return reward


def validate_order(state: SandboxState, body: Any) -> ValidOrder:
    """Check a create-order body; raise 400 (shape) or 422 (references, dates) with every bad field."""
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object", {})
    errors: dict[str, Any] = {}
    reward = _check_shape(body, errors)
    value = reward.get("value")
    if not isinstance(value, dict):
        _nest(errors, ("reward", "value", "denomination"), "is required")
        value = {}
    cents = _amount_cents(value.get("denomination"), errors) if "denomination" in value else 0
    if "denomination" not in value and "value" not in errors.get("reward", {}):
        _nest(errors, ("reward", "value", "denomination"), "is required")
    currency = value.get("currency_code") or state.config.settings.currency_code
    if currency not in CURRENCY_CODES:
        _nest(errors, ("reward", "value", "currency_code"), f"{currency!r} is not a supported currency code")
    delivery = reward.get("delivery") or {}
    method = str(delivery.get("method", "EMAIL")).upper() if isinstance(delivery, dict) else "?"
    if method not in ("EMAIL", "LINK", "PHONE"):
        _nest(errors, ("reward", "delivery", "method"), "must be one of EMAIL, LINK, PHONE")
    _check_recipient(reward, method, errors)
    products, campaign_id = reward.get("products"), reward.get("campaign_id")
    if not products and not campaign_id:
        _nest(errors, ("reward", "products"), "Either products or campaign_id must be specified")
    if products is not None and not (
        isinstance(products, list) and all(isinstance(p, str) and re.fullmatch(r"[A-Z0-9]{4,20}", p) for p in products)
    ):
        _nest(errors, ("reward", "products"), "must be a list of product ids ([A-Z0-9]{4,20})")
    language = reward.get("language")
    if language is not None and not (isinstance(language, str) and LANGUAGE.match(language)):
        _nest(errors, ("reward", "language"), "must be an ISO-639-1 code such as 'en'")
    if errors:
        raise invalid("Order failed: validation failure", errors)
    return _check_references(state, body, reward, cents, currency, method)


def _check_references(
    state: SandboxState, body: dict[str, Any], reward: dict[str, Any], cents: int, currency: str, method: str
) -> ValidOrder:
    errors: dict[str, Any] = {}
    campaign_id = reward.get("campaign_id")
    campaign = state.collections["campaigns"].get(campaign_id) if campaign_id else None
    if campaign_id and campaign is None:
        _nest(errors, ("reward", "campaign_id"), f"Campaign {campaign_id} not found")
    products = list(reward.get("products") or (campaign["products"] if campaign else []))
    unknown = [p for p in products if p not in state.products]
    if unknown:
        _nest(errors, ("reward", "products"), f"Unknown product(s): {', '.join(unknown)}")
    elif products and not any(
        sku["currency_code"] == currency and sku["min"] * 100 <= cents <= sku["max"] * 100
        for p in products
        for sku in state.products[p]["skus"]
    ):
        _nest(errors, ("reward", "value", "denomination"), f"No product offers {cents / 100:.2f} {currency}")
    deliver_at = reward.get("deliver_at")
    if deliver_at is not None:
        try:
            date = dt.date.fromisoformat(str(deliver_at)[:10])
        except ValueError:
            date = None
        if date is None or not state.today() <= date <= state.today() + dt.timedelta(days=365):
            _nest(errors, ("reward", "deliver_at"), "must be a date between today and one year from today")
    if errors:
        raise SandboxAPIError(422, "Order failed: validation failure", errors)
    return ValidOrder(
        external_id=body.get("external_id"),
        funding_source_id=body["payment"]["funding_source_id"],
        reward=reward,
        denomination_cents=cents,
        currency_code=currency,
        products=products,
        campaign_id=campaign_id,
        method=method,
    )

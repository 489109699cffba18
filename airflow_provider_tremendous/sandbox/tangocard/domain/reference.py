"""Catalog, exchange rates and email templates (``etid`` = ``E`` + 6 digits)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_tremendous.sandbox.state import SandboxState, public
from airflow_provider_tremendous.sandbox.tangocard.domain.catalog import BRANDS, exchange_rates
from airflow_provider_tremendous.sandbox.tangocard.domain.errors import bad_request, field_error, not_found, page_number

TEMPLATES = "tango_templates"
TEMPLATE_FIELDS = ("name", "fromName", "subject", "headerText", "messageText", "footerText")


def catalog(query: Mapping[str, str]) -> dict[str, Any]:
    """The catalog, filtered by ``utid``, ``brandKey``, ``currencyCode`` or ``country``."""

    def keep(item: dict[str, Any]) -> bool:
        return (
            (not query.get("utid") or item["utid"] == query["utid"])
            and (not query.get("currencyCode") or item["currencyCode"] == query["currencyCode"])
            and (not query.get("country") or query["country"] in item["countries"])
        )

    brands = [
        {**brand, "items": [item for item in brand["items"] if keep(item)]}
        for brand in BRANDS
        if not query.get("brandKey") or brand["brandKey"] == query["brandKey"]
    ]
    return {"catalogName": "Sandbox catalog", "brands": [b for b in brands if b["items"]]}


def rates() -> dict[str, Any]:
    return {
        "disclaimer": "Sandbox rates: fixed, for testing only.",
        "exchangeRates": exchange_rates(),
    }


def create_template(state: SandboxState, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not body.get("name"):
        raise bad_request(field_error("name", "must not be null", None, "NotNull"))
    state.sequence += 1
    etid = f"E{state.sequence % 1_000_000:06d}"
    template = {"etid": etid, "status": "ACTIVE", **{k: body.get(k) for k in TEMPLATE_FIELDS}}
    state.collections[TEMPLATES][etid] = template
    return template


def get_template(state: SandboxState, etid: str) -> dict[str, Any]:
    template = state.collections[TEMPLATES].get(etid.upper())
    if template is None:
        raise not_found("Email template", etid)
    return template


def update_template(state: SandboxState, etid: str, body: Any) -> dict[str, Any]:
    template = get_template(state, etid)
    template.update({k: v for k, v in (body or {}).items() if k in TEMPLATE_FIELDS})
    return template


def delete_template(state: SandboxState, etid: str) -> None:
    get_template(state, etid)
    del state.collections[TEMPLATES][etid.upper()]


def list_templates(state: SandboxState, query: Mapping[str, str]) -> dict[str, Any]:
    number = page_number(query, "page", 0, 0, 10**6)
    size = page_number(query, "elementsPerBlock", 10, 1, 100)
    items = sorted(state.collections[TEMPLATES].values(), key=lambda t: t["etid"])
    chunk = items[number * size : (number + 1) * size]
    return {
        "page": {"number": number, "elementsPerBlock": size, "resultCount": len(chunk), "totalCount": len(items)},
        "emailTemplates": [public(t) for t in chunk],
    }

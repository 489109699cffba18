"""Fixed reference data of the emulated account: products, currencies, exchange rates, roles."""

from __future__ import annotations

from typing import Any

#: Units of 1 USD in each currency (a small, fixed table: the sandbox does not move markets).
FOREX = {
    "USD": 1.0,
    "EUR": 0.92,
    "GBP": 0.79,
    "CAD": 1.37,
    "AUD": 1.52,
    "JPY": 151.0,
    "INR": 83.2,
    "MXN": 17.1,
    "BRL": 5.05,
    "CHF": 0.9,
    "SEK": 10.6,
    "PLN": 4.0,
    "ZAR": 18.4,
}


def _product(pid: str, name: str, category: str, currencies: list[str], countries: list[str]) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "description": f"{name} (sandbox product)",
        "category": category,
        "subcategory": "general_merchandise" if category == "merchant_card" else None,
        "disclosure": f"{name} is a sandbox product; no real value is sent.",
        "skus": [{"min": 1, "max": 2000, "currency_code": c} for c in currencies],
        "currency_codes": currencies,
        "countries": [{"abbr": c} for c in countries],
        "images": [{"src": f"https://testflight.tremendous.com/images/{pid}.png", "type": "card"}],
        "usage_instructions": "Redeem online.",
        "documents": None,
    }


PRODUCTS: list[dict[str, Any]] = [
    _product("OKMHM2X2OHYV", "Amazon.com", "merchant_card", ["USD"], ["US"]),
    _product("KV934TZ93NQM", "PayPal", "paypal", ["USD", "EUR", "GBP", "CAD"], ["US", "GB", "DE", "FR", "CA"]),
    _product("Q24BD9EZ332JT", "Virtual Visa", "visa_card", ["USD"], ["US"]),
    _product("TBAJH7YLFVS5", "Venmo", "venmo", ["USD"], ["US"]),
    _product("A2J05SWPI2QG", "Red Cross donation", "charity", ["USD", "EUR"], ["US", "DE"]),
    _product("ET0ZVETV5ILN", "Bank transfer", "ach", ["USD"], ["US"]),
    _product("3XR3S1LNQ6J2", "Amazon.de", "merchant_card", ["EUR"], ["DE"]),
    _product("5SWO6KN1Y3QH", "Tesco", "merchant_card", ["GBP"], ["GB"]),
]

ROLES: list[dict[str, Any]] = [
    {"id": "ROLEADMIN001", "title": "Admin", "description": "Can do everything."},
    {"id": "ROLEMEMBER01", "title": "Member", "description": "Can send rewards."},
    {"id": "ROLEAPPROV01", "title": "Approver", "description": "Can approve orders."},
]

WEBHOOK_EVENTS = [
    "CAMPAIGNS.CREATED",
    "CAMPAIGNS.DELETED",
    "FUNDING_SOURCES.FUNDED",
    "INVOICES.CREATED",
    "INVOICES.DELETED",
    "INVOICES.PAID",
    "MEMBERS.CREATED",
    "MEMBERS.DELETED",
    "ORDERS.APPROVED",
    "ORDERS.CANCELED",
    "ORDERS.CREATED",
    "ORDERS.FAILED",
    "REPORTS.GENERATION.FAILED",
    "REPORTS.GENERATION.SUCCEEDED",
    "REWARDS.CANCELED",
    "REWARDS.DELIVERY.FAILED",
    "REWARDS.DELIVERY.SUCCEEDED",
    "REWARDS.FLAGGED",
]

FRAUD_RULE_TYPES = frozenset(
    {
        "review_country",
        "review_ip",
        "review_email",
        "review_redeemed_rewards_count",
        "review_redeemed_rewards_amount",
        "review_multiple_emails",
        "review_vpn",
        "review_tremendous_flag_list",
        "review_previously_blocked_recipients",
        "allow_ip",
        "allow_email",
    }
)

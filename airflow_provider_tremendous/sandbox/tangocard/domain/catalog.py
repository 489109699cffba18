"""The emulated catalog: fixed- and variable-value items in several currencies, one inactive item."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.sandbox.catalog import FOREX


def _item(utid: str, name: str, currency: str, **value: Any) -> dict[str, Any]:
    fixed = "faceValue" in value
    return {
        "utid": utid,
        "rewardName": name,
        "currencyCode": currency,
        "status": value.pop("status", "active"),
        "valueType": "FIXED_VALUE" if fixed else "VARIABLE_VALUE",
        "rewardType": "gift card",
        "countries": ["US"] if currency == "USD" else [],
        "credentialTypes": ["url"],
        **value,
    }


BRANDS: list[dict[str, Any]] = [
    {
        "brandKey": "B000001",
        "brandName": "Amazon.com",
        "status": "active",
        "items": [_item("U000001", "Amazon.com Gift Card", "USD", minValue=1.0, maxValue=2000.0)],
    },
    {
        "brandKey": "B000002",
        "brandName": "Reward Link",
        "status": "active",
        "items": [
            _item("U000002", "Reward Link (USD)", "USD", minValue=0.01, maxValue=5000.0),
            _item("U000003", "Reward Link (EUR)", "EUR", minValue=1.0, maxValue=2000.0),
            _item("U000004", "Reward Link (GBP)", "GBP", minValue=1.0, maxValue=2000.0),
        ],
    },
    {
        "brandKey": "B000003",
        "brandName": "Coffee Co.",
        "status": "active",
        "items": [
            _item("U000010", "Coffee Co. $10", "USD", faceValue=10.0),
            _item("U000025", "Coffee Co. $25", "USD", faceValue=25.0),
            _item("U000099", "Coffee Co. $50 (retired)", "USD", faceValue=50.0, status="inactive"),
        ],
    },
]
ITEMS: dict[str, dict[str, Any]] = {item["utid"]: item for brand in BRANDS for item in brand["items"]}


def usd_per_unit(currency: str) -> float:
    """What one unit of ``currency`` costs in USD (the accounts' currency), from the fixed forex table."""
    return 1.0 / FOREX.get(currency, 1.0)


def exchange_rates() -> list[dict[str, Any]]:
    """``baseFx``: how many units of ``rewardCurrency`` one ``baseCurrency`` (USD) buys."""
    return [
        {"baseCurrency": "USD", "rewardCurrency": code, "baseFx": rate, "lastModifiedDate": "2026-11-01T00:00:00Z"}
        for code, rate in sorted(FOREX.items())
    ]

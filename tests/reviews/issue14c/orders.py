"""Orders placed straight at the sandbox, as another run (release 0.1's v1 ids, a second payment, a race) left them:
the review tests' one way to put a ledger in the state they attack."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.hooks import TremendousHook


def place_order(
    external_id: str,
    *,
    email: str = "r1@example.com",
    name: str = "Respondent 1",
    amount: float = 5.0,
    campaign: str | None = "CAMPAIGN00001",
    products: list[str] | None = None,
) -> str:
    """Place one EMAIL reward under ``external_id`` on the Tremendous sandbox; return the order id."""
    reward: dict[str, Any] = {
        "value": {"denomination": amount, "currency_code": "USD"},
        "recipient": {"name": name, "email": email},
        "delivery": {"method": "EMAIL"},
    }
    if campaign:
        reward["campaign_id"] = campaign
    if products:
        reward["products"] = products
    order = TremendousHook().create_order(
        {"external_id": external_id, "payment": {"funding_source_id": "balance"}, "reward": reward}
    )
    return str(order.id)

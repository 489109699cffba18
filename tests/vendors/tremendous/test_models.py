"""Response models: tolerant of what the API adds, and JSON-safe for XCom."""

from __future__ import annotations

import json

import pytest

from airflow_provider_tremendous.vendors.tremendous.models import BalanceTransaction, Order, OrderStatus, Page, Reward


def test_unknown_fields_and_statuses_are_kept_not_rejected() -> None:
    order = Order.model_validate(
        {"id": "O1", "status": "SOMETHING NEW", "brand_new_field": {"x": 1}, "created_at": "2026-11-01T10:00:00Z"}
    )
    assert order.status == "SOMETHING NEW"
    assert order.to_xcom()["brand_new_field"] == {"x": 1}
    assert not OrderStatus.is_terminal(order.status)


@pytest.mark.parametrize(
    ("status", "normalized", "terminal"),
    [
        ("CART", "OPEN", False),
        ("OPEN", "OPEN", False),
        ("PENDING SETTLEMENT", "PENDING SETTLEMENT", False),
        ("pending_approval", "PENDING APPROVAL", False),
        ("EXECUTED", "EXECUTED", True),
        ("FAILED", "FAILED", True),
        ("CANCELED", "CANCELED", True),
    ],
)
def test_order_status_reading(status: str, normalized: str, terminal: bool) -> None:
    assert OrderStatus.normalize(status) == normalized
    assert OrderStatus.is_terminal(status) is terminal


def test_to_xcom_is_json_safe() -> None:
    order = Order.model_validate(
        {
            "id": "O1",
            "status": "EXECUTED",
            "created_at": "2026-11-01T10:00:00Z",
            "payment": {"subtotal": 10, "total": 10.5, "fees": 0.5, "discount": 0, "currency_code": "USD"},
            "rewards": [{"id": "R1", "deliver_at": "2026-11-02", "delivery": {"method": "LINK", "link": "https://l"}}],
        }
    )
    data = order.to_xcom()
    assert json.loads(json.dumps(data)) == data
    assert data["created_at"].startswith("2026-11-01T10:00:00")
    assert "link" not in data["rewards"][0]["delivery"], "a LINK reward's link is bearer money: never in XCom"
    assert order.rewards and order.rewards[0].delivery and order.rewards[0].delivery.link == "https://l"
    assert "https://l" not in repr(order)
    assert order.is_executed


def test_balance_transaction_null_balance_is_accepted() -> None:
    assert BalanceTransaction.model_validate({"amount": 1, "balance": None}).balance is None


def test_page_iterates_items() -> None:
    page = Page[Reward].model_validate({"items": [{"id": "a"}, {"id": "b"}], "total_count": 2})
    assert [r.id for r in page] == ["a", "b"]
    assert len(page) == 2

"""Walking offset/limit lists at each endpoint's own maximum page size, and stopping correctly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from airflow_provider_tremendous.hooks import TremendousHook
from tests.support.http_stub import Recorded, Reply, StubServer


def _serve(key: str, total: int, item: Callable[[int], dict], *, cap: int | None = None, count: bool = True):
    def handler(request: Recorded) -> Reply:
        query = request.query_dict
        offset = int(query.get("offset", 0))
        limit = int(query.get("limit", 10))
        if cap is not None:
            limit = min(limit, cap)
        items = [item(i) for i in range(offset, min(total, offset + limit))]
        body: dict = {key: items}
        if count:
            body["total_count"] = total
        return Reply.json(body)

    return handler


def _order(i: int) -> dict:
    return {"id": f"ORD{i:05d}", "status": "EXECUTED", "created_at": "2026-11-01T00:00:00Z"}


@pytest.mark.parametrize(
    ("total", "expected_offsets"),
    [(0, [0]), (1, [0]), (500, [0]), (1050, [0, 500, 1000]), (1500, [0, 500, 1000])],
)
def test_orders_walk_500_at_a_time(stub_conn: StubServer, total: int, expected_offsets: list[int]) -> None:
    stub_conn.default = _serve("orders", total, _order)
    orders = list(TremendousHook().iter_orders(campaign_id="CMP1"))
    assert [o.id for o in orders] == [f"ORD{i:05d}" for i in range(total)]
    assert [int(r.query_dict["offset"]) for r in stub_conn.requests] == expected_offsets
    assert {r.query_dict["limit"] for r in stub_conn.requests} == {"500"}
    assert {r.query_dict["campaign_id"] for r in stub_conn.requests} == {"CMP1"}


def test_orders_window_is_pinned_so_new_orders_do_not_shift_pages(stub_conn: StubServer) -> None:
    stub_conn.default = _serve("orders", 1200, _order)
    start = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    list(TremendousHook().iter_orders(created_at_gte=start))
    queries = [r.query_dict for r in stub_conn.requests]
    assert {q["created_at[gte]"] for q in queries} == {"2026-11-01T00:00:00Z"}
    pinned = {q["created_at[lte]"] for q in queries}
    assert len(pinned) == 1, "every page uses the same upper bound"


def test_invoices_walk_10_at_a_time(stub_conn: StubServer) -> None:
    stub_conn.default = _serve("invoices", 25, lambda i: {"id": f"INV{i}", "status": "PAID"})
    invoices = list(TremendousHook().iter_invoices())
    assert len(invoices) == 25
    assert [r.query_dict["offset"] for r in stub_conn.requests] == ["0", "10", "20"]
    assert {r.query_dict["limit"] for r in stub_conn.requests} == {"10"}


def test_fraud_reviews_and_connected_orgs_walk_100_at_a_time(stub_conn: StubServer) -> None:
    stub_conn.default = _serve("fraud_reviews", 150, lambda i: {"status": "flagged", "device_id": str(i)})
    assert len(list(TremendousHook().list_fraud_reviews.iter_all(status="flagged"))) == 150
    assert [r.query_dict["limit"] for r in stub_conn.requests] == ["100", "100"]
    stub_conn.reset()
    stub_conn.default = _serve("connected_organizations", 100, lambda i: {"id": f"C{i}", "client_id": "x"})
    assert len(list(TremendousHook().list_connected_organizations.iter_all())) == 100
    assert len(stub_conn.requests) == 1, "total_count says there is nothing more"


def test_topups_take_no_limit_and_stop_at_total_count(stub_conn: StubServer) -> None:
    stub_conn.default = _serve("topups", 23, lambda i: {"id": f"T{i}"})
    assert len(list(TremendousHook().list_topups.iter_all())) == 23
    assert all("limit" not in r.query_dict for r in stub_conn.requests)
    assert [r.query_dict["offset"] for r in stub_conn.requests] == ["0", "10", "20"]


def test_balance_transactions_do_not_trust_short_pages(stub_conn: StubServer) -> None:
    # the endpoint's maximum page size is undocumented: a server cap below ours must not end the walk early
    stub_conn.default = _serve("transactions", 130, lambda i: {"amount": i}, cap=50, count=False)
    items = list(TremendousHook().iter_balance_transactions())
    assert len(items) == 130
    assert [r.query_dict["offset"] for r in stub_conn.requests] == ["0", "50", "100", "130"]


def test_a_smaller_requested_limit_is_respected(stub_conn: StubServer) -> None:
    stub_conn.default = _serve("rewards", 7, lambda i: {"id": f"R{i}"})
    assert len(list(TremendousHook().list_rewards.iter_all(limit=3))) == 7
    assert [r.query_dict["limit"] for r in stub_conn.requests] == ["3", "3", "3"]


def test_datetime_filters_are_sent_as_iso_utc(stub_conn: StubServer) -> None:
    stub_conn.add(Reply.json({"orders": [], "total_count": 0}))
    eastern = dt.timezone(dt.timedelta(hours=-5))
    TremendousHook().list_orders(
        created_at_gte=dt.datetime(2026, 11, 1, 19, 0, tzinfo=eastern), created_at_lte=dt.datetime(2026, 11, 3)
    )
    query = stub_conn.requests[0].query_dict
    assert query["created_at[gte]"] == "2026-11-02T00:00:00Z"
    assert query["created_at[lte]"] == "2026-11-03T00:00:00Z"


def test_iter_all_refuses_unpaginated_lists(stub_conn: StubServer) -> None:
    with pytest.raises(TypeError, match="not a paginated list"):
        list(TremendousHook().list_campaigns.iter_all())

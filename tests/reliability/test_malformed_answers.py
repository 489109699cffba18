"""Answers the API should never give: not JSON, cut off, unknown statuses. None crashes a run, none is taken for a
success it was not."""

from __future__ import annotations

from pathlib import Path

from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator, TremendousPayoutError
from airflow_provider_tremendous.sensors import TremendousOrderSensor
from tests.payouts.conftest import results
from tests.support.context import context
from tests.support.http_stub import Recorded, Reply, StubServer

REWARD = {"id": "RW1", "value": {"denomination": 5, "currency_code": "USD"}, "recipient": {"email": "a@example.com"}}
ORDER = {
    "id": "ORD1",
    "external_id": "m:r1",
    "status": "EXECUTED",
    "created_at": "2026-11-01T00:00:00Z",
    "rewards": [REWARD],
}


#: What a run reads before its first order: the organization's currency (from the balance), the campaign's products
#: and their ranges, the organization (the account the result file names), then the payout's orders.
BEFORE_SENDING = (
    Reply.json({"funding_source": {"id": "BALANCE", "method": "balance", "meta": {"currency_code": "USD"}}}),
    Reply.json({"campaign": {"id": "CAMPAIGN00001", "name": "c", "products": ["OKMHM2X2OHYV"]}}),
    Reply.json({"products": [{"id": "OKMHM2X2OHYV", "skus": [{"min": 1, "max": 2000, "currency_code": "USD"}]}]}),
    Reply.json({"organizations": [{"id": "ORG1", "name": "o", "website": "https://o.example"}]}),
    Reply.json({"orders": [], "total_count": 0}),
)


def _pay(tmp_path: Path, **kwargs: object) -> TremendousBulkPayoutOperator:
    return TremendousBulkPayoutOperator(
        task_id="pay",
        rows=[{"respondent_id": "r1", "amount": "5", "email": "a@example.com"}],
        payout_id="m",
        key_field="respondent_id",
        campaign_id="CAMPAIGN00001",
        result_path=str(tmp_path / "r.csv"),
        preflight_funding=False,
        **kwargs,
    )


def test_non_json_success_is_not_a_payment_until_found(stub_conn: StubServer, tmp_path: Path) -> None:
    stub_conn.add(
        *BEFORE_SENDING,
        Reply(200, b"<html>OK</html>", {"Content-Type": "text/html"}),
        Reply.json({"errors": {"message": "not found"}}, 404),
    )
    try:
        _pay(tmp_path).execute(context())
    except TremendousPayoutError as error:
        assert "1 of 1 rows were not paid" in str(error)
    (line,) = results(tmp_path / "r.csv")
    assert line["outcome"] == "failed" and "cannot pay twice" in line["error"]
    assert [r.method for r in stub_conn.requests][5:] == ["POST", "GET"], "looked the key up before giving up"


def test_truncated_json_is_resolved_by_looking_the_order_up(stub_conn: StubServer, tmp_path: Path) -> None:
    stub_conn.add(
        *BEFORE_SENDING,
        Reply(200, b'{"order": {"id": "ORD1", "sta', {"Content-Type": "application/json"}),
        Reply.json({"order": ORDER}),
    )
    summary = _pay(tmp_path).execute(context())
    assert summary["paid"] == 1
    (line,) = results(tmp_path / "r.csv")
    assert line["order_id"] == "ORD1"
    assert stub_conn.requests[6].path == "/api/v2/orders/m%3Ar1"


def test_unknown_status_is_recorded_and_waited_on_not_taken_for_success(stub_conn: StubServer, tmp_path: Path) -> None:
    odd = {**ORDER, "status": "AWAITING COSMIC ALIGNMENT"}
    stub_conn.add(*BEFORE_SENDING, Reply.json({"order": odd}))
    _pay(tmp_path).execute(context())
    (line,) = results(tmp_path / "r.csv")
    assert line["status"] == "AWAITING COSMIC ALIGNMENT"

    def answer(request: Recorded) -> Reply:
        return Reply.json({"order": odd})

    stub_conn.default = answer
    assert TremendousOrderSensor(task_id="wait", order_id="ORD1").poke(context()) is False

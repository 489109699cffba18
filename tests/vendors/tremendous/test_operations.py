"""Every one of the 66 operations, called through the real hook against a loopback server.

For each operation in ``tests/data/tremendous-endpoints.json`` (the API's operation list) this checks the method,
path, query parameter wire names and body as sent, the Bearer header, and that the documented response wrapper
is read into the declared type.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.vendors.tremendous.api import all_operations
from airflow_provider_tremendous.vendors.tremendous.models import Page, TremendousModel
from tests.conftest import TEST_KEY
from tests.support.http_stub import Reply, StubServer

SPEC = json.loads((Path(__file__).parents[2] / "data" / "tremendous-endpoints.json").read_text())["operations"]
SPEC_BY_NAME = {op["sdk_method"]: op for op in SPEC}

SAMPLE_OBJECTS: dict[str, dict[str, Any]] = {
    "Order": {"id": "ORD1", "status": "EXECUTED", "created_at": "2026-11-01T00:00:00Z", "rewards": []},
    "Reward": {"id": "RWD1", "order_id": "ORD1", "delivery": {"method": "EMAIL", "status": "SUCCEEDED"}},
    "RewardLink": {"id": "RWD1", "link": "https://testflight.tremendous.com/rewards/payout/x"},
    "FundingSource": {"id": "BALANCE", "method": "balance", "meta": {"available_amount": 100.0}},
    "Invoice": {"id": "INV1", "status": "OPEN", "amount": 10, "created_at": "2026-11-01T00:00:00Z"},
    "Topup": {"id": "TOP1", "amount": 50, "status": "created"},
    "BalanceTransaction": {"amount": -5, "balance": None, "action": "order", "description": "x"},
    "Product": {"id": "OKMHM2X2OHYV", "name": "Amazon.com"},
    "Campaign": {"id": "CMP1", "name": "Survey", "products": ["OKMHM2X2OHYV"]},
    "Field": {"id": "FLD1", "label": "respondent_id", "data_type": "Text"},
    "Report": {"id": "REP1", "status": "CREATED"},
    "Webhook": {"id": "WH1", "url": "https://example.com/hook", "private_key": "whsec-private"},
    "Organization": {"id": "ORG1", "name": "Acme Research", "website": "https://acme.example"},
    "Member": {"id": "MEM1", "email": "ops@acme.example", "status": "REGISTERED"},
    "Role": {"id": "ROL1", "title": "Admin", "description": "All"},
    "FraudReview": {"status": "flagged", "reasons": ["VPN detected"]},
    "FraudRule": {"rule_type": "review_ip", "config": {}},
    "ConnectedOrganization": {"id": "CO1", "client_id": "client", "created_at": "2026-11-01T00:00:00Z"},
    "ConnectedOrganizationMember": {"id": "COM1", "connected_organization_id": "CO1"},
    "ConnectedOrganizationMemberSession": {"connected_organization_member_id": "COM1", "url": "https://x"},
}


def _python_name(wire: str) -> str:
    return wire.replace("[", "_").replace("]", "")


def _sample_reply(name: str) -> Reply:
    operation = all_operations()[name]
    rtype = operation.return_type
    if rtype is type(None):
        return Reply(204)
    if rtype is bytes:
        return Reply(200, b"%PDF-1.4 sample", {"Content-Type": "application/pdf"})
    if rtype is str and operation.key is None:
        return Reply(200, b"id,amount\nINV1,10\n", {"Content-Type": "text/csv; charset=utf-8"})
    if operation.pagination is not None:
        item = typing.get_args(rtype.model_fields["items"].annotation)[0]
        return Reply.json({operation.key: [SAMPLE_OBJECTS[item.__name__]], "total_count": 1})
    origin = typing.get_origin(rtype)
    if origin is list:
        (item,) = typing.get_args(rtype)
        value: Any = ["ORDERS.CREATED"] if item is str else [SAMPLE_OBJECTS[item.__name__]]
    elif origin is dict:
        value = {"EUR": 0.92} if operation.key else {"ok": True}
    elif rtype is str:
        value = "done"
    else:
        value = SAMPLE_OBJECTS[rtype.__name__]
    return Reply.json({operation.key: value} if operation.key else value)


def _call_arguments(name: str) -> tuple[list[Any], dict[str, Any], dict[str, str]]:
    """Positional path values, keyword query/body values, and the expected path substitutions."""
    spec = SPEC_BY_NAME[name]
    operation = all_operations()[name]
    args = [f"id-{index}/x y" for index, _ in enumerate(operation.path_params)]
    kwargs: dict[str, Any] = {}
    for param in spec["query_params"]:
        wire = param["name"]
        kwargs[_python_name(wire)] = 7 if wire in ("offset", "limit") else f"v-{wire}"
    if "body" in operation.signature.parameters:
        kwargs["body"] = {"probe": name, "amount": 12.5}
    return args, kwargs, dict(zip(operation.path_params, args, strict=True))


def test_all_sixty_six_operations_are_declared_with_the_sdk_names() -> None:
    declared = all_operations()
    assert len(SPEC) == 66
    assert set(declared) == set(SPEC_BY_NAME)
    for name in declared:
        assert callable(getattr(TremendousHook(), name)), name


@pytest.mark.parametrize("name", sorted(SPEC_BY_NAME))
def test_declaration_matches_the_api(name: str) -> None:
    spec = SPEC_BY_NAME[name]
    operation = all_operations()[name]
    assert operation.method == spec["method"]
    normalized = operation.path
    for param in operation.path_params:
        normalized = normalized.replace("{" + param + "}", "{}")
    expected = spec["path"]
    for param in spec["path_params"]:
        expected = expected.replace("{" + param + "}", "{}")
    assert normalized == expected
    assert len(operation.path_params) == len(spec["path_params"])
    declared_query = {
        p for p in operation.signature.parameters if p not in ("self", "body", "custom_fields", *operation.path_params)
    }
    assert declared_query == {_python_name(q["name"]) for q in spec["query_params"]}
    assert ("body" in operation.signature.parameters) == (spec["request_body_schema"] is not None)
    assert operation.__doc__, "every operation is documented"


@pytest.mark.parametrize("name", sorted(SPEC_BY_NAME))
def test_operation_wire_format(name: str, stub_conn: StubServer) -> None:
    spec = SPEC_BY_NAME[name]
    stub_conn.add(_sample_reply(name))
    args, kwargs, substitutions = _call_arguments(name)

    result = getattr(TremendousHook(), name)(*args, **kwargs)

    (sent,) = stub_conn.requests
    assert sent.method == spec["method"]
    expected_path = spec["path"]
    for wire_param, value in zip(spec["path_params"], substitutions.values(), strict=True):
        expected_path = expected_path.replace("{" + wire_param + "}", quote(value, safe=""))
    assert sent.path == "/api/v2" + expected_path  # ids are escaped: "/" cannot change the path
    assert sorted(k for k, _ in sent.query) == sorted(q["name"] for q in spec["query_params"])
    assert sent.headers["authorization"] == f"Bearer {TEST_KEY}"
    if "body" in kwargs:
        assert sent.json == kwargs["body"]
    else:
        assert sent.body in (b"", b"null")
    rtype = all_operations()[name].return_type
    if isinstance(rtype, type) and issubclass(rtype, (TremendousModel, Page)):
        assert isinstance(result, rtype)
    elif rtype is type(None):
        assert result is None
    else:
        assert isinstance(result, typing.get_origin(rtype) or rtype)

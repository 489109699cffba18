"""The Tango Card emulator answers an error with the same request id in the body (``requestId``) and the
``X-REQUEST-ID`` header, as Tango's docs say, and the hook's error carries it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from airflow_provider_tremendous.vendors.tangocard import errors as te


def test_an_error_of_the_api_has_the_same_request_id_in_body_and_header(tremendous_sandbox: Any) -> None:
    answer = httpx.get(f"{tremendous_sandbox.tangocard_base_url}/orders/RA-none", auth=("p", "k"))
    assert answer.status_code == 404
    assert answer.json()["requestId"] and answer.headers["x-request-id"] == answer.json()["requestId"]


def test_an_error_of_the_gateway_has_it_too(tremendous_sandbox: Any) -> None:
    answer = httpx.get(f"{tremendous_sandbox.tangocard_base_url}/accounts")  # no credentials: the gateway's 401
    assert answer.status_code == 401
    assert answer.headers["x-request-id"] == answer.json()["requestId"]


def test_the_hooks_error_carries_the_request_id_of_the_answer(tremendous_sandbox: Any) -> None:
    with pytest.raises(te.TangoCardNotFoundError) as caught:
        TangoCardHook().get_order("RA-none")
    body = json.loads(caught.value.body)
    assert caught.value.request_id and caught.value.request_id == body["requestId"]
    assert str(caught.value).endswith(f" | requestId {body['requestId']}")


def test_tremendous_errors_of_the_sandbox_send_no_request_id_header(tremendous_sandbox: Any) -> None:
    answer = httpx.get(f"{tremendous_sandbox.base_url}/orders/NOPE")  # no key: the gateway's 401
    assert answer.status_code == 401 and "x-request-id" not in answer.headers

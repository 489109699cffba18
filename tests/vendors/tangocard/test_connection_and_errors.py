"""The tangocard connection (sandbox by default, production only when explicit), Tango's error body, and the
retry rules for 409.002 — no network."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousConfigurationError
from airflow_provider_tremendous.core.transport.request import ApiRequest
from airflow_provider_tremendous.core.transport.retry import RetryPolicy, is_retryable
from airflow_provider_tremendous.vendors.tangocard import errors as te
from airflow_provider_tremendous.vendors.tangocard.connection import (
    PRODUCTION_BASE_URL,
    SANDBOX_BASE_URL,
    tangocard_settings_from_connection,
)
from airflow_provider_tremendous.vendors.tangocard.naming import tango_name


def conn(host: str | None = None, login: str = "platform", password: str = "key", **extra: Any) -> Any:
    return SimpleNamespace(conn_id="tc", host=host, port=None, login=login, password=password, extra_dejson=extra)


def test_defaults_are_the_sandbox_one_request_per_second_and_five_tries() -> None:
    settings = tangocard_settings_from_connection(conn())
    assert settings.base_url == SANDBOX_BASE_URL
    assert settings.environment == "sandbox" and not settings.is_production
    assert settings.rate_limit_per_second == 1.0
    assert settings.max_retries == 4  # Tango: 5xx retries "capped at 5 requests"
    assert "key" not in repr(settings)


def test_production_only_when_explicit() -> None:
    assert tangocard_settings_from_connection(conn(environment="production")).base_url == PRODUCTION_BASE_URL
    with pytest.raises(TremendousConfigurationError, match="does not set"):
        tangocard_settings_from_connection(conn(host="https://api.tangocard.com/raas/v2"))
    explicit = tangocard_settings_from_connection(conn(host="api.tangocard.com", environment="production"))
    assert explicit.base_url == PRODUCTION_BASE_URL


def test_host_is_a_full_base_url_and_credentials_are_required() -> None:
    assert tangocard_settings_from_connection(conn(host="http://127.0.0.1:9/raas/v2/")).base_url == (
        "http://127.0.0.1:9/raas/v2"
    )
    with pytest.raises(TremendousConfigurationError, match="platform name as login"):
        tangocard_settings_from_connection(conn(login=""))
    oauth = tangocard_settings_from_connection(
        conn(login="", password="", oauth_client_id="id", oauth_client_secret="s")
    )
    assert oauth.oauth is not None and oauth.oauth.token_url.startswith("https://sandbox-auth.tangocard.com")


def test_wire_names() -> None:
    assert tango_name("reference_order_id") == "referenceOrderID"
    assert tango_name("external_ref_id") == "externalRefID"
    assert tango_name("elements_per_block") == "elementsPerBlock"
    assert tango_name("utid") == "utid"


def error(status: int, i18n_key: str, **body: Any) -> te.TangoCardAPIError:
    content = json.dumps({"httpCode": status, "i18nKey": i18n_key, "message": "m", "requestId": "rq-1", **body})
    return te.build_tangocard_error(status=status, content=content.encode(), method="POST", path="/orders")


def test_error_body_is_read_into_typed_errors() -> None:
    failed = error(422, "422.025", errors=[{"path": "amount", "message": "out of range", "invalidValue": 5000}])
    assert isinstance(failed, te.TangoCardUnprocessableError)
    assert failed.i18n_key == "422.025" and failed.request_id == "rq-1"
    assert "amount: out of range (got 5000)" in str(failed) and "[422.025]" in str(failed)
    assert isinstance(error(402, "402.001"), te.TangoCardPaymentRequiredError)
    assert isinstance(error(503, "503.501"), te.TangoCardServerError)
    garbage = te.build_tangocard_error(status=502, content=b"<html>bad gateway", method="GET", path="/orders")
    assert isinstance(garbage, te.TangoCardServerError) and "bad gateway" in garbage.message


def test_409_002_is_retried_only_with_the_same_external_ref_after_two_seconds() -> None:
    in_process = error(409, "409.002")
    assert isinstance(in_process, te.TangoCardOrderInProcessError) and in_process.in_progress
    with_key = ApiRequest("POST", "/orders", json_body={"externalRefID": "k"}, retry_safe=True)
    without_key = ApiRequest("POST", "/orders", json_body={}, retry_safe=False)
    assert is_retryable(in_process, with_key)
    assert not is_retryable(in_process, without_key)
    assert all(RetryPolicy().wait_seconds(in_process, attempt) >= 2.0 for attempt in (1, 2, 3))
    assert not is_retryable(error(409, "409.024"), with_key), "a plain conflict is not retried"


def test_create_order_is_retry_safe_only_with_external_ref_id() -> None:
    from airflow_provider_tremendous.vendors.tangocard.api import TangoCardOperations

    assert TangoCardOperations.create_order.build_request(({"externalRefID": "a"},), {}).retry_safe
    assert not TangoCardOperations.create_order.build_request(({},), {}).retry_safe
    assert not TangoCardOperations.resend_order.build_request(("RA1",), {}).retry_safe
    listed = TangoCardOperations.list_orders.build_request((), {"external_ref_id": "x", "elements_per_block": 5})
    assert listed.params == (("externalRefID", "x"), ("elementsPerBlock", "5"))

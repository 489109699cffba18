"""Reading connections: sandbox by default, production only when explicit, unsafe combinations refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousConfigurationError
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.vendors.tremendous.connection import (
    PRODUCTION_BASE_URL,
    SANDBOX_BASE_URL,
    settings_from_connection,
)
from tests.support.http_stub import StubServer


@dataclass
class FakeConn:
    password: str | None = "TEST_abc"
    host: str | None = None
    port: int | None = None
    conn_id: str | None = "tremendous_default"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def extra_dejson(self) -> dict[str, Any]:
        return self.extra


def test_defaults_to_sandbox() -> None:
    settings = settings_from_connection(FakeConn())
    assert settings.base_url == SANDBOX_BASE_URL
    assert settings.environment == "sandbox"
    assert not settings.is_production
    assert settings.rate_limit_per_second == 10
    assert settings.timeout == 30
    assert settings.max_retries == 5


def test_production_when_explicit() -> None:
    settings = settings_from_connection(FakeConn(password="PROD_abc", extra={"environment": "production"}))
    assert settings.base_url == PRODUCTION_BASE_URL
    assert settings.is_production


def test_host_is_a_full_base_url_used_as_is() -> None:
    settings = settings_from_connection(FakeConn(host="http://127.0.0.1:8787/api/v2/"))
    assert settings.base_url == "http://127.0.0.1:8787/api/v2"


def test_host_without_scheme_gets_https_and_api_path() -> None:
    production = FakeConn(password="PROD_abc", host="proxy.internal", port=8443, extra={"environment": "production"})
    assert settings_from_connection(production).base_url == "https://proxy.internal:8443/api/v2"
    with pytest.raises(TremendousConfigurationError, match="does not set"):  # a proxy is not the sandbox
        settings_from_connection(FakeConn(host="proxy.internal", port=8443))


def test_extras_are_read() -> None:
    settings = settings_from_connection(
        FakeConn(extra={"timeout": "12", "max_retries": 2, "rate_limit_per_second": 4.5})
    )
    assert (settings.timeout, settings.max_retries, settings.rate_limit_per_second) == (12, 2, 4.5)


def test_zero_rate_limit_disables_limiting() -> None:
    assert settings_from_connection(FakeConn(extra={"rate_limit_per_second": 0})).rate_limit_per_second is None


def test_hook_arguments_override_extras() -> None:
    settings = settings_from_connection(FakeConn(extra={"timeout": 12}), timeout=3, max_retries=0)
    assert (settings.timeout, settings.max_retries) == (3, 0)


@pytest.mark.parametrize(
    ("conn", "message"),
    [
        (FakeConn(password="TEST_abc", extra={"environment": "production"}), "sandbox key"),
        (FakeConn(password="PROD_abc"), "production key .* sandbox \\(the default\\)"),
        (FakeConn(password="PROD_abc", extra={"environment": "sandbox"}), "production key"),
        (FakeConn(password="PROD_abc", host="https://api.tremendous.com/api/v2"), "production key"),
        (FakeConn(password="oauth-token", host="https://api.tremendous.com/api/v2"), "points at production"),
        (FakeConn(password="oauth-token", host="https://www.tremendous.com/api/v2"), "points at production"),
        (FakeConn(extra={"environment": "prod"}), "must be 'sandbox' or 'production'"),
        (FakeConn(password=""), "has no API key"),
        (FakeConn(password=None), "has no API key"),
        (FakeConn(extra={"timeout": "fast"}), "'timeout' must be a number"),
        (FakeConn(extra={"oauth_client_id": "cid"}), "OAuth needs oauth_client_secret, oauth_refresh_token"),
    ],
)
def test_unsafe_or_incomplete_connections_are_refused(conn: FakeConn, message: str) -> None:
    with pytest.raises(TremendousConfigurationError, match=message):
        settings_from_connection(conn)


def test_refusal_happens_before_any_request(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import conn_json

    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(stub.base_url, password="PROD_live_key"))
    with pytest.raises(TremendousConfigurationError):
        TremendousHook().get_order("ORD1")
    assert stub.requests == []


def test_oauth_settings_default_token_url() -> None:
    settings = settings_from_connection(
        FakeConn(
            password="",
            host="http://127.0.0.1:9/api/v2",
            extra={"oauth_client_id": "cid", "oauth_client_secret": "sec", "oauth_refresh_token": "rt"},
        )
    )
    assert settings.oauth is not None
    assert settings.oauth.token_url == "http://127.0.0.1:9/oauth/token"


def test_constructing_a_hook_reads_nothing() -> None:
    hook = TremendousHook("does_not_exist")  # DAG parsing must not need the connection
    assert hook.tremendous_conn_id == "does_not_exist"


def test_test_connection_makes_one_authenticated_call(stub_conn: StubServer) -> None:
    from tests.conftest import TEST_KEY
    from tests.support.http_stub import Reply

    stub_conn.add(Reply.json({"organizations": [{"id": "ORG1", "name": "Acme Research", "website": "https://a"}]}))
    ok, message = TremendousHook().test_connection()
    assert ok
    assert "Acme Research" in message and "sandbox" in message
    assert TEST_KEY not in message
    assert [r.path for r in stub_conn.requests] == ["/api/v2/organizations"]


def test_test_connection_reports_a_bad_key(stub_conn: StubServer) -> None:
    from tests.support.http_stub import Reply

    stub_conn.add(Reply.json({"errors": {"message": "Invalid API key"}}, 401))
    ok, message = TremendousHook().test_connection()
    assert not ok
    assert "401" in message and "Invalid API key" in message

"""Reading a connection refuses what would leak a secret or pass production for the sandbox (issue item 3):
credentials with control, whitespace or non-ASCII characters are refused naming the field, never the value; hosts
are normalised (case, one trailing dot, IDNA) before the sandbox/production decision, and only the known sandbox
hosts and loopback count as the sandbox."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousConfigurationError
from airflow_provider_tremendous.vendors.tangocard.connection import tangocard_settings_from_connection
from airflow_provider_tremendous.vendors.tremendous.connection import settings_from_connection
from tests.support.http_stub import StubServer

KEY = "TEST_abc\x01def-5e3cr3t"
FULLWIDTH_TESTFLIGHT = "".join(chr(ord(c) + 0xFEE0) for c in "testflight") + ".tremendous.com"
FULLWIDTH_API = "".join(chr(ord(c) + 0xFEE0) for c in "api")
BAD_VALUES = ["TEST_ab\x01cd", "TEST_ab\ncd", "TEST_ab cd", "TEST_ab\u200bcd", "TEST_ab\x7fcd", "TEST_abécd"]


def tremendous(password: str = "TEST_abc", host: str | None = None, **extra: Any) -> Any:
    return SimpleNamespace(conn_id="trem_x", host=host, port=None, password=password, extra_dejson=extra)


def tango(host: str | None = None, login: str = "platform", password: str = "key", **extra: Any) -> Any:
    return SimpleNamespace(conn_id="tango_x", host=host, port=None, login=login, password=password, extra_dejson=extra)


@pytest.mark.parametrize("value", BAD_VALUES)
def test_tremendous_api_key_with_a_control_character_is_refused_without_echo(value: str) -> None:
    with pytest.raises(TremendousConfigurationError) as caught:
        settings_from_connection(tremendous(password=value))
    text = str(caught.value)
    assert "trem_x" in text and "password" in text
    assert value not in text and value[5:] not in text and "cd" not in text.split("field")[0]


@pytest.mark.parametrize("name", ["oauth_client_id", "oauth_client_secret", "oauth_refresh_token"])
def test_tremendous_oauth_fields_are_checked(name: str) -> None:
    extra = {"oauth_client_id": "cid", "oauth_client_secret": "sec", "oauth_refresh_token": "rt"}
    extra[name] = "bad\x00value-77"
    with pytest.raises(TremendousConfigurationError, match=f"extra.{name}") as caught:
        settings_from_connection(tremendous(password="", **extra))
    assert "value-77" not in str(caught.value)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("login", {"login": "plat\tform"}),
        ("password", {"password": "k\x1bey-zz9"}),
        ("extra.oauth_client_secret", {"oauth_client_id": "id", "oauth_client_secret": "s\r\nx"}),
        ("extra.oauth_password", {"oauth_client_id": "id", "oauth_client_secret": "s", "oauth_password": "p\x00"}),
    ],
)
def test_tango_credentials_with_control_characters_are_refused(field: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(TremendousConfigurationError, match=field) as caught:
        tangocard_settings_from_connection(tango(**kwargs))
    assert "tango_x" in str(caught.value)
    for value in kwargs.values():
        if any(not c.isprintable() for c in value):
            assert value not in str(caught.value)


def test_a_trailing_newline_is_still_stripped_from_the_key() -> None:
    assert settings_from_connection(tremendous(password="TEST_abc\n")).api_key.get_secret_value() == "TEST_abc"


def test_a_control_character_key_never_reaches_the_wire_or_the_log(
    stub: StubServer, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    from airflow_provider_tremendous.hooks import TremendousHook
    from tests.conftest import conn_json

    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(stub.base_url, password=KEY, max_retries=2))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TremendousConfigurationError) as caught:
        TremendousHook().get_order("ORD1")
    assert stub.requests == []
    assert "5e3cr3t" not in str(caught.value) and "5e3cr3t" not in caplog.text


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("API.Tremendous.COM", "api.tremendous.com"),
        ("api.tremendous.com.", "api.tremendous.com"),
        (FULLWIDTH_TESTFLIGHT, "testflight.tremendous.com"),
        ("api.tremendous.com\u3002", "api.tremendous.com"),
        ("testfl\u0456ght.tremendous.com", "xn--testflght-09h.tremendous.com"),
    ],
)
def test_hosts_are_normalised(raw: str, normal: str) -> None:
    from airflow_provider_tremendous.vendors.tremendous.connection import normalise_host

    assert normalise_host(raw) == normal


@pytest.mark.parametrize(
    "host",
    [
        "https://api.tremendous.com./api/v2",
        "https://API.TREMENDOUS.COM/api/v2",
        f"https://{FULLWIDTH_API}.tremendous.com/api/v2",
        "https://testfl\u0456ght.tremendous.com/api/v2",  # a Cyrillic look-alike is somebody else's host
        "https://proxy.internal/api/v2",
        "https://testflight.tremendous.com.evil.example/api/v2",
    ],
)
def test_tremendous_host_that_is_not_the_sandbox_needs_explicit_production(host: str) -> None:
    with pytest.raises(TremendousConfigurationError, match="does not set"):
        settings_from_connection(tremendous(password="oauth-token", host=host))


@pytest.mark.parametrize(
    "host",
    [
        "https://TestFlight.tremendous.com./api/v2",
        "http://127.0.0.1:9/api/v2",
        "http://127.8.9.10:9/api/v2",
        "http://localhost:9/api/v2",
        "http://[::1]:9/api/v2",
    ],
)
def test_known_sandbox_hosts_and_loopback_are_the_sandbox(host: str) -> None:
    assert not settings_from_connection(tremendous(host=host)).is_production


def test_tremendous_oauth_token_url_host_counts_too() -> None:
    extra = {
        "oauth_client_id": "cid",
        "oauth_client_secret": "sec",
        "oauth_refresh_token": "rt",
        "oauth_token_url": "https://api.tremendous.com./oauth/token",
    }
    with pytest.raises(TremendousConfigurationError, match=r"api\.tremendous\.com"):
        settings_from_connection(tremendous(password="", host="http://127.0.0.1:9/api/v2", **extra))


@pytest.mark.parametrize(
    "host",
    [
        "https://api.tangocard.com./raas/v2",
        "https://API.TangoCard.com/raas/v2",
        "https://integration-api.tangocard.com.evil.example/raas/v2",
        "https://proxy.internal/raas/v2",
    ],
)
def test_tango_host_that_is_not_the_sandbox_needs_explicit_production(host: str) -> None:
    with pytest.raises(TremendousConfigurationError, match="does not set"):
        tangocard_settings_from_connection(tango(host=host))
    assert tangocard_settings_from_connection(tango(host=host, environment="production")).is_production


def test_tango_sandbox_hosts() -> None:
    for host in ("https://Integration-API.tangocard.com./raas/v2", "http://127.0.0.1:9/raas/v2"):
        assert not tangocard_settings_from_connection(tango(host=host)).is_production
    with pytest.raises(TremendousConfigurationError, match=r"auth\.tangocard\.com"):
        tangocard_settings_from_connection(
            tango(oauth_client_id="id", oauth_client_secret="s", oauth_token_url="https://auth.tangocard.com/t")
        )

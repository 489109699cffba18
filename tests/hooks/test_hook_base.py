"""The shared hook base and the vendor-neutral transport pieces (issue 14): every hook answers one ``conn_id``, a
client is built only with a vendor's parts, and both vendors' token requests come from one builder."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from airflow_provider_tremendous.core.transport import SyncApiClient
from airflow_provider_tremendous.core.transport.tokens import token_request
from airflow_provider_tremendous.hooks.tangocard import TangoCardAsyncHook, TangoCardHook
from airflow_provider_tremendous.hooks.tremendous import TremendousAsyncHook, TremendousHook
from airflow_provider_tremendous.vendors.tangocard.auth import TangoCardCredentials
from airflow_provider_tremendous.vendors.tangocard.connection import tangocard_settings_from_connection
from airflow_provider_tremendous.vendors.tangocard.errors import build_tangocard_error
from airflow_provider_tremendous.vendors.tremendous.auth import Credentials
from airflow_provider_tremendous.vendors.tremendous.connection import settings_from_connection
from airflow_provider_tremendous.vendors.tremendous.errors import build_api_error


def test_every_hook_answers_the_neutral_conn_id_and_keeps_its_own_name() -> None:
    assert TremendousHook("t1").tremendous_conn_id == TremendousHook("t1").conn_id == "t1"
    assert TremendousAsyncHook(tremendous_conn_id="t2").conn_id == "t2"
    assert TangoCardHook(tangocard_conn_id="g1").tangocard_conn_id == TangoCardHook("g1").conn_id == "g1"
    assert TangoCardAsyncHook().conn_id == "tangocard_default" == TangoCardAsyncHook().hook_conn_id


def test_a_client_takes_its_vendor_parts_from_its_settings_never_from_a_default_vendor() -> None:
    conn = SimpleNamespace(conn_id="t", host=None, port=None, password="TEST_k", extra_dejson={})
    settings = settings_from_connection(conn)
    anonymous = SimpleNamespace(**{name: getattr(settings, name) for name in ("base_url", "environment", "timeout")})
    with pytest.raises(TypeError, match="client_parts"):
        SyncApiClient(anonymous)  # type: ignore[arg-type]  # settings of no vendor: no fallback to any vendor
    client = TremendousHook.sync_client_for(settings)
    assert isinstance(client.credentials, Credentials) and client.errors is build_api_error


def test_the_tango_hook_gives_its_clients_tango_parts() -> None:
    conn = SimpleNamespace(conn_id="g", host=None, port=None, login="p", password="k", extra_dejson={})
    client = TangoCardHook.sync_client_for(tangocard_settings_from_connection(conn))
    assert isinstance(client.credentials, TangoCardCredentials) and client.errors is build_tangocard_error


def test_both_vendors_token_requests_come_from_one_builder() -> None:
    request = token_request("https://auth.example/oauth/token", {"grant_type": "client_credentials"})
    assert (request.method, request.path, request.absolute, request.authenticated) == (
        "POST",
        "https://auth.example/oauth/token",
        True,
        False,
    )
    assert (request.retry_safe, request.name, dict(request.form_body or {})) == (
        False,
        "oauth_token",
        {"grant_type": "client_credentials"},
    )

"""Rule 3 (no OAuth token in exceptions/logs): the connection's credentials are now refused when they hold a control
character, but an *access token* received from the token endpoint is put in the ``Authorization`` header unchecked.
requests then raises InvalidHeader with the header value (``'Bearer <token>'``, repr-escaped, so Airflow's
secrets masker, which registered the raw token, does not match it); the transport error keeps that text."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.conftest import conn_json
from tests.support.http_stub import Reply, StubServer

TOKEN = "at-live-SECRETPART-0042\n"  # a token endpoint (or a proxy) answering with a trailing newline


def test_access_token_with_a_newline_is_not_echoed(
    stub: StubServer, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    from airflow_provider_tremendous.hooks import TremendousHook

    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT",
        conn_json(
            stub.base_url,
            password="",
            oauth_client_id="cid",
            oauth_client_secret="csecret",
            oauth_refresh_token="rtoken",
            max_retries=1,
        ),
    )
    stub.add(Reply.json({"access_token": TOKEN, "token_type": "bearer", "expires_in": 7200}))
    stub.add(Reply.json({"access_token": TOKEN, "token_type": "bearer", "expires_in": 7200}))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Exception) as caught:
        TremendousHook().get_order("ORD1")
    shown = f"{caught.value} {caught.value!r} {caplog.text}"
    assert "SECRETPART" not in shown, shown[:600]

"""Rule 3 (sandbox by default): the sandbox/production decision reads the host with urllib.parse.urlsplit, but the
sync transport (requests -> urllib3.parse_url) reads a backslash as the end of the authority. A host written
``https://<production>\\@<sandbox>/...`` is judged "sandbox" and the request (with the real credentials) goes to
production, without ``environment=production``."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

PROD_BEHIND_TANGO_SANDBOX = "https://api.tangocard.com\\@integration-api.tangocard.com/raas/v2"
PROD_BEHIND_TREMENDOUS_SANDBOX = "https://api.tremendous.com\\@testflight.tremendous.com/api/v2"


class _Reached(Exception):
    pass


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[requests.PreparedRequest]:
    """Capture what requests would put on the wire (no network), then fail the send."""
    seen: list[requests.PreparedRequest] = []

    def send(self: Any, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        seen.append(request)
        raise requests.exceptions.ConnectionError("captured, not sent")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return seen


def _sent_to(captured: list[requests.PreparedRequest]) -> list[str]:
    from urllib3.util import parse_url

    return [str(parse_url(request.url).host) for request in captured]


@pytest.mark.parametrize(
    "host",
    [
        PROD_BEHIND_TANGO_SANDBOX,
        "https://integration-api.tangocard.com\\/raas/v2",
        "https://user:pw@integration-api.tangocard.com/raas/v2",
        "https://api.tangocard.com\t@integration-api.tangocard.com/raas/v2",
    ],
)
def test_tango_connection_judged_sandbox_sends_to_production(
    host: str, monkeypatch: pytest.MonkeyPatch, captured: list[requests.PreparedRequest]
) -> None:
    """Before: the guard approved the sandbox and requests sent the Basic credentials to api.tangocard.com. Now
    the URL is refused before anything is sent, without echoing it."""
    from airflow_provider_tremendous.core.errors import TremendousConfigurationError
    from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

    conn = {"conn_type": "tangocard", "host": host, "login": "RealPlatform", "password": "real-platform-key"}
    monkeypatch.setenv("AIRFLOW_CONN_TANGOCARD_DEFAULT", json.dumps(conn))
    with pytest.raises(TremendousConfigurationError, match="the URL is not shown") as refused:
        TangoCardHook().list_customers()
    assert _sent_to(captured) == [] and "api.tangocard.com" not in str(refused.value)


def test_tremendous_connection_judged_sandbox_sends_to_production(
    monkeypatch: pytest.MonkeyPatch, captured: list[requests.PreparedRequest]
) -> None:
    from airflow_provider_tremendous.core.errors import TremendousConfigurationError
    from airflow_provider_tremendous.hooks import TremendousHook

    conn = {"conn_type": "tremendous", "host": PROD_BEHIND_TREMENDOUS_SANDBOX, "password": "TEST_some-key"}
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", json.dumps(conn))
    with pytest.raises(TremendousConfigurationError, match="the URL is not shown"):
        TremendousHook().get_order("ORD1")
    assert _sent_to(captured) == []

"""Rule 3 (no secret in exceptions): a host URL that carries credentials in its userinfo (a proxy/gateway URL such as
``https://user:pass@gw/...``) and has an invalid host name is echoed whole (``{url!r}``) by the connection error."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from airflow_provider_tremendous.core.errors import TremendousConfigurationError
from airflow_provider_tremendous.vendors.tangocard.connection import tangocard_settings_from_connection
from airflow_provider_tremendous.vendors.tremendous.connection import settings_from_connection

HOST = "https://gwuser:hunter2-SECRETPASS@testflight..tremendous.com/api/v2"


def test_tremendous_invalid_host_error_does_not_echo_userinfo_password() -> None:
    conn = SimpleNamespace(conn_id="t", host=HOST, port=None, password="TEST_abc", extra_dejson={})
    with pytest.raises(TremendousConfigurationError) as caught:
        settings_from_connection(conn)
    assert "SECRETPASS" not in str(caught.value), str(caught.value)


def test_tango_invalid_host_error_does_not_echo_userinfo_password() -> None:
    conn = SimpleNamespace(
        conn_id="g",
        host=HOST.replace("testflight..tremendous.com/api/v2", "integration-api..tangocard.com/raas/v2"),
        port=None,
        login="p",
        password="k",
        extra_dejson={},
    )
    with pytest.raises(TremendousConfigurationError) as caught:
        tangocard_settings_from_connection(conn)
    assert "SECRETPASS" not in str(caught.value), str(caught.value)

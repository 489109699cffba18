"""Issue 14 review, round 1: what the money-path comparison of 0.1 (58ab39a) and the floor plan found. Each test
failed before its fix."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

from airflow_provider_tremendous.core.transport.attempt import Send
from airflow_provider_tremendous.core.transport.client import SyncApiClient
from airflow_provider_tremendous.core.transport.request import ApiRequest
from airflow_provider_tremendous.vendors.tangocard.connection import tangocard_settings_from_connection
from airflow_provider_tremendous.vendors.tremendous.connection import settings_from_connection

KEY = "TEST_super-secret-api-key-123"


def _tremendous() -> SimpleNamespace:
    return SimpleNamespace(conn_id="t", host="", port=None, login="", password=KEY, extra_dejson={})


def test_a_send_step_never_shows_the_credential() -> None:
    """F3: every frame that sends holds a ``Send`` step; its repr must not carry the Authorization header."""
    step = Send(ApiRequest(method="GET", path="/orders"), {"Authorization": f"Bearer {KEY}"})
    assert KEY not in repr(step) and "Authorization" not in repr(step)


def test_an_api_error_built_by_hand_reads_as_in_0_1() -> None:
    """F1: ``TremendousNotFoundError(...)`` built without a vendor (mocks, users' tests, alert matchers) keeps
    0.1's message."""
    from airflow_provider_tremendous.errors import TremendousNotFoundError

    error = TremendousNotFoundError(status=404, message="no order", method="GET", path="/orders/X")
    assert str(error) == "Tremendous API 404 Not Found on GET /orders/X: no order"


def test_a_client_built_from_settings_alone_works_as_in_0_1() -> None:
    """F4: ``SyncApiClient(settings)`` (public in 0.1's ``transport``) gets the vendor's credentials and error
    reader from its settings, for either vendor."""
    tremendous = SyncApiClient(settings_from_connection(_tremendous()))
    assert tremendous.credentials.headers(ApiRequest(method="GET", path="/x"))["Authorization"] == f"Bearer {KEY}"
    tango_conn = SimpleNamespace(conn_id="c", host="", port=None, login="platform", password="key", extra_dejson={})
    tango = SyncApiClient(tangocard_settings_from_connection(tango_conn))
    assert type(tango.credentials).__name__ == "TangoCardCredentials"
    assert tango.errors.__name__ == "build_tangocard_error"


def test_functions_of_0_1_modules_still_import() -> None:
    """F4: ``checks.load_all`` and ``payouts.ledger.account_fingerprint`` moved; the 0.1 names still work."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from airflow_provider_tremendous.checks import load_all

        from airflow_provider_tremendous.payouts.ledger import account_fingerprint
    load_all()
    from airflow_provider_tremendous.core.checks import Check

    assert {"orders", "payout", "tangocard_orders", "tangocard_payout"} <= set(Check.registry)
    assert len(account_fingerprint("tremendous", "sandbox", "org")) == 16

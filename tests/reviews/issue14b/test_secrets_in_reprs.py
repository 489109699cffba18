"""Issue 14 review, round 2: values the floor plan introduced showed credentials in their repr (a repr is what a
traceback with locals, a debugger or an error reporter prints), and so did two that were there before (round 3).
Each test failed before its fix."""

from __future__ import annotations

import functools
import json
from types import SimpleNamespace

import pytest

from airflow_provider_tremendous.core.connection import parse_connection
from airflow_provider_tremendous.core.transport.attempt import Blocking, Send
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse
from airflow_provider_tremendous.vendors.tangocard import connection as tango
from airflow_provider_tremendous.vendors.tangocard.models import CreditCard, CreditCardUnregistration
from airflow_provider_tremendous.vendors.tremendous import connection as tremendous
from airflow_provider_tremendous.vendors.tremendous.auth import Credentials

KEY = "TEST_super-secret-api-key-123"
PLATFORM_KEY = "platform-key-SECRET-456"
CLIENT_SECRET = "client-secret-XYZ987"
REFRESH = "refresh-token-ABC654"
ACCESS = "access-token-QWE321"
OAUTH_EXTRAS = {"oauth_client_id": "cid", "oauth_client_secret": CLIENT_SECRET, "oauth_refresh_token": REFRESH}


def _conn(**fields: object) -> SimpleNamespace:
    base: dict[str, object] = {"conn_id": "c", "host": "", "port": None, "login": "", "password": KEY}
    return SimpleNamespace(**{**base, "extra_dejson": {}, **fields})


@pytest.mark.parametrize(
    ("conn", "secrets"),
    [
        (_conn(), [KEY]),
        (_conn(password="", extra_dejson=OAUTH_EXTRAS), [CLIENT_SECRET, REFRESH]),
    ],
    ids=["api-key", "oauth"],
)
def test_a_parsed_tremendous_connection_shows_no_credential(conn: SimpleNamespace, secrets: list[str]) -> None:
    """B1: ``ConnectionBasics`` (a local of every frame that judges a connection) and ``ParsedConnection``."""
    parsed = parse_connection(conn, tremendous.RULES, tremendous._read_oauth)
    assert not [secret for secret in secrets if secret in repr(parsed)], repr(parsed)


def test_a_parsed_tango_card_connection_shows_no_credential() -> None:
    """B1, Tango Card: the platform key is the password field."""
    conn = _conn(login="platform", password=PLATFORM_KEY)
    parsed = parse_connection(conn, tango.RULES, tango._read_oauth)
    assert PLATFORM_KEY not in repr(parsed), repr(parsed)
    assert "platform" in repr(parsed.basics)  # what is not secret still shows, to debug a connection


def test_a_token_renewal_step_shows_no_token() -> None:
    """B2: the ``Blocking`` step of a renewal wraps the token endpoint's answer (access and refresh tokens)."""
    settings = tremendous.settings_from_connection(_conn(password="", extra_dejson=OAUTH_EXTRAS))
    body = json.dumps({"access_token": ACCESS, "refresh_token": REFRESH}).encode()
    answer = RawResponse(status=200, headers={}, content=body)
    step = Blocking(functools.partial(Credentials(settings).another_token_after, answer))
    assert ACCESS not in repr(step) and REFRESH not in repr(step), repr(step)
    assert ACCESS not in repr(answer) and "200" in repr(answer)


def test_a_request_shows_neither_its_body_nor_a_redacted_path_value() -> None:
    """Round 3, F6: registering a card sends its number and CVV; unregistering and depositing send its token."""
    card = {"number": "4111111111111111", "verificationNumber": "737"}
    register = ApiRequest(method="POST", path="/creditCards", json_body={"creditCard": card}, name="register")
    token = "card-token-SECRET-789"
    unregister = ApiRequest(method="DELETE", path=f"/creditCards/{token}", redact=(token,), name="unregister")
    shown = repr(register) + repr(unregister) + repr(Send(register, {}))
    assert not [secret for secret in ("4111111111111111", "737", token) if secret in shown], shown
    assert "POST /creditCards" in repr(register) and "[redacted]" in repr(unregister)


def test_a_registered_card_shows_no_token() -> None:
    """Round 3, F6: whoever holds a card's token can deposit from it."""
    card = CreditCard.model_validate({"token": "card-token-SECRET-789", "lastFourDigits": "1111"})
    unregistered = CreditCardUnregistration.model_validate({"creditCardToken": "card-token-SECRET-789"})
    assert "card-token-SECRET-789" not in repr(card) + repr(unregistered) and "1111" in repr(card)
    assert card.token == "card-token-SECRET-789"

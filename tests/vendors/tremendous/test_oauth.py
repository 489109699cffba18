"""OAuth 2.0 for platforms: fetch a token when none is stored, refresh once when the API says it expired."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from airflow_provider_tremendous.core import errors as e
from tests.support.hooks import ORDER, oauth_connection, recording_hook
from tests.support.http_stub import Reply, StubServer

EXPIRED = Reply.json(
    {"errors": {"message": "The API key you provided is no longer valid. Please refresh your token."}}, 401
)


def test_token_is_fetched_when_none_is_stored(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    oauth_connection(monkeypatch, stub)
    stub.add(Reply.json({"access_token": "fresh-token", "token_type": "bearer"}), Reply.json({"order": ORDER}))
    recording_hook([]).get_order("ORD1")
    token_call, api_call = stub.requests
    assert token_call.path == "/oauth/token"
    form = dict(parse_qsl(token_call.body.decode()))
    assert form == {
        "grant_type": "refresh_token",
        "refresh_token": "refresh-abc",
        "client_id": "client-1",
        "client_secret": "client-secret-xyz",
    }
    assert "authorization" not in token_call.headers
    assert api_call.headers["authorization"] == "Bearer fresh-token"


def test_expired_token_is_refreshed_and_the_call_repeated_once(
    stub: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    oauth_connection(monkeypatch, stub, access_token="old-token")
    stub.add(
        EXPIRED,
        Reply.json({"access_token": "new-token", "refresh_token": "refresh-rotated"}),
        Reply.json({"order": ORDER}),
    )
    hook = recording_hook([])
    assert hook.create_order({"reward": {}}).id == "ORD1"  # a 401 was not processed: safe to repeat
    paths = [r.path for r in stub.requests]
    assert paths == ["/api/v2/orders", "/oauth/token", "/api/v2/orders"]
    assert stub.requests[2].headers["authorization"] == "Bearer new-token"


def test_a_second_401_after_refresh_is_raised_not_looped(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    oauth_connection(monkeypatch, stub, access_token="old-token")
    stub.add(EXPIRED, Reply.json({"access_token": "still-bad"}), EXPIRED, EXPIRED)
    with pytest.raises(e.TremendousUnauthorizedError, match="no longer valid"):
        recording_hook([]).get_order("ORD1")
    assert len(stub.requests) == 3


def test_token_endpoint_without_access_token_is_a_clear_error(
    stub: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    oauth_connection(monkeypatch, stub)
    stub.add(Reply.json({"error": "invalid_grant"}, 200))
    with pytest.raises(e.TremendousResponseError, match="access_token"):
        recording_hook([]).get_order("ORD1")


def test_without_oauth_a_401_is_not_refreshed(stub_conn: StubServer) -> None:
    stub_conn.add(EXPIRED, Reply.json({"order": ORDER}))
    with pytest.raises(e.TremendousUnauthorizedError):
        recording_hook([]).get_order("ORD1")
    assert len(stub_conn.requests) == 1

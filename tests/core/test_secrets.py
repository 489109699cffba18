"""The API key (and OAuth secrets) never show in repr, str, exceptions or logs, and are registered with
Airflow's secrets masker."""

from __future__ import annotations

import logging

import pytest
from airflow.providers.common.compat.sdk import redact

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks import TremendousHook
from tests.conftest import TEST_KEY, conn_json
from tests.support.hooks import ORDER, recording_hook
from tests.support.http_stub import Reply, StubServer


def test_key_is_absent_from_reprs(stub_conn: StubServer) -> None:
    hook = TremendousHook()
    texts = [repr(hook), str(hook), repr(hook.settings), repr(hook.client), repr(hook.client.credentials)]
    assert all(TEST_KEY not in text for text in texts)


def test_key_is_absent_from_errors_and_logs(stub_conn: StubServer, caplog: pytest.LogCaptureFixture) -> None:
    stub_conn.add(Reply(500), Reply(500), Reply.json({"errors": {"message": "bad", "payload": {"x": 1}}}, 422))
    with caplog.at_level(logging.DEBUG), pytest.raises(e.TremendousAPIError) as caught:
        recording_hook([]).get_order("ORD1")
    for text in (str(caught.value), repr(caught.value), caplog.text, repr(caught.value.__dict__)):
        assert TEST_KEY not in text


def test_key_is_registered_with_the_secrets_masker(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "TEST_masked-only-here-5150"
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(stub.base_url, password=key))
    stub.add(Reply.json({"order": ORDER}))
    TremendousHook().get_order("ORD1")
    assert key not in str(redact(f"token is {key}"))


def test_configuration_errors_do_not_echo_the_key(stub: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "PROD_very-secret-live-key"
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", conn_json(stub.base_url, password=key))
    with pytest.raises(e.TremendousConfigurationError) as caught:
        TremendousHook().get_order("ORD1")
    assert key not in str(caught.value)


def test_created_api_key_and_webhook_private_key_are_masked(stub_conn: StubServer) -> None:
    stub_conn.add(
        Reply.json({"api_key": "TEST_brand-new-key-77"}),
        Reply.json({"webhook": {"id": "W1", "url": "https://e", "private_key": "whsec-private-99"}}),
    )
    hook = TremendousHook()
    assert hook.create_api_key({"permission": "read_only"}) == "TEST_brand-new-key-77"
    webhook = hook.create_webhook({"url": "https://e"})
    assert "whsec-private-99" not in repr(webhook)
    assert "TEST_brand-new-key-77" not in str(redact("new key TEST_brand-new-key-77"))
    assert "whsec-private-99" not in str(redact("pk whsec-private-99"))

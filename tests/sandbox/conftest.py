"""Sandbox tests use the package's own pytest plugin fixture, ``tremendous_sandbox`` (a real server on loopback)."""

from __future__ import annotations

from typing import Any

import pytest

SDK_KEY = "TEST_sdk_client_key"


#: Names of the SDK operations the SDK-driven tests called (checked for completeness at the end of the module).
SDK_CALLS: set[str] = set()


class RecordingSDK:
    """The SDK client, noting which operations are called."""

    def __init__(self, api: Any) -> None:
        self._api = api

    def __getattr__(self, name: str) -> Any:
        SDK_CALLS.add(name.removesuffix("_with_http_info"))
        return getattr(self._api, name)


@pytest.fixture
def sdk(tremendous_sandbox: Any) -> Any:
    """The official tremendous-python client, pointed at the sandbox."""
    tremendous = pytest.importorskip("tremendous")
    configuration = tremendous.Configuration(host=tremendous_sandbox.base_url, access_token=SDK_KEY)
    return RecordingSDK(tremendous.TremendousApi(tremendous.ApiClient(configuration)))


def order_body(external_id: str | None = None, **reward: Any) -> dict[str, Any]:
    """A valid create-order body; ``reward`` entries override the reward's fields."""
    body: dict[str, Any] = {
        "payment": {"funding_source_id": "balance"},
        "reward": {
            "value": {"denomination": 10, "currency_code": "USD"},
            "recipient": {"name": "Ada Lovelace", "email": "ada@example.com"},
            "delivery": {"method": "EMAIL"},
            "products": ["OKMHM2X2OHYV"],
            **reward,
        },
    }
    if external_id is not None:
        body["external_id"] = external_id
    return body

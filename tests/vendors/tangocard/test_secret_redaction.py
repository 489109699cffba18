"""Tango Card's echoed values and reward credentials (strictness.md #10, #11; issue item 3 and 6).

The sandbox is strict by default: field errors echo ``invalidValue`` (a card number, a CVV) as the real API does,
``tango_mask_invalid_values`` masks them; line items carry the reward's credentials like orders do. The client
redacts sensitive field values before an exception or a log exists, and keeps credentials out of XCom; they are
written only to a private file the user names."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousConfigurationError
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from airflow_provider_tremendous.vendors.tangocard import errors as te
from tests.support.context import context
from tests.vendors.tangocard.conftest import ACCOUNT, CUSTOMER, order_body

CARD_NUMBER = "4111111111111112"  # fails the Luhn check: refused, and echoed by the strict sandbox
CVV = "12x4"


def _register(hook: TangoCardHook, number: str = CARD_NUMBER, cvv: str = "123") -> Any:
    card = {"number": number, "expiration": "2030-12", "verificationNumber": cvv}
    body = {
        "customerIdentifier": CUSTOMER,
        "accountIdentifier": ACCOUNT,
        "label": "l",
        "ipAddress": "127.0.0.1",
        "creditCard": card,
    }
    return hook.register_credit_card(body)


def test_error_body_redacts_sensitive_field_values() -> None:
    body = {
        "message": "Invalid request",
        "i18nKey": "400.001",
        "errors": [
            {"path": "creditCard.number", "message": "invalid", "invalidValue": "4111 1111 1111 1111"},
            {"path": "creditCard.verificationNumber", "message": "invalid", "invalidValue": "987"},
            {"path": "reward.credentials.PIN", "message": "x", "invalidValue": "554433"},
            {"path": "oauth_password", "message": "x", "invalidValue": "hunter2-pw"},
            {"path": "amount", "message": "must be greater than 0", "invalidValue": -5},
            {"path": "notes", "message": "card 4111111111111111 inside", "invalidValue": "4111-1111-1111-1111"},
        ],
    }
    error = te.build_tangocard_error(status=400, content=json.dumps(body).encode(), method="POST", path="/x")
    shown = " ".join([str(error), repr(error), error.body, json.dumps(error.payload), json.dumps(error.errors)])
    for secret in ("4111 1111 1111 1111", "4111111111111111", "4111-1111-1111-1111", "987", "554433", "hunter2"):
        assert secret not in shown, secret
    assert "ends 1111" in str(error) and "-5" in str(error), "a hint and the harmless values stay"


def test_a_non_json_body_masks_card_numbers() -> None:
    error = te.build_tangocard_error(status=502, content=b"bad gateway for 4111111111111111", method="GET", path="/")
    assert "4111111111111111" not in str(error) + error.body


def _raw_refusal(sandbox: Any) -> Any:
    """What the sandbox itself answers to a refused card number (no client in between)."""
    import requests

    answer = requests.post(
        f"{sandbox.tangocard_base_url}/creditCards",
        json={
            "customerIdentifier": CUSTOMER,
            "accountIdentifier": ACCOUNT,
            "label": "l",
            "ipAddress": "127.0.0.1",
            "creditCard": {"number": CARD_NUMBER, "verificationNumber": "123"},
        },
        auth=("sandbox_platform", "sandbox-platform-key"),
        timeout=10,
    )
    assert answer.status_code == 400
    return answer.json()["errors"][0]["invalidValue"]


def test_the_sandbox_echoes_the_refused_card_number_and_the_client_redacts_it(
    tremendous_sandbox: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    assert _raw_refusal(tremendous_sandbox) == CARD_NUMBER, "strict by default: echoed as the real API does"
    with pytest.raises(te.TangoCardBadRequestError) as caught:
        _register(TangoCardHook())
    assert CARD_NUMBER not in str(caught.value) + caught.value.body + caplog.text
    with pytest.raises(te.TangoCardBadRequestError) as cvv:
        _register(TangoCardHook(), number="4111111111111111", cvv=CVV)
    assert cvv.value.errors[0]["path"] == "creditCard.verificationNumber"
    assert CVV not in str(cvv.value) + cvv.value.body + caplog.text


def test_the_lenient_setting_masks_invalid_values(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(tango_mask_invalid_values=True)
    assert _raw_refusal(tremendous_sandbox) == "****"


def test_line_items_carry_credentials_and_xcom_drops_them(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    order = hook.create_order(order_body("cred1"))
    item = next(iter(hook.iter_line_items(external_ref_id="cred1")))
    assert item.reward and item.reward["credentials"]["PIN"], "strict: line items carry credentials"
    assert order.reward and order.reward["credentials"] == item.reward["credentials"]
    secrets = list(item.reward["credentials"].values())
    shown = json.dumps(item.to_xcom()) + repr(item) + json.dumps(order.to_xcom()) + repr(order)
    shown += json.dumps(item.model_dump(mode="json"))
    assert [s for s in secrets if s in shown] == []


def _order_operator(**kwargs: Any) -> Any:
    from airflow_provider_tremendous.operators.tangocard import TangoCardCreateOrderOperator

    return TangoCardCreateOrderOperator(
        task_id="send",
        utid="U000001",
        amount="10",
        recipient={"email": "winner@example.com", "firstName": "Ada"},
        external_ref_id="credfile1",
        wait_for_completion=False,
        **kwargs,
    )


def test_credentials_are_written_only_to_the_private_file_asked_for(
    tremendous_sandbox: Any, tmp_path: Path, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    target = tmp_path / "credentials.jsonl"
    ctx = context()
    result = _order_operator(credentials_path=str(target)).execute(ctx)
    written = [json.loads(line) for line in target.read_text().splitlines()]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert written[0]["referenceOrderID"] == result["referenceOrderID"]
    secrets = list(written[0]["reward"]["credentials"].values())
    shown = json.dumps(result) + json.dumps(ctx["ti"].pushed, default=str) + caplog.text
    assert [s for s in secrets if s in shown] == []


def test_a_credentials_file_others_can_read_is_refused(tremendous_sandbox: Any, tmp_path: Path) -> None:
    target = tmp_path / "open.jsonl"
    target.write_text("")
    os.chmod(target, 0o644)
    with pytest.raises(TremendousConfigurationError, match="0644"):
        _order_operator(credentials_path=str(target)).execute(context())
    assert target.read_text() == ""

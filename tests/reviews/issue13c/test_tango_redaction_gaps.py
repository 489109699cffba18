"""Rule 3 (no card number / CVV in exceptions or logs): Tango field errors are redacted only when the *path* names a
secret field, and free-text masking only touches *strings*. A field error on the parent object (``creditCard``)
whose ``invalidValue`` is the object itself (Bean-validation style class-level/@NotNull-on-member errors echo the
object) or a list keeps the card number and CVV verbatim."""

from __future__ import annotations

import json

import pytest

from airflow_provider_tremendous.vendors.tangocard import errors as te

CARD = "4111111111111111"
CVV = "987"


def _shown(body: dict) -> str:
    error = te.build_tangocard_error(status=400, content=json.dumps(body).encode(), method="POST", path="/creditCards")
    return " ".join([str(error), repr(error), error.body, json.dumps(error.payload), json.dumps(error.errors)])


@pytest.mark.parametrize(
    "item",
    [
        {"path": "creditCard", "message": "invalid card", "invalidValue": {"number": CARD, "verificationNumber": CVV}},
        {"path": "creditCard", "message": "invalid card", "invalidValue": [CARD, CVV]},
        {"path": "", "message": "invalid", "invalidValue": {"creditCard": {"number": CARD, "verificationNumber": CVV}}},
    ],
    ids=["object-invalidValue", "list-invalidValue", "root-object"],
)
def test_card_inside_a_structured_invalid_value_is_redacted(item: dict) -> None:
    shown = _shown({"message": "Invalid request", "i18nKey": "400.001", "errors": [item]})
    assert CARD not in shown, "card number echoed verbatim"
    assert f'"{CVV}"' not in shown and f"'{CVV}'" not in shown, "CVV echoed verbatim"


def test_card_number_sent_as_a_json_number_is_redacted_on_a_non_card_path() -> None:
    # a JSON number is never masked by mask_card_numbers (strings only)
    item = {"path": "creditCardNumber", "message": "invalid", "invalidValue": int(CARD)}
    assert CARD not in _shown({"message": "Invalid", "errors": [item]})

"""Issue 14 review, round 4: what the fourth reviewer proved against the number-spelling check (and two older
gaps it found on the way). Each test failed before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from tests.payouts.conftest import bulk
from tests.reviews.issue14b.rows import bulk_for, refused_for_one_number, rows_of
from tests.support.context import context
from tests.vendors.tangocard.conftest import ACCOUNT, CUSTOMER


@pytest.mark.parametrize(
    "keys",
    [
        ["1000", "1.000"],  # F1: the canonical key folds "1.000" to "1" (pandas' 17.0 rule) before it was read
        [1000, "1.000"],
        ["12000", "12.000"],
        ["1 000", "1.000"],
        ["123456", "1,23,456"],  # F2: Indian grouping
        ["17", '="017"'],  # F2: Excel's formula that keeps leading zeros
        ["17", "'017"],  # F2: the apostrophe that makes a cell text
        ["17", "'+17"],
    ],
)
@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_more_spellings_of_one_number_are_refused(
    tremendous_sandbox: Any, tmp_path: Path, keys: list[Any], vendor: str
) -> None:
    refused_for_one_number(tremendous_sandbox, tmp_path, keys, vendor)


@pytest.mark.parametrize("problem", [{"email": "p0@@example"}, {"email": "p0@example.com"}])  # bad, or row 1's
def test_a_refused_rows_key_still_meets_its_other_spelling(
    tremendous_sandbox: Any, tmp_path: Path, problem: dict[str, str]
) -> None:
    """F3: row 2 (17) is refused for its email (bad, or another row's); row 3 (017) was then paid with skip, and
    17 fixed and resubmitted was paid too. Now the file stops: 017 meets the refused 17."""
    rows = rows_of(["R1", "17", "017"])
    rows[1].update(problem)
    with pytest.raises(e.InputError, match=r"row 3 .*row 2's key '17' \(refused\).*written otherwise"):
        bulk(tmp_path, rows, on_invalid="skip").execute(context())
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize("keys", [["0e1234", "0e5678"], ["00e41175", "0e646731"], ["1e10", "10e9"]])
def test_short_hex_ids_are_not_numbers(tremendous_sandbox: Any, tmp_path: Path, keys: list[str]) -> None:
    """F5: hex ids of digits and one 'e' read as numbers (all zero), and random 8-digit hex ids stopped a third of
    5,000-row files. Scientific notation needs a signed exponent or a decimal mantissa (1E+16, 1.7e1)."""
    assert bulk(tmp_path, rows_of(keys)).execute(context())["paid"] == 2


@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_skipping_every_row_fails_loudly(tremendous_sandbox: Any, tmp_path: Path, vendor: str) -> None:
    """F6 (before this issue): on_invalid='skip' with every row invalid succeeded, having paid nobody."""
    pay = bulk_for(vendor)
    with pytest.raises(e.InputError, match=r"2 of 2 rows are invalid; nothing was sent\. No row is valid"):
        pay(tmp_path, rows_of(["a", "b"], email="not-an-email"), on_invalid="skip").execute(context())


def test_a_re_issue_of_a_row_refused_for_its_email_is_not_dropped(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """F7 (a regression of round 3): the re-issue of a row refused for its email was dropped silently with skip."""
    rows = rows_of(["17", "18"])
    rows[0]["email"] = "p0@@example.com"
    with pytest.raises(e.InputError, match=r"reissue: 1 key\(s\) match no valid row \('17'\)"):
        bulk(tmp_path, rows, on_invalid="skip", reissue={"17": 1}).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_a_card_token_in_a_path_is_handed_to_the_secrets_masker(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F4: get_credit_card(token) puts the token in the path; urllib3 logs request lines at DEBUG. Airflow's
    masker redacts every value it was handed from task logs."""
    from airflow_provider_tremendous.core.transport import client

    masked: list[str] = []
    monkeypatch.setattr(client, "mask_secret", masked.append)
    hook = TangoCardHook()
    body = {"customerIdentifier": CUSTOMER, "accountIdentifier": ACCOUNT, "label": "c", "ipAddress": "127.0.0.1"}
    card = hook.register_credit_card({**body, "creditCard": {"number": "4111111111111111", "expiration": "2030-12"}})
    hook.get_credit_card(card.token)
    assert card.token in masked

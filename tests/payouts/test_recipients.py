"""Money rules, part 1 (b), against the strict sandbox: recipients checked by kept libraries, one identity per
person for caps and duplicates, text limits, and product ranges before the first order. Each test named after a
defect failed on the code before this step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.core.limits import LIMITS
from airflow_provider_tremendous.core.recipients import check_email, check_phone, email_identity
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from airflow_provider_tremendous.operators.tangocard import TangoCardCreateOrderOperator
from tests.payouts.conftest import bulk, respondents, results
from tests.sandbox.conftest import order_body
from tests.support.context import context

CYRILLIC_A = "\u0430"


def _one_row(**changes: Any) -> list[dict[str, Any]]:
    rows = respondents(3)
    rows[1].update(changes)
    return rows


@pytest.mark.parametrize(
    ("changes", "fragments"),
    [
        ({"email": f"r1@ex{CYRILLIC_A}mple.com"}, ["email", "non-ASCII", "U+0430"]),  # was paid
        ({"email": f"r{CYRILLIC_A}1@example.com"}, ["email", "non-ASCII"]),
        ({"email": "r1@example.com\u200b"}, ["email", "U+200B"]),
        ({"email": "r1@exa mple.com"}, ["email", "not a valid email"]),
        ({"name": "N" * 10_000}, ["name", "10,000 characters, over the 100", "nothing is truncated"]),  # was paid
        ({"name": "Ad\u202ea"}, ["name", "U+202E"]),
        ({"delivery_method": "PHONE", "phone": "555-0100"}, ["phone", "no country code"]),  # was paid
        ({"delivery_method": "PHONE", "phone": "(415) 555-0123"}, ["phone", "default_phone_region='US'"]),
        ({"delivery_method": "PHONE", "phone": "+1 555 0100"}, ["phone", "not a valid phone number"]),
        ({"amount": "0.50"}, ["amount", "no product of campaign CAMPAIGN00001 offers 0.50 USD", "1-2000"]),
        ({"amount": "2500"}, ["amount", "offers 2500.00 USD"]),
        ({"currency": "JPY", "amount": "500"}, ["amount", "offers 500 JPY", "none"]),
    ],
)
def test_a_bad_recipient_text_or_range_pays_nobody(
    tremendous_sandbox: Any, tmp_path: Path, changes: dict[str, Any], fragments: list[str]
) -> None:
    with pytest.raises(e.TremendousInputError) as raised:
        bulk(tmp_path, _one_row(**changes)).execute(context())
    message = str(raised.value)
    assert "row 2 (key R00001)" in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from {message}"
    assert tremendous_sandbox.admin.ledger() == [], "validated before the first order"


def test_an_amount_under_the_product_minimum_stops_the_run_before_the_first_order(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: three rows paid, then the API refused the fourth."""
    rows = respondents(4)
    rows[3]["amount"] = "0.50"
    with pytest.raises(e.TremendousInputError, match=r"row 4 .*no product"):
        bulk(tmp_path, rows, max_concurrency=1).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_a_default_region_completes_national_numbers_and_e164_is_sent(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = [
        {"respondent_id": "p1", "amount": "5", "delivery_method": "PHONE", "phone": "(415) 555-0123"},
        {"respondent_id": "p2", "amount": "5", "delivery_method": "PHONE", "phone": "+44 20 7946 0958"},
    ]
    bulk(tmp_path, rows, default_phone_region="US").execute(context())
    phones = sorted(r["recipient"]["phone"] for r in tremendous_sandbox.admin.ledger())
    assert phones == ["+14155550123", "+442079460958"]


def test_one_phone_written_three_ways_is_one_recipient(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: three recipients, so max_amount_per_recipient=50 let one person receive 120."""
    rows = [
        {"respondent_id": key, "amount": "40", "delivery_method": "PHONE", "phone": phone}
        for key, phone in (("a", "+1 415 555 0123"), ("b", "+1 (415) 555-0123"), ("c", "+14155550123"))
    ]
    with pytest.raises(e.TremendousInputError, match=r"row 2 .*phone: \+14155550123 is already row 1's recipient"):
        bulk(tmp_path, rows).execute(context())
    with pytest.raises(e.TremendousInputError, match=r"phone \+14155550123 would be charged 120\.00"):
        bulk(tmp_path, rows, allow_shared_recipients=True, max_amount_per_recipient="50").execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_one_email_in_two_cases_is_one_recipient(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(2)
    rows[0]["email"], rows[1]["email"] = "Same@Example.com", "same@example.COM"
    with pytest.raises(e.TremendousInputError, match=r"same@example\.com is already row 1's recipient"):
        bulk(tmp_path, rows).execute(context())
    summary = bulk(tmp_path, rows, allow_shared_recipients=True).execute(context())
    assert summary["paid"] == 2
    sent = sorted(r["recipient"]["email"] for r in tremendous_sandbox.admin.ledger())
    assert sent == ["Same@Example.com", "same@example.COM"], "what is sent keeps the user's spelling"


def test_international_addresses_only_when_allowed(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(1)
    rows[0]["email"] = "jos\u00e9@example.com"
    with pytest.raises(e.TremendousInputError, match="non-ASCII"):
        bulk(tmp_path, rows).execute(context())
    assert (
        check_email("jos\u00e9@b\u00fccher.example", allow_international=True).identity
        == "jos\u00e9@b\u00fccher.example"
    )


def test_single_rewards_use_the_same_rules(tremendous_sandbox: Any) -> None:
    for recipient, fragment in (
        ({"name": "Ada", "email": f"ada@ex{CYRILLIC_A}mple.com"}, "non-ASCII"),
        ({"name": "A" * 101, "email": "ada@example.com"}, "over the 100"),
    ):
        reward = {**order_body()["reward"], "recipient": recipient}
        with pytest.raises(e.TremendousInputError, match=fragment):
            TremendousCreateOrderOperator(task_id="pay", reward=reward).execute(context())
    reward = {**order_body()["reward"], "delivery": {"method": "PHONE"}, "recipient": {"phone": "555-0100"}}
    with pytest.raises(e.TremendousInputError, match="no country code"):
        TremendousCreateOrderOperator(task_id="pay", reward=reward).execute(context())
    recipient = {"email": "a@example.com", "firstName": "F" * 101}
    with pytest.raises(e.TremendousInputError, match=r"recipient\.firstName: .*over the 100"):
        TangoCardCreateOrderOperator(task_id="pay", utid="U000001", amount="10", recipient=recipient).execute(context())
    assert tremendous_sandbox.admin.ledger() == [] and tremendous_sandbox.admin.tangocard_ledger()["orders"] == []


def test_the_strict_sandbox_refuses_what_the_documents_forbid(tremendous_sandbox: Any) -> None:
    """strictness.md #12, for clients other than this provider (the SDK, users' own code)."""
    hook = TremendousHook()
    bad = [
        {"name": "Ada", "email": "ada@example"},  # the sandbox takes internationalised addresses; look-alikes are
        {"name": "N" * 101, "email": "ada@example.com"},  # the client's policy (allow_international_email)
    ]
    for recipient in bad:
        with pytest.raises(e.TremendousAPIError, match="recipient"):
            hook.create_order(order_body(recipient=recipient))
    with pytest.raises(e.TremendousAPIError, match="phone"):
        hook.create_order(order_body(recipient={"phone": "5550100"}, delivery={"method": "PHONE"}))
    from tests.vendors.tangocard.conftest import order_body as tango_order

    with pytest.raises(e.TremendousAPIError, match=r"422\.006"):
        TangoCardHook().create_order(tango_order("longname", recipient={"email": "a@b.co", "firstName": "F" * 101}))
    with pytest.raises(e.TremendousAPIError, match=r"422\.009"):
        TangoCardHook().create_order(tango_order("bademail", recipient={"email": "a@b", "firstName": "F"}))
    assert tremendous_sandbox.admin.ledger() == []


def test_every_limit_names_its_source() -> None:
    assert all(limit.source and limit.max_chars > 0 for limit in LIMITS.values())


def test_the_result_file_records_what_was_sent(tremendous_sandbox: Any, tmp_path: Path) -> None:
    bulk(tmp_path, respondents(2)).execute(context())
    assert {line["outcome"] for line in results(tmp_path / "results.csv")} == {"created"}


PHONES = st.sampled_from(["+14155550123", "+442079460958", "+4930123456", "+33612345678", "+61291234567"])


@settings(deadline=None, max_examples=200)
@given(PHONES, st.lists(st.sampled_from([" ", "-", "(", ")", "."]), max_size=4), st.integers(0, 8))
def test_a_phone_in_any_punctuation_is_one_e164_number(phone: str, noise: list[str], where: int) -> None:
    digits = phone[1:]
    spelled = "+" + digits[:where] + "".join(noise) + digits[where:]
    assert check_phone(spelled) == check_phone(check_phone(spelled)) == phone


@settings(deadline=None, max_examples=200)
@given(st.from_regex(r"[a-z0-9._]{1,12}@[a-z0-9]{1,10}\.(com|org|example)", fullmatch=True), st.data())
def test_email_identity_ignores_case_and_is_idempotent(address: str, data: st.DataObject) -> None:
    try:
        checked = check_email(address)
    except ValueError:
        return
    upper = "".join(ch.upper() if data.draw(st.booleans()) else ch for ch in address)
    assert check_email(upper).identity == checked.identity == email_identity(checked.sent)
    assert email_identity(checked.identity) == checked.identity

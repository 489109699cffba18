"""A catalogue of malformed inputs. Each is refused before any order, with a message that names the row, the field
and what to do; the sandbox ledger stays empty."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator
from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from tests.sandbox.conftest import order_body
from tests.support.context import context

GOOD = {"respondent_id": "R1", "amount": "10.00", "name": "Ada", "email": "ada@example.com"}
TODAY = dt.datetime.now(dt.timezone.utc).date()


def rows_with(**changes: Any) -> list[dict[str, Any]]:
    """Three good rows, the second changed."""
    bad = {**GOOD, "respondent_id": "R2", "email": "r2@example.com", **changes}
    return [GOOD, bad, {**GOOD, "respondent_id": "R3", "email": "r3@example.com"}]


@dataclass
class Case:
    name: str
    rows: Any  # a list, or (file name, bytes)
    expect: list[str]  # fragments the message must contain (row, field, fix)
    settings: dict[str, Any] = field(default_factory=dict)
    error: type[Exception] = e.TremendousInputError


CATALOGUE = [
    Case("missing email for EMAIL delivery", rows_with(email=""), ["row 2", "email", "EMAIL delivery needs one"]),
    Case("malformed email", rows_with(email="ada@"), ["row 2", "email", "not a valid email"]),
    Case("email with a space", rows_with(email="a da@example.com"), ["row 2", "email", "not a valid email"]),
    Case("email without domain", rows_with(email="ada"), ["row 2", "email", "not a valid email"]),
    Case(
        "malformed phone for PHONE",
        rows_with(delivery_method="PHONE", phone="12"),
        ["row 2", "phone", "+ and the country code"],
    ),
    Case("missing phone for PHONE", rows_with(delivery_method="PHONE"), ["row 2", "phone", "PHONE delivery needs one"]),
    Case("zero amount", rows_with(amount="0"), ["row 2", "amount", "positive"]),
    Case("negative amount", rows_with(amount="-5"), ["row 2", "amount", "positive"]),
    Case("NaN amount", rows_with(amount="NaN"), ["row 2", "amount", "not an amount"]),
    Case("infinite amount", rows_with(amount="inf"), ["row 2", "amount", "not an amount"]),
    Case("absurdly large amount", rows_with(amount="2500000"), ["row 2", "amount", "dollars, not cents"]),
    Case("over-precise amount", rows_with(amount="10.005"), ["row 2", "amount", "3 decimals, more than the 2 allowed"]),
    Case("amount in words", rows_with(amount="ten"), ["row 2", "amount", "not an amount"]),
    Case("empty amount, no default", rows_with(amount=""), ["row 2", "amount", "give the reward amount"]),
    Case("boolean amount", rows_with(amount=True), ["row 2", "amount", "True is not an amount"]),
    Case("unknown currency", rows_with(currency="XYZ"), ["row 2", "currency", "ISO-4217"]),
    Case("misspelled currency", rows_with(currency="usdd"), ["row 2", "currency", "ISO-4217"]),
    Case(
        "neither products nor campaign",
        rows_with(),
        ["row 1", "products/campaign_id", "both missing; give one"],
        {"campaign_id": None},
    ),
    Case("malformed product id", rows_with(products="amazon gift card"), ["row 2", "products", "not product ids"]),
    Case("malformed campaign id", rows_with(campaign_id="camp 1"), ["row 2", "campaign_id", "not a campaign id"]),
    Case("duplicate key", rows_with(respondent_id="R1"), ["row 2", "respondent_id", "duplicate key", "row 1"]),
    Case("empty key", rows_with(respondent_id=""), ["row 2", "key", "every row needs a unique key"]),
    Case("blank key", rows_with(respondent_id="   "), ["row 2", "key", "every row needs a unique key"]),
    Case("over-long key (external_id)", rows_with(respondent_id="K" * 201), ["row 2", "key", "longer than 200"]),
    # money rules, part 1: amounts that are not their plain decimal reading, and re-spelled keys
    Case("decimal comma", rows_with(amount="10,50"), ["row 2", "amount", "has a comma", "decimal_separator=','"]),
    Case("thousands comma", rows_with(amount="1,050.00"), ["row 2", "amount", "has a comma"]),
    Case("exponent", rows_with(amount="1e3"), ["row 2", "amount", "exponent notation", "write the amount out"]),
    Case("exponent, upper case", rows_with(amount="2.5E1"), ["row 2", "amount", "exponent notation"]),
    Case("underscore separator", rows_with(amount="1_000"), ["row 2", "amount", "grouping separator"]),
    Case("space separator", rows_with(amount="1 000"), ["row 2", "amount", "grouping separator"]),
    Case("no-break space separator", rows_with(amount="1\u00a0000"), ["row 2", "amount", "grouping separator"]),
    Case("full-width digits", rows_with(amount="\uff11\uff10"), ["row 2", "amount", "non-ASCII digits"]),
    Case("Arabic-Indic digits", rows_with(amount="\u0661\u0660"), ["row 2", "amount", "non-ASCII digits"]),
    Case("plus sign", rows_with(amount="+5"), ["row 2", "amount", "has a sign"]),
    Case("leading point", rows_with(amount=".5"), ["row 2", "amount", "both sides"]),
    Case("trailing point", rows_with(amount="5."), ["row 2", "amount", "both sides"]),
    Case("inexact float", rows_with(amount=0.1 + 0.2), ["row 2", "amount", "floating-point"]),
    Case("decimals for JPY", rows_with(amount="500.5", currency="JPY"), ["row 2", "amount", "has none"]),
    Case(
        "point under decimal_separator=','",
        rows_with(amount="10.50"),
        ["row 2", "amount", "decimal_separator=','"],
        {"decimal_separator": ","},
    ),
    Case(
        "max_total_amount with a comma", rows_with(), ["max_total_amount", "has a comma"], {"max_total_amount": "1,5"}
    ),
    Case("key 17 and 17.0", [{**GOOD, "respondent_id": 17}, {**GOOD, "respondent_id": 17.0}], ["row 2", "row 1"]),
    Case("key R1 and r1", rows_with(respondent_id="r1"), ["row 2", "duplicate key", "already row 1's key", "'R1'"]),
    Case(
        "key NFC and NFD",
        [{**GOOD, "respondent_id": "Jos\u00e9"}, {**GOOD, "respondent_id": "Jose\u0301"}],
        ["row 2", "duplicate key"],
    ),
    Case("key with a zero-width space", rows_with(respondent_id="R\u200b2"), ["row 2", "U+200B", "remove them"]),
    Case("key with a bidi override", rows_with(respondent_id="\u202eR2"), ["row 2", "U+202E"]),
    Case("fractional number key", rows_with(respondent_id=2.5), ["row 2", "fractional number"]),
    Case("boolean key", rows_with(respondent_id=True), ["row 2", "true/false"]),
    # money rules, part 1 (b): recipients, text limits, product ranges
    Case("homoglyph domain", rows_with(email="r2@ex\u0430mple.com"), ["row 2", "email", "non-ASCII", "U+0430"]),
    Case("homoglyph local part", rows_with(email="\u0440aypal@example.com"), ["row 2", "email", "non-ASCII"]),
    Case("email with zero-width space", rows_with(email="r2\u200b@example.com"), ["row 2", "email", "U+200B"]),
    Case("10,000-character name", rows_with(name="N" * 10_000), ["row 2", "name", "nothing is truncated"]),
    Case("101-character name", rows_with(name="N" * 101), ["row 2", "name", "over the 100"]),
    Case(
        "phone without country code",
        rows_with(delivery_method="PHONE", phone="555-0100"),
        ["row 2", "phone", "no country code", "default_phone_region"],
    ),
    Case(
        "national phone without a default region",
        rows_with(delivery_method="PHONE", phone="(415) 555-0123"),
        ["row 2", "phone", "no country code"],
    ),
    Case(
        "impossible phone number",
        rows_with(delivery_method="PHONE", phone="+1 555 0100"),
        ["row 2", "phone", "not a valid phone number"],
    ),
    Case("amount under the products' minimum", rows_with(amount="0.50"), ["row 2", "amount", "no product"]),
    Case("amount over the products' maximum", rows_with(amount="2500"), ["row 2", "amount", "no product"]),
    Case("currency no product offers", rows_with(currency="JPY", amount="500"), ["row 2", "amount", "JPY"]),
    Case(
        "one phone under two keys, spelled two ways",
        [
            {**GOOD, "email": None, "delivery_method": "PHONE", "phone": "+1 415 555 0123"},
            {**GOOD, "email": None, "respondent_id": "R2", "delivery_method": "PHONE", "phone": "+1 (415) 555-0123"},
        ],
        ["row 2", "phone", "+14155550123 is already row 1's recipient"],
    ),
    Case(
        "deliver_at in the past",
        rows_with(deliver_at=str(TODAY - dt.timedelta(days=1))),
        ["row 2", "deliver_at", "between today"],
    ),
    Case(
        "deliver_at over a year ahead",
        rows_with(deliver_at=str(TODAY + dt.timedelta(days=400))),
        ["row 2", "deliver_at", "one year"],
    ),
    Case("deliver_at not a date", rows_with(deliver_at="next tuesday"), ["row 2", "deliver_at"]),
    Case(
        "unknown delivery method",
        rows_with(delivery_method="SMS"),
        ["row 2", "delivery_method", "EMAIL, LINK or PHONE"],
    ),
    Case("language not ISO-639-1", rows_with(language="english"), ["row 2", "language", "ISO-639-1"]),
    Case("a row that is not a dict", [GOOD, "R2,10"], ["row 2", "is not a dict"]),
    Case(
        "wrong header (key column missing)",
        ("wrong.csv", b"id,amount,email\nR1,10,a@example.com\n"),
        ["no column 'respondent_id'", "Fix the header"],
    ),
    Case(
        "missing header line",
        ("noheader.csv", b"R1,10.00,Ada,ada@example.com\nR2,5,Bo,bo@example.com\n"),
        ["no column 'respondent_id'"],
    ),
    Case(
        "mapped column absent",
        ("mapped.csv", b"respondent_id,amount,email\nR1,10,a@example.com\n"),
        ["no column 'reward_usd'"],
        {"columns": {"amount": "reward_usd"}},
    ),
    Case("empty file", ("empty.csv", b""), ["the file is empty"]),
    Case("header only", ("header.csv", b"respondent_id,amount,email\n"), ["no rows"]),
    Case(
        "non-UTF-8 bytes",
        ("latin.csv", "respondent_id,amount,email,name\nR1,10,a@example.com,Jos\xe9\n".encode("latin-1")),
        ["not UTF-8", "re-export as UTF-8"],
    ),
    Case(
        "short CSV line", ("short.csv", b"respondent_id,amount,email\nR1,10\n"), ["row 1", "has 2 values for 3 columns"]
    ),
    Case(
        "long CSV line (unquoted comma)",
        ("long.csv", b"respondent_id,amount,email,name\nR1,10,a@example.com,Lovelace, Ada\n"),
        ["row 1", "has 5 values for 4 columns"],
    ),
    Case(
        "JSONL line that is not JSON",
        ("rows.jsonl", b'{"respondent_id": "R1", "amount": 1, "email": "a@example.com"}\n{oops\n'),
        ["row 2", "not valid JSON"],
    ),
    Case(
        "JSONL line that is not an object",
        ("rows.jsonl", b'{"respondent_id": "R1", "amount": 1, "email": "a@example.com"}\n[1, 2]\n'),
        ["row 2", "must be a JSON object"],
    ),
    Case("unsupported file type", ("rows.xlsx", b"PK\x03\x04"), ["must end in .csv, .jsonl"]),
    Case("total over max_total_amount", rows_with(), ["over max_total_amount"], {"max_total_amount": 25}),
    Case(
        "recipient over max_amount_per_recipient",
        rows_with(email="ada@example.com"),
        ["ada@example.com would be charged 20.00", "max_amount_per_recipient"],
        {"max_amount_per_recipient": 15, "allow_shared_recipients": True},
    ),
    Case(
        "one recipient under two keys",
        rows_with(email="ADA@example.com"),
        ["row 2", "email", "ada@example.com is already row 1's recipient", "allow_shared_recipients=True"],
    ),
    Case("more rows than max_rows", rows_with(), ["exceed max_rows=2"], {"max_rows": 2}),
    Case("payout_id with spaces", rows_with(), ["payout_id", "letters, digits"], {"payout_id": "survey 42"}),
    Case("rows of the wrong type", 42, ["rows must be a list of dicts or a file path"]),
]


def _rows_argument(case: Case, tmp_path: Path) -> Any:
    if isinstance(case.rows, tuple):
        name, data = case.rows
        (tmp_path / name).write_bytes(data)
        return str(tmp_path / name)
    return case.rows


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.name for c in CATALOGUE])
def test_bad_bulk_input_is_refused_before_any_order(case: Case, tremendous_sandbox: Any, tmp_path: Path) -> None:
    settings = {
        "task_id": "pay",
        "payout_id": "catalogue",
        "key_field": "respondent_id",
        "campaign_id": "CAMPAIGN00001",
        "result_path": str(tmp_path / "results.csv"),
        **case.settings,
    }
    operator = TremendousBulkPayoutOperator(rows=_rows_argument(case, tmp_path), **settings)
    with pytest.raises(case.error) as caught:
        operator.execute(context())
    message = str(caught.value)
    for fragment in case.expect:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    assert tremendous_sandbox.admin.ledger() == [], "a bad input must pay nobody"


def test_one_bad_row_among_many_stops_everything(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = [{**GOOD, "respondent_id": f"R{i}", "email": f"r{i}@example.com"} for i in range(500)]
    rows[417]["amount"] = "10.001"
    with pytest.raises(e.TremendousInputError, match=r"row 418 .*amount.*more than the 2 allowed"):
        TremendousBulkPayoutOperator(
            task_id="pay",
            rows=rows,
            payout_id="catalogue",
            key_field="respondent_id",
            campaign_id="CAMPAIGN00001",
            result_path=str(tmp_path / "r.csv"),
        ).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


SINGLE_REWARD = order_body()["reward"]
SINGLE = [
    ("reward without value", {k: v for k, v in SINGLE_REWARD.items() if k != "value"}, "value"),
    ("string amount with letters", {**SINGLE_REWARD, "value": {"denomination": "ten"}}, "value.denomination"),
    (
        "currency in lower case",
        {**SINGLE_REWARD, "value": {"denomination": 5, "currency_code": "usd"}},
        "currency_code",
    ),
    ("recipient not an object", {**SINGLE_REWARD, "recipient": "ada@example.com"}, "recipient"),
]


@pytest.mark.parametrize(("name", "reward", "field_name"), SINGLE, ids=[s[0] for s in SINGLE])
def test_bad_single_reward_is_refused(name: str, reward: dict, field_name: str, tremendous_sandbox: Any) -> None:
    with pytest.raises(e.TremendousInputError, match=field_name):
        TremendousCreateOrderOperator(task_id="pay", reward=reward).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize(
    ("password", "extra", "message"),
    [
        ("PROD_live_key", {}, "production key"),
        ("TEST_key", {"environment": "production"}, "sandbox key"),
        ("opaque-token", {"environment": "sandbox"}, "points at production"),
    ],
    ids=["production key on a sandbox connection", "sandbox key on production", "production host, no environment"],
)
def test_unsafe_connections_pay_nobody(
    password: str, extra: dict, message: str, tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    host = "https://api.tremendous.com/api/v2" if message == "points at production" else tremendous_sandbox.base_url
    if message == "sandbox key":
        host = ""
    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT",
        json.dumps({"conn_type": "tremendous", "host": host, "password": password, "extra": extra}),
    )
    with pytest.raises(e.TremendousConfigurationError, match=message):
        TremendousBulkPayoutOperator(
            task_id="pay",
            rows=rows_with(),
            payout_id="catalogue",
            key_field="respondent_id",
            campaign_id="CAMPAIGN00001",
            result_path=str(tmp_path / "r.csv"),
        ).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_catalogue_size() -> None:
    assert len(CATALOGUE) + len(SINGLE) + 3 >= 40


Builder = Callable[[], Any]

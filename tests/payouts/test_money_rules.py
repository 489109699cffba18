"""Money rules, part 1, against the strict sandbox: one test per defect the outside review found (each failed on
the code before canonical keys and the money parser), plus resuming payouts begun under the earlier id derivation.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from airflow_provider_tremendous.operators.bulk import TremendousPayoutError
from airflow_provider_tremendous.operators.invoices import TremendousCreateInvoiceOperator
from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from airflow_provider_tremendous.operators.tangocard import TangoCardCreateOrderOperator
from airflow_provider_tremendous.payouts.keys import LEGACY_V1, canonical_key, external_id, row_ids
from tests.payouts.conftest import bulk, respondents, results
from tests.sandbox.conftest import order_body
from tests.support.context import context
from tests.vendors.tangocard.conftest import ACCOUNT, CUSTOMER, tango_bulk

REWARD = order_body()["reward"]


def _tango_order(ref: str) -> dict[str, Any]:
    """A 10 USD emailed Tango order to a@example.com under ``ref``, as an earlier version could have sent it."""
    recipient = {"email": "a@example.com", "firstName": "A"}
    return {
        "customerIdentifier": CUSTOMER,
        "accountIdentifier": ACCOUNT,
        "utid": "U000001",
        "amount": 10,
        "sendEmail": True,
        "externalRefID": ref,
        "recipient": recipient,
    }


def _paid(sandbox: Any) -> Counter[str]:
    return Counter(r["external_id"] for r in sandbox.admin.ledger())


# -- amounts -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("amount", ["10,50", "1e3", "1_000", "1 000", "\uff11\uff10", "+5", ".5", "5."])
def test_an_ambiguous_amount_pays_nobody(tremendous_sandbox: Any, tmp_path: Path, amount: str) -> None:
    """Was: "10,50" paid as 1,050.00 and "1e3" as 1,000.00."""
    rows = respondents(4)
    rows[2]["amount"] = amount
    with pytest.raises(e.TremendousInputError, match=r"row 3 \(key R00002\): amount: "):
        bulk(tmp_path, rows).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_a_decimal_comma_is_paid_only_when_chosen(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = respondents(2, amount="10,50")
    summary = bulk(tmp_path, rows, decimal_separator=",").execute(context())
    assert summary["paid_by_currency"] == {"USD": "21.00"}
    assert {r["amount"] for r in tremendous_sandbox.admin.ledger()} == {10.5}


def test_caps_are_read_by_the_same_parser(tremendous_sandbox: Any, tmp_path: Path) -> None:
    with pytest.raises(e.TremendousInputError, match="max_total_amount: '1e3' is in exponent notation"):
        bulk(tmp_path, respondents(2), max_total_amount="1e3").execute(context())
    with pytest.raises(e.TremendousInputError, match=r"over max_total_amount=9\.99"):
        bulk(tmp_path, respondents(2), max_total_amount="9.99").execute(context())
    assert tremendous_sandbox.admin.ledger() == []


@pytest.mark.parametrize("amount", ["1000.005", "1e3", 1000.005, "10,00"])
def test_the_invoice_operator_refuses_instead_of_rounding(tremendous_sandbox: Any, amount: Any) -> None:
    """Was: 1000.005 silently rounded and "1e3" accepted."""
    with pytest.raises(e.TremendousInputError, match=r"amount: .*nothing was sent"):
        TremendousCreateInvoiceOperator(task_id="fund", amount=amount).execute(context())


def test_a_single_reward_with_a_decimal_comma_is_refused(tremendous_sandbox: Any) -> None:
    reward = {**REWARD, "value": {"denomination": "10,50", "currency_code": "USD"}}
    with pytest.raises(e.TremendousInputError, match="has a comma"):
        TremendousCreateOrderOperator(task_id="pay", reward=reward).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


# -- keys ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spellings",
    [[17, 17.0], ["17", "17.0"], ["R17", "r17"], ["Jos\u00e9", "Jose\u0301"], ["r17", " R17 "]],
    ids=["int-float", "pandas-text", "case", "nfc-nfd", "spaces"],
)
def test_one_person_under_two_spellings_is_refused_with_both_rows(
    tremendous_sandbox: Any, tmp_path: Path, spellings: list[Any]
) -> None:
    """Was: the same person paid once per spelling of the key."""
    rows = [
        {"respondent_id": key, "amount": "5", "name": "Jo", "email": f"p{n}@example.com"}
        for n, key in enumerate(spellings)
    ]
    with pytest.raises(e.TremendousInputError, match=r"row 2 .*duplicate key: .* is already row 1's key"):
        bulk(tmp_path, rows).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_keep_case_makes_case_significant(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = [
        {"respondent_id": k, "amount": "5", "email": f"{n}@example.com", "name": "x"}
        for n, k in enumerate(["Ab", "aB"])
    ]
    summary = bulk(tmp_path, rows, keep_case=True).execute(context())
    assert summary["paid"] == 2 and set(_paid(tremendous_sandbox)) == {"survey-42~Ab", "survey-42~aB"}


def test_a_re_spelled_key_next_run_is_not_paid_again(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Rows exported once with integers and once by pandas with floats are the same people."""
    first = [{"respondent_id": i, "amount": "5", "email": f"p{i}@example.com", "name": "x"} for i in range(5)]
    bulk(tmp_path, first).execute(context())
    again = [{**row, "respondent_id": float(row["respondent_id"])} for row in first]
    (tmp_path / "results.csv").unlink()
    summary = bulk(tmp_path, again).execute(context())
    assert (summary["created"], summary["already_paid"]) == (0, 5)
    assert sum(_paid(tremendous_sandbox).values()) == 5


# -- payouts begun under the earlier derivation ------------------------------------------------------------------
def _pay_as_v1(payout_id: str, rows: list[dict[str, Any]]) -> None:
    """Orders exactly as the provider before canonical keys placed them (external id of the key as written)."""
    hook = TremendousHook()
    for row in rows:
        legacy = str(row["respondent_id"]).strip()
        reward = {
            "value": {"denomination": 5.0, "currency_code": "USD"},  # as the bulk operator sends it
            "recipient": {"name": row["name"], "email": row["email"]},
            "delivery": {"method": "EMAIL"},
            "campaign_id": "CAMPAIGN00001",
        }
        ident = external_id(payout_id, legacy, scheme=LEGACY_V1)
        body = {"external_id": ident, "payment": {"funding_source_id": "balance"}, "reward": reward}
        hook.create_order(body)


def test_a_payout_begun_before_canonical_keys_is_resumed_without_paying_again(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    rows = respondents(6)
    rows[4]["respondent_id"] = "Long-" + "K" * 120  # hashed under both derivations, differently
    rows[5]["respondent_id"] = 42.0  # written "42.0" by v1
    _pay_as_v1("survey-42", rows[:4] + rows[4:])
    assert sum(_paid(tremendous_sandbox).values()) == 6
    summary = bulk(tmp_path, rows).execute(context())
    assert (summary["paid"], summary["created"], summary["already_paid"]) == (6, 0, 6)
    assert sum(_paid(tremendous_sandbox).values()) == 6, "nobody paid again under the new ids"
    recorded = {line["external_id"]: line["id_scheme"] for line in results(tmp_path / "results.csv")}
    assert set(recorded.values()) == {"v1"}, "each row records the derivation its order was found under"


@settings(deadline=None, max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    keys=st.lists(
        st.one_of(
            st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,12}", fullmatch=True),
            st.integers(0, 10**6).map(float),
            st.text(min_size=90, max_size=120, alphabet="abcXYZ"),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda k: canonical_key(k),
    ),
    already=st.integers(0, 6),
)
def test_property_no_key_of_a_v1_payout_is_paid_twice_on_resume(
    tremendous_sandbox: Any, tmp_path: Path, keys: list[Any], already: int
) -> None:
    tremendous_sandbox.admin.reset()
    rows = [{"respondent_id": k, "amount": "5", "email": f"p{n}@example.com", "name": "x"} for n, k in enumerate(keys)]
    _pay_as_v1("prop", rows[:already])
    result = tmp_path / f"r{abs(hash(tuple(map(str, keys))))}.csv"
    bulk(tmp_path, rows, payout_id="prop", result_path=str(result)).execute(context())
    paid = _paid(tremendous_sandbox)
    assert sum(paid.values()) == len(rows) and max(paid.values()) == 1


def test_switching_keep_case_mid_payout_is_refused_before_anything_is_sent(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """keep_case decides who counts as the same person, so it is pinned per payout (its ids carry it)."""
    rows = respondents(5)
    bulk(tmp_path, rows[:3], keep_case=True).execute(context())
    (tmp_path / "results.csv").unlink()
    with pytest.raises(e.TremendousInputError, match="continue it with keep_case=True"):
        bulk(tmp_path, rows).execute(context())
    bulk(tmp_path, rows[3:], payout_id="other").execute(context())
    with pytest.raises(e.TremendousInputError, match=r"continue it with keep_case=False \(the default\)"):
        bulk(tmp_path, rows, payout_id="other", keep_case=True).execute(context())
    assert sum(_paid(tremendous_sandbox).values()) == 5


def test_a_payout_whose_orders_cannot_be_read_sends_nothing(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(max_retries=0))
    tremendous_sandbox.admin.faults(error_rate=1.0, method="GET", path_prefix="/orders")
    with pytest.raises(e.TremendousServerError):
        bulk(tmp_path, respondents(2)).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_without_a_complete_history_earlier_ids_are_looked_up_and_a_failure_is_uncertain(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the vendor cannot list the whole payout (Tango's 10,000 cap), each earlier id is looked up."""
    from airflow_provider_tremendous.vendors.tremendous.payouts import TremendousPayoutAdapter

    monkeypatch.setattr(TremendousPayoutAdapter, "list_cap", 0)  # every history counts as capped
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(max_retries=0))
    _pay_as_v1("survey-42", respondents(1))
    with pytest.raises(e.TremendousInputError, match="listing of this account's orders is capped"):
        bulk(tmp_path, respondents(2)).execute(context())  # who was paid under other keys cannot be checked
    capped = {"allow_shared_recipients": True}  # paid on those terms: each row still looked up by its own ids
    summary = bulk(tmp_path, respondents(2), **capped).execute(context())
    assert (summary["already_paid"], summary["created"]) == (1, 1), "found under its v1 id, one by one"
    tremendous_sandbox.admin.faults(error_rate=1.0, method="GET", path_prefix="/orders/")
    (tmp_path / "results.csv").unlink()
    with pytest.raises(TremendousPayoutError, match=r"3 rows are unknown: their order may exist"):
        bulk(tmp_path, respondents(3), fail_on_error=False, **capped).execute(context())  # fails whatever it says
    assert len(tremendous_sandbox.admin.ledger()) == 2
    lines = results(tmp_path / "results.csv")
    assert all(r["outcome"] == "unknown" and "unknown, not sent now" in r["error"] for r in lines)


# -- Tango Card ids ------------------------------------------------------------------------------------------------
def test_the_strict_emulator_refuses_what_tango_documents_forbid(tremendous_sandbox: Any) -> None:
    from tests.vendors.tangocard.conftest import order_body as tango_order

    with pytest.raises(e.TremendousAPIError, match=r"422\.111"):
        TangoCardHook().create_order(tango_order("survey-7:T00001"))
    with pytest.raises(e.TremendousAPIError, match=r"422\.110"):
        TangoCardHook().create_order(tango_order("a" * 101))
    tremendous_sandbox.admin.settings(tango_lenient_external_ref_ids=True)
    assert TangoCardHook().create_order(tango_order("survey-7:T00001")).external_ref_id == "survey-7:T00001"


def test_a_tango_payout_begun_with_old_ids_on_a_lenient_api_is_not_paid_again(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    from tests.vendors.tangocard.conftest import order_body as tango_order
    from tests.vendors.tangocard.conftest import respondents as tango_rows

    tremendous_sandbox.admin.settings(tango_lenient_external_ref_ids=True)
    rows = tango_rows(4)
    for row in rows[:2]:
        body = tango_order(f"survey-7:{row['respondent_id']}", amount=5, utid="U000002")
        body["recipient"] = {"email": row["email"], "firstName": "Resp", "lastName": row["name"].split()[1]}
        TangoCardHook().create_order(body)
    summary = tango_bulk(tmp_path, rows).execute(context())
    assert (summary["created"], summary["already_paid"]) == (2, 2)
    refs = [o["external_ref_id"] for o in tremendous_sandbox.admin.tangocard_ledger()["orders"]]
    assert len(refs) == 4
    assert sorted(refs[2:]) == sorted(
        row_ids("survey-7", r["respondent_id"], "tangocard").external_id for r in rows[2:]
    )


# -- single orders -------------------------------------------------------------------------------------------------
def test_production_single_orders_need_an_explicit_key(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: a new DAG run for the same person derived a new key and paid again, on production too."""
    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT",
        tremendous_sandbox.airflow_conn_json(api_key="PROD_x", environment="production"),
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_TANGOCARD_DEFAULT", tremendous_sandbox.tangocard_conn_json(environment="production")
    )
    before = tremendous_sandbox.admin.stats().get("requests", 0)
    with pytest.raises(e.TremendousInputError, match="production connection needs an explicit idempotency key"):
        TremendousCreateOrderOperator(task_id="pay", reward=REWARD).execute(context())
    recipient = {"email": "a@example.com", "firstName": "A"}
    with pytest.raises(e.TremendousInputError, match="production connection needs an explicit idempotency key"):
        TangoCardCreateOrderOperator(task_id="pay", utid="U000001", amount="10", recipient=recipient).execute(context())
    assert tremendous_sandbox.admin.stats().get("requests", 0) == before, "nothing was sent"


def test_a_given_key_is_looked_up_before_sending(tremendous_sandbox: Any) -> None:
    TremendousHook().create_order(order_body("given-1"))
    order = TremendousCreateOrderOperator(task_id="pay", reward=REWARD, external_id="given-1").execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1 and order["external_id"] == "given-1"
    changed = {**REWARD, "value": {"denomination": 25, "currency_code": "USD"}}
    with pytest.raises(e.TremendousConflictError, match="another amount"):
        TremendousCreateOrderOperator(task_id="pay", reward=changed, external_id="given-1").execute(context())
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_a_tango_order_begun_under_the_old_derived_key_is_not_paid_again(tremendous_sandbox: Any) -> None:
    from airflow_provider_tremendous.core.external_ids import task_instance_external_id

    tremendous_sandbox.admin.settings(tango_lenient_external_ref_ids=True)
    old = task_instance_external_id("dag", "pay", "run", -1, max_length=100)  # dots: the key before this change
    first = TangoCardHook().create_order(_tango_order(old))
    recipient = {"email": "a@example.com", "firstName": "A"}
    again = TangoCardCreateOrderOperator(task_id="pay", utid="U000001", amount="10", recipient=recipient).execute(
        context(dag_id="dag", task_id="pay", run_id="run")
    )
    assert again["referenceOrderID"] == first.reference_order_id
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 1


# -- what the first adversarial review proved (each failed on the step before these fixes) -----------------------
def test_keep_case_rows_differing_only_in_case_are_both_paid_and_never_again(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: ``AB`` took ``ab``'s order for its own (its other-case id is ``ab``'s id): one order, "paid 2"."""
    rows = [{"respondent_id": "ab", "amount": "5", "name": "L", "email": "l@example.com"}]
    rows += [{**r, "respondent_id": r["respondent_id"].lower()} for r in respondents(30)]
    rows += [{"respondent_id": "AB", "amount": "7", "name": "U", "email": "u@example.com"}]
    summary = bulk(tmp_path, rows, keep_case=True).execute(context())
    assert summary["created"] == 32 and sum(_paid(tremendous_sandbox).values()) == 32
    (tmp_path / "results.csv").unlink()
    again = bulk(tmp_path, rows, keep_case=True).execute(context())
    assert (again["created"], again["already_paid"]) == (0, 32)


def test_keep_case_rows_on_tango_are_both_paid(tremendous_sandbox: Any, tmp_path: Path) -> None:
    from tests.vendors.tangocard.conftest import respondents as tango_rows

    rows = tango_rows(2)
    rows[0]["respondent_id"], rows[1]["respondent_id"] = "ab", "AB"
    summary = tango_bulk(tmp_path, rows, keep_case=True).execute(context())
    assert summary["created"] == 2 and len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 2


@pytest.mark.parametrize(
    ("first", "again"),
    [("R17", "r17"), ("17.0", 17), ("Jose\u0301", "Jos\u00e9"), ("\uff32\uff11\uff17", "R17"), ("R17\u200b", "R17")],
    ids=["case", "pandas", "nfd-nfc", "full-width", "zero-width-removed"],
)
def test_a_v1_payout_resumed_with_a_re_spelled_key_pays_nobody_twice(
    tremendous_sandbox: Any, tmp_path: Path, first: Any, again: Any
) -> None:
    """Was: the v1 id was derived from the new spelling only, so the first spelling's order was never found."""
    row = {"respondent_id": first, "amount": "5", "name": "x", "email": "p@example.com"}
    _pay_as_v1("survey-42", [row])
    summary = bulk(tmp_path, [{**row, "respondent_id": again}]).execute(context())
    assert (summary["created"], summary["already_paid"]) == (0, 1)
    assert sum(_paid(tremendous_sandbox).values()) == 1


def test_an_order_found_under_an_earlier_id_for_another_payment_is_not_taken_as_paid(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: any order under the row's v1 id counted as its payment, whatever its amount and recipient."""
    _pay_as_v1("survey-42", [{"respondent_id": "R17", "name": "x", "email": "p@example.com"}])
    rows = [{"respondent_id": "R17", "amount": "50", "name": "x", "email": "other@example.com"}]
    summary = bulk(tmp_path, rows, fail_on_error=False).execute(context())
    assert (summary["paid"], summary["failed"]) == (0, 1) and summary["paid_by_currency"] == {}
    (line,) = results(tmp_path / "results.csv")
    assert "already used for a different reward" in line["error"] and "amount 5" in line["error"]
    assert sum(_paid(tremendous_sandbox).values()) == 1


def test_a_literal_key_spelled_like_a_v1_hash_does_not_stand_in_for_the_hashed_key(
    tremendous_sandbox: Any, tmp_path: Path
) -> None:
    """Was: the long key's v1 id (``h-<hash>``) is the literal key's id now, so one order was taken for both."""
    import hashlib

    long_key = "L" * 120
    literal = "h-" + hashlib.sha256(long_key.encode()).hexdigest()[:32]
    rows = [
        {"respondent_id": literal, "amount": "5", "name": "a", "email": "a@example.com"},
        {"respondent_id": long_key, "amount": "7", "name": "b", "email": "b@example.com"},
    ]
    for _ in range(2):  # the first run, then a resume that must find both
        bulk(tmp_path, rows, max_concurrency=1).execute(context())
        (tmp_path / "results.csv").unlink()
    assert sum(_paid(tremendous_sandbox).values()) == 2


@pytest.mark.parametrize(
    ("value", "reason"),
    [(float(12345678901234567), "too large to be exact"), (2.0**60, "too large to be exact")],
)
def test_float_keys_beyond_exact_integers_are_refused(value: float, reason: str) -> None:
    """Was: float(12345678901234567) became the key 12345678901234568 — somebody else's id."""
    with pytest.raises(ValueError, match=reason):
        canonical_key(value)


def test_negative_numbers_are_canonical_too() -> None:
    assert canonical_key(-17) == canonical_key("-17.0") == canonical_key(-17.0) == "-17"


def test_a_float_subclass_is_read_by_its_value() -> None:
    """numpy's float64 is a float subclass with a repr of its own; it used to crash key canonicalisation."""
    from airflow_provider_tremendous.core.money import parse_amount

    class Float64(float):
        def __repr__(self) -> str:
            return f"np.float64({float.__repr__(self)})"

    assert canonical_key(Float64(17.0)) == "17" and str(parse_amount(Float64(10.5))) == "10.5"


def test_a_tango_order_key_with_dashes_from_before_is_looked_up_then_sent_alphanumeric(
    tremendous_sandbox: Any,
) -> None:
    """Was: the dashed key was refused and the only way forward, a new key, paid again."""
    from airflow_provider_tremendous.operators.tangocard import alphanumeric_key

    tremendous_sandbox.admin.settings(tango_lenient_external_ref_ids=True)
    recipient = {"email": "a@example.com", "firstName": "A"}
    first = TangoCardHook().create_order(_tango_order("survey-42-r17"))
    operator = TangoCardCreateOrderOperator(
        task_id="pay", utid="U000001", amount="10", recipient=recipient, external_ref_id="survey-42-r17"
    )
    assert operator.execute(context())["referenceOrderID"] == first.reference_order_id
    tremendous_sandbox.admin.settings(tango_lenient_external_ref_ids=False)
    fresh = TangoCardCreateOrderOperator(
        task_id="pay", utid="U000001", amount="10", recipient=recipient, external_ref_id="survey-42-r18"
    ).execute(context())
    assert fresh["externalRefID"] == alphanumeric_key("survey-42-r18") != alphanumeric_key("survey42r18")
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 2


def test_a_lost_answer_whose_look_up_also_fails_is_uncertain_not_unpaid() -> None:
    """Was: "not paid (...); safe to retry" although the order may exist."""
    from airflow_provider_tremendous.payouts.adapter import VendorAdapter

    class LostEverything(VendorAdapter):
        def submit(self, row: dict[str, Any]) -> Any:
            raise e.TremendousServerError(status=500, message="lost after commit", method="POST", path="/orders")

        def lookup(self, external_id: str) -> Any:
            raise e.TremendousServerError(status=500, message="lost too", method="GET", path="/orders/x")

    row = {"row": 1, "key": "r1", "external_id": "p:r1", "amount": "5.00", "currency": "USD"}
    outcome = LostEverything().pay(row)
    assert outcome.outcome == "unknown" and outcome.error is not None
    assert outcome.error.startswith("unknown") and "may have been paid" in outcome.error
    assert "not paid" not in outcome.error


@pytest.mark.parametrize("amount", ["90071992547409.93", "100000.01"])
def test_a_single_reward_over_the_plausible_maximum_is_refused(tremendous_sandbox: Any, amount: str) -> None:
    """Was: sent as a float that is not the amount (90071992547409.94), stopped only by the product range."""
    reward = {**REWARD, "value": {"denomination": amount, "currency_code": "USD"}}
    with pytest.raises(e.TremendousInputError, match="check the unit"):
        TremendousCreateOrderOperator(task_id="pay", reward=reward).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


# -- what the second adversarial review proved (each failed on the code it reviewed) -----------------------------
def _ab_rows() -> list[dict[str, Any]]:
    return [
        {"respondent_id": "ab", "amount": "5", "name": "L", "email": "l@example.com"},
        {"respondent_id": "AB", "amount": "7", "name": "U", "email": "u@example.com"},
    ]


def test_a_keep_case_retry_never_takes_another_rows_ledger_record(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: the retry wrote AB as already_paid with ab's order (its other-case id was ab's id)."""
    tremendous_sandbox.admin.faults(error_rate=1.0, path_prefix="/orders", method="POST", skip_next=1)
    with pytest.raises(Exception):  # noqa: B017 - the first try fails on AB, whatever the error class
        bulk(tmp_path, _ab_rows(), keep_case=True, max_concurrency=1, hook_params={"max_retries": 0}).execute(context())
    tremendous_sandbox.admin.faults(error_rate=0.0, skip_next=0)
    bulk(tmp_path, _ab_rows(), keep_case=True).execute(context())
    assert sorted(o["recipient"]["email"] for o in tremendous_sandbox.admin.ledger()) == [
        "l@example.com",
        "u@example.com",
    ]


def test_a_keep_case_person_added_in_a_later_batch_is_paid(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: AB, added later, was reported already_existed with ab's order."""
    first, later = _ab_rows()
    bulk(tmp_path, [first], keep_case=True, result_path=str(tmp_path / "a.csv")).execute(context())
    summary = bulk(tmp_path, [first, later], keep_case=True, result_path=str(tmp_path / "b.csv")).execute(context())
    assert (summary["created"], summary["already_paid"]) == (1, 1)
    assert len(tremendous_sandbox.admin.ledger()) == 2


def test_a_changed_amount_is_not_hidden_by_the_result_file(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: the ledger said already_paid at the new amount; the vendor held the old one."""
    bulk(tmp_path, respondents(1, amount="5")).execute(context())
    summary = bulk(tmp_path, respondents(1, amount="7"), fail_on_error=False).execute(context())
    assert (summary["paid"], summary["failed"]) == (0, 1)
    (line,) = results(tmp_path / "results.csv")
    assert "already used for a different reward" in line["error"] and "amount 5" in line["error"]


@pytest.mark.parametrize(
    ("first", "again"),
    [("R17\u00ad", "R17"), ("R\u206617\u2069", "R17"), ("R17\u061c", "R17"), ("#Abc", "#abc"), ("h-Foo", "H-foo")],
    ids=["soft-hyphen", "bidi-isolates", "arabic-letter-mark", "hash-mark", "h-dash"],
)
def test_more_v1_spellings_are_found(tremendous_sandbox: Any, tmp_path: Path, first: str, again: str) -> None:
    """Was: keys with other invisible characters, or starting with # or h-, were paid again once re-spelled."""
    row = {"respondent_id": first, "amount": "5", "name": "x", "email": "p@example.com"}
    _pay_as_v1("survey-42", [row])
    summary = bulk(tmp_path, [{**row, "respondent_id": again}]).execute(context())
    assert (summary["created"], summary["already_paid"]) == (0, 1)


def test_a_v1_spelling_paid_for_another_amount_fails_the_row(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: R17 paid 5.00 under v1, r17 asking 7.00 was paid again (one canonical key, two payments)."""
    _pay_as_v1("survey-42", [{"respondent_id": "R17", "name": "x", "email": "p@example.com"}])
    rows = [{"respondent_id": "r17", "amount": "7", "name": "x", "email": "p@example.com"}]
    summary = bulk(tmp_path, rows, fail_on_error=False).execute(context())
    assert (summary["created"], summary["failed"]) == (0, 1) and len(tremendous_sandbox.admin.ledger()) == 1


def test_a_capped_tango_listing_is_never_taken_for_the_whole_payout(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: the cap was compared with this payout's orders only; other payouts' orders filled the listing."""
    from airflow_provider_tremendous.sandbox.tangocard.domain import orders as sandbox_orders
    from airflow_provider_tremendous.vendors.tangocard.payouts import TangoCardPayoutAdapter
    from tests.vendors.tangocard.conftest import order_body as tango_order
    from tests.vendors.tangocard.conftest import respondents as tango_rows

    monkeypatch.setattr(sandbox_orders, "MAX_LISTED", 5)
    monkeypatch.setattr(TangoCardPayoutAdapter, "list_cap", 5)
    tremendous_sandbox.admin.settings(tango_lenient_external_ref_ids=True)
    (row,) = tango_rows(1)
    v1 = tango_order(f"survey-7:{row['respondent_id']}", amount=5, utid="U000002")
    v1["recipient"] = {"email": row["email"], "firstName": "Resp", "lastName": "0"}
    TangoCardHook().create_order(v1)
    for n in range(5):
        TangoCardHook().create_order(tango_order(f"other{n}", amount=5, utid="U000002"))
    summary = tango_bulk(tmp_path, [row], allow_shared_recipients=True).execute(context())  # capped: on those terms
    assert (summary["created"], summary["already_paid"]) == (0, 1), "found by a look-up of its v1 id"
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 6


def test_punycode_look_alike_domains_are_refused_and_identities_agree() -> None:
    """Was: a punycode look-alike of a Latin domain passed; p@exämple.com and its punycode were two people."""
    from airflow_provider_tremendous.core.recipients import check_email, email_identity

    with pytest.raises(ValueError, match="punycode"):
        check_email("ceo@xn--80ak6aa92e.com")
    unicode, puny = "p@ex\u00e4mple.com", "p@xn--exmple-cua.com"
    assert check_email(unicode, True).identity == check_email(puny, True).identity == email_identity(unicode)


def test_an_unknown_campaign_with_products_is_an_invalid_row(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: the row passed validation and the API refused it after the others were paid."""
    rows = respondents(2)
    rows[1].update(products="OKMHM2X2OHYV", campaign_id="NOSUCHCAMP01")
    with pytest.raises(e.TremendousInputError, match=r"row 2 .*campaign_id: NOSUCHCAMP01 is not a campaign"):
        bulk(tmp_path, rows).execute(context())
    assert tremendous_sandbox.admin.ledger() == []


def test_reconciliation_and_the_wait_agree_with_a_resumed_run(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: reconciliation reported missing r17 and unexpected survey-42:R17 after a fold-matched resume; the
    payout wait failed after a resume from the result file."""
    from airflow_provider_tremendous.operators.reconcile import TremendousReconcileOperator
    from airflow_provider_tremendous.sensors import TremendousOrderSensor

    _pay_as_v1("survey-42", [{"respondent_id": "R17", "name": "x", "email": "p@example.com"}])
    rows = [{"respondent_id": "r17", "amount": "5", "name": "x", "email": "p@example.com"}, *respondents(2)]
    bulk(tmp_path, rows[:2]).execute(context())
    summary = bulk(tmp_path, rows).execute(context())  # the same result path: the ledger resumes row 2
    assert (summary["already_paid"], summary["already_existed"], summary["created"]) == (2, 0, 1)
    assert getattr(TremendousOrderSensor(task_id="wait", payout=summary).poke(context()), "is_done", False)
    report = TremendousReconcileOperator(
        task_id="reconcile",
        rows=rows,
        payout_id="survey-42",
        key_field="respondent_id",
        defaults={"campaign_id": "CAMPAIGN00001"},
        report_path=str(tmp_path / "reconcile.csv"),
    ).execute(context())
    assert (report["matched"], report["missing"], report["unexpected"]) == (3, 0, 0)


# -- what the third adversarial review proved ---------------------------------------------------------------------
def _capped_tango(monkeypatch: pytest.MonkeyPatch, cap: int = 5) -> None:
    """Tango's 10,000-order listing cap, scaled down to ``cap``."""
    from airflow_provider_tremendous.sandbox.tangocard.domain import orders as sandbox_orders
    from airflow_provider_tremendous.vendors.tangocard.payouts import TangoCardPayoutAdapter

    monkeypatch.setattr(sandbox_orders, "MAX_LISTED", cap)
    monkeypatch.setattr(TangoCardPayoutAdapter, "list_cap", cap)


def _push_out_of_the_listing() -> None:
    from tests.vendors.tangocard.conftest import order_body as tango_order

    for n in range(5):  # other payouts' newer orders fill the capped listing
        TangoCardHook().create_order(tango_order(f"other{n}", amount=5, utid="U000002"))


def test_keep_case_past_a_capped_tango_listing_is_refused_before_sending(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was (reviews 3 and 4): with the payout's orders outside the capped listing, a keep_case=True run paid
    everyone again (v1 or keep_case=False orders unseen). The pin cannot be checked there, so it is refused."""
    from tests.vendors.tangocard.conftest import respondents as tango_rows

    _capped_tango(monkeypatch)
    rows = tango_rows(2)
    tango_bulk(tmp_path, rows, result_path=str(tmp_path / "a.csv")).execute(context())
    _push_out_of_the_listing()
    with pytest.raises(e.TremendousInputError, match="cannot be checked; continue it with keep_case=False"):
        tango_bulk(tmp_path, rows, keep_case=True, result_path=str(tmp_path / "b.csv")).execute(context())
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 7, "nobody paid twice"


@pytest.mark.parametrize("fail_on_error", [True, False])
def test_a_keep_case_payout_continued_without_it_past_a_capped_listing_fails_the_task(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_on_error: bool
) -> None:
    """Was: the switched run paid everyone again; then (review 4) with fail_on_error=False it succeeded."""
    from tests.vendors.tangocard.conftest import respondents as tango_rows

    _capped_tango(monkeypatch)
    rows = tango_rows(2)
    tango_bulk(tmp_path, rows, keep_case=True, result_path=str(tmp_path / "a.csv")).execute(context())
    _push_out_of_the_listing()
    with pytest.raises(e.TremendousInputError, match="other keep_case setting"):
        tango_bulk(
            tmp_path,
            rows,
            fail_on_error=fail_on_error,
            max_concurrency=1,
            result_path=str(tmp_path / "b.csv"),
            allow_shared_recipients=True,  # a capped listing: paid on those terms
        ).execute(context())
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 7, "nobody paid twice"
    first = results(tmp_path / "b.csv")[0]
    assert "may have been paid under that setting" in first["error"] and "not paid" not in first["error"]


def test_the_result_file_never_vouches_for_another_recipient(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """Was: with the result file, a row whose email changed was already_paid; without it, the row failed."""
    rows = respondents(2)
    bulk(tmp_path, rows).execute(context())
    rows[1] = {**rows[1], "email": "someone.else@example.com"}
    with_file = bulk(tmp_path, rows, fail_on_error=False).execute(context())
    (tmp_path / "results.csv").unlink()
    fresh = bulk(tmp_path, rows, fail_on_error=False).execute(context())
    assert (with_file["failed"], fresh["failed"]) == (1, 1) and len(tremendous_sandbox.admin.ledger()) == 2


@pytest.mark.parametrize("vendor", ["tremendous", "tangocard"])
def test_an_internationalised_address_is_recognised_on_resume(
    tremendous_sandbox: Any, tmp_path: Path, vendor: str
) -> None:
    """Was: the echoed p@exämple.com was compared case-folded with the row's punycode identity: "another email"."""
    from tests.vendors.tangocard.conftest import respondents as tango_rows

    run = bulk if vendor == "tremendous" else tango_bulk
    rows = (respondents if vendor == "tremendous" else tango_rows)(1)
    rows[0]["email"] = "p@ex\u00e4mple.com"
    run(tmp_path, rows, allow_international_email=True).execute(context())
    (tmp_path / "results.csv").unlink()
    again = run(tmp_path, rows, allow_international_email=True, fail_on_error=False).execute(context())
    assert (again["already_paid"], again["failed"]) == (1, 0)

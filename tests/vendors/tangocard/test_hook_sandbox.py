"""TangoCardHook against the sandbox's RaaS v2 emulator: every method, idempotency, errors, paging, auth."""

from __future__ import annotations

import asyncio
import base64
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from airflow_provider_tremendous.core.transport.tokens import token_slot
from airflow_provider_tremendous.hooks.tangocard import TangoCardAsyncHook, TangoCardHook
from airflow_provider_tremendous.vendors.tangocard import errors as te
from tests.vendors.tangocard.conftest import ACCOUNT, CUSTOMER, order_body

CARD = {"number": "4111111111111111", "expiration": "2030-12", "verificationNumber": "123"}


def _account(hook: TangoCardHook, customer: str = "c1", account: str = "a1") -> None:
    hook.create_customer({"customerIdentifier": customer, "displayName": "Customer"})
    hook.create_account(customer, {"accountIdentifier": account, "displayName": "Account", "contactEmail": "a@b.co"})


def test_customers_accounts_cards_and_deposits_move_the_balance(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    _account(hook)
    with pytest.raises(te.TangoCardConflictError):
        hook.create_customer({"customerIdentifier": "c1", "displayName": "again"})
    assert {a.account_identifier for a in hook.list_customer_accounts("c1")} == {"a1"}
    assert hook.get_customer("c1").accounts[0]["accountIdentifier"] == "a1"
    assert hook.get_account("a1").current_balance == 0
    card = hook.register_credit_card(
        {
            "customerIdentifier": "c1",
            "accountIdentifier": "a1",
            "label": "l",
            "ipAddress": "127.0.0.1",
            "creditCard": CARD,
        }
    )
    assert card.last_four_digits == "1111" and hook.get_credit_card(card.token).status == "ACTIVE"
    deposit = {
        "customerIdentifier": "c1",
        "accountIdentifier": "a1",
        "creditCardToken": card.token,
        "amount": 50,
        "externalRefID": "dep1",
    }
    first = hook.create_credit_card_deposit.with_http_info(deposit)
    again = hook.create_credit_card_deposit.with_http_info(deposit)
    assert (first.status_code, again.status_code) == (201, 201), "strict: a repeated deposit charges again (#2)"
    assert first.data.reference_deposit_id != again.data.reference_deposit_id
    assert first.data.amount_charged == Decimal("51.75") and first.data.fee_percent == Decimal("3.5")
    assert hook.get_credit_card_deposit(first.data.reference_deposit_id).status == "SUCCESS"
    assert hook.get_account("a1").current_balance == 100
    tremendous_sandbox.admin.settings(tango_deduplicate_funding=True)
    replay = hook.create_credit_card_deposit.with_http_info(deposit)
    assert replay.status_code == 200 and replay.data.reference_deposit_id == first.data.reference_deposit_id
    assert hook.get_account("a1").current_balance == 100, "lenient: the replay returns the original deposit"
    hook.unregister_credit_card({"customerIdentifier": "c1", "accountIdentifier": "a1", "creditCardToken": card.token})
    assert hook.list_credit_cards() == [] and len(hook.list_credit_cards(show_inactive=True)) == 1


def test_orders_are_idempotent_by_external_ref_id_and_spend_the_balance(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    before = hook.get_balance().current_balance
    created = hook.create_order.with_http_info(order_body("ref1", amount=12.5))
    replay = hook.create_order.with_http_info(order_body("ref1", amount=99))  # a replay returns the original
    assert (created.status_code, replay.status_code) == (201, 200)
    assert replay.data.reference_order_id == created.data.reference_order_id
    assert replay.data.denomination is not None and replay.data.denomination.value == Decimal("12.5")
    assert created.data.status == "COMPLETE" and created.data.reference_order_id.startswith("RA")
    assert before is not None and hook.get_balance().current_balance == before - Decimal("12.5")
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 1
    assert hook.find_order("ref1") is not None and hook.find_order("nope") is None
    assert hook.get_order(created.data.reference_order_id).reward is not None


@pytest.mark.parametrize(
    ("body", "error", "key"),
    [
        (order_body("x", amount=5000), te.TangoCardUnprocessableError, "422.025"),
        (order_body("x", amount=15, utid="U000010"), te.TangoCardUnprocessableError, "422.027"),
        (order_body("x", amount=50, utid="U000099"), te.TangoCardUnprocessableError, "422.030"),
        (order_body("x", amount=1.005), te.TangoCardUnprocessableError, "422.140"),
        (order_body("x", recipient={"email": "a@b.co"}), te.TangoCardBadRequestError, "400.001"),
        (order_body("x", etid="E12"), te.TangoCardUnprocessableError, "422.124"),
    ],
)
def test_invalid_orders_are_refused_with_tango_keys_and_nothing_is_spent(
    tremendous_sandbox: Any, body: dict[str, Any], error: type[Exception], key: str
) -> None:
    hook = TangoCardHook()
    with pytest.raises(error) as raised:
        hook.create_order(body)
    assert raised.value.i18n_key == key  # type: ignore[attr-defined]
    assert tremendous_sandbox.admin.tangocard_ledger()["orders"] == []


def test_insufficient_funds_is_402_001(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.tangocard_set_balance(ACCOUNT, 5)
    with pytest.raises(te.TangoCardPaymentRequiredError) as raised:
        TangoCardHook().create_order(order_body("poor", amount=10))
    assert raised.value.i18n_key == "402.001"


def test_in_process_replay_is_retried_after_two_seconds_with_the_same_id(tremendous_sandbox: Any) -> None:
    """409.002: the first order with this id is still in process; the hook waits (≥ 2 s) and gets it back."""
    tremendous_sandbox.admin.settings(tango_in_process_seconds=1.0)
    hook = TangoCardHook()
    first = hook.create_order(order_body("busy"))
    again = hook.create_order.with_http_info(order_body("busy"))
    assert again.status_code == 200 and again.data.reference_order_id == first.reference_order_id
    assert len(tremendous_sandbox.admin.tangocard_ledger()["orders"]) == 1


def test_line_items_are_keyset_paged_and_order_lists_page_numbered(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    refs = [f"p{i}" for i in range(7)]
    for ref in refs:
        hook.create_order(order_body(ref, amount=1))
    first = hook.list_line_items(max_results=3)
    assert len(first.items) == 3 and first.next_cursor
    walked = list(hook.list_line_items.iter_all(max_results=3))
    assert [item.external_ref_id for item in walked] == refs, "oldest first, no repeats, none skipped"
    orders = list(hook.list_orders.iter_all(account_identifier=ACCOUNT, elements_per_block=2))
    assert sorted(o.external_ref_id for o in orders) == sorted(refs)
    page = hook.list_orders(page=1, elements_per_block=2)
    assert page.total_count == 7 and page.offset == 2
    only = hook.list_line_items(external_ref_id="p3").items
    assert len(only) == 1 and hook.get_line_item(only[0].reference_line_item_id).status == "COMPLETE"


def test_resends_are_limited_to_one_per_day(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    order = hook.create_order(order_body("resend"))
    assert hook.resend_order(order.reference_order_id).status == "RESENT"
    with pytest.raises(te.TangoCardForbiddenError) as raised:
        hook.resend_order(order.reference_order_id)
    assert raised.value.i18n_key == "403.023"
    tremendous_sandbox.admin.advance(24 * 3600)
    item = hook.list_line_items(reference_order_id=order.reference_order_id).items[0]
    assert (
        hook.resend_line_item(item.reference_line_item_id, {"newEmail": "new@example.com"}).email == "new@example.com"
    )


def test_catalog_rates_and_email_templates(tremendous_sandbox: Any) -> None:
    hook = TangoCardHook()
    items = hook.get_catalog().items()
    assert items["U000010"].face_value == 10 and items["U000001"].max_value == 2000
    assert list(hook.get_catalog(currency_code="EUR").items()) == ["U000003"]
    rates = {r.reward_currency: r.base_fx for r in hook.get_exchange_rates().exchange_rates}
    assert rates["USD"] == 1 and rates["EUR"] > 0
    etids = [hook.create_email_template({"name": f"T{i}", "subject": "Thanks"}).etid for i in range(3)]
    assert all(len(etid) == 7 and etid.startswith("E") for etid in etids)
    assert [t.etid for t in hook.list_email_templates.iter_all(elements_per_block=2)] == sorted(etids)
    assert hook.update_email_template(etids[0], {"subject": "New"}).subject == "New"
    hook.delete_email_template(etids[0])
    with pytest.raises(te.TangoCardNotFoundError):
        hook.get_email_template(etids[0])
    order = hook.create_order(order_body("withtemplate", etid=etids[1]))
    assert order.etid == etids[1]


def test_wrong_credentials_and_errors_in_tangos_shape(tremendous_sandbox: Any) -> None:
    url = tremendous_sandbox.tangocard_base_url
    assert httpx.get(f"{url}/accounts").json()["i18nKey"] == "401.001"
    bad = base64.b64encode(b"name-only:").decode()
    answer = httpx.get(f"{url}/accounts", headers={"Authorization": f"Basic {bad}"})
    assert answer.status_code == 401 and answer.json()["i18nKey"] == "401.002"
    missing = httpx.get(f"{url}/orders/RA-none", auth=("p", "k")).json()
    assert {"timestamp", "requestId", "path", "httpCode", "httpPhrase", "message", "i18nKey", "errors"} <= set(missing)
    assert missing["httpCode"] == 404 and missing["path"] == "/raas/v2/orders/RA-none"


def test_the_emulator_enforces_one_request_per_second(tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    tremendous_sandbox.admin.faults(tango_rate_limit_per_second=1.0)
    monkeypatch.setenv(
        "AIRFLOW_CONN_TANGOCARD_DEFAULT", tremendous_sandbox.tangocard_conn_json(rate_limit_per_second=0, max_retries=0)
    )
    hook = TangoCardHook()
    with pytest.raises(te.TangoCardRateLimitError) as raised:
        for _ in range(3):
            hook.list_accounts()
    assert raised.value.i18n_key == "429.001"


def test_oauth_token_is_fetched_once_and_shared(tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = {
        "oauth_client_id": "client",
        "oauth_client_secret": "secret",
        "oauth_token_url": f"{tremendous_sandbox.origin}/oauth/token",
        "rate_limit_per_second": 0,
    }
    connection = tremendous_sandbox.tangocard_connection(**extra) | {"login": "", "password": ""}
    monkeypatch.setenv("AIRFLOW_CONN_TANGOCARD_DEFAULT", json.dumps(connection))
    first, second = TangoCardHook(), TangoCardHook()
    first.list_accounts()
    slot = token_slot(first.client.credentials.cache_key)  # type: ignore[attr-defined]
    token = slot.access_token
    second.list_accounts()
    assert tremendous_sandbox.admin.stats()["POST /oauth/token"] == 1, "the second hook reused the cached token"
    assert (
        second.client.credentials.headers(second.list_accounts.operation.build_request((), {}))["Authorization"]
        == f"Bearer {token}"
    )
    slot.expires_at = 0  # expired: the next call fetches a new one
    first.list_accounts()
    assert slot.access_token != token
    assert tremendous_sandbox.admin.stats()["POST /oauth/token"] == 2


def test_async_hook_reads_the_same_api(tremendous_sandbox: Any) -> None:
    TangoCardHook().create_order(order_body("async"))

    async def read() -> tuple[str, Any]:
        async with TangoCardAsyncHook() as hook:
            page = await hook.list_orders(external_ref_id="async")
            account = await hook.get_account(ACCOUNT)
            return page.items[0].status, account.customer_identifier

    assert asyncio.run(read()) == ("COMPLETE", CUSTOMER)


def test_test_connection_never_shows_the_key(tremendous_sandbox: Any) -> None:
    ok, message = TangoCardHook().test_connection()
    assert ok and "sandbox" in message and "sandbox-platform-key" not in message

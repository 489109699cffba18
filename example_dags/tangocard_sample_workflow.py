"""Tango Card's sample workflow, end to end, safe to re-run.

Create a customer → create an account → register a test card → fund the account from the card → check the
balance → read the catalog → place an order → check the balance again → get the order → list its line items →
resend the reward email. Against the local sandbox it needs no account; against Tango's integration environment
use a ``tangocard_default`` connection with your platform name and key (the test card is Tango's sandbox card).

Every step is idempotent: an existing customer, account or card is reused, the deposit and the order carry an
``externalRefID`` derived from the run, so a retried task or a re-run never charges the card or pays twice.

Params: ``customer`` and ``account`` identifiers, ``deposit`` (USD), ``utid`` and ``amount`` of the reward.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_tremendous.operators.tangocard import TangoCardCreateOrderOperator, TangoCardFundAccountOperator
from airflow_provider_tremendous.sensors.tangocard import TangoCardBalanceSensor, TangoCardOrderSensor

#: Tango's published sandbox test card (never a real card).
TEST_CARD = {"number": "4111111111111111", "expiration": "2030-12", "verificationNumber": "123"}
IDS = {"customer_identifier": "{{ params.customer }}", "account_identifier": "{{ params.account }}"}

with DAG(
    dag_id="tangocard_sample_workflow",
    description="Tango Card RaaS v2 sample: customer, account, card, deposit, catalog, order, line items, resend",
    schedule=None,
    start_date=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    params={
        "customer": "sample-customer",
        "account": "sample-account",
        "deposit": 100,
        "utid": "U000001",
        "amount": 10,
        # what this reward is for: the order's idempotency key (letters and digits), so that a new DAG run for the
        # same winner finds the first order instead of paying again; a production connection requires one
        "reward_key": "sampleWinner202611",
    },
    tags=["tangocard", "example"],
    default_args={"retries": 1, "retry_delay": dt.timedelta(seconds=5)},
) as dag:

    @task
    def create_customer_and_account(customer: str, account: str) -> dict[str, Any]:
        """Create the customer and its account, or find them when an earlier run did."""
        from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
        from airflow_provider_tremendous.vendors.tangocard.errors import TangoCardConflictError

        hook = TangoCardHook()
        try:
            hook.create_customer({"customerIdentifier": customer, "displayName": f"Sample customer {customer}"})
        except TangoCardConflictError:
            print(f"customer {customer} already exists")
        try:
            hook.create_account(
                customer,
                {"accountIdentifier": account, "displayName": "Sample account", "contactEmail": "ops@example.com"},
            )
        except TangoCardConflictError:
            print(f"account {account} already exists")
        return hook.get_account(account).to_xcom()

    @task
    def register_test_card(customer: str, account: str) -> str:
        """Register the sandbox test card for the account (reusing one an earlier run registered)."""
        from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

        hook = TangoCardHook()
        for card in hook.list_credit_cards():
            if card.account_identifier == account and card.label == "sample-card" and card.status == "ACTIVE":
                return card.token
        card = hook.register_credit_card(
            {
                "customerIdentifier": customer,
                "accountIdentifier": account,
                "label": "sample-card",
                "ipAddress": "127.0.0.1",
                "creditCard": TEST_CARD,
                "billingAddress": {
                    "firstName": "Sample",
                    "lastName": "Payer",
                    "addressLine1": "1 Main St",
                    "city": "Seattle",
                    "state": "WA",
                    "postalCode": "98101",
                    "country": "US",
                    "emailAddress": "ops@example.com",
                },
            }
        )
        return card.token

    @task
    def read_catalog(utid: str) -> dict[str, Any]:
        """The item to send: it must exist and be active."""
        from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

        item = TangoCardHook().get_catalog().items().get(utid)
        if item is None or (item.status or "").lower() != "active":
            raise ValueError(f"utid {utid} is not an active item of this platform's catalog")
        print(f"{item.utid}: {item.reward_name} ({item.value_type}, {item.currency_code})")
        return item.to_xcom()

    @task
    def balance_after_order(account: str) -> float:
        from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

        balance = float(TangoCardHook().get_account(account).current_balance or 0)
        print(f"balance after the order: {balance:.2f}")
        return balance

    @task
    def order_and_line_items(reference_order_id: str) -> dict[str, Any]:
        """Get the order and list its line items (keyset-paged)."""
        from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

        hook = TangoCardHook()
        order = hook.get_order(reference_order_id)
        items = list(hook.iter_line_items(reference_order_id=reference_order_id))
        print(f"order {order.reference_order_id}: {order.status}, {len(items)} line item(s)")
        return {
            "status": order.status,
            "line_items": [i.reference_line_item_id for i in items],
        }

    @task
    def resend(reference_order_id: str) -> dict[str, Any]:
        """Resend the reward email (Tango allows one resend per 24 h; a second try within that is reported)."""
        from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
        from airflow_provider_tremendous.vendors.tangocard.errors import TangoCardForbiddenError

        try:
            return TangoCardHook().resend_order(reference_order_id).to_xcom()
        except TangoCardForbiddenError as error:
            if error.i18n_key != "403.023":
                raise
            print("already resent within the last 24 hours")
            return {"status": "ALREADY_RESENT"}

    setup = create_customer_and_account("{{ params.customer }}", "{{ params.account }}")
    card = register_test_card("{{ params.customer }}", "{{ params.account }}")
    fund = TangoCardFundAccountOperator(
        task_id="fund_account", amount="{{ params.deposit }}", credit_card_token=card, **IDS
    )
    funded = TangoCardBalanceSensor(
        task_id="check_balance",
        min_balance="{{ params.amount }}",
        account_identifier="{{ params.account }}",
        poke_interval=5,
        timeout=600,
    )
    catalog = read_catalog("{{ params.utid }}")
    order = TangoCardCreateOrderOperator(
        task_id="place_order",
        utid="{{ params.utid }}",
        amount="{{ params.amount }}",
        external_ref_id="{{ params.reward_key }}",
        recipient={"email": "winner@example.com", "firstName": "Sample", "lastName": "Winner"},
        sender={"firstName": "Survey", "lastName": "Team", "email": "ops@example.com"},
        message="Thank you for taking part!",
        **IDS,
    )
    complete = TangoCardOrderSensor(
        task_id="wait_until_complete",
        reference_order_id="{{ ti.xcom_pull(task_ids='place_order', key='reference_order_id') }}",
        poke_interval=5,
        timeout=3600,
    )
    after = balance_after_order("{{ params.account }}")
    details = order_and_line_items("{{ ti.xcom_pull(task_ids='place_order', key='reference_order_id') }}")
    resent = resend("{{ ti.xcom_pull(task_ids='place_order', key='reference_order_id') }}")

    setup >> card
    fund >> funded >> catalog >> order >> complete >> after >> details >> resent

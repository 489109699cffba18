"""The DAG of ``test_secret_hygiene_bearer``: a LINK order over OAuth, a Tango order, card registrations refused
with field errors, and a LINK bulk payout. The private and output directories come from the environment."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator
from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from airflow_provider_tremendous.operators.tangocard import TangoCardCreateOrderOperator

PRIVATE = Path(os.environ.get("BEARER_SCAN_PRIVATE", "/nonexistent"))
OUTPUTS = Path(os.environ.get("BEARER_SCAN_OUTPUTS", "/nonexistent"))


def _card_task() -> Any:
    @task
    def register_cards() -> list[str]:
        """Register a card, then two refused ones; their errors are logged and returned, as users do."""
        from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
        from airflow_provider_tremendous.vendors.tangocard.errors import TangoCardAPIError

        # read at run time: the DAG's code is stored in the metadata database, the cards must not be in it
        card_ok, card_bad, cvv_bad = os.environ["BEARER_SCAN_CARDS"].split(",")
        hook = TangoCardHook()
        ids = {"customerIdentifier": "sandbox-customer", "accountIdentifier": "sandbox-account", "label": "scan"}
        seen = [hook.register_credit_card({**ids, "ipAddress": "127.0.0.1", "creditCard": {"number": card_ok}}).token]
        for card in ({"number": card_bad}, {"number": card_ok, "verificationNumber": cvv_bad}):
            try:
                hook.register_credit_card({**ids, "ipAddress": "127.0.0.1", "creditCard": card})
            except TangoCardAPIError as error:
                print(f"refused: {error} / {error!r} / {error.body}")
                seen.append(str(error))
        return seen

    return register_cards()


with DAG("bearer_secret_scan", schedule=None, start_date=dt.datetime(2026, 1, 1), catchup=False) as dag:
    link = TremendousCreateOrderOperator(
        task_id="link_order",
        tremendous_conn_id="tremendous_oauth",
        reward={
            "value": {"denomination": 5, "currency_code": "USD"},
            "campaign_id": "CAMPAIGN00001",
            "recipient": {"name": "Link Person"},
            "delivery": {"method": "LINK"},
        },
        external_id="scan-link-1",
        redemption_links_path=str(PRIVATE / "links.jsonl"),
    )
    tango = TangoCardCreateOrderOperator(
        task_id="tango_order",
        utid="U000001",
        amount="10",
        recipient={"email": "winner@example.com", "firstName": "Ada"},
        external_ref_id="scan1",
        credentials_path=str(PRIVATE / "credentials.jsonl"),
    )
    rows = [{"respondent_id": f"L{i}", "amount": "1", "name": f"L {i}", "delivery_method": "LINK"} for i in range(3)]
    payout = TremendousBulkPayoutOperator(
        task_id="link_payout",
        rows=rows,
        payout_id="scanlinks",
        key_field="respondent_id",
        campaign_id="CAMPAIGN00001",
        result_path=str(OUTPUTS / "links.csv"),
    )
    link >> tango >> _card_task() >> payout

"""Helpers for the Tango Card tests (against the sandbox's /raas/v2 emulator)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator

ACCOUNT = "sandbox-account"
CUSTOMER = "sandbox-customer"


def order_body(ref: str | None = "order1", amount: float = 10, utid: str = "U000001", **extra: Any) -> dict[str, Any]:
    """A valid emailed order from the sandbox's default account."""
    body: dict[str, Any] = {
        "customerIdentifier": CUSTOMER,
        "accountIdentifier": ACCOUNT,
        "utid": utid,
        "amount": amount,
        "sendEmail": True,
        "recipient": {"email": "winner@example.com", "firstName": "Ada", "lastName": "Lovelace"},
        **extra,
    }
    if ref is not None:
        body["externalRefID"] = ref
    return body


def respondents(count: int, amount: str = "5.00") -> list[dict[str, Any]]:
    """``count`` valid rows keyed by respondent_id (name and email: Tango emails need a first name)."""
    return [
        {"respondent_id": f"T{i:05d}", "amount": amount, "name": f"Resp {i}", "email": f"t{i}@example.com"}
        for i in range(count)
    ]


def tango_bulk(tmp_path: Path, rows: Any, **kwargs: Any) -> TremendousBulkPayoutOperator:
    """The bulk operator paying ``rows`` through ``tangocard_default`` (Reward Link USD, U000002)."""
    settings: dict[str, Any] = {
        "task_id": "pay",
        "rows": rows,
        "payout_id": "survey-7",
        "key_field": "respondent_id",
        "conn_id": "tangocard_default",
        "utid": "U000002",
        "result_path": str(tmp_path / "results.csv"),
        "progress_interval": 60,
        **kwargs,
    }
    return TremendousBulkPayoutOperator(**settings)


def production_connections(monkeypatch: Any, sandbox: Any) -> None:
    """Both connections say production (still on loopback; the sandbox accepts PROD_ keys): their records count."""
    sandbox.admin.settings(production_keys=True)
    monkeypatch.setenv("AIRFLOW_CONN_TANGOCARD_DEFAULT", sandbox.tangocard_conn_json(environment="production"))
    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT", sandbox.airflow_conn_json(api_key="PROD_x", environment="production")
    )


def second_account() -> None:
    """A second Tango Card account, ``acctb``, of the sandbox customer."""
    from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

    TangoCardHook().create_account(
        CUSTOMER, {"accountIdentifier": "acctb", "displayName": "B", "contactEmail": "a@b.co"}
    )


def tango_reconcile(rows: Any, tmp_path: Path, **kwargs: Any) -> dict[str, Any]:
    """Reconcile ``rows`` against Tango payout ``survey-7`` (U000002), report in ``tmp_path``."""
    from airflow_provider_tremendous.operators.reconcile import TremendousReconcileOperator
    from tests.support.context import context

    settings: dict[str, Any] = {
        "task_id": "reconcile",
        "rows": rows,
        "payout_id": "survey-7",
        "key_field": "respondent_id",
        "conn_id": "tangocard_default",
        "utid": "U000002",
        "report_path": str(tmp_path / "reconcile.csv"),
        **kwargs,
    }
    return dict(TremendousReconcileOperator(**settings).execute(context()))


def register_card(hook: Any = None) -> str:
    """Register the sandbox test card for the default account; its token."""
    from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

    card = (hook or TangoCardHook()).register_credit_card(
        {
            "customerIdentifier": CUSTOMER,
            "accountIdentifier": ACCOUNT,
            "label": "card",
            "ipAddress": "127.0.0.1",
            "creditCard": {"number": "4111111111111111", "expiration": "2030-12"},
        }
    )
    return str(card.token)

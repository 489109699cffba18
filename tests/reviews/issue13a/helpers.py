"""Shared helpers of the review-13 reproductions."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from airflow_provider_tremendous.operators.tangocard import TangoCardFundAccountOperator
from tests.tangocard.conftest import ACCOUNT, CUSTOMER


class StateStore:
    """Airflow 3.3's per-task-instance ``context["task_state_store"]``, in memory."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any, *, retention: Any = None) -> None:
        self.values[key] = value


def card() -> str:
    return str(
        TangoCardHook()
        .register_credit_card(
            {
                "customerIdentifier": CUSTOMER,
                "accountIdentifier": ACCOUNT,
                "label": "card",
                "ipAddress": "127.0.0.1",
                "creditCard": {"number": "4111111111111111", "expiration": "2030-12"},
            }
        )
        .token
    )


def fund(token: str, **kwargs: Any) -> TangoCardFundAccountOperator:
    kwargs.setdefault("amount", "250.00")
    return TangoCardFundAccountOperator(task_id="fund", credit_card_token=token, **kwargs)


def deposits(sandbox: Any) -> list[dict[str, Any]]:
    return list(sandbox.state.collections["tango_deposits"].values())

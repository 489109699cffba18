"""Shared helpers of the review-13 reproductions."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.operators.tangocard import TangoCardFundAccountOperator
from tests.support.context import MemoryTaskStateStore
from tests.vendors.tangocard.conftest import register_card

card = register_card


def fund(token: str, **kwargs: Any) -> TangoCardFundAccountOperator:
    kwargs.setdefault("amount", "250.00")
    return TangoCardFundAccountOperator(task_id="fund", credit_card_token=token, **kwargs)


def deposits(sandbox: Any) -> list[dict[str, Any]]:
    return list(sandbox.state.collections["tango_deposits"].values())


StateStore = MemoryTaskStateStore

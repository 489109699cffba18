"""A later deposit/transfer with the same externalRefID but a different amount, card or target is reported as
done (the earlier one), the task succeeds, and the money asked for now is never moved.

Orders compare a replay with the request (TangoCardReplayMismatchError); funding does not: the marker records
the amount and the target but nothing compares them.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_tremendous.core.once import ReusedKeyError
from tests.reviews.issue13a.helpers import card, deposits, fund
from tests.support.context import context
from tests.vendors.tangocard.conftest import ACCOUNT


def test_a_deposit_of_another_amount_under_a_used_ref_is_not_reported_done(tremendous_sandbox: Any) -> None:
    token = card()
    fund(token, amount="250.00", external_ref_id="topUp2026").execute(context(run_id="run-1"))
    # a new DAG run asks for 100.00 USD (reusing the ref by mistake): it must not be reported as deposited
    with pytest.raises(ReusedKeyError, match=r"amount '250\.00'.*new external_ref_id"):
        fund(token, amount="100.00", external_ref_id="topUp2026").execute(context(run_id="run-2"))
    assert len(deposits(tremendous_sandbox)) == 1


def test_a_transfer_to_another_account_under_a_used_ref_is_not_reported_done(tremendous_sandbox: Any) -> None:
    from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
    from airflow_provider_tremendous.operators.tangocard_funding import TangoCardTransferFundsOperator
    from tests.vendors.tangocard.conftest import CUSTOMER, second_account

    second_account()
    TangoCardHook().create_account(
        CUSTOMER, {"accountIdentifier": "acctc", "displayName": "C", "contactEmail": "c@b.co"}
    )

    def move(target: str, run_id: str) -> dict[str, Any]:
        return TangoCardTransferFundsOperator(
            task_id="move", transfer_from=ACCOUNT, transfer_to=target, amount="40.00", external_ref_id="move1"
        ).execute(context(run_id=run_id))

    move("acctb", "run-1")
    with pytest.raises(ReusedKeyError, match="transferTo 'acctb'"):
        move("acctc", "run-2")
    balances = dict(tremendous_sandbox.admin.tangocard_ledger()["balances"])
    assert balances.get("acctc", 0) == 0

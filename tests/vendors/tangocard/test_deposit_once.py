"""A Tango credit-card deposit is never sent twice (issue "Money rules, part 3", item 1).

The sandbox is strict (strictness.md #2): a repeated deposit charges the card again, whatever its externalRefID.
Every try of the task reads the durable marker the first try wrote before its request.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousAPIError
from airflow_provider_tremendous.core.markers import MarkerUnavailableError
from airflow_provider_tremendous.core.once import UncertainSendError
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from airflow_provider_tremendous.operators.tangocard import TangoCardFundAccountOperator
from tests.support.context import MemoryTaskStateStore, context
from tests.vendors.tangocard.conftest import ACCOUNT, register_card


def _fund(token: str, **kwargs: Any) -> TangoCardFundAccountOperator:
    return TangoCardFundAccountOperator(task_id="fund", amount="250.00", credit_card_token=token, **kwargs)


def _deposits(sandbox: Any) -> list[dict[str, Any]]:
    return list(sandbox.state.collections["tango_deposits"].values())


def _airflow_timeout(seconds: int) -> Any:
    """Airflow's own execution-timeout guard (SIGALRM → ``AirflowTaskTimeout``), as the task runner uses it."""
    try:
        from airflow.sdk.execution_time.timeout import timeout
    except ImportError:  # Airflow 2
        from airflow.utils.timeout import timeout  # type: ignore[no-redef]
    return timeout(seconds)


def test_an_execution_timeout_during_the_post_is_never_followed_by_a_second_deposit(tremendous_sandbox: Any) -> None:
    """Airflow's execution timeout fires while the deposit's request is out (the sandbox charged the card and holds
    the answer): before, the try ended as an ordinary failure, Airflow retried it, and the retry charged again."""
    token = register_card()
    tremendous_sandbox.admin.faults(after_commit_delay_ms=4_000, path_prefix="/creditCardDeposits", method="POST")
    with pytest.raises(UncertainSendError) as first, _airflow_timeout(1):
        _fund(token).execute(context())
    assert type(first.value.__cause__).__name__ == "AirflowTaskTimeout"
    tremendous_sandbox.admin.faults(after_commit_delay_ms=0)
    with pytest.raises(UncertainSendError, match="confirm_resend=") as retry:
        _fund(token).execute(context())  # Airflow's retry, on a fresh worker: only the marker remains
    assert "never recorded an answer" in str(retry.value)
    assert len(_deposits(tremendous_sandbox)) == 1, "the card was charged once"


def test_a_lost_answer_then_a_confirmed_resend_sends_once_more_and_only_once(tremendous_sandbox: Any) -> None:
    token = register_card()
    tremendous_sandbox.admin.faults(drop_after_commit_rate=1.0, path_prefix="/creditCardDeposits", method="POST")
    with pytest.raises(UncertainSendError) as lost:
        _fund(token).execute(context())
    tremendous_sandbox.admin.faults(drop_after_commit_rate=0.0)
    attempt = str(lost.value).split("confirm_resend='")[1].split("'")[0]
    with pytest.raises(UncertainSendError, match="confirm_resend="):
        _fund(token, confirm_resend="someotherattempt").execute(context())
    assert len(_deposits(tremendous_sandbox)) == 1
    done = _fund(token, confirm_resend=attempt).execute(context())  # the user checked: not charged, send it
    assert done["charged_now"] is True and len(_deposits(tremendous_sandbox)) == 2
    again = _fund(token, confirm_resend=attempt).execute(context())  # the confirmation left in the DAG
    assert again["charged_now"] is False and again["referenceDepositID"] == done["referenceDepositID"]
    assert len(_deposits(tremendous_sandbox)) == 2


def test_a_refused_deposit_may_be_sent_again(tremendous_sandbox: Any) -> None:
    """A 4xx proves nothing was charged: the next try sends (after the user fixed the card)."""
    hook = TangoCardHook()
    with pytest.raises(TremendousAPIError):
        _fund("not-a-card-token").execute(context())
    assert _deposits(tremendous_sandbox) == []
    token = register_card(hook)
    assert _fund(token).execute(context())["charged_now"] is True
    assert len(_deposits(tremendous_sandbox)) == 1


def test_a_given_external_ref_id_is_one_deposit_in_every_dag_run(tremendous_sandbox: Any) -> None:
    token = register_card()
    first = _fund(token, external_ref_id="novemberTopUp").execute(context(run_id="run-1"))
    second = _fund(token, external_ref_id="novemberTopUp").execute(context(run_id="run-2"))
    assert (first["charged_now"], second["charged_now"]) == (True, False)
    assert second["referenceDepositID"] == first["referenceDepositID"]
    assert len(_deposits(tremendous_sandbox)) == 1
    assert _fund(token, external_ref_id="decemberTopUp").execute(context(run_id="run-2"))["charged_now"] is True


def test_nothing_is_charged_when_no_store_can_keep_the_marker(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_tremendous.core import markers

    class Broken:
        def get(self, key: str) -> None:
            return None

        def set(self, key: str, value: Any) -> None:
            raise RuntimeError("metadata database unreachable")

    token = register_card()
    monkeypatch.setattr(markers, "variable_store", Broken)
    with pytest.raises(MarkerUnavailableError, match="Nothing was sent"):
        _fund(token).execute(context())
    assert _deposits(tremendous_sandbox) == []


def test_the_task_state_store_and_the_variable_each_protect_alone(tremendous_sandbox: Any, marker_store: Any) -> None:
    """Airflow 3.3's state store is kept through a clear but dropped on success with ``clear_on_success``; the
    Variable is kept through both. Either one alone stops a second charge."""

    token = register_card()
    state = MemoryTaskStateStore()
    _fund(token).execute({**context(), "task_state_store": state})
    assert len(state) == 1 and len(marker_store.records) == 1
    state.clear()  # [state_store] clear_on_success
    assert _fund(token).execute({**context(), "task_state_store": state})["charged_now"] is False
    marker_store.records.clear()  # a Variable deleted by hand
    assert _fund(token).execute({**context(), "task_state_store": state})["charged_now"] is False
    assert len(_deposits(tremendous_sandbox)) == 1


def _transfer(**kwargs: Any) -> Any:
    from airflow_provider_tremendous.operators.tangocard_funding import TangoCardTransferFundsOperator

    return TangoCardTransferFundsOperator(
        task_id="move", transfer_from=ACCOUNT, transfer_to="acctb", amount="40.00", **kwargs
    )


def _balances(sandbox: Any) -> dict[str, float]:
    return dict(sandbox.admin.tangocard_ledger()["balances"])


def test_a_transfer_whose_answer_is_lost_is_never_moved_again(tremendous_sandbox: Any) -> None:
    """Strict sandbox: a repeated transfer moves the funds again. Tango offers no look-up of a transfer, so a lost
    answer can only be confirmed by the user; a done transfer is returned as its first try recorded it."""
    from tests.vendors.tangocard.conftest import second_account

    second_account()
    tremendous_sandbox.admin.faults(drop_after_commit_rate=1.0, path_prefix="/transferFunds", method="POST")
    with pytest.raises(UncertainSendError, match=r"transfer of 40\.00"):
        _transfer().execute(context())
    tremendous_sandbox.admin.faults(drop_after_commit_rate=0.0)
    with pytest.raises(UncertainSendError, match="never recorded an answer"):
        _transfer().execute(context())
    assert len(tremendous_sandbox.state.collections["tango_transfers"]) == 1
    moved = _transfer(external_ref_id="move2").execute(context())
    again = _transfer(external_ref_id="move2").execute(context(run_id="run-9"))
    assert (moved["moved_now"], again["moved_now"]) == (True, False)
    assert again["referenceTransferID"] == moved["referenceTransferID"]
    assert len(tremendous_sandbox.state.collections["tango_transfers"]) == 2
    assert _balances(tremendous_sandbox)["acctb"] == 80.0


def test_the_sandbox_moves_a_repeated_transfer_again_unless_told_to_deduplicate(tremendous_sandbox: Any) -> None:
    from tests.vendors.tangocard.conftest import second_account

    second_account()
    hook = TangoCardHook()
    body = {"transferFrom": ACCOUNT, "transferTo": "acctb", "amount": 5, "externalRefID": "t1"}
    first, second = hook.transfer_funds.with_http_info(body), hook.transfer_funds.with_http_info(body)
    assert (first.status_code, second.status_code) == (201, 201)
    tremendous_sandbox.admin.settings(tango_deduplicate_funding=True)
    third = hook.transfer_funds.with_http_info(body)
    assert third.status_code == 200 and third.data.reference_transfer_id == first.data.reference_transfer_id
    assert _balances(tremendous_sandbox)["acctb"] == 10.0


@pytest.mark.parametrize("again", [250, "250", 250.0, "250.00", " 250.0 "])
def test_the_same_amount_spelled_otherwise_is_the_same_deposit(tremendous_sandbox: Any, again: Any) -> None:
    """The marker compares amounts, not their spelling: a retry whose template renders 250 instead of 250.00 is
    the same deposit (not refused as a reused key, not charged again)."""
    token = register_card()
    assert _fund(token).execute(context())["charged_now"] is True
    repeat = TangoCardFundAccountOperator(task_id="fund", amount=again, credit_card_token=token)
    assert repeat.execute(context())["charged_now"] is False
    assert len(_deposits(tremendous_sandbox)) == 1

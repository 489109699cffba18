"""A task instance's own (older) state-store marker shadows the newer shared Variable marker of the same key.

The Variable is keyed by the movement (platform, account, externalRefID) and shared by every DAG run that gives
the same ``external_ref_id`` (documented: "the same deposit in every DAG run that gives it"); the task state store
is per task instance. ``TaskMarkers.read`` prefers the state store, so a run whose own record is stale ignores the
newer "done" another run wrote to the Variable, and charges the card again.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousAPIError
from airflow_provider_tremendous.core.once import UncertainSendError
from tests.reviews.issue13a.helpers import StateStore, card, deposits, fund
from tests.support.context import context

REF = "novemberTopUp"


def test_stale_not_sent_in_one_runs_state_store_charges_again_after_another_run_deposited(
    tremendous_sandbox: Any,
) -> None:
    run1, run2 = StateStore(), StateStore()
    # DAG run 1: the card is not registered yet -> Tango refuses (4xx): marker 'not_sent' in run 1's store + Variable
    with pytest.raises(TremendousAPIError):
        fund("not-a-card-token", external_ref_id=REF).execute({**context(run_id="run-1"), "task_state_store": run1})
    token = card()
    # DAG run 2 (same external_ref_id, e.g. a manual run): deposits -> Variable now says 'done'
    assert fund(token, external_ref_id=REF).execute({**context(run_id="run-2"), "task_state_store": run2})[
        "charged_now"
    ]
    assert len(deposits(tremendous_sandbox)) == 1
    # Someone clears run 1's failed task: its state store still says 'not_sent' and wins over the Variable's 'done'
    again = fund(token, external_ref_id=REF).execute({**context(run_id="run-1"), "task_state_store": run1})
    assert again["charged_now"] is False, "externalRefID novemberTopUp was deposited twice"
    assert len(deposits(tremendous_sandbox)) == 1


def test_a_confirmation_of_one_attempt_charges_twice_across_two_runs(tremendous_sandbox: Any) -> None:
    """The user confirms one uncertain attempt (it charged nothing: a 5xx before commit). The confirmation is
    used in run 2 and sends once; run 1, cleared with the same confirm_resend, still sees its own stale 'sending'
    of that attempt in its state store and sends a second time, although the Variable says 'done'."""
    token = card()
    run1, run2 = StateStore(), StateStore()
    tremendous_sandbox.admin.faults(error_rate=1.0, path_prefix="/creditCardDeposits", method="POST")
    with pytest.raises(UncertainSendError) as lost:
        fund(token, external_ref_id=REF).execute({**context(run_id="run-1"), "task_state_store": run1})
    tremendous_sandbox.admin.faults(error_rate=0.0)
    assert deposits(tremendous_sandbox) == []  # the 5xx came before commit: the user checks, nothing charged
    attempt = str(lost.value).split("confirm_resend='")[1].split("'")[0]
    done = fund(token, external_ref_id=REF, confirm_resend=attempt).execute(
        {**context(run_id="run-2"), "task_state_store": run2}
    )
    assert done["charged_now"] is True and len(deposits(tremendous_sandbox)) == 1
    # run 1's task is cleared; the DAG still carries the confirmation (as the error message told the user to set)
    again = fund(token, external_ref_id=REF, confirm_resend=attempt).execute(
        {**context(run_id="run-1"), "task_state_store": run1}
    )
    assert again["charged_now"] is False, "the one confirmed resend was sent twice"
    assert len(deposits(tremendous_sandbox)) == 1

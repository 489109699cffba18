"""A Tango credit-card deposit under real Airflow: an execution timeout while its request is out, and a worker
killed (SIGKILL) while its request is out, then the task run again. The card is charged once; the later try fails
without sending, naming the attempt to confirm. Markers live in real Airflow Variables (and, on Airflow 3.3+, the
task state store)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.vendors.tangocard.conftest import register_card

ROOT = Path(__file__).parents[2]
#: One Fernet key for every "worker" (Airflow's unit-test mode makes one per process, and a Variable another key
#: cannot decrypt reads as absent: Airflow logs "Can't decrypt _val" and answers 404).
FERNET_KEY = "mRvbA7_Kt3oYQx0cB6qI4aZ0pO0w9yq2hJm1uXvTQ5Y="

DAG_FILE = """
import datetime as dt, os
from airflow.providers.common.compat.sdk import DAG
from airflow_provider_tremendous.operators.tangocard import TangoCardFundAccountOperator

start = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
with DAG(dag_id=os.environ["TEST_DAG_ID"], schedule=None, start_date=start) as dag:
    TangoCardFundAccountOperator(task_id="fund", amount="250.00", credit_card_token=os.environ["TEST_CARD_TOKEN"],
        retries=2, retry_delay=dt.timedelta(0),
        execution_timeout=dt.timedelta(seconds=float(os.environ["TEST_EXECUTION_TIMEOUT"])))
"""

#: Runs the DAG once for one logical date: a second run of the script is the same task instance, cleared and run
#: again (``dag.test`` clears an existing run of that date).
DAG_RUN = """
import datetime as dt, sys
try:
    from airflow.dag_processing.dagbag import DagBag
except ImportError:
    from airflow.models.dagbag import DagBag
dag = DagBag(dag_folder=sys.argv[1]).dags[sys.argv[2]]
when = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)
try:
    run = dag.test(logical_date=when, run_after=when)
except TypeError:  # Airflow 2: deleting the earlier run needs the FAB user table's model loaded
    import airflow.providers.fab.auth_manager.models  # noqa: F401
    run = dag.test(execution_date=when)
print("STATE", getattr(run, "state", run))
"""


def _dag_run(folder: Path, token: str, timeout: float) -> subprocess.Popen[str]:
    """Run the DAG ``fund_<folder name>`` (one per test: the Variables outlive the test) in a child process."""
    (folder / "fund_once.py").write_text(DAG_FILE)
    dag_id = f"fund_{folder.name}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AIRFLOW__CORE__DAGS_FOLDER": str(folder)}
    env |= {"TEST_CARD_TOKEN": token, "TEST_EXECUTION_TIMEOUT": str(timeout), "AIRFLOW__CORE__FERNET_KEY": FERNET_KEY}
    env["TEST_DAG_ID"] = dag_id
    return subprocess.Popen(
        [sys.executable, "-c", DAG_RUN, str(folder), dag_id],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _deposits(sandbox: Any) -> int:
    return len(sandbox.state.collections["tango_deposits"])


def _answer_held(sandbox: Any, milliseconds: int) -> str:
    """A registered card whose deposits the sandbox applies, then answers only ``milliseconds`` later."""
    token = register_card()
    sandbox.admin.faults(after_commit_delay_ms=milliseconds, path_prefix="/creditCardDeposits", method="POST")
    return token


@pytest.mark.airflow
@pytest.mark.real_payout_registry
def test_an_execution_timeout_with_retries_charges_the_card_once(
    tremendous_sandbox: Any, airflow_db: None, tmp_path: Path
) -> None:
    token = _answer_held(tremendous_sandbox, 30_000)  # the 8 s timeout fires after the 2 s claim, during the POST
    out, err = _dag_run(tmp_path, token, 8).communicate(timeout=240)
    assert "STATE" in out and out.strip().endswith("failed"), err[-3000:]
    assert "AirflowTaskTimeout" in out + err and "confirm_resend=" in out + err
    assert _deposits(tremendous_sandbox) == 1, "the timed-out deposit was sent again by a retry"


@pytest.mark.airflow
@pytest.mark.real_payout_registry
def test_a_worker_killed_during_the_deposit_then_the_task_run_again_charges_once(
    tremendous_sandbox: Any, airflow_db: None, tmp_path: Path
) -> None:
    token = _answer_held(tremendous_sandbox, 60_000)
    first = _dag_run(tmp_path, token, 300)
    deadline = time.monotonic() + 120
    while _deposits(tremendous_sandbox) == 0:
        assert first.poll() is None, first.stderr.read()[-3000:]  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the deposit was never sent"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # charged; the answer is still on its way
    first.wait(10)
    tremendous_sandbox.admin.faults(after_commit_delay_ms=0)
    # the same task instance on a fresh process; dag.test deletes the old DAG run, and with it the task state store's
    # rows (as deleting a DAG run does): the Variable alone remembers the attempt
    out, err = _dag_run(tmp_path, token, 300).communicate(timeout=240)
    assert out.strip().endswith("failed"), (out + err)[-3000:]
    assert "never recorded an answer" in out + err and "confirm_resend=" in out + err
    assert _deposits(tremendous_sandbox) == 1, "the killed worker's deposit was sent again"

"""A worker killed mid-payout (SIGKILL: no cleanup, no goodbye), then the task run again: the ledger still holds
exactly one order per key. The payout runs in a real child process talking to the sandbox over loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]

BULK = """
import json, sys
from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator
from tests.support.context import context
rows = [{"respondent_id": f"K{i:05d}", "amount": "2.00", "email": f"k{i}@example.com"} for i in range(int(sys.argv[1]))]
summary = TremendousBulkPayoutOperator(task_id="pay", rows=rows, payout_id="killed", key_field="respondent_id",
    campaign_id="CAMPAIGN00001", max_concurrency=8, result_path=sys.argv[2], progress_interval=60,
    hook_params={"rate_limit_per_second": 0}).execute(context())
print(json.dumps(summary))
"""

SINGLE = """
import json
from airflow_provider_tremendous.operators.orders import TremendousCreateOrderOperator
from tests.support.context import context
reward = {"value": {"denomination": 25, "currency_code": "USD"}, "recipient": {"name": "K", "email": "k@example.com"},
          "delivery": {"method": "EMAIL"}, "campaign_id": "CAMPAIGN00001"}
order = TremendousCreateOrderOperator(task_id="pay", reward=reward).execute(context(dag_id="d", run_id="run-7"))
print(json.dumps(order))
"""


def _child(sandbox: Any, script: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "AIRFLOW_CONN_TREMENDOUS_DEFAULT": sandbox.airflow_conn_json(), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_orders(sandbox: Any, count: int, process: subprocess.Popen[str], limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while len(sandbox.admin.ledger()) < count:
        if process.poll() is not None:
            pytest.fail(f"the child finished before it could be killed: {process.stderr.read()[-2000:]}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            pytest.fail("the child made no progress")
        time.sleep(0.05)


def test_bulk_payout_killed_mid_batch_then_rerun(tremendous_sandbox: Any, tmp_path: Path) -> None:
    tremendous_sandbox.admin.faults(latency_ms=20)  # slow enough to be caught mid-batch
    results = str(tmp_path / "results.csv")
    first = _child(tremendous_sandbox, BULK, "600", results)
    _wait_for_orders(tremendous_sandbox, 150, first)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    paid_when_killed = len(tremendous_sandbox.admin.ledger())
    assert 150 <= paid_when_killed < 600
    written = Path(results).read_text().splitlines()
    assert len(written) > 100, "the killed try's lines are in the file the next try reads (was: <path>.tmp)"
    second = _child(tremendous_sandbox, BULK, "600", results)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err[-2000:]
    summary = json.loads(out.strip().splitlines()[-1])
    counts = Counter(row["external_id"] for row in tremendous_sandbox.admin.ledger())
    assert len(counts) == 600 and set(counts.values()) == {1}, "every key paid exactly once"
    assert summary["created"] == 600 - paid_when_killed
    assert (summary["already_paid"], summary["already_existed"]) == (paid_when_killed, 0), "learned, not replayed"
    assert tremendous_sandbox.admin.balance() == 100_000 - 1200


def test_create_order_killed_between_the_post_and_its_answer(tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.faults(after_commit_delay_ms=60_000, path_prefix="/orders", method="POST")
    first = _child(tremendous_sandbox, SINGLE)
    _wait_for_orders(tremendous_sandbox, 1, first)  # paid; the answer is still on its way
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    tremendous_sandbox.admin.faults(after_commit_delay_ms=0)
    second = _child(tremendous_sandbox, SINGLE)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err[-2000:]
    order = json.loads(out.strip().splitlines()[-1])
    assert [row["id"] for row in tremendous_sandbox.admin.ledger()] == [order["id"]]
    assert "already existed" in out + err

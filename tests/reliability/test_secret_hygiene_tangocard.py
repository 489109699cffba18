"""The Tango Card platform key (and its Basic-auth encoding) never shows up: not in task logs, XComs, results,
exception texts, reprs or anything under AIRFLOW_HOME, after the Tango example DAGs and a faulty bulk payout."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.operators.bulk import TremendousPayoutError
from tests.reliability.test_secret_hygiene import _dagbag
from tests.reliability.test_secret_hygiene_bearer import forms
from tests.support.context import context
from tests.vendors.tangocard.conftest import respondents, tango_bulk

PLATFORM_KEY = "tango-platform-key-9d8c7b6a5f"
BASIC = base64.b64encode(f"sandbox_platform:{PLATFORM_KEY}".encode()).decode()
SECRETS = (BASIC, *sorted(forms(PLATFORM_KEY)))


@pytest.mark.airflow
def test_no_platform_key_anywhere(
    tremendous_sandbox: Any, airflow_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: Any, caplog: Any
) -> None:
    import os

    connection = tremendous_sandbox.tangocard_connection(platform_key=PLATFORM_KEY, rate_limit_per_second=0)
    monkeypatch.setenv("AIRFLOW_CONN_TANGOCARD_DEFAULT", json.dumps(connection))
    dag = _dagbag().dags["tangocard_sample_workflow"]
    run = dag.test()
    assert str(getattr(run, "state", run)).endswith("success")
    texts = [repr(task) + repr(getattr(task, "hook", "")) for task in dag.tasks]

    tremendous_sandbox.admin.faults(
        error_after_commit_rate=0.3, error_rate=0.2, seed=7, path_prefix="/orders", method="POST"
    )
    operator = tango_bulk(tmp_path, respondents(20), hook_params={"max_retries": 0, "rate_limit_per_second": 0})
    try:
        summary = operator.execute(context())
        texts.append(json.dumps(summary))
    except TremendousPayoutError as error:
        texts.append(str(error))
    texts += [repr(operator.hook), repr(operator.hook.settings), repr(operator.hook.client.credentials)]
    texts.append((tmp_path / "results.csv").read_text())
    captured = capfd.readouterr()
    texts += [captured.out, captured.err, caplog.text]
    leaks = [secret[:10] for secret in SECRETS for text in texts if secret in text]
    assert leaks == [], f"secrets found in outputs: {leaks}"
    home_hits = [
        str(path)
        for path in Path(os.environ["AIRFLOW_HOME"]).rglob("*")
        if path.is_file() and any(secret.encode() in path.read_bytes() for secret in SECRETS)
    ]
    assert home_hits == [], f"secrets found under AIRFLOW_HOME: {home_hits}"

"""The API key and the OAuth secrets never show up anywhere: not in task logs, XComs, rendered template fields,
trigger kwargs, result files, exception texts or reprs. The example DAGs and a faulty bulk payout run with
distinctive secrets, then every captured output and every byte under AIRFLOW_HOME is searched for them."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator, TremendousPayoutError
from tests.support.context import context

API_KEY = "TEST_secret-scan-key-8c1f2b7d9e"
CLIENT_SECRET = "oauth-client-secret-5a6b7c8d"
REFRESH_TOKEN = "oauth-refresh-token-1f2e3d4c"
RAW_SECRETS = (API_KEY, CLIENT_SECRET, REFRESH_TOKEN)


def _forms(secret: str) -> set[str]:
    from tests.reliability.test_secret_hygiene_bearer import forms

    return forms(secret)


#: Each secret raw, URL-encoded and Base64-encoded (see ``test_secret_hygiene_bearer.forms``).
SECRETS = tuple(form for secret in RAW_SECRETS for form in sorted(_forms(secret)))
EXAMPLES = Path(__file__).parents[2] / "example_dags"


def _dagbag() -> Any:
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:
        from airflow.models.dagbag import DagBag
    return DagBag(dag_folder=str(EXAMPLES))


def _scan_tree(root: Path) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path}: {secret[:12]}..." for secret in SECRETS if secret.encode() in data]
    return hits


@pytest.mark.airflow
def test_no_secret_anywhere_after_dags_and_a_faulty_payout(
    tremendous_sandbox: Any, airflow_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: Any, caplog: Any
) -> None:
    outputs = tmp_path / "outputs"
    survey = tmp_path / "survey.csv"
    with (EXAMPLES / "data" / "survey_responses.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))[:12]
    with survey.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("AIRFLOW_VAR_SURVEY_EXPORT", str(survey))
    monkeypatch.setenv("AIRFLOW_VAR_TREMENDOUS_REPORT_DIR", str(outputs))

    # 1. the example DAGs with an API key
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(api_key=API_KEY))
    dagbag = _dagbag()
    texts = [repr(task) + repr(getattr(task, "hook", "")) for dag in dagbag.dags.values() for task in dag.tasks]
    for dag_id in ("survey_completion_payouts", "fund_balance_by_invoice", "rewards_report_export"):
        dagbag.dags[dag_id].test()

    # 2. OAuth: the token is fetched with the client secret and refresh token
    oauth = {
        "conn_type": "tremendous",
        "host": tremendous_sandbox.base_url,
        "password": "",
        "extra": {
            "oauth_client_id": "client-1",
            "oauth_client_secret": CLIENT_SECRET,
            "oauth_refresh_token": REFRESH_TOKEN,
            "oauth_token_url": f"{tremendous_sandbox.origin}/oauth/token",
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_DEFAULT", json.dumps(oauth))
    dagbag.dags["rewards_report_export"].test()

    # 3. a bulk payout under faults that fails (exception texts, result file)
    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT", tremendous_sandbox.airflow_conn_json(api_key=API_KEY, max_retries=0)
    )
    tremendous_sandbox.admin.faults(error_rate=0.5, seed=1, path_prefix="/orders", method="POST")
    operator = TremendousBulkPayoutOperator(
        task_id="pay",
        rows=[{"respondent_id": f"S{i}", "amount": "1", "email": f"s{i}@example.com"} for i in range(30)],
        payout_id="secrets",
        key_field="respondent_id",
        campaign_id="CAMPAIGN00001",
        result_path=str(outputs / "secrets.csv"),
    )
    with pytest.raises(TremendousPayoutError) as failure:
        operator.execute(context())
    texts += [str(failure.value), repr(failure.value), repr(operator), repr(operator.hook), repr(operator.hook.client)]

    captured = capfd.readouterr()
    texts += [captured.out, captured.err, caplog.text]
    leaks = [secret[:12] for secret in SECRETS for text in texts if secret in text]
    assert leaks == [], f"secrets in logs/exceptions/reprs: {leaks}"
    assert _scan_tree(Path(os.environ["AIRFLOW_HOME"])) == [], "secrets in the metadata DB, XComs or log files"
    assert _scan_tree(outputs) == [], "secrets in result files or reports"
    assert (outputs / "secrets.csv").exists() and any(outputs.glob("payout_*.csv"))


def test_the_scan_would_see_a_leak(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "log.txt").write_bytes(b"... Authorization: Bearer " + API_KEY.encode() + b" ...")
    assert len(_scan_tree(tmp_path)) == 1

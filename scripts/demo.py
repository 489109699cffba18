"""`make demo`: pay a survey's respondents end to end on the embedded Tremendous sandbox.

Starts the sandbox on a free loopback port, points ``tremendous_default`` at it through an environment variable,
runs the ``survey_completion_payouts`` example DAG with ``dag.test()`` (deferrable mode: triggers run inline),
prints what happened, and stops the sandbox. No Tremendous account, no network.

``make demo VENDOR=tangocard`` (``--vendor tangocard``) runs the same DAG through the Tango Card RaaS v2 emulator
instead, at Tango's real limit of 1 request per second (about three minutes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAG_ID = "survey_completion_payouts"


def _prepare_airflow(home: Path) -> None:
    """Environment for a throw-away Airflow, set before Airflow is imported."""
    os.environ.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "example_dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE": "True",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
            "AIRFLOW_VAR_TREMENDOUS_REPORT_DIR": str(home / "reports"),
        }
    )
    if version("apache-airflow").startswith("2."):  # Airflow 2 refuses SQLite with its default LocalExecutor
        os.environ["AIRFLOW__CORE__EXECUTOR"] = "SequentialExecutor"
    airflow = Path(sys.executable).parent / "airflow"
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True)


def _run_dag(conf: dict[str, str] | None) -> str:
    try:
        from airflow.dag_processing.dagbag import DagBag  # Airflow 3
    except ImportError:
        from airflow.models.dagbag import DagBag  # Airflow 2

    dagbag = DagBag(dag_folder=str(ROOT / "example_dags"))
    if dagbag.import_errors:
        raise SystemExit(f"example DAGs failed to import: {dagbag.import_errors}")
    dag = dagbag.dags[DAG_ID]
    run = dag.test(run_conf=conf) if conf else dag.test()
    return str(getattr(run, "state", run))


def _tremendous_figures(sandbox: object) -> tuple[list[str], list[float], dict[str, int], float]:
    ledger = sandbox.admin.ledger()  # type: ignore[attr-defined]
    statuses = dict(Counter(row["status"] for row in ledger))
    balance = float(sandbox.admin.balance())  # type: ignore[attr-defined]
    return [row["external_id"] for row in ledger], [row["charged"] for row in ledger], statuses, balance


def _tangocard_figures(sandbox: object) -> tuple[list[str], list[float], dict[str, int], float]:
    state = sandbox.admin.tangocard_ledger()  # type: ignore[attr-defined]
    ledger = state["orders"]
    statuses = dict(Counter(row["status"] for row in ledger))
    return (
        [row["external_ref_id"] for row in ledger],
        [row["cost"] for row in ledger],
        statuses,
        float(state["balances"]["sandbox-account"]),
    )


def main() -> int:
    vendor = sys.argv[sys.argv.index("--vendor") + 1] if "--vendor" in sys.argv else "tremendous"
    tango = vendor == "tangocard"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tremendous-demo-") as tmp:
        home = Path(tmp)
        _prepare_airflow(home)
        from airflow_provider_tremendous.sandbox import SandboxConfig, SandboxServer

        config = SandboxConfig.instant()
        config.faults.rate_limit_per_second = 10.0  # the real API's limit; the hook paces itself to it
        config.faults.tango_rate_limit_per_second = 1.0  # Tango Card's limit
        with SandboxServer(config) as sandbox:
            os.environ["AIRFLOW_CONN_TREMENDOUS_DEFAULT"] = sandbox.airflow_conn_json()
            os.environ["AIRFLOW_CONN_TANGOCARD_DEFAULT"] = sandbox.tangocard_conn_json()
            where = sandbox.tangocard_base_url if tango else sandbox.base_url
            print(f"{'Tango Card' if tango else 'Tremendous'} sandbox on {where}; running {DAG_ID} ...", flush=True)
            state = _run_dag({"payout_conn_id": "tangocard_default"} if tango else None)
            keys, amounts, statuses, balance = (_tangocard_figures if tango else _tremendous_figures)(sandbox)
        pattern = "line_items_*.csv" if tango else "survey_rewards_*.csv"
        reports = sorted((home / "reports").glob(pattern))
        report_rows = len(reports[0].read_text().splitlines()) - 1 if reports else 0
        print()
        print(f"DAG run:          {state}")
        duplicates = len(keys) - len(set(keys))
        print(f"Rewards sent:     {len(keys)} ({len(set(keys))} distinct respondents, {duplicates} paid twice)")
        print(f"Total amount:     {sum(amounts):,.2f} USD (balance left {balance:,.2f})")
        print(f"Order statuses:   {statuses}")
        print(f"Report:           {reports[0].name if reports else 'none'} ({report_rows} rewards)")
        print(f"Wall time:        {time.monotonic() - started:.1f} s")
    return 0 if state.lower().endswith("success") and keys and len(set(keys)) == len(keys) else 1


if __name__ == "__main__":
    sys.exit(main())

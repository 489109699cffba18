"""The floor plan holds (issue 14): what a fresh interpreter sees after the code moved."""

from __future__ import annotations

import subprocess
import sys

EVERY_CHECK_KIND = {
    "balance",
    "invoice",
    "orders",
    "payout",
    "report",
    "tangocard_balance",
    "tangocard_orders",
    "tangocard_payout",
}


def test_a_fresh_triggerer_knows_every_check_kind() -> None:
    """The triggerer rebuilds a check from its kind: every kind is registered after the registry's ``load_checks``."""
    script = (
        "from airflow_provider_tremendous.core.checks import Check\n"
        "from airflow_provider_tremendous.vendors import load_checks\n"
        "load_checks()\n"
        "print(sorted(Check.registry))\n"
    )
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert answer.stdout.strip().splitlines()[-1] == str(sorted(EVERY_CHECK_KIND))


def test_a_dag_file_does_not_import_the_trigger_machinery() -> None:
    """Operators import the shared wait (``triggers.waiting``) at parse time; the trigger class and Airflow's
    trigger base load only when a task defers (importing them cost ~35 ms per DAG file parse)."""
    script = (
        "import sys\n"
        "from airflow_provider_tremendous import TremendousBulkPayoutOperator, TremendousOrderSensor\n"
        "print(sorted(m for m in ('airflow_provider_tremendous.triggers.status', 'airflow.triggers.base',\n"
        "                         'airflow_provider_tremendous.core.transport.client') if m in sys.modules))\n"
    )
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert answer.stdout.strip().splitlines()[-1] == "[]"

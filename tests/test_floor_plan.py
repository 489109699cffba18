"""The floor plan holds (issue 14): what a fresh interpreter sees after the code moved."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
    """Operators import the shared wait (``triggers.waiting``) at parse time; the trigger class (and with it, on
    Airflow 3, Airflow's trigger machinery: ~35 ms per DAG file parse) loads only when a task defers."""
    script = (
        "import sys\n"
        "from airflow_provider_tremendous import TremendousBulkPayoutOperator, TremendousOrderSensor\n"
        "print(sorted(m for m in ('airflow_provider_tremendous.triggers.status',\n"
        "                         'airflow_provider_tremendous.core.transport.client') if m in sys.modules))\n"
    )
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert answer.stdout.strip().splitlines()[-1] == "[]"


def test_a_tango_card_task_carries_no_tremendous_connection() -> None:
    """A Tango Card operator or sensor keeps its connection in ``tangocard_conn_id`` only (0.1 also stored it in
    ``tremendous_conn_id``, still readable with a warning); ``connection_id`` is the neutral way to read either."""
    from airflow_provider_tremendous import (
        TangoCardBalanceSensor,
        TangoCardCreateOrderOperator,
        TremendousBalanceSensor,
        TremendousCreateOrderOperator,
    )

    tango = [
        TangoCardCreateOrderOperator(task_id="order", utid="U1", amount=5, tangocard_conn_id="tc"),
        TangoCardBalanceSensor(task_id="balance", min_balance=1, tangocard_conn_id="tc"),
    ]
    tremendous = [
        TremendousCreateOrderOperator(task_id="order", reward={}, tremendous_conn_id="tr"),
        TremendousBalanceSensor(task_id="balance", min_available_amount=1, tremendous_conn_id="tr"),
    ]
    assert all("tremendous_conn_id" not in vars(task) and task.connection_id == "tc" for task in tango)
    for task in tango:  # 0.1 code reading it still gets the Tango Card connection, with a warning
        with pytest.warns(DeprecationWarning, match="tangocard_conn_id"):
            assert task.tremendous_conn_id == "tc"
    assert all(not hasattr(task, "tangocard_conn_id") and task.connection_id == "tr" for task in tremendous)

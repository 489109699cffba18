"""The documented imports of the Tango funding operators fail in a fresh interpreter (a DAG that uses them does
not parse): ``airflow_provider_tremendous.operators.tangocard_funding`` (the path get_provider_info lists, and the
lazy ``airflow_provider_tremendous.<name>`` map) imports ``operators.tangocard``, which at its end imports back
from the half-initialised ``tangocard_funding`` → ImportError. Tests never see it: they import operators.tangocard
first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    "statement",
    [
        "from airflow_provider_tremendous import TangoCardFundAccountOperator",
        "from airflow_provider_tremendous import TangoCardTransferFundsOperator",
        "from airflow_provider_tremendous.operators.tangocard_funding import TangoCardTransferFundsOperator",
    ],
)
def test_the_funding_operators_import_in_a_fresh_interpreter(statement: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", statement],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1]

"""No recipient data left behind (issue item 5): the validation spool (emails, names) lives in a private per-payout
directory and is removed on every exit path; a run killed with SIGKILL leaves its directory, and the next run of
the same payout removes it."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousInputError
from tests.payouts.conftest import bulk, respondents
from tests.support.context import context


@pytest.fixture
def tmp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp directory of its own for this test (what ``tempfile`` uses)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def leftovers(root: Path) -> list[str]:
    """Every file under ``root`` (directories alone hold no recipient data)."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_a_run_refused_during_validation_leaves_nothing(
    tremendous_sandbox: Any, tmp_path: Path, tmp_root: Path
) -> None:
    with pytest.raises(TremendousInputError, match="no column"):
        bulk(tmp_path, respondents(5), key_field="respondent").execute(context())
    assert leftovers(tmp_root) == []


def test_an_exception_mid_validation_leaves_nothing(tmp_root: Path) -> None:
    from airflow_provider_tremendous.payouts.prepare import prepare
    from airflow_provider_tremendous.payouts.rows import RowSpec

    calls: list[str] = []

    def unit_cost(currency: str) -> Decimal:
        calls.append(currency)
        if len(calls) > 2:  # rows already spooled by now
            raise RuntimeError("rates service broke mid-way")
        return Decimal(1)

    spec = RowSpec("respondent_id", defaults={"campaign_id": "CAMPAIGN00001", "currency": "USD"})
    with pytest.raises(RuntimeError, match="mid-way"):
        prepare(respondents(5), spec, "survey-42", unit_cost)
    assert len(calls) == 3
    assert leftovers(tmp_root) == []


def test_a_run_refused_by_its_caps_and_a_paid_run_leave_nothing(
    tremendous_sandbox: Any, tmp_path: Path, tmp_root: Path
) -> None:
    with pytest.raises(Exception, match="max_total_amount"):
        bulk(tmp_path, respondents(5), max_total_amount="10").execute(context())
    assert leftovers(tmp_root) == []
    bulk(tmp_path, respondents(3)).execute(context())
    assert leftovers(tmp_root) == []


def test_the_spool_is_private(tmp_root: Path) -> None:
    from airflow_provider_tremendous.payouts.spool import RunSpool

    run = RunSpool("tremendous", "p-private", (0, 1))
    try:
        with run.file("payout-rows-") as handle:
            handle.write("{}\n")
        levels = [run.path, run.path.parent, run.path.parent.parent]
        assert [stat.S_IMODE(p.stat().st_mode) for p in levels] == [0o700] * 3
        assert stat.S_IMODE(Path(handle.name).stat().st_mode) == 0o600
        assert "p-private" not in str(run.path), "the payout id is hashed"
    finally:
        run.close()
    assert not run.path.exists()


def test_a_killed_runs_spool_is_removed_by_the_next_run_and_a_live_one_is_kept(tmp_root: Path) -> None:
    from airflow_provider_tremendous.payouts.spool import RunSpool

    live = RunSpool("tremendous", "p-killed", (0, 1))  # a concurrent run of the same payout, alive
    script = (
        "import sys, time\n"
        "from airflow_provider_tremendous.payouts.spool import RunSpool\n"
        "run = RunSpool('tremendous', 'p-killed', (0, 1))\n"
        "with run.file('payout-rows-') as f: f.write('{\"email\": \"a@example.com\"}\\n')\n"
        "print(run.path, flush=True)\n"
        "time.sleep(120)\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_root), "PYTHONPATH": str(Path(__file__).parents[2])}
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        killed = Path(child.stdout.readline().strip())
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert killed.exists() and any(killed.glob("payout-rows-*")), "a SIGKILL skips every finally"
    following = RunSpool("tremendous", "p-killed", (0, 1))
    try:
        assert not killed.exists() and following.stale_removed == [killed]
        assert live.path.exists(), "a live run's spool is never taken for stale"
    finally:
        following.close()
        live.close()
    assert leftovers(tmp_root) == []

"""Second adversarial review of issue 12 (after the fixes):
the pre-send lease confirmation only refused when ANOTHER task instance held THIS shard's lease live at that
moment. A run whose lease lapsed during its vendor scan was let through when the run that took over meanwhile had
already finished (its lease released), or used another shard_count (another lease key): it then sent on a scan
taken before the other run paid, and a corrected export keying the same people differently paid them twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.payouts.races import HeldRun, compress_lease, paid_per_email, people
from tests.support.context import context
from tests.vendors.tangocard.conftest import production_connections, tango_bulk


def _race(sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, b_shards: int) -> dict[str, int]:
    production_connections(monkeypatch, sandbox)
    compress_lease(monkeypatch)
    run_a = HeldRun(monkeypatch)
    run_a.start(
        tango_bulk(tmp_path, people("T", 2), result_path=str(tmp_path / "a.csv")),
        context(dag_id="payouts", task_id="pay", run_id="scheduled__1"),
    )
    try:
        for index in range(b_shards):  # run B: every shard runs to the end and releases its lease
            kwargs: dict[str, Any] = {"shard_index": index, "shard_count": b_shards} if b_shards > 1 else {}
            tango_bulk(tmp_path, people("X", 2), result_path=str(tmp_path / f"b{index}.csv"), **kwargs).execute(
                context(dag_id="payouts", task_id="pay", run_id="manual__2", map_index=index if b_shards > 1 else -1)
            )
    finally:
        run_a.finish()
    return dict(paid_per_email(sandbox))


def test_a_lapsed_run_sends_after_a_same_shard_takeover_finished(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    paid = _race(tremendous_sandbox, tmp_path, monkeypatch, b_shards=1)
    assert all(count == 1 for count in paid.values()), f"paid twice: {paid}"


def test_a_lapsed_run_sends_after_a_run_with_another_shard_count_finished(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    paid = _race(tremendous_sandbox, tmp_path, monkeypatch, b_shards=2)
    assert all(count == 1 for count in paid.values()), f"paid twice: {paid}"

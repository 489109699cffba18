"""Third adversarial review of issue 12 (the claim fix):
the lost-claim check compared only the recorded shard COUNT, not which claim set it (ABA). Run A (shard 1 of 2)
reads the vendor and is held past its lease; run B (unsharded, a corrected export) claims, pays everyone, releases;
A's sibling (shard 0 of 2) starts late and writes count 2 back; A resumed on its stale scan and paid people twice."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from tests.payouts.races import HeldRun, compress_lease, paid_per_email, people
from tests.support.context import context
from tests.vendors.tangocard.conftest import production_connections, tango_bulk


def test_lapsed_shard_sends_after_other_count_paid_and_sibling_rewrote_count(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    production_connections(monkeypatch, tremendous_sandbox)
    compress_lease(monkeypatch)
    shard = {"shard_count": 2}
    run_a = HeldRun(monkeypatch)
    run_a.start(
        tango_bulk(tmp_path, people("T", 6), result_path=str(tmp_path / "a1.csv"), shard_index=1, **shard),
        context(dag_id="payouts", task_id="pay", run_id="scheduled__1", map_index=1),
    )
    try:
        tango_bulk(tmp_path, people("X", 6), result_path=str(tmp_path / "b.csv")).execute(
            context(dag_id="payouts", task_id="pay", run_id="manual__2")
        )
        sibling = tango_bulk(tmp_path, people("T", 6), result_path=str(tmp_path / "a0.csv"), shard_index=0, **shard)
        # its fresh scan refuses (recipients paid under other keys); it has rewritten count 2 meanwhile
        with contextlib.suppress(Exception):
            sibling.execute(context(dag_id="payouts", task_id="pay", run_id="scheduled__1", map_index=0))
    finally:
        run_a.finish()
    paid = paid_per_email(tremendous_sandbox)
    assert all(count == 1 for count in paid.values()), f"paid twice: {dict(paid)}"

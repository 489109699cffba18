"""Two task instances giving the same external_ref_id at the same time (two DAG runs of a backfill, two mapped
instances with a constant ref) both read "no marker", both write "sending" and both POST: the marker is a plain
read-then-set, not a claim. The documented key design ("a key may name more than one task instance") makes this
reachable. The barrier only fixes the interleaving of two real metadata-DB round trips."""

from __future__ import annotations

import threading
from typing import Any

from tests.payouts.races import executor_safeguard_for_this_thread
from tests.reviews.issue13a.helpers import card, deposits, fund
from tests.support.context import context


def test_two_runs_with_the_same_ref_at_once_charge_once(tremendous_sandbox: Any, marker_store: Any) -> None:
    token = card()
    barrier = threading.Barrier(2, timeout=10)
    real_get = marker_store.get
    waited: list[int] = []

    def get(key: str) -> Any:
        value = real_get(key)
        if len(waited) < 2:  # both runs' first read (the Variable round trip) overlaps
            waited.append(1)
            barrier.wait()
        return value

    marker_store.get = get
    results: list[Any] = []

    def run(run_id: str) -> None:
        executor_safeguard_for_this_thread()
        try:
            results.append(fund(token, external_ref_id="decTopUp").execute(context(run_id=run_id)))
        except BaseException as error:
            results.append(error)

    threads = [threading.Thread(target=run, args=(f"run-{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(deposits(tremendous_sandbox)) == 1, f"charged {len(deposits(tremendous_sandbox))} times: {results}"

"""Final adversarial review of issue 12, finding 1:
a production run that spends longer than LEASE_TTL learning from the vendor (the scan
before the first order: no heartbeat is sent there) loses its lease; a second run on ANOTHER production vendor
claims it, and record_place() then merges both places without refusing either: every person is paid twice.

Time is compressed: LEASE_TTL (15 min) is patched to 0.5 s and HEARTBEAT (1 min) to 0.05 s, and run A's vendor
scan is held open until run B has finished (stands for a >15 min Tango scan at 1 request/s)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.payouts import history as history_module
from airflow_provider_tremendous.payouts import registry
from tests.support.context import context
from tests.tangocard.conftest import production_connections, tango_bulk
from tests.tangocard.conftest import respondents as tango_rows


def test_a_vendor_switch_while_the_first_run_scans_pays_everyone_twice(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    production_connections(monkeypatch, tremendous_sandbox)
    monkeypatch.setattr(registry, "LEASE_TTL", dt.timedelta(seconds=0.5))
    monkeypatch.setattr(registry, "HEARTBEAT", dt.timedelta(seconds=0.05))
    real = history_module.read_history
    b_done = threading.Event()
    a_scanning = threading.Event()

    def slow_scan(adapter: Any, *args: Any, **kwargs: Any) -> Any:
        if adapter.vendor == "tangocard":  # run A: a long scan (no heartbeat while it lasts)
            a_scanning.set()
            b_done.wait(30)
        return real(adapter, *args, **kwargs)

    monkeypatch.setattr(history_module, "read_history", slow_scan)
    rows = tango_rows(2)
    outcome: dict[str, Any] = {}

    def run_a() -> None:
        try:
            outcome["a"] = tango_bulk(tmp_path, rows, result_path=str(tmp_path / "a.csv")).execute(
                context(dag_id="payouts", task_id="pay_tango", run_id="scheduled__1")
            )
        except Exception as error:
            outcome["a"] = error

    thread = threading.Thread(target=run_a)
    thread.start()
    import time

    assert a_scanning.wait(60)
    time.sleep(1.0)  # run A holds the lease and is scanning; its lease (TTL) runs out, no heartbeat came
    b_error: Exception | None = None
    try:
        tango_bulk(
            tmp_path,
            rows,
            conn_id="tremendous_default",
            utid=None,
            campaign_id="CAMPAIGN00001",
            result_path=str(tmp_path / "b.csv"),
        ).execute(context(dag_id="payouts", task_id="pay_tremendous", run_id="manual__2"))
    except Exception as error:
        b_error = error
    finally:
        b_done.set()
        thread.join(60)
    tango_orders = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    tremendous_orders = tremendous_sandbox.admin.ledger()
    print("A:", outcome.get("a"), "B error:", b_error)
    print("places:", registry_store.get(registry.registry_key("survey-7")))
    assert len(tango_orders) + len(tremendous_orders) <= len(rows), (
        f"{len(tango_orders)} Tango orders + {len(tremendous_orders)} Tremendous orders for {len(rows)} people: "
        "paid twice, once per production vendor"
    )

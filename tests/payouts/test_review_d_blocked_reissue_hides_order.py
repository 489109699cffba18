"""Final adversarial review of issue 12, finding 2:
a re-issue that the run REFUSES (the earlier order is still live) still lists that live
order as `superseded` in the summary, so the payout's wait never looks at it: when it later FAILS (refunded), the
wait succeeds and nobody is told the person was not paid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airflow_provider_tremendous.payouts.keys import row_ids
from airflow_provider_tremendous.sensors.orders import TremendousOrderSensor
from tests.support.context import context
from tests.vendors.tangocard.conftest import respondents as tango_rows
from tests.vendors.tangocard.conftest import tango_bulk


def test_a_refused_reissue_hides_the_live_order_from_the_wait(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = tango_rows(3)
    tango_bulk(tmp_path, rows).execute(context())
    key = rows[1]["respondent_id"]
    own_id = row_ids("survey-7", key, "tangocard").external_id
    orders = tremendous_sandbox.admin.tangocard_ledger()["orders"]
    pending = next(o for o in orders if o["external_ref_id"] == own_id)
    tremendous_sandbox.admin.tangocard_set_status(pending["reference_order_id"], "PENDING")
    # a re-issue asked too early: refused for that row (its order is live), the other rows already paid
    summary = tango_bulk(tmp_path, rows, reissue={key: 1}, fail_on_error=False).execute(context())
    assert summary["failed"] == 1 and summary["created"] == 0
    print("superseded", summary["superseded"], summary["errors"])
    # the live order then ends FAILED (refunded): that person is not paid
    tremendous_sandbox.admin.tangocard_set_status(pending["reference_order_id"], "FAILED")
    sensor = TremendousOrderSensor(task_id="wait", payout=summary, deferrable=False)
    done = None
    try:
        done = sensor.poke(context())
    except Exception as error:
        print("wait failed as it should:", error)
        return
    assert not done, "the wait succeeded although an order of this payout ended FAILED (nobody reports it)"

"""Final adversarial review of issue 12, finding 4:
reconciliation with `reissue` drops the earlier generation's order whatever its status. A
person whose first order is COMPLETE (the re-issue was refused, or named by mistake) is reported `missing` — "no
order" — an invitation to pay them again by hand, while the vendor holds their paid order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.context import context
from tests.vendors.tangocard.conftest import respondents as tango_rows
from tests.vendors.tangocard.conftest import tango_bulk, tango_reconcile


def test_reconcile_with_a_refused_reissue_calls_a_paid_person_missing(tremendous_sandbox: Any, tmp_path: Path) -> None:
    rows = tango_rows(3)
    tango_bulk(tmp_path, rows).execute(context())  # everyone paid, orders COMPLETE
    key = rows[1]["respondent_id"]
    report = tango_reconcile(rows, tmp_path, reissue={key: 1})
    print(report)
    assert not report.get("missing"), "a person the vendor shows paid (COMPLETE order) is reported as missing"

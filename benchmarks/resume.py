"""Resuming a payout on a fresh worker: requests counted exactly (figures go to docs/benchmarks/resume.json).

10,000 rows, 9,000 of them already paid — seeded through the sandbox's admin API, not by paying them — and no other
order in the window; a fresh worker (no result file). Measured for both vendors:

- **learn first** (this provider): list the payout's orders on the account since the payout began, send the 1,000
  missing orders;
- **full replay** (before "the vendor is the ledger"): send every row again with its key and let the vendor answer
  the 9,000 paid ones with their existing orders (here: the same run with the scan's window moved past the seeded
  orders, so none of them is learned first).

Requests are counted by the sandbox per method and resource. Wall time at the documented rate is computed from the
counts: Tremendous 10 requests/second, Tango Card 1 request/second (the runs themselves use an unthrottled sandbox).

    python -m benchmarks.resume
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).parents[1] / "docs" / "benchmarks" / "resume.json"
ROWS, PAID = 10_000, 9_000
RATE = {"tremendous": 10.0, "tangocard": 1.0}
PAGE = {"tremendous": 500, "tangocard": 100}


def _rows() -> list[dict[str, Any]]:
    return [
        {"respondent_id": f"R{i:06d}", "amount": "1.00", "name": f"Resp {i}", "email": f"r{i}@example.com"}
        for i in range(ROWS)
    ]


def _seed(sandbox: Any, vendor: str, rows: list[dict[str, Any]]) -> None:
    """The first 9,000 rows' orders, exactly as the operator would have sent them, created by the admin API."""
    from airflow_provider_tremendous.payouts.keys import row_ids
    from tests.vendors.tangocard.conftest import ACCOUNT, CUSTOMER

    bodies = []
    for row in rows[:PAID]:
        ident = row_ids("resume-bench", row["respondent_id"], vendor).external_id
        if vendor == "tremendous":
            bodies.append(
                {
                    "external_id": ident,
                    "payment": {"funding_source_id": "balance"},
                    "reward": {
                        "campaign_id": "CAMPAIGN00001",
                        "value": {"denomination": 1.0, "currency_code": "USD"},
                        "recipient": {"name": row["name"], "email": row["email"]},
                        "delivery": {"method": "EMAIL"},
                    },
                }
            )
        else:
            first, _, last = row["name"].partition(" ")
            bodies.append(
                {
                    "customerIdentifier": CUSTOMER,
                    "accountIdentifier": ACCOUNT,
                    "utid": "U000002",
                    "amount": 1.0,
                    "sendEmail": True,
                    "externalRefID": ident,
                    "recipient": {"email": row["email"], "firstName": first, "lastName": last},
                }
            )
    for start in range(0, len(bodies), 1000):
        seed = sandbox.admin.seed_orders if vendor == "tremendous" else sandbox.admin.tangocard_seed_orders
        seed(bodies[start : start + 1000])


def _run(sandbox: Any, vendor: str, learn: bool) -> dict[str, Any]:
    from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator
    from tests.support.context import context

    sandbox.admin.reset()
    sandbox.admin.settings(starting_balance=1_000_000, tango_starting_balance=1_000_000)
    sandbox.admin.reset()
    rows = _rows()
    _seed(sandbox, vendor, rows)
    before = sandbox.admin.stats()
    options: dict[str, Any] = {"conn_id": "tremendous_default", "campaign_id": "CAMPAIGN00001"}
    if vendor == "tangocard":
        options = {"conn_id": "tangocard_default", "utid": "U000002"}
    if not learn:  # the window starts after the seeded orders: nothing is learned, every row is sent
        import datetime as dt

        options["created_after"] = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).isoformat()
    with tempfile.TemporaryDirectory() as fresh_worker:
        summary = TremendousBulkPayoutOperator(
            task_id="resume",
            rows=rows,
            payout_id="resume-bench",
            key_field="respondent_id",
            result_path=f"{fresh_worker}/results.csv",
            max_fee_percent=0,
            max_concurrency=8,
            progress_interval=600,
            **options,
        ).execute(context())
    after = sandbox.admin.stats()
    counts = {k: after.get(k, 0) - before.get(k, 0) for k in after if k != "rate_limited"}
    requests = counts.pop("requests")
    paid = len(sandbox.admin.ledger() if vendor == "tremendous" else sandbox.admin.tangocard_ledger()["orders"])
    assert paid == ROWS, f"{vendor}: {paid} orders, expected exactly {ROWS}"
    return {
        "requests": requests,
        "by_endpoint": dict(sorted((k, v) for k, v in counts.items() if v)),
        "created": summary["created"],
        "already_paid": summary["already_paid"],
        "already_existed": summary["already_existed"],
        "wall_seconds_at_documented_rate": round(requests / RATE[vendor], 1),
    }


def main() -> None:
    from airflow_provider_tremendous.sandbox import SandboxConfig, SandboxServer

    figures: dict[str, Any] = {"rows": ROWS, "already_paid": PAID}
    with SandboxServer(SandboxConfig.instant()) as sandbox:
        os.environ["AIRFLOW_CONN_TREMENDOUS_DEFAULT"] = sandbox.airflow_conn_json(rate_limit_per_second=0)
        os.environ["AIRFLOW_CONN_TANGOCARD_DEFAULT"] = sandbox.tangocard_conn_json(rate_limit_per_second=0)
        for vendor in ("tremendous", "tangocard"):
            bound = math.ceil(ROWS / 500) + (ROWS - PAID) + 5  # the bound (Tremendous pages)
            figures[vendor] = {
                "page_size": PAGE[vendor],
                "documented_rate_per_second": RATE[vendor],
                "bound_listing_plus_missing_plus_5": math.ceil(ROWS / PAGE[vendor]) + (ROWS - PAID) + 5,
                "issue_bound_500_a_page": bound,
                "learn_first": _run(sandbox, vendor, learn=True),
                "full_replay": _run(sandbox, vendor, learn=False),
            }
            print(vendor, json.dumps(figures[vendor], indent=1))
    OUT.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""Bulk payouts at the API's speed, measured (figures go to docs/benchmarks/bulk_payouts.json).

1. TremendousBulkPayoutOperator paying N rewards (default 2,000) through the sandbox with 150 ms latency per request,
   at rate limits of 10 and 50 requests/second (the sandbox enforces the same limit and answers 429 beyond it).
2. The baseline a user would write: a sequential loop over the official tremendous-python SDK, same sandbox, same
   latency and limit, same rows.
3. Waiting on 5,000 orders: API requests per poll cycle (payout-run wait and explicit ids).
4. Peak RSS and XCom (summary) size for a 100,000-row dry run (in a child process).
5. Import cost of the public classes at DAG-parse time, over ``import airflow.sdk`` (``python -X importtime``).

    python -m benchmarks.bulk_payouts [--rows 2000] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

OUT = Path(__file__).parents[1] / "docs" / "benchmarks" / "bulk_payouts.json"
LATENCY_MS = 150


def _rows(count: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {"respondent_id": f"B{i:06d}", "amount": "1.00", "name": f"Bench {i}", "email": f"b{i}@example.com"}
        for i in range(start, start + count)
    ]


def _context() -> dict[str, Any]:
    from tests.support.context import context

    return context()


def bulk_run(sandbox: Any, rows: int, rate: float, concurrency: int) -> dict[str, Any]:
    from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator

    sandbox.admin.reset()
    sandbox.admin.faults(latency_ms=LATENCY_MS, rate_limit_per_second=rate)
    os.environ["AIRFLOW_CONN_TREMENDOUS_DEFAULT"] = sandbox.airflow_conn_json(rate_limit_per_second=rate)
    with tempfile.TemporaryDirectory() as tmp:
        operator = TremendousBulkPayoutOperator(
            task_id="bench",
            rows=_rows(rows),
            payout_id=f"bench-{int(rate)}",
            key_field="respondent_id",
            campaign_id="CAMPAIGN00001",
            max_concurrency=concurrency,
            result_path=f"{tmp}/r.csv",
            preflight_funding=False,
            progress_interval=30,
        )
        start = time.perf_counter()
        summary = operator.execute(_context())
        elapsed = time.perf_counter() - start
    stats = sandbox.admin.stats()
    return {
        "rows": rows,
        "rate_limit": rate,
        "concurrency": concurrency,
        "seconds": round(elapsed, 1),
        "orders_per_second": round(rows / elapsed, 2),
        "ratio_to_limit": round(rows / elapsed / rate, 3),
        "paid": summary["paid"],
        "api_requests": stats.get("requests", 0),
        "http_429": stats.get("rate_limited", 0),
        "share_429": round(stats.get("rate_limited", 0) / max(stats.get("requests", 1), 1), 4),
        "ledger_orders": len(sandbox.admin.ledger()),
    }


def sdk_loop(sandbox: Any, rows: int, rate: float) -> dict[str, Any]:
    """What a team writes today: a PythonOperator looping over the SDK, one order at a time."""
    import tremendous

    sandbox.admin.reset()
    sandbox.admin.faults(latency_ms=LATENCY_MS, rate_limit_per_second=rate)
    api = tremendous.TremendousApi(
        tremendous.ApiClient(tremendous.Configuration(host=sandbox.base_url, access_token="TEST_sdk_loop"))
    )
    errors = 0
    start = time.perf_counter()
    for row in _rows(rows):
        body = {
            "external_id": f"sdk-{row['respondent_id']}",
            "payment": {"funding_source_id": "balance"},
            "reward": {
                "campaign_id": "CAMPAIGN00001",
                "value": {"denomination": 1, "currency_code": "USD"},
                "recipient": {"name": row["name"], "email": row["email"]},
                "delivery": {"method": "EMAIL"},
            },
        }
        try:
            api.create_order(tremendous.CreateOrderRequest.from_dict(body))
        except tremendous.ApiException:
            errors += 1  # the SDK has no 429 handling: the row is simply not paid
    elapsed = time.perf_counter() - start
    stats = sandbox.admin.stats()
    return {
        "rows": rows,
        "rate_limit": rate,
        "seconds": round(elapsed, 1),
        "orders_per_second": round(rows / elapsed, 2),
        "errors": errors,
        "http_429": stats.get("rate_limited", 0),
        "ledger_orders": len(sandbox.admin.ledger()),
    }


def wait_cost(sandbox: Any, orders: int) -> dict[str, Any]:
    from airflow_provider_tremendous.core.checks import run_check
    from airflow_provider_tremendous.hooks import TremendousHook
    from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator
    from airflow_provider_tremendous.vendors.tremendous.checks import OrdersCheck, PayoutRunCheck

    sandbox.admin.reset()
    sandbox.admin.faults(latency_ms=0, rate_limit_per_second=None)
    os.environ["AIRFLOW_CONN_TREMENDOUS_DEFAULT"] = sandbox.airflow_conn_json(rate_limit_per_second=0)
    with tempfile.TemporaryDirectory() as tmp:
        summary = TremendousBulkPayoutOperator(
            task_id="seed",
            rows=_rows(orders),
            payout_id="wait-bench",
            key_field="respondent_id",
            campaign_id="CAMPAIGN00001",
            max_concurrency=8,
            result_path=f"{tmp}/r.csv",
            progress_interval=60,
        ).execute(_context())
        with open(f"{tmp}/r.csv", newline="") as handle:
            ids = [line["order_id"] for line in csv.DictReader(handle)]
    hook = TremendousHook()
    measured = {}
    for name, check in {
        "payout_run": PayoutRunCheck(summary["external_id_prefix"], summary["paid"], summary["created_after"]),
        "explicit_ids": OrdersCheck(ids, created_after=summary["created_after"]),
    }.items():
        before = sandbox.admin.stats().get("requests", 0)
        verdict = run_check(check, hook)
        measured[name] = {"requests_per_poll": sandbox.admin.stats()["requests"] - before, "state": verdict.state}
    return {"orders": orders, "ceil_n_over_500": -(-orders // 500), **measured}


def import_cost() -> dict[str, Any]:
    code = (
        "import airflow.sdk\n"
        "from airflow_provider_tremendous import TremendousBulkPayoutOperator, TremendousCreateOrderOperator, "
        "TremendousOrderSensor\n"
        "TremendousBulkPayoutOperator, TremendousCreateOrderOperator, TremendousOrderSensor\n"
    )
    runs = []
    for _ in range(5):
        output = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
        total, seen_sdk = 0, False
        for line in output.stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            _, cumulative, name = line.split(":", 1)[1].split("|")
            top_level = not name[1:].startswith(" ")  # nested imports are indented under their parent
            if name.strip() == "airflow.sdk":
                seen_sdk = True
                continue
            if seen_sdk and top_level and cumulative.strip().isdigit():
                total += int(cumulative)
        runs.append(total / 1000)
    return {"milliseconds_median": sorted(runs)[len(runs) // 2], "runs_ms": [round(r, 1) for r in runs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--sdk-rows", type=int, default=None, help="rows for the SDK loop (default: --rows)")
    parser.add_argument("--quick", action="store_true", help="200 rows, 10,000-row memory run")
    args = parser.parse_args()
    rows = 200 if args.quick else args.rows
    sdk_rows = args.sdk_rows or rows
    from airflow_provider_tremendous.sandbox import SandboxConfig, SandboxServer

    results: dict[str, Any] = {"latency_ms": LATENCY_MS, "cpus": os.cpu_count()}
    with SandboxServer(SandboxConfig.instant()) as sandbox:
        results["bulk_10"] = bulk_run(sandbox, rows, 10, concurrency=8)
        results["bulk_50"] = bulk_run(sandbox, rows, 50, concurrency=16)
        results["sdk_loop_10"] = sdk_loop(sandbox, sdk_rows, 10)
        results["sdk_loop_50"] = sdk_loop(sandbox, sdk_rows, 50)
        results["wait_5000"] = wait_cost(sandbox, 5000)
    results["speedup_at_50"] = round(
        results["bulk_50"]["orders_per_second"] / results["sdk_loop_50"]["orders_per_second"], 2
    )
    from benchmarks.validation import validate_100k  # the dry run now reads product ranges from the sandbox

    results["memory_100k"] = validate_100k(10_000 if args.quick else 100_000)
    results["import"] = import_cost()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

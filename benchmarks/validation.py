"""Benchmark: validating and pricing 100,000 rows (money rules, part 1), and the DAG-parse import cost.

1. A 100,000-row CSV, dry run, in a child process against the sandbox on loopback: every amount through the strict
   parser, every key canonicalised, every email through email-validator, the product ranges fetched once, the
   per-recipient identities kept, every row and recipient priced with fees (``max_fee_percent``) against both caps.
   Wall time and peak RSS of the child. Target: ≤ 2 x 10.6 s (the figure before
   these rules) and ≤ 250 MB.
2. The import cost of the public classes over ``import airflow.sdk`` (median of 5; target ≤ 30 ms): the new
   libraries (email-validator, phonenumbers) must be imported lazily.

Run: ``python -m benchmarks.validation`` (writes ``docs/benchmarks/validation_100k.json``).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bulk_payouts import import_cost

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks" / "validation_100k.json"
BEFORE_SECONDS = 10.6

CHILD = """
import json, resource, time
from airflow_provider_tremendous.operators.bulk import TremendousBulkPayoutOperator
from tests.support.context import context
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
summary = TremendousBulkPayoutOperator(task_id="v", rows={rows!r}, payout_id="validate-100k", key_field="respondent_id",
    campaign_id="CAMPAIGN00001", dry_run=True, result_path={result!r},
    max_amount_per_recipient="100", max_total_amount="300000", max_fee_percent="2.5").execute(context())
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"validate_and_price_seconds": round(seconds, 1), "peak_rss_mb": round(peak / 1024, 1),
                  "rss_after_imports_mb": round(baseline / 1024, 1), "would_pay": summary["would_pay"],
                  "invalid": summary["invalid"], "xcom_bytes": len(json.dumps(summary))}}))
"""


def validate_100k(rows: int = 100_000) -> dict[str, Any]:
    """Time and memory of a dry run over ``rows`` rows (keys with upper case, so every row has an earlier id)."""
    from airflow_provider_tremendous.sandbox import SandboxConfig, SandboxServer

    with tempfile.TemporaryDirectory() as tmp, SandboxServer(SandboxConfig.instant()) as sandbox:
        path = Path(tmp) / "rows.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["respondent_id", "amount", "name", "email"])
            for i in range(rows):
                writer.writerow([f"M{i:07d}", "2.50", f"Member {i}", f"Member.{i}@Example.com"])
        env = {**os.environ, "AIRFLOW_CONN_TREMENDOUS_DEFAULT": sandbox.airflow_conn_json(rate_limit_per_second=0)}
        code = CHILD.format(rows=str(path), result=str(Path(tmp) / "r.csv"))
        output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
        result["api_requests"] = sandbox.admin.stats().get("requests", 0)
    result["rows"] = rows
    result["target_seconds"] = 2 * BEFORE_SECONDS
    return result


def main() -> None:
    results = {"cpus": os.cpu_count(), "validation": validate_100k(), "import": import_cost()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"benchmark took {time.perf_counter() - started:.0f} s")

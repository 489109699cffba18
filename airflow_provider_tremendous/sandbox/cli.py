"""``tremendous-sandbox``: run the local Tremendous API emulator in the foreground.

Example::

    tremendous-sandbox --port 8787 --instant
    export AIRFLOW_CONN_TREMENDOUS_DEFAULT='{"conn_type": "tremendous", "host": "http://127.0.0.1:8787/api/v2",
                                             "password": "TEST_local"}'
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from airflow_provider_tremendous.sandbox.config import FaultConfig, SandboxConfig, SandboxSettings


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface; every flag maps to a field of :class:`SandboxConfig`."""
    parser = argparse.ArgumentParser(prog="tremendous-sandbox", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--state-file", help="JSON file to load at start and save to, so state survives restarts")
    parser.add_argument("--instant", action="store_true", help="no rate limit and no delays (for tests)")
    parser.add_argument("--seed", type=int, default=0, help="seed for generated ids and fault draws")
    faults = parser.add_argument_group("faults")
    faults.add_argument("--latency-ms", type=int, default=0)
    faults.add_argument("--rate-limit", type=float, default=10.0, help="requests/second per key; 0 disables")
    faults.add_argument("--error-rate", type=float, default=0.0, help="5xx before any state change")
    faults.add_argument("--error-after-commit-rate", type=float, default=0.0, help="apply, then answer 5xx")
    faults.add_argument("--drop-after-commit-rate", type=float, default=0.0, help="apply, then drop the connection")
    faults.add_argument("--fault-path-prefix", help="limit faults to paths starting with this (e.g. /orders)")
    faults.add_argument("--fault-method", help="limit faults to requests with this method (e.g. POST)")
    account = parser.add_argument_group("account behaviour")
    account.add_argument("--starting-balance", type=float, default=100_000.0)
    account.add_argument("--approvals", action=argparse.BooleanOptionalAction, default=False)
    account.add_argument("--order-processing-seconds", type=float, default=0.0)
    account.add_argument("--delivery-seconds", type=float, default=2.0)
    account.add_argument("--invoice-payment-seconds", type=float, default=5.0, help="negative: only an admin call pays")
    account.add_argument("--report-seconds", type=float, default=3.0)
    account.add_argument("--fee-percent", type=float, default=0.0, help="Tremendous fee per order, % of face")
    account.add_argument("--tango-fee-percent", type=float, default=0.0, help="Tango Card fee per order, % of face")
    account.add_argument(
        "--lenient-changed-replay",
        action="store_true",
        help="a reused external_id with other parameters gets 201 and the original order, not 409 (strictness #5)",
    )
    account.add_argument(
        "--tango-idempotency-days", type=float, default=90.0, help="how long Tango replays a key; 0 = forever (#3)"
    )
    account.add_argument("--tango-list-cap", type=int, default=10_000, help="most results Tango's GET /orders lists")
    return parser


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    """Turn parsed flags into a validated config."""
    if args.instant:
        config = SandboxConfig.instant(starting_balance=args.starting_balance, approvals=args.approvals)
        config.faults.seed = args.seed
        config.state_file = args.state_file
        return config
    return SandboxConfig(
        state_file=args.state_file,
        faults=FaultConfig(
            latency_ms=args.latency_ms,
            rate_limit_per_second=args.rate_limit or None,
            error_rate=args.error_rate,
            error_after_commit_rate=args.error_after_commit_rate,
            drop_after_commit_rate=args.drop_after_commit_rate,
            seed=args.seed,
            path_prefix=args.fault_path_prefix,
            method=args.fault_method,
        ),
        settings=SandboxSettings(
            starting_balance=args.starting_balance,
            approvals=args.approvals,
            order_processing_seconds=args.order_processing_seconds,
            delivery_seconds=args.delivery_seconds,
            invoice_payment_seconds=None if args.invoice_payment_seconds < 0 else args.invoice_payment_seconds,
            report_seconds=args.report_seconds,
            fee_percent=args.fee_percent,
            tango_fee_percent=args.tango_fee_percent,
            lenient_changed_replay=args.lenient_changed_replay,
            tango_idempotency_days=args.tango_idempotency_days or None,
            tango_list_cap=args.tango_list_cap,
        ),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``tremendous-sandbox``."""
    args = build_parser().parse_args(argv)
    config = config_from_args(args)
    from airflow_provider_tremendous.sandbox.server import serve

    print(f"Tremendous sandbox on http://{args.host}:{args.port}/api/v2 (admin: /_sandbox, any TEST_ key)")
    serve(config, args.host, args.port)


if __name__ == "__main__":
    main()

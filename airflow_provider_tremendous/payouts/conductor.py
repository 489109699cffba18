"""From a bulk payout's arguments to a finished run: the one path the operator hands its work to.

In order: the payout id and shard are checked, the paying vendor's adapter is built through the registry, the caps
are read by the one money parser, every row is read and validated (:func:`~.prepare.prepare`), the fee bound the
caps need is checked, and :class:`~.run.PayoutRun` pays. Nothing is sent before every row has been validated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.core.money import AmountError, parse_amount
from airflow_provider_tremendous.payouts.keys import check_payout_id

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.protocol import PayoutAdapter
    from airflow_provider_tremendous.payouts.registry import PayoutRegistry


@dataclass(frozen=True)
class PayoutRequest:
    """What the rows are and how to read them, the caps as given, the vendor's connection and options, and the
    run's other settings (``run``: the keyword fields of :class:`~.run.RunOptions` but payout id, shard, caps and
    connection, which are set from the rest)."""

    rows: Any
    payout_id: str
    key_field: str
    columns: dict[str, str]
    defaults: dict[str, Any]
    custom_field_columns: dict[str, str]
    row_rules: dict[str, Any]
    reissue: dict[str, int] | None
    max_total_amount: Any
    max_amount_per_recipient: Any
    max_fee_percent: Any
    shard_index: int
    shard_count: int
    conn_id: str
    hook_params: dict[str, Any]
    funding_source_id: str
    vendor_options: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)


def read_caps(request: PayoutRequest) -> dict[str, Decimal | None]:
    """``max_total_amount``, ``max_amount_per_recipient`` (by the one money parser) and ``max_fee_percent``."""
    from airflow_provider_tremendous.payouts.charges import parse_fee_percent

    caps: dict[str, Decimal | None] = {}
    for name in ("max_total_amount", "max_amount_per_recipient"):
        value = getattr(request, name)
        try:
            caps[name] = None if value is None else parse_amount(value)
        except AmountError as error:
            raise InputError(f"{name}: {error}; nothing was sent") from None
    caps["max_fee_percent"] = parse_fee_percent(request.max_fee_percent)
    return caps


def run_payout(
    request: PayoutRequest,
    log: Any,
    since: Callable[..., Any],
    registry: Callable[..., PayoutRegistry] | None,
    on_adapter: Callable[[PayoutAdapter], None] = lambda adapter: None,
) -> dict[str, Any]:
    """Validate every row, then pay; ``on_adapter`` receives the adapter before anything is sent (so a kill can
    stop it)."""
    from airflow_provider_tremendous.payouts.prepare import prepare
    from airflow_provider_tremendous.payouts.reissue import parse_reissue
    from airflow_provider_tremendous.payouts.report import need_fee_bound
    from airflow_provider_tremendous.payouts.rows import RowSpec
    from airflow_provider_tremendous.payouts.run import PayoutRun, RunOptions
    from airflow_provider_tremendous.vendors import payout_adapter

    payout_id = check_payout_id(request.payout_id)
    shard = (int(request.shard_index), int(request.shard_count))
    if not 0 <= shard[0] < shard[1]:
        raise InputError(f"shard_index must be in 0..{shard[1] - 1}, got {shard[0]}")
    adapter = payout_adapter(
        request.conn_id, request.hook_params, funding_source_id=request.funding_source_id, **request.vendor_options
    )
    on_adapter(adapter)
    spec = RowSpec(
        request.key_field,
        request.columns,
        adapter.row_defaults(request.defaults),
        request.custom_field_columns,
        **request.row_rules,
        reissue=parse_reissue(request.reissue, request.run.get("keep_case", False)),
    )
    caps = read_caps(request)
    prepared = prepare(request.rows, spec, payout_id, adapter.unit_cost, shard, adapter.row_problems, adapter.vendor)
    try:
        need_fee_bound(caps, shard, len(prepared.fee_classes))
        options = RunOptions(payout_id=payout_id, shard=shard, caps=caps, conn_id=request.conn_id, **request.run)
        return PayoutRun(prepared, adapter, options, log, since, registry).execute()
    finally:
        prepared.cleanup()

"""The validation pass: every row is read and checked before the first payment, streaming.

Valid rows of this shard are spooled to a temporary JSONL file, so sending reads them back from disk instead of
holding 100,000 rows in memory; only the set of keys (for duplicates) and per-recipient totals (for caps) are kept.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from airflow_provider_tremendous.errors import TremendousInputError
from airflow_provider_tremendous.payouts.keys import IdScheme, RowIds, row_ids, shard_of
from airflow_provider_tremendous.payouts.rows import PayoutRow, RowSpec, row_errors
from airflow_provider_tremendous.payouts.sources import RowProblem, iter_rows

#: Invalid rows kept in memory for messages and the summary (all of them go to the result file).
KEEP_INVALID = 50


@dataclass(frozen=True)
class InvalidRow:
    """One problem of one row."""

    row: int
    key: str | None
    field: str
    reason: str

    def __str__(self) -> str:
        who = f" (key {self.key})" if self.key else ""
        return f"row {self.row}{who}: {self.field}: {self.reason}"


@dataclass
class Prepared:
    """What the validation pass found."""

    rows_total: int = 0
    valid: int = 0
    invalid: int = 0
    in_shard: int = 0
    invalid_examples: list[InvalidRow] = field(default_factory=list)
    amount_by_currency: dict[str, Decimal] = field(default_factory=dict)
    cost_total: Decimal = Decimal(0)
    top_recipient: tuple[str, Decimal] = ("", Decimal(0))
    spool: Path | None = None
    rejects: Path | None = None

    def spooled(self) -> Iterator[dict[str, Any]]:
        """The valid rows of this shard, read back one at a time."""
        if self.spool is None:
            return
        with self.spool.open() as handle:
            for line in handle:
                yield json.loads(line)

    def rejected(self) -> Iterator[InvalidRow]:
        """Every invalid row's problems."""
        if self.rejects is None:
            return
        with self.rejects.open() as handle:
            for line in handle:
                yield InvalidRow(**json.loads(line))

    def cleanup(self) -> None:
        """Delete the spool files."""
        for path in (self.spool, self.rejects):
            if path is not None:
                path.unlink(missing_ok=True)


def _check_columns(raw: dict[str, Any], spec: RowSpec) -> None:
    """The key column and every mapped column must exist (a wrong header would otherwise fail every row)."""
    wanted = [spec.key_field, *spec.columns.values(), *spec.custom_field_columns.values()]
    missing = [column for column in wanted if column not in raw]
    if missing:
        raise TremendousInputError(
            f"rows have no column {', '.join(repr(c) for c in missing)}; their columns are {sorted(raw)[:20]}. "
            "Fix the header, or point key_field/columns at the right names; nothing was sent"
        )


def _shown(value: Any) -> str | None:
    """A key value as the row wrote it, for messages."""
    return None if value in (None, "") else str(value)


def prepare(
    rows: Any,
    spec: RowSpec,
    payout_id: str,
    unit_cost: Callable[[str], Decimal],
    shard: tuple[int, int] = (0, 1),
    vendor_check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None,
    vendor: str = "tremendous",
) -> Prepared:
    """Validate every row, find duplicate keys, price the payout, and spool this shard's valid rows.

    Keys are canonicalised (:func:`~airflow_provider_tremendous.payouts.keys.canonical_key`): two rows whose
    canonical keys are equal are duplicates, whatever their spelling.

    :param unit_cost: the cost, in the organization's currency, of one unit of a currency.
    :param shard: ``(index, count)``: only rows whose key falls in shard ``index`` are spooled for sending.
    :param vendor_check: the vendor's own rules for a valid row (e.g. Tango Card's catalog ranges), as
        ``(field, reason)`` problems; a row with any is invalid like any other.
    :param vendor: whose external-id rules apply (``tremendous`` or ``tangocard``).
    """
    result = Prepared()
    scheme = IdScheme(keep_case=spec.keep_case)
    seen: dict[str, tuple[int, str | None]] = {}
    header_checked = False
    per_recipient: dict[str, Decimal] = {}
    spool = tempfile.NamedTemporaryFile("w", suffix=".jsonl", prefix="payout-rows-", delete=False)  # noqa: SIM115
    rejects = tempfile.NamedTemporaryFile("w", suffix=".jsonl", prefix="payout-rejects-", delete=False)  # noqa: SIM115
    result.spool, result.rejects = Path(spool.name), Path(rejects.name)
    with spool, rejects:

        def reject(problem: InvalidRow) -> None:
            if len(result.invalid_examples) < KEEP_INVALID:
                result.invalid_examples.append(problem)
            rejects.write(json.dumps(problem.__dict__) + "\n")

        for item in iter_rows(rows):
            result.rows_total += 1
            if isinstance(item, RowProblem):
                result.invalid += 1
                reject(InvalidRow(item.row, None, "row", item.reason))
                continue
            number, raw = item
            if not header_checked:
                _check_columns(raw, spec)
                header_checked = True
            written = raw.get(spec.key_field)
            ids: RowIds | None = None
            problems: list[tuple[str, str]] = []
            try:
                ids = row_ids(payout_id, written, vendor, spec.keep_case)
            except ValueError as error:
                problems.append((spec.key_field, str(error)))
            try:
                row = PayoutRow.model_validate(
                    {**spec.extract(raw), "key": ids.key if ids else "?"}, context=spec.context()
                )
            except ValidationError as error:
                problems.extend(row_errors(error))
            if problems or ids is None:
                result.invalid += 1
                for where, reason in problems:
                    reject(InvalidRow(number, _shown(written), where, reason))
                continue
            if ids.key in seen:
                result.invalid += 1
                first, first_written = seen[ids.key]
                spelled = "" if first_written == _shown(written) else f" (written {first_written!r} there)"
                reject(
                    InvalidRow(
                        number,
                        _shown(written),
                        spec.key_field,
                        f"duplicate key: {ids.key!r} is already row {first}'s key{spelled}; keys are compared "
                        "trimmed, case-folded and Unicode-normalised, with 17.0 = 17. Pay each person once: remove "
                        "one of the rows (or pass keep_case=True if case distinguishes people)",
                    )
                )
                continue
            seen[ids.key] = (number, _shown(written))
            cost = row.amount * unit_cost(row.currency)
            record = {
                "row": number,
                "key": ids.key,
                "external_id": ids.external_id,
                "alternate_ids": ids.alternate_ids,
                "id_scheme": scheme.label,
                "amount": str(row.amount),
                "currency": row.currency,
                "cost": str(cost),  # in the organization's currency: what this row takes from the balance
                "recipient": {"name": row.name, "email": row.email, "phone": row.phone},
                "reward": row.reward(),
            }
            problems = vendor_check(record) if vendor_check else []
            if problems:
                result.invalid += 1
                for where, reason in problems:
                    reject(InvalidRow(number, _shown(written), where, reason))
                continue
            result.valid += 1
            result.cost_total += cost
            result.amount_by_currency[row.currency] = (
                result.amount_by_currency.get(row.currency, Decimal(0)) + row.amount
            )
            recipient_total = per_recipient.get(row.recipient_key, Decimal(0)) + cost
            per_recipient[row.recipient_key] = recipient_total
            if recipient_total > result.top_recipient[1]:
                result.top_recipient = (row.recipient_key, recipient_total)
            if shard_of(ids.key, shard[1]) == shard[0]:
                result.in_shard += 1
                spool.write(json.dumps(record) + "\n")
    return result

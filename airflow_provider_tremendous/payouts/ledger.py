"""The per-row result file (CSV or JSONL) and the bounded summary.

The result file is also the local ledger: on a retry, keys it already records as paid are not sent again (the
vendor's idempotency stays the safety net for everything else).
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from airflow_provider_tremendous.payouts.outcomes import ENDED_UNPAID, PAID, Charge, Outcome

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.history import PayoutHistory

COLUMNS = [
    "row",
    "key",
    "external_id",
    "order_id",
    "reward_id",
    "status",
    "outcome",
    "amount",
    "currency",
    "error",
    "id_scheme",
    "created_at",
    "recipient_hash",
    "charged",  # what the vendor charged for the order (face + fees), when it said: processed orders only
    "fees",
    "charge_currency",
]


def _location(path: str) -> Any:
    if "://" in path:
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        return ObjectStoragePath(path)
    return Path(path)


def read_paid(path: str | None) -> dict[str, dict[str, str]]:
    """External ids a previous try recorded as paid, from a local or object-storage result file (a truncated
    last line from a killed worker is ignored). Keyed by external id, not by key: ids name the payout, the
    derivation and the canonical key, so another payout's file, or another spelling, never matches."""
    if not path:
        return {}
    location = _location(path)
    if not location.exists() or not location.is_file():
        return {}
    paid: dict[str, dict[str, str]] = {}
    with location.open("r", newline="") as handle:
        lines = handle.read().splitlines(keepends=True)  # object-storage handles are not always iterable
    records: Any = csv.DictReader(lines) if path.endswith(".csv") else (_json_or_none(line) for line in lines)
    for record in records:
        if record and record.get("outcome") in PAID and record.get("order_id") and record.get("external_id"):
            paid[record["external_id"]] = record
    return paid


def _json_or_none(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def known_payment(ledger: dict[str, dict[str, str]], row: dict[str, Any]) -> dict[str, str] | None:
    """The ledger's record of ``row``'s payment: under the row's current id, for the row's amount, currency and
    recipient. Anything else (an earlier id, a changed amount or recipient, a file without recipients) is left to
    the vendor's history, which compares the order itself with the row."""
    record = ledger.get(row["external_id"])
    if record is None or record.get("currency") != row["currency"]:
        return None
    if not record.get("recipient_hash") or record.get("recipient_hash") != row.get("recipient_hash"):
        return None
    try:
        same_amount = Decimal(record.get("amount") or "") == Decimal(row["amount"])
    except InvalidOperation:
        return None
    return record if same_amount else None


def confirmed(
    ledger: dict[str, dict[str, str]], history: PayoutHistory | None, own: tuple[str, ...] = ("",)
) -> tuple[dict[str, dict[str, str]], list[dict[str, str]]]:
    """The ledger's payments the vendor's state does not contradict, and those it cannot vouch for.

    A payment whose order the vendor now shows ended unpaid (FAILED, CANCELED: refunded) is dropped: its row is
    then found failed in the vendor's history. When the vendor's listing of the payout on this account is complete,
    a payment it does not hold at all is returned as *foreign*: the file was written for another account, vendor or
    environment (or the order is not visible yet). Such a row is neither taken for paid nor sent again here: the
    run refuses, since sending could pay again from this account and skipping could leave someone unpaid.
    ``own``: this payout's external-id prefixes (lines of other payouts sharing the file are ignored)."""
    if history is None:
        return ledger, []
    kept: dict[str, dict[str, str]] = {}
    foreign = []
    for external_id, record in ledger.items():
        order = history.by_id.get(external_id)
        if order is not None and (order.status or "").upper() in ENDED_UNPAID:
            continue
        if order is None and history.complete:
            if external_id.startswith(own):  # this payout's line (other payouts' lines never match a row)
                foreign.append(record)
            continue
        kept[external_id] = record
    return kept, foreign


def recorded_charge(record: dict[str, str]) -> Charge | None:
    """The charge a result-file line records (``charged``, ``fees``, ``charge_currency``), if any."""
    try:
        total, fees = Decimal(record.get("charged") or ""), Decimal(record.get("fees") or "0")
    except InvalidOperation:
        return None
    if not total.is_finite() or not fees.is_finite() or total < 0 or fees < 0:
        return None
    return Charge(subtotal=total - fees, fees=fees, total=total, currency=record.get("charge_currency") or "")


class ResultWriter:
    """Writes one line per row as outcomes arrive (flushed, so a killed worker leaves a usable ledger)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.jsonl = not path.lower().endswith(".csv")
        self._handle: IO[str] = self._open(path)
        self._csv = None if self.jsonl else csv.DictWriter(self._handle, fieldnames=COLUMNS, extrasaction="ignore")
        if self._csv is not None:
            self._csv.writeheader()

    @staticmethod
    def _open(path: str) -> IO[str]:
        if "://" in path:
            return _location(path).open("w")  # type: ignore[no-any-return]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return Path(path).with_suffix(Path(path).suffix + ".tmp").open("w", newline="")

    def write(self, outcome: Outcome) -> None:
        record = outcome.record()
        if self._csv is not None:
            self._csv.writerow(record)
        else:
            self._handle.write(json.dumps(record) + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Close and move into place (the previous try's file stays readable until then)."""
        self._handle.close()
        if "://" not in self.path:
            Path(self.path).with_suffix(Path(self.path).suffix + ".tmp").replace(self.path)

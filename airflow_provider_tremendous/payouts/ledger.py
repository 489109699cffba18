"""The per-row result file: a report and a journal, scoped to one payout on one vendor account — never the ledger.

What was paid is learned from the vendor before sending (:mod:`.history`). The result file only helps: its lines
say since when the payout has been paying (the lower bound of the vendor scan), which rows a killed or failed try
left ``unknown``, and whether the payout was paid on another production account. Each line carries its identity —
payout id, vendor, an account fingerprint (a hash of the vendor's account identity, never of the key) and the
environment — and only lines of this payout on this account count for its window; no email, phone or name is
written. Lines are appended to the file that is read (a killed worker's lines are read by the next try), flushed
at once and fsynced at least every second; a clean close compacts the file to one line per row. A line whose last
column (``run``) is missing or cut short was torn by a kill and is ignored.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from airflow_provider_tremendous.payouts.outcomes import PAID, UNKNOWN, Charge, Outcome
from airflow_provider_tremendous.payouts.protocol import account_fingerprint as account_fingerprint  # 0.1's home

IDENTITY = ["payout_id", "vendor", "account", "environment"]
COLUMNS = [
    *IDENTITY,
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
    "charged",  # what the vendor charged for the order (face + fees), when it said: processed orders only
    "fees",
    "charge_currency",
    "payout_since",  # when the payout began paying on this account, as far as this run knew (its scan's bound)
    "run",  # when the run that wrote the line began: the last column, so a line torn by a kill is recognised
]
#: A complete ``run`` stamp: a line without one was cut short.
_RUN_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00")
#: Outcomes that say a payment may exist on the account that wrote the line (``unknown``: it may).
ELSEWHERE = frozenset({*PAID, UNKNOWN})
#: An email address inside an error text (the result file holds no recipient data in clear).
_EMAIL = re.compile(r"[^\s'\"<>(),;:]+@[^\s'\"<>(),;]+")
#: A quoted value inside the error of a recipient field (``email: 'x@' is not ...``).
_QUOTED = re.compile(r"'[^']*'")
FSYNC_INTERVAL = 1.0
UPLOAD_INTERVAL = 30.0
PRODUCTION = "production"


@dataclass(frozen=True)
class Identity:
    """Whose lines a result file's reader trusts: this payout, on this vendor account, in this environment."""

    payout_id: str
    vendor: str
    account: str
    environment: str

    def fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in IDENTITY}

    def same_account(self, line: dict[str, Any]) -> bool:
        return all(line.get(name) == getattr(self, name) for name in IDENTITY)

    @property
    def label(self) -> str:
        return f"{self.vendor} account {self.account} ({self.environment})"


def is_csv(path: str) -> bool:
    """CSV by suffix, whatever its case (``.CSV`` too); anything else is JSON lines."""
    return path.lower().endswith(".csv")


def rejects_path(path: str) -> str:
    """Where a refused run writes its invalid rows: next to the result file, never over it."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.rejects.{suffix}" if dot and "/" not in suffix else f"{path}.rejects"


# -- reading -------------------------------------------------------------------------------------------------------
def _location(path: str) -> Any:
    if "://" in path:
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        return ObjectStoragePath(path)
    return Path(path)


def _read_text(path: str) -> str:
    location = _location(path)
    if not location.exists() or not location.is_file():
        return ""
    with location.open("r", newline="") as handle:
        return str(handle.read())


def parse_lines(lines: Iterable[str], csv_format: bool) -> Iterator[dict[str, Any]]:
    """The complete lines of a result file (a line torn by a kill, or unreadable, is skipped; lines written
    before lines carried an identity have no ``payout_id`` and are kept as they are)."""
    records: Any = csv.DictReader(lines) if csv_format else (_json_or_none(line) for line in lines)
    for record in records:
        if not isinstance(record, dict):
            continue
        if record.get("payout_id") and not _RUN_STAMP.fullmatch(str(record.get("run") or "")):
            continue  # this format is complete only with its last column
        yield record


def _json_or_none(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def read_lines(path: str | None) -> Iterator[dict[str, Any]]:
    """Every complete line of a local or object-storage result file (none when it does not exist)."""
    if not path:
        return
    local = journal_path(path) if "://" in path else path
    if "://" in path:  # the uploaded file, then this worker's journal (stale, or newer when a kill beat the upload)
        yield from parse_lines(_read_text(path).splitlines(keepends=True), is_csv(path))
    if Path(local).is_file():
        with Path(local).open(newline="") as handle:
            yield from parse_lines(handle, is_csv(path))


@dataclass
class Journal:
    """What a result file says about this payout (never taken for payment: the vendor's records are).

    :param since: the earliest ``payout_since`` or order ``created_at`` of this payout's lines on this account.
    :param unknown: external ids this account's lines last left ``unknown`` (looked up before anything is sent).
    :param elsewhere: this payout's paid lines on another *production* account or vendor.
    :param legacy: this payout's paid lines written before lines carried an identity (external id → line).
    :param charges: charges recorded on this account's lines, by order id (external id, charge).
    """

    since: str | None = None
    unknown: set[str] = field(default_factory=set)
    elsewhere: list[dict[str, Any]] = field(default_factory=list)
    legacy: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, tuple[str, Charge]] = field(default_factory=dict)


def read_journal(
    path: str | None, identity: Identity, own_prefixes: tuple[str, ...], siblings: Iterable[str] = ()
) -> Journal:
    """Read what ``path`` says about ``identity``'s payout; other payouts' lines are ignored.

    :param own_prefixes: the payout's external-id prefixes, for lines written before lines carried an identity.
    :param siblings: other result files of this payout on this worker (the default paths of other vendors and
        accounts, and an earlier version's default path): read only for payments recorded elsewhere.
    """
    journal = Journal()
    for sibling in siblings:
        for line in read_lines(sibling):
            if not line.get("payout_id"):
                if line.get("outcome") in PAID and str(line.get("external_id") or "").startswith(own_prefixes):
                    journal.legacy.setdefault(str(line["external_id"]), line)
            elif (
                line["payout_id"] == identity.payout_id
                and not identity.same_account(line)
                and line.get("outcome") in ELSEWHERE
                and line.get("environment") == PRODUCTION
            ):
                journal.elsewhere.append(line)
    for line in read_lines(path):
        external_id, outcome = str(line.get("external_id") or ""), line.get("outcome")
        if not line.get("payout_id"):  # written by an earlier version: no identity
            if outcome in PAID and line.get("order_id") and external_id.startswith(own_prefixes):
                journal.legacy[external_id] = line
            continue
        if line["payout_id"] != identity.payout_id:
            continue
        if not identity.same_account(line):
            if outcome in ELSEWHERE and line.get("environment") == PRODUCTION:
                journal.elsewhere.append(line)
            continue
        for stamp in (line.get("payout_since"), line.get("created_at")):
            if stamp and (journal.since is None or str(stamp) < journal.since):
                journal.since = str(stamp)
        if outcome == UNKNOWN:
            journal.unknown.add(external_id)
        else:
            journal.unknown.discard(external_id)
        charge = recorded_charge(line)
        if outcome in PAID and charge is not None and line.get("order_id"):
            journal.charges[str(line["order_id"])] = (external_id, charge)
    return journal


def recorded_charge(record: dict[str, Any]) -> Charge | None:
    """The charge a result-file line records (``charged``, ``fees``, ``charge_currency``), if any."""
    try:
        total, fees = Decimal(str(record.get("charged") or "")), Decimal(str(record.get("fees") or "0"))
    except InvalidOperation:
        return None
    if not total.is_finite() or not fees.is_finite() or total < 0 or fees < 0:
        return None
    return Charge(subtotal=total - fees, fees=fees, total=total, currency=str(record.get("charge_currency") or ""))


def paid_order_ids(path: str) -> list[str]:
    """The order ids a result file records as paid (last line of each external id wins), for a wait."""
    last: dict[str, dict[str, Any]] = {}
    for line in read_lines(path):
        last[str(line.get("external_id") or "")] = line
    return [str(line["order_id"]) for line in last.values() if line.get("outcome") in PAID and line.get("order_id")]


# -- writing -------------------------------------------------------------------------------------------------------
def journal_path(uri: str) -> str:
    """The local journal of an object-storage result file: lines land here first and are uploaded periodically."""
    digest = hashlib.sha256(uri.encode()).hexdigest()[:16]
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    return str(Path(tempfile.gettempdir()) / "tremendous-payouts" / "journals" / f"{digest}-{name}")


class ResultFile:
    """Appends one line per row as outcomes arrive to the file the next try reads; compacts it on a clean close.

    :param fields: the identity and run fields every line carries (``payout_id`` ... ``run``).
    :param fresh: start the file anew (a refused run's rejects file), instead of appending.
    """

    def __init__(self, path: str, fields: dict[str, Any], fresh: bool = False) -> None:
        self.path = path
        self.fields = fields
        self.csv = is_csv(path)
        self.local = journal_path(path) if "://" in path else path
        self.written: set[str] = set()
        self._synced = self._uploaded = time.monotonic()
        Path(self.local).parent.mkdir(parents=True, exist_ok=True)
        if "://" in path:
            self._merge_remote()
        if fresh:
            Path(self.local).unlink(missing_ok=True)
        self._upgrade()
        self._handle: IO[str] = Path(self.local).open("a", newline="")  # noqa: SIM115 - closed by close()
        self._writer = csv.DictWriter(self._handle, fieldnames=COLUMNS, extrasaction="ignore") if self.csv else None
        if self._handle.tell() == 0 and self._writer is not None:
            self._writer.writeheader()

    def _merge_remote(self) -> None:
        """Start the journal from the object-storage file, keeping lines a killed try left only in the journal."""
        remote = _read_text(self.path)
        local = Path(self.local).read_text() if Path(self.local).exists() else ""
        if local == remote:
            return
        seen = set(remote.splitlines())
        extra = [line for line in local.splitlines() if line not in seen and line.strip()]
        if self.csv and extra and remote and extra[0] == remote.splitlines()[0]:
            extra = extra[1:]
        text = remote if remote.endswith("\n") or not remote else remote + "\n"
        Path(self.local).write_text(text + "".join(f"{line}\n" for line in extra) if (remote or extra) else "")

    def _upgrade(self) -> None:
        """A file with other columns (an earlier version's) is rewritten in these, so lines can be appended; a
        torn last line is ended, so the next line is not glued to it."""
        target = Path(self.local)
        if not target.exists() or target.stat().st_size == 0:
            return
        with target.open(newline="") as handle:
            header = handle.readline().rstrip("\r\n")
        if self.csv and header != ",".join(COLUMNS):
            with target.open(newline="") as handle:
                _rewrite(target, csv.DictReader(handle), csv_format=True)
            return
        with target.open("rb+") as handle:
            data = handle.read()
            if not data.endswith(b"\n"):  # a line torn by a kill: cut it off (a quote it opened would swallow the rest)
                handle.truncate(data.rfind(b"\n") + 1)

    def write(self, outcome: Outcome) -> None:
        record = self.fields | outcome.record()
        record["error"] = scrubbed(record.get("error"))
        record["run"] = self.fields["run"]  # last, whatever the outcome holds
        for ident in (outcome.external_id, outcome.row_id):
            if ident:
                self.written.add(ident)
        if self._writer is not None:
            self._writer.writerow(record)
        else:
            self._handle.write(json.dumps({k: record.get(k) for k in COLUMNS}) + "\n")
        self._handle.flush()
        now = time.monotonic()
        if now - self._synced >= FSYNC_INTERVAL:
            os.fsync(self._handle.fileno())
            self._synced = now
        if "://" in self.path and now - self._uploaded >= UPLOAD_INTERVAL:
            self._upload()
            self._uploaded = now

    def close(self, compact: bool = True) -> None:
        """fsync and close; on a clean end, keep one line per row (this run's, or an earlier run's for rows this
        run did not write); upload an object-storage file."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        if compact:
            self._compact()
        if "://" in self.path:
            self._upload()

    def _compact(self) -> None:
        target = Path(self.local)
        run, payout, account = self.fields["run"], self.fields["payout_id"], self.fields["account"]

        def kept(lines: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
            for line in lines:
                superseded = (
                    line.get("payout_id") == payout
                    and line.get("account") == account
                    and line.get("vendor") == self.fields["vendor"]
                    and line.get("run") != run
                    and (not line.get("external_id") or line.get("external_id") in self.written)
                )
                if not superseded:
                    yield line

        with target.open(newline="") as handle:
            _rewrite(target, kept(parse_lines(handle, self.csv)), self.csv)

    def _upload(self) -> None:
        with _location(self.path).open("w") as remote:
            remote.write(Path(self.local).read_text())


def scrubbed(error: Any) -> Any:
    """An error text without recipient data: email addresses, and the quoted value of a recipient field's error
    (``email: '...' is not a valid address`` → ``email: '…' ...``), are masked."""
    if not isinstance(error, str) or not error:
        return error
    if error.split(":", 1)[0].strip() in ("email", "phone", "name", "recipient"):
        error = _QUOTED.sub("'…'", error)
    return _EMAIL.sub("<email>", error)


def _rewrite(target: Path, records: Iterable[dict[str, Any]], csv_format: bool) -> None:
    """Replace ``target`` with ``records`` (streamed) in this format, atomically: a kill leaves the old file or
    the new one, never half of it."""
    temporary = target.with_name(target.name + ".compact")
    with temporary.open("w", newline="") as handle:
        if csv_format:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(records)
        else:
            handle.writelines(json.dumps({k: r.get(k) for k in COLUMNS}) + "\n" for r in records)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(target)

"""The validation pass: every row is read and checked before the first payment, streaming.

Valid rows of this shard are spooled to a temporary JSONL file, so sending reads them back from disk instead of
holding 100,000 rows in memory; only the set of keys (for duplicates) and per-recipient totals (for caps) are kept.
The spool holds recipients' emails, names and phones: it lives in a private (``0700``) per-payout directory
(:mod:`.spool`) and is removed on every exit path: by :func:`prepare` itself when it raises, by the caller's
``finally: prepared.cleanup()`` otherwise. A SIGKILL leaves it behind; the next run of the same payout removes it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.core.recipients import visible_key
from airflow_provider_tremendous.payouts.keys import IdScheme, RowIds, row_ids, shard_of
from airflow_provider_tremendous.payouts.number_keys import SpellingCheck
from airflow_provider_tremendous.payouts.outcomes import fee_class
from airflow_provider_tremendous.payouts.rows import PayoutRow, RowSpec, row_errors
from airflow_provider_tremendous.payouts.sources import RowProblem, iter_rows
from airflow_provider_tremendous.payouts.spool import RunSpool

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
    #: Rows whose key may write a number another row's key writes: they stop the run whatever ``on_invalid`` says.
    number_conflicts: int = 0
    #: Rows that could not be read at all (a CSV line with too many cells): whose they are is unknown, so they too
    #: stop the run whatever ``on_invalid`` says (the person may be another row's under another spelling).
    unreadable: int = 0
    amount_by_currency: dict[str, Decimal] = field(default_factory=dict)
    cost_total: Decimal = Decimal(0)
    top_recipient: tuple[str, Decimal] = ("", Decimal(0))
    #: Every recipient identity's total and row count (all shards): per-recipient caps price them with fees.
    recipients: dict[str, RecipientTotal] = field(default_factory=dict)
    spool: Path | None = None
    rejects: Path | None = None
    #: The fee classes (campaign and products) of the valid rows: fees may differ between them.
    fee_classes: set[str] = field(default_factory=set)
    #: Every valid row's external id now (all shards): an earlier id of one row that is another row's id now is
    #: never looked up for it. Each maps to the row's cost (face in the funding currency), its recipient hash, and the
    #: hashes of its email alone and its phone alone: what an order under that id covers when it is this row's payment.
    current_ids: dict[str, tuple[Decimal, bytes]] = field(default_factory=dict)
    #: The ids of re-issued rows' earlier generations (all shards) → the row's id now.
    superseded: dict[str, str] = field(default_factory=dict)
    #: The run's private spool directory (removed, with both files, by :meth:`cleanup`).
    workdir: RunSpool | None = field(default=None, repr=False)

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
        """Delete the spool files and the run's spool directory (idempotent)."""
        for path in (self.spool, self.rejects):
            if path is not None:
                path.unlink(missing_ok=True)
        if self.workdir is not None:
            self.workdir.close()


def _check_columns(raw: dict[str, Any], spec: RowSpec) -> None:
    """The key column and every mapped column must exist (a wrong header would otherwise fail every row)."""
    wanted = [spec.key_field, *spec.columns.values(), *spec.custom_field_columns.values()]
    missing = [column for column in wanted if column not in raw]
    if missing:
        raise InputError(
            f"rows have no column {', '.join(repr(c) for c in missing)}; their columns are {sorted(raw)[:20]}. "
            "Fix the header, or point key_field/columns at the right names; nothing was sent"
        )


def _cost(amount: Decimal, unit_cost: Decimal) -> Decimal:
    """What a row takes from the funding currency: converted amounts rounded *up* to the cent, since the vendor
    rounds each order's conversion and a cap must hold whichever way it rounds."""
    if unit_cost == 1:
        return amount
    return (amount * unit_cost).quantize(Decimal("0.01"), rounding=ROUND_CEILING)


def row_hashes(packed: bytes) -> tuple[str, str, str]:
    """A row's recipient hash, and the hashes of its email alone and its phone alone, as ``current_ids`` keeps them."""
    return packed[:8].hex(), packed[8:16].hex(), packed[16:24].hex()


def recipient_hash(identities: list[str]) -> str:
    """Who a row pays, as the result file records it: a hash of the recipient's identities (no address on disk)."""
    return hashlib.sha256("\x1f".join(sorted(identities)).encode()).hexdigest()[:16]


def _shown(value: Any) -> str | None:
    """A key value as the row wrote it, for messages and the result file (a lone surrogate, half an emoji cut by
    an export, shown escaped: it cannot be written as UTF-8)."""
    if value in (None, ""):
        return None
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class RecipientTotal:
    """One identity (an email, a phone): the first row and key paying it, what it receives in all (in the
    funding currency) and in how many rows."""

    row: int
    key: str
    total: Decimal = Decimal(0)
    rows: int = 0


class _ValidationPass:
    """The state of one validation pass: keys and recipients seen so far, and where rows go."""

    def __init__(self, spec: RowSpec, payout_id: str, vendor: str, result: Prepared, rejects: IO[str]) -> None:
        self.spec, self.payout_id, self.vendor = spec, payout_id, vendor
        self.result, self.rejects = result, rejects
        self.scheme = IdScheme(keep_case=spec.keep_case)
        self.keys: dict[str, tuple[int, str | None]] = {}  # canonical key → (first row, as written there)
        self.refused_keys: dict[str, int] = {}  # canonical key of a refused row → its row
        self.vendor_refused: set[str] = set()  # keys of valid rows the vendor's catalog refuses
        self.spellings = SpellingCheck()
        self.recipients: dict[str, RecipientTotal] = {}

    def reject(self, number: int, written: Any, problems: list[tuple[str, str]]) -> None:
        self.result.invalid += 1
        for where, reason in problems:
            problem = InvalidRow(number, _shown(written), where, reason)
            if len(self.result.invalid_examples) < KEEP_INVALID:
                self.result.invalid_examples.append(problem)
            self.rejects.write(json.dumps(problem.__dict__) + "\n")

    def refuse(self, number: int, written: Any, key: str | None, problems: list[tuple[str, str]]) -> None:
        """:meth:`reject` a row, remembering its key (canonical, or as it reads) when it has one."""
        if key:
            self.refused_keys.setdefault(key, number)
        self.reject(number, written, problems)

    def validate(self, number: int, raw: dict[str, Any]) -> tuple[RowIds, PayoutRow] | None:
        """The row's ids and fields, or ``None`` once its problems are recorded."""
        written = raw.get(self.spec.key_field)
        ids: RowIds | None = None
        problems: list[tuple[str, str]] = []
        try:
            ids = row_ids(self.payout_id, written, self.vendor, self.spec.keep_case)
            if ids.key in self.spec.reissue:  # an explicit re-issue: paid under its generation's id
                ids = row_ids(self.payout_id, written, self.vendor, self.spec.keep_case, self.spec.reissue[ids.key])
        except ValueError as error:
            problems.append((self.spec.key_field, str(error)))
        values = {**self.spec.extract(raw), "key": ids.key if ids else "?"}
        try:
            row = PayoutRow.model_validate(values, context=self.spec.context(self.vendor))
        except ValidationError as error:
            problems.extend(row_errors(error))
        if problems or ids is None:  # a refused row's key still meets its other spellings: it may be fixed later
            key = ids.key if ids is not None else _visible_text(written)
            conflict = self.same_number(key, written) if key else None
            self.refuse(number, written, key, problems + ([conflict] if conflict else []))
            return None
        problem = self.duplicate_key(ids.key, written)
        problem = problem or self.same_number(ids.key, written) or self.shared_recipient(row.recipient_ids, ids.key)
        if problem:
            self.refuse(number, written, ids.key, [problem])
            return None
        self.keys[ids.key] = (number, _shown(written))
        return ids, row

    def duplicate_key(self, key: str, written: Any) -> tuple[str, str] | None:
        if key not in self.keys:
            return None
        first, first_written = self.keys[key]
        spelled = "" if first_written == _shown(written) else f" (written {first_written!r} there)"
        return (
            self.spec.key_field,
            f"duplicate key: {key!r} is already row {first}'s key{spelled}; keys are compared trimmed, case-folded "
            "and Unicode-normalised, with 17.0 = 17. Pay each person once: remove one of the rows (or pass "
            "keep_case=True if case distinguishes people)",
        )

    def same_number(self, key: str, written: Any) -> tuple[str, str] | None:
        """``(field, reason)`` when this key may write a number another row's key writes (``017`` and ``17``,
        ``1,234`` and ``1234``): one person's id written two ways, which ``on_invalid="skip"`` cannot settle
        (whichever came first would be paid), so :attr:`Prepared.number_conflicts` stops the run in every mode."""
        if self.spec.distinct_number_spellings:
            return None
        earlier = self.spellings.earlier_spelling(key, written, self.seen)
        if earlier is None:
            return None
        self.result.number_conflicts += 1
        if earlier in self.keys:
            row, earlier_written = self.keys[earlier]
            first = f"row {row}'s key {earlier_written or earlier!r}"
        else:
            first = f"row {self.refused_keys.get(earlier, '?')}'s key {earlier!r} (refused)"
        return (
            self.spec.key_field,
            f"key {_shown(written) or key!r} may be the number {first} is, written otherwise (leading zeros, a "
            "sign, separators, an exponent or another script's digits): one person under two spellings would be "
            "paid twice. Write each person's key one way; if such keys are different people, pass "
            "distinct_number_spellings=True",
        )

    def seen(self, key: str) -> bool:
        """Whether an earlier row, valid or refused, has this canonical key."""
        return key in self.keys or key in self.refused_keys

    def shared_recipient(self, identities: list[str], key: str) -> tuple[str, str] | None:
        """``(field, reason)`` when an email or phone of this row already belongs to a row with another key."""
        if self.spec.allow_shared_recipients:
            return None
        for who in identities:
            first = self.recipients.get(who)
            if first is not None and first.key != key and not who.startswith("key "):
                kind, _, address = who.partition(" ")
                return (
                    kind,
                    f"{address} is already row {first.row}'s recipient (key {first.key!r}): one person under two "
                    "keys would be paid twice. Remove one row, or pass allow_shared_recipients=True if different "
                    "people share this address",
                )
        return None

    def count(self, number: int, ids: RowIds, row: PayoutRow, cost: Decimal) -> None:
        """Add a valid row to the totals: per currency, overall, and per recipient identity."""
        result = self.result
        result.valid += 1
        result.cost_total += cost
        emails, phones = ([who for who in row.recipient_ids if who.startswith(kind)] for kind in ("email ", "phone "))
        hashes = (recipient_hash(row.recipient_ids), recipient_hash(emails), recipient_hash(phones))
        result.current_ids[ids.external_id] = (cost, bytes.fromhex("".join(hashes)))  # 24 bytes, not 3 strings
        result.superseded.update(dict.fromkeys(ids.superseded, ids.external_id))
        result.amount_by_currency[row.currency] = result.amount_by_currency.get(row.currency, Decimal(0)) + row.amount
        for who in row.recipient_ids:  # an email and a phone are each one person's identity
            recipient = self.recipients.setdefault(who, RecipientTotal(number, ids.key))
            recipient.total += cost
            recipient.rows += 1
            if recipient.total > result.top_recipient[1]:
                result.top_recipient = (who, recipient.total)

    def record(self, number: int, ids: RowIds, row: PayoutRow, cost: Decimal) -> dict[str, Any]:
        """The spooled form of a valid row."""
        return {
            "row": number,
            "key": ids.key,
            "external_id": ids.external_id,
            "alternate_ids": ids.alternate_ids,
            "other_mode_id": ids.other_mode_id,
            "id_scheme": self.scheme.label + (f" reissue {ids.generation}" if ids.generation else ""),
            **({"generation": ids.generation, "superseded": ids.superseded} if ids.generation else {}),
            "recipient_hash": recipient_hash(row.recipient_ids),
            "amount": str(row.amount),
            "currency": row.currency,
            "cost": str(cost),  # in the organization's currency: what this row takes from the balance
            "recipient": {"name": row.name, "email": row.email, "phone": row.phone},
            "reward": row.reward(),
        }


def prepare(
    rows: Any,
    spec: RowSpec,
    payout_id: str,
    unit_cost: Callable[[str], Decimal],
    shard: tuple[int, int] = (0, 1),
    vendor_check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None,
    vendor: str = "tremendous",
) -> Prepared:
    """Validate every row, find duplicate keys and recipients, price the payout, and spool this shard's valid rows.

    Keys are canonicalised (:func:`~airflow_provider_tremendous.payouts.keys.canonical_key`): two rows whose
    canonical keys are equal are duplicates, whatever their spelling. Recipients are compared by identity
    (case-folded email, E.164 phone): one identity under two keys is refused unless
    ``spec.allow_shared_recipients``; per-recipient totals are kept per identity.

    :param unit_cost: the cost, in the organization's currency, of one unit of a currency.
    :param shard: ``(index, count)``: only rows whose key falls in shard ``index`` are spooled for sending.
    :param vendor_check: the vendor's own rules for a valid row (e.g. Tango Card's catalog ranges), as
        ``(field, reason)`` problems; a row with any is invalid like any other.
    :param vendor: whose external-id and field rules apply (``tremendous`` or ``tangocard``).
    """
    result = Prepared(workdir=RunSpool(vendor, payout_id, shard))
    try:
        _validate_all(result, rows, spec, payout_id, unit_cost, shard, vendor_check, vendor)
    except BaseException:  # a refused input, a bug, a kill: no recipient data stays on disk
        result.cleanup()
        raise
    return result


def _validate_all(
    result: Prepared,
    rows: Any,
    spec: RowSpec,
    payout_id: str,
    unit_cost: Callable[[str], Decimal],
    shard: tuple[int, int],
    vendor_check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None,
    vendor: str,
) -> None:
    """The pass itself (see :func:`prepare`), writing into ``result`` and its spool directory."""
    assert result.workdir is not None
    header_checked = False
    spool = result.workdir.file("payout-rows-")
    rejects = result.workdir.file("payout-rejects-")
    result.spool, result.rejects = Path(spool.name), Path(rejects.name)
    with spool, rejects:
        checks = _ValidationPass(spec, payout_id, vendor, result, rejects)
        result.recipients = checks.recipients
        for item in iter_rows(rows, spec.allow_multiline_cells):
            result.rows_total += 1
            if isinstance(item, RowProblem):  # whose row it is cannot be known: skipping it is not safe (run.py)
                result.unreadable += 1
                checks.reject(item.row, None, [("row", item.reason)])
                continue
            number, raw = item
            if not header_checked:
                _check_columns(raw, spec)
                header_checked = True
            valid = checks.validate(number, raw)
            if valid is None:
                continue
            ids, row = valid
            cost = _cost(row.amount, unit_cost(row.currency))
            record = checks.record(number, ids, row, cost)
            problems = vendor_check(record) if vendor_check else []
            if problems:
                checks.vendor_refused.add(ids.key)
                checks.reject(number, raw.get(spec.key_field), problems)
                continue
            checks.count(number, ids, row, cost)
            result.fee_classes.add(fee_class(record))
            if shard_of(ids.key, shard[1]) == shard[0]:
                result.in_shard += 1
                spool.write(json.dumps(record) + "\n")
    if not result.number_conflicts:  # else the run stops on them, and their report says why each row was refused
        _check_reissued(spec, checks.keys, checks.vendor_refused)


def _visible_text(written: Any) -> str | None:
    """A key refused for itself (a zero-width or bidi character in it) as it reads without those characters, to
    compare its number with other rows' keys; ``None`` for a key that is not text."""
    if not isinstance(written, str):
        return None
    return visible_key(unicodedata.normalize("NFKC", written)).strip()


def _check_reissued(spec: RowSpec, keys: dict[str, Any], vendor_refused: set[str]) -> None:
    """A re-issue naming a key no valid row has is a typo, a stale list or a refused row (also one the vendor's
    catalog refuses): refuse before anything is sent."""
    missing = sorted(key for key in spec.reissue if key not in keys or key in vendor_refused)
    if missing:
        raise InputError(
            f"reissue: {len(missing)} key(s) match no valid row ({', '.join(map(repr, missing[:10]))}); keys are "
            "compared as key_field values are (trimmed, case-folded, 17.0 = 17). Fix the reissue list; nothing "
            "was sent"
        )

"""What counts as the same payment: canonical row keys, and the versioned derivation of external ids from them.

**Canonical keys.** Keys are compared, de-duplicated and turned into ids in one form (:func:`canonical_key`):
Unicode NFKC, case-folded (unless ``keep_case``), trimmed; control, zero-width, bidi and blank characters refused;
numbers as pandas produces them (``17``, ``17.0``, ``Decimal("17")``, and the text ``"17.0"``) written as the
integer ``17``. So ``17``/``17.0``, ``R17``/``r17`` and ``José`` in NFC/NFD are each one key.

**External ids (derivation v2).** Injective per vendor: distinct (payout, canonical key) pairs never share an id.
- Tremendous: ``<payout_id>:<key>`` (readable) while it fits in 100 characters and the key does not start with
  ``#``; otherwise ``<payout_id>:#<32 hex digits of SHA-256(key)>`` (128 bits). No literal key reaches the hashed
  namespace (``#...`` keys are always hashed), and ``:`` never occurs in a payout id. With ``keep_case=True`` the
  separator is ``~`` (``<payout_id>~R17``).
- Tango Card (``[A-Za-z0-9]{1,100}`` only): ``v2`` (``k2`` with ``keep_case=True``) + 24 hex digits of SHA-256 of
  the payout id (the payout's fixed-length tag, shared by its orders) + 32 hex digits of SHA-256 of payout id and
  key: 58 characters.

``keep_case`` decides who counts as the same person, so its ids have a namespace of their own and a payout is
pinned to the setting it was begun with (:func:`mode_conflict`).

**Earlier derivations.** v1 (before canonical keys) used ``<payout_id>:<key as written>``, or
``<payout_id>:h-<hash>`` for long keys, for both vendors; v1 payouts are continued with ``keep_case=False``. A row
whose v1 id differs carries it as ``alternate_ids``; before sending, the payout's orders are listed once and matched
by id or folded spelling (:mod:`.history`), so a payout begun under v1 is never paid again under new ids.
docs/bulk_payouts.md has test vectors.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.core.recipients import invisible_characters

MAX_EXTERNAL_ID = 100  # fits Tremendous (255) and Tango Card (100)
MAX_KEY = 200
PAYOUT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
TANGO_ID = re.compile(r"[A-Za-z0-9]{1,100}", re.ASCII)
CURRENT_VERSION = 2
_PANDAS_INTEGER = re.compile(r"(-?[0-9]+)\.0+", re.ASCII)
#: Floats are exact integers only below 2**53: a larger float key may already be another person's id.
_EXACT_FLOAT = 2**53
_HASHED_MARK = "#"


@dataclass(frozen=True)
class IdScheme:
    """One derivation of external ids: its version and the options that change ids."""

    version: int = CURRENT_VERSION
    keep_case: bool = False

    @property
    def label(self) -> str:
        """How results record it: ``v1``, ``v2`` or ``v2-keep-case``."""
        return f"v{self.version}" + ("-keep-case" if self.keep_case and self.version > 1 else "")


LEGACY_V1 = IdScheme(1)


def check_payout_id(payout_id: str) -> str:
    """A payout id names one payout run for good (e.g. ``survey-42-2026-11``): letters, digits, ``.``, ``_``, ``-``."""
    if not isinstance(payout_id, str) or not PAYOUT_ID.match(payout_id):
        raise InputError(
            f"payout_id {payout_id!r} must be 1-60 letters, digits, '.', '_' or '-' (e.g. 'survey-42-2026-11'); "
            "it is the prefix of every order's external_id, so it must stay the same for this payout"
        )
    return payout_id


# -- canonical keys ------------------------------------------------------------------------------------------------
def canonical_key(value: Any, keep_case: bool = False) -> str:
    """The one form in which ``value`` is compared and turned into ids, or :class:`ValueError` with the fix."""
    text = _number_key(value) if isinstance(value, (int, float, Decimal)) else _text_key(value)
    if not keep_case:
        text = unicodedata.normalize("NFKC", text.casefold())
    match = _PANDAS_INTEGER.fullmatch(text)
    if match:  # "17.0": what pandas writes for an integer column with a blank cell
        text = match.group(1)
    if len(text) > MAX_KEY:
        raise ValueError(f"is longer than {MAX_KEY} characters: use a shorter identifier (e.g. the respondent id)")
    return text


def _number_key(value: int | float | Decimal) -> str:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a true/false value, not a key: point key_field at the id column")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value == value and abs(value) >= _EXACT_FLOAT:
        raise ValueError(
            f"{float.__repr__(value)} is a floating-point id too large to be exact (2**53 or more): two ids can be "
            "the same float; export the id column as text or integers"
        )
    number = Decimal(float.__repr__(value)) if isinstance(value, float) else value
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a key: every row needs an identifier (the key_field column)")
    if number != number.to_integral_value():
        raise ValueError(f"{value!r} is a fractional number, not an identifier: check the key_field column")
    return str(int(number))


def _text_key(value: Any) -> str:
    if value is None:
        raise ValueError("is empty: every row needs a unique key (the key_field column)")
    if not isinstance(value, str):
        raise ValueError(f"{type(value).__name__} is not a key: give text or a whole number")
    hidden = invisible_characters(value, key=True)
    if hidden:
        raise ValueError(hidden)
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise ValueError("is empty: every row needs a unique key (the key_field column)")
    return text


def legacy_key(value: Any) -> str | None:
    """The key as derivation v1 wrote it (``str(value).strip()``), or ``None`` if v1 had none."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= MAX_KEY else None


# -- external ids --------------------------------------------------------------------------------------------------
def _hex(*parts: str, digits: int) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:digits]


def prefix(payout_id: str, vendor: str = "tremendous", scheme: IdScheme | None = None) -> str:
    """The external_id prefix shared by every order of a payout under ``scheme`` (default: the current one).
    ``keep_case`` has a namespace of its own (``~`` on Tremendous, ``k2`` on Tango Card), so that the option is
    recorded in the ids and a payout cannot be continued under the other setting (see :func:`mode_conflict`)."""
    scheme = scheme or IdScheme()
    if scheme.version >= 2 and vendor == "tangocard":
        return f"{'k2' if scheme.keep_case else 'v2'}{_hex('payout', payout_id, digits=24)}"
    if scheme.version >= 2 and scheme.keep_case:
        return f"{payout_id}~"
    return f"{payout_id}:"


#: Every derivation a payout's orders can have been made under.
SCHEMES = (IdScheme(), IdScheme(keep_case=True), LEGACY_V1)


def prefixes(payout_id: str, vendor: str = "tremendous") -> list[str]:
    """Every prefix a payout's orders can carry, under every derivation (for waits and reconciliation)."""
    return list(dict.fromkeys(prefix(payout_id, vendor, scheme) for scheme in SCHEMES))


def mode_conflict(payout_id: str, vendor: str, keep_case: bool, external_ids: Iterable[str]) -> str | None:
    """Why this payout cannot be continued with ``keep_case`` (its orders were made under the other setting, or
    before the option existed for ``keep_case=True``), or ``None``. The setting decides who counts as the same
    person, so it is pinned per payout."""
    others = [prefix(payout_id, vendor, IdScheme(keep_case=not keep_case))]
    if keep_case:
        others.append(prefix(payout_id, vendor, LEGACY_V1))  # v1 orders are continued with keep_case=False
    found = next((ident for ident in external_ids if ident.startswith(tuple(others))), None)
    if found is None:
        return None
    wanted = "keep_case=False (the default)" if keep_case else "keep_case=True"
    return (
        f"payout {payout_id} already has orders made with another keep_case setting or by an earlier version "
        f"(e.g. {found}): continue it with {wanted}, or pay under a new payout_id; nothing was sent"
    )


def external_id(payout_id: str, key: str, vendor: str = "tremendous", scheme: IdScheme | None = None) -> str:
    """The external_id of one row. ``key`` is the canonical key under v2 and the key as written under v1."""
    scheme = scheme or IdScheme()
    head = prefix(payout_id, vendor, scheme)
    if scheme.version == 1:
        candidate = f"{head}{key}"
        return candidate if len(candidate) <= MAX_EXTERNAL_ID else f"{head}h-{_hex(key, digits=32)}"
    if vendor == "tangocard":
        return f"{head}{_hex(payout_id, key, digits=32)}"
    candidate = f"{head}{key}"
    if len(candidate) <= MAX_EXTERNAL_ID and not key.startswith(_HASHED_MARK):
        return candidate
    return f"{head}{_HASHED_MARK}{_hex(key, digits=32)}"


@dataclass(frozen=True)
class RowIds:
    """A row's key and ids: the canonical key, its external id now, and its ids under other derivations
    (``alternate_ids``: id → the derivation's label)."""

    key: str
    external_id: str
    alternate_ids: dict[str, str]
    #: The id under the other ``keep_case`` setting: looked up when the payout's orders cannot all be listed, so a
    #: switched setting is caught row by row too.
    other_mode_id: str = ""
    #: The re-issue generation (0: the row's first payment) and the ids of its earlier generations → generation.
    generation: int = 0
    superseded: dict[str, int] = field(default_factory=dict)


def row_ids(
    payout_id: str, value: Any, vendor: str = "tremendous", keep_case: bool = False, generation: int = 0
) -> RowIds:
    """Canonicalise a row's key value and derive its ids (``ValueError`` with the fix for a bad key). A re-issued
    row (``generation`` ≥ 1) is paid under its generation's id only; its earlier generations' ids are
    ``superseded`` (checked to have ended unpaid before it is sent, see :mod:`.reissue`)."""
    key = canonical_key(value, keep_case)
    current = external_id(payout_id, key, vendor, IdScheme(keep_case=keep_case))
    legacy = None if keep_case else legacy_key(value)  # v1 payouts are continued with keep_case=False only
    earlier = external_id(payout_id, legacy, vendor, LEGACY_V1) if legacy is not None else current
    other = external_id(payout_id, canonical_key(value, not keep_case), vendor, IdScheme(keep_case=not keep_case))
    alternate = {earlier: LEGACY_V1.label} if earlier != current else {}
    if generation < 1:
        return RowIds(key, current, alternate, other)
    scheme = IdScheme(keep_case=keep_case)
    superseded = {current: 0, **dict.fromkeys(alternate, 0)}
    superseded |= {reissue_id(payout_id, key, vendor, g, scheme): g for g in range(1, generation)}
    return RowIds(key, reissue_id(payout_id, key, vendor, generation, scheme), {}, "", generation, superseded)


def reissue_id(payout_id: str, key: str, vendor: str, generation: int, scheme: IdScheme | None = None) -> str:
    """The external id of re-issue ``generation`` (≥ 1) of a row: under the payout's prefix (waits and
    reconciliation find it), hashed with a part no key can contain, so no row's own id can equal it."""
    head = prefix(payout_id, vendor, scheme)
    if vendor == "tangocard":
        return f"{head}{_hex(payout_id, key, 'reissue', str(generation), digits=32)}"
    return f"{head}{_HASHED_MARK}{_hex('reissue', str(generation), key, digits=32)}"


def shard_of(key: str, shard_count: int) -> int:
    """Which of ``shard_count`` shards handles ``key`` (stable across processes and machines)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) % shard_count

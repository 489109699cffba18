"""Idempotency keys of a payout run: ``<payout_id>:<row key>``, the same on every try, run and resubmission."""

from __future__ import annotations

import hashlib
import re

from airflow_provider_tremendous.errors import TremendousInputError

MAX_EXTERNAL_ID = 100  # fits Tremendous (255) and Tango Card (100)
PAYOUT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")


def check_payout_id(payout_id: str) -> str:
    """A payout id names one payout run for good (e.g. ``survey-42-2026-11``): letters, digits, ``.``, ``_``, ``-``."""
    if not isinstance(payout_id, str) or not PAYOUT_ID.match(payout_id):
        raise TremendousInputError(
            f"payout_id {payout_id!r} must be 1-60 letters, digits, '.', '_' or '-' (e.g. 'survey-42-2026-11'); "
            "it is the prefix of every order's external_id, so it must stay the same for this payout"
        )
    return payout_id


def prefix(payout_id: str) -> str:
    """The external_id prefix shared by every order of a payout run."""
    return f"{payout_id}:"


def external_id(payout_id: str, key: str) -> str:
    """The external_id of one row; keys too long for the vendor's limit are shortened with a hash."""
    candidate = f"{prefix(payout_id)}{key}"
    if len(candidate) <= MAX_EXTERNAL_ID:
        return candidate
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{prefix(payout_id)}h-{digest}"


def shard_of(key: str, shard_count: int) -> int:
    """Which of ``shard_count`` shards handles ``key`` (stable across processes and machines)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) % shard_count

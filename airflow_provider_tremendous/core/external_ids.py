"""Deterministic external_ids: the idempotency keys that make a retried or re-run task find its own order
instead of paying again."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from airflow_provider_tremendous.core.errors import InputError


def _slug(text: str, limit: int) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:limit]


def task_instance_external_id(
    dag_id: str, task_id: str, run_id: str, map_index: int = -1, max_length: int = 107, alphanumeric: bool = False
) -> str:
    """The external_id of the order one task instance creates: the same on every try and every clear-and-rerun
    of that task instance, different for any other DAG, task, run or mapped index.

    Readable prefix (DAG and task), then a hash of all four parts: ``survey_payouts.pay.3f9c...`` (≤ 107 chars;
    ``max_length=100`` for Tango Card's ``externalRefID``).

    ``alphanumeric=True`` (Tango Card, whose ``externalRefID`` is "100 alphanumeric characters"): the DAG and task
    ids' letters and digits, then 32 hex digits (128 bits) of the same four parts, all in ``[A-Za-z0-9]``; the
    hash alone tells task instances apart, the readable part is for people.
    """
    parts = "\x1f".join([dag_id, task_id, run_id, str(map_index)]).encode()
    if alphanumeric:
        digest = "ti" + hashlib.sha256(parts).hexdigest()[:32]
        room = (max_length - len(digest)) // 2
        return f"{_alnum(dag_id, room)}{_alnum(task_id, room)}{digest}"
    digest = hashlib.sha256(parts).hexdigest()[:24]
    room = min(40, (max_length - len(digest) - 2) // 2)
    return f"{_slug(dag_id, room)}.{_slug(task_id, room)}.{digest}"


def _alnum(text: str, limit: int) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "", text)[: min(limit, 30)]


def single_order_key(given: Any, is_production: bool, derive: Callable[[], str], name: str, log: Any) -> str:
    """The idempotency key of a single-order task: the given one, else (sandbox only) one derived from the task
    instance. A derived key is the same on every try and clear of this task instance, but a *new DAG run* derives a
    new key and pays again; on production that is not an acceptable default, so the key must be given."""
    if given not in (None, ""):
        return str(given)
    if is_production:
        raise InputError(
            f"{name}: a production connection needs an explicit idempotency key, derived from what is being paid "
            f"(e.g. {name}='survey-42-respondent-17'), so that a new DAG run for the same person finds the first "
            "order instead of paying again; nothing was sent"
        )
    key = derive()
    log.info(
        "Using the derived %s %s: the same on every try of this task instance; a new DAG run derives another and "
        "would pay again (give %s explicitly to prevent that)",
        name,
        key,
        name,
    )
    return key

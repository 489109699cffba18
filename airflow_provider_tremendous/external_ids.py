"""Deterministic external_ids: the idempotency keys that make a retried or re-run task find its own order
instead of paying again."""

from __future__ import annotations

import hashlib
import re


def _slug(text: str, limit: int) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:limit]


def task_instance_external_id(
    dag_id: str, task_id: str, run_id: str, map_index: int = -1, max_length: int = 107
) -> str:
    """The external_id of the order one task instance creates: the same on every try and every clear-and-rerun
    of that task instance, different for any other DAG, task, run or mapped index.

    Readable prefix (DAG and task), then a hash of all four parts: ``survey_payouts.pay.3f9c...`` (≤ 107 chars;
    ``max_length=100`` for Tango Card's ``externalRefID``).
    """
    digest = hashlib.sha256("\x1f".join([dag_id, task_id, run_id, str(map_index)]).encode()).hexdigest()[:24]
    room = min(40, (max_length - len(digest) - 2) // 2)
    return f"{_slug(dag_id, room)}.{_slug(task_id, room)}.{digest}"

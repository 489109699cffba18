"""Offset/limit listing as the API does it: newest first, per-endpoint default and maximum page size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from airflow_provider_tremendous.sandbox.errors import invalid


def _int(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(str(raw))
    except ValueError:
        raise invalid(f"Invalid {name}", {name: "must be an integer"}) from None


def page(
    items: list[dict[str, Any]], query: Mapping[str, str], *, default: int, maximum: int | None
) -> tuple[list[dict[str, Any]], int]:
    """The requested slice of ``items`` (already newest first) and the total count."""
    offset = _int(query, "offset", 0)
    if offset < 0:
        raise invalid("Invalid offset", {"offset": "must be 0 or more"})
    limit = _int(query, "limit", default) if maximum is not None else default
    if maximum is not None and not 1 <= limit <= maximum:
        raise invalid("Invalid limit", {"limit": f"must be between 1 and {maximum}"})
    return items[offset : offset + limit], len(items)


def parse_time(query: Mapping[str, str], name: str) -> dt.datetime | None:
    """An ISO-8601 date or datetime query parameter (naive = UTC); 400 when malformed."""
    raw = query.get(name)
    if raw in (None, ""):
        return None
    try:
        value = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise invalid(f"Invalid {name}", {name: "must be an ISO 8601 datetime"}) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def in_window(
    items: Iterable[dict[str, Any]], query: Mapping[str, str], field: str = "created_at"
) -> list[dict[str, Any]]:
    """Items whose ``field`` lies within ``field[gte]`` / ``field[lte]`` from the query."""
    low, high = parse_time(query, f"{field}[gte]"), parse_time(query, f"{field}[lte]")
    selected = []
    for item in items:
        stamp = item.get(field)
        if (low or high) and not stamp:
            continue
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None
        if low and moment and moment < low:
            continue
        if high and moment and moment > high:
            continue
        selected.append(item)
    return selected


def newest_first(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort by creation order, newest first (``_seq`` breaks ties within a millisecond)."""
    return sorted(items, key=lambda item: (item.get("created_at") or "", item.get("_seq", 0)), reverse=True)

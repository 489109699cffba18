"""Text field limits, in one table with a source per limit, shared by the client (checked before the first order)
and the sandbox (which refuses what exceeds them). A text over its limit is refused, never truncated.

Where a vendor documents a limit, the table cites it. Where it documents none (Tremendous gives no lengths for
names or messages; Tango's error 422.006 "Field {0} must not exceed {1} characters" says limits exist without
naming them), the table holds this provider's conservative bound and says so: a 10,000-character name is a data
error, not a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limit:
    """The longest text a field takes, and where that number comes from."""

    vendor: str
    field: str
    max_chars: int
    source: str


#: What a product, catalog item (Tango's ``utid``) or campaign id looks like, for both vendors: 4-20 upper-case
#: letters and digits. Checked before the first order, so a typo is a row error, not a vendor's 4xx mid-run.
PRODUCT_ID = re.compile(r"^[A-Z0-9]{4,20}$")

_UNDOCUMENTED = "not documented by the vendor: this provider's conservative bound (also enforced by its sandbox)"

_TABLE = (
    Limit("tremendous", "recipient.name", 100, _UNDOCUMENTED),
    Limit("tremendous", "delivery.meta.sender_name", 100, _UNDOCUMENTED),
    Limit("tremendous", "delivery.meta.subject_line", 200, _UNDOCUMENTED),
    Limit("tremendous", "delivery.meta.message", 1000, _UNDOCUMENTED),
    Limit("tremendous", "recipient.email", 254, "RFC 5321 path limit, as email-validator applies it"),
    Limit("tangocard", "recipient.firstName", 100, _UNDOCUMENTED + "; Tango answers 422.006 past its own"),
    Limit("tangocard", "recipient.lastName", 100, _UNDOCUMENTED + "; Tango answers 422.006 past its own"),
    Limit("tangocard", "sender.firstName", 100, _UNDOCUMENTED),
    Limit("tangocard", "sender.lastName", 100, _UNDOCUMENTED),
    Limit("tangocard", "emailSubject", 200, _UNDOCUMENTED),
    Limit("tangocard", "message", 1000, _UNDOCUMENTED),
    Limit("tangocard", "campaign", 100, _UNDOCUMENTED),
    Limit("tangocard", "notes", 150, "tango-card-raas.md, order fields: notes ≤ 150 characters"),
    Limit("tangocard", "recipient.email", 254, "RFC 5321 path limit, as email-validator applies it"),
)
LIMITS: dict[tuple[str, str], Limit] = {(limit.vendor, limit.field): limit for limit in _TABLE}


def too_long(vendor: str, field: str, value: object) -> str | None:
    """Why ``value`` is too long for ``field`` (with the fix), or ``None`` when it fits or has no limit."""
    limit = LIMITS.get((vendor, field))
    if limit is None or not isinstance(value, str) or len(value) <= limit.max_chars:
        return None
    return (
        f"is {len(value):,} characters, over the {limit.max_chars} {field} takes ({limit.source}): shorten it; "
        "nothing is truncated"
    )


def text_problems(vendor: str, data: dict[str, Any], invisible: bool = True) -> list[tuple[str, str]]:
    """``(field, reason)`` for every text of ``data`` (a Tango order body, or a Tremendous ``reward``) that is over
    its limit or (with ``invisible``) holds invisible characters; fields are the table's dotted paths."""
    from airflow_provider_tremendous.core.recipients import invisible_characters

    problems = []
    for (owner, path), _ in LIMITS.items():
        if owner != vendor:
            continue
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str):
            hidden = invisible_characters(value) if invisible and "email" not in path else None
            reason = too_long(vendor, path, value) or hidden
            if reason:
                problems.append((path, reason))
    return problems

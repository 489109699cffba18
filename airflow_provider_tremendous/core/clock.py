"""Reading times and allowing for clocks that disagree, the same way for every vendor and the payout run."""

from __future__ import annotations

import datetime as dt
from typing import Any

#: Scans reach this far past "now": a worker's clock behind the vendor's must not hide the newest orders.
CLOCK_PAD = dt.timedelta(minutes=15)


def parse_time(value: Any) -> dt.datetime | None:
    """An ISO-8601 time as an aware UTC datetime (a time without zone is UTC), or ``None`` if it is not one."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment.astimezone(dt.timezone.utc)

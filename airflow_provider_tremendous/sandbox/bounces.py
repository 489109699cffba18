"""Which recipients the sandbox treats as undeliverable, for both emulated vendors (strictness.md #13).

An email address or phone number containing ``bounce``, ``invalid`` or ``undeliverable`` (any case), or ending in
``0000``, bounces: the order is paid, but the reward never reaches the person.
"""

from __future__ import annotations

BOUNCE_MARKERS = ("bounce", "invalid", "undeliverable")


def bounces(contact: str | None) -> bool:
    """Whether a reward sent to ``contact`` (an email address or a phone number) fails to be delivered."""
    text = (contact or "").lower()
    return bool(text) and (any(marker in text for marker in BOUNCE_MARKERS) or text.endswith("0000"))

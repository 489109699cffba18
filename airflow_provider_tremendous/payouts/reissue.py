"""Paying a row again after its order ended unpaid: an explicit, recorded re-issue, never an automatic one.

A vendor keeps an idempotency key forever: a row whose order ended ``FAILED`` or ``CANCELED`` (Tango Card refunds a
FAILED order) is answered with that order on every retry and re-run, so it is never paid by sending it again. The
operator's ``reissue`` parameter names such rows (key → generation 1, 2, …): generation ``g`` is paid under an id of
its own (:func:`~.keys.reissue_id`), recorded in the result file (``id_scheme`` "… reissue g") and at the vendor.

Before a re-issued row is sent, the vendor must show that it is owed: generation ``g - 1``'s order exists and ended
unpaid, and no earlier generation's order is live (paid or pending) — else the row fails and nothing is sent for it.
The superseded orders are left out of the payout's waits and reconciliation (summary ``superseded_ids``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.payouts.keys import canonical_key
from airflow_provider_tremendous.payouts.outcomes import ENDED_UNPAID

#: At most this many re-issued rows in one payout (their superseded ids ride in the run's summary, which stays
#: small): re-issues are corrections, named one by one; pay a larger batch again under a new payout id.
MAX_REISSUES = 200


def parse_reissue(value: Mapping[Any, Any] | None, keep_case: bool) -> dict[str, int]:
    """The operator's ``reissue`` mapping as canonical key → generation, or :class:`InputError` with
    the fix (nothing is sent)."""
    if not value:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(
            f"reissue must map keys to re-issue generations (e.g. {{'r17': 1}}), got {type(value).__name__}"
        )
    if len(value) > MAX_REISSUES:
        raise InputError(f"reissue names {len(value)} keys; at most {MAX_REISSUES} per payout run")
    parsed: dict[str, int] = {}
    for written, generation in value.items():
        try:
            key = canonical_key(written, keep_case)
        except ValueError as error:
            raise InputError(f"reissue key {written!r} {error}; nothing was sent") from None
        number = _generation(generation)
        if number is None:
            raise InputError(
                f"reissue[{written!r}] = {generation!r}: give the re-issue generation, a whole number from 1 (the "
                "first re-issue) up; nothing was sent"
            )
        if parsed.get(key, number) != number:
            raise InputError(f"reissue names key {key!r} twice with different generations; nothing was sent")
        parsed[key] = number
    return parsed


def _generation(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return _generation(int(value.strip()))
    return None


Find = Callable[[str], Any]


def reissue_problem(row: dict[str, Any], find: Find, folded: list[Any]) -> str | None:
    """Why ``row`` (a re-issue) may not be sent, or ``None`` when the vendor shows it is owed.

    :param find: the vendor's order under an external id, or ``None``.
    :param folded: orders of the payout whose readable ids fold to the row's key (generation 0 under another
        spelling), when the vendor's listing shows them.
    """
    generation = int(row["generation"])
    held = [(int(gen), order) for ident, gen in row["superseded"].items() if (order := find(ident)) is not None]
    held += [(0, order) for order in folded if order.external_id not in row["superseded"]]
    live = [(gen, order) for gen, order in held if (order.status or "").upper() not in ENDED_UNPAID]
    if live:
        gen, order = min(live, key=lambda item: item[0])
        return (
            f"reissue {generation}: this key's {'first payment' if gen == 0 else f'reissue {gen}'} is order "
            f"{order.order_id}, {order.status} at the vendor (not ended unpaid): re-issuing could pay this person "
            "twice. Nothing was sent for this row; remove it from reissue (or cancel that order first)"
        )
    ended = [gen for gen, _ in held]
    if generation - 1 not in ended:
        before = "first payment" if generation == 1 else f"reissue {generation - 1}"
        return (
            f"reissue {generation}: the vendor holds no ended (FAILED or CANCELED) order for this key's {before}, "
            "so nothing shows it is owed again. Nothing was sent for this row; check the generation (each re-issue "
            "follows the one before it)"
        )
    return None

"""Waiting for orders, whatever the vendor: how statuses are judged once the wing has read them.

A vendor wing subclasses :class:`OrderWait`, says how its statuses read (:meth:`OrderWait.normalize_status`),
which statuses count by default, how an undelivered reward is named and what to do about it, and writes the
:meth:`~airflow_provider_tremendous.core.checks.Check.plan` that finds its orders. The verdict itself (done,
failed, still pending; deliveries that failed; a payout run with fewer orders found than it paid) is decided here,
once, so Tremendous and Tango Card waits say the same things in the same words.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection
from typing import Any, ClassVar

from airflow_provider_tremendous.core.checks import Check, Verdict
from airflow_provider_tremendous.core.clock import CLOCK_PAD

__all__ = ["CLOCK_PAD", "MAX_EXAMPLES", "OrderWait", "matches_prefix", "superseded_digest"]

#: Statuses listed in a verdict's message and data, at most.
MAX_EXAMPLES = 20


def matches_prefix(
    external_id: str | None,
    prefix: str | list[str],
    superseded: Collection[str] | None = None,
    status: str | None = None,
) -> bool:
    """Whether ``external_id`` belongs to a payout known by one prefix or by its prefixes under every id
    derivation (a payout begun before canonical keys may hold orders under both), and still counts: an order a
    re-issue superseded (``superseded``: digests from the run's summary) is left out only while it ended unpaid
    (``status`` FAILED or CANCELED) — a live one counts like any other."""
    if not external_id or not str(external_id).startswith((prefix,) if isinstance(prefix, str) else tuple(prefix)):
        return False
    if not superseded or (status or "").upper() not in ("FAILED", "CANCELED"):
        return True
    return superseded_digest(str(external_id)) not in superseded


def superseded_digest(external_id: str) -> str:
    """How a run's summary names an order a re-issue superseded (short: the summary is an XCom; 48 bits)."""
    return hashlib.sha256(external_id.encode()).hexdigest()[:12]


class OrderWait(Check):
    """Every order in ``order_ids`` must reach ``success_statuses``; the vendor-neutral part of an order wait.

    Not a check on its own (no ``kind``): a vendor wing's subclass supplies the plan and the vendor's words.

    :param order_ids: the vendor's order ids (or external ids, where the vendor reads orders by them).
    :param success_statuses: statuses that count as done (default :attr:`success_by_default`).
    :param failure_statuses: statuses that fail the wait at once (default :attr:`failure_by_default`).
    :param fail_on_pending_approval: also fail at once on the :attr:`approval_statuses`.
    :param created_after: ISO time bounding the vendor's order scans, when the subclass scans.
    :param fail_on_delivery_failure: fail the wait when a reward was paid but not delivered.
    """

    #: What to do about a reward paid but not delivered, said when ``fail_on_delivery_failure`` fails the wait.
    delivery_hint: ClassVar[str] = ""
    #: Statuses that count as done, and that fail at once, when the caller names none.
    success_by_default: ClassVar[tuple[str, ...]] = ()
    failure_by_default: ClassVar[tuple[str, ...]] = ()
    #: Statuses of an order waiting for someone's approval (they fail the wait with ``fail_on_pending_approval``).
    approval_statuses: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        order_ids: list[str],
        success_statuses: list[str] | None = None,
        failure_statuses: list[str] | None = None,
        fail_on_pending_approval: bool = False,
        created_after: str | None = None,
        fail_on_delivery_failure: bool = False,
    ) -> None:
        if not order_ids:
            raise ValueError("order_ids must name at least one order")
        self.order_ids = list(dict.fromkeys(str(i) for i in order_ids))
        self.success_statuses = sorted({self.normalize_status(s) for s in success_statuses or self.success_by_default})
        self.failure_statuses = sorted({self.normalize_status(s) for s in failure_statuses or self.failure_by_default})
        self.fail_on_pending_approval = fail_on_pending_approval
        self.created_after = created_after
        self.fail_on_delivery_failure = fail_on_delivery_failure
        #: Orders paid whose reward delivery FAILED (the person did not get it), seen by the last plan:
        #: ``{name: order id}``, the name as :meth:`judge` reports it.
        self.delivery_failed: dict[str, str] = {}

    def normalize_status(self, status: str | None) -> str:
        """A status as the vendor's wing reads it (case, spelling, old names), for comparing with the rules."""
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        return {
            "order_ids": self.order_ids,
            "success_statuses": self.success_statuses,
            "failure_statuses": self.failure_statuses,
            "fail_on_pending_approval": self.fail_on_pending_approval,
            "created_after": self.created_after,
            "fail_on_delivery_failure": self.fail_on_delivery_failure,
        }

    def delivery_label(self, key: str) -> str:
        """How an undelivered reward is named in a message (its external id, or its id)."""
        return key

    def judge(self, statuses: dict[str, str]) -> Verdict:
        """Success when every status is a success status; failure at the first failure status; else pending.
        Delivery failures are reported in ``delivery_failed`` (and fail the wait with ``fail_on_delivery_failure``)."""
        counts = dict(Counter(statuses.values()))
        data: dict[str, Any] = {"total": len(statuses), "status_counts": counts}
        if self.delivery_failed:
            data["delivery_failed"] = len(self.delivery_failed)
            data["delivery_failed_examples"] = sorted(self.delivery_failed)[:MAX_EXAMPLES]
            if self.fail_on_delivery_failure:
                sample = ", ".join(self.delivery_label(key) for key in sorted(self.delivery_failed)[:MAX_EXAMPLES])
                return Verdict(
                    "failure",
                    f"{len(self.delivery_failed)} reward(s) paid but not delivered (delivery FAILED): {sample}; "
                    + self.delivery_hint,
                    data,
                )
        failing = set(self.failure_statuses) | (set(self.approval_statuses) if self.fail_on_pending_approval else set())
        failed = {i: s for i, s in statuses.items() if s in failing}
        if failed:
            data["failed"] = dict(list(failed.items())[:MAX_EXAMPLES])
            sample = ", ".join(f"{i} ({s})" for i, s in list(failed.items())[:MAX_EXAMPLES])
            return Verdict("failure", f"{len(failed)} order(s) in a failure status: {sample}", data)
        waiting = {i: s for i, s in statuses.items() if s not in self.success_statuses}
        if waiting:
            data["waiting"] = dict(list(waiting.items())[:MAX_EXAMPLES])
            return Verdict("pending", f"{len(waiting)} of {len(statuses)} order(s) not done yet: {counts}", data)
        failed_delivery = f"; {len(self.delivery_failed)} reward(s) NOT delivered" if self.delivery_failed else ""
        return Verdict(
            "success", f"all {len(statuses)} order(s) are {'/'.join(self.success_statuses)}{failed_delivery}", data
        )

    def judge_found(
        self, statuses: dict[str, str], expected: int, prefix: str | list[str], complete: bool = True
    ) -> Verdict:
        """A payout's verdict: a vendor failure status fails at once; fewer orders found than the run paid stays
        pending (an order not listed yet, a clock behind) until the wait's deadline; else :meth:`judge`."""
        verdict = self.judge(statuses)
        if verdict.state == "failure" or len(statuses) >= expected:
            return verdict
        why = "" if complete else " (the vendor's listing was capped)"
        data = {**verdict.data, "found": len(statuses), "expected": expected}
        return Verdict("pending", f"{len(statuses)} of the {expected} orders of {prefix}* found so far{why}", data)

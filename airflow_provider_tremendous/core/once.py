"""Money moved once: a call the vendor does not de-duplicate, guarded by a durable marker.

Tango Card documents idempotency by ``externalRefID`` for orders only (strictness.md #2): a repeated credit-card
deposit or fund transfer may be a second one. Neither can be listed, and each can be looked up only by the id its
own answer carries. So the only safe rule after an answer was lost is *never send it again on a guess*:

1. Before the request leaves, a marker ``sending`` is written durably (:mod:`airflow_provider_tremendous.core.markers`):
   if it cannot be written, nothing is sent.
2. On the answer the marker becomes ``done`` with the vendor's id; an answer that proves nothing happened (a 4xx
   refusal, a connection never opened, the send gate) makes it ``not_sent``.
3. A later try, on any worker, reads the marker first: ``done`` → the recorded result is looked up (or, where the
   vendor offers no look-up, returned as recorded) and nothing is sent; ``sending`` → the first try's request may
   have moved the money and nobody knows: the task fails *without retry* (:class:`UncertainSendError`) saying how
   to check, and the call is sent again only when the user confirms that one attempt by its id.

Everything raised around the request — an Airflow execution timeout or SIGTERM (``BaseException`` on Airflow 3), a
lost connection, a 5xx — leaves the ``sending`` marker in place, since it was written before the request, and fails
the try without retry; a SIGKILL leaves the marker too, and the next try refuses.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_tremendous.core.errors import (
    ApiError,
    NotSentError,
    ProviderError,
    TransportError,
)
from airflow_provider_tremendous.core.markers import TaskMarkers

log = logging.getLogger(__name__)

Result = TypeVar("Result")

#: Statuses whose answer proves the vendor refused the request before moving money (408 and 409 do not: a timeout
#: and an "in process" conflict may both hide a request that was applied).
_REFUSED = frozenset(range(400, 500)) - {408, 409}


#: Raised through unchanged (the ``sending`` marker stays): the process is stopping, not the request failing.
_LEAVE_AS_IS = (KeyboardInterrupt, SystemExit, GeneratorExit)


#: How long a claim waits before reading itself back (longer than any task's read-to-write gap).
CLAIM_SETTLE_SECONDS = 2.0
#: A marker's precedence when the two stores disagree: what happened beats what was attempted.
_RANKS = {"done": 3, "sending": 2, "not_sent": 1}


def _rank(marker: dict[str, Any]) -> int:
    return _RANKS.get(str(marker.get("state")), 0)


class UncertainSendError(ProviderError, AirflowFailException):
    """An earlier try's request may have moved money and cannot be confirmed: not sent again automatically."""


class ConcurrentSendError(ProviderError, AirflowFailException):
    """Another task instance is sending the same movement right now: not sent here."""


class ReusedKeyError(ProviderError, AirflowFailException):
    """The idempotency key already names another movement (amount, account, card): nothing sent."""


def proves_not_sent(error: BaseException) -> bool:
    """Whether ``error`` proves the request moved no money: it never left this machine, or the vendor refused it."""
    if isinstance(error, NotSentError):
        return True
    if isinstance(error, TransportError):
        return not error.may_have_reached_server
    return isinstance(error, ApiError) and error.status in _REFUSED


@dataclass
class SendOnce(Generic[Result]):
    """One non-idempotent call of one task instance, sent at most once across all its tries and workers.

    :param markers: where the attempt is recorded.
    :param key: the marker's key: names the money movement itself (e.g. account and ``externalRefID``), so every
        task instance that would send the same movement reads the same marker.
    :param what: the movement for people ("the deposit of 100.00 USD into account A (externalRefID R)").
    :param how_to_check: what the user looks at to learn whether an uncertain attempt moved the money.
    :param confirm_parameter: the operator parameter that confirms a deliberate resend.
    :param facts: what the marker records besides the attempt (amounts, ids; never a secret).
    """

    markers: TaskMarkers
    key: str
    what: str
    how_to_check: str
    confirm_parameter: str
    facts: dict[str, Any] = field(default_factory=dict)

    def run(
        self,
        send: Callable[[], Result],
        record: Callable[[Result], dict[str, Any]],
        recall: Callable[[dict[str, Any]], Result],
        confirm: str | None = None,
    ) -> tuple[Result, bool]:
        """Send once. Return the result and whether it was sent now (``False``: an earlier try's, recalled).

        :param send: the request.
        :param record: what the marker keeps of a result (the vendor's id, for :paramref:`recall`).
        :param recall: the result of an earlier try from its marker (a look-up by id, or the recorded values).
        :param confirm: the attempt id of an uncertain earlier try the user confirmed did *not* move the money.
        """
        earlier = self.markers.read(self.key, rank=_rank)
        if earlier is not None and earlier.get("state") in ("done", "sending"):
            self._same_movement_or_refuse(earlier)
        if earlier is not None and earlier.get("state") == "done":
            log.info("%s was already done by an earlier try (%s): not sent again", self.what, earlier.get("at"))
            return recall(earlier), False
        if earlier is not None and earlier.get("state") == "sending":
            self._confirmed_or_refuse(earlier, confirm)
        attempt = uuid.uuid4().hex[:16]
        self._claim(attempt)
        try:
            result = send()
        except _LEAVE_AS_IS:
            raise  # the interpreter is going down: the ``sending`` marker speaks for this try
        except BaseException as error:  # Airflow's timeout and SIGTERM are BaseExceptions on Airflow 3
            if proves_not_sent(error):
                self._mark_quietly("not_sent", attempt)
                raise
            raise UncertainSendError(
                self._uncertain(attempt, f"its answer was lost ({type(error).__name__})")
            ) from error
        self._mark_quietly("done", attempt, record(result))
        return result, True

    def _claim(self, attempt: str) -> None:
        """Write ``sending`` for ``attempt`` to the shared Variable (required), wait :data:`CLAIM_SETTLE_SECONDS`,
        read it back: of task instances claiming the same movement at once, only the last writer finds its own
        attempt and sends; the others stop. Variables have no compare-and-set, so this detects every overlap whose
        read-to-write gap is shorter than the settle delay (milliseconds against seconds), as the payout registry
        does; a pool with one slot excludes strictly."""
        self._mark("sending", attempt, require_shared=True)
        time.sleep(CLAIM_SETTLE_SECONDS)
        now = self.markers.read_shared(self.key)
        if now is None or now.get("attempt") != attempt:
            raise ConcurrentSendError(
                f"{self.what} is being sent by another task instance right now (attempt {now and now.get('attempt')}"
                f", since {now and now.get('at')}): not sent here. Check that task's outcome; run this one again "
                "only to return its result."
            )

    def _same_movement_or_refuse(self, earlier: dict[str, Any]) -> None:
        """An idempotency key names one movement: the same key with another amount, account or card is refused
        (nothing sent), never answered with the earlier movement as if it were this one."""
        changed = [name for name, value in self.facts.items() if name in earlier and earlier[name] != value]
        if changed:
            was = ", ".join(f"{name} {earlier[name]!r}" for name in changed)
            raise ReusedKeyError(
                f"{self.what}: its key was already used for another movement ({was}; {earlier.get('state')} at "
                f"{earlier.get('at')}). Nothing was sent now. Give a new external_ref_id for a new movement."
            )

    def _confirmed_or_refuse(self, earlier: dict[str, Any], confirm: str | None) -> None:
        attempt = str(earlier.get("attempt"))
        if confirm and confirm == attempt:
            log.warning(
                "Sending %s again: attempt %s confirmed as not done by %s", self.what, attempt, self.confirm_parameter
            )
            return
        raise UncertainSendError(
            self._uncertain(attempt, f"its try began at {earlier.get('at')} and never recorded an answer")
        )

    def _uncertain(self, attempt: str, why: str) -> str:
        return (
            f"{self.what} may have gone through: {why}. Not sent again, so it is never done twice. {self.how_to_check} "
            f"If it did not, run the task again with {self.confirm_parameter}={attempt!r} to send it once more "
            "(that confirms this attempt only); if it did, there is nothing to do."
        )

    def _mark(
        self, state: str, attempt: str, extra: dict[str, Any] | None = None, require_shared: bool = False
    ) -> None:
        at = dt.datetime.now(dt.timezone.utc).isoformat()
        marker = {**self.facts, **(extra or {}), "state": state, "attempt": attempt, "at": at}
        self.markers.write(self.key, marker, require_shared=require_shared)

    def _mark_quietly(self, state: str, attempt: str, extra: dict[str, Any] | None = None) -> None:
        """After the request: a marker that cannot be updated leaves ``sending`` in place, which is safe (a later
        try refuses rather than resends); the outcome of this try stands."""
        try:
            self._mark(state, attempt, extra)
        except ProviderError as error:
            log.warning("%s: %s; a later try will treat this attempt as uncertain", self.what, error)

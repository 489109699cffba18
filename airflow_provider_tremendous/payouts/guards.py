"""What refuses a payout run, or fails a row, before anything is sent, from what the vendor holds: a capped listing
that cannot show who was paid, lines of an earlier version the listing contradicts, rows the vendor already settles
(paid before, key used for another payment, recipient paid under another key) and re-issues the vendor does not
show as owed. :class:`~.run.PayoutRun` conducts; these are its checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.errors import InputError, ProviderError
from airflow_provider_tremendous.payouts.outcomes import FAILED, INVALID, Outcome

if TYPE_CHECKING:
    from airflow_provider_tremendous.payouts.adapter import PayoutAdapter
    from airflow_provider_tremendous.payouts.history import PayoutHistory
    from airflow_provider_tremendous.payouts.ledger import Journal
    from airflow_provider_tremendous.payouts.prepare import Prepared
    from airflow_provider_tremendous.payouts.run import RunOptions


class RunGuards:
    """The checks of one run (mixed into :class:`~.run.PayoutRun`, whose state they read)."""

    prepared: Prepared
    adapter: PayoutAdapter
    options: RunOptions
    result_path: str
    held_recipients: dict[str, str]
    reissue_checked: dict[str, str | None]
    reissue_supersedes: dict[str, list[str]]

    def _check_capped(self, history: PayoutHistory) -> None:
        """A listing the vendor capped (more than 10,000 Tango orders within two seconds) cannot show who this
        payout already paid under other keys: refuse unless that check is waived, rather than skip it."""
        if history.complete or self.options.allow_shared_recipients:
            return
        raise InputError(
            f"payout {self.options.payout_id}: the vendor's listing of this account's orders is capped (too many "
            "orders at the same instant to list them all), so a recipient this payout already paid under another key "
            "cannot be recognised; nothing was sent. Rows are still looked up by their own keys: pass "
            "allow_shared_recipients=True to pay on those terms (per-recipient caps then count only what is listed)"
        )

    def _check_legacy(self, journal: Journal, history: PayoutHistory) -> None:
        """Lines an earlier version wrote (no identity) that the vendor's complete listing contradicts: the file
        was written for another account, vendor or environment, and cannot say which."""
        from airflow_provider_tremendous.payouts.report import foreign_payments

        if not history.complete:
            return
        foreign = [line for ident, line in journal.legacy.items() if ident not in history.by_id]
        if foreign:
            raise InputError(foreign_payments(self.result_path, foreign))

    def _held(self, row: dict[str, Any]) -> Outcome | None:
        """The row's outcome from the vendor's listing alone (paid before, its key used for another payment, or its
        recipient paid in this payout under another key), or ``None`` when it must be sent or looked up."""
        if row.get("generation"):
            blocked = self._reissue_blocked(row)
            if blocked is not None:
                return blocked
        history = self.adapter.history
        if history is None or not history.complete:
            return None
        outcome = self.adapter.paid_earlier(row)
        if outcome is None:
            shared = self._shared_recipient(row)
            if shared:
                outcome = Outcome.for_row(row, INVALID, error=shared)
        return outcome

    def _reissue_blocked(self, row: dict[str, Any]) -> Outcome | None:
        """A re-issued row the vendor does not show as owed fails, unsent (:mod:`.reissue`); checked once."""
        from airflow_provider_tremendous.payouts.reissue import reissue_problem

        ident, history = row["external_id"], self.adapter.history
        if ident not in self.reissue_checked:
            if history is not None and history.complete:
                folded = history.by_folded_key.get(row["key"], []) if history.fold_matching else []
                self.reissue_checked[ident] = reissue_problem(row, history.by_id.get, folded)
            else:
                try:
                    self.reissue_checked[ident] = reissue_problem(row, self.adapter.find, [])
                except ProviderError as error:
                    self.reissue_checked[ident] = (
                        f"not sent: the earlier generations of this re-issue could not be checked ({error}); a "
                        "retry checks again"
                    )
        problem = self.reissue_checked[ident]
        if problem is None:
            self.reissue_supersedes[ident] = list(row["superseded"])
        return None if problem is None else Outcome.for_row(row, FAILED, error=problem, permanent=True)

    def _vendor_recipients(self, history: PayoutHistory) -> dict[str, str]:
        """Who the payout's orders at the vendor paid (email and phone identities) → the external id that paid them
        (orders that ended unpaid paid nobody)."""
        from airflow_provider_tremendous.payouts.outcomes import ENDED_UNPAID
        from airflow_provider_tremendous.payouts.report import order_identities

        held: dict[str, str] = {}
        for order in history.by_id.values():
            if (order.status or "").upper() not in ENDED_UNPAID:
                for who in order_identities(order):
                    held.setdefault(who, order.external_id)
        return held

    def _shared_recipient(self, row: dict[str, Any]) -> str | None:
        """Why ``row`` may not be paid: its recipient was paid in this payout under another key (one person under
        two keys, as within one file), unless ``allow_shared_recipients``."""
        if self.options.allow_shared_recipients or not self.held_recipients:
            return None
        from airflow_provider_tremendous.payouts.report import row_identities

        own = {row["external_id"], *(row.get("alternate_ids") or {})}
        for who in row_identities(row):
            other = self.held_recipients.get(who)
            if other is not None and other not in own:
                kind = who.partition(" ")[0]
                return (
                    f"{kind}: this recipient was already paid in this payout under another key (order {other}): one "
                    "person under two keys would be paid twice. Remove the row, or pass allow_shared_recipients=True "
                    "if different people share this address"
                )
        return None

    def _check_shared_recipients(self) -> None:
        """With ``on_invalid="fail"``, rows whose recipient the payout already paid under another key refuse the
        run before anything is sent (with ``"skip"`` they are recorded ``invalid``)."""
        if self.options.on_invalid != "fail" or not self.held_recipients or self.options.allow_shared_recipients:
            return
        problems = []
        for row in self.prepared.spooled():
            outcome = self._held(row)
            if outcome is not None and outcome.outcome == INVALID:
                problems.append(f"row {row['row']} (key {row['key']}): {outcome.error}")
        if problems:
            raise InputError(
                f"{len(problems)} rows pay a recipient this payout already paid under another key; nothing was "
                "sent:\n" + "\n".join(problems[:25])
            )

    # -- writing ------------------------------------------------------------------------------------------------

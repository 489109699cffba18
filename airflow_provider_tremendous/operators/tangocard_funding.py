"""Tango Card funding: deposit from a registered card, transfer between accounts — each sent at most once.

Tango documents idempotency by ``externalRefID`` for orders only (strictness.md #2): a repeated deposit may charge
the card again and a repeated transfer may move the funds again. Both operators therefore send through
:class:`~airflow_provider_tremendous.core.once.SendOnce`:

* before the request leaves, the attempt is claimed durably: an Airflow Variable keyed by the API host, the account
  and the ``externalRefID`` (shared by every task instance sending the same movement: written, then read back after
  a settle delay) and the task state store; if the Variable cannot be written, nothing is sent;
* the same ``externalRefID`` with another amount, account or card is refused (nothing sent), never answered with
  the earlier movement;
* a later try — a retry, a cleared task, a fresh worker, another DAG run giving the same ``external_ref_id`` — that
  finds the movement done sends nothing and returns it (a deposit is looked up by its id; a transfer, which Tango
  offers no look-up for, as recorded);
* a later try that finds an attempt without an answer (a lost answer, an execution timeout, a killed worker)
  fails *without Airflow retries*, saying how to check and which attempt id to confirm in ``confirm_resend``.

Only answers that prove nothing happened (a 4xx refusal, a connection never opened, a 429 the hook retried)
leave the movement free to be sent again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit

from airflow_provider_tremendous.core.errors import InputError, ProviderError
from airflow_provider_tremendous.core.markers import TaskMarkers
from airflow_provider_tremendous.core.money import TANGO_MAX
from airflow_provider_tremendous.core.once import SendOnce, UncertainSendError
from airflow_provider_tremendous.operators.tangocard_base import TangoCardBaseOperator, _amount
from airflow_provider_tremendous.vendors.tangocard.models import FundTransfer

#: A deposit or transfer whose answer was lost: it may have gone through. Not retried automatically.
TangoCardDepositUncertainError = UncertainSendError

Moved = TypeVar("Moved")


class _FundingOperator(TangoCardBaseOperator):
    """What the two funding operators share: the key, the amount, and sending once."""

    def __init__(
        self,
        *,
        amount: float | str,
        external_ref_id: str | None = None,
        confirm_resend: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.amount = amount
        self.external_ref_id = external_ref_id
        self.confirm_resend = confirm_resend

    def _send_once(
        self,
        context: Any,
        kind: str,
        account: str,
        what: str,
        send: Callable[[], Moved],
        record: Callable[[Moved], dict[str, Any]],
        recall: Callable[[dict[str, Any]], Moved],
        facts: dict[str, Any],
    ) -> tuple[Moved, bool]:
        """Send ``send`` at most once for this platform, account and ``externalRefID`` (in ``facts``)."""
        host = (urlsplit(self.hook.settings.base_url).hostname or "").rstrip(".").lower()
        once: SendOnce[Moved] = SendOnce(
            TaskMarkers(context),
            # what is charged (where, which account, which key), not how the connection logs in
            key=f"tangocard_{kind}:{host}:{account}:{facts['externalRefID']}",
            what=what,
            how_to_check=(
                f"Check the account's {kind}s in Tango's portal, or the balances (TangoCardHook().get_account), "
                "before doing anything."
            ),
            confirm_parameter="confirm_resend",
            facts=facts,
        )
        confirm = str(self.confirm_resend) if self.confirm_resend else None
        return once.run(send, record, recall, confirm=confirm)

    def _balance_of(self, account: str) -> float | None:
        """The account's balance after the movement (``None`` if it cannot be read: the movement stands, and a
        failure here must not fail — and so retry — the task)."""
        try:
            balance = self.hook.get_account(account).current_balance
        except ProviderError as error:
            self.log.warning("Funds moved; the balance of %s could not be read afterwards: %s", account, error)
            return None
        return float(balance) if balance is not None else None


class TangoCardFundAccountOperator(_FundingOperator):
    """Fund an account from a registered credit card, once (see the module's docstring for how).

    The deposit carries an ``externalRefID``: given, or derived from the task instance (on production too: a
    funding schedule is meant to deposit once per DAG run); letters and digits only.

    :param amount: USD to deposit; templated.
    :param credit_card_token: the registered card's token; templated.
    :param external_ref_id: the idempotency key; templated. Give a new one for a new deposit.
    :param confirm_resend: the attempt id an earlier try's refusal names, once you have checked (Tango's portal,
        the account's balance) that this attempt charged nothing; templated. It confirms that attempt only.
    :return: the deposit (``referenceDepositID``, ``amount``, ``amountCharged``, ``feePercent``, ``status``), the
        account's balance afterwards (``currentBalance``) and ``charged_now`` (``False``: an earlier try's deposit).
    """

    template_fields: Sequence[str] = (
        "amount",
        "credit_card_token",
        "external_ref_id",
        "confirm_resend",
        "customer_identifier",
        "account_identifier",
        "tangocard_conn_id",
    )
    ui_color = "#e0f2e9"

    def __init__(self, *, credit_card_token: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.credit_card_token = credit_card_token

    def execute(self, context: Any) -> dict[str, Any]:
        customer, account = self.hook.account_ids(self.customer_identifier, self.account_identifier)
        if not str(self.credit_card_token or "").strip():
            raise InputError("credit_card_token: give the token of a registered card; nothing was charged")
        amount = _amount(self.amount, maximum=TANGO_MAX)
        ref = self._key(context, self.external_ref_id, for_order=False)
        body = {
            "customerIdentifier": customer,
            "accountIdentifier": account,
            "creditCardToken": str(self.credit_card_token),
            "amount": float(amount),  # a JSON number; exact for Tango's ≤ 2 decimals and ≤ 6 digits
            "externalRefID": ref,
        }
        deposit, charged_now = self._send_once(
            context,
            "deposit",
            account,
            f"the deposit of {amount} USD into account {account} (externalRefID {ref})",
            lambda: self.hook.create_credit_card_deposit(body),
            lambda done: {"referenceDepositID": done.reference_deposit_id},
            lambda marker: self.hook.get_credit_card_deposit(str(marker["referenceDepositID"])),
            {
                "amount": f"{amount:.2f}",
                "account": account,
                "card": _fingerprint(str(self.credit_card_token)),
                "externalRefID": ref,
            },
        )
        self.log.info(
            "Deposit %s of %s USD %s",
            deposit.reference_deposit_id,
            deposit.amount,
            "charged"
            if charged_now
            else "done by an earlier try: not charged again (a new deposit needs a new external_ref_id)",
        )
        return {**deposit.to_xcom(), "currentBalance": self._balance_of(account), "charged_now": charged_now}


class TangoCardTransferFundsOperator(_FundingOperator):
    """Move funds from one account of the platform to another, once (see the module's docstring for how).

    The transfer carries an ``externalRefID``: given, or derived from the task instance; letters and digits only.
    Tango offers no look-up of a transfer, so a later try returns the transfer as its first try recorded it.

    :param transfer_from: the account the funds leave; templated.
    :param transfer_to: the account they go to; templated.
    :param amount: the amount, in the accounts' currency; templated.
    :param transfer_notes: a note kept with the transfer; templated.
    :param external_ref_id: the idempotency key; templated. Give a new one for a new transfer.
    :param confirm_resend: the attempt id an earlier try's refusal names, once you have checked (Tango's portal,
        both accounts' balances) that this attempt moved nothing; templated. It confirms that attempt only.
    :return: the transfer (``referenceTransferID``, ``transferFrom``, ``transferTo``, ``amount``, ``status``...),
        the source account's balance afterwards (``currentBalance``) and ``moved_now`` (``False``: an earlier try's).
    """

    template_fields: Sequence[str] = (
        "transfer_from",
        "transfer_to",
        "amount",
        "transfer_notes",
        "external_ref_id",
        "confirm_resend",
        "tangocard_conn_id",
    )
    ui_color = "#e0f2e9"

    def __init__(
        self, *, transfer_from: str, transfer_to: str, transfer_notes: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.transfer_from = transfer_from
        self.transfer_to = transfer_to
        self.transfer_notes = transfer_notes

    def execute(self, context: Any) -> dict[str, Any]:
        source, target = str(self.transfer_from or "").strip(), str(self.transfer_to or "").strip()
        if not source or not target or source == target:
            raise InputError("transfer_from and transfer_to: give two different account identifiers; nothing was moved")
        amount = _amount(self.amount, maximum=TANGO_MAX)
        ref = self._key(context, self.external_ref_id, for_order=False)
        body: dict[str, Any] = {"transferFrom": source, "transferTo": target, "amount": float(amount)}
        body |= {"externalRefID": ref, **({"transferNotes": self.transfer_notes} if self.transfer_notes else {})}
        facts = {"amount": f"{amount:.2f}", "account": source, "transferTo": target, "externalRefID": ref}
        transfer, moved_now = self._send_once(
            context,
            "transfer",
            source,
            f"the transfer of {amount} from account {source} to {target} (externalRefID {ref})",
            lambda: self.hook.transfer_funds(body),
            lambda done: {"transfer": done.model_dump(mode="json", by_alias=True, exclude_none=True)},
            lambda marker: _recorded_transfer(marker, Decimal(str(marker["amount"]))),
            facts,
        )
        self.log.info(
            "Transfer %s of %s from %s to %s %s",
            transfer.reference_transfer_id,
            amount,
            source,
            target,
            "done"
            if moved_now
            else "done by an earlier try: not moved again (a new transfer needs a new external_ref_id)",
        )
        return {**transfer.to_xcom(), "currentBalance": self._balance_of(source), "moved_now": moved_now}


def _fingerprint(token: str) -> str:
    """What a marker keeps of a card token: enough to tell two cards apart, nothing to charge one with."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _recorded_transfer(marker: dict[str, Any], amount: Decimal) -> FundTransfer:
    """The transfer an earlier try recorded (Tango offers no look-up)."""
    return FundTransfer.model_validate(marker.get("transfer") or {"amount": amount})

"""Tango Card operators: place one reward order (idempotently) and fund an account from a registered card.

They share the Tremendous operators' shape (validation before sending, a derived idempotency key, optional
deferrable wait) and differ only in the connection (``tangocard_conn_id``) and the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_tremendous.core.checks import Verdict
from airflow_provider_tremendous.core.errors import (
    InputError,
    ProviderError,
)
from airflow_provider_tremendous.core.limits import text_problems
from airflow_provider_tremendous.core.recipients import check_email
from airflow_provider_tremendous.operators.tangocard_base import (
    DEFAULT_CONN_ID,
    EARLIER_EXTERNAL_REF,
    EXTERNAL_REF,
    MAX_EXTERNAL_REF,
    TangoCardBaseOperator,
    TangoCardConnectionMixin,
    _amount,
    alphanumeric_key,
)

# The funding operators live in their own module; importable from here as before.
from airflow_provider_tremendous.operators.tangocard_funding import (
    TangoCardDepositUncertainError,
    TangoCardFundAccountOperator,
    TangoCardTransferFundsOperator,
)
from airflow_provider_tremendous.triggers.waiting import raise_if_failed

if TYPE_CHECKING:
    from airflow_provider_tremendous.vendors.tangocard.models import Order


class TangoCardReplayMismatchError(ProviderError, AirflowFailException):
    """The ``externalRefID`` already belongs to an order for another item, amount or recipient: nothing was paid
    now, and retrying the same input cannot change that."""


class TangoCardCreateOrderOperator(TangoCardBaseOperator):
    """Send one Tango Card reward, never twice.

    The order's ``externalRefID`` is its idempotency key: given, or derived from (dag_id, task_id, run_id,
    map_index) so that every retry and clear-and-rerun sends the same key and Tango answers with the original order
    (HTTP 200, logged as "already existed") instead of paying again. ``409.002`` (the first request is still in
    process) is retried with the same key after 2 s. The input is checked before anything is sent.

    :param utid: the catalog item; templated.
    :param amount: the reward value in the item's currency; templated.
    :param recipient: ``{"email", "firstName", "lastName"}``; templated. Email and first name are required when
        the reward is emailed.
    :param send_email: email the reward (default: when the recipient has an email).
    :param sender: ``{"firstName", "lastName", "email"}``; templated.
    :param etid: email template (``E`` + 6 digits); templated.
    :param email_subject, message, notes, campaign: optional texts; templated.
    :param external_ref_id: the idempotency key; templated; derived from the task instance when not given.
    :param wait_for_completion: wait until the order is ``COMPLETE`` (deferrable like every wait).
    :param on_partial: a ``PARTIAL`` order while waiting: ``fail`` (default), ``succeed`` or ``wait``.
    :param credentials_path: a file of yours to append the reward's credentials to (one JSON line:
        ``referenceOrderID``, ``externalRefID``, ``reward`` with its redemption URL, code, PIN), created with mode
        ``0600``; an existing file must be yours and private (``chmod 600``) or nothing is written and the task
        fails. Credentials are the money, so they are never put in XCom, trigger events or logs; without this
        parameter they are not written anywhere. Not templated on purpose: a fixed path.
    :return: the order as a JSON-safe dict, without the reward credentials (gift codes are never put in XCom).
    """

    template_fields: Sequence[str] = (
        "utid",
        "amount",
        "recipient",
        "sender",
        "etid",
        "email_subject",
        "message",
        "notes",
        "campaign",
        "external_ref_id",
        "customer_identifier",
        "account_identifier",
        "tangocard_conn_id",
    )
    template_fields_renderers = {"recipient": "json", "sender": "json"}
    ui_color = "#e0f2e9"

    def __init__(
        self,
        *,
        utid: str,
        amount: float | str,
        recipient: dict[str, str] | None = None,
        send_email: bool | None = None,
        sender: dict[str, str] | None = None,
        etid: str | None = None,
        email_subject: str | None = None,
        message: str | None = None,
        notes: str | None = None,
        campaign: str | None = None,
        external_ref_id: str | None = None,
        on_partial: str = "fail",
        credentials_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.utid = utid
        self.amount = amount
        self.recipient = recipient
        self.send_email = send_email
        self.sender = sender
        self.etid = etid
        self.email_subject = email_subject
        self.message = message
        self.notes = notes
        self.campaign = campaign
        self.external_ref_id = external_ref_id
        self.on_partial = on_partial
        self.credentials_path = credentials_path

    def build_body(self, context: Any) -> dict[str, Any]:
        """The validated ``POST /orders`` body (raises :class:`InputError` before anything is sent)."""
        customer, account = self.hook.account_ids(self.customer_identifier, self.account_identifier)
        recipient = {k: v for k, v in (self.recipient or {}).items() if v}
        send_email = bool(recipient.get("email")) if self.send_email is None else bool(self.send_email)
        if recipient.get("email"):
            try:
                recipient["email"] = check_email(str(recipient["email"])).sent
            except ValueError as error:
                raise InputError(f"recipient.email: {error}; nothing was sent") from None
        if send_email and not (recipient.get("email") and recipient.get("firstName")):
            raise InputError(
                "recipient: an emailed reward needs recipient email and firstName (or send_email=False); "
                "nothing was sent"
            )
        if not str(self.utid or "").strip():
            raise InputError("utid: give the catalog item to send (see TangoCardHook().get_catalog())")
        body: dict[str, Any] = {
            "customerIdentifier": customer,
            "accountIdentifier": account,
            "utid": str(self.utid).strip(),
            "amount": float(_amount(self.amount)),
            "sendEmail": send_email,
            "externalRefID": self._key(context, self.external_ref_id),
            "recipient": recipient or None,
            "sender": self.sender,
            "etid": self.etid if send_email else None,
            "emailSubject": self.email_subject,
            "message": self.message,
            "notes": self.notes,
            "campaign": self.campaign,
        }
        body = {k: v for k, v in body.items() if v not in (None, "", {})}
        problems = text_problems("tangocard", body)
        if problems:
            raise InputError("; ".join(f"{field}: {reason}" for field, reason in problems))
        return body

    def execute(self, context: Any) -> dict[str, Any]:
        from airflow_provider_tremendous.vendors.tangocard.checks import TangoCardOrdersCheck

        body = self.build_body(context)
        if self.credentials_path:  # a file refused after paying would leave the credentials uncaptured
            from airflow_provider_tremendous.core.private_file import check_private_file

            check_private_file(self.credentials_path)
        order = self._existing(body, self._earlier_keys(context, self.external_ref_id))
        replayed = order is not None
        if order is None:
            response = self.hook.create_order.with_http_info(body)
            order = response.data
            replayed = response.status_code == 200
            if replayed:
                self._check_replay(order, body, body["externalRefID"])
        if replayed:
            self.log.info(
                "Order %s (externalRefID %s) already existed: not paid again",
                order.reference_order_id,
                order.external_ref_id,
            )
        else:
            self.log.info(
                "Placed order %s (externalRefID %s), status %s",
                order.reference_order_id,
                body["externalRefID"],
                order.status,
            )
        context["ti"].xcom_push(key="reference_order_id", value=order.reference_order_id)
        if not self.wait_for_completion:
            return self._result(order)
        check = TangoCardOrdersCheck([order.reference_order_id], partial=self.on_partial)  # type: ignore[arg-type]
        return self.wait_then_finish(context, check, {"order_id": order.reference_order_id})  # type: ignore[no-any-return]

    def _existing(self, body: dict[str, Any], earlier: list[str]) -> Order | None:
        """The order already placed under this key (or under the key an earlier version derived), looked up
        before sending: Tango's idempotency may lapse (one document says after 90 days), a look-up does not."""
        for key in (body["externalRefID"], *earlier):
            order = self.hook.find_order(key, account=body["accountIdentifier"])
            if order is not None:
                self._check_replay(order, body, key)
                return order
        return None

    @staticmethod
    def _check_replay(order: Order, body: dict[str, Any], key: str) -> None:
        changed = order.differences(body)
        if changed:
            raise TangoCardReplayMismatchError(
                f"externalRefID {key!r} already belongs to order {order.reference_order_id} with "
                f"{', '.join(changed)}. Nothing was paid now. If the reward changed on purpose, give it a new "
                "external_ref_id; otherwise fix the input so it matches the original order."
            )

    def finish(self, context: Any, verdict: Verdict, state: dict[str, Any]) -> dict[str, Any]:
        raise_if_failed(verdict)
        return self._result(self.hook.get_order(state["order_id"]))

    def _result(self, order: Order) -> dict[str, Any]:
        """The XCom value (no credentials), after writing them where the user asked for them."""
        if self.credentials_path:
            self._keep_credentials(order)
        return order.to_xcom()

    def _keep_credentials(self, order: Order) -> None:
        """Write the order's credentials to the user's private file, once per order; an order without them yet
        (``PENDING``) is named in a warning, never passed over silently."""
        from airflow_provider_tremendous.core.private_file import append_private_records, recorded_values

        ident = order.reference_order_id
        record = order.credentials_record()
        if record is None:
            self.log.warning(
                "Order %s is %s and carries no credentials yet: wait for it (wait_for_completion=True) or read "
                "them later with TangoCardHook().get_order(%r).",
                ident,
                order.status,
                ident,
            )
            return
        try:
            if ident not in recorded_values(str(self.credentials_path), "referenceOrderID"):
                append_private_records(str(self.credentials_path), [record])
        except ProviderError as error:  # placed, credentials not captured: say so; a retry finds the order
            raise ProviderError(
                f"Order {ident} was placed (status {order.status}); its credentials were not written: {error}"
            ) from error
        self.log.info("The credentials of order %s are in the private file given", ident)


__all__ = [
    "DEFAULT_CONN_ID",
    "EARLIER_EXTERNAL_REF",
    "EXTERNAL_REF",
    "MAX_EXTERNAL_REF",
    "TangoCardBaseOperator",
    "TangoCardConnectionMixin",
    "TangoCardCreateOrderOperator",
    "TangoCardDepositUncertainError",
    "TangoCardFundAccountOperator",
    "TangoCardReplayMismatchError",
    "TangoCardTransferFundsOperator",
    "alphanumeric_key",
]

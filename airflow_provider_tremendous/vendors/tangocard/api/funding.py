"""Credit cards, deposits and transfers: how an account is funded."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from airflow_provider_tremendous.core.operation import Body
from airflow_provider_tremendous.vendors.tangocard.api.common import tango_endpoint
from airflow_provider_tremendous.vendors.tangocard.models import (
    CreditCard,
    CreditCardDeposit,
    CreditCardUnregistration,
    FundTransfer,
)


class FundingAPI:
    """Register and unregister credit cards; deposit from a registered card into an account; move funds between
    accounts."""

    @tango_endpoint("POST", "/creditCards")
    def register_credit_card(self, body: Body) -> CreditCard:
        """Register a card (``customerIdentifier``, ``accountIdentifier``, ``label``, ``ipAddress``,
        ``creditCard``, ``billingAddress``, ``contactInformation``); returns its ``token``."""

    @tango_endpoint("GET", "/creditCards")
    def list_credit_cards(self, show_inactive: bool | None = None) -> list[CreditCard]:
        """Registered cards (``showInactive`` includes unregistered ones)."""

    @tango_endpoint("GET", "/creditCards/{token}", secret_fields=("token",))
    def get_credit_card(self, token: str) -> CreditCard:
        """One registered card."""

    @tango_endpoint("POST", "/creditCardUnregisters", secret_fields=("creditCardToken",))
    def unregister_credit_card(self, body: Body) -> CreditCardUnregistration:
        """Unregister a card (``customerIdentifier``, ``accountIdentifier``, ``creditCardToken``)."""

    @tango_endpoint("POST", "/creditCardDeposits", secret_fields=("creditCardToken",))
    def create_credit_card_deposit(self, body: Body) -> CreditCardDeposit:
        """Charge a registered card into an account (``amount`` in USD, ``creditCardToken``, ``externalRefID``).

        Never retried after the request may have reached Tango: that a repeated ``externalRefID`` returns the
        original deposit is not documented, so a retry could charge the card twice. Tasks deposit through
        :class:`~airflow_provider_tremendous.operators.tangocard_funding.TangoCardFundAccountOperator`, which records
        each attempt durably and never sends it twice.
        """

    @tango_endpoint("GET", "/creditCardDeposits/{deposit_id}")
    def get_credit_card_deposit(self, deposit_id: str) -> CreditCardDeposit:
        """One deposit (``status``, ``amountCharged``, ``feePercent``)."""

    @tango_endpoint("POST", "/transferFunds")
    def transfer_funds(self, body: Body) -> FundTransfer:
        """Move funds between two accounts (``transferFrom``, ``transferTo``, ``amount``, ``externalRefID``,
        ``transferNotes``).

        Not idempotent as far as Tango documents, and not retried after the request may have reached Tango; a
        transfer cannot be looked up. Tasks transfer through
        :class:`~airflow_provider_tremendous.operators.tangocard_funding.TangoCardTransferFundsOperator`.
        """

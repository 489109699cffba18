"""Customers, accounts, credit cards and deposits. Balances are kept in cents and move with deposits and
orders; a default customer and account (``sandbox-customer`` / ``sandbox-account``) start funded, so a
connection with those identifiers can pay at once."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from airflow_provider_tremendous.sandbox.state import SEEDERS, SandboxState, public
from airflow_provider_tremendous.sandbox.tangocard.domain.errors import (
    TangoSandboxError,
    bad_request,
    check_external_ref,
    field_error,
    not_found,
)

CUSTOMERS = "tango_customers"
ACCOUNTS = "tango_accounts"
CARDS = "tango_cards"
DEPOSITS = "tango_deposits"
TRANSFERS = "tango_transfers"
DEFAULT_CUSTOMER = "sandbox-customer"
DEFAULT_ACCOUNT = "sandbox-account"
IDENTIFIER = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
DEPOSIT_FEE_PERCENT = Decimal("3.5")


def seed(state: SandboxState) -> None:
    """The default customer and its funded account."""
    state.collections[CUSTOMERS][DEFAULT_CUSTOMER] = {
        "customerIdentifier": DEFAULT_CUSTOMER,
        "displayName": "Sandbox customer",
        "status": "ACTIVE",
        "createdAt": state.iso(),
    }
    _store_account(state, DEFAULT_CUSTOMER, DEFAULT_ACCOUNT, "Sandbox account", "payouts@sandbox.example")
    state.collections[ACCOUNTS][DEFAULT_ACCOUNT]["_balance_cents"] = round(
        state.config.settings.tango_starting_balance * 100
    )


def _required(body: Any, *names: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request(field_error("", "the body must be a JSON object"))
    missing = [field_error(name, "must not be null", None, "NotNull") for name in names if body.get(name) in (None, "")]
    if missing:
        raise bad_request(*missing)
    return body


def _identifier(body: dict[str, Any], name: str) -> str:
    value = str(body[name])
    if not IDENTIFIER.match(value):
        raise bad_request(field_error(name, "must be 1-100 letters, digits, '-' or '_'", value, "Pattern"))
    return value


def amount_of(value: Any, name: str = "amount") -> Decimal:
    """A positive amount with at most 2 decimals and 6 integer digits (422.140 otherwise)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise bad_request(field_error(name, "must be a number", value)) from None
    if not amount.is_finite() or amount <= 0:
        raise bad_request(field_error(name, "must be greater than 0", value, "DecimalMin"))
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1000000"):
        raise TangoSandboxError(422, "422.140", f"Amount {value} has more than 6 digits or more than 2 decimals")
    return amount


# -- customers and accounts ---------------------------------------------------------------------------------
def render_customer(state: SandboxState, customer: dict[str, Any]) -> dict[str, Any]:
    ident = customer["customerIdentifier"]
    accounts = [render_account(a) for a in state.collections[ACCOUNTS].values() if a["customerIdentifier"] == ident]
    return {**public(customer), "accounts": accounts}


def render_account(account: dict[str, Any]) -> dict[str, Any]:
    return {**public(account), "currentBalance": account["_balance_cents"] / 100}


def create_customer(state: SandboxState, body: Any) -> dict[str, Any]:
    body = _required(body, "customerIdentifier", "displayName")
    ident = _identifier(body, "customerIdentifier")
    if ident in state.collections[CUSTOMERS]:
        raise TangoSandboxError(409, "409.001", f"A customer with identifier '{ident}' already exists")
    customer = {
        "customerIdentifier": ident,
        "displayName": str(body["displayName"]),
        "status": "ACTIVE",
        "createdAt": state.iso(),
    }
    state.collections[CUSTOMERS][ident] = customer
    return render_customer(state, customer)


def get_customer(state: SandboxState, ident: str) -> dict[str, Any]:
    return state.get_one(CUSTOMERS, ident, not_found, "Customer")


def _store_account(state: SandboxState, customer: str, ident: str, name: str, email: str) -> dict[str, Any]:
    account = {
        "accountIdentifier": ident,
        "customerIdentifier": customer,
        "displayName": name,
        "contactEmail": email,
        "currencyCode": "USD",
        "status": "ACTIVE",
        "createdAt": state.iso(),
        "_balance_cents": 0,
    }
    state.collections[ACCOUNTS][ident] = account
    return account


def create_account(state: SandboxState, customer: str, body: Any) -> dict[str, Any]:
    get_customer(state, customer)
    body = _required(body, "accountIdentifier", "displayName", "contactEmail")
    ident = _identifier(body, "accountIdentifier")
    if ident in state.collections[ACCOUNTS]:
        raise TangoSandboxError(409, "409.001", f"An account with identifier '{ident}' already exists")
    return render_account(_store_account(state, customer, ident, str(body["displayName"]), str(body["contactEmail"])))


def get_account(state: SandboxState, ident: str, customer: str | None = None) -> dict[str, Any]:
    account = state.collections[ACCOUNTS].get(ident)
    if account is None or (customer is not None and account["customerIdentifier"] != customer):
        raise not_found("Account", ident)
    return account


def list_accounts(state: SandboxState, customer: str | None = None) -> list[dict[str, Any]]:
    if customer is not None:
        get_customer(state, customer)
    return [
        render_account(a)
        for a in state.collections[ACCOUNTS].values()
        if customer is None or a["customerIdentifier"] == customer
    ]


# -- credit cards and deposits ------------------------------------------------------------------------------
def _luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def register_card(state: SandboxState, body: Any) -> dict[str, Any]:
    body = _required(body, "customerIdentifier", "accountIdentifier", "creditCard", "label", "ipAddress")
    get_account(state, str(body["accountIdentifier"]), str(body["customerIdentifier"]))
    card = body["creditCard"] if isinstance(body["creditCard"], dict) else {}
    number = re.sub(r"\D", "", str(card.get("number", "")))
    if not 13 <= len(number) <= 19 or not _luhn(number):  # echoed, as the real API does (strictness.md #11)
        raise bad_request(field_error("creditCard.number", "is not a valid card number", card.get("number")))
    cvv = card.get("verificationNumber")
    if cvv is not None and not re.fullmatch(r"\d{3,4}", str(cvv)):
        raise bad_request(field_error("creditCard.verificationNumber", "must be 3 or 4 digits", cvv, "Pattern"))
    token = state.new_uuid()
    state.collections[CARDS][token] = {
        "token": token,
        "label": str(body["label"]),
        "lastFourDigits": number[-4:],
        "expirationDate": str(card.get("expiration") or ""),
        "status": "ACTIVE",
        "customerIdentifier": body["customerIdentifier"],
        "accountIdentifier": body["accountIdentifier"],
        "createdDate": state.iso(),
        "activationDate": state.iso(),
    }
    return state.collections[CARDS][token]


def get_card(state: SandboxState, token: str) -> dict[str, Any]:
    card = state.collections[CARDS].get(token)
    if card is None:
        raise not_found("Credit card", token)
    return card


def list_cards(state: SandboxState, show_inactive: bool) -> list[dict[str, Any]]:
    return [c for c in state.collections[CARDS].values() if show_inactive or c["status"] == "ACTIVE"]


def unregister_card(state: SandboxState, body: Any) -> dict[str, Any]:
    body = _required(body, "customerIdentifier", "accountIdentifier", "creditCardToken")
    card = get_card(state, str(body["creditCardToken"]))
    card["status"] = "INACTIVE"
    return {"creditCardToken": card["token"], "message": "The credit card was unregistered"}


def create_deposit(state: SandboxState, body: Any) -> tuple[int, dict[str, Any]]:
    """Charge a card into an account. A repeated ``externalRefID`` charges again (strictness.md #2), unless the
    ``tango_deduplicate_funding`` setting returns the original deposit (200)."""
    body = _required(body, "customerIdentifier", "accountIdentifier", "creditCardToken", "amount")
    account = get_account(state, str(body["accountIdentifier"]), str(body["customerIdentifier"]))
    ref = body.get("externalRefID")
    earlier = _earlier(state, DEPOSITS, ref, account["accountIdentifier"])
    if earlier is not None:
        return 200, earlier
    card = get_card(state, str(body["creditCardToken"]))
    if card["status"] != "ACTIVE" or card["accountIdentifier"] != account["accountIdentifier"]:
        raise TangoSandboxError(422, "422.103", "The credit card is not active for this account")
    amount = amount_of(body["amount"])
    charged = (amount * (1 + DEPOSIT_FEE_PERCENT / 100)).quantize(Decimal("0.01"))
    ident = f"RF{state.today():%y%m%d}-{state.new_id()[:5]}"
    deposit = {
        "referenceDepositID": ident,
        "amount": float(amount),
        "amountCharged": float(charged),
        "feePercent": float(DEPOSIT_FEE_PERCENT),
        "status": "SUCCESS",
        "externalRefID": ref,
        "createdDate": state.iso(),
        "_account": account["accountIdentifier"],
    }
    state.collections[DEPOSITS][ident] = deposit
    account["_balance_cents"] += round(amount * 100)
    return 201, public(deposit)


def get_deposit(state: SandboxState, ident: str) -> dict[str, Any]:
    return public(state.get_one(DEPOSITS, ident, not_found, "Deposit"))


def set_balance(state: SandboxState, ident: str, amount: float) -> dict[str, Any]:
    """Admin: set an account's balance."""
    account = get_account(state, ident)
    account["_balance_cents"] = round(amount * 100)
    return render_account(account)


SEEDERS.append(seed)


def _earlier(state: SandboxState, collection: str, ref: Any, account: str) -> dict[str, Any] | None:
    """Check a given ``externalRefID``; the deposit or transfer of ``account`` under it, if the lenient
    ``tango_deduplicate_funding`` is on."""
    if not ref:
        return None
    check_external_ref(str(ref), state.config.settings.tango_lenient_external_ref_ids)
    if not state.config.settings.tango_deduplicate_funding:
        return None
    for record in state.collections[collection].values():
        if record.get("externalRefID") == ref and record["_account"] == account:
            return public(record)
    return None


def transfer_funds(state: SandboxState, body: Any) -> tuple[int, dict[str, Any]]:
    """Move funds between two accounts of the platform. A repeated ``externalRefID`` moves them again
    (strictness.md #2), unless ``tango_deduplicate_funding`` returns the original transfer (200). The answer's
    shape is this emulator's reading (Tango publishes the request fields only)."""
    body = _required(body, "transferFrom", "transferTo", "amount")
    source = get_account(state, str(body["transferFrom"]))
    target = get_account(state, str(body["transferTo"]))
    ref = body.get("externalRefID")
    earlier = _earlier(state, TRANSFERS, ref, source["accountIdentifier"])
    if earlier is not None:
        return 200, earlier
    amount = amount_of(body["amount"])
    cents = round(amount * 100)
    if source["accountIdentifier"] == target["accountIdentifier"]:
        raise TangoSandboxError(400, "400.200", "transferFrom and transferTo must be different accounts")
    if source["_balance_cents"] < cents:
        raise TangoSandboxError(400, "400.201", "Insufficient funds in the account to transfer from")
    ident = f"TF{state.today():%y%m%d}-{state.new_id()[:5]}"
    transfer = {
        "referenceTransferID": ident,
        "transferFrom": source["accountIdentifier"],
        "transferTo": target["accountIdentifier"],
        "amount": float(amount),
        "externalRefID": ref,
        "transferNotes": body.get("transferNotes"),
        "status": "SUCCESS",
        "createdDate": state.iso(),
        "_account": source["accountIdentifier"],
    }
    state.collections[TRANSFERS][ident] = transfer
    source["_balance_cents"] -= cents
    target["_balance_cents"] += cents
    return 201, public(transfer)

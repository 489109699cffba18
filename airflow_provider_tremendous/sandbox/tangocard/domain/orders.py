"""Orders and line items: idempotent creation by ``externalRefID`` (201 new, 200 replay, 409.002 while the first
is in process), catalog value rules, balance checks (402.001), statuses, resends, keyset-paged line items, the
ledger and forced outcomes for tests.

An order is *in process* for ``tango_in_process_seconds`` after it is created (0 by default); a request reusing its
``externalRefID`` in that window gets 409.002; after ``tango_idempotency_days`` (sandbox time) the key is forgotten
and a new order is placed (strictness.md #3). It is ``PENDING`` for ``tango_order_pending_seconds`` (0 = complete
at once), then ``COMPLETE``. ``FAILED`` refunds the account.

A line item's ``deliveryStatus`` is ``IN_PROGRESS`` while its order is ``PENDING``; once the order is ``COMPLETE``
it is ``FAILED`` for an emailed reward whose recipient bounces (:mod:`..bounces`, the same rule as the Tremendous
emulator; the order stays ``COMPLETE``: the money is spent) and ``COMPLETED`` otherwise; ``CANCELED`` when the
order ``FAILED``. A resend re-attempts delivery to the (new) address.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from airflow_provider_tremendous.core.limits import LIMITS, text_problems
from airflow_provider_tremendous.core.recipients import check_email
from airflow_provider_tremendous.sandbox.bounces import bounces
from airflow_provider_tremendous.sandbox.state import SandboxState, public, transition
from airflow_provider_tremendous.sandbox.tangocard.domain.accounts import (
    ACCOUNTS,
    amount_of,
    get_account,
    get_customer,
)
from airflow_provider_tremendous.sandbox.tangocard.domain.catalog import ITEMS, usd_per_unit
from airflow_provider_tremendous.sandbox.tangocard.domain.errors import (
    TangoSandboxError,
    bad_request,
    check_external_ref,
    field_error,
    not_found,
    page_number,
)
from airflow_provider_tremendous.sandbox.tangocard.domain.reference import TEMPLATES

ORDERS = "tango_orders"
LINE_ITEMS = "tango_line_items"
REFS = "tango_refs"
RESEND_INTERVAL = 24 * 3600.0
MAX_LISTED = 10_000
DELIVERY_STATUSES = ("IN_PROGRESS", "SHIPPED", "COMPLETED", "CANCELED", "FAILED")


def _ref_key(account: str, ref: str) -> str:
    return f"{account}|{ref}"


def render_order(state: SandboxState, order: dict[str, Any]) -> dict[str, Any]:
    return public(order)


def create_order(state: SandboxState, body: Any) -> tuple[int, dict[str, Any]]:
    if not isinstance(body, dict):
        raise bad_request(field_error("", "the body must be a JSON object"))
    required = ["customerIdentifier", "accountIdentifier", "amount", "utid"]
    missing = [field_error(n, "must not be null", None, "NotNull") for n in required if body.get(n) in (None, "")]
    if body.get("sendEmail") is None and body.get("deliveryMethod") is None:
        missing.append(field_error("sendEmail", "must not be null", None, "NotNull"))
    if missing:
        raise bad_request(*missing)
    customer = str(body["customerIdentifier"])
    get_customer(state, customer)
    account = get_account(state, str(body["accountIdentifier"]), customer)
    ref = body.get("externalRefID")
    if ref is not None:
        ref = str(ref)
        check_external_ref(ref, state.config.settings.tango_lenient_external_ref_ids)
        existing = state.collections[REFS].get(_ref_key(account["accountIdentifier"], ref))
        days = state.config.settings.tango_idempotency_days
        if existing is not None and days is not None:
            placed = state.collections[ORDERS][existing["order"]].get("_placed_clock", state.now())
            if state.now() - placed > days * 86400:  # past the window: the key is forgotten, a new order is placed
                existing = None
        if existing is not None:
            order = state.collections[ORDERS][existing["order"]]
            if state.now() < order["_in_process_until"]:
                raise TangoSandboxError(
                    409,
                    "409.002",
                    "Another order with the same external reference ID is in process for this account. "
                    "Retry after a minimum of 2 seconds.",
                )
            return 200, render_order(state, order)
    item, amount = _priced_item(body)
    _check_delivery(state, body)
    cost_cents = round(amount * Decimal(str(usd_per_unit(item["currencyCode"]))) * 100)
    fee_cents = round(cost_cents * Decimal(str(state.config.settings.tango_fee_percent)) / 100)
    if cost_cents + fee_cents > account["_balance_cents"]:
        raise TangoSandboxError(402, "402.001", "Insufficient funds in the account to place this order")
    account["_balance_cents"] -= cost_cents + fee_cents
    return 201, render_order(state, _store(state, body, account, item, amount, (cost_cents, fee_cents), ref))


def _priced_item(body: dict[str, Any]) -> tuple[dict[str, Any], Decimal]:
    item = ITEMS.get(str(body["utid"]))
    if item is None:
        raise TangoSandboxError(400, "400.009", f"The utid '{body['utid']}' is not in your catalog")
    if item["status"] != "active":
        raise TangoSandboxError(422, "422.030", f"The item '{item['utid']}' is not active")
    amount = amount_of(body["amount"])
    if item["valueType"] == "FIXED_VALUE" and amount != Decimal(str(item["faceValue"])):
        raise TangoSandboxError(
            422, "422.027", f"The amount for the fixed-value item {item['utid']} must be {item['faceValue']}"
        )
    if item["valueType"] == "VARIABLE_VALUE" and not (
        Decimal(str(item["minValue"])) <= amount <= Decimal(str(item["maxValue"]))
    ):
        raise TangoSandboxError(
            422,
            "422.025",
            f"The amount {amount} is outside the range {item['minValue']}-{item['maxValue']} of {item['utid']}",
        )
    return item, amount


def _check_delivery(state: SandboxState, body: dict[str, Any]) -> None:
    emails = bool(body.get("sendEmail")) or body.get("deliveryMethod") == "EMAIL"
    given = body.get("recipient")
    recipient: dict[str, Any] = given if isinstance(given, dict) else {}
    if emails:
        problems = [
            field_error(f"recipient.{name}", "must not be null when the reward is emailed", None, "NotNull")
            for name in ("email", "firstName")
            if not recipient.get(name)
        ]
        if problems:
            raise bad_request(*problems)
    email = recipient.get("email")
    if email:
        try:
            check_email(str(email), allow_international=True)
        except ValueError:
            raise TangoSandboxError(422, "422.009", "The email address does not appear to be valid") from None
    too_long = text_problems("tangocard", body, invisible=False)
    if too_long:
        field, _ = too_long[0]
        limit = LIMITS[("tangocard", field)].max_chars
        raise TangoSandboxError(422, "422.006", f"Field {field} must not exceed {limit} characters in length")
    etid = body.get("etid")
    if etid is not None:
        if not re.fullmatch(r"[eE]\d{6}", str(etid)):
            raise TangoSandboxError(422, "422.124", f"The etid '{etid}' must match ^[eE][\\d]{{6}}$")
        if str(etid).upper() not in state.collections[TEMPLATES]:
            raise not_found("Email template", str(etid))


def _store(
    state: SandboxState,
    body: dict[str, Any],
    account: dict[str, Any],
    item: dict[str, Any],
    amount: Decimal,
    charge_cents: tuple[int, int],
    ref: str | None,
) -> dict[str, Any]:
    settings = state.config.settings
    cost_cents, fee_cents = charge_cents
    state.sequence += 1
    ident = f"RA{state.today():%y%m%d}-{state.sequence:05d}-{state.rng.randint(10, 99)}"
    pending = settings.tango_order_pending_seconds > 0
    cost, fee, total = cost_cents / 100, fee_cents / 100, (cost_cents + fee_cents) / 100
    order = {
        "referenceOrderID": ident,
        "externalRefID": ref,
        "customerIdentifier": account["customerIdentifier"],
        "accountIdentifier": account["accountIdentifier"],
        "accountNumber": account["accountIdentifier"],
        "status": "PENDING" if pending else "COMPLETE",
        "utid": item["utid"],
        "rewardName": item["rewardName"],
        "amountCharged": {"value": cost, "currencyCode": "USD", "exchangeRate": 1.0, "fee": fee, "total": total},
        "denomination": {"value": float(amount), "currencyCode": item["currencyCode"]},
        "recipient": body.get("recipient"),
        "sender": body.get("sender"),
        "sendEmail": bool(body.get("sendEmail")) or body.get("deliveryMethod") == "EMAIL",
        "etid": body.get("etid"),
        "notes": body.get("notes"),
        "campaign": body.get("campaign"),
        "createdAt": state.iso(),
        "reward": _reward_credentials(ident),
        "_seq": state.sequence,
        "_cost_cents": cost_cents + fee_cents,  # what FAILED refunds
        "_in_process_until": state.now() + settings.tango_in_process_seconds,
        "_placed_clock": state.now(),  # sandbox time, for the idempotency window
        "_resent_at": None,
    }
    state.collections[ORDERS][ident] = order
    if ref is not None:
        state.collections[REFS][_ref_key(account["accountIdentifier"], ref)] = {"order": ident}
    line_item = {
        "referenceLineItemID": f"{ident}-1",
        "referenceOrderID": ident,
        "externalRefID": ref,
        "status": order["status"],
        "rewardStatus": "ISSUED" if not pending else "PENDING",
        "deliveryStatus": _delivery_status(order),
        "utid": item["utid"],
        "amount": order["denomination"],
        "recipient": order["recipient"],
        "createdDate": order["createdAt"],
        "reward": order["reward"],  # line items carry the reward's credentials too (strictness.md #10)
        "_seq": state.sequence,
    }
    state.collections[LINE_ITEMS][line_item["referenceLineItemID"]] = line_item
    if pending:
        state.schedule(settings.tango_order_pending_seconds, "tango_order_complete", ident)
    return order


def _reward_credentials(ident: str) -> dict[str, Any]:
    """The reward's credentials as Tango gives them: a redemption URL, a code and a PIN (bearer secrets; drawn from
    :mod:`secrets`, not the seeded generator, so seeded fault sequences stay what they were)."""
    url = f"https://sandbox.rewards.example/redeem/{ident}-{secrets.token_hex(6)}"
    code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(16))
    pin = f"{secrets.randbelow(1_000_000):06d}"
    return {
        "credentials": {"Redemption URL": url, "Code": code, "PIN": pin},
        "credentialList": [
            {"label": "Redemption URL", "value": url, "type": "url"},
            {"label": "Code", "value": code, "type": "text"},
            {"label": "PIN", "value": pin, "type": "text"},
        ],
        "redemptionInstructions": "Open the link, or enter the code and PIN, to redeem your reward.",
    }


def set_status(state: SandboxState, ident: str, status: str) -> dict[str, Any]:
    """Move an order (and its line item) to ``status``; ``FAILED`` refunds the account once."""
    order = find_order(state, ident)
    if order["status"] == "FAILED":
        return render_order(state, order)
    if status == "FAILED":
        state.collections[ACCOUNTS][order["accountIdentifier"]]["_balance_cents"] += order["_cost_cents"]
    order["status"] = status
    line_item = state.collections[LINE_ITEMS][f"{order['referenceOrderID']}-1"]
    line_item["status"] = "FAILED" if status == "FAILED" else ("COMPLETE" if status == "COMPLETE" else status)
    line_item["rewardStatus"] = {"COMPLETE": "ISSUED", "FAILED": "FAILED"}.get(status, line_item["rewardStatus"])
    line_item["deliveryStatus"] = _delivery_status(order)
    return render_order(state, order)


def _delivery_status(order: dict[str, Any]) -> str:
    """The line item's ``deliveryStatus`` for the order as it is now (see the module's docstring)."""
    if order["status"] == "FAILED":
        return "CANCELED"
    if order["status"] not in ("COMPLETE", "PARTIAL"):
        return "IN_PROGRESS"
    emailed = order["sendEmail"] and bounces((order.get("recipient") or {}).get("email"))
    return "FAILED" if emailed else "COMPLETED"


@transition("tango_order_complete")
def _complete(state: SandboxState, ident: str) -> None:
    if state.collections[ORDERS][ident]["status"] == "PENDING":
        set_status(state, ident, "COMPLETE")


def find_order(state: SandboxState, ident: str) -> dict[str, Any]:
    return state.get_one(ORDERS, ident, not_found, "Order")


def _in_dates(created: str, query: Mapping[str, str]) -> bool:
    """Whether ``created`` lies within the query's ``startDate``/``endDate`` (either may be absent)."""
    start, end = query.get("startDate"), query.get("endDate")
    return (not start or created >= start.replace("+00:00", "Z")) and (not end or created <= end.replace("+00:00", "Z"))


def list_orders(state: SandboxState, query: Mapping[str, str]) -> dict[str, Any]:
    """Newest first, ``page`` (from 0) of ``elementsPerBlock`` (1-100, default 10), at most 10,000 results."""
    filters = {k: query.get(k) for k in ("accountIdentifier", "customerIdentifier", "externalRefID", "utid")}
    selected = [
        o
        for o in state.collections[ORDERS].values()
        if all(value in (None, "") or o.get(key) == value for key, value in filters.items())
        and _in_dates(o["createdAt"], query)
    ]
    selected.sort(key=lambda o: o["_seq"], reverse=True)
    selected = selected[: min(MAX_LISTED, state.config.settings.tango_list_cap)]
    number = page_number(query, "page", 0, 0, 10**6)
    size = page_number(query, "elementsPerBlock", 10, 1, 100)
    chunk = selected[number * size : (number + 1) * size]
    return {
        "page": {"number": number, "elementsPerBlock": size, "resultCount": len(chunk), "totalCount": len(selected)},
        "orders": [render_order(state, o) for o in chunk],
    }


def resend_order(state: SandboxState, ident: str, body: Any) -> dict[str, Any]:
    """Resend the reward email: 403.003 when the order was not emailed, 403.023 within 24 h of the last resend."""
    order = find_order(state, ident)
    if not order["sendEmail"]:
        raise TangoSandboxError(403, "403.003", "Cannot resend an email for an order placed with sendEmail=false")
    last = order["_resent_at"]
    if last is not None and state.now() - last < RESEND_INTERVAL:
        raise TangoSandboxError(403, "403.023", "An order's email cannot be resent more than once every 24 hours")
    order["_resent_at"] = state.now()
    new_email = body.get("newEmail") if isinstance(body, dict) else None
    if new_email:
        order["recipient"] = {**(order.get("recipient") or {}), "email": new_email}
    line_item = state.collections[LINE_ITEMS][f"{ident}-1"]
    line_item["recipient"] = order["recipient"]
    line_item["deliveryStatus"] = _delivery_status(order)  # delivery is attempted again, to the (new) address
    email = (order.get("recipient") or {}).get("email")
    return {"referenceOrderID": ident, "referenceLineItemID": f"{ident}-1", "email": email, "status": "RESENT"}


def get_line_item(state: SandboxState, ident: str) -> dict[str, Any]:
    return public(state.get_one(LINE_ITEMS, ident, not_found, "Line item"))


def resend_line_item(state: SandboxState, ident: str, body: Any) -> dict[str, Any]:
    item = state.get_one(LINE_ITEMS, ident, not_found, "Line item")
    return resend_order(state, item["referenceOrderID"], body)


def _cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode()


def _after(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("seq:"))
    except ValueError:
        raise bad_request(field_error("nextCursor", "is not a cursor returned by this endpoint", cursor)) from None


def list_line_items(state: SandboxState, query: Mapping[str, str]) -> dict[str, Any]:
    """Oldest first, keyset-paged: ``maxResults`` (1-100, default 50) after ``nextCursor``; filtered by ids,
    ``status``, ``deliveryStatus`` (one of :data:`DELIVERY_STATUSES`, else 400) and ``startDate``/``endDate``."""
    size = page_number(query, "maxResults", 50, 1, 100)
    after = _after(query.get("nextCursor"))
    filters = {k: query.get(k) for k in ("referenceOrderID", "externalRefID", "utid", "status", "deliveryStatus")}
    if filters["deliveryStatus"] not in (None, "", *DELIVERY_STATUSES):
        allowed = ", ".join(DELIVERY_STATUSES)
        raise bad_request(field_error("deliveryStatus", f"must be one of {allowed}", filters["deliveryStatus"]))
    matching = sorted(
        (
            item
            for item in state.collections[LINE_ITEMS].values()
            if item["_seq"] > after
            and all(v in (None, "") or item.get(k) == v for k, v in filters.items())
            and _in_dates(item["createdDate"], query)
        ),
        key=lambda item: item["_seq"],
    )
    chunk = matching[:size]
    more = len(matching) > size
    return {
        "lineItems": [public(item) for item in chunk],
        "pagination": {
            "maxResults": size,
            "nextCursor": _cursor(chunk[-1]["_seq"]) if more else None,
            "prevCursor": query.get("nextCursor") or None,
        },
    }


def ledger(state: SandboxState) -> list[dict[str, Any]]:
    """Every order with its externalRefID, amount, cost and status (admin)."""
    return [
        {
            "reference_order_id": o["referenceOrderID"],
            "external_ref_id": o["externalRefID"],
            "account": o["accountIdentifier"],
            "utid": o["utid"],
            "amount": o["denomination"]["value"],
            "currency": o["denomination"]["currencyCode"],
            "cost": o["_cost_cents"] / 100,
            "status": o["status"],
            "email": (o.get("recipient") or {}).get("email"),
        }
        for o in sorted(state.collections[ORDERS].values(), key=lambda o: o["_seq"])
    ]

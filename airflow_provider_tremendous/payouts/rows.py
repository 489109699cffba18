"""One payout row: mapping raw columns onto reward fields, defaults, and validation with pydantic.

A row becomes one reward. Every problem is reported with the row number, the field and what to do about it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator, model_validator

from airflow_provider_tremendous.core.currencies import CURRENCY_CODES
from airflow_provider_tremendous.core.limits import PRODUCT_ID, too_long
from airflow_provider_tremendous.core.money import MAX_REWARD, AmountError, decimals_for, parse_amount
from airflow_provider_tremendous.core.recipients import check_email, check_phone, email_identity, invisible_characters

#: The reward fields a row can carry (column names default to these).
FIELDS = (
    "amount",
    "currency",
    "name",
    "email",
    "phone",
    "products",
    "campaign_id",
    "delivery_method",
    "language",
    "deliver_at",
)
MAX_AMOUNT = MAX_REWARD


@dataclass(frozen=True)
class RowSpec:
    """How raw rows map onto rewards.

    :param key_field: the column holding each row's unique key (e.g. ``respondent_id``).
    :param columns: reward field → column name, for columns named differently (``{"amount": "reward_usd"}``).
    :param defaults: values for fields a row leaves empty (``{"currency": "USD", "campaign_id": "..."}``).
    :param custom_field_columns: custom field id → column name, sent as ``custom_fields``.
    :param keep_case: compare keys case-sensitively (``R17`` and ``r17`` are then two people); changes ids.
    :param decimal_separator: ``"."`` (default) or ``","`` for every amount of the input; never guessed.
    :param reissue: canonical key → re-issue generation (≥ 1) for rows paid again after their order ended FAILED or
        CANCELED (see :mod:`.reissue`).
    """

    key_field: str
    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    custom_field_columns: dict[str, str] = field(default_factory=dict)
    keep_case: bool = False
    decimal_separator: str = "."
    allow_international_email: bool = False
    default_phone_region: str | None = None
    allow_shared_recipients: bool = False
    #: Keys that write one number differently (``7`` and ``007``) are different people (refused by default).
    distinct_number_spellings: bool = False
    #: A CSV row on several lines is read (refused by default: a quote left open shifts the next rows' values).
    allow_multiline_cells: bool = False
    reissue: dict[str, int] = field(default_factory=dict)

    def context(self, vendor: str = "tremendous") -> dict[str, Any]:
        """The validation context of :class:`PayoutRow`: how amounts are written, which recipients are accepted."""
        return {
            "decimal_separator": self.decimal_separator,
            "allow_international_email": self.allow_international_email,
            "default_phone_region": self.default_phone_region,
            "vendor": vendor,
        }

    def extract(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The row's reward fields (column names mapped, blanks replaced by defaults)."""
        values: dict[str, Any] = {"key": raw.get(self.key_field)}
        for name in FIELDS:
            value = raw.get(self.columns.get(name, name))
            if value is None or (isinstance(value, str) and not value.strip()):
                value = self.defaults.get(name)
            values[name] = value
        custom = [{"id": fid, "value": raw.get(column)} for fid, column in self.custom_field_columns.items()]
        values["custom_fields"] = [c for c in custom if c["value"] not in (None, "")] or None
        return values


class PayoutRow(BaseModel):
    """A validated row: everything needed to pay one key."""

    model_config = ConfigDict(extra="forbid")

    key: str
    currency: str
    amount: Decimal
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    products: list[str] | None = None
    campaign_id: str | None = None
    delivery_method: Literal["EMAIL", "LINK", "PHONE"] = "EMAIL"
    language: str | None = None
    deliver_at: dt.date | None = None
    custom_fields: list[dict[str, Any]] | None = None

    @field_validator("amount", mode="before")
    @classmethod
    def _check_amount(cls, value: Any, info: ValidationInfo) -> Decimal:
        """The strict money grammar (:mod:`airflow_provider_tremendous.core.money`), in the currency's decimals."""
        if value is None:
            raise ValueError("is missing: give the reward amount, e.g. 10 or 12.50")
        currency = info.data.get("currency")
        separator = (info.context or {}).get("decimal_separator", ".")
        try:
            amount = parse_amount(value, decimals=decimals_for(currency), decimal_separator=separator)
        except AmountError as error:
            raise ValueError(str(error)) from None
        if amount > MAX_AMOUNT:
            raise ValueError(
                f"{value!r} is implausibly large (over {MAX_AMOUNT:,}): check the unit (dollars, not cents)"
            )
        return amount.quantize(Decimal(1).scaleb(-decimals_for(currency)))

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: Any) -> str:
        code = str(value or "").strip().upper()
        if code not in CURRENCY_CODES:
            raise ValueError(f"{value!r} is not a supported ISO-4217 currency code (e.g. USD, EUR, GBP)")
        return code

    @field_validator("email", "phone", "name", "campaign_id", "language", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return str(value).strip() or None if value is not None else None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None, info: ValidationInfo) -> str | None:
        """email-validator, syntax only; non-ASCII (homoglyph) addresses only when allowed."""
        if value is None:
            return None
        context = info.context or {}
        checked = check_email(value, bool(context.get("allow_international_email")))
        too = too_long(context.get("vendor", "tremendous"), "recipient.email", checked.sent)
        if too:
            raise ValueError(too)
        return checked.sent

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        """phonenumbers, to E.164 (what is sent); no country code only with a default region."""
        return None if value is None else check_phone(value, (info.context or {}).get("default_phone_region"))

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        hidden = invisible_characters(value)
        too = too_long((info.context or {}).get("vendor", "tremendous"), "recipient.name", value)
        if hidden or too:
            raise ValueError(hidden or too)
        return value

    @field_validator("delivery_method", mode="before")
    @classmethod
    def _method(cls, value: Any) -> str:
        method = str(value or "EMAIL").strip().upper()
        if method not in ("EMAIL", "LINK", "PHONE"):
            raise ValueError(f"{value!r} is not a delivery method: use EMAIL, LINK or PHONE")
        return method

    @field_validator("products", mode="before")
    @classmethod
    def _products(cls, value: Any) -> list[str] | None:
        if value in (None, ""):
            return None
        items = re.split(r"[;,\s]+", value.strip()) if isinstance(value, str) else list(value)
        bad = [p for p in items if not PRODUCT_ID.match(str(p))]
        if bad:
            raise ValueError(f"{bad} are not product ids (4-20 of A-Z, 0-9, e.g. OKMHM2X2OHYV)")
        return [str(p) for p in items]

    @field_validator("deliver_at", mode="before")
    @classmethod
    def _deliver_at(cls, value: Any) -> Any:
        return None if value in (None, "") else value

    @model_validator(mode="after")
    def _consistent(self) -> PayoutRow:
        if self.delivery_method == "EMAIL" and not self.email:
            raise ValueError("email: missing; EMAIL delivery needs one (or set delivery_method LINK)")
        if self.delivery_method == "PHONE" and not self.phone:
            raise ValueError("phone: missing; PHONE delivery needs one")
        if not self.products and not self.campaign_id:
            raise ValueError("products/campaign_id: both missing; give one (or a default on the operator)")
        if self.campaign_id and not PRODUCT_ID.match(self.campaign_id):
            raise ValueError(f"campaign_id: {self.campaign_id!r} is not a campaign id (4-20 of A-Z, 0-9)")
        if self.language and not re.fullmatch(r"[a-z]{2}", self.language):
            raise ValueError(f"language: {self.language!r} must be an ISO-639-1 code such as 'en'")
        if self.deliver_at is not None:
            today = dt.datetime.now(dt.timezone.utc).date()
            if not today <= self.deliver_at <= today + dt.timedelta(days=365):
                raise ValueError(f"deliver_at: {self.deliver_at} must be between today and one year from today")
        return self

    @property
    def recipient_ids(self) -> list[str]:
        """Who is paid, for per-recipient caps and duplicate detection: the case-folded email and the E.164 phone
        (each an identity of its own), else the key."""
        ids = [f"email {email_identity(self.email)}"] if self.email else []
        ids += [f"phone {self.phone}"] if self.phone else []
        return ids or [f"key {self.key}"]

    def reward(self) -> dict[str, Any]:
        """The API's ``reward`` object for this row."""
        reward: dict[str, Any] = {
            "value": {"denomination": float(self.amount), "currency_code": self.currency},  # exact: ≤ 2 decimals
            "delivery": {"method": self.delivery_method},
            "recipient": {k: v for k, v in (("name", self.name), ("email", self.email), ("phone", self.phone)) if v},
        }
        for name in ("products", "campaign_id", "language", "custom_fields"):
            value = getattr(self, name)
            if value:
                reward[name] = value
        if self.deliver_at:
            reward["deliver_at"] = self.deliver_at.isoformat()
        return reward


def row_errors(error: ValidationError) -> list[tuple[str, str]]:
    """``(field, reason)`` for each problem of a row."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if not where and ": " in message:  # model-level checks say "field: reason"
            where, _, message = message.partition(": ")
        problems.append((where or "row", message))
    return problems

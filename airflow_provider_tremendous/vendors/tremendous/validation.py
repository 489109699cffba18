"""Validation of rewards before anything is sent: a bad reward is refused with the field and the fix, and no
order is created. The API validates too; checking first means a bad row never reaches the payment step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.core.limits import PRODUCT_ID, text_problems, too_long
from airflow_provider_tremendous.core.money import MAX_REWARD, AmountError, decimals_for, parse_amount
from airflow_provider_tremendous.core.recipients import check_email, check_phone, invisible_characters

MAX_EXTERNAL_ID = 255


class RewardValue(BaseModel):
    """``value``: a positive amount with at most two decimals, and an ISO-4217 currency."""

    model_config = ConfigDict(extra="allow")

    denomination: float
    currency_code: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")

    @field_validator("denomination", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> float:
        """The one money parser; sent as a JSON number, exact for amounts with at most 2 decimals."""
        try:
            return float(parse_amount(value, maximum=MAX_REWARD))
        except AmountError as error:
            raise ValueError(str(error)) from None

    @model_validator(mode="after")
    def _currency_decimals(self) -> RewardValue:
        places = decimals_for(self.currency_code)
        if Decimal(repr(self.denomination)) != Decimal(repr(self.denomination)).quantize(Decimal(1).scaleb(-places)):
            raise ValueError(f"denomination: {self.currency_code} amounts have {places} decimals at most")
        return self


class RewardRecipient(BaseModel):
    """``recipient``: name, email and/or phone."""

    model_config = ConfigDict(extra="allow")

    name: str | None = None
    email: str | None = None
    phone: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        """email-validator, syntax only; non-ASCII (homoglyph-prone) addresses refused."""
        return None if value is None else check_email(value).sent

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        """phonenumbers: + and the country code required; sent in E.164."""
        return None if value is None else check_phone(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        problem = (
            None if value is None else invisible_characters(value) or too_long("tremendous", "recipient.name", value)
        )
        if problem:
            raise ValueError(problem)
        return value


class RewardDelivery(BaseModel):
    """``delivery``: EMAIL (default), LINK or PHONE."""

    model_config = ConfigDict(extra="allow")

    method: Literal["EMAIL", "LINK", "PHONE"] = "EMAIL"


class RewardSpec(BaseModel):
    """One reward in the API's own shape (``reward`` of ``POST /orders``), checked before sending."""

    model_config = ConfigDict(extra="allow")

    value: RewardValue
    recipient: RewardRecipient | None = None
    delivery: RewardDelivery = Field(default_factory=RewardDelivery)
    products: list[str] | None = None
    campaign_id: str | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    deliver_at: dt.date | None = None
    custom_fields: list[dict[str, Any]] | None = None

    @field_validator("products")
    @classmethod
    def _products(cls, value: list[str] | None) -> list[str] | None:
        bad = [p for p in value or [] if not PRODUCT_ID.match(p)]
        if bad:
            raise ValueError(f"product ids look like 'OKMHM2X2OHYV' (4-20 of A-Z, 0-9); got {bad}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RewardSpec:
        if not self.products and not self.campaign_id:
            raise ValueError("give 'products' (a list of product ids) or a 'campaign_id'")
        method = self.delivery.method
        recipient = self.recipient or RewardRecipient()
        if method == "EMAIL" and not recipient.email:
            raise ValueError("EMAIL delivery needs recipient.email (or use delivery.method LINK)")
        if method == "PHONE" and not recipient.phone:
            raise ValueError("PHONE delivery needs recipient.phone")
        if self.deliver_at is not None:
            today = dt.datetime.now(dt.timezone.utc).date()
            if not today <= self.deliver_at <= today + dt.timedelta(days=365):
                raise ValueError("deliver_at must be a date between today and one year from today")
        return self


def describe_validation_error(error: ValidationError, where: str) -> str:
    """One line per problem: ``<where> field.path: what is wrong``."""
    lines = []
    for problem in error.errors():
        path = ".".join(str(part) for part in problem["loc"]) or "(reward)"
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{where} {path}: {message}")
    return "\n".join(lines)


def validate_reward(reward: Any, where: str = "reward") -> dict[str, Any]:
    """Check ``reward`` and return it as a JSON-safe dict, or raise :class:`InputError`."""
    if not isinstance(reward, dict):
        raise InputError(f"{where} must be a dict in the API's reward shape, got {type(reward).__name__}")
    try:
        spec = RewardSpec.model_validate(reward)
    except ValidationError as error:
        raise InputError("Invalid reward, nothing was sent:\n" + describe_validation_error(error, where)) from None
    checked = spec.model_dump(mode="json", exclude_none=True)
    problems = text_problems("tremendous", checked)
    if problems:
        lines = "\n".join(f"{where} {field}: {reason}" for field, reason in problems)
        raise InputError(f"Invalid reward, nothing was sent:\n{lines}")
    return checked


def validate_external_id(external_id: Any) -> str:
    """An external_id must be a non-empty string of at most 255 characters."""
    if not isinstance(external_id, str) or not external_id.strip() or len(external_id) > MAX_EXTERNAL_ID:
        raise InputError(
            f"external_id must be a non-empty string of at most {MAX_EXTERNAL_ID} characters, got {external_id!r}"
        )
    return external_id

"""Redacting what Tango Card echoes back in its error bodies (strictness.md #11).

Tango's field errors carry ``invalidValue``: the value it refused, as sent. For a card number, a CVV, a reward
credential or a password that value is a secret, and an error's text reaches task logs (each retry logs it),
exception messages and XCom-visible failure summaries. So every field error whose ``path`` names a sensitive field
has its value replaced before the error is built; a card number keeps its last four digits as a hint. Card-number
shaped digit runs (13-19 digits, with spaces or dashes) are masked in free text too (messages, non-JSON bodies).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REDACTED = "[redacted]"
#: Path segments (lower case) that are secret wherever they appear.
_SECRET_PARTS = (
    "password",
    "secret",
    "token",
    "credential",
    "redemption",
    "verification",
    "cvv",
    "cvc",
    "securitycode",
    "apikey",
    "platformkey",
)
#: Whole path segments (lower case) that are secret: a reward's ``code``, ``pin``, ``link``, ``url`` or ``key``.
_SECRET_SEGMENTS = frozenset({"pin", "code", "link", "url", "key", "number", "expiration", "expirationdate", "value"})
#: ``number``, ``expiration`` and ``value`` are secret only under a card or a reward (``amount.value`` is not).
_SCOPED = {"number": ("card",), "expiration": ("card",), "expirationdate": ("card",), "value": ("credential", "reward")}
#: Objects whose unlabelled values (a list) are all taken for secrets.
_SECRET_SCOPES = ("card", "credential", "reward")
_CARD_RUN = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")


def is_sensitive_path(path: str) -> bool:
    """Whether a field error's ``path`` (``creditCard.number``, ``reward.credentials.PIN``...) names a secret."""
    parts = [part.lower() for part in re.split(r"[.\[\]/]+", path or "") if part]
    for index, part in enumerate(parts):
        if any(secret in part for secret in _SECRET_PARTS):
            return True
        if part in _SECRET_SEGMENTS:
            scope = _SCOPED.get(part)
            if scope is None or any(word in earlier for earlier in parts[:index] for word in scope):
                return True
    return False


def _hint(value: Any, path: str) -> str:
    """``[redacted]``, with the last four digits of a card number."""
    digits = re.sub(r"\D", "", str(value)) if "card" in path.lower() else ""
    return f"{REDACTED} (ends {digits[-4:]})" if len(digits) >= 12 else REDACTED


def mask_card_numbers(text: str) -> str:
    """``text`` with every card-number shaped run of digits replaced (its last four digits kept)."""
    return _CARD_RUN.sub(lambda match: _hint(match.group(), "card"), text)


def redact_value(path: str, value: Any) -> Any:
    """``value`` as an error may show it: redacted under a sensitive ``path``; an object or list walked with each
    key extending the path (``creditCard`` → ``creditCard.number``); card numbers masked in strings and numbers
    everywhere else."""
    if value is None:
        return None
    if is_sensitive_path(path):
        return _hint(value, path)
    if isinstance(value, Mapping):
        return {key: redact_value(f"{path}.{key}" if path else str(key), item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        if any(word in path.lower() for word in _SECRET_SCOPES):  # a card's or reward's values, keys lost
            return REDACTED
        return [redact_value(path, item) for item in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        masked = mask_card_numbers(str(value))
        return masked if masked != str(value) else value
    return mask_card_numbers(value) if isinstance(value, str) else value


def redact_field_errors(errors: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Copies of Tango's field errors with ``invalidValue`` redacted where the field is sensitive."""
    redacted = []
    for item in errors:
        copy = dict(item)
        path = str(copy.get("path") or "")
        if "invalidValue" in copy:
            copy["invalidValue"] = redact_value(path, copy["invalidValue"])
        if isinstance(copy.get("message"), str):
            copy["message"] = mask_card_numbers(copy["message"])
        redacted.append(copy)
    return redacted


def redact_body(data: Any) -> Any:
    """A parsed error body with its field errors redacted, every other value walked as :func:`redact_value`
    does (keys as paths), and card numbers masked in every string and number."""
    if isinstance(data, Mapping):
        out = {key: redact_value(str(key), value) for key, value in data.items() if key != "errors"}
        if "errors" in data:
            items = data["errors"]
            out["errors"] = (
                redact_field_errors([i for i in items if isinstance(i, Mapping)])
                if isinstance(items, list)
                else redact_body(items)
            )
        return out
    if isinstance(data, list):
        return [redact_body(item) for item in data]
    return mask_card_numbers(data) if isinstance(data, str) else data

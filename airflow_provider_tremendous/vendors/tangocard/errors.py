"""Tango Card's error body, read into the provider's typed errors.

Tango answers ``{timestamp, requestId, path, httpCode, httpPhrase, message, i18nKey, errors: [{path, i18nKey,
message, invalidValue, constraint}]}``. Each HTTP status maps to a class that subclasses both
:class:`TangoCardAPIError` and the provider's class for that status, so the shared retry policy treats a Tango
429 or 5xx exactly like a Tremendous one, and ``except TangoCardAPIError`` catches every Tango answer.
``409.002`` (the first order with this ``externalRefID`` is still in process) is its own class, retried with the
same id after at least 2 seconds.

Tango echoes the refused value of each field (``invalidValue``); for a card number, a CVV or a credential that is a
secret, so field errors, the message and the kept body are redacted (:mod:`.redact`) before the exception exists:
nothing built from it (its text, each retry's log line, a failure summary) can show one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.vendors.tangocard.redact import mask_card_numbers, redact_body

_MAX_BODY = 2000
#: Tango's advice for 409.002: "ensure a minimum of 2 seconds for all retries".
IN_PROCESS_MIN_WAIT = 2.0


class TangoCardAPIError(e.ApiError):
    """Tango Card answered with an error status.

    :ivar i18n_key: Tango's error key (``402.001``, ``409.002``, ``422.025``...), stable across message wording.
    :ivar errors: the field errors (``path``, ``message``, ``invalidValue``, ``constraint``).
    :ivar request_id: the ``requestId`` / ``X-REQUEST-ID`` to quote to Tango support.
    """

    vendor = "Tango Card"

    def __init__(
        self,
        *,
        i18n_key: str = "",
        errors: list[dict[str, Any]] | None = None,
        request_id: str = "",
        **kwargs: Any,
    ) -> None:
        self.i18n_key = i18n_key
        self.errors = errors or []
        self.request_id = request_id
        super().__init__(**kwargs)

    def _describe(self) -> str:
        key = f" [{self.i18n_key}]" if self.i18n_key else ""
        text = f"Tango Card API {self.status} {self.title}{key} on {self.method} {self.path}: {self.message}"
        if self.errors:
            fields = "; ".join(
                f"{item.get('path') or '?'}: {item.get('message') or item.get('i18nKey') or 'invalid'}"
                + (f" (got {item['invalidValue']!r})" if item.get("invalidValue") is not None else "")
                for item in self.errors[:10]
            )
            text += f" | fields: {fields}"
        if self.request_id:
            text += f" | requestId {self.request_id}"
        return text


class TangoCardBadRequestError(TangoCardAPIError, e.BadRequestError):
    """400: malformed request or missing fields."""


class TangoCardUnauthorizedError(TangoCardAPIError, e.UnauthorizedError):
    """401: wrong platform name or key (401.002), or an expired OAuth token."""


class TangoCardPaymentRequiredError(TangoCardAPIError, e.PaymentRequiredError):
    """402: insufficient funds in the account (402.001)."""


class TangoCardForbiddenError(TangoCardAPIError, e.ForbiddenError):
    """403: not allowed (e.g. 403.016 fraud velocity, 403.023 resend too soon)."""


class TangoCardNotFoundError(TangoCardAPIError, e.NotFoundError):
    """404: no such customer, account, order or line item."""


class TangoCardConflictError(TangoCardAPIError, e.ConflictError):
    """409: a duplicate identifier (409.024, or an existing customer/account)."""


class TangoCardUnprocessableError(TangoCardAPIError, e.UnprocessableError):
    """422: the request is well formed but invalid (amount out of range, inactive item...)."""


class TangoCardRateLimitError(TangoCardAPIError, e.RateLimitError):
    """429: over the 1 request/second limit; the request was not processed."""


class TangoCardServerError(TangoCardAPIError, e.ServerError):
    """5xx: Tango failed; an order may still be processed, so only retry with the same externalRefID."""


class TangoCardOrderInProcessError(TangoCardConflictError):
    """409.002: an order with this ``externalRefID`` is in process; retry with the same id after 2 s or more."""

    in_progress = True
    min_retry_wait = IN_PROCESS_MIN_WAIT


_BY_STATUS: dict[int, type[TangoCardAPIError]] = {
    400: TangoCardBadRequestError,
    401: TangoCardUnauthorizedError,
    402: TangoCardPaymentRequiredError,
    403: TangoCardForbiddenError,
    404: TangoCardNotFoundError,
    409: TangoCardConflictError,
    422: TangoCardUnprocessableError,
    429: TangoCardRateLimitError,
}
_BY_KEY: dict[str, type[TangoCardAPIError]] = {"409.002": TangoCardOrderInProcessError}


def _read(content: bytes) -> tuple[Mapping[str, Any], str]:
    """The body parsed and redacted, and its (redacted) text, truncated, for the exception to keep."""
    text = content.decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}, mask_card_numbers(text)[:_MAX_BODY]
    if not isinstance(data, Mapping):
        return {}, mask_card_numbers(text)[:_MAX_BODY]
    redacted = redact_body(data)
    return redacted, json.dumps(redacted)[:_MAX_BODY]


def build_tangocard_error(
    *,
    status: int,
    content: bytes,
    method: str,
    path: str,
    retry_after: float | None = None,
    request_id: str | None = None,
) -> TangoCardAPIError:
    """Turn a Tango Card error response into its typed exception (tolerant of any body, JSON or not).

    :param request_id: the response's ``X-REQUEST-ID`` header: the request id when the body carries no
        ``requestId`` (Tango sends both; the body's wins).
    """
    data, raw = _read(content)
    i18n_key = str(data.get("i18nKey") or data.get("code") or "")
    field_errors = [dict(item) for item in data.get("errors") or [] if isinstance(item, Mapping)]  # redacted
    message = str(data.get("message") or data.get("httpPhrase") or "") or raw.strip()[:200]
    cls = _BY_KEY.get(i18n_key) or (TangoCardServerError if status >= 500 else _BY_STATUS.get(status))
    return (cls or TangoCardAPIError)(
        status=status,
        message=message or f"HTTP {status} with an empty body",
        payload={"errors": field_errors} if field_errors else None,
        method=method,
        path=path,
        body=raw,
        retry_after=retry_after,
        i18n_key=i18n_key,
        errors=field_errors,
        request_id=str(data.get("requestId") or request_id or ""),
    )

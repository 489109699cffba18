"""One exception hierarchy for everything the provider raises, whatever the vendor.

Every error subclasses :class:`ProviderError`, itself an ``AirflowException``, so Airflow treats it as a task
failure. A vendor's API errors are these classes (Tremendous's) or subclass them (Tango Card's, in its wing). API
errors carry the HTTP status, the API's message and payload, the method and path of the call, and the vendor's
request id when it sends one, so a person reading the task log knows what failed and why. No error ever carries
request headers, so a key or token cannot leak through an exception.

The names of release 0.1 (``TremendousError``, ``TremendousAPIError``...) are aliases of the same classes, so
``except TremendousError`` catches what it always caught, Tango Card's errors included.
"""

from __future__ import annotations

import json
from typing import Any

from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

_MAX_PAYLOAD_CHARS = 2000


class ProviderError(AirflowException):
    """Base class of every error raised by this provider."""


class ConfigurationError(ProviderError):
    """The Airflow connection is unusable or unsafe (e.g. a production key on a sandbox connection)."""


class TransportError(ProviderError):
    """The HTTP exchange failed before a complete response arrived (connection refused, timeout, reset).

    ``may_have_reached_server`` is False only when the request provably never left this machine (the TCP
    connection could not be opened); only then is a non-idempotent request safe to send again.
    """

    def __init__(self, message: str, *, method: str, path: str, may_have_reached_server: bool) -> None:
        super().__init__(f"{message} ({method} {path})")
        self.method = method
        self.path = path
        self.may_have_reached_server = may_have_reached_server


class ResponseError(ProviderError):
    """The API answered with a success status but a body this provider cannot read (not JSON, wrong shape)."""


class ApiError(ProviderError):
    """The API answered with an error status.

    :param status: the HTTP status code.
    :param message: the API's own error message (``errors.message`` or ``error.message``).
    :param payload: the API's ``payload``: the request fields that caused the error, mirroring the request.
    :param method: HTTP method of the failed call.
    :param path: path of the failed call, relative to the base URL.
    :param body: the raw response body (truncated), for bodies that are not the documented JSON shape.
    :param request_id: the vendor's id of the failed request; shown at the end of the text when there is one.
    """

    status: int = 0
    title: str = "API error"
    #: Which API answered, for messages: a vendor's error classes or error reader set it. An error built without one
    #: reads as release 0.1's did, which named its first vendor (``TremendousNotFoundError`` is this very class).
    vendor: str = "Tremendous"
    #: The vendor's id of the failed request (a response header or body field), to quote to its support.
    request_id: str | None = None
    #: Whether the vendor says an earlier request with the same idempotency key is still being processed, so the
    #: same request may be sent again (after ``min_retry_wait`` seconds) without risking a second effect.
    in_progress: bool = False
    min_retry_wait: float = 0.0

    def __init__(
        self,
        *,
        status: int,
        message: str,
        payload: Any = None,
        method: str = "",
        path: str = "",
        body: str = "",
        retry_after: float | None = None,
        vendor: str | None = None,
        request_id: str | None = None,
    ) -> None:
        if vendor is not None:
            self.vendor = vendor
        if request_id:
            self.request_id = request_id
        self.status = status
        self.message = message
        self.payload = payload
        self.method = method
        self.path = path
        self.body = body
        self.retry_after = retry_after
        super().__init__(self._describe())

    def _describe(self) -> str:
        api = f"{self.vendor} API" if self.vendor else "API"
        text = f"{api} {self.status} {self.title} on {self.method} {self.path}: {self.message}"
        if self.payload:
            rendered = json.dumps(self.payload, default=str, sort_keys=True)
            text += f" | payload: {rendered[:_MAX_PAYLOAD_CHARS]}"
        if self.request_id:
            text += f" | request id {self.request_id}"
        return text


class BadRequestError(ApiError):
    """400: malformed or missing parameters."""

    title = "Bad Request"


class UnauthorizedError(ApiError):
    """401: missing, wrong or expired API key, or no production access."""

    title = "Unauthorized"


class PaymentRequiredError(ApiError):
    """402: insufficient funds to execute the order."""

    title = "Payment Required (insufficient funds)"


class ForbiddenError(ApiError):
    """403: the key may not do this (e.g. approving an order without approval rights)."""

    title = "Forbidden"


class NotFoundError(ApiError):
    """404: no such resource."""

    title = "Not Found"


class ConflictError(ApiError):
    """409: an ``external_id`` (or topup ``idempotency_key``) reused with different parameters."""

    title = "Conflict"


class UnprocessableError(ApiError):
    """422: validation or semantic error (e.g. cancelling a redeemed reward)."""

    title = "Unprocessable Entity"


class RateLimitError(ApiError):
    """429: rate limit (10 requests/second) or report-generation concurrency limit; the request was not
    processed."""

    title = "Too Many Requests"


class ServerError(ApiError):
    """5xx: the API failed; a POST may or may not have taken effect."""

    title = "Server Error"


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    402: PaymentRequiredError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[ApiError]:
    """The exception class for an HTTP error status (any 5xx → :class:`ServerError`)."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ApiError)


class NotSentError(ProviderError):
    """The request was not sent: its run stopped while it waited for its turn (a payout's send gate closed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"not sent: {reason}")
        self.reason = reason


class InputError(ProviderError):
    """The input given to an operator is invalid; nothing was sent. The message names the field and the fix."""


class WaitFailedError(ProviderError, AirflowFailException):
    """What was waited for reached a failure status (a FAILED order, a deleted invoice...). Retrying the task
    cannot change that, so Airflow does not retry it."""


class WaitTimeoutError(ProviderError):
    """What was waited for did not finish before the deadline."""


class OAuthGrantError(ProviderError, AirflowFailException):
    """The OAuth token endpoint refused the grant (``invalid_grant``): the refresh token was revoked, expired or
    already used (refresh tokens rotate), or a service account's password is wrong. Retrying cannot change that,
    so Airflow does not retry; the message names the fix and never carries a token or secret."""


def describe_validation_error(error: Any, limit: int = 5) -> str:
    """Where and how data differs from its model (a pydantic ``ValidationError``), without the values found there:
    they may be links, reward codes or card tokens."""
    problems = error.errors(include_input=False, include_url=False)
    shown = [f"{'.'.join(str(part) for part in p['loc']) or '(root)'}: {p['msg']}" for p in problems[:limit]]
    return "; ".join(shown) + (f" (and {len(problems) - limit} more)" if len(problems) > limit else "")


# The names of release 0.1: the same classes (``except TremendousError`` keeps catching every provider error).
TremendousError = ProviderError
TremendousConfigurationError = ConfigurationError
TremendousTransportError = TransportError
TremendousResponseError = ResponseError
TremendousAPIError = ApiError
TremendousBadRequestError = BadRequestError
TremendousUnauthorizedError = UnauthorizedError
TremendousPaymentRequiredError = PaymentRequiredError
TremendousForbiddenError = ForbiddenError
TremendousNotFoundError = NotFoundError
TremendousConflictError = ConflictError
TremendousUnprocessableError = UnprocessableError
TremendousRateLimitError = RateLimitError
TremendousServerError = ServerError
TremendousNotSentError = NotSentError
TremendousInputError = InputError
TremendousWaitFailedError = WaitFailedError
TremendousWaitTimeoutError = WaitTimeoutError
TremendousOAuthGrantError = OAuthGrantError

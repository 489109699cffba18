"""Errors the emulated API answers with, in the API's own bodies."""

from __future__ import annotations

from typing import Any


class SandboxAPIError(Exception):
    """An API error response: ``{"errors": {"message", "payload"}}`` (or ``{"error": ...}`` for rate limits).

    :param status: HTTP status.
    :param message: the human message.
    :param payload: the request fields at fault, mirroring the request's structure.
    :param singular: use the rate-limit page's ``{"error": ...}`` shape instead of the spec's ``errors``.
    """

    def __init__(self, status: int, message: str, payload: Any = None, *, singular: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.payload = payload if payload is not None else {}
        self.singular = singular

    def body(self) -> dict[str, Any]:
        """The JSON body of this error."""
        detail = {"message": self.message, "payload": self.payload}
        return {"error": detail} if self.singular else {"errors": detail}


def not_found(kind: str, ident: str) -> SandboxAPIError:
    """A 404 naming what was looked for."""
    return SandboxAPIError(404, f"{kind} {ident} not found", {"id": ident})


def invalid(message: str, payload: Any, status: int = 400) -> SandboxAPIError:
    """A validation failure (400 by default) with the offending fields in ``payload``."""
    return SandboxAPIError(status, message, payload)

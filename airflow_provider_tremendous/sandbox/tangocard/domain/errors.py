"""Tango Card error answers: ``{timestamp, requestId, path, httpCode, httpPhrase, message, i18nKey, errors[]}``."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from airflow_provider_tremendous.sandbox.errors import SandboxAPIError


class TangoSandboxError(SandboxAPIError):
    """An error in Tango's shape; the app's handler fills in ``path``."""

    def __init__(self, status: int, i18n_key: str, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(status, message, {})
        self.i18n_key = i18n_key
        self.errors = errors or []

    def body(self) -> dict[str, Any]:
        return tango_error_body(self.status, self.i18n_key, self.message, self.errors)


def tango_error_body(
    status: int, i18n_key: str, message: str, errors: list[dict[str, Any]] | None = None, path: str = ""
) -> dict[str, Any]:
    """The JSON body of a Tango error."""
    return {
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "requestId": str(uuid.uuid4()),
        "path": path,
        "httpCode": status,
        "httpPhrase": HTTPStatus(status).phrase,
        "i18nKey": i18n_key,
        "message": message,
        "errors": errors or [],
    }


def tango_error_headers(body: Mapping[str, Any]) -> dict[str, str]:
    """The headers of a Tango error answer: ``X-REQUEST-ID``, the same id as the body's ``requestId`` (Tango
    returns both)."""
    return {"X-REQUEST-ID": str(body["requestId"])}


def field_error(path: str, message: str, invalid_value: Any = None, constraint: str = "") -> dict[str, Any]:
    """One entry of ``errors[]``."""
    return {"path": path, "i18nKey": "", "message": message, "invalidValue": invalid_value, "constraint": constraint}


def bad_request(*errors: dict[str, Any]) -> TangoSandboxError:
    """400 with field errors."""
    return TangoSandboxError(400, "400.001", "Invalid request. See errors for details.", list(errors))


STRICT_EXTERNAL_REF = re.compile(r"[A-Za-z0-9]{1,100}", re.ASCII)
LENIENT_EXTERNAL_REF = re.compile(r"[A-Za-z0-9:._-]{1,100}", re.ASCII)


def check_external_ref(ref: str, lenient: bool) -> None:
    """``externalRefID``: "a maximum of 100 alphanumeric characters" (422.110 too long, 422.111 other characters;
    the lenient setting also takes ``:._-``)."""
    if len(ref) > 100:
        raise TangoSandboxError(422, "422.110", "The externalRefID must be at most 100 characters")
    if not (LENIENT_EXTERNAL_REF if lenient else STRICT_EXTERNAL_REF).fullmatch(ref):
        raise TangoSandboxError(
            422, "422.111", "The externalRefID contains possibly insecure characters: use letters and digits only"
        )


def not_found(kind: str, ident: str) -> TangoSandboxError:
    """404 naming what was looked for."""
    return TangoSandboxError(404, "404.001", f"{kind} '{ident}' not found")


def page_number(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within ``low``..``high`` (400 naming the parameter otherwise)."""
    raw = query.get(name)
    try:
        value = default if raw in (None, "") else int(str(raw))
    except ValueError:
        raise bad_request(field_error(name, "must be an integer", raw)) from None
    if not low <= value <= high:
        raise bad_request(field_error(name, f"must be between {low} and {high}", raw))
    return value

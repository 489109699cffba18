"""Tremendous's errors: its error bodies read into the provider's error classes, and the names of release 0.1.

Tremendous's API errors *are* the neutral classes of :mod:`airflow_provider_tremendous.core.errors` (so the 0.1 names
``TremendousError``, ``TremendousNotFoundError``... keep catching Tango Card's errors too, which subclass them); this
module adds only how a Tremendous error body is read (``{"errors": {...}}``, ``{"error": ...}``, a string, not JSON).
The 0.1 module ``airflow_provider_tremendous.errors`` is this one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from airflow_provider_tremendous.core.errors import *  # noqa: F403 - the 0.1 module's names, all of them
from airflow_provider_tremendous.core.errors import _MAX_PAYLOAD_CHARS, ApiError, error_class_for


def parse_error_body(content: bytes) -> tuple[str, Any, str]:
    """Read an error body defensively: ``{"errors": {...}}``, ``{"error": {...}}``, either as a string, or not JSON.

    :return: ``(message, payload, raw_text)``; the message is empty when the body carries none.
    """
    text = content.decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if text.strip() else None
    except ValueError:
        return "", None, text[:_MAX_PAYLOAD_CHARS]
    if not isinstance(data, Mapping):
        return "", None, text[:_MAX_PAYLOAD_CHARS]
    detail = data.get("errors", data.get("error"))
    if isinstance(detail, Mapping):
        message = detail.get("message") or ""
        return str(message), detail.get("payload"), text[:_MAX_PAYLOAD_CHARS]
    if isinstance(detail, str):
        return detail, None, text[:_MAX_PAYLOAD_CHARS]
    return str(data.get("message") or ""), None, text[:_MAX_PAYLOAD_CHARS]


def build_api_error(
    *,
    status: int,
    content: bytes,
    method: str,
    path: str,
    retry_after: float | None = None,
    request_id: str | None = None,
) -> ApiError:
    """Turn an error response into the matching exception, with a fallback message for empty bodies.

    :param request_id: the response's ``X-Request-ID``; kept on the error and shown at the end of its text (an
        error without one reads exactly as before).
    """
    message, payload, raw = parse_error_body(content)
    if not message:
        message = raw.strip()[:200] or f"HTTP {status} with an empty body"
    cls = error_class_for(status)
    return cls(
        status=status,
        message=message,
        payload=payload,
        method=method,
        path=path,
        body=raw,
        retry_after=retry_after,
        vendor="Tremendous",
        request_id=request_id,
    )

"""Drive the webhook ASGI app directly (no server)."""

from __future__ import annotations

import json
from typing import Any

from airflow_provider_tremendous.vendors.tremendous.webhooks import SIGNATURE_HEADER, compute_signature


def signed(uuid: str, key: str = "k", payload: Any = None) -> tuple[bytes, bytes]:
    payload = {"resource": {"id": "O", "type": "orders"}} if payload is None else payload
    body = json.dumps({"event": "ORDERS.CREATED", "uuid": uuid, "payload": payload}).encode()
    return body, compute_signature(body, key).encode()


async def post(app: Any, body: bytes, signature: bytes) -> int:
    """The status the app answers (raises what the app raises)."""
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": [(SIGNATURE_HEADER.lower().encode(), signature)]}
    await app(scope, receive, send)
    return next(m["status"] for m in sent if m["type"] == "http.response.start")

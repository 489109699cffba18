"""What every route needs: the state, the JSON body, and a locked call into the domain."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse

from airflow_provider_tremendous.sandbox.errors import SandboxAPIError
from airflow_provider_tremendous.sandbox.state import SandboxState

R = TypeVar("R")


def state_of(request: Request) -> SandboxState:
    """The sandbox state of the app serving ``request``."""
    state: SandboxState = request.app.state.sandbox
    return state


async def json_body(request: Request) -> Any:
    """The parsed JSON body (``None`` when empty); a clear 400 when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise SandboxAPIError(400, f"Malformed JSON body: {error}", {}) from None


def locked(request: Request, action: Callable[..., R], *args: Any) -> R:
    """Apply due transitions, then run ``action(state, *args)`` atomically; mark state dirty for writes."""
    state = state_of(request)
    with state.lock:
        state.tick()
        result = action(state, *args)
        if request.method != "GET":
            state.dirty = True
        return result


def respond(body: Any, status: int = 200) -> JSONResponse:
    """A JSON answer."""
    return JSONResponse(body, status_code=status)

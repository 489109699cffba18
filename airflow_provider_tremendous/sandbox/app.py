"""The sandbox ASGI application: the emulated Tremendous API v2 under ``/api/v2``, the emulated Tango Card RaaS v2
under ``/raas/v2``, and their admin API under ``/_sandbox``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from airflow_provider_tremendous.sandbox import admin as admin_routes
from airflow_provider_tremendous.sandbox.config import SandboxConfig
from airflow_provider_tremendous.sandbox.errors import SandboxAPIError
from airflow_provider_tremendous.sandbox.gateway import Gateway
from airflow_provider_tremendous.sandbox.state import SandboxState
from airflow_provider_tremendous.sandbox.tangocard import routes as tango_routes
from airflow_provider_tremendous.sandbox.tangocard.domain.errors import (
    TangoSandboxError,
    tango_error_body,
    tango_error_headers,
)
from airflow_provider_tremendous.sandbox.tremendous import domain  # noqa: F401 - registers transitions
from airflow_provider_tremendous.sandbox.tremendous.domain import account, fraud, funding, orders, reports  # noqa: F401
from airflow_provider_tremendous.sandbox.tremendous.routes import account as account_routes
from airflow_provider_tremendous.sandbox.tremendous.routes import fraud as fraud_routes
from airflow_provider_tremendous.sandbox.tremendous.routes import funding as funding_routes
from airflow_provider_tremendous.sandbox.tremendous.routes import orders as order_routes
from airflow_provider_tremendous.sandbox.tremendous.webhooks import WebhookDispatcher

log = logging.getLogger(__name__)
TICK_SECONDS = 0.05
SAVE_SECONDS = 1.0


async def _ticker(state: SandboxState, dispatcher: WebhookDispatcher) -> None:
    """Apply due transitions, send webhook events and save the state file, without waiting for requests."""
    last_save = 0.0
    loop = asyncio.get_running_loop()
    while True:
        state.tick()
        dispatcher.dispatch_pending()
        if state.dirty and loop.time() - last_save >= SAVE_SECONDS:
            state.dirty = False
            await asyncio.to_thread(state.save)
            last_save = loop.time()
        await asyncio.sleep(TICK_SECONDS)


def create_app(config: SandboxConfig | None = None) -> FastAPI:
    """Build a sandbox app with its own state (loaded from ``config.state_file`` when it exists)."""
    state = SandboxState(config or SandboxConfig())
    if state.load():
        log.info("Tremendous sandbox state loaded from %s", state.config.state_file)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        dispatcher = WebhookDispatcher(state)
        task = asyncio.create_task(_ticker(state, dispatcher))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await dispatcher.aclose()
            state.save()

    app = FastAPI(
        title="Tremendous sandbox", lifespan=lifespan, docs_url="/_sandbox/docs", openapi_url="/_sandbox/openapi.json"
    )
    app.state.sandbox = state
    for router in (order_routes.router, funding_routes.router, account_routes.router, fraud_routes.router):
        app.include_router(router, prefix="/api/v2")
    app.include_router(tango_routes.router, prefix="/raas/v2")
    app.include_router(admin_routes.router, prefix="/_sandbox")
    app.include_router(tango_routes.admin_router, prefix="/_sandbox/tangocard")
    app.include_router(admin_routes.oauth_router)
    _install_error_handlers(app)
    gateway = Gateway(app.build_middleware_stack(), state)
    app.state.gateway = gateway
    app.middleware_stack = gateway  # type: ignore[assignment]
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SandboxAPIError)
    async def api_error(request: Request, error: SandboxAPIError) -> JSONResponse:
        body = error.body()
        if isinstance(error, TangoSandboxError):
            body["path"] = request.url.path
            if request.app.state.sandbox.config.settings.tango_mask_invalid_values:  # the lenient reading
                body["errors"] = [{**item, "invalidValue": "****"} for item in body["errors"]]
            return JSONResponse(body, status_code=error.status, headers=tango_error_headers(body))
        return JSONResponse(body, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"errors": {"message": "Malformed request", "payload": {"detail": str(error)}}}, 400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        message = "Not found" if error.status_code == 404 else str(error.detail)
        if request.url.path.startswith("/raas/"):
            body = tango_error_body(error.status_code, f"{error.status_code}.000", message, path=request.url.path)
            return JSONResponse(body, error.status_code, headers=tango_error_headers(body))
        return JSONResponse({"errors": {"message": message, "payload": {}}}, error.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("Sandbox bug on %s %s", request.method, request.url.path)
        if request.url.path.startswith("/raas/"):
            body = tango_error_body(500, "500.000", f"Sandbox internal error: {error}", path=request.url.path)
            return JSONResponse(body, 500, headers=tango_error_headers(body))
        return JSONResponse({"errors": {"message": f"Sandbox internal error: {error}", "payload": {}}}, 500)

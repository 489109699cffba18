"""Run the sandbox: in a background thread on a free port (:class:`SandboxServer`), or in the foreground
(:func:`serve`, used by the ``tremendous-sandbox`` command). Both use uvicorn with a protocol class that lets the
fault injector drop a connection."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from airflow_provider_tremendous.sandbox.app import create_app
from airflow_provider_tremendous.sandbox.config import SandboxConfig
from airflow_provider_tremendous.sandbox.gateway import TRANSPORTS

#: The API key the sandbox fixtures and demo use (any ``TEST_`` key is accepted).
SANDBOX_API_KEY = "TEST_sandbox_local_key"
#: Any non-empty platform name and key are accepted by the Tango Card emulator; these are the defaults.
TANGO_PLATFORM = "sandbox_platform"
TANGO_KEY = "sandbox-platform-key"


class DroppableHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP protocol, registering each connection's transport so a fault can abort it."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        if peer:
            self._peer = tuple(peer[:2])
            TRANSPORTS[self._peer] = transport

    def connection_lost(self, exc: Exception | None) -> None:
        TRANSPORTS.pop(getattr(self, "_peer", ("", 0)), None)
        super().connection_lost(exc)


def uvicorn_config(app: FastAPI, host: str, port: int, log_level: str = "warning") -> uvicorn.Config:
    """The uvicorn configuration serving ``app`` (with droppable connections)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=DroppableHTTPProtocol,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        timeout_keep_alive=30,
    )


def serve(config: SandboxConfig, host: str = "127.0.0.1", port: int = 8787, log_level: str = "info") -> None:
    """Serve in the foreground until interrupted."""
    uvicorn.Server(uvicorn_config(create_app(config), host, port, log_level)).run()


class SandboxAdmin:
    """Client of the admin API (``/_sandbox``): works against any running sandbox, in-process or not."""

    def __init__(self, origin: str) -> None:
        self.origin = origin.rstrip("/")
        self.http = httpx.Client(base_url=f"{self.origin}/_sandbox", timeout=10)

    def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.post(path, json=body or {})
        response.raise_for_status()
        return response.json()

    def _get(self, path: str) -> Any:
        response = self.http.get(path)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        """Forget every order, invoice, report...; restore the starting balance."""
        self._post("/reset")

    def ledger(self) -> list[dict[str, Any]]:
        """Every order ever created (id, external_id, status, amount, currency, recipient, created_at)."""
        return list(self._get("/ledger")["orders"])

    def balance(self) -> float:
        """The balance available now."""
        return float(self._get("/ledger")["balance"])

    def faults(self, **faults: Any) -> dict[str, Any]:
        """Change fault knobs (latency_ms, error_rate, error_after_commit_rate, drop_after_commit_rate,
        rate_limit_per_second, seed, path_prefix); unspecified knobs keep their value."""
        return dict(self._post("/faults", faults))

    def settings(self, **settings: Any) -> dict[str, Any]:
        """Change behaviour (approvals, delays, fee_percent...); unspecified settings keep their value."""
        return dict(self._post("/settings", settings))

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward (processing, delivery, invoice and report delays elapse)."""
        self._post("/advance", {"seconds": seconds})

    def set_balance(self, amount: float) -> None:
        """Set the available balance."""
        self._post("/balance", {"amount": amount})

    def pay_invoice(self, invoice_id: str) -> dict[str, Any]:
        """Mark an invoice paid now (credits the balance)."""
        return dict(self._post(f"/invoices/{invoice_id}/pay")["invoice"])

    def fail_order(self, order_id: str) -> dict[str, Any]:
        """Make a not-yet-executed order FAILED."""
        return dict(self._post(f"/orders/{order_id}/fail")["order"])

    def fail_report(self, report_id: str) -> None:
        """Make a report in progress end FAILED."""
        self._post(f"/reports/{report_id}/fail")

    def stats(self) -> dict[str, int]:
        """API requests since the last reset (``requests``; per method and resource, e.g. ``POST /orders``) and
        429s from the rate limit (``rate_limited``)."""
        return dict(self._get("/stats"))

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Webhook deliveries attempted so far (event, uuid, url, status, attempts)."""
        return list(self._get("/webhook_deliveries")["deliveries"])

    def tangocard_ledger(self) -> dict[str, Any]:
        """Tango Card orders (``orders``) and account balances (``balances``)."""
        return dict(self._get("/tangocard/ledger"))

    def seed_orders(self, bodies: list[dict[str, Any]]) -> int:
        """Create Tremendous orders as if paid earlier (``POST /orders`` bodies), bypassing the rate limit."""
        return int(self._post("/seed/orders", {"orders": bodies})["created"])

    def tangocard_seed_orders(self, bodies: list[dict[str, Any]]) -> int:
        """Create Tango Card orders as if placed earlier (``POST /orders`` bodies), bypassing the rate limit."""
        return int(self._post("/tangocard/seed/orders", {"orders": bodies})["created"])

    def tangocard_set_balance(self, account: str, amount: float) -> None:
        """Set a Tango Card account's balance."""
        self._post(f"/tangocard/accounts/{account}/balance", {"amount": amount})

    def tangocard_set_status(self, reference_order_id: str, status: str) -> dict[str, Any]:
        """Force a Tango Card order to PENDING, COMPLETE, PARTIAL or FAILED (FAILED refunds it)."""
        return dict(self._post(f"/tangocard/orders/{reference_order_id}/status", {"status": status}))

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()


class SandboxServer:
    """The sandbox in a background thread on a free loopback port.

    Usage::

        with SandboxServer() as sandbox:
            os.environ["AIRFLOW_CONN_TREMENDOUS_DEFAULT"] = sandbox.airflow_conn_json()
            ...
            assert len(sandbox.admin.ledger()) == 1
    """

    def __init__(self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config or SandboxConfig()
        self.host = host
        self.app = create_app(self.config)
        self._server = uvicorn.Server(uvicorn_config(self.app, host, port))  # signals stay with the main thread
        self._thread = threading.Thread(target=self._server.run, name="tremendous-sandbox", daemon=True)
        self.port = port
        self._admin: SandboxAdmin | None = None

    def start(self) -> SandboxServer:
        """Start serving; return once the port accepts connections."""
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the Tremendous sandbox failed to start (is the port free?)")
            self._thread.join(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Stop serving (saves the state file, if configured)."""
        if self._admin is not None:
            self._admin.close()
        self._server.should_exit = True
        self._thread.join(10)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL, for a connection's host."""
        return f"{self.origin}/api/v2"

    @property
    def admin(self) -> SandboxAdmin:
        """The admin client of this sandbox."""
        if self._admin is None:
            self._admin = SandboxAdmin(self.origin)
        return self._admin

    @property
    def state(self) -> Any:
        """The in-process state (for assertions beyond the admin API)."""
        return self.app.state.sandbox

    def connection(self, api_key: str = SANDBOX_API_KEY, **extra: Any) -> dict[str, Any]:
        """An Airflow connection (as a dict) pointing at this sandbox."""
        return {"conn_type": "tremendous", "host": self.base_url, "password": api_key, "extra": extra}

    def airflow_conn_json(self, api_key: str = SANDBOX_API_KEY, **extra: Any) -> str:
        """The value for ``AIRFLOW_CONN_TREMENDOUS_DEFAULT`` (JSON form, Airflow 2.11 and 3.x)."""
        return json.dumps(self.connection(api_key, **extra))

    @property
    def tangocard_base_url(self) -> str:
        """The Tango Card RaaS v2 base URL of this sandbox, for a ``tangocard`` connection's host."""
        return f"{self.origin}/raas/v2"

    def tangocard_connection(
        self, platform_name: str = TANGO_PLATFORM, platform_key: str = TANGO_KEY, **extra: Any
    ) -> dict[str, Any]:
        """A ``tangocard`` Airflow connection (as a dict) to this sandbox's default customer and account."""
        defaults = {"customer_identifier": "sandbox-customer", "account_identifier": "sandbox-account"}
        return {
            "conn_type": "tangocard",
            "host": self.tangocard_base_url,
            "login": platform_name,
            "password": platform_key,
            "extra": defaults | extra,
        }

    def tangocard_conn_json(self, **extra: Any) -> str:
        """The value for ``AIRFLOW_CONN_TANGOCARD_DEFAULT`` (JSON form, Airflow 2.11 and 3.x)."""
        return json.dumps(self.tangocard_connection(**extra))

    def airflow_conn_uri(self, api_key: str = SANDBOX_API_KEY) -> str:
        """The connection as an Airflow URI (``tremendous://:KEY@127.0.0.1:PORT/?__extra__=...``)."""
        from urllib.parse import quote

        extra = quote(json.dumps({"environment": "sandbox"}))
        return f"tremendous://:{quote(api_key, safe='')}@{self.host}:{self.port}/?__extra__={extra}"

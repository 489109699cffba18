"""The ``tangocard`` connection form (Airflow 3 reads it from the provider info, Airflow 2.11 from the hook)."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.core.vendor import TIMEOUT_FIELD, ConnectionForm

#: Custom fields stored in ``Connection.extra``: key → (label, description, JSON schema).
CONN_FIELDS: dict[str, dict[str, Any]] = {
    "environment": {
        "label": "Environment",
        "description": "sandbox (default, integration-api) or production. Production is used only when set here.",
        "schema": {"type": ["string", "null"], "enum": ["sandbox", "production", None], "default": "sandbox"},
    },
    "customer_identifier": {
        "label": "Customer identifier",
        "description": "Default customer for orders, deposits and balance checks.",
        "schema": {"type": ["string", "null"]},
    },
    "account_identifier": {
        "label": "Account identifier",
        "description": "Default account (the balance orders are paid from).",
        "schema": {"type": ["string", "null"]},
    },
    "timeout": TIMEOUT_FIELD,
    "max_retries": {
        "label": "Max retries",
        "description": "Retries of a retry-safe request after 429, 409.002, 5xx or network errors (default 4).",
        "schema": {"type": ["integer", "null"], "minimum": 0},
    },
    "rate_limit_per_second": {
        "label": "Rate limit (requests/second)",
        "description": "Client-side request budget per platform and worker process (default 1, Tango's limit).",
        "schema": {"type": ["number", "null"], "minimum": 0},
    },
    "oauth_client_id": {
        "label": "OAuth client id",
        "description": "Optional: use an OAuth Bearer token instead of Basic auth.",
        "schema": {"type": ["string", "null"]},
    },
    "oauth_client_secret": {
        "label": "OAuth client secret",
        "description": "OAuth 2.0 client secret.",
        "schema": {"type": ["string", "null"], "format": "password"},
    },
    "oauth_token_url": {
        "label": "OAuth token URL",
        "description": "Token endpoint (default: https://sandbox-auth.tangocard.com/oauth/token).",
        "schema": {"type": ["string", "null"]},
    },
    "oauth_audience": {
        "label": "OAuth audience",
        "description": "Token audience (default https://api.tangocard.com/, 24 h tokens).",
        "schema": {"type": ["string", "null"]},
    },
}

HIDDEN_FIELDS = ["schema", "port"]
RELABELING = {"login": "Platform name", "password": "Platform key", "host": "Base URL (optional)"}
PLACEHOLDERS = {
    "login": "your RaaS platform name",
    "host": "empty for Tango Card; http://127.0.0.1:8787/raas/v2 for the local sandbox",
    "environment": "sandbox",
    "max_retries": "4",
    "rate_limit_per_second": "1",
}

FORM = ConnectionForm(fields=CONN_FIELDS, hidden=HIDDEN_FIELDS, relabeling=RELABELING, placeholders=PLACEHOLDERS)

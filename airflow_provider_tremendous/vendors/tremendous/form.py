"""The ``tremendous`` connection form (Airflow 3 reads it from the provider info, Airflow 2.11 from the hook)."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.core.vendor import TIMEOUT_FIELD, ConnectionForm

#: Custom fields stored in ``Connection.extra``: key → (label, description, JSON schema).
CONN_FIELDS: dict[str, dict[str, Any]] = {
    "environment": {
        "label": "Environment",
        "description": "sandbox (default, testflight) or production. Production is used only when set here.",
        "schema": {"type": ["string", "null"], "enum": ["sandbox", "production", None], "default": "sandbox"},
    },
    "timeout": TIMEOUT_FIELD,
    "max_retries": {
        "label": "Max retries",
        "description": "Retries of a retry-safe request after 429, 5xx or network errors (default 5).",
        "schema": {"type": ["integer", "null"], "minimum": 0},
    },
    "rate_limit_per_second": {
        "label": "Rate limit (requests/second)",
        "description": "Client-side request budget per account and worker process (default 10, the API's limit).",
        "schema": {"type": ["number", "null"], "minimum": 0},
    },
    "oauth_client_id": {
        "label": "OAuth client id",
        "description": "For platforms using OAuth 2.0 instead of an API key.",
        "schema": {"type": ["string", "null"]},
    },
    "oauth_client_secret": {
        "label": "OAuth client secret",
        "description": "OAuth 2.0 client secret.",
        "schema": {"type": ["string", "null"], "format": "password"},
    },
    "oauth_refresh_token": {
        "label": "OAuth refresh token",
        "description": "Refresh token used to obtain and renew the access token.",
        "schema": {"type": ["string", "null"], "format": "password"},
    },
    "oauth_token_url": {
        "label": "OAuth token URL",
        "description": "Token endpoint (default: <API host>/oauth/token).",
        "schema": {"type": ["string", "null"]},
    },
}

HIDDEN_FIELDS = ["schema", "port", "login"]
RELABELING = {"password": "API key", "host": "Base URL (optional)"}
PLACEHOLDERS = {
    "password": "TEST_... (sandbox) or PROD_... (production)",
    "host": "empty for Tremendous; http://127.0.0.1:8787/api/v2 for the local sandbox",
    "environment": "sandbox",
    "timeout": "30",
    "max_retries": "5",
    "rate_limit_per_second": "10",
}

FORM = ConnectionForm(fields=CONN_FIELDS, hidden=HIDDEN_FIELDS, relabeling=RELABELING, placeholders=PLACEHOLDERS)

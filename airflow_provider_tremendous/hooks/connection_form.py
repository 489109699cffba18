"""The ``tremendous`` and ``tangocard`` connection forms, declared once for both Airflow generations (no Airflow
imports here).

Airflow 3.x reads ``ui-field-behaviour`` and ``conn-fields`` from :func:`get_provider_info`; Airflow 2.11 calls
the hook's ``get_ui_field_behaviour`` and ``get_connection_form_widgets``. Both are derived from the tables
below, so their keys cannot drift apart.
"""

from __future__ import annotations

from typing import Any

#: Custom fields stored in ``Connection.extra``: key → (label, description, JSON schema).
CONN_FIELDS: dict[str, dict[str, Any]] = {
    "environment": {
        "label": "Environment",
        "description": "sandbox (default, testflight) or production. Production is used only when set here.",
        "schema": {"type": ["string", "null"], "enum": ["sandbox", "production", None], "default": "sandbox"},
    },
    "timeout": {
        "label": "Timeout (seconds)",
        "description": "Seconds to wait for each HTTP request (default 30).",
        "schema": {"type": ["number", "null"], "minimum": 1},
    },
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


#: The ``tangocard`` connection's extra fields.
TANGOCARD_CONN_FIELDS: dict[str, dict[str, Any]] = {
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
    "timeout": CONN_FIELDS["timeout"],
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
TANGOCARD_HIDDEN_FIELDS = ["schema", "port"]
TANGOCARD_RELABELING = {"login": "Platform name", "password": "Platform key", "host": "Base URL (optional)"}
TANGOCARD_PLACEHOLDERS = {
    "login": "your RaaS platform name",
    "host": "empty for Tango Card; http://127.0.0.1:8787/raas/v2 for the local sandbox",
    "environment": "sandbox",
    "max_retries": "4",
    "rate_limit_per_second": "1",
}


def _behaviour(vendor: str) -> tuple[list[str], dict[str, str], dict[str, str]]:
    if vendor == "tangocard":
        return TANGOCARD_HIDDEN_FIELDS, TANGOCARD_RELABELING, TANGOCARD_PLACEHOLDERS
    return HIDDEN_FIELDS, RELABELING, PLACEHOLDERS


def provider_ui_field_behaviour(vendor: str = "tremendous") -> dict[str, Any]:
    """The Airflow 3 (YAML-style, dashed keys) form behaviour."""
    hidden, relabeling, placeholders = _behaviour(vendor)
    return {"hidden-fields": hidden, "relabeling": relabeling, "placeholders": placeholders}


def hook_ui_field_behaviour(vendor: str = "tremendous") -> dict[str, Any]:
    """The Airflow 2 (``get_ui_field_behaviour``) form behaviour: the same content, underscore keys."""
    hidden, relabeling, placeholders = _behaviour(vendor)
    return {"hidden_fields": hidden, "relabeling": relabeling, "placeholders": placeholders}


def form_widgets(vendor: str = "tremendous") -> dict[str, Any]:
    """The Airflow 2 form widgets, one per conn-fields key (imports Flask only when called)."""
    from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
    from flask_babel import lazy_gettext
    from wtforms import PasswordField, StringField

    widgets: dict[str, Any] = {}
    for key, field in (TANGOCARD_CONN_FIELDS if vendor == "tangocard" else CONN_FIELDS).items():
        secret = field["schema"].get("format") == "password"
        cls = PasswordField if secret else StringField
        widget = BS3PasswordFieldWidget() if secret else BS3TextFieldWidget()
        widgets[key] = cls(lazy_gettext(field["label"]), widget=widget, description=field["description"])
    return widgets

"""The ``tremendous`` connection form, declared once for both Airflow generations (no Airflow imports here).

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


def provider_ui_field_behaviour() -> dict[str, Any]:
    """The Airflow 3 (YAML-style, dashed keys) form behaviour."""
    return {"hidden-fields": HIDDEN_FIELDS, "relabeling": RELABELING, "placeholders": PLACEHOLDERS}


def hook_ui_field_behaviour() -> dict[str, Any]:
    """The Airflow 2 (``get_ui_field_behaviour``) form behaviour: the same content, underscore keys."""
    return {"hidden_fields": HIDDEN_FIELDS, "relabeling": RELABELING, "placeholders": PLACEHOLDERS}


def form_widgets() -> dict[str, Any]:
    """The Airflow 2 form widgets, one per :data:`CONN_FIELDS` key (imports Flask only when called)."""
    from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
    from flask_babel import lazy_gettext
    from wtforms import PasswordField, StringField

    widgets: dict[str, Any] = {}
    for key, field in CONN_FIELDS.items():
        secret = field["schema"].get("format") == "password"
        cls = PasswordField if secret else StringField
        widget = BS3PasswordFieldWidget() if secret else BS3TextFieldWidget()
        widgets[key] = cls(lazy_gettext(field["label"]), widget=widget, description=field["description"])
    return widgets

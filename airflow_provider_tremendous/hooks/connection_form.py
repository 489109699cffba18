"""The connection forms of every vendor, for both Airflow generations (no Airflow imports at module level).

Airflow 3.x reads ``ui-field-behaviour`` and ``conn-fields`` from :func:`get_provider_info`; Airflow 2.11 calls
the hook's ``get_ui_field_behaviour`` and ``get_connection_form_widgets``. Both are derived from the vendor's
:class:`~airflow_provider_tremendous.core.vendor.ConnectionForm` (declared in its wing), so their keys cannot
drift apart.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.core.vendor import ConnectionForm
from airflow_provider_tremendous.vendors import TANGOCARD, TREMENDOUS, vendor_named

_TREMENDOUS_FORM = vendor_named(TREMENDOUS).form
_TANGOCARD_FORM = vendor_named(TANGOCARD).form
# The tables under the names earlier releases exported.
CONN_FIELDS = _TREMENDOUS_FORM.fields
HIDDEN_FIELDS = _TREMENDOUS_FORM.hidden
RELABELING = _TREMENDOUS_FORM.relabeling
PLACEHOLDERS = _TREMENDOUS_FORM.placeholders
TANGOCARD_CONN_FIELDS = _TANGOCARD_FORM.fields
TANGOCARD_HIDDEN_FIELDS = _TANGOCARD_FORM.hidden
TANGOCARD_RELABELING = _TANGOCARD_FORM.relabeling
TANGOCARD_PLACEHOLDERS = _TANGOCARD_FORM.placeholders


def _form(vendor: str) -> ConnectionForm:
    return vendor_named(vendor).form


def provider_ui_field_behaviour(vendor: str = TREMENDOUS) -> dict[str, Any]:
    """The Airflow 3 (YAML-style, dashed keys) form behaviour."""
    form = _form(vendor)
    return {"hidden-fields": form.hidden, "relabeling": form.relabeling, "placeholders": form.placeholders}


def hook_ui_field_behaviour(vendor: str = TREMENDOUS) -> dict[str, Any]:
    """The Airflow 2 (``get_ui_field_behaviour``) form behaviour: the same content, underscore keys."""
    form = _form(vendor)
    return {"hidden_fields": form.hidden, "relabeling": form.relabeling, "placeholders": form.placeholders}


def form_widgets(vendor: str = TREMENDOUS) -> dict[str, Any]:
    """The Airflow 2 form widgets, one per conn-fields key (imports Flask only when called)."""
    from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
    from flask_babel import lazy_gettext
    from wtforms import PasswordField, StringField

    widgets: dict[str, Any] = {}
    for key, field in _form(vendor).fields.items():
        secret = field["schema"].get("format") == "password"
        cls = PasswordField if secret else StringField
        widget = BS3PasswordFieldWidget() if secret else BS3TextFieldWidget()
        widgets[key] = cls(lazy_gettext(field["label"]), widget=widget, description=field["description"])
    return widgets

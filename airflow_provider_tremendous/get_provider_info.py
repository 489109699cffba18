"""Provider metadata read by Airflow through the ``apache_airflow_provider`` entry point."""

from __future__ import annotations

from typing import Any

from airflow_provider_tremendous.core.version import __version__
from airflow_provider_tremendous.hooks.connection_form import provider_ui_field_behaviour
from airflow_provider_tremendous.vendors import VENDORS


def get_provider_info() -> dict[str, Any]:
    """Package, connection type and connection form of this provider, for ``airflow providers ...``."""
    return {
        "package-name": "airflow-provider-tremendous",
        "name": "Tremendous",
        "description": "Pay people through the Tremendous and Tango Card rewards APIs from Airflow DAGs.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": "Tremendous",
                "external-doc-url": "https://developers.tremendous.com/",
                "tags": ["service"],
            },
            {
                "integration-name": "Tango Card",
                "external-doc-url": "https://developers.tangocard.com/",
                "tags": ["service"],
            },
        ],
        "operators": [
            {
                "integration-name": "Tremendous",
                "python-modules": [
                    "airflow_provider_tremendous.operators.orders",
                    "airflow_provider_tremendous.operators.invoices",
                    "airflow_provider_tremendous.operators.reports",
                    "airflow_provider_tremendous.operators.bulk",
                    "airflow_provider_tremendous.operators.reconcile",
                ],
            },
            {
                "integration-name": "Tango Card",
                "python-modules": [
                    "airflow_provider_tremendous.operators.tangocard",
                    "airflow_provider_tremendous.operators.tangocard_funding",
                ],
            },
        ],
        "sensors": [
            {
                "integration-name": "Tremendous",
                "python-modules": [
                    "airflow_provider_tremendous.sensors.orders",
                    "airflow_provider_tremendous.sensors.resources",
                ],
            },
            {
                "integration-name": "Tango Card",
                "python-modules": ["airflow_provider_tremendous.sensors.tangocard"],
            },
        ],
        "triggers": [
            {
                "integration-name": "Tremendous",
                "python-modules": ["airflow_provider_tremendous.triggers.status"],
            }
        ],
        "extra-links": [
            "airflow_provider_tremendous.operators.links.TremendousOrderLink",
            "airflow_provider_tremendous.operators.links.TremendousReportLink",
            "airflow_provider_tremendous.operators.links.TremendousInvoiceLink",
        ],
        "hooks": [
            {
                "integration-name": "Tremendous",
                "python-modules": ["airflow_provider_tremendous.hooks.tremendous"],
            },
            {
                "integration-name": "Tango Card",
                "python-modules": ["airflow_provider_tremendous.hooks.tangocard"],
            },
        ],
        "connection-types": [
            {
                "connection-type": vendor.conn_type,
                "hook-class-name": vendor.hook.replace(":", "."),
                "hook-name": vendor.label,
                "ui-field-behaviour": provider_ui_field_behaviour(vendor.name),
                "conn-fields": vendor.form.fields,
            }
            for vendor in VENDORS.values()
        ],
    }

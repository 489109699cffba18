"""Rows for the issue 14 review tests: one per key, each with its own address (so that the shared-recipient check
cannot be what refuses them), and the Tango Card sandbox's orders."""

from __future__ import annotations

from typing import Any


def rows_of(keys: list[Any], **fields: Any) -> list[dict[str, Any]]:
    """One row per key, ``p<n>@example.com`` each; ``fields`` set on every row."""
    return [
        {"respondent_id": key, "amount": "5", "name": "Jo", "email": f"p{n}@example.com", **fields}
        for n, key in enumerate(keys)
    ]


def tango_orders(sandbox: Any) -> list[dict[str, Any]]:
    """Every order the Tango Card sandbox holds."""
    return list(sandbox.admin.tangocard_ledger()["orders"])

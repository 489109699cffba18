"""Rows for the issue 14 review tests: one per key, each with its own address (so that the shared-recipient check
cannot be what refuses them), and the Tango Card sandbox's orders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import InputError


def rows_of(keys: list[Any], **fields: Any) -> list[dict[str, Any]]:
    """One row per key, ``p<n>@example.com`` each; ``fields`` set on every row."""
    return [
        {"respondent_id": key, "amount": "5", "name": "Jo", "email": f"p{n}@example.com", **fields}
        for n, key in enumerate(keys)
    ]


def tango_orders(sandbox: Any) -> list[dict[str, Any]]:
    """Every order the Tango Card sandbox holds."""
    return list(sandbox.admin.tangocard_ledger()["orders"])


def refused_for_one_number(sandbox: Any, tmp_path: Path, keys: list[Any], vendor: str) -> None:
    """Assert that a bulk payout of ``keys`` through ``vendor`` is refused as one number written two ways, and that
    the vendor holds no order."""
    from tests.payouts.conftest import bulk
    from tests.support.context import context
    from tests.vendors.tangocard.conftest import tango_bulk

    pay = bulk if vendor == "tremendous" else tango_bulk
    with pytest.raises(InputError, match="written otherwise"):
        pay(tmp_path, rows_of(keys)).execute(context())
    assert (sandbox.admin.ledger() if vendor == "tremendous" else tango_orders(sandbox)) == []

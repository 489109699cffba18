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


def orders_of(sandbox: Any, vendor: str) -> list[dict[str, Any]]:
    """Every order the sandbox holds for ``vendor`` (``tremendous`` or ``tangocard``)."""
    return list(sandbox.admin.ledger()) if vendor == "tremendous" else tango_orders(sandbox)


def bulk_for(vendor: str) -> Any:
    """The test helper building a bulk payout through ``vendor`` (``bulk`` or ``tango_bulk``)."""
    from tests.payouts.conftest import bulk
    from tests.vendors.tangocard.conftest import tango_bulk

    return bulk if vendor == "tremendous" else tango_bulk


def refused_for_one_number(sandbox: Any, tmp_path: Path, keys: list[Any], vendor: str) -> None:
    """Assert that a bulk payout of ``keys`` through ``vendor`` is refused as one number written two ways, and that
    the vendor holds no order."""
    from tests.support.context import context

    with pytest.raises(InputError, match="written otherwise"):
        bulk_for(vendor)(tmp_path, rows_of(keys)).execute(context())
    assert orders_of(sandbox, vendor) == []


def file_refused(sandbox: Any, tmp_path: Path, text: str, vendor: str, match: str, **kwargs: Any) -> None:
    """Assert that a bulk payout through ``vendor`` of the CSV ``text`` is refused with an error matching ``match``,
    and that the vendor holds no order."""
    from tests.support.context import context

    path = tmp_path / "rows.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=match):
        bulk_for(vendor)(tmp_path, str(path), **kwargs).execute(context())
    assert orders_of(sandbox, vendor) == []

"""How an input's keys, amounts and recipients are read: the options shared by every operator that reads payout
rows (bulk payout, reconciliation), checked when the operator is created. A light module: it runs at DAG parse."""

from __future__ import annotations

from typing import Any


def row_rules(
    keep_case: bool = False,
    decimal_separator: str = ".",
    default_phone_region: str | None = None,
    allow_international_email: bool = False,
    allow_shared_recipients: bool = False,
    distinct_number_spellings: bool = False,
    allow_multiline_cells: bool = False,
) -> dict[str, Any]:
    """The options that decide how keys, amounts and recipients are read (:class:`RowSpec`'s last fields), checked
    once for every operator that reads payout rows (bulk payout, reconciliation)."""
    if decimal_separator not in (".", ","):
        raise ValueError("decimal_separator must be '.' or ','")
    return {
        "keep_case": keep_case,
        "decimal_separator": decimal_separator,
        "default_phone_region": default_phone_region,
        "allow_international_email": allow_international_email,
        "allow_shared_recipients": allow_shared_recipients,
        "distinct_number_spellings": distinct_number_spellings,
        "allow_multiline_cells": allow_multiline_cells,
    }

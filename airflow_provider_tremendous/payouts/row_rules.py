"""How an input's keys, amounts and recipients are read: the options shared by every operator that reads payout
rows (bulk payout, reconciliation: :class:`~airflow_provider_tremendous.operators.payout_rows.PayoutRowsOperator`
declares them once), checked when the operator is created. A light module: it runs at DAG parse."""

from __future__ import annotations

from typing import Any

#: The reading options, :class:`~airflow_provider_tremendous.payouts.rows.RowSpec`'s last fields.
ROW_RULES: tuple[str, ...] = (
    "keep_case",
    "decimal_separator",
    "default_phone_region",
    "allow_international_email",
    "allow_shared_recipients",
    "distinct_number_spellings",
    "allow_multiline_cells",
)


def row_rules(**given: Any) -> dict[str, Any]:
    """The reading options an operator was given, checked once (a decimal separator other than ``.`` or ``,`` is a
    ``ValueError``; a name that is no reading option a ``TypeError``, as in a call), in :data:`ROW_RULES` order."""
    unknown = sorted(set(given) - set(ROW_RULES))
    if unknown:
        raise TypeError(f"not a row reading option: {', '.join(unknown)}")
    if given.get("decimal_separator", ".") not in (".", ","):
        raise ValueError("decimal_separator must be '.' or ','")
    return {name: given[name] for name in ROW_RULES if name in given}

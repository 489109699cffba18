"""PayoutRowsOperator: what the bulk payout and its reconciliation share — a payout's rows, how they are read, and
the connection and account that pay them — declared once, so the two read a file exactly alike. (Were a reading
option added to one and not the other, reconciliation could read a row differently from the payout that paid it:
report a paid person missing, or pass over a wrong payment.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from airflow_provider_tremendous.operators.base import TremendousBaseOperator
from airflow_provider_tremendous.vendors.tangocard.options import tango_options


class PayoutRowsOperator(TremendousBaseOperator):
    """Base of :class:`~airflow_provider_tremendous.operators.bulk.BulkPayoutOperator` and
    :class:`~airflow_provider_tremendous.operators.reconcile.ReconcileOperator`: the arguments both take, with the
    same meaning (each operator's docstring says what they mean for it).

    :param rows: a list of dicts, a ``.csv``/``.jsonl`` path, or an object-storage URI; templated.
    :param payout_id: the payout, e.g. ``survey-42-2026-11``; templated.
    :param key_field: the column holding each row's unique key (e.g. ``respondent_id``).
    :param columns: reward field → column name for differently named columns.
    :param amount, currency, products, campaign_id, delivery_method, language: defaults for rows leaving them empty
        (``defaults``).
    :param custom_field_columns: custom field id → column name.
    :param created_after: where the vendor scan starts (ISO-8601); templated.
    :param reissue: key → re-issue generation (see docs/bulk_payouts.md); templated.
    :param conn_id: the connection that pays, of type ``tremendous`` or ``tangocard`` (default:
        ``tremendous_conn_id``); templated.
    :param utid, customer_identifier, account_identifier: Tango Card only: the catalog item rows default to and the
        paying account (default: the connection's extras).
    :param keep_case, decimal_separator, default_phone_region, allow_international_email, allow_shared_recipients,
        distinct_number_spellings, allow_multiline_cells: how keys, amounts and recipients are read
        (:func:`~airflow_provider_tremendous.payouts.row_rules.row_rules`), checked when the operator is created.
    """

    def __init__(
        self,
        *,
        rows: Any,
        payout_id: str,
        key_field: str,
        columns: dict[str, str] | None = None,
        amount: str | int | Decimal | None = None,
        currency: str | None = "USD",
        products: list[str] | None = None,
        campaign_id: str | None = None,
        delivery_method: str = "EMAIL",
        language: str | None = None,
        custom_field_columns: dict[str, str] | None = None,
        created_after: str | None = None,
        reissue: dict[str, int] | None = None,
        conn_id: str | None = None,
        utid: str | None = None,
        customer_identifier: str | None = None,
        account_identifier: str | None = None,
        keep_case: bool = False,
        decimal_separator: str = ".",
        default_phone_region: str | None = None,
        allow_international_email: bool = False,
        allow_shared_recipients: bool = False,
        distinct_number_spellings: bool = False,
        allow_multiline_cells: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        from airflow_provider_tremendous.payouts.row_rules import row_rules

        self.rows = rows
        self.payout_id = payout_id
        self.key_field = key_field
        self.columns = columns or {}
        self.defaults: dict[str, Any] = {
            "amount": amount,
            "currency": currency,
            "products": products,
            "campaign_id": campaign_id,
            "delivery_method": delivery_method,
            "language": language,
        }
        self.custom_field_columns = custom_field_columns or {}
        self.created_after = created_after
        self.reissue = reissue
        self.conn_id = conn_id
        self.tango_options: dict[str, Any] = tango_options(
            utid=utid, customer_identifier=customer_identifier, account_identifier=account_identifier
        )
        self.keep_case = keep_case
        self.row_rules = row_rules(
            keep_case=keep_case,
            decimal_separator=decimal_separator,
            default_phone_region=default_phone_region,
            allow_international_email=allow_international_email,
            allow_shared_recipients=allow_shared_recipients,
            distinct_number_spellings=distinct_number_spellings,
            allow_multiline_cells=allow_multiline_cells,
        )

    @property
    def paying_conn_id(self) -> str:
        """The connection that pays (or paid): ``conn_id`` when given, else ``tremendous_conn_id``."""
        return str(self.conn_id or self.tremendous_conn_id)

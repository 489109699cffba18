"""The bulk payout and its reconciliation read rows with one declaration of the reading options
(:class:`PayoutRowsOperator`): the same arguments give the same reading, a DAG's ``default_args`` reach them, and a
bad option is refused when the DAG is parsed, by both."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import DAG

from airflow_provider_tremendous.operators.bulk import BulkPayoutOperator
from airflow_provider_tremendous.operators.payout_rows import PayoutRowsOperator
from airflow_provider_tremendous.operators.reconcile import ReconcileOperator
from airflow_provider_tremendous.payouts.row_rules import ROW_RULES, row_rules
from airflow_provider_tremendous.payouts.rows import RowSpec
from airflow_provider_tremendous.vendors.tangocard.options import PAYOUT_OPTIONS

READING = {
    "keep_case": True,
    "decimal_separator": ",",
    "default_phone_region": "DE",
    "allow_international_email": True,
    "allow_shared_recipients": True,
    "distinct_number_spellings": True,
    "allow_multiline_cells": True,
}
SHARED = {
    "rows": [{"k": "1"}],
    "payout_id": "p-1",
    "key_field": "k",
    "conn_id": "tangocard_default",
    "utid": "U1",
    "customer_identifier": "C1",
    "account_identifier": "A1",
}


def _both(**extra: Any) -> tuple[BulkPayoutOperator, ReconcileOperator]:
    return (
        BulkPayoutOperator(task_id="pay", **SHARED, **extra),
        ReconcileOperator(task_id="check", **SHARED, **extra),
    )


def test_reading_options_are_the_row_specs_fields_and_the_bases_arguments() -> None:
    spec_fields = {field.name for field in dataclasses.fields(RowSpec)}
    base_arguments = set(inspect.signature(PayoutRowsOperator.__init__).parameters)
    assert set(ROW_RULES) <= spec_fields
    assert set(ROW_RULES) <= base_arguments


def test_the_same_arguments_read_rows_the_same_way_in_both_operators() -> None:
    pay, check = _both(**READING)
    assert pay.row_rules == check.row_rules == READING
    assert pay.keep_case is check.keep_case is True
    assert pay.paying_conn_id == check.paying_conn_id == "tangocard_default"
    assert {name: pay.tango_options[name] for name in check.tango_options} == check.tango_options


def test_bulk_tango_options_keep_their_order_and_values() -> None:
    pay = BulkPayoutOperator(task_id="pay", **SHARED, etid="E1", message="thanks", email_subject="hi")
    assert list(pay.tango_options) == list(PAYOUT_OPTIONS)
    assert pay.tango_options["utid"] == "U1"
    assert pay.tango_options["etid"] == "E1"
    assert pay.tango_options["sender"] is None


def test_a_dags_default_args_reach_the_shared_reading_options() -> None:
    with DAG("defaults", schedule=None, start_date=dt.datetime(2026, 1, 1), default_args={"keep_case": True}):
        pay = BulkPayoutOperator(task_id="pay", rows=[], payout_id="p", key_field="k")
        check = ReconcileOperator(task_id="check", rows=[], payout_id="p", key_field="k")
    assert pay.keep_case and check.keep_case
    assert pay.row_rules["keep_case"] and check.row_rules["keep_case"]


@pytest.mark.parametrize("operator", [BulkPayoutOperator, ReconcileOperator])
def test_a_bad_decimal_separator_is_refused_when_the_dag_is_parsed(operator: type[PayoutRowsOperator]) -> None:
    with pytest.raises(ValueError, match="decimal_separator"):
        operator(task_id="t", **SHARED, decimal_separator=";")


def test_a_name_that_is_no_reading_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="allow_everything"):
        row_rules(keep_case=False, allow_everything=True)


def test_connection_falls_back_to_tremendous_conn_id() -> None:
    pay = BulkPayoutOperator(task_id="pay", rows=[], payout_id="p", key_field="k", tremendous_conn_id="mine")
    check = ReconcileOperator(task_id="check", rows=[], payout_id="p", key_field="k", tremendous_conn_id="mine")
    assert pay.paying_conn_id == check.paying_conn_id == "mine"


def test_row_defaults_are_shared_and_one_set_of_arguments_serves_both_operators() -> None:
    common = {**SHARED, **READING, "amount": "5", "currency": "EUR", "delivery_method": "PHONE", "language": "de"}
    pay, check = _both(**{k: v for k, v in common.items() if k not in SHARED})
    assert pay.defaults == check.defaults
    assert check.defaults["delivery_method"] == "PHONE" and check.defaults["currency"] == "EUR"


def test_reconcile_without_defaults_reads_rows_as_release_0_1_did() -> None:
    """The shared defaults hold only ``currency`` (USD) and ``delivery_method`` (EMAIL, which a row without one reads
    as anyway): a reconciliation given none extracts every row exactly as 0.1's ``{"currency": "USD"}`` did."""
    from airflow_provider_tremendous.payouts.rows import RowSpec

    check = ReconcileOperator(task_id="check", rows=[], payout_id="p", key_field="k")
    row = {"k": "1", "amount": "5", "email": "a@example.com", "delivery_method": "", "currency": " "}
    assert RowSpec("k", defaults=check.defaults).extract(row) | {"delivery_method": None} == RowSpec(
        "k", defaults={"currency": "USD"}
    ).extract(row)


def test_reconcile_defaults_dict_wins_over_the_arguments() -> None:
    check = ReconcileOperator(
        task_id="check", rows=[], payout_id="p", key_field="k", currency="EUR", defaults={"delivery_method": "PHONE"}
    )
    assert (check.defaults["currency"], check.defaults["delivery_method"]) == ("EUR", "PHONE")
    old_style = ReconcileOperator(task_id="c2", rows=[], payout_id="p", key_field="k", defaults={"currency": "GBP"})
    assert old_style.defaults["currency"] == "GBP"

"""Keep the balance funded: when it is below the target, create an invoice for the shortfall and wait until it is
paid. Run it before a payout run (or on a schedule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_tremendous.operators.invoices import TremendousCreateInvoiceOperator
from airflow_provider_tremendous.sensors.resources import TremendousInvoiceSensor

with DAG(
    dag_id="fund_balance_by_invoice",
    description="Create an invoice for the shortfall when the balance is below target, wait until paid",
    schedule=None,
    start_date=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    params={"target_balance": 150_000},
    tags=["tremendous", "funding", "example"],
) as dag:

    @task
    def check_balance(target: float) -> dict[str, Any]:
        from airflow_provider_tremendous.hooks.tremendous import TremendousHook

        available = TremendousHook().get_balance().meta.available_amount or 0.0
        shortfall = round(max(0.0, float(target) - available), 2)
        print(f"available {available:.2f}, target {float(target):.2f}, shortfall {shortfall:.2f}")
        return {"available": available, "shortfall": shortfall}

    @task.short_circuit
    def is_short(balance: dict[str, Any]) -> bool:
        return bool(balance["shortfall"] > 0)

    balance = check_balance("{{ params.target_balance }}")
    invoice = TremendousCreateInvoiceOperator(
        task_id="create_invoice",
        amount="{{ ti.xcom_pull(task_ids='check_balance')['shortfall'] }}",
        memo="Top-up to target balance ({{ ds }})",
    )
    paid = TremendousInvoiceSensor(
        task_id="wait_until_paid",
        invoice_id="{{ ti.xcom_pull(task_ids='create_invoice', key='invoice_id') }}",
        poke_interval=60,
        timeout=7 * 24 * 3600,
    )
    is_short(balance) >> invoice >> paid

"""Tango Card sensors: an order COMPLETE, an account's balance at least some amount. Deferrable like the others."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_tremendous.core.checks import Check
from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.hooks.task_hook import TANGOCARD_DEFAULT_CONN_ID as DEFAULT_CONN_ID
from airflow_provider_tremendous.hooks.task_hook import TangoCardTaskHookMixin
from airflow_provider_tremendous.sensors.base import ProviderSensor


class TangoCardBaseSensor(TangoCardTaskHookMixin, ProviderSensor):  # type: ignore[misc]
    """Base of the Tango Card sensors.

    :param tangocard_conn_id: the ``tangocard`` connection; templated.
    """

    def __init__(self, *, tangocard_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tangocard_conn_id = tangocard_conn_id


class TangoCardOrderSensor(TangoCardBaseSensor):
    """Wait until orders are ``COMPLETE``: ``FAILED`` fails at once; ``PARTIAL`` per ``partial``; ``PENDING`` waits.

    :param reference_order_id: one order; templated.
    :param reference_order_ids: several orders (ids, or dicts with ``referenceOrderID`` such as the create
        operator's output); templated.
    :param on_partial: a ``PARTIAL`` order: ``fail`` (default), ``succeed`` or ``wait``.
    :param fail_on_delivery_failure: fail when a COMPLETE order's reward email FAILED (line item
        ``deliveryStatus``); by default it is reported (``delivery_failed`` in the result).
    """

    template_fields: Sequence[str] = ("reference_order_id", "reference_order_ids", "tangocard_conn_id")

    def __init__(
        self,
        *,
        reference_order_id: str | None = None,
        reference_order_ids: Sequence[Any] | str | None = None,
        on_partial: str = "fail",
        fail_on_delivery_failure: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if (reference_order_id is None) == (reference_order_ids is None):
            raise ValueError("TangoCardOrderSensor needs exactly one of reference_order_id or reference_order_ids")
        if on_partial not in ("fail", "succeed", "wait"):
            raise ValueError("on_partial must be 'fail', 'succeed' or 'wait'")
        self.reference_order_id = reference_order_id
        self.reference_order_ids = reference_order_ids
        self.on_partial = on_partial
        self.fail_on_delivery_failure = fail_on_delivery_failure

    def _ids(self) -> list[str]:
        if self.reference_order_id:
            return [str(self.reference_order_id)]
        items = self.reference_order_ids
        if isinstance(items, str):
            items = [part.strip() for part in items.split(",") if part.strip()]
        ids = [str(i["referenceOrderID"]) if isinstance(i, dict) else str(i) for i in items or []]
        if not ids:
            raise InputError("reference_order_ids is empty: there is nothing to wait for")
        return ids

    def build_check(self) -> Check:
        from airflow_provider_tremendous.vendors.tangocard.checks import TangoCardOrdersCheck

        return TangoCardOrdersCheck(
            self._ids(),
            partial=self.on_partial,  # type: ignore[arg-type]
            fail_on_delivery_failure=self.fail_on_delivery_failure,
        )


class TangoCardBalanceSensor(TangoCardBaseSensor):
    """Wait until an account's ``currentBalance`` is at least ``min_balance`` (e.g. after a deposit or a wire).

    :param min_balance: the amount needed; templated.
    :param account_identifier: the account (default: the connection's extra); templated.
    """

    template_fields: Sequence[str] = ("min_balance", "account_identifier", "tangocard_conn_id")

    def __init__(self, *, min_balance: float | str, account_identifier: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_balance = min_balance
        self.account_identifier = account_identifier

    def build_check(self) -> Check:
        from airflow_provider_tremendous.vendors.tangocard.checks import TangoCardBalanceCheck

        account = self.account_identifier or self.hook.account_ids()[1]
        return TangoCardBalanceCheck(str(account), float(self.min_balance))

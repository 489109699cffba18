"""TremendousOrderSensor: wait until orders are executed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.sensors.base import TremendousBaseSensor

if TYPE_CHECKING:
    from airflow_provider_tremendous.core.order_wait import OrderWait
    from airflow_provider_tremendous.vendors.tangocard.checks import TangoCardPayoutRunCheck


class TremendousOrderSensor(TremendousBaseSensor):
    """Wait until every given order reaches a success status (``EXECUTED``).

    Give exactly one of ``order_id``, ``external_id``, ``order_ids`` (a list of ids or external_ids, or of order
    dicts such as the output of :class:`TremendousCreateOrderOperator`), ``payout`` (the summary, or list of shard
    summaries, returned by :class:`TremendousBulkPayoutOperator`: its orders are found by their external_id prefix;
    a run paid through a Tango Card connection is polled there until every order is COMPLETE)
    or ``result_path`` (a bulk payout's result file: the orders it records as paid). ``FAILED`` and ``CANCELED``
    fail at once; ``OPEN``/``CART``, ``PENDING APPROVAL``, ``PENDING INTERNAL PAYMENT APPROVAL`` and
    ``PENDING SETTLEMENT`` wait.
    Up to 5 orders are read one by one; more are found with list calls (500 orders per request), bounded by
    ``created_after`` when given.

    :param success_statuses: statuses that count as done.
    :param failure_statuses: statuses that fail at once.
    :param fail_on_pending_approval: fail at once when an order waits for approval.
    :param fail_on_delivery_failure: fail when an executed order's reward delivery FAILED (the person did not get
        it). By default such rewards are reported (``delivery_failed`` in the result, a warning in the message).
        A Tango Card payout's COMPLETE orders whose line item ``deliveryStatus`` is FAILED count the same way.
    :param created_after: ISO datetime no order is older than (e.g. ``{{ data_interval_start }}``); templated.
    """

    template_fields: Sequence[str] = (
        "order_id",
        "external_id",
        "order_ids",
        "payout",
        "result_path",
        "created_after",
        "tremendous_conn_id",
    )

    def __init__(
        self,
        *,
        order_id: str | None = None,
        external_id: str | None = None,
        order_ids: Sequence[Any] | str | None = None,
        payout: dict[str, Any] | Sequence[dict[str, Any]] | None = None,
        result_path: str | None = None,
        success_statuses: Sequence[str] = ("EXECUTED",),
        failure_statuses: Sequence[str] = ("FAILED", "CANCELED"),
        fail_on_pending_approval: bool = False,
        fail_on_delivery_failure: bool = False,
        created_after: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if sum(x is not None for x in (order_id, external_id, order_ids, payout, result_path)) != 1:
            raise ValueError(
                "TremendousOrderSensor needs exactly one of order_id, external_id, order_ids, payout or result_path"
            )
        self.payout = payout
        self.result_path = result_path
        self.order_id = order_id
        self.external_id = external_id
        self.order_ids = order_ids
        self.success_statuses = list(success_statuses)
        self.failure_statuses = list(failure_statuses)
        self.fail_on_pending_approval = fail_on_pending_approval
        self.fail_on_delivery_failure = fail_on_delivery_failure
        self.created_after = created_after

    def _ids(self) -> list[str]:
        if self.order_id or self.external_id:
            return [str(self.order_id or self.external_id)]
        items = self.order_ids
        if isinstance(items, str):
            items = [part.strip() for part in items.split(",") if part.strip()]
        ids = [str(item["id"]) if isinstance(item, dict) else str(item) for item in items or []]
        if not ids:
            raise InputError("order_ids is empty: there is nothing to wait for")
        return ids

    def _rules(self) -> dict[str, Any]:
        return {
            "success_statuses": self.success_statuses,
            "failure_statuses": self.failure_statuses,
            "fail_on_pending_approval": self.fail_on_pending_approval,
            "fail_on_delivery_failure": self.fail_on_delivery_failure,
        }

    def _payout_check(self) -> OrderWait:
        from airflow_provider_tremendous.vendors.tremendous.checks import PayoutRunCheck

        summaries = [self.payout] if isinstance(self.payout, dict) else list(self.payout or [])
        if not summaries or not all(isinstance(s, dict) and "external_id_prefix" in s for s in summaries):
            raise InputError("payout must be the summary (or shard summaries) of TremendousBulkPayoutOperator")
        prefixes = {tuple(s.get("external_id_prefixes") or [s["external_id_prefix"]]) for s in summaries}
        if len(prefixes) != 1:
            raise InputError(f"payout summaries of different payouts: {sorted(prefixes)}")
        prefix = list(prefixes.pop())
        starts = [s["created_after"] for s in summaries if s.get("created_after")]
        if summaries[0].get("vendor") == "tangocard":
            return self._tangocard_payout_check(summaries, prefix, min(starts) if starts else None)
        return PayoutRunCheck(
            prefix,
            sum(int(s["paid"]) for s in summaries),
            created_after=str(self.created_after) if self.created_after else (min(starts) if starts else None),
            superseded=_superseded(summaries),
            **self._rules(),
        )

    def _tangocard_payout_check(
        self, summaries: list[dict[str, Any]], prefix: list[str], start: str | None
    ) -> TangoCardPayoutRunCheck:
        """The run was paid through Tango Card: poll that connection's account until every order is COMPLETE."""
        from airflow_provider_tremendous.vendors.tangocard.checks import TangoCardPayoutRunCheck

        self.vendor = "tangocard"
        self.payout_conn_id = str(summaries[0].get("conn_id") or "tangocard_default")
        return TangoCardPayoutRunCheck(
            prefix,
            sum(int(s["paid"]) for s in summaries),
            account_identifier=summaries[0].get("account_identifier"),
            created_after=str(self.created_after) if self.created_after else start,
            fail_on_delivery_failure=self.fail_on_delivery_failure,
            superseded=_superseded(summaries),
        )

    @property
    def connection_id(self) -> str:
        """The connection polled: the one that paid the payout when ``payout`` says so."""
        return str(getattr(self, "payout_conn_id", None) or self.tremendous_conn_id)

    def build_check(self) -> OrderWait:
        from airflow_provider_tremendous.vendors.tremendous.checks import OrdersCheck

        if self.payout is not None:
            return self._payout_check()
        if self.result_path is not None:
            from airflow_provider_tremendous.payouts.ledger import paid_order_ids

            ids = paid_order_ids(str(self.result_path))
            if not ids:
                raise InputError(f"{self.result_path} records no paid order to wait for")
            self.order_ids = ids
        return OrdersCheck(
            self._ids(),
            created_after=str(self.created_after) if self.created_after else None,
            **self._rules(),
        )


def _superseded(summaries: list[dict[str, Any]]) -> list[str]:
    """The orders re-issues superseded (they ended unpaid and were paid again), from every shard's summary."""
    return sorted({str(digest) for summary in summaries for digest in summary.get("superseded") or []})

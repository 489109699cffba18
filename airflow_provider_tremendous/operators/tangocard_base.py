"""What every Tango Card operator shares: the connection (``tangocard_conn_id``, hook), the account, the amount
parser and the ``externalRefID`` rules. The order operator (:mod:`.tangocard`) and the funding operators
(:mod:`.tangocard_funding`) build on it and never on each other.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import Any

from airflow_provider_tremendous.core.errors import InputError
from airflow_provider_tremendous.core.external_ids import single_order_key, task_instance_external_id
from airflow_provider_tremendous.core.money import MAX_REWARD, TANGO_MAX, AmountError, parse_amount
from airflow_provider_tremendous.hooks.task_hook import TANGOCARD_DEFAULT_CONN_ID, TangoCardTaskHookMixin
from airflow_provider_tremendous.operators.base import WaitingOperator

#: The default ``tangocard_conn_id``.
DEFAULT_CONN_ID = TANGOCARD_DEFAULT_CONN_ID
#: Tango's limit for ``externalRefID``.
MAX_EXTERNAL_REF = 100
EXTERNAL_REF = re.compile(r"[A-Za-z0-9]{1,100}", re.ASCII)
#: What earlier versions accepted as a given key (before Tango's "alphanumeric" was read strictly).
EARLIER_EXTERNAL_REF = re.compile(r"[A-Za-z0-9:._-]{1,100}", re.ASCII)


def alphanumeric_key(given: str) -> str:
    """The alphanumeric key an order key with ``:._-`` is sent as: its letters and digits (at most 60, for people)
    then ``x`` and 32 hex digits of its SHA-256, so distinct keys stay distinct (``a-b`` and ``ab`` too)."""
    readable = re.sub(r"[^A-Za-z0-9]", "", given)[:60]
    return f"{readable}x{hashlib.sha256(given.encode()).hexdigest()[:32]}"


def _amount(value: Any, name: str = "amount", maximum: Decimal = MAX_REWARD) -> Decimal:
    """An amount read by the one money parser (Tango: at most 2 decimals and 6 digits, 422.140)."""
    try:
        return parse_amount(value, maximum=min(maximum, TANGO_MAX))
    except AmountError as error:
        raise InputError(f"{name}: {error}; nothing was sent") from None


def _ti_parts(context: Any) -> tuple[str, str, str, int]:
    ti = context["ti"]
    map_index = getattr(ti, "map_index", -1)
    return ti.dag_id, ti.task_id, ti.run_id, -1 if map_index is None else map_index


#: The earlier name of :class:`TangoCardTaskHookMixin`.
TangoCardConnectionMixin = TangoCardTaskHookMixin


class TangoCardBaseOperator(TangoCardTaskHookMixin, WaitingOperator):  # type: ignore[misc]
    """Base of the Tango Card operators.

    :param tangocard_conn_id: the ``tangocard`` connection (default ``tangocard_default``); templated.
    :param customer_identifier, account_identifier: the account (default: the connection's extras); templated.
    """

    def __init__(
        self,
        *,
        tangocard_conn_id: str = TANGOCARD_DEFAULT_CONN_ID,
        customer_identifier: str | None = None,
        account_identifier: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.tangocard_conn_id = tangocard_conn_id
        self.customer_identifier = customer_identifier
        self.account_identifier = account_identifier

    def _key(self, context: Any, given: str | None, for_order: bool = True) -> str:
        """The given idempotency key, else one derived from the task instance (for orders: on the sandbox only):
        letters and digits only, ≤ 100 characters, as Tango documents. An order key that earlier versions accepted
        (with ``:._-``) is sent as its alphanumeric form (:func:`alphanumeric_key`), after the original is looked up
        (:meth:`_earlier_keys`); any other key is refused."""
        if given and not EXTERNAL_REF.fullmatch(str(given)):
            if for_order and EARLIER_EXTERNAL_REF.fullmatch(str(given)):
                return alphanumeric_key(str(given))
            raise InputError(
                f"external_ref_id {given!r} must be 1-{MAX_EXTERNAL_REF} letters and digits (A-Z, a-z, 0-9), as "
                "Tango Card documents; nothing was sent. (A deposit cannot be looked up: if an earlier version "
                "deposited with this key, check the account's deposits before using another.)"
            )
        return single_order_key(
            given,
            for_order and self.hook.settings.is_production,
            lambda: task_instance_external_id(*_ti_parts(context), max_length=MAX_EXTERNAL_REF, alphanumeric=True),
            "external_ref_id",
            self.log,
        )

    def _earlier_keys(self, context: Any, given: str | None) -> list[str]:
        """Keys an earlier version sent for this order, looked up before sending: the given key as written (when it
        has ``:._-``), or the dotted key it derived for this task instance."""
        if given:
            return [] if EXTERNAL_REF.fullmatch(str(given)) else [str(given)]
        return [task_instance_external_id(*_ti_parts(context), max_length=MAX_EXTERNAL_REF)]

"""Checks name the hook operations they call by the declared operation, not by a string (issue 14).

A plan yields :class:`~airflow_provider_tremendous.core.checks.Call` values built from the ``Operation`` descriptors
of the vendor's API mixins; the drivers make the call on the hook by the operation's name. These tests pin what
that relies on: every operation is offered by the hooks under its own name, every call a check makes is one of its
vendor's declared operations, and the Tango checks stand on the vendor-neutral order wait, not on Tremendous's.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest

from airflow_provider_tremendous.core.checks import Call, Check, arun_check, call, run_plan
from airflow_provider_tremendous.core.operation import Operation
from airflow_provider_tremendous.core.order_wait import OrderWait
from airflow_provider_tremendous.core.pagination import Page
from airflow_provider_tremendous.hooks.tangocard import TangoCardAsyncHook, TangoCardHook
from airflow_provider_tremendous.hooks.tremendous import TremendousAsyncHook, TremendousHook
from airflow_provider_tremendous.vendors.tangocard.api import TangoCardOperations
from airflow_provider_tremendous.vendors.tangocard.checks import (
    TangoCardBalanceCheck,
    TangoCardOrdersCheck,
    TangoCardPayoutRunCheck,
)
from airflow_provider_tremendous.vendors.tangocard.models import Account
from airflow_provider_tremendous.vendors.tangocard.models import Order as TangoOrder
from airflow_provider_tremendous.vendors.tremendous.api import TremendousOperations
from airflow_provider_tremendous.vendors.tremendous.api.orders import OrdersAPI
from airflow_provider_tremendous.vendors.tremendous.checks import OrdersCheck, PayoutRunCheck
from airflow_provider_tremendous.vendors.tremendous.models import FundingSource, Invoice, Order, Report
from airflow_provider_tremendous.vendors.tremendous.resource_checks import BalanceCheck, InvoiceCheck, ReportCheck


def _operations(mixin: type) -> dict[str, Operation[Any, Any]]:
    found: dict[str, Operation[Any, Any]] = {}
    for cls in mixin.__mro__:
        for name, value in vars(cls).items():
            if isinstance(value, Operation):
                found.setdefault(name, value)
    return found


@pytest.mark.parametrize(
    ("mixin", "hooks"),
    [
        (TremendousOperations, (TremendousHook, TremendousAsyncHook)),
        (TangoCardOperations, (TangoCardHook, TangoCardAsyncHook)),
    ],
)
def test_every_operation_is_offered_by_the_hooks_under_its_own_name(mixin: type, hooks: tuple[type, ...]) -> None:
    """The drivers look a call's operation up on the hook by its name: the name must be the attribute."""
    operations = _operations(mixin)
    assert operations
    for attribute, operation in operations.items():
        assert operation.name == attribute
        for hook in hooks:
            assert getattr(hook, attribute) is operation, f"{hook.__name__}.{attribute}"


def test_call_holds_the_operation_and_its_arguments() -> None:
    made = call(OrdersAPI.list_orders, limit=500, offset=0)
    assert made == Call(OrdersAPI.list_orders, (), {"limit": 500, "offset": 0})
    assert made.operation is TremendousOperations.list_orders
    assert made.name == "list_orders"
    assert call(OrdersAPI.get_order, "o1").args == ("o1",)


class _Recorder:
    """A hook stand-in that answers from ``answers`` and records the calls; sync or async."""

    def __init__(self, hook_class: type, answers: dict[str, Any], asynchronous: bool = False) -> None:
        self.hook_class, self.answers, self.asynchronous = hook_class, answers, asynchronous
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        assert isinstance(getattr(self.hook_class, name), Operation), f"{name} is not a declared operation"

        def answer(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            return self.answers[name]

        async def aanswer(*args: Any, **kwargs: Any) -> Any:
            return answer(*args, **kwargs)

        return aanswer if self.asynchronous else answer


_TREMENDOUS_ANSWERS: dict[str, Any] = {
    "get_order": Order(id="o1", external_id="pay:1", status="EXECUTED"),
    "list_orders": Page[Order](items=[Order(id="o1", external_id="pay:1", status="EXECUTED")], total_count=1),
    "get_report": Report(id="r1", status="READY_FOR_DOWNLOAD"),
    "get_invoice": Invoice(id="i1", status="PAID"),
    "get_funding_source": FundingSource.model_validate({"id": "BALANCE", "meta": {"available_amount": 5.0}}),
}
_TANGO_ORDER = TangoOrder.model_validate(
    {"referenceOrderID": "RA1", "externalRefID": "pay:1", "status": "COMPLETE", "sendEmail": False}
)
_TANGO_ANSWERS: dict[str, Any] = {
    "get_order": _TANGO_ORDER,
    "list_orders": Page[TangoOrder](items=[_TANGO_ORDER], total_count=1),
    "list_line_items": Page[Any](items=[]),
    "get_account": Account.model_validate({"accountIdentifier": "acc", "currentBalance": "20"}),
}
_CHECKS: list[tuple[Check, type, dict[str, Any], list[str]]] = [
    (OrdersCheck(["o1"]), TremendousHook, _TREMENDOUS_ANSWERS, ["get_order"]),
    (
        OrdersCheck([f"o{i}" for i in range(6)]),
        TremendousHook,
        _TREMENDOUS_ANSWERS,
        ["list_orders"] + ["get_order"] * 5,  # the scan lists o1 only: the five others are read one by one
    ),
    (PayoutRunCheck("pay:", 1), TremendousHook, _TREMENDOUS_ANSWERS, ["list_orders"]),
    (ReportCheck("r1"), TremendousHook, _TREMENDOUS_ANSWERS, ["get_report"]),
    (InvoiceCheck("i1"), TremendousHook, _TREMENDOUS_ANSWERS, ["get_invoice"]),
    (BalanceCheck(1.0), TremendousHook, _TREMENDOUS_ANSWERS, ["get_funding_source"]),
    (TangoCardOrdersCheck(["RA1"]), TangoCardHook, _TANGO_ANSWERS, ["get_order"]),
    (TangoCardPayoutRunCheck("pay:", 1), TangoCardHook, _TANGO_ANSWERS, ["list_orders"]),
    (TangoCardBalanceCheck("acc", 1.0), TangoCardHook, _TANGO_ANSWERS, ["get_account"]),
]


@pytest.mark.parametrize(("check", "hook_class", "answers", "expected"), _CHECKS, ids=lambda v: getattr(v, "kind", ""))
def test_every_check_calls_declared_operations_of_its_vendor_alike_sync_and_async(
    check: Check, hook_class: type, answers: dict[str, Any], expected: list[str]
) -> None:
    sync, asynchronous = _Recorder(hook_class, answers), _Recorder(hook_class, answers, asynchronous=True)
    verdict = run_plan(check.plan(), sync)
    averdict = asyncio.run(arun_check(check, asynchronous))
    assert [name for name, _, _ in sync.calls] == expected
    assert [(n, a, list(k)) for n, a, k in asynchronous.calls] == [(n, a, list(k)) for n, a, k in sync.calls]
    assert verdict.state == averdict.state == "success", verdict.message
    assert verdict == averdict


def test_the_order_checks_share_the_vendor_neutral_order_wait() -> None:
    for kind in ("orders", "payout", "tangocard_orders", "tangocard_payout"):
        assert issubclass(Check.registry[kind], OrderWait)
    assert not issubclass(TangoCardOrdersCheck, OrdersCheck)
    assert "" not in Check.registry  # the neutral base registers no kind of its own


def test_the_tango_checks_load_no_tremendous_check_or_model() -> None:
    """In a fresh interpreter: the Tango wing's checks need none of Tremendous's checks, models, endpoints,
    credentials or connection (the registry's declarations of both wings load with the ``vendors`` package)."""
    script = (
        "import sys\n"
        "import airflow_provider_tremendous.vendors.tangocard.checks\n"
        "print(sorted(m for m in sys.modules if m.startswith('airflow_provider_tremendous.vendors.tremendous.')\n"
        "             and m.rsplit('.', 1)[-1] != 'form'))\n"
    )
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert answer.stdout.strip().splitlines()[-1] == "[]"

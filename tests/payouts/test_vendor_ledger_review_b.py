"""Adversarial review of issue 12, step (b), by a fresh-context reviewer: reproductions against the sandbox. Each
test asserts the correct behaviour; each failed before the fixes."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core import errors as e
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from tests.support.context import context
from tests.vendors.tangocard.conftest import order_body as tango_order
from tests.vendors.tangocard.conftest import respondents as tango_rows
from tests.vendors.tangocard.conftest import tango_bulk, tango_reconcile


def _refs(sandbox: Any) -> Counter[str]:
    return Counter(o["external_ref_id"] for o in sandbox.admin.tangocard_ledger()["orders"])


def _orders_placed_during_the_scan(monkeypatch: pytest.MonkeyPatch, count: int = 2) -> None:
    """Another DAG (or another shard of the payout) places ``count`` orders on the account while the scan pages:
    right after the first page of the first dated listing."""
    from airflow_provider_tremendous.core import checks

    real = checks.run_plan
    state = {"done": False}

    class Busy:
        def __init__(self, hook: Any) -> None:
            self._hook = hook

        def __getattr__(self, name: str) -> Any:
            return getattr(self._hook, name)

        def list_orders(self, **kwargs: Any) -> Any:
            page = self._hook.list_orders(**kwargs)
            if not state["done"] and kwargs.get("start_date") is not None:
                state["done"] = True
                for n in range(count):
                    TangoCardHook().create_order(tango_order(f"elsewhere{n}", amount=5, utid="U000002"))
            return page

    monkeypatch.setattr(checks, "run_plan", lambda plan, hook: real(plan, Busy(hook)))


def test_orders_placed_during_a_capped_tango_scan_hide_a_paid_order_and_it_is_paid_again(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 1 (never pay twice: fresh worker, re-run past Tango's idempotency window).

    scan_orders decides whether to split a window only from the *first* page's totalCount. Tango lists newest
    first and keeps only the newest ``cap`` results; orders placed on the account while the scan pages (another
    DAG, another shard — at 1 request/s a 10,000-order window takes ~100 s to page) push the window over the cap,
    so the oldest orders fall off the end of the listing between pages. The scan stops when ``seen >= totalCount``
    and reports ``complete=True``: the bulk run takes the missing order for unpaid and sends it again. Past
    Tango's idempotency window (strictness.md #3, sandbox ``tango_idempotency_days``) that is a second payment.
    Scaled down: cap 5, page size 2 (the real numbers are 10,000 and 100)."""
    from airflow_provider_tremendous.vendors.tangocard import checks as tango_checks
    from airflow_provider_tremendous.vendors.tangocard.payouts import TangoCardPayoutAdapter

    tremendous_sandbox.admin.settings(tango_list_cap=5, tango_idempotency_days=90)
    monkeypatch.setattr(TangoCardPayoutAdapter, "list_cap", 5)
    monkeypatch.setattr(tango_checks, "LIST_CAP", 5)
    monkeypatch.setattr(tango_checks, "SCAN_PAGE", 2)
    rows = tango_rows(4)
    first = tango_bulk(tmp_path, rows).execute(context())
    assert first["created"] == 4
    tremendous_sandbox.admin.advance(91 * 86400)  # the payout is resumed a quarter later: Tango forgot the keys
    _orders_placed_during_the_scan(monkeypatch)
    with contextlib.suppress(e.TremendousError):  # refusing or failing is fine; paying again is not
        tango_bulk(tmp_path, rows, result_path=str(tmp_path / "fresh-worker.csv")).execute(context())
    paid_twice = {ref: n for ref, n in _refs(tremendous_sandbox).items() if n > 1}
    assert not paid_twice, f"paid twice: {paid_twice}"


def test_orders_placed_during_a_capped_tango_scan_make_reconcile_call_a_paid_row_missing(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 2 (uncertain is never "not paid"): the same mechanism as above in reconciliation — an order that
    exists is reported ``missing`` ("no order"), an invitation to pay it again by hand."""
    from airflow_provider_tremendous.vendors.tangocard import checks as tango_checks
    from airflow_provider_tremendous.vendors.tangocard.payouts import TangoCardPayoutAdapter

    tremendous_sandbox.admin.settings(tango_list_cap=5)
    monkeypatch.setattr(TangoCardPayoutAdapter, "list_cap", 5)
    monkeypatch.setattr(tango_checks, "LIST_CAP", 5)
    monkeypatch.setattr(tango_checks, "SCAN_PAGE", 2)
    rows = tango_rows(4)
    assert tango_bulk(tmp_path, rows).execute(context())["created"] == 4
    _orders_placed_during_the_scan(monkeypatch)
    report = tango_reconcile(rows, tmp_path)
    assert report["missing"] == 0, f"existing orders reported missing: {report['examples']}"


def test_reconcile_on_an_unsplittable_capped_tango_listing_calls_existing_orders_missing(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 2 (uncertain is never "not paid"): when a two-second window still holds ``cap`` orders, scan_orders
    says ``complete=False``. The bulk run then looks rows up one by one and the wait says "(capped)", but the
    reconcile operator ignores ``listing_complete``: every order past the cap is reported ``missing`` ("no order")
    although it exists."""
    from airflow_provider_tremendous.vendors.tangocard import checks as tango_checks
    from airflow_provider_tremendous.vendors.tangocard.payouts import TangoCardPayoutAdapter

    tremendous_sandbox.admin.settings(tango_list_cap=2)  # scaled down from 10,000
    monkeypatch.setattr(TangoCardPayoutAdapter, "list_cap", 2)
    monkeypatch.setattr(tango_checks, "LIST_CAP", 2)
    rows = tango_rows(6)
    started = dt.datetime.now(dt.timezone.utc)
    assert tango_bulk(tmp_path, rows).execute(context())["created"] == 6
    assert dt.datetime.now(dt.timezone.utc) - started < dt.timedelta(seconds=2), "the orders must share 2 s"
    report = tango_reconcile(rows, tmp_path)
    assert report["missing"] == 0, f"existing orders reported missing: {report['examples']}"


def test_a_recipient_paid_under_another_key_is_paid_again_past_an_unsplittable_capped_listing(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule 1 (never pay twice: re-spelled / re-keyed row). With a complete listing, a row whose recipient this
    payout already paid under another key is refused (duplicate recipient). When the listing is capped
    (``complete=False``), ``PayoutRun._held`` returns None for every row, so ``_check_shared_recipients`` sees
    nothing and the per-row look-up only checks the row's own ids: the same person is paid a second time."""
    from airflow_provider_tremendous.vendors.tangocard import checks as tango_checks
    from airflow_provider_tremendous.vendors.tangocard.payouts import TangoCardPayoutAdapter

    tremendous_sandbox.admin.settings(tango_list_cap=2)  # scaled down from 10,000
    monkeypatch.setattr(TangoCardPayoutAdapter, "list_cap", 2)
    monkeypatch.setattr(tango_checks, "LIST_CAP", 2)
    rows = tango_rows(5)
    assert tango_bulk(tmp_path, rows).execute(context())["created"] == 5
    rekeyed = [{**rows[0], "respondent_id": "X00000"}, *rows[1:]]  # same person, corrected key
    with contextlib.suppress(e.TremendousError):  # refused: right
        tango_bulk(tmp_path, rekeyed).execute(context())
    emails = Counter(o["email"] for o in tremendous_sandbox.admin.tangocard_ledger()["orders"])
    assert emails["t0@example.com"] == 1, "t0@example.com paid twice (under T00000 and X00000)"

"""Issue 14 review, round 14: a Tremendous PHONE payout read with ``default_phone_region``, ``keep_case`` and a
decimal comma, then reconciled with the same reading options (``fail_on_discrepancy``): the two operators read the
file alike (:class:`PayoutRowsOperator`), and a second run pays nobody. (Held at de079d3 and before: a guard.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.payouts.conftest import bulk, reconcile
from tests.support.context import context

ROWS = [
    {"respondent_id": "Ab1", "amount": "3,75", "name": "Ann Example", "phone": "030 1234567"},
    {"respondent_id": "ab1", "amount": "4,00", "name": "Ben Example", "phone": "0151 23456789"},
]
READ = {"keep_case": True, "decimal_separator": ",", "default_phone_region": "DE"}


def test_sms_payout_and_reconcile_read_alike(tremendous_sandbox: Any, tmp_path: Path) -> None:
    summary = bulk(tmp_path, ROWS, delivery_method="PHONE", **READ).execute(context())
    assert summary["created"] == 2, summary
    ledger = tremendous_sandbox.admin.ledger()
    assert sorted((r["external_id"], str(r["amount"])) for r in ledger) == [
        ("survey-42~Ab1", "3.75"),
        ("survey-42~ab1", "4.0"),
    ], ledger
    defaults = {"campaign_id": "CAMPAIGN00001", "delivery_method": "PHONE"}
    out = reconcile(ROWS, tmp_path, fail_on_discrepancy=True, defaults=defaults, **READ)
    assert out["matched"] == 2, out
    again = bulk(tmp_path, ROWS, delivery_method="PHONE", **READ).execute(context())
    assert again["created"] == 0 and len(tremendous_sandbox.admin.ledger()) == 2


def test_the_same_arguments_serve_the_payout_and_its_reconciliation(tremendous_sandbox: Any, tmp_path: Path) -> None:
    """The reviewer found reconciliation took row defaults only as a ``defaults`` dict, so a PHONE payout reconciled
    with the payout's own arguments read its rows as EMAIL rows: every paid row "invalid", with the claim that a bulk
    payout refuses them. The row defaults are now shared arguments: one set of arguments serves both."""
    arguments = {"delivery_method": "PHONE", "campaign_id": "CAMPAIGN00001", **READ}
    assert bulk(tmp_path, ROWS, **arguments).execute(context())["created"] == 2
    out = reconcile(ROWS, tmp_path, fail_on_discrepancy=True, defaults=None, **arguments)
    assert (out["matched"], out["invalid_rows"]) == (2, 0), out

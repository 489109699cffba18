"""One payout, one place, one run at a time (issue "Money rules, part 2", design 7): the payout registry that every
worker and DAG run shares (Airflow Variables), against the sandbox on loopback and as a protocol."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tremendous.core.errors import TremendousInputError
from airflow_provider_tremendous.payouts.ledger import Identity
from airflow_provider_tremendous.payouts.registry import LEASE_TTL, PayoutRegistry, registry_key
from tests.support.context import context
from tests.vendors.tangocard.conftest import production_connections, second_account, tango_bulk
from tests.vendors.tangocard.conftest import respondents as tango_rows


def _tango_orders(sandbox: Any) -> list[dict[str, Any]]:
    return list(sandbox.admin.tangocard_ledger()["orders"])


def _tremendous(tmp_path: Path, rows: Any, **kwargs: Any) -> Any:
    settings = {"conn_id": "tremendous_default", "utid": None, "campaign_id": "CAMPAIGN00001", **kwargs}
    return tango_bulk(tmp_path, rows, **settings)


# -- one place: a fresh worker (no result file of the payout) in another DAG run -------------------------------------
def test_a_vendor_switch_on_a_fresh_worker_is_refused(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: the refusal read only result files, which a fresh worker does not have; the Tremendous run paid both
    people whom the Tango run had paid (rule 1)."""
    production_connections(monkeypatch, tremendous_sandbox)
    rows = tango_rows(2)
    first = tango_bulk(tmp_path, rows, result_path=str(tmp_path / "worker-1.csv"))
    assert first.execute(context(run_id="scheduled__1"))["created"] == 2
    switched = _tremendous(tmp_path, rows, result_path=str(tmp_path / "worker-2.csv"))
    with pytest.raises(TremendousInputError, match=r"other production account.*tangocard account .*Nothing was sent"):
        switched.execute(context(run_id="manual__2"))
    assert tremendous_sandbox.admin.ledger() == [], "both people paid a second time, on Tremendous"
    deliberate = _tremendous(tmp_path, rows, result_path=str(tmp_path / "worker-3.csv"), allow_other_accounts=True)
    assert deliberate.execute(context(run_id="manual__3"))["created"] == 2, "paid there only when asked explicitly"


def test_a_second_production_account_on_a_fresh_worker_is_refused(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    production_connections(monkeypatch, tremendous_sandbox)
    second_account()
    tremendous_sandbox.admin.tangocard_set_balance("acctb", 1000)
    for worker in ("worker-1", "worker-2"):
        (tmp_path / worker).mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "worker-1"))
    rows = tango_rows(2)
    assert tango_bulk(tmp_path, rows, result_path=None).execute(context())["created"] == 2
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "worker-2"))  # a fresh worker: no result files at all
    with pytest.raises(TremendousInputError, match="allow_other_accounts=True"):
        tango_bulk(tmp_path, rows, result_path=None, account_identifier="acctb").execute(context())
    assert len(_tango_orders(tremendous_sandbox)) == 2


def test_a_sandbox_rehearsal_is_never_recorded_and_never_blocks_production(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    rows = tango_rows(2)
    assert tango_bulk(tmp_path, rows, result_path=str(tmp_path / "rehearsal.csv")).execute(context())["created"] == 2
    assert (registry_store.get(registry_key("survey-7")) or {}).get("places") is None, "sandbox recorded as a place"
    tremendous_sandbox.admin.settings(production_keys=True)
    monkeypatch.setenv(
        "AIRFLOW_CONN_TREMENDOUS_DEFAULT",
        tremendous_sandbox.airflow_conn_json(api_key="PROD_x", environment="production"),
    )
    summary = _tremendous(tmp_path, rows, result_path=str(tmp_path / "production.csv")).execute(context())
    assert summary["created"] == 2
    places = registry_store.get(registry_key("survey-7"))["places"]
    assert [place["vendor"] for place in places.values()] == ["tremendous"]
    assert "PROD_x" not in str(registry_store.records), "a key in a Variable"


def test_a_dry_run_on_another_production_account_is_refused_too(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    production_connections(monkeypatch, tremendous_sandbox)
    rows = tango_rows(2)
    assert tango_bulk(tmp_path, rows, result_path=str(tmp_path / "a.csv")).execute(context())["created"] == 2
    with pytest.raises(TremendousInputError, match="other production account"):
        _tremendous(tmp_path, rows, result_path=str(tmp_path / "b.csv"), dry_run=True).execute(context())


# -- one run at a time -----------------------------------------------------------------------------------------------
def _sending_elsewhere(store: Any, shard: tuple[int, int], holder: str = "payouts/pay/scheduled__1/-1") -> Any:
    """Another DAG run that is sending this payout right now (its lease is live)."""
    identity = Identity("survey-7", "tangocard", "x", "sandbox")
    other = PayoutRegistry(store, identity, holder, shard, settle=0)
    other.claim()
    return other


def test_a_second_run_of_a_payout_that_is_sending_is_refused(
    tremendous_sandbox: Any, tmp_path: Path, registry_store: Any
) -> None:
    """Was: a manual run next to the scheduled one sent every row the other had not sent yet, each checking the
    balance and the caps alone."""
    _sending_elsewhere(registry_store, (0, 1))
    with pytest.raises(TremendousInputError, match=r"another run of this payout is sending now.*scheduled__1"):
        tango_bulk(tmp_path, tango_rows(3)).execute(context(dag_id="payouts", run_id="manual__2"))
    assert _tango_orders(tremendous_sandbox) == []


def test_a_retry_of_the_same_task_instance_takes_its_lease_over(
    tremendous_sandbox: Any, tmp_path: Path, registry_store: Any
) -> None:
    """A killed try leaves its lease live; the next try of the same task instance is the same holder."""
    _sending_elsewhere(registry_store, (0, 1), holder="payouts/pay/scheduled__1/-1")
    retry = context(dag_id="payouts", task_id="pay", run_id="scheduled__1")
    assert tango_bulk(tmp_path, tango_rows(3)).execute(retry)["created"] == 3
    lease = registry_store.get(registry_key("survey-7", "__sandbox__lease_0of1"))
    assert lease["holder"] == "payouts/pay/scheduled__1/-1" and lease["released"], "released at the end"
    again = tango_bulk(tmp_path, tango_rows(3)).execute(context(dag_id="payouts", run_id="manual__9"))
    assert again["already_paid"] == 3, "a released lease does not refuse the next run"


def test_a_changed_shard_count_while_shards_are_sending_is_refused(
    tremendous_sandbox: Any, tmp_path: Path, registry_store: Any
) -> None:
    _sending_elsewhere(registry_store, (1, 2))
    with pytest.raises(TremendousInputError, match=r"shard_count=2 is sending"):
        tango_bulk(tmp_path, tango_rows(4), shard_count=3, shard_index=0).execute(context(run_id="manual__2"))
    assert _tango_orders(tremendous_sandbox) == []


def test_payout_registry_false_turns_the_guards_off(
    tremendous_sandbox: Any, tmp_path: Path, registry_store: Any
) -> None:
    _sending_elsewhere(registry_store, (0, 1))
    summary = tango_bulk(tmp_path, tango_rows(2), payout_registry=False).execute(context(run_id="manual__2"))
    assert summary["created"] == 2


def test_a_registry_that_fails_refuses_production_and_warns_on_the_sandbox(
    tremendous_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry_store: Any
) -> None:
    def broken(key: str) -> None:
        raise RuntimeError("metadata database unreachable")

    monkeypatch.setattr(registry_store, "get", broken)
    assert tango_bulk(tmp_path, tango_rows(2)).execute(context())["created"] == 2, "sandbox: logged, not fatal"
    production_connections(monkeypatch, tremendous_sandbox)
    with pytest.raises(TremendousInputError, match=r"could not be used .*unreachable.*nothing was sent"):
        tango_bulk(tmp_path, tango_rows(4), result_path=str(tmp_path / "p.csv")).execute(context())
    assert len(_tango_orders(tremendous_sandbox)) == 2


# -- the protocol ----------------------------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


def _pair(store: Any, clock: Clock, shard_a: tuple[int, int] = (0, 1), shard_b: tuple[int, int] = (0, 1)) -> Any:
    identity = Identity("p-1", "tremendous", "acct", "production")
    a = PayoutRegistry(store, identity, "dag/pay/scheduled/-1", shard_a, clock, settle=0)
    b = PayoutRegistry(store, identity, "dag/pay/manual/-1", shard_b, clock, settle=0)
    return a, b


def test_two_claims_that_read_at_once_leave_at_most_one_holder(registry_store: Any) -> None:
    """No compare-and-set: both read a free lease, both write; read back after the settle delay, the one whose
    write was overwritten backs off."""
    a, b = _pair(registry_store, Clock())
    assert a._conflict() is None and b._conflict() is None  # both read: free
    a._write_lease()
    b._write_lease()  # b's write lands last
    assert a._conflict() is not None, "a sees b's claim and backs off"
    assert b._conflict() is None


def test_claims_with_two_shard_counts_at_once_never_both_hold(registry_store: Any) -> None:
    a, b = _pair(registry_store, Clock(), (0, 2), (0, 3))
    assert a._conflict() is None and b._conflict() is None
    a._write_lease()
    registry_store.set(registry_key("p-1", "__production__shards"), {"count": 2})
    b._write_lease()
    registry_store.set(registry_key("p-1", "__production__shards"), {"count": 3})
    assert not (a._conflict() is None and b._conflict() is None), "both would send"


def test_a_dead_runs_lease_expires_and_a_stalled_run_stops_when_taken_over(registry_store: Any) -> None:
    clock = Clock()
    a, b = _pair(registry_store, clock)
    a.claim()
    with pytest.raises(TremendousInputError):
        b.claim()
    clock.now += LEASE_TTL + dt.timedelta(seconds=1)  # a stalled (or died) past the lease's life
    b.claim()
    assert a.heartbeat() is not None, "a must stop sending: b holds the payout now"
    a.release()
    assert registry_store.get(registry_key("p-1", "__production__lease_0of1"))["holder"] == b.holder, (
        "a freed b's lease"
    )


def test_a_sending_run_renews_its_lease(registry_store: Any) -> None:
    clock = Clock()
    a, b = _pair(registry_store, clock)
    a.claim()
    for _ in range(30):  # 30 minutes of sending, one heartbeat a minute
        clock.now += dt.timedelta(minutes=1)
        assert a.heartbeat() is None
    with pytest.raises(TremendousInputError):
        b.claim()


def test_a_stalled_run_stops_even_when_the_run_that_took_over_has_finished(registry_store: Any) -> None:
    clock = Clock()
    a, b = _pair(registry_store, clock)
    a.claim()
    clock.now += LEASE_TTL + dt.timedelta(seconds=1)
    b.claim()
    b.release()  # b paid and finished while a stalled: what a read before is stale
    assert a.heartbeat() is not None


def test_a_second_try_of_the_same_task_instance_stops_the_first(registry_store: Any) -> None:
    """Airflow runs one try at a time, but a zombie try may still be sending when its retry claims the shard."""
    identity = Identity("p-1", "tremendous", "acct", "production")
    first = PayoutRegistry(registry_store, identity, "dag/pay/run/-1", (0, 1), Clock(), settle=0)
    first.claim()
    retry = PayoutRegistry(registry_store, identity, "dag/pay/run/-1", (0, 1), first.clock, settle=0)
    retry.claim()
    first.clock.now += dt.timedelta(minutes=2)  # type: ignore[attr-defined]
    assert first.heartbeat() is not None, "the zombie try goes on sending next to its retry"
    first.release()
    assert registry_store.get(registry_key("p-1", "__production__lease_0of1")).get("released") is None

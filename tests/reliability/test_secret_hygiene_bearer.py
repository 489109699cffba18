"""Bearer secrets never show up (issue item 3; strictness.md #10, #11): card numbers (a registered one and rejected
ones that trigger Tango field errors), a CVV, Tremendous redemption links (one order, a LINK bulk payout), Tango
reward credentials (orders and line items carry them) and an OAuth refresh token, each searched in its raw,
URL-encoded and Base64 forms across task logs, XComs and trigger events (every byte under AIRFLOW_HOME), exception
texts, reprs and result files: 0 hits. The files the user asked for (``redemption_links_path``, ``credentials_path``)
do hold them, which also shows the list of searched values is right; a control shows the scan sees every form."""

from __future__ import annotations

import base64
import csv
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

CARD_OK = "4012888888881881"  # a valid (Luhn) test card: registered
CARD_BAD = "4012888888881882"  # fails the Luhn check: refused, and echoed by the strict sandbox
CVV_BAD = "9x8z"  # refused: echoed as creditCard.verificationNumber
REFRESH_TOKEN = "rt+Bearer/7f3e=9c~d2a1"  # quoting and Base64 all change it
#: Keys of a Tango reward object: if one shows, the credentials (its PIN too, too short to search alone) leaked.
REWARD_MARKERS = ("credentialList", "redemptionInstructions", "Redemption URL")


def forms(secret: str) -> set[str]:
    """The raw value and the encodings a leak could take: URL-encoded (path, form, strict) and Base64 (std, url)."""
    raw = secret.encode()
    return {
        secret,
        quote(secret),
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }


def hits(secrets: list[str], texts: list[str], roots: list[Path]) -> list[str]:
    """Where any form of any secret occurs: ``texts`` (by index) and every file under ``roots``."""
    needles = {form: secret for secret in secrets for form in forms(secret)}
    needles.update({marker: marker for marker in REWARD_MARKERS})
    found = [f"text {i}: {needles[n][:10]}.. as {n[:10]}.." for i, t in enumerate(texts) for n in needles if n in t]
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path}: {needles[n][:10]}.. as {n[:10]}.." for n in needles if n.encode() in data]
    return found


def _dag() -> Any:
    """The scan's DAG, parsed from its file and, on Airflow 3, serialized to the database as the DAG processor would
    (``dag.test()`` re-syncs only the configured dags folder, the examples)."""
    try:
        from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db
    except ImportError:  # Airflow 2.11: dag.test() needs no serialized DAG
        from airflow.models.dagbag import DagBag

        sync_bag_to_db = None
    bag = DagBag(dag_folder=str(Path(__file__).parent / "dags" / "bearer_secret_scan.py"))
    if sync_bag_to_db is not None:
        from airflow.dag_processing.bundles.manager import DagBundlesManager

        DagBundlesManager().sync_bundles_to_db()
        sync_bag_to_db(bag, "dags-folder", None)
    return bag.dags["bearer_secret_scan"]


def _planted(sandbox: Any, outputs: Path) -> tuple[list[str], list[str]]:
    """Every bearer value the run produced, read back from the vendors (the sandbox), and those the opt-in files
    must hold (the single order's link, the Tango order's credentials)."""
    from airflow_provider_tremendous.hooks import TremendousHook
    from airflow_provider_tremendous.hooks.tangocard import TangoCardHook

    hook = TremendousHook()
    with (outputs / "links.csv").open(newline="") as handle:
        ids = ["scan-link-1", *(row["external_id"] for row in csv.DictReader(handle) if row.get("external_id"))]
    # the links themselves, from the emulator's state: Tremendous shows them on create-order answers only
    rewards = sandbox.state.collections["rewards"]
    links = [rewards[r.id]["delivery"].get("link") for i in ids if (o := hook.find_order(i)) for r in o.rewards or []]
    tango = TangoCardHook()
    order = tango.find_order("scan1")
    assert order is not None and order.reward
    items = list(tango.iter_line_items(reference_order_id=order.reference_order_id))
    assert items and items[0].reward, "strict sandbox: line items carry the credentials"
    credentials = [v for v in order.reward["credentials"].values() if len(v) > 8]  # the URL and the code
    assert len([x for x in links if x]) == 4 and len(credentials) == 2
    found = [x for x in links if x]
    return [*found, *credentials, CARD_OK, CARD_BAD, CVV_BAD, REFRESH_TOKEN], [found[0], *credentials]


@pytest.mark.airflow
def test_no_bearer_secret_anywhere(
    tremendous_sandbox: Any, airflow_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: Any, caplog: Any
) -> None:
    private, outputs = tmp_path / "private", tmp_path / "outputs"
    private.mkdir()
    outputs.mkdir()
    oauth = {
        "conn_type": "tremendous",
        "host": tremendous_sandbox.base_url,
        "password": "",
        "extra": {
            "oauth_client_id": "client-scan",
            "oauth_client_secret": "client-secret-scan",
            "oauth_refresh_token": REFRESH_TOKEN,
            "oauth_token_url": f"{tremendous_sandbox.origin}/oauth/token",
            "rate_limit_per_second": 0,
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_TREMENDOUS_OAUTH", json.dumps(oauth))
    monkeypatch.setenv("BEARER_SCAN_PRIVATE", str(private))
    monkeypatch.setenv("BEARER_SCAN_OUTPUTS", str(outputs))
    monkeypatch.setenv("BEARER_SCAN_CARDS", f"{CARD_OK},{CARD_BAD},{CVV_BAD}")
    dag = _dag()
    run = dag.test()
    assert str(getattr(run, "state", run)).endswith("success")
    secrets, opted_in = _planted(tremendous_sandbox, outputs)
    texts = [repr(task) for task in dag.tasks]
    captured = capfd.readouterr()
    texts += [captured.out, captured.err, caplog.text]
    assert "refused: " in captured.out + captured.err + caplog.text, "the field errors were logged"
    assert hits(secrets, texts, [Path(os.environ["AIRFLOW_HOME"]), outputs]) == []
    held = (private / "links.jsonl").read_text() + (private / "credentials.jsonl").read_text()
    assert [s for s in opted_in if s not in held] == [], "the opt-in files hold what was asked"


@pytest.mark.parametrize("secret", [CARD_OK, REFRESH_TOKEN, "https://testflight.tremendous.com/rewards/payout/R1-ab"])
def test_the_scan_sees_every_form(tmp_path: Path, secret: str) -> None:
    """The planted control: each form of a secret, in a nested file and in a text, is found."""
    for index, form in enumerate(sorted(forms(secret))):
        (tmp_path / "nested").mkdir(exist_ok=True)
        (tmp_path / "nested" / f"f{index}.bin").write_bytes(b"\x00log: " + form.encode() + b" ...")
        assert hits([secret], [f"... {form} ..."], []) != [], form
    assert len(hits([secret], [], [tmp_path])) >= len(forms(secret))
    assert hits([secret], ['{"credentialList": []}'], []) != [], "a reward object's markers are seen too"

"""A registered card's token (it charges the card) travels in the path of ``GET /creditCards/{token}``; the fixes
scrub it from 4xx/5xx texts, the path shown and the retry log line. Three other exits still carry it:

* a 2xx answer that is not JSON — e.g. a WAF/proxy block page (F5 answers 200 "The requested URL ... was
  rejected" and echoes the URL): ``Operation._decode_json`` puts ``response.content[:300]`` in the exception raw;
* a 2xx JSON answer of another shape: ``Operation.parse`` puts ``request.path`` (not ``shown_path``) in the text;
* a connection failure: ``RequestsTransport.send`` scrubs its own text but chains the raw ``requests`` error
  (``raise ... from error``), whose text holds "Max retries exceeded with url: /.../creditCards/<token>"; every
  formatted traceback (task log, ``airflow tasks test``, Sentry) prints the chain.

Rule 3: no card token in exceptions. Reproduced against a loopback stub (the sandbox always answers well-formed).
"""

from __future__ import annotations

import json
import socket
import traceback
from typing import Any

import pytest

from airflow_provider_tremendous.hooks.tangocard import TangoCardHook
from tests.support.http_stub import Reply

TOKEN = "cardtokA1b2C3d4E5f6G7h8"


def _tango_conn(monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    conn = {
        "conn_type": "tangocard",
        "host": base_url,
        "login": "platformname",
        "password": "platformkey",
        "extra": {"customer_identifier": "c", "account_identifier": "a", "max_retries": 0},
    }
    monkeypatch.setenv("AIRFLOW_CONN_TANGOCARD_DEFAULT", json.dumps(conn))


def _everything(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__)) + repr(error)


def test_a_200_block_page_echoing_the_url_is_not_shown(stub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _tango_conn(monkeypatch, stub.base_url)
    page = f"<html><body>The requested URL /api/v2/creditCards/{TOKEN} was rejected.</body></html>"
    stub.add(Reply(200, page.encode(), {"Content-Type": "text/html"}))
    with pytest.raises(Exception) as caught:
        TangoCardHook().get_credit_card(TOKEN)
    assert TOKEN not in str(caught.value), str(caught.value)


def test_a_2xx_of_another_shape_does_not_show_the_path(stub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _tango_conn(monkeypatch, stub.base_url)
    stub.add(Reply.json(["unexpected"]))
    with pytest.raises(Exception) as caught:
        TangoCardHook().get_credit_card(TOKEN)
    assert TOKEN not in str(caught.value), str(caught.value)


def test_a_refused_connection_does_not_chain_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _tango_conn(monkeypatch, f"http://127.0.0.1:{port}/raas/v2")
    with pytest.raises(Exception) as caught:
        TangoCardHook().get_credit_card(TOKEN)
    assert TOKEN not in str(caught.value)  # the fixes' scrub holds for the message itself
    assert TOKEN not in _everything(caught.value), _everything(caught.value)[-800:]

"""The marker key names the platform by the connection's *credential* (``tangocard:<platform name>``, or the OAuth
client id when the login is empty), not by the platform/account the money moves in. Moving a connection from
Basic auth to OAuth between two tries of one task (same account, same externalRefID) gives a new key: the
uncertain first attempt is no longer seen and the card is charged again."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airflow_provider_tremendous.core.once import UncertainSendError
from tests.reviews.issue13a.helpers import card, deposits, fund
from tests.support.context import context


def test_switching_the_connection_to_oauth_between_tries_does_not_resend(
    tremendous_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = card()
    tremendous_sandbox.admin.faults(drop_after_commit_rate=1.0, path_prefix="/creditCardDeposits", method="POST")
    with pytest.raises(UncertainSendError):
        fund(token, external_ref_id="janTopUp").execute(context())
    tremendous_sandbox.admin.faults(drop_after_commit_rate=0.0)
    assert len(deposits(tremendous_sandbox)) == 1  # it went through; the answer was lost
    oauth = {
        "oauth_client_id": "client",
        "oauth_client_secret": "secret",
        "oauth_token_url": f"{tremendous_sandbox.origin}/oauth/token",
        "rate_limit_per_second": 0,
    }
    connection = tremendous_sandbox.tangocard_connection(**oauth) | {"login": "", "password": ""}
    monkeypatch.setenv("AIRFLOW_CONN_TANGOCARD_DEFAULT", json.dumps(connection))  # same platform, same account
    with pytest.raises(UncertainSendError):  # the retry must still refuse
        fund(token, external_ref_id="janTopUp").execute(context())
    assert len(deposits(tremendous_sandbox)) == 1

"""A registered card's token (it charges the card: a secret under rule 3) must not appear in an exception a
deposit raises, nor in the marker."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reviews.issue13a.helpers import fund
from tests.support.context import context

TOKEN = "cardtok9f8e7d6c5b4a"


def test_an_unknown_card_token_is_not_echoed_in_the_error(tremendous_sandbox: Any, marker_store: Any) -> None:
    with pytest.raises(Exception) as refused:
        fund(TOKEN).execute(context())
    texts = [str(refused.value), repr(refused.value), repr(getattr(refused.value, "__dict__", {}))]
    texts += [str(marker_store.records)]
    print(texts)
    assert not [t for t in texts if TOKEN in t]

"""Canonical keys and the versioned external-id derivation: examples, test vectors and properties."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from airflow_provider_tremendous.payouts.keys import (
    LEGACY_V1,
    IdScheme,
    canonical_key,
    external_id,
    mode_conflict,
    prefix,
    prefixes,
    row_ids,
)

PAYOUT_IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)
KEYS = st.text(min_size=1, max_size=150).filter(lambda k: _valid(k))


def _valid(key: Any) -> bool:
    try:
        canonical_key(key)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("spellings", "canonical"),
    [
        ([17, 17.0, "17", "17.0", " 17 ", Decimal("17"), Decimal("17.00"), "\uff11\uff17"], "17"),
        (["R17", "r17", " R17", "\uff5217"], "r17"),
        (["Jos\u00e9", "Jose\u0301", "JOSÉ"], "jos\u00e9"),
        (["Straße", "STRASSE"], "strasse"),
    ],
)
def test_spellings_of_one_key_are_one_key(spellings: list[Any], canonical: str) -> None:
    assert {canonical_key(s) for s in spellings} == {canonical}


def test_keep_case_keeps_case_but_still_normalises() -> None:
    assert canonical_key("R17", keep_case=True) == "R17" and canonical_key("Jose\u0301", True) == "Jos\u00e9"
    assert canonical_key(17.0, keep_case=True) == "17"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("r\u200b17", "U\\+200B"),  # zero-width space
        ("r17\u202e", "U\\+202E"),  # bidi override
        ("r\x0017", "U\\+0000"),
        ("r\n17", "U\\+000A"),
        ("   ", "empty"),
        (None, "empty"),
        (True, "true/false"),
        (17.5, "fractional"),
        (float("nan"), "not a key"),
        ("x" * 201, "longer than 200"),
        (["17"], "list is not a key"),
    ],
)
def test_invisible_ambiguous_or_missing_keys_are_refused_with_the_fix(value: Any, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        canonical_key(value)


def test_vectors_of_derivation_v2() -> None:
    """The exact ids docs/bulk_payouts.md documents (any change here is a new derivation version)."""
    assert external_id("survey-42", "r17") == "survey-42:r17"
    assert external_id("survey-42", "k" * 95) == "survey-42:#5be79fe3f672c5895e67110b76036108"
    assert external_id("survey-42", "#r17") == "survey-42:#c78554fc842442c471271483bb302144"
    assert prefix("survey-42", "tangocard") == "v27bf2add07d19ff34e9d1a13b"
    assert external_id("survey-42", "r17", "tangocard") == (
        "v27bf2add07d19ff34e9d1a13b" + "aea81f851ccc12358bf2eb868747faa5"
    )
    # derivation v1, still looked up: the key as written, and the old hashed form of long keys
    assert external_id("survey-42", "R17", scheme=LEGACY_V1) == "survey-42:R17"
    assert external_id("survey-42", "k" * 95, scheme=LEGACY_V1) == "survey-42:h-5be79fe3f672c5895e67110b76036108"


def test_row_ids_carry_the_ids_of_other_derivations_only_when_they_differ() -> None:
    plain = row_ids("p", "r17")
    assert (plain.key, plain.external_id, plain.alternate_ids) == ("r17", "p:r17", {})
    upper = row_ids("p", "R17")
    assert upper.external_id == "p:r17" and upper.alternate_ids == {"p:R17": "v1"}
    pandas = row_ids("p", 17.0)
    assert pandas.external_id == "p:17" and pandas.alternate_ids == {"p:17.0": "v1"}
    kept = row_ids("p", "R17", keep_case=True)
    assert kept.external_id == "p~R17" and kept.alternate_ids == {}, "keep_case has its own namespace, pinned"
    assert row_ids("p", "r17", keep_case=True).external_id == "p~r17" != row_ids("p", "r17").external_id
    tango = row_ids("p", "17", "tangocard")
    assert tango.alternate_ids == {"p:17": "v1"}, "every earlier Tango id had a ':'"


def test_prefixes_cover_every_derivation() -> None:
    assert prefixes("p") == ["p:", "p~"]
    keep = IdScheme(keep_case=True)
    assert prefixes("p", "tangocard") == [prefix("p", "tangocard"), prefix("p", "tangocard", keep), "p:"]
    assert prefix("p", "tangocard").startswith("v2") and prefix("p", "tangocard", keep).startswith("k2")


def test_keep_case_is_pinned_per_payout() -> None:
    assert mode_conflict("p", "tremendous", False, ["p:r17", "p:R18"]) is None, "v1 and v2 continue together"
    assert "continue it with keep_case=True" in str(mode_conflict("p", "tremendous", False, ["p~R17"]))
    assert "keep_case=False" in str(mode_conflict("p", "tremendous", True, ["p:r17"]))
    assert mode_conflict("p", "tremendous", True, ["p~R17", "p2:x"]) is None


@settings(deadline=None, max_examples=400)
@given(KEYS, st.booleans())
def test_canonicalisation_is_idempotent(key: str, keep_case: bool) -> None:
    once = canonical_key(key, keep_case)
    assert canonical_key(once, keep_case) == once
    assert unicodedata.is_normalized("NFKC", once)


@settings(deadline=None, max_examples=400)
@given(PAYOUT_IDS, KEYS, PAYOUT_IDS, KEYS, st.sampled_from(["tremendous", "tangocard"]))
def test_distinct_payout_and_key_pairs_get_distinct_ids(
    payout_a: str, key_a: str, payout_b: str, key_b: str, vendor: str
) -> None:
    a, b = (payout_a, canonical_key(key_a)), (payout_b, canonical_key(key_b))
    assume(a != b)
    assert external_id(*a, vendor) != external_id(*b, vendor)


@settings(deadline=None, max_examples=200)
@given(PAYOUT_IDS, st.text(alphabet="0123456789abcdef", min_size=32, max_size=32))
def test_no_literal_key_reaches_the_hashed_namespace(payout_id: str, digest: str) -> None:
    """A key spelled like a hashed id (today's ``#<digest>``, or the old ``h-<digest>``) is never another key's id."""
    hashed = external_id(payout_id, "x" * 150)
    for literal in (f"#{digest}", hashed.split(":", 1)[1], f"h-{digest}"):
        assert external_id(payout_id, canonical_key(literal)) != hashed or canonical_key(literal) == "x" * 150


@settings(deadline=None, max_examples=400)
@given(PAYOUT_IDS, KEYS, st.booleans())
def test_tango_ids_are_always_alphanumeric_and_share_the_payout_prefix(payout_id: str, key: str, keep: bool) -> None:
    scheme = IdScheme(keep_case=keep)
    ident = external_id(payout_id, canonical_key(key, keep), "tangocard", scheme)
    assert re.fullmatch(r"[A-Za-z0-9]{1,100}", ident)
    assert ident.startswith(prefix(payout_id, "tangocard", scheme)) and len(ident) == 58


@settings(deadline=None, max_examples=300)
@given(PAYOUT_IDS, KEYS)
def test_tremendous_ids_fit_and_keep_their_readable_form_where_they_can(payout_id: str, key: str) -> None:
    canonical = canonical_key(key)
    ident = external_id(payout_id, canonical)
    assert len(ident) <= 100 and ident.startswith(f"{payout_id}:")
    if len(payout_id) + 1 + len(canonical) <= 100 and not canonical.startswith("#"):
        assert ident == f"{payout_id}:{canonical}"

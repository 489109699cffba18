"""Keys that write a number: which numbers a key may mean, so that one person's id written two ways in one file
(``17`` and ``017``, ``1234`` and ``1,234``, ``17`` and ``17,0``) is refused instead of paid twice.

Canonical keys (:mod:`.keys`) stay as they are: they make the external ids, which must not change under a payout in
progress. This module only compares. A key reads as a number when, after mapping any script's decimal digits to
ASCII, typographic minus signs and dashes to ``-``, the Arabic separators to ``.`` and ``,``, and spaces,
apostrophes and underscores to one grouping mark, it is::

    [+-] mantissa [e [+-] digits]

where the mantissa is digits with at most one decimal separator (``.`` or ``,``) and thousands grouped by another
mark (a first group of 1-3 digits not led by 0, then groups of 3; or the Indian ``12,34,567``), and the exponent is
signed or follows a decimal mantissa (``1E+16``, ``1.7e1``: a bare ``0e1234`` is a hex id). A leading apostrophe or
Excel's ``="..."``, which keep a number as text, are read through. A mantissa a spreadsheet may have written either
way (``1,234``: one thousand two hundred thirty-four, or one point two three four) has both readings; two keys meet
when any of their readings is the same number. Each reading is written plainly (``1234``, ``1.234``, ``-17``,
``0.5``), so a plainly written key is one of its own readings, and a file of plain whole numbers costs nothing more
to check. A number too long to write plainly as a key keeps an exponent; no reading is ever computed, only read off
the digits, so a key like ``1e99999999999999999999`` costs nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

#: The longest key (as :data:`.keys.MAX_KEY`): a reading longer than that keeps its exponent.
_LONGEST_PLAIN = 200
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
#: Apostrophes and primes that group thousands (Swiss ``1'000``) or, around a number, keep it text (``'017``).
_APOSTROPHES = "'\u2018\u2019\u02b9\u02bc\u2032"
_GROUP_MARKS = "_" + _APOSTROPHES
#: Quotation marks of every common style (English, French, German, Japanese...): a quoted number is that number.
_QUOTES = _APOSTROPHES + '"`\u00b4\u00ab\u00bb\u201a\u201b\u201c\u201d\u201e\u201f\u2039\u203a\u300c\u300d\u300e\u300f'
_ASCII_MARKS = str.maketrans({"'": " ", "_": " ", "\t": " "})
_HAS_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<mantissa>[0-9][0-9., ]*|[.,][0-9][0-9., ]*)(?:e(?P<exponent>[+-]?[0-9]+))?")
_DIGITS = re.compile(r"[0-9]+")


def number_readings(key: str) -> frozenset[str]:
    """Every number ``key`` may write, each written plainly; empty when ``key`` is not a number.

    >>> sorted(number_readings("1,234"))
    ['1.234', '1234']
    >>> sorted(number_readings("017")), sorted(number_readings("17,0")), sorted(number_readings("R17"))
    (['17'], ['17'], [])
    """
    if not _HAS_DIGIT.search(key):
        return frozenset()
    match = _NUMBER.fullmatch(_ascii(_unwrapped(key)))
    if match is None or not _plausible_exponent(match):
        return frozenset()
    exponent = int(match["exponent"] or 0)  # at most 200 digits: a key is no longer
    negative = match["sign"] == "-"
    return frozenset(
        _plain(negative, whole + fraction, exponent - len(fraction))
        for whole, fraction in _mantissas(match["mantissa"])
    )


def _unwrapped(key: str) -> str:
    """``key`` without the marks a spreadsheet or a hand adds to keep a number as text or to quote it: Excel's
    formula ``="017"``, and apostrophes, primes or quotation marks around it (``'017``, ``'017'``, ``"17"``)."""
    if key.startswith("=") and key[1:2] and key[1] in _QUOTES:  # Excel's ="017", whatever its quotes
        key = key[1:]
    return key.strip(_QUOTES)


def _plausible_exponent(match: re.Match[str]) -> bool:
    """Scientific notation as spreadsheets and pandas write it: a signed exponent (``1E+16``) or a decimal
    mantissa (``1.7e1``). A bare ``0e1234`` is far likelier a short hex id than a number."""
    exponent = match["exponent"]
    return exponent is None or exponent[0] in "+-" or "." in match["mantissa"] or "," in match["mantissa"]


def _ascii(key: str) -> str:
    """``key`` lower-cased with every digit ASCII, dashes ``-``, Arabic separators ``.``/``,``, grouping marks
    a space."""
    if key.isascii():
        return key.lower().translate(_ASCII_MARKS)
    return "".join(_ascii_character(character) for character in key.lower())


def _ascii_character(character: str) -> str:
    value = unicodedata.decimal(character, None)
    if value is not None:
        return str(value)
    if character in _DASHES:
        return "-"
    if character == "\u066b":  # ARABIC DECIMAL SEPARATOR
        return "."
    if character in "\u066c\u060c":  # ARABIC THOUSANDS SEPARATOR, ARABIC COMMA (typed for either separator)
        return ","
    if character in _GROUP_MARKS or character.isspace():
        return " "
    return character


def _mantissas(mantissa: str) -> list[tuple[str, str]]:
    """The ``(whole digits, fraction digits)`` readings of ``mantissa``: with no decimal separator, with ``.``
    as the separator, or with ``,``; the other marks must group thousands."""
    readings = []
    for separator in ("", ".", ","):
        if separator and mantissa.count(separator) != 1:
            continue
        whole, _, fraction = mantissa.partition(separator) if separator else (mantissa, "", "")
        if (whole or fraction) and _DIGITS.fullmatch(fraction or "0"):
            digits = _grouped(whole, separator)
            if digits is not None:
                readings.append((digits, fraction))
    return readings


def _grouped(whole: str, separator: str) -> str | None:
    """The digits of ``whole`` when its marks (not ``separator``) group thousands with one mark (``1,234,567``, or
    the Indian ``12,34,567``), else ``None``."""
    if _DIGITS.fullmatch(whole) or not whole:
        return whole
    marks = {character for character in whole if not character.isdigit()}
    if len(marks) != 1 or separator in marks:
        return None
    groups = whole.split(marks.pop())
    first, middle, last = groups[0], groups[1:-1], groups[-1]
    if not first.isdigit() or first[0] == "0" or len(last) != 3 or not last.isdigit():
        return None
    thousands = len(first) <= 3 and all(len(g) == 3 for g in middle)
    lakhs = len(first) <= 2 and bool(middle) and all(len(g) == 2 for g in middle)
    return "".join(groups) if (thousands or lakhs) and all(g.isdigit() for g in middle) else None


def _plain(negative: bool, digits: str, exponent: int) -> str:
    """``digits`` times 10**``exponent`` written plainly (``-17``, ``0.5``), or with an exponent when too long."""
    significant = digits.lstrip("0")
    trimmed = significant.rstrip("0")
    if not trimmed:
        return "0"
    exponent += len(significant) - len(trimmed)
    sign = "-" if negative else ""
    if max(exponent, -exponent) + len(trimmed) > _LONGEST_PLAIN:
        return f"{sign}{trimmed}e{exponent}"
    if exponent >= 0:
        return sign + trimmed + "0" * exponent
    whole, fraction = trimmed[:exponent], trimmed[exponent:].rjust(-exponent, "0")
    return f"{sign}{whole or '0'}.{fraction}"


class SpellingCheck:
    """Finds the rows of one input whose keys may write a number an earlier row's key writes.

    It remembers only the readings a key does not write plainly, by hash, as the key string the caller already
    holds: a file of plain whole numbers adds nothing, 100,000 zero-padded ids about 4 MB. A plainly written
    reading is looked up among the keys the caller has seen. Two numbers whose hashes meet by chance (about 1 in
    10**9 at 100,000 rows) refuse a row that could have been paid: never a payment twice.
    """

    def __init__(self) -> None:
        self._readings: dict[int, str] = {}

    def earlier_spelling(self, key: str, written: object, seen: Callable[[str], bool]) -> str | None:
        """The earlier key that may write a number ``key`` (canonical) or ``written`` (as the row wrote it: the
        canonical form folds ``1.000`` to ``1``) writes, or ``None``; ``seen`` says whether a key is an earlier
        row's."""
        readings = number_readings(key)
        if isinstance(written, str):
            readings |= number_readings(unicodedata.normalize("NFKC", written).strip())
        for reading in readings:
            earlier = reading if reading != key and seen(reading) else self._readings.get(hash(reading))
            if earlier is not None and earlier != key:
                return earlier
        for reading in readings - {key}:
            self._readings.setdefault(hash(reading), key)
        return None

"""The one money parser: every amount the provider reads — bulk rows, single rewards, invoices, top-ups, Tango
deposits and orders, caps — goes through :func:`parse_amount`, so ``"10,50"`` can never become 1,050.00.

The accepted text is deliberately narrow, so that what is paid is always the plain decimal reading of what was
written. After surrounding whitespace is trimmed: ASCII digits, optionally followed by the decimal separator and
1 to N digits (N: the currency's ISO 4217 minor units, at most the vendor's limit). Leading zeros are allowed.
Refused, each with the fix: commas (unless ``decimal_separator=","`` is chosen explicitly, under which a ``.`` is
refused), exponents, underscores, grouping separators, non-ASCII digits, signs, ``.5`` and ``5.``, booleans,
NaN and infinity, zero, and more decimals than the currency has.

Native values from upstream tasks: ``int`` and ``Decimal`` are taken as they are (still positive, finite, within
the decimals); a ``float`` only when its shortest ``repr`` passes the text grammar (``10.5`` yes, ``0.1 + 0.2``
no), since anything else is already not the number somebody meant.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

#: The most decimals a vendor takes on an amount (Tremendous: cents; Tango Card: "at most 2 decimals", 422.140).
VENDOR_DECIMALS = 2
#: ISO 4217 minor units of the currencies that do not have two (every other supported code has two).
_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
MINOR_UNITS = {**dict.fromkeys(_ZERO_DECIMALS.split(), 0), **dict.fromkeys(_THREE_DECIMALS.split(), 3)}
SEPARATORS = (".", ",")
_EXAMPLE = {".": "12.50", ",": "12,50"}
#: The largest reward a single row or order may carry: larger amounts are unit mistakes (cents given as dollars)
#: far more often than intended, and every amount up to it is exact as a JSON number.
MAX_REWARD = Decimal(100_000)
#: Tango Card: "more than 6 digits" is refused (422.140).
TANGO_MAX = Decimal("999999.99")


class AmountError(ValueError):
    """An amount that is not accepted; the message says what was wrong and how to write it."""


def decimals_for(currency: str | None, vendor_decimals: int = VENDOR_DECIMALS) -> int:
    """How many decimals an amount in ``currency`` may have: the ISO 4217 minor units, at most the vendor's."""
    return min(MINOR_UNITS.get((currency or "").upper(), 2), vendor_decimals)


def _grammar(separator: str, decimals: int) -> re.Pattern[str]:
    fraction = f"(?:{re.escape(separator)}[0-9]{{1,{decimals}}})?" if decimals else ""
    return re.compile(rf"[0-9]+{fraction}", re.ASCII)


def _explain(text: str, separator: str, decimals: int) -> str:
    """Why ``text`` does not match the grammar, and the fix."""
    example = _EXAMPLE[separator] if decimals else "12"
    other = "," if separator == "." else "."
    if not text:
        return f"is empty: give the amount, e.g. {example}"
    if text[0] in "+-" or "\u2212" in text:
        return f"{text!r} has a sign: give a positive amount without + or -, e.g. {example}"
    if re.search(r"[eE]", text) and re.fullmatch(r"[0-9.,]*[eE][+-]?[0-9]+", text, re.ASCII):
        return f"{text!r} is in exponent notation: write the amount out, e.g. {example}"
    if other in text:
        if separator == ".":
            return (
                f"{text!r} has a comma: write the amount with a '.' decimal point and no thousands separators "
                f"(e.g. {example}), or pass decimal_separator=',' if every amount uses a decimal comma"
            )
        return f"{text!r} has a '.', but decimal_separator=',' was chosen: write e.g. {example}"
    if "_" in text or re.search(r"[\s'\u00a0\u202f]", text):
        return f"{text!r} has a grouping separator: write the digits without separators, e.g. {example}"
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text):
        return f"{text!r} has non-ASCII digits: write it with the digits 0-9, e.g. {example}"
    if text.startswith(separator) or text.endswith(separator):
        return f"{text!r} needs digits on both sides of the decimal separator, e.g. 0{separator}50 or 5"
    if re.fullmatch(rf"[0-9]+{re.escape(separator)}[0-9]+", text, re.ASCII):
        places = len(text.split(separator)[1])
        if not decimals:
            return f"{text!r} has decimals, but this currency has none: give a whole amount, e.g. 12"
        return f"{text!r} has {places} decimals, more than the {decimals} allowed: round it, e.g. {example}"
    return f"{text!r} is not an amount: use digits with an optional decimal part, e.g. {example}"


def parse_amount(
    value: Any,
    *,
    decimals: int = VENDOR_DECIMALS,
    decimal_separator: str = ".",
    maximum: Decimal | None = None,
) -> Decimal:
    """The exact amount ``value`` stands for, or :class:`AmountError` saying why not and how to write it.

    :param decimals: the most decimal places allowed (see :func:`decimals_for`).
    :param decimal_separator: ``"."`` (default) or ``","``, never guessed.
    :param maximum: refuse amounts above this (a unit mistake, e.g. cents given as dollars).
    """
    if decimal_separator not in SEPARATORS:
        raise ValueError(f"decimal_separator must be '.' or ',', got {decimal_separator!r}")
    amount = _read(value, decimals, decimal_separator)
    if not amount.is_finite():
        raise AmountError(f"{value!r} is not a finite amount: give a number, e.g. {_EXAMPLE['.']}")
    if amount <= 0:
        raise AmountError(f"{value!r} is not positive: give an amount above zero")
    if amount.adjusted() >= 15:  # beyond any reward, and beyond what a JSON number carries exactly
        raise AmountError(f"{value!r} is far too large to be an amount: check the unit and the column")
    if not _has_at_most(amount, decimals):
        raise AmountError(f"{value!r} has more than {decimals} decimals: round it to {decimals} places")
    if maximum is not None and amount > maximum:
        raise AmountError(f"{value!r} is over {maximum:,}: check the unit (e.g. dollars, not cents)")
    return amount


def _has_at_most(amount: Decimal, decimals: int) -> bool:
    try:
        return amount == amount.quantize(Decimal(1).scaleb(-decimals))
    except InvalidOperation:  # too many digits to quantize: far beyond any amount anyway
        return False


def _read(value: Any, decimals: int, separator: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise AmountError(f"{value!r} is not an amount: give a number, e.g. {_EXAMPLE['.']}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        text = float.__repr__(value)  # a float subclass (numpy's float64) has a repr of its own
        if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text, re.ASCII):
            raise AmountError(
                f"{text} is a floating-point number that is not an exact amount: pass it as text or Decimal "
                f"with at most {decimals} decimals, e.g. {_EXAMPLE['.']}"
            )
        amount = Decimal(text)
        if not _has_at_most(amount, decimals):
            raise AmountError(
                f"{text} is a floating-point number with more than {decimals} decimals (float arithmetic such as "
                f"0.1 + 0.2 is not exact): round it, or pass it as text or Decimal, e.g. {_EXAMPLE['.']}"
            )
        return amount
    if not isinstance(value, str):
        raise AmountError(f"{value!r} ({type(value).__name__}) is not an amount: give text or a number")
    text = value.strip()
    if not _grammar(separator, decimals).fullmatch(text):
        raise AmountError(_explain(text, separator, decimals))
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the grammar admits only plain decimals
        raise AmountError(_explain(text, separator, decimals)) from None


def format_amount(amount: Decimal, currency: str | None = None, vendor_decimals: int = VENDOR_DECIMALS) -> str:
    """``amount`` written with the currency's decimals (``10.50``, ``500`` for JPY), for files and messages."""
    places = decimals_for(currency, vendor_decimals)
    return f"{amount.quantize(Decimal(1).scaleb(-places)):f}"

"""Who is paid: recipients checked by kept libraries (email-validator, phonenumbers), never by a home-made regex,
and one identity per person for caps and duplicate detection.

- **Email**: syntax only (``check_deliverability=False``: no DNS, which would be slow and reach the network).
  Internationalised addresses (a non-ASCII domain or local part) are refused unless ``allow_international=True``:
  that closes homoglyph domains such as ``ex\u0430mple.com`` (a Cyrillic ``\u0430``). What is sent keeps the user's
  spelling (trimmed); the identity is the whole normalised address, case-folded.
- **Phone**: parsed to E.164 (``+14155550123``), which is what is sent and the identity. A number without a country
  code is refused unless a ``default_region`` (e.g. ``"US"``) is named; an impossible number is refused.
- Control, zero-width and bidi characters are refused in both: addresses that look alike must be alike.

The libraries are imported when first used, so DAG parsing does not pay for them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Unicode categories refused in keys and recipients: control, format (zero-width, bidi marks and isolates), line
#: and paragraph separators, private use, surrogates, unassigned.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


#: Characters that show nothing yet are letters or marks (so not in :data:`INVISIBLE_CATEGORIES`): Unicode's
#: default-ignorable ones (combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other
#: variation selectors) and the blank braille pattern. A key holding one looks like another key; a name may hold a
#: variation selector (an emoji's), so only keys refuse them.
KEY_INVISIBLE = frozenset(
    (0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0, *range(0x180B, 0x1810), *range(0xFE00, 0xFE10))
) | frozenset(range(0xE0100, 0xE01F0))


def invisible_characters(text: str, key: bool = False) -> str | None:
    """A reason naming the invisible or control characters of ``text`` (``U+200B, U+202E``), or ``None``; a ``key``
    refuses :data:`KEY_INVISIBLE` too."""
    found = [ch for ch in text if is_invisible(ch, key)]
    if not found:
        return None
    names = ", ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(found))
    return f"contains invisible or control characters ({names}): remove them; values that look alike must be alike"


def visible_key(text: str) -> str:
    """``text`` without the characters a key refuses (:func:`is_invisible`): how a refused key reads, to match it
    with its other spellings."""
    return "".join(character for character in text if not is_invisible(character, key=True))


def is_invisible(character: str, key: bool = False) -> bool:
    """Whether ``character`` shows nothing (or controls how text shows); for a ``key``, also :data:`KEY_INVISIBLE`."""
    return unicodedata.category(character) in INVISIBLE_CATEGORIES or (key and ord(character) in KEY_INVISIBLE)


@dataclass(frozen=True)
class Email:
    """An email address as sent (the user's spelling) and as compared (``identity``)."""

    sent: str
    identity: str


def check_email(value: str, allow_international: bool = False) -> Email:
    """The checked address, or :class:`ValueError` saying what is wrong and how to fix it."""
    text = value.strip()
    hidden = invisible_characters(text)
    if hidden:
        raise ValueError(f"{text!r} {hidden}")
    if not allow_international and not text.isascii():
        odd = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in dict.fromkeys(ch for ch in text if not ch.isascii()))
        raise ValueError(
            f"{text!r} has non-ASCII characters {odd}, which can imitate Latin letters: check the address, or pass "
            "allow_international_email=True if it really is internationalised"
        )
    if not allow_international and "xn--" in text.lower():
        raise ValueError(
            f"{text!r} has an internationalised (punycode xn--) domain, which can imitate a Latin one: check the "
            "address, or pass allow_international_email=True if it really is internationalised"
        )
    from email_validator import EmailNotValidError, validate_email

    try:
        valid = validate_email(text, check_deliverability=False, allow_smtputf8=allow_international)
    except EmailNotValidError as error:
        raise ValueError(f"{text!r} is not a valid email address: {error}") from None
    return Email(sent=text, identity=(valid.ascii_email or valid.normalized).casefold())


def email_identity(sent: str) -> str:
    """The identity of an address :func:`check_email` accepted, without validating it again (cheap for ASCII
    addresses, whose normalisation is exactly lower-casing the domain)."""
    if sent.isascii() and "xn--" not in sent.lower():
        return sent.casefold()
    return check_email(sent, allow_international=True).identity


def check_phone(value: str, default_region: str | None = None) -> str:
    """The number in E.164 (``+14155550123``), or :class:`ValueError` saying what is wrong and how to fix it."""
    text = value.strip()
    hidden = invisible_characters(text)
    if hidden:
        raise ValueError(f"{text!r} {hidden}")
    if not text.startswith("+") and not default_region:
        raise ValueError(
            f"{text!r} has no country code: write it with + and the country code (e.g. +14155550123), or name the "
            "region of numbers without one (default_phone_region='US')"
        )
    import phonenumbers

    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else default_region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"{text!r} is not a phone number ({error}): write it as +<country code><number>") from None
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or default_region or "its country"
        raise ValueError(f"{text!r} is not a valid phone number for {where}: check the digits and the country code")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))

"""Checks every vendor's connection gets before anything is sent: where its URLs really point (sandbox or not), and
whether its credentials can be sent at all — never echoing a credential or a URL that may hold one.

Hosts are normalised (IDNA, lower case, one trailing dot) before the sandbox/production decision; only the vendor's
known sandbox hosts and loopback addresses are the sandbox (strictness.md, Hosts).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import NoReturn
from urllib.parse import urlsplit

import urllib3

from airflow_provider_tremendous.core.errors import ConfigurationError


def normalise_host(host: str) -> str:
    """``host`` as it is compared: IDNA-encoded (so a full-width or other Unicode spelling becomes the name it
    resolves to), lower case, one trailing dot removed.

    :raises ValueError: when ``host`` is not a valid host name (an empty label, a label over 63 characters).
    """
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("not a valid host name") from None
    encoded = encoded.lower()
    return encoded[:-1] if encoded.endswith(".") else encoded


def is_loopback(host: str) -> bool:
    """Whether a normalised host is this machine (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def non_sandbox_hosts(conn_id: str, urls: Iterable[str], sandbox_hosts: frozenset[str]) -> list[str]:
    """The normalised hosts of ``urls`` that are neither in ``sandbox_hosts`` nor loopback: each needs
    ``environment=production``.

    :raises ConfigurationError: when a URL has no host or an invalid one.
    """
    found = []
    for url in urls:
        host = checked_host(conn_id, url)
        if host not in sandbox_hosts and not is_loopback(host):
            found.append(host)
    return sorted(set(found))


def checked_host(conn_id: str, url: str) -> str:
    """The normalised host of ``url``, once it is certain that every HTTP client reads the same host from it.

    Refused, without echoing the URL (it may hold a password): a backslash, whitespace or control character
    (``requests`` ends the host at a backslash where :func:`urllib.parse.urlsplit` reads on, so
    ``https://api.tangocard.com\\@integration-api.tangocard.com`` would be judged the sandbox and sent to
    production); a user name or password in the URL; a host that urllib3 (the sync client's parser) and urlsplit
    (httpx's reading) do not agree on; no valid host.

    :raises ConfigurationError: naming the connection and what is wrong.
    """

    def refuse(why: str) -> NoReturn:
        raise ConfigurationError(
            f"Connection '{conn_id}': the host URL {why} (the URL is not shown). Give a plain https://host/path URL."
        )

    if any(char == "\\" or char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        refuse("holds a backslash, whitespace or control character")
    parts = urlsplit(url)
    if "@" in parts.netloc:
        refuse("holds a user name or password; put credentials in the connection's credential fields")
    # where the host starts and ends is decided by ASCII delimiters: compare the two parsers on the URL's ASCII
    # skeleton (each other character as "a"), so a Unicode host name is judged below by its IDNA form
    skeleton = "".join(char if char.isascii() else "a" for char in url)
    try:
        ours = (urlsplit(skeleton).hostname or "").lower().rstrip(".")
        theirs = (urllib3.util.parse_url(skeleton).host or "").lower().rstrip(".").strip("[]")
        host = normalise_host(parts.hostname or "")
    except (ValueError, urllib3.exceptions.LocationParseError):
        refuse("has no valid host name")
    if not host or ours != theirs:
        refuse("is read differently by different HTTP clients")
    return host


#: What a credential may hold: printable ASCII; ``spaces`` says whether a space is allowed inside.
PRINTABLE_ASCII = frozenset(chr(code) for code in range(0x21, 0x7F))


def check_credentials(conn_id: str, fields: Mapping[str, str | None], *, spaces: frozenset[str] = frozenset()) -> None:
    """Refuse a credential holding a control, whitespace or non-ASCII character, naming the connection and the
    field, never the value (``requests`` would print such a header value in its error, and each retry would log it).

    :param fields: field name (as the user knows it: ``password``, ``extra.oauth_client_secret``) → value.
    :param spaces: the fields in which an inner space is legitimate (a password sent Base64-encoded).
    """
    for name, value in fields.items():
        if not value:
            continue
        allowed = PRINTABLE_ASCII | ({" "} if name in spaces else set())
        if not set(value) <= allowed:
            raise ConfigurationError(
                f"Connection '{conn_id}': the {name} field holds a control, whitespace or non-ASCII character "
                "(the value is not shown). Copy the credential again without line breaks or invisible characters."
            )

"""Reading any vendor's Airflow connection into the parts every vendor's settings share, and refusing unsafe ones.

Each vendor wing (``vendors/<vendor>/connection.py``) declares its own :class:`ConnectionRules` (sandbox and
production URLs, sandbox hosts, default retry and rate budgets, which connection fields hold credentials, and the
message for a production host without ``environment=production``) and reads what is its own (OAuth extras, the
refusals that name its credentials). :func:`parse_connection` is the one flow both run, in this order:

1. the connection id (the vendor's default when the connection has none) and its extras;
2. the environment: *sandbox by default*, production only when the extra says ``"environment": "production"``;
3. the base URL (the host field, else the vendor's sandbox or production URL);
4. the credential fields: a control, whitespace or non-ASCII character is refused naming the field, never the value;
5. the vendor's own reading (``read_oauth``): its OAuth settings, and any refusal of missing or mismatched
   credentials;
6. the hosts: a base URL or OAuth token URL whose host is not a sandbox host is refused unless
   ``environment=production`` is set explicitly (hosts compared normalised: strictness.md, Hosts);
7. the client limits: hook arguments, else extras, else the vendor's defaults.

The vendor-neutral checks of hosts and credentials live in :mod:`.connection_checks`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypedDict, TypeVar
from urllib.parse import urlsplit

from airflow_provider_tremendous.core.connection_checks import check_credentials, non_sandbox_hosts
from airflow_provider_tremendous.core.errors import ConfigurationError

SANDBOX = "sandbox"
PRODUCTION = "production"
#: Seconds per HTTP request when neither the hook nor the connection says otherwise (every vendor).
DEFAULT_TIMEOUT = 30.0


class ConnectionLike(Protocol):
    """The parts of an Airflow ``Connection`` that are read (so tests can pass a plain object).

    ``login`` is read only by vendors that name a login field, and then with ``getattr`` (absent is empty).
    """

    @property
    def conn_id(self) -> str | None: ...
    @property
    def host(self) -> str | None: ...
    @property
    def port(self) -> int | None: ...
    @property
    def password(self) -> str | None: ...

    @property
    def extra_dejson(self) -> dict[str, Any]: ...


class ClientLimits(TypedDict):
    """The per-client budgets every vendor's settings carry (a rate of ``None``: no client-side limiter)."""

    timeout: float
    max_retries: int
    rate_limit_per_second: float | None


def read_extras(conn: ConnectionLike) -> dict[str, Any]:
    """The connection's extra as a dict (some secrets backends store it JSON-encoded twice)."""
    try:
        extras = conn.extra_dejson
    except (TypeError, ValueError) as error:  # pragma: no cover - Airflow already parses extras
        raise ConfigurationError(f"connection extra is not valid JSON: {error}") from error
    if isinstance(extras, str):  # some secrets backends store extras double-encoded
        extras = json.loads(extras)
    return dict(extras or {})


def extra_number(extras: Mapping[str, Any], name: str, default: float | None, conn_id: str) -> float | None:
    """The extra ``name`` as a number (``default`` when absent or empty).

    :raises ConfigurationError: when it is not a number, naming the connection and the extra.
    """
    value = extras.get(name)
    if value in (None, ""):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"Connection '{conn_id}': extra '{name}' must be a number, got {value!r}.") from None


def extra_text(extras: Mapping[str, Any], name: str) -> str | None:
    """An extra's value as the client will send it (``None`` when absent or empty)."""
    value = extras.get(name)
    return None if value in (None, "") else str(value)


def read_environment(extras: Mapping[str, Any], conn_id: str) -> tuple[str, bool]:
    """The environment (``sandbox`` unless the extra says otherwise) and whether the extra set it explicitly.

    :raises ConfigurationError: when the extra holds neither ``sandbox`` nor ``production``.
    """
    raw = extras.get("environment")
    if raw in (None, ""):
        return SANDBOX, False
    value = str(raw).strip().lower()
    if value not in (SANDBOX, PRODUCTION):
        raise ConfigurationError(
            f"Connection '{conn_id}': extra 'environment' must be 'sandbox' or 'production', got {raw!r}."
        )
    return value, True


def base_url_from_host(conn: ConnectionLike, environment: str, sandbox: str, production: str) -> str:
    """The base URL: the vendor's sandbox or production URL without a host; a full URL host as is; a bare host
    with the vendor's API path (the path of ``sandbox``) appended."""
    host = (conn.host or "").strip()
    if not host:
        return production if environment == PRODUCTION else sandbox
    if "://" in host:
        return host.rstrip("/")
    netloc = f"{host}:{conn.port}" if conn.port else host
    path = "" if "/" in host else urlsplit(sandbox).path
    return f"https://{netloc}{path}".rstrip("/")


def client_limits(
    extras: Mapping[str, Any],
    conn_id: str,
    *,
    timeout: float | None,
    max_retries: int | None,
    rate_limit_per_second: float | None,
    default_retries: int,
    default_rate: float,
) -> ClientLimits:
    """``timeout``, ``max_retries`` and ``rate_limit_per_second``: hook arguments, else extras, else defaults
    (a rate of 0 disables the client-side limiter)."""
    retries = max_retries if max_retries is not None else extra_number(extras, "max_retries", None, conn_id)
    rate = rate_limit_per_second
    if rate is None:
        rate = extra_number(extras, "rate_limit_per_second", default_rate, conn_id)
    return {
        "timeout": timeout or extra_number(extras, "timeout", DEFAULT_TIMEOUT, conn_id) or DEFAULT_TIMEOUT,
        "max_retries": int(retries) if retries is not None else default_retries,
        "rate_limit_per_second": rate if rate and rate > 0 else None,
    }


class TokenEndpoint(Protocol):
    """A vendor's OAuth settings, as far as the host check reads them: the token URL is a host to judge too."""

    @property
    def token_url(self) -> str: ...


OAuthT = TypeVar("OAuthT", bound="TokenEndpoint | None")


@dataclass(frozen=True)
class ConnectionRules:
    """What one vendor declares so that :func:`parse_connection` can read its connections.

    :param default_conn_id: the id used in messages when the connection has none.
    :param sandbox_base_url: the API base URL of the sandbox (its path is appended to a bare host).
    :param production_base_url: the API base URL of production.
    :param sandbox_hosts: the only non-loopback hosts that count as the sandbox.
    :param default_max_retries: retries when neither the hook nor the extra sets ``max_retries``.
    :param default_rate_limit: requests per second when neither sets ``rate_limit_per_second``.
    :param password_field: the password field's name in messages (e.g. ``password (API key)``).
    :param login_field: the login field's name in messages, or ``None`` when the vendor does not read the login.
    :param credential_extras: the extras that hold credentials, checked in this order after login and password.
    :param spaced_fields: the fields in which an inner space is legitimate (a password sent Base64-encoded).
    :param production_host_message: the refusal of a production host without ``environment=production``, with
        ``{conn_id}`` and ``{hosts}`` (the hosts joined by ``", "``) to fill in.
    """

    default_conn_id: str
    sandbox_base_url: str
    production_base_url: str
    sandbox_hosts: frozenset[str]
    default_max_retries: int
    default_rate_limit: float
    password_field: str
    production_host_message: str
    login_field: str | None = None
    credential_extras: tuple[str, ...] = ()
    spaced_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ConnectionBasics:
    """What every vendor reads from a connection the same way (credentials stripped, not yet judged complete).

    :param explicit: whether the extra set the environment (rather than the sandbox default).
    :param login: the login field ("" when the vendor reads none).
    :param password: the password field.

    The extras and the password are kept out of the repr: they hold credentials (an API key, an OAuth client
    secret or refresh token), and a value of this class is a local of every frame that judges a connection.
    """

    conn_id: str
    extras: dict[str, Any] = field(repr=False)
    environment: str
    explicit: bool
    base_url: str
    login: str
    password: str = field(repr=False)


class ConnectionOverrides(TypedDict, total=False):
    """The hook arguments that take precedence over a connection's extras (what :func:`parse_connection` and each
    vendor's ``settings_from_connection`` accept as keywords)."""

    timeout: float | None
    max_retries: int | None
    rate_limit_per_second: float | None


@dataclass(frozen=True)
class ParsedConnection(Generic[OAuthT]):
    """A connection read by :func:`parse_connection`: the shared parts, the vendor's OAuth settings and limits."""

    basics: ConnectionBasics
    oauth: OAuthT
    limits: ClientLimits


def parse_connection(
    conn: ConnectionLike,
    rules: ConnectionRules,
    read_oauth: Callable[[ConnectionBasics], OAuthT],
    *,
    timeout: float | None = None,
    max_retries: int | None = None,
    rate_limit_per_second: float | None = None,
) -> ParsedConnection[OAuthT]:
    """Read and judge ``conn`` by ``rules`` (the steps in the module docstring), before any request is sent.

    :param read_oauth: the vendor's own reading: returns its OAuth settings (``None`` without OAuth) and raises
        when the credentials are missing or do not fit the environment.
    :raises ConfigurationError: on any unsafe or incomplete connection.
    """
    conn_id = conn.conn_id or rules.default_conn_id
    extras = read_extras(conn)
    environment, explicit = read_environment(extras, conn_id)
    base_url = base_url_from_host(conn, environment, rules.sandbox_base_url, rules.production_base_url)
    login = (getattr(conn, "login", None) or "").strip() if rules.login_field is not None else ""
    password = (conn.password or "").strip()
    fields: dict[str, str | None] = {rules.login_field: login} if rules.login_field is not None else {}
    fields[rules.password_field] = password
    fields |= {f"extra.{name}": extra_text(extras, name) for name in rules.credential_extras}
    check_credentials(conn_id, fields, spaces=rules.spaced_fields)
    basics = ConnectionBasics(conn_id, extras, environment, explicit, base_url, login, password)
    oauth = read_oauth(basics)
    urls = [base_url, *([oauth.token_url] if oauth is not None else [])]
    hosts = non_sandbox_hosts(conn_id, urls, rules.sandbox_hosts)
    if hosts and not (explicit and environment == PRODUCTION):
        raise ConfigurationError(rules.production_host_message.format(conn_id=conn_id, hosts=", ".join(hosts)))
    limits = client_limits(
        extras,
        conn_id,
        timeout=timeout,
        max_retries=max_retries,
        rate_limit_per_second=rate_limit_per_second,
        default_retries=rules.default_max_retries,
        default_rate=rules.default_rate_limit,
    )
    return ParsedConnection(basics, oauth, limits)

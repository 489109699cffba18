"""Reading a ``tremendous`` Airflow connection into validated settings, and refusing unsafe ones.

The rule is *sandbox by default*: a connection reaches production only when its extra says
``"environment": "production"``. Before any request is sent, a connection is refused when

* a ``TEST_`` (sandbox) key is used with ``environment=production``;
* a ``PROD_`` key is used with the sandbox environment (the default);
* its host (or its OAuth token URL's host) is not a sandbox host while ``environment=production`` is not set
  explicitly. A sandbox host is ``testflight.tremendous.com`` or a loopback address (``localhost``, ``127.0.0.0/8``,
  ``::1``), compared after normalising the host (lower case, one trailing dot removed, IDNA-encoded), so
  ``API.tremendous.com.`` or a Unicode look-alike is never taken for the sandbox (strictness.md, Hosts);
* a credential (API key, OAuth client id, secret or refresh token) holds a control, whitespace or non-ASCII
  character: sent in a header it would be echoed by the HTTP library's error and each retry's log line, so it is
  refused here, naming the connection and the field but never the value.

Secrets are kept in :class:`pydantic.SecretStr` so they never show in ``repr`` or logs. The flow every vendor shares
(extras, environment, base URL, credential and host checks, client limits) is
:func:`~airflow_provider_tremendous.core.connection.parse_connection`; this module declares Tremendous's
:data:`RULES` and reads what is Tremendous's own (OAuth refresh settings, the key prefixes, the dashboard link).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from airflow_provider_tremendous.core.connection import (
    DEFAULT_TIMEOUT,
    PRODUCTION,
    SANDBOX,
    ConnectionBasics,
    ConnectionLike,
    ConnectionOverrides,
    ConnectionRules,
    base_url_from_host,
    client_limits,
    parse_connection,
)
from airflow_provider_tremendous.core.connection_checks import normalise_host
from airflow_provider_tremendous.core.errors import ConfigurationError
from airflow_provider_tremendous.core.transport.profile import ClientParts

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_TIMEOUT",
    "EXPIRED_TOKEN_MESSAGE",
    "HIDDEN_NAME_WORDS",
    "PRODUCTION",
    "PRODUCTION_BASE_URL",
    "PRODUCTION_HOSTS",
    "RULES",
    "SANDBOX",
    "SANDBOX_BASE_URL",
    "SANDBOX_HOSTS",
    "ConnectionLike",
    "OAuthSettings",
    "TremendousSettings",
    "base_url_from_host",
    "client_limits",
    "default_refresh_token_variable",
    "normalise_host",
    "settings_from_connection",
]

SANDBOX_BASE_URL = "https://testflight.tremendous.com/api/v2"
PRODUCTION_BASE_URL = "https://api.tremendous.com/api/v2"
PRODUCTION_HOSTS = frozenset({"api.tremendous.com", "www.tremendous.com", "tremendous.com"})
#: The only non-loopback host that counts as the Tremendous sandbox (strictness.md, Hosts).
SANDBOX_HOSTS = frozenset({"testflight.tremendous.com"})
#: The documented API rate limit (requests per second).
DEFAULT_RATE_LIMIT = 10.0
DEFAULT_MAX_RETRIES = 5
#: The message the API gives when an OAuth access token has expired.
EXPIRED_TOKEN_MESSAGE = "The API key you provided is no longer valid"


@dataclass(frozen=True)
class OAuthSettings:
    """OAuth 2.0 refresh-token credentials for platforms (Tremendous Connect).

    :param refresh_token_variable: the Airflow Variable that keeps the lineage's rotated refresh token across
        task processes ("" by default: rotated tokens live only in the process). Opt-in with the extra
        ``oauth_refresh_token_variable``: ``true`` for :func:`default_refresh_token_variable`, or a name.
    """

    token_url: str
    client_id: str
    client_secret: SecretStr = field(repr=False)
    refresh_token: SecretStr = field(repr=False)
    refresh_token_variable: str = ""


#: Words that make Airflow hide a Variable's value (a subset of its sensitive names that every version hides).
HIDDEN_NAME_WORDS = ("token", "secret")


def default_refresh_token_variable(conn_id: str) -> str:
    """The Variable name used for ``"oauth_refresh_token_variable": true`` (contains ``token``, so Airflow hides
    its value in the UI)."""
    return f"tremendous_oauth__{conn_id}__refresh_token"


def _refresh_token_variable(value: Any, conn_id: str) -> str:
    if value is None or value is False:
        return ""
    text = str(value).strip()
    if value is True or text.lower() in ("true", "yes", "1"):
        return default_refresh_token_variable(conn_id)
    if text.lower() in ("", "false", "no", "0"):
        return ""
    if len(text) > 250:
        raise ConfigurationError(
            f"Connection '{conn_id}': extra 'oauth_refresh_token_variable' is longer than a Variable name may be."
        )
    if not any(word in text.lower() for word in HIDDEN_NAME_WORDS):
        raise ConfigurationError(
            f"Connection '{conn_id}': extra 'oauth_refresh_token_variable' {text!r} would show the refresh token in "
            "Airflow's UI and CLI (Airflow hides the values of Variables whose names contain 'token' or 'secret'). "
            f"Use a name ending in '_refresh_token', e.g. '{text}_refresh_token', or true for the default name."
        )
    return text


@dataclass(frozen=True)
class TremendousSettings:
    """Everything a client needs to talk to one Tremendous account, validated.

    :param conn_id: the Airflow connection id, for messages.
    :param base_url: the API base URL, ending in ``/api/v2`` for the real API.
    :param environment: ``sandbox`` or ``production``.
    :param api_key: the API key or OAuth access token (may be empty when OAuth will fetch one).
    :param timeout: seconds per HTTP request.
    :param max_retries: retries after the first attempt for retryable failures.
    :param rate_limit_per_second: client-side request budget; ``None`` disables it.
    :param oauth: OAuth refresh settings, if the connection uses OAuth.
    """

    conn_id: str
    base_url: str
    environment: str
    api_key: SecretStr = field(repr=False)
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    rate_limit_per_second: float | None = DEFAULT_RATE_LIMIT
    oauth: OAuthSettings | None = None
    dashboard_url: str = "https://testflight.tremendous.com/dashboard"

    @property
    def is_production(self) -> bool:
        """Whether this connection talks to the real-money production API."""
        return self.environment == PRODUCTION

    @property
    def account_identity(self) -> str:
        """What names the account for the shared rate limiter (hashed there; never logged)."""
        return self.api_key.get_secret_value() or (self.oauth.client_id if self.oauth else "")

    def client_parts(self) -> ClientParts:
        """The credentials and error reader a client of these settings uses (imported here on first use)."""
        from airflow_provider_tremendous.vendors.tremendous.auth import Credentials
        from airflow_provider_tremendous.vendors.tremendous.errors import build_api_error

        return {"credentials": Credentials(self), "errors": build_api_error}

    def secrets(self) -> list[str]:
        """Every secret value of this connection, for the secrets masker."""
        values = [self.api_key.get_secret_value()]
        if self.oauth:
            values += [
                self.oauth.client_secret.get_secret_value(),
                self.oauth.refresh_token.get_secret_value(),
            ]
        return [value for value in values if value]


def _dashboard(base_url: str) -> str:
    try:
        host = normalise_host(urlsplit(base_url).hostname or "")
    except ValueError:
        host = ""
    if host in PRODUCTION_HOSTS:
        return "https://app.tremendous.com"
    if host == "testflight.tremendous.com":
        return "https://testflight.tremendous.com/dashboard"
    return base_url  # a local sandbox or proxy: link to the resource in its API


_OAUTH_FIELDS = ("oauth_client_id", "oauth_client_secret", "oauth_refresh_token")


def _oauth(extras: Mapping[str, Any], base_url: str, conn_id: str) -> OAuthSettings | None:
    client_id = extras.get("oauth_client_id")
    refresh_token = extras.get("oauth_refresh_token")
    if not client_id and not refresh_token:
        return None
    missing = [n for n in ("oauth_client_id", "oauth_client_secret", "oauth_refresh_token") if not extras.get(n)]
    if missing:
        raise ConfigurationError(f"Connection '{conn_id}': OAuth needs {', '.join(missing)} in the extra as well.")
    parts = urlsplit(base_url)
    token_url = extras.get("oauth_token_url") or f"{parts.scheme}://{parts.netloc}/oauth/token"
    return OAuthSettings(
        token_url=str(token_url),
        client_id=str(client_id),
        client_secret=SecretStr(str(extras["oauth_client_secret"])),
        refresh_token=SecretStr(str(refresh_token)),
        refresh_token_variable=_refresh_token_variable(extras.get("oauth_refresh_token_variable"), conn_id),
    )


def _guard_key(conn_id: str, environment: str, explicit: bool, key: str) -> None:
    """Refuse a key whose prefix says the other environment (the hosts are judged by the shared flow after)."""
    if key.startswith("TEST_") and environment == PRODUCTION:
        raise ConfigurationError(
            f"Connection '{conn_id}' holds a sandbox key (TEST_...) but sets environment=production. "
            "Use a PROD_ key for production, or set the extra 'environment' to 'sandbox'."
        )
    if key.startswith("PROD_") and environment == SANDBOX:
        raise ConfigurationError(
            f"Connection '{conn_id}' holds a production key (PROD_...) but its environment is sandbox"
            f"{'' if explicit else ' (the default)'}. Production is used only when the connection's extra sets "
            '"environment": "production" explicitly.'
        )


def _read_oauth(basics: ConnectionBasics) -> OAuthSettings | None:
    """Tremendous's own reading: the OAuth settings, then the refusals of a missing or mismatched API key."""
    oauth = _oauth(basics.extras, basics.base_url, basics.conn_id)
    if not basics.password and oauth is None:
        raise ConfigurationError(
            f"Connection '{basics.conn_id}' has no API key: put the Tremendous API key in the connection's password "
            "field (or configure OAuth in the extra)."
        )
    _guard_key(basics.conn_id, basics.environment, basics.explicit, basics.password)
    return oauth


#: How :func:`~airflow_provider_tremendous.core.connection.parse_connection` reads a ``tremendous`` connection.
RULES = ConnectionRules(
    default_conn_id="tremendous_default",
    sandbox_base_url=SANDBOX_BASE_URL,
    production_base_url=PRODUCTION_BASE_URL,
    sandbox_hosts=SANDBOX_HOSTS,
    default_max_retries=DEFAULT_MAX_RETRIES,
    default_rate_limit=DEFAULT_RATE_LIMIT,
    password_field="password (API key)",
    credential_extras=_OAUTH_FIELDS,
    production_host_message=(
        "Connection '{conn_id}' points at production ({hosts}) but does not set "
        '"environment": "production" in its extra. Only testflight.tremendous.com and loopback addresses are '
        "the sandbox. Set the environment explicitly to pay real money, or remove the host to use the sandbox."
    ),
)


def settings_from_connection(conn: ConnectionLike, **overrides: Unpack[ConnectionOverrides]) -> TremendousSettings:
    """Validate ``conn`` and return its settings; hook arguments (``timeout``, ``max_retries``,
    ``rate_limit_per_second``: :class:`~airflow_provider_tremendous.core.connection.ConnectionOverrides`) override
    the connection's extras.

    :raises ConfigurationError: on any unsafe or incomplete connection, before any request.
    """
    parsed = parse_connection(conn, RULES, _read_oauth, **overrides)
    basics = parsed.basics
    return TremendousSettings(
        dashboard_url=str(basics.extras.get("dashboard_url") or _dashboard(basics.base_url)).rstrip("/"),
        conn_id=basics.conn_id,
        base_url=basics.base_url,
        environment=basics.environment,
        api_key=SecretStr(basics.password),
        oauth=parsed.oauth,
        **parsed.limits,
    )

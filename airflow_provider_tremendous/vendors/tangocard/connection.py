"""Reading a ``tangocard`` Airflow connection into validated settings, and refusing unsafe ones.

Login = platform name, password = platform key (HTTP Basic). The rule is the provider's: *sandbox by default*.
Production (``https://api.tangocard.com/raas/v2``) is used only when the extra sets ``"environment": "production"``;
a host (or OAuth token URL host) that is not a sandbox host is refused without it before any request. Sandbox hosts are
``integration-api.tangocard.com``, ``sandbox-auth.tangocard.com`` (the sandbox token endpoint) and loopback addresses,
compared after normalising (case, one trailing dot, IDNA: strictness.md, Hosts). The host may be a full base URL (a
local emulator; a proxy needs ``environment=production``). A credential holding a control, whitespace or non-ASCII
character is refused, naming the field and never the value. Optional OAuth client credentials (``oauth_client_id``,
``oauth_client_secret``, ``oauth_token_url``, ``oauth_audience``; ``oauth_username``/``oauth_password`` for a service
account) replace Basic auth with a cached Bearer token. The flow is the provider's one
:func:`~airflow_provider_tremendous.core.connection.parse_connection`, run with Tango's :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from airflow_provider_tremendous.core.connection import (
    DEFAULT_TIMEOUT,
    PRODUCTION,
    ConnectionBasics,
    ConnectionLike,
    ConnectionOverrides,
    ConnectionRules,
    parse_connection,
)
from airflow_provider_tremendous.core.errors import ConfigurationError
from airflow_provider_tremendous.core.transport.profile import ClientParts

if TYPE_CHECKING:
    from typing_extensions import Unpack

SANDBOX_BASE_URL = "https://integration-api.tangocard.com/raas/v2"
PRODUCTION_BASE_URL = "https://api.tangocard.com/raas/v2"
PRODUCTION_HOSTS = frozenset({"api.tangocard.com"})
#: The only non-loopback hosts that count as the Tango Card sandbox (its API and its token endpoint).
SANDBOX_HOSTS = frozenset({"integration-api.tangocard.com", "sandbox-auth.tangocard.com"})
SANDBOX_TOKEN_URL = "https://sandbox-auth.tangocard.com/oauth/token"
#: Tango's documented limit: 1 transaction per second on all endpoints.
DEFAULT_RATE_LIMIT = 1.0
#: Seconds added to each 1 s interval: with no burst allowance, jitter would otherwise turn requests into 429s.
RATE_LIMIT_MARGIN = 0.05
#: Tango asks that 5xx retries be "capped at 5 requests": the first try and 4 retries.
DEFAULT_MAX_RETRIES = 4
DEFAULT_AUDIENCE = "https://api.tangocard.com/"


@dataclass(frozen=True)
class TangoOAuthSettings:
    """OAuth 2.0 token settings (client credentials, or a service account with ``grant_type=password``)."""

    token_url: str
    client_id: str
    client_secret: SecretStr = field(repr=False)
    audience: str = DEFAULT_AUDIENCE
    username: str = ""
    password: SecretStr = field(default=SecretStr(""), repr=False)


@dataclass(frozen=True)
class TangoCardSettings:
    """Everything a client needs to talk to one Tango Card platform, validated.

    :param platform_name: the platform name (Basic-auth user name).
    :param platform_key: the platform key (Basic-auth password).
    :param customer_identifier: default customer for orders and balances (extra ``customer_identifier``).
    :param account_identifier: default account (extra ``account_identifier``).
    """

    conn_id: str
    base_url: str
    environment: str
    platform_name: str
    platform_key: SecretStr = field(repr=False)
    customer_identifier: str | None = None
    account_identifier: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    rate_limit_per_second: float | None = DEFAULT_RATE_LIMIT
    oauth: TangoOAuthSettings | None = None
    rate_limit_margin: float = RATE_LIMIT_MARGIN

    @property
    def is_production(self) -> bool:
        """Whether this connection places real orders."""
        return self.environment == PRODUCTION

    @property
    def account_identity(self) -> str:
        """What names the platform for the shared rate limiter (hashed there; never logged)."""
        return f"tangocard:{self.platform_name or (self.oauth.client_id if self.oauth else '')}"

    def client_parts(self) -> ClientParts:
        """The credentials and error reader a client of these settings uses (imported here on first use)."""
        from airflow_provider_tremendous.vendors.tangocard.auth import TangoCardCredentials
        from airflow_provider_tremendous.vendors.tangocard.errors import build_tangocard_error

        return {"credentials": TangoCardCredentials(self), "errors": build_tangocard_error}

    def secrets(self) -> list[str]:
        """Every secret value of this connection, for the secrets masker."""
        values = [self.platform_key.get_secret_value()]
        if self.oauth:
            values += [self.oauth.client_secret.get_secret_value(), self.oauth.password.get_secret_value()]
        return [value for value in values if value]


def _oauth(extras: Mapping[str, Any], conn_id: str) -> TangoOAuthSettings | None:
    client_id = extras.get("oauth_client_id")
    if not client_id:
        return None
    if not extras.get("oauth_client_secret"):
        raise ConfigurationError(f"Connection '{conn_id}': OAuth needs oauth_client_secret in the extra.")
    return TangoOAuthSettings(
        token_url=str(extras.get("oauth_token_url") or SANDBOX_TOKEN_URL),
        client_id=str(client_id),
        client_secret=SecretStr(str(extras["oauth_client_secret"])),
        audience=str(extras.get("oauth_audience") or DEFAULT_AUDIENCE),
        username=str(extras.get("oauth_username") or ""),
        password=SecretStr(str(extras.get("oauth_password") or "")),
    )


def _read_oauth(basics: ConnectionBasics) -> TangoOAuthSettings | None:
    """Tango's own reading: the OAuth settings, else the refusal of a missing platform name or key."""
    oauth = _oauth(basics.extras, basics.conn_id)
    if oauth is None and not (basics.login and basics.password):
        raise ConfigurationError(
            f"Connection '{basics.conn_id}' needs the Tango Card platform name as login and the platform key as "
            "password (or OAuth client credentials in the extra)."
        )
    return oauth


#: How :func:`~airflow_provider_tremendous.core.connection.parse_connection` reads a ``tangocard`` connection.
RULES = ConnectionRules(
    default_conn_id="tangocard_default",
    sandbox_base_url=SANDBOX_BASE_URL,
    production_base_url=PRODUCTION_BASE_URL,
    sandbox_hosts=SANDBOX_HOSTS,
    default_max_retries=DEFAULT_MAX_RETRIES,
    default_rate_limit=DEFAULT_RATE_LIMIT,
    login_field="login (platform name)",
    password_field="password (platform key)",
    credential_extras=("oauth_client_id", "oauth_client_secret", "oauth_username", "oauth_password"),
    spaced_fields=frozenset({"extra.oauth_password"}),
    production_host_message=(
        "Connection '{conn_id}' points at Tango Card production ({hosts}) but does not set "
        '"environment": "production" in its extra. Only integration-api.tangocard.com, '
        "sandbox-auth.tangocard.com and loopback addresses are the sandbox. Set the environment explicitly to "
        "place real orders, or remove the host to use the sandbox (integration-api.tangocard.com)."
    ),
)


def tangocard_settings_from_connection(
    conn: ConnectionLike, **overrides: Unpack[ConnectionOverrides]
) -> TangoCardSettings:
    """Validate ``conn`` and return its settings; hook arguments (``timeout``, ``max_retries``,
    ``rate_limit_per_second``: :class:`~airflow_provider_tremendous.core.connection.ConnectionOverrides`) override
    the connection's extras.

    :raises ConfigurationError: on any unsafe or incomplete connection, before any request.
    """
    parsed = parse_connection(conn, RULES, _read_oauth, **overrides)
    basics = parsed.basics
    return TangoCardSettings(
        conn_id=basics.conn_id,
        base_url=basics.base_url,
        environment=basics.environment,
        platform_name=basics.login,
        platform_key=SecretStr(basics.password),
        customer_identifier=basics.extras.get("customer_identifier") or None,
        account_identifier=basics.extras.get("account_identifier") or None,
        oauth=parsed.oauth,
        **parsed.limits,
    )

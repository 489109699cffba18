"""Tango Card credentials: HTTP Basic (platform name and key), or an OAuth Bearer token cached until it expires.

The token request is a plain :class:`ApiRequest`, so the shared sync and async clients fetch it with their own
transport under the same single-flight lock as Tremendous's refresh. Tokens live in the process-wide
:mod:`~airflow_provider_tremendous.core.transport.tokens` store, keyed by (token URL, grant type, client id, audience,
user name, SHA-256 of the client secret and password): two connections that share a client id but not a secret
(or a user) never share a token. A token is reused by every hook of the connection in the process until a minute
before ``expires_in``: some Tango documentation limits token issuance to one per 20 hours, so asking for a new
token per hook would soon be refused. Tokens are never written outside the process (a task process fetches its
own). The grants have no refresh token; ``invalid_grant`` (a wrong service-account password) raises
:class:`OAuthGrantError`, which Airflow does not retry.
"""

from __future__ import annotations

import base64
import math
import time

from airflow.providers.common.compat.sdk import mask_secret

from airflow_provider_tremendous.core.errors import OAuthGrantError, ResponseError
from airflow_provider_tremendous.core.transport.request import USER_AGENT, ApiRequest, RawResponse, raise_for_status
from airflow_provider_tremendous.core.transport.tokens import (
    SlotBacked,
    TokenSlot,
    clear_token_slots,
    is_invalid_grant,
    read_token_answer,
    secret_digest,
    token_request,
    token_slot,
)
from airflow_provider_tremendous.vendors.tangocard.connection import TangoCardSettings
from airflow_provider_tremendous.vendors.tangocard.errors import build_tangocard_error

#: Renew this many seconds before the token's announced expiry.
EXPIRY_MARGIN = 60.0


def clear_token_cache() -> None:
    """Forget every cached OAuth token of the process (tests, key rotation)."""
    clear_token_slots()


class TangoCardCredentials(SlotBacked):
    """Authorization headers for one Tango Card connection."""

    def __init__(self, settings: TangoCardSettings) -> None:
        self._settings = settings
        self._oauth = settings.oauth
        basic = f"{settings.platform_name}:{settings.platform_key.get_secret_value()}".encode()
        self._basic = "Basic " + base64.b64encode(basic).decode()
        mask_secret(self._basic.split(" ", 1)[1])
        self._slot = TokenSlot()  # Basic auth: a private slot that no renewal ever touches
        if self._oauth is not None:
            self._slot = token_slot(self.cache_key)

    def __repr__(self) -> str:
        return f"TangoCardCredentials(oauth={self._oauth is not None}, key=***)"

    @property
    def grant_type(self) -> str:
        """``password`` for a service account (a user name is set), else ``client_credentials``."""
        return "password" if self._oauth and self._oauth.username else "client_credentials"

    @property
    def cache_key(self) -> tuple[str, ...]:
        """(token URL, grant type, client id, audience, user name, SHA-256 of client secret and password)."""
        if self._oauth is None:
            return ()
        secrets = (self._oauth.client_secret.get_secret_value(), self._oauth.password.get_secret_value())
        return (
            self._oauth.token_url,
            self.grant_type,
            self._oauth.client_id,
            self._oauth.audience,
            self._oauth.username,
            secret_digest(*secrets),
        )

    @property
    def needs_token(self) -> bool:
        """Whether an OAuth token must be fetched (none cached, or about to expire)."""
        if self._oauth is None:
            return False
        return not self._slot.access_token or time.monotonic() >= self._slot.expires_at - EXPIRY_MARGIN

    def headers(self, request: ApiRequest) -> dict[str, str]:
        """JSON accept, the user agent, and Basic or Bearer authorization for authenticated requests."""
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if not request.authenticated:
            return headers
        token = self._slot.access_token if self._oauth else ""
        headers["Authorization"] = f"Bearer {token}" if token else self._basic
        return headers

    def should_refresh(self, request: ApiRequest, response: RawResponse) -> bool:
        """A 401 with OAuth means the token was revoked or expired early: fetch another. The token is not
        dropped here: a caller whose 401 came from an older token than the cached one must not discard the
        newer token (the generation check of the renewal skips it)."""
        return self._oauth is not None and request.authenticated and response.status == 401

    def before_refresh(self) -> None:
        """Nothing to load: these grants have no refresh token."""

    def after_refresh(self) -> None:
        """Nothing to keep: tokens are never written outside the process."""

    def refresh_request(self) -> ApiRequest:
        """The token request (client credentials, or ``password`` grant for a service account)."""
        assert self._oauth is not None
        form = {
            "client_id": self._oauth.client_id,
            "client_secret": self._oauth.client_secret.get_secret_value(),
            "audience": self._oauth.audience,
            "scope": "raas.all",
            "grant_type": self.grant_type,
        }
        if self._oauth.username:
            form |= {"username": self._oauth.username, "password": self._oauth.password.get_secret_value()}
        return token_request(self._oauth.token_url, form)

    def apply_refresh(self, request: ApiRequest, response: RawResponse) -> None:
        """Cache the token from a token-endpoint response."""
        if is_invalid_grant(response.status, response.content):
            raise OAuthGrantError(
                f"Connection '{self._settings.conn_id}': the Tango Card token endpoint refused the grant "
                f"({self.grant_type}, invalid_grant). Fix: check the service account's oauth_username and "
                "oauth_password (or the client credentials) in the connection's extra, or use the platform name "
                "and key (Basic auth). Not retried."
            )
        raise_for_status(request, response, build_tangocard_error)
        data = read_token_answer(response.content, "check oauth_token_url")
        try:
            lifetime = float(data.get("expires_in") or 300)
        except (ValueError, TypeError) as error:
            raise ResponseError("The Tango Card OAuth token endpoint answered an unreadable expires_in.") from error
        self._slot.access_token = data["access_token"]
        self._slot.expires_at = time.monotonic() + lifetime if math.isfinite(lifetime) else math.inf
        self._slot.generation += 1

"""Tango Card credentials: HTTP Basic (platform name and key), or an OAuth Bearer token cached until it expires.

The token request is a plain :class:`ApiRequest`, so the shared sync and async clients fetch it with their own
transport under the same lock as Tremendous's refresh. Tokens are cached per (token URL, client id, audience) for
the whole process and reused until a minute before ``expires_in``: some Tango documentation limits token issuance
to one per 20 hours, so asking for a new token per task would soon be refused.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass

from airflow.providers.common.compat.sdk import mask_secret

from airflow_provider_tremendous.errors import TremendousResponseError
from airflow_provider_tremendous.tangocard.connection import TangoCardSettings
from airflow_provider_tremendous.tangocard.errors import build_tangocard_error
from airflow_provider_tremendous.transport.auth import USER_AGENT
from airflow_provider_tremendous.transport.request import ApiRequest, RawResponse, raise_for_status

#: Renew this many seconds before the token's announced expiry.
EXPIRY_MARGIN = 60.0


@dataclass
class _CachedToken:
    value: str
    expires_at: float


_TOKENS: dict[tuple[str, str, str], _CachedToken] = {}
_TOKENS_LOCK = threading.Lock()


def clear_token_cache() -> None:
    """Forget every cached OAuth token (tests, key rotation)."""
    with _TOKENS_LOCK:
        _TOKENS.clear()


class TangoCardCredentials:
    """Authorization headers for one Tango Card connection."""

    def __init__(self, settings: TangoCardSettings) -> None:
        self._settings = settings
        self._oauth = settings.oauth
        basic = f"{settings.platform_name}:{settings.platform_key.get_secret_value()}".encode()
        self._basic = "Basic " + base64.b64encode(basic).decode()
        mask_secret(self._basic.split(" ", 1)[1])
        self._cache_key = (
            (self._oauth.token_url, self._oauth.client_id, self._oauth.audience) if self._oauth else ("", "", "")
        )
        self.lock = threading.Lock()
        self.generation = 0

    def __repr__(self) -> str:
        return f"TangoCardCredentials(oauth={self._oauth is not None}, key=***)"

    def _token(self) -> _CachedToken | None:
        with _TOKENS_LOCK:
            return _TOKENS.get(self._cache_key)

    @property
    def needs_token(self) -> bool:
        """Whether an OAuth token must be fetched (none cached, or about to expire)."""
        if self._oauth is None:
            return False
        token = self._token()
        return token is None or time.monotonic() >= token.expires_at - EXPIRY_MARGIN

    def headers(self, request: ApiRequest) -> dict[str, str]:
        """JSON accept, the user agent, and Basic or Bearer authorization for authenticated requests."""
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if not request.authenticated:
            return headers
        token = self._token() if self._oauth else None
        headers["Authorization"] = f"Bearer {token.value}" if token else self._basic
        return headers

    def should_refresh(self, request: ApiRequest, response: RawResponse) -> bool:
        """A 401 with OAuth means the cached token was revoked or expired early: drop it and fetch another."""
        if self._oauth is None or not request.authenticated or response.status != 401:
            return False
        with _TOKENS_LOCK:
            _TOKENS.pop(self._cache_key, None)
        return True

    def refresh_request(self) -> ApiRequest:
        """The token request (client credentials, or ``password`` grant for a service account)."""
        assert self._oauth is not None
        form = {
            "client_id": self._oauth.client_id,
            "client_secret": self._oauth.client_secret.get_secret_value(),
            "audience": self._oauth.audience,
            "scope": "raas.all",
            "grant_type": "client_credentials",
        }
        if self._oauth.username:
            form |= {
                "grant_type": "password",
                "username": self._oauth.username,
                "password": self._oauth.password.get_secret_value(),
            }
        return ApiRequest(
            method="POST",
            path=self._oauth.token_url,
            absolute=True,
            authenticated=False,
            retry_safe=False,
            name="oauth_token",
            form_body=form,
        )

    def apply_refresh(self, request: ApiRequest, response: RawResponse) -> None:
        """Cache the token from a token-endpoint response."""
        raise_for_status(request, response, build_tangocard_error)
        try:
            data = json.loads(response.content)
            token = str(data["access_token"])
            lifetime = float(data.get("expires_in") or 300)
        except (ValueError, KeyError, TypeError) as error:
            raise TremendousResponseError(
                "The Tango Card OAuth token endpoint answered without an access_token; check oauth_token_url."
            ) from error
        mask_secret(token)
        with _TOKENS_LOCK:
            _TOKENS[self._cache_key] = _CachedToken(token, time.monotonic() + lifetime)
        self.generation += 1

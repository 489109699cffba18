"""Bearer credentials, with OAuth 2.0 refresh for platforms.

An API key is sent as ``Authorization: Bearer <key>``. With OAuth configured (client id/secret and a refresh
token in the connection extra), an access token is fetched when none is stored and refreshed once when the API
answers 401 (its message for an expired token is "The API key you provided is no longer valid."). The refresh
request is described here as a plain :class:`ApiRequest`; the sync and async clients send it with their own
transport, so the OAuth logic exists once.
"""

from __future__ import annotations

import json
import threading

from airflow.providers.common.compat.sdk import mask_secret

from airflow_provider_tremendous import __version__
from airflow_provider_tremendous.connection import TremendousSettings
from airflow_provider_tremendous.errors import TremendousResponseError
from airflow_provider_tremendous.transport.request import ApiRequest, RawResponse, raise_for_status

USER_AGENT = f"airflow-provider-tremendous/{__version__}"


class Credentials:
    """The current Bearer token of one client and how to renew it."""

    def __init__(self, settings: TremendousSettings) -> None:
        self._token = settings.api_key.get_secret_value()
        self._oauth = settings.oauth
        self._refresh_token = settings.oauth.refresh_token.get_secret_value() if settings.oauth else ""
        self.lock = threading.Lock()
        self.generation = 0

    def __repr__(self) -> str:
        return f"Credentials(oauth={self._oauth is not None}, token=***)"

    @property
    def needs_token(self) -> bool:
        """Whether a token must be fetched before the first authenticated call (OAuth without a stored token)."""
        return not self._token and self._oauth is not None

    def headers(self, request: ApiRequest) -> dict[str, str]:
        """Headers for ``request``: JSON accept and the user agent, plus the Bearer token when authenticated."""
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if request.authenticated and self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def should_refresh(self, request: ApiRequest, response: RawResponse) -> bool:
        """Whether ``response`` says the OAuth access token is no longer valid and a refresh may help."""
        return self._oauth is not None and request.authenticated and response.status == 401

    def refresh_request(self) -> ApiRequest:
        """The token-endpoint request exchanging the refresh token for a new access token."""
        assert self._oauth is not None
        return ApiRequest(
            method="POST",
            path=self._oauth.token_url,
            absolute=True,
            authenticated=False,
            retry_safe=False,
            name="oauth_token",
            form_body={
                "grant_type": "refresh_token",
                "refresh_token": self._refresh_token,
                "client_id": self._oauth.client_id,
                "client_secret": self._oauth.client_secret.get_secret_value(),
            },
        )

    def apply_refresh(self, request: ApiRequest, response: RawResponse) -> None:
        """Store the token from a token-endpoint response (and a rotated refresh token, in memory)."""
        raise_for_status(request, response)
        try:
            data = json.loads(response.content)
            token = str(data["access_token"])
        except (ValueError, KeyError, TypeError) as error:
            raise TremendousResponseError(
                "The OAuth token endpoint answered without an access_token; check the token URL."
            ) from error
        mask_secret(token)
        self._token = token
        if data.get("refresh_token"):
            self._refresh_token = str(data["refresh_token"])
            mask_secret(self._refresh_token)
        self.generation += 1

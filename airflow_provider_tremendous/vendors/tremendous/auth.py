"""Bearer credentials, with OAuth 2.0 refresh for platforms.

An API key is sent as ``Authorization: Bearer <key>``. With OAuth configured (client id/secret and a refresh
token in the connection extra), an access token is fetched when none is stored and refreshed once when the API
answers 401 (its message for an expired token is "The API key you provided is no longer valid."). The refresh
request is described here as a plain :class:`ApiRequest`; the sync and async clients send it with their own
transport, so the OAuth logic exists once.

Tokens live in the process-wide :mod:`.tokens` store, keyed by (token URL, grant, client id, SHA-256 of the
client secret and of the connection's refresh token): every hook of the connection in this process uses the same
access token, and the *rotated* refresh token the token endpoint returned, so a second hook never sends a refresh
token that was already exchanged. Renewals are single-flight per process (the slot's lock and generation). Across
task processes nothing is kept by default; ``oauth_refresh_token_variable`` keeps the rotated refresh token (only
that) in an Airflow Variable (:mod:`.refresh_store`). A refused refresh token (``invalid_grant``) raises
:class:`OAuthGrantError`, which Airflow does not retry.
"""

from __future__ import annotations

from airflow_provider_tremendous.core.errors import OAuthGrantError
from airflow_provider_tremendous.core.transport.refresh_store import RefreshTokenVariable
from airflow_provider_tremendous.core.transport.request import USER_AGENT, ApiRequest, RawResponse, raise_for_status
from airflow_provider_tremendous.core.transport.tokens import (
    SlotBacked,
    TokenSlot,
    is_invalid_grant,
    read_token_answer,
    secret_digest,
    token_request,
    token_slot,
)
from airflow_provider_tremendous.vendors.tremendous.connection import TremendousSettings
from airflow_provider_tremendous.vendors.tremendous.errors import build_api_error


class Credentials(SlotBacked):
    """The current Bearer token of one client and how to renew it (OAuth state shared per process, see above)."""

    def __init__(self, settings: TremendousSettings) -> None:
        self._conn_id = settings.conn_id
        self._api_key = settings.api_key.get_secret_value()
        self._oauth = settings.oauth
        self._store: RefreshTokenVariable | None = None
        self._rotated = False
        self._slot = TokenSlot()  # an API key: a private slot that no renewal ever touches
        #: (token URL, grant, client id, SHA-256 of the client secret, SHA-256 of the connection's refresh token).
        self.cache_key: tuple[str, ...] = ()
        if self._oauth is not None:
            lineage = secret_digest(self._oauth.refresh_token.get_secret_value())
            secret = secret_digest(self._oauth.client_secret.get_secret_value())
            self.cache_key = (self._oauth.token_url, "refresh_token", self._oauth.client_id, secret, lineage)
            self._slot = token_slot(self.cache_key)
            if self._oauth.refresh_token_variable:
                self._store = RefreshTokenVariable(self._oauth.refresh_token_variable, lineage)

    def __repr__(self) -> str:
        return f"Credentials(oauth={self._oauth is not None}, token=***)"

    @property
    def _token(self) -> str:
        return self._slot.access_token or self._api_key

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

    def before_refresh(self) -> None:
        """Called under the lock before :meth:`refresh_request` (may block: the async client runs it in a
        thread). The first renewal in the process starts from the token kept in the Variable (opt-in), which is
        newer than the connection's when an earlier task rotated it; every later renewal reads it again, since a task
        process running at the same time may have rotated the token since (unless this process's own newest token
        could not be saved there)."""
        if self._oauth is None:
            return
        kept = self._store.load() if self._store else ""
        if kept and not self._slot.unsaved:  # another task process may have rotated it since this one last did
            self._slot.refresh_token = kept
        elif not self._slot.refresh_token:
            self._slot.refresh_token = self._oauth.refresh_token.get_secret_value()

    def refresh_request(self) -> ApiRequest:
        """The token-endpoint request exchanging the current refresh token for a new access token."""
        assert self._oauth is not None
        return token_request(
            self._oauth.token_url,
            {
                "grant_type": "refresh_token",
                "refresh_token": self._slot.refresh_token or self._oauth.refresh_token.get_secret_value(),
                "client_id": self._oauth.client_id,
                "client_secret": self._oauth.client_secret.get_secret_value(),
            },
        )

    def another_token_after(self, response: RawResponse) -> bool:
        """After ``invalid_grant``: another task process of this connection may have rotated the refresh token since
        this one read the opt-in Variable (renewals are single-flight within a process only). If the Variable now
        holds a token other than the one refused, take it and say so: the caller renews once more with it. May
        block (reads the Variable)."""
        if self._store is None or not is_invalid_grant(response.status, response.content):
            return False
        kept = self._store.load()
        if not kept or kept == self._slot.refresh_token:
            return False
        self._slot.refresh_token, self._slot.unsaved = kept, False
        return True

    def apply_refresh(self, request: ApiRequest, response: RawResponse) -> None:
        """Store the token from a token-endpoint response, and a rotated refresh token (process-wide)."""
        if is_invalid_grant(response.status, response.content):
            raise self._refused()
        raise_for_status(request, response, build_api_error)
        data = read_token_answer(response.content, "check the token URL")
        self._slot.access_token = data["access_token"]
        rotated = str(data.get("refresh_token") or "")
        if rotated and rotated != self._slot.refresh_token:
            self._slot.refresh_token = rotated
            self._rotated = True
        self._slot.generation += 1

    def after_refresh(self) -> None:
        """Called under the lock after a successful renewal (may block): keep a rotated refresh token in the
        opt-in Variable, before any other request, so the next task process starts from it."""
        if self._rotated:
            self._rotated = False
            if self._store is not None:
                self._slot.unsaved = not self._store.save(self._slot.refresh_token)

    def _refused(self) -> OAuthGrantError:
        kept = (
            f" The Variable '{self._store.name}' that keeps rotated tokens is ignored once the connection holds "
            "a new refresh token."
            if self._store
            else ' Rotated tokens are kept across task processes only with "oauth_refresh_token_variable": true '
            "in the extra."
        )
        self._slot.refresh_token = ""  # the next try starts again from the Variable or the connection
        return OAuthGrantError(
            f"Connection '{self._conn_id}': the OAuth token endpoint refused the refresh token (invalid_grant): it "
            "was revoked, expired, or already used (refresh tokens rotate and the old one is refused). "
            "Fix: re-authorize the app and put the new refresh token in the connection's extra "
            f"'oauth_refresh_token'.{kept} For batch payouts, use an API key instead (README: API keys are "
            "recommended for payouts). Not retried."
        )

"""The opt-in store of a rotated OAuth refresh token across task processes: one Airflow Variable.

Airflow 3 tasks cannot write connections, and connections from environment variables or a secrets backend are
read-only everywhere, so a refresh token the token endpoint rotated cannot be written back to its connection. With
``"oauth_refresh_token_variable": true`` (or a Variable name) in the connection's extra, the rotated token is
written to that Variable right after each renewal and read back before the next task's first renewal. The value is
``{"lineage": <sha256 of the connection's refresh token>, "refresh_token": <current token>}``: a Variable written
for an older authorization (the connection got a new refresh token since) is ignored. Only the refresh token is
kept there, never an access token; it is registered with the secrets masker on every read and write, and the
Variable's name contains ``token`` so the UI hides its value.
"""

from __future__ import annotations

import logging

from airflow.providers.common.compat.sdk import mask_secret

from airflow_provider_tremendous.core.markers import airflow_variable

log = logging.getLogger(__name__)


class RefreshTokenVariable:
    """The rotated refresh token of one lineage, kept in the Airflow Variable ``name``."""

    def __init__(self, name: str, lineage: str) -> None:
        self.name = name
        self.lineage = lineage

    def __repr__(self) -> str:
        return f"RefreshTokenVariable(name={self.name!r})"

    def load(self) -> str:
        """The token kept for this lineage, or "" (none kept, another lineage's, or the Variable unreadable)."""
        try:
            value = airflow_variable().get(self.name, None, deserialize_json=True)
        except Exception as error:  # an unreadable store falls back to the connection's token
            log.warning("Could not read the OAuth refresh-token Variable %r (%s).", self.name, type(error).__name__)
            return ""
        if not isinstance(value, dict) or value.get("lineage") != self.lineage or not value.get("refresh_token"):
            return ""
        token = str(value["refresh_token"])
        mask_secret(token)
        return token

    def save(self, token: str) -> bool:
        """Keep ``token`` for the next task process. A failed write is logged (without the token), not raised:
        this process goes on with it, and the next one will fail with a clear invalid_grant message. Whether it was
        kept."""
        mask_secret(token)
        try:
            airflow_variable().set(
                self.name,
                {"lineage": self.lineage, "refresh_token": token},
                description="Rotated OAuth refresh token (airflow-provider-tremendous); do not edit",
                serialize_json=True,
            )
        except Exception as error:  # the token is in memory; losing it later is reported then
            log.warning(
                "Could not save the rotated OAuth refresh token to the Variable %r (%s): the next task process "
                "will use the older token and be refused (invalid_grant).",
                self.name,
                type(error).__name__,
            )
            return False
        return True

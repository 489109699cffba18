"""Reports and webhooks: the asynchronous outputs of an account."""

from __future__ import annotations

import datetime as dt

from airflow_provider_tremendous.core.models import ApiModel


class ReportStatus:
    """Report status values."""

    CREATED = "CREATED"
    PROCESSING = "PROCESSING"
    READY_FOR_DOWNLOAD = "READY_FOR_DOWNLOAD"
    FAILED = "FAILED"


class Report(ApiModel):
    """A report being generated; ``url`` is set (valid 7 days) once ``READY_FOR_DOWNLOAD``."""

    id: str | None = None
    status: str | None = None
    created_at: dt.datetime | None = None
    expected_completion_at: dt.datetime | None = None
    url: str | None = None


class Webhook(ApiModel):
    """The organization's webhook; ``private_key`` signs deliveries (a secret: do not log it)."""

    id: str | None = None
    url: str | None = None
    private_key: str | None = None

    def __repr__(self) -> str:
        return f"Webhook(id={self.id!r}, url={self.url!r}, private_key=***)"

"""Reports and webhooks."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from airflow_provider_tremendous.core.operation import Body, endpoint
from airflow_provider_tremendous.vendors.tremendous.models import Report, Webhook


class ReportsAPI:
    """Asynchronous exports and event delivery."""

    @endpoint("POST", "/reports", key="report")
    def create_report(self, body: Body) -> Report:
        """Start a report (``report_type: digital_rewards``, ``format: csv``, optional ``filters``).

        Not retried after it may have reached the server; 429 means the concurrency limit was hit.
        """

    @endpoint("GET", "/reports/{report_id}", key="report")
    def get_report(self, report_id: str) -> Report:
        """Retrieve a report (HTTP 202 while not ready; check ``status`` and ``url``)."""

    @endpoint("GET", "/webhooks", key="webhooks")
    def list_webhooks(self) -> list[Webhook]:
        """List webhooks (an organization has at most one)."""

    @endpoint("POST", "/webhooks", key="webhook")
    def create_webhook(self, body: Body) -> Webhook:
        """Create the organization's webhook, replacing any existing one; the answer holds its ``private_key``."""

    @endpoint("DELETE", "/webhooks/{webhook_id}")
    def delete_webhook(self, webhook_id: str) -> None:
        """Delete the webhook (204, no body)."""

    @endpoint("GET", "/webhooks/{webhook_id}", key="webhook")
    def get_webhook(self, webhook_id: str) -> Webhook:
        """Retrieve the webhook."""

    @endpoint("GET", "/webhooks/{webhook_id}/events", key="events")
    def list_webhook_events(self, webhook_id: str) -> list[str]:
        """List the event types the webhook can receive."""

    @endpoint("POST", "/webhooks/{webhook_id}/simulate")
    def simulate_webhook(self, webhook_id: str, body: Body) -> str:
        """Send a test delivery of ``{"event": "..."}`` to the webhook; answers text."""

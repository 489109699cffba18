"""Fraud prevention: reviews and rules."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

import datetime as dt

from airflow_provider_tremendous.core.operation import Body, endpoint
from airflow_provider_tremendous.core.paging import Pagination
from airflow_provider_tremendous.vendors.tremendous.models import FraudReview, FraudRule, Page


class FraudAPI:
    """Held rewards and the rules that hold them."""

    @endpoint("GET", "/fraud_reviews", key="fraud_reviews", pagination=Pagination(max_limit=100))
    def list_fraud_reviews(
        self,
        offset: int | None = None,
        limit: int | None = None,
        status: str | None = None,
        created_at_gte: dt.datetime | str | None = None,
        created_at_lte: dt.datetime | str | None = None,
        redeemed_at_gte: dt.datetime | str | None = None,
        redeemed_at_lte: dt.datetime | str | None = None,
    ) -> Page[FraudReview]:
        """List fraud reviews (``status``: flagged, blocked or released), newest redemption first."""

    @endpoint("GET", "/fraud_reviews/{reward_id}", key="fraud_review")
    def get_fraud_review(self, reward_id: str) -> FraudReview:
        """Retrieve the fraud review of a reward."""

    @endpoint("PUT", "/fraud_reviews/{reward_id}/block", key="fraud_review")
    def block_fraud_review(self, reward_id: str) -> FraudReview:
        """Block a flagged reward."""

    @endpoint("PUT", "/fraud_reviews/{reward_id}/release", key="fraud_review")
    def release_fraud_review(self, reward_id: str) -> FraudReview:
        """Release a flagged reward to its recipient."""

    @endpoint("GET", "/fraud_rules", key="fraud_rules")
    def list_fraud_rules(self) -> list[FraudRule]:
        """List the configured fraud rules."""

    @endpoint("DELETE", "/fraud_rules/{rule_type}", key="message")
    def delete_fraud_rule(self, rule_type: str) -> str:
        """Delete a fraud rule; answers the API's message."""

    @endpoint("POST", "/fraud_rules/{rule_type}", key="message")
    def fraud_rule(self, rule_type: str, body: Body | None = None) -> str:
        """Configure a fraud rule (``config`` depends on the rule type); answers the API's message."""

    @endpoint("POST", "/fraud_rules/{rule_type}/update_list", key="message")
    def update_fraud_rule_list(self, rule_type: str, body: Body) -> str:
        """Add to, remove from or replace a list-based fraud rule (``operation``, ``config``)."""

"""Pydantic models of the Tremendous API's resources, tolerant of unknown fields and enum values."""

from airflow_provider_tremendous.core.models import ApiModel, TremendousModel
from airflow_provider_tremendous.core.pagination import Page
from airflow_provider_tremendous.vendors.tremendous.models.account import (
    Campaign,
    Field,
    Member,
    Organization,
    Product,
    Role,
)
from airflow_provider_tremendous.vendors.tremendous.models.fraud import (
    ConnectedOrganization,
    ConnectedOrganizationMember,
    ConnectedOrganizationMemberSession,
    FraudReview,
    FraudRule,
)
from airflow_provider_tremendous.vendors.tremendous.models.funding import (
    BalanceTransaction,
    FundingSource,
    Invoice,
    InvoiceStatus,
    Topup,
)
from airflow_provider_tremendous.vendors.tremendous.models.orders import (
    Delivery,
    DeliveryStatus,
    Order,
    OrderStatus,
    Payment,
    Recipient,
    Reward,
    RewardLink,
)
from airflow_provider_tremendous.vendors.tremendous.models.reports import Report, ReportStatus, Webhook

__all__ = [
    "ApiModel",
    "BalanceTransaction",
    "Campaign",
    "ConnectedOrganization",
    "ConnectedOrganizationMember",
    "ConnectedOrganizationMemberSession",
    "Delivery",
    "DeliveryStatus",
    "Field",
    "FraudReview",
    "FraudRule",
    "FundingSource",
    "Invoice",
    "InvoiceStatus",
    "Member",
    "Order",
    "OrderStatus",
    "Organization",
    "Page",
    "Payment",
    "Product",
    "Recipient",
    "Report",
    "ReportStatus",
    "Reward",
    "RewardLink",
    "Role",
    "Topup",
    "TremendousModel",
    "Webhook",
]

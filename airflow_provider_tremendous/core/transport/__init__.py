"""The HTTP core shared by the sync and async hooks: requests, retries, rate limiting, credentials."""

from airflow_provider_tremendous.core.transport.client import AsyncApiClient, SyncApiClient
from airflow_provider_tremendous.core.transport.ratelimit import RateLimiter
from airflow_provider_tremendous.core.transport.request import ApiRequest, RawResponse
from airflow_provider_tremendous.core.transport.retry import RetryPolicy, is_retryable

__all__ = [
    "ApiRequest",
    "AsyncApiClient",
    "RateLimiter",
    "RawResponse",
    "RetryPolicy",
    "SyncApiClient",
    "is_retryable",
]

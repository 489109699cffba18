"""Create a rewards report, wait until it is ready, and download the CSV."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.checks import Verdict
from airflow_provider_tremendous.core.errors import RateLimitError, WaitTimeoutError
from airflow_provider_tremendous.operators.base import TremendousWaitingOperator
from airflow_provider_tremendous.operators.links import REPORT_URL_KEY, TremendousReportLink
from airflow_provider_tremendous.triggers.waiting import raise_if_failed

if TYPE_CHECKING:
    from airflow_provider_tremendous.vendors.tremendous.models import Report

DOWNLOAD_CHUNK = 1 << 16


class TremendousCreateReportOperator(TremendousWaitingOperator):
    """Generate a ``digital_rewards`` CSV report, wait until it is ready, optionally download it.

    The API allows only a few reports in progress per organization and answers 429 beyond that; the operator
    then waits ``poll_interval`` and tries again until ``timeout``.

    :param filters: the ``digital_rewards`` filters (``amount``, ``campaign_id``, ``created_at``,
        ``delivery_method``, ``order_id``, ``order_status``, ``status``); templated.
    :param wait_for_completion: wait until ``READY_FOR_DOWNLOAD`` (default True).
    :param download_path: where to write the CSV: a local path or an Airflow object-storage URI
        (``s3://bucket/key.csv``); templated. Implies waiting.
    :return: the report as a JSON-safe dict, plus ``path`` when downloaded.
    """

    template_fields: Sequence[str] = ("filters", "download_path", "tremendous_conn_id")
    template_fields_renderers = {"filters": "json"}
    operator_extra_links = (TremendousReportLink(),)

    def __init__(
        self,
        *,
        filters: dict[str, Any] | None = None,
        download_path: str | None = None,
        wait_for_completion: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(wait_for_completion=wait_for_completion or bool(download_path), **kwargs)
        self.filters = filters
        self.download_path = download_path

    def execute(self, context: Any) -> dict[str, Any]:
        report = self._create(time.time() + self.timeout)
        context["ti"].xcom_push(key="report_id", value=report.id)
        context["ti"].xcom_push(key=REPORT_URL_KEY, value=self.hook.dashboard_url("reports", str(report.id)))
        if not self.wait_for_completion:
            return report.to_xcom()
        from airflow_provider_tremendous.vendors.tremendous.resource_checks import ReportCheck

        return self.wait_then_finish(context, ReportCheck(str(report.id)), {"report_id": report.id})  # type: ignore[no-any-return]

    def _create(self, deadline: float) -> Report:
        body: dict[str, Any] = {"report_type": "digital_rewards", "format": "csv"}
        if self.filters:
            body["filters"] = {"digital_rewards": self.filters}
        while True:
            try:
                report = self.hook.create_report(body)
                self.log.info("Report %s created (%s)", report.id, report.status)
                return report
            except RateLimitError as error:
                if time.time() + self.poll_interval > deadline:
                    raise WaitTimeoutError(f"Could not start a report before the timeout: {error}") from error
                self.log.warning("Report concurrency limit reached; trying again in %.0f s", self.poll_interval)
                time.sleep(self.poll_interval)

    def finish(self, context: Any, verdict: Verdict, state: dict[str, Any]) -> dict[str, Any]:
        raise_if_failed(verdict)
        report = dict(verdict.data["report"])
        if self.download_path:
            report["path"] = self._download(str(report["url"]), self.download_path)
        return report

    def _download(self, url: str, destination: str) -> str:
        """Stream the CSV to ``destination`` (no Tremendous credentials are sent: the URL is pre-signed)."""
        import requests

        with requests.get(url, stream=True, timeout=60) as response:
            response.raise_for_status()
            if "://" in destination:
                from airflow.providers.common.compat.sdk import ObjectStoragePath

                target: Any = ObjectStoragePath(destination)
            else:
                target = Path(destination)
                target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as handle:
                for chunk in response.iter_content(DOWNLOAD_CHUNK):
                    handle.write(chunk)
        self.log.info("Report downloaded to %s", destination)
        return destination

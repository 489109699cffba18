"""Reports: ``digital_rewards`` CSV exports that take time to generate, with a concurrency limit."""

from __future__ import annotations

import csv
import io
import secrets
import time
from typing import Any

from airflow_provider_tremendous.sandbox.errors import SandboxAPIError, invalid, not_found
from airflow_provider_tremendous.sandbox.state import SandboxState, public, transition

FILTER_KEYS = {
    "amount",
    "campaign_id",
    "created_at",
    "delivered_at",
    "delivery_method",
    "order_id",
    "order_status",
    "status",
}
IN_PROGRESS = ("CREATED", "PROCESSING")
COLUMNS = [
    "reward_id",
    "order_id",
    "external_id",
    "created_at",
    "recipient_name",
    "recipient_email",
    "recipient_phone",
    "amount",
    "currency_code",
    "delivery_method",
    "delivery_status",
    "order_status",
    "campaign_id",
]
_REWARD_STATUS = {"delivered": "SUCCEEDED", "delivery_failed": "FAILED"}


def create_report(state: SandboxState, body: Any, origin: str) -> dict[str, Any]:
    """Start generating a report (CREATED); 429 when too many are already being generated."""
    filters = _validate(body)
    busy = sum(1 for r in state.collections["reports"].values() if r["status"] in IN_PROGRESS)
    if busy >= state.config.settings.report_concurrency:
        raise SandboxAPIError(429, f"Too many reports are being generated ({busy}); retry later", {})
    delay = state.config.settings.report_seconds
    report: dict[str, Any] = {
        "id": state.new_id(),
        "status": "CREATED",
        "created_at": state.iso(),
        "expected_completion_at": state.iso(time.time() + delay),
        "url": None,
        "_filters": filters,
        "_origin": origin,
        "_token": secrets.token_urlsafe(16),
        "_csv": None,
        "_fail": False,
    }
    state.collections["reports"][report["id"]] = report
    state.schedule(delay / 2, "report.process", report["id"])
    return public(report)


def _validate(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object", {})
    errors: dict[str, str] = {}
    if body.get("report_type") != "digital_rewards":
        errors["report_type"] = "must be digital_rewards"
    if body.get("format") != "csv":
        errors["format"] = "must be csv"
    raw_filters = body.get("filters") or {}
    filters = raw_filters.get("digital_rewards") or {} if isinstance(raw_filters, dict) else None
    if not isinstance(filters, dict):
        errors["filters"] = "must be an object like {'digital_rewards': {...}}"
        filters = {}
    filters = {key: value for key, value in filters.items() if value is not None}  # clients send unset as null
    unknown = set(filters) - FILTER_KEYS
    if unknown:
        errors["filters"] = f"unknown digital_rewards filter(s): {', '.join(sorted(unknown))}"
    if errors:
        raise invalid("Invalid report request", errors)
    return filters


@transition("report.process")
def _processing(state: SandboxState, report_id: str) -> None:
    report = state.collections["reports"][report_id]
    if report["status"] == "CREATED":
        report["status"] = "PROCESSING"
        state.schedule(state.config.settings.report_seconds / 2, "report.finish", report_id)


@transition("report.finish")
def _finished(state: SandboxState, report_id: str) -> None:
    report = state.collections["reports"][report_id]
    if report["status"] != "PROCESSING":
        return
    report["expected_completion_at"] = state.iso()
    if report["_fail"]:
        report["status"] = "FAILED"
        state.emit("REPORTS.GENERATION.FAILED", "reports", report_id)
        return
    report["_csv"] = rewards_csv(state, report["_filters"])
    report["status"] = "READY_FOR_DOWNLOAD"
    report["url"] = f"{report['_origin']}/_sandbox/downloads/{report['_token']}/report-{report_id}.csv"
    state.emit("REPORTS.GENERATION.SUCCEEDED", "reports", report_id)


def get_report(state: SandboxState, report_id: str) -> tuple[int, dict[str, Any]]:
    """The report and the status code: 202 while it is still being generated."""
    report = state.get_one("reports", report_id, not_found, "Report")
    status = 202 if report["status"] in IN_PROGRESS else 200
    message = {"CREATED": "Report created", "PROCESSING": "Report is being generated"}.get(report["status"], "")
    return status, {"report": public(report), "message": message or f"Report {report['status'].lower()}"}


def fail_report(state: SandboxState, report_id: str) -> None:
    """Admin: make a report still in progress end in FAILED."""
    state.get_one("reports", report_id, not_found, "Report")["_fail"] = True


def download(state: SandboxState, token: str) -> str:
    """The CSV behind a report URL."""
    for report in state.collections["reports"].values():
        if report["_token"] == token and report["_csv"] is not None:
            return str(report["_csv"])
    raise not_found("Report download", token)


def _matches(state: SandboxState, reward: dict[str, Any], filters: dict[str, Any]) -> bool:
    order = state.collections["orders"][reward["order_id"]]
    amount = reward["value"]["denomination"]
    bounds = {k: v for k, v in (filters.get("amount") or {}).items() if v is not None}
    if ("gte" in bounds and amount < bounds["gte"]) or ("lte" in bounds and amount > bounds["lte"]):
        return False
    created = reward["created_at"][:10]
    window = {k: v for k, v in (filters.get("created_at") or {}).items() if v is not None}
    if ("gte" in window and created < str(window["gte"])[:10]) or (
        "lte" in window and created > str(window["lte"])[:10]
    ):
        return False
    checks = {
        "campaign_id": reward["_campaign_id"],
        "order_id": order["id"],
        "delivery_method": reward["delivery"]["method"].lower(),
        "order_status": order["status"].lower().replace(" ", "_"),
    }
    if any(key in filters and str(filters[key]).lower() != str(value).lower() for key, value in checks.items()):
        return False
    statuses = filters.get("status")
    if statuses:
        current = "canceled" if reward["_canceled"] else reward["delivery"]["status"]
        wanted = {_REWARD_STATUS.get(s, s) for s in statuses}
        if current not in wanted and not (
            "pending_review" in statuses and reward["id"] in state.collections["fraud_reviews"]
        ):
            return False
    return True


def rewards_csv(state: SandboxState, filters: dict[str, Any]) -> str:
    """The filtered rewards as CSV, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for reward in sorted(state.collections["rewards"].values(), key=lambda r: r["_seq"]):
        if not _matches(state, reward, filters):
            continue
        order = state.collections["orders"][reward["order_id"]]
        recipient = reward["recipient"]
        writer.writerow(
            [
                reward["id"],
                order["id"],
                order["external_id"] or "",
                reward["created_at"],
                recipient.get("name", ""),
                recipient.get("email", ""),
                recipient.get("phone", ""),
                f"{reward['value']['denomination']:.2f}",
                reward["value"]["currency_code"],
                reward["delivery"]["method"],
                reward["delivery"]["status"],
                order["status"],
                reward["_campaign_id"] or "",
            ]
        )
    return out.getvalue()

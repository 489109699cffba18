"""The official tremendous-python SDK (generated from Tremendous's current spec) drives the sandbox: every
response of every operation it is asked for deserializes into the SDK's own models without error."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import order_body

tremendous = pytest.importorskip("tremendous")
M = tremendous.models


def _order(sdk: Any, external_id: str | None = None, **reward: Any) -> Any:
    return sdk.create_order(M.CreateOrderRequest.from_dict(order_body(external_id, **reward))).order


def test_create_order_new_replay_and_conflict(sdk: Any, tremendous_sandbox: Any) -> None:
    body = order_body("survey-42-r1")
    first = sdk.create_order_with_http_info(M.CreateOrderRequest.from_dict(body))
    replay = sdk.create_order_with_http_info(M.CreateOrderRequest.from_dict(body))
    assert (first.status_code, replay.status_code) == (200, 201)
    assert first.data.order.id == replay.data.order.id
    assert first.data.order.status == "EXECUTED"
    assert first.data.order.payment.total == 10
    changed = order_body("survey-42-r1", value={"denomination": 11, "currency_code": "USD"})
    with pytest.raises(tremendous.exceptions.ConflictException):
        sdk.create_order(M.CreateOrderRequest.from_dict(changed))
    assert len(tremendous_sandbox.admin.ledger()) == 1


def test_orders_read_and_list(sdk: Any) -> None:
    created = [_order(sdk, f"ext-{i}", campaign_id="CAMPAIGN00001") for i in range(3)]
    assert sdk.get_order(created[0].id).order.external_id == "ext-0"
    assert sdk.get_order("ext-1").order.id == created[1].id
    listing = sdk.list_orders(limit=2, campaign_id="CAMPAIGN00001")
    assert listing.total_count == 3
    assert [o.id for o in listing.orders] == [created[2].id, created[1].id], "newest first"
    assert sdk.list_orders(external_id="ext-2").orders[0].id == created[2].id
    assert (
        sdk.list_orders(created_at_gte="2000-01-01T00:00:00Z", created_at_lte="2001-01-01T00:00:00Z").total_count == 0
    )


def test_approvals(sdk: Any, tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(approvals=True)
    pending = _order(sdk, "needs-approval")
    rejected = _order(sdk, "to-reject")
    assert pending.status == "PENDING APPROVAL"
    assert sdk.approve_order(pending.id).order.status == "EXECUTED"
    assert sdk.reject_order("to-reject").order.status == "CANCELED"
    assert rejected.id == sdk.get_order("to-reject").order.id


def test_rewards(sdk: Any, tremendous_sandbox: Any) -> None:
    link_order = _order(sdk, delivery={"method": "LINK"}, recipient={"name": "Link"})
    assert link_order.rewards[0].delivery.link.startswith("https://")
    bounced = _order(sdk, recipient={"name": "B", "email": "bounce@example.com"})
    tremendous_sandbox.admin.advance(1)
    reward_id = bounced.rewards[0].id
    assert sdk.get_reward(reward_id).reward.delivery.status == "FAILED"
    sdk.resend_reward(reward_id, M.ResendRewardRequest(updated_email="ada@example.com"))
    tremendous_sandbox.admin.advance(1)
    assert sdk.get_reward(reward_id).reward.delivery.status == "SUCCEEDED"
    listing = sdk.list_rewards(limit=500)
    assert listing.total_count == 2
    assert sdk.generate_reward_link(link_order.rewards[0].id).reward.link
    failing = _order(sdk, recipient={"name": "C", "email": "c@invalid.example"})
    tremendous_sandbox.admin.advance(1)
    before = tremendous_sandbox.admin.balance()
    sdk.cancel_reward(failing.rewards[0].id)
    assert tremendous_sandbox.admin.balance() == before + 10
    assert sdk.get_order(failing.id).order.payment.refund.total == 10


def test_funding_sources_and_balance(sdk: Any) -> None:
    sources = sdk.list_funding_sources().funding_sources
    assert {s.method for s in sources} >= {"balance", "invoice", "credit_card"}
    before = sdk.get_funding_source("BALANCE").funding_source.meta.available_amount
    _order(sdk)
    assert sdk.get_funding_source("balance").funding_source.meta.available_amount == before - 10
    transactions = sdk.list_balance_transactions(limit=10).transactions
    assert transactions[0].amount == -10


def test_invoices_with_downloads(sdk: Any, tremendous_sandbox: Any) -> None:
    tremendous_sandbox.admin.settings(invoice_payment_seconds=30)
    invoice = sdk.create_invoice(M.CreateInvoiceRequest(amount=250, po_number="PO-7")).invoice
    assert invoice.status == "OPEN"
    assert sdk.list_invoices(limit=10).invoices[0].id == invoice.id
    before = tremendous_sandbox.admin.balance()
    tremendous_sandbox.admin.advance(30)
    paid = sdk.get_invoice(invoice.id).invoice
    assert paid.status == "PAID" and paid.paid_at is not None
    assert tremendous_sandbox.admin.balance() == before + 250
    csv = sdk.download_invoice_csv_with_http_info(invoice.id)
    assert csv.headers["content-type"].startswith("text/csv") and invoice.id in csv.data
    pdf = sdk.download_invoice_pdf(invoice.id)
    assert bytes(pdf).startswith(b"%PDF-")
    tremendous_sandbox.admin.settings(invoice_payment_seconds=None)
    open_invoice = sdk.create_invoice(M.CreateInvoiceRequest(amount=5)).invoice
    assert sdk.delete_invoices(open_invoice.id).invoice.status == "DELETED"


def test_reports(sdk: Any, tremendous_sandbox: Any) -> None:
    _order(sdk, "r-1")
    _order(sdk, "r-2", value={"denomination": 50, "currency_code": "USD"})
    tremendous_sandbox.admin.settings(report_seconds=10)
    request = M.CreateReportRequest.from_dict(
        {"report_type": "digital_rewards", "format": "csv", "filters": {"digital_rewards": {"amount": {"gte": 20}}}}
    )
    report = sdk.create_report(request).report
    assert report.status == "CREATED"
    waiting = sdk.get_report_with_http_info(report.id)
    assert waiting.status_code == 202
    tremendous_sandbox.admin.advance(10)
    ready = sdk.get_report_with_http_info(report.id)
    assert ready.status_code == 200 and ready.data.report.status == "READY_FOR_DOWNLOAD"
    import httpx

    rows = httpx.get(ready.data.report.url).text.strip().splitlines()
    assert len(rows) == 2 and "r-2" in rows[1] and "50.00" in rows[1]


def test_catalog_and_organization(sdk: Any) -> None:
    products = sdk.list_products(currency="EUR").products
    assert products and all("EUR" in p.currency_codes for p in products)
    assert sdk.get_product("OKMHM2X2OHYV").product.name == "Amazon.com"
    fields = {"name": "Panel", "description": "Panel rewards", "products": ["KV934TZ93NQM"]}
    campaign = sdk.create_campaign(M.CreateCampaignRequest.from_dict(fields)).campaign
    updated = sdk.update_campaign(campaign.id, M.UpdateCampaignRequest.from_dict({**fields, "name": "Panel 2"}))
    assert updated.campaign.name == "Panel 2"
    assert len(sdk.list_campaigns().campaigns) == 2
    assert [p.actual_instance for p in sdk.get_campaign(campaign.id).campaign.products] == ["KV934TZ93NQM"]
    assert sdk.list_forex(base="EUR").forex["EUR"] == 1
    assert sdk.list_organizations().organizations[0].name
    org_id = sdk.list_organizations().organizations[0].id
    assert sdk.get_organization(org_id).organization.id == org_id
    sub = sdk.create_organization(
        M.CreateOrganizationRequest(name="Sub", website="https://sub.example", with_api_key=True)
    )
    assert sub.organization.name == "Sub"
    assert sdk.create_api_key(M.CreateApiKeyRequest(permission="read_only")).api_key.startswith("TEST_")


def test_members_roles_fields(sdk: Any) -> None:
    role = sdk.list_roles().roles[0]
    member = sdk.create_member(M.CreateMemberRequest(email="m@example.com", role=role.id)).member
    assert sdk.get_member(member.id).member.events
    other_role = sdk.list_roles().roles[1].id
    assert sdk.update_member(member.id, M.UpdateMemberRequest(role=other_role)).member.role == other_role
    assert len(sdk.list_members().members) == 1
    sdk.delete_member(member.id)
    assert sdk.list_members().members == []
    field = sdk.create_field(M.CreateFieldRequest(display_name="respondent_id", data_type="Text")).var_field
    assert sdk.list_fields().fields[0].id == field.id


def test_topups(sdk: Any) -> None:
    request = M.CreateTopupRequest(funding_source_id="FSCREDITCRD1", amount=100, idempotency_key="topup-1")
    topup = sdk.create_topup(request).topup
    assert sdk.create_topup(request).topup.id == topup.id, "same idempotency key, same topup"
    assert sdk.get_topup(topup.id).topup.status == "fully_credited"
    assert sdk.list_topups().total_count == 1
    with pytest.raises(tremendous.exceptions.ConflictException):
        sdk.create_topup(M.CreateTopupRequest(funding_source_id="FSCREDITCRD1", amount=5, idempotency_key="topup-1"))


def test_webhooks(sdk: Any) -> None:
    webhook = sdk.create_webhook(M.CreateWebhookRequest(url="http://127.0.0.1:9/hook")).webhook
    assert webhook.private_key
    assert sdk.list_webhooks().webhooks[0].id == webhook.id
    assert sdk.get_webhook(webhook.id).webhook.url == "http://127.0.0.1:9/hook"
    assert "ORDERS.CREATED" in sdk.list_webhook_events(webhook.id).events
    assert sdk.simulate_webhook(webhook.id, M.SimulateWebhookRequest(event="INVOICES.PAID")) == "OK"
    sdk.delete_webhook(webhook.id)
    assert sdk.list_webhooks().webhooks == []


def test_fraud_reviews_and_rules(sdk: Any) -> None:
    flagged = _order(sdk, recipient={"name": "F", "email": "fraud.suspect@example.com"})
    reward_id = flagged.rewards[0].id
    reviews = sdk.list_fraud_reviews(status="flagged", limit=100)
    assert reviews.total_count == 1
    assert sdk.get_fraud_review(reward_id).fraud_review.status == "flagged"
    assert sdk.block_fraud_review(reward_id).fraud_review.status == "blocked"
    second = _order(sdk, recipient={"name": "G", "email": "fraud2@example.com"}).rewards[0].id
    assert sdk.release_fraud_review(second).fraud_review.status == "released"
    assert sdk.fraud_rule("review_email", M.FraudRuleRequest.from_dict({"config": {"emails": ["x@y.z"]}})).message
    update = M.UpdateFraudRuleListRequest.from_dict({"operation": "add", "config": {"emails": ["a@b.c"]}})
    assert sdk.update_fraud_rule_list("review_email", update).message
    assert sdk.list_fraud_rules().fraud_rules[0].config["emails"] == ["x@y.z", "a@b.c"]
    assert sdk.delete_fraud_rule("review_email").message


def test_connected_organizations(sdk: Any) -> None:
    org = sdk.create_connected_organization(M.CreateConnectedOrganizationRequest.from_dict({"client_id": "c-1"}))
    org_id = org.connected_organization.id
    assert sdk.list_connected_organizations(limit=100).total_count == 1
    assert sdk.get_connected_organization(org_id).connected_organization.client_id == "c-1"
    member = sdk.create_connected_organization_member(
        M.CreateConnectedOrganizationMemberRequest.from_dict(
            {"connected_organization_id": org_id, "external_name": "N", "external_email": "n@example.com"}
        )
    ).connected_organization_member
    assert sdk.list_connected_organization_members(connected_organization_id=org_id).total_count == 1
    assert sdk.get_connected_organization_member(member.id).connected_organization_member.id == member.id
    session = sdk.create_connected_organization_member_session(
        member.id, M.CreateConnectedOrganizationMemberSessionRequest.from_dict({"return_url": "https://back.example"})
    ).connected_organization_member_session
    assert session.url.startswith("https://")
    sdk.delete_connected_organization_member(member.id)
    sdk.delete_connected_organization(org_id)
    assert sdk.list_connected_organizations().total_count == 0


def test_every_operation_was_exercised_through_the_sdk() -> None:
    """Runs last in this module: the tests above called all 66 operations through the official SDK."""
    import json
    from pathlib import Path

    from tests.sandbox.conftest import SDK_CALLS

    if len(SDK_CALLS) < 10:
        pytest.skip("only part of this module ran")
    spec = json.loads((Path(__file__).parents[1] / "data" / "tremendous-endpoints.json").read_text())
    assert {op["sdk_method"] for op in spec["operations"]} - SDK_CALLS == set()


def test_fees_are_reported_only_on_processed_orders(sdk: Any, tremendous_sandbox: Any) -> None:
    """strictness.md #7: a fee setting charges each order; ``payment`` (with ``fees``) appears once it executes."""
    tremendous_sandbox.admin.settings(approvals=True, fee_percent=2.5)
    pending = _order(sdk, "with-fee")
    assert pending.status == "PENDING APPROVAL" and pending.payment is None, "no charge before it is processed"
    before = tremendous_sandbox.admin.balance()
    executed = sdk.approve_order(pending.id).order
    assert (executed.payment.subtotal, executed.payment.fees, executed.payment.total) == (10, 0.25, 10.25)
    assert executed.payment.currency_code == "USD"
    assert tremendous_sandbox.admin.balance() == pytest.approx(before - 10.25)

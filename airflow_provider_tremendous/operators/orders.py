"""Create one order (idempotently), approve or reject orders."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from airflow_provider_tremendous.core.checks import Verdict
from airflow_provider_tremendous.core.errors import (
    ConflictError,
    ProviderError,
    UnprocessableError,
)
from airflow_provider_tremendous.core.external_ids import single_order_key, task_instance_external_id
from airflow_provider_tremendous.operators.base import TremendousBaseOperator, TremendousWaitingOperator
from airflow_provider_tremendous.operators.links import ORDER_URL_KEY, TremendousOrderLink
from airflow_provider_tremendous.triggers.waiting import raise_if_failed

if TYPE_CHECKING:
    from airflow_provider_tremendous.vendors.tremendous.models import Order


def _digits(phone: str | None) -> str:
    return re.sub(r"\D", "", phone or "")


class TremendousCreateOrderOperator(TremendousWaitingOperator):
    """Send one reward, never twice.

    The order's ``external_id`` is its idempotency key. Without one, it is derived from (dag_id, task_id,
    run_id, map_index): every retry and every clear-and-rerun of this task instance sends the same key, and the
    API answers with the order created the first time (HTTP 201, logged as "already existed") instead of paying
    again. A given ``external_id`` (templated) is used as is. The reward is validated before anything is sent.

    :param reward: the reward in the API's shape (``value``, ``recipient``, ``delivery``, ``products`` or
        ``campaign_id``, ``custom_fields``, ``language``, ``deliver_at``); templated.
    :param funding_source_id: what pays (``balance`` by default, or a funding source id); templated.
    :param external_id: the idempotency key; templated; derived from the task instance when not given.
    :param wait_for_completion: wait until the order is ``EXECUTED``.
    :param redemption_links_path: a file of yours to append each LINK reward's redemption link to (one JSON line:
        ``order_id``, ``external_id``, ``reward_id``, ``link``), created with mode ``0600``; an existing file must be
        yours and private (``chmod 600``) or nothing is written and the task fails. A link is bearer money, so it is
        never put in XCom, trigger events or logs; without this parameter it is not written anywhere (read it in the
        dashboard, or with ``TremendousHook().generate_reward_link``). Not templated on purpose: a fixed path.
    :return: the order as a JSON-safe dict (id, external_id, status, payment, rewards with their delivery method and
        status, never the redemption link).
    :raises InputError: the reward is invalid (nothing sent).
    :raises ConflictError: the external_id was already used for a different reward.
    """

    template_fields: Sequence[str] = ("reward", "funding_source_id", "external_id", "tremendous_conn_id")
    template_fields_renderers = {"reward": "json"}
    operator_extra_links = (TremendousOrderLink(),)
    ui_color = "#f0e6ff"

    def __init__(
        self,
        *,
        reward: dict[str, Any],
        funding_source_id: str = "balance",
        external_id: str | None = None,
        redemption_links_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.reward = reward
        self.funding_source_id = funding_source_id
        self.external_id = external_id
        self.redemption_links_path = redemption_links_path

    def _external_id(self, context: Any) -> str:
        from airflow_provider_tremendous.vendors.tremendous.validation import validate_external_id

        if self.external_id:
            validate_external_id(self.external_id)
        ti = context["ti"]
        map_index = getattr(ti, "map_index", -1)
        return single_order_key(
            self.external_id,
            self.hook.settings.is_production,
            lambda: task_instance_external_id(ti.dag_id, ti.task_id, ti.run_id, -1 if map_index is None else map_index),
            "external_id",
            self.log,
        )

    def execute(self, context: Any) -> dict[str, Any]:
        from airflow_provider_tremendous.vendors.tremendous.checks import OrdersCheck
        from airflow_provider_tremendous.vendors.tremendous.validation import validate_reward

        reward = validate_reward(self.reward)
        external_id = self._external_id(context)
        if self.redemption_links_path:  # a file refused after paying would leave the link uncaptured
            from airflow_provider_tremendous.core.private_file import check_private_file

            check_private_file(self.redemption_links_path)
        body = {"external_id": external_id, "payment": {"funding_source_id": self.funding_source_id}, "reward": reward}
        order = self._create(body)
        context["ti"].xcom_push(key="order_id", value=order.id)
        context["ti"].xcom_push(key=ORDER_URL_KEY, value=self.hook.dashboard_url("orders", order.id))
        self._keep_links(order)  # the create answer is the only read that carries the links
        if not self.wait_for_completion:
            return order.to_xcom()  # type: ignore[no-any-return]
        started = (order.created_at or dt.datetime.now(dt.timezone.utc)).isoformat()
        check = OrdersCheck([order.id], created_after=started)
        return self.wait_then_finish(context, check, {"order_id": order.id})  # type: ignore[no-any-return]

    def _create(self, body: dict[str, Any]) -> Order:
        external_id = body["external_id"]
        existing = self.hook.find_order(external_id)  # looked up first: a replay never depends on the POST alone
        if existing is not None:
            self._check_existing(existing, body)
            self.log.info("Order %s (external_id %s) already existed: not paid again", existing.id, external_id)
            return existing
        try:
            response = self.hook.create_order.with_http_info(body)
        except ConflictError as error:
            raise ConflictError(
                status=error.status,
                message=(
                    f"external_id {external_id!r} already belongs to an order with different parameters "
                    "(amount, recipient...). Nothing was paid now. If the reward changed on purpose, give it a new "
                    "external_id; otherwise fix the input so it matches the original order."
                ),
                payload=error.payload,
                method=error.method,
                path=error.path,
                vendor=error.vendor,
                request_id=error.request_id,
            ) from error
        order = response.data
        if response.status_code == 201:
            self.log.info("Order %s (external_id %s) already existed: not paid again", order.id, external_id)
        else:
            self.log.info("Created order %s (external_id %s), status %s", order.id, external_id, order.status)
        return order

    @staticmethod
    def _check_existing(order: Order, body: dict[str, Any]) -> None:
        """An order found under this external_id must be this reward (amount, currency, recipient)."""
        reward = order.rewards[0] if order.rewards else None
        wanted = body["reward"]
        found = {
            "amount": reward.value.denomination if reward and reward.value else None,
            "currency": reward.value.currency_code if reward and reward.value else None,
            "email": (reward.recipient.email or "").lower() if reward and reward.recipient else "",
            "phone": _digits(reward.recipient.phone) if reward and reward.recipient else "",
        }
        asked = {
            "amount": wanted["value"]["denomination"],
            "currency": wanted["value"].get("currency_code") or found["currency"],
            "email": (wanted.get("recipient", {}).get("email") or "").lower(),
            "phone": _digits(wanted.get("recipient", {}).get("phone")),
        }
        changed = [name for name in asked if found[name] is not None and str(found[name]) != str(asked[name])]
        if "amount" in changed and Decimal(str(found["amount"])) == Decimal(str(asked["amount"])):
            changed.remove("amount")
        if changed:
            raise ConflictError(
                status=409,
                message=(
                    f"external_id {body['external_id']!r} already belongs to order {order.id} with another "
                    f"{', '.join(changed)}. Nothing was paid now. If the reward changed on purpose, give it a new "
                    "external_id; otherwise fix the input so it matches the original order."
                ),
                method="GET",
                path="/orders",
                vendor="Tremendous",
            )

    def finish(self, context: Any, verdict: Verdict, state: dict[str, Any]) -> dict[str, Any]:
        raise_if_failed(verdict)
        order = self.hook.get_order(state["order_id"])
        self._keep_links(order)  # links of rewards that were not executed when the order was created
        return order.to_xcom()  # type: ignore[no-any-return]

    def _keep_links(self, order: Order) -> None:
        """Write each LINK reward's redemption link to the user's private file, once per reward.

        Tremendous returns ``delivery.link`` on the create-order answer only; a link missing there (an order found
        by a retry, a reward executed later) is generated (``POST /rewards/{id}/generate_link``) once the order
        is executed. A reward whose link cannot be had yet is named in a warning, never passed over silently.
        """
        if not self.redemption_links_path:
            return
        from airflow_provider_tremendous.core.private_file import append_private_records, recorded_values

        path = self.redemption_links_path
        try:
            have = recorded_values(path, "reward_id")
            records = [r for r in order.redemption_links() if r["reward_id"] not in have]
            have |= {r["reward_id"] for r in records}
            missing = [r.id for r in order.rewards or [] if _is_link(r) and r.id and r.id not in have]
            if missing and order.is_executed:
                records += [self._generated(order, reward_id) for reward_id in missing]
                missing = []
            written = append_private_records(path, records)
        except ProviderError as error:  # paid, link not captured: say so; a retry finds the order and tries again
            raise ProviderError(
                f"Order {order.id} was paid (status {order.status}); its redemption links were not written: {error}"
            ) from error
        self.log.info("Wrote %d redemption link(s) of order %s to the private file given", written, order.id)
        if missing:
            self.log.warning(
                "Order %s is %s: the links of rewards %s exist once it is executed. Wait for it "
                "(wait_for_completion=True), or get them with TremendousHook().generate_reward_link(reward_id).",
                order.id,
                order.status,
                ", ".join(missing),
            )

    def _generated(self, order: Order, reward_id: str) -> dict[str, str]:
        link = self.hook.generate_reward_link(reward_id).link
        if not link:
            raise ProviderError(f"generate_link answered without a link for reward {reward_id}")
        return {"order_id": order.id, "external_id": order.external_id or "", "reward_id": reward_id, "link": link}


def _is_link(reward: Any) -> bool:
    return reward.delivery is not None and str(reward.delivery.method or "").upper() == "LINK"


class _OrderDecisionOperator(TremendousBaseOperator):
    """Approve or reject an order awaiting approval; a retry that finds the decision already made succeeds."""

    template_fields: Sequence[str] = ("order_id", "tremendous_conn_id")
    operator_extra_links = (TremendousOrderLink(),)
    action = ""
    outcome_status = ""

    def __init__(self, *, order_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.order_id = order_id

    def execute(self, context: Any) -> dict[str, Any]:
        context["ti"].xcom_push(key=ORDER_URL_KEY, value=self.hook.dashboard_url("orders", self.order_id))
        try:
            order = getattr(self.hook, f"{self.action}_order")(self.order_id)
        except UnprocessableError:
            order = self.hook.get_order(self.order_id)
            if order.normalized_status != self.outcome_status:
                raise
            self.log.info("Order %s is already %s (an earlier try did it)", order.id, order.status)
        self.log.info("Order %s %sd: status %s", order.id, self.action, order.status)
        return order.to_xcom()  # type: ignore[no-any-return]


class TremendousApproveOrderOperator(_OrderDecisionOperator):
    """Approve an order in ``PENDING APPROVAL`` (by id or external_id); it is paid and executed.

    :param order_id: order id or external_id; templated.
    :raises PaymentRequiredError: the balance cannot pay it.
    """

    action = "approve"
    outcome_status = "EXECUTED"


class TremendousRejectOrderOperator(_OrderDecisionOperator):
    """Reject an order in ``PENDING APPROVAL`` (by id or external_id); it is canceled and nothing is paid.

    :param order_id: order id or external_id; templated.
    """

    action = "reject"
    outcome_status = "CANCELED"

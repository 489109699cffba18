"""The sandbox's state: every object of the emulated account, a clock that tests can move, scheduled
transitions, pending webhook events, and persistence to a JSON state file.

Objects are stored in the API's own JSON shape; keys starting with ``_`` are internal and never rendered.
Lifecycle changes (order processing, delivery, invoice payment, report generation) are *scheduled* on the
sandbox clock and applied by :meth:`SandboxState.tick`, which runs before every request and from a background
ticker. Advancing the clock therefore replaces sleeping in tests.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import random
import string
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from airflow_provider_tremendous.sandbox.catalog import PRODUCTS, ROLES
from airflow_provider_tremendous.sandbox.config import SandboxConfig

Transition = Callable[["SandboxState", str], None]
#: Transition handlers by kind, registered by the domain modules with :func:`transition`.
TRANSITIONS: dict[str, Transition] = {}

_ID_ALPHABET = string.ascii_uppercase + string.digits
COLLECTIONS = (
    "orders",
    "rewards",
    "invoices",
    "reports",
    "topups",
    "campaigns",
    "members",
    "fields",
    "organizations",
    "fraud_reviews",
    "fraud_rules",
    "connected_organizations",
    "connected_members",
    "webhooks",
    "tango_customers",
    "tango_accounts",
    "tango_cards",
    "tango_deposits",
    "tango_transfers",
    "tango_orders",
    "tango_line_items",
    "tango_refs",
    "tango_templates",
)
#: Functions that put initial objects into a fresh state (the Tango Card emulator's default account).
SEEDERS: list[Callable[[SandboxState], None]] = []


def transition(kind: str) -> Callable[[Transition], Transition]:
    """Register the handler of a scheduled transition kind."""

    def register(handler: Transition) -> Transition:
        TRANSITIONS[kind] = handler
        return handler

    return register


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """The API view of a stored object: internal ``_`` keys removed."""
    return {key: value for key, value in obj.items() if not key.startswith("_")}


class SandboxState:
    """All mutable state, guarded by one re-entrant lock (every operation is short)."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.running_due: float | None = None
        self.reset()

    # -- lifecycle --------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything (and any clock advance); start again from the configured balance and seed."""
        with self.lock:
            self.clock_offset = 0.0
            self.rng = random.Random(self.config.faults.seed)
            self.collections: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in COLLECTIONS}
            self.external_ids: dict[str, str] = {}
            self.topup_keys: dict[str, str] = {}
            #: SHA-256 of every OAuth refresh token already exchanged (refused again unless reusable).
            self.used_refresh_tokens: set[str] = set()
            self.transactions: list[dict[str, Any]] = []
            self.schedule_heap: list[tuple[float, int, str, str]] = []
            self.sequence = 0
            self.events: list[dict[str, Any]] = []
            self.deliveries: list[dict[str, Any]] = []
            self.dirty = False
            self.balance_cents = round(self.config.settings.starting_balance * 100)
            self.products = {p["id"]: dict(p) for p in PRODUCTS}
            self.roles = {r["id"]: dict(r) for r in ROLES}
            self.organization = {
                "id": "ORGSANDBOX001",
                "name": "Sandbox Organization",
                "website": "https://sandbox.example",
                "currency_code": self.config.settings.currency_code,
                "status": "APPROVED",
                "created_at": "2026-01-01",
            }
            self.collections["campaigns"]["CAMPAIGN00001"] = {
                "id": "CAMPAIGN00001",
                "name": "Survey rewards",
                "description": "Default sandbox campaign",
                "products": ["OKMHM2X2OHYV", "KV934TZ93NQM", "Q24BD9EZ332JT"],
                "fee_charged_to": "SENDER",
                "auto_add_product_rule": None,
                "webpage_style": None,
                "email_style": None,
            }
            for seed in SEEDERS:
                seed(self)

    # -- clock and ids ----------------------------------------------------------------------------------------
    def now(self) -> float:
        """The clock that times transitions (epoch seconds): wall clock plus whatever tests advanced."""
        return time.time() + self.clock_offset

    def iso(self, timestamp: float | None = None) -> str:
        """ISO-8601 UTC with a ``Z``, as the API writes datetimes; by default the wall-clock time now.

        Timestamps stay on the wall clock even after ``advance`` (as the real API's do), so ``created_at``
        filters relative to the real time keep finding what was just created.
        """
        moment = dt.datetime.fromtimestamp(time.time() if timestamp is None else timestamp, dt.timezone.utc)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def today(self) -> dt.date:
        """The current UTC date (wall clock)."""
        return dt.datetime.now(dt.timezone.utc).date()

    def new_id(self) -> str:
        """A fresh id shaped like the API's (``[A-Z0-9]{12}``), reproducible for a given seed."""
        while True:
            candidate = "".join(self.rng.choice(_ID_ALPHABET) for _ in range(12))
            if not any(candidate in objects for objects in self.collections.values()):
                return candidate

    def get_one(
        self, collection: str, ident: str, not_found: Callable[[str, str], Exception], kind: str
    ) -> dict[str, Any]:
        """An object of ``collection`` by id, or ``not_found(kind, ident)`` raised (each vendor words its own 404)."""
        obj = self.collections[collection].get(ident)
        if obj is None:
            raise not_found(kind, ident)
        return obj

    def new_uuid(self) -> str:
        """A UUID for webhook events (from the seeded RNG)."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    # -- scheduling and events --------------------------------------------------------------------------------
    def schedule(self, delay: float, kind: str, object_id: str) -> None:
        """Run transition ``kind`` on ``object_id`` once ``delay`` sandbox seconds have passed."""
        self.sequence += 1
        start = self.running_due if self.running_due is not None else self.now()
        heapq.heappush(self.schedule_heap, (start + max(0.0, delay), self.sequence, kind, object_id))

    def tick(self) -> None:
        """Apply every transition that is due (in due order; a transition may schedule the next one)."""
        with self.lock:
            while self.schedule_heap and self.schedule_heap[0][0] <= self.now():
                due, _, kind, object_id = heapq.heappop(self.schedule_heap)
                self.running_due = due  # a follow-up transition is timed from when this one was due
                try:
                    TRANSITIONS[kind](self, object_id)
                finally:
                    self.running_due = None

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward and apply what became due."""
        with self.lock:
            self.clock_offset += seconds
            self.tick()

    def emit(self, event: str, resource_type: str, resource_id: str, meta: dict[str, Any] | None = None) -> None:
        """Queue a webhook event (delivered by the webhook worker when a webhook is configured)."""
        if not self.collections["webhooks"]:
            return
        self.events.append(
            {
                "event": event,
                "uuid": self.new_uuid(),
                "created_utc": self.iso(),
                "payload": {"resource": {"id": resource_id, "type": resource_type}, "meta": meta or {}},
            }
        )

    def take_events(self) -> list[dict[str, Any]]:
        """Hand the queued events to the webhook worker."""
        with self.lock:
            events, self.events = self.events, []
            return events

    # -- money ------------------------------------------------------------------------------------------------
    def record_transaction(self, amount_cents: int, action: str, description: str, order: Any = None) -> None:
        """Move the balance and write the balance transaction that explains it."""
        self.balance_cents += amount_cents
        self.transactions.append(
            {
                "created_at": self.iso(),
                "amount": amount_cents / 100,
                "currency_code": self.config.settings.currency_code,
                "balance": self.balance_cents / 100,
                "action": action,
                "description": description,
                "order": order,
            }
        )

    # -- persistence ------------------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Everything needed to resume after a restart, as JSON-safe data."""
        with self.lock:
            return {
                "collections": self.collections,
                "external_ids": self.external_ids,
                "topup_keys": self.topup_keys,
                "used_refresh_tokens": sorted(self.used_refresh_tokens),
                "transactions": self.transactions,
                "schedule": self.schedule_heap,
                "sequence": self.sequence,
                "balance_cents": self.balance_cents,
                "clock_offset": self.clock_offset,
                "settings": self.config.settings.model_dump(),
            }

    def restore(self, data: dict[str, Any]) -> None:
        """Load a :meth:`snapshot` (scheduled transitions that fell due meanwhile run at the next tick)."""
        with self.lock:
            self.collections.update(data["collections"])
            self.external_ids = data["external_ids"]
            self.topup_keys = data["topup_keys"]
            self.used_refresh_tokens = set(data.get("used_refresh_tokens", ()))
            self.transactions = data["transactions"]
            self.schedule_heap = [tuple(item) for item in data["schedule"]]  # type: ignore[misc]
            heapq.heapify(self.schedule_heap)
            self.sequence = data["sequence"]
            self.balance_cents = data["balance_cents"]
            self.clock_offset = data["clock_offset"]
            self.config.settings = type(self.config.settings).model_validate(data["settings"])

    def save(self) -> None:
        """Write the state file, if one is configured (atomically: write then rename)."""
        if not self.config.state_file:
            return
        path = Path(self.config.state_file)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(json.dumps(self.snapshot()))
        temporary.replace(path)

    def load(self) -> bool:
        """Read the state file if it exists; return whether state was loaded."""
        if not self.config.state_file or not Path(self.config.state_file).exists():
            return False
        self.restore(json.loads(Path(self.config.state_file).read_text()))
        return True

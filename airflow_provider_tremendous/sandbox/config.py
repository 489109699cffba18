"""Every knob of the sandbox, as one validated model shared by the CLI, the Python API and the admin API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FaultConfig(BaseModel):
    """Chaos knobs (``POST /_sandbox/faults``). Rates are probabilities per request, drawn from a seeded RNG.

    :param latency_ms: extra latency before every API request is handled (concurrent requests wait concurrently).
    :param error_rate: answer 5xx *before* any state change.
    :param error_after_commit_rate: apply the request (e.g. create the order), then answer 5xx.
    :param drop_after_commit_rate: apply the request, then close the connection without any response.
    :param rate_limit_per_second: requests per second per API key before 429; ``None`` disables the limit.
    :param tango_rate_limit_per_second: the same for the Tango Card emulator, per platform (Tango allows 1).
    :param seed: seed of the fault RNG (and of generated ids after a reset), for reproducible runs.
    :param path_prefix: only requests whose path (below ``/api/v2``) starts with this are affected.
    :param method: only requests with this HTTP method are affected (e.g. ``POST``).
    :param rate_limited_rate: answer 429 (the rate-limit body) before any state change, on top of the real limit.
    :param after_commit_delay_ms: apply the request, then wait this long before answering (a client killed in that
        window has paid without knowing it).
    :param error_after_commit_next: the next N affected requests are applied, then answered 5xx: a deterministic
        version of ``error_after_commit_rate`` for tests that need an exact number of lost answers.
    :param skip_next: the next N affected requests pass untouched before any fault applies (e.g. a payout's reads
        before its first order).
    """

    model_config = ConfigDict(extra="forbid")

    latency_ms: int = Field(default=0, ge=0, le=60_000)
    error_rate: float = Field(default=0.0, ge=0, le=1)
    error_after_commit_rate: float = Field(default=0.0, ge=0, le=1)
    drop_after_commit_rate: float = Field(default=0.0, ge=0, le=1)
    rate_limit_per_second: float | None = Field(default=10.0, ge=0)
    tango_rate_limit_per_second: float | None = Field(default=1.0, ge=0)
    seed: int = 0
    path_prefix: str | None = None
    method: str | None = None
    error_after_commit_next: int = Field(default=0, ge=0)
    skip_next: int = Field(default=0, ge=0)
    rate_limited_rate: float = Field(default=0.0, ge=0, le=1)
    after_commit_delay_ms: int = Field(default=0, ge=0, le=600_000)


class SandboxSettings(BaseModel):
    """Behaviour of the emulated account (``POST /_sandbox/settings``).

    The ``tango_`` settings drive the Tango Card emulator: the default account's starting balance, how long an
    order stays ``PENDING`` (0 = ``COMPLETE`` at once) and how long a replay of its ``externalRefID`` gets
    409.002 (in process). ``tango_lenient_external_ref_ids`` takes the lenient reading of "100 alphanumeric
    characters" (``[A-Za-z0-9:._-]``); by default anything but ``[A-Za-z0-9]`` gets 422.111 (strictness.md #1).
    ``fee_percent`` (Tremendous) and ``tango_fee_percent`` charge a fee per order on top of its face value
    (strictness.md #7; 0 by default): Tremendous reports it only on processed orders (``payment.fees``), Tango Card
    in ``amountCharged.fee``; both count it against the balance. A reused Tremendous ``external_id`` with other
    parameters gets 409; ``lenient_changed_replay`` answers 201 with the original order instead (the schema text's
    reading, strictness.md #5). Tango Card replays an ``externalRefID`` for ``tango_idempotency_days`` of sandbox
    time (90; ``None``: forever, strictness.md #3), then places a new order; its ``GET /orders`` lists at most
    ``tango_list_cap`` results (10,000, strictness.md #4). ``production_keys`` accepts ``PROD_`` Tremendous keys
    (refused with 401 by default), so tests can exercise rules that hold on production connections only. Delays are
    in (sandbox-clock) seconds; 0 makes a transition happen at the next request. ``POST /_sandbox/advance`` moves
    the sandbox clock forward so tests never sleep. A repeated Tango credit-card deposit or fund transfer is a
    new one, as Tango documents idempotency for orders only (strictness.md #2); ``tango_deduplicate_funding`` answers
    a repeated ``externalRefID`` of the account with the original deposit or transfer (200) instead. OAuth refresh
    tokens rotate (strictness.md #9): each
    ``refresh_token`` grant at ``/oauth/token`` returns a new refresh token and the exchanged one is refused
    afterwards with 400 ``invalid_grant`` (a token never seen before counts as freshly authorized);
    ``oauth_reusable_refresh_tokens`` keeps exchanged tokens valid. Tango field errors echo the refused value in
    ``invalidValue`` (a card number, a CVV included) as the real API does; ``tango_mask_invalid_values`` masks
    them as ``****`` (strictness.md #11). Tango orders *and* line items carry the reward's credentials (redemption
    URL, code, PIN), as the real API's do (strictness.md #10).
    """

    model_config = ConfigDict(extra="forbid")

    starting_balance: float = Field(default=100_000.0, ge=0)
    approvals: bool = False
    order_processing_seconds: float = Field(default=0.0, ge=0)
    delivery_seconds: float = Field(default=2.0, ge=0)
    invoice_payment_seconds: float | None = Field(default=5.0, ge=0)
    report_seconds: float = Field(default=3.0, ge=0)
    report_concurrency: int = Field(default=3, ge=1)
    fee_percent: float = Field(default=0.0, ge=0, le=100)
    currency_code: str = "USD"
    tango_starting_balance: float = Field(default=100_000.0, ge=0)
    tango_order_pending_seconds: float = Field(default=0.0, ge=0)
    tango_in_process_seconds: float = Field(default=0.0, ge=0)
    tango_lenient_external_ref_ids: bool = False
    tango_fee_percent: float = Field(default=0.0, ge=0, le=100)
    lenient_changed_replay: bool = False
    tango_idempotency_days: float | None = Field(default=90.0, gt=0)
    tango_list_cap: int = Field(default=10_000, ge=1)
    production_keys: bool = False
    tango_deduplicate_funding: bool = False
    oauth_reusable_refresh_tokens: bool = False
    tango_mask_invalid_values: bool = False


class SandboxConfig(BaseModel):
    """Faults plus settings plus persistence: everything ``tremendous-sandbox`` accepts."""

    model_config = ConfigDict(extra="forbid")

    faults: FaultConfig = Field(default_factory=FaultConfig)
    settings: SandboxSettings = Field(default_factory=SandboxSettings)
    state_file: str | None = None

    @classmethod
    def instant(cls, **settings: object) -> SandboxConfig:
        """A config for tests: no rate limits, no delays (transitions happen at the next request)."""
        base = {
            "order_processing_seconds": 0,
            "delivery_seconds": 0,
            "invoice_payment_seconds": 0,
            "report_seconds": 0,
        }
        return cls(
            faults=FaultConfig(rate_limit_per_second=None, tango_rate_limit_per_second=None),
            settings=SandboxSettings.model_validate(base | settings),
        )

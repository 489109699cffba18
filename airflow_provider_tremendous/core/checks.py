"""Status checks shared by sensors (sync), waiting operators (sync) and triggers (async).

A check is written once, without I/O: its :meth:`Check.plan` is a generator that *yields* the API calls it needs
as ``(operation name, args, kwargs)`` and receives each result, then *returns* a :class:`Verdict`.
:func:`run_check` drives it with the sync hook, :func:`arun_check` with the async hook. So the logic that decides
"done, failed or still pending" exists once, whether a sensor pokes in a worker or a trigger polls in the
triggerer. Checks serialize to plain dicts (``{"kind": ..., ...}``) for trigger kwargs.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

Call = tuple[str, tuple[Any, ...], dict[str, Any]]
State = Literal["success", "failure", "pending"]


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: ``success``, ``failure`` or ``pending``, a message for people, JSON-safe data."""

    state: State
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        """Whether waiting is over (success or failure)."""
        return self.state != "pending"


Plan = Generator[Call, Any, Verdict]


class Check:
    """Base of every check; subclasses set ``kind`` and implement :meth:`plan` and :meth:`params`."""

    kind: ClassVar[str] = ""
    registry: ClassVar[dict[str, type[Check]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            Check.registry[cls.kind] = cls

    def plan(self) -> Plan:
        """Yield API calls, receive their results, return the verdict."""
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        """The constructor keyword arguments, JSON-safe."""
        raise NotImplementedError

    def serialize(self) -> dict[str, Any]:
        """``{"kind": ..., **params}`` for trigger kwargs."""
        return {"kind": self.kind, **self.params()}

    @staticmethod
    def deserialize(data: dict[str, Any]) -> Check:
        """Rebuild a check from :meth:`serialize` output."""
        params = dict(data)
        return Check.registry[params.pop("kind")](**params)


def run_plan(plan: Generator[Call, Any, Any], hook: Any) -> Any:
    """Drive a sans-I/O plan (any generator of hook calls) with the synchronous hook; return what it returns."""
    try:
        name, args, kwargs = next(plan)
        while True:
            name, args, kwargs = plan.send(getattr(hook, name)(*args, **kwargs))
    except StopIteration as finished:
        return finished.value


def run_check(check: Check, hook: Any) -> Verdict:
    """Run ``check`` with the synchronous hook."""
    verdict: Verdict = run_plan(check.plan(), hook)
    return verdict


async def arun_check(check: Check, hook: Any) -> Verdict:
    """Run ``check`` with the asynchronous hook (never blocks the event loop)."""
    plan = check.plan()
    try:
        name, args, kwargs = next(plan)
        while True:
            name, args, kwargs = plan.send(await getattr(hook, name)(*args, **kwargs))
    except StopIteration as finished:
        verdict: Verdict = finished.value
        return verdict


def load_all() -> None:
    """Import every check module so the registry is complete (triggers deserialize by kind)."""
    from airflow_provider_tremendous.vendors.tangocard import checks as tangocard_checks  # noqa: F401
    from airflow_provider_tremendous.vendors.tremendous import checks, resource_checks  # noqa: F401

"""Status checks shared by sensors (sync), waiting operators (sync) and triggers (async).

A check is written once, without I/O: its :meth:`Check.plan` is a generator that *yields* the API calls it needs
as :class:`Call` values (``yield call(OrdersAPI.get_order, order_id)``) and receives each result, then *returns* a
:class:`Verdict`. :func:`run_check` drives it with the sync hook, :func:`arun_check` with the async hook. So the
logic that decides "done, failed or still pending" exists once, whether a sensor pokes in a worker or a trigger
polls in the triggerer. Checks serialize to plain dicts (``{"kind": ..., ...}``) for trigger kwargs.

A call names its operation by the declared :class:`~airflow_provider_tremendous.core.operation.Operation` itself,
not by a string: a renamed or removed operation, or arguments its stub does not take, fail mypy (``make lint``),
not a payout wait at run time. (A plan's body runs only when the check does: without mypy, a wrong name still
surfaces at run time, as an AttributeError on the API class.)
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, ParamSpec, TypeVar

if TYPE_CHECKING:
    from airflow_provider_tremendous.core.operation import Operation

P = ParamSpec("P")
T = TypeVar("T")
State = Literal["success", "failure", "pending"]


#: The modules that define check kinds, imported by :func:`load_all` (by name: core imports no vendor wing).
@dataclass(frozen=True)
class Call:
    """One API call a plan asks for: the declared operation, and the arguments to call it with.

    Build it with :func:`call`, which checks the arguments against the operation's stub.
    """

    operation: Operation[Any, Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The operation's name, which is also its attribute on every hook that offers it."""
        return self.operation.name

    def on(self, hook: Any) -> Any:
        """Make the call on ``hook`` (sync: the result; async: an awaitable of it).

        The operation is looked up on the hook by its name, as a hook attribute: what the hook offers under that
        name is what runs (the declared operation bound to the hook, or whatever a wrapper or a test put there).
        """
        return getattr(hook, self.operation.name)(*self.args, **self.kwargs)


def call(operation: Operation[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Call:
    """The :class:`Call` of ``operation`` (e.g. ``OrdersAPI.list_orders``) with these arguments, type-checked
    against the operation's stub."""
    return Call(operation, args, dict(kwargs))


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
        request = next(plan)
        while True:
            request = plan.send(request.on(hook))
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
        request = next(plan)
        while True:
            request = plan.send(await request.on(hook))
    except StopIteration as finished:
        verdict: Verdict = finished.value
        return verdict

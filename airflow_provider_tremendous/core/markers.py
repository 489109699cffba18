"""Durable markers: what a task began or finished that a later try must know, on any worker.

A retry, a cleared task or a fresh Kubernetes pod starts with nothing in memory and nothing on disk. Two stores
outlive them, and a marker is written to both:

* **The task state store** (Airflow 3.3+, ``context["task_state_store"]``), with ``NEVER_EXPIRE``: scoped to the
  task instance (DAG run, task, map index), kept across retries, workers and ``airflow tasks clear``; deleted with
  its DAG run, and on the task's success when ``[state_store] clear_on_success`` is on.
* **An Airflow Variable** (every Airflow line, and the only store on 2.x): the metadata database every worker
  shares, kept through ``clear_on_success`` and a deleted DAG run; removed only by hand. Its name is derived from
  the marker's key (``tremendous_marker__<hash>``), so a key may name more than one task instance (a Tango
  ``externalRefID`` given by the user is the same deposit in every DAG run that gives it).

A read merges the two (the caller ranks markers; on a tie the shared Variable wins). A write must land in at least
one store — in the Variable, for a claim other task instances must see — else :class:`MarkerUnavailableError` is
raised and the caller must not act: a marker that might be missing cannot protect anything. Markers hold no secret
and no recipient data.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections.abc import Callable
from typing import Any, NoReturn, Protocol

from airflow_provider_tremendous.core.errors import ProviderError

log = logging.getLogger(__name__)


class JsonStore(Protocol):
    """JSON objects by key (Airflow Variables; a dict in tests)."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def set(self, key: str, value: dict[str, Any]) -> None: ...


_ABSENT = object()


class UnreadableVariableError(ProviderError):
    """A Variable exists but its value cannot be read: treat it as unknown, never as absent."""


def airflow_variable() -> Any:
    """Airflow's ``Variable``: ``airflow.sdk.Variable`` on Airflow 3 (through the task's API), ``airflow.models`` on
    2.x (the metadata database)."""
    try:
        from airflow.sdk import Variable
    except ImportError:  # Airflow 2
        from airflow.models import Variable  # type: ignore[no-redef]
    return Variable


def _stored_but_unreadable(key: str) -> bool:
    """Whether a Variable Airflow answered as absent is in fact stored (its value undecryptable). Airflow 2 reads
    the metadata database in the task, so the row can be checked; Airflow 3 tasks have no database access and its
    API server answers an undecryptable Variable as missing (404): there the task state store is the other guard,
    and a Fernet key shared by every component is a precondition (docs/reliability.md)."""
    try:
        import airflow.sdk  # noqa: F401
    except ImportError:  # Airflow 2
        from airflow.models import Variable
        from airflow.utils.session import create_session

        try:
            from airflow.api_internal.internal_api_call import InternalApiConfig
        except ImportError:
            InternalApiConfig = None
        if InternalApiConfig is not None and InternalApiConfig.get_use_internal_api():
            return False  # database isolation: no session in the task, as on Airflow 3

        with create_session() as session:
            row = session.query(Variable).filter(Variable.key == key).first()
            return row is not None and row._val is not None
    return False


class VariableStore:
    """Airflow Variables, JSON-serialised."""

    _variable = staticmethod(airflow_variable)

    def get(self, key: str) -> dict[str, Any] | None:
        """The record under ``key``; ``None`` only if no such Variable exists. A Variable that exists but cannot be
        read (Airflow logs "Can't decrypt _val" and gives ``None`` when its Fernet key cannot decrypt it) raises:
        a record must never be taken for absent because it could not be read."""
        value = self._variable().get(key, _ABSENT, deserialize_json=True)
        if value is _ABSENT:
            if _stored_but_unreadable(key):
                raise UnreadableVariableError(
                    f"Airflow Variable {key} exists in the metadata database but cannot be decrypted: is the Fernet "
                    "key ([core] fernet_key) the one it was written with, on every worker? Nothing was done."
                )
            return None
        if not isinstance(value, dict):
            raise UnreadableVariableError(
                f"Airflow Variable {key} exists but could not be read as a record (got {type(value).__name__}): is "
                "the Fernet key ([core] fernet_key) the one it was written with? Nothing was done."
            )
        return value

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._variable().set(key, value, serialize_json=True)


def variable_store() -> JsonStore:
    """The Variable store markers use (tests replace this factory with an in-memory store)."""
    return VariableStore()


class TaskStateStore:
    """Airflow 3.3's task state store, every value kept with ``NEVER_EXPIRE``."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def get(self, key: str) -> dict[str, Any] | None:
        value = self.store.get(key)
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        try:  # 3.3+ (not in airflow.sdk's type stub); a store handed in on older Airflow keeps its default
            never_expire = getattr(importlib.import_module("airflow.sdk"), "NEVER_EXPIRE", None)
        except ImportError:
            never_expire = None
        self.store.set(key, value, retention=never_expire)


def task_state_store(context: Any) -> TaskStateStore | None:
    """The task instance's state store, or ``None`` where Airflow has none (before 3.3, or outside a task)."""
    store = context.get("task_state_store") if hasattr(context, "get") else None
    return TaskStateStore(store) if store is not None else None


class MarkerUnavailableError(ProviderError):
    """No durable store took the marker: whatever it was to protect must not be done now."""


class TaskMarkers:
    """Markers of one task instance: read from and written to its task state store and Airflow Variables."""

    def __init__(self, context: Any, variables: JsonStore | None = None) -> None:
        self.state = task_state_store(context)
        self.variables = variables if variables is not None else variable_store()

    @staticmethod
    def variable_name(key: str) -> str:
        """The Variable holding ``key``'s marker (Variable names are at most 250 characters: the key is hashed)."""
        return f"tremendous_marker__{hashlib.sha256(key.encode()).hexdigest()[:40]}"

    def read(self, key: str, rank: Callable[[dict[str, Any]], int] = lambda marker: 0) -> dict[str, Any] | None:
        """The marker under ``key``, or ``None`` if neither store has one. A store that cannot be read raises:
        "no marker" must never be assumed from a failed read.

        Where both stores hold one, the higher ``rank`` wins, and on a tie the Variable's: it is shared by every
        task instance that names the same key, while the task state store holds only this task instance's (possibly
        older) view. The winner is written back where it is missing or different, so losing one store later
        (``clear_on_success``, a Variable deleted) cannot lose it."""
        in_state = self.state.get(key) if self.state is not None else None
        in_variable = self.variables.get(self.variable_name(key))
        candidates = [marker for marker in (in_variable, in_state) if marker is not None]
        found = max(candidates, key=rank) if candidates else None  # max keeps the first (the Variable's) on a tie
        if found is not None and (found != in_variable or (self.state is not None and found != in_state)):
            try:
                self.write(key, found)
            except MarkerUnavailableError as error:
                log.warning("Marker %r could not be copied between its stores: %s", key, error)
        return found

    def read_shared(self, key: str) -> dict[str, Any] | None:
        """The marker under ``key`` in the Variable only: what every task instance naming ``key`` sees."""
        return self.variables.get(self.variable_name(key))

    def write(self, key: str, value: dict[str, Any], require_shared: bool = False) -> None:
        """Write ``value`` under ``key`` to the Variable, then the task state store. Raise
        :class:`MarkerUnavailableError` if neither took it, or (``require_shared``) if the Variable did not — then
        nothing is written: a claim other task instances cannot see protects nothing."""
        value = {**value, "key": key}
        problems: list[str] = []
        try:
            self.variables.set(self.variable_name(key), value)
        except Exception as error:
            problems.append(f"Airflow Variable {self.variable_name(key)}: {type(error).__name__}: {error}")
        if problems and (require_shared or self.state is None):
            self._unavailable(key, problems)
        if self.state is not None:
            try:
                self.state.set(key, value)
            except Exception as error:
                problems.append(f"the task state store: {type(error).__name__}: {error}")
                if len(problems) == 2:
                    self._unavailable(key, problems)
        for problem in problems:
            log.warning("Marker %r kept in one store only; %s", key, problem)

    @staticmethod
    def _unavailable(key: str, problems: list[str]) -> NoReturn:
        raise MarkerUnavailableError(
            f"the marker {key!r} could not be written ({'; '.join(problems)}). Nothing was sent. Check that the task "
            "can write Airflow Variables (metadata database or API server reachable), then run the task again."
        )

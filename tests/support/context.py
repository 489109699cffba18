"""A minimal task-instance context for calling operators' execute() in unit tests (no database)."""

from __future__ import annotations

from typing import Any


class FakeTI:
    """Records XCom pushes; has the identity fields operators read."""

    def __init__(self, dag_id: str = "dag", task_id: str = "task", run_id: str = "run-1", map_index: int = -1) -> None:
        self.dag_id = dag_id
        self.task_id = task_id
        self.run_id = run_id
        self.map_index = map_index
        self.try_number = 1
        self.pushed: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.pushed[key] = value


def context(**ti_fields: Any) -> dict[str, Any]:
    """A context dict holding a :class:`FakeTI`."""
    return {"ti": FakeTI(**ti_fields)}


def logged(caplog: Any, capsys: Any) -> str:
    """Everything logged so far: stdlib logging (Airflow 2) and structlog's console output (Airflow 3)."""
    captured = capsys.readouterr()
    return caplog.text + captured.out + captured.err


class MemoryTaskStateStore:
    """Airflow 3.3's ``context["task_state_store"]`` of one task instance, in memory: kept across its tries."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.retentions: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any, *, retention: Any = None) -> None:
        self.values[key], self.retentions[key] = value, retention

    def clear(self) -> None:
        self.values.clear()

    def __len__(self) -> int:
        return len(self.values)

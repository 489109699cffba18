"""Rule 1: markers.VariableStore.get promises that a Variable which exists but cannot be read (Fernet key mismatch,
"Can't decrypt _val") raises UnreadableVariableError, "never taken for absent". On Airflow 2.11 (the only marker
store there) Airflow answers such a Variable with the *default*, so the store returns None: the deposit/transfer
claim reads as "no marker" and the movement is sent again. (tests/reliability/test_deposit_never_twice.py's own
comment says the same happens on Airflow 3: "reads as absent ... answers 404").

Run with /tmp/venv211/bin/python (Airflow 2.11)."""

from __future__ import annotations

from importlib.metadata import version

import pytest

KEY_A = "mRvbA7_Kt3oYQx0cB6qI4aZ0pO0w9yq2hJm1uXvTQ5Y="
KEY_B = "Qw3rty0Kt3oYQx0cB6qI4aZ0pO0w9yq2hJm1uXvTQ5Y="


@pytest.mark.skipif(not version("apache-airflow").startswith("2."), reason="in-process Variables: Airflow 2")
def test_a_variable_written_under_another_fernet_key_is_not_read_as_absent(
    airflow_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.models import Variable, crypto

    def reset() -> None:
        crypto._fernet = None  # Airflow caches the Fernet object per process

    from airflow_provider_tremendous.core.markers import TaskMarkers, UnreadableVariableError, VariableStore

    name = TaskMarkers.variable_name("tangocard_deposit:sandbox:acct:review13e")
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", KEY_A)
    reset()
    Variable.set(name, {"state": "claimed", "attempt": "x"}, serialize_json=True)
    assert VariableStore().get(name) == {"state": "claimed", "attempt": "x"}

    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", KEY_B)  # a worker whose fernet_key differs, or a rotated key
    reset()
    try:
        with pytest.raises(UnreadableVariableError):
            got = VariableStore().get(name)
            pytest.fail(f"the existing claim read as {got!r} (absent): the next try sends the movement again")
    finally:
        reset()

"""Provider registration and the connection form, on whichever Airflow version runs the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from airflow_provider_tremendous import __version__
from airflow_provider_tremendous.get_provider_info import get_provider_info
from airflow_provider_tremendous.hooks import TremendousHook
from airflow_provider_tremendous.hooks.connection_form import CONN_FIELDS, TANGOCARD_CONN_FIELDS
from airflow_provider_tremendous.hooks.tangocard import TangoCardHook


def test_provider_info() -> None:
    info = get_provider_info()
    assert info["package-name"] == "airflow-provider-tremendous"
    assert info["description"]
    assert info["versions"] == [__version__]
    conn_type, tango = info["connection-types"]
    assert conn_type["connection-type"] == "tremendous"
    assert tango["connection-type"] == "tangocard"
    assert tango["hook-class-name"] == "airflow_provider_tremendous.hooks.tangocard.TangoCardHook"
    assert set(tango["conn-fields"]) == set(TANGOCARD_CONN_FIELDS)
    assert tango["ui-field-behaviour"]["relabeling"]["login"] == "Platform name"
    assert conn_type["hook-class-name"] == "airflow_provider_tremendous.hooks.tremendous.TremendousHook"
    assert set(conn_type["conn-fields"]) == set(CONN_FIELDS)
    for spec in conn_type["conn-fields"].values():
        assert {"label", "description", "schema"} <= set(spec)


def test_both_form_declarations_agree() -> None:
    yaml_style = get_provider_info()["connection-types"][0]["ui-field-behaviour"]
    python_style = TremendousHook.get_ui_field_behaviour()
    assert yaml_style["hidden-fields"] == python_style["hidden_fields"]
    assert yaml_style["relabeling"] == python_style["relabeling"]
    assert yaml_style["placeholders"] == python_style["placeholders"]
    assert "password" not in yaml_style["hidden-fields"]


def test_airflow2_form_widgets_have_the_conn_fields_keys() -> None:
    pytest.importorskip("flask_appbuilder", reason="Airflow 3 has no FAB forms; it reads conn-fields instead")
    from flask import Flask

    with Flask(__name__).app_context():
        widgets = TremendousHook.get_connection_form_widgets()
        tango_widgets = TangoCardHook.get_connection_form_widgets()
    assert set(widgets) == set(CONN_FIELDS)
    assert set(tango_widgets) == set(TANGOCARD_CONN_FIELDS)
    assert TangoCardHook.get_ui_field_behaviour()["relabeling"]["password"] == "Platform key"


def test_provider_info_matches_airflows_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import airflow

    candidates = list(Path(airflow.__file__).parent.rglob("provider_info.schema.json"))
    assert candidates, "Airflow ships its provider schema"
    schema = __import__("json").loads(candidates[0].read_text())
    jsonschema.validate(get_provider_info(), schema)


@pytest.mark.airflow
@pytest.mark.parametrize(("command", "expected"), [("list", "airflow-provider-tremendous"), ("hooks", "tremendous")])
def test_airflow_cli_lists_the_provider(command: str, expected: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    airflow_bin = Path(sys.executable).parent / "airflow"
    result = subprocess.run(
        [str(airflow_bin), "providers", command, "--output", "plain"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if expected in line]
    assert lines, result.stdout[-2000:]
    if command == "hooks":
        assert any("TremendousHook" in line for line in lines)
        assert any("TangoCardHook" in line for line in result.stdout.splitlines()), "tangocard is registered too"


def test_public_classes_import_lazily_from_the_package_root() -> None:
    code = (
        "import sys, airflow_provider_tremendous as p; "
        "loaded = [m for m in sys.modules if m.startswith('airflow_provider_tremendous.')]; "
        "assert set(loaded) <= {'airflow_provider_tremendous._moved', 'airflow_provider_tremendous.core', "
        "'airflow_provider_tremendous.core.lazy', 'airflow_provider_tremendous.core.version'}, loaded; "
        "from airflow_provider_tremendous import TremendousCreateOrderOperator; "
        "assert 'airflow_provider_tremendous.operators.orders' in sys.modules; "
        "assert 'airflow_provider_tremendous.sensors.orders' not in sys.modules; "
        "assert set(p.__all__) - {'__version__'} == set(p._PUBLIC)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))


def test_provider_info_lists_triggers_and_extra_links() -> None:
    import importlib

    info = get_provider_info()
    modules = [m for group in info["triggers"] for m in group["python-modules"]]
    assert modules == ["airflow_provider_tremendous.triggers.status"]
    for path in info["extra-links"]:
        module, _, name = path.rpartition(".")
        assert getattr(importlib.import_module(module), name)().name.startswith("Tremendous")

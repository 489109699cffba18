"""Nothing public breaks: every module path and public class of release 0.1 still imports (issue 14).

``tests/data/public_classes_0_1.json`` lists, for each module of 0.1 (commit 58ab39a), the public classes it
defined; the package root lists its lazily imported names. A path that moved warns once with a
``DeprecationWarning`` naming the new path, and gives the very module at the new path (so patching through the
old name reaches the real module).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from airflow_provider_tremendous._moved import MOVED

PACKAGE = "airflow_provider_tremendous"
OLD_CLASSES: dict[str, list[str]] = json.loads((Path(__file__).parent / "data" / "public_classes_0_1.json").read_text())


OLD_ALL: dict[str, list[str]] = json.loads((Path(__file__).parent / "data" / "public_all_0_1.json").read_text())


@pytest.mark.parametrize("module", sorted(OLD_ALL))
def test_every_name_an_old_module_exported_still_imports(module: str) -> None:
    """``__all__`` of each 0.1 module (re-exports included, e.g. ``models.TremendousModel``)."""
    imported = importlib.import_module(module)
    assert not [name for name in OLD_ALL[module] if not hasattr(imported, name)]


@pytest.mark.parametrize("module", sorted(OLD_CLASSES))
def test_every_old_module_path_and_class_imports(module: str) -> None:
    imported = importlib.import_module(module)
    missing = [name for name in OLD_CLASSES[module] if not hasattr(imported, name)]
    assert not missing, f"{module} lost {missing}"


def test_every_moved_path_warns_and_names_the_new_one() -> None:
    """In a fresh interpreter, so that no module is cached from an earlier test."""
    olds = [f"{PACKAGE}.{old}" for old in sorted(MOVED)]
    script = (
        "import importlib, warnings, sys\n"
        f"olds = {olds!r}\n"
        "bad = []\n"
        "for old in olds:\n"
        "    with warnings.catch_warnings(record=True) as caught:\n"
        "        warnings.simplefilter('always')\n"
        "        importlib.import_module(old)\n"
        "    if not any(w.category is DeprecationWarning and old in str(w.message) and 'moved to' in str(w.message)\n"
        "               for w in caught):\n"
        "        bad.append(old)\n"
        "print(bad)\n"
    )
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert answer.stdout.strip().splitlines()[-1] == "[]"


def test_a_moved_path_is_the_same_module_object() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = importlib.import_module(f"{PACKAGE}.once")
        old_checks_child = importlib.import_module(f"{PACKAGE}.checks.orders")
    assert old is importlib.import_module(f"{PACKAGE}.core.once")
    assert old_checks_child is importlib.import_module(f"{PACKAGE}.vendors.tremendous.checks")


def test_current_paths_do_not_warn() -> None:
    """The package's own imports use the new paths (a fresh interpreter turns the warning into an error)."""
    script = (
        "import warnings\n"
        "warnings.filterwarnings('error', message=\".*moved to 'airflow_provider_tremendous\",\n"
        "                        category=DeprecationWarning)\n"
        "import importlib, pkgutil, airflow_provider_tremendous as p\n"
        "for info in pkgutil.walk_packages(p.__path__, p.__name__ + '.'):\n"
        "    if not info.name.endswith(('_moved', 'pytest_plugin')):\n"
        "        importlib.import_module(info.name)\n"
        "print('ok')\n"
    )
    answer = subprocess.run([sys.executable, "-W", "ignore", "-c", script], capture_output=True, text=True)
    assert answer.stdout.strip().endswith("ok"), answer.stderr[-2000:]

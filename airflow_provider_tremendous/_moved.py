"""Import paths that moved in 0.2 (the floor plan: ``core/``, ``vendors/<vendor>/``, ``payouts/``), kept working
for one minor release.

Importing an old path warns (``DeprecationWarning``) and gives the module at its new path: the *same* module
object, so an attribute read or patched through the old name is the real one. An old package whose new home is a
plain module (``checks``) is given as a package that forwards attribute reads to it, so that its old children
(``checks.orders``) import too. The finder is installed by the package's ``__init__`` and answers only for the
names listed here.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

_PACKAGE = __name__.rsplit(".", 1)[0]

#: Old module path -> new module path (both relative to the package).
MOVED: dict[str, str] = {
    "api": "vendors.tremendous.api",
    "api.catalog": "vendors.tremendous.api.catalog",
    "api.connect": "vendors.tremendous.api.connect",
    "api.fraud": "vendors.tremendous.api.fraud",
    "api.funding": "vendors.tremendous.api.funding",
    "api.operation": "core.operation",
    "api.orders": "vendors.tremendous.api.orders",
    "api.organization": "vendors.tremendous.api.organization",
    "api.paging": "core.paging",
    "api.reports": "vendors.tremendous.api.reports",
    "api.tangocard": "vendors.tangocard.api",
    "api.tangocard.accounts": "vendors.tangocard.api.accounts",
    "api.tangocard.catalog": "vendors.tangocard.api.catalog",
    "api.tangocard.common": "vendors.tangocard.api.common",
    "api.tangocard.funding": "vendors.tangocard.api.funding",
    "api.tangocard.orders": "vendors.tangocard.api.orders",
    "api.tangocard.paging": "vendors.tangocard.paging",
    "checks": "core.checks",
    "checks.orders": "vendors.tremendous.checks",
    "checks.resources": "vendors.tremendous.resource_checks",
    "checks.tangocard": "vendors.tangocard.checks",
    "connection": "vendors.tremendous.connection",
    "connection_checks": "core.connection_checks",
    "connection_form": "hooks.connection_form",
    "currencies": "core.currencies",
    "errors": "vendors.tremendous.errors",
    "external_ids": "core.external_ids",
    "limits": "core.limits",
    "markers": "core.markers",
    "models": "vendors.tremendous.models",
    "models.account": "vendors.tremendous.models.account",
    "models.base": "core.models",
    "models.fraud": "vendors.tremendous.models.fraud",
    "models.funding": "vendors.tremendous.models.funding",
    "models.orders": "vendors.tremendous.models.orders",
    "models.pagination": "core.pagination",
    "models.reports": "vendors.tremendous.models.reports",
    "models.tangocard": "vendors.tangocard.models",
    "money": "core.money",
    "once": "core.once",
    "payouts.tangocard": "vendors.tangocard.payouts",
    "payouts.tremendous": "vendors.tremendous.payouts",
    "payouts.vendors": "vendors",
    "private_file": "core.private_file",
    "recipients": "core.recipients",
    "sandbox.domain": "sandbox.tremendous.domain",
    "sandbox.domain.account": "sandbox.tremendous.domain.account",
    "sandbox.domain.fraud": "sandbox.tremendous.domain.fraud",
    "sandbox.domain.funding": "sandbox.tremendous.domain.funding",
    "sandbox.domain.listing": "sandbox.tremendous.domain.listing",
    "sandbox.domain.orders": "sandbox.tremendous.domain.orders",
    "sandbox.domain.reports": "sandbox.tremendous.domain.reports",
    "sandbox.routes": "sandbox.tremendous.routes",
    "sandbox.routes.account": "sandbox.tremendous.routes.account",
    "sandbox.routes.admin": "sandbox.admin",
    "sandbox.routes.common": "sandbox.common",
    "sandbox.routes.fraud": "sandbox.tremendous.routes.fraud",
    "sandbox.routes.funding": "sandbox.tremendous.routes.funding",
    "sandbox.routes.orders": "sandbox.tremendous.routes.orders",
    "sandbox.tangocard.accounts": "sandbox.tangocard.domain.accounts",
    "sandbox.tangocard.catalog": "sandbox.tangocard.domain.catalog",
    "sandbox.tangocard.errors": "sandbox.tangocard.domain.errors",
    "sandbox.tangocard.orders": "sandbox.tangocard.domain.orders",
    "sandbox.tangocard.reference": "sandbox.tangocard.domain.reference",
    "sandbox.validation": "sandbox.tremendous.validation",
    "sandbox.webhooks": "sandbox.tremendous.webhooks",
    "tangocard": "vendors.tangocard",
    "tangocard.auth": "vendors.tangocard.auth",
    "tangocard.connection": "vendors.tangocard.connection",
    "tangocard.errors": "vendors.tangocard.errors",
    "tangocard.naming": "vendors.tangocard.naming",
    "tangocard.redact": "vendors.tangocard.redact",
    "transport": "core.transport",
    "transport.aio": "core.transport.aio",
    "transport.auth": "vendors.tremendous.auth",
    "transport.client": "core.transport.client",
    "transport.profile": "core.transport.profile",
    "transport.ratelimit": "core.transport.ratelimit",
    "transport.refresh_store": "core.transport.refresh_store",
    "transport.request": "core.transport.request",
    "transport.retry": "core.transport.retry",
    "transport.sync": "core.transport.sync",
    "transport.tokens": "core.transport.tokens",
    "validation": "vendors.tremendous.validation",
    "waiting": "triggers.waiting",
    "webhooks": "vendors.tremendous.webhooks",
}


#: Functions an old module had that now live elsewhere: old module -> {name: "new module:attribute"}.
MOVED_ATTRIBUTES: dict[str, dict[str, str]] = {
    "checks": {"load_all": "vendors:load_checks"},
}


def _moved_attribute(old: str, name: str) -> Any:
    """``name`` of the old module ``old`` at its new home (warns), or ``AttributeError``."""
    target = MOVED_ATTRIBUTES.get(old, {}).get(name)
    if target is None:
        raise AttributeError(f"module '{_PACKAGE}.{old}' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    warnings.warn(
        f"'{_PACKAGE}.{old}.{name}' moved to '{_PACKAGE}.{module}.{attribute}'; the old name is removed in the next "
        "minor release.",
        DeprecationWarning,
        stacklevel=3,
    )
    return getattr(importlib.import_module(f"{_PACKAGE}.{module}"), attribute)


def _old_packages() -> frozenset[str]:
    """Old names that had children in :data:`MOVED` (they must stay importable as packages)."""
    return frozenset(old.rsplit(".", 1)[0] for old in MOVED if "." in old)


class _Forwarding(types.ModuleType):
    """An old package whose new home is a plain module: attribute reads go to that module."""

    def __init__(self, name: str, target: types.ModuleType) -> None:
        super().__init__(name, target.__doc__)
        self.__path__: list[str] = []
        self._target = target

    def __getattr__(self, name: str) -> Any:
        if hasattr(self._target, name):
            return getattr(self._target, name)
        return _moved_attribute(self.__name__[len(_PACKAGE) + 1 :], name)


class _MovedLoader(importlib.abc.Loader):
    """Puts the module at its new path in ``sys.modules`` under the old name (the import system's replacement
    case: whatever the loader leaves in ``sys.modules`` is what the import returns)."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        warnings.warn(
            f"'{self.old}' moved to '{self.new}'; the old path is removed in the next minor release.",
            DeprecationWarning,
            stacklevel=2,
        )
        target = importlib.import_module(self.new)
        relative = self.old[len(_PACKAGE) + 1 :]
        needs_package = relative in _old_packages() and not hasattr(target, "__path__")
        sys.modules[self.old] = _Forwarding(self.old, target) if needs_package else target


class _MovedFinder(importlib.abc.MetaPathFinder):
    """Finds only the old paths in :data:`MOVED`."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_PACKAGE + "."):
            return None
        new = MOVED.get(fullname[len(_PACKAGE) + 1 :])
        if new is None:
            return None
        old_package = fullname[len(_PACKAGE) + 1 :] in _old_packages()
        return importlib.machinery.ModuleSpec(
            fullname, _MovedLoader(fullname, f"{_PACKAGE}.{new}"), is_package=old_package
        )


def install() -> None:
    """Answer the old paths before the regular finders (idempotent)."""
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _MovedFinder())

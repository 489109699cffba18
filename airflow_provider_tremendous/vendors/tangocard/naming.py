"""Tango Card's wire names: camelCase, with a trailing ``Id`` spelled ``ID`` (``referenceOrderID``,
``externalRefID``). One function serves query parameters and model fields alike."""

from __future__ import annotations

import re


def tango_name(python_name: str) -> str:
    """``reference_order_id`` → ``referenceOrderID``; ``elements_per_block`` → ``elementsPerBlock``."""
    head, *rest = python_name.split("_")
    camel = head + "".join(part[:1].upper() + part[1:] for part in rest)
    return re.sub(r"Id$", "ID", camel)

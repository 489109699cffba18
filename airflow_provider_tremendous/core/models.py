"""The base of every response model: tolerant of new fields and new enum values, easy to put in XCom."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    """An object of a vendor's API (the base of Tremendous's and Tango Card's response models).

    Unknown fields are kept (``extra="allow"``) so a field the API adds tomorrow is neither lost nor an error;
    enum-like fields are plain strings for the same reason (``OPEN`` replaced ``CART`` in 2026 and strict
    clients broke). Use :meth:`to_xcom` for a JSON-safe dict.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_xcom(self) -> dict[str, Any]:
        """A JSON-safe dict of this object (datetimes as ISO strings, no ``None`` values), fit for XCom."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


#: The name of release 0.1: the same class.
TremendousModel = ApiModel

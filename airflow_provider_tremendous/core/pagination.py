"""One page of a paginated list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a list endpoint: its ``items`` and, where the endpoint reports it, ``total_count``.

    Tremendous pages with ``offset``/``limit`` only (no cursor, no ``has_more``); Tango Card with page numbers
    or a keyset cursor. Use the hooks' ``iter_*`` methods or ``hook.<list_method>.iter_all(...)`` to walk every
    page.
    """

    items: list[ItemT] = Field(default_factory=list)
    total_count: int | None = None
    offset: int = 0
    #: Keyset-paged lists (Tango Card line items): the cursor of the next page, ``None`` on the last one.
    next_cursor: str | None = None

    def __iter__(self) -> Iterator[ItemT]:  # type: ignore[override]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

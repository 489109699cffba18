"""Paging of list endpoints: the protocol every paging style fulfils, and Tremendous's offset/limit style.

An :class:`~airflow_provider_tremendous.core.operation.Operation` declared with ``pagination=`` walks its pages with
the cursor its :class:`Paging` gives; Tango Card's page-number and keyset styles live in
:mod:`airflow_provider_tremendous.vendors.tangocard.paging`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from airflow_provider_tremendous.core.operation import Operation
    from airflow_provider_tremendous.core.pagination import Page


class PageCursor(Protocol):
    """Walks the pages of one list call: the keyword arguments of the next page, and when the list has ended."""

    def next_kwargs(self) -> dict[str, Any] | None: ...
    def advance(self, page: Page[Any]) -> None: ...


class Paging(Protocol):
    """How a list endpoint pages: the cursor walking it, and how one answer becomes a :class:`Page`."""

    def cursor(self, operation: Operation[Any, Any], kwargs: Mapping[str, Any]) -> PageCursor: ...
    def page_data(self, data: Mapping[str, Any], key: str, params: Mapping[str, str]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Pagination:
    """Offset/limit paging (Tremendous).

    :param max_limit: the endpoint's largest page size, used for every page; ``None`` when it takes no ``limit``.
    :param short_page_ends: whether a page shorter than the limit proves the end (true when the maximum is
        documented; false when a server-side cap below ours could make a full page look short).
    """

    max_limit: int | None
    short_page_ends: bool = True

    def cursor(self, operation: Operation[Any, Any], kwargs: Mapping[str, Any]) -> PageCursor:
        return _PageCursor(operation, self, kwargs)

    def page_data(self, data: Mapping[str, Any], key: str, params: Mapping[str, str]) -> dict[str, Any]:
        return {"items": data[key] or [], "total_count": data.get("total_count"), "offset": params.get("offset", 0)}


class _PageCursor:
    """Walks offset/limit pages: which offset to ask next, and when the list has ended.

    The time window is pinned on the first page (``created_at[lte]`` = now, where the endpoint supports it) so
    that items created while walking do not shift later pages and repeat items.
    """

    def __init__(self, operation: Operation[Any, Any], rules: Pagination, kwargs: Mapping[str, Any]) -> None:
        self.rules = rules
        self.kwargs = dict(kwargs)
        self.offset = int(self.kwargs.pop("offset", 0) or 0)
        requested = self.kwargs.pop("limit", None)
        max_limit = self.rules.max_limit
        self.limit = min(int(requested), max_limit) if requested and max_limit else max_limit
        if "created_at_lte" in operation.signature.parameters and self.kwargs.get("created_at_lte") is None:
            self.kwargs["created_at_lte"] = dt.datetime.now(dt.timezone.utc)
        self.done = False

    def next_kwargs(self) -> dict[str, Any] | None:
        if self.done:
            return None
        page_kwargs = {**self.kwargs, "offset": self.offset}
        if self.limit:
            page_kwargs["limit"] = self.limit
        return page_kwargs

    def advance(self, page: Page[Any]) -> None:
        count = len(page.items)
        self.offset += count
        if (
            count == 0
            or (page.total_count is not None and self.offset >= page.total_count)
            or (self.rules.short_page_ends and self.limit and count < self.limit)
        ):
            self.done = True

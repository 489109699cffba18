"""Tango Card's two paging styles, as :class:`~airflow_provider_tremendous.core.operation.Paging` strategies.

* **Page numbers** (``GET /orders``, ``GET /emailTemplates``): ``page`` (from 0) and ``elementsPerBlock``; the
  answer carries ``page: {number, elementsPerBlock, resultCount, totalCount}``. ``GET /orders`` stops at 10,000
  results: narrow with filters (a date window) for more.
* **Keyset** (``GET /lineItems``): ``maxResults`` and the previous page's ``pagination.nextCursor``; stable while
  new items are created, so walking never repeats or skips an item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_tremendous.core.operation import Operation
from airflow_provider_tremendous.core.pagination import Page
from airflow_provider_tremendous.core.paging import PageCursor


@dataclass(frozen=True)
class PageNumberPagination:
    """``page``/``elementsPerBlock`` paging; ``totalCount`` says when the list ends."""

    elements_per_block: int = 100

    def cursor(self, operation: Operation[Any, Any], kwargs: Mapping[str, Any]) -> PageCursor:
        return _PageNumberCursor(dict(kwargs), self.elements_per_block)

    def page_data(self, data: Mapping[str, Any], key: str, params: Mapping[str, str]) -> dict[str, Any]:
        page = data.get("page") or {}
        size = int(page.get("elementsPerBlock") or params.get("elementsPerBlock") or 0)
        return {
            "items": data[key] or [],
            "total_count": page.get("totalCount"),
            "offset": int(page.get("number") or 0) * size,
        }


class _PageNumberCursor:
    def __init__(self, kwargs: dict[str, Any], size: int) -> None:
        self.page = int(kwargs.pop("page", 0) or 0)
        self.size = int(kwargs.pop("elements_per_block", None) or size)
        self.kwargs = kwargs
        self.done = False

    def next_kwargs(self) -> dict[str, Any] | None:
        if self.done:
            return None
        return {**self.kwargs, "page": self.page, "elements_per_block": self.size}

    def advance(self, page: Page[Any]) -> None:
        self.page += 1
        seen = page.offset + len(page.items)
        if not page.items or len(page.items) < self.size or (page.total_count is not None and seen >= page.total_count):
            self.done = True


@dataclass(frozen=True)
class KeysetPagination:
    """``maxResults``/``nextCursor`` paging; the list ends when no ``nextCursor`` is returned."""

    max_results: int = 100

    def cursor(self, operation: Operation[Any, Any], kwargs: Mapping[str, Any]) -> PageCursor:
        return _KeysetCursor(dict(kwargs), self.max_results)

    def page_data(self, data: Mapping[str, Any], key: str, params: Mapping[str, str]) -> dict[str, Any]:
        pagination = data.get("pagination") or {}
        return {"items": data[key] or [], "next_cursor": pagination.get("nextCursor") or None}


class _KeysetCursor:
    def __init__(self, kwargs: dict[str, Any], size: int) -> None:
        self.size = int(kwargs.pop("max_results", None) or size)
        self.next_cursor = kwargs.pop("next_cursor", None)
        self.kwargs = kwargs
        self.done = False

    def next_kwargs(self) -> dict[str, Any] | None:
        if self.done:
            return None
        extra = {"next_cursor": self.next_cursor} if self.next_cursor else {}
        return {**self.kwargs, "max_results": self.size, **extra}

    def advance(self, page: Page[Any]) -> None:
        self.next_cursor = page.next_cursor
        self.done = not page.items or not page.next_cursor

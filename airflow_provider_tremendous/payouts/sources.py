"""Reading payout rows, one at a time: a list of dicts, a CSV or JSONL file, or an Airflow object-storage URI.

Rows are streamed (never all in memory) and numbered from 1; file problems (no header, bytes that are not
UTF-8, a line that is not JSON) raise :class:`InputError` naming the row or line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from airflow_provider_tremendous.core.errors import InputError

RawRow = tuple[int, dict[str, Any]]


class RowProblem(Exception):
    """One row cannot be read (it is reported with the invalid rows, not raised for the whole input)."""

    def __init__(self, row: int, reason: str) -> None:
        super().__init__(reason)
        self.row = row
        self.reason = reason


def _open(location: str) -> IO[bytes]:
    if "://" in location:
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        return ObjectStoragePath(location).open("rb")  # type: ignore[no-any-return,no-untyped-call]
    path = Path(location)
    if not path.is_file():
        raise InputError(f"rows: no such file {location!r} (give a list of dicts, a .csv or .jsonl path)")
    return path.open("rb")


def _text(handle: IO[bytes], location: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline="")


def _csv_rows(handle: IO[bytes], location: str) -> Iterator[RawRow | RowProblem]:
    reader = csv.reader(_text(handle, location), strict=True)  # a quote left open is an error, not a long cell
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputError(f"{location}: the file is empty (expected a header line and rows)")
        names = [cell.strip() for cell in header]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InputError(f"{location}: the header repeats column(s) {duplicates}")
        line = reader.line_num  # the physical line a record starts after (a quoted cell may span lines)
        for number, cells in enumerate(reader, start=1):
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            if len(cells) != len(names):
                yield RowProblem(number, f"has {len(cells)} values for {len(names)} columns (line {start})")
                continue
            swallowed = _swallowed_line(names, cells)
            if swallowed:
                yield RowProblem(
                    number,
                    f"column {swallowed!r} spans lines {start}-{line} and holds what reads as another row: a quote "
                    "left open joins the next line(s) to this row; close the quote",
                )
                continue
            yield number, dict(zip(names, cells, strict=True))
    except UnicodeDecodeError as error:
        raise InputError(
            f"{location}: not UTF-8 text near line {reader.line_num + 1} ({error.reason}); re-export as UTF-8"
        ) from None
    except csv.Error as error:  # read on, a quote left open would join the next rows to a cell and shift columns
        raise InputError(
            f"{location}: line {reader.line_num}: {error}: a quote opens a cell that does not end where the quote "
            "closes (a quote left open joins the next rows to this one); fix the quoting; nothing was sent"
        ) from None


def _swallowed_line(names: list[str], cells: list[str]) -> str | None:
    """The column whose cell holds a line break followed by a line with a delimiter for every other column (so it
    reads as a whole row: ``"great survey`` left open swallows the next row), or ``None``."""
    for name, cell in zip(names, cells, strict=True):
        if any(part.count(",") >= len(names) - 1 for part in cell.splitlines()[1:]):
            return name
    return None


def _jsonl_rows(handle: IO[bytes], location: str) -> Iterator[RawRow | RowProblem]:
    try:
        for number, line in enumerate(_text(handle, location), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as error:
                yield RowProblem(number, f"is not valid JSON ({error})")
                continue
            if not isinstance(value, dict):
                yield RowProblem(number, f"must be a JSON object, got {type(value).__name__}")
                continue
            yield number, value
    except UnicodeDecodeError as error:
        raise InputError(f"{location}: not UTF-8 text ({error.reason}); re-export as UTF-8") from None


def iter_rows(rows: Any) -> Iterator[RawRow | RowProblem]:
    """Yield ``(row number, row dict)`` (or a :class:`RowProblem`) from any supported input."""
    if isinstance(rows, (list, tuple)):
        for number, row in enumerate(rows, start=1):
            yield (number, dict(row)) if isinstance(row, Mapping) else RowProblem(number, "is not a dict")
        return
    if not isinstance(rows, (str, Path)) or not str(rows).strip():
        raise InputError(f"rows must be a list of dicts or a file path/URI, got {type(rows).__name__}")
    location = str(rows).strip()
    suffix = location.lower().rsplit(".", 1)[-1]
    if suffix not in ("csv", "jsonl", "ndjson"):
        raise InputError(f"rows: {location!r} must end in .csv, .jsonl or .ndjson")
    with _open(location) as handle:
        yield from (_csv_rows if suffix == "csv" else _jsonl_rows)(handle, location)

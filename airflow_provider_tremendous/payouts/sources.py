"""Reading payout rows, one at a time: a list of dicts, a CSV or JSONL file, or an Airflow object-storage URI.

Rows are streamed (never all in memory) and numbered from 1; file problems (no header, bytes that are not
UTF-8, a line that is not JSON) raise :class:`InputError` naming the row or line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

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

        try:
            return ObjectStoragePath(location).open("rb")  # type: ignore[no-any-return,no-untyped-call]
        except Exception as error:  # its text may repeat the URL, signature included
            raise InputError(f"rows: cannot open {shown(location)!r} ({type(error).__name__})") from None
    path = Path(location)
    if not path.is_file():
        raise InputError(f"rows: no such file {shown(location)!r} (give a list of dicts, a .csv or .jsonl path)")
    return path.open("rb")


def shown(location: str) -> str:
    """``location`` as messages show it: a URL without its query (a presigned URL's signature) or fragment, and
    never its user or password. With an ``@`` anywhere (a password may hold ``/ ? #`` unencoded, a query an
    address), where the user part ends cannot be known: only the scheme and the file name are shown."""
    scheme, separator, rest = location.partition("://")
    if "@" in (rest or location):  # also a URL typed without its // ("https:user:password@host/rows.csv")
        return f"{scheme}://.../{_file_name(rest)}" if separator else f".../{_file_name(location)}"
    if not separator:
        return location
    try:
        parts = urlsplit(location)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    except ValueError:  # never raise while building an error message
        return f"{scheme}://..."


def _file_name(text: str) -> str:
    """The last part of ``text`` between ``/ ? # @ :`` that names a rows file (``rows.csv``), or ``...``."""
    names = [part for part in re.split(r"[/?#@:]", text) if part.lower().endswith((".csv", ".jsonl", ".ndjson"))]
    return names[-1] if names else "..."


def _text(handle: IO[bytes], location: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline="")


def _csv_rows(handle: IO[bytes], location: str, multiline: bool = False) -> Iterator[RawRow | RowProblem]:
    """CSV rows, read strictly (a quote must close its cell). A row on several lines is unreadable unless
    ``multiline``: a quote left open joins the next rows to one cell, and a quote that closes it by chance (an inch
    mark, ``27"``) can leave the row with the right number of cells, but the next row's values in its columns."""
    reader = csv.reader(_text(handle, location), strict=True)
    where = shown(location)
    line = 0  # the physical line the last record ended on
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputError(f"{where}: the file is empty (expected a header line and rows)")
        if reader.line_num > 1:  # a quote left open in the header swallowed a row: no column name spans lines
            raise InputError(
                f"{where}: the header spans lines 1-{reader.line_num}: a quote left open joins the next rows to a "
                "column name; fix the quoting"
            )
        names = [cell.strip() for cell in header]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InputError(f"{where}: the header repeats column(s) {duplicates}")
        line = reader.line_num
        for number, cells in enumerate(reader, start=1):
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            if len(cells) != len(names):
                yield RowProblem(number, f"has {len(cells)} values for {len(names)} columns (line {start})")
            elif line > start and not multiline:
                yield RowProblem(
                    number,
                    f"spans lines {start}-{line}: a quote left open joins the next rows to one cell and can shift "
                    "their values into this row's columns; fix the quoting, or pass allow_multiline_cells=True if "
                    "the file really holds text on several lines",
                )
            else:
                yield number, dict(zip(names, cells, strict=True))
    except UnicodeDecodeError as error:
        raise InputError(
            f"{where}: not UTF-8 text near line {reader.line_num + 1} ({error.reason}); re-export as UTF-8"
        ) from None
    except csv.Error as error:  # read on, the values would land in the wrong columns
        if "field limit" in str(error):
            raise InputError(
                f"{where}: the row starting on line {line + 1} holds a cell longer than {csv.field_size_limit():,} "
                "characters: a rows file holds ids, amounts and addresses; remove the long column; nothing was sent"
            ) from None
        raise InputError(
            f"{where}: the row starting on line {line + 1} is not valid CSV ({error}): a quoted cell must end with "
            "its quote (a quote left open, or a space after a closing quote); fix the file; nothing was sent"
        ) from None


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's fields, refusing a repeated name (the last one would silently win)."""
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"repeats the field(s) {repeated}")
    return dict(pairs)


def _jsonl_rows(handle: IO[bytes], location: str) -> Iterator[RawRow | RowProblem]:
    try:
        for number, line in enumerate(_text(handle, location), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line, object_pairs_hook=_unique_names)
            except (ValueError, RecursionError) as error:  # RecursionError: nested deeper than Python reads
                yield RowProblem(number, f"is not valid JSON ({type(error).__name__}: {error})"[:300])
                continue
            if not isinstance(value, dict):
                yield RowProblem(number, f"must be a JSON object, got {type(value).__name__}")
                continue
            yield number, value
    except UnicodeDecodeError as error:
        raise InputError(f"{shown(location)}: not UTF-8 text ({error.reason}); re-export as UTF-8") from None


def iter_rows(rows: Any, allow_multiline_cells: bool = False) -> Iterator[RawRow | RowProblem]:
    """Yield ``(row number, row dict)`` (or a :class:`RowProblem`) from any supported input; a CSV row on several
    lines is a problem unless ``allow_multiline_cells``."""
    if isinstance(rows, (list, tuple)):
        for number, row in enumerate(rows, start=1):
            yield (number, dict(row)) if isinstance(row, Mapping) else RowProblem(number, "is not a dict")
        return
    if not isinstance(rows, (str, Path)) or not str(rows).strip():
        raise InputError(f"rows must be a list of dicts or a file path/URI, got {type(rows).__name__}")
    location = str(rows).strip()
    suffix = shown(location).lower().rsplit(".", 1)[-1]  # shown() never raises, and has no query
    if suffix not in ("csv", "jsonl", "ndjson"):
        raise InputError(f"rows: {shown(location)!r} must end in .csv, .jsonl or .ndjson")
    try:
        with _open(location) as handle:
            if suffix == "csv":
                yield from _csv_rows(handle, location, allow_multiline_cells)
            else:
                yield from _jsonl_rows(handle, location)
    except InputError:
        raise
    except Exception as error:  # a remote read failing midway: its text may repeat the URL, signature included
        raise InputError(
            f"rows: reading {shown(location)!r} failed ({type(error).__name__}); nothing was sent"
        ) from None

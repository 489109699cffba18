"""Reading rows: lists, CSV (BOM, quoted commas, blank lines), JSONL, object storage, and every broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_provider_tremendous.core.errors import TremendousInputError
from airflow_provider_tremendous.payouts.sources import RowProblem, iter_rows


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_csv_with_bom_quoted_commas_and_blank_lines(tmp_path: Path) -> None:
    data = '\ufeffrespondent_id,name,amount\r\nR1,"Lovelace, Ada",10\r\n\r\nR2,"O""Brien",5.5\r\n'.encode()
    rows = list(iter_rows(_write(tmp_path / "a.csv", data)))
    assert rows == [
        (1, {"respondent_id": "R1", "name": "Lovelace, Ada", "amount": "10"}),
        (3, {"respondent_id": "R2", "name": 'O"Brien', "amount": "5.5"}),
    ]


def test_jsonl_and_lists(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.jsonl", b'{"k": 1}\n\n[1]\nnot json\n{"k": 2}\n')
    items = list(iter_rows(path))
    assert items[0] == (1, {"k": 1}) and items[-1] == (5, {"k": 2})
    problems = [i for i in items if isinstance(i, RowProblem)]
    assert [(p.row, p.reason.split(" ")[0]) for p in problems] == [(3, "must"), (4, "is")]
    assert list(iter_rows([{"a": 1}, "x"]))[1].reason == "is not a dict"


def test_object_storage_uri(tmp_path: Path) -> None:
    path = _write(tmp_path / "rows.csv", b"respondent_id,amount\nR1,3\n")
    assert list(iter_rows(f"file://{path}")) == [(1, {"respondent_id": "R1", "amount": "3"})]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"\n\n", "the file is empty"),
        ("latin1.csv", "respondent_id,name\nR1,Jos\xe9\n".encode("latin-1"), "not UTF-8"),
        ("dupe.csv", b"a,a\n1,2\n", "repeats column"),
        ("rows.txt", b"a\n", "must end in .csv, .jsonl"),
    ],
)
def test_broken_files_are_refused_with_the_reason(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(TremendousInputError, match=message):
        list(iter_rows(_write(tmp_path / name, data)))


def test_missing_file_and_wrong_type() -> None:
    with pytest.raises(TremendousInputError, match="no such file"):
        list(iter_rows("/nonexistent/rows.csv"))
    with pytest.raises(TremendousInputError, match="list of dicts or a file"):
        list(iter_rows(42))


def test_short_and_long_csv_lines_are_row_problems(tmp_path: Path) -> None:
    items = list(iter_rows(_write(tmp_path / "a.csv", b"a,b\n1\n1,2,3\n4,5\n")))
    assert [i.reason for i in items if isinstance(i, RowProblem)] == [
        "has 1 values for 2 columns (line 2)",
        "has 3 values for 2 columns (line 3)",
    ]
    assert items[-1] == (3, {"a": "4", "b": "5"})

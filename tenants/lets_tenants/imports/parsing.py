"""Reading an uploaded CSV: UTF-8 text (a BOM is allowed), a header of known columns, rows
numbered by the line they start on. Problems become ``Problem`` entries, never exceptions."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

#: More data rows than this in one file are refused (``too_many_rows``).
MAX_ROWS = 100_000


@dataclass(frozen=True)
class Problem:
    """One reason the import is refused: where (file, line, column) and a stable code."""

    file: str
    line: int | None
    column: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True)
class Row:
    """A data row: the line it starts on and its cells by column name (stripped)."""

    line: int
    cells: dict[str, str]


@dataclass
class Table:
    file: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int | None, column: str | None, code: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, column, code, message))


def read_csv(file: str, data: bytes, required: tuple[str, ...], optional: tuple[str, ...]) -> Table:
    """Decode ``data`` and split it into rows; the header must name every ``required``
    column and nothing beyond ``required`` and ``optional`` (names are case-insensitive)."""
    table = Table(file)
    text = _decode(table, data)
    if text is None:
        return table
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            table.problem(1, None, "header_missing", f"The {file} file has no header line.")
            return table
        columns = [cell.strip().lower() for cell in header]
        if not _header_ok(table, columns, required, optional):
            return table
        _read_rows(table, reader, columns)
    except csv.Error as exc:
        table.problem(reader.line_num, None, "csv_malformed", f"Not readable as CSV: {exc}.")
    if not table.rows and not table.problems:
        table.problem(None, None, "no_rows", f"The {file} file has a header but no rows.")
    return table


def _decode(table: Table, data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        table.problem(
            line,
            None,
            "not_utf8",
            f"Line {line} is not UTF-8 text (byte {data[exc.start]:#04x}); "
            "save the file as CSV UTF-8.",
        )
        return None
    return text.removeprefix("\ufeff")


def _header_ok(
    table: Table, columns: list[str], required: tuple[str, ...], optional: tuple[str, ...]
) -> bool:
    before = len(table.problems)
    for index, name in enumerate(columns):
        if name not in required and name not in optional:
            known = ", ".join((*required, *optional))
            table.problem(1, name, "column_unknown", f"Unknown column {name!r}; known: {known}.")
        elif name in columns[:index]:
            table.problem(1, name, "column_duplicated", f"The column {name!r} appears twice.")
    for name in required:
        if name not in columns:
            table.problem(1, name, "column_missing", f"The column {name!r} is required.")
    return len(table.problems) == before


def _read_rows(table: Table, reader: Any, columns: list[str]) -> None:
    line = reader.line_num + 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are allowed anywhere
        if len(cells) != len(columns):
            table.problem(
                start,
                None,
                "row_length",
                f"{len(cells)} fields where the header has {len(columns)}.",
            )
            continue
        if len(table.rows) == MAX_ROWS:
            table.problem(start, None, "too_many_rows", f"At most {MAX_ROWS} rows per import.")
            return
        table.rows.append(Row(start, {c: v.strip() for c, v in zip(columns, cells, strict=True)}))

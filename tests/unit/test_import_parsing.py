"""Reading an import's CSV: UTF-8 (a BOM allowed), known columns, rows numbered by line."""

from __future__ import annotations

from lets_tenants.imports import parsing
from lets_tenants.imports.parsing import read_csv

REQUIRED = ("handle", "title")
OPTIONAL = ("category",)


def _read(data: bytes):
    return read_csv("offers", data, REQUIRED, OPTIONAL)


def _codes(table) -> list[tuple[int | None, str]]:
    return [(p.line, p.code) for p in table.problems]


def test_rows_are_keyed_by_column_and_numbered_by_line():
    table = _read(b"handle,title\nmary,Bread\ntom,Tiles\n")

    assert [(r.line, r.cells) for r in table.rows] == [
        (2, {"handle": "mary", "title": "Bread"}),
        (3, {"handle": "tom", "title": "Tiles"}),
    ]


def test_a_byte_order_mark_and_windows_line_ends_are_read_as_plain_text():
    table = _read(b"\xef\xbb\xbfhandle,title\r\nmary,Bread\r\n")

    assert (table.problems, [r.cells for r in table.rows]) == (
        [],
        [{"handle": "mary", "title": "Bread"}],
    )


def test_column_names_are_case_insensitive_and_cells_are_stripped():
    table = _read(b"Handle , TITLE\n mary , Bread \n")

    assert table.rows[0].cells == {"handle": "mary", "title": "Bread"}


def test_blank_lines_are_skipped_but_counted():
    table = _read(b"handle,title\n\nmary,Bread\n,\ntom,Tiles\n")

    assert [r.line for r in table.rows] == [3, 5]


def test_bytes_that_are_not_utf8_are_reported_on_their_line():
    table = _read("handle,title\nmary,Bread\nzoe,Crêpes\n".encode("cp1252"))

    assert _codes(table) == [(3, "not_utf8")]
    assert table.rows == []


def test_a_row_with_the_wrong_number_of_fields_is_reported():
    table = _read(b"handle,title\nmary,Bread,extra\ntom,Tiles\n")

    assert _codes(table) == [(2, "row_length")]
    assert [r.line for r in table.rows] == [3]


def test_an_unterminated_quote_is_malformed_csv():
    table = _read(b'handle,title\nmary,"Bread\n')

    assert [code for _, code in _codes(table)] == ["csv_malformed"]


def test_an_optional_column_may_be_absent_and_a_required_one_may_not():
    assert _read(b"handle,title\nm,t\n").problems == []
    assert _codes(_read(b"handle,category\nm,c\n")) == [(1, "column_missing")]


def test_more_rows_than_allowed_are_refused(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 2)

    table = _read(b"handle,title\na,1\nb,2\nc,3\n")

    assert _codes(table) == [(4, "too_many_rows")]

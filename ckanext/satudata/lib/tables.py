# -*- coding: utf-8 -*-
"""A data file read as a table of text cells, for the checks of
:mod:`.validation` and :mod:`.screening`.

A CSV file may be UTF-8 (with or without BOM) or Windows-1252, delimited by
``,``, ``;``, tab or ``|`` (:func:`.preview.decode_csv`); an XLSX workbook
is read from its first sheet, every cell as text (a whole number stored as
a float loses its ``.0``, a date is written ``YYYY-MM-DD``; a formula is
read as its text, never evaluated). A file that is no readable table raises
:class:`Unreadable` with a code that :func:`read_message` renders in the
current language: an empty file, a binary file under a ``.csv`` name, a
line or cell too long, more than :data:`MAX_COLUMNS` columns or more data
rows than ``satudata.table.max_rows`` (:func:`max_rows`), a workbook that
is not one or too large to unpack.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime
import html
import io
import os
import re
import zipfile
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from babel.numbers import format_decimal
from openpyxl.utils import get_column_letter

from . import cells, dates, metadata, preview, reference

__all__ = ["Table", "Unreadable", "read", "read_message", "max_rows", "workbook_places",
           "far_extent",
           "MAX_COLUMNS", "MAX_CELL"]

#: columns of a table at most (a "header" of thousands of columns is no table):
#: as many as a dataset declares variables, one for each
MAX_COLUMNS = metadata.MAX_ROWS
#: characters of one line (and so of one cell) at most
MAX_CELL = 131072


def max_rows() -> int:
    """Data rows of a table at most (``satudata.table.max_rows``): a
    sectoral table has hundreds or thousands of rows; a file of millions
    (50 MB of ``1,2`` lines) held the jobs worker for many minutes, its
    rows in memory, then in the DataStore's index, while every e-mail
    waited behind it. Such a file is reported, not read further, and not
    loaded into the DataStore."""
    return tk.config.get("satudata.table.max_rows")


def _add_row(rows: list[list[str]], row: list[str], limit: int) -> None:
    """``row`` added to ``rows``, at most ``limit`` of them: past it a row
    with a value makes the table unreadable, a blank one (after the last
    row) is dropped."""
    if len(rows) < limit:
        rows.append(row)
    elif any(c.strip() for c in row):
        raise Unreadable("too_many_rows", limit=limit)


@dataclasses.dataclass
class Table:
    """``labels``: the header row; ``rows``: the data rows (lists of text,
    the first is row 2 of the file)."""
    labels: list[str]
    rows: list[list[str]]


class Unreadable(Exception):
    """The file is no table that can be read; ``error`` is its report entry."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.error = {"code": code, "row": None, "column": None, "letter": "",
                      "field": "", **params}


def read(path: str, kind: str) -> Table:
    """The table in the file at ``path`` (``kind``: ``csv`` or ``xlsx``)."""
    if os.path.getsize(path) == 0:
        raise Unreadable("empty")
    table = _csv(path) if kind == "csv" else _xlsx(path)
    while table.labels and not table.labels[-1].strip():
        table.labels.pop()
    if not table.labels:
        raise Unreadable("no_header")
    if len(table.labels) > MAX_COLUMNS:
        raise Unreadable("too_many_columns", count=len(table.labels), limit=MAX_COLUMNS)
    while table.rows and not any(c.strip() for c in table.rows[-1]):
        table.rows.pop()
    if not table.rows:
        # a header alone passed the check and counted as the period's data
        raise Unreadable("no_rows")
    return table


def _csv(path: str) -> Table:
    with open(path, "rb") as f:
        data = f.read()
    code = preview.not_text(data)
    if code:
        raise Unreadable(code)
    text, dialect = preview.decode_csv(data)
    if re.match(r"(\"?)sep=.?\1[ \t]*\r?\n", text, re.I):
        # Excel's separator hint, a line above the table: read as its
        # header, every column "not declared" (Excel opens it as a table);
        # quoted as a CSV writer quotes a cell holding ";", or with a blank
        raise Unreadable("sep_line")
    if text.startswith("\ufeff"):
        # a second byte order mark: the first column's name began with an
        # invisible character, and the check both refused the column and
        # missed the variable of the same name
        raise Unreadable("hidden_start")
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        labels = next(reader, None)
        if labels is not None and _too_long(labels):
            raise Unreadable("too_long", limit=MAX_CELL)
        if labels is not None and len(labels) > MAX_COLUMNS:
            raise Unreadable("too_many_columns", count=len(labels), limit=MAX_COLUMNS)
        limit = max_rows()
        rows: list[list[str]] = []
        for row in reader:
            if _too_long(row):
                raise Unreadable("too_long", limit=MAX_CELL)
            _add_row(rows, row, limit)
    except csv.Error:
        raise Unreadable("too_long", limit=MAX_CELL) from None
    if labels is None:
        raise Unreadable("empty")
    return Table([c.strip() for c in labels], rows)


def _too_long(row: list[str]) -> bool:
    """A line longer than :data:`MAX_CELL` characters: checked here, not
    left to the csv module (its limit is process-wide and other libraries
    raise it), row by row (the lines of a large file are not held at once)."""
    return sum(map(len, row)) + len(row) - 1 > MAX_CELL


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return dates.cell_text(value)
    return str(value)


def _xlsx(path: str) -> Table:
    if os.path.getsize(path) > preview.MAX_XLSX_BYTES:
        raise Unreadable("too_large")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise Unreadable("not_xlsx") from None
    if unpacked > preview.MAX_XLSX_UNPACKED:
        raise Unreadable("too_large")
    spare = preview.unused_strings(path)
    if spare > preview.MAX_UNUSED_STRINGS:
        raise Unreadable("unused_strings", count=spare)
    try:
        _refuse_workbook_shape(path)
        # the values Excel computed (a formula's text only without one)
        with open(path, "rb") as f, contextlib.closing(
                preview.xlsx_rows(f, path, sized=False)) as rows_iter:
            first: Optional[tuple[Any, ...]] = next(rows_iter, None)
            if first is None:
                raise Unreadable("empty")
            labels = [_text(v).strip() for v in first]
            while labels and not labels[-1]:
                labels.pop()
            if len(labels) > MAX_COLUMNS:
                raise Unreadable("too_many_columns", count=len(labels), limit=MAX_COLUMNS)
            rows = []
            limit = max_rows()
            for values in rows_iter:
                # a row as long as its cells go (not padded to the widest: a
                # far cell, XFD1000, padded every row to 16,384 cells and a
                # workbook of 1.5 KB took a jobs worker minutes), then as
                # wide as the header
                row = [_text(v) for v in values]
                while len(row) > len(labels) and not row[-1]:
                    row.pop()
                row += [""] * (len(labels) - len(row))
                _add_row(rows, row, limit)
    except Unreadable:
        raise
    except Exception:  # a corrupt workbook: a report, never an error page
        raise Unreadable("not_xlsx") from None
    return Table(labels, rows)


#: a text node, an attribute of a workbook's XML
_TEXT_NODE = re.compile(r">([^<>]+)<")
_TARGET = re.compile(r'\bTarget="([^"]*)"')
_SHEET_NAME = re.compile(r'<sheet\b[^>]*\bname="([^"]*)"')
_HEADER_FOOTER = re.compile(r"<(?:odd|even|first)(?:Header|Footer)>([^<]*)<")
#: the parts of a workbook a downloader reads beside its cells, by place
_PLACES = (
    (re.compile(r"xl/(?:comments[^/]*\.xml|comments/.+\.xml|threadedComments/.+\.xml)$"),
     "comment"),
    (re.compile(r"xl/worksheets/_rels/[^/]+\.rels$"), "link"),
    (re.compile(r"docProps/[^/]+\.xml$"), "properties"),
    (re.compile(r"xl/workbook\.xml$"), "names"),
    (re.compile(r"xl/worksheets/[^/]+\.xml$"), "header_footer"),
    (re.compile(r"xl/drawings/[^/]+\.xml$"), "drawing"),
)


def workbook_places(path: str) -> list[tuple[str, str]]:
    """The texts of an XLSX file a downloader reads beside its cells:
    ``(place, text)`` for its comments, link targets, properties, sheet and
    range names, page headers and footers and text boxes (a NIK in a
    comment, a ``mailto:`` link, an author's e-mail address were published
    unscreened). Empty for a file that is no workbook (its cells' reading
    says so)."""
    places: list[tuple[str, str]] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                place = next((p for pattern, p in _PLACES if pattern.match(info.filename)),
                             None)
                if place is None or info.file_size > preview.MAX_XLSX_UNPACKED:
                    continue
                xml = archive.read(info).decode("utf-8", "replace")
                if place == "link":
                    found = _TARGET.findall(xml)
                elif place == "names":
                    found = _SHEET_NAME.findall(xml) + _TEXT_NODE.findall(
                        xml[xml.find("<definedNames"):] if "<definedNames" in xml else "")
                elif place == "header_footer":
                    found = _HEADER_FOOTER.findall(xml)
                else:
                    found = _TEXT_NODE.findall(xml)
                places.extend((place, html.unescape(text)) for text in found if text.strip())
    except (zipfile.BadZipFile, OSError, KeyError):
        return []
    return places


def far_extent(path: str) -> Optional[tuple[str, int]]:
    """Where the workbook's first sheet reaches far past a table xloader
    can load: ``("column", n)`` for a sheet wider than :data:`MAX_COLUMNS`
    (its declared range, or a cell, even a blank formatted one, that far to
    the right), ``("row", n)`` for one declared taller than
    ``satudata.table.max_rows``; None for a sheet of a table's size.
    xloader reads a sheet padded to its declared range: a value, a space or
    a formatted blank cell in column XFD (16,384) made the DataStore load of
    a 46 KB file hold a jobs worker for minutes, every other job waiting."""
    import openpyxl

    with open(path, "rb") as f:
        book = openpyxl.load_workbook(f, read_only=True)  # its declared range
        try:
            sheet = book.worksheets[0] if book.worksheets else None
            columns, rows = (sheet.max_column or 0, sheet.max_row or 0) if sheet else (0, 0)
        finally:
            book.close()
    if columns > MAX_COLUMNS:
        return ("column", columns)
    if rows > max_rows() + 1:
        return ("row", rows)
    with open(path, "rb") as f, contextlib.closing(
            preview.xlsx_rows(f, path, sized=False)) as rows_iter:
        for values in rows_iter:
            if len(values) > MAX_COLUMNS:
                return ("column", len(values))
    return None


#: how many rows of a workbook are looked at for cells shown as percentages
_PERCENT_ROWS = 1000


def _refuse_workbook_shape(path: str) -> None:
    """Raise :class:`Unreadable` for a workbook whose first sheet is hidden
    (the producer was told to delete the sheet they saw, the only one Excel
    showed), whose first sheet holds figures shown as percentages, or that
    holds data on a sheet after the first (only the first is checked,
    screened and loaded, and the public downloads the whole file: a NIK on
    a second sheet was published unseen). One reading of the workbook."""
    with open(path, "rb") as f:
        # rows as long as their cells go: padded to a far cell's column
        # (XFD, 16,384), a workbook of 1.5 KB took a worker minutes
        book = cells.read_workbook(f, sized=False)
        try:
            if not book.worksheets:
                return
            first = book.worksheets[0]
            if getattr(first, "sheet_state", "visible") != "visible":
                raise Unreadable("hidden_first_sheet", sheet=first.title[:60])
            percent = _percent_columns(first)
            if percent:
                raise Unreadable("percent_cells", columns=", ".join(percent[:5]))
            others = [sheet.title for sheet in book.worksheets[1:]
                      if any(_text(v).strip() for row in sheet.iter_rows(values_only=True)
                             for v in row)]
        finally:
            book.close()
    if others:
        # a few of them named (200 sheets made one line of 200 names)
        named = ", ".join(f"'{name}'" for name in others[:5])
        raise Unreadable("other_sheets", sheets=named + (
            f" … (+{len(others) - 5})" if len(others) > 5 else ""))


def _percent_columns(sheet: Any) -> list[str]:
    """The letters of the sheet's columns holding numbers Excel shows as
    percentages (``0.0%``: 4,2 % is stored as 0.042): the portal, its
    downloads and its book read the stored value, a hundred times smaller
    than the figure the producer typed and declared in "persen"."""
    found: dict[int, None] = {}
    for row in sheet.iter_rows(min_row=2, max_row=_PERCENT_ROWS + 1):
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) \
                    and "%" in str(getattr(cell, "number_format", "") or ""):
                found.setdefault(cell.column, None)
    return [get_column_letter(column) for column in sorted(found)]


def read_message(error: dict[str, Any]) -> str:
    """Why a file could not be read, in the current language."""
    code = error.get("code")
    if code == "empty":
        return tk._("The file is empty: a table needs a header row and data rows")
    if code == "no_header":
        return tk._("The table has no header row (row 1 must name the columns)")
    if code == "no_rows":
        return tk._("The table has a header row but no data rows: add the data below it")
    if code in ("binary", "utf16", "utf32"):
        return preview.not_text_message(code)
    if code == "sep_line":
        return tk._("The file's first line (\"sep=…\") is Excel's hint of the separator, "
                    "not part of the table: delete that line (the header comes first) and "
                    "upload the file again")
    if code == "hidden_start":
        return tk._("The file begins with an invisible character (a second byte order "
                    "mark) before the first column's name: save the table again as "
                    "\"CSV UTF-8 (Comma delimited)\" and upload it again")
    if code == "too_long":
        return tk._("A line or a cell of the file is longer than %(limit)s characters: "
                    "this is not a table that can be read") % {"limit": error.get("limit")}
    if code == "too_many_columns":
        return tk._("The table has %(count)s columns, more than the %(limit)s that can "
                    "be checked") % {"count": error.get("count"), "limit": error.get("limit")}
    if code == "too_many_rows":
        return tk._("The table has more than %(limit)s data rows, more than a table of "
                    "this portal may hold: split it (e.g. by year or by area) into "
                    "several files") % {"limit": format_decimal(
                        error.get("limit") or 0, locale=reference.current_language())}
    if code == "other_sheets":
        return tk._("The workbook holds data on sheets other than the first "
                    "(%(sheets)s): only the first sheet is checked and loaded, yet the "
                    "file is published whole. Keep one table per file, on its first "
                    "sheet: move the other sheets to files of their own, or delete "
                    "them") % {"sheets": error.get("sheets")}
    if code == "hidden_first_sheet":
        return tk._("The workbook's first sheet, '%(sheet)s', is hidden: it is the one "
                    "checked, loaded and published. Unhide it (right-click a sheet's tab, "
                    "Unhide) and delete it or move the table there, then upload the file "
                    "again") % {"sheet": error.get("sheet")}
    if code == "percent_cells":
        return tk._("Column %(columns)s holds figures Excel shows as percentages: the "
                    "workbook stores 4,2 %% as 0.042, which is what the portal and its "
                    "downloads would publish. Format the column as a number and write the "
                    "figures as they read (4,2), the unit in the variable (persen)") % {
                        "columns": error.get("columns")}
    if code == "not_xlsx":
        return tk._("The file is not an XLSX workbook that can be read")
    if code == "too_large":
        return tk._("The workbook is too large to be checked; upload the table as CSV")
    if code == "unused_strings":
        return tk._("The workbook carries %(count)s texts no cell uses (left by the program "
                    "that wrote it), which make it slow to read: open it in a spreadsheet "
                    "program and save it again, or upload the table as CSV") % {
                        "count": format_decimal(error.get("count") or 0,
                                                locale=reference.current_language())}
    if code == "not_stored":
        return tk._("The file is not available on this server.")
    return tk._("The file could not be checked.")

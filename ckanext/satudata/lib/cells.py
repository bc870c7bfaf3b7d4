# -*- coding: utf-8 -*-
"""The cells of the documents the extension writes: spreadsheet cells made
inert, and the text of a printed table's cell made breakable
(:func:`breakable`, and :func:`printable_runs` for a whole printed page).

Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is taken for a formula by spreadsheet programs (CSV/formula injection). Every
workbook the extension writes (the publication compilation, the round status
export, the Daftar Data and metadata templates) passes through
:func:`make_inert` before it is saved: such a cell keeps its visible text but
is stored as a string with Excel's *quote prefix*, so that neither opening
nor editing the cell evaluates it. Characters that XML cannot carry are
dropped by :func:`text` instead of failing the whole file.

A workbook the extension reads (a table, a Daftar Data import, a
publication's compilation) is opened by :func:`read_workbook`: every cell a
spreadsheet program shows, not only the range the file declares.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any, Iterable, Iterator

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell

__all__ = ["FORMULA_PREFIXES", "is_formula_like", "runs_as_formula", "text", "row", "make_inert", "breakable",
           "printable_runs", "read_workbook", "TooLarge", "CELLS_MAX", "used_range",
           "check_extent", "worksheet_xml"]

#: a cell whose text starts with one of these would be read as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TooLarge(ValueError):
    """A workbook whose sheet holds values over more cells than a table
    read by the portal has (:data:`CELLS_MAX`)."""


#: the cells (rows × columns) a sheet's values may span: a table of the
#: portal's size (100,000 rows of 20 columns) and more
CELLS_MAX = 5_000_000


def read_workbook(source: Any, data_only: bool = True, sized: bool = True,
                  max_cells: int = CELLS_MAX) -> Any:
    """A workbook opened to be read (openpyxl's read-only mode), each
    worksheet read as far as its cells go: read-only openpyxl stops at the
    range the file declares (``<dimension ref="A1:B3">``), which Excel and
    LibreOffice ignore, so rows past it (a NIK, an e-mail) were never
    checked nor screened, and shown to whoever downloads the file.
    ``sized``: its range measured first (one reading more), so that every
    row comes as wide as the widest; else rows end at their last cell (a
    preview of the first rows).

    The range measured is that of the cells holding a value: a blank cell
    formatted at XFD1048576 (a file of 5 KB) made every one of a million
    rows 16,384 cells wide, and held a web worker until it was killed.
    :class:`TooLarge` when a sheet's values span more than ``max_cells``
    cells."""
    book = openpyxl.load_workbook(source, read_only=True, data_only=data_only)
    for sheet in book.worksheets:
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
            if sized:
                rows, columns = _valued_range(sheet)
                if rows * columns > max_cells:
                    book.close()
                    raise TooLarge(f"{sheet.title}: {rows} rows × {columns} columns")
                # what ``calculate_dimension`` sets, from the values only
                sheet._max_row, sheet._max_column = max(rows, 1), max(columns, 1)
    return book


def worksheet_xml(data: bytes) -> Iterator[tuple[str, bytes]]:
    """``(part name, XML)`` of each worksheet of the workbook ``data`` (an
    XLSX is a zip of parts), read from the archive without openpyxl."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                yield name, archive.read(name)


def check_extent(data: bytes, max_cells: int) -> None:
    """:class:`TooLarge` when a sheet of the workbook ``data`` holds values,
    or merges cells, over more than ``max_cells`` cells. A workbook loaded
    whole (not read-only) creates every cell up to its farthest value and
    every cell of a merged range: a space at XFD1048576 or cells merged to
    it held a web worker until it was killed, its memory growing."""
    for name, xml in worksheet_xml(data):
        merged = sum(_area(ref) for ref in _MERGED.findall(xml))
        if merged > max_cells:
            raise TooLarge(f"{name}: {merged} cells merged")
    read_workbook(io.BytesIO(data), max_cells=max_cells).close()


_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def _area(ref: bytes) -> int:
    """The cells of a range ``A1:C3`` (9)."""
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
    return (max_col - min_col + 1) * (max_row - min_row + 1)


def _valued_range(sheet: Any) -> tuple[int, int]:
    """The last row and the last column of ``sheet`` (read-only, unsized:
    rows end at their last cell) that hold a value."""
    rows = columns = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        for position in range(len(values) - 1, -1, -1):
            if values[position] not in (None, ""):
                rows, columns = number, max(columns, position + 1)
                break
    return rows, columns


def used_range(sheet: Any) -> tuple[int, int]:
    """The last row and the last column of ``sheet`` (a worksheet loaded
    whole, not read-only) that hold a value: its ``max_row`` and
    ``max_column`` count a blank formatted cell too (XFD1048576: reading
    up to it created sixteen billion cells)."""
    rows = columns = 0
    for (row, column), cell in sheet._cells.items():
        if cell.value not in (None, ""):
            rows, columns = max(rows, row), max(columns, column)
    return rows, columns


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet program would evaluate."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


#: a text a spreadsheet opening a published file runs as a formula (CSV
#: injection: ``=HYPERLINK(…)``, ``@SUM(…)``, ``-2+3+cmd|…``): ``=`` or ``@``
#: first, or ``+``/``-`` before a word or a bracket (a signed figure,
#: "+62 812…" or a lone "-" is none). Narrower than :data:`FORMULA_PREFIXES`,
#: which the portal's own workbooks make inert: this one refuses data.
_FORMULA = re.compile(r"[=@]|[+\-].*[^\W\d_(]|[+\-].*\(", re.S)


#: the list separators a spreadsheet may split a CSV line at (Excel in
#: Indonesian splits at ";", in English at ","): a formula after one is a cell
_SEPARATORS = re.compile(r"[;,\t]")


def runs_as_formula(value: str) -> bool:
    """Whether a spreadsheet opening the cell's text runs it, or a part of
    it after a list separator that begins with ``=`` or ``@``
    (``ket;=HYPERLINK(…)`` in a comma CSV opened where ";" separates), as a
    formula."""
    if not value:
        return False
    if _FORMULA.match(value):
        return True
    # after a separator, "=" and "@" only: "Turun, -3 sekolah" or "Jl. A, +/- 2 km"
    # are text (a signed word there is no formula Excel would start a cell with)
    parts = (part.strip().lstrip('"').strip() for part in _SEPARATORS.split(value)[1:])
    return any(part[:1] in ("=", "@") for part in parts)


def text(value: Any) -> Any:
    """``value`` without the control characters a workbook cannot store
    (other values unchanged)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def row(values: Iterable[Any]) -> list[Any]:
    """A row for ``worksheet.append`` with every text cleaned by :func:`text`."""
    return [text(v) for v in values]


def make_inert(workbook: Any) -> Any:
    """Store every formula-like cell of ``workbook`` as plain text (visible
    value kept, quote prefix set). Returns the workbook."""
    for sheet in workbook.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell, MergedCell):
                    continue
                if cell.data_type == "f" or is_formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return workbook


#: a word this long may be broken in a printed table (an address, a code)
_LONG_WORD = re.compile(r"\S{31,}")


def breakable(value: Any) -> Any:
    """Text whose words of more than 30 characters may break every 30
    characters (a zero-width space between), in a letter's or the book's
    table: unbroken, such a word pushed the other columns off the page;
    every other word stays whole (CSS's ``overflow-wrap: anywhere`` narrowed
    every column and broke ordinary words too). Anything else as it is."""
    if not isinstance(value, str):
        return value
    return _LONG_WORD.sub(lambda m: "\u200b".join(
        m.group(0)[i:i + 30] for i in range(0, len(m.group(0)), 30)), value)


#: a run of a thousand characters or more without a space in a text of a
#: page, and an entity or a character of such a run
_LONG_RUN = re.compile(r"[^\s<>]{%d,}" % 1_000)
_RUN_PART = re.compile(r"&#?\w+;|[^&]|&")
_RUN_STEP = 1_000


def printable_runs(html: str) -> str:
    """A page to print (a letter, the book), its texts' runs of a thousand
    characters or more without a space cut into blocks of a thousand
    (``<span class="run">``, each starting a line: the page's style makes
    it a block).

    WeasyPrint lays the rest of a paragraph out again for each line it
    breaks off: on a run that must be cut letter by letter its time grows
    with the square of the run's length (40,000 characters of a report or
    of a table's cell held the jobs worker for 45 seconds; a place to break
    in it, a zero-width space, was as slow). Blocks of a thousand are laid
    out one by one. A run that long is no word or address a reader copies;
    a shorter one, the tags' attributes (a link's address) and the page's
    head are left as they are."""
    def cut(match: re.Match[str]) -> str:
        parts = _RUN_PART.findall(match.group())
        return "".join('<span class="run">%s</span>' % "".join(parts[i:i + _RUN_STEP])
                       for i in range(0, len(parts), _RUN_STEP))

    body = max(html.find("<body"), 0)
    return html[:body] + re.sub(r"(?<=>)[^<]+", lambda text: _LONG_RUN.sub(
        cut, text.group()), html[body:])

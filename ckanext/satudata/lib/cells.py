# -*- coding: utf-8 -*-
"""Spreadsheet cells the extension writes, made inert.

Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is taken for a formula by spreadsheet programs (CSV/formula injection). Every
workbook the extension writes (the publication compilation, the round status
export, the Daftar Data and metadata templates) passes through
:func:`make_inert` before it is saved: such a cell keeps its visible text but
is stored as a string with Excel's *quote prefix*, so that neither opening
nor editing the cell evaluates it. Characters that XML cannot carry are
dropped by :func:`text` instead of failing the whole file.
"""
from __future__ import annotations

from typing import Any, Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell

__all__ = ["FORMULA_PREFIXES", "is_formula_like", "text", "row", "make_inert"]

#: a cell whose text starts with one of these would be read as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet program would evaluate."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


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

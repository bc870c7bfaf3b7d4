# -*- coding: utf-8 -*-
"""A data table checked against the variables its dataset declares.

The dataset's metadata declares its variables (``variables`` of the
scheming schema: one entry per column, with a name, a definition, a data
type of the ``data_type`` code list and a unit). :func:`table_schema` turns
them into a `Frictionless Table Schema <https://specs.frictionlessdata.io/
table-schema/>`_ and :func:`validate` checks a table with frictionless-py:

* ``missing_column``: a declared variable has no column (matched by name,
  ignoring case, spaces, ``_`` and ``-``); ``extra_column``: a column is not
  declared (or has no name); ``duplicate_column``: two columns of one name;
  ``same_loaded_name``: two columns of one name once the DataStore cuts it
  to 63 characters (:func:`loaded_name`); ``unloadable_name``: a column
  name the DataStore refuses (:func:`loadable_name`);
* ``type``: a cell is not of its variable's type (``integer``: whole
  numbers; ``decimal``: numbers with a decimal point; ``date``: a date;
  ``boolean``: ya/tidak, true/false, 1/0; ``text``/``category``: anything);
* ``required``: an empty cell: every declared variable needs a value in
  every row (a statistical table with a gap is incomplete data; a value
  that is not available is written as one of the BPS symbols ``-``,
  ``...``, ``x`` or ``NA``, which any column takes);
* numbers as Indonesian spreadsheets write them are numbers: a decimal
  comma (``12,5``), dots between thousands (``1.234,56``; in a whole-number
  column ``1.234``), as are English ones (``1,234.56``);
* ``formula``: a cell of a typed column holding a workbook's formula whose
  result the file does not hold (written by a program that does not compute);
* ``duplicate_row``: a row equal to an earlier one;
* ``extra_cells``: a row with a value beyond the header's last column (a
  value without a column: often a separator inside an unquoted value);
* ``outside_area``: in a wilayah code column (named ``kode_wilayah``,
  ``kode_provinsi``, ``kode_kabupaten_kota``, ``kode_kab_kota`` or
  ``kode_kecamatan``), a code that is not the declared area
  (``area_code``) or inside it;
* ``outside_period``: in a year column (``tahun``, ``tahun_data``,
  ``year``) declared as ``integer``, a year that is not the declared data
  year (``data_year``) nor one of the years the reference period names
  (``2020-2025`` names six).

Each error carries the row (as a spreadsheet program numbers it: the header
is row 1) and the column (position, letter and name); :func:`message`
renders it in the current language. Reading a file (CSV of any usual
encoding and delimiter, XLSX) is :mod:`.tables`'s; nothing here imports
the web layer.
"""
from __future__ import annotations

import dataclasses
import decimal
import hashlib
import json
import math
import re
from typing import Any, Iterable, Optional, Union

from babel.numbers import format_decimal
from unidecode import unidecode

import ckan.plugins.toolkit as tk

from . import metadata
from .cells import runs_as_formula

__all__ = ["TYPES", "AREA_COLUMNS", "PERIOD_COLUMNS", "normalize", "variables",
           "table_schema", "schema_hash", "validate", "message", "column_letter",
           "MAX_ERRORS", "MISSING_SYMBOLS", "NOTATIONS", "Notation", "column_notations",
           "table_notations", "figure",
           "names_a_label", "plain_number"]

#: the ``data_type`` codes of a variable and the Frictionless field types
TYPES = {"text": "string", "category": "string", "integer": "integer",
         "decimal": "number", "date": "date", "boolean": "boolean"}
#: the normalized names of a wilayah code column and of a year column
AREA_COLUMNS = ("kode_wilayah", "kode_provinsi", "kode_kabupaten_kota", "kode_kab_kota",
                "kode_kecamatan", "kode_desa")
PERIOD_COLUMNS = ("tahun", "tahun_data", "year")
#: errors kept (and shown) per file; the count is always complete
MAX_ERRORS = 200
#: the BPS symbols of a value that is not available (nil, not available,
#: confidential), taken in a column of any type
MISSING_SYMBOLS = frozenset({"-", "\u2013", "...", "\u2026", "x", "X", "NA", "N/A"})
#: a row of a table that is a note under it, not data (BPS tables end with
#: their source and notes: "Sumber: BPS", "Catatan: angka sementara", "*) …")
_FOOTNOTE = re.compile(
    r"^(sumber( data)?|catatan|keterangan|ket|source|notes?)\s*[:.)\-\u2013]|^\*|^\d{1,2}\)\s",
    re.I)
#: the labels of a total row (counted again by whoever sums the rows: the
#: portal's chart showed every year's figure twice)
TOTAL_LABELS = frozenset({"jumlah", "total", "jumlah total", "total keseluruhan",
                          "jumlah keseluruhan", "grand total", "jumlah/total",
                          "jumlah kabupaten", "jumlah kota", "jumlah kabupaten/kota",
                          "jumlah provinsi", "total kabupaten", "total kota"})

_ID_NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+,\d+")
_EN_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


@dataclasses.dataclass(frozen=True)
class Notation:
    """One way a column of numbers is written: every cell (trimmed) matches
    ``pattern``; ``thousands`` is written between groups of thousands (and
    dropped), ``decimal_mark`` separates the fraction. The DataStore's load types a
    column in SQL (:meth:`sql`) and the publication reads its file in Python
    (:meth:`number`) by the same notation, so the book prints the figures
    the DataStore holds."""
    pattern: str
    thousands: str = ""
    decimal_mark: str = "."

    def plain(self, cell: str) -> str:
        """The cell written plainly (``1.234,5`` -> ``1234.5``)."""
        text = cell.strip()
        if self.thousands:
            text = text.replace(self.thousands, "")
        return text.replace(self.decimal_mark, ".") if self.decimal_mark != "." else text

    def number(self, cell: str) -> Union[int, float]:
        """The cell's number: a whole number as an int."""
        value = decimal.Decimal(self.plain(cell))
        return int(value) if value == value.to_integral_value() else float(value)

    def sql(self, cell: str) -> str:
        """The SQL writing the cell (an SQL expression of trimmed text)
        plainly."""
        if self.thousands:
            cell = f"replace({cell}, '{self.thousands}', '')"
        return (f"replace({cell}, '{self.decimal_mark}', '.')" if self.decimal_mark != "."
                else cell)


#: how a column of a declared number type may be written, tried in turn
#: (the first every cell of the column follows wins): plainly (no thousands
#: separator: "1.234" is not a whole number, and a decimal reads as the
#: data check reads it, with a point); as Indonesian spreadsheets write it
#: (dots between thousands, a decimal comma: ``1.234,5``); as English ones
#: do (``1,234.5``)
NOTATIONS = {
    "integer": (Notation(r"^[-+]?[0-9]+$"),
                Notation(r"^[-+]?[0-9]{1,3}([.][0-9]{3})*$", thousands="."),
                Notation(r"^[-+]?[0-9]{1,3}(,[0-9]{3})*$", thousands=",")),
    "decimal": (Notation(r"^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)$"),
                Notation(r"^[-+]?([0-9]{1,3}([.][0-9]{3})*|[0-9]+)(,[0-9]+)?$",
                         thousands=".", decimal_mark=","),
                Notation(r"^[-+]?[0-9]{1,3}(,[0-9]{3})*([.][0-9]+)?$", thousands=",")),
}


def figure(value: Any, language: str) -> Any:
    """A number as ``language`` writes it (``1.234``, ``2,5`` in
    Indonesian), every digit kept (``1012.0`` is ``1.012``); anything else
    as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return value
        value = decimal.Decimal(repr(value))
    if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
        value = int(value)
    return format_decimal(value, locale=language, decimal_quantization=False)


def names_a_label(column: Any) -> bool:
    """Whether the column holds years or codes (``tahun``, ``kode_wilayah``,
    ``kode_posyandu``): numbers that name something, printed as written
    (2030, not 2.030), even in a column declared a whole number."""
    name = normalize(column)
    return (name in PERIOD_COLUMNS or name in AREA_COLUMNS
            or name.startswith(("tahun", "year", "kode", "code")))


def column_notations(cells: Iterable[str], data_type: str) -> list[Notation]:
    """Every notation (:data:`NOTATIONS`, in their order) every cell of a
    column of that declared type follows, empty cells and
    :data:`MISSING_SYMBOLS` left out; none when no cell is left to read
    (:func:`table_notations` chooses among them)."""
    values = [c.strip() for c in cells]
    values = [v for v in values if v and v not in MISSING_SYMBOLS]
    if not values:
        return []
    return [notation for notation in NOTATIONS.get(data_type, ())
            if all(re.fullmatch(notation.pattern, v) for v in values)]


def table_notations(matching: dict[str, list[Notation]]) -> dict[str, Optional[Notation]]:
    """The notation of each number column of one table, given those its
    cells follow (:func:`column_notations`, by column): a column whose
    cells read both plainly and as the table's other columns are written
    takes the table's way. In a file of Indonesian figures (``4.266``
    thousands in a whole-number column, ``36,25``) the ratio column's
    ``1.234`` read plainly was 1.234 where the same text in the next column
    was 1234: the public read figures a thousand times too small. A table
    whose columns show both ways, or neither, keeps each column's first."""
    shown = {_written_as(options[0]) for options in matching.values()
             if options and _written_as(options[0])}
    way = shown.pop() if len(shown) == 1 else None
    return {column: (next((n for n in options if _written_as(n) == way), options[0])
                     if options else None)
            for column, options in matching.items()}


def _written_as(notation: Notation) -> str:
    """``id`` (``1.234,5``), ``en`` (``1,234.5``) or "" (plainly)."""
    return {".": "id", ",": "en"}.get(notation.thousands, "")

_TRUE = ["ya", "Ya", "YA", "true", "True", "TRUE", "1", "y", "Y"]
_FALSE = ["tidak", "Tidak", "TIDAK", "false", "False", "FALSE", "0", "t", "T", "n", "N"]


#: a column or variable name for matching (:func:`.metadata.column_key`)
normalize = metadata.column_key


def variables(pkg_dict: dict[str, Any]) -> list[dict[str, str]]:
    """The declared variables with a name: ``[{"name", "data_type", "unit"}]``."""
    result = []
    for var in pkg_dict.get("variables") or []:
        if isinstance(var, dict) and str(var.get("name") or "").strip():
            result.append({"name": str(var["name"]).strip(),
                           "data_type": str(var.get("data_type") or "text"),
                           "unit": str(var.get("unit") or "")})
    return result


def _years(pkg_dict: dict[str, Any]) -> list[int]:
    """The years the metadata declares: the data year and the years (and
    ranges of years) the reference period names."""
    years: set[int] = set()
    text = str(pkg_dict.get("reference_period") or "")
    for start, end in re.findall(r"\b((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)\b", text):
        low, high = sorted((int(start), int(end)))
        if high - low <= 100:
            years.update(range(low, high + 1))
    years.update(int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", text))
    if re.fullmatch(r"\d{4}", str(pkg_dict.get("data_year") or "").strip()):
        years.add(int(str(pkg_dict["data_year"]).strip()))
    return sorted(years)


def table_schema(pkg_dict: dict[str, Any], period_years: Iterable[int] = ()) -> dict[str, Any]:
    """The Frictionless Table Schema (a descriptor) of the declared variables:
    one required field per variable, of its type, with its unit and
    definition; a wilayah code column constrained to the declared area, a
    year column to the declared years and ``period_years`` (the years of
    the rounds that asked for the dataset: a yearly indicator asked again
    by next year's round takes that year's table, and the earlier table
    stays valid when the data year moves)."""
    fields = []
    area = str(pkg_dict.get("area_code") or "").strip()
    declared = _years(pkg_dict)
    years = sorted(set(declared) | set(period_years)) if declared else []
    for var in variables(pkg_dict):
        field: dict[str, Any] = {"name": var["name"],
                                 "type": TYPES.get(var["data_type"], "string"),
                                 "constraints": {"required": True}}
        if var["unit"]:
            field["unit"] = var["unit"]
        if field["type"] == "boolean":
            field["trueValues"], field["falseValues"] = _TRUE, _FALSE
        name = normalize(var["name"])
        if name in AREA_COLUMNS and re.fullmatch(r"\d{2}(\.\d{2}){0,3}", area):
            field["constraints"]["pattern"] = re.escape(area) + r"(\.\d{2,4})*"
            field["satudata:area"] = area
        if name in PERIOD_COLUMNS and years and field["type"] == "integer":
            field["constraints"]["enum"] = years
            field["satudata:period"] = _period_text(years)
        fields.append(field)
    return {"fields": fields}


def _period_text(years: list[int]) -> str:
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def schema_hash(schema: dict[str, Any]) -> str:
    """A short hash of a Table Schema (a changed declaration makes earlier
    checks stale)."""
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()[:16]


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 1-based column position (1 → A, 27 → AA)."""
    letters = ""
    while position > 0:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _short(value: Any, limit: int = 40) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def loaded_name(name: str) -> str:
    """A column's name as xloader makes it: in ASCII (``15–64`` → ``15-64``,
    ``°C`` → ``degC``, ``km²`` → ``km2``) and cut to PostgreSQL's 63
    characters. A declared number column so renamed stayed text; two
    columns the same once cut were not loaded at all."""
    return unidecode(str(name)).strip()[:63].strip()


def loadable_name(name: str) -> bool:
    """Whether the DataStore takes a column of this name once loaded
    (:func:`loaded_name`; CKAN's ``is_valid_field_name``): not one
    beginning with ``_`` (its own columns) nor holding a ``"``. A table
    with such a column passed the check and the whole chain, then was
    never loaded: no preview, no data API."""
    from ckanext.datastore.helpers import is_valid_field_name
    loaded = loaded_name(name)
    return not loaded or bool(is_valid_field_name(loaded))


def _header_errors(labels: list[str], declared: list[dict[str, Any]]
                   ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Missing, extra and repeated columns; and ``{declared name: label}``
    of the declared variables the header has."""
    errors: list[dict[str, Any]] = []
    by_name = {normalize(f["name"]): f["name"] for f in declared}
    found: dict[str, str] = {}
    seen: dict[str, int] = {}
    loaded: dict[str, int] = {}
    for position, label in enumerate(labels, start=1):
        key = normalize(label)
        column = {"row": 1, "column": position, "letter": column_letter(position),
                  "field": _short(label)}
        if key in seen:
            errors.append(dict(column, code="duplicate_column", first=seen[key]))
            continue
        seen[key] = position
        if not loadable_name(label):
            errors.append(dict(column, code="unloadable_name"))
        elif runs_as_formula(str(label or "").strip()):
            # the header too is a cell a spreadsheet opening the file runs
            errors.append(dict(column, code="header_formula"))
        as_loaded = loaded_name(label).lower()
        if as_loaded in loaded:
            errors.append(dict(column, code="same_loaded_name", first=loaded[as_loaded]))
        loaded.setdefault(as_loaded, position)
        if key in by_name:
            found[by_name[key]] = label
        else:
            errors.append(dict(column, code="extra_column"))
    named = [label for label in labels if str(label or "").strip()]
    if not found and len(named) == 1 and len(declared) > 1:
        # a BPS-style table: a title above the columns' names (told each
        # name was missing, and not what to do)
        errors.insert(0, {"code": "title_row", "row": 1, "column": None, "letter": "",
                          "field": "", "value": _short(named[0])})
    for field in declared:
        if field["name"] not in found:
            errors.append({"code": "missing_column", "row": 1, "column": None,
                           "letter": "", "field": _short(field["name"])})
    return errors, found


def validate(labels: list[str], rows: list[list[Any]],
             schema: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Check a table (its header ``labels`` and data ``rows`` of text cells)
    against ``schema`` (:func:`table_schema`): ``(errors, error_count)``,
    at most :data:`MAX_ERRORS` errors, the header's first, then in row and
    column order.

    Each cell of a declared column is cast and checked by the cell reader of
    its Frictionless field (type, ``required``, ``pattern``, ``enum``),
    once per distinct value of the column (a statistical table repeats its
    years, codes and categories: measured, ~20x faster than frictionless's
    own row-by-row validation of a 100,000-row table). Blank rows are
    skipped; a short row's missing cells are empty."""
    from frictionless import Schema

    errors, found = _header_errors(labels, schema["fields"])
    count = len(errors)
    fields = [f for f in schema["fields"] if f["name"] in found]
    if not fields:
        return errors, count
    positions = {label: i for i, label in reversed(list(enumerate(labels, start=1)))}
    keep = [positions[found[f["name"]]] - 1 for f in fields]
    readers = [_reader(field, f) for field, f in zip(Schema.from_descriptor(
        {"fields": [{k: v for k, v in f.items() if not k.startswith("satudata:")}
                    for f in fields]}).fields, fields)]
    caches: list[dict[str, Any]] = [{} for _f in fields]
    columns = [{"column": i + 1, "letter": column_letter(i + 1), "field": _short(labels[i])}
               for i in keep]
    numeric = [f["type"] in ("number", "integer") for f in fields]
    # where a figure-not-available symbol stands for a value (the empty
    # cell's message offers it): typed columns and a wilayah code column
    # ("-" there was "outside the declared area")
    typed = [f["type"] != "string" or "satudata:area" in f for f in fields]
    whole = [f["type"] == "integer" for f in fields]
    seen: dict[tuple[str, ...], int] = {}
    cells: list[dict[str, Any]] = []
    # the row each value of a number column is first met in (its notation)
    first_rows: list[dict[str, int]] = [{} for _f in fields]
    header_width = len(labels)
    for number, row in enumerate(rows, start=2):
        width = len(row)
        values = tuple((row[i] or "").strip() if i < width else "" for i in keep)
        # cells past the header's last column, in a row blank under it too
        # (a value far to the right was passed as a blank row)
        if width > header_width and any(str(c or "").strip() for c in row[header_width:]):
            count += 1
            if len(cells) < MAX_ERRORS:
                cells.append({"code": "extra_cells", "row": number, "column": None,
                              "letter": "", "field": "", "cells": width,
                              "columns": header_width})
        if not any(values):
            continue
        kind = _not_data(row, values, fields)
        if kind:
            # one error for the row, not an empty cell each (their message
            # offered "-", which made a note a published data row)
            count += 1
            if len(cells) < MAX_ERRORS:
                cells.append({"code": kind[0], "row": number, "column": None, "letter": "",
                              "field": "", "value": _short(kind[1])})
            continue
        for j, value in enumerate(values):
            cache = caches[j]
            if value in cache:
                notes = cache[value]
            elif typed[j] and value in MISSING_SYMBOLS:
                notes = cache[value] = None
            else:
                notes = readers[j](plain_number(value, whole[j]) if numeric[j]
                                   else value)[1]
                if not notes and not numeric[j] and runs_as_formula(value):
                    notes = {"runs": value}
                if len(cache) < _CACHE_SIZE:
                    cache[value] = notes
                if numeric[j] and not notes:
                    first_rows[j].setdefault(value, number)
            if notes:
                count += 1
                if len(cells) < MAX_ERRORS:
                    cells.append(_cell_error(notes, value, number, columns[j], fields[j]))
        # a row with cells past the header (told above) repeats no row
        # because its first cells do
        first = seen.setdefault(values if width <= header_width
                                else values + tuple(row[header_width:]), number)
        if first != number:
            count += 1
            if len(cells) < MAX_ERRORS:
                cells.append({"code": "duplicate_row", "row": number, "column": None,
                              "letter": "", "field": "", "first": first})
    failed = {e["column"] for e in cells if e.get("column")}
    for j, column in enumerate(columns):
        if numeric[j] and column["column"] not in failed:
            mixed = _mixed_notation(first_rows[j], fields[j]["type"])
            if mixed:
                count += 1
                cells.append(dict(column, **mixed))
    errors.extend(cells[: max(MAX_ERRORS - len(errors), 0)])
    return errors, count


def _not_data(row: list[Any], values: tuple[str, ...], fields: list[dict[str, Any]]
              ) -> Optional[tuple[str, str]]:
    """``("footnote", text)`` for a row that is a note under the table (its
    one text a source or a note), ``("total_row", label)`` for a total (a
    text column saying "Jumlah"), else None."""
    texts = [str(c).strip() for c in row if str(c or "").strip()]
    if len(texts) == 1 and _FOOTNOTE.match(texts[0]) and len(row) > 1:
        return "footnote", texts[0]
    for value, field in zip(values, fields):
        if field["type"] == "string" and " ".join(
                value.lower().rstrip(":").split()) in TOTAL_LABELS:
            return "total_row", value
    return None


def _mixed_notation(first_rows: dict[str, int], field_type: str) -> Optional[dict[str, Any]]:
    """The error of a number column whose figures, each a number, are
    written in no one notation (:data:`NOTATIONS`): ``12.5`` and ``3,5``
    passed the check, and the DataStore, which reads a column in one
    notation, left it text (the public sorted "1.250" as a word). Its two
    first figures that no notation reads alike, with their rows."""
    data_type = "decimal" if field_type == "number" else field_type
    if data_type not in NOTATIONS or not first_rows:
        return None
    if column_notations(first_rows, data_type):
        return None
    values = sorted(first_rows, key=first_rows.__getitem__)
    first = values[0]
    ways = column_notations([first], data_type)
    other = next((v for v in values[1:]
                  if not any(re.fullmatch(n.pattern, v) for n in ways)), values[-1])
    return {"code": "mixed_notation", "row": first_rows[first], "value": _short(first),
            "other_row": first_rows[other], "other": _short(other)}


def plain_number(value: str, whole: bool = False) -> str:
    """A number as an Indonesian (``1.234,56``, ``12,5``) or English
    (``1,234.56``) spreadsheet writes it, written plainly (``1234.56``);
    any other text as it is. In a column of whole numbers (``whole``),
    ``1,234`` is an English thousand (an Indonesian 1,234 is no whole
    number: the check refused what the DataStore read as 1234)."""
    if whole and "." not in value and _EN_NUMBER.fullmatch(value):
        return value.replace(",", "")
    if _ID_NUMBER.fullmatch(value):
        return value.replace(".", "").replace(",", ".")
    if _EN_NUMBER.fullmatch(value):
        return value.replace(",", "")
    return value


def _reader(field: Any, declared: dict[str, Any]) -> Any:
    """The Frictionless cell reader of a field; for a text column with no
    constraint but ``required`` (its only possible error: an empty cell),
    the same answer without the call."""
    if declared["type"] == "string" and declared["constraints"] == {"required": True}:
        empty = {"required": 'constraint "required" is "True"'}
        return lambda value: (value, None if value else empty)
    return field.create_cell_reader()


#: distinct values of a column remembered with their result
_CACHE_SIZE = 200_000


def _cell_error(notes: dict[str, str], value: str, row: int, column: dict[str, Any],
                field: dict[str, Any]) -> dict[str, Any]:
    """The report entry of the Frictionless notes about one cell."""
    entry = dict(column, row=row)
    if "required" in notes and not value:
        return dict(entry, code="required")
    if "runs" in notes:
        return dict(entry, code="runs_as_formula", value=_short(value))
    if "type" in notes and value.startswith("="):
        # a workbook's formula with no result saved (a program that does not
        # compute wrote it): "=C2+D2 is not a whole number" told nothing
        return dict(entry, code="formula", value=_short(value))
    if "type" in notes:
        return dict(entry, code="type", value=_short(value), type=field.get("type"))
    if "pattern" in notes and "satudata:area" in field:
        return dict(entry, code="outside_area", value=_short(value),
                    area=field["satudata:area"])
    if "enum" in notes and "satudata:period" in field:
        return dict(entry, code="outside_period", value=_short(value),
                    period=field["satudata:period"])
    return dict(entry, code="constraint", value=_short(value))


def _type_labels() -> dict[str, str]:
    return {"string": tk._("text"), "integer": tk._("whole number"),
            "number": tk._("number"), "date": tk._("date (YYYY-MM-DD)"),
            "boolean": tk._("yes/no value")}


def _column(error: dict[str, Any]) -> str:
    if error.get("letter"):
        return tk._("column %(letter)s \"%(name)s\"") % {
            "letter": error["letter"], "name": error.get("field", "")}
    return tk._("column \"%(name)s\"") % {"name": error.get("field", "")}


def message(error: dict[str, Any]) -> str:
    """An error of :func:`validate` (or of reading a file) in the current
    language, naming its row and column."""
    code = error.get("code")
    where = {"row": error.get("row"), "column": _column(error),
             "value": error.get("value", ""),
             "type": _type_labels().get(error.get("type") or "", error.get("type") or "")}
    if code == "missing_column":
        return tk._("Header (row 1): the declared variable \"%(name)s\" has no column") % {
            "name": error.get("field", "")}
    if code == "extra_column":
        if not error.get("field"):
            return tk._("Header (row 1): column %(letter)s has no name") % {
                "letter": error.get("letter", "")}
        return tk._("Header (row 1): %(column)s is not a declared variable") % where
    if code == "duplicate_column":
        return tk._("Header (row 1): %(column)s repeats an earlier column") % where
    if code == "same_loaded_name":
        return tk._("Header (row 1): %(column)s has the name of column %(first)s once "
                    "written in plain letters (without accents) and cut to 63 characters, "
                    "as the data API keeps names: rename one of them") % dict(
            where, first=column_letter(error.get("first") or 1))
    if code == "unloadable_name":
        return tk._("Header (row 1): %(column)s cannot be kept by the data API: a column "
                    "name may not begin with \"_\" nor hold a double quote (\")") % where
    if code == "header_formula":
        return tk._("Header (row 1): %(column)s begins as a formula, which a spreadsheet "
                    "opening the published file would run: name it without the sign before "
                    "it (=, +, - or @)") % where
    if code == "formula":
        return tk._("Row %(row)s, %(column)s: the cell holds the formula \"%(value)s\" "
                    "without its result: open the file in Excel or LibreOffice and save it "
                    "again, or type the values") % where
    if code == "runs_as_formula":
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" begins as a formula, which a "
                    "spreadsheet opening the published file would run: remove the sign "
                    "before it (=, +, - or @)") % where
    if code == "type":
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" is not a %(type)s") % where
    if code == "mixed_notation":
        return tk._("In %(column)s the figures are written in more than one way (row "
                    "%(row)s: \"%(value)s\", row %(other_row)s: \"%(other)s\"): which "
                    "mark separates thousands and which decimals cannot be told. Write "
                    "every figure of the column the same way") % dict(
            where, other_row=error.get("other_row"), other=error.get("other", ""))
    if code == "required":
        return tk._("Row %(row)s, %(column)s: the cell is empty (write the value, or "
                    "\"-\" or \"...\" when it is not available)") % where
    if code == "title_row":
        return tk._("Row 1 holds a title (\"%(value)s\"), not the names of the columns: "
                    "delete the rows above the columns' names, and write each column's name "
                    "in one cell of row 1 (a header over two rows joined into one)") % where
    if code == "footnote":
        return tk._("Row %(row)s is a note under the table (\"%(value)s\"), not data: "
                    "remove it from the file (the source and notes go in the dataset's "
                    "description)") % where
    if code == "total_row":
        return tk._("Row %(row)s is a total (\"%(value)s\"): remove it (totals are "
                    "computed from the rows, and a total row would be counted twice)") % where
    if code == "duplicate_row":
        return tk._("Row %(row)s repeats row %(first)s") % {
            "row": error.get("row"), "first": error.get("first") or "?"}
    if code == "extra_cells":
        return tk._("Row %(row)s has %(cells)s cells, the header %(columns)s: a value "
                    "without a column (a separator inside a value?)") % {
            "row": error.get("row"), "cells": error.get("cells") or "?",
            "columns": error.get("columns") or "?"}
    if code == "outside_area" and re.fullmatch(r"\d{2}(\.\d{2,4})*", str(error.get("value"))):
        # a Kemendagri code written right, of another area: no "write it with dots"
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" is outside the declared area "
                    "%(area)s") % dict(where, area=error.get("area", ""))
    if code == "outside_area":
        # a BPS code (3318010) is no Kemendagri one (33.18.01): say how to write it
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" is not a Kemendagri wilayah "
                    "code within the declared area %(area)s (write it with dots, e.g. "
                    "%(example)s)") % dict(where, area=error.get("area", ""),
                                           example=f"{error.get('area', '')}.01")
    if code == "outside_period":
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" is outside the declared "
                    "period %(period)s") % dict(where, period=error.get("period", ""))
    if code == "constraint":
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" is not allowed") % where
    from . import tables
    return tables.read_message(error)

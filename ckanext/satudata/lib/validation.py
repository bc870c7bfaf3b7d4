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
* ``type``: a cell is not of its variable's type (``integer``: whole
  numbers; ``decimal``: numbers with a decimal point; ``date``: a date;
  ``boolean``: ya/tidak, true/false, 1/0; ``text``/``category``: anything);
* ``required``: an empty cell: every declared variable needs a value in
  every row (a statistical table with a gap is incomplete data; a value
  that is not available is written as the SDI/BPS symbols ``-`` or ``...``
  in a text column, or the column declared as text);
* ``duplicate_row``: a row equal to an earlier one;
* ``outside_area``: in a wilayah code column (named ``kode_wilayah``,
  ``kode_provinsi``, ``kode_kabupaten_kota``, ``kode_kab_kota`` or
  ``kode_kecamatan``), a code that is not the declared area
  (``area_code``) or inside it;
* ``outside_period``: in a year column (``tahun``, ``tahun_data``,
  ``year``), a year that is not the declared data year (``data_year``) nor
  one of the years the reference period names (``2020-2025`` names six).

Each error carries the row (as a spreadsheet program numbers it: the header
is row 1) and the column (position, letter and name); :func:`message`
renders it in the current language. Reading a file (CSV of any usual
encoding and delimiter, XLSX) is :mod:`.tables`'s; nothing here imports
the web layer.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk

__all__ = ["TYPES", "AREA_COLUMNS", "PERIOD_COLUMNS", "normalize", "variables",
           "table_schema", "schema_hash", "validate", "message", "column_letter",
           "MAX_ERRORS"]

#: the ``data_type`` codes of a variable and the Frictionless field types
TYPES = {"text": "string", "category": "string", "integer": "integer",
         "decimal": "number", "date": "date", "boolean": "boolean"}
#: the normalized names of a wilayah code column and of a year column
AREA_COLUMNS = ("kode_wilayah", "kode_provinsi", "kode_kabupaten_kota", "kode_kab_kota",
                "kode_kecamatan", "kode_desa")
PERIOD_COLUMNS = ("tahun", "tahun_data", "year")
#: errors kept (and shown) per file; the count is always complete
MAX_ERRORS = 200
_TRUE = ["ya", "Ya", "YA", "true", "True", "TRUE", "1", "y", "Y"]
_FALSE = ["tidak", "Tidak", "TIDAK", "false", "False", "FALSE", "0", "t", "T", "n", "N"]


def normalize(name: Any) -> str:
    """A column or variable name for matching: lower case, trimmed, runs of
    spaces, ``_``, ``-`` and ``.`` as one ``_``."""
    return re.sub(r"[\s_\-.]+", "_", str(name or "").strip().lower()).strip("_")


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


def table_schema(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The Frictionless Table Schema (a descriptor) of the declared variables:
    one required field per variable, of its type, with its unit and
    definition; a wilayah code column constrained to the declared area, a
    year column to the declared years."""
    fields = []
    area = str(pkg_dict.get("area_code") or "").strip()
    years = _years(pkg_dict)
    for var in variables(pkg_dict):
        field: dict[str, Any] = {"name": var["name"],
                                 "type": TYPES.get(var["data_type"], "string"),
                                 "constraints": {"required": True}}
        if var["unit"]:
            field["unit"] = var["unit"]
        if field["type"] == "date":
            field["format"] = "any"
        if field["type"] == "boolean":
            field["trueValues"], field["falseValues"] = _TRUE, _FALSE
        name = normalize(var["name"])
        if name in AREA_COLUMNS and re.fullmatch(r"\d{2}(\.\d{2}){0,3}", area):
            field["constraints"]["pattern"] = re.escape(area) + r"(\.\d{2,4})*"
            field["satudata:area"] = area
        if name in PERIOD_COLUMNS and years and field["type"] in ("integer", "string"):
            field["constraints"]["enum"] = (years if field["type"] == "integer"
                                            else [str(y) for y in years])
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


def _header_errors(labels: list[str], declared: list[dict[str, Any]]
                   ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Missing, extra and repeated columns; and ``{declared name: label}``
    of the declared variables the header has."""
    errors: list[dict[str, Any]] = []
    by_name = {normalize(f["name"]): f["name"] for f in declared}
    found: dict[str, str] = {}
    seen: dict[str, int] = {}
    for position, label in enumerate(labels, start=1):
        key = normalize(label)
        column = {"row": 1, "column": position, "letter": column_letter(position),
                  "field": _short(label)}
        if key in seen:
            errors.append(dict(column, code="duplicate_column", first=seen[key]))
            continue
        seen[key] = position
        if key in by_name:
            found[by_name[key]] = label
        else:
            errors.append(dict(column, code="extra_column"))
    for field in declared:
        if field["name"] not in found:
            errors.append({"code": "missing_column", "row": 1, "column": None,
                           "letter": "", "field": _short(field["name"])})
    return errors, found


def validate(labels: list[str], rows: list[list[Any]],
             schema: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Check a table (its header ``labels`` and data ``rows`` of text cells)
    against ``schema`` (:func:`table_schema`): ``(errors, error_count)``,
    at most :data:`MAX_ERRORS` errors in row order after the header's."""
    from frictionless import Detector, Dialect, Resource, Schema
    from frictionless.formats import CsvControl

    errors, found = _header_errors(labels, schema["fields"])
    fields = []
    for field in schema["fields"]:
        if field["name"] in found:
            fields.append({k: v for k, v in dict(field, name=found[field["name"]]).items()
                           if not k.startswith("satudata:")})
    declared = {found.get(f["name"], f["name"]): f for f in schema["fields"]}
    positions = {label: i for i, label in reversed(list(enumerate(labels, start=1)))}
    count = len(errors)
    if not fields:
        return errors, count
    keep = [positions[f["name"]] - 1 for f in fields]
    # only the declared columns are checked cell by cell (extra columns were
    # reported once), in the header's order, from a plain UTF-8 CSV copy:
    # frictionless reads a file far faster than it copies inline data
    with tempfile.TemporaryDirectory(prefix="satudata-check-") as folder:
        with open(os.path.join(folder, "table.csv"), "w", encoding="utf-8",
                  newline="") as out:
            writer = csv.writer(out)
            writer.writerow([labels[i] for i in keep])
            writer.writerows([row[i] if i < len(row) else "" for i in keep] for row in rows)
        resource = Resource(path="table.csv", basepath=folder, format="csv",
                            encoding="utf-8",
                            dialect=Dialect(header_rows=[1],
                                            controls=[CsvControl(delimiter=",")]),
                            schema=Schema.from_descriptor({"fields": fields}),
                            detector=Detector(schema_sync=True))
        report = resource.validate(limit_errors=MAX_ERRORS * 5)
    cells: list[dict[str, Any]] = []
    for task in report.tasks:
        for error in task.errors:
            entry = _cell_error(error, declared, positions)
            if entry is not None:
                cells.append(entry)
    if report.stats.get("errors", 0) >= MAX_ERRORS * 5:
        count += report.stats["errors"] - len(cells)  # counted, not all kept
    cells.extend(_duplicates(rows, keep))
    cells.sort(key=lambda e: (e["row"] or 0, e["column"] or 0))
    count += len(cells)
    errors.extend(cells[: max(MAX_ERRORS - len(errors), 0)])
    return errors, count


def _duplicates(rows: list[list[Any]], keep: list[int]) -> list[dict[str, Any]]:
    """Rows whose declared columns repeat an earlier row's, text for text
    (an empty row is no duplicate)."""
    seen: dict[tuple[str, ...], int] = {}
    found = []
    for number, row in enumerate(rows, start=2):
        key = tuple((row[i] if i < len(row) else "").strip() for i in keep)
        if not any(key):
            continue
        first = seen.setdefault(key, number)
        if first != number:
            found.append({"code": "duplicate_row", "row": number, "column": None,
                          "letter": "", "field": "", "first": first})
    return found


def _cell_error(error: Any, declared: dict[str, dict[str, Any]],
                positions: dict[str, int]) -> Optional[dict[str, Any]]:
    kind = error.type
    row = getattr(error, "row_number", None)
    name = getattr(error, "field_name", None)
    if name is None:
        return None  # missing/extra cells of a short or long row: blank cells
    position = positions.get(name)
    field = declared.get(name, {})
    cell = getattr(error, "cell", None)
    entry = {"row": row, "column": position, "letter": column_letter(position or 0),
             "field": _short(name)}
    if kind in ("missing-cell",) or (kind == "constraint-error" and cell in (None, "")):
        return dict(entry, code="required")
    if kind == "type-error":
        return dict(entry, code="type", value=_short(cell), type=field.get("type"))
    if kind == "constraint-error":
        if "satudata:area" in field:
            return dict(entry, code="outside_area", value=_short(cell),
                        area=field["satudata:area"])
        if "satudata:period" in field:
            return dict(entry, code="outside_period", value=_short(cell),
                        period=field["satudata:period"])
        return dict(entry, code="constraint", value=_short(cell))
    return None  # other frictionless errors (blank rows are skipped on reading)


def _type_labels() -> dict[str, str]:
    return {"string": tk._("text"), "integer": tk._("whole number"),
            "number": tk._("number"), "date": tk._("date"),
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
    if code == "type":
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" is not a %(type)s") % where
    if code == "required":
        return tk._("Row %(row)s, %(column)s: the cell is empty") % where
    if code == "duplicate_row":
        return tk._("Row %(row)s repeats row %(first)s") % {
            "row": error.get("row"), "first": error.get("first") or "?"}
    if code == "outside_area":
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" is outside the declared "
                    "area %(area)s") % dict(where, area=error.get("area", ""))
    if code == "outside_period":
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" is outside the declared "
                    "period %(period)s") % dict(where, period=error.get("period", ""))
    if code == "constraint":
        return tk._("Row %(row)s, %(column)s: \"%(value)s\" is not allowed") % where
    from . import tables
    return tables.read_message(error)

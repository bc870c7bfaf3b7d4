# -*- coding: utf-8 -*-
"""The XLSX metadata template of a dataset and its reader (openpyxl).

A producer who keeps metadata in Excel downloads the template of a dataset,
fills it in and uploads it again. The workbook has three sheets:

``Metadata``
    one row per field: column A the field key (do not change), B the group,
    C the label, D the value (pre-filled), E whether submission needs it,
    F help and the accepted format. Coded fields offer a drop-down list of
    ``code — label`` entries; several codes are separated by ``;``.
``Variabel``
    the variables (MS Variabel), one per row from row 3; row 1 holds the keys.
``Kode``
    the reference lists the drop-downs use.
``Asal`` (hidden)
    the values the template was filled with, as :func:`read_workbook` reads
    them: the import writes only what the producer changed (written back
    whole, a template downloaded before a colleague's change put it back).

:func:`read_workbook` turns an uploaded file into field values with the cell
of each; :func:`merge` applies them to a ``package_show`` dict and
:func:`cell_errors` maps CKAN validation errors back to cells.
"""
from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass, field as dc_field
from typing import IO, Any, Union

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

import ckan.plugins.toolkit as tk

from . import cells, metadata, reference, spreadsheets

__all__ = ["XLSX_MIMETYPE", "METADATA_SHEET", "VARIABLES_SHEET", "CODES_SHEET",
           "ParsedWorkbook", "CellError", "template_fields", "build_template",
           "read_workbook", "merge", "cell_errors", "error_dict"]

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
METADATA_SHEET = "Metadata"
VARIABLES_SHEET = "Variabel"
CODES_SHEET = "Kode"
ORIGINALS_SHEET = "Asal"
#: the longest value the hidden sheet keeps (an Excel cell holds 32,767
#: characters): a longer one is written back as before
_LONGEST_ORIGINAL = 32_000
SEPARATOR = reference.SEPARATOR
VARIABLES_FIELD = "variables"
#: the column of each part of a Metadata row
KEY_COL, GROUP_COL, LABEL_COL, VALUE_COL, REQUIRED_COL, HELP_COL = range(1, 7)
FIRST_VARIABLE_ROW = 3
#: the cells a sheet of a template may span (its code lists: ~5,500; its
#: variables: 500 rows)
MAX_CELLS = 100_000
#: a filled template unpacks to ~100 KB (:func:`read_workbook`)
MAX_UNPACKED = 5 * 1024 * 1024
#: fields the template leaves out: the URL name and the OPD are not changed
#: from a file; the variables have their own sheet
_NOT_IN_TEMPLATE = {"name", "owner_org", VARIABLES_FIELD}
_LICENSE_LIST = "license"

FileLike = Union[IO[bytes], bytes, Any]


@dataclass
class CellError:
    """An error at one cell of the uploaded workbook."""

    sheet: str
    cell: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}: {self.message}"
        return f"{self.sheet}: {self.message}" if self.sheet else self.message


@dataclass
class ParsedWorkbook:
    """What an uploaded template says."""

    identifier: str = ""
    #: the values the template was filled with (field name -> value; the
    #: variables under :data:`VARIABLES_FIELD`); empty for an older template
    originals: dict[str, Any] = dc_field(default_factory=dict)
    #: field name -> value in API form (str, list of codes, bool, "")
    values: dict[str, Any] = dc_field(default_factory=dict)
    #: field name -> cell reference (``D9``) on the Metadata sheet
    cells: dict[str, str] = dc_field(default_factory=dict)
    #: None when the workbook has no Variabel sheet
    variables: list[dict[str, Any]] | None = None
    #: the sheet row of each variable, and the column of each subfield
    variable_rows: list[int] = dc_field(default_factory=list)
    variable_columns: dict[str, str] = dc_field(default_factory=dict)
    errors: list[CellError] = dc_field(default_factory=list)


# --- the template -----------------------------------------------------------

def template_fields(dataset_type: str = "dataset") -> list[dict[str, Any]]:
    """The dataset fields of the Metadata sheet, in schema order."""
    return [f for f in metadata.dataset_schema(dataset_type)["dataset_fields"]
            if f["field_name"] not in _NOT_IN_TEMPLATE and "repeating_subfields" not in f]


def _variables_field(dataset_type: str) -> dict[str, Any] | None:
    for f in metadata.dataset_schema(dataset_type)["dataset_fields"]:
        if f["field_name"] == VARIABLES_FIELD:
            return f
    return None


def _code_list(field: dict[str, Any]) -> str | None:
    if field["field_name"] == "license_id":
        return _LICENSE_LIST
    return field.get("satudata_code_list")


def _licenses() -> list[tuple[str, str]]:
    return [(lic["id"], lic["title"])
            for lic in tk.get_action("license_list")({"ignore_auth": True}, {})]


def _entries(list_name: str, lang: str) -> list[tuple[str, str]]:
    """``(code, label)`` of a list, for the Kode sheet and the drop-downs."""
    if list_name == _LICENSE_LIST:
        return _licenses()
    if list_name == reference.WILAYAH:
        return [(c.code, reference.wilayah_label(c.code, lang)) for c in reference.codes(list_name)]
    return [(c.code, c.label(lang)) for c in reference.codes(list_name)]


def _entry_text(code: str, label: str) -> str:
    return f"{code}{SEPARATOR}{label}"


def _cell_text(field: dict[str, Any], value: Any, lang: str) -> Any:
    """The value of a field as the template shows it."""
    list_name = _code_list(field)
    if value is None or value == "" or value == []:
        return None
    if list_name == _LICENSE_LIST:
        titles = dict(_licenses())
        return _entry_text(value, titles.get(value, value))
    if list_name == "yes_no":
        return reference.label("yes_no", "true" if value is True or str(value).lower() == "true"
                               else "false", lang)
    if list_name:
        codes = reference.as_code_list(value)
        labels = {code: label for code, label in _entries(list_name, lang) if code in codes}
        return "; ".join(_entry_text(c, labels.get(c, c)) for c in codes)
    if field["field_name"] == "data_year" and str(value).isascii() and str(value).isdigit():
        return int(value)
    return cells.text(value)


def _text(value: Any, lang: str) -> str:
    """A scheming ``{en:, id:}`` text in ``lang``."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("id") or next(iter(value.values()), ""))
    return str(value or "")


def build_template(pkg_dict: dict[str, Any], lang: str | None = None) -> bytes:
    """The XLSX template of a dataset, pre-filled with its current metadata."""
    lang = lang or reference.current_language()
    dataset_type = pkg_dict.get("type") or "dataset"
    wb = openpyxl.Workbook()
    wb.properties.identifier = pkg_dict.get("id", "")
    wb.properties.title = pkg_dict.get("title", "")
    wb.properties.subject = "ckanext-satudata metadata template"

    codes_ws = wb.create_sheet(CODES_SHEET)
    ranges = _write_codes(codes_ws, template_fields(dataset_type), _variables_field(dataset_type),
                          lang)

    ws = wb.active
    ws.title = METADATA_SHEET
    _write_metadata(ws, pkg_dict, dataset_type, ranges, lang)

    var_ws = wb.create_sheet(VARIABLES_SHEET, 1)
    _write_variables(var_ws, pkg_dict, dataset_type, ranges, lang)

    cells.make_inert(wb)
    out = io.BytesIO()
    wb.save(out)
    _write_originals(wb, read_workbook(out.getvalue(), dataset_type))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_originals(wb: Any, shown: "ParsedWorkbook") -> None:
    """The template's values as its import reads them, on a hidden sheet:
    one row per field (its key, its value as JSON)."""
    ws = wb.create_sheet(ORIGINALS_SHEET)
    ws.sheet_state = "hidden"
    values = dict(shown.values)
    if shown.variables is not None:
        values[VARIABLES_FIELD] = shown.variables
    for key, value in values.items():
        text = json.dumps(value, ensure_ascii=False, default=str)
        if len(text) <= _LONGEST_ORIGINAL:
            ws.append([key, text])


def _read_originals(ws: Any) -> dict[str, Any]:
    originals: dict[str, Any] = {}
    last_row, _last_column = cells.used_range(ws)  # as far as its values go
    for key, text in ws.iter_rows(min_col=1, max_col=2, max_row=max(last_row, 1),
                                  values_only=True):
        if isinstance(key, str) and isinstance(text, str):
            try:
                originals[key] = json.loads(text)
            except ValueError:
                continue  # changed by hand: that field is written back
    return originals


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_KEY_FONT = Font(color="808080", size=9)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _write_codes(ws: Any, fields: list[dict[str, Any]], variables: dict[str, Any] | None,
                 lang: str) -> dict[str, str]:
    """One column per code list; returns list name -> absolute range."""
    needed: list[str] = []
    for f in fields + (variables or {}).get("repeating_subfields", []):
        list_name = _code_list(f)
        if list_name and list_name not in needed:
            needed.append(list_name)
    ranges = {}
    for col, list_name in enumerate(needed, start=1):
        letter = get_column_letter(col)
        title = tk._("Licenses") if list_name == _LICENSE_LIST else reference.list_title(list_name)
        ws.cell(row=1, column=col, value=title).font = _HEADER_FONT
        entries = _entries(list_name, lang)
        for row, (code, label) in enumerate(entries, start=2):
            ws.cell(row=row, column=col, value=_entry_text(code, label))
        ws.column_dimensions[letter].width = 45
        ranges[list_name] = f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${len(entries) + 1}"
    ws.freeze_panes = "A2"
    return ranges


def _format_hint(field: dict[str, Any]) -> str:
    list_name = _code_list(field)
    if field.get("satudata_multiple"):
        return tk._("Choose from the list; separate several with ;")
    if list_name:
        return tk._("Choose from the list")
    if field["field_name"] == "data_year":
        return tk._("Four digits, e.g. 2025")
    if field["field_name"] == "tag_string":
        return tk._("Separate tags with commas")
    return ""


def _write_metadata(ws: Any, pkg_dict: dict[str, Any], dataset_type: str,
                    ranges: dict[str, str], lang: str) -> None:
    headers = [tk._("Key (do not change)"), tk._("Group"), tk._("Field"), tk._("Value"),
               tk._("Needed to submit"), tk._("Help")]
    for col, title in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    groups = {g["name"]: g for g in metadata.dataset_schema(dataset_type).get(
        "satudata_field_groups", [])}
    yes = reference.label("yes_no", "true", lang)
    validations: dict[str, DataValidation] = {}
    for row, field in enumerate(template_fields(dataset_type), start=2):
        group = groups.get(field.get("satudata_group", ""), {})
        ws.cell(row=row, column=KEY_COL, value=field["field_name"]).font = _KEY_FONT
        ws.cell(row=row, column=GROUP_COL, value=_text(group.get("label"), lang))
        ws.cell(row=row, column=LABEL_COL, value=_text(field.get("label"), lang)).font = _HEADER_FONT
        value_cell = ws.cell(row=row, column=VALUE_COL,
                             value=_cell_text(field, _value_of(field, pkg_dict), lang))
        value_cell.alignment = _WRAP
        if field.get("satudata_required") in ("draft", "submit"):
            ws.cell(row=row, column=REQUIRED_COL, value=yes)
        help_text = " ".join(t for t in (_text(field.get("help_text"), lang), _format_hint(field)) if t)
        ws.cell(row=row, column=HELP_COL, value=help_text or None).alignment = _WRAP
        list_name = _code_list(field)
        if list_name or _is_phone(field):
            # a code typed is text: Excel made 2.10 (Statistik) the number
            # 2.1, refused as "not a known code"; a phone number lost its 0
            value_cell.number_format = "@"
        if list_name and not field.get("satudata_multiple") and list_name in ranges:
            dv = validations.get(list_name)
            if dv is None:
                dv = DataValidation(type="list", formula1=ranges[list_name], allow_blank=True,
                                    showErrorMessage=False)
                ws.add_data_validation(dv)
                validations[list_name] = dv
            dv.add(value_cell)
    for letter, width in zip("ABCDEF", (22, 24, 32, 60, 12, 60)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "D2"


def _value_of(field: dict[str, Any], pkg_dict: dict[str, Any]) -> Any:
    if field["field_name"] == "tag_string" and not pkg_dict.get("tag_string"):
        return ", ".join(t["name"] for t in pkg_dict.get("tags", []) or [])
    return pkg_dict.get(field["field_name"])


def _write_variables(ws: Any, pkg_dict: dict[str, Any], dataset_type: str,
                     ranges: dict[str, str], lang: str) -> None:
    field = _variables_field(dataset_type)
    if not field:
        return
    subfields = field["repeating_subfields"]
    for col, sf in enumerate(subfields, start=1):
        ws.cell(row=1, column=col, value=sf["field_name"]).font = _KEY_FONT
        cell = ws.cell(row=2, column=col, value=_text(sf.get("label"), lang))
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = 40
    rows = pkg_dict.get(VARIABLES_FIELD) or []
    for r, entry in enumerate(rows, start=FIRST_VARIABLE_ROW):
        for col, sf in enumerate(subfields, start=1):
            ws.cell(row=r, column=col, value=_cell_text(sf, entry.get(sf["field_name"]), lang))
    for col, sf in enumerate(subfields, start=1):
        list_name = _code_list(sf)
        if list_name in ranges:
            letter = get_column_letter(col)
            dv = DataValidation(type="list", formula1=ranges[list_name], allow_blank=True,
                                showErrorMessage=False)
            ws.add_data_validation(dv)
            dv.add(f"{letter}{FIRST_VARIABLE_ROW}:{letter}{FIRST_VARIABLE_ROW + 200}")
    ws.freeze_panes = f"A{FIRST_VARIABLE_ROW}"


# --- reading an upload --------------------------------------------------------

def _read_bytes(upload: FileLike) -> bytes:
    if isinstance(upload, (bytes, bytearray)):
        return bytes(upload)
    stream = getattr(upload, "stream", upload)
    if hasattr(stream, "seek"):
        stream.seek(0)
    data = stream.read()
    return data if isinstance(data, bytes) else bytes(data)


def _plain(value: Any) -> Any:
    """A cell value as text (bools and dates kept apart)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _parse_code(list_name: str, text: str) -> str:
    """The code of a cell (:func:`reference.parse_code`); a licence is the
    part before the separator."""
    if list_name == _LICENSE_LIST:
        return text.strip().split(SEPARATOR, 1)[0].strip()
    return reference.parse_code(list_name, text)


def _is_phone(field: dict[str, Any]) -> bool:
    return field.get("preset") == "satudata_phone"


def _parse_value(field: dict[str, Any], raw: Any) -> Any:
    value = _plain(raw)
    if _is_phone(field) and isinstance(raw, (int, float)) and not isinstance(raw, bool) \
            and value.isdigit() and raw > 0:
        # typed 081234567890 (or +6281234567890), kept by Excel as the number
        # 81234567890: its 0 (or +) back (stored without a word, a number
        # nobody could call)
        value = ("+" if value.startswith("62") else "0") + value
    list_name = _code_list(field)
    if list_name == "yes_no":
        if isinstance(value, bool) or value == "":
            return value
        code = _parse_code("yes_no", value)
        return code if code not in ("true", "false") else code == "true"
    if isinstance(value, bool):
        value = "true" if value else "false"
    if not list_name or value == "":
        return value
    if field.get("satudata_multiple"):
        return _parse_codes(list_name, value)
    return _parse_code(list_name, value)


def _parse_codes(list_name: str, text: str) -> list[str]:
    """Several codes in one cell (:func:`reference.parse_codes`: separated
    by ``;``); a part that is no code but whose comma-separated pieces all
    are ("1.01, 1.02", as one types a list) gives those codes (a label may
    hold a comma, so the comma is tried only then)."""
    codes = []
    for code in reference.parse_codes(list_name, text):
        if not reference.is_valid(list_name, code) and "," in code:
            pieces = [_parse_code(list_name, p) for p in code.split(",") if p.strip()]
            if pieces and all(reference.is_valid(list_name, p) for p in pieces):
                codes.extend(pieces)
                continue
        codes.append(code)
    return codes


def read_workbook(upload: FileLike, dataset_type: str = "dataset") -> ParsedWorkbook:
    """Read an uploaded template. Structural problems (not an XLSX file, no
    Metadata sheet, unknown keys) are in ``errors``; values are not validated
    here but by the dataset schema (see :func:`cell_errors`)."""
    parsed = ParsedWorkbook()
    try:
        data = _read_bytes(upload)
        if spreadsheets.unpacked_size(data) > MAX_UNPACKED:
            # the template unpacks to ~100 KB; openpyxl loads a sheet whole
            raise cells.TooLarge("unpacked")
        # loaded whole: every cell up to the farthest value, and every cell
        # of a merged range, is created (a space at XFD1048576 held a web
        # worker until it was killed)
        cells.check_extent(data, MAX_CELLS)
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except cells.TooLarge:
        parsed.errors.append(CellError("", "", "upload", tk._(
            "The workbook is too large for a metadata template: download the "
            "template again")))
        return parsed
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        parsed.errors.append(CellError("", "", "upload",
                                       tk._("The file is not an Excel workbook (.xlsx)")))
        return parsed
    parsed.identifier = wb.properties.identifier or ""
    if ORIGINALS_SHEET in wb.sheetnames:
        parsed.originals = _read_originals(wb[ORIGINALS_SHEET])
    if METADATA_SHEET not in wb.sheetnames:
        parsed.errors.append(CellError(
            "", "", "upload",
            tk._('The workbook has no sheet "%(sheet)s"; download the template again')
            % {"sheet": METADATA_SHEET}))
        return parsed
    empty: list[CellError] = []
    _read_metadata(wb[METADATA_SHEET], dataset_type, parsed, empty)
    if VARIABLES_SHEET in wb.sheetnames:
        _read_variables(wb[VARIABLES_SHEET], dataset_type, parsed, empty)
    parsed.errors.extend(_formulas_without_values(data, empty))
    return parsed


def _formulas_without_values(data: bytes, empty: list[CellError]) -> list[CellError]:
    """The cells of ``empty`` (cells read as empty, each with its field)
    that hold a formula without a value: openpyxl and other writers save a
    formula without its result, which only a spreadsheet program computes,
    and the import read the cell as empty (and removed the field). The
    workbook is read a second time for its formulas, and only then."""
    if not empty:
        return []
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [CellError(e.sheet, e.cell, e.field, tk._(
                "The cell holds a formula without its value: type the value, or open the "
                "file in a spreadsheet program and save it again"))
            for e in empty if wb[e.sheet][e.cell].data_type == "f"]


def _read_metadata(ws: Any, dataset_type: str, parsed: ParsedWorkbook,
                   empty: list[CellError]) -> None:
    """The Metadata sheet's values into ``parsed``; the value cells read as
    empty go to ``empty`` (:func:`_formulas_without_values`)."""
    fields = {f["field_name"]: f for f in template_fields(dataset_type)}
    # as far as its values go (a blank cell formatted at XFD1048576 had the
    # reading create sixteen billion cells)
    last_row, _last_column = cells.used_range(ws)
    for row in ws.iter_rows(min_row=2, max_row=max(last_row, 2), max_col=VALUE_COL):
        key_cell = row[KEY_COL - 1]
        key = _plain(key_cell.value)
        if not key:
            continue
        if key not in fields:
            parsed.errors.append(CellError(
                METADATA_SHEET, key_cell.coordinate, "upload",
                tk._('Unknown field key "%(key)s"; do not change column A') % {"key": key}))
            continue
        value_cell = row[VALUE_COL - 1] if len(row) >= VALUE_COL else None
        if key in parsed.cells:
            parsed.errors.append(CellError(
                METADATA_SHEET, key_cell.coordinate, key,
                tk._('The field "%(key)s" appears twice') % {"key": key}))
            continue
        parsed.cells[key] = value_cell.coordinate if value_cell is not None \
            else f"{get_column_letter(VALUE_COL)}{key_cell.row}"
        parsed.values[key] = _parse_value(fields[key], value_cell.value if value_cell else None)
        if value_cell is not None and value_cell.value is None:
            empty.append(CellError(METADATA_SHEET, value_cell.coordinate, key, ""))


def _read_variables(ws: Any, dataset_type: str, parsed: ParsedWorkbook,
                    empty: list[CellError]) -> None:
    """The Variabel sheet's rows into ``parsed``; the cells read as empty
    go to ``empty`` (:func:`_formulas_without_values`)."""
    field = _variables_field(dataset_type)
    if not field:
        return
    subfields = {sf["field_name"]: sf for sf in field["repeating_subfields"]}
    columns: dict[int, str] = {}
    last_row, last_column = cells.used_range(ws)  # as far as its values go
    for cell in next(ws.iter_rows(min_row=1, max_row=1, max_col=max(last_column, 1))):
        key = _plain(cell.value)
        if key in subfields:
            columns[cell.column] = key
            parsed.variable_columns[key] = cell.column_letter
        elif key:
            parsed.errors.append(CellError(
                VARIABLES_SHEET, cell.coordinate, VARIABLES_FIELD,
                tk._('Unknown field key "%(key)s"; do not change row 1') % {"key": key}))
    parsed.variables = []
    for row in ws.iter_rows(min_row=FIRST_VARIABLE_ROW, max_row=last_row,
                            max_col=max(last_column, 1)):
        entry = {}
        for cell in row:
            key = columns.get(cell.column)
            if key is None:
                continue
            if cell.value is None:
                empty.append(CellError(VARIABLES_SHEET, cell.coordinate, VARIABLES_FIELD, ""))
            value = _parse_value(subfields[key], cell.value)
            if value != "":
                entry[key] = value
        if entry:
            parsed.variables.append(entry)
            parsed.variable_rows.append(row[0].row)


# --- applying and mapping errors ------------------------------------------------

def refused_cells(parsed: ParsedWorkbook, check: Any) -> list[CellError]:
    """The cells whose value ``check`` refuses (its message, or None): what
    the portal refuses in every text typed into it (a title with a control
    turning the text's direction was saved by the import alone)."""
    found = [CellError(METADATA_SHEET, parsed.cells.get(key, ""), key, message)
             for key, value in parsed.values.items() for message in [check(value)] if message]
    for row, entry in zip(parsed.variable_rows, parsed.variables or []):
        found += [CellError(VARIABLES_SHEET, f"{parsed.variable_columns.get(key, '')}{row}",
                            VARIABLES_FIELD, message)
                  for key, value in entry.items() for message in [check(value)] if message]
    return found


def merge(pkg_dict: dict[str, Any], parsed: ParsedWorkbook) -> dict[str, Any]:
    """A copy of ``pkg_dict`` (package_show output) with the workbook's values,
    ready for ``package_update``."""
    data = dict(pkg_dict)
    for key, value in changed(parsed).items():
        data[key] = value
        if key == "tag_string":
            data.pop("tags", None)
        if key == VARIABLES_FIELD and VARIABLES_FIELD in parsed.originals:
            data[key] = _merged_variables(pkg_dict.get(VARIABLES_FIELD) or [],
                                          parsed.originals[VARIABLES_FIELD], value)
    return data


def _merged_variables(current: list[Any], original: list[Any], mine: list[Any]
                      ) -> list[Any]:
    """The dataset's variables now with the rows the workbook changed
    (``mine`` against the ``original`` it was filled with), by name: a
    variable a colleague added since the download stays (one changed cell
    wrote the whole sheet over it)."""
    def by_name(rows: list[Any]) -> dict[Any, Any]:
        return {row.get("name"): row for row in rows if isinstance(row, dict)}

    before, after = by_name(original), by_name(mine)
    merged = [row for row in current
              if not (isinstance(row, dict) and row.get("name") in set(before) - set(after))]
    names = [row.get("name") if isinstance(row, dict) else None for row in merged]
    for name, row in after.items():
        if before.get(name) == row:
            continue  # untouched in the workbook: as the dataset has it now
        if name in names:
            merged[names.index(name)] = row
        else:
            merged.append(row)
            names.append(name)
    # in the workbook's order (rows only moved there were told a change, and
    # kept where they were); a colleague's new rows after them
    order = {name: index for index, name in enumerate(after)}
    merged.sort(key=lambda row: order.get(row.get("name") if isinstance(row, dict) else None,
                                          len(order)))
    return merged


def changed(parsed: ParsedWorkbook) -> dict[str, Any]:
    """The values of the workbook its producer changed (the variables under
    :data:`VARIABLES_FIELD`): those that differ from what the template was
    filled with; every value of a template without them."""
    values = dict(parsed.values)
    if parsed.variables is not None:
        values[VARIABLES_FIELD] = parsed.variables
    return {key: value for key, value in values.items()
            if key not in parsed.originals or parsed.originals[key] != value}


def cell_errors(errors: dict[str, Any], parsed: ParsedWorkbook) -> list[CellError]:
    """CKAN validation errors (``{field: [msg]}``, variables as a list of
    ``{subfield: [msg]}``) as errors at the cells they come from."""
    found = []
    for key, messages in errors.items():
        if key == VARIABLES_FIELD and isinstance(messages, list) and \
                any(isinstance(m, dict) for m in messages):
            for index, sub in enumerate(messages):
                if not isinstance(sub, dict):
                    continue
                row = parsed.variable_rows[index] if index < len(parsed.variable_rows) else ""
                for subfield, sub_messages in sub.items():
                    column = parsed.variable_columns.get(subfield, "")
                    for message in _messages(sub_messages):
                        found.append(CellError(VARIABLES_SHEET, f"{column}{row}",
                                               VARIABLES_FIELD, message))
            continue
        cell = parsed.cells.get(key, "")
        for message in _messages(messages):
            found.append(CellError(METADATA_SHEET if cell else "", cell, key, message))
    return found


def _messages(value: Any) -> list[str]:
    if isinstance(value, list):
        return [m for v in value for m in _messages(v)]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    return [str(value)] if value else []


def error_dict(errors: list[CellError]) -> dict[str, list[str]]:
    """``{field: ["Metadata!D9: message", ...]}`` for a ValidationError."""
    result: dict[str, list[str]] = {}
    for error in errors:
        result.setdefault(error.field, []).append(str(error))
    return result

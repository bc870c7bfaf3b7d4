# -*- coding: utf-8 -*-
"""Spreadsheets of the workflow: the Daftar Data import template and its
reader, and the status export of a collection round (openpyxl)."""
from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import IO, Any, Iterable, Iterator, Optional, Union

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

import ckan.plugins.toolkit as tk

from . import cells, dates, reference

__all__ = ["DAFTAR_DATA_COLUMNS", "daftar_data_template", "read_daftar_data", "unpacked_size",
           "round_status_workbook", "XLSX_MIMETYPE"]

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (column header in the template, field of satudata_daftar_data_create,
#  other accepted headers)
DAFTAR_DATA_COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("judul", "title", ("title", "nama data", "judul data", "uraian data", "data")),
    ("opd", "owner_org", ("organization", "owner_org", "produsen data", "organisasi",
                          "nama opd", "perangkat daerah", "opd pengampu",
                          "opd penanggung jawab")),
    ("frekuensi", "update_frequency", ("frequency", "update_frequency",
                                       "frekuensi pemutakhiran", "frekuensi pembaruan",
                                       "frekuensi update", "periodisitas")),
    ("urusan", "government_affairs", ("government affair", "government_affairs", "sector",
                                      "urusan pemerintahan", "bidang urusan")),
    ("satuan", "unit", ("unit", "satuan data")),
    ("prioritas", "priority", ("priority", "data prioritas", "prioritas data")),
    ("nomor_sk", "sk_number", ("sk_number", "nomor sk", "sk", "no sk",
                               "nomor surat keputusan")),
    ("tanggal_sk", "sk_date", ("sk_date", "tanggal sk", "tgl sk",
                               "tanggal surat keputusan")),
    ("deskripsi", "description", ("description", "keterangan")),
    # the item's own submission deadline (a week per data item: Balikpapan),
    # and the decree's address: a year's file imported into the next year
    # lost them
    ("batas_hari", "submit_days", ("submit_days", "batas hari", "batas waktu",
                                   "batas hari kerja", "tenggat pengajuan sendiri")),
    ("hari_kalender", "submit_calendar_days", ("submit_calendar_days", "hari kalender",
                                               "hitung hari kalender, bukan hari kerja")),
    ("tautan_sk", "sk_url", ("sk_url", "tautan sk", "url sk", "link sk",
                             "tautan ke dokumen sk")),
]
#: headers of columns that hold nothing to import: the row's number, the
#: year (the import's is the form's)
_IGNORED_HEADERS = frozenset({"no", "nomor", "#", "no urut", "nomor urut", "tahun"})
#: the columns of yes or no
_YES_NO_FIELDS = ("priority", "submit_calendar_days")
_YES = {"ya", "y", "yes", "true", "1", "prioritas", "x"}
_NO = {"tidak", "t", "no", "n", "false", "0", "", "-", "bukan"}
#: a date typed as the sheet shows dates (DD/MM/YYYY; dots or dashes too)
_SHOWN_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
#: the rows of the template the dropdowns cover
_TEMPLATE_ROWS = 1000
#: the description of the example row of templates before the example had its own
#: sheet: such a row is never imported
_OLD_EXAMPLE_NOTE = "Contoh baris: hapus atau ganti sebelum mengimpor."


def _header_map() -> dict[str, str]:
    mapping = {}
    for header, field, aliases in DAFTAR_DATA_COLUMNS:
        for name in (header, field, *aliases):
            mapping[_header_key(name).replace(" ", "_")] = field
            mapping[_header_key(name)] = field
    return mapping


def _header_key(cell: Any) -> str:
    """A header cell as the columns are looked up: lower case, its words
    one space apart (a line break in the cell), without a required field's
    mark (``Judul*``), a note in brackets (``OPD (nama)``) or a closing colon."""
    text = re.sub(r"\([^)]*\)", " ", str(cell or "").replace("*", " ").replace(".", " "))
    return " ".join(text.strip().rstrip(":").lower().split())


#: how far down a sheet its header row is looked for (a title row, the
#: decree's number, an empty row above the columns' names)
_HEADER_ROWS = 10


def _header_row(rows: list[tuple[Any, ...]], mapping: dict[str, str]
                ) -> Optional[tuple[int, list[Optional[str]]]]:
    """The index of the sheet's header row (naming the required columns)
    among its first rows, and the field of each column; None without one."""
    required = {field for _h, field, _a in DAFTAR_DATA_COLUMNS[:2]}
    for index, row in enumerate(rows[:_HEADER_ROWS]):
        fields = [mapping.get(_header_key(h)) or mapping.get(_header_key(h).replace(" ", "_"))
                  for h in row]
        if required <= set(fields):
            return index, fields
    return None


def _bold_header(ws: Any, headers: list[str]) -> None:
    ws.append(headers)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
    ws.freeze_panes = "A2"


def _to_bytes(wb: openpyxl.Workbook) -> bytes:
    """The workbook's bytes, every formula-like cell stored as text."""
    cells.make_inert(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _dropdown(ws: Any, column: int, source: str, prompt: str, strict: bool) -> None:
    """A list dropdown on a column of the Daftar Data sheet (rows 2 to
    :data:`_TEMPLATE_ROWS`) from ``source`` (a range or a quoted list);
    ``strict``: other values are refused, else only warned about."""
    letter = get_column_letter(column)
    dv = DataValidation(type="list", formula1=source, allow_blank=True,
                        showDropDown=False, showInputMessage=True, showErrorMessage=True,
                        errorStyle="stop" if strict else "warning",
                        promptTitle=tk._("Choose from the list"), prompt=prompt)
    dv.add(f"{letter}2:{letter}{_TEMPLATE_ROWS}")
    ws.add_data_validation(dv)


def _column(field: str) -> int:
    return next(i for i, (_h, f, _a) in enumerate(DAFTAR_DATA_COLUMNS, start=1) if f == field)


def daftar_data_template(organizations: Iterable[dict[str, Any]],
                         items: Iterable[tuple[Any, str]] = ()) -> bytes:
    """The import template: a Daftar Data sheet (only that sheet is
    imported) with dropdowns for the coded columns (opd from the OPD sheet,
    frekuensi and urusan from the reference code lists, prioritas ya/tidak),
    an example row on a sheet of its own, the OPD codes, the code lists and
    short instructions. ``items`` (``(Daftar Data item, its OPD's name)``,
    e.g. a year's): their rows, as the import reads them (the list fixed by
    an SK, to attach to it or to import again, changed, into another year)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Daftar Data"
    headers = [header for header, _f, _a in DAFTAR_DATA_COLUMNS]
    _bold_header(ws, headers)
    for item, org_name in items:
        ws.append(cells.row(_item_row(item, org_name)))
    orgs = list(organizations)
    widths = [45, 28, 14, 20, 12, 10, 18, 14, 45, 11, 14, 30]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    ws_example = wb.create_sheet(tk._("Example"))
    _bold_header(ws_example, headers)
    example_org = orgs[0]["name"] if orgs else "dinas-kesehatan"
    ws_example.append(["Jumlah Puskesmas Menurut Kecamatan", example_org, "Tahunan",
                       "Kesehatan", "unit", "ya", "100/KPTS/2026", "2026-01-15",
                       tk._("An example: this sheet is never imported. Fill in the "
                            "Daftar Data sheet."), 5, "tidak", "https://jdih.example.go.id/sk-100"])
    for i, width in enumerate(widths, start=1):
        ws_example.column_dimensions[get_column_letter(i)].width = width

    ws_org = wb.create_sheet("OPD")
    _bold_header(ws_org, ["opd", tk._("Organization")])
    for org in orgs:
        ws_org.append(cells.row([org["name"], org.get("title") or org["name"]]))
    ws_org.column_dimensions["A"].width = 30
    ws_org.column_dimensions["B"].width = 60

    # the code lists the dropdowns offer (the Indonesian labels, as the items use them)
    ws_codes = wb.create_sheet(tk._("Codes"))
    frequencies = [c.label_id for c in reference.codes("frequency")]
    affairs = [c.label_id for c in reference.codes(reference.URUSAN)]
    _bold_header(ws_codes, ["frekuensi", "urusan", "prioritas"])
    for i in range(max(len(frequencies), len(affairs))):
        ws_codes.append([frequencies[i] if i < len(frequencies) else None,
                         affairs[i] if i < len(affairs) else None,
                         ("ya", "tidak")[i] if i < 2 else None])
    for letter, width in (("A", 24), ("B", 50), ("C", 12)):
        ws_codes.column_dimensions[letter].width = width
    codes = f"'{ws_codes.title}'"

    if orgs:
        _dropdown(ws, _column("owner_org"), f"OPD!$A$2:$A${len(orgs) + 1}",
                  tk._("The code of the OPD (see the OPD sheet)."), strict=False)
    _dropdown(ws, _column("update_frequency"), f"{codes}!$A$2:$A${len(frequencies) + 1}",
              tk._("How often the data is produced."), strict=False)
    _dropdown(ws, _column("government_affairs"), f"{codes}!$B$2:$B${len(affairs) + 1}",
              tk._("The government affair (urusan pemerintahan); several are "
                   "separated by ;"), strict=False)
    for field in _YES_NO_FIELDS:
        _dropdown(ws, _column(field), '"ya,tidak"', tk._("ya or tidak"), strict=True)

    ws_help = wb.create_sheet(tk._("Instructions"))
    for line in [
        tk._("One row per data item. Required columns: judul, opd."),
        tk._("Only the Daftar Data sheet is imported; the Example sheet shows a "
             "filled-in row."),
        tk._("opd: the code (URL name) of the organization, see the OPD sheet; "
             "its full name is accepted too."),
        tk._("frekuensi and urusan: a label or code of the Codes sheet; several "
             "urusan are separated by ;"),
        tk._("prioritas: ya or tidak. tanggal_sk: YYYY-MM-DD."),
        tk._("batas_hari: the item's own submission deadline, in working days from "
             "the sending of the round (empty: the round's deadline); hari_kalender: "
             "ya when those days are calendar days."),
        tk._("An item with the same title and OPD in the same year is updated, "
             "not duplicated."),
        tk._("If any row has an error, nothing is imported: fix the file and "
             "upload it again."),
    ]:
        ws_help.append([line])
    ws_help.column_dimensions["A"].width = 110
    return _to_bytes(wb)


def _item_row(item: Any, org_name: str) -> list[Any]:
    """An item's row, in :data:`DAFTAR_DATA_COLUMNS`' order, coded values by
    their Indonesian labels (as the dropdowns offer them)."""
    def label(list_name: str, code: Optional[str]) -> str:
        entry = reference.get(list_name, code) if code else None
        return entry.label_id if entry else (code or "")

    values = {
        "title": item.title, "owner_org": org_name,
        "update_frequency": label("frequency", item.update_frequency),
        "government_affairs": "; ".join(label(reference.URUSAN, c)
                                        for c in item.government_affairs or []),
        "unit": item.unit or "", "priority": "ya" if item.priority else "tidak",
        "sk_number": item.sk_number or "",
        "sk_date": item.sk_date.isoformat() if item.sk_date else "",
        "description": item.description or "",
        "submit_days": item.submit_days if item.submit_days is not None else "",
        "submit_calendar_days": "ya" if item.submit_calendar_days else "tidak",
        # a whole address: the workbook is read (and attached to the decree)
        # outside the portal, where "/permintaan-data/…" leads nowhere
        "sk_url": _site_address(item.sk_url or ""),
    }
    return [values[field] for _header, field, _aliases in DAFTAR_DATA_COLUMNS]


def _site_root() -> str:
    return str(tk.config.get("ckan.site_url") or "").rstrip("/")


def _site_address(link: str) -> str:
    """A path of this site (an uploaded decree's) as a whole address."""
    root = _site_root()
    return root + link if root and link.startswith("/") else link


def _own_path(link: str) -> str:
    """A whole address of this site as its path (what :func:`_site_address`
    made of it), anything else as it is."""
    root = _site_root()
    text = link.strip()
    return text[len(root):] if root and text.startswith(root + "/") else link


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return None
    text = str(value).strip()
    return text or None


FileLike = Union[bytes, IO[bytes], Any]


#: an imported workbook unpacks to at most this many bytes: a template of
#: thousands of rows unpacks to a few MB, while a small file of 400,000
#: empty-looking rows kept a worker busy for 23 s and 250 MB
MAX_UNPACKED = 20 * 1024 * 1024


def unpacked_size(data: bytes) -> int:
    """The bytes an XLSX file (a zip) unpacks to; 0 when it is no zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        return 0


def read_daftar_data(upload: FileLike) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row number, {field: value})`` for each non-empty row of the
    "Daftar Data" sheet (else the first sheet), fields named as in
    ``satudata_daftar_data_create``, every column of the sheet's (an empty
    cell None: an emptied value, not one the sheet does not have); the
    example row of older templates is skipped. Raises
    ``tk.ValidationError({"upload": [...]})`` for a file that is not a
    readable .xlsx or lacks the required columns."""
    unreadable = tk.ValidationError({"upload": [tk._(
        "The file is not a readable Excel workbook (.xlsx)")]})
    try:
        if isinstance(upload, (bytes, bytearray)):
            stream: Any = io.BytesIO(upload)
        else:
            stream = getattr(upload, "stream", upload)
            if hasattr(stream, "seek"):
                stream.seek(0)
            stream = io.BytesIO(stream.read())
    except Exception:
        raise unreadable
    try:
        if unpacked_size(stream.getvalue()) > MAX_UNPACKED:
            raise cells.TooLarge("unpacked")
        wb = cells.read_workbook(stream)
        # the "Daftar Data" sheet, else the first whose first rows name the
        # columns (a workbook of the list on its second sheet was refused)
        sheets = ([wb["Daftar Data"]] if "Daftar Data" in wb.sheetnames else []) \
            + [ws for ws in wb.worksheets if ws.title != "Daftar Data"]
        # read every row now: a damaged sheet fails here, not half-way
        read = [(ws.title, list(ws.iter_rows(values_only=True))) for ws in sheets]
    except cells.TooLarge:  # unpacked, or its values spread, too far
        raise tk.ValidationError({"upload": [tk._(
            "The workbook is too large to import: split it into smaller files")]})
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        raise unreadable
    if not any(rows for _title, rows in read):
        raise tk.ValidationError({"upload": [tk._("The file is empty")]})
    mapping = _header_map()
    found = next(((title, rows, header) for title, rows in read
                  if (header := _header_row(rows, mapping)) is not None), None)
    if found is None:
        missing = [h for h, _f, _a in DAFTAR_DATA_COLUMNS[:2]]
        raise tk.ValidationError({"upload": [tk._(
            "Required columns are missing: %(columns)s (looked for in the first %(rows)s "
            "rows of the sheet \"%(sheet)s\": a row naming the columns)") % {
                "columns": ", ".join(missing), "rows": _HEADER_ROWS, "sheet": read[0][0]}]})
    title, all_rows, (at, fields) = found
    header = list(all_rows[at]) + [None] * (len(fields) - len(all_rows[at]))
    unknown = [str(name).strip() for name, field in zip(header, fields)
               if field is None and _header_key(name) not in _IGNORED_HEADERS
               and _header_key(name)]
    # a column with values and no name (they were dropped unsaid)
    unnamed = sorted({index for row in all_rows[at + 1:] for index, value in enumerate(row)
                      if _cell(value) not in (None, "") and (
                          index >= len(header) or not _header_key(header[index]))})
    unknown += [tk._("column %(letter)s, without a name") % {
        "letter": get_column_letter(index + 1)} for index in unnamed[:5]]
    twice = sorted({f for f in fields if f and fields.count(f) > 1})
    if twice:
        # two columns read as one field: the second's values won unsaid
        names = [str(name).strip() for name, field in zip(header, fields) if field in twice]
        raise tk.ValidationError({"upload": [tk._(
            "Columns of the sheet \"%(sheet)s\" name the same thing: %(columns)s. Keep "
            "one of them, then import again") % {
                "sheet": title, "columns": ", ".join(f'"{n[:60]}"' for n in names)}]})
    if unknown:
        # a column under a header not known was dropped unsaid (the item
        # form's own "Urusan Pemerintahan": every item without its urusan)
        raise tk.ValidationError({"upload": [tk._(
            "Columns not recognised in the sheet \"%(sheet)s\": %(columns)s. Name them as "
            "in the template (%(known)s) or remove them, then import again") % {
                "sheet": title, "columns": ", ".join(f'"{h[:60]}"' for h in unknown[:10]),
                "known": ", ".join(h for h, _f, _a in DAFTAR_DATA_COLUMNS)}]})
    blank = _formulas_without_values(stream.getvalue(), title, all_rows, at + 1)
    if blank:
        # read as empty: "not filled in", of a cell the sheet shows filled
        raise tk.ValidationError({"upload": [tk._(
            "Cells of the sheet \"%(sheet)s\" hold a formula without its value (%(cells)s): "
            "type the values, or open the file in a spreadsheet program and save it "
            "again, then import again") % {"sheet": title, "cells": ", ".join(blank[:10])}]})
    rows = iter(all_rows[at + 1:])
    for number, values in enumerate(rows, start=at + 2):
        row = {f: _cell(v) for f, v in zip(fields, values) if f}
        # the year a row says it is of (its column is read to be compared with
        # the import's: a row of another year was imported into it unsaid)
        said = next((_cell(v) for name, v in zip(header, values)
                     if _header_key(name) == "tahun" and _cell(v) not in (None, "")), None)
        if said is not None:
            row["year"] = said
        if not any(row.values()) or row.get("description") == _OLD_EXAMPLE_NOTE:
            continue
        for field in _YES_NO_FIELDS:  # another word is left for the validator to name
            if field in row:
                said = str(row[field] or "").strip().lower()
                row[field] = True if said in _YES else False if said in _NO else row[field]
        # the sheet offers the labels; the item keeps the codes (what matches
        # no label nor code is left as typed, for the validator to name)
        if row.get("update_frequency"):
            row["update_frequency"] = reference.parse_code("frequency", row["update_frequency"])
        if row.get("government_affairs"):
            row["government_affairs"] = reference.parse_codes(reference.URUSAN,
                                                              row["government_affairs"])
        if isinstance(row.get("sk_date"), str):
            # typed as the sheet shows its dates (day first): refused as
            # "use YYYY-MM-DD" while the exported sheet showed 03/01/2027
            shown = _SHOWN_DATE.fullmatch(row["sk_date"])
            if shown:
                day, month, year = (int(part) for part in shown.groups())
                try:  # no such day: left as typed, for the validator to name it
                    row["sk_date"] = datetime.date(year, month, day).isoformat()
                except ValueError:  # (it was refused as "2099-13-15", never typed)
                    pass
        if isinstance(row.get("sk_url"), str):  # the portal's own address, as it keeps it
            row["sk_url"] = _own_path(row["sk_url"])
        yield number, row
    wb.close()


def _formulas_without_values(data: bytes, title: str, rows: list[tuple[Any, ...]],
                             first: int) -> list[str]:
    """The cells (``C5``) of the sheet ``title`` past row ``first`` (from 0)
    read as empty that hold a formula: a workbook written by a program
    (openpyxl, a script) keeps a formula without its result, which only a
    spreadsheet program computes. Read a second time, for formulas, only
    when the file holds one."""
    try:
        if not any(b"<f>" in xml or b"<f " in xml for _name, xml in cells.worksheet_xml(data)):
            return []
    except (zipfile.BadZipFile, KeyError):
        return []
    wb = cells.read_workbook(io.BytesIO(data), data_only=False)
    try:
        found = []
        for number, row in enumerate(wb[title].iter_rows(), start=1):
            if number <= first:
                continue
            read = rows[number - 1] if number - 1 < len(rows) else ()
            for index, cell in enumerate(row):
                value = read[index] if index < len(read) else None
                if value is None and getattr(cell, "data_type", None) == "f":
                    found.append(f"{get_column_letter(index + 1)}{number}")
        return found
    finally:
        wb.close()


#: how a date cell shows (the sheet's dates sort and filter as dates)
DATE_FORMAT = "DD/MM/YYYY"


def _day(value: Any, tz: datetime.tzinfo) -> Any:
    """The day of an ISO date, or of an ISO UTC timestamp in the portal's
    time zone ``tz`` (a step taken at 20:00 UTC was on the next day in
    WIB); "" for none."""
    parsed = dates.parse(value)
    if isinstance(parsed, datetime.datetime):
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        return parsed.astimezone(tz).date()
    return parsed if parsed is not None else ""


def _date_cells(ws: Any, row: int, columns: Iterable[int]) -> None:
    for column in columns:
        ws.cell(row=row, column=column).number_format = DATE_FORMAT


def round_status_workbook(round_dict: dict[str, Any], rows: list[dict[str, Any]],
                          tz: datetime.tzinfo) -> bytes:
    """One sheet with a line per request of the round, one with the counts;
    dates are date cells, each step's day in the portal's time zone ``tz``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = tk._("Status")
    ws.append(cells.row([round_dict["title"]]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([tk._("Submission deadline"), _day(round_dict["submit_due"], tz),
               tk._("Verification deadline"), _day(round_dict["verify_due"], tz)])
    _date_cells(ws, 2, (2, 4))
    ws.append([])
    headers = [
        tk._("No."), tk._("Data"), tk._("OPD"), tk._("Priority"), tk._("Status"),
        tk._("Waiting for"), tk._("Due date"), tk._("Overdue"), tk._("Submitted"),
        tk._("Verified"), tk._("Ready"), tk._("Returned (times)"),
        tk._("Metadata completeness (%)"), tk._("Dataset"),
    ]
    ws.append(headers)
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A5"
    yes, no = tk._("Yes"), tk._("No")
    late_fill = PatternFill("solid", fgColor="F8CBAD")
    for i, row in enumerate(rows, start=1):
        ws.append(cells.row([
            i, row["item_title"], row["organization"]["title"],
            yes if row["priority"] else no, row["state_label"],
            row.get("waiting_for_label") or "",
            # a closed round's request waiting for its producers has none
            "" if row.get("closed_to_producers") else _day(row["due_date"], tz),
            yes if row["overdue"] else no,
            _day(row["submitted_at"], tz), _day(row["verified_at"], tz),
            _day(row["ready_at"], tz), row["return_count"],
            row.get("completeness") if row.get("completeness") is not None else "",
            row["dataset"]["url"] if row.get("dataset") else "",
        ]))
        _date_cells(ws, 4 + i, (7, 9, 10, 11))
        if row["overdue"]:
            ws.cell(row=4 + i, column=8).fill = late_fill
    for i, width in enumerate([5, 45, 35, 9, 22, 16, 12, 10, 12, 12, 12, 10, 12, 50],
                              start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    summary = wb.create_sheet(tk._("Summary"))
    _bold_header(summary, [tk._("Status"), tk._("Requests")])
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state_label"]] = counts.get(row["state_label"], 0) + 1
    for label, count in sorted(counts.items()):
        summary.append(cells.row([label, count]))
    summary.append([tk._("Overdue"), sum(1 for r in rows if r["overdue"])])
    summary.append([tk._("Total"), len(rows)])
    summary.column_dimensions["A"].width = 30
    return _to_bytes(wb)

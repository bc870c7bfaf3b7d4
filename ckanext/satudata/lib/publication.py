# -*- coding: utf-8 -*-
"""Publications of a collection round: a PDF book (WeasyPrint) and an XLSX
compilation (openpyxl) of the round's published datasets.

* The datasets are those whose request of the round (its period) is public,
  archived ones included (the book is the period's record; archiving keeps
  the data readable) (:func:`published_package_ids`), ordered by OPD title,
  dataset title and id; the book is dated the day the round's data last
  went public, in the portal's time zone.
* Each dataset's data table is read from its first CSV or XLSX resource
  uploaded to the portal (``ckan.storage_path``, through
  ``get_resource_uploader(res).get_path(id)``); links to other sites are not
  fetched.
* The book has a cover, a table of contents with page numbers, the
  round's report once its chain approved it (:func:`approved_report`;
  the XLSX's first sheet), and per dataset its key metadata (labels, not codes) and its data table (the
  first ``satudata.publication.pdf_max_rows`` rows). The XLSX has one sheet per dataset: the
  key metadata on top, then the whole table (up to :data:`XLSX_MAX_ROWS`).
* Rebuilding from the same data gives the same bytes: fixed ordering, the
  document dates taken from the data (the last publication date of the
  round), fixed ZIP entry times in the XLSX, no random PDF identifier.

:func:`build` returns both files; :func:`build_and_attach` (the job
``jobs.build_publication``) attaches them to the round's publication dataset
and records its progress on the :class:`~.model.Publication` row.
"""
from __future__ import annotations

import contextlib
import csv
import datetime
import hashlib
import html as html_module
import io
import logging
import os
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import pathname2url

import jinja2
import markupsafe
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk

from . import metadata, publishing, reference, roles
from . import cells, dates, datastore, markdown_text, notifications, preview, validation
from ..model import (
    CollectionRound, DataRequest, Publication, RequestEvent, RoundReport, RoundReportEvent,
)
from .states import State

XLSX_MAX_ROWS = 100_000
#: the characters of a text cell of the compilation (Excel's limit: 32,767)
CELL_MAX = 32_000
#: the fields of a dataset shown in the book and on top of its sheet
KEY_FIELDS = (
    "notes", "concept", "definition", "classification", "measure", "unit",
    "indicator_name", "indicator_definition", "indicator_interpretation",
    "calculation_method", "presentation_level", "disaggregation", "variables", "area_code",
    "data_year", "reference_period", "update_frequency", "data_status",
    "data_source", "collection_method", "government_affairs",
    "producer_contact_name", "producer_contact_email",
)
log = logging.getLogger(__name__)
_TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates", "satudata",
                          "dissemination")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class Table:
    header: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    total_rows: int = 0
    source: Optional[str] = None  # the resource name
    note: Optional[str] = None    # why there is no table


@dataclass
class Entry:
    """One dataset of the publication."""
    number: int
    pkg: dict[str, Any]
    organization: str
    fields: list[tuple[str, str]]
    #: every data table of the dataset's period (a revision may add one)
    tables: list[Table]
    anchor: str = ""

    @property
    def table(self) -> Table:
        """The first of :attr:`tables`."""
        return self.tables[0]


@dataclass
class Report:
    """The round's approved report (SOP 001 step 8, SOP 003 step 6: the
    approved report is disseminated with the data)."""
    title: str
    body: str        # Markdown, as the walidata wrote it
    approved: datetime.date  # its last approval, in the portal's time zone


@dataclass
class Book:
    round: CollectionRound
    entries: list[Entry]
    date: datetime.date
    walidata: str
    site_title: str
    report: Optional[Report] = None


# -- collecting --------------------------------------------------------------------

def published_package_ids(round_id: str) -> list[str]:
    """Ids of the round's datasets that its publication contains, in book
    order: those whose request of this round (its period) the requests'
    state makes public; withdrawn data leaves the publication when it is
    built again, a later period published on the same dataset does not take
    it out. One query."""
    stmt = (
        sa.select(model.Package.id)
        .join(DataRequest, DataRequest.package_id == model.Package.id)
        .join(model.Group, model.Group.id == model.Package.owner_org)
        .where(DataRequest.round_id == round_id,
               publishing.public_clause(),
               model.Package.state == "active",
               model.Package.private.is_(False))
        .group_by(model.Package.id, model.Group.title, model.Package.title)
        .order_by(model.Group.title, model.Package.title, model.Package.id)
    )
    return list(model.Session.execute(stmt).scalars())


def _last_published(round_id: str) -> Optional[datetime.datetime]:
    """When the round's data last went public (UTC): the last publication
    step of a request of this round still in its publication (a dataset's
    own record names the round that published it first)."""
    return model.Session.execute(
        sa.select(sa.func.max(RequestEvent.timestamp))
        .join(DataRequest, DataRequest.id == RequestEvent.request_id)
        .where(DataRequest.round_id == round_id,
               RequestEvent.to_state == State.PUBLISHED.value,
               publishing.public_clause())).scalar()


def approved_report(round_id: str) -> Optional[Report]:
    """The round's report once its last level approved it (None before, or
    for a round without a report stage). One query."""
    approved = (sa.select(sa.func.max(RoundReportEvent.timestamp))
                .where(RoundReportEvent.report_id == RoundReport.id,
                       RoundReportEvent.step == "approve",
                       RoundReportEvent.to_state == "approved")
                .scalar_subquery())
    row = model.Session.execute(
        sa.select(RoundReport.title, RoundReport.body, approved)
        .where(RoundReport.round_id == round_id, RoundReport.state == "approved")).first()
    if row is None or row[2] is None:
        return None
    return Report(title=row[0], body=row[1] or "",
                  approved=publishing.to_local(row[2]).date())  # type: ignore[union-attr]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return dates.cell_text(value)
    return value


def _read_csv(path: str, max_rows: int) -> tuple[list[list[Any]], int]:
    with open(path, "rb") as f:
        text, dialect = preview.decode_csv(f.read(), sample=4096)
    rows: list[list[Any]] = []
    total = 0
    for row in csv.reader(io.StringIO(text), dialect):
        if not any(c.strip() for c in row):
            continue
        total += 1
        if len(rows) < max_rows + 1:
            rows.append([c.strip() for c in row])
    return rows, total


def _typed(header: list[str], rows: list[list[Any]], numbers: dict[str, str]) -> None:
    """Make numbers, in place, of the text cells of each column the dataset
    declares a whole number or a decimal (``numbers``:
    :func:`.datastore.numeric_variables`), when they are all written in one
    notation (:data:`.validation.NOTATIONS`), as the DataStore's load types
    the same table: ``1.234`` in a whole-number column is 1234, not 1.234;
    every other column keeps its text as written (a code ``0010`` stays
    ``0010``)."""
    matching = {}
    for position, label in enumerate(header):
        declared = numbers.get(validation.normalize(label))
        if declared:
            matching[position] = validation.column_notations(
                [row[position] for row in rows if isinstance(row[position], str)], declared)
    # the table's way of writing figures decides a column that reads both ways
    for position, notation in validation.table_notations(matching).items():
        if notation is None:
            continue
        for row in rows:
            value = row[position]
            if isinstance(value, str) and re.fullmatch(notation.pattern, value.strip()):
                row[position] = notation.number(value)


def _read_xlsx(path: str, max_rows: int) -> tuple[list[list[Any]], int]:
    # opened as a file: openpyxl refuses a path without an Excel extension,
    # and CKAN stores an upload under its resource id
    with open(path, "rb") as f:
        content = io.BytesIO(f.read())
    workbook = cells.read_workbook(content)
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[Any]] = []
        total = 0
        for row in sheet.iter_rows(values_only=True):
            if not any(v not in (None, "") for v in row):
                continue
            total += 1
            if len(rows) < max_rows + 1:
                rows.append([_cell(v) for v in row])
        return rows, total
    finally:
        workbook.close()


def _tables_of(pkg: dict[str, Any], round_id: Optional[str]) -> list[dict[str, Any]]:
    """The dataset's resources that may hold ``round_id``'s table: those of
    that period first, then those of no period; another period's tables
    (a dataset of several rounds) never."""
    resources = pkg.get("resources") or []
    if round_id is None:
        return resources
    key = publishing.ROUND_KEY
    return ([r for r in resources if r.get(key) == round_id]
            + [r for r in resources if not r.get(key)])


def read_table(pkg: dict[str, Any], max_rows: int = XLSX_MAX_ROWS,
               round_id: Optional[str] = None) -> Table:
    """The first data table of a dataset (:func:`read_tables`)."""
    return read_tables(pkg, max_rows, round_id)[0]


def read_tables(pkg: dict[str, Any], max_rows: int = XLSX_MAX_ROWS,
                round_id: Optional[str] = None) -> list[Table]:
    """The data tables of a dataset: each uploaded CSV/XLSX resource (of the
    period of ``round_id``, when given), the first row the header; a linked
    or unreadable one says so; none, a table that says there is none (the
    book printed the first table only: one a revision added was left out)."""
    tables = []
    for res in _tables_of(pkg, round_id):
        fmt = metadata.data_file_kind(res)
        if not fmt:
            continue
        if res.get("url_type") != "upload":
            tables.append(Table(source=res.get("name"), note=tk._(
                "The table is published as a link: %(url)s") % {"url": res.get("url")}))
            continue
        path = uploader.get_resource_uploader(res).get_path(res["id"])
        if not os.path.exists(path):
            continue
        try:
            rows, total = (_read_csv if fmt == "csv" else _read_xlsx)(path, max_rows)
        except Exception:  # a broken file must not break the book
            # the reader's words, not the library's (logged for the walidata)
            log.warning("Table %s of %s could not be read for the publication",
                        res.get("id"), pkg.get("name"), exc_info=True)
            tables.append(Table(source=res.get("name"), note=tk._(
                "The table could not be read: its file is damaged or is not a table. "
                "Download it from the dataset's page.")))
            continue
        if not rows:
            continue
        width = max(len(r) for r in rows)
        rows = [list(r) + [""] * (width - len(r)) for r in rows]
        header = [str(h) for h in rows[0]]
        _typed(header, rows[1:], datastore.numeric_variables(pkg))
        tables.append(Table(header=header, rows=rows[1:], total_rows=max(total - 1, 0),
                            source=metadata.data_file_label(res)))
    return tables or [Table(note=tk._(
        "No data table (CSV or XLSX) is attached to this dataset."))]


def _field_value(schema_field: dict[str, Any], value: Any) -> str:
    if value in (None, "", []):
        return ""
    if schema_field.get("repeating_subfields") and isinstance(value, list):
        # the variables: one line each, "name — definition (type, unit)"
        return "\n".join(filter(None, (_row_text(schema_field["repeating_subfields"], row)
                                       for row in value if isinstance(row, dict))))
    list_name = schema_field.get("satudata_code_list")
    if list_name:
        codes = reference.as_code_list(value)
        if list_name == reference.WILAYAH:
            return ", ".join(reference.wilayah_label(c) for c in codes)
        return ", ".join(reference.label(list_name, c) for c in codes)
    if isinstance(value, (list, dict)):
        return ""
    return str(value)


def _row_text(subfields: list[dict[str, Any]], row: dict[str, Any]) -> str:
    values = [_field_value(sub, row.get(sub["field_name"])) for sub in subfields]
    head, rest = (values[0], values[1:]) if values else ("", [])
    definition, details = (rest[0], [v for v in rest[1:] if v]) if rest else ("", [])
    text = " — ".join(v for v in (head, definition) if v)
    return f"{text} ({', '.join(details)})" if details and text else text


def key_fields(pkg: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, value)`` of the key metadata present on the dataset."""
    schema = {f["field_name"]: f for f in metadata.dataset_schema(
        pkg.get("type") or "dataset")["dataset_fields"]}
    result = []
    for name in KEY_FIELDS:
        spec = schema.get(name, {"field_name": name, "label": name})
        text = _field_value(spec, pkg.get(name))
        if text and spec.get("form_snippet") == "markdown.html":
            # as a reader sees it: the book and the sheet showed its Markdown
            # ("**Catatan**", "- Sumber") where the dataset page renders it
            text = "\n".join(_plain_lines(text))
        if text:
            result.append((metadata.field_label(spec), text))
    return result


def collect(round_: CollectionRound, progress: Optional[Callable[[int, int], None]] = None,
            max_rows: int = XLSX_MAX_ROWS) -> Book:
    """Everything the book and the compilation show, in order."""
    ids = published_package_ids(round_.id)
    entries = []
    for number, package_id in enumerate(ids, start=1):
        pkg = tk.get_action("package_show")(
            {"ignore_auth": True, "use_cache": False, "for_view": False},  # type: ignore
            {"id": package_id})
        org = pkg.get("organization") or {}
        entries.append(Entry(
            number=number, pkg=pkg,
            organization=org.get("title") or org.get("name") or "",
            fields=key_fields(pkg), tables=read_tables(pkg, max_rows, round_.id),
            anchor=f"dataset-{number}"))
        if progress:
            progress(number, len(ids))
    last = _last_published(round_.id)
    report = approved_report(round_.id)
    # the day its data went public, in the portal's time zone (or its
    # report was approved, when that came later: the book changed then)
    day = publishing.to_local(last).date() if last else round_.start_date  # type: ignore
    if report is not None and report.approved > day:
        day = report.approved
    walidata = model.Group.get(tk.config.get("satudata.walidata_organization"))
    return Book(
        round=round_, entries=entries, date=day, report=report,
        walidata=(walidata.title or walidata.name) if walidata else "",
        site_title=tk.config.get("ckan.site_title") or "CKAN")


# -- writing -------------------------------------------------------------------------

def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["_"] = tk._
    env.filters["figure"] = lambda value: validation.figure(
        value, tk.config.get("ckan.locale_default") or "id")
    env.filters["breakable"] = cells.breakable
    env.filters["as_written"] = lambda value: (
        int(value) if isinstance(value, float) and value.is_integer() else value)
    return env


def _day_text(day: datetime.date) -> str:
    """A day of the book in the portal's language (``2 Maret 2026``)."""
    return dates.format_datetime(day, tk.config.get("ckan.locale_default") or "id",
                                 datetime.timezone.utc)


def book_html(book: Book) -> str:
    """The HTML of the book (rendered by WeasyPrint)."""
    max_rows = tk.config.get("satudata.publication.pdf_max_rows")
    max_columns = tk.config.get("satudata.publication.pdf_max_columns")
    entries = []
    for entry in book.entries:
        entries.append({"entry": entry, "tables": [{
            "table": table,
            "header": table.header[:max_columns],
            "rows": [r[:max_columns] for r in table.rows[:max_rows]],
            # a year or a code printed as written (2030, not 2.030)
            "labels": [validation.names_a_label(h) for h in table.header[:max_columns]],
            "cut_rows": table.total_rows > max_rows,
            "cut_columns": len(table.header) > max_columns,
        } for table in entry.tables]})
    report = book.report
    return _env().get_template("publication_book.html").render(
        book=book, entries=entries, max_rows=max_rows, max_columns=max_columns,
        report=report, report_html=markupsafe.Markup(_site_links(markdown_text.render(
            report.body, breaks=True))) if report else None,
        report_date=_day_text(report.approved) if report else None,
        date=book.date.isoformat(),
        date_text=_day_text(book.date))


_HREF = re.compile(r'\bhref="([^"]*)"')


def _site_links(rendered: str) -> str:
    """The links of a rendered text as the portal's addresses: a relative
    one (``/dataset/x``) was resolved against the book's own folder and
    printed as a ``file://`` link into the server's files."""
    site = str(tk.config.get("ckan.site_url") or "").rstrip("/") + "/"

    def absolute(match: re.Match[str]) -> str:
        url = html_module.unescape(match.group(1))
        if urlsplit(url).scheme:
            return match.group(0)
        return 'href="%s"' % html_module.escape(urljoin(site, url), quote=True)
    return _HREF.sub(absolute, rendered)


def _local_only(url: str) -> dict[str, Any]:
    """WeasyPrint's fetcher for what the book's own files and inline images
    give, nothing else: an image of a round report (Markdown) was fetched by
    the jobs worker from any address, inside the network too, and printed
    in the public book."""
    import weasyprint

    if url.startswith("data:"):
        return weasyprint.default_url_fetcher(url)
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        # the path as the file system reads it: "%2e%2e/" is no dot segment
        # to the address's check and is one to the file system (a report's
        # image printed a file of the server's disk in the public book)
        root = os.path.realpath(_TEMPLATES)
        path = os.path.realpath(unquote(parts.path))
        if os.path.commonpath([root, path]) == root:
            return weasyprint.default_url_fetcher("file://" + pathname2url(path))
    raise ValueError(f"not fetched for the book: {url[:100]}")


def pdf_bytes(book: Book) -> bytes:
    import weasyprint

    html = weasyprint.HTML(string=cells.printable_runs(book_html(book)), base_url=_TEMPLATES,
                           url_fetcher=_local_only)
    return html.write_pdf()


class _FixedTimeZip(zipfile.ZipFile):
    """ZIP entries with a fixed time, so that the same workbook gives the
    same bytes."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None,
                 compresslevel: Any = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
              compresslevel: Any = None) -> None:
        # openpyxl writes worksheets through temporary files: no file times
        with open(filename, "rb") as f:
            self.writestr(arcname or os.path.basename(filename), f.read())


def sheet_title(number: int, title: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, no ``[]:*?/\\``)."""
    clean = "".join(" " if c in '[]:*?/\\' else c for c in title).strip()
    name = f"{number:02d} {clean}"[:31].rstrip()
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|tr|blockquote|pre)>", re.I)
_CELL_END = re.compile(r"</t[dh]>", re.I)
_TAG = re.compile(r"<[^>]+>")


def _plain_lines(markdown: str) -> list[str]:
    """The report's text as a reader sees it, a paragraph, heading, item or
    table row per line (the sheet showed its Markdown: ``#``, ``|---|``)."""
    rendered = markdown_text.render(markdown, breaks=True)
    text = _TAG.sub("", _CELL_END.sub(" | ", _BLOCK_END.sub("\n", rendered)))
    lines = [" ".join(html_module.unescape(line).split()).strip(" |") for line in
             text.splitlines()]
    # a Markdown table's rule line (the portal's Markdown draws no tables)
    return [line for line in lines if line and not _RULE.match(line)]


_RULE = re.compile(r"^[-|: ]+$")


def _report_sheet(workbook: Any, report: Report, taken: set[str]) -> None:
    """The approved report as the compilation's first sheet: its title,
    the day of its approval, then its text a paragraph per row."""
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(sheet_title(0, tk._("Report"), taken))
    sheet.append(cells.row([report.title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(cells.row([tk._("Approved on %(date)s") % {
        "date": _day_text(report.approved)}]))
    sheet.append([])
    for line in _plain_lines(report.body):
        # a cell holds 32,767 characters at most (a longer one: a damaged workbook)
        for start in range(0, len(line), CELL_MAX):
            sheet.append(cells.row([line[start:start + CELL_MAX]]))
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 100


def xlsx_bytes(book: Book) -> bytes:
    """One sheet per dataset: title, OPD and key metadata, then the table."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    stamp = datetime.datetime.combine(book.date, datetime.time())
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = book.walidata or book.site_title
    workbook.properties.lastModifiedBy = None
    workbook.properties.title = tk._("Publication: %(round)s") % {"round": book.round.title}
    bold = Font(bold=True)
    taken: set[str] = set()
    if book.report is not None:
        _report_sheet(workbook, book.report, taken)
    for entry in book.entries:
        sheet = workbook.create_sheet(sheet_title(entry.number, entry.pkg.get("title") or "",
                                                  taken))
        sheet.append(cells.row([entry.pkg.get("title")]))
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(cells.row([tk._("Producer (OPD)"), entry.organization]))
        for label, value in entry.fields:
            sheet.append(cells.row([label, value]))
        for table in entry.tables:
            sheet.append([])
            if len(entry.tables) > 1 and table.source:  # which table (one after another)
                sheet.append(cells.row([table.source]))
                sheet[sheet.max_row][0].font = bold
            if table.header:
                sheet.append(cells.row(table.header))
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
                for row in table.rows:
                    sheet.append(cells.row(row))
            else:
                sheet.append(cells.row([table.note]))
    if not book.entries:
        workbook.create_sheet(tk._("No data"))
    cells.make_inert(workbook)
    output = io.BytesIO()
    archive = _FixedTimeZip(output, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return output.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_names(round_: CollectionRound) -> tuple[str, str]:
    return f"publikasi-{round_.name}.pdf", f"kompilasi-{round_.name}.xlsx"


def build(round_: CollectionRound,
          progress: Optional[Callable[[int, int], None]] = None) -> tuple[Book, bytes, bytes]:
    """Collect the round's published datasets and write the book and the
    compilation: ``(book, pdf, xlsx)``."""
    book = collect(round_, progress)
    return book, pdf_bytes(book), xlsx_bytes(book)


# -- the publication dataset (the job jobs.build_publication) ---------------------------

def _set(publication_id: str, **values: Any) -> None:
    row = model.Session.get(Publication, publication_id)
    if row is None:
        return
    for key, value in values.items():
        setattr(row, key, value)
    model.repo.commit()


def _publication_dataset(context: dict[str, Any], round_: CollectionRound,
                         existing_id: Optional[str]) -> dict[str, Any]:
    """The public dataset of the walidata organization that holds the round's
    publication (created on the first build)."""
    pkg = model.Package.get(existing_id) if existing_id else None
    name = f"publikasi-{round_.name}"[:100]
    if pkg is None:
        pkg = model.Package.get(name)
    if pkg is not None and pkg.state == "active":
        return tk.get_action("package_show")(dict(context), {"id": pkg.id})
    walidata = roles.walidata_organization()
    if walidata is None:
        raise tk.ValidationError({"owner_org": [tk._(
            "The walidata organization (satudata.walidata_organization) does not exist")]})
    values = {"round": round_.title}
    return tk.get_action("package_create")(dict(context), {
        "name": name, "owner_org": walidata.id, "private": False,
        "title": tk._("Publication: %(round)s") % values,
        "notes": tk._("The sectoral statistics published in %(round)s, compiled as a "
                      "book (PDF) and a workbook (XLSX).") % values,
        "license_id": "cc-by",
    })


def _attach(context: dict[str, Any], pkg: dict[str, Any], name: str, file_name: str,
            data: bytes, fmt: str, mimetype: str) -> None:
    upload = FileStorage(stream=io.BytesIO(data), filename=file_name,
                         content_type=mimetype)
    existing = next((r for r in pkg.get("resources") or [] if r.get("name") == name), None)
    values = {"name": name, "format": fmt, "upload": upload, "url": file_name,
              "mimetype": mimetype}
    if existing:
        tk.get_action("resource_patch")(dict(context), dict(values, id=existing["id"]))
    else:
        tk.get_action("resource_create")(dict(context), dict(values, package_id=pkg["id"]))


@contextlib.contextmanager
def _one_build_at_a_time(publication_id: str) -> Iterator[None]:
    """The builds of one publication one after the other (a PostgreSQL
    advisory lock held on a connection of its own for the whole build,
    whatever the build commits meanwhile): a build that read the round
    before a withdrawal and the build the withdrawal owed finished in either
    order, and the withdrawn data stayed in the public book."""
    key = sa.func.hashtext("satudata_publication:" + publication_id)
    with model.meta.engine.connect() as conn:
        with conn.begin():
            conn.execute(sa.select(sa.func.pg_advisory_lock(key)))
        try:
            model.Session.expire_all()  # what the build before this one wrote
            yield
        finally:
            with conn.begin():
                conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))


def build_and_attach(publication_id: str) -> Optional[dict[str, Any]]:
    """Build the publication ``publication_id``: collect the round's
    published datasets, write the PDF and XLSX, attach them (replacing the
    previous files) and record checksums and progress; after the build of
    it under way, if one is."""
    with _one_build_at_a_time(publication_id):
        return _build_and_attach(publication_id)


def _build_and_attach(publication_id: str) -> Optional[dict[str, Any]]:
    row = model.Session.get(Publication, publication_id)
    if row is None:
        return None
    round_ = model.Session.get(CollectionRound, row.round_id)
    assert round_ is not None
    _set(publication_id, status="running", progress=1, started_at=publishing.utcnow(),
         message=None)

    def progress(done: int, total: int) -> None:
        _set(publication_id, progress=1 + int(80 * done / max(total, 1)),
             message=tk._("Read %(done)s of %(total)s datasets") % {
                 "done": done, "total": total})

    try:
        with notifications.portal_context():
            book, pdf, xlsx = build(round_, progress)
            context = {"user": publishing.site_user_name(), "ignore_auth": True}
            if not book.entries:
                return _withdraw_empty(publication_id, context, row.package_id)
            _set(publication_id, progress=85, message=tk._("Attaching the files"))
            pkg = _publication_dataset(context, round_, row.package_id)
            if pkg.get("private"):  # hidden while it was empty (_withdraw_empty)
                pkg = tk.get_action("package_patch")(dict(context), {
                    "id": pkg["id"], "private": False})
            pdf_name, xlsx_name = file_names(round_)
            _attach(context, pkg, tk._("Publication book (PDF)"), pdf_name, pdf, "PDF",
                    "application/pdf")
            _attach(context, pkg, tk._("Data compilation (XLSX)"), xlsx_name, xlsx, "XLSX",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            message = tk._("%(count)s datasets") % {"count": len(book.entries)}
    except Exception:
        model.Session.rollback()
        with notifications.portal_context():  # the reason is in the worker's log, not here
            failed = tk._("The publication could not be built. Build it again; if it fails "
                          "again, the portal's administrator finds the reason in the jobs "
                          "worker's log.")
        _set(publication_id, status="failed", message=failed, finished_at=publishing.utcnow())
        raise
    _set(publication_id, status="done", progress=100, package_id=pkg["id"],
         dataset_count=len(book.entries), pdf_sha256=sha256(pdf),
         xlsx_sha256=sha256(xlsx), message=message,
         finished_at=publishing.utcnow())
    row = model.Session.get(Publication, publication_id)
    return row.dictize() if row else None


def _withdraw_empty(publication_id: str, context: dict[str, Any],
                    package_id: Optional[str]) -> Optional[dict[str, Any]]:
    """A round none of whose data is public (every dataset withdrawn or
    archived) has no publication to show: its dataset, if built before, is
    made private (a book of no data stayed public, dated the round's start)
    until data of the round is public again."""
    pkg = model.Package.get(package_id) if package_id else None
    if pkg is not None and pkg.state == "active" and not pkg.private:
        tk.get_action("package_patch")(dict(context), {"id": pkg.id, "private": True})
    _set(publication_id, status="done", progress=100, dataset_count=0,
         pdf_sha256=None, xlsx_sha256=None, finished_at=publishing.utcnow(),
         message=tk._("No data of this round is public: the publication is not shown"))
    row = model.Session.get(Publication, publication_id)
    return row.dictize() if row else None


def refresh_for(request_id: str) -> Optional[dict[str, Any]]:
    """Build the publication of a request's round again after its dataset
    entered or left the public (published, withdrawn or archived), so that
    the public book and compilation contain what is public. Nothing when the
    round's publication was never asked for, or its first build failed; a
    first build under way or waiting is followed by this one (it may have
    read the round before the change: the withdrawn data stayed in the
    book); one built when nothing of the round was public is built again
    (it said "nothing published" after the round's data went public)."""
    request = model.Session.get(DataRequest, request_id)
    if request is None:
        return None
    row = model.Session.execute(
        sa.select(Publication).where(Publication.round_id == request.round_id)
    ).scalar_one_or_none()
    if row is None or row.package_id is None and row.status == "failed":
        return None
    return build_and_attach(row.id)

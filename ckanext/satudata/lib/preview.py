# -*- coding: utf-8 -*-
"""The first rows of a data file, for the reviewers of a data request.

Only files stored by CKAN's own uploader (``url_type == "upload"``) are read,
server-side, from ``ckan.storage_path``: a linked URL is never fetched.
Reading is bounded whatever the file: at most :data:`MAX_BYTES` of a CSV,
XLSX files only up to :data:`MAX_XLSX_BYTES`, at most :data:`MAX_ROWS` rows
of :data:`MAX_COLUMNS` columns, each cell cut to :data:`MAX_CELL` characters.
Every cell comes back as text (a formula is shown as its text, never
evaluated); a file that cannot be read gives a :class:`Preview` with an
``error`` message, never an exception.
"""
from __future__ import annotations

import collections
import contextlib
import copy
import csv
import dataclasses
import datetime
import io
import logging
import os
import zipfile
from xml.etree import ElementTree
from typing import Any, Iterable, Iterator, Optional

import ckan.plugins.toolkit as tk
from ckan.lib import uploader

from . import metadata
from . import cells

log = logging.getLogger(__name__)

__all__ = ["Preview", "MAX_ROWS", "preview", "table_page", "file_size", "decode_csv",
           "stored_path"]

MAX_ROWS = 10
MAX_COLUMNS = 30
MAX_CELL = 200
#: bytes of a CSV file read at most
MAX_BYTES = 256 * 1024
#: bytes of a CSV file its whole table's pages read at most (a reviewer's
#: page of a file not yet public: a larger one is downloaded)
MAX_TABLE_BYTES = 20 * 1024 * 1024
#: larger XLSX files are not opened (a workbook is a zip: unpacking costs)
MAX_XLSX_BYTES = 20 * 1024 * 1024
#: uncompressed size of the sheet parts of an XLSX read at most (zip bombs)
MAX_XLSX_UNPACKED = 200 * 1024 * 1024

@dataclasses.dataclass
class Preview:
    """``rows``: the first rows, each a list of strings (the first row is
    usually the header); ``truncated``: the file has more rows or columns
    than shown; ``error``: why there is no preview (translated)."""
    rows: list[list[str]] = dataclasses.field(default_factory=list)
    truncated: bool = False
    error: Optional[str] = None


def _path(resource: dict[str, Any]) -> Optional[str]:
    """The stored file of an uploaded resource, if it exists."""
    if resource.get("url_type") != "upload" or not resource.get("id"):
        return None
    try:
        upload = uploader.get_resource_uploader(dict(resource))
        path = upload.get_path(resource["id"])
    except Exception:  # no storage path, an odd id: no file to show
        log.debug("no stored file for resource %s", resource.get("id"), exc_info=True)
        return None
    return path if path and os.path.isfile(path) else None


def stored_path(resource: dict[str, Any]) -> Optional[str]:
    """The stored file of an uploaded resource, if it exists on this server."""
    return _path(resource)


def file_size(resource: dict[str, Any]) -> Optional[int]:
    """The size in bytes of the resource's stored file (or its recorded
    ``size``), None when unknown."""
    path = _path(resource)
    if path:
        return os.path.getsize(path)
    size = resource.get("size")
    return size if isinstance(size, int) else None


def preview(resource: dict[str, Any], max_rows: int = MAX_ROWS,
            max_bytes: int = MAX_BYTES) -> Optional[Preview]:
    """The first ``max_rows`` rows of an uploaded CSV or XLSX resource (of a
    CSV, its first ``max_bytes``); None for other resources (links, other
    formats)."""
    kind = metadata.data_file_kind(resource)
    if kind is None or resource.get("url_type") != "upload":
        return None
    path = _path(resource)
    if path is None:
        return Preview(error=tk._("The file is not available on this server."))
    try:
        if kind == "csv":
            return _csv(path, max_rows, max_bytes)
        return _xlsx_once(path, max_rows)
    except Exception:  # a malformed file must never break the page
        log.info("no preview of resource %s", resource.get("id"), exc_info=True)
        return Preview(error=tk._("The file could not be read for a preview."))


#: the previews of workbooks read lately, by file and version (a stored
#: file does not change: a new upload is a new file)
_READ: "collections.OrderedDict[tuple[Any, ...], Preview]" = collections.OrderedDict()


def _xlsx_once(path: str, max_rows: int) -> Preview:
    """:func:`_xlsx`, read once per file (in this process): a workbook of
    200,000 texts made every opening of its request's page wait seconds,
    openpyxl reading them all for its ten rows. A refusal (its words in the
    reader's language) is read again."""
    status = os.stat(path)
    key = (path, status.st_mtime_ns, status.st_size, max_rows)
    if key in _READ:
        _READ.move_to_end(key)
        return copy.deepcopy(_READ[key])
    found = _xlsx(path, max_rows)
    if found.error is None:
        _READ[key] = copy.deepcopy(found)
        while len(_READ) > 64:
            _READ.popitem(last=False)
    return found


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()  # as the data check reads it ("1986-01-01 00:00:00")
    text = cells.text(str(value))
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _rows(source: Iterable[Iterable[Any]], max_rows: int) -> Preview:
    result = Preview()
    for values in source:
        if len(result.rows) >= max_rows:
            result.truncated = True
            break
        row = [_cell(v) for v in values]
        while row and row[-1] == "":
            row.pop()
        if len(row) > MAX_COLUMNS:
            row, result.truncated = row[:MAX_COLUMNS], True
        result.rows.append(row)
    # trailing empty rows say nothing
    while result.rows and not result.rows[-1]:
        result.rows.pop()
    return result


def decode_csv(data: bytes, sample: int = 8192) -> tuple[str, Any]:
    """The text of a CSV file's bytes (UTF-8 with or without BOM, else
    Windows-1252) and its dialect (``,``, ``;``, tab or ``|``, sniffed from
    the first ``sample`` characters; Excel's when unsure)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    return text, _dialect(text[:sample])


#: the delimiters a CSV file may use (Indonesian Excel writes ``;``)
DELIMITERS = ",;\t|"


def _dialect(sample: str) -> Any:
    """The dialect of a CSV sample: the delimiter that splits its header
    into most columns among those that split most of its rows alike (quoted
    cells holding a delimiter, as Excel writes ``"Termasuk; pos baru"``,
    and empty last cells fooled ``csv.Sniffer``); Python's sniffer when no
    delimiter splits the header, Excel's dialect when that fails too."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the last may be cut by the sample
    best: Optional[tuple[float, int, str]] = None
    for delimiter in DELIMITERS:
        rows = [r for r in csv.reader(io.StringIO("".join(lines), newline=""),
                                      delimiter=delimiter, quotechar='"') if r]
        if not rows or len(rows[0]) < 2:
            continue
        alike = sum(len(r) == len(rows[0]) for r in rows) / len(rows)
        score = (alike, len(rows[0]), delimiter)
        if best is None or score[:2] > best[:2]:
            best = score
    if best is not None and best[0] >= 0.5:
        return type("Sniffed", (csv.excel,), {"delimiter": best[2]})
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        return csv.excel


def not_text(data: bytes) -> Optional[str]:
    """Why a file named as CSV is no text table, from its first bytes:
    ``utf16`` (Excel's "Unicode Text": a byte order mark, or a zero byte
    beside every other character), ``utf32``, ``binary`` (a zero byte, a
    zip), or None."""
    head = data[:8192]
    half = len(head) // 2
    if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "utf32"  # (it was told UTF-16)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (
            half >= 2 and max(head[0::2].count(0), head[1::2].count(0)) > half * 0.9):
        return "utf16"
    if b"\x00" in head or head.startswith(b"PK\x03\x04"):
        return "binary"
    return None


def not_text_message(code: str) -> str:
    """What :func:`not_text` found, in the current language."""
    if code == "utf16":
        return tk._("The file is saved as Unicode (UTF-16) text: save the table as "
                    "\"CSV UTF-8 (Comma delimited)\" and upload it again")
    if code == "utf32":
        return tk._("The file is saved as Unicode (UTF-32) text: save the table as "
                    "\"CSV UTF-8 (Comma delimited)\" and upload it again")
    return tk._("The file is not a text table: it looks like a binary file. "
                "Save the table as CSV or XLSX and upload it again")


def table_page(resource: dict[str, Any], first: int, count: int
               ) -> Optional[tuple[Preview, bool]]:
    """The header of an uploaded CSV or XLSX table (``rows[0]``) and its
    rows ``first`` to ``first + count`` (after the header; ``truncated``:
    the file holds more rows or columns than this server reads of it), and
    whether a next page has rows; None for another file."""
    found = preview(resource, 1 + first + count + 1, MAX_TABLE_BYTES)
    if found is None or found.error:
        return (found, False) if found is not None else None
    rows = found.rows
    page = Preview(rows=rows[:1] + rows[1 + first:1 + first + count],
                   truncated=found.truncated)
    return page, len(rows) > 1 + first + count


def _csv(path: str, max_rows: int, max_bytes: int = MAX_BYTES) -> Preview:
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    code = not_text(data)
    if code:  # its bytes shown as text were garbage
        return Preview(error=not_text_message(code))
    cut = len(data) > max_bytes
    if cut:
        # drop the partial last line (and a partial UTF-8 character with it)
        data = data[:max_bytes]
        data = data[: data.rfind(b"\n") + 1] or data
    text, dialect = decode_csv(data.replace(b"\x00", b""))
    result = _rows(csv.reader(io.StringIO(text, newline=""), dialect), max_rows)
    result.truncated = result.truncated or (cut and len(result.rows) >= max_rows)
    return result


def _has_formulas(path: str) -> bool:
    """Whether a sheet of the workbook holds formulas (an ``<f>`` element;
    each sheet read in chunks, never whole)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for part in archive.namelist():
                if not part.startswith("xl/worksheets/sheet"):
                    continue
                with archive.open(part) as f:
                    tail = b""
                    for chunk in iter(lambda: f.read(1 << 16), b""):
                        if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                            return True
                        tail = chunk[-3:]
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return False


def xlsx_rows(f: Any, path: str, sized: bool = True,
              **options: Any) -> Iterator[tuple[Any, ...]]:
    """The values of the first sheet's rows of the workbook open as ``f``
    (at ``path``), as Excel last computed them: a formula's cached result,
    its text only when the file holds none (written by a program that does
    not compute, e.g. openpyxl). Formulas were read as their text, and
    "=D2/SUM($D$2:$D$4)" was no number to the data check where the
    DataStore and the public read 0.29. ``sized``: as
    :func:`.cells.read_workbook`'s; ``options``: ``iter_rows``'s."""
    computed = cells.read_workbook(f, sized=sized)
    written = None
    try:
        if not computed.worksheets:
            return
        sheet = computed.worksheets[0]
        if not _has_formulas(path):
            yield from sheet.iter_rows(values_only=True, **options)
            return
        with open(path, "rb") as again:
            written = cells.read_workbook(again, data_only=False, sized=sized)
            texts = written.worksheets[0].iter_rows(values_only=True, **options)
            for row, formulas in zip(sheet.iter_rows(**options), texts):
                yield tuple(_computed(cell, formula) for cell, formula in zip(row, formulas))
    finally:
        computed.close()
        if written is not None:
            written.close()


def _computed(cell: Any, formula: Any) -> Any:
    """A cell's value as Excel last computed it: its cached result; an empty
    text for a formula whose result is one (``t="str"``, ``=IF(C3=0;"";…)``:
    it was read as its formula's text, shown to the reviewers and refused
    as "a formula without its result"); the formula's text only when the
    file holds no result at all."""
    value = getattr(cell, "value", None)
    if value is not None or not (isinstance(formula, str) and formula.startswith("=")):
        return value
    return "" if getattr(cell, "data_type", None) == "str" else formula


#: texts a workbook may carry that no cell uses (a program's leftovers)
MAX_UNUSED_STRINGS = 10_000


def _shared_texts(archive: zipfile.ZipFile, name: str) -> int:
    """How many texts the shared strings part ``name`` holds (its ``si``
    elements, parsed: counting bytes missed a prefixed ``x:si``)."""
    count = 0
    with archive.open(name) as f:
        for _event, element in ElementTree.iterparse(f):
            if element.tag.rpartition("}")[2] == "si":
                count += 1
                element.clear()
    return count


def _used_texts(archive: zipfile.ZipFile, name: str, used: set[str]) -> None:
    """The indexes of the shared texts the cells of the sheet ``name`` use
    (a cell ``t="s"`` and its ``v``, parsed: counting the bytes ``t="s"``
    was fooled by a comment holding them)."""
    with archive.open(name) as f:
        for _event, element in ElementTree.iterparse(f):
            tag = element.tag.rpartition("}")[2]
            if tag == "c":
                if element.get("t") == "s":
                    value = next((child.text for child in element
                                  if child.tag.rpartition("}")[2] == "v"), None)
                    if value:
                        used.add(value.strip())
                element.clear()
            elif tag == "row":
                element.clear()


def unused_strings(path: str) -> int:
    """How many texts of the workbook's shared strings no cell refers to.
    An 800 KB workbook of four rows carried 300,000 of them: every reading
    of it took seconds to minutes (its data check 95 s, its DataStore load
    four minutes holding a jobs worker, its request's page a minute). The
    sheets are parsed only when the texts are many."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            texts = sum(_shared_texts(archive, name) for name in names
                        if name.lower().endswith("sharedstrings.xml"))
            if texts <= MAX_UNUSED_STRINGS:
                return 0
            used: set[str] = set()
            for name in names:
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    _used_texts(archive, name, used)
    except (zipfile.BadZipFile, OSError, KeyError, ElementTree.ParseError):
        return 0  # its reading says what is wrong with it
    return max(0, texts - len(used))


def _xlsx(path: str, max_rows: int) -> Preview:
    if os.path.getsize(path) > MAX_XLSX_BYTES:
        return Preview(error=tk._("The file is too large for a preview; download it "
                                  "to see it."))
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED or unused_strings(path) > MAX_UNUSED_STRINGS:
        return Preview(error=tk._("The file is too large for a preview; download it "
                                  "to see it."))
    # a file object: CKAN stores uploads without their suffix, which
    # openpyxl would check
    with open(path, "rb") as f, contextlib.closing(xlsx_rows(
            f, path, sized=False, max_row=max_rows + 1, max_col=MAX_COLUMNS + 1)) as rows:
        return _rows(rows, max_rows)

# -*- coding: utf-8 -*-
"""Uploaded files: the size limit of data files, checked before anything is
stored, and the SK decree documents of Daftar Data items.

CKAN refuses a file over ``ckan.max_resource_size`` (megabytes) only while
copying it, after the dataset was already updated in the transaction, and
with an untranslated message, and takes an empty file or a program;
:func:`refuse_unusable_upload` refuses each first, with a translated
message under the resource form's ``upload`` field.

A revision's new file of a published table is stored under a resource id
of its own until the revision is published; :func:`take_place` then puts it
in the place of the published file, so that the table keeps its id and its
address.

An SK decree (PDF) of a Daftar Data item is kept in
``<ckan.storage_path>/satudata_private/sk/<item id>.pdf`` and served only by
``/permintaan-data/daftar-data/<id>/sk.pdf`` to whoever may see the item.
Earlier versions kept it under ``<ckan.storage_path>/storage/uploads/satudata_sk/``,
which CKAN serves to anyone under ``/uploads``: migration 0014 moves those
files, and :func:`stored_sk` moves one that appears there later (a restored
backup) on its first guarded access.

A round's documents (the indicator matrix, guidelines, the decree) are kept
in ``<ckan.storage_path>/satudata_private/round_documents/<document id>``:
outside ``<ckan.storage_path>/storage``, which CKAN serves to anyone as
static files (``/uploads/...``), so that they are only served by
``/permintaan-data/putaran/<round>/dokumen/<id>`` to whoever may see them.
Their type is told from their content (libmagic, as CKAN's uploader does)
and checked against ``satudata.round_document.mimetypes``; their size
against ``satudata.round_document.max_size``.
"""
from __future__ import annotations

import gzip
import math
import os
import re
import shutil
import unicodedata
import uuid
import zipfile
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from babel.numbers import format_decimal

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.uploader import get_storage_path

from . import reference, screening

__all__ = ["upload_size", "refuse_unusable_upload", "SK_MAX_MB", "sk_path", "stored_sk", "read_sk",
           "save_sk", "read_round_document", "round_document_path", "save_round_document",
           "delete_round_document", "read_pdf", "berita_acara_path", "save_berita_acara",
           "delete_berita_acara", "resource_path", "take_place", "took_place"]

MB = 1024 * 1024


def upload_size(upload: Any) -> int | None:
    """The size in bytes of an uploaded file (a werkzeug ``FileStorage`` or
    CGI field storage), None when it is not an upload or cannot be told."""
    stream = getattr(upload, "stream", None) or getattr(upload, "file", None)
    if stream is None or not getattr(upload, "filename", None):
        return None
    try:
        position = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return size


#: what libmagic calls a program (Windows, Linux, macOS), and the names of
#: programs and scripts a browser or a desktop would run: never data
PROGRAM_MIMETYPES = ("application/x-dosexec", "application/x-msdownload",
                     "application/vnd.microsoft.portable-executable",
                     "application/x-executable", "application/x-pie-executable",
                     "application/x-sharedlib", "application/x-mach-binary",
                     "application/x-msi", "application/x-ms-installer")
PROGRAM_EXTENSIONS = (".exe", ".dll", ".com", ".bat", ".cmd", ".msi", ".scr", ".ps1",
                      ".vbs", ".jar", ".apk", ".sh", ".elf", ".bin",
                      # scripts Windows or a browser runs
                      ".js", ".mjs", ".jse", ".vbe", ".wsf", ".hta", ".reg", ".cpl")


#: the first bytes of an OLE2 compound file (an Excel 97-2003 workbook)
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")

#: what libmagic finds in a file that is no text (a picture, a document, an
#: archive), whatever its name says
NOT_TEXT = ("image/", "audio/", "video/", "application/pdf", "application/zip",
            "application/gzip", "application/x-7z", "application/x-rar",
            "application/vnd.", "application/msword", "application/x-dosexec")


def _kind_words(kind: str) -> str:
    """A file's content type as its reader names it ("a picture", not
    ``image/png``); an uncommon one as its type."""
    if kind.startswith("image/"):
        return tk._("a picture")
    if kind == "application/pdf":
        return tk._("a PDF document")
    if kind.startswith(("application/zip", "application/gzip", "application/x-7z",
                        "application/x-rar")):
        return tk._("a compressed archive")
    if kind.startswith(("audio/", "video/")):
        return tk._("a sound or video recording")
    if "word" in kind or "opendocument.text" in kind:
        return tk._("a text document")
    if "excel" in kind or "spreadsheet" in kind:
        return tk._("a spreadsheet")
    if kind.startswith("text/html"):
        return tk._("a web page")
    return tk._("a file of another kind (%(type)s)") % {"type": kind}


#: spreadsheets the data check cannot read: a table in one of them was
#: published unchecked and unscreened (NIKs in an .xls, an .ods, a .tsv)
UNCHECKED_TABLES = (".xls", ".xlsb", ".ods", ".fods", ".numbers", ".tsv", ".tab")
_XLS_TYPE = "application/vnd.ms-excel"
_ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
_TSV_TYPE = "text/tab-separated-values"


def _tab_separated(head: bytes, kind: str) -> bool:
    """Whether a text file is a table of tab-separated columns (Excel saves
    one as .txt, "Text (Tab delimited)" and "Unicode Text" in UTF-16: it
    was published unchecked and unscreened, NIKs included): past a title
    line, most of its first lines hold a tab between two values (a tab
    that indents prose is none)."""
    if not (kind.startswith("text/") or kind == "application/octet-stream") \
            or kind == "text/csv":
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    lines = [line for line in text.splitlines()[:12] if line.strip()]
    if len(head) >= 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last may be cut
    tabbed = [line for line in lines if "\t" in line.strip()]
    if lines and "\t" not in lines[0].strip():
        lines = lines[1:]  # a title above the table
    return len(tabbed) >= 2 and len(tabbed) * 3 >= len(lines) * 2


#: the text read from a gzipped upload to be screened (its size unpacked)
GZIP_SCREEN_MAX = 200 * MB
_TEXT_KINDS = ("application/json", "application/xml", "application/x-ndjson",
               "application/csv", "application/javascript", "application/x-yaml")


def _identifier_in_text(stream: Any, head: bytes, kind: str
                        ) -> Optional[tuple[int, str, str]]:
    """The first NIK or NPWP (:func:`screening.first_identifier`) in an
    uploaded text file (also gzipped), read whole; None for another file."""
    position = stream.tell()
    try:
        source: Any = stream
        limit = None
        if head.startswith(b"\x1f\x8b"):  # gzip: its content, if text
            try:
                first = gzip.GzipFile(fileobj=stream).read(65536)
            except (OSError, EOFError):
                return None
            inner = _magic_kind(first) if first else ""
            if not (inner.startswith("text/") or inner.startswith(_TEXT_KINDS)):
                return None
            stream.seek(position)
            source, limit, head = gzip.GzipFile(fileobj=stream), GZIP_SCREEN_MAX, first
        elif not (kind.startswith("text/") or kind.startswith(_TEXT_KINDS)):
            return None
        try:
            return screening.first_identifier(_text_lines(
                source, head.startswith((b"\xff\xfe", b"\xfe\xff")), limit))
        except (OSError, EOFError):  # a damaged gzip: screened as far as it reads
            return None
    finally:
        stream.seek(position)


def _text_lines(source: Any, utf16: bool, limit: Optional[int]) -> Iterator[str]:
    """The lines of a text file (UTF-16 with its mark, else UTF-8), up to
    ``limit`` bytes when given."""
    if utf16:
        yield from source.read(-1 if limit is None else limit).decode(
            "utf-16", errors="ignore").splitlines()
        return
    read = 0
    for raw in source:
        read += len(raw)
        if limit is not None and read > limit:
            return
        yield raw.decode("utf-8", errors="ignore")


def _magic_kind(data: bytes) -> str:
    """What libmagic calls the content ``data`` begins with (a MIME type)."""
    import magic

    return magic.from_buffer(data, mime=True)


def _spreadsheet_words(name: str, head: bytes, kind: str) -> Optional[str]:
    """What an uploaded table the data check cannot read is, in words; None
    for another file."""
    if head.startswith(_OLE2) and (kind == _XLS_TYPE or name.endswith(
            (".xls", ".xlsx", ".csv"))):
        return tk._("an Excel 97-2003 workbook (.xls)")
    if kind.startswith(_ODS_TYPE) or name.endswith((".ods", ".fods")):
        return tk._("an OpenDocument spreadsheet (.ods)")
    if name.endswith((".tsv", ".tab")) or kind == _TSV_TYPE \
            or not name.endswith(".csv") and _tab_separated(head, kind):
        return tk._("a tab-separated table (.tsv)")
    if name.endswith(UNCHECKED_TABLES) or kind == _XLS_TYPE:
        return tk._("a spreadsheet")
    return None


def refuse_unusable_upload(data_dict: dict[str, Any]) -> None:
    """A ``ValidationError`` on ``upload`` when the file uploaded with a
    resource is larger than ``ckan.max_resource_size``, empty, or a
    program."""
    upload = data_dict.get("upload")
    size = upload_size(upload)
    if size is None:
        return
    limit = uploader.get_max_resource_size()
    if size > limit * MB:
        raise tk.ValidationError({"upload": [tk._(
            "The file is too large: %(size)s MB, the limit is %(limit)s MB") % {
                # written as the page's language writes a number (102,1 in
                # Indonesian), rounded up (a byte over read "100 MB, the limit
                # is 100 MB")
                "size": format_decimal(math.ceil(size * 10 / MB) / 10,
                                       locale=reference.current_language()),
                "limit": limit}]})
    if size == 0:
        raise tk.ValidationError({"upload": [tk._("The file is empty")]})
    stream = getattr(upload, "stream", None) or getattr(upload, "file", None)
    position = stream.tell()
    head = stream.read(65536)
    stream.seek(position)
    name = os.path.basename(str(getattr(upload, "filename", "") or "")).lower()
    kind = _magic_kind(head)
    if kind in PROGRAM_MIMETYPES or name.endswith(PROGRAM_EXTENSIONS):
        raise tk.ValidationError({"upload": [tk._(
            "A program cannot be uploaded as data: upload a table (CSV, XLSX), a "
            "document (PDF) or another data file")]})
    if name.endswith((".csv", ".tsv")) and kind.startswith(NOT_TEXT):
        if head.startswith(b"PK") and b"xl/" in head:
            # a workbook is a table: told so, not "its content is
            # application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            raise tk.ValidationError({"upload": [tk._(
                "The file is named %(name)s but is an Excel workbook: name it .xlsx, or "
                "save it from Excel as CSV") % {"name": name}]})
        raise tk.ValidationError({"upload": [tk._(
            "The file is named %(name)s but is no table: its content is %(kind)s. Upload "
            "the table itself (CSV, XLSX)") % {"name": name, "kind": _kind_words(kind)}]})
    # an old workbook (.xls) is an OLE2 compound file (a picture renamed
    # .xls was kept as one); a new one named .xls, a zip, is a workbook too
    if name.endswith((".xlsx", ".xlsm")) and not head.startswith((b"PK", _OLE2)) or \
            name.endswith(".xls") and not head.startswith((_OLE2, b"PK")):
        raise tk.ValidationError({"upload": [tk._(
            "The file is named %(name)s but is no Excel workbook: save it again as an "
            "Excel workbook (.xlsx) or a CSV") % {"name": name}]})
    # a table the data check cannot read went on unchecked and unscreened
    # for personal data, and was published so
    what = _spreadsheet_words(name, head, kind)
    if what:
        raise tk.ValidationError({"upload": [tk._(
            "%(name)s is %(what)s: the portal checks tables, and screens them for "
            "personal data, in Excel workbooks (.xlsx) and CSV only. Save it as .xlsx "
            "or CSV and upload that") % {"name": name, "what": what}]})
    if not name.endswith((".csv", ".xlsx", ".xlsm")):
        # a file the data check does not read (a table of NIKs named .txt,
        # .json, .dat or nothing, an XML or HTML export, gzipped) went on
        # unscreened: its text is screened for citizens' identifiers here
        found = _identifier_in_text(stream, head, kind)
        if found:
            line, what, masked = found
            raise tk.ValidationError({"upload": [tk._(
                "%(name)s holds a citizen's identifier (%(kind)s, line %(line)s: "
                "%(value)s): personal data is not published. Remove it; a table goes as "
                "CSV or XLSX, which the portal checks and screens") % {
                    "name": name or "?", "kind": screening.kind_label(what),
                    "line": line, "value": masked}]})
    if head.startswith(b"PK") and _has_macros(stream):
        raise tk.ValidationError({"upload": [tk._(
            "A workbook with macros cannot be uploaded: save it as a workbook without "
            "macros (.xlsx) and upload that")]})


def _has_macros(stream: Any) -> bool:
    """Whether the zip file in ``stream`` (an Office file) holds a macro
    project (``vbaProject.bin``: a macro-enabled workbook renamed .xlsx was
    loaded and would have been served as the published data). The stream is
    left where it was."""
    position = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            return any(info.filename.lower().endswith("vbaproject.bin")
                       for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # not a zip file: the data check says what it is
    finally:
        stream.seek(position)


def slug(text: str, max_length: int = 80) -> str:
    """``text`` as a name of an address or a file: ASCII letters and digits
    joined by hyphens (``jumlah-puskesmas-2026``), ``data`` when none is left."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:max_length].strip("-") or "data"


SK_MAX_MB = 10


def sk_path(item_id: str) -> Optional[str]:
    storage = get_storage_path()
    if not storage:
        return None
    return os.path.join(storage, "satudata_private", "sk", f"{item_id}.pdf")


def _public_sk_dir() -> Optional[str]:
    """Where earlier versions kept the SKs, served by CKAN to anyone."""
    storage = get_storage_path()
    if not storage:
        return None
    return os.path.join(storage, "storage", "uploads", "satudata_sk")


def stored_sk(item_id: str) -> Optional[str]:
    """The path of an item's stored SK, None when it has none; one still at
    the old public place is moved out of it first."""
    path, public = sk_path(item_id), _public_sk_dir()
    if not path or not public:
        return None
    old = os.path.join(public, f"{item_id}.pdf")
    if os.path.exists(old):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.replace(old, path)
    return path if os.path.exists(path) else None


def read_sk(upload: Any) -> Optional[bytes]:
    """The bytes of an uploaded SK (a multipart file or bytes), checked to be
    a PDF of at most ``SK_MAX_MB`` MB; None when nothing was uploaded."""
    return read_pdf(upload, "sk_upload", too_large=tk._("The SK document may be at most %(mb)s MB"),
                    not_pdf=tk._("The SK document must be a PDF file"))


def read_pdf(upload: Any, field: str, *, too_large: str, not_pdf: str) -> Optional[bytes]:
    """The bytes of an uploaded PDF document (a multipart file or bytes) of
    at most ``SK_MAX_MB`` MB, else a ``ValidationError`` on ``field`` with
    the translated ``too_large`` (``%(mb)s``) or ``not_pdf`` message; None
    when nothing was uploaded."""
    if upload is None or upload == "":
        return None
    if isinstance(upload, (bytes, bytearray)):
        content = bytes(upload)
    else:
        if not getattr(upload, "filename", "x"):
            return None
        stream = getattr(upload, "stream", upload)
        content = stream.read(SK_MAX_MB * 1024 * 1024 + 1)
        if not content:  # a file was chosen, and it is empty: not "nothing"
            raise tk.ValidationError({field: [tk._("The file is empty")]})
    if not content:
        return None
    if len(content) > SK_MAX_MB * 1024 * 1024:
        raise tk.ValidationError({field: [too_large % {"mb": SK_MAX_MB}]})
    if not content.startswith(b"%PDF"):
        raise tk.ValidationError({field: [not_pdf]})
    return content


def _write(path: Optional[str], content: bytes, field: str) -> None:
    """Write ``content`` to ``path`` whole or not at all (a temporary file
    renamed); a ``ValidationError`` on ``field`` without a storage path."""
    if path is None:
        raise tk.ValidationError({field: [
            tk._("File uploads are not configured (ckan.storage_path)")]})
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + "~"
    with open(tmp, "wb") as out:
        out.write(content)
    os.replace(tmp, path)


def save_sk(item_id: str, content: bytes) -> str:
    """Store the PDF and return the URL that serves it."""
    _write(sk_path(item_id), content, "sk_upload")
    return tk.url_for("satudata_daftar_data.sk", item_id=item_id)


#: the portal's address of an item's SK (as ``save_sk`` gives it, and as
#: the Daftar Data's export writes it, with or without the site's address)
_SK_ADDRESS = re.compile(r"/daftar-data/([0-9a-f-]{36})/sk\.pdf$")


def sk_of_another(item_id: str, sk_url: Optional[str]) -> Optional[str]:
    """For an item whose SK link is the SK another item stores (a list
    copied into the next year by its export and import): that SK stored as
    this item's own, and the address that serves it; None otherwise. The
    link to the other's died with the other item (deleted, its SK with it)."""
    found = _SK_ADDRESS.search(sk_url or "")
    if not found or found.group(1) == item_id:
        return None
    other = stored_sk(found.group(1))
    if other is None:
        return None
    with open(other, "rb") as source:
        return save_sk(item_id, source.read())


# -- the documents of a round ---------------------------------------------------------------

def round_document_path(document_id: str) -> Optional[str]:
    storage = get_storage_path()
    if not storage:
        return None
    return os.path.join(storage, "satudata_private", "round_documents", document_id)


#: what a round document's name may end with (its content is checked too)
DOCUMENT_EXTENSIONS = frozenset({"pdf", "xlsx", "xls", "ods", "docx", "doc", "odt", "csv",
                                 "txt"})
#: a round document's file name (and default title) is at most this long
DOCUMENT_NAME_MAX = 200
def _showable(name: str) -> str:
    """``name`` without control, format and surrogate characters: a NUL
    answered 500; a right-to-left override (``s34e\u202egnp.pdf`` shows as
    ``s34epdf.png``) became the document's title on the producers' page."""
    return "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


def read_round_document(upload: Any, field: str = "upload"
                        ) -> tuple[bytes, str, str, str]:
    """``(content, mimetype, file name, safe file name)`` of a file
    uploaded to a round (the safe name, ASCII without paths, is the one it
    is downloaded under):
    ``ValidationError`` on ``field`` when nothing was uploaded, or the file
    is empty, too large or of a type not allowed."""
    # a name PostgreSQL can store and a page can show: no control
    # characters (a NUL answered 500), at most 200 characters
    # spaces of any kind as one space; a name that is only its extension
    # (".pdf", or marks dropped above) is "dokumen.pdf"
    # the last part of a path of any system ("C:\\Users\\op\\x.txt" kept the path)
    given = (getattr(upload, "filename", "") or "").replace("\\", "/")
    name = " ".join(_showable(given.rsplit("/", 1)[-1]).split())
    stem, dot, extension = name.rpartition(".")
    if dot and not stem.strip(" ."):
        stem, name = "dokumen", f"dokumen.{extension}"
    if len(name) > DOCUMENT_NAME_MAX:
        name = (stem[:DOCUMENT_NAME_MAX - len(extension) - 1] + "." + extension) \
            if dot and len(extension) <= 10 else name[:DOCUMENT_NAME_MAX]
    stream = getattr(upload, "stream", None) or getattr(upload, "file", None)
    if not name or stream is None:
        raise tk.ValidationError({field: [tk._("Choose a file to upload")]})
    if extension.lower() not in DOCUMENT_EXTENSIONS or not dot:
        raise tk.ValidationError({field: [tk._(
            "%(name)s cannot be uploaded: upload a PDF, a spreadsheet, a text document or "
            "a CSV file (.pdf, .xlsx, .xls, .ods, .docx, .doc, .odt, .csv, .txt)") % {
                "name": name}]})
    limit = tk.config.get("satudata.round_document.max_size")
    content = stream.read(limit * MB + 1)
    if not content:
        raise tk.ValidationError({field: [tk._("The file is empty")]})
    if len(content) > limit * MB:
        raise tk.ValidationError({field: [tk._(
            "The file is too large: the limit is %(limit)s MB") % {"limit": limit}]})
    mimetype = _magic_kind(content[:65536])
    if mimetype == "application/csv":
        mimetype = "text/csv"
    if mimetype not in tk.config.get("satudata.round_document.mimetypes"):
        raise tk.ValidationError({field: [tk._(
            "%(name)s cannot be uploaded: its content is not a PDF, a spreadsheet, a "
            "text document or a CSV file") % {"name": name}]})
    from werkzeug.utils import secure_filename

    # an ASCII name keeping its extension ("😀.pdf" was downloaded as "pdf")
    return content, mimetype, name, \
        f"{secure_filename(name.rpartition('.')[0]) or 'dokumen'}.{extension.lower()}"


def save_round_document(document_id: str, content: bytes) -> None:
    _write(round_document_path(document_id), content, "upload")


def delete_round_document(document_id: str) -> None:
    path = round_document_path(document_id)
    if path and os.path.exists(path):
        os.remove(path)


def berita_acara_path(decision_id: str) -> Optional[str]:
    """Where the Berita Acara (PDF) of a Forum Satu Data decision is kept:
    ``<ckan.storage_path>/satudata_private/forum/<decision id>.pdf``, outside
    the folder CKAN serves to anyone under ``/uploads``; served by
    ``/permintaan-data/forum/<id>/berita-acara.pdf`` to whoever may see one
    of the decision's requests."""
    storage = get_storage_path()
    if not storage:
        return None
    return os.path.join(storage, "satudata_private", "forum", f"{decision_id}.pdf")


def save_berita_acara(decision_id: str, content: bytes) -> None:
    _write(berita_acara_path(decision_id), content, "berita_acara")


def delete_berita_acara(decision_id: str) -> None:
    path = berita_acara_path(decision_id)
    if path and os.path.exists(path):
        os.remove(path)


# -- a revision's new file takes the place of the published one ----------------------------

_PLACES = "satudata_file_places"


def resource_path(resource_id: str) -> Optional[str]:
    """Where CKAN's uploader keeps the file of resource ``resource_id``
    (None without a storage path)."""
    upload = uploader.get_resource_uploader({"id": resource_id, "url_type": "upload"})
    if not getattr(upload, "storage_path", None):
        return None
    return upload.get_path(resource_id)


def take_place(new_id: str, resource_id: str) -> bool:
    """Store the file of ``new_id`` (a staged revision's file) as the file
    of the resource ``resource_id``, keeping its modification time (the
    data check's fingerprint). The published file is replaced at once (no
    moment without a file) and put back if the transaction rolls back; the
    staged copy and the old file are removed once it commits. False when
    ``new_id`` has no stored file."""
    source, target = resource_path(new_id), resource_path(resource_id)
    if not source or not target or not os.path.isfile(source):
        return False
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = f"{target}~{uuid.uuid4().hex}"
    shutil.copy2(source, tmp)
    old = None
    if os.path.isfile(target):
        old = f"{target}~{uuid.uuid4().hex}"
        os.link(target, old)
    os.replace(tmp, target)
    model.Session.info.setdefault(_PLACES, []).append((source, target, old, resource_id))
    return True


def took_place(resource_id: str) -> bool:
    """Whether a file took the place of the file of ``resource_id`` in the
    current transaction (:func:`take_place`): its contents changed under
    the same name."""
    return any(place[3] == resource_id for place in model.Session.info.get(_PLACES) or [])


def _remove(path: Optional[str]) -> None:
    if path:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def _places_committed(session: Any) -> None:
    for source, _target, old, _id in session.info.pop(_PLACES, None) or []:
        _remove(source)
        _remove(old)


def _places_rolled_back(session: Any) -> None:
    for _source, target, old, _id in reversed(session.info.pop(_PLACES, None) or []):
        if old:
            os.replace(old, target)
        else:
            _remove(target)


if not sa.event.contains(model.Session, "after_commit", _places_committed):
    sa.event.listen(model.Session, "after_commit", _places_committed)
    sa.event.listen(model.Session, "after_rollback", _places_rolled_back)

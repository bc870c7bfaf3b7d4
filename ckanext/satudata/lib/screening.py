# -*- coding: utf-8 -*-
"""Personal-data screening of a data table (UU 27/2022 on personal data
protection): statistical tables are published as aggregates, so a cell that
holds a citizen's identifier is a finding that blocks the table until it is
removed, or until a walidata administrator overrides the finding with a
reason.

Every cell of every column is scanned (:func:`scan`) for

* ``nik``: a population ID number (NIK): 16 digits whose first two are a
  real province code (``data/wilayah_provinces.csv``), the regency and
  district parts not ``00``, the birth date part plausible (day 01–31, or
  41–71 for women; month 01–12) and the serial not ``0000``; plain or in
  groups (``3273 0145 0690 0001``);
* ``npwp``: a tax ID number: 15 digits, plain or formatted
  ``99.999.999.9-999.999``, or the 16-digit form (a leading ``0``);
* ``phone``: an Indonesian phone number: ``+62``/``62``/``0`` then a
  mobile prefix ``8`` and 8–11 more digits (spaces, dots, dashes, en
  dashes and brackets allowed: ``(0812) 3456–7890``, ``(+62) 812 …``),
  or ``+62`` with any area code;
* ``email``: an e-mail address.

A cell is read as a reader sees it (full-width digits as digits, a NIK
exported as ``…123.0``); the header row is screened as the rows are.
A workbook's other places a downloader reads (comments, link targets, the
file's properties, sheet and range names, headers and footers, text
boxes) are screened too (:func:`scan_places`, their texts given by
:func:`.tables.workbook_places`).

A finding records the row and column (or the place) and the value
**masked** (:func:`mask`): the report never repeats the personal data it
found.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk

from . import reference
from .validation import column_letter

__all__ = ["KINDS", "scan", "scan_places", "first_identifier", "is_nik", "mask", "message",
           "kind_label", "place_label", "MAX_FINDINGS"]

KINDS = ("nik", "npwp", "phone", "email")
#: findings kept (and shown) per file; the count is always complete
MAX_FINDINGS = 200

_DIGITS16 = re.compile(r"(?<![\d.])\d{16}(?![\d.])")
#: 16 digits in groups (``3273 0145 0690 0001``, ``32.73.01.450690.0001``), not
#: inside a longer run of digits and separators
_DIGITS16_GROUPED = re.compile(r"(?<![\d.])(?<!\d[\s\-])\d(?:[\s.,\-]?\d){15}(?![\s.,\-]?\d)")
_NPWP_FORMATTED = re.compile(r"(?<!\d)\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}(?!\d)")
_DIGITS15 = re.compile(r"(?<![\d.])\d{15}(?![\d.])")
_PHONE = re.compile(r"(?<![\w+])(?:\+?62[\s.\-]?|0)8\d(?:[\s.\-]?\d){7,10}(?![\d])"
                    r"|(?<![\w+])\+62[\s.\-]?\(?\d{2,3}\)?(?:[\s.\-]?\d){5,8}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
#: a cell worth looking at: a run of 10 digits (with separators) or an @
_SUSPECT = re.compile(r"\d[\d\s.,\-\u2013()]{9,}|@")
#: a phone number's brackets and en dashes, as it is matched
_PHONE_MARKS = str.maketrans({"(": None, ")": None, "\u2013": "-"})
#: a 16-digit identifier exported as a decimal number
_AS_DECIMAL = re.compile(r"^(\d{15,16})\.0+$")


@functools.lru_cache(maxsize=1)
def _provinces() -> frozenset[str]:
    return frozenset(c.code for c in reference.codes(reference.WILAYAH)
                     if c.level == "province")


def is_nik(digits: str) -> bool:
    """Whether 16 digits are a plausible NIK (see the module docstring)."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    day, month = int(digits[6:8]), int(digits[8:10])
    return (digits[:2] in _provinces() and digits[2:4] != "00" and digits[4:6] != "00"
            and (1 <= day <= 31 or 41 <= day <= 71) and 1 <= month <= 12
            and digits[12:] != "0000")


def mask(value: str) -> str:
    """``value`` with all but its first two and last two characters (of an
    e-mail address: of its local part, the domain is kept) replaced by
    ``*``."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return (local[:1] + "*" * max(len(local) - 1, 1)) + "@" + domain
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "".join("*" if ch.isalnum() else ch for ch in value[2:-2]) + value[-2:]


def _cell_findings(text: str) -> list[tuple[str, str]]:
    text = unicodedata.normalize("NFKC", text).strip()
    text = _AS_DECIMAL.sub(r"\1", text)
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, match: re.Match[str]) -> None:
        span = match.span()
        if any(s < span[1] and span[0] < e for s, e in taken):
            return
        taken.append(span)
        found.append((kind, match.group(0)))

    for m in _DIGITS16.finditer(text):
        if is_nik(m.group(0)):
            add("nik", m)
        elif m.group(0).startswith("0"):
            add("npwp", m)
    for m in _DIGITS16_GROUPED.finditer(text):
        if is_nik(re.sub(r"\D", "", m.group(0))):
            add("nik", m)
    for m in _NPWP_FORMATTED.finditer(text):
        add("npwp", m)
    for m in _DIGITS15.finditer(text):
        add("npwp", m)
    digits_found = [re.sub(r"\D", "", value) for _kind, value in found]
    for m in _PHONE.finditer(text.translate(_PHONE_MARKS)):
        digits = re.sub(r"\D", "", m.group(0))
        if not any(digits in other for other in digits_found):  # part of a NIK, an NPWP
            found.append(("phone", m.group(0)))
    for m in _EMAIL.finditer(text):
        add("email", m)
    return found


def first_identifier(lines: Iterable[str]) -> Optional[tuple[int, str, str]]:
    """The first citizen's identifier (a NIK, an NPWP) in the lines of a
    text file that is no table the data check reads (a list of NIKs named
    .txt, a JSON or XML export): ``(line number, kind, masked value)``, or
    None. Phone numbers and e-mail addresses are left: a document's contact
    is no finding."""
    for number, line in enumerate(lines, start=1):
        for kind, value in _cell_findings(line):
            if kind in ("nik", "npwp"):
                return number, kind, mask(value)
    return None


def scan(labels: list[str], rows: Iterable[list[Any]]) -> tuple[list[dict[str, Any]], int]:
    """The personal data in a table's cells: ``(findings, finding_count)``,
    at most :data:`MAX_FINDINGS` findings in row and column order, each
    ``{"kind", "row", "column", "letter", "field", "masked"}`` (row as a
    spreadsheet numbers it: the header is row 1)."""
    findings: list[dict[str, Any]] = []
    count = 0
    suspect = _SUSPECT.search

    def numbered() -> Iterable[tuple[int, list[Any]]]:
        yield 1, labels  # the header row, which a downloader reads too
        yield from enumerate(rows, start=2)

    for number, row in numbered():
        if not suspect("\x1f".join(row)):  # one search per row: most rows hold nothing
            continue
        for position, cell in enumerate(row, start=1):
            if not cell or not suspect(cell):
                continue
            for kind, value in _cell_findings(cell):
                count += 1
                if len(findings) < MAX_FINDINGS:
                    label = labels[position - 1] if position <= len(labels) else ""
                    findings.append({"kind": kind, "row": number, "column": position,
                                     "letter": column_letter(position),
                                     "field": label[:40], "masked": mask(value)})
    return findings, count


def scan_places(places: Iterable[tuple[str, str]]) -> tuple[list[dict[str, Any]], int]:
    """The personal data in a workbook's places other than its cells
    (``(place, text)`` pairs, :func:`.tables.workbook_places`): findings as
    :func:`scan`'s, each with its ``place`` instead of a row and column."""
    findings: list[dict[str, Any]] = []
    count = 0
    for place, text in places:
        if not text or not _SUSPECT.search(text):
            continue
        for kind, value in _cell_findings(text):
            count += 1
            if len(findings) < MAX_FINDINGS:
                findings.append({"kind": kind, "place": place, "masked": mask(value)})
    return findings, count


def place_label(place: str) -> str:
    """Where in a workbook, in the current language."""
    return {"comment": tk._("a comment"), "link": tk._("a link's address"),
            "properties": tk._("the file's properties (author, title…)"),
            "names": tk._("a sheet or range name"),
            "header_footer": tk._("a page header or footer"),
            "drawing": tk._("a text box or shape")}.get(place, place)


def kind_label(kind: str) -> str:
    labels = {"nik": tk._("a NIK (population ID number)"),
              "npwp": tk._("an NPWP (tax ID number)"),
              "phone": tk._("a phone number"),
              "email": tk._("an e-mail address")}
    return labels.get(kind, kind)


def message(finding: dict[str, Any]) -> str:
    """A finding in the current language, with its row, column (or place)
    and masked value."""
    if finding.get("place"):
        return tk._("In %(place)s: looks like %(kind)s (%(masked)s)") % {
            "place": place_label(finding["place"]),
            "kind": kind_label(finding.get("kind", "")), "masked": finding.get("masked", "")}
    return tk._("Row %(row)s, column %(letter)s \"%(name)s\": looks like %(kind)s "
                "(%(masked)s)") % {
        "row": finding.get("row"), "letter": finding.get("letter", ""),
        "name": finding.get("field", ""), "kind": kind_label(finding.get("kind", "")),
        "masked": finding.get("masked", "")}

# -*- coding: utf-8 -*-
"""Reference code lists (kode referensi) shipped in ``ckanext/satudata/data``.

Every list is static package data: it is read once per process and kept in
memory. A code has an Indonesian and an English label; ``wilayah`` codes also
carry their parent (the province of a kabupaten/kota) and ``urusan`` codes
their group (wajib pelayanan dasar, wajib non-pelayanan dasar, pilihan,
penunjang). The sources and licences of the files are in ``data/README.md``.
"""
from __future__ import annotations

import csv
import functools
import json
import os
from dataclasses import dataclass
from typing import Any, Iterable

import ckan.plugins.toolkit as tk

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
LANGUAGES = ("id", "en")

WILAYAH = "wilayah"
URUSAN = "urusan"
#: the small lists of ``data/code_lists.csv``
SIMPLE_LISTS = (
    "frequency", "data_status", "collection_method", "presentation_level",
    "data_type", "yes_no", "sdgs", "urusan_group",
)
LIST_NAMES = (WILAYAH, URUSAN, *SIMPLE_LISTS)


class UnknownCodeList(KeyError):
    """Raised for a code list name that does not exist."""


@dataclass(frozen=True)
class Code:
    """One entry of a code list."""

    code: str
    label_id: str
    label_en: str
    #: ``wilayah``: the province code of a kabupaten/kota; ``urusan``: its group
    parent: str = ""
    #: ``wilayah``: ``province`` or ``regency``
    level: str = ""

    def label(self, lang: str | None = None) -> str:
        """The label in ``lang`` (``id`` or ``en``; the portal language when omitted)."""
        return self.label_en if _lang(lang) == "en" else self.label_id

    def as_dict(self, lang: str | None = None) -> dict[str, str]:
        return {"code": self.code, "label": self.label(lang),
                "label_id": self.label_id, "label_en": self.label_en,
                "parent": self.parent, "level": self.level}


def current_language() -> str:
    """``id`` or ``en``: the language of the current request, otherwise the
    portal's default locale (scheming labels are given in these two)."""
    lang = None
    try:
        from flask import has_request_context
        if has_request_context():
            lang = tk.h.lang()
    except (RuntimeError, AttributeError, TypeError):
        lang = None
    return _lang(lang or tk.config.get("ckan.locale_default") or "id")


def _lang(lang: str | None) -> str:
    if lang is None:
        return current_language()
    return "en" if lang.lower().startswith("en") else "id"


def _read_csv(file_name: str) -> list[dict[str, str]]:
    with open(os.path.join(DATA_DIR, file_name), encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


@functools.lru_cache(maxsize=None)
def _simple_lists() -> dict[str, tuple[Code, ...]]:
    lists: dict[str, list[Code]] = {name: [] for name in SIMPLE_LISTS}
    for row in _read_csv("code_lists.csv"):
        lists[row["list"]].append(Code(row["code"], row["label_id"], row["label_en"]))
    return {name: tuple(codes) for name, codes in lists.items()}


@functools.lru_cache(maxsize=None)
def _wilayah() -> tuple[Code, ...]:
    """Provinces and kabupaten/kota in code order, each province followed
    by its kabupaten/kota (the codes sort that way: ``64`` < ``64.01``)."""
    codes = [Code(r["code"], r["name"], r["name"], level="province")
             for r in _read_csv("wilayah_provinces.csv")]
    codes += [Code(r["code"], r["name"], r["name"], parent=r["province_code"], level="regency")
              for r in _read_csv("wilayah_regencies.csv")]
    return tuple(sorted(codes, key=lambda c: c.code))


@functools.lru_cache(maxsize=None)
def _urusan() -> tuple[Code, ...]:
    return tuple(Code(r["code"], r["label_id"], r["label_en"], parent=r["group"])
                 for r in _read_csv("urusan_pemerintahan.csv"))


def codes(list_name: str) -> tuple[Code, ...]:
    """All codes of a list, in their reference order."""
    if list_name == WILAYAH:
        return _wilayah()
    if list_name == URUSAN:
        return _urusan()
    try:
        return _simple_lists()[list_name]
    except KeyError:
        raise UnknownCodeList(list_name) from None


@functools.lru_cache(maxsize=None)
def _index(list_name: str) -> dict[str, Code]:
    return {c.code: c for c in codes(list_name)}


def get(list_name: str, code: Any) -> Code | None:
    """The entry of ``code`` in the list, or None when it is not a valid code."""
    if code is None:
        return None
    return _index(list_name).get(str(code).strip())


#: how the workbooks show a code beside its label ("annual — Tahunan")
SEPARATOR = " — "


@functools.lru_cache(maxsize=None)
def _by_label(list_name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in codes(list_name):
        for text in (entry.label_en, entry.label_id):
            if text:
                found[text.strip().lower()] = entry.code
    return found


def parse_code(list_name: str, text: Any) -> str:
    """The code of what a spreadsheet cell holds: ``code — label`` (or
    ``code - label``), a bare code or a label in either language, any case;
    e.g. ``parse_code("frequency", "Tahunan") == "annual"``. An unknown text
    is returned as is (stripped), for the validators to refuse."""
    text = str(text).strip()
    if is_valid(list_name, text):
        return text
    head = text
    for sep in (SEPARATOR, " - ", " – "):
        if sep in text:
            head = text.split(sep, 1)[0].strip()
            break
    if is_valid(list_name, head):
        return head
    return _by_label(list_name).get(text.lower(), text)


def parse_codes(list_name: str, text: Any) -> list[str]:
    """Several codes in one cell, separated by ``;`` or line breaks
    (:func:`parse_code` each)."""
    parts = (part.strip() for part in str(text).replace("\n", ";").split(";"))
    return [parse_code(list_name, part) for part in parts if part]


def is_valid(list_name: str, code: Any) -> bool:
    return get(list_name, code) is not None


def label(list_name: str, code: Any, lang: str | None = None) -> str:
    """The label of ``code``; the code itself when it is not in the list."""
    entry = get(list_name, code)
    return entry.label(lang) if entry else ("" if code is None else str(code))


def labels(list_name: str, values: Iterable[Any] | str | None,
           lang: str | None = None) -> list[str]:
    """Labels of one code or several (a list or a JSON list string)."""
    return [label(list_name, v, lang) for v in as_code_list(values)]


def as_code_list(values: Any) -> list[str]:
    """A list of code strings from a list, a JSON list string, one code or a
    bool (``"true"``/``"false"`` of the ``yes_no`` list)."""
    if values is None or values == "":
        return []
    if isinstance(values, bool):  # the yes_no list (data prioritas flag)
        return ["true" if values else "false"]
    if isinstance(values, str):
        text = values.strip()
        if text.startswith("["):
            try:
                values = json.loads(text)
            except ValueError:
                return [text]
        else:
            return [text]
    if isinstance(values, (list, tuple, set)):
        return [str(v).strip() for v in values if v is not None and str(v).strip()]
    return [str(values)]


def wilayah_label(code: Any, lang: str | None = None, with_province: bool = True) -> str:
    """``Kota Balikpapan, Kalimantan Timur`` for a kabupaten/kota code."""
    entry = get(WILAYAH, code)
    if entry is None:
        return "" if code is None else str(code)
    if with_province and entry.parent:
        province = get(WILAYAH, entry.parent)
        if province:
            return f"{entry.label(lang)}, {province.label(lang)}"
    return entry.label(lang)


def option_label(list_name: str, entry: Code, lang: str) -> str:
    """The text of a code in a select list: what users search for."""
    if list_name == WILAYAH:
        return f"{wilayah_label(entry.code, lang)} ({entry.code})"
    if list_name == URUSAN:
        return f"{entry.code} {entry.label(lang)}"
    return entry.label(lang)


@functools.lru_cache(maxsize=None)
def scheming_choices(list_name: str) -> list[dict[str, Any]]:
    """The list as ckanext-scheming ``choices``: ``{"value", "label": {"id", "en"}}``."""
    return [{"value": c.code,
             "label": {lang: option_label(list_name, c, lang) for lang in LANGUAGES}}
            for c in codes(list_name)]


def search(list_name: str, q: str = "", parent: str | None = None,
           level: str | None = None, limit: int | None = None) -> list[Code]:
    """Codes whose code or label (either language) contains ``q``,
    optionally only the children of ``parent`` or one ``level``."""
    needle = q.strip().lower()
    found = []
    for c in codes(list_name):
        if parent is not None and c.parent != parent:
            continue
        if level is not None and c.level != level:
            continue
        if needle and not (needle in c.code.lower() or needle in c.label_id.lower()
                           or needle in c.label_en.lower()):
            continue
        found.append(c)
        if limit is not None and len(found) >= limit:
            break
    return found


def list_title(list_name: str) -> str:
    """Translated name of a list, for messages."""
    titles = {
        WILAYAH: tk._("region codes (Kemendagri)"),
        URUSAN: tk._("government affairs"),
        "frequency": tk._("update frequencies"),
        "data_status": tk._("data statuses"),
        "collection_method": tk._("collection methods"),
        "presentation_level": tk._("presentation levels"),
        "data_type": tk._("data types"),
        "yes_no": tk._("yes/no values"),
        "sdgs": tk._("SDG goals"),
        "urusan_group": tk._("groups of government affairs"),
    }
    if list_name not in titles:
        raise UnknownCodeList(list_name)
    return titles[list_name]

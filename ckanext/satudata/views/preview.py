# -*- coding: utf-8 -*-
"""The table preview (CKAN's datatablesview, DataTables in the browser).

- ``/satudata/datatables/<lang>.json``: its translation with the numbers
  written as the language writes them. The file ckanext-datatablesview
  ships for Indonesian groups thousands with ``'`` (the preview's page
  sizes read "1'000"): the same file, with the thousands and decimal
  symbols of the language (Babel's), ``1.000`` in Indonesian.
- its rows as DataTables reads a column's name: a dot (or ``[…]`` at the
  end of a part) is a path into the row to DataTables, so the column
  "Rasio per 30.000 penduduk" showed empty on every row, its values in the
  DataStore (:func:`rows_readable_by_column_name`)."""
from __future__ import annotations

import json
import os
import re
from typing import Any, Optional

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Blueprint, Response, request

import ckan.plugins.toolkit as tk

satudata_preview = Blueprint("satudata_preview", __name__)


def _shipped(lang: str) -> str | None:
    """ckanext-datatablesview's own translation file of ``lang``, if any."""
    import ckanext.datatablesview as datatablesview

    path = os.path.join(os.path.dirname(datatablesview.__file__), "public", "datatablesview",
                        "i18n", f"{lang}.json")
    return path if os.path.isfile(path) else None


@satudata_preview.route("/satudata/datatables/<lang>.json")
def language(lang: str) -> Any:
    path = _shipped(lang) if lang.replace("_", "").replace("-", "").isalnum() else None
    if path is None:
        return tk.abort(404, tk._("Not found"))
    with open(path, encoding="utf-8") as f:
        strings = json.load(f)
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = None
    if locale is not None:
        strings["thousands"] = get_group_symbol(locale)
        strings["decimal"] = get_decimal_symbol(locale)
    response = Response(json.dumps(strings, ensure_ascii=False),
                        mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


#: DataTables' array notation at the end of a part of a path ("[, ]")
_ARRAY = re.compile(r"\[.*?\]$")


def _path_value(parts: list[str], value: Any) -> Optional[Any]:
    """What DataTables reads ``value`` from along ``parts`` (a column's
    name split at its dots), or None when it cannot (a part calling a
    function, "()")."""
    head, rest = parts[0], parts[1:]
    if head.endswith("()"):
        return None
    array = _ARRAY.search(head)
    key = head[:array.start()] if array else head
    inner = _path_value(rest, value) if rest else value
    if inner is None and rest:
        return None
    if array:
        inner = [inner]  # one item: DataTables joins it with the brackets' text
    return {key: inner} if key else None


def _merged(row: dict[str, Any], addition: dict[str, Any]) -> None:
    """``addition`` into ``row`` without replacing what a column of that
    name holds (a column named "Rasio per 30" keeps its value)."""
    for key, value in addition.items():
        if key not in row:
            row[key] = value
        elif isinstance(row[key], dict) and isinstance(value, dict):
            _merged(row[key], value)


#: the names DataTables reads from a row as its own (``DT_RowAttr``: the
#: row's attributes, an event handler among them; ``DT_RowClass``,
#: ``DT_RowData``, ``DT_RowId``): never made from a column's name
_DATATABLES_OWN = "DT_"


def readable_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with its dotted columns' values where DataTables looks for
    them too, but under DataTables' own names (a column "DT_RowAttr.
    onmouseover" became the row's event handler: a script in every
    preview of that table)."""
    for row in rows:
        for name in [k for k in row if isinstance(k, str) and ("." in k or _ARRAY.search(k))
                     and not k.startswith(_DATATABLES_OWN)]:
            parts = re.findall(r"(?:\\.|[^.])+", name) or [""]
            # ("No.": its last dot read as one more part, and the column empty)
            placed = _path_value(parts, row[name]) \
                if parts != [name] or _ARRAY.search(name) else None
            if placed:
                _merged(row, placed)
    return rows


@satudata_preview.after_app_request
def rows_readable_by_column_name(response: Any) -> Any:
    """The preview's rows (``datatablesview.ajax``) readable by DataTables
    whatever the columns' names (see the module docstring)."""
    if request.endpoint != "datatablesview.ajax" or response.status_code != 200:
        return response
    try:
        body = json.loads(response.get_data(as_text=True))
    except ValueError:
        return response
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        body["data"] = readable_rows([r for r in body["data"] if isinstance(r, dict)])
        response.set_data(json.dumps(body))
    return response

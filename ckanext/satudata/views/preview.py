# -*- coding: utf-8 -*-
"""``/satudata/datatables/<lang>.json``: the table preview's (DataTables)
translation with the numbers written as the language writes them. The file
ckanext-datatablesview ships for Indonesian groups thousands with ``'``
(the preview's page sizes read "1'000"): the same file, with the thousands
and decimal symbols of the language (Babel's), ``1.000`` in Indonesian."""
from __future__ import annotations

import json
import os
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Blueprint, Response

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

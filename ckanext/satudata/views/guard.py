# -*- coding: utf-8 -*-
"""A guard in front of every page and API call: an address, a query
argument or a form field carrying a NUL byte (or another control character,
or a lone surrogate) cannot be looked up or stored in PostgreSQL, and CKAN's
views and ours would answer it with an HTTP 500. It is refused here with a
400 and a translated message, before any view runs."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from flask import Blueprint, request

import ckan.plugins.toolkit as tk

from ..logic.validators import bad_text_message

satudata_guard = Blueprint("satudata_guard", __name__)


def _first_bad(values: Iterable[str]) -> Optional[str]:
    for value in values:
        message = bad_text_message(value)
        if message:
            return message
    return None


@satudata_guard.before_app_request
def refuse_unstorable_text() -> Any:
    texts = [request.path]
    sources = [request.args] + ([request.form] if request.method == "POST" else [])
    for source in sources:
        for key, values in source.lists():
            texts.append(key)
            texts.extend(v for v in values if isinstance(v, str))
    message = _first_bad(texts)
    if message:
        return tk.abort(400, message)
    return None

# -*- coding: utf-8 -*-
"""A guard in front of every page and API call: an address, a query
argument, a form field or a field of an API call's JSON body carrying a NUL
byte (or another control character, or a lone surrogate) cannot be looked
up or stored in PostgreSQL, and CKAN's views and actions, ours too, would
answer it with an HTTP 500. It is refused here with a translated message
before any view runs: a page with a 400, an API call as CKAN's API refuses
(JSON, 409 for a field's value, 400 for the address or a name)."""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Optional

from flask import Blueprint, jsonify, make_response, request

import ckan.plugins.toolkit as tk

from ..logic.validators import bad_value_message

satudata_guard = Blueprint("satudata_guard", __name__)


def _first_bad(entries: Iterable[tuple[Optional[str], Any]]
               ) -> tuple[Optional[str], Optional[str]]:
    """The first ``(field, message)`` of the entries whose value cannot be
    stored (``field`` None: the address or a name), or ``(None, None)``."""
    for field, value in entries:
        message = bad_value_message(value)
        if message:
            return field, message
    return None, None


def _entries(api: bool) -> Iterator[tuple[Optional[str], Any]]:
    """``(field, value)``: the address, then the names and values of the
    query arguments, of a POST's form fields and of an API call's JSON body."""
    yield None, request.path
    sources = [request.args] + ([request.form] if request.method == "POST" else [])
    for source in sources:
        for key, values in source.lists():
            yield None, key
            yield from ((key, v) for v in values if isinstance(v, str))
    if api and request.method == "POST" and request.is_json:
        body = request.get_json(silent=True)  # parsed once: CKAN reads the cached copy
        for key, value in body.items() if isinstance(body, dict) else ():
            yield None, key
            yield key, value


@satudata_guard.before_app_request
def refuse_unstorable_text() -> Any:
    api = request.path.startswith("/api/")
    field, message = _first_bad(_entries(api))
    if not message:
        return None
    if api:
        return _api_error(field, message)
    return tk.abort(400, message)


def _api_error(field: Optional[str], message: str) -> Any:
    """The API answers as CKAN's own API does: a field's value is a
    validation error (409), a bad address or name a bad request (400)."""
    if field is not None:
        status, error = 409, {"__type": "Validation Error", field: [message]}
    else:
        status, error = 400, {"__type": "Bad request",
                              "message": "{} - {}".format(tk._("Bad request"), message)}
    body: dict[str, Any] = {"success": False, "error": error}
    action = request.view_args.get("logic_function") if request.view_args else None
    if action and request.url_rule is not None and request.url_rule.endpoint == "api.action":
        body["help"] = tk.url_for("api.action", logic_function="help_show", ver=3,
                                  name=action, _external=True)
    return make_response(jsonify(body), status)

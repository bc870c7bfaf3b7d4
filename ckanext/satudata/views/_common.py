# -*- coding: utf-8 -*-
"""What the satudata blueprints share: the user's context, calling an action
with its refusals turned into 403/404/400 pages, the page number, file
downloads and validation errors as flash messages."""
from __future__ import annotations

import base64
from typing import Any, Callable, Optional

from flask import Response

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ..lib import roles
from ..lib.states import State, state_labels

PAGE_SIZE = 50
MAX_PAGE = 10_000


def context() -> Context:
    """The context of an action called by a page (:func:`roles.web_context`)."""
    return roles.web_context()  # type: ignore[return-value]


def call(action: str, data: dict[str, Any]) -> Any:
    """Call an action, turning NotAuthorized/ObjectNotFound/ValidationError
    into a 403/404/400 page: bad query arguments or ids never give a 500."""
    try:
        return tk.get_action(action)(context(), data)
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError) as e:
        return _refusal_page(e)


def _refusal_page(error: Exception) -> Any:
    """The 403/404/400 page of an action's refusal (:func:`call`)."""
    if isinstance(error, tk.NotAuthorized):
        return tk.abort(403, tk._("Not authorized to see this page"))
    if isinstance(error, tk.ObjectNotFound):
        return tk.abort(404, str(error) or tk._("Not found"))
    assert isinstance(error, tk.ValidationError)
    if error.error_dict == {"id": [tk._("Not found")]}:
        # an address's id too long to be one: not found, as any unknown
        # one (it answered 400, and only to some roles)
        return tk.abort(404, tk._("Not found"))
    return tk.abort(400, "; ".join(error_list(error)) or tk._("Invalid request"))


def call_filtered(action: str, filters: dict[str, Any],
                  data: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """A list's action with the page's ``filters`` (and ``data``): a filter
    it refuses (a year typed "2O61") is said above the list and left out,
    where :func:`call` answered a bare 400 page (the list, the form and
    what was typed gone); other refusals as :func:`call`. The result and
    the filters it used."""
    try:
        return tk.get_action(action)(context(), {**filters, **data}), filters
    except tk.ValidationError as e:
        refused = set(e.error_dict)
        if not refused or not refused <= set(filters):
            return _refusal_page(e), filters
        for message in error_list(e):
            tk.h.flash_error(message)
        used = {key: value for key, value in filters.items() if key not in refused}
        return call(action, {**used, **data}), used
    except (tk.NotAuthorized, tk.ObjectNotFound) as e:
        return _refusal_page(e), filters


def confirmed() -> bool:
    """Whether the form's confirmation checkbox is ticked (``confirm``: a
    checkbox sends 1; ``0``, ``false`` or ``no`` typed into a posted form
    are no confirmation)."""
    return str(tk.request.form.get("confirm", "")).strip().lower() in ("1", "on", "true", "yes")


def page_number() -> int:
    """The ``page`` query argument (1 when absent); a 400 page when it is not
    a whole number from 1 to :data:`MAX_PAGE`."""
    value = tk.request.args.get("page", "1")
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGE:
        return tk.abort(400, tk._("The page must be a whole number from 1 to %(max)s")
                        % {"max": MAX_PAGE})
    return int(value)


def can(action: str, data: Optional[dict[str, Any]] = None) -> bool:
    try:
        tk.check_access(action, context(), data or {})
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def args(*names: str) -> dict[str, Any]:
    return {n: tk.request.args.get(n) for n in names if tk.request.args.get(n)}


def file_response(result: dict[str, Any]) -> Response:
    """A file an action gave (a letter, a round's document, an export): for
    the user who asked only. CKAN marks a response ``public`` (cacheable by
    shared proxies, keyed by cookie only) unless the request says
    ``__no_cache__``: a file is never kept for another user."""
    tk.request.environ["__no_cache__"] = True
    return Response(base64.b64decode(result["content"]), mimetype=result["mimetype"],
                    headers={"Content-Disposition":
                             f'attachment; filename="{result["filename"]}"'})


def error_list(error: tk.ValidationError, labels: Optional[dict[str, str]] = None
               ) -> list[str]:
    """The messages of a validation error for flashing, prefixed with the
    label of their field in the reader's language (a dataset field's label
    from the schema, ``labels`` of the form's own fields) unless the
    message names it; a message of another field speaks for itself (the
    field's key, "release_at: …", meant nothing to the reader)."""
    from ..lib import review

    labels = {**review.field_labels(), **_form_labels(), **(labels or {})}
    messages = []
    for field, errors in (error.error_dict or {}).items():
        label = labels.get(field)
        for message in errors if isinstance(errors, list) else [errors]:
            named = not label or label.lower() in str(message).lower()
            messages.append(str(message) if named else f"{label}: {message}")
    return messages


def _form_labels() -> dict[str, str]:
    """The labels of the fields of the workflow's forms."""
    return {"release_at": tk._("Release time"), "user": tk._("User"), "role": tk._("Role"),
            "title": tk._("Title"), "owner_org": tk._("OPD"), "year": tk._("Year"),
            "start_date": tk._("Start date"), "meeting_date": tk._("Meeting date"),
            "decision": tk._("Decision"), "reason": tk._("Reason"),
            "package_id": tk._("Dataset"), "period": tk._("Period"),
            "description": tk._("Description"), "q": tk._("Search words"), "state": tk._("Status")}


def organization_list() -> list[dict[str, Any]]:
    """The organizations for the OPD filters and selects: id, name, title
    and display name, by title. One query (``organization_list`` with
    ``all_fields`` runs ``organization_show`` for each organization: two
    thirds of the queue page's time with 20 OPDs)."""
    found = tk.get_action("organization_autocomplete")(context(), {"q": "", "limit": 1000})
    for org in found:
        org["display_name"] = org["title"] or org["name"]
    return sorted(found, key=lambda org: (org["display_name"].lower(), org["name"]))


def organization_options(blank: Optional[str] = None) -> list[dict[str, str]]:
    """The organizations as options of a form's select (name, title), after
    an empty option labelled ``blank`` when given."""
    options = [{"value": "", "text": blank}] if blank is not None else []
    return options + [{"value": org["name"], "text": org.get("display_name") or org["name"]}
                      for org in organization_list()]


def states() -> list[dict[str, str]]:
    labels = state_labels()
    return [{"value": s.value, "text": labels[s]} for s in State]


def save(action: str, data: dict[str, Any], *, forbidden: str, not_found: str,
         readable: Optional[tuple[str, dict[str, Any]]] = None
         ) -> tuple[Optional[Any], dict[str, Any]]:
    """Call the action of a form: ``(result, {})``, or ``(None, errors)``
    for the form to show at its fields; a refusal or an unknown id is a
    403/404 page with the given message. ``readable`` (an auth function and
    its data): the refusal of a user who still passes it is the form's
    ``step`` error, with its reason (what the form acts on moved on since
    the page was shown), not a 403 page."""
    try:
        return tk.get_action(action)(context(), data), {}
    except tk.NotAuthorized as error:
        if readable is not None and can(*readable):
            return None, {"step": [str(error)]}
        return tk.abort(403, forbidden), {}
    except tk.ObjectNotFound:
        return tk.abort(404, not_found), {}
    except tk.ValidationError as e:
        return None, dict(e.error_dict or {})


def post(action: str, data: dict[str, Any], done: str | Callable[[Any], str], *,
         not_found: str, forbidden: Optional[str] = None) -> Any:
    """Call the action of a button: flash ``done`` (formatted with the
    result; or what it gives for the result, e.g. a plural) or the
    validation errors; a refusal or an unknown id is a
    403/404 page. Returns the action's result (True for an action that
    answers nothing, None when refused)."""
    try:
        result = tk.get_action(action)(context(), data)
    except tk.NotAuthorized:
        tk.abort(403, forbidden or tk._("Not authorized to see this page"))
    except tk.ObjectNotFound:
        tk.abort(404, not_found)
    except tk.ValidationError as e:
        for message in error_list(e):
            tk.h.flash_error(message)
    else:
        tk.h.flash_success(done(result) if callable(done)
                           else done % result if isinstance(result, dict) and "%(" in done
                           else done)
        return True if result is None else result
    return None

# -*- coding: utf-8 -*-
"""Template helpers, registered by ``tk.blanket.helpers``."""
from __future__ import annotations

from typing import Any as _Any, Optional as _Optional

import ckan.plugins.toolkit as _tk

from . import roles
from .lib import dates as _dates
from . import metadata_helpers
from .metadata_helpers import *  # noqa: F401,F403  (issue B: metadata schema)
from . import dissemination_helpers
from .dissemination_helpers import *  # noqa: F401,F403  (issue D: dissemination)

__all__ = ["satudata_approval_chain", "satudata_is_walidata_staff"]
__all__ += ["satudata_returned_notes"]  # the review loop on screen
__all__ += metadata_helpers.__all__
__all__ += dissemination_helpers.__all__


def satudata_approval_chain() -> list[str]:
    return roles.approval_chain()


def satudata_is_walidata_staff(user_name: str | None) -> bool:
    return roles.is_walidata_staff(user_name)


# -- portal pages: dates, home page, "waiting for me" (issue G, helper H) ---------

__all__ += ["render_datetime", "satudata_waiting_for_me", "satudata_home_facts",
            "satudata_upcoming_releases"]


@_tk.chained_helper
def render_datetime(next_helper: _Any, datetime_: _Any, date_format: _Optional[str] = None,
                    with_hours: bool = False, with_seconds: bool = False) -> str:
    """CKAN's ``h.render_datetime`` in the portal's one format: ``1 Desember
    2026``, with the time ``1 Desember 2026 22.53 WIB`` (see
    :mod:`.lib.dates`). An explicit ``date_format`` keeps CKAN's behaviour."""
    if date_format:
        return next_helper(datetime_, date_format, with_hours, with_seconds)
    try:
        locale = _tk.h.lang() or _tk.config.get("ckan.locale_default")
    except (RuntimeError, AttributeError, KeyError):  # outside a request
        locale = _tk.config.get("ckan.locale_default")
    return _dates.format_datetime(datetime_, locale, _tk.h.get_display_timezone(),
                                  with_hours=with_hours, with_seconds=with_seconds)


def satudata_waiting_for_me(limit: int = 0) -> _Optional[dict[str, _Any]]:
    """The data requests waiting for something the current user can do (the
    "waiting for me" queue of ``satudata_request_list``), soonest deadline
    first: ``{"count", "results"}`` with at most ``limit`` results; None
    for a user who may not see data requests. Computed once per page."""
    if not _tk.current_user.is_authenticated:
        return None
    cache = _tk.g.setdefault("_satudata_waiting_for_me", {})
    if limit not in cache:
        context = {"user": _tk.current_user.name}
        try:
            cache[limit] = _tk.get_action("satudata_request_list")(
                context, {"actionable": True, "limit": limit, "sort": "due_date"})
        except _tk.NotAuthorized:
            cache[limit] = None
    return cache[limit]


def satudata_home_facts(organization_limit: int = 1000) -> dict[str, _Any]:
    """What the home page counts, from public data only (an anonymous
    search, so nothing private, draft or archived): the number of
    ``datasets``, of OPD publishing (``organizations``), of government
    affairs covered (``affairs``), and every OPD with its number of public
    datasets (``opd_list``). Two queries: one search with facets and the
    list of organizations."""
    search = _tk.get_action("package_search")(
        {"ignore_auth": True, "user": ""}, {  # type: ignore[arg-type]
            "q": "*:*", "rows": 0, "include_private": False,
            "facet.field": ["organization", "vocab_government_affairs"],
            "facet.limit": -1})
    facets = search.get("facets") or {}
    counts = {name: n for name, n in (facets.get("organization") or {}).items() if n}
    affairs = [name for name, n in (facets.get("vocab_government_affairs") or {}).items() if n]
    organizations = _tk.get_action("organization_list")(
        {"ignore_auth": True, "user": ""}, {  # type: ignore[arg-type]
            "all_fields": True, "limit": organization_limit, "sort": "title asc",
            "include_dataset_count": False, "include_extras": False,
            "include_users": False, "include_groups": False, "include_tags": False})
    opd_list = [{"name": o["name"], "title": o.get("title") or o["name"],
                 "image_url": o.get("image_display_url") or "",
                 "datasets": counts.get(o["name"], 0)} for o in organizations]
    return {"datasets": search.get("count", 0), "organizations": len(counts),
            "affairs": len(affairs), "opd_list": opd_list}


def satudata_upcoming_releases(limit: int = 5) -> list[dict[str, _Any]]:
    """The next scheduled releases of the public release calendar (titles,
    OPD and time only, as the calendar shows them)."""
    try:
        return _tk.get_action("satudata_release_calendar")(
            {"user": ""}, {"limit": limit})["results"]  # type: ignore[arg-type]
    except _tk.NotAuthorized:
        return []


def satudata_returned_notes(package_id: str | None) -> dict | None:
    """The reason and labelled per-field notes of the latest return of the
    request of this dataset, while it is returned and the current user may
    see the request (for the edit form); None otherwise."""
    import ckan.plugins.toolkit as tk

    from .lib import review

    user = tk.current_user.name if tk.current_user.is_authenticated else None  # type: ignore
    return review.returned_for_package(package_id, user)


# -- forms: one error summary per form (issue G, helper U) ------------------------

__all__ += ["satudata_error_summary"]


def _messages(value: _Any) -> list[str]:
    """Every message of an error value: a string, a list of them, or the
    nested dicts and lists of repeating fields and resources."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    if isinstance(value, (list, tuple)):
        return [m for v in value for m in _messages(v)]
    return []


def satudata_error_summary(errors: _Any, fields: _Any = ()) -> list[dict[str, str]]:
    """The errors of a form for ``satudata/snippets/error_summary.html``:
    ``[{"label", "message", "anchor"}]``, in the order of ``fields``, a
    list of ``(name, label)`` or ``(name, label, element id)`` (the id
    defaults to ``field-<name>``; None: a field without an input to link). An error of a field not in ``fields`` is
    listed by its message alone, never by its key. ``errors`` is an error
    dict (``{field: [message]}``) or a list of messages."""
    if not errors:
        return []
    if not isinstance(errors, dict):
        return [{"label": "", "message": m, "anchor": ""} for m in _messages(errors)]
    known = {f[0]: (f[1], f[2] if len(f) > 2 else f"field-{f[0]}") for f in fields}
    order = {name: i for i, name in enumerate(known)}
    summary = []
    for name, value in sorted(errors.items(), key=lambda kv: order.get(kv[0], len(order))):
        label, element = known.get(name, ("", ""))
        for message in _messages(value):
            summary.append({"label": label, "message": message,
                            "anchor": f"#{element}" if label and element else ""})
    return summary


__all__ += ["satudata_visibility_editable"]


def satudata_visibility_editable(package_id: _Optional[str] = None) -> bool:
    """Whether the dataset form's visibility select means anything for the
    current user: only a sysadmin's choice on a dataset outside the workflow
    is kept (``dissemination.lock_create``/``lock_update``); for everyone
    else, and on any dataset of a data request, the request's state decides
    and the select would be silently ignored. One query."""
    import ckan.authz as authz

    from . import dissemination

    if not _tk.current_user.is_authenticated:
        return False
    if not authz.is_sysadmin(_tk.current_user.name):  # type: ignore[attr-defined]
        return False
    return not (package_id and dissemination.governed(package_id))


__all__ += ["satudata_has_data_file"]


def satudata_has_data_file(pkg_dict: dict[str, _Any]) -> bool:
    """Whether the dataset has the data file a submission needs (a CSV or
    XLSX resource, uploaded or linked: ``metadata.is_data_resource``)."""
    from . import metadata

    return not metadata.data_errors(pkg_dict)

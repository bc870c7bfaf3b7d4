# -*- coding: utf-8 -*-
"""Route overrides that keep private-era data private.

``/dataset/<id>/resources/<resource_id>/history/<activity_id>`` (the
activity plugin's resource history page) renders the resource as recorded
in any activity of a dataset the visitor may read, without the activity
permission check that ``activity_show`` makes, so a published dataset's
activities from before its publication (or from while it was withdrawn)
showed their text to anyone. The same URL is registered here first (the
satudata plugin precedes ``activity`` in ``ckan.plugins``; the first rule
registered for a URL wins): it asks ``activity_show`` whether the visitor may
see that activity's data, then hands over to the plugin's own view.

The pages of a dataset that need more than reading it (its activity
stream, resources list, followers, a table's edit and views pages, the
DCAT export) answered 403 for a private dataset and 404 for a name that
does not exist, so a visitor guessing names learned which unpublished
datasets exist. Each answers 404 to whoever may not read the dataset
(:func:`hide_unreadable_dataset`); the dataset's own page already did.

A dataset the walidata withdrew was public: a citizen following a link or a
citation to it got "the page does not exist, check the address you typed".
Its page, its tables' pages and downloads (their DataStore dumps too), its
DCAT export answer 410 Gone, saying that it was withdrawn and when
(:func:`withdrawn_notice`); never its title (it may have changed since) nor
its reason, which the walidata wrote for the producers. So does a table of
a period withdrawn from a dataset whose other periods stay public
(:func:`withdrawn_table_notice`).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk

satudata_privacy = Blueprint("satudata_privacy", __name__)


@satudata_privacy.route("/dataset/<id>/resources/<resource_id>/history/<activity_id>")
def resource_history(id: str, resource_id: str, activity_id: str) -> Any:
    if not plugins.plugin_loaded("activity"):
        return tk.abort(404, tk._("Activity not found"))
    user = tk.current_user.name if tk.current_user.is_authenticated else ""  # type: ignore
    try:
        # the activity itself, not only the right to see it: a sysadmin's
        # check passes without looking it up, and CKAN's page fails (500) on
        # an activity or a resource it cannot find
        activity = tk.get_action("activity_show")(
            {"user": user}, {"id": activity_id, "include_data": True})  # type: ignore[arg-type]
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return tk.abort(404, tk._("Activity not found"))
    package = (activity.get("data") or {}).get("package") or {}
    if not any(r.get("id") == resource_id for r in package.get("resources") or []):
        return tk.abort(404, tk._("Resource not found"))
    from ckanext.activity.views import resource_history as activity_resource_history

    return activity_resource_history(id, resource_id, activity_id)


#: the pages of a dataset (endpoint → the argument naming it) that asked for
#: more than reading the dataset, so refused a private one with a 403
_DATASET_PAGES = {
    "activity.package_activity": "id", "dataset.resources": "id", "dataset.delete": "id",
    "dataset.followers": "id", "dataset_resource.edit": "id", "resource.edit": "id",
    "dataset_resource.views": "id", "resource.views": "id", "satudata_staged.views": "id",
    "dataset_resource.edit_view": "id", "resource.edit_view": "id",
    "dataset_resource.new": "id", "resource.new": "id",
    "dataset_resource.delete": "id", "resource.delete": "id",
    "xloader.resource_data": "id", "dcat.read_dataset": "_id",
    "satudata_metadata.template": "id", "satudata_metadata.import_form": "id",
}


#: the public pages of a dataset and its tables
_PUBLIC_PAGES = ("dataset.read", "resource.read", "dataset_resource.read", "satudata_staged.read",
                 "satudata_downloads.download")


def withdrawn_notice(ref: str) -> Any:
    """A 410 page for the dataset ``ref`` (id or name) if the walidata
    withdrew it from publication and the visitor may not read it, else
    None. Two queries for a dataset that was not withdrawn."""
    from ..lib import publishing

    pkg = model.Package.get(ref)
    record = publishing.record_for(pkg.id) if pkg is not None else None
    if record is None or record.status != "withdrawn" or _readable(pkg.id):
        return None
    # not its title: it may have changed since the data was public
    return tk.abort(410, tk._(
        "This data was withdrawn from publication on %(date)s. Ask the walidata "
        "(Diskominfo) for it, or search the portal for its other data.")
        % {"date": _when(record.withdrawn_at)})


def withdrawn_table_notice(ref: str, resource_id: str) -> Any:
    """A 410 page for table ``resource_id`` of the public dataset ``ref``
    if the walidata withdrew its period (the dataset's other periods stay
    public), else None. One query for a live table."""
    from ..lib import publishing

    res = model.Resource.get(resource_id)
    if res is not None and (res.state == "active" or res.package_id is None):
        return None
    # its row may be gone: CKAN purges a dataset's deleted resources at its
    # next update (another period revised: the page said 404), the
    # withdrawal keeps its id
    pkg = model.Package.get(ref)
    if pkg is None or (res is not None and pkg.id != res.package_id):
        return None
    when = publishing.table_withdrawn_at(pkg.id, resource_id)
    if when is None:
        return None
    return tk.abort(410, tk._(
        "This table was withdrawn from publication on %(date)s, with the period it "
        "covers. The dataset's other periods are still published on its page.")
        % {"date": _when(when)})


def _when(timestamp: Any) -> str:
    """As every page writes a date: "4 Desember 2026 21.59 WIB"."""
    return tk.h.render_datetime(timestamp, with_hours=True) if timestamp else ""


@satudata_privacy.before_app_request
def hide_unreadable_dataset() -> Any:
    args = request.view_args or {}
    if request.endpoint in _PUBLIC_PAGES:
        ref, resource_id = args.get("id"), args.get("resource_id")
        if not isinstance(ref, str):
            return None
        return withdrawn_notice(ref) or (
            withdrawn_table_notice(ref, resource_id) if isinstance(resource_id, str) else None)
    if request.endpoint == "datastore.dump" and isinstance(args.get("resource_id"), str):
        return _withdrawn_dump(args["resource_id"])
    key = _DATASET_PAGES.get(str(request.endpoint))
    ref = args.get(key) if key else None
    if isinstance(ref, str) and not _readable(ref):
        # a withdrawn dataset's other pages (its DCAT export…) say so too
        return withdrawn_notice(ref) or tk.abort(404, tk._("Dataset not found"))
    return None


def _withdrawn_dump(resource_id: str) -> Any:
    """The 410 of a table's DataStore download (``/datastore/dump/<id>``,
    an address without its dataset) when its dataset or its period was
    withdrawn, as its file's download says; else None (CKAN's view)."""
    res = model.Resource.get(resource_id)
    if res is None or res.package_id is None:
        return None
    return withdrawn_notice(res.package_id) or withdrawn_table_notice(
        res.package_id, resource_id)


def _readable(ref: str) -> bool:
    """Whether the visitor may read the dataset ``ref`` (False: it does not
    exist, or they may not)."""
    from ..lib import roles

    try:
        tk.check_access("package_show", roles.web_context(), {"id": ref})  # type: ignore[arg-type]
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True

# -*- coding: utf-8 -*-
"""Pages of dissemination: the public release calendar (jadwal rilis) and
progress dashboard, the forms of the dissemination transitions on a
request, the staged revision of a dataset and the publication of a round.
Views stay thin: they parse the request, call an action and render."""
from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlparse

from flask import Blueprint, make_response

import ckan.plugins.toolkit as tk

from ..lib import metadata, publishing, release_calendar, review, rounds, workdays
from ..lib import preview as previews
from .requests import refused_unconfirmed, take_transition
from ._common import can, confirmed, context, error_list, page_number, post

satudata_dissemination = Blueprint("satudata_dissemination", __name__)

#: the dissemination transitions a request page may post here
TRANSITIONS = ("publish", "schedule", "unschedule", "revise", "withdraw", "archive")



@satudata_dissemination.route("/jadwal-rilis", strict_slashes=False)  # with a slash too
def calendar() -> Any:
    """The public release calendar."""
    result = tk.get_action("satudata_release_calendar")(context(), {})
    return tk.render("satudata/dissemination/calendar.html", {"calendar": result})


@satudata_dissemination.route("/jadwal-rilis.ics")
def calendar_ics() -> Any:
    """The release calendar as an iCalendar feed for calendar applications:
    the announced releases; with ``?perkiraan=1`` the expected ones too;
    ``?opd=<organization>`` for one OPD's."""
    data = {"owner_org": tk.request.args["opd"]} if tk.request.args.get("opd") else {}
    try:
        result = tk.get_action("satudata_release_calendar")(context(), data)
    except tk.ValidationError as e:
        return tk.abort(400, "; ".join(error_list(e)))
    site_url = tk.config.get("ckan.site_url")
    expected = result["expected"] if tk.request.args.get("perkiraan") in ("1", "true") else []
    body = release_calendar.to_ical(
        result["results"], expected,
        name=f"{tk.config.get('ckan.site_title')}: {tk._('Release calendar')}",
        host=urlparse(site_url).hostname or "localhost",
        url=tk.h.url_for("satudata_dissemination.calendar", _external=True),
        dataset_url=lambda name: tk.h.url_for("dataset.read", id=name, _external=True),
        texts={"release": tk._("Release"), "expected": tk._("Expected release"),
               "producer": tk._("Producer (OPD)"),
               "postponed": tk._("Postponed from %(when)s: %(reason)s")})
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="jadwal-rilis.ics"'
    # CKAN's caching headers, as for every answer (its own "public,
    # max-age=300" read "public, ..., private" to a logged-in reader)
    return response


@satudata_dissemination.route("/progres-data", strict_slashes=False)
@satudata_dissemination.route("/progres-data/<round_id>", strict_slashes=False)
def progress(round_id: str | None = None) -> Any:
    """The public progress dashboard of a collection round."""
    data = {"round_id": round_id} if round_id else {}
    try:
        result = tk.get_action("satudata_progress_dashboard")(context(), data)
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Collection round not found"))
    return tk.render("satudata/dissemination/progress.html", {"dashboard": result})


@satudata_dissemination.route("/permintaan-data/<id>/diseminasi/<transition>",
                              methods=["GET", "POST"])
def take(id: str, transition: str) -> Any:
    """Take a dissemination transition from the request page's form. The
    address of a refused step (the page shown again with its error) leads
    back to the request when reloaded, or opened in another language (a
    404 before)."""
    if transition not in TRANSITIONS:
        return tk.abort(404, tk._("Not found"))
    if tk.request.method == "GET":
        return tk.redirect_to("satudata_request.read", id=id)
    form = tk.request.form
    unconfirmed = refused_unconfirmed(id, transition)
    if unconfirmed is not None:
        return unconfirmed
    data = {"id": id, "note": form.get("note", ""), "version": form.get("version") or None}
    if transition == "schedule":
        data.update({"release_date": form.get("release_date", ""),
                     "release_time": form.get("release_time", ""),
                     "reason": form.get("reason", "")})
    response = take_transition(id, transition, data)
    if transition == "schedule" and getattr(response, "status_code", None) == 302:
        _note_a_day_off(data["release_date"])
    return response


def _note_a_day_off(release_date: str) -> None:
    """A release set on a weekend or a public holiday is allowed (the portal
    publishes on its own) but said: every other date of the procedure
    skips those days."""
    try:
        day = datetime.date.fromisoformat(release_date)
    except ValueError:
        return
    if not workdays.is_working_day(day):
        tk.h.flash_notice(tk._("Note: %(date)s is not a working day (a weekend, a public "
                               "holiday or cuti bersama).") % {
                                   "date": tk.h.render_datetime(day)})


@satudata_dissemination.route("/dataset/<id>/revisi")
def revision(id: str) -> Any:
    """The staged revision of a published dataset next to its live version
    (its producers and the walidata reviewers)."""
    try:
        revision_dict = tk.get_action("satudata_revision_show")(context(), {"id": id})
        pkg = tk.get_action("package_show")(context(), {"id": id})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Dataset not found"))
    changes = review.changes(pkg, revision_dict["data"]) if revision_dict else None
    can_discard = bool(revision_dict) and can("satudata_revision_discard", {"id": pkg["id"]})
    return tk.render("satudata/dissemination/revision.html", {
        "pkg_dict": pkg, "revision": revision_dict, "changes": changes,
        "can_discard": can_discard, "period": (revision_dict or {}).get("period"),
        "in_review": can_discard and publishing.under_review(
            pkg["id"], lock=False, states=publishing.IN_REVISION)})


#: the rows of a staged table's page
TABLE_PAGE = 100


@satudata_dissemination.route("/dataset/<id>/revisi/tabel/<resource_id>")
def staged_table(id: str, resource_id: str) -> Any:
    """The whole of a table the staged revision (or a new period) holds, a
    page at a time, for whoever reviews it or edits it: its reviewers read
    the first ten rows on the request's page, and had to download the file
    to read the rest (a staged table has no DataStore table, preview or
    chart until it is published)."""
    try:
        revision_dict = tk.get_action("satudata_revision_show")(context(), {"id": id})
        pkg = tk.get_action("package_show")(context(), {"id": id})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Dataset not found"))
    resource = next((r for r in ((revision_dict or {}).get("data") or {}).get("resources") or []
                     if isinstance(r, dict) and r.get("id") == resource_id), None)
    if resource is None:
        return tk.abort(404, tk._("Resource not found"))
    page = page_number()
    table = previews.table_page(resource, (page - 1) * TABLE_PAGE, TABLE_PAGE)
    found, more = table if table is not None else (None, False)
    return tk.render("satudata/dissemination/staged_table.html", {
        "pkg_dict": pkg, "resource": resource, "table": found, "page": page,
        "pages": page + 1 if more else page, "first": (page - 1) * TABLE_PAGE,
        "period": (revision_dict or {}).get("period"),
        "label": metadata.data_file_label(resource)})


@satudata_dissemination.route("/dataset/<id>/revisi/buang", methods=["POST"])
def discard_revision(id: str) -> Any:
    """Discard the staged revision (its producers, behind a confirmation)."""
    if not confirmed():
        tk.h.flash_error(tk._("Tick the confirmation to discard the staged changes."))
        return tk.redirect_to("satudata_dissemination.revision", id=id)
    try:
        discarded = tk.get_action("satudata_revision_discard")(context(), {"id": id})
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized to see this page"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as e:
        for message in error_list(e):
            tk.h.flash_error(message)
        return tk.redirect_to("satudata_dissemination.revision", id=id)
    # withdrawn data has no published version to speak of
    tk.h.flash_success(tk._("The staged changes were discarded: the data stays withdrawn.")
                       if discarded["withdrawn"] else tk._(
        "The staged changes were discarded: the published version stays as it is."))
    return tk.redirect_to("dataset.read", id=id)


@satudata_dissemination.route("/publikasi/<round_id>", methods=["GET", "POST"],
                              strict_slashes=False)
def publication(round_id: str) -> Any:
    """The publication of a round: its build status, and (POST) a rebuild."""
    if tk.request.method == "POST":
        post("satudata_publication_build", {"round_id": round_id},
             tk._("The publication is being built."),
             not_found=tk._("Collection round not found"))
        return tk.redirect_to("satudata_dissemination.publication", round_id=round_id)
    try:
        status = tk.get_action("satudata_publication_show")(context(),
                                                           {"round_id": round_id})
        round_ = tk.get_action("satudata_round_show")(context(), {"id": round_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Collection round not found"))
    can_build = tk.h.check_access("satudata_publication_build", {"round_id": round_id})
    return tk.render("satudata/dissemination/publication.html", {
        "status": status, "round": round_, "can_build": can_build,
        "wait": rounds.publication_wait(round_.get("report_days"), round_.get("stage"))})

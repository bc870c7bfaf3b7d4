# -*- coding: utf-8 -*-
"""Pages of the data requests ("Permintaan Data"). Thin: each view parses
the request, calls actions and renders; auth and every query live in the
actions.

* ``/permintaan-data/`` — the producers' dashboard and the walidata
  queues (filters: OPD, round, state, overdue, "waiting for me");
* ``/permintaan-data/<id>`` — a request: while returned, the reason and the
  labelled per-field notes at the top; the edit links while its producers
  may edit; a form per transition the user may take; for those who may read
  the dataset, its values, files and file previews (and what a revision
  changes), with the return form's note inputs beside the values
  (:mod:`..lib.review`); the timeline.
"""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import helpers, search
from ..lib import publishing, reminders, review, roles, workdays
from ..lib.engine import ACTIVE_STATES
from ..logic.schema import REQUEST_SORTS
from ..lib.states import ACTION_OF, TABLE, state_label, transition_label
from ._common import (PAGE_SIZE, args, call, can, confirmed, context, error_list,
                      organization_list, page_number, post, states)

satudata_request = Blueprint("satudata_request", __name__, url_prefix="/permintaan-data")

# the transitions of the request page, in the order of their forms
FORMS = ("submit", "resubmit", "opd_approve", "opd_return", "verify", "approve", "return",
         "cancel")
# the steps (states.STEPS) with a form on the request page
STEP_FORMS = ("override_screening",)
# the forms that ask for a reason: the state table says which
REASON_REQUIRED = {ACTION_OF.get(t.name, t.name) for t in TABLE if t.reason_required}


@satudata_request.route("")  # typed without the slash (/en kept: no redirect)
@satudata_request.route("/")
def index() -> Any:
    """The requests the user may see, filtered; walidata staff start on
    their queue ("waiting for me")."""
    filters = args("round_id", "owner_org", "state", "q", "sort")
    sorts = _sorts()
    if filters.get("sort") and filters["sort"] not in dict(sorts):
        # an order the list does not offer: said, the list in its own order
        # with the other filters kept (a bare error page lost them)
        tk.h.flash_error(tk._("The list cannot be ordered this way: it is ordered by %(order)s")
                         % {"order": sorts[0][1].lower()})
        del filters["sort"]
    if tk.request.args.get("overdue"):
        filters["overdue"] = True
    mine = tk.request.args.get("mine")
    is_staff = can("satudata_round_status", {})
    if mine is None:
        mine = "1" if is_staff else ""
    if mine == "1":
        filters["actionable"] = True
    page = page_number()
    result = call("satudata_request_list",
                   {**filters, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    last = max(1, -(-result["count"] // PAGE_SIZE))
    if page > last and not result["results"] and not result.get("count_capped"):
        # past the last page (its requests were acted on, a kept link): the
        # last one, as the rounds' list (it said "68 requests" over none)
        return tk.redirect_to("satudata_request.index", **dict(
            tk.request.args.items(multi=True), page=last))
    if set(filters) == {"actionable"}:
        helpers.waiting_for_me_counted(result["count"])
    # the rounds that sent requests (drafts have none: 65 of the 100 listed
    # were drafts, while open rounds with requests were missing)
    rounds = [r for state in ("open", "closed")
              for r in call("satudata_round_list", {"state": state, "limit": 1000})["results"]]
    chosen = filters.get("round_id")
    if chosen and not any(chosen in (r["id"], r["name"]) for r in rounds):
        # a round older than the list's (a link of its page): still named
        rounds.append(call("satudata_round_show", {"id": chosen}))
    organizations = organization_list() if is_staff else []
    # each deadline of the page formatted once (a page shares a few)
    due_dates = {day: tk.h.render_datetime(day)
                 for day in {r["due_date"] for r in result["results"]} if day}
    # a search of "waiting for me" that found nothing: the same search of
    # every request, a click away (an officer took it for "no such request")
    searched = {k: v for k, v in filters.items() if k != "actionable"}
    search_all = dict(searched, mine="0") if mine == "1" and searched \
        and not result["results"] else None
    return tk.render("satudata/workflow/index.html", {
        "result": result, "due_dates": due_dates, "search_all": search_all,
        "filters": filters, "mine": mine == "1", "is_staff": is_staff,
        "rounds": rounds, "organizations": organizations, "states": states(),
        "sorts": sorts,
        "page": page, "page_size": PAGE_SIZE,
        # a capped count (a broad text search): one more page while this
        # one is full
        "pages": (page + 1 if len(result["results"]) == PAGE_SIZE else page)
        if result.get("count_capped") else max(1, -(-result["count"] // PAGE_SIZE)),
        "can_manage": can("satudata_round_create"),
    })


@satudata_request.route("/<id>")
def read(id: str) -> Any:
    """The request page; the first visit of one of the OPD's producers is
    the proof of receipt (a visitor is asked to log in first:
    views/login.py)."""
    if can("satudata_request_acknowledge", {"id": id}):
        tk.get_action("satudata_request_acknowledge")(context(), {"id": id})
    return _render_request(id)


def _render_request(id: str, error_summary: Optional[list[dict[str, str]]] = None,
                    status: int = 200, typed: Optional[dict[str, Any]] = None,
                    refused: Optional[str] = None,
                    request: Optional[dict[str, Any]] = None) -> Any:
    """The request page: the latest return's reason and labelled notes at
    the top while returned, the edit links while the producer may edit, the
    transition forms, the reviewer's view of the data, the timeline.
    ``typed``: what the user typed into a step's form that was refused
    (:func:`_typed`), shown again in it."""
    request = request or call("satudata_request_show", {"id": id})
    events = call("satudata_request_event_list", {"id": id})
    actor_labels = review.actor_labels()
    for event in events:
        event["actor_label"] = None if event.get("system") else review.actor_label(
            event, actor_labels)
        event["labelled_notes"] = review.labelled_notes(event.get("field_notes"))
    allowed = request["allowed_transitions"]
    forms = [{"name": name, "label": transition_label(name),
              "reason_required": name in REASON_REQUIRED}
             for name in FORMS if name in allowed]
    dataset = request.get("dataset")
    can_edit = bool(dataset) and any(t in allowed for t in ("submit", "resubmit", "revise")) \
        and can("package_update", {"id": dataset["id"]})
    # the tables the producer may replace from this page (a file the check
    # refused took five clicks through the dataset to replace)
    editable = publishing.replaceable_tables(request) if can_edit else set()
    checks = _data_checks(request)
    override = (request["id"] if checks and can("satudata_request_override_screening",
                                                {"id": request["id"]}) else None)
    may_remind = can("satudata_request_remind", {"id": request["id"]})
    sent = reminders.sent_for(request["id"]) if may_remind else []
    return tk.render("satudata/workflow/request.html", {
        "request_dict": request, "events": events, "forms": forms,
        # the walidata chases a late step from here (only the daily cron did)
        "can_remind": may_remind and request["state"] in ACTIVE_STATES
        and not _reminded_today(sent, request),
        "reminders": sent,
        "checks": checks, "override": override,
        "can_link": "submit" in allowed or "resubmit" in allowed,
        "returned": review.latest_return(request, events),
        "can_edit": can_edit, "editable_files": editable,
        "review": _review(request, events),
        "error_summary": error_summary or [],
        "typed": typed, "refused": refused,
        # a refused step's notes per field, by label (kept for the user)
        "kept_notes": review.labelled_notes(
            {key: [value] for key, value in (typed or {}).get("field_notes", {}).items()
             if value.strip()}) if refused else [],
    }), status


def _reminded_today(sent: list[dict[str, Any]], request: dict[str, Any]) -> bool:
    """Whether today's reminder of the step the request waits at went out
    (the next one can go tomorrow: its button was offered to be refused)."""
    today = workdays.today().isoformat()
    return any(m["kind"] == reminders.MANUAL and m["due_date"] == today
               and m["state"] == request["state"]
               and m["approval_level"] == (request.get("approval_level") or 0) for m in sent)


def _data_checks(request: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The checks of the dataset's data files (validation and personal-data
    screening), for those who may see them; None otherwise."""
    dataset = request.get("dataset")
    if not dataset:
        return None
    try:
        return tk.get_action("satudata_data_check_list")(
            context(), {"id": dataset["id"], "request_id": request["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def _review(request: dict[str, Any], events: list[dict[str, Any]]
            ) -> Optional[dict[str, Any]]:
    """What the reviewers read: the dataset's metadata by group, its files
    with previews and, for a revision of published data, the staged version
    and its changes against the live one; for a request resubmitted after a
    return, what changed since the return. None when there is no dataset or
    the user may not read it (``package_show`` decides, as on its page)."""
    dataset = request.get("dataset")
    if not dataset:
        return None
    try:
        pkg = tk.get_action("package_show")(context(), {"id": dataset["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    live = None
    # a revision, and a new period of published data: its tables are staged
    # (the reviewers read and download them there, not the live ones)
    if request.get("revision_of") or request.get("new_period"):
        try:
            staged = tk.get_action("satudata_revision_show")(context(), {"id": pkg["id"]})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            staged = None
        if staged:
            # its licence named in the page's language, as the live one is
            # (the copy kept the language of whoever staged it)
            live, pkg = pkg, search.translate_license_title(staged["data"])
    return {
        "pkg": pkg, "live": live, "groups": review.metadata_groups(pkg),
        "resources": review.resources(pkg, live, new_period=(request.get("round") or {})
                                      .get("title") if request.get("new_period") else None),
        "changes": review.changes(live, pkg) if live else None,
        "since_return": review.since_return(request, events, pkg),
        "resources_note": review.RESOURCES_NOTE,
    }


def _sorts() -> list[tuple[str, str]]:
    """The orders of the requests list (``satudata_request_list``'s
    ``sort``, the action's default first), by their names."""
    names = {"due_date": tk._("Deadline, soonest first"),
             "-due_date": tk._("Deadline, latest first"),
             "modified": tk._("Least recently changed first"),
             "-modified": tk._("Last changed first"),
             "title": tk._("Title"), "organization": tk._("OPD")}
    return [(value, names.get(value, value)) for value in REQUEST_SORTS]


#: the forms that change a dataset or its files (its id or name: ``id``)
_EDIT_FORMS = frozenset({"dataset.edit", "resource.edit", "dataset_resource.edit",
                         "dataset_resource.new", "resource.new"})


@satudata_request.before_app_request
def locked_edit_form_explained() -> Any:
    """A dataset whose request is reviewed (or approved, waiting for
    publication) cannot change: opened by its address (a bookmark, the
    browser's history), its edit form let the producer type everything and
    said so only on saving. Its page says why instead."""
    if tk.request.method != "GET" or tk.request.endpoint not in _EDIT_FORMS:
        return None
    ref = (tk.request.view_args or {}).get("id")
    if not isinstance(ref, str):
        return None
    # only to whom may read it: a redirect told anyone that a private
    # dataset of that name exists and is reviewed (a made-up name: 404)
    if not can("package_show", {"id": ref}):
        return None
    # and only to who could edit it were it not reviewed: to a visitor, the
    # edit address of a public dataset said a revision of it was in review
    # ("it can be changed again later"), where one without answered 403
    package = model.Package.get(ref)
    user = tk.current_user.name if tk.current_user.is_authenticated else None
    if package is None or not (roles.is_producer(user, package.owner_org)
                               or roles.is_walidata_staff(user)):
        return None
    reason = helpers.satudata_review_message(ref)
    if not reason:
        return None
    tk.h.flash_notice(reason)
    return tk.redirect_to("dataset.read", id=ref)


@satudata_request.route("/<id>/ingatkan", methods=["POST"])
def remind(id: str) -> Any:
    """Remind whom the request waits for now (a walidata administrator)."""
    note = tk.request.form.get("note", "")
    try:
        sent = tk.get_action("satudata_request_remind")(context(), {
            "id": id, "note": note, "version": tk.request.form.get("version") or None})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only walidata administrators can send a reminder"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Data request not found"))
    except tk.ValidationError as e:
        # the page again, the note kept (a redirect lost it); a note's
        # refusal names the note ("at most 10000 characters" said nothing)
        messages = error_list(e, {"note": tk._("Note")})
        if "note" not in (e.error_dict or {}):
            # the reminder form is gone (one went out today, the request moved
            # on): the note with the refusal, as a refused step's
            return _render_request(id, status=400, typed=_typed("remind", e),
                                   refused=" ".join(messages))
        for message in messages:
            tk.h.flash_error(message)
        # as a step's form (the review's notes per field read it too: a 500
        # on a ready request)
        return _render_request(id, status=400, typed=_typed("remind", e))
    else:
        tk.h.flash_success(tk.ungettext(
            "Reminder sent to %(num)s person", "Reminder sent to %(num)s people",
            sent["recipients"]))
    return tk.redirect_to("satudata_request.read", id=id)


@satudata_request.route("/<id>/<transition>", methods=["POST"])
def take(id: str, transition: str) -> Any:
    """Take a transition from the request page's form."""
    if transition not in FORMS + STEP_FORMS:
        return tk.abort(404, tk._("Not found"))
    form = tk.request.form
    unconfirmed = refused_unconfirmed(id, transition)
    if unconfirmed is not None:
        return unconfirmed
    field_notes: dict[str, list[str]] = {}
    for key, value in form.items():
        if key.startswith("field_note-") and value.strip():
            field_notes[key[len("field_note-"):]] = [value.strip()]
    data = {"id": id, "note": form.get("note", ""), "version": form.get("version") or None,
            "field_notes": field_notes}
    if transition == "override_screening" and form.get("findings"):
        data["findings"] = form.get("findings")  # the findings its page showed
    return take_transition(id, transition, data)


@satudata_request.route("/<id>/<any(%s):step>" % ", ".join((*FORMS, *STEP_FORMS, "dataset")))
def step_address(id: str, step: str) -> Any:
    """A step's address opened (a refused step shows the request page at
    the address it was posted to: a reload, a bookmark or the language
    switch then answered 404): the request page."""
    return tk.redirect_to("satudata_request.read", id=id)


#: the steps a form takes only once its checkbox is ticked (on the server
#: too: a form posted without it took them), with what the refusal says
CONFIRMED = {
    # final
    "cancel": lambda: tk._("Tick the confirmation to end the request."),
    # shown to everyone at once
    "publish": lambda: tk._("Tick the confirmation to publish the data."),
    # off the portal at once
    "withdraw": lambda: tk._("Tick the confirmation to withdraw the data."),
    # its last step but a withdrawal
    "archive": lambda: tk._("Tick the confirmation to archive the data."),
}


def refused_unconfirmed(id: str, transition: str) -> Any:
    """The request page again (400) when ``transition`` is one of
    :data:`CONFIRMED`, its checkbox not ticked, and the user may take it
    (others are refused by the step itself); None otherwise."""
    if transition not in CONFIRMED or confirmed() or not can(
            f"satudata_request_{transition}", {"id": id}):
        return None
    return refused_step(id, transition, tk.ValidationError({"confirm": [
        CONFIRMED[transition]()]}))


def take_transition(id: str, transition: str, data: dict[str, Any]) -> Any:
    """Call ``satudata_request_<transition>`` with ``data``, flash its outcome
    and go back to the request page (403/404 when refused or not found).
    Shared by the workflow and the dissemination forms."""
    try:
        result = tk.get_action(f"satudata_request_{transition}")(context(), data)
    except tk.NotAuthorized as e:
        try:
            current = tk.get_action("satudata_request_show")(context(), {"id": id})
        except (tk.NotAuthorized, tk.ObjectNotFound):  # as if there were none
            return tk.abort(404, tk._("Data request not found"))
        # a form opened before the request moved on (another officer took
        # the step): the page as it is now, why, and what was typed
        message, status = _refusal(data.get("version"), current.get("version"), e)
        return _render_request(id, None, status, typed=_typed(transition), refused=message,
                               request=current)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Data request not found"))
    except tk.ValidationError as e:
        return refused_step(id, transition, e)
    else:
        # what was done and where the request is now ("Selesai: Ajukan"
        # read as an order)
        state = result.get("state") if isinstance(result, dict) else None
        label = transition_label(transition)
        if isinstance(result, dict) and "event" in result and result["event"] is None:
            # already so (a release moved to the time it has): no step taken,
            # and what was typed with it (a reason) was not recorded
            tk.h.flash_notice(tk._(
                'Nothing was changed: the request was already so (%(state)s); '
                'nothing of the form was recorded.') % {"state": state_label(state)})
            return tk.redirect_to("satudata_request.read", id=id)
        waiting = _next_approver(id) if state == "verified" else None
        if waiting:  # an approval in the middle of the chain: the state reads the same
            tk.h.flash_success(tk._(
                'Step "%(transition)s" done. The request is now: %(state)s, waiting for '
                'the %(role)s') % {"transition": label, "state": state_label(state),
                                   "role": waiting})
        else:
            tk.h.flash_success(
                tk._('Step "%(transition)s" done. The request is now: %(state)s') % {
                    "transition": label, "state": state_label(state)} if state
                else tk._('Step "%(transition)s" done.') % {"transition": label})
    return tk.redirect_to("satudata_request.read", id=id)


def _next_approver(id: str) -> Optional[str]:
    """Whom a request in approval waits for now ("Kepala Dinas"), or None."""
    try:
        shown = tk.get_action("satudata_request_show")(context(), {"id": id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    return shown.get("waiting_for_label") or None


def _refusal(version: Any, current: Any, error: tk.NotAuthorized) -> tuple[str, int]:
    """Why a step of a request the user reads was refused, and the status:
    changed since the page was opened (the form's ``version`` is not the
    request's ``current`` one: 409), or the refusal's own reason (403)."""
    if version not in (None, "") and str(version) != str(current):
        return tk._("This request changed since you opened the page (a step was taken, "
                    "perhaps by you in another tab): reload it to see where it is now."), 409
    return str(error) or tk._("You cannot take this step on the request as it is now"), 403


def _typed(transition: str, error: Optional[tk.ValidationError] = None) -> dict[str, Any]:
    """What the user typed into the form of ``transition`` (its note, its
    notes per field, a release's date, time and reason): a refused step
    lost it all; with the refusal of its note (``error``), marked at the
    field."""
    form = tk.request.form
    refused = (error.error_dict or {}) if error is not None else {}
    return {"transition": transition,
            **{key: form.get(key, "") for key in ("note", "reason", "release_date",
                                                  "release_time")},
            "field_notes": {key[len("field_note-"):]: value for key, value in form.items()
                            if key.startswith("field_note-")},
            # (a release's postponement reason too)
            "errors": {key: refused[key] for key in ("note", "reason")
                       if isinstance(refused.get(key), list)}}


def refused_step(id: str, transition: str, error: tk.ValidationError) -> Any:
    """The request page again (400) after ``transition`` was refused: one
    summary of what is missing, each linked to its field, other refusals
    flashed, and what was typed in the step's form kept."""
    # (the override's refusal names the files, but nothing is to complete:
    # said with what was typed, not as "the request cannot be submitted yet")
    summary = [] if transition in STEP_FORMS else _error_summary(id, error)
    label = tk._("Reason") if transition in REASON_REQUIRED else tk._("Note")
    if not summary:
        request = call("satudata_request_show", {"id": id})
        if transition not in request["allowed_transitions"]:
            # the request moved on (another officer, another tab): its form is
            # gone, and with it what was typed into it (a reason, notes per
            # field): said with the refusal, as a step refused otherwise is
            return _render_request(id, None, 400, typed=_typed(transition, error),
                                   refused=" ".join(error_list(error, {"note": label})),
                                   request=request)
        # the step form's own note named ("at most 10000 characters" or "a
        # reason is required" at the top of a long page named none)
        for message in error_list(error, {"note": label}):
            tk.h.flash_error(message)
    return _render_request(id, summary, 400, typed=_typed(transition, error))


def _error_summary(id: str, error: tk.ValidationError) -> list[dict[str, str]]:
    """The summary of a refusal about the dataset's fields or files, with
    labels and links to the edit form; empty for other refusals (those are
    flashed)."""
    errors = error.error_dict or {}
    labels = review.field_labels()
    if not any(key in labels for key in errors):
        return []
    request = call("satudata_request_show", {"id": id})
    dataset = request.get("dataset")
    edit_url = tk.h.url_for("dataset.edit", id=dataset["name"]) if dataset else None
    resource_url = (tk.h.url_for("dataset_resource.new", id=dataset["name"])
                    if dataset else None)
    return review.error_summary(errors, edit_url, resource_url)


@satudata_request.route("/<id>/dataset", methods=["POST"])
def link_dataset(id: str) -> Any:
    typed = tk.request.form.get("package_id", "")
    if post("satudata_request_link_dataset", {"id": id, "package_id": typed},
            tk._("The dataset is linked to the request."),
            not_found=tk._("Data request not found")) is None:
        # refused: the name typed stays in its field (it came back empty)
        return tk.redirect_to("satudata_request.read", id=id, package_id=typed[:200])
    return tk.redirect_to("satudata_request.read", id=id)

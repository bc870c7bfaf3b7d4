# -*- coding: utf-8 -*-
"""Pages of the data-request workflow ("Permintaan Data"). Thin: each view
parses the request, calls actions and renders; auth and every query live
in the actions.

* ``/permintaan-data/`` — the producers' dashboard and the walidata
  queues (filters: OPD, round, state, overdue, "waiting for me");
* ``/permintaan-data/<id>`` — a request: while returned, the reason and the
  labelled per-field notes at the top; the edit links while its producers
  may edit; a form per transition the user may take; for those who may read
  the dataset, its values, files and file previews (and what a revision
  changes), with the return form's note inputs beside the values
  (:mod:`..lib.review`); the timeline;
* ``/permintaan-data/daftar-data`` — the Daftar Data (walidata), with the
  XLSX template and import;
* ``/permintaan-data/putaran`` — collection rounds: create, edit, send the
  requests, export the status as XLSX.
"""
from __future__ import annotations

import base64
import datetime
import os
from typing import Any, Optional

from flask import Blueprint, Response, send_file

import ckan.plugins.toolkit as tk
from ckan.types import Context

from .. import sk_files
from ..lib import review
from ..states import ACTION_OF, TABLE, State, state_label, transition_label

satudata_workflow = Blueprint("satudata_workflow", __name__, url_prefix="/permintaan-data")

PAGE_SIZE = 50
MAX_PAGE = 10_000
# the transitions of the request page, in the order of their forms
FORMS = ("submit", "resubmit", "verify", "approve", "return", "cancel")
# the forms that ask for a reason: the state table says which
REASON_REQUIRED = {ACTION_OF.get(t.name, t.name) for t in TABLE if t.reason_required}


def _context() -> Context:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated  # type: ignore
            else ""}


def _call(action: str, data: dict[str, Any]) -> Any:
    """Call an action, turning NotAuthorized/ObjectNotFound/ValidationError
    into a 403/404/400 page: bad query arguments or ids never give a 500."""
    try:
        return tk.get_action(action)(_context(), data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ObjectNotFound as e:
        return tk.abort(404, str(e) or tk._("Not found"))
    except tk.ValidationError as e:
        return tk.abort(400, "; ".join(error_list(e)) or tk._("Invalid request"))


def _page_number() -> int:
    """The ``page`` query argument (1 when absent); a 400 page when it is not
    a whole number from 1 to :data:`MAX_PAGE`."""
    value = tk.request.args.get("page", "1")
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        return tk.abort(400, tk._("The page must be a whole number from 1 to %(max)s")
                        % {"max": MAX_PAGE})
    return int(value)


def _can(action: str, data: Optional[dict[str, Any]] = None) -> bool:
    try:
        tk.check_access(action, _context(), data or {})
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def _args(*names: str) -> dict[str, Any]:
    return {n: tk.request.args.get(n) for n in names if tk.request.args.get(n)}


def _file_response(result: dict[str, Any]) -> Response:
    return Response(base64.b64decode(result["content"]), mimetype=result["mimetype"],
                    headers={"Content-Disposition":
                             f'attachment; filename="{result["filename"]}"'})


def error_list(error: tk.ValidationError) -> list[str]:
    """The messages of a validation error for flashing, prefixed with the
    field name unless the message speaks for itself."""
    messages = []
    for field, errors in (error.error_dict or {}).items():
        for message in errors if isinstance(errors, list) else [errors]:
            messages.append(message if field in ("rows", "upload", "state", "version",
                                                 "note", "message")
                            else f"{field}: {message}")
    return messages


def _organizations() -> list[dict[str, Any]]:
    """The organizations for the OPD filters and selects (names and titles
    only: no dataset counts, extras or members)."""
    return tk.get_action("organization_list")(_context(), {
        "all_fields": True, "limit": 1000, "include_dataset_count": False,
        "include_extras": False, "include_users": False, "include_groups": False,
        "include_tags": False})


def _states() -> list[dict[str, str]]:
    return [{"value": s.value, "text": state_label(s)} for s in State]


# -- requests ------------------------------------------------------------------

@satudata_workflow.route("/")
def index() -> Any:
    """The requests the user may see, filtered; walidata staff start on
    their queue ("waiting for me")."""
    filters = _args("round_id", "owner_org", "state", "q", "sort")
    if tk.request.args.get("overdue"):
        filters["overdue"] = True
    mine = tk.request.args.get("mine")
    is_staff = _can("satudata_round_status", {})
    if mine is None:
        mine = "1" if is_staff else ""
    if mine == "1":
        filters["actionable"] = True
    page = _page_number()
    result = _call("satudata_request_list",
                   {**filters, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    rounds = _call("satudata_round_list", {"limit": 100})["results"]
    organizations = _organizations() if is_staff else []
    return tk.render("satudata/workflow/index.html", {
        "result": result, "filters": filters, "mine": mine == "1", "is_staff": is_staff,
        "rounds": rounds, "organizations": organizations, "states": _states(),
        "page": page, "page_size": PAGE_SIZE,
        "pages": max(1, -(-result["count"] // PAGE_SIZE)),
        "can_manage": _can("satudata_round_create"),
    })


@satudata_workflow.route("/<id>")
def request_read(id: str) -> Any:
    return _render_request(id)


def _render_request(id: str, error_summary: Optional[list[dict[str, str]]] = None,
                    status: int = 200) -> Any:
    """The request page: the latest return's reason and labelled notes at
    the top while returned, the edit links while the producer may edit, the
    transition forms, the reviewer's view of the data, the timeline."""
    request = _call("satudata_request_show", {"id": id})
    events = _call("satudata_request_event_list", {"id": id})
    actor_labels = review.actor_labels()
    for event in events:
        event["actor_label"] = review.actor_label(event, actor_labels)
        event["labelled_notes"] = review.labelled_notes(event.get("field_notes"))
    allowed = request["allowed_transitions"]
    forms = [{"name": name, "label": transition_label(name),
              "reason_required": name in REASON_REQUIRED}
             for name in FORMS if name in allowed]
    dataset = request.get("dataset")
    can_edit = bool(dataset) and any(t in allowed for t in ("submit", "resubmit", "revise")) \
        and _can("package_update", {"id": dataset["id"]})
    return tk.render("satudata/workflow/request.html", {
        "request_dict": request, "events": events, "forms": forms,
        "can_link": "submit" in allowed or "resubmit" in allowed,
        "returned": review.latest_return(request, events),
        "can_edit": can_edit,
        "review": _review(request),
        "error_summary": error_summary or [],
    }), status


def _review(request: dict[str, Any]) -> Optional[dict[str, Any]]:
    """What the reviewers read: the dataset's metadata by group, its files
    with previews and, for a revision of published data, the staged version
    and its changes against the live one. None when there is no dataset or
    the user may not read it (``package_show`` decides, as on its page)."""
    dataset = request.get("dataset")
    if not dataset:
        return None
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": dataset["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    live = None
    if request.get("revision_of"):
        try:
            staged = tk.get_action("satudata_revision_show")(_context(), {"id": pkg["id"]})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            staged = None
        if staged:
            live, pkg = pkg, staged["data"]
    return {
        "pkg": pkg, "live": live, "groups": review.metadata_groups(pkg),
        "resources": review.resources(pkg, live),
        "changes": review.changes(live, pkg) if live else None,
        "resources_note": review.RESOURCES_NOTE,
    }


@satudata_workflow.route("/<id>/<transition>", methods=["POST"])
def take(id: str, transition: str) -> Any:
    """Take a transition from the request page's form."""
    if transition not in FORMS:
        return tk.abort(404, tk._("Not found"))
    form = tk.request.form
    field_notes: dict[str, list[str]] = {}
    for key, value in form.items():
        if key.startswith("field_note-") and value.strip():
            field_notes[key[len("field_note-"):]] = [value.strip()]
    data = {"id": id, "note": form.get("note", ""), "version": form.get("version") or None,
            "field_notes": field_notes}
    return take_transition(id, transition, data)


def take_transition(id: str, transition: str, data: dict[str, Any]) -> Any:
    """Call ``satudata_request_<transition>`` with ``data``, flash its outcome
    and go back to the request page (403/404 when refused or not found).
    Shared by the workflow and the dissemination forms."""
    try:
        tk.get_action(f"satudata_request_{transition}")(_context(), data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Data request not found"))
    except tk.ValidationError as e:
        summary = _error_summary(id, e)
        if summary:
            # one summary of what is missing, each linked to its field
            return _render_request(id, summary, 400)
        for message in error_list(e):
            tk.h.flash_error(message)
    else:
        tk.h.flash_success(tk._("Done: %(transition)s") % {
            "transition": transition_label(transition)})
    return tk.redirect_to("satudata_workflow.request_read", id=id)


def _error_summary(id: str, error: tk.ValidationError) -> list[dict[str, str]]:
    """The summary of a refusal about the dataset's fields or files, with
    labels and links to the edit form; empty for other refusals (those are
    flashed)."""
    errors = error.error_dict or {}
    labels = review.field_labels()
    if not any(key in labels for key in errors):
        return []
    request = _call("satudata_request_show", {"id": id})
    dataset = request.get("dataset")
    edit_url = tk.h.url_for("dataset.edit", id=dataset["name"]) if dataset else None
    resource_url = (tk.h.url_for("dataset_resource.new", id=dataset["name"])
                    if dataset else None)
    return review.error_summary(errors, edit_url, resource_url)


@satudata_workflow.route("/<id>/dataset", methods=["POST"])
def link_dataset(id: str) -> Any:
    try:
        tk.get_action("satudata_request_link_dataset")(
            _context(), {"id": id, "package_id": tk.request.form.get("package_id", "")})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Data request not found"))
    except tk.ValidationError as e:
        for message in error_list(e):
            tk.h.flash_error(message)
    else:
        tk.h.flash_success(tk._("The dataset is linked to the request."))
    return tk.redirect_to("satudata_workflow.request_read", id=id)


# -- Daftar Data ---------------------------------------------------------------

_ITEM_FIELDS = ("title", "owner_org", "year", "frekuensi", "urusan", "satuan",
                "description", "sk_number", "sk_date", "sk_url")


@satudata_workflow.route("/daftar-data")
def daftar_data() -> Any:
    filters = _args("year", "owner_org", "q")
    page = _page_number()
    result = _call("satudata_daftar_data_list",
                   {**filters, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    organizations = _organizations()
    return tk.render("satudata/workflow/daftar_data.html", {
        "result": result, "filters": filters, "organizations": organizations,
        "page": page, "pages": max(1, -(-result["count"] // PAGE_SIZE)),
        "can_manage": _can("satudata_daftar_data_create"),
    })


@satudata_workflow.route("/daftar-data/new", methods=["GET", "POST"])
@satudata_workflow.route("/daftar-data/<item_id>/edit", methods=["GET", "POST"])
def daftar_data_edit(item_id: Optional[str] = None) -> Any:
    action = "satudata_daftar_data_update" if item_id else "satudata_daftar_data_create"
    if not _can(action, {"id": item_id} if item_id else {}):
        return tk.abort(403, tk._("Only walidata administrators can manage the Daftar Data"))
    data: dict[str, Any] = _call("satudata_daftar_data_show", {"id": item_id}) \
        if item_id else {"year": datetime.date.today().year, "active": True}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        data = {k: form.get(k, "") for k in _ITEM_FIELDS}
        data = {k: v for k, v in data.items() if v != "" or item_id}
        data["priority"] = bool(form.get("priority"))
        if tk.request.files.get("sk_upload"):
            data["sk_upload"] = tk.request.files["sk_upload"]
        data["active"] = bool(form.get("active"))
        if item_id:
            data["id"] = item_id
        for key in ("sk_date", "sk_url", "sk_number"):
            if not data.get(key):
                data.pop(key, None)
        try:
            tk.get_action(action)(_context(), data)
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only walidata administrators can manage the "
                                      "Daftar Data"))
        except tk.ObjectNotFound:
            return tk.abort(404, tk._("Daftar Data item not found"))
        except tk.ValidationError as e:
            errors = e.error_dict  # type: ignore[assignment]
        else:
            tk.h.flash_success(tk._("The Daftar Data item is saved."))
            return tk.redirect_to("satudata_workflow.daftar_data")
    organizations = _organizations()
    org_options = [{"value": "", "text": ""}] + [
        {"value": org["name"], "text": org.get("display_name") or org["name"]}
        for org in organizations]
    return tk.render("satudata/workflow/daftar_data_form.html", {
        "data": data, "errors": errors, "item_id": item_id, "org_options": org_options,
    }), (400 if errors else 200)


@satudata_workflow.route("/daftar-data/<item_id>/sk.pdf")
def daftar_data_sk(item_id: str) -> Any:
    """The stored SK decree of an item, for those who may see the item."""
    _call("satudata_daftar_data_show", {"id": item_id})
    path = sk_files.path_for(item_id)
    if not path or not os.path.exists(path):
        return tk.abort(404, tk._("Not found"))
    return send_file(path, mimetype="application/pdf", download_name=f"sk-{item_id}.pdf")


@satudata_workflow.route("/daftar-data/<item_id>/delete", methods=["POST"])
def daftar_data_delete(item_id: str) -> Any:
    _call("satudata_daftar_data_delete", {"id": item_id})
    tk.h.flash_success(tk._("The Daftar Data item is deleted (or deactivated if it "
                            "was already requested)."))
    return tk.redirect_to("satudata_workflow.daftar_data")


@satudata_workflow.route("/daftar-data/template.xlsx")
def daftar_data_template() -> Any:
    return _file_response(_call("satudata_daftar_data_template", {}))


@satudata_workflow.route("/daftar-data/import", methods=["GET", "POST"])
def daftar_data_import() -> Any:
    if not _can("satudata_daftar_data_import"):
        return tk.abort(403, tk._("Only walidata administrators can manage the Daftar Data"))
    errors: dict[str, Any] = {}
    year = tk.request.form.get("year") or tk.request.args.get("year") or ""
    if tk.request.method == "POST":
        try:
            result = tk.get_action("satudata_daftar_data_import")(_context(), {
                "upload": tk.request.files.get("upload"), "year": year})
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only walidata administrators can manage the "
                                      "Daftar Data"))
        except tk.ValidationError as e:
            errors = e.error_dict  # type: ignore[assignment]  (labelled by the template)
        else:
            tk.h.flash_success(tk._("Daftar Data imported: %(created)s new, %(updated)s "
                                    "updated.") % result)
            return tk.redirect_to("satudata_workflow.daftar_data", year=year)
    return tk.render("satudata/workflow/daftar_data_import.html", {
        "errors": errors, "year": year}), (400 if errors else 200)


# -- collection rounds -----------------------------------------------------------

_ROUND_FIELDS = ("name", "title", "year", "period", "description", "start_date",
                 "prepare_days", "submit_days", "verify_days", "approval_days",
                 "prepare_due", "submit_due", "verify_due")


@satudata_workflow.route("/putaran")
def rounds() -> Any:
    result = _call("satudata_round_list", _args("year", "state"))
    return tk.render("satudata/workflow/rounds.html", {
        "result": result, "can_manage": _can("satudata_round_create"),
    })


@satudata_workflow.route("/putaran/new", methods=["GET", "POST"])
@satudata_workflow.route("/putaran/<round_id>/edit", methods=["GET", "POST"])
def round_edit(round_id: Optional[str] = None) -> Any:
    action = "satudata_round_update" if round_id else "satudata_round_create"
    if not _can(action, {"id": round_id} if round_id else {}):
        return tk.abort(403, tk._("Only walidata administrators can manage collection rounds"))
    data: dict[str, Any] = _call("satudata_round_show", {"id": round_id}) if round_id else {}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        data = {k: form.get(k) for k in _ROUND_FIELDS if form.get(k)}
        if round_id:
            data["id"] = round_id
            data.pop("name", None)
        try:
            saved = tk.get_action(action)(_context(), data)
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only walidata administrators can manage "
                                      "collection rounds"))
        except tk.ObjectNotFound:
            return tk.abort(404, tk._("Collection round not found"))
        except tk.ValidationError as e:
            errors = e.error_dict  # type: ignore[assignment]
        else:
            tk.h.flash_success(tk._("The collection round is saved."))
            return tk.redirect_to("satudata_workflow.round_read", round_id=saved["name"])
    return tk.render("satudata/workflow/round_form.html", {
        "data": data, "errors": errors, "round_id": round_id,
    }), (400 if errors else 200)


@satudata_workflow.route("/putaran/<round_id>")
def round_read(round_id: str) -> Any:
    round_ = _call("satudata_round_show", {"id": round_id})
    return tk.render("satudata/workflow/round.html", {
        "round": round_, "states": _states(),
        "can_manage": _can("satudata_round_send", {"id": round_["id"]}),
        "can_export": _can("satudata_round_export", {"id": round_["id"]}),
    })


@satudata_workflow.route("/putaran/<round_id>/send", methods=["POST"])
def round_send(round_id: str) -> Any:
    try:
        result = tk.get_action("satudata_round_send")(_context(), {"id": round_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only walidata administrators can manage collection rounds"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Collection round not found"))
    except tk.ValidationError as e:
        for message in error_list(e):
            tk.h.flash_error(message)
    else:
        tk.h.flash_success(tk._("%(created)s request(s) sent to the OPDs.") % result)
    return tk.redirect_to("satudata_workflow.round_read", round_id=round_id)


@satudata_workflow.route("/putaran/<round_id>/status.xlsx")
def round_export(round_id: str) -> Any:
    return _file_response(_call("satudata_round_export", {"id": round_id}))

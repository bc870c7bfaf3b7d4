# -*- coding: utf-8 -*-
"""``/permintaan-data/putaran``: collection rounds: create, edit, send the
requests, close and reopen, export the status as XLSX, move on to the next stage; a round's
report (``/laporan``): edit, submit, approve or return it; the round's
letters (download, issue the Berita Acara) and uploaded documents (upload,
download, remove)."""
from __future__ import annotations

import datetime

from typing import Any, Optional

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ..lib import storage, workdays
from ._common import (PAGE_SIZE, args, call, call_filtered, can, confirmed, error_list,
                      file_response, page_number, post, save, states)

satudata_round = Blueprint("satudata_round", __name__, url_prefix="/permintaan-data/putaran")


def _managing_refused() -> str:
    return tk._("Only walidata administrators and the staff who prepare them can manage "
                "collection rounds")


_ROUND_FIELDS = ("name", "title", "year", "period", "description", "start_date",
                 "prepare_days", "submit_days", "verify_days", "approval_days",
                 "prepare_due", "submit_due", "verify_due", "compile_days", "report_days",
                 "late_policy", "modified")


@satudata_round.route("")
@satudata_round.route("/")  # the address with a trailing slash too
def index() -> Any:
    """The rounds, newest first, by pages (a year's only with ``year``; the
    list stopped at its first hundred)."""
    typed = args("year", "state")
    page = page_number()
    result, filters = call_filtered("satudata_round_list", typed,
                                    {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    pages = max(1, -(-result["count"] // PAGE_SIZE))
    if page > pages:  # past the last page (it said there were no rounds): the last one
        return tk.redirect_to("satudata_round.index", page=pages, **filters)
    return tk.render("satudata/workflow/rounds.html", {
        "result": result, "can_manage": can("satudata_round_create"), "filters": filters,
        "typed": typed,
        "page": page, "pages": pages,
    })


@satudata_round.route("/new", methods=["GET", "POST"])
@satudata_round.route("/<round_id>/edit", methods=["GET", "POST"])
def edit(round_id: Optional[str] = None) -> Any:
    action = "satudata_round_update" if round_id else "satudata_round_create"
    if not can(action, {"id": round_id} if round_id else {}):
        return tk.abort(403, _managing_refused())
    data: dict[str, Any] = call("satudata_round_show", {"id": round_id}) if round_id else {}
    locked = data.get("locked_fields") or {}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        shown = data
        data = {k: form.get(k) for k in _ROUND_FIELDS if form.get(k)}
        if not round_id and not data.get("name") and (data.get("title") or "").strip():
            # named after its title, as the form's script does while the
            # title is typed (without it, the first save was refused: "URL
            # name: missing value")
            data["name"] = storage.slug(data["title"], 100)
        untouched = {}
        for key in ("prepare_due", "submit_due", "verify_due"):
            # the date the form showed, left as it was, is not typed now: it
            # stays as it is, a date typed earlier kept, a counted one
            # following its working days (changing them did nothing: the
            # shown date went back as typed and was kept)
            if round_id and data.get(key) == shown.get(key):
                untouched[key] = data.pop(key)
        # not ticked, not sent; what is sent is the action's to read ("0" or
        # "false" were stored as ticked)
        data["verify_when_complete"] = form.get("verify_when_complete") or False
        # the levels ticked, in the form's (the portal's) order; none: the
        # site's chain (also when a round's own chain is removed)
        data["approval_chain"] = " ".join(form.getlist("approval_chain"))
        data["report_chain"] = " ".join(form.getlist("report_chain"))
        if round_id:
            for key in ("compile_days", "report_days"):  # emptied: no such stage
                data.setdefault(key, "")
            for key in ("prepare_due", "submit_due", "verify_due"):
                # emptied: counted again, as the form says (it kept the date
                # typed); a date left as it was is not emptied (a deadline
                # typed earlier went back to the counted one, a week earlier,
                # and the producers were told so, when only the description
                # changed)
                if key in form and key not in locked and key not in untouched:
                    data.setdefault(key, "")
            for key in ("title", "period", "description"):
                # emptied texts are changes too (an emptied title was
                # answered "saved" and kept, an emptied period stayed)
                if key in form:
                    data.setdefault(key, "")
            data["id"] = round_id
            data.pop("name", None)
        saved, errors = save(action, data, forbidden=_managing_refused(),
                             not_found=tk._("Collection round not found"))
        if saved:
            tk.h.flash_success(tk._("The collection round is saved."))
            return tk.redirect_to("satudata_round.read", round_id=saved["name"])
        data.update(untouched)  # shown again as they were (they came back empty)
    for key in ("approval_chain", "report_chain"):
        if isinstance(data.get(key), list):
            data = dict(data, **{key: " ".join(data[key])})
    return tk.render("satudata/workflow/round_form.html", {
        "data": data, "errors": errors, "round_id": round_id, "locked": locked,
        "site_chain": tk.h.satudata_approval_chain(),
        "site_chain_labels": " → ".join(tk.h.satudata_role_label(role)
                                        for role in tk.h.satudata_approval_chain()),
    }), (400 if errors else 200)


@satudata_round.route("/<round_id>", strict_slashes=False)  # with a slash too
def read(round_id: str, document_title: str = "") -> Any:
    """The round's page (``document_title``: what the document form keeps
    after a refused upload)."""
    round_ = call("satudata_round_show", {"id": round_id})
    ref = {"id": round_["id"]}
    today = workdays.today().isoformat()
    return tk.render("satudata/workflow/round.html", {
        "round": round_, "states": states(), "spans": _spans(round_),
        # sent now, its requests would be late at once (the deadlines are
        # counted from its start date): said before it is sent
        "past_deadlines": [key for key in ("prepare_due", "submit_due")
                           if (round_.get(key) or "9999") < today],
        # and it is not sent then, unless the portal allows it
        "send_after_deadline": tk.config.get("satudata.round.send_after_deadline"),
        "can_edit": can("satudata_round_update", ref),
        "can_send": can("satudata_round_send", ref),
        "can_export": can("satudata_round_export", ref),
        "can_advance": round_["state"] != "draft" and round_["stage"] not in ("report", "done")
        and can("satudata_round_advance", ref),
        # a round without a report stage has none, done or not (its link led to a 404)
        "can_see_report": (round_["stage"] == "report" or round_["stage"] == "done"
                           and bool(round_.get("report_days")))
        and can("satudata_round_report_show", ref),
        "letters": call("satudata_letter_list", ref),
        "documents": call("satudata_round_document_list", ref),
        "can_issue": can("satudata_letter_issue", ref),
        "can_upload": can("satudata_round_document_create", ref),
        "max_size": tk.config.get("satudata.round_document.max_size"),
        "document_title": document_title,
    })


@satudata_round.route("/<round_id>/tahap", methods=["POST"])
def advance(round_id: str) -> Any:
    call("satudata_round_show", {"id": round_id})  # a round that is not: 404
    if not confirmed() and can("satudata_round_advance", {"id": round_id}):
        # it ends the stage for every OPD: confirmed on the server too
        tk.h.flash_error(tk._("Tick the confirmation to move the round on."))
        return tk.redirect_to("satudata_round.read", round_id=round_id)
    post("satudata_round_advance", {"id": round_id, "stage": tk.request.form.get("stage")},
         tk._("The round moved on to its next stage."),
         forbidden=_managing_refused(), not_found=tk._("Collection round not found"))
    return tk.redirect_to("satudata_round.read", round_id=round_id)


@satudata_round.route("/<round_id>/status", methods=["POST"])
def set_state(round_id: str) -> Any:
    """Close a sent round (it takes no more data) or reopen it: the
    messages of a closed round's refusals send the walidata here."""
    call("satudata_round_show", {"id": round_id})  # a round that is not: 404
    state = tk.request.form.get("state")
    if state not in ("open", "closed"):
        return tk.abort(400, tk._("Choose whether to close or to reopen the round"))
    if not confirmed() and can("satudata_round_update", {"id": round_id}):
        tk.h.flash_error(tk._("Tick the confirmation to close the round.") if state == "closed"
                         else tk._("Tick the confirmation to reopen the round."))
        return tk.redirect_to("satudata_round.read", round_id=round_id)
    post("satudata_round_update", {"id": round_id, "state": state,
                                   "modified": tk.request.form.get("modified")},
         tk._("The round is closed: it takes no more data.") if state == "closed"
         else tk._("The round is open again: its OPDs can deliver."),
         forbidden=_managing_refused(), not_found=tk._("Collection round not found"))
    return tk.redirect_to("satudata_round.read", round_id=round_id)


_REPORT_DONE = {
    "submit": lambda: tk._("The report was submitted for approval."),
    "approve": lambda: tk._("The report was approved."),
    "return": lambda: tk._("The report was returned for revision."),
}


@satudata_round.route("/<round_id>/laporan", methods=["GET", "POST"], strict_slashes=False)
def report(round_id: str) -> Any:
    """A round's report: the walidata staff read it; its drafters edit and
    submit it, each level of the chain approves or returns it."""
    round_ = call("satudata_round_show", {"id": round_id})
    typed: dict[str, str] = {}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        step = form.get("step", "")
        data = {"id": round_["id"], "version": form.get("version") or None}
        if step in _REPORT_DONE:
            typed = {"step": step, "note": form.get("note", "")}
            action, done = f"satudata_round_report_{step}", _REPORT_DONE[step]()
            data["note"] = typed["note"]
            if "body" in form and step == "submit":
                # the text typed beside "submit" goes with it (it went to
                # approval as it was, what was typed lost without a word)
                typed["body"] = data["body"] = form.get("body", "")
        else:
            typed = {"body": form.get("body", "")}
            action, done = "satudata_round_report_update", tk._("The report is saved.")
            data["body"] = typed["body"]
        # a refusal of a reader of the report: it moved on, or never was theirs
        _saved, errors = save(action, data, forbidden=tk._("Not authorized to see this page"),
                              not_found=tk._("This round has no report yet"),
                              readable=("satudata_round_report_show", {"id": round_["id"]}))
        if not errors:
            if step == "approve" and (_saved or {}).get("waiting_for_label"):
                # a level's approval, not the report's ("The report was
                # approved." while it waited for the Kabid)
                done = tk._("Your approval is recorded: the report now waits for "
                            "%(level)s.") % {"level": _saved["waiting_for_label"]}
            tk.h.flash_success(done)
            return tk.redirect_to("satudata_round.report", round_id=round_id)
    report_dict = call("satudata_round_report_show", {"id": round_["id"]})
    # refused for a newer version: what was saved meanwhile is shown beside
    # the text typed (a second save replaced it unseen); a step the report
    # has moved past: where it is now (the page says both, so "reload and
    # try again", which loses what was typed, is not said)
    stale = "body" in typed and "version" in errors
    moved = bool(typed.get("step")) and typed["step"] not in report_dict["allowed_steps"]
    told = {"version", "step"} if moved else {"version"} if stale else set()
    # a step's note refused: said at its field, which takes the focus (a
    # flash at the top only, the field unmarked)
    note_errors = errors.get("note") if typed.get("step") and not moved else None
    if note_errors:
        told.add("note")
    # refused (changed meanwhile, too long, no reason): the form again,
    # with what was typed and why
    for message in error_list(tk.ValidationError(
            {key: value for key, value in errors.items() if key not in told})):
        tk.h.flash_error(message)
    page = tk.render("satudata/workflow/round_report.html", {
        "round": round_, "report": report_dict, "typed": typed, "stale": stale,
        "note_errors": note_errors or [],
    })
    return (page, 400) if typed else page


@satudata_round.route("/<round_id>/surat/<letter_id>.pdf")
def letter(round_id: str, letter_id: str) -> Any:
    return file_response(call("satudata_letter_export", {"id": letter_id, "round_id": round_id}))


@satudata_round.route("/<round_id>/berita-acara", methods=["POST"])
def issue_record(round_id: str) -> Any:
    post("satudata_letter_issue", {"id": round_id, "kind": "berita_acara"},
         tk._("Berita Acara %(number)s is issued."),
         forbidden=tk._("Only verifiers and walidata administrators can issue the Berita "
                        "Acara"),
         not_found=tk._("Collection round not found"))
    return tk.redirect_to("satudata_round.read", round_id=round_id)


@satudata_round.route("/<round_id>/dokumen", methods=["GET", "POST"])
def upload_document(round_id: str) -> Any:
    if tk.request.method == "GET":
        # a refused upload shows the round's page at this address: reloading
        # it or switching the language there answered 404
        return tk.redirect_to("satudata_round.read", round_id=round_id)
    title = tk.request.form.get("title", "")
    uploaded = post("satudata_round_document_create",
                    {"id": round_id, "title": title, "upload": tk.request.files.get("upload")},
                    tk._("The document %(title)s is uploaded."),
                    forbidden=tk._("Only walidata staff can manage the documents of a round"),
                    not_found=tk._("Collection round not found"))
    if uploaded is None:  # refused: the page again, the description kept
        return read(round_id, document_title=title), 400
    return tk.redirect_to("satudata_round.read", round_id=round_id)


@satudata_round.route("/<round_id>/dokumen/<document_id>")
def document(round_id: str, document_id: str) -> Any:
    return file_response(call("satudata_round_document_export",
                              {"id": document_id, "round_id": round_id}))


def _confirm(round_: dict[str, Any], heading: str, message: str, button: str) -> Any:
    """The page asking to confirm a deletion its link leads to before the
    page's scripts (their dialog) started: a tap then opened "not found"."""
    return tk.render("satudata/workflow/round_confirm.html", {
        "round": round_, "heading": heading, "message": message, "button": button})


@satudata_round.route("/<round_id>/dokumen/<document_id>/hapus", methods=["GET", "POST"])
def delete_document(round_id: str, document_id: str) -> Any:
    if tk.request.method == "GET":
        round_ = call("satudata_round_show", {"id": round_id})
        doc = next((d for d in call("satudata_round_document_list", {"id": round_["id"]})
                    if d["id"] == document_id), None)
        if doc is None:
            return tk.abort(404, tk._("Document not found"))
        if not can("satudata_round_document_delete", {"id": document_id}):
            return tk.abort(403, tk._("Only walidata staff can manage the documents of a round"))
        return _confirm(round_, tk._("Remove the document"), tk._(
            "Remove the document %(title)s? The OPDs of the round can no longer download it."
        ) % {"title": doc["title"]}, tk._("Remove"))
    post("satudata_round_document_delete", {"id": document_id},
         tk._("The document is removed."),
         forbidden=tk._("Only walidata staff can manage the documents of a round"),
         not_found=tk._("Document not found"))
    return tk.redirect_to("satudata_round.read", round_id=round_id)


@satudata_round.route("/<round_id>/hapus", methods=["GET", "POST"])
def delete(round_id: str) -> Any:
    if tk.request.method == "GET":
        round_ = call("satudata_round_show", {"id": round_id})
        if not can("satudata_round_delete", {"id": round_["id"]}):
            return tk.abort(403, _managing_refused())
        if round_["counts"]["total"]:  # sent: closed instead, as its page says
            return tk.redirect_to("satudata_round.read", round_id=round_["name"])
        return _confirm(round_, tk._("Delete the round"), tk._(
            "Delete this round? It was never sent; its documents are deleted with it."),
            tk._("Delete"))
    deleted = post("satudata_round_delete", {"id": round_id}, tk._("The round is deleted."),
                   forbidden=_managing_refused(), not_found=tk._("Collection round not found"))
    if not deleted:  # sent: it stays, and its page says why
        return tk.redirect_to("satudata_round.read", round_id=round_id)
    return tk.redirect_to("satudata_round.index")


@satudata_round.route("/<round_id>/send", methods=["POST"])
def send(round_id: str) -> Any:
    call("satudata_round_show", {"id": round_id})  # a round that is not: 404
    if not confirmed() and can("satudata_round_send", {"id": round_id}):
        # it reaches every OPD at once: confirmed on the server too
        tk.h.flash_error(tk._("Tick the confirmation to send the requests."))
        return tk.redirect_to("satudata_round.read", round_id=round_id)
    sent = post("satudata_round_send", {"id": round_id,
                                        "new_datasets": tk.request.form.get("new_datasets")},
                lambda sent: tk.ungettext("%(num)s request sent to the OPDs.",
                                          "%(num)s requests sent to the OPDs.",
                                          sent["created"]) % {"num": sent["created"]}
                if sent["created"] or sent["held_back"] else tk._(
                    # a second officer's click: "0 requests sent", in green
                    "No new request: every item of this round had already been sent "
                    "to its OPD."),
                forbidden=tk._(
                    "Only walidata administrators and the staff who send them can send "
                    "rounds"),
                not_found=tk._("Collection round not found"))
    waiting = [i for i in (sent or {}).get("held_back") or [] if not i["round"]["closed"]]
    stuck = [i for i in (sent or {}).get("held_back") or [] if i["round"]["closed"]]
    if waiting:
        tk.h.flash_notice(tk._(
            "Not sent yet, their earlier period is not released (or was withdrawn): "
            "%(items)s. Send the round again once it is public, so that the indicator "
            "keeps one dataset.") % {"items": "; ".join(i["title"] for i in waiting)})
    if stuck:
        # a closed round takes no more data: its request is never released
        tk.h.flash_error(tk._(
            "The earlier request of these items is still open in a closed round, which "
            "takes no more data: %(items)s. Cancel that request, or reopen its round, then "
            "send this round again.") % {"items": "; ".join(
                f"{i['title']} ({i['round']['title']})" for i in stuck)})
    if sent and sent["without_producers"]:
        tk.h.flash_error(tk._(
            "No producer (an editor or admin of the OPD) received these requests: "
            "%(opds)s. Add a producer to each of these OPDs; they find the requests "
            "in their queue.") % {
                "opds": "; ".join(o["title"] for o in sent["without_producers"])})
    return tk.redirect_to("satudata_round.read", round_id=round_id)


@satudata_round.route("/<round_id>/status.xlsx")
def export(round_id: str) -> Any:
    return file_response(call("satudata_round_export", {"id": round_id}))


def _spans(round_: dict[str, Any]) -> dict[str, Optional[int]]:
    """The working days each deadline of the round gives, counted from the
    date before it (a deadline typed by hand said the count it replaced:
    "11 Januari 2027 (12 hari kerja)" for 18)."""
    dates = [datetime.date.fromisoformat(round_[key]) if round_.get(key) else None
             for key in ("start_date", "prepare_due", "submit_due", "verify_due")]
    return {key: workdays.working_days_between(since, due) if since and due else None
            for key, since, due in zip(("prepare_due", "submit_due", "verify_due"),
                                       dates, dates[1:])}

# -*- coding: utf-8 -*-
"""``/permintaan-data/forum``: the Forum Satu Data's page. Its members pick
the requests waiting at the forum's level of the approval chain and decide
them together (one decision: the decree number, the meeting date, the
Berita Acara); the Berita Acara of a decision is downloaded from the
timelines of its requests."""
from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, send_file

import ckan.plugins.toolkit as tk

from ..lib import roles, storage
from ._common import call, can, context, error_list

satudata_forum = Blueprint("satudata_forum", __name__, url_prefix="/permintaan-data/forum")


def _waiting() -> list[dict[str, Any]]:
    """The requests waiting at the forum's level that the user can act on."""
    role = roles.forum_role()
    result = call("satudata_request_list", {"actionable": True, "state": "verified",
                                            "limit": 1000, "sort": "organization"})
    return [r for r in result["results"] if role and r["waiting_for"] == role]


@satudata_forum.route("", methods=["GET", "POST"])
def index() -> Any:
    if roles.forum_role() is None:  # no level of the chain is the forum here
        if not tk.current_user.is_authenticated or not tk.current_user.sysadmin:
            return tk.abort(404)  # the setting's name is for the administrator
        return tk.abort(404, tk._(
            "The Forum Satu Data is not a level of this portal's approval chain "
            "(satudata.forum_level)"))
    if not can("satudata_forum_decide"):
        return tk.abort(403, tk._("Only members of the Forum Satu Data can record its decisions"))
    errors: dict[str, Any] = {}
    form = tk.request.form if tk.request.method == "POST" else {}
    if tk.request.method == "POST":
        data = {
            "ids": form.getlist("ids"), "decision": form.get("decision", ""),
            "decree_number": form.get("decree_number", ""),
            "meeting_date": form.get("meeting_date", ""), "reason": form.get("reason", ""),
            "berita_acara": tk.request.files.get("berita_acara"),
        }
        try:
            decision = tk.get_action("satudata_forum_decide")(context(), data)
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only members of the Forum Satu Data can record its decisions"))
        except tk.ValidationError as e:
            errors = e.error_dict or {}
            for message in error_list(e):
                tk.h.flash_error(message)
        else:
            tk.h.flash_success(tk._(
                "The forum's decision no. %(number)s is recorded for %(n)s request(s).") % {
                    "number": decision["decree_number"], "n": len(decision["request_ids"])})
            return tk.redirect_to("satudata_forum.index")
    return tk.render("satudata/workflow/forum.html", {
        "requests": _waiting(), "errors": errors, "form": form,
        "chosen": set(form.getlist("ids")) if form else set(),
    }), (400 if errors else 200)


@satudata_forum.route("/keputusan/<decision_id>/berita-acara.pdf")
def berita_acara(decision_id: str) -> Any:
    """The Berita Acara of a decision, for whoever may see one of its requests."""
    decision = call("satudata_forum_decision_show", {"id": decision_id})
    path = storage.berita_acara_path(decision["id"])
    if not path or not os.path.exists(path):
        return tk.abort(404, tk._("Not found"))
    return send_file(path, mimetype="application/pdf",
                     download_name=f"berita-acara-{decision['decree_number']}.pdf"
                     .replace("/", "-").replace(" ", "-"))

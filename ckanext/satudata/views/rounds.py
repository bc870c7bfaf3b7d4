# -*- coding: utf-8 -*-
"""``/permintaan-data/putaran``: collection rounds: create, edit, send the
requests, export the status as XLSX."""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ._common import args, call, can, file_response, post, save, states

satudata_round = Blueprint("satudata_round", __name__, url_prefix="/permintaan-data/putaran")


_ROUND_FIELDS = ("name", "title", "year", "period", "description", "start_date",
                 "prepare_days", "submit_days", "verify_days", "approval_days",
                 "prepare_due", "submit_due", "verify_due", "late_policy")


@satudata_round.route("")
def index() -> Any:
    result = call("satudata_round_list", args("year", "state"))
    return tk.render("satudata/workflow/rounds.html", {
        "result": result, "can_manage": can("satudata_round_create"),
    })


@satudata_round.route("/new", methods=["GET", "POST"])
@satudata_round.route("/<round_id>/edit", methods=["GET", "POST"])
def edit(round_id: Optional[str] = None) -> Any:
    action = "satudata_round_update" if round_id else "satudata_round_create"
    if not can(action, {"id": round_id} if round_id else {}):
        return tk.abort(403, tk._("Only walidata administrators can manage collection rounds"))
    data: dict[str, Any] = call("satudata_round_show", {"id": round_id}) if round_id else {}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        data = {k: form.get(k) for k in _ROUND_FIELDS if form.get(k)}
        # empty: the site's chain (also when a round's own chain is removed)
        data["approval_chain"] = form.get("approval_chain", "")
        if round_id:
            data["id"] = round_id
            data.pop("name", None)
        saved, errors = save(action, data, forbidden=tk._(
            "Only walidata administrators can manage collection rounds"),
            not_found=tk._("Collection round not found"))
        if saved:
            tk.h.flash_success(tk._("The collection round is saved."))
            return tk.redirect_to("satudata_round.read", round_id=saved["name"])
    chain = data.get("approval_chain")
    if isinstance(chain, list):
        data = dict(data, approval_chain=" ".join(chain))
    return tk.render("satudata/workflow/round_form.html", {
        "data": data, "errors": errors, "round_id": round_id,
        "site_chain": tk.h.satudata_approval_chain(),
    }), (400 if errors else 200)


@satudata_round.route("/<round_id>")
def read(round_id: str) -> Any:
    round_ = call("satudata_round_show", {"id": round_id})
    return tk.render("satudata/workflow/round.html", {
        "round": round_, "states": states(),
        "can_manage": can("satudata_round_send", {"id": round_["id"]}),
        "can_export": can("satudata_round_export", {"id": round_["id"]}),
    })


@satudata_round.route("/<round_id>/send", methods=["POST"])
def send(round_id: str) -> Any:
    post("satudata_round_send", {"id": round_id},
         tk._("%(created)s request(s) sent to the OPDs."),
         forbidden=tk._("Only walidata administrators can manage collection rounds"),
         not_found=tk._("Collection round not found"))
    return tk.redirect_to("satudata_round.read", round_id=round_id)


@satudata_round.route("/<round_id>/status.xlsx")
def export(round_id: str) -> Any:
    return file_response(call("satudata_round_export", {"id": round_id}))

# -*- coding: utf-8 -*-
"""``/permintaan-data/daftar-data``: the Daftar Data (walidata), its items'
form and SK decree, the XLSX template and import."""
from __future__ import annotations

import datetime
from typing import Any, Optional

from flask import Blueprint, send_file

import ckan.plugins.toolkit as tk

from ..lib import storage
from ._common import (PAGE_SIZE, args, call, call_filtered, can, context, error_list,
                      file_response, organization_list, organization_options, page_number,
                      save)

satudata_daftar_data = Blueprint("satudata_daftar_data", __name__,
                                 url_prefix="/permintaan-data/daftar-data")


_ITEM_FIELDS = ("title", "owner_org", "year", "update_frequency", "unit",
                "description", "sk_number", "sk_date", "sk_url", "submit_days", "modified")


@satudata_daftar_data.route("")
@satudata_daftar_data.route("/")  # the address with a trailing slash too
def index() -> Any:
    typed = args("year", "owner_org", "q")
    page = page_number()
    result, filters = call_filtered("satudata_daftar_data_list", typed,
                                    {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    pages = max(1, -(-result["count"] // PAGE_SIZE))
    if page > pages:  # past the last page ("118 items", an empty table, "page 4 of 3")
        return tk.redirect_to("satudata_daftar_data.index", page=pages, **filters)
    organizations = organization_list()
    return tk.render("satudata/workflow/daftar_data.html", {
        "result": result, "filters": filters, "typed": typed, "organizations": organizations,
        "page": page, "pages": pages,
        "can_manage": can("satudata_daftar_data_create"),
    })


@satudata_daftar_data.route("/new", methods=["GET", "POST"])
@satudata_daftar_data.route("/<item_id>/edit", methods=["GET", "POST"])
def edit(item_id: Optional[str] = None) -> Any:
    action = "satudata_daftar_data_update" if item_id else "satudata_daftar_data_create"
    if not can(action, {"id": item_id} if item_id else {}):
        return tk.abort(403, tk._(
            "Only walidata administrators and the staff who keep it can manage the Daftar Data"))
    # a new item: of the year whose list it was added from
    year = tk.request.args.get("year", "")
    data: dict[str, Any] = call("satudata_daftar_data_show", {"id": item_id}) \
        if item_id else {"year": year if year.isascii() and year.isdigit() and len(year) == 4
                         else datetime.date.today().year, "active": True}
    events = data.get("events") or []  # the item's trail, under the form
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        data = {k: form.get(k, "") for k in _ITEM_FIELDS}
        data = {k: v for k, v in data.items() if v != "" or item_id}
        data["government_affairs"] = form.getlist("government_affairs")
        # a checkbox not ticked is not sent; what one sends is the action's
        # to read ("0", "false" or "no" were stored as ticked)
        data["priority"] = form.get("priority") or False
        data["submit_calendar_days"] = form.get("submit_calendar_days") or False
        if tk.request.files.get("sk_upload"):
            data["sk_upload"] = tk.request.files["sk_upload"]
        data["active"] = form.get("active") or False
        if item_id:
            data["id"] = item_id
        saved, errors = save(action, data, forbidden=tk._(
            "Only walidata administrators and the staff who keep it can manage the Daftar Data"),
            not_found=tk._("Daftar Data item not found"))
        if saved:
            tk.h.flash_success(tk._("The Daftar Data item is saved."))
            # back to the list of its year
            return tk.redirect_to("satudata_daftar_data.index", year=saved["year"])
    org_options = organization_options("")
    # a browser sends no file back with the form: a decree chosen before
    # another field's error was dropped without a word, the item then saved
    # without it
    upload = tk.request.files.get("sk_upload") if errors else None
    dropped = upload.filename if upload and "sk_upload" not in errors else ""
    return tk.render("satudata/workflow/daftar_data_form.html", {
        "data": data, "errors": errors, "item_id": item_id, "org_options": org_options,
        "events": events, "dropped_file": dropped,
    }), (400 if errors else 200)


@satudata_daftar_data.route("/<item_id>/sk.pdf")
def sk(item_id: str) -> Any:
    """The stored SK decree of an item, for those who may see the item."""
    call("satudata_daftar_data_show", {"id": item_id})
    path = storage.stored_sk(item_id)
    if not path:
        return tk.abort(404, tk._("Not found"))
    return send_file(path, mimetype="application/pdf", download_name=f"sk-{item_id}.pdf")


@satudata_daftar_data.route("/<item_id>/delete", methods=["POST"])
def delete(item_id: str) -> Any:
    item = call("satudata_daftar_data_show", {"id": item_id})  # an item that is not: 404
    try:
        deleted = tk.get_action("satudata_daftar_data_delete")(context(), {
            "id": item_id, "modified": tk.request.form.get("modified")})["deleted"]
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ValidationError as error:  # changed since its page was opened, or kept
        tk.h.flash_error(tk._(
            "Someone else changed this item since you opened its page: it was not "
            "deleted. Read their change below, then delete it again if it should go")
            if "modified" in error.error_dict else "; ".join(error_list(error)))
        return tk.redirect_to("satudata_daftar_data.edit", item_id=item_id)
    if deleted:
        tk.h.flash_success(tk._("The Daftar Data item is deleted."))
    else:
        tk.h.flash_success(tk._("The Daftar Data item was already requested: it is "
                                "deactivated (no longer requested), and its history stays."))
    # the list of its year (it was this year's, where the item is not)
    return tk.redirect_to("satudata_daftar_data.index", year=item["year"])


@satudata_daftar_data.route("/template.xlsx")
def template() -> Any:
    # with ?year=: that year's Daftar Data in it
    year = tk.request.args.get("year", "")
    return file_response(call("satudata_daftar_data_template", {"year": year} if year else {}))


@satudata_daftar_data.route("/import", methods=["GET", "POST"])
def import_form() -> Any:
    if not can("satudata_daftar_data_import"):
        return tk.abort(403, tk._(
            "Only walidata administrators and the staff who keep it can manage the Daftar Data"))
    errors: dict[str, Any] = {}
    year = tk.request.form.get("year") or tk.request.args.get("year") or ""
    if tk.request.method == "POST":
        try:
            result = tk.get_action("satudata_daftar_data_import")(context(), {
                "upload": tk.request.files.get("upload"), "year": year})
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only walidata administrators and the staff who keep "
                                      "it can manage the Daftar Data"))
        except tk.ValidationError as e:
            errors = e.error_dict  # type: ignore[assignment]  (labelled by the template)
        else:
            tk.h.flash_success(tk._("Daftar Data imported: %(created)s new, %(updated)s "
                                    "updated, %(unchanged)s unchanged.") % result)
            return tk.redirect_to("satudata_daftar_data.index", year=year)
    return tk.render("satudata/workflow/daftar_data_import.html", {
        "errors": errors, "year": year}), (400 if errors else 200)

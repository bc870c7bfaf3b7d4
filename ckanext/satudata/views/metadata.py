# -*- coding: utf-8 -*-
"""The Excel side of the metadata: download a dataset's XLSX template, and
the form that imports a filled-in one (actions satudata_metadata_template
and satudata_metadata_import do the work)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ._common import context as user_context, file_response

satudata_metadata = Blueprint("satudata_metadata", __name__)


def _dataset_or_abort(context: Context, id: str) -> dict[str, Any]:
    try:
        return tk.get_action("package_show")(dict(context), {"id": id})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Unauthorized to read dataset %s") % id)


@satudata_metadata.route("/dataset/<id>/metadata/template.xlsx")
def template(id: str) -> Response:
    """The XLSX template of the dataset, pre-filled."""
    context = user_context()
    try:
        result = tk.get_action("satudata_metadata_template")(context, {"id": id})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Unauthorized to edit the metadata of this dataset"))
    return file_response(result)


@satudata_metadata.route("/dataset/<id>/metadata/import", methods=["GET", "POST"])
def import_form(id: str) -> Any:
    """GET: the upload form; POST: import the file, or show its errors."""
    context = user_context()
    pkg = _dataset_or_abort(context, id)
    try:
        tk.check_access("satudata_metadata_import", dict(context), {"id": pkg["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return tk.abort(403, tk._("Unauthorized to edit the metadata of this dataset"))

    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        try:
            result = tk.get_action("satudata_metadata_import")(
                context, {"id": pkg["id"], "upload": tk.request.files.get("upload")})
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Unauthorized to edit the metadata of this dataset"))
        except tk.ValidationError as e:
            errors = e.error_dict  # type: ignore[assignment]
        else:
            tk.h.flash_success(
                tk._("Metadata imported from Excel: %(count)s fields. Completeness %(percent)s%%.")
                % {"count": len(result["fields"]),
                   "percent": result["completeness"]["percent"]})
            return tk.redirect_to("dataset.read", id=result["dataset"]["name"])

    return tk.render("satudata/metadata_import.html", {
        "pkg_dict": pkg, "pkg": pkg, "dataset_type": pkg["type"],
        "errors": errors, "error_list": [m for msgs in errors.values() for m in msgs],
    }), (400 if errors else 200)

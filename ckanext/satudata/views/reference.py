# -*- coding: utf-8 -*-
"""``/kode/<list>/<code>``: the page of a reference code (a region of
Kemendagri, an urusan pemerintahan…). The DCAT export names a dataset's
region and urusan by these addresses (``profiles.code_uri``), so a harvester
or a reader following one finds the code, its labels in both languages, its
list, and the public datasets that carry it."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from .. import search
from ..lib import reference

satudata_reference = Blueprint("satudata_reference", __name__)


@satudata_reference.route("/kode/<list_name>/<code>")
def code(list_name: str, code: str) -> Any:
    entry = reference.get(list_name, code) if list_name in reference.LIST_NAMES else None
    if entry is None:
        return tk.abort(404, tk._("Code not found"))
    # the dataset search filtered by the code, when a facet carries it
    facet = next((name for name, (_field, listed) in search.FACET_FIELDS.items()
                  if listed == list_name), None)
    label = (reference.wilayah_label(code, reference.current_language())
             if list_name == reference.WILAYAH else entry.label())
    if facet and list_name == reference.WILAYAH and entry.level == "province":
        # a province's datasets are those of its regencies too (64 holds 64.71)
        search_url = tk.h.url_for("dataset.search", q=f"{facet}:{code} OR {facet}:{code}.*")
    elif facet:
        search_url = tk.h.url_for("dataset.search", **{facet: code})
    else:
        search_url = None
    return tk.render("satudata/reference_code.html", {
        "entry": entry, "label": label, "list_name": list_name,
        "list_title": reference.list_title(list_name), "search_url": search_url,
    })

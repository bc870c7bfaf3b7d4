# -*- coding: utf-8 -*-
"""``/kode/<list>/<code>``: the page of a reference code (a region of
Kemendagri, an urusan pemerintahan…). The DCAT export names a dataset's
region and urusan by these addresses (``profiles.code_uri``), so a harvester
or a reader following one finds the code, its labels in both languages, its
list, and the public datasets that carry it.

``/hari-libur``: the days off the portal counts working days around (the
public holidays and cuti bersama of a year), each said estimated while the
year's decree is not known to the portal: the deadlines a producer or an
officer reads are counted on them, and nothing showed them."""
from __future__ import annotations

import datetime
from typing import Any

from babel.dates import format_date
from flask import Blueprint

import ckan.plugins.toolkit as tk

from .. import search
from ..lib import reference, workdays

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
        search_url = tk.h.url_for("dataset.search", **{search.REGION_WITHIN: code})
    elif facet:
        search_url = tk.h.url_for("dataset.search", **{facet: code})
    else:
        search_url = None
    return tk.render("satudata/reference_code.html", {
        "entry": entry, "label": label, "list_name": list_name,
        "list_title": reference.list_title(list_name), "search_url": search_url,
    })


@satudata_reference.route("/hari-libur")
def holidays() -> Any:
    this_year = workdays.today().year
    try:
        year = int(tk.request.args.get("tahun") or this_year)
    except ValueError:
        return tk.abort(400, tk._("The year must be a number, e.g. %(year)s") % {
            "year": this_year})
    if not 2000 <= year <= 2100:
        return tk.abort(404, tk._("The portal counts working days from 2000 to 2100"))
    return tk.render("satudata/holidays.html", {
        "year": year, "this_year": this_year,
        # the day of the week beside the date ("Senin, 17 Agustus 2026")
        "days": [(format_date(day, "EEEE, d MMMM y", locale=reference.current_language()),
                  name) for day, name in sorted(workdays.holidays_in(
                      year, reference.current_language()).items())],
        "estimated": bool(workdays.estimated_years(datetime.date(year, 1, 1))),
    })

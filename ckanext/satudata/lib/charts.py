# -*- coding: utf-8 -*-
"""Charts of indicator tables (issue H, item 4): the resource view
``satudata_chart`` draws a table loaded in the DataStore over its periods (a
line) or across its wilayah (bars), with Chart.js (from npm, vendored into
the extension's webassets by ``scripts/bootstrap.sh``).

The figures come from ``datastore_search`` **as the viewer**: the chart of
unpublished data is refused exactly as its table is (``logic/auth/
chained.py``). The dataset page shows the chart of its first table only
when the dataset is public.
"""
from __future__ import annotations

import math

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from . import validation

__all__ = ["VIEW", "info", "can_view", "chart_data", "viewer_chart", "dataset_chart",
           "MAX_ROWS"]

VIEW = "satudata_chart"
#: the columns of a period (line chart), then of a wilayah (bar chart), by name
PERIOD_COLUMNS = ("tahun", "tahun_data", "year", "periode", "semester", "triwulan", "bulan")
AREA_COLUMNS = ("nama_wilayah", "wilayah", "kabupaten_kota", "nama_kabupaten_kota", "kabupaten",
                "kota", "provinsi", "kelurahan", "nama_kelurahan", "desa_kelurahan",
                "kecamatan", "nama_kecamatan", "desa", "kode_wilayah",
                "kode_kabupaten_kota", "kode_kab_kota", "kode_kecamatan", "kode_provinsi")
#: the measure, in order of preference: a count by its name, a numeric
#: column named like a count, a share by its name, any numeric column
COUNT_COLUMNS = ("jumlah", "nilai", "value", "total")
COUNT_PREFIXES = ("jumlah", "banyak", "total", "nilai")
SHARE_COLUMNS = ("persentase",)
#: a measure whose name says it is a share or a rate is averaged over the
#: rows of a period or wilayah, never summed (three kecamatan's percentages
#: made a year's 127.5 %)
RATE_WORDS = ("persen", "rasio", "rata", "indeks", "proporsi", "tingkat", "angka", "laju")
NUMERIC = ("int", "numeric", "float", "double", "real", "bigint", "smallint")
#: rows read for a chart (an indicator table has a few hundred at most)
MAX_ROWS = 5000


def info() -> dict[str, Any]:
    """``IResourceView.info``."""
    return {"name": VIEW, "title": tk._("Chart"), "icon": "chart-bar",
            "default_title": tk._("Chart"), "requires_datastore": True,
            "iframed": False, "always_available": False,
            "preview_enabled": False, "full_page_edit": False}


def can_view(data_dict: dict[str, Any]) -> bool:
    """A table in the DataStore."""
    return bool(data_dict.get("resource", {}).get("datastore_active"))


def _candidates(fields: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """The charts a table's columns allow, in order of preference: (x
    column, measure column, "period"/"area")."""
    # matched as the data check matches them ("Nama Kecamatan" is nama_kecamatan)
    names = {validation.normalize(f["id"]): f["id"] for f in fields if f["id"] != "_id"}
    # a year or a code is no measure (a bar of 2040 per kecamatan)
    numeric = [f["id"] for f in fields if f["id"] != "_id"
               and any(t in str(f.get("type", "")).lower() for t in NUMERIC)
               and not validation.names_a_label(f["id"])]
    found = []
    for kind, candidates in (("period", PERIOD_COLUMNS), ("area", AREA_COLUMNS)):
        x = next((names[c] for c in candidates if c in names), None)
        if x is None:
            continue
        others = [n for n in numeric if n != x]
        ranked = ([names[c] for c in COUNT_COLUMNS if c in names and names[c] != x]
                  + [n for n in others if validation.normalize(n).startswith(COUNT_PREFIXES)]
                  + [names[c] for c in SHARE_COLUMNS if c in names and names[c] != x]
                  + others)
        measure = next(iter(ranked), None)
        if measure:
            found.append((x, measure, kind))
    return found


def _is_rate(column: str) -> bool:
    return any(word in validation.normalize(column) for word in RATE_WORDS)


def _number(value: Any) -> Optional[float]:
    """A figure: a number as the DataStore holds it, or a text cell written
    the way the data check reads it (``1.234`` is 1234, ``12,5`` 12.5)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(validation.plain_number(str(value).strip()))
        except (TypeError, ValueError):
            return None
    # "NaN", "Infinity": no figure (written into the page's JSON, they made
    # it unreadable: an empty chart under its caption)
    return number if math.isfinite(number) else None


def chart_data(context: dict[str, Any], resource_id: str) -> Optional[dict[str, Any]]:
    """The chart of a table as ``context``'s user may read it: ``{"kind":
    "period"|"area", "x", "y", "labels", "values", "rows"}`` (the measure
    summed per period or wilayah, a share or a rate averaged, in the table's
    order of first appearance;
    periods sorted), or None when the table has no such columns.

    :raises tk.NotAuthorized: the user may not read the table
    """
    search = tk.get_action("datastore_search")
    fields = search(dict(context), {"resource_id": resource_id, "limit": 0})["fields"]
    candidates = _candidates(fields)
    for x, y, kind in candidates:
        records = search(dict(context), {"resource_id": resource_id, "fields": [x, y],
                                         "limit": MAX_ROWS})["records"]
        sums: dict[str, float] = {}
        counted: dict[str, int] = {}
        for record in records:
            value = _number(record.get(y))
            label = str(record.get(x) if record.get(x) is not None else "")
            if value is None or not label:
                continue
            label = label[:-2] if label.endswith(".0") else label
            sums[label] = sums.get(label, 0.0) + value
            counted[label] = counted.get(label, 0) + 1
        if _is_rate(y):  # a share is averaged, never summed
            sums = {label: total / counted[label] for label, total in sums.items()}
        # one period (a year's table by kecamatan) is one dot: its wilayah
        # make the chart, when the table has them
        if not sums or (len(sums) < 2 and (x, y, kind) != candidates[-1]):
            continue
        labels = sorted(sums) if kind == "period" else list(sums)
        return {"kind": kind, "x": x, "y": y, "labels": labels,
                "values": [round(sums[label], 6) for label in labels], "rows": len(records)}
    return None


def viewer_chart(user: Optional[str], resource_id: str) -> Optional[dict[str, Any]]:
    """:func:`chart_data` as ``user`` (anonymous: empty; None: the one who
    asks, logged in or not: CKAN renders a resource view with an empty
    context, so the producers and reviewers of data not yet published had
    an empty chart beside its table); None when the user may not read the
    table or it has nothing to chart."""
    if user is None:
        user = tk.current_user.name if tk.current_user.is_authenticated else ""
    try:
        return chart_data({"user": user or ""}, resource_id)
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return None


def dataset_chart(user: Optional[str], pkg_dict: dict[str, Any], period_key: str = ""
                  ) -> Optional[dict[str, Any]]:
    """The chart of the first table of a **public** dataset that has one
    (for its page), with its resource: ``{"resource": …, "chart": …}``.
    With ``period_key`` (the resources' key naming their period, in period
    order): the latest period's first table first (the chart showed an
    earlier, archived period's data)."""
    if pkg_dict.get("private"):
        return None
    resources = [r for r in pkg_dict.get("resources") or [] if r.get("datastore_active")]
    periods = list(dict.fromkeys(r.get(period_key) for r in resources)) if period_key \
        else [None]
    for period in reversed(periods):
        for res in resources:
            if period_key and res.get(period_key) != period:
                continue
            chart = viewer_chart(user, res["id"])
            if chart:
                return {"resource": res, "chart": chart}
    return None

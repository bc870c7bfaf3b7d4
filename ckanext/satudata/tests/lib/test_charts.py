# -*- coding: utf-8 -*-
"""Which table a public dataset's chart draws."""
from __future__ import annotations

from ckanext.satudata.lib import charts

KEY = "satudata_round"


def _datastore(monkeypatch, fields: list, table: list) -> None:
    """``datastore_search`` answering from ``fields`` and the rows of
    ``table`` (both read at each call: a test may change them)."""
    def search(context, data):
        if not data.get("fields"):
            return {"fields": fields, "records": []}
        return {"fields": fields,
                "records": [{k: row[k] for k in data["fields"]} for row in table]}

    monkeypatch.setattr(charts.tk, "get_action", lambda name: search)


def _pkg(*resources):
    return {"private": False, "resources": [
        {"id": rid, "datastore_active": True, KEY: period} for rid, period in resources]}


def test_the_chart_draws_the_latest_period_first(monkeypatch):
    """Semester I archived, Semester II published: the chart drew
    Semester I (the first table of the dataset)."""
    drawable = {"s1-a", "s1-b", "s2-a", "s2-b"}
    monkeypatch.setattr(charts, "viewer_chart",
                        lambda user, rid: {"table": rid} if rid in drawable else None)
    pkg = _pkg(("s1-a", "s1"), ("s1-b", "s1"), ("s2-a", "s2"), ("s2-b", "s2"))
    assert charts.dataset_chart("", pkg, period_key=KEY)["resource"]["id"] == "s2-a"
    drawable -= {"s2-a", "s2-b"}  # nothing to draw in the latest: the one before
    assert charts.dataset_chart("", pkg, period_key=KEY)["resource"]["id"] == "s1-a"
    assert charts.dataset_chart("", dict(pkg, private=True), period_key=KEY) is None


def test_a_table_of_one_period_is_drawn_across_its_wilayah(monkeypatch):
    """A year's table by kabupaten (both semesters of 2033 carry ``tahun``
    2033) was drawn "by period": one dot; its wilayah make the bars. A
    table of several years stays a line."""
    table = [{"tahun": 2033, "kabupaten": "Halmahera Barat", "jumlah": 12},
             {"tahun": 2033, "kabupaten": "Ternate", "jumlah": 11}]

    _datastore(monkeypatch, [
        {"id": "_id", "type": "int"}, {"id": "tahun", "type": "numeric"},
        {"id": "kabupaten", "type": "text"}, {"id": "jumlah", "type": "numeric"}], table)
    chart = charts.chart_data({}, "tabel")
    assert (chart["kind"], chart["x"], chart["labels"], chart["values"]) == (
        "area", "kabupaten", ["Halmahera Barat", "Ternate"], [12, 11])
    table[1]["tahun"] = 2034
    chart = charts.chart_data({}, "tabel")
    assert (chart["kind"], chart["labels"]) == ("period", ["2033", "2034"])


def test_the_measure_is_a_figure_not_a_year_and_headers_match_as_the_check_does(monkeypatch):
    """"Tahun;Nama Kecamatan;Jumlah Penduduk" (passed by the data check)
    was one dot "by period", and "tahun;kecamatan;penduduk" a bar of 2040
    per kecamatan (the year taken as the measure); a figure the DataStore
    holds as text was read "1.234" -> 1.234."""
    fields = [{"id": "_id", "type": "int"}, {"id": "Tahun", "type": "numeric"},
              {"id": "Nama Kecamatan", "type": "text"},
              {"id": "Jumlah Penduduk", "type": "text"}]
    table = [{"Tahun": 2040, "Nama Kecamatan": "Ngariboyo", "Jumlah Penduduk": "1.234"},
             {"Tahun": 2040, "Nama Kecamatan": "Poncol", "Jumlah Penduduk": "12,5"}]

    _datastore(monkeypatch, fields, table)
    fields[3]["type"] = "numeric"
    chart = charts.chart_data({}, "tabel")
    assert (chart["kind"], chart["x"], chart["y"]) == ("area", "Nama Kecamatan",
                                                       "Jumlah Penduduk")
    assert chart["values"] == [1234, 12.5]
    # no figure but the year: no chart of years as bars
    fields[3]["type"] = "text"
    fields[2]["id"] = "kecamatan"
    for row in table:
        row["kecamatan"] = row.pop("Nama Kecamatan")
    assert charts.chart_data({}, "tabel") is None


def test_a_count_is_charted_before_a_share_and_a_share_is_never_summed(monkeypatch):
    """"tahun;kecamatan;jumlah_bidan;persentase": the chart drew the
    percentages, summed per year (127.5 % of a year)."""
    fields = [{"id": "tahun", "type": "numeric"}, {"id": "kecamatan", "type": "text"},
              {"id": "jumlah_bidan", "type": "numeric"}, {"id": "persentase", "type": "numeric"}]
    table = [{"tahun": 2045, "kecamatan": k, "jumlah_bidan": n, "persentase": p}
             for k, n, p in (("A", 10, 40.0), ("B", 20, 50.0), ("C", 5, 37.5))]
    table += [dict(row, tahun=2046) for row in table]

    _datastore(monkeypatch, fields, table)
    chart = charts.chart_data({}, "tabel")
    assert (chart["y"], chart["values"]) == ("jumlah_bidan", [35, 35])
    fields.pop(2)
    chart = charts.chart_data({}, "tabel")
    assert chart["y"] == "persentase" and chart["values"] == [42.5, 42.5]


def test_a_cell_of_nan_or_infinity_is_no_figure(monkeypatch):
    """"NaN", "Infinity", "inf" were read as figures and written into the
    page's JSON, which the browser could not read: an empty chart."""
    import json

    table = [{"kecamatan": name, "jumlah": value} for name, value in (
        ("Satu", "NaN"), ("Dua", "Infinity"), ("Tiga", "12"), ("Empat", "-inf"),
        ("Lima", float("nan")))]
    _datastore(monkeypatch, [{"id": "_id", "type": "int"}, {"id": "kecamatan", "type": "text"},
                             {"id": "jumlah", "type": "text"}], table)
    chart = charts.chart_data({}, "tabel")
    assert chart is not None
    json.loads(json.dumps(chart, allow_nan=False))  # the page's JSON, strict
    assert chart["values"][chart["labels"].index("Tiga")] == 12

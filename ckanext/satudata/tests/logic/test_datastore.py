# -*- coding: utf-8 -*-
"""CKAN's DataStore (issue H, items 1 and 5): a producer's CSV and XLSX
tables are loaded by the jobs worker (xloader's loader), previewed and
queried by the public once published and never before; a staged revision's
new file never reaches the live table before the revision is published."""
from __future__ import annotations

import html
import io
import json
import uuid
import re
import zipfile
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import charts, datastore, tables

from ..factories import add_csv, csv_upload, publish, to_ready, xlsx_upload

CSV = "tahun,jumlah\n2024,10\n2025,12\n"
MARKER = 987654321  # in the staged revision's file only
ANONYMOUS = {"user": "", "ignore_auth": False}


def as_user(region, who: str) -> dict[str, Any]:
    """A context checked as ``who`` (CKAN's call_action ignores auth)."""
    return {"user": region.users[who]["name"], "ignore_auth": False}


def token_of(name: str) -> dict[str, str]:
    """The header a page request of ``name`` carries (an API token: CKAN's
    REMOTE_USER shortcut for tests depends on what ran before)."""
    token = helpers.call_action("api_token_create", context={"user": name, "ignore_auth": True},
                                user=name, name="pages")["token"]
    return {"Authorization": token}


def add_xlsx(region, who: str, package_id: str, rows: list[list[Any]]) -> dict[str, Any]:
    return region.call(who, "resource_create", package_id=package_id, name="Tabel XLSX",
                       format="XLSX", upload=xlsx_upload(rows), url="tabel.xlsx")


def rows_of(resource_id: str, context: dict[str, Any]) -> list[tuple[Any, ...]]:
    found = helpers.call_action("datastore_search", context=dict(context),
                                resource_id=resource_id, sort="tahun")
    return [(int(r["tahun"]), int(r["jumlah"])) for r in found["records"]]


def refused(action: str, context: dict[str, Any], **data: Any) -> bool:
    try:
        helpers.call_action(action, context=dict(context), **data)
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return True
    return False


def sql(resource_id: str) -> str:
    return f'SELECT * FROM "{resource_id}"'


def datatables_ajax(app, view_id: str) -> Any:
    return app.post(f"/datatables/ajax/{view_id}", data={
        "draw": "1", "search[value]": "", "start": "0", "length": "10"},
        expect_errors=True)


@pytest.fixture
def published_table(region, run_jobs, smtp) -> dict[str, Any]:
    """A published dataset with one CSV table, loaded."""
    request = region.request_of(region.opd_a)
    resource = add_csv(region, "producer", request["package_id"], CSV)
    to_ready(region, request)
    publish(region, request)
    run_jobs()
    return {"request": request, "resource": resource}


def test_csv_and_xlsx_of_a_producer_are_loaded_and_public_only_after_publish(
        region, run_jobs, smtp, app):
    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    csv = add_csv(region, "producer", pkg_id, CSV)
    xlsx = add_xlsx(region, "producer", pkg_id, [["tahun", "jumlah"], [2024, 7], [2025, 9]])
    producer = as_user(region, "producer")

    with app.flask_app.test_request_context("/"):
        assert tk.h.satudata_datastore_status(csv["id"], producer)["status"] == "waiting"
    run_jobs()  # the load on upload, as the jobs worker runs it

    assert rows_of(csv["id"], producer) == [(2024, 10), (2025, 12)]
    assert rows_of(xlsx["id"], producer) == [(2024, 7), (2025, 9)]
    status = helpers.call_action("xloader_status", context=dict(producer),
                                 resource_id=xlsx["id"])
    assert status["status"] == "complete"
    assert any("Express Load completed" in line["message"]
               for line in status["task_info"]["logs"])
    # the producer reads it on the resource's edit page, in Indonesian
    page = app.get(f"/dataset/{pkg_id}/resource/{csv['id']}/edit",
                   headers=token_of(producer["user"]))
    assert "Data di DataStore" in page.body and "Sudah di DataStore" in page.body
    # its loading log too (xloader's English lines, "INFO: Rows loaded: 2")
    log = page.body[page.body.index('id="datastore-status"'):]
    log = log[:log.index("</section>")]
    assert "Pemuatan selesai" in log and re.search(r"\d+ baris dimuat", log)
    assert "INFO" not in log and "Rows loaded" not in log and "Express Load" not in log
    # the preview exists (datatables_view), for the producer only
    views = helpers.call_action("resource_view_list", context=dict(producer), id=csv["id"])
    assert sorted(v["view_type"] for v in views) == ["datatables_view", "satudata_chart"]
    # titled in the portal's language: the tabs above the preview, in the
    # reader's (/en showed "Tabel")
    assert sorted(v["title"] for v in views) == ["Grafik", "Tabel"]
    page = app.get(f"/en/dataset/{pkg_id}/resource/{csv['id']}",
                   headers=token_of(producer["user"])).body
    assert sorted(re.findall(
        r'class="nav-link[^"]*view-item[^"]*"[^>]*>\s*<i[^>]*></i>\s*([^<]*?)\s*<', page)) == [
        "Chart", "Table"]
    # made in English (by a command, or an editor browsing /en/): the tabs
    # are still in the reader's language
    for view in views:
        helpers.call_action("resource_view_update", context={"ignore_auth": True,
                                                             "user": "sysadmin-uji"},
                            **dict(view, title={"Grafik": "Chart", "Tabel": "Table"}[
                                view["title"]]))
    page = app.get(f"/dataset/{pkg_id}/resource/{csv['id']}",
                   headers=token_of(producer["user"])).body
    tabs = re.findall(r'class="nav-link[^"]*view-item[^"]*"[^>]*>\s*<i[^>]*></i>\s*([^<]*?)\s*<',
                      page)
    assert sorted(tabs) == ["Grafik", "Tabel"]
    views = [v for v in views if v["view_type"] == "datatables_view"]

    # unpublished: refused to the public and to another OPD's producer
    other = as_user(region, "producer_b")
    for who in (ANONYMOUS, other):
        for res in (csv, xlsx):
            assert refused("datastore_search", who, resource_id=res["id"])
            assert refused("datastore_info", who, id=res["id"])
            with pytest.raises(tk.ValidationError) as err:  # as a table that does not exist
                helpers.call_action("datastore_search_sql", context=dict(who), sql=sql(res["id"]))
            assert err.value.error_dict["sql"] == [
                "The query reads no table you may read: query a table by its resource id"]
            assert refused("xloader_status", who, resource_id=res["id"])
    # not found, in the words of a table (or a view) that does not exist
    missing = str(uuid.uuid4())
    for action, key, hidden in (("datastore_search", "resource_id", csv["id"]),
                                ("datastore_info", "id", csv["id"]),
                                ("resource_view_show", "id", views[0]["id"])):
        unpublished = app.get(f"/api/3/action/{action}", query_string={key: hidden},
                              status=404).json["error"]
        nobody = app.get(f"/api/3/action/{action}", query_string={key: missing},
                         status=404).json["error"]
        assert json.loads(json.dumps(unpublished).replace(hidden, missing)) == nobody
    # changing, removing, listing or ordering them too (CKAN said 403 and
    # named the view's table; a change without the table's id answered 500)
    for action, body in (("resource_view_update", {"id": views[0]["id"], "title": "x"}),
                         ("resource_view_delete", {"id": views[0]["id"]}),
                         ("resource_view_list", {"id": csv["id"]}),
                         ("resource_view_reorder", {"id": csv["id"], "order": []})):
        unpublished = app.post(f"/api/3/action/{action}", json=body, status=404)
        body_missing = {k: (missing if k == "id" else v) for k, v in body.items()}
        nobody = app.post(f"/api/3/action/{action}", json=body_missing, status=404)
        assert json.loads(unpublished.body)["error"] == json.loads(
            nobody.body.replace(missing, body["id"]))["error"], action
    assert datatables_ajax(app, views[0]["id"]).status_code == 404  # as a view nobody made
    assert app.get(f"/dataset/{pkg_id}/resource/{csv['id']}/view/{views[0]['id']}",
                   status=404)

    to_ready(region, request)
    publish(region, request)
    run_jobs()

    assert rows_of(csv["id"], ANONYMOUS) == [(2024, 10), (2025, 12)]
    assert rows_of(xlsx["id"], ANONYMOUS) == [(2024, 7), (2025, 9)]
    # its editor reads that it is open now (it said "once published")
    with app.flask_app.test_request_context("/"):
        label = tk.h.satudata_datastore_status(csv["id"], producer)["label"]
    assert "terbuka melalui API data" in label and "setelah dipublikasikan" not in label
    found = helpers.call_action("datastore_search_sql", context=dict(ANONYMOUS),
                                sql=sql(xlsx["id"]))
    assert sorted(int(r["jumlah"]) for r in found["records"]) == [7, 9]
    response = app.get("/api/3/action/datastore_search",
                       query_string={"resource_id": csv["id"]})
    assert json.loads(response.body)["result"]["total"] == 2
    body = json.loads(datatables_ajax(app, views[0]["id"]).body)
    assert body["recordsTotal"] == 2
    # arguments the preview cannot read are told so, not a 500
    for bad in ({"start": "abc"}, {"draw": "x"}, {"order[0][column]": "999",
                                                  "order[0][dir]": "asc"}):
        answer = app.post(f"/datatables/ajax/{views[0]['id']}", data={
            "draw": "1", "search[value]": "", "start": "0", "length": "10", **bad})
        assert answer.status_code == 400, bad
        assert "tidak dapat dibaca" in json.loads(answer.body)["error"]
    # and its "download what is filtered" form (500 for anyone)
    for params in ("xyz", "{}", json.dumps({"order": [{"column": 9, "dir": "asc"}],
                                            "columns": [], "search": {"value": ""}})):
        answer = app.post(f"/datatables/filtered-download/{views[0]['id']}",
                          data={"params": params, "format": "csv"})
        assert answer.status_code == 400, params
        assert "tidak dapat dibaca" in answer.body
    for filters in ("[1]", "[]", '[["a", "b"]]'):
        answer = app.get("/api/3/action/datastore_search", query_string={
            "resource_id": csv["id"], "filters": filters})
        assert answer.status_code == 409 and "filters" in json.loads(answer.body)["error"]
    # CKAN's English messages about a search's arguments, translated
    answer = app.get("/api/3/action/datastore_search", query_string={
        "resource_id": csv["id"], "records_format": "abc"})
    assert json.loads(answer.body)["error"]["records_format"] == [
        "Harus salah satu dari: objects, lists, csv, tsv"]
    answer = app.get("/api/3/action/datastore_search", query_string={
        "resource_id": csv["id"], "filters": '{"a":'})
    assert json.loads(answer.body)["error"]["filters"] == ["Ini bukan JSON yang sah"]
    page = app.get(f"/dataset/{pkg_id}/resource/{csv['id']}/view/{views[0]['id']}")
    assert "datatables" in page.body
    # xloader's status and log stay with the editors
    assert refused("xloader_status", ANONYMOUS, resource_id=csv["id"])


def test_a_load_log_reads_in_the_order_it_was_written(app):
    """xloader reads its log table without an order: where earlier rows were
    deleted the lines came back shuffled, and the page showed "Loading
    completed" before the rows were copied, or cut it off."""
    written = ["Loading data.csv (CSV, MD5 abc)", "Determining column names and types",
               "Copying to database...", "...copying done", "...search index created",
               "Rows loaded: 2", "Setting resource.datastore_active = True",
               "Express Load completed"]
    items = [{"timestamp": f"2026-01-01T10:00:00.{n:06d}", "level": "INFO", "message": m}
             for n, m in enumerate(written)]
    shuffled = items[3:] + items[:3]
    shuffled.reverse()
    with app.flask_app.test_request_context("/"):
        read = [line["message"] for line in datastore.readable_log(shuffled)]
        assert read == [line["message"] for line in datastore.readable_log(items)]
        assert len(read) == len(written)
        assert read[-1] == datastore.readable_log(items[-1:])[0]["message"] != written[-1]
        assert read[0] == datastore.readable_log(items[:1])[0]["message"]


def test_a_column_that_reads_both_ways_is_read_as_the_table_is_written(region, run_jobs,
                                                                       smtp, app):
    """An Indonesian spreadsheet's export: "1.234" is 1234 in the whole-number
    column beside it, and was 1.234 in the decimal column (read plainly
    first): the public read a ratio a thousand times too small. The book
    reads it as the DataStore does."""
    from ckanext.satudata.lib import publication

    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    region.call("producer", "package_patch", id=pkg_id, variables=[
        {"name": "jumlah_nakes", "definition": "Jumlah", "data_type": "integer", "unit": ""},
        {"name": "rasio", "definition": "Rasio", "data_type": "decimal", "unit": ""}])
    text = "jumlah_nakes;rasio\n1.234;1.234\n987;2.045\n2.045;987\n"
    table = add_csv(region, "producer", pkg_id, text)
    run_jobs()
    found = helpers.call_action("datastore_search", context=as_user(region, "producer"),
                                resource_id=table["id"], sort="_id")["records"]
    assert [(r["jumlah_nakes"], r["rasio"]) for r in found] == [
        (1234, 1234), (987, 2045), (2045, 987)]
    header, *rows = [line.split(";") for line in text.strip().split("\n")]
    publication._typed(header, rows, {"jumlah_nakes": "integer", "rasio": "decimal"})
    assert rows == [[1234, 1234], [987, 2045], [2045, 987]]
    # a table written plainly keeps its decimal points
    header, *rows = [["rasio"], ["1.234"], ["0.5"]]
    publication._typed(header, rows, {"rasio": "decimal"})
    assert rows == [[1.234], [0.5]]


def test_declared_numbers_sort_as_numbers_and_other_cells_stay_as_typed(region, run_jobs, smtp,
                                                                       app):
    """xloader loads every column as text: the preview sorted 215 before 31.
    A column its variable declares a number is one when every cell is a
    number written plainly or as Indonesian (or English) spreadsheets write
    it, or a BPS symbol of a figure not available ("-", "...", "x", "NA":
    no value); a declared number with a note in a cell stays text, and the
    load still completes."""
    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    declared = [("tahun", "integer"), ("jumlah", "integer"), ("rasio", "decimal"),
                ("keterangan", "integer"), ("penduduk", "integer"), ("kode", "text"),
                ("persen", "decimal")]
    region.call("producer", "package_patch", id=pkg_id, variables=[
        {"name": name, "definition": name, "data_type": kind, "unit": ""}
        for name, kind in declared])
    table = add_csv(region, "producer", pkg_id,
                    "Tahun,Jumlah,Rasio,Keterangan,Penduduk,Kode,Persen\n"
                    '2024,88,1.5,-,1.234,007,"12,5"\n'
                    '2025,215,-,3,999,010,"1.204,75"\n'
                    "2026,31,.25,lihat catatan,2.001,3,...\n")
    run_jobs()

    producer = as_user(region, "producer")
    status = helpers.call_action("xloader_status", context=dict(producer),
                                 resource_id=table["id"])
    assert status["status"] == "complete", status
    info = helpers.call_action("datastore_info", context=dict(producer), id=table["id"])
    types = {f["id"]: f["type"] for f in info["fields"]}
    assert types == {"Tahun": "numeric", "Jumlah": "numeric", "Rasio": "numeric",
                     "Keterangan": "text", "Penduduk": "numeric", "Kode": "text",
                     "Persen": "numeric"}
    found = helpers.call_action("datastore_search", context=dict(producer),
                                resource_id=table["id"], sort="Jumlah desc")
    assert [r["Jumlah"] for r in found["records"]] == [215, 88, 31]
    assert [r["Rasio"] for r in found["records"]] == [None, 1.5, 0.25]
    assert [r["Kode"] for r in found["records"]] == ["010", "007", "3"]
    # "1.234" and "12,5" as Indonesian spreadsheets write them
    assert [r["Penduduk"] for r in found["records"]] == [999, 1234, 2001]
    assert [r["Persen"] for r in found["records"]] == [1204.75, 12.5, None]
    # the data dictionary names the types in the reader's language
    page = app.get(f"/dataset/{pkg_id}/resource/{table['id']}",
                   headers=token_of(region.users["producer"]["name"])).body
    dictionary = page[page.index("Kamus Data"):]
    assert "Numerik" in dictionary and "Teks" in dictionary
    assert not re.search(r">\s*(text|numeric)\s*<", dictionary)
    # the preview's search box and column filters still find the rows
    for query in ({"q": "215"}, {"filters": {"Jumlah": 215}}, {"q": {"Jumlah": "215"}}):
        found = helpers.call_action("datastore_search", context=dict(producer),
                                    resource_id=table["id"], **query)
        assert [r["Tahun"] for r in found["records"]] == [2025], query

    # declared text again: the same file is loaded again (the change of the
    # variables owes the load), as text
    region.call("producer", "package_patch", id=pkg_id, variables=[
        {"name": name, "definition": name, "data_type": "text", "unit": ""}
        for name, _kind in declared])
    run_jobs()
    info = helpers.call_action("datastore_info", context=dict(producer), id=table["id"])
    assert {f["type"] for f in info["fields"]} == {"text"}


def test_a_table_that_cannot_be_loaded_shows_its_error_to_the_producer(region, run_jobs, smtp):
    request = region.request_of(region.opd_a)
    bad = region.call("producer", "resource_create", package_id=request["package_id"],
                      name="Rusak", format="XLSX", url="rusak.xlsx",
                      # (a zip's first bytes, then none of a workbook: a file
                      # that is no zip at all is refused at upload)
                      upload=FileStorage(stream=io.BytesIO(b"PK\x03\x04bukan xlsx \x00\x01"),
                                         filename="rusak.xlsx"))
    run_jobs()

    status = helpers.call_action("xloader_status",
                                 context=as_user(region, "producer"),
                                 resource_id=bad["id"])
    assert status["status"] == "error"
    assert status["error"]["message"]


def test_column_names_the_datastore_refuses_are_told_in_the_readers_words(
        region, run_jobs, smtp, app):
    """xloader's "Validation error writing rows to db: None - {'field':
    ['Duplicate column names are not supported']}" was the producer's
    reason on the Indonesian page."""
    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"],
                    'tahun,"jumlah ""anak"""\n2025,1\n')
    run_jobs()
    with app.flask_app.test_request_context("/"):
        said = tk.h.satudata_datastore_status(table["id"], as_user(region, "producer"))
    assert said["status"] == "error", said
    assert "nama kolom" in said["error"] and "Validation error" not in said["error"], said
    assert not [line for line in said["log"] if "Validation error" in line], said["log"]


def test_a_file_replaced_by_an_unreadable_one_leaves_no_stale_table(region, run_jobs, smtp):
    """The producer replaces a loaded table by a file the data check cannot
    read: it is not handed to xloader, and the table of the earlier file
    goes, so that the data API never serves what the resource no longer
    holds."""
    request = region.request_of(region.opd_a)
    producer = as_user(region, "producer")
    table = add_csv(region, "producer", request["package_id"], CSV)
    run_jobs()
    assert rows_of(table["id"], producer) == [(2024, 10), (2025, 12)]

    region.call("producer", "resource_update", id=table["id"], name="Tabel data",
                format="CSV", url="tabel.csv", upload=csv_upload("\x00\x01 bukan tabel\n"))
    run_jobs()

    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("datastore_search", context=dict(producer),
                            resource_id=table["id"])
    assert not helpers.call_action("resource_show", id=table["id"]).get("datastore_active")
    status = helpers.call_action("xloader_status", context=dict(producer),
                                 resource_id=table["id"])
    assert status["status"] == "error"


def test_a_file_too_wide_to_read_is_not_loaded_outside_the_workflow_either(region, run_jobs,
                                                                           smtp, app):
    """A dataset outside the workflow (made by hand, no request) has no data
    check stored: its files were all handed to xloader, so that a table of
    100,000 columns or a workbook that unpacks to 400 MB held the only jobs
    worker (and every e-mail behind it) for minutes. They are read within
    the reader's limits first, and one it cannot read is not loaded."""
    pkg = helpers.call_action("package_create", context={"user": "produsen-a"},
                              name="tabel-di-luar-alur", title="Tabel di luar alur",
                              owner_org=region.opd_a["id"])
    header = ",".join(f"k{i}" for i in range(tables.MAX_COLUMNS + 1))
    wide = add_csv(region, "producer", pkg["id"], header + "\n" + ",".join(["1"] * (
        tables.MAX_COLUMNS + 1)) + "\n")
    narrow = add_csv(region, "producer", pkg["id"], CSV)
    run_jobs()

    assert not helpers.call_action("resource_show", id=wide["id"]).get("datastore_active")
    token = {"Authorization": factories.APIToken(user="produsen-a")["token"]}
    status = app.post("/api/3/action/xloader_status", json={"resource_id": wide["id"]},
                      headers=token).json["result"]
    assert status["status"] == "error"
    # told why in the reader's words, citing no report (there is none; the
    # API said "unreadable by the data check"), and no check said to come
    assert status["error"]["message"].startswith("Berkas ini tidak dapat dibaca sebagai tabel")
    assert helpers.call_action("satudata_data_check_list", context={"user": "produsen-a"},
                               id=pkg["id"])["files"] == []
    assert helpers.call_action("resource_show", id=narrow["id"]).get("datastore_active")


def test_no_table_metadata_and_no_other_table_through_sql_for_the_public(
        region, published_table):
    resource = published_table["resource"]
    assert refused("datastore_search", ANONYMOUS, resource_id="_table_metadata")
    assert refused("datastore_search_sql", ANONYMOUS,
                   sql=f'SELECT * FROM "{resource["id"]}", "_table_metadata"')
    assert refused("datastore_search_sql", ANONYMOUS, sql="SELECT * FROM pg_roles")
    # a sysadmin reads it (CKAN skipped its check, and its action framework
    # refused its own answer: a 500)
    found = helpers.call_action("datastore_search",
                                context={"user": region.users["sysadmin"]["name"]},
                                resource_id="_table_metadata", limit=1)
    assert "records" in found


def test_nobody_writes_the_table_or_the_views_of_a_published_dataset_by_hand(
        region, app, published_table):
    """The producer (CKAN lets a resource's editors write its table and
    views) and a sysadmin rewrote a published table, or put unreviewed text
    on its public page, with no request going through review."""
    resource = published_table["resource"]
    rows = [(2024, 10), (2025, 12)]
    views = helpers.call_action("resource_view_list", context=dict(ANONYMOUS),
                                id=resource["id"])
    assert views
    for who in ("producer", "sysadmin"):
        context = as_user(region, who)
        assert refused("datastore_upsert", context, resource_id=resource["id"],
                       method="insert", force=True, records=[{"tahun": 2026, "jumlah": 1}])
        assert refused("datastore_delete", context, resource_id=resource["id"],
                       force=True, filters={})
        assert refused("datastore_records_delete", context, resource_id=resource["id"],
                       force=True, filters={})
        assert refused("datastore_create", context, resource_id=resource["id"], force=True,
                       records=[{"tahun": 2027, "jumlah": 2}])
        # a new table of its own, the dataset named by id or by name
        pkg = helpers.call_action("package_show", id=resource["package_id"])
        for package in (pkg["id"], pkg["name"]):
            assert refused("datastore_create", context, force=True,
                           resource={"package_id": package, "name": "Tabel tangan"},
                           fields=[{"id": "a", "type": "text"}])
        # the Data Dictionary form: the columns' descriptions, no rows
        assert refused("datastore_create", context, resource_id=resource["id"], force=True,
                       fields=[{"id": "tahun", "type": "text", "info": {"label": "Salah"}},
                               {"id": "jumlah", "type": "text"}])
        # xloader's report of a load: only the portal's loading job makes it
        assert refused("xloader_hook", context, status="error", error="Palsu",
                       metadata={"resource_id": resource["id"]})
        assert refused("resource_view_create", context, resource_id=resource["id"],
                       title="Data ini salah", view_type="datatables_view")
        assert refused("resource_view_update", context, id=views[0]["id"],
                       resource_id=resource["id"], title="Data ini salah",
                       view_type=views[0]["view_type"])
        assert refused("resource_view_delete", context, id=views[0]["id"])
        assert refused("resource_view_reorder", context, id=resource["id"],
                       order=[v["id"] for v in reversed(views)])
        # nor cleared with every view of the site (a sysadmin's clear took them)
        assert refused("resource_view_clear", context, view_types=["datatables_view"])
        assert refused("resource_view_clear", context)
    # a sysadmin still clears the views no governed dataset has
    helpers.call_action("resource_view_clear", context={
        "user": region.users["sysadmin"]["name"], "ignore_auth": False},
        view_types=["image_view"])
    assert rows_of(resource["id"], ANONYMOUS) == rows
    assert helpers.call_action("resource_view_list", context=dict(ANONYMOUS),
                               id=resource["id"]) == views
    assert not helpers.call_action("satudata_revision_show", id=pkg["id"])  # nothing staged
    # over HTTP, the producer's API token: a 403 with the reason, in Indonesian
    token = token_of(region.users["producer"]["name"])
    answer = app.post("/api/3/action/datastore_upsert", json={
        "resource_id": resource["id"], "method": "insert", "force": True,
        "records": [{"tahun": 2026, "jumlah": 1}]}, headers=token, status=403)
    assert "data request" not in answer.body and "permintaan data" in answer.body
    assert rows_of(resource["id"], ANONYMOUS) == rows
    app.post("/api/3/action/xloader_hook", json={
        "status": "error", "error": {"message": "Palsu"},
        "metadata": {"resource_id": resource["id"]}}, headers=token, status=403)
    assert helpers.call_action("xloader_status", resource_id=resource["id"])["status"] \
        == "complete"
    # and no button offers what would be refused
    pkg_id = published_table["request"]["package_id"]
    page = app.get(f"/dataset/{pkg_id}/resource_data/{resource['id']}", headers=token)
    assert "Tabel data" in page.body and "delete-datastore" not in page.body
    # its load's log in the reader's words, without xloader's dumps of the columns
    assert "Pemuatan selesai" in page.body and "Express Load completed" not in page.body
    assert re.search(r"\d+ baris dimuat", page.body)
    assert "Fields: [" not in page.body and "Determining column names" not in page.body
    page = app.get(f"/dataset/{pkg_id}/resource/{resource['id']}/views", headers=token)
    assert "dropdownView" not in page.body
    page = app.get(f"/dataset/{pkg_id}/resource/{resource['id']}/edit", headers=token)
    assert f"/resource_data/{resource['id']}" in page.body  # xloader's tab
    assert f"/dictionary/{resource['id']}" not in page.body
    for url in (f"/dataset/{pkg_id}/resource/{resource['id']}",  # the resource's page
                f"/dataset/{pkg_id}",  # the menu of each resource
                f"/dataset/{pkg_id}/resource/{resource['id']}/edit"):  # the list beside
        page = app.get(url, headers=token)
        assert f"/resource/{resource['id']}/edit" in page.body, url  # the producer's links
        assert f"/dictionary/{resource['id']}" not in page.body, url


def test_the_producer_sets_up_the_views_of_a_draft_but_not_while_it_is_reviewed(
        region, run_jobs, smtp, app):
    request = region.request_of(region.opd_a)
    resource = add_csv(region, "producer", request["package_id"], CSV)
    run_jobs()
    view = region.call("producer", "resource_view_create", resource_id=resource["id"],
                       title="Tabel menurut tahun", view_type="datatables_view")

    def describe(label: str) -> None:  # what the Data Dictionary form sends
        region.call("producer", "datastore_create", resource_id=resource["id"], force=True,
                    fields=[{"id": "tahun", "type": "int", "info": {"label": label}},
                            {"id": "jumlah", "type": "int"}])

    def label() -> str:
        fields = helpers.call_action("datastore_info", id=resource["id"])["fields"]
        return next(f for f in fields if f["id"] == "tahun").get("info", {}).get("label", "")

    describe("Tahun data")
    assert label() == "Tahun data"
    page = f"/dataset/{request['package_id']}/dictionary/{resource['id']}"
    token = token_of(region.users["producer"]["name"])
    form = app.get(page, headers=token).body
    assert "Tahun data" in form  # the Data Dictionary form
    # the column types in Indonesian, not PostgreSQL's words
    assert re.search(r'value="numeric"[^>]*>\s*Numerik\s*<', form)
    assert not re.search(r'>\s*(text|numeric|timestamp)\s*<', form)
    edit = app.get(f"/dataset/{request['package_id']}/resource/{resource['id']}/edit",
                   headers=token).body
    assert f"/dictionary/{resource['id']}" in edit  # its tab
    for url in (f"/dataset/{request['package_id']}/resource/{resource['id']}",
                f"/dataset/{request['package_id']}"):
        assert f"/dictionary/{resource['id']}" in app.get(url, headers=token).body, url
    to_ready(region, request)
    app.get(page, headers=token, status=404)  # CKAN's answer to a refused form
    producer = as_user(region, "producer")
    assert refused("resource_view_update", producer, id=view["id"],
                   resource_id=resource["id"], title="Diubah saat ditinjau",
                   view_type="datatables_view")
    assert refused("datastore_create", producer, resource_id=resource["id"], force=True,
                   fields=[{"id": "tahun", "type": "int", "info": {"label": "Diubah"}},
                           {"id": "jumlah", "type": "int"}])
    assert helpers.call_action("resource_view_show", id=view["id"])["title"] == \
        "Tabel menurut tahun"
    assert label() == "Tahun data"


def test_a_staged_file_never_reaches_the_live_table_before_publish(
        region, run_jobs, app, published_table):
    request, live = published_table["request"], published_table["resource"]
    pkg_id = request["package_id"]
    assert rows_of(live["id"], ANONYMOUS) == [(2024, 10), (2025, 12)]

    # the revision replaces the file with one holding the marker
    region.call("producer", "resource_patch", id=live["id"],
                upload=csv_upload(f"tahun,jumlah\n2024,10\n2025,{MARKER}\n"))
    staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    new_id = staged["resources"][0]["id"]
    assert new_id != live["id"]
    run_jobs()
    # the dataset is edited again after it (the staged file carried what the
    # loader wrote on the live table, "resource_id", refused as the
    # producer's: no edit of the dataset passed any more)
    region.call("producer", "package_patch", id=pkg_id, notes="Catatan revisi")
    region.call("producer", "resource_patch", id=new_id, description="Berkas baru")

    def marker_public() -> bool:
        texts = [json.dumps(helpers.call_action("datastore_search", context=dict(ANONYMOUS),
                                                resource_id=live["id"])),
                 json.dumps(helpers.call_action("datastore_info", context=dict(ANONYMOUS),
                                                id=live["id"]), default=str),
                 json.dumps(helpers.call_action("datastore_search_sql",
                                                context=dict(ANONYMOUS), sql=sql(live["id"]))),
                 app.get(f"/dataset/{pkg_id}/resource/{live['id']}").body]
        views = helpers.call_action("resource_view_list", context=dict(ANONYMOUS),
                                    id=live["id"])
        texts += [datatables_ajax(app, v["id"]).body for v in views]
        return any(str(MARKER) in text for text in texts)

    assert not marker_public()
    assert refused("datastore_search", ANONYMOUS, resource_id=new_id)
    # not even loaded: no table of the staged file exists
    assert refused("datastore_search", as_user(region, "sysadmin"),
                   resource_id=new_id)

    region.call("producer", "satudata_request_revise", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    run_jobs()
    assert not marker_public()

    publish(region, request)
    # before the loading job comes round the old rows are not served as
    # the new file's (the download is already the new file)
    assert refused("datastore_search", ANONYMOUS, resource_id=live["id"])
    with pytest.raises(tk.ValidationError, match="no table"):
        helpers.call_action("datastore_search_sql", context=dict(ANONYMOUS),
                            sql=sql(live["id"]))
    run_jobs()

    # the new file took the place of the published one: the table keeps its
    # id (its address, its views) and its DataStore table holds the new rows
    assert rows_of(live["id"], ANONYMOUS) == [(2024, 10), (2025, MARKER)]
    assert [r["id"] for r in helpers.call_action(
        "package_show", context=dict(ANONYMOUS), id=pkg_id)["resources"]] == [live["id"]]
    assert refused("datastore_search", as_user(region, "sysadmin"), resource_id=new_id)


def _a_loaded_table(region, run_jobs) -> tuple[dict[str, Any], dict[str, Any]]:
    """The region's first request with a CSV table of one row, loaded."""
    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,1\n")
    run_jobs()
    assert rows_of(table["id"], as_user(region, "producer")) == [(2024, 1)]
    return request, table


def test_a_file_replaced_before_its_load_is_not_served_as_the_old_rows(
        region, run_jobs, smtp, app):
    """A producer replaced a refused file and the data was published before
    the jobs worker (busy) loaded the new one: the public DataStore served
    the refused file's rows while the download gave the approved file."""
    request, table = _a_loaded_table(region, run_jobs)
    pkg_id, producer = request["package_id"], as_user(region, "producer")

    region.call("producer", "resource_patch", id=table["id"],
                upload=csv_upload("tahun,jumlah\n2024,10\n2025,12\n"))
    # its reviewers are not shown the old rows as the new file's either
    assert refused("datastore_search", producer, resource_id=table["id"])
    view = next(v for v in helpers.call_action("resource_view_list", id=table["id"])
                if v["view_type"] == "datatables_view")
    view_page = f"/dataset/{pkg_id}/resource/{table['id']}/view/{view['id']}"
    page = app.get(view_page, headers=token_of(producer["user"])).body
    assert "satudata-table-loading" in page and "dimuat" in page and "dtprv" not in page
    to_ready(region, request)
    publish(region, request)
    assert refused("datastore_search", ANONYMOUS, resource_id=table["id"])
    with pytest.raises(tk.ValidationError, match="no table"):
        helpers.call_action("datastore_search_sql", context=dict(ANONYMOUS),
                            sql=sql(table["id"]))

    assert "satudata-table-loading" in app.get(view_page).body
    run_jobs()
    assert rows_of(table["id"], ANONYMOUS) == [(2024, 10), (2025, 12)]
    page = app.get(view_page).body
    assert "dtprv" in page and "satudata-table-loading" not in page
    # a change of its description alone keeps the table served
    region.call("sysadmin", "resource_patch", id=table["id"], description="Catatan")
    assert rows_of(table["id"], ANONYMOUS) == [(2024, 10), (2025, 12)]
    # a new file whose load failed is said to have failed, not "being loaded"
    task = model.Session.execute(sa.select(model.TaskStatus).where(
        model.TaskStatus.entity_id == table["id"])).scalar_one()
    task.state = "error"
    model.repo.commit_and_remove()
    page = app.get(view_page).body
    assert "tidak dapat dimuat" in page and "sedang dimuat" not in page
    # its chart too (it said the table had to be published)
    chart = next(v for v in helpers.call_action("resource_view_list", id=table["id"])
                 if v["view_type"] == "satudata_chart")
    page = app.get(f"/dataset/{pkg_id}/resource/{table['id']}/view/{chart['id']}").body
    assert "tidak dapat dimuat" in page and "dipublikasikan" not in page


def test_a_file_replaced_by_a_link_leaves_no_table(region, run_jobs, smtp, app):
    """A link is not loaded: the old file's table stayed, unserved, and the
    preview said "being loaded" for ever."""
    request, table = _a_loaded_table(region, run_jobs)
    producer = as_user(region, "producer")
    region.call("producer", "resource_patch", id=table["id"], url_type="",
                url="https://example.org/tabel.csv")
    run_jobs()
    assert refused("datastore_search", as_user(region, "sysadmin"), resource_id=table["id"])
    # no DataStore table: no preview of one, nothing "being loaded"
    assert not helpers.call_action("resource_show", id=table["id"]).get("datastore_active")
    assert not [v for v in helpers.call_action("resource_view_list", id=table["id"])
                if v["view_type"] in ("datatables_view", "satudata_chart")]
    assert refused("xloader_status", producer, resource_id=table["id"]) or \
        helpers.call_action("xloader_status", context=dict(producer),
                            resource_id=table["id"])["status"] != "pending"


def test_the_chart_of_a_table_is_on_the_dataset_page_once_published(
        region, run_jobs, smtp, app):
    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    csv = add_csv(region, "producer", pkg_id, "tahun,jumlah\n2025,1200\n2024,1012\n2025,3\n")
    run_jobs()
    producer = region.users["producer"]["name"]

    assert charts.viewer_chart(producer, csv["id"])["values"] == [1012, 1203]
    assert charts.viewer_chart("", csv["id"]) is None
    page = app.get(f"/dataset/{pkg_id}", headers=token_of(producer))
    assert "satudata-dataset-chart" not in page.body  # not on unpublished data's page
    # its chart view shows it to whoever reads the table (CKAN renders a view
    # with an empty context: the chart was drawn as an anonymous visitor's,
    # empty beside the table its producer and reviewers read)
    view = next(v for v in helpers.call_action("resource_view_list", id=csv["id"])
                if v["view_type"] == "satudata_chart")
    shown = app.get(f"/dataset/{pkg_id}/resource/{csv['id']}",
                    query_string={"view_id": view["id"]}, headers=token_of(producer)).body
    assert 'class="satudata-chart' in shown and "Tidak ada yang dapat digambarkan" not in shown
    # the "New view" menu names the view types in Indonesian (it read "Table")
    views = app.get(f"/dataset/{pkg_id}/resource/{csv['id']}/views",
                    headers=token_of(producer)).body
    menu = views[views.index('aria-labelledby="dropdownView"'):][:2000]
    assert " Tabel</a>" in menu and " Table</a>" not in menu, menu

    to_ready(region, request)
    publish(region, request)
    run_jobs()

    chart = charts.viewer_chart("", csv["id"])
    assert (chart["kind"], chart["x"], chart["y"], chart["labels"], chart["values"]) == (
        "period", "tahun", "jumlah", ["2024", "2025"], [1012, 1203])
    page = app.get(f"/dataset/{pkg_id}").body
    assert "satudata-dataset-chart" in page and "Grafik" in page
    assert "jumlah menurut periode" in page  # Indonesian labels
    assert '"labels": ["2024", "2025"]' in page
    # the figures under the chart as the page's language writes numbers (were "1012.0")
    assert "<td>1.012</td>" in page and "<td>1.203</td>" in page
    assert "<td>1,012</td>" in app.get(f"/en/dataset/{pkg_id}").body
    view = next(v for v in helpers.call_action("resource_view_list", context=dict(ANONYMOUS),
                                                id=csv["id"])
                if v["view_type"] == "satudata_chart")
    body = app.get(f"/dataset/{pkg_id}/resource/{csv['id']}/view/{view['id']}").body
    assert 'data-module="satudata-chart"' in body and "satudata-chart.js" in body


def test_a_download_or_a_query_it_cannot_run_is_refused_never_a_500(app, published_table):
    """Each answered a 500 to the public: a dump with a negative offset, and
    a query with a colon before a name inside a string (SQLAlchemy reads a
    parameter)."""
    resource_id = published_table["resource"]["id"]
    download = app.get(f"/datastore/dump/{resource_id}")
    assert download.status_code == 200
    # named after its table (it was the resource's id)
    name = published_table["resource"]["name"]
    expected = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".csv"
    assert f'filename="{expected}"' in download.headers["Content-Disposition"], (
        download.headers["Content-Disposition"])
    for query in ("offset=-1", "limit=-5", "format=bogus", "offset=abc"):
        assert app.get(f"/datastore/dump/{resource_id}?{query}").status_code == 400, query
    assert "tidak dapat diunduh" in app.get(f"/datastore/dump/{resource_id}?offset=-1").body
    # a format it does not write, told which it writes (in English, "Value
    # must be one of")
    asked = app.get(f"/datastore/dump/{resource_id}?format=xlsx")
    assert asked.status_code == 400 and "CSV, TSV, JSON atau XML" in asked.body
    assert app.get(f"/datastore/dump/{resource_id}?format=json").status_code == 200
    # a search PostgreSQL cannot run names what to check (it said "the search
    # words cannot be read" of a language it does not know)
    refused = app.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "q": "bidan", "language": "klingon"}, status=409)
    assert "bahasa" in json.dumps(refused.json["error"]), refused.json
    # a language PostgreSQL does not know: the CSV dump answered 500
    for fmt in ("csv", "tsv"):
        asked = app.get(f"/datastore/dump/{resource_id}", query_string={
            "q": "a", "language": "klingon", "format": fmt})
        assert asked.status_code == 400, fmt
        # the reason named, not "(offset, limit, format)"
        assert "bahasa" in asked.body and "offset" not in asked.body, asked.body
    # a search of punctuation alone, a filter value PostgreSQL cannot be
    # given: 500s to anyone
    for args in ({"q": "!!", "plain": "false"}, {"q": "a &", "plain": "false"},
                 {"filters": '{"_id": {"a": 1}}'}, {"filters": '{"_id": [[1]]}'}):
        asked = app.get(f"/datastore/dump/{resource_id}", query_string=args)
        assert asked.status_code == 400 and "tidak dapat dijalankan" in asked.body, args
    # filters that are no JSON object (CKAN's English "Cannot parse JSON")
    for filters in ("xyz", "[1]"):
        asked = app.get(f"/datastore/dump/{resource_id}", query_string={"filters": filters})
        assert asked.status_code == 400 and "bukan JSON yang sah" in asked.body, filters
    refused = app.post("/api/3/action/datastore_search_sql", json={
        "sql": f"SELECT ':a' AS x FROM \"{resource_id}\""})
    assert refused.status_code == 409
    assert "titik dua" in refused.json["error"]["sql"][0]
    # values PostgreSQL refuses, a list of lists for column names: 500s too
    for sql_text in (f'SELECT 1/0 FROM "{resource_id}"',
                     f'SELECT CAST(\'x\' AS integer) FROM "{resource_id}"',
                     f'SELECT * FROM "{resource_id}" OFFSET 99999999999999999999',
                     # a character PostgreSQL cannot hold ("null character
                     # not permitted": a 500 to anyone)
                     f'SELECT chr(0) FROM "{resource_id}"',
                     # NaN as a whole number; a date Python cannot hold
                     f'SELECT \'NaN\'::numeric::int FROM "{resource_id}"',
                     f'SELECT date \'294277-01-01\' FROM "{resource_id}"'):
        refused = app.post("/api/3/action/datastore_search_sql", json={"sql": sql_text})
        assert refused.status_code == 409, (sql_text, refused.status_code)
        assert "tidak dapat dijalankan" in refused.json["error"]["sql"][0]
    assert app.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "fields": [[1]]}).status_code == 409
    assert app.get(f"/datastore/dump/{resource_id}?offset=99999999999999999999"
                   ).status_code == 400
    # NaN and infinities are no JSON: null (a 500 page, in HTML)
    found = app.post("/api/3/action/datastore_search_sql", json={
        "sql": f"SELECT 'NaN'::float8 AS x, '-Infinity'::float8 AS y FROM \"{resource_id}\" "
               "LIMIT 1"})
    assert found.status_code == 200, found.body
    assert found.json["result"]["records"] == [{"x": None, "y": None}]
    # in an array, as a numeric (a bare NaN in the answer), in the filters
    # CKAN echoes back (500s)
    found = app.post("/api/3/action/datastore_search_sql", json={
        "sql": f"SELECT ARRAY['NaN'::float8, 1] AS a, 'NaN'::numeric AS n FROM "
               f"\"{resource_id}\" LIMIT 1"})
    assert found.status_code == 200, found.body
    assert found.json["result"]["records"] == [{"a": [None, 1], "n": None}]
    found = app.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "filters": '{"_id": NaN}'})
    assert found.status_code in (200, 409), found.body
    # the dump's filters with an escape that decodes to no text: 400 (a 500)
    asked = app.get(f"/datastore/dump/{resource_id}",
                    query_string={"filters": '{"_id": "\\ud800"}'})
    assert asked.status_code == 400, asked.status_code
    # a query padded to a megabyte: CKAN parsed it for 25 s before
    # PostgreSQL's time limit applied, holding a web process
    refused = app.post("/api/3/action/datastore_search_sql", json={
        "sql": f'SELECT * FROM "{resource_id}"' + " " * 300_000})
    assert refused.status_code == 409 and "terlalu panjang" in refused.json["error"]["sql"][0]
    found = app.post("/api/3/action/datastore_search_sql", json={
        "sql": f"SELECT '\\:a' AS x FROM \"{resource_id}\" LIMIT 1"})
    assert found.status_code == 200 and found.json["result"]["records"] == [{"x": ":a"}]
    # a column asked for 2,000 times: PostgreSQL's limit of 1,664, a 500 of
    # the download and the search words blamed in the API
    twice = ",".join(["_id"] * 2000)
    asked = app.get(f"/datastore/dump/{resource_id}", query_string={"fields": twice})
    assert asked.status_code == 400 and "_id diminta dua kali" in asked.body, asked.body[-500:]
    refused = app.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "fields": ["_id"] * 2000}, status=409)
    assert refused.json["error"]["fields"] == ["Kolom _id diminta dua kali"]
    for fields in ("_id, _id", '_id,"_id"', ["_id", '""_id""']):  # CKAN strips the quotes
        assert app.post("/api/3/action/datastore_search", json={
            "resource_id": resource_id, "fields": fields}).status_code == 409, fields
    # 2,000 columns through SQL (PostgreSQL plans at most 1,664): a 500
    refused = app.post("/api/3/action/datastore_search_sql", json={
        "sql": "SELECT " + ",".join(["_id"] * 2000) + f' FROM "{resource_id}"'}, status=409)
    assert "tidak dapat dijalankan" in refused.json["error"]["sql"][0]
    # a sort of 100,000 columns held a web process for 10 s
    refused = app.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "sort": ["_id"] * 100_000}, status=409)
    assert "paling banyak 100 kolom" in refused.json["error"]["sort"][0]
    assert app.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "sort": "_id desc"}).status_code == 200
    # 200,000 filter values held a web process for 47 s, anonymously
    refused = app.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "filters": {"_id": list(range(200_000))}}, status=409)
    assert "paling banyak memuat 1000 nilai" in refused.json["error"]["filters"][0]
    found = app.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "filters": {"_id": list(range(1000))},
        "fields": ["_id"]})
    assert found.status_code == 200 and found.json["result"]["records"]


def test_the_datastore_answers_in_the_readers_language(app, published_table):
    """CKAN's DataStore wrote its refusals in English (a table not found, a
    query of two statements, the system tables), and showed PostgreSQL's
    error with the SQL it ran around the query to anybody."""
    resource_id = published_table["resource"]["id"]

    def error(action: str, status: int, **data) -> str:
        response = app.post(f"/api/3/action/{action}", json=data)
        assert response.status_code == status, response.body
        return json.dumps(response.json["error"], ensure_ascii=False)

    for action, data in (("datastore_search", {"resource_id": "tidak-ada"}),
                         ("datastore_info", {"id": "tidak-ada"})):
        assert 'Tabel \\"tidak-ada\\" tidak ditemukan' in error(action, 404, **data)
    two = error("datastore_search_sql", 409, sql=f'SELECT 1; SELECT * FROM "{resource_id}"')
    system = error("datastore_search_sql", 403, sql="SELECT * FROM pg_class")
    unknown = error("datastore_search_sql", 409, sql='SELECT * FROM "tabel-lain"')
    function = error("datastore_search_sql", 403, sql=f'SELECT version() FROM "{resource_id}"')
    reading = error("datastore_search_sql", 403,
                    sql=f"SELECT pg_read_file('/etc/passwd') FROM \"{resource_id}\"")
    for text in (two, system, unknown, function, reading):
        assert not any(english in text for english in (
            "statement", "Not authorized", "relation", "psycopg2", "SQL:", "LIMIT 32001"))
    assert "tidak membaca tabel" in unknown and "fungsi version" in function
    # PostgreSQL's usual reasons too, under the name the query was sent as
    # (English, under "query" or "sql" by the kind of failure)
    for sql_text, told in ((f'SELECT nosuchcol FROM "{resource_id}"',
                            'tidak ada kolom \\"nosuchcol\\"'),
                           (f'SELECT 1/0 FROM "{resource_id}"', "pembagian dengan nol"),
                           (f'SELECT * FROM "{resource_id}" WHERE', "berakhir terlalu cepat")):
        text = error("datastore_search_sql", 409, sql=sql_text)
        assert told in text and '"sql"' in text and '"query"' not in text, text


@pytest.mark.ckan_config("satudata.datastore.query_timeout", 300)
def test_a_column_named_with_a_dot_shows_its_values_in_the_preview(region, run_jobs, smtp,
                                                                   app):
    """DataTables reads a dot in a column's name as a path into the row: the
    column "Rasio per 30.000 penduduk" showed empty on every row of the
    public preview, its values in the DataStore."""
    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"],
                    "No.,Kecamatan,Rasio per 30.000 penduduk,Luas [km2],DT_RowAttr.onmouseover,"
                    "DT_RowClass.x\n1,Metro Barat,5,12,alert(document.domain),y\n")
    to_ready(region, request)
    publish(region, request)
    run_jobs()
    (view,) = [v for v in helpers.call_action("resource_view_list", id=table["id"])
               if v["view_type"] == "datatables_view"]
    (row,) = json.loads(datatables_ajax(app, view["id"]).body)["data"]

    def as_datatables_reads(name: str) -> Any:  # its path: parts at the dots, [..] a list
        value: Any = row
        for part in re.findall(r"(?:\\.|[^.])+", name):
            array = re.search(r"\[(.*?)\]$", part)
            value = value.get(part[:array.start()] if array else part)
            if array:
                value = array.group(1).join(value)
        return value

    assert as_datatables_reads("Rasio per 30.000 penduduk") == "5"
    assert as_datatables_reads("Luas [km2]") == "12"
    assert as_datatables_reads("Kecamatan") == "Metro Barat"
    assert as_datatables_reads("No.") == "1"  # its last dot: one more part, empty
    # never under DataTables' own names: "DT_RowAttr.onmouseover" became the
    # row's event handler (a script in every preview of the table), and
    # "DT_RowClass.x" an object its class code split (no rows shown)
    assert not {"DT_RowAttr", "DT_RowClass", "DT_RowData"} & set(row), row


def test_a_public_query_runs_a_short_while_at_most(app, published_table):
    """An anonymous query joining a public table with a billion-row series
    held a web process for a minute (CKAN's limit): four of them, the
    whole portal."""
    resource_id = published_table["resource"]["id"]
    sql = f'SELECT count(*) FROM "{resource_id}", generate_series(1, 1000000000)'
    response = app.post("/api/3/action/datastore_search_sql", json={"sql": sql})
    assert response.status_code == 409, response.body
    assert "terlalu lama" in response.json["error"]["sql"][0]


@pytest.mark.ckan_config("satudata.table.max_rows", 3)
def test_a_table_of_too_many_rows_is_reported_and_not_loaded(region, run_jobs, smtp, app):
    """A file of millions of rows (50 MB of ``1,2`` lines) held the only
    jobs worker for many minutes (its rows in memory, then a full-text index
    of 13 million rows) while every e-mail waited. Past
    ``satudata.table.max_rows`` data rows the data check says to split the
    file, and it is not loaded; blank lines after the last row do not count."""
    request = region.request_of(region.opd_a)
    producer = as_user(region, "producer")
    large = add_csv(region, "producer", request["package_id"],
                    "tahun,jumlah\n2022,1\n2023,2\n2024,3\n2025,4\n", name="Besar")
    fits = add_csv(region, "producer", request["package_id"],
                   "tahun,jumlah\n2023,2\n2024,3\n2025,4\n\n\n,\n", name="Pas")
    run_jobs()

    files = {f["resource_id"]: f for f in helpers.call_action(
        "satudata_data_check_list", context=dict(producer), id=request["package_id"])["files"]}
    assert files[large["id"]]["status"] == "unreadable"
    message = files[large["id"]]["errors"][0]["message"]
    assert "3 data rows" in message and "split" in message
    assert files[fits["id"]]["status"] != "unreadable"
    assert not helpers.call_action("resource_show", id=large["id"]).get("datastore_active")
    assert rows_of(fits["id"], producer) == [(2023, 2), (2024, 3), (2025, 4)]
    # its DataStore page says why in the reader's language, with no button
    # to load it (which did nothing)
    page = app.get(f"/dataset/{request['package_id']}/resource_data/{large['id']}",
                   headers=token_of(producer["user"])).body
    assert "lebih dari 3 baris data" in page and "pecah menjadi beberapa berkas" in page
    assert "unreadable by the data check" not in page and 'name="save"' not in page


def test_two_loads_of_one_dataset_run_one_after_the_other(region, run_jobs, smtp, app):
    """Two jobs workers loaded one dataset at once (a soak of 40 clients:
    each publication and withdrawal owes a load): both copied the rows into
    the table, and the public read every row twice. Then a load waited for
    the one running, a worker held (every e-mail behind a four-minute load).
    A load asked while another runs asks it to go again and returns at once;
    the running one, done, loads again."""
    import threading

    from ckanext.satudata.lib import datastore

    request = region.request_of(region.opd_a)
    producer = as_user(region, "producer")
    table = add_csv(region, "producer", request["package_id"], CSV)
    run_jobs()
    assert rows_of(table["id"], producer) == [(2024, 10), (2025, 12)]
    key = sa.func.hashtext("satudata_load:" + request["package_id"])
    done: list[Any] = []

    def load() -> None:
        with app.flask_app.test_request_context("/"):
            try:
                done.append(datastore.load_package(request["package_id"], force=True))
            finally:
                model.Session.remove()

    with model.meta.engine.connect() as running:  # a load running in another worker
        running.execute(sa.select(sa.func.pg_advisory_lock(key)))
        later = threading.Thread(target=load)
        later.start()
        later.join(30)
        # it did not wait: nothing loaded by it, the running load asked again
        assert not later.is_alive() and done == [[]]
        assert datastore._asked_again.__name__  # (the running load reads it when done)
        running.execute(sa.select(sa.func.pg_advisory_unlock(key)))
    # the running load, done, finds it was asked again, and loads again
    with app.flask_app.test_request_context("/"):
        again = datastore.load_package(request["package_id"])
    assert again and again[0]["status"] == "complete"
    assert rows_of(table["id"], producer) == [(2024, 10), (2025, 12)]
    # once: nothing asked any more
    with app.flask_app.test_request_context("/"):
        assert datastore._asked_again(request["package_id"]) is None


def test_a_table_the_loader_refuses_is_told_in_the_readers_words(region, run_jobs, smtp, app):
    """A file whose first row names a column twice failed to load, and its
    DataStore page printed xloader's English and Python's dump: "Validation
    error writing rows to db: None - {'field': ['Duplicate column names are
    not supported']}"."""
    request = region.request_of(region.opd_a)
    producer = as_user(region, "producer")
    table = add_csv(region, "producer", request["package_id"],
                    "tahun,jumlah,tahun\n2022,1,2022\n", name="Ganda")
    run_jobs()
    page = html.unescape(app.get(
        f"/dataset/{request['package_id']}/resource_data/{table['id']}",
        headers=token_of(producer["user"])).body)
    assert "dua kolom di baris pertamanya bernama sama" in page
    assert "Duplicate column names" not in page and "{'field'" not in page


def test_a_number_declared_after_the_upload_types_the_loaded_table(region, run_jobs, smtp):
    """The data check told the producer to declare the uploaded table's
    column; declared then, the published table kept it as text (sorted 10
    before 9)."""
    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    table = add_csv(region, "producer", pkg_id, "kecamatan,jumlah\nA,9\nB,10\n")
    run_jobs()
    producer = as_user(region, "producer")
    types = {f["id"]: f["type"] for f in helpers.call_action(
        "datastore_info", context=dict(producer), id=table["id"])["fields"]}
    assert types["jumlah"] == "text"
    region.call("producer", "package_patch", id=pkg_id, variables=[
        {"name": "kecamatan", "definition": "Kecamatan", "data_type": "text", "unit": "-"},
        {"name": "jumlah", "definition": "Jumlah", "data_type": "integer", "unit": "unit"}])
    run_jobs()
    types = {f["id"]: f["type"] for f in helpers.call_action(
        "datastore_info", context=dict(producer), id=table["id"])["fields"]}
    assert types["jumlah"] == "numeric"


def test_a_number_column_the_loader_renames_is_typed_too(region, run_jobs, smtp):
    """The loader writes a column's name in ASCII and cuts it at 63
    characters: "Penduduk Usia 15–64" became "…15-64", "Suhu (°C)" "…(degC)",
    and the declared number columns stayed text (10 sorted before 9)."""
    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    long = "Jumlah Tenaga Kesehatan Menurut Jenis Kelamin dan Kelompok Umur Tahun 2025"
    region.call("producer", "package_patch", id=pkg_id, variables=[
        {"name": "Penduduk Usia 15–64", "definition": "Penduduk", "data_type": "integer",
         "unit": "jiwa"},
        {"name": "Suhu (°C)", "definition": "Suhu", "data_type": "decimal", "unit": "°C"},
        {"name": long, "definition": "Jumlah", "data_type": "integer", "unit": "orang"}])
    table = add_csv(region, "producer", pkg_id,
                    f"Penduduk Usia 15–64,Suhu (°C),{long}\n9,26.1,3\n10,27.5,4\n")
    run_jobs()
    types = {f["id"]: f["type"] for f in helpers.call_action(
        "datastore_info", context=dict(as_user(region, "producer")), id=table["id"])["fields"]}
    assert set(types.values()) == {"numeric"}, types

def _loaded_workbook(region, run_jobs, app, name: str, content: bytes) -> tuple[dict, str, str]:
    """A workbook uploaded as a table of OPD A's request, the jobs run: the
    table, its load status and its DataStore page as its producer reads it."""
    request = region.request_of(region.opd_a)
    producer = as_user(region, "producer")
    table = region.call("producer", "resource_create", package_id=request["package_id"],
                        name=name.title(), format="XLSX", url=f"{name}.xlsx",
                        upload=FileStorage(stream=io.BytesIO(content),
                                           filename=f"{name}.xlsx"))
    run_jobs()
    status = helpers.call_action("xloader_status", context=dict(producer),
                                 resource_id=table["id"])["status"]
    page = html.unescape(app.get(
        f"/dataset/{request['package_id']}/resource_data/{table['id']}",
        headers=token_of(producer["user"])).body)
    return table, status, page


@pytest.mark.parametrize("far", ["value", "formatting"])
def test_a_workbook_reaching_far_past_its_header_is_not_loaded(region, run_jobs, smtp, app,
                                                               far):
    """One value, or one formatted blank cell, in column XFD of a 46 KB
    workbook: xloader read every row 16,384 cells wide, and its load held a
    jobs worker for minutes (every other check, e-mail and load waiting).
    Not loaded, told why."""
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["kecamatan", "jumlah"])
    for n in range(300):
        sheet.append([f"Kecamatan {n}", n])
    if far == "value":
        sheet["XFD301"] = "x"
    else:
        sheet["XFD301"].font = Font(bold=True)
    content = io.BytesIO()
    workbook.save(content)
    table, status, page = _loaded_workbook(region, run_jobs, app, "jauh", content.getvalue())
    assert status == "error"
    assert not helpers.call_action("resource_show", id=table["id"]).get("datastore_active")
    assert "jauh melewati baris judulnya" in page and "hapus kolom di kanan tabel" in page


def test_a_workbook_carrying_texts_no_cell_uses_is_refused_at_once(region, run_jobs, smtp,
                                                                  app):
    """An 800 KB workbook of four rows carried 300,000 shared texts no cell
    used: its data check took 95 s, its DataStore load four minutes (a jobs
    worker held, every e-mail waiting), its request's page a minute."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["kecamatan", "jumlah"])
    workbook.active.append(["Kecamatan A", 1])
    content = io.BytesIO()
    workbook.save(content)
    # a shared strings part of 20,000 texts beside the cells' own
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    spare = "".join(f"<si><t>sisa {n}</t></si>" for n in range(20_000))
    swollen = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content.getvalue())) as source, \
            zipfile.ZipFile(swollen, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    "</Types>").encode())
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", (
                    '<Relationship Id="rIdSisa" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/sharedStrings" '
                    'Target="sharedStrings.xml"/></Relationships>').encode())
            target.writestr(item, data)
        target.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}" count="20000" '
                        f'uniqueCount="20000">{spare}</sst>')
    _table, status, page = _loaded_workbook(region, run_jobs, app, "sisa", swollen.getvalue())
    assert status == "error"
    assert "tidak dipakai sel mana pun" in page, page[:300]


def test_a_table_whose_datastore_table_the_load_dropped_first_is_deleted_without_a_500(
        region, run_jobs, smtp, monkeypatch):
    """CKAN's DataStore drops a deleted table once the dataset's save has
    committed; the portal's load job that commit queued dropped it first 2
    times in 14: "table does not exist", a 500 for a table deleted all the
    same."""
    from ckanext.datastore.backend import DatastoreBackend

    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"], CSV)
    run_jobs()
    backend = type(DatastoreBackend.get_active_backend())
    assert backend.resource_exists(DatastoreBackend.get_active_backend(), table["id"])
    real, dropped = backend.resource_exists, []

    def checked_then_dropped(self, resource_id):
        found = real(self, resource_id)
        if found and resource_id == table["id"] and not dropped:
            # the load job, between CKAN's look and its drop
            dropped.append(None)
            dropped[0] = datastore._drop_table(resource_id)
        return found
    monkeypatch.setattr(backend, "resource_exists", checked_then_dropped)
    region.call("producer", "resource_delete", id=table["id"])
    assert dropped == [True]
    assert table["id"] not in [r["id"] for r in region.call(
        "producer", "package_show", id=request["package_id"])["resources"]]


def test_a_publication_committed_during_a_load_is_what_search_finds(region, run_jobs, smtp, app,
                                                                     monkeypatch):
    """CKAN's DataStore and xloader index the dataset once its table is
    loaded, from a copy read before (xloader: its document in Solr), outside
    any lock: a publication that committed meanwhile was overwritten by the
    private dataset's document, and the published data was missing from
    search, its OPD's count and the DCAT catalogue. Here the publication
    commits between xloader's read and its write."""
    import threading

    from ckan.lib import search
    from ckanext.xloader import jobs as xloader_jobs

    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    add_csv(region, "producer", pkg_id, CSV)  # its load waits in the queue
    to_ready(region, request)
    original = xloader_jobs.set_datastore_active
    published: list[Any] = []

    def racing(data: Any, resource: Any, logger: Any) -> None:
        read_before = json.loads(search.PackageSearchQuery().run({
            "q": f'id:"{pkg_id}"', "fl": "data_dict", "rows": 1})["results"][0]["data_dict"])

        def step() -> None:
            with app.flask_app.test_request_context("/"):
                try:
                    published.append(publish(region, request))
                finally:
                    model.Session.remove()

        thread = threading.Thread(target=step)
        thread.start()
        thread.join(60)
        original(data, resource, logger)
        search.PackageSearchIndex().index_package(read_before)  # written after, as read before

    monkeypatch.setattr(xloader_jobs, "set_datastore_active", racing)
    run_jobs()
    assert published and published[0]["state"] == "published", published
    found = helpers.call_action("package_search", context={"user": "", "ignore_auth": False},
                                fq=f'id:"{pkg_id}"')
    assert found["count"] == 1, "the published dataset is missing from search"
    assert found["results"][0]["resources"][0]["datastore_active"]

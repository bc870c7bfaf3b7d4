# -*- coding: utf-8 -*-
"""The workflow pages, through the app: who sees what, the transition forms
with their CSRF token and version, the XLSX downloads."""
from __future__ import annotations

import datetime
import importlib.util
import io
import os
import html
import re
import urllib.parse
from typing import Any

import openpyxl
import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk
from ckan.lib.uploader import get_storage_path
from ckan.tests import factories, helpers

from ...lib import storage
from ..factories import (
    WalidataRole, complete_metadata, daftar_data_workbook, log_out, publish, request_state,
    to_ready,
)


def _login(app, name):
    """A browser-like client logged in through the login form: it keeps the
    session cookie and must send the CSRF token of each form it posts."""
    client = app.test_client()
    page = client.get(tk.url_for("user.login"))
    resp = client.post(tk.url_for("user.login"), data={
        "login": name, "password": "correct123", "_csrf_token": _csrf(page.body)},
        follow_redirects=False)
    assert resp.status_code == 302, resp.body
    return client


def _csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


class TestPages:
    def test_public_sees_nothing(self, app, region):
        req = region.request_of(region.opd_a)
        # a visitor (the link of a workflow e-mail or a reminder, the session
        # ended with the browser) is asked to log in and comes back, for a
        # real id as for a made-up one
        for url in (tk.url_for("satudata_request.index"),
                    tk.url_for("satudata_request.read", id=req["id"]),
                    tk.url_for("satudata_request.read", id="00000000-0000-4000-8000-000000000000"),
                    tk.url_for("satudata_round.read", round_id=region.round["name"]),
                    # a round's publication (it answered 403)
                    tk.url_for("satudata_dissemination.publication",
                               round_id=region.round["name"]),
                    tk.url_for("satudata_daftar_data.index", year=2026)):
            page = app.get(url, follow_redirects=False)
            assert page.status_code == 302, url
            location = urllib.parse.unquote(page.headers["Location"])
            assert "/user/login?came_from=" + url in location, (url, location)
            # from an English page, back to the English page
            page = app.get("/en" + url, follow_redirects=False)
            location = urllib.parse.unquote(page.headers["Location"])
            assert "/en/user/login?came_from=/en" + url in location, (url, location)
        # the login page says why it is shown
        assert "Masuk untuk membuka halaman ini" in app.get(url).body
        client = _login(app, "warga")
        client.get(tk.url_for("satudata_request.read", id=req["id"]), status=404)
        client.get(tk.url_for("satudata_request.index"), status=403)
        client.get(tk.url_for("satudata_round.index"), status=403)
        # the dashboard offers a citizen their own public data requests, not
        # a tab that answers 403
        region.call("public", "satudata_public_request_create", title="Data bidan saya",
                    description="Per kecamatan", name="Warga")
        dashboard = client.get("/dashboard/datasets").body
        assert tk.url_for("satudata_request.index") not in dashboard
        mine = tk.url_for("satudata_public_request.index", mine="1")
        assert mine.replace("&", "&amp;") in dashboard
        page = client.get(mine).body
        assert "Permohonan data saya" in page and "Data bidan saya" in page
        assert "Data bidan saya" not in _login(app, "produsen-a").get(mine).body

    def test_a_form_sent_after_the_session_ended_asks_to_log_in_again(self, app, region):
        """The producer logged out in another tab, then sent the request's
        step form or the dataset's edit form: "not found", as if the
        request or the dataset had been deleted."""
        req = region.request_of(region.opd_a)
        pkg = region.call("sysadmin", "package_show", id=req["package_id"])
        client = _login(app, "produsen-a")
        read = tk.url_for("satudata_request.read", id=req["id"])
        page = client.get(read)
        edit_url = tk.url_for("dataset.edit", id=pkg["name"])
        edit = client.get(edit_url)
        log_out(client)  # the other tab
        for url, form, origin in (
                (tk.url_for("satudata_request.take", id=req["id"], transition="submit"),
                 page, read),
                (edit_url, edit, edit_url),
                # the walidata's steps and the workbook import said "not found"
                (tk.url_for("satudata_dissemination.take", id=req["id"],
                            transition="withdraw"), page, read),
                (tk.url_for("satudata_metadata.import_form", id=pkg["name"]), edit, edit_url)):
            sent = client.post(url, data={"_csrf_token": _csrf(form.body), "notes": "Baru"},
                               headers={"Referer": "http://test.ckan.net" + origin},
                               follow_redirects=False)
            assert sent.status_code == 303, (url, sent.status_code)
            location = urllib.parse.unquote(sent.headers["Location"])
            assert "/user/login?came_from=" + origin in location, location
            login_page = client.get(location).body
            assert "Sesi Anda telah berakhir" in login_page, url
        assert request_state(region, req) == "requested"
        # an edit page opened logged out asks to log in too (it said "not found")
        page = app.get(edit_url, follow_redirects=False)
        assert page.status_code == 302 and "/user/login" in page.headers["Location"]

    def test_producer_dashboard_and_submit_form(self, app, region):
        req_a = region.request_of(region.opd_a)
        complete_metadata(req_a["package_id"], "produsen-a")
        client = _login(app, "produsen-a")
        page = client.get(tk.url_for("satudata_request.index"))
        assert "Jumlah Puskesmas" in page.body
        assert "Dinas Kesehatan" in page.body
        assert "Dinas Pendidikan" not in page.body      # the other OPD's request
        assert tk.url_for("satudata_request.index") in client.get("/dashboard/datasets").body

        page = client.get(tk.url_for("satudata_request.read", id=req_a["id"]))
        assert 'name="version" value="1"' in page.body
        # the step's deadline, told apart from the round's (two dates, one name)
        assert "Tenggat langkah ini" in page.body and "halaman putaran" in page.body
        assert "satudata-transition-submit" in page.body
        assert "satudata-transition-verify" not in page.body
        # a stale form (version 0) is refused with a clear message
        resp = client.post(tk.url_for("satudata_request.take", id=req_a["id"],
                                   transition="submit"),
                        data={"_csrf_token": _csrf(page.body), "version": "0", "note": "x"})
        assert "berubah sejak halaman dibuka" in resp.body
        # without the CSRF token the POST is rejected
        client.post(tk.url_for("satudata_request.take", id=req_a["id"], transition="submit"),
                 data={"version": "1"}, status=400)
        resp = client.post(tk.url_for("satudata_request.take", id=req_a["id"],
                                   transition="submit"),
                        data={"_csrf_token": _csrf(page.body), "version": "1",
                              "note": "Sudah lengkap"})
        assert "Sudah lengkap" in resp.body           # the timeline
        # what was done and where the request is now ("Selesai: Ajukan" read as an order)
        assert "selesai. Status permintaan kini: diajukan" in resp.body
        assert "satudata-state-submitted" in resp.body

        other = region.request_of(region.opd_b)
        client.get(tk.url_for("satudata_request.read", id=other["id"]), status=404)

    def test_verifier_queue_return_with_field_notes(self, app, region):
        req = region.request_of(region.opd_a)
        complete_metadata(req["package_id"], "produsen-a")
        region.call("producer", "satudata_request_submit", id=req["id"])
        client = _login(app, "verifikator")
        queue = client.get(tk.url_for("satudata_request.index"))
        assert req["id"] in queue.body
        page = client.get(tk.url_for("satudata_request.read", id=req["id"]))
        assert "satudata-transition-return" in page.body
        assert "satudata-transition-verify" in page.body
        pkg = region.call("sysadmin", "package_show", id=req["package_id"])
        dataset_link = f'href="/dataset/{pkg["name"]}"'
        assert dataset_link in page.body  # the data under review: readable
        resp = client.post(tk.url_for("satudata_request.take", id=req["id"],
                                   transition="return"),
                        data={"_csrf_token": _csrf(page.body), "version": "2",
                              "note": "Definisi kurang jelas",
                              "field_note-definition": "Gunakan definisi BPS"})
        assert "Definisi kurang jelas" in resp.body
        assert "Gunakan definisi BPS" in resp.body
        events = region.call("verifier", "satudata_request_event_list", id=req["id"])
        assert events[-1]["field_notes"] == {"definition": ["Gunakan definisi BPS"]}
        # back with the producer, the verifier still reads what they returned
        page = client.get(tk.url_for("satudata_request.read", id=req["id"]))
        assert pkg["title"] in page.body and dataset_link in page.body
        client.get(f"/dataset/{pkg['name']}", status=200)

    def test_a_middle_approval_says_whom_the_request_waits_for_now(self, app, region):
        """The Kabid's approval said "the request is now: verified, in
        approval", as before the click."""
        req = region.request_of(region.opd_a)
        complete_metadata(req["package_id"], "produsen-a")
        region.call("producer", "satudata_request_submit", id=req["id"])
        region.call("verifier", "satudata_request_verify", id=req["id"])
        client = _login(app, "kabid")
        page = client.get(tk.url_for("satudata_request.read", id=req["id"]))
        done = client.post(tk.url_for("satudata_request.take", id=req["id"],
                                      transition="approve"),
                           data={"_csrf_token": _csrf(page.body), "version": "3"})
        assert "Status permintaan kini: terverifikasi, dalam persetujuan, menunggu " \
               "Kepala Dinas" in done.body, done.body[:3000]

    def test_walidata_pages_and_exports(self, app, region):
        client = _login(app, "admin-walidata")
        page = client.get(tk.url_for("satudata_round.read",
                                  round_id=region.round["name"]))
        assert "Semester I 2026" in page.body
        resp = client.get(tk.url_for("satudata_round.export",
                                  round_id=region.round["name"]))
        wb = openpyxl.load_workbook(io.BytesIO(resp.data))
        rows = list(wb.worksheets[0].iter_rows(min_row=5, values_only=True))
        assert {r[2] for r in rows} == {"Dinas Kesehatan", "Dinas Pendidikan"}
        template = client.get(tk.url_for("satudata_daftar_data.template"))
        sheet = openpyxl.load_workbook(io.BytesIO(template.data))["OPD"]
        assert "dinas-kesehatan" in [r[0] for r in sheet.iter_rows(values_only=True)]
        assert "Jumlah Puskesmas" in client.get(
            tk.url_for("satudata_daftar_data.index")).body
        client.get(tk.url_for("satudata_daftar_data.import_form"))
        client.get(tk.url_for("satudata_round.edit"))
        client.get(tk.url_for("satudata_daftar_data.edit"))


def test_walidata_creates_an_item_and_a_round_through_the_forms(app, region):
    client = _login(app, "admin-walidata")
    page = client.get(tk.url_for("satudata_daftar_data.edit"))
    resp = client.post(tk.url_for("satudata_daftar_data.edit"), data={
        "_csrf_token": _csrf(page.body), "title": "Jumlah Posyandu",
        "owner_org": "dinas-kesehatan", "year": "2026", "update_frequency": "annual",
        "government_affairs": ["1.02", "2.20"], "unit": "unit",
        "priority": "true", "active": "true", "sk_date": ""})
    assert "Jumlah Posyandu" in resp.body
    # a form with errors is shown again with them
    page = client.get(tk.url_for("satudata_round.edit"))
    # the form's own title, not its list's (tabs and history told them apart by nothing)
    assert re.search(r"<title>\s*Putaran pengumpulan baru - Putaran pengumpulan", page.body)
    assert re.search(r"<title>\s*Tambah butir Daftar Data - Daftar Data",
                     client.get(tk.url_for("satudata_daftar_data.edit")).body)
    resp = client.post(tk.url_for("satudata_round.edit"), data={
        "_csrf_token": _csrf(page.body), "name": "semester-2-2026", "title": "",
        "year": "2026", "start_date": "2026-07-01"}, status=400)
    resp = client.post(tk.url_for("satudata_round.edit"), data={
        "_csrf_token": _csrf(resp.body), "name": "semester-2-2026",
        "title": "Semester II 2026", "year": "2026", "start_date": "2026-07-01",
        "period": "S2"})
    assert "Semester II 2026" in resp.body
    assert 'satudata-round-period">S2<' in resp.body  # the period typed is shown
    # no URL name typed (no script filled it from the title): named after
    # the title (the first save was refused, "URL name: missing value")
    form = client.get(tk.url_for("satudata_round.edit"))
    named = client.post(tk.url_for("satudata_round.edit"), data={
        "_csrf_token": _csrf(form.body), "name": "", "title": "Semester I 2027 (Susulan)",
        "year": "2027", "start_date": "2027-01-04"})
    assert named.status_code == 200 and "Semester I 2027 (Susulan)" in named.body
    assert region.call("walidata_admin", "satudata_round_show",
                       id="semester-i-2027-susulan")["title"] == "Semester I 2027 (Susulan)"
    region.call("walidata_admin", "satudata_round_delete", id="semester-i-2027-susulan")
    # sending reaches every OPD: the form asks for a confirmation first
    assert re.search(r'type="checkbox"[^>]*name="confirm"[^>]*required', resp.body)
    resp = client.post(tk.url_for("satudata_round.send", round_id="semester-2-2026"),
                       data={"_csrf_token": _csrf(resp.body), "confirm": "1"})
    assert "satudata-round-counts" in resp.body
    # each state's name leads to its requests (a one-digit link was too small
    # to tap on a phone, and a screen reader's list of links read "1")
    counts = re.search(r'<table class="table table-sm satudata-round-counts">.*?</table>',
                       resp.body, re.S).group(0)
    assert re.search(r'<td><a href="[^"]*state=requested[^"]*">[^<]+</a></td>\s*'
                     r'<td>1</td>', counts), counts
    result = region.call("walidata_admin", "satudata_round_show", id="semester-2-2026")
    # the new item; the region's two wait for their first period (still with
    # their producers in semester I), and the page says so
    assert result["counts"]["requested"] == 1
    assert "Jumlah Puskesmas" in resp.body


def test_import_form_shows_row_errors_and_imports_a_good_file(app, region):

    client = _login(app, "admin-walidata")
    page = client.get(tk.url_for("satudata_daftar_data.import_form"))
    bad = daftar_data_workbook([["Jumlah Guru", "tidak-ada"] + [None] * 7])
    resp = client.post(tk.url_for("satudata_daftar_data.import_form"), data={
        "_csrf_token": _csrf(page.body), "year": "2030",
        "upload": (io.BytesIO(bad), "daftar.xlsx")}, status=400)
    assert "satudata-import-errors" in resp.body and "opd" in resp.body
    good = daftar_data_workbook([["Jumlah Guru", "dinas-pendidikan"] + [None] * 7])
    resp = client.post(tk.url_for("satudata_daftar_data.import_form"), data={
        "_csrf_token": _csrf(resp.body), "year": "2030",
        "upload": (io.BytesIO(good), "daftar.xlsx")})
    assert "Jumlah Guru" in resp.body
    assert region.call("walidata_admin", "satudata_daftar_data_list", year=2030)["count"] == 1


def test_next_years_list_copied_from_this_years_keeps_its_own_decree(app, region):
    """The export of this year's list imported into the next year linked
    this year's items' SK: deleting one of them (never requested) killed the
    decree of its copy (404), with no word."""
    import base64

    pdf = b"%PDF-1.4\n% SK Bupati 2041\n%%EOF\n"
    item = region.call("walidata_admin", "satudata_daftar_data_create",
                       title="Jumlah Posyandu", owner_org="dinas-kesehatan", year=2041,
                       sk_number="3/SK/2041", sk_upload=pdf)
    exported = region.call("walidata_admin", "satudata_daftar_data_template", year=2041)
    region.call("walidata_admin", "satudata_daftar_data_import", year=2042,
                upload=base64.b64decode(exported["content"]))
    copy, = region.call("walidata_admin", "satudata_daftar_data_list", year=2042)["results"]
    assert copy["sk_url"].endswith(f"/daftar-data/{copy['id']}/sk.pdf")
    region.call("walidata_admin", "satudata_daftar_data_delete", id=item["id"])
    assert _login(app, "produsen-a").get(copy["sk_url"]).data == pdf


def test_sk_decree_pdf_is_uploaded_and_served_to_those_who_see_the_item(app, region):
    pdf = b"%PDF-1.4\n% SK Bupati\n%%EOF\n"
    item = region.call("walidata_admin", "satudata_daftar_data_create",
                       title="Jumlah Bidan", owner_org="dinas-kesehatan", year=2026,
                       sk_number="7/SK/2026", sk_upload=pdf)
    assert item["sk_url"].endswith(f"/daftar-data/{item['id']}/sk.pdf")
    client = _login(app, "produsen-a")
    assert client.get(item["sk_url"]).data == pdf
    _login(app, "produsen-b").get(item["sk_url"], status=404)  # as if there were none
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                    sk_upload=b"not a pdf")
    assert "sk_upload" in err.value.error_dict
    # the item's trail names the decree it was added with, and a new document
    # (at the same address as the one before: no field changed, no trace)
    newer = b"%PDF-1.4\n% SK Bupati perubahan\n%%EOF\n"
    region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"], sk_upload=newer)
    assert client.get(item["sk_url"]).data == newer
    added, replaced = region.call("walidata_admin", "satudata_daftar_data_show",
                                  id=item["id"])["events"]
    assert ("sk_number", "—", "7/SK/2026") in [
        (c["field"], c["before_text"], c["after_text"]) for c in added["changes"]]
    [change] = replaced["changes"]
    assert change["field"] == "sk_file" and change["before_text"] != "—"
    assert f"{len(newer)} B" in change["after_text"] and "SHA-256" in change["after_text"]
    # the first document of an item whose decree was a link replaced none
    # (the trail said "the document uploaded before")
    linked = region.call("walidata_admin", "satudata_daftar_data_create",
                         title="Jumlah Perawat", owner_org="dinas-kesehatan", year=2026,
                         sk_url="https://jdih.example.go.id/sk-7.pdf")
    region.call("walidata_admin", "satudata_daftar_data_update", id=linked["id"],
                sk_upload=pdf)
    first = region.call("walidata_admin", "satudata_daftar_data_show",
                        id=linked["id"])["events"][-1]
    uploaded = next(c for c in first["changes"] if c["field"] == "sk_file")
    assert uploaded["before_text"] == "—", uploaded
    # an empty PDF chosen in the form was dropped with "saved"; with other
    # errors, only the document's was shown (the others after it was fixed)
    client = _login(app, "admin-walidata")
    edit = f"/permintaan-data/daftar-data/{item['id']}/edit"
    page = client.get(edit)
    response = client.post(edit, data={
        "_csrf_token": _csrf(page.body), "title": "Jumlah Bidan", "owner_org": "dinas-kesehatan",
        "year": "dua ribu", "active": "on", "sk_upload": (io.BytesIO(b""), "sk-kosong.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Berkas kosong" in response.body and 'href="#field-year"' in response.body


def test_sk_decree_is_not_served_as_a_public_upload(app, region):
    """CKAN serves ``<storage>/storage`` to anyone under ``/uploads``: an SK
    is kept outside it, so only its guarded route serves it; one left at the
    old place by an earlier version is moved on its first guarded access."""
    pdf = b"%PDF-1.4\n% SK Bupati rahasia\n%%EOF\n"
    item = region.call("walidata_admin", "satudata_daftar_data_create",
                       title="Jumlah Bidan", owner_org="dinas-kesehatan", year=2026,
                       sk_number="7/SK/2026", sk_upload=pdf)
    app.get(f"/uploads/satudata_sk/{item['id']}.pdf", status=404)
    _login(app, "produsen-b").get(f"/uploads/satudata_sk/{item['id']}.pdf", status=404)
    assert _login(app, "produsen-a").get(item["sk_url"]).data == pdf
    assert "/user/login" in app.get(item["sk_url"], follow_redirects=False).headers["Location"]

    # an SK stored by an earlier version, where CKAN served it to anyone
    old = region.call("walidata_admin", "satudata_daftar_data_create",
                      title="Jumlah Perawat", owner_org="dinas-kesehatan", year=2026,
                      sk_number="8/SK/2026")
    legacy = os.path.join(get_storage_path(), "storage", "uploads", "satudata_sk",
                          f"{old['id']}.pdf")
    os.makedirs(os.path.dirname(legacy), exist_ok=True)
    with open(legacy, "wb") as out:
        out.write(pdf)
    url = tk.url_for("satudata_daftar_data.sk", item_id=old["id"])
    _login(app, "produsen-b").get(url, status=404)
    assert _login(app, "produsen-a").get(url).data == pdf
    app.get(f"/uploads/satudata_sk/{old['id']}.pdf", status=404)
    assert _login(app, "produsen-a").get(url).data == pdf


def test_sk_decrees_at_the_old_public_place_are_moved_by_the_upgrade(app, region):
    """Migration 0014 moves the SKs an earlier version kept where CKAN
    serves them to anyone; its downgrade puts them back for that version."""
    item = region.call("walidata_admin", "satudata_daftar_data_create",
                       title="Jumlah Bidan", owner_org="dinas-kesehatan", year=2026,
                       sk_number="7/SK/2026")
    pdf = b"%PDF-1.4\n% SK lama\n%%EOF\n"
    legacy = os.path.join(get_storage_path(), "storage", "uploads", "satudata_sk",
                          f"{item['id']}.pdf")
    os.makedirs(os.path.dirname(legacy), exist_ok=True)
    with open(legacy, "wb") as out:
        out.write(pdf)
    spec = importlib.util.spec_from_file_location("migration_0014", os.path.join(
        os.path.dirname(storage.__file__), "..", "migration", "satudata", "versions",
        "0014_sk_out_of_public_uploads.py"))
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    migration.upgrade()
    app.get(f"/uploads/satudata_sk/{item['id']}.pdf", status=404)
    url = tk.url_for("satudata_daftar_data.sk", item_id=item["id"])
    assert _login(app, "produsen-a").get(url).data == pdf
    migration.downgrade()
    assert os.path.exists(legacy)
    migration.upgrade()
    assert not os.path.exists(legacy)
    assert _login(app, "produsen-a").get(url).data == pdf


def test_the_opds_first_visit_is_the_proof_of_receipt(app, region):
    request = region.request_of(region.opd_a)
    url = f"/permintaan-data/{request['id']}"

    def receipts():
        return [e for e in region.call("sysadmin", "satudata_request_event_list",
                                        id=request["id"]) if e["transition"] == "received"]

    for who in ("verifikator", "sysadmin-uji"):     # the walidata's visits are no receipt
        assert _login(app, who).get(url).status_code == 200
    assert receipts() == []
    assert _login(app, "produsen-b").get(url).status_code in (403, 404)
    assert receipts() == []

    producer = _login(app, "produsen-a")
    page = producer.get(url)
    assert page.status_code == 200
    assert "Diterima OPD" in page.body               # in the timeline at once
    received = page.body[page.body.index('data-transition="received"'):]
    received = received[:received.index("</li>")]
    assert "→" not in received                       # not "diminta → diminta"
    producer.get(url)
    [receipt] = receipts()                           # once, by the producer
    assert receipt["user_name"] == "produsen-a" and receipt["to_state"] == "requested"
    assert region.call("sysadmin", "satudata_request_show", id=request["id"])["state"] == \
        "requested"

    # a request its producers opened first after submitting it (through the
    # API): no receipt after the fact (it came after the approval, the
    # publication)
    other = region.request_of(region.opd_b)
    complete_metadata(other["package_id"], "produsen-b")
    region.call("producer_b", "satudata_request_submit", id=other["id"])
    assert _login(app, "produsen-b").get(f"/permintaan-data/{other['id']}").status_code == 200
    assert not [e for e in region.call("sysadmin", "satudata_request_event_list",
                                       id=other["id"]) if e["transition"] == "received"]


def test_round_page_lists_letters_and_documents_to_those_who_may_see_them(app, region):
    round_url = f"/permintaan-data/putaran/{region.round['name']}"
    admin = _login(app, "admin-walidata")
    page = admin.get(round_url)
    assert "Surat Permintaan Data" in page.body and "Dinas Pendidikan" in page.body
    assert "Data request letter (Surat Permintaan Data)" in admin.get("/en" + round_url).body
    # a refused file: the form's page says why, in Indonesian, keeps the
    # description typed and stores nothing
    resp = admin.post(f"{round_url}/dokumen", data={
        "_csrf_token": _csrf(page.body), "title": "Program kerja 2026",
        "upload": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "program.pdf")},
        follow_redirects=True)
    assert resp.status_code == 400 and "tidak dapat diunggah" in resp.body
    assert re.search(r'id="document-title"[^>]*value="Program kerja 2026"', resp.body)
    assert region.call("verifier", "satudata_round_document_list", id=region.round["id"]) == []
    resp = admin.post(f"{round_url}/dokumen", data={
        "_csrf_token": _csrf(resp.body), "title": "Pedoman Pengisian",
        "upload": (io.BytesIO(b"kode,indikator\n1,IPM\n"), "pedoman.csv")},
        follow_redirects=True)
    assert "Dokumen Pedoman Pengisian telah diunggah." in resp.body
    [document] = region.call("verifier", "satudata_round_document_list", id=region.round["id"])
    # its removal asks first and names it (one click deleted it, the OPDs'
    # download with it)
    remove = re.search(r'<a [^>]*satudata-document-remove[^>]*>.*?</a>', resp.body, re.S).group(0)
    assert 'data-module="confirm-action"' in remove
    # the whole question in its attribute (a quote in it ended it after "Hapus dokumen")
    assert 'data-module-content="Hapus dokumen Pedoman Pengisian? OPD' in remove, remove
    # followed as a link (tapped before the dialog had started): asked on a
    # page of its own, not "not found"; the document stays until confirmed
    asked = admin.get(f"{round_url}/dokumen/{document['id']}/hapus")
    assert asked.status_code == 200, asked.status_code
    assert "Hapus dokumen Pedoman Pengisian? OPD" in asked.body
    assert admin.get(f"{round_url}/dokumen/bukan-dokumen/hapus").status_code == 404
    assert len(region.call("verifier", "satudata_round_document_list",
                           id=region.round["id"])) == 1

    producer = _login(app, "produsen-a")
    page = producer.get(round_url).body
    assert "Pedoman Pengisian" in page
    assert "Dinas Pendidikan" not in page                   # only OPD A's letter
    assert 'name="upload"' not in page                      # no upload form for producers
    links = re.findall(r'href="([^"]+/surat/[^"]+\.pdf)"', page)
    assert len(links) == 1
    pdf = producer.get(links[0])
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.data.startswith(b"%PDF")
    doc = producer.get(f"{round_url}/dokumen/{document['id']}")
    assert doc.data == b"kode,indikator\n1,IPM\n"
    assert "pedoman.csv" in doc.headers["Content-Disposition"]
    assert "private" in doc.headers["Cache-Control"]
    # fetched with an API token too: for the user only, never kept by a shared proxy
    name = region.users["producer"]["name"]
    token = helpers.call_action("api_token_create", context={"user": name}, user=name,
                                name="unduh")["token"]
    by_token = app.get(f"{round_url}/dokumen/{document['id']}",
                       headers={"Authorization": token})
    assert by_token.data == b"kode,indikator\n1,IPM\n"
    assert "private" in by_token.headers["Cache-Control"]
    assert "public" not in by_token.headers["Cache-Control"]
    # a visitor is asked to log in (as for a made-up id); to a user who may
    # not see them, not found, as made-up ones
    assert "/user/login" in app.get(f"{round_url}/dokumen/{document['id']}",
                                    follow_redirects=False).headers["Location"]
    assert _login(app, "warga").get(links[0]).status_code == 404
    # a letter or a document is served under its own round's address only
    region.call("walidata_admin", "satudata_round_create", name="putaran-lain",
                title="Putaran lain", year=2026, start_date="2026-07-01")
    elsewhere = round_url.replace(region.round["name"], "putaran-lain")
    assert elsewhere != round_url
    assert producer.get(links[0].replace(round_url, elsewhere)).status_code == 404
    assert producer.get(f"{elsewhere}/dokumen/{document['id']}").status_code == 404

    # the verifier issues the Berita Acara from the page once something is decided
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    verifier = _login(app, "verifikator")
    page = verifier.get(round_url)
    resp = verifier.post(f"{round_url}/berita-acara",
                         data={"_csrf_token": _csrf(page.body)}, follow_redirects=True)
    [record] = [x for x in region.call("verifier", "satudata_letter_list",
                                       id=region.round["id"]) if x["kind"] == "berita_acara"]
    assert f"Berita Acara {record['number']} telah diterbitkan." in resp.body
    resp = verifier.post(f"{round_url}/berita-acara",
                         data={"_csrf_token": _csrf(resp.body)}, follow_redirects=True)
    assert "Tidak ada keputusan yang berubah" in resp.body


def test_the_dataset_page_leads_its_producer_back_to_the_request(app, region):
    """From the request page the producer fills in the metadata or adds a
    table, and lands on the dataset page: it had no way back to the request,
    where "Ajukan" is."""
    request = region.request_of(region.opd_a)
    pkg = region.call("producer", "package_show", id=request["package_id"])
    page = _login(app, "produsen-a").get(f"/dataset/{pkg['name']}")
    assert f'/permintaan-data/{request["id"]}' in page.body
    assert "satudata-working-request" in page.body
    # once published, the public page names no request
    to_ready(region, request)
    publish(region, request)
    assert "satudata-working-request" not in app.get(f"/dataset/{pkg['name']}").body
    # withdrawn, then changed by its producer: the change is staged as a
    # revision (the page showed the old text and said nothing), sent from
    # the request page
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Angka tertukar")
    region.call("producer", "package_patch", id=pkg["id"], notes="Koreksi setelah ditarik")
    page = html.unescape(_login(app, "produsen-a").get(f"/dataset/{pkg['name']}").body)
    assert "satudata-working-request" in page and f'/permintaan-data/{request["id"]}' in page
    assert 'dengan "Revisi" pada permintaan data' in page
    assert "satudata-staged-notice" in page and f"/dataset/{pkg['name']}/revisi" in page


def test_a_dataset_link_refused_keeps_the_name_typed(app, region):
    """The request page's "link another dataset" came back empty when the
    name typed was refused."""
    request = region.request_of(region.opd_a)
    client = _login(app, "produsen-a")
    page = client.get(f"/permintaan-data/{request['id']}")
    assert "satudata-link-dataset" in page.body
    resp = client.post(tk.url_for("satudata_request.link_dataset", id=request["id"]),
                       data={"_csrf_token": _csrf(page.body),
                             "package_id": "jumlah-bidan-salah-ketik"}, follow_redirects=True)
    form = resp.body.split('class="satudata-link-dataset')[1].split("</form>")[0]
    assert 'value="jumlah-bidan-salah-ketik"' in form, form


def test_a_year_mistyped_in_a_lists_filter_is_said_above_the_list(app, region):
    """"2O61" typed into the Daftar Data's or the rounds' year filter gave a
    bare 400 page: the list, the form and what was typed gone."""
    client = _login(app, "admin-walidata")
    for path in ("/permintaan-data/daftar-data/", "/permintaan-data/putaran/"):
        page = client.get(path, query_string={"year": "2O61"})
        assert page.status_code == 200, path
        assert "Tahun tidak valid" in page.body, path
        assert 'value="2O61"' in page.body, path
        assert region.round["title"] in page.body or "Jumlah" in page.body, path


def test_deleting_a_daftar_data_item_is_confirmed_first(app, region):
    """"Hapus" on an item's page deleted it at once."""
    item = region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Bidan",
                       owner_org="dinas-kesehatan", year=2026)
    client = _login(app, "admin-walidata")
    page = client.get(f"/permintaan-data/daftar-data/{item['id']}/edit")
    form = page.body[page.body.index('class="satudata-daftar-data-delete'):]
    form = form[:form.index("</details>")]
    assert "<summary" in form and "Ya, hapus butir ini" in form
    done = client.post(f"/permintaan-data/daftar-data/{item['id']}/delete",
                       data={"_csrf_token": _csrf(page.body)}, follow_redirects=True)
    assert "Butir Daftar Data telah dihapus" in done.body
    assert region.call("walidata_admin", "satudata_daftar_data_list", year=2026,
                       q="Jumlah Bidan")["count"] == 0
    # one already requested is deactivated, and the officer is told so (one
    # message said "deleted (or deactivated)", the API answered nothing)
    requested = region.requests[0]["item_id"]
    done = client.post(f"/permintaan-data/daftar-data/{requested}/delete",
                       data={"_csrf_token": _csrf(page.body)}, follow_redirects=True)
    assert "sudah pernah diminta: butir ini dinonaktifkan" in done.body
    assert region.call("walidata_admin", "satudata_daftar_data_show",
                       id=requested)["active"] is False
    # back to the list of the item's year (it was this year's list)
    year = datetime.date.today().year + 3
    later = region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Perawat",
                        owner_org="dinas-kesehatan", year=year)
    done = client.post(f"/permintaan-data/daftar-data/{later['id']}/delete",
                       data={"_csrf_token": _csrf(page.body)}, follow_redirects=False)
    assert f"year={year}" in done.headers["Location"], done.headers["Location"]


def test_a_button_of_an_item_or_round_that_is_not_answers_404(app, region):
    """Deleting a Daftar Data item that is not answered 400; moving on or
    sending a round that is not redirected to its page, which said 404."""
    client = _login(app, "admin-walidata")
    token = _csrf(client.get("/permintaan-data/daftar-data").body)
    missing = "00000000-0000-0000-0000-000000000000"
    for path in (f"/permintaan-data/daftar-data/{missing}/delete",
                 f"/permintaan-data/putaran/{missing}/tahap",
                 f"/permintaan-data/putaran/{missing}/send",
                 f"/permintaan-data/daftar-data/{region.requests[0]['package_id']}/delete"):
        answer = client.post(path, data={"_csrf_token": token, "confirm": "1"},
                             follow_redirects=False)
        assert answer.status_code == 404, (path, answer.status_code)


def test_the_lists_answer_with_or_without_a_trailing_slash(app, region):
    admin = _login(app, "admin-walidata")
    for path in ("/permintaan-data/putaran", "/permintaan-data/daftar-data",
                 "/permohonan-data"):
        assert admin.get(path).status_code == 200, path
        assert admin.get(path + "/").status_code == 200, path + "/"


def test_a_steps_address_opened_again_is_the_request_page(app, region):
    """A refused step shows the request page at the address the form was
    posted to: reloading it, bookmarking it or switching the language there
    answered 404."""
    request = region.request_of(region.opd_a)
    producer = _login(app, "produsen-a")
    for prefix in ("", "/en"):
        again = producer.get(f"{prefix}/permintaan-data/{request['id']}/submit",
                             follow_redirects=False)
        assert again.status_code == 302
        assert again.headers["Location"].endswith(f"{prefix}/permintaan-data/{request['id']}")
    assert producer.get(f"/permintaan-data/{request['id']}/bukan-langkah").status_code == 404
    # a round's document upload, refused and shown at its address, the same
    admin = _login(app, "admin-walidata")
    again = admin.get(f"/en/permintaan-data/putaran/{region.round['name']}/dokumen",
                      follow_redirects=False)
    assert again.status_code == 302 and again.headers["Location"].endswith(
        f"/en/permintaan-data/putaran/{region.round['name']}")


def test_a_round_never_sent_can_be_deleted_a_sent_one_stays(app, region):
    """A round made by mistake stayed listed for ever (it could only be closed)."""
    admin = _login(app, "admin-walidata")
    draft = region.call("walidata_admin", "satudata_round_create", name="salah-buat",
                        title="Salah buat", year=2026, start_date="2026-07-01")
    page = admin.get("/permintaan-data/putaran/salah-buat").body
    assert "satudata-round-delete" in page
    # a producer may not; the sent round of the region stays, with the reason
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("satudata_round_delete", context={
            "user": region.users["producer"]["name"], "ignore_auth": False}, id=draft["id"])
    sent_page = admin.get(f"/permintaan-data/putaran/{region.round['name']}").body
    assert "satudata-round-delete" not in sent_page
    with pytest.raises(tk.ValidationError):
        region.call("walidata_admin", "satudata_round_delete", id=region.round["id"])
    # its button followed as a link (tapped before the page's dialog had
    # started) asks to confirm: it opened "not found"; a producer is refused,
    # a sent round's page says why it stays
    asked = admin.get("/permintaan-data/putaran/salah-buat/hapus")
    assert asked.status_code == 200 and "Hapus putaran ini?" in asked.body
    assert re.search(r'<form method="post"[^>]*>\s*<input[^>]*_csrf_token', asked.body)
    assert region.call("walidata_admin", "satudata_round_show", id="salah-buat")
    producer = _login(app, "produsen-a")
    assert producer.get("/permintaan-data/putaran/salah-buat/hapus").status_code == 403
    kept = admin.get(f"/permintaan-data/putaran/{region.round['name']}/hapus",
                     follow_redirects=False)
    assert kept.status_code == 302 and kept.headers["Location"].endswith(
        f"/permintaan-data/putaran/{region.round['name']}")
    response = admin.post("/permintaan-data/putaran/salah-buat/hapus",
                          data={"_csrf_token": _csrf(asked.body)})
    assert "Putaran dihapus." in response.body
    with pytest.raises(tk.ObjectNotFound):
        region.call("walidata_admin", "satudata_round_show", id="salah-buat")
    assert region.call("walidata_admin", "satudata_round_show",
                       id=region.round["id"])["counts"]["total"] >= 1


def test_a_sent_round_is_closed_and_reopened_from_its_page(app, region):
    """A closed round's refusals sent the walidata to "the round's edit
    page" to reopen it: no page could close or reopen a round."""
    admin = _login(app, "admin-walidata")
    url = f"/permintaan-data/putaran/{region.round['name']}"
    page = admin.get(url).body
    assert "satudata-round-state" in page and "Tutup putaran" in page
    # not without the confirmation, nor by a producer
    admin.post(f"{url}/status", data={"_csrf_token": _csrf(page), "state": "closed"})
    assert region.call("walidata_admin", "satudata_round_show",
                       id=region.round["id"])["state"] == "open"
    producer = _login(app, region.users["producer"]["name"])
    producer.post(f"{url}/status", data={"_csrf_token": _csrf(producer.get("/dashboard").body),
                                         "state": "closed", "confirm": "1"}, status=403)
    closed = admin.post(f"{url}/status", data={"_csrf_token": _csrf(page), "state": "closed",
                                               "confirm": "1"}).body
    assert "Putaran ditutup" in closed and "Buka kembali putaran" in closed
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    with pytest.raises(tk.ValidationError) as refused:
        region.call("producer", "satudata_request_submit", id=request["id"])
    assert "ditutup" in str(refused.value.error_dict) or "closed" in str(
        refused.value.error_dict)
    # its producers are waited for no more (the page counted the working
    # days down of a step nobody could take)
    shown = region.call("producer", "satudata_request_show", id=request["id"])
    assert (shown["waiting_for_label"], shown["working_days_left"], shown["overdue"]) == (
        "", None, False)
    read = producer.get(f"/permintaan-data/{request['id']}").body
    assert "putaran ini ditutup dan tidak lagi menerima data" in read
    # nor do the lists give it a deadline (they gave the one the page said was none)
    listed = admin.get("/permintaan-data/", query_string={
        "round_id": region.round["id"], "mine": "0"}).body
    row = listed[listed.index(request["id"]):]
    row = row[:row.index("</tr>")]
    assert "satudata-round-closed" in row and "<time" not in row, row
    import io

    import openpyxl
    sheet = openpyxl.load_workbook(io.BytesIO(admin.get(f"{url}/status.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    exported = [r for r in rows if r and r[4] == "diminta"]
    assert exported and all(r[6] in (None, "") for r in exported), rows
    assert "hari kerja lagi" not in read and "menunggu" not in read.split(
        "satudata-request-summary")[1].split("</dl>")[0]
    admin.post(f"{url}/status", data={"_csrf_token": _csrf(closed), "state": "open",
                                      "confirm": "1"})
    assert region.call("producer", "satudata_request_submit",
                       id=request["id"])["state"] == "submitted"
    events = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])[
        "events"]
    assert sum(1 for e in events if any(c.get("field") == "state"
                                        for c in e.get("changes") or [])) == 2


def test_a_steps_refused_note_is_marked_at_its_field_and_named(app, region):
    """A reason of spaces, or of 10,001 characters, was refused with a bare
    flash ("Paling banyak 10000 karakter") at the top of a long page, the
    form far below, its field not marked."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    client = _login(app, "verifikator")
    url = tk.url_for("satudata_request.read", id=request["id"])
    page = client.get(url)
    for note, said in (("x" * 10001, "Alasan: Paling banyak 10000 karakter"),
                       ("   ", "Alasan wajib diisi")):
        refused = client.post(
            tk.url_for("satudata_request.take", id=request["id"], transition="return"),
            data={"_csrf_token": _csrf(page.body), "version": "2", "note": note,
                  "field_note-title": "Judul kurang jelas"}, status=400).body
        assert said in refused, said
        assert re.search(r'<textarea class="form-control is-invalid" id="note-return"[^>]*'
                         r'aria-describedby="note-return-error" autofocus', refused)
        assert "Judul kurang jelas" in refused  # the notes per field are kept
    assert region.call("verifier", "satudata_request_show",
                       id=request["id"])["state"] == "submitted"


def test_a_step_another_officer_took_first_keeps_what_was_typed(app, region):
    """Two verifiers on one submitted request: the one who was second lost
    the reason and the notes per field they typed (the page of the request
    as it is now, their form gone, their words nowhere)."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    client = _login(app, "verifikator")
    page = client.get(tk.url_for("satudata_request.read", id=request["id"])).body
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    other = factories.User(name="verifikator-dua")
    WalidataRole(user=other["name"], role="verifikator")
    helpers.call_action("satudata_request_return", context={"user": other["name"]},
                        id=request["id"], note="Lengkapi satuan")  # the other officer
    refused = client.post(
        tk.url_for("satudata_request.take", id=request["id"], transition="verify"),
        data={"_csrf_token": _csrf(page), "version": version,
              "note": "Sudah saya cek semua", "field_note-title": "Judul kurang jelas"},
        status=400).body
    box = refused[refused.index("satudata-step-refused"):]
    box = box[:box.index("</div>")]
    assert "Sudah saya cek semua" in box and "Judul kurang jelas" in box, box


def test_a_withdrawal_without_a_reason_is_marked_at_its_field(app, region):
    """The withdrawal's and the postponement's reasons were refused with a
    flash at the top of a long page only: the box unmarked, the focus
    nowhere (the return's box already said it)."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    to_ready(region, request)
    publish(region, request)
    client = _login(app, "admin-walidata")
    page = client.get(tk.url_for("satudata_request.read", id=request["id"]))
    version = re.search(r'name="version" value="(\d+)"', page.body).group(1)
    refused = client.post(
        tk.url_for("satudata_dissemination.take", id=request["id"], transition="withdraw"),
        data={"_csrf_token": _csrf(page.body), "version": version, "note": " ",
              "confirm": "1"}, status=400).body
    assert re.search(r'<textarea class="form-control is-invalid" id="note-withdraw"[^>]*'
                     r'aria-describedby="note-withdraw-error" autofocus', refused), \
        re.findall(r'<textarea[^>]*note-withdraw[^>]*>', refused)
    assert "wajib diisi" in refused.split('id="note-withdraw-error"')[1].split("</div>")[0]

def test_a_refused_reminder_on_a_ready_request_shows_the_page_again(app, region):
    """A ready request's page shows its review (it can be returned): a
    reminder refused there (a note too long) answered 500."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    to_ready(region, request)
    client = _login(app, "admin-walidata")
    page = client.get(tk.url_for("satudata_request.read", id=request["id"]))
    refused = client.post(tk.url_for("satudata_request.remind", id=request["id"]), data={
        "_csrf_token": _csrf(page.body), "note": "x" * 10001}, status=400).body
    assert "Catatan: Paling banyak 10000 karakter" in refused
    assert 'aria-describedby="note-remind-error" autofocus' in refused


def test_the_forum_page_says_when_the_portal_has_no_forum(app, region):
    """Without a forum level it answered 403 "only members of the Forum…",
    even to a sysadmin; the setting to change is named to the sysadmin only
    (a visitor read the name of a configuration key)."""
    page = _login(app, "sysadmin-uji").get("/permintaan-data/forum")
    assert page.status_code == 404 and "satudata.forum_level" in page.body
    page = _login(app, "admin-walidata").get("/permintaan-data/forum")
    assert page.status_code == 404 and "satudata.forum_level" not in page.body
    # a visitor is asked to log in first
    assert "/user/login" in app.get("/permintaan-data/forum",
                                    follow_redirects=False).headers["Location"]


def _to_the_report_stage(region) -> None:
    """The region's round at its report stage (nothing left to collect: its
    requests cancelled), its report drafted."""
    for request in region.requests:
        region.call("walidata_admin", "satudata_request_cancel", id=request["id"],
                    note="Tidak jadi dihimpun")
    region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                compile_days=5, report_days=5)
    for stage in ("collection", "compile"):
        region.call("walidata_admin", "satudata_round_advance", id=region.round["id"],
                    stage=stage)


def test_a_refused_report_edit_keeps_the_text_typed(app, region):
    """A report saved over a newer version, or too long, redirected to the
    stored text: the officer's edit was gone."""
    _to_the_report_stage(region)
    client = _login(app, "admin-walidata")
    url = f"/permintaan-data/putaran/{region.round['name']}/laporan"
    page = client.get(url)
    # its heading in the page's language (the stored title is the portal's)
    title = region.round["title"]
    assert f"Laporan {title}" in page.body
    assert f"Report of {title}" in client.get("/en" + url).body
    version = re.search(r'name="version" value="(\d+)"', page.body).group(1)
    region.call("walidata_admin", "satudata_round_report_update", id=region.round["id"],
                body="Teks rekan kerja")  # a colleague saved meanwhile
    stale = client.post(url, data={"_csrf_token": _csrf(page.body), "version": version,
                                   "body": "Analisis tren saya yang panjang"}, status=400)
    assert "Analisis tren saya yang panjang" in stale.body
    assert "berubah sejak halaman dibuka" not in stale.body  # the box below says it
    # said at the top that it was not saved (a box below the form showed
    # the colleague's text, nothing said "yours was not saved")
    assert "Teks Anda tidak tersimpan" in stale.body
    # and what the colleague saved, before a second save replaces it
    saved_now = stale.body.split('class="satudata-report-saved-now')[1].split("</section>")[0]
    assert "Teks rekan kerja" in saved_now
    too_long = client.post(url, data={"_csrf_token": _csrf(stale.body), "body": "x" * 100_001},
                           status=400)
    assert "x" * 1000 in too_long.body and "100000" in too_long.body
    assert region.call("walidata_admin", "satudata_round_report_show",
                       id=region.round["id"])["body"] == "Teks rekan kerja"


def test_a_reports_lines_stay_lines_on_its_page(app, region):
    """The drafter wrote line by line; Markdown joined single lines into one
    paragraph on the report's page and in the book, and the form did not
    say it was Markdown."""
    _to_the_report_stage(region)
    region.call("walidata_admin", "satudata_round_report_update", id=region.round["id"],
                body="Catatan analisis: data lengkap.\nTiga tabel dikembalikan sekali."
                     "\n\n**Kesimpulan**")
    client = _login(app, "admin-walidata")
    url = f"/permintaan-data/putaran/{region.round['name']}/laporan"
    page = client.get(url).body
    assert 'aria-describedby="field-body-help"' in page and "Markdown" in page
    region.call("walidata_admin", "satudata_round_report_submit", id=region.round["id"])
    shown = client.get(url).body.split('class="satudata-report-body"')[1].split("</div>")[0]
    assert re.search(r"data lengkap\.<br ?/?>\s*Tiga tabel", shown), shown
    assert "<strong>Kesimpulan</strong>" in shown


def test_a_report_submitted_with_its_text_typed_goes_with_that_text(app, region):
    """"Ajukan untuk persetujuan" clicked after typing the analysis, without
    "Simpan": the report went to approval with the text saved before, the
    analysis typed lost without a word (the step was a form of its own)."""
    _to_the_report_stage(region)
    client = _login(app, "admin-walidata")
    url = f"/permintaan-data/putaran/{region.round['name']}/laporan"
    page = client.get(url)
    edit = page.body.split('class="satudata-report-edit')[1].split("</form>")[0]
    assert 'name="step" value="submit"' in edit  # one form: the text and the step
    version = re.search(r'name="version" value="(\d+)"', page.body).group(1)
    # a blank text typed: neither saved nor submitted, the page says why
    refused = client.post(url, data={"_csrf_token": _csrf(page.body), "version": version,
                                     "body": " \u200b ", "step": "submit"}, status=400)
    assert "satudata-report-edit" in refused.body
    drafted = region.call("walidata_admin", "satudata_round_report_show",
                          id=region.round["id"])
    assert drafted["state"] == "draft" and drafted["body"].strip()
    done = client.post(url, data={"_csrf_token": _csrf(page.body), "version": version,
                                  "body": "Analisis: jumlah puskesmas naik 5%.",
                                  "step": "submit", "note": "Mohon diperiksa"},
                       follow_redirects=True)
    assert "Laporan telah diajukan untuk persetujuan" in done.body
    shown = region.call("walidata_admin", "satudata_round_report_show", id=region.round["id"])
    assert shown["body"] == "Analisis: jumlah puskesmas naik 5%."
    assert shown["state"] != "draft"
    # the text went with the step: its edit, then the submission, in its timeline
    assert [e["step"] for e in shown["events"]][-2:] == ["edit", "submit"]


def test_a_report_returned_without_a_reason_says_so_at_its_field(app, region):
    """The report's return without a reason (its box's "required" dropped,
    an old browser) was told by a flash at the top only: the box unmarked,
    the focus nowhere. And its requests are opened from the report."""
    _to_the_report_stage(region)
    region.call("walidata_admin", "satudata_round_report_submit", id=region.round["id"])
    waiting = region.call("walidata_admin", "satudata_round_report_show",
                          id=region.round["id"])["waiting_for"]
    officer = {"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"}[waiting]
    client = _login(app, officer)
    url = f"/permintaan-data/putaran/{region.round['name']}/laporan"
    page = client.get(url)
    version = re.search(r'name="version" value="(\d+)"', page.body).group(1)
    refused = client.post(url, data={"_csrf_token": _csrf(page.body), "version": version,
                                     "step": "return", "note": " "}, status=400)
    box = re.search(r'<textarea[^>]*id="note-return"[^>]*>', refused.body).group(0)
    assert "is-invalid" in box and 'aria-describedby="note-return-error"' in box
    assert "autofocus" in box
    error = refused.body.split('id="note-return-error"')[1].split("</div>")[0]
    assert "Alasan wajib diisi" in error
    for request in region.requests:
        assert tk.url_for("satudata_request.read", id=request["id"]) in page.body
    # returned, then sent back unchanged without a note: said at the submit's
    # note (the page came back 400 with no word)
    helpers.call_action("satudata_round_report_return", context={"user": officer},
                        id=region.round["id"], note="Lengkapi analisis")
    drafter = _login(app, "admin-walidata")
    page = drafter.get(url)
    version = re.search(r'name="version" value="(\d+)"', page.body).group(1)
    body = re.search(r'<textarea[^>]*id="field-body"[^>]*>(.*?)</textarea>', page.body,
                     re.S).group(1)
    refused = drafter.post(url, data={"_csrf_token": _csrf(page.body), "version": version,
                                      "step": "submit", "note": "",
                                      "body": html.unescape(body)}, status=400)
    assert 'id="note-submit-error"' in refused.body
    assert "ubah laporan" in refused.body.split('id="note-submit-error"')[1].split("</div>")[0]

def test_a_step_on_a_page_another_officer_acted_on_keeps_the_reason(app, region):
    """A verifier's page opened before a colleague verified the request:
    returning it from there answered "not authorized to see this page" and
    the reason typed was gone."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    client = _login(app, "verifikator")
    page = client.get(tk.url_for("satudata_request.read", id=request["id"]))
    version = re.search(r'name="version" value="(\d+)"', page.body).group(1)
    region.call("verifier", "satudata_request_verify", id=request["id"])  # the colleague
    resp = client.post(tk.url_for("satudata_request.take", id=request["id"],
                                  transition="return"),
                       data={"_csrf_token": _csrf(page.body), "version": version,
                             "note": "Satuan tabel tidak sesuai",
                             "field_note-unit": "Isi satuan orang"}, status=409)
    # (not blamed on "someone else": it may have been the same officer's other tab)
    assert "berubah sejak halaman dibuka" in resp.body and "orang lain" not in resp.body
    assert "Satuan tabel tidak sesuai" in resp.body
    assert "Isi satuan orang" in resp.body  # the notes per field too
    assert "satudata-state-verified" in resp.body


def test_the_rounds_chain_is_ticked_not_typed(app, region):
    """The chain was a text of role codes ("kepala dinas" refused): each
    level of the portal's chain is a box, ticked in its order."""
    client = _login(app, "admin-walidata")
    page = client.get(tk.url_for("satudata_round.edit"))
    assert 'type="checkbox" name="approval_chain" value="kadis"' in page.body
    assert "Kepala Dinas" in page.body
    resp = client.post(tk.url_for("satudata_round.edit"), data={
        "_csrf_token": _csrf(page.body), "name": "dua-tingkat", "title": "Dua tingkat",
        "year": "2026", "start_date": "2026-07-01", "report_days": "15",
        "approval_chain": ["verifikator", "kadis"],
        # SOP 001: the report goes up further than the data
        "report_chain": ["verifikator", "kabid", "kadis"]})
    assert resp.status_code == 200
    shown = region.call("walidata_admin", "satudata_round_show", id="dua-tingkat")
    assert shown["approval_chain"] == ["verifikator", "kadis"]
    assert shown["report_chain"] == ["verifikator", "kabid", "kadis"]
    assert "Rantai persetujuan laporan" in resp.body
    edit = client.get(tk.url_for("satudata_round.edit", round_id="dua-tingkat")).body
    assert re.search(r'name="approval_chain" value="kadis" id="[^"]+" checked', edit)
    assert not re.search(r'name="approval_chain" value="kabid" id="[^"]+" checked', edit)
    assert re.search(r'name="report_chain" value="kabid" id="[^"]+" checked', edit)
    # none ticked: the portal's whole chain
    client.post(tk.url_for("satudata_round.edit", round_id="dua-tingkat"), data={
        "_csrf_token": _csrf(edit), "title": "Dua tingkat", "year": "2026",
        "start_date": "2026-07-01"})
    shown = region.call("walidata_admin", "satudata_round_show", id="dua-tingkat")
    assert not shown["approval_chain"] and not shown["report_chain"]


def _submitted_report_page(app, region) -> tuple[Any, str, Any, str]:
    """The region's report submitted, its page opened by the verifier:
    ``(client, url, page, the version the page shows)``."""
    _to_the_report_stage(region)
    region.call("walidata_admin", "satudata_round_report_submit", id=region.round["id"])
    client = _login(app, "verifikator")
    url = f"/permintaan-data/putaran/{region.round['name']}/laporan"
    page = client.get(url)
    return client, url, page, re.search(r'name="version" value="(\d+)"', page.body).group(1)


def test_a_levels_approval_of_the_report_says_where_it_waits_now(app, region):
    """"The report was approved." after the verifier's level, while it
    waited for the Kabid."""
    client, url, page, version = _submitted_report_page(app, region)
    resp = client.post(url, data={"_csrf_token": _csrf(page.body), "version": version,
                                  "step": "approve"}, follow_redirects=True)
    assert "Persetujuan Anda tercatat: laporan kini menunggu Kepala Bidang" in resp.body
    assert "Laporan telah disetujui" not in resp.body


def test_a_report_step_on_a_report_that_moved_on_keeps_the_reason(app, region):
    """The verifier's return of a report a colleague had approved meanwhile
    said "reload and try again" (they had no step left) and lost the
    reason typed."""
    client, url, page, version = _submitted_report_page(app, region)
    region.call("verifier", "satudata_round_report_approve", id=region.round["id"])
    for sent_version in (version, ""):  # a form with its version, and one without
        resp = client.post(url, data={"_csrf_token": _csrf(page.body), "version": sent_version,
                                      "step": "return", "note": "Ringkasan belum lengkap"})
        assert resp.status_code == 400, sent_version
        moved = resp.body.split('class="alert alert-warning satudata-report-moved"')[1]
        assert "Ringkasan belum lengkap" in moved and "Kepala Bidang" in moved
        assert "Muat ulang halaman" not in resp.body  # a reload would lose the reason
    # the timeline names the level as people call it, not its code
    timeline = resp.body.split('class="list-unstyled satudata-timeline"')[1]
    assert "(Verifikator)" in timeline and "(verifikator)" not in timeline
    # the report waits for the Kabid: on their dashboard (it was in no queue)
    kabid_client = _login(app, "kabid")
    kabid = kabid_client.get("/dashboard/datasets").body
    waiting = kabid.split('id="satudata-reports-title"')[1].split("</section>")[0]
    assert url in waiting and f"Laporan {region.round['title']}" in waiting
    # in the reader's language (its stored title is the portal's)
    english = kabid_client.get("/en/dashboard/datasets").body
    waiting = english.split('id="satudata-reports-title"')[1].split("</section>")[0]
    assert f"Report of {region.round['title']}" in waiting and "Laporan" not in waiting
    assert 'id="satudata-reports-title"' not in client.get("/dashboard/datasets").body

    # returned, it goes back changed, or with a note saying why not
    region.call("kabid", "satudata_round_report_return", id=region.round["id"],
                note="Ringkasan belum lengkap")
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_round_report_submit", id=region.round["id"])
    assert "note" in err.value.error_dict
    region.call("walidata_admin", "satudata_round_report_submit", id=region.round["id"],
                note="Ringkasan sudah lengkap, lihat lampiran")
    region.call("verifier", "satudata_round_report_return", id=region.round["id"],
                note="Tetap belum lengkap")
    # its drafter reads why at the top of its page (only in the timeline below)
    page = client.get(url).body
    top = page[page.index("satudata-report-returned"):]
    assert top.index("Tetap belum lengkap") < top.index("satudata-timeline")
    shown = region.call("walidata_admin", "satudata_round_report_show", id=region.round["id"])
    # its text saved again as it was is no change
    region.call("walidata_admin", "satudata_round_report_update", id=region.round["id"],
                body=shown["body"], version=shown["version"])
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_round_report_submit", id=region.round["id"])
    assert "note" in err.value.error_dict
    region.call("walidata_admin", "satudata_round_report_update", id=region.round["id"],
                body=shown["body"] + "\nRingkasan ditambah.", version=shown["version"])
    assert region.call("walidata_admin", "satudata_round_report_submit",
                       id=region.round["id"])["state"] == "in_approval"


def test_the_chain_of_a_round_under_review_is_shown_locked(app, region):
    """While requests of a round were verified or approved its chain was
    refused on save, yet its form offered the boxes as editable."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    shown = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])
    assert "approval_chain" in shown["locked_fields"]
    form = _login(app, "admin-walidata").get(
        tk.url_for("satudata_round.edit", round_id=region.round["name"])).body
    boxes = re.findall(r'<input[^>]*type="checkbox" name="approval_chain"[^>]*>', form)
    assert boxes and all("disabled" in box for box in boxes)
    assert "sedang diverifikasi atau disetujui" in form
    with pytest.raises(tk.ValidationError) as refused:
        region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                    approval_chain=["verifikator", "kadis"])
    assert list(refused.value.error_dict) == ["approval_chain"]


def test_the_address_of_a_refused_step_leads_back_to_its_request(app, region):
    """A step refused with a validation error shows the request page again
    at the step's (POST) address: reloading it, or choosing another language
    there, answered 404."""
    request = region.request_of(region.opd_a)
    for path, back in (
            (f"/permintaan-data/{request['id']}/diseminasi/schedule",
             f"/permintaan-data/{request['id']}"),
            ("/en/permohonan-data/ab12/fulfil", "/en/permohonan-data/ab12")):
        response = app.get(path, follow_redirects=False)
        assert response.status_code in (302, 303), path
        assert response.headers["Location"].endswith(back), response.headers["Location"]


def test_a_round_without_a_report_stage_offers_no_report(app, region):
    """A round that went from its collection to "done" (no compile or report
    stage) linked "The round's report" to a 404 ("no report yet")."""
    for request in region.requests:  # nothing left to collect
        region.call("walidata_admin", "satudata_request_cancel", id=request["id"],
                    note="Tidak jadi dihimpun")
    region.call("walidata_admin", "satudata_round_advance", id=region.round["id"],
                stage="collection")
    assert region.call("walidata_admin", "satudata_round_show",
                       id=region.round["id"])["stage"] == "done"
    page = _login(app, "admin-walidata").get(
        f"/permintaan-data/putaran/{region.round['name']}").body
    assert "satudata-round-report-link" not in page
    # a done round keeps the rules it ran with: its approval days and its
    # all-in verification too (both were changed on its form)
    for field, value in (("approval_days", 7), ("verify_when_complete", True)):
        with pytest.raises(tk.ValidationError) as refused:
            region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                        **{field: value})
        assert field in refused.value.error_dict
    client = _login(app, "admin-walidata")
    form = client.get(f"/permintaan-data/putaran/{region.round['name']}/edit").body
    assert re.search(r'id="field-approval-days"[^>]*readonly', form)
    assert re.search(r'id="field-verify-when-complete"[^>]*disabled', form)


def test_an_item_added_from_a_years_list_is_of_that_year(app, region):
    """"Tambah butir" from the list of 2031 opened a form of this year, and
    the saved item led back to the list of every year."""
    client = _login(app, "admin-walidata")
    listing = client.get(tk.url_for("satudata_daftar_data.index", year=2031))
    new_url = tk.url_for("satudata_daftar_data.edit", year=2031)
    assert f'href="{new_url}"' in listing.body
    # the year's list is downloaded as the import template filled in
    export = tk.url_for("satudata_daftar_data.template", year=2031)
    assert f'href="{export}"' in listing.body
    # of the active items (the list counts the inactive too)
    assert "Unduh butir aktif Daftar Data 2031 (Excel)" in listing.body
    download = client.get(export)
    assert download.status_code == 200 and "daftar-data-2031.xlsx" in download.headers[
        "Content-Disposition"]
    page = client.get(new_url)
    assert re.search(r'name="year"[^>]*value="2031"|value="2031"[^>]*name="year"', page.body)
    saved = client.post(tk.url_for("satudata_daftar_data.edit"), data={
        "_csrf_token": _csrf(page.body), "title": "Jumlah Kader Posyandu",
        "owner_org": "dinas-kesehatan", "year": "2031", "active": "true"},
        follow_redirects=False)
    assert saved.status_code == 302
    assert saved.headers["Location"].split("/permintaan-data/daftar-data")[-1].lstrip(
        "/") == "?year=2031"
    # its list counts in the reader's language, with English plurals
    # ("1 item", not "1 item(s)")
    assert "1 butir" in client.get(tk.url_for("satudata_daftar_data.index", year=2031)).body
    english = client.get("/en" + tk.url_for("satudata_daftar_data.index", year=2031)).body
    assert "1 item<" in english and "item(s)" not in english


def test_two_tabs_editing_one_item_or_round_do_not_overwrite_each_other(app, region):
    """Two officers' tabs of one Daftar Data item (or round) edit form: the
    second save put the first one's change back unseen. It is refused with
    what was typed kept, and saved once the form is opened again."""
    client = _login(app, "admin-walidata")
    item = region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Kader",
                       owner_org="dinas-kesehatan", year=2031, unit="orang")
    url = tk.url_for("satudata_daftar_data.edit", item_id=item["id"])
    first, second = client.get(url).body, client.get(url).body

    def fields(page: str, **changed: str) -> dict[str, str]:
        # as a browser sends the form: a box not ticked is not sent
        values = dict(re.findall(r'<input(?![^>]*type="checkbox")[^>]*name="([^"]+)"'
                                 r'[^>]*value="([^"]*)"', page))
        values.update(re.findall(r'<input[^>]*type="checkbox"[^>]*name="([^"]+)"'
                                 r'[^>]*value="([^"]*)"[^>]*checked', page))
        return {**values, "owner_org": "dinas-kesehatan", "active": "true", **changed}

    saved = client.post(url, data=fields(first, unit="jiwa"), follow_redirects=False)
    assert saved.status_code == 302
    stale = client.post(url, data=fields(second, description="Kader posyandu aktif"))
    assert stale.status_code == 400 and "Kader posyandu aktif" in stale.body
    assert "Seseorang telah mengubah" in stale.body
    assert region.call("walidata_admin", "satudata_daftar_data_show",
                       id=item["id"])["unit"] == "jiwa"
    again = client.get(url).body
    assert client.post(url, data=fields(again, description="Kader posyandu aktif"),
                       follow_redirects=False).status_code == 302
    shown = region.call("walidata_admin", "satudata_daftar_data_show", id=item["id"])
    assert (shown["unit"], shown["description"]) == ("jiwa", "Kader posyandu aktif")

    round_url = tk.url_for("satudata_round.edit", round_id=region.round["name"])
    first, second = client.get(round_url).body, client.get(round_url).body
    title = region.round["title"]
    assert client.post(round_url, data=dict(fields(first), title=title + " (revisi)"),
                       follow_redirects=False).status_code == 302
    stale = client.post(round_url, data=dict(fields(second), title=title + " (lain)"))
    assert stale.status_code == 400 and "Seseorang telah mengubah" in stale.body
    assert region.call("walidata_admin", "satudata_round_show",
                       id=region.round["id"])["title"] == title + " (revisi)"


def test_the_request_list_sorts(app, region):
    """Every documented sort of the requests list was refused by the
    portal's check of CKAN's search sorts (400); the list offers them."""
    client = _login(app, "admin-walidata")
    url = tk.url_for("satudata_request.index")
    for sort in ("due_date", "-due_date", "modified", "-modified", "title", "organization"):
        page = client.get(url, query_string={"sort": sort, "mine": "0"})
        assert page.status_code == 200, sort
        assert f'<option value="{sort}" selected' in page.body, sort
    def ids(sort: str) -> list[str]:
        return re.findall(r'data-request="([^"]+)"', client.get(
            url, query_string={"sort": sort, "mine": "0"}).body)

    assert len(ids("modified")) >= 2 and ids("modified") == ids("-modified")[::-1]
    # an order it does not offer: said, in its own order, the other filters kept
    bogus = client.get(url, query_string={"sort": "judul desc", "mine": "0", "q": "Puskesmas"})
    assert bogus.status_code == 200 and "tidak dapat diurutkan" in bogus.body
    assert 'value="Puskesmas"' in bogus.body and '<option value="due_date" selected' in bogus.body


def test_a_search_of_the_requests_waiting_for_me_offers_every_request(app, region):
    """The list opens on "waiting for me": a search there that found nothing
    said "no data requests here" of a request the officer could open."""
    client = _login(app, "admin-walidata")
    url = tk.url_for("satudata_request.index")
    page = client.get(url, query_string={"q": "Puskesmas"}).body
    assert "Tidak ada permintaan data di sini" in page
    link = re.search(r'satudata-search-all.*?href="([^"]+)"', page, re.S).group(1)
    every = client.get(html.unescape(link)).body
    assert "Puskesmas" in every and 'data-request="' in every


def test_the_rounds_page_has_pages_and_a_year_filter(app, region):
    """It showed the first hundred rounds and no way to the others."""
    for i in range(51):
        region.call("walidata_admin", "satudata_round_create", name=f"putaran-{i:02d}",
                    title=f"Putaran {i:02d}", year=2030, start_date="2030-01-07")
    client = _login(app, "admin-walidata")
    url = tk.url_for("satudata_round.index")
    first = client.get(url).body
    total = region.call("walidata_admin", "satudata_round_list")["count"]
    assert total > 51 and f"{total} putaran" in first and "Halaman 1 dari 2" in first
    second = client.get(url, query_string={"page": 2}).body
    assert "Halaman 2 dari 2" in second
    names = set(re.findall(r"/permintaan-data/putaran/([\w-]+)\"", first + second))
    assert {f"putaran-{i:02d}" for i in range(51)} | {region.round["name"]} <= names
    # past the last page: the last page (it said there were no rounds)
    beyond = client.get(url, query_string={"page": 9, "year": 2030}, follow_redirects=False)
    assert beyond.status_code == 302 and "page=2" in beyond.headers["Location"]
    year = client.get(url, query_string={"year": 2030}).body
    assert "51 putaran" in year and region.round["name"] not in year


def test_the_daftar_data_and_the_citizens_lists_past_their_last_page_show_it(app, region):
    """"118 items", an empty table and "page 4 of 3"; "no data requests yet";
    the requests' queue alike."""
    client = _login(app, "admin-walidata")
    beyond = client.get(tk.url_for("satudata_daftar_data.index"),
                        query_string={"page": 9, "year": 2026}, follow_redirects=False)
    assert beyond.status_code == 302 and "page=1" in beyond.headers["Location"]
    assert "year=2026" in beyond.headers["Location"]
    beyond = client.get(tk.url_for("satudata_public_request.index"),
                        query_string={"page": 999, "state": "waiting"}, follow_redirects=False)
    assert beyond.status_code == 302 and "page=1" in beyond.headers["Location"]
    assert "state=waiting" in beyond.headers["Location"]
    # the requests' queue: "2 requests" over an empty list, no pager
    beyond = client.get(tk.url_for("satudata_request.index"), query_string={
        "page": 5, "mine": "0", "round_id": region.round["id"]}, follow_redirects=False)
    assert beyond.status_code == 302 and "page=1" in beyond.headers["Location"]
    assert "mine=0" in beyond.headers["Location"] and region.round["id"] in beyond.headers[
        "Location"]


def test_the_queues_round_filter_lists_the_sent_rounds(app, region):
    """It listed the first hundred rounds, drafts (no requests) among them,
    and left open rounds with requests out."""
    region.call("walidata_admin", "satudata_round_create", name="konsep-saja",
                title="Konsep saja", year=2030, start_date="2030-01-07")
    page = _login(app, "admin-walidata").get(tk.url_for("satudata_request.index")).body
    select = re.search(r'<select[^>]*id="filter-round".*?</select>', page, re.S).group(0)
    assert f'value="{region.round["id"]}"' in select and "Konsep saja" not in select
    assert "Semester I 2026" in select


def test_a_stage_the_round_moved_past_reads_as_done(app, region):
    """Moved on to its report early, the round page showed the compile
    stage's deadline (planned in March) beside the report's (December), as
    if the compiling were still ahead."""
    _to_the_report_stage(region)
    page = _login(app, "admin-walidata").get(
        f"/permintaan-data/putaran/{region.round['name']}").body
    compile_stage = page.split('satudata-stage-compile">')[1].split("</dd>")[0]
    # (its deadline the day it ended: it said "planned by" that day)
    assert "Selesai" in compile_stage and "tenggat" in compile_stage
    assert "direncanakan" not in compile_stage
    report_stage = page.split('satudata-stage-report">')[1].split("</dd>")[0]
    assert "Selesai" not in report_stage and "hari kerja" in report_stage


def test_a_report_drafted_from_an_english_page_is_in_the_portals_language(app, region):
    """The report's first title and text were written in the language of
    the page its round was moved on from: "Report of …" on the
    Indonesian portal, for every reader."""
    import flask_babel

    for request in region.requests:
        region.call("walidata_admin", "satudata_request_cancel", id=request["id"],
                    note="Tidak jadi dihimpun")
    region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                report_days=5)
    with app.flask_app.test_request_context("/en/"), flask_babel.force_locale("en"):
        region.call("walidata_admin", "satudata_round_advance", id=region.round["id"],
                    stage="collection")
    report = region.call("walidata_admin", "satudata_round_report_show", id=region.round["id"])
    assert report["title"] == f"Laporan {region.round['title']}"
    assert report["body"].startswith("Laporan putaran pengumpulan")


def test_moving_a_round_on_is_confirmed_first(app, region):
    """One click ended the collection for every OPD: the page's form asks to
    confirm, and the server refuses the post without it."""
    for request in region.requests:
        region.call("walidata_admin", "satudata_request_cancel", id=request["id"],
                    note="Tidak jadi dihimpun")
    region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                compile_days=5)
    client = _login(app, "admin-walidata")
    url = f"/permintaan-data/putaran/{region.round['name']}"
    page = client.get(url).body
    assert 'id="confirm-advance"' in page
    data = {"_csrf_token": _csrf(page), "stage": "collection"}
    refused = client.post(f"{url}/tahap", data=data, follow_redirects=True)
    assert "Centang konfirmasi" in refused.body
    assert region.call("walidata_admin", "satudata_round_show",
                       id=region.round["id"])["stage"] == "collection"
    page = client.get(url).body
    client.post(f"{url}/tahap", data=dict(data, _csrf_token=_csrf(page), confirm="1"))
    assert region.call("walidata_admin", "satudata_round_show",
                       id=region.round["id"])["stage"] == "compile"


def test_a_rounds_working_days_changed_on_its_form_move_its_deadline(app, region):
    """The form shows each deadline counted from its working days: changing
    the days and saving kept the date shown (sent back as if typed), while
    the trail said the days had changed."""
    shown = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])
    fields = ("title", "year", "period", "description", "start_date", "prepare_days",
              "submit_days", "verify_days", "approval_days", "prepare_due", "submit_due",
              "verify_due", "compile_days", "report_days", "late_policy", "modified")
    url = tk.url_for("satudata_round.edit", round_id=region.round["name"])
    with freeze_time(shown["start_date"] + " 03:00:00"):  # the round's first day
        client = _login(app, "admin-walidata")
        page = client.get(url).body
        form = {key: str(value) for key, value in shown.items()
                if key in fields and value not in (None, "")}
        assert form["submit_due"] in page  # the form shows the counted date
        form.update({"_csrf_token": _csrf(page), "submit_days": str(shown["submit_days"] + 2)})
        saved = client.post(url, data=form, follow_redirects=False)
        assert saved.status_code == 302, saved.body[-3000:]
        after = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])
        assert after["submit_days"] == shown["submit_days"] + 2
        assert after["submit_due"] > shown["submit_due"]
        # a date typed on the form is kept as typed
        typed = (datetime.date.fromisoformat(after["verify_due"])
                 + datetime.timedelta(days=7)).isoformat()
        form.update({"_csrf_token": _csrf(client.get(url).body), "verify_due": typed,
                     "modified": after["modified"], "submit_due": after["submit_due"]})
        saved = client.post(url, data=form, follow_redirects=False)
        assert saved.status_code == 302, saved.body[-3000:]
        assert region.call("walidata_admin", "satudata_round_show",
                           id=region.round["id"])["verify_due"] == typed
        # the form saved again as it shows it, only its description changed:
        # the date typed earlier stays (it went back to the counted one, and
        # the producers were told of a new deadline)
        kept = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])
        form.update({"_csrf_token": _csrf(client.get(url).body), "modified": kept["modified"],
                     "description": "Deskripsi baru", "verify_due": kept["verify_due"]})
        saved = client.post(url, data=form, follow_redirects=False)
        assert saved.status_code == 302, saved.body[-3000:]
        after = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])
        assert (after["verify_due"], after["description"]) == (typed, "Deskripsi baru")
        # refused (an emptied title), the form shows the dates as they were
        refused = client.post(url, data=dict(form, title="", modified=after["modified"],
                                             _csrf_token=_csrf(client.get(url).body)))
        assert refused.status_code == 400
        assert f'value="{typed}"' in refused.body and f'value="{after["submit_due"]}"' \
            in refused.body

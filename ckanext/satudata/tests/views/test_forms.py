# -*- coding: utf-8 -*-
"""Uploads and forms (issue G, helper U): uploads are on and limited in
size; a request needs a data file (CSV/XLSX) to be submitted; every form
has one error summary that labels each error and links to its field; the
visibility select is shown only where it is honoured; a round's deadline
cannot be set in the past; the Daftar Data template offers dropdowns and
never imports its example."""
from __future__ import annotations

import datetime
import html
import io
import pathlib
import re
import zipfile

import openpyxl
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import spreadsheets, workdays
from ckanext.satudata.helpers import satudata_error_summary

from ..factories import (add_csv, complete_metadata, csrf_token, csv_upload,
                         daftar_data_workbook, login, publish, to_ready)

#: a table of the variables complete_metadata declares (tahun, jumlah)
CSV = "tahun,jumlah\n2025,12\n2025,9\n"


def _without_data_files(region, request):
    """The request's dataset complete in its metadata, with no data file."""
    pkg = complete_metadata(request["package_id"], "produsen-a")
    for resource in pkg["resources"]:
        region.call("producer", "resource_delete", id=resource["id"])
    return pkg


def _with_macros() -> bytes:
    """A workbook with a macro project (what Excel saves as .xlsm)."""
    import zipfile

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["tahun", "jumlah"])
    workbook.save(buffer)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 makro")
    return buffer.getvalue()


def _ods() -> bytes:
    """An OpenDocument spreadsheet's zip (its ``mimetype`` entry first)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def _workbook() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["tahun", "jumlah"])
    workbook.save(buffer)
    return buffer.getvalue()


def _summary(body: str) -> str:
    match = re.search(r'<div class="alert alert-danger satudata-error-summary.*?</div>',
                      body, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


# -- a data file is needed to submit --------------------------------------------------

class TestSubmitNeedsADataFile:
    def test_refused_without_data_file_then_accepted_with_one(self, region):
        request = region.request_of(region.opd_a)
        _without_data_files(region, request)

        with pytest.raises(tk.ValidationError) as refusal:
            region.call("producer", "satudata_request_submit", id=request["id"])
        assert list(refusal.value.error_dict) == ["resources"]
        message = refusal.value.error_dict["resources"][0]
        assert "CSV" in message and "XLSX" in message

        # a resource of another format does not count
        region.call("producer", "resource_create", package_id=request["package_id"],
                    name="Laporan", format="PDF", url="https://example.org/laporan.pdf")
        with pytest.raises(tk.ValidationError) as refusal:
            region.call("producer", "satudata_request_submit", id=request["id"])
        assert list(refusal.value.error_dict) == ["resources"]

        add_csv(region, "producer", request["package_id"], CSV)
        result = region.call("producer", "satudata_request_submit", id=request["id"])
        assert result["state"] == "submitted"

    def test_a_link_to_an_xlsx_file_counts(self, region):
        request = region.request_of(region.opd_a)
        _without_data_files(region, request)
        region.call("producer", "resource_create", package_id=request["package_id"],
                    name="Tabel", url="https://opd.example.org/unduh/tabel.xlsx")

        result = region.call("producer", "satudata_request_submit", id=request["id"])
        assert result["state"] == "submitted"

    def test_the_request_page_names_what_is_missing(self, app, region):
        request = region.request_of(region.opd_a)
        pkg = _without_data_files(region, request)
        client = login(app, "produsen-a")
        page = client.get(tk.url_for("satudata_request.read", id=request["id"]))

        response = client.post(
            tk.url_for("satudata_request.take", id=request["id"], transition="submit"),
            data={"_csrf_token": csrf_token(page.body), "version": request["version"]})

        assert response.status_code < 500
        summary = _summary(response.body)
        assert "CSV" in summary and "XLSX" in summary
        # the error links to the page that adds a resource
        assert tk.url_for("dataset_resource.new", id=pkg["name"]) in summary
        assert region.call("producer", "satudata_request_show",
                           id=request["id"])["state"] == "requested"

    def test_the_edit_form_checklist_shows_the_data_file(self, app, region):
        request = region.request_of(region.opd_a)
        pkg = _without_data_files(region, request)
        client = login(app, "produsen-a")
        edit = tk.url_for("dataset.edit", id=pkg["name"])
        assert "satudata-data-file missing" in client.get(edit).body
        add_csv(region, "producer", request["package_id"], CSV)
        page = client.get(edit).body
        assert "satudata-data-file filled" in page
        # every label and every link of the checklist leads to an element
        # of the form (the variables' label and link led nowhere)
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        targets = set(re.findall(r'<label[^>]* for="([^"]+)"', page)) | {
            a for a in re.findall(r'href="#(field-[^"]+)"', page)}
        assert "field-variables" in targets and targets <= ids, targets - ids
        # the metadata is the walidata's to publish, not released under the ODbL
        assert "licenses/odbl/1-0" not in page and "Perpres 39/2019" in page


    def test_a_long_url_name_is_an_error_on_the_form_not_a_missing_dataset(self, app, region):
        """A URL name over 100 characters made the edit form answer "dataset
        not found" (404), and everything typed was lost."""
        request = region.request_of(region.opd_a)
        pkg = helpers.call_action("package_show", id=request["package_id"])
        client = login(app, "produsen-a")
        edit = tk.url_for("dataset.edit", id=pkg["name"])
        page = client.post(edit, data={
            "_csrf_token": csrf_token(client.get(edit).body), "name": "a" * 205,
            "title": pkg["title"], "owner_org": pkg["owner_org"],
            "notes": "Catatan yang baru saja diketik", "save": ""})
        assert page.status_code == 200
        assert "Nama paling banyak 100 karakter" in page.body
        assert "Catatan yang baru saja diketik" in page.body
        assert helpers.call_action("package_show", id=pkg["id"])["name"] == pkg["name"]


    def test_a_dataset_under_review_offers_no_edit_and_its_forms_say_why(self, app, region):
        """The pages of a submitted (or approved, waiting) dataset offered
        its producer "Manage", "Edit resource" and editable forms, refused
        only once saved (a chosen file picked again)."""
        request = region.request_of(region.opd_a)
        resource = add_csv(region, "producer", request["package_id"], CSV)
        pkg = helpers.call_action("package_show", id=request["package_id"])
        client = login(app, "produsen-a")
        edit = tk.url_for("dataset.edit", id=pkg["name"])
        resource_edit = tk.url_for("dataset_resource.edit", id=pkg["name"],
                                   resource_id=resource["id"])
        page = client.get(tk.url_for("dataset.read", id=pkg["name"])).body
        assert edit in page and resource_edit in page  # a draft: its producer edits it
        assert "twitter.com/share" not in page  # nobody else can open it: nothing to share
        complete_metadata(request["package_id"], "produsen-a")
        region.call("producer", "satudata_request_submit", id=request["id"])
        page = client.get(tk.url_for("dataset.read", id=pkg["name"])).body
        assert edit not in page and resource_edit not in page
        resource_page = client.get(tk.url_for("dataset_resource.read", id=pkg["name"],
                                              resource_id=resource["id"])).body
        assert resource_edit not in resource_page
        for form in (edit, tk.url_for("dataset_resource.new", id=pkg["name"]),
                     tk.url_for("satudata_metadata.import_form", id=pkg["name"])):
            assert "sedang diperiksa untuk dipublikasikan" in client.get(form).body, form
        # opened by their addresses, the edit forms are no dead end (the
        # producer typed everything, refused on saving): the dataset's page
        # says why
        for form in (edit, resource_edit, tk.url_for("dataset_resource.new", id=pkg["name"])):
            answer = client.get(form, follow_redirects=False)
            assert answer.status_code == 302, form
            assert answer.headers["Location"].endswith(
                tk.url_for("dataset.read", id=pkg["name"])), answer.headers["Location"]
        assert "satudata-import-form" not in client.get(
            tk.url_for("satudata_metadata.import_form", id=pkg["name"])).body
        # to whom may not read it, as a name nobody took (the redirect told
        # anyone a private dataset of that name was reviewed)
        # (a visitor is asked to log in, whatever the name)
        for who, status in ((app, 302), (login(app, "produsen-b"), 404)):
            for ref in (pkg["name"], "tidak-ada-" + pkg["name"]):
                answer = who.get(tk.url_for("dataset.edit", id=ref), follow_redirects=False)
                assert answer.status_code == status, (ref, answer.status_code)


# -- uploads ----------------------------------------------------------------------------

class TestUploads:
    def test_the_resource_form_offers_an_upload(self, app, region):
        request = region.request_of(region.opd_a)
        client = login(app, "produsen-a")
        page = client.get(tk.url_for("dataset_resource.new", id=request["package_id"]))
        assert 'id="resource-url-upload"' in page.body
        assert 'id="field-resource-upload"' in page.body

    def test_a_refused_new_table_asks_for_its_file_again(self, app, region):
        """The file of a new table's form refused for another field is not
        sent again by the browser: the form showed an empty "remove upload"
        box as if it held it, then refused the next save for a missing
        "URL". Its fields stop at their limits, and a refused form says to
        choose the file again, at an empty chooser."""
        import io

        request = region.request_of(region.opd_a)
        before = region.call("sysadmin", "package_show", id=request["package_id"])["resources"]
        client = login(app, "produsen-a")
        url = tk.url_for("dataset_resource.new", id=request["package_id"])
        page = client.get(url)
        assert re.search(r'id="field-period"[^>]*maxlength="100"', page.body)
        refused = client.post(url, data={
            "_csrf_token": csrf_token(page.body), "name": "Tabel 1", "period": "x" * 400,
            "upload": (io.BytesIO(CSV.encode()), "tabel.csv"), "url": "", "url_type": "upload",
            "id": "", "save": "go-metadata"}, content_type="multipart/form-data")
        assert "satudata-upload-again" in refused.body
        # the choice of a file or a link again, nothing shown as attached
        assert re.search(r'id="resource-url-none" name="url_type" value="" checked', refused.body)
        assert not re.search(r'id="resource-url-upload" name="url_type" value="upload" checked',
                             refused.body)
        assert 'value="Tabel 1"' in refused.body  # the rest is kept
        assert region.call("sysadmin", "package_show",
                           id=request["package_id"])["resources"] == before

    def test_an_uploaded_csv_is_downloadable_by_who_may_see_it(self, app, region):
        request = region.request_of(region.opd_a)
        resource = add_csv(region, "producer", request["package_id"], CSV)
        assert resource["url_type"] == "upload"
        url = tk.url_for("resource.download", id=request["package_id"],
                         resource_id=resource["id"], filename="tabel.csv")

        producer = login(app, "produsen-a")
        download = producer.get(url)
        assert download.status_code == 200
        assert download.data.decode("utf-8") == CSV
        # the dataset is private until published: not for the public, nor another OPD
        assert app.get(url).status_code in (403, 404)
        assert login(app, "produsen-b").get(url).status_code in (403, 404)
        # once published, everyone may download it
        to_ready(region, request)
        publish(region, request)
        public = app.get(url)
        assert public.status_code == 200 and public.data.decode("utf-8") == CSV

    def test_an_uploaded_page_or_svg_is_downloaded_never_run_in_the_portal(self, app, region):
        """CKAN served an uploaded HTML or SVG file inline from the portal's
        address: its script ran with the session of whoever opened it."""
        request = region.request_of(region.opd_a)
        walidata = login(app, "admin-walidata")
        for file_name, body in [
                ("laporan.html", "<html><script>alert(document.cookie)</script></html>"),
                ("grafik.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
                ("tabel.csv", CSV)]:
            resource = region.call("producer", "resource_create", package_id=request["package_id"],
                                   name=file_name, upload=csv_upload(body, file_name),
                                   url=file_name)
            download = walidata.get(tk.url_for("resource.download", id=request["package_id"],
                                               resource_id=resource["id"], filename=file_name))
            assert download.status_code == 200 and download.data.decode("utf-8") == body
            assert download.headers["X-Content-Type-Options"] == "nosniff"
            disposition = download.headers["Content-Disposition"]
            if file_name.endswith(".csv"):
                assert disposition.startswith("inline")
            else:
                assert disposition == f"attachment; filename={file_name}"
                assert download.headers["Content-Security-Policy"].startswith("sandbox")

    @pytest.mark.ckan_config("ckan.max_resource_size", 1)
    def test_a_file_over_the_limit_is_refused_with_a_clear_error(self, app, region):
        request = region.request_of(region.opd_a)
        big = "a,b\n" + "1234567,7654321\n" * 90_000          # 1.4 MB
        with pytest.raises(tk.ValidationError) as refusal:
            add_csv(region, "producer", request["package_id"], big)
        message = refusal.value.error_dict["upload"][0]
        # the size as the portal's language writes a number (1,4 in Indonesian)
        assert "1,4 MB" in message and "1 MB" in message

        client = login(app, "produsen-a")
        new = tk.url_for("dataset_resource.new", id=request["package_id"])
        page = client.get(new)
        response = client.post(new, data={
            "_csrf_token": csrf_token(page.body), "id": "", "name": "Tabel besar", "url": "",
            "format": "CSV", "save": "go-metadata",
            "upload": (io.BytesIO(big.encode()), "besar.csv")},
            content_type="multipart/form-data")
        assert response.status_code == 200
        summary = _summary(response.body)
        assert "1,4 MB" in summary
        assert 'href="#field-resource-upload"' in summary
        assert not helpers.call_action("package_show", id=request["package_id"])["resources"]


    def test_a_table_added_as_its_request_goes_into_review_is_no_500(self, app, region,
                                                                      monkeypatch):
        """The table form's "go-metadata" save updates the dataset after
        adding the table; refused because the request was submitted from
        another tab meanwhile, CKAN's view let the refusal through: HTTP 500,
        with the table saved."""
        import sqlalchemy as sa

        import ckan.model as model
        from ckanext.satudata.lib import publishing

        request = region.request_of(region.opd_a)
        client = login(app, "produsen-a")
        new = tk.url_for("dataset_resource.new", id=request["package_id"])
        page = client.get(new)
        refuse = publishing.refuse_under_review

        def submitted_meanwhile(package_id):
            # once the table is committed (seen from another connection), the
            # request was submitted from another tab
            with model.meta.engine.connect() as other:
                added = other.execute(sa.text(
                    "SELECT count(*) FROM resource WHERE package_id = :p AND name = :n "
                    "AND state = 'active'"), {"p": package_id, "n": "Tabel balapan"}).scalar()
            if added:
                raise tk.ValidationError({"state": [
                    "Dataset ini sedang diperiksa untuk dipublikasikan"]})
            return refuse(package_id)

        monkeypatch.setattr(publishing, "refuse_under_review", submitted_meanwhile)
        response = client.post(new, data={
            "_csrf_token": csrf_token(page.body), "id": "", "name": "Tabel balapan",
            "url": "", "format": "CSV", "save": "go-metadata",
            "upload": (io.BytesIO(CSV.encode()), "balapan.csv")},
            content_type="multipart/form-data", follow_redirects=False)
        assert response.status_code == 409, response.status_code
        assert "sedang diperiksa untuk dipublikasikan" in response.body

    @pytest.mark.parametrize("content, file_name, field, words", [
        (b"", "tabel.csv", "upload", "kosong"),
        # a macro-enabled workbook renamed .xlsx was loaded, and would be served
        (lambda: _with_macros(), "tabel.xlsx", "upload", "makro"),
        (b"MZ\x90\x00\x03" + b"\x00" * 200, "program.exe", "upload", "program"),
        (b"#!/bin/sh\necho hai\n", "pasang.sh", "upload", "program"),
        (b"alert(document.cookie)\n", "skrip.js", "upload", "program"),
        # a picture or a document named as a table
        (bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"),
         "tabel.csv", "upload", "bukan tabel"),
        (b"bukan buku kerja, hanya teks\n", "tabel.xlsx", "upload", "bukan buku kerja excel"),
        # a workbook named .csv: told what it is in words, not a MIME type
        (lambda: _workbook(), "tabel.csv", "upload", "buku kerja excel: beri nama .xlsx"),
        # and an old workbook's name (.xls) on a picture
        (bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"),
         "tabel.xls", "upload", "bukan buku kerja excel"),
        # tables the data check cannot read: published unchecked and unscreened
        (lambda: bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "tabel.xls", "upload",
         "excel 97-2003 (.xls): portal memeriksa tabel"),
        (lambda: bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "tabel.xlsx", "upload",
         "excel 97-2003 (.xls)"),
        (lambda: _ods(), "tabel.ods", "upload", "opendocument"),
        (b"nama\tnik\nA\t1871011203800001\n", "tabel.tsv", "upload", "(.tsv)"),
        # Excel's "Text (Tab delimited)" saves a table as .txt: it skipped the
        # check and the screening, NIKs published
        (b"nama\tnik\tumur\nA\t1871011203800001\t30\nB\t1871011203800002\t41\n",
         "tabel.txt", "upload", "(.tsv)"),
        (None, "", "url", "berkas untuk diunggah"),
    ])
    def test_an_empty_file_a_program_or_nothing_is_refused_at_upload(
            self, app, region, content, file_name, field, words):
        """Each was saved with no word: a "resource without a name", an .exe
        that went on to verification."""
        request = region.request_of(region.opd_a)
        client = login(app, "produsen-a")
        new = tk.url_for("dataset_resource.new", id=request["package_id"])
        page = client.get(new)
        data = {"_csrf_token": csrf_token(page.body), "id": "", "name": "Berkas", "url": "",
                "save": "again"}
        if content is not None:
            data["upload"] = (io.BytesIO(content() if callable(content) else content),
                              file_name)
        response = client.post(new, data=data, content_type="multipart/form-data")
        assert response.status_code == 200
        summary = _summary(response.body)
        assert f'href="#field-resource-{field}"' in summary and words in summary.lower()
        assert not helpers.call_action("package_show", id=request["package_id"])["resources"]


    def test_a_table_emptied_of_its_link_is_refused(self, region):
        """A patch to an empty link (or an update without one) left a table
        of nothing that still counted for the submission."""
        request = region.request_of(region.opd_a)
        table = region.call("producer", "resource_create", package_id=request["package_id"],
                            name="Tabel", url="https://opd.example.org/tabel.csv")
        for call in ({"action": "resource_patch", "url": ""},
                     {"action": "resource_update", "name": "Tabel"}):
            action = call.pop("action")
            with pytest.raises(tk.ValidationError) as refusal:
                region.call("producer", action, id=table["id"], **call)
            assert list(refusal.value.error_dict) == ["url"]
        assert helpers.call_action("resource_show", id=table["id"])["url"] == \
            "https://opd.example.org/tabel.csv"


# -- the error summary --------------------------------------------------------------------

class TestErrorSummaryHelper:
    def test_labels_links_and_order_of_the_fields(self):
        summary = satudata_error_summary(
            {"year": ["Missing value"], "title": ["Missing value", "Too long"]},
            [("title", "Data"), ("owner_org", "OPD", "field-owner-org"), ("year", "Year")])
        assert summary == [
            {"label": "Data", "message": "Missing value", "anchor": "#field-title"},
            {"label": "Data", "message": "Too long", "anchor": "#field-title"},
            {"label": "Year", "message": "Missing value", "anchor": "#field-year"}]

    def test_nested_errors_and_unknown_keys_never_show_a_key_or_a_dict(self):
        summary = satudata_error_summary(
            {"variables": [{}, {"name": ["Missing value"]}], "__junk": {"x": ["Bad"]},
             "due": ["Past"]},
            [("variables", "Variables"), ("due", "Deadline", None)])
        assert summary == [
            {"label": "Variables", "message": "Missing value", "anchor": "#field-variables"},
            {"label": "Deadline", "message": "Past", "anchor": ""},
            {"label": "", "message": "Bad", "anchor": ""}]

    def test_a_list_of_messages(self):
        assert satudata_error_summary(["Row 2: bad"]) == [
            {"label": "", "message": "Row 2: bad", "anchor": ""}]
        assert satudata_error_summary({}) == []


class TestFormsShowOneSummary:
    def test_daftar_data_form(self, app, region):
        client = login(app, "admin-walidata")
        url = tk.url_for("satudata_daftar_data.edit")
        page = client.get(url)
        response = client.post(url, data={"_csrf_token": csrf_token(page.body),
                                           "title": "", "owner_org": "", "year": "20x6"})
        assert response.status_code == 400
        summary = _summary(response.body)
        assert 'role="alert"' in summary and "<h2" in summary
        assert 'href="#field-title"' in summary and 'href="#field-owner-org"' in summary
        assert 'href="#field-year"' in summary
        form = re.search(r'<form method="post" class="satudata-daftar-data-form".*?</form>',
                         response.body, re.S).group(0)
        for dump in ("{'", "['", "[&#39;", "{&#39;", "owner_org:", "title:"):
            assert dump not in form
        assert response.body.count("satudata-error-summary") == 1
        # a decree chosen with the form: a browser sends no file back, it was
        # dropped without a word (the item then saved without it)
        response = client.post(url, data={
            "_csrf_token": csrf_token(page.body), "title": "Jumlah Pasar",
            "owner_org": region.opd_a["name"], "year": "20x6",
            "sk_upload": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "sk-bupati.pdf")},
            content_type="multipart/form-data")
        assert response.status_code == 400
        dropped = html.unescape(response.body)
        assert "sk-bupati.pdf tidak tersimpan bersama formulir" in dropped, dropped[-3000:]

    def test_daftar_data_import_page(self, app, region):
        client = login(app, "admin-walidata")
        url = tk.url_for("satudata_daftar_data.import_form")
        page = client.get(url)
        response = client.post(url, data={
            "_csrf_token": csrf_token(page.body), "year": "dua ribu",
            "upload": (io.BytesIO(b"not a workbook"), "daftar.xlsx")},
            content_type="multipart/form-data")
        assert response.status_code == 400
        summary = _summary(response.body)
        assert 'href="#field-year"' in summary
        assert "year:" not in summary and "upload:" not in summary

    def test_resource_form_without_a_file_or_link(self, app, region):
        request = region.request_of(region.opd_a)
        client = login(app, "produsen-a")
        new = tk.url_for("dataset_resource.new", id=request["package_id"])
        page = client.get(new)
        response = client.post(new, data={
            "_csrf_token": csrf_token(page.body), "id": "", "name": "Tabel", "url": "javascript:x",
            "save": "go-metadata"})
        assert response.status_code == 200
        summary = _summary(response.body)
        assert 'href="#field-resource-url"' in summary
        assert "url:" not in response.body


# -- a round's deadline cannot be past ----------------------------------------------------

class TestRoundDeadlines:
    def test_a_past_deadline_is_refused(self, region):
        today = workdays.today()
        with pytest.raises(tk.ValidationError) as refusal:
            region.call("sysadmin", "satudata_round_create", name="lewat", title="Lewat",
                        year=today.year, start_date=today.isoformat(),
                        submit_due=(today - datetime.timedelta(days=1)).isoformat())
        assert list(refusal.value.error_dict) == ["submit_due"]

        # today when it is a working day (a deadline falls on one), else the
        # next one (the requests sent the day it starts: not after it)
        first = today if workdays.is_working_day(today) else workdays.add_working_days(today, 1)
        created = region.call("sysadmin", "satudata_round_create", name="hari-ini",
                              title="Hari ini", year=first.year, prepare_days=0,
                              start_date=today.isoformat(), submit_due=first.isoformat())
        assert created["submit_due"] == first.isoformat()

    def test_an_update_checks_only_a_changed_deadline(self, region):
        # the region's round started in the past: its computed deadlines may have passed
        past = (workdays.today() - datetime.timedelta(days=3)).isoformat()
        round_ = region.call("sysadmin", "satudata_round_show", id=region.round["id"])
        updated = region.call("sysadmin", "satudata_round_update", id=round_["id"],
                              title="Semester I (ubah)", submit_due=round_["submit_due"])
        assert updated["title"] == "Semester I (ubah)"
        if round_["verify_due"] != past:
            with pytest.raises(tk.ValidationError) as refusal:
                region.call("sysadmin", "satudata_round_update", id=round_["id"],
                            verify_due=past)
            assert list(refusal.value.error_dict) == ["verify_due"]

    def test_verification_follows_the_submission_deadline_never_before_it(self, region):
        today = workdays.today()
        submit = workdays.add_working_days(today, 30)
        created = region.call("sysadmin", "satudata_round_create", name="urut",
                              title="Urut", year=today.year, start_date=today.isoformat(),
                              submit_due=submit.isoformat(), verify_days=5)
        assert created["verify_due"] == workdays.add_working_days(submit, 5).isoformat()
        with pytest.raises(tk.ValidationError) as refusal:
            region.call("sysadmin", "satudata_round_create", name="terbalik",
                        title="Terbalik", year=today.year, start_date=today.isoformat(),
                        submit_due=submit.isoformat(),
                        verify_due=(submit - datetime.timedelta(days=1)).isoformat())
        assert list(refusal.value.error_dict) == ["verify_due"]
        with pytest.raises(tk.ValidationError) as refusal:  # due before the round starts
            region.call("sysadmin", "satudata_round_create", name="mundur",
                        title="Mundur", year=today.year,
                        start_date=workdays.add_working_days(submit, 5).isoformat(),
                        submit_due=submit.isoformat())
        assert list(refusal.value.error_dict) == ["submit_due"]
        with pytest.raises(tk.ValidationError) as refusal:
            region.call("sysadmin", "satudata_round_update", id="urut",
                        verify_due=(submit - datetime.timedelta(days=1)).isoformat())
        assert list(refusal.value.error_dict) == ["verify_due"]
        assert region.call("sysadmin", "satudata_round_show", id="urut")["verify_due"] \
            == created["verify_due"]
        # a later submission deadline moves the verification one with it,
        # also from the edit form, which sends every field back as it was
        later = workdays.add_working_days(submit, 20)
        shown = region.call("sysadmin", "satudata_round_show", id="urut")
        echoed = {key: shown[key] for key in (
            "title", "year", "start_date", "prepare_days", "submit_days", "verify_days",
            "approval_days", "prepare_due", "verify_due")}
        moved = region.call("sysadmin", "satudata_round_update", id="urut",
                            submit_due=later.isoformat(), **echoed)
        assert moved["verify_due"] == workdays.add_working_days(later, 5).isoformat()
        # a new verification time moves the verification deadline only: the
        # submission deadline typed stays
        moved = region.call("sysadmin", "satudata_round_update", id="urut", verify_days=4)
        assert moved["submit_due"] == later.isoformat()
        assert moved["verify_due"] == workdays.add_working_days(later, 4).isoformat()

    def test_the_round_form_shows_the_error_at_the_field(self, app, region):
        yesterday = (workdays.today() - datetime.timedelta(days=1)).isoformat()
        client = login(app, "sysadmin-uji")
        url = tk.url_for("satudata_round.edit")
        page = client.get(url)
        response = client.post(url, data={
            "_csrf_token": csrf_token(page.body), "name": "kemarin", "title": "Kemarin",
            "year": str(workdays.today().year), "start_date": workdays.today().isoformat(),
            "submit_due": yesterday})
        assert response.status_code == 400
        assert 'href="#field-submit-due"' in _summary(response.body)
        # a checkbox sent with a value no box sends: its label, at the box
        # (the summary said '"mungkin" is not yes or no' of nothing)
        response = client.post(url, data={
            "_csrf_token": csrf_token(page.body), "name": "mungkin", "title": "Mungkin",
            "year": str(workdays.today().year), "start_date": workdays.today().isoformat(),
            "verify_when_complete": "mungkin"})
        assert response.status_code == 400
        assert 'href="#field-verify-when-complete"' in _summary(response.body)


# -- the visibility select ----------------------------------------------------------------

class TestVisibility:
    def test_hidden_for_a_producer(self, app, region):
        request = region.request_of(region.opd_a)
        pkg = helpers.call_action("package_show", id=request["package_id"])
        client = login(app, "produsen-a")
        for url in (tk.url_for("dataset.new"), tk.url_for("dataset.edit", id=pkg["name"])):
            body = client.get(url).body
            assert 'name="private"' not in body
            assert "satudata-visibility-note" in body
            assert "tetap privat sampai walidata mempublikasikannya" in body

    def test_a_published_datasets_form_says_a_save_is_a_revision(self, app, region):
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        publish(region, request)
        pkg = helpers.call_action("package_show", id=request["package_id"])
        body = login(app, "produsen-a").get(tk.url_for("dataset.edit", id=pkg["name"])).body
        assert "disimpan sebagai revisi" in body
        assert "tetap privat sampai" not in body

    def test_shown_to_a_sysadmin_outside_the_workflow_only(self, app, region):
        client = login(app, "sysadmin-uji")
        assert 'name="private"' in client.get(tk.url_for("dataset.new")).body
        loose = factories.Dataset(owner_org=region.opd_a["id"])
        assert 'name="private"' in client.get(
            tk.url_for("dataset.edit", id=loose["name"])).body
        request = region.request_of(region.opd_a)
        pkg = helpers.call_action("package_show", id=request["package_id"])
        assert 'name="private"' not in client.get(
            tk.url_for("dataset.edit", id=pkg["name"])).body


# -- the Daftar Data template -----------------------------------------------------------

def _template(orgs=({"name": "dinas-kesehatan", "title": "Dinas Kesehatan"},
                    {"name": "dinas-pendidikan", "title": "Dinas Pendidikan"})):
    return spreadsheets.daftar_data_template(list(orgs))


@pytest.mark.usefixtures("with_request_context")
class TestDaftarDataTemplate:
    def test_dropdowns_for_the_coded_columns(self):
        wb = openpyxl.load_workbook(io.BytesIO(_template()))
        ws = wb["Daftar Data"]
        headers = [c.value for c in ws[1]]
        ranges = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
        letter = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(headers, 1)}
        assert set(ranges) == {f"{letter[h]}2" for h in ("opd", "frekuensi", "urusan",
                                                         "prioritas", "hari_kalender")}
        assert ranges[f"{letter['opd']}2"].formula1 == "OPD!$A$2:$A$3"
        assert ranges[f"{letter['prioritas']}2"].formula1 == '"ya,tidak"'
        codes_sheet, cells_range = ranges[f"{letter['urusan']}2"].formula1.split("!")
        codes = wb[codes_sheet.strip("'")]
        first, last = (int(n) for n in re.findall(r"\d+", cells_range))
        affairs = [codes[f"B{row}"].value for row in range(first, last + 1)]
        assert "Kesehatan" in affairs and "Pendidikan" in affairs and None not in affairs

    def test_the_example_row_is_never_imported(self):
        data = _template()
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb["Daftar Data"].max_row == 1          # only the header
        assert any("Jumlah Puskesmas" in str(row) for sheet in wb.worksheets[1:]
                   for row in sheet.iter_rows(values_only=True))
        assert list(spreadsheets.read_daftar_data(data)) == []

        wb["Daftar Data"].append(["Jumlah Sekolah", "dinas-pendidikan"])
        out = io.BytesIO()
        wb.save(out)
        assert [{k: v for k, v in row.items() if v is not None}
                for _n, row in spreadsheets.read_daftar_data(out.getvalue())] == [
            {"title": "Jumlah Sekolah", "owner_org": "dinas-pendidikan", "priority": False,
             "submit_calendar_days": False}]

    def test_a_formula_without_its_value_is_named_not_read_as_empty(self, app):
        """A sheet written by a script keeps a formula without its result:
        the cell was read as empty ("not filled in") while the sheet showed
        it filled."""
        data = daftar_data_workbook([["Jumlah Sekolah", "dinas-pendidikan"],
                                     ['=CONCATENATE("Jumlah ","Guru")', "dinas-pendidikan"]])
        with app.flask_app.test_request_context("/"), \
                pytest.raises(tk.ValidationError) as err:
            list(spreadsheets.read_daftar_data(data))
        message = err.value.error_dict["upload"][0]
        assert "A3" in message and "A2" not in message, message
        assert "rumus" in message, message

    def test_a_date_that_is_no_day_is_named_as_typed(self, app):
        """"15/13/2099" typed in the decree's date was refused as
        "2099-13-15", a date the officer never typed."""
        headers = [h for h, _f, _a in spreadsheets.DAFTAR_DATA_COLUMNS]
        wb = openpyxl.Workbook()
        wb.active.append(headers)
        row = ["Jumlah Sekolah", "dinas-pendidikan"] + [None] * (len(headers) - 2)
        row[headers.index("tanggal_sk")] = "15/13/2099"
        wb.active.append(row)
        good = list(row)
        good[headers.index("tanggal_sk")] = "03/01/2027"
        wb.active.append(good)
        out = io.BytesIO()
        wb.save(out)
        with app.flask_app.test_request_context("/"):
            rows = [r for _n, r in spreadsheets.read_daftar_data(out.getvalue())]
        assert [r["sk_date"] for r in rows] == ["15/13/2099", "2027-01-03"]

    def test_an_unknown_opd_is_named_as_typed(self, app):
        """A row's OPD not found was refused without the value of its cell,
        as the other columns' are not."""
        from ckan.tests import helpers

        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("satudata_daftar_data_create", title="Jumlah Sekolah",
                                owner_org="dinas-tidak-ada", year=2031)
        assert 'dinas-tidak-ada' in str(err.value.error_dict["owner_org"]), err.value

    def test_the_example_row_of_an_old_template_is_skipped(self):
        wb = openpyxl.Workbook()
        wb.active.append(["judul", "opd", "deskripsi"])
        wb.active.append(["Jumlah Puskesmas Menurut Kecamatan", "dinas-kesehatan",
                          "Contoh baris: hapus atau ganti sebelum mengimpor."])
        out = io.BytesIO()
        wb.save(out)
        assert list(spreadsheets.read_daftar_data(out.getvalue())) == []


# -- long words wrap ------------------------------------------------------------------------

def test_long_words_wrap_on_the_daftar_data_page():
    css = (pathlib.Path(spreadsheets.__file__).parents[1] / "assets" / "satudata.css").read_text()
    section = css[css.index("-- forms and lists: long unbroken words wrap"):]
    assert ".satudata-daftar-data td" in section and "overflow-wrap: anywhere" in section


def test_the_markdown_quick_reference_is_in_the_readers_language(app, region):
    """Every form's "Markdown formatting" help opened in English on the
    Indonesian pages (CKAN writes it as one untranslatable string)."""
    client = login(app, "admin-walidata")
    for prefix, words, other in (("", "Teks tebal", "Bold text"),
                                 ("/en", "Bold text", "Teks tebal")):
        page = client.get(prefix + "/permintaan-data/daftar-data/new").body
        help_text = html.unescape(re.search(r'data-bs-content="([^"]*)"', page).group(1))
        assert words in help_text and other not in help_text, prefix


def test_the_explore_menu_of_a_table_stays_on_a_phone():
    css = (pathlib.Path(spreadsheets.__file__).parents[1] / "assets" / "satudata.css").read_text()
    section = css[css.index("A dataset's tables on a phone"):]
    assert ".resource-item .btn-group" in section and "display: inline-flex" in section


def test_uploads_are_configured():
    assert tk.h.uploads_enabled() is True
    assert tk.config.get("ckan.max_resource_size") == 100
    assert tk.config.get("ckan.storage_path")


class TestFinalStepsAreConfirmedOnTheServer:
    """The confirmation checkbox of a final step is no browser nicety: a
    form posted without it (a script, a browser without ``required``) takes
    no step."""

    def test_cancelling_a_request_needs_its_confirmation(self, app, region):
        request = region.request_of(region.opd_a)
        client = login(app, "admin-walidata")
        page = client.get(tk.url_for("satudata_request.read", id=request["id"]))
        url = tk.url_for("satudata_request.take", id=request["id"], transition="cancel")
        data = {"_csrf_token": csrf_token(page.body), "version": request["version"],
                "note": "Tidak jadi diminta"}
        response = client.post(url, data=data, status=400)
        assert "Centang konfirmasi untuk mengakhiri permintaan" in response.body
        assert "Tidak jadi diminta" in response.body  # the reason typed is kept
        assert region.call("sysadmin", "satudata_request_show",
                           id=request["id"])["state"] == "requested"
        client.post(url, data=dict(data, confirm="1"))
        assert region.call("sysadmin", "satudata_request_show",
                           id=request["id"])["state"] == "cancelled"

    def test_sending_a_round_needs_its_confirmation(self, app, region):
        today = workdays.today()
        region.call("sysadmin", "satudata_round_create", name="kirim-cek", title="Kirim",
                    year=region.round["year"], start_date=today.isoformat())
        client = login(app, "admin-walidata")
        page = client.get(tk.url_for("satudata_round.read", round_id="kirim-cek"))
        url = tk.url_for("satudata_round.send", round_id="kirim-cek")
        assert "satudata-past-deadlines" not in page.body
        response = client.post(url, data={"_csrf_token": csrf_token(page.body)})
        assert "Centang konfirmasi untuk mengirim permintaan" in response.body
        assert region.call("sysadmin", "satudata_round_show",
                           id="kirim-cek")["state"] == "draft"
        # sent, then sent again by a second officer's click: said so, not "0
        # requests sent to the OPDs" in green
        data = {"_csrf_token": csrf_token(page.body), "confirm": "1", "new_datasets": "1"}
        first = client.post(url, data=data).body
        assert region.call("sysadmin", "satudata_round_show",
                           id="kirim-cek")["state"] == "open", re.sub(r"<[^>]+>", " ", first)[-4000:]
        again = client.post(url, data=data).body
        assert "Tidak ada permintaan baru" in again and "0 permintaan" not in again
        # the message is announced to a screen reader (CKAN's had no role)
        assert re.search(r'role="status">\s*Tidak ada permintaan baru', again)


    def test_a_round_sent_to_an_opd_without_producers_says_so(self, app, region):
        """Requests sent to an OPD with no producer waited for nobody: no
        e-mail reached anyone, and the officer was told "sent"."""
        factories.Organization(name="dinas-tanpa-produsen", title="Dinas Tanpa Produsen")
        region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Pasar",
                    owner_org="dinas-tanpa-produsen", year=region.round["year"])
        region.call("sysadmin", "satudata_round_create", name="kirim-kosong", title="Kirim",
                    year=region.round["year"], start_date=workdays.today().isoformat())
        client = login(app, "admin-walidata")
        page = client.get(tk.url_for("satudata_round.read", round_id="kirim-kosong"))
        sent = client.post(tk.url_for("satudata_round.send", round_id="kirim-kosong"), data={
            "_csrf_token": csrf_token(page.body), "confirm": "1"}, follow_redirects=True)
        assert re.search(r"Tidak ada produsen[^<]*Dinas Tanpa Produsen", sent.body), \
            re.sub(r"<[^>]+>", " ", sent.body)[-3000:]
        assert "Dinas Kesehatan" not in re.search(
            r"Tidak ada produsen[^<]*", sent.body).group(0)


class TestEmptiedFieldsAreChanges:
    """A field emptied in an edit form was answered "saved" and kept its old
    value."""

    def test_the_sk_of_a_daftar_data_item_can_be_cleared(self, app, region):
        item = region.call("walidata_admin", "satudata_daftar_data_create",
                           title="Jumlah Perawat", owner_org="dinas-kesehatan", year=2026,
                           sk_number="8/SK/2026", sk_date="2026-01-05",
                           sk_url="https://jdih.example.go.id/sk-8.pdf", unit="orang")
        client = login(app, "admin-walidata")
        url = tk.url_for("satudata_daftar_data.edit", item_id=item["id"])
        page = client.get(url)
        client.post(url, data={
            "_csrf_token": csrf_token(page.body), "title": "Jumlah Perawat",
            "owner_org": "dinas-kesehatan", "year": "2026", "unit": "orang",
            "sk_number": "", "sk_date": "", "sk_url": " ", "active": "1"})
        shown = region.call("walidata_admin", "satudata_daftar_data_show", id=item["id"])
        assert (shown["sk_number"], shown["sk_date"], shown["sk_url"]) == (None, None, None)
        assert shown["unit"] == "orang"
        # a box sent "0" is not ticked (it was stored as ticked), and a decree
        # "//host/…" is another site's address, not the portal's path
        region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                    priority=True)
        page = client.get(url)
        refused = client.post(url, data={
            "_csrf_token": csrf_token(page.body), "title": "Jumlah Perawat",
            "owner_org": "dinas-kesehatan", "year": "2026", "active": "1",
            "priority": "0", "sk_url": "//evil.example/sk.pdf"})
        assert "http://" in refused.body and "//evil.example" in refused.body
        client.post(url, data={
            "_csrf_token": csrf_token(page.body), "title": "Jumlah Perawat",
            "owner_org": "dinas-kesehatan", "year": "2026", "active": "1", "priority": "0"})
        shown = region.call("walidata_admin", "satudata_daftar_data_show", id=item["id"])
        assert (shown["priority"], shown["sk_url"]) == (False, None)
        # nor with a tab or a line break between the slashes (browsers drop them)
        for sneaky in ("/\t/evil.example/x.pdf", "/\n/evil.example/x.pdf"):
            with pytest.raises(tk.ValidationError) as err:
                region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                            sk_url=sneaky)
            assert "sk_url" in err.value.error_dict, sneaky

    def test_an_emptied_round_title_is_refused_and_its_period_cleared(self, app, region):
        today = workdays.today()
        region.call("sysadmin", "satudata_round_create", name="ubah-cek", title="Ubah",
                    year=region.round["year"], start_date=today.isoformat(), period="S9",
                    description="Catatan lama")
        client = login(app, "admin-walidata")
        url = tk.url_for("satudata_round.edit", round_id="ubah-cek")
        page = client.get(url)
        response = client.post(url, data={"_csrf_token": csrf_token(page.body), "title": "",
                                          "year": str(region.round["year"]),
                                          "start_date": today.isoformat()}, status=400)
        assert 'href="#field-title"' in _summary(response.body)
        assert region.call("sysadmin", "satudata_round_show", id="ubah-cek")["title"] == "Ubah"
        client.post(url, data={"_csrf_token": csrf_token(page.body), "title": "Ubah",
                               "year": str(region.round["year"]), "period": "",
                               "description": "", "start_date": today.isoformat()})
        shown = region.call("sysadmin", "satudata_round_show", id="ubah-cek")
        assert not shown["period"] and not shown["description"]

    def test_a_round_with_deadlines_on_estimated_holidays_says_so(
            self, app, region, ckan_config, monkeypatch):
        """A round whose deadlines fall in 2028, a year whose holidays the
        library only estimates (no cuti bersama, Idul Fitri "perkiraan"):
        its deadlines may move once the year's decree is out, and its page
        says so; once the year is checked against the decree, no more."""
        region.call("sysadmin", "satudata_round_create", name="kira-cek", title="Kira",
                    year=region.round["year"], start_date="2027-12-01")
        shown = region.call("sysadmin", "satudata_round_show", id="kira-cek")
        # (2027's Idul Fitri and Idul Adha are estimates in the library too)
        assert shown["calendar_estimated_years"] == [2027, 2028], shown["submit_due"]
        client = login(app, "admin-walidata")
        url = tk.url_for("satudata_round.read", round_id="kira-cek")
        page = client.get(url).body
        warning = page[page.index("satudata-calendar-estimated"):][:600]
        assert "2028" in warning and "belum ditetapkan" in warning, warning
        monkeypatch.setitem(ckan_config, "satudata.calendar_confirmed_years",
                            ["2027", "2028"])
        assert "satudata-calendar-estimated" not in client.get(url).body

    def test_a_round_whose_deadline_has_passed_says_so_before_it_is_sent(
            self, app, region, ckan_config, monkeypatch):
        """Sent, its requests were overdue at once (its deadlines are counted
        from its start date, months ago). Where the portal allows it (the
        tests' config) its page warns; by default it is not sent
        (satudata_round_send refuses it): its page says to change its dates,
        and offers no send button that would be refused."""
        start = workdays.today() - datetime.timedelta(days=200)
        region.call("sysadmin", "satudata_round_create", name="lewat-cek", title="Lewat",
                    year=region.round["year"], start_date=start.isoformat())
        client = login(app, "admin-walidata")
        url = tk.url_for("satudata_round.read", round_id="lewat-cek")

        page = client.get(url).body
        warning = page[page.index("satudata-past-deadlines"):][:600]
        assert "sudah lewat" in warning and "langsung terlambat" in warning
        assert "confirm-send" in page

        monkeypatch.setitem(ckan_config, "satudata.round.send_after_deadline", False)
        page = client.get(url).body
        warning = page[page.index("satudata-past-deadlines"):][:600]
        assert "sebelum mengirim" in warning and "kecuali" not in warning
        assert "confirm-send" not in page


def test_an_edit_refused_because_the_request_went_into_review_says_what_to_do(region, app):
    """A form opened before a submission in another tab: its save was
    refused (the dataset is reviewed) with "correct the errors and save
    again", though there was nothing to correct and saving again failed
    the same way."""
    from ..factories import form_fields

    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    add_csv(region, "producer", request["package_id"], CSV)
    client = login(app, "produsen-a")
    url = tk.url_for("dataset.edit", id=request["package_id"])
    fields = form_fields(client.get(url).body)
    region.call("producer", "satudata_request_submit", id=request["id"])
    fields.update({"save": "", "notes": "Catatan dari tab lain"})
    refused = html.unescape(client.post(url, data=fields).body)
    assert "sedang diperiksa" in refused
    assert "selama dataset diperiksa" in refused
    assert "perbaiki kesalahannya" not in refused.lower()
    assert "periksa isian berikut" not in refused  # no field is wrong
    assert "Catatan dari tab lain" in refused  # kept to be copied

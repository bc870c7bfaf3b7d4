# -*- coding: utf-8 -*-
"""The review loop on screen (issue G): what the producer sees after a
return (the reason and labelled notes at the top of the request page, each
note under its field on the edit form, the edit links), what the reviewers
see (every value with its label, the files with a preview of their first
rows, the changes of a revision, a note input beside each value), the one
error summary of a refused submission and the place of the cancel form.
Through the app, logged in through the login form, against the real
database and the real file storage."""
from __future__ import annotations

import html
import io
import re

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

from ckanext.satudata.lib import reference
from ckanext.satudata.lib import preview

from ..factories import (
    add_csv, complete_metadata, csrf_token, csv_upload, login, publish, to_ready,
    xlsx_upload,
)

def _page(client, request_id: str, status: int = 200, lang: str = ""):
    return client.get(("/" + lang if lang else "")
                      + tk.url_for("satudata_request.read", id=request_id), status=status)


def _text(body: str) -> str:
    """The page as text, entities decoded and whitespace collapsed."""
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))
    return re.sub(r" ([:;,.)])", r"\1", text)


def _section(body: str, css_class: str) -> str:
    match = re.search(r'<section[^>]*class="[^"]*\b' + css_class + r'\b.*?</section>',
                      body, re.S)
    assert match, f"no section .{css_class} on the page"
    return match.group(0)


def _return(region, request, note="Perbaiki satuan dan sumber", **field_notes):
    return region.call("verifier", "satudata_request_return", id=request["id"], note=note,
                       field_notes={k: [v] for k, v in field_notes.items()})


class TestProducerAfterReturn:
    def test_reason_and_labelled_notes_on_the_request_page_and_next_to_the_fields(
            self, app, region):
        request = region.request_of(region.opd_a)
        pkg_id = request["package_id"]
        complete_metadata(pkg_id, "produsen-a")
        region.call("producer", "satudata_request_submit", id=request["id"])
        _return(region, request, unit="Gunakan persen", data_source="Sebutkan survei")

        client = login(app, "produsen-a")
        body = _page(client, request["id"]).body
        top = _section(body, "satudata-returned")
        # at the top of the page, before the forms and the timeline
        assert body.index("satudata-returned") < body.index("satudata-transition-resubmit")
        assert body.index("satudata-returned") < body.index("satudata-timeline")
        text = _text(top)
        assert "Perbaiki satuan dan sumber" in text
        assert "Satuan: Gunakan persen" in text            # the schema's label ...
        assert "Sumber data: Sebutkan survei" in text
        assert "unit:" not in text and "data_source" not in text   # ... never the key
        pkg = region.call("producer", "package_show", id=pkg_id)
        edit_url = tk.url_for("dataset.edit", id=pkg["name"])
        assert f'href="{edit_url}#field-unit"' in top
        # the timeline labels its notes too
        timeline = _text(body[body.index("satudata-timeline"):])
        assert "Satuan: Gunakan persen" in timeline and "<code>" not in body

        # the edit form: the reason at the top, each note under its field
        form = client.get(edit_url).body
        assert "Perbaiki satuan dan sumber" in _text(_section(form, "satudata-returned"))
        unit_at = form.index('id="field-unit"')
        note_at = form.index('id="note-unit"')
        next_field = form.index('id="field-', unit_at + 1)
        assert unit_at < note_at < next_field
        assert "Gunakan persen" in form[note_at:next_field]
        assert form.index('id="field-data_source"') < form.index('id="note-data_source"')
        assert 'id="note-concept"' not in form          # no note, no block

        # once resubmitted the notes are history: no longer at the top
        region.call("producer", "satudata_request_resubmit", id=request["id"],
                    note="Sudah diperbaiki")
        body = _page(client, request["id"]).body
        assert "satudata-returned" not in body
        assert "satudata-returned" not in client.get(edit_url).body

    def test_edit_links_with_complete_metadata_and_the_producers_role(self, app, region):
        request = region.request_of(region.opd_a)
        pkg = complete_metadata(request["package_id"], "produsen-a")
        client = login(app, "produsen-a")
        body = _page(client, request["id"]).body
        assert "100%" in body
        assert tk.url_for("dataset.edit", id=pkg["name"]) in body
        assert tk.url_for("dataset_resource.new", id=pkg["name"]) in body

        region.call("producer", "satudata_request_submit", id=request["id"])
        _return(region, request, unit="x")
        body = _page(client, request["id"]).body
        events = re.findall(r'<li class="border-start[^"]*" data-transition="(\w+)">(.*?)</li>',
                            body, re.S)
        by_transition = {t: _text(b) for t, b in events}
        # the producer's own step, in the role the engine recorded
        assert "(Produsen data OPD)" in by_transition["submit"], by_transition["submit"]
        assert "verifikator" not in by_transition["submit"]
        # the verifier's step by its title, said once (it read "Verifikator
        # (verifikator)")
        assert "(Verifikator)" in by_transition["return"]
        assert "(verifikator))" not in by_transition["return"]
        # still editable while returned; not while the verifier has it
        assert tk.url_for("dataset.edit", id=pkg["name"]) in body
        region.call("producer", "satudata_request_resubmit", id=request["id"],
                    note="Sudah diperbaiki")
        body = _page(client, request["id"]).body
        assert "satudata-edit-actions" not in body
        # an approver by the level's title, in one pair of brackets (it read
        # "(Penyetuju (Kepala Bidang))")
        region.call("verifier", "satudata_request_verify", id=request["id"])
        region.call("kabid", "satudata_request_approve", id=request["id"])
        body = _page(client, request["id"]).body
        events = re.findall(r'<li class="border-start[^"]*" data-transition="(\w+)">(.*?)</li>',
                            body, re.S)
        approved = _text(dict(events)["approve"])
        assert "(Penyetuju: Kepala Bidang)" in approved and "))" not in approved, approved


class TestReviewerView:
    def test_values_files_previews_and_notes_beside_the_values(self, app, region):
        request = region.request_of(region.opd_a)
        pkg_id = request["package_id"]
        complete_metadata(pkg_id, "produsen-a")
        region.call("producer", "package_patch", id=pkg_id, unit="Unit Uji 42")
        csv_rows = "tahun,kecamatan,jumlah\n" + "".join(
            f"{2000 + i},Kec {i},{i * 3}\n" for i in range(40))
        add_csv(region, "producer", pkg_id, csv_rows, name="Tabel CSV")
        region.call("producer", "resource_create", package_id=pkg_id, name="Tabel XLSX",
                    format="XLSX", url="tabel.xlsx", upload=xlsx_upload(
                        [["tahun", "kecamatan", "jumlah"], [2025, "Kota A", 1.5],
                         [2025, "Kota B", "1+1"]]))
        # the tables' columns, declared (checked at submit)
        region.call("producer", "package_patch", id=pkg_id, variables=[
            {"name": "tahun", "data_type": "text"}, {"name": "kecamatan", "data_type": "text"},
            {"name": "jumlah", "data_type": "text"}])
        region.call("producer", "satudata_request_submit", id=request["id"])

        client = login(app, "verifikator")
        body = _page(client, request["id"]).body
        review = _section(body, "satudata-review")
        text = _text(review)
        # each value beside its label, in a row that carries its note input
        row = re.search(r'<tr data-field="unit".*?</tr>', review, re.S).group(0)
        assert "Satuan" in row and "Unit Uji 42" in row
        assert 'name="field_note-unit"' in row and 'form="satudata-return-form"' in row
        assert 'id="satudata-return-form"' in body
        # the notes are the return's: "Verifikasi" asks first while one is
        # typed (they were dropped without a word)
        verify_form = re.search(r'<form[^>]*satudata-transition-verify[^>]*>', body).group(0)
        assert "data-satudata-notes-warning=" in verify_form
        # code labels, not codes
        pkg = region.call("verifier", "package_show", id=pkg_id)
        level = pkg["presentation_level"]
        level_row = re.search(r'<tr data-field="presentation_level".*?</tr>', review,
                              re.S).group(0)
        assert reference.label("presentation_level", level) in _text(level_row)
        # grouped as on the dataset page
        assert "Standar data" in text and "Indikator" in text and "Kontak" in text
        # the files: name, format, size, download, the first rows
        assert "Tabel CSV" in text and "Tabel XLSX" in text
        csv_res = next(r for r in pkg["resources"] if r["name"] == "Tabel CSV")
        assert f'href="{csv_res["url"]}"' in review
        # and the whole table on its page, which the reviewer may open
        table_page = tk.url_for("dataset_resource.read", id=pkg["name"],
                                resource_id=csv_res["id"])
        assert f'href="{table_page}"' in review and "Buka seluruh tabel" in text
        # its period row says what fills it on publication (it was an empty cell)
        period = re.search(r"<th scope=\"row\">Periode</th>\s*<td>(.*?)</td>",
                           client.get(table_page).body, re.S)
        assert "Judul putaran pengumpulan, diberikan saat dipublikasikan" in period.group(1)
        assert "2000" in text and "Kec 0" in text and f"Kec {preview.MAX_ROWS - 2}" in text
        assert f"Kec {preview.MAX_ROWS}" not in text and "Kec 39" not in text
        assert "Kota A" in text and "1.5" in text and "1+1" in text   # as text
        assert "<table" in review and 'name="field_note-resources"' in review

        # the notes typed beside the values go with the return
        page = client.get(tk.url_for("satudata_request.read", id=request["id"]))
        client.post(tk.url_for("satudata_request.take", id=request["id"],
                               transition="return"),
                    data={"_csrf_token": csrf_token(page.body), "version": "2",
                          "note": "Cek satuan", "field_note-unit": "Satuan salah",
                          "field_note-resources": "Tambah tahun 2025"})
        events = region.call("producer", "satudata_request_event_list", id=request["id"])
        assert events[-1]["field_notes"] == {"unit": ["Satuan salah"],
                                            "resources": ["Tambah tahun 2025"]}

    def test_only_those_who_may_see_the_request_see_the_values(self, app, region):
        request = region.request_of(region.opd_a)
        add_csv(region, "producer", request["package_id"], "a,b\nRahasia 1,2\n")
        complete_metadata(request["package_id"], "produsen-a")  # declares a, b
        region.call("producer", "satudata_request_submit", id=request["id"])
        # a visitor is asked to log in first
        page = app.get(f"/permintaan-data/{request['id']}", follow_redirects=False)
        assert "/user/login" in page.headers["Location"] and "Rahasia 1" not in page.body
        for name in ("warga", "produsen-b"):
            assert "Rahasia 1" not in _page(login(app, name), request["id"], 404).body
        # kabid acts later in the chain: reads what is coming, takes no step yet
        body = _page(login(app, "kabid"), request["id"]).body
        assert "Rahasia 1" in body and "satudata-transition-approve" not in body
        assert "satudata-transition-verify" not in body

    def test_a_revision_shows_what_changed_against_the_live_version(self, app, region):
        request = region.request_of(region.opd_a)
        pkg_id = request["package_id"]
        kept = add_csv(region, "producer", pkg_id, "tahun,jumlah\n2023,7\n", name="Tabel 2023")
        replaced = add_csv(region, "producer", pkg_id, "tahun,jumlah\n2024,10\n",
                           name="Tabel 2024")
        to_ready(region, request, unit="Orang")
        publish(region, request)
        region.call("producer", "package_patch", id=pkg_id, unit="Jiwa")
        region.call("producer", "resource_update", id=replaced["id"], name="Tabel 2024",
                    format="CSV", url="tabel-2024.csv",
                    upload=FileStorage(io.BytesIO(b"tahun,jumlah\n2024,11\n"),
                                       filename="tabel-2024.csv", content_type="text/csv"))
        region.call("producer", "resource_create", package_id=pkg_id, name="Tabel 2025",
                    format="CSV", url="tabel-2025.csv",
                    upload=FileStorage(io.BytesIO(b"tahun,jumlah\n2025,99\n"),
                                       filename="tabel-2025.csv", content_type="text/csv"))
        # published, its revision not sent yet: nothing is under review
        staged = _page(login(app, "verifikator"), request["id"]).body
        assert "Metadata dan berkas data" in staged and "Data yang ditinjau" not in staged
        region.call("producer", "satudata_request_revise", id=request["id"])

        body = _page(login(app, "verifikator"), request["id"]).body
        assert "Data yang ditinjau" in body
        # a keyboard skips the review to the step forms (some 65 Tabs)
        assert 'href="#satudata-steps"' in body and 'id="satudata-steps"' in body
        assert body.index('id="satudata-steps"') < body.index("satudata-transition-verify")
        changes = re.search(r'<table[^>]*satudata-revision-changes.*?</table>', body,
                            re.S).group(0)
        unit = _text(re.search(r'<tr data-field="unit".*?</tr>', changes, re.S).group(0))
        assert "Satuan" in unit and unit.index("Orang") < unit.index("Jiwa")
        assert "Tabel 2025" in _text(changes) and "satudata-file-added" in changes
        assert 'data-field="concept"' not in changes         # unchanged fields
        review = _text(_section(body, "satudata-review"))
        assert "2025" in review and "99" in review            # the staged file's rows
        # the staged copy's licence in the page's language (it kept the
        # language it was staged in: English here, from the API)
        assert "Creative Commons Atribusi" in review and "Attribution" not in review
        english = _text(_section(_page(login(app, "verifikator"), request["id"], lang="en").body,
                                 "satudata-review"))
        assert "Creative Commons Attribution" in english and "Atribusi" not in english
        files = {re.search(r"<strong[^>]*>(.*?)</strong>", m.group(1), re.S).group(1):
                 _text(m.group(1)) for m in re.finditer(
                     r'<li [^>]*data-resource="[^"]+">(.*?)</li>', body, re.S)}
        # a table the revision leaves as it is: its page shows the whole of it;
        # a new or replaced file's does not (it shows the live version)
        assert "Buka seluruh tabel" in files["Tabel 2023"]
        # a new or replaced file's whole table is the staged table's own page
        # (its table's page shows the live version)
        staged_links = re.findall(r'href="([^"]*/revisi/tabel/[^"]+)"', body)
        assert len(staged_links) == 2, staged_links
        # the replaced file is told apart from an added table
        assert [name for name, text in files.items() if "baru dalam revisi ini" in text] \
            == ["Tabel 2025"]
        assert [name for name, text in files.items()
                if "berkas baru untuk tabel terbitan “Tabel 2024”" in text] == ["Tabel 2024"]
        # the replaced file keeps the period of the table it replaces
        assert "Periode: Semester I 2026" in files["Tabel 2024"]
        assert kept["id"] in body
        # the public still sees the live version
        assert "Jiwa" not in app.get(tk.url_for("dataset.read", id=pkg_id)).body
        # returned and sent again: the return's reason above the changes
        # against the published version (it was only in the timeline)
        _return(region, request, note="Satuan Jiwa belum baku", unit="Pakai Orang")
        region.call("producer", "satudata_request_resubmit", id=request["id"],
                    note="Tetap Jiwa, sesuai standar BPS")
        body = _page(login(app, "verifikator"), request["id"]).body
        asked = body[body.index('id="review-since-return"'):body.index('id="review-changes"')]
        assert "Dikembalikan pada" in _text(asked) and "Satuan Jiwa belum baku" in asked
        assert "Pakai Orang" in asked and body.count('id="review-since-return"') == 1


    def test_a_revision_is_not_shown_an_earlier_submissions_return(self, app, region, smtp,
                                                                    run_jobs):
        """A revision of published data showed the return of its first
        delivery, resolved long before, above its changes, as if this
        revision had been sent back."""
        request = region.request_of(region.opd_a)
        pkg_id = request["package_id"]
        add_csv(region, "producer", pkg_id, "tahun,jumlah\n2023,7\n")
        complete_metadata(pkg_id, "produsen-a")
        region.call("producer", "satudata_request_submit", id=request["id"])
        region.call("verifier", "satudata_request_return", id=request["id"],
                    note="Satuan belum baku")
        region.call("producer", "satudata_request_resubmit", id=request["id"], note="Sudah")
        assert 'id="review-since-return"' in _page(login(app, "verifikator"),
                                                   request["id"]).body
        region.call("verifier", "satudata_request_verify", id=request["id"])
        region.call("kabid", "satudata_request_approve", id=request["id"])
        region.call("kadis", "satudata_request_approve", id=request["id"])
        publish(region, request)
        region.call("producer", "package_patch", id=pkg_id, notes="Catatan direvisi")
        region.call("producer", "satudata_request_revise", id=request["id"])
        body = _page(login(app, "verifikator"), request["id"]).body
        assert 'id="review-changes"' in body and 'id="review-since-return"' not in body

    def test_a_resubmission_shows_what_changed_since_the_return(self, app, region, smtp,
                                                                 run_jobs):
        """The verifier re-checking a resubmission read only the current
        values and the producer's word for what was fixed (the dataset's
        activity page told them "no activity"); the e-mail left the
        producer's note out."""
        request = region.request_of(region.opd_a)
        pkg_id = request["package_id"]
        table = add_csv(region, "producer", pkg_id, "tahun,jumlah\n2023,7\n",
                        name="Tabel Puskesmas")
        complete_metadata(pkg_id, "produsen-a")
        region.call("producer", "package_patch", id=pkg_id, unit="Orang")
        region.call("producer", "satudata_request_submit", id=request["id"])
        _return(region, request, note="Lengkapi satuan dan baris Pustu",
                unit="Gunakan satuan baku", resources="Tambahkan baris Pustu")
        # while it is with its producers, the reviewers see no comparison
        assert "review-since-return" not in _page(login(app, "verifikator"),
                                                  request["id"]).body
        region.call("producer", "package_patch", id=pkg_id, unit="Unit")
        region.call("producer", "resource_update", id=table["id"], name="Tabel Puskesmas",
                    format="CSV", url="tabel.csv",
                    upload=FileStorage(io.BytesIO(b"tahun,jumlah\n2023,7\n2023,2\n"),
                                       filename="tabel.csv", content_type="text/csv"))
        run_jobs()
        smtp.take()
        region.call("producer", "satudata_request_resubmit", id=request["id"],
                    note="Satuan dan baris Pustu sudah diperbaiki")
        run_jobs()
        (mail,) = [m for m in smtp.take() if "verifikator" in m["to"]]
        assert "Satuan dan baris Pustu sudah diperbaiki" in mail["body"]

        body = _page(login(app, "verifikator"), request["id"]).body
        since = body[body.index('id="review-since-return"'):body.index('id="review-metadata"')]
        text = _text(since)
        assert "Perubahan sejak dikembalikan pada" in text, text
        assert "Lengkapi satuan dan baris Pustu" in text and "Gunakan satuan baku" in text
        changes = re.search(r'<table[^>]*satudata-revision-changes.*?</table>', since,
                            re.S).group(0)
        unit = _text(re.search(r'<tr data-field="unit".*?</tr>', changes, re.S).group(0))
        assert unit.index("Orang") < unit.index("Unit"), unit
        assert 'data-field="concept"' not in changes        # unchanged fields
        assert "satudata-file-changed" in changes and "Tabel Puskesmas" in _text(changes)
        # the side of the return names the old file without a link (its
        # address now gives the new one)
        old_side = re.search(r'<td class="satudata-old">(.*?)</td>',
                             changes[changes.index("satudata-file-changed"):], re.S).group(1)
        assert "tabel.csv" in old_side and "<a " not in old_side
        # once approved further, the page no longer compares
        region.call("verifier", "satudata_request_verify", id=request["id"])
        assert "review-since-return" in _page(login(app, "kabid"), request["id"]).body

    def test_the_reviewers_download_the_new_files_of_a_revision_and_nobody_else(
            self, app, region):
        request = region.request_of(region.opd_a)
        pkg_id = request["package_id"]
        live = add_csv(region, "producer", pkg_id, "tahun,jumlah\n2024,10\n",
                       name="Tabel 2024")
        to_ready(region, request)
        publish(region, request)
        # a new table, and a new file for the live one: both staged until published
        region.call("producer", "resource_create", package_id=pkg_id, name="Tabel 2025",
                    format="CSV", url="tabel-2025.csv",
                    upload=csv_upload("tahun,jumlah\n2025,99\n", "tabel-2025.csv"))
        region.call("producer", "resource_patch", id=live["id"], url="tabel.csv",
                    upload=csv_upload("tahun,jumlah\n2024,11\n"))
        region.call("producer", "satudata_request_revise", id=request["id"])

        reviewer = login(app, "verifikator")
        review = _section(_page(reviewer, request["id"]).body, "satudata-review")
        files = {}
        for item in re.findall(r'<li[^>]*data-resource=.*?</li>', review, re.S):
            link = re.search(r'<a class="btn btn-default btn-sm" href="([^"]+)"', item)
            files[re.search(r"<strong[^>]*>([^<]+)</strong>", item).group(1)] = (
                link and html.unescape(link.group(1)))
        assert set(files) == {"Tabel 2024", "Tabel 2025"} and all(files.values()), files
        # the whole files of the revision, as the producer uploaded them
        assert reviewer.get(files["Tabel 2025"]).body == "tahun,jumlah\n2025,99\n"
        assert reviewer.get(files["Tabel 2024"]).body == "tahun,jumlah\n2024,11\n"
        assert login(app, "produsen-a").get(files["Tabel 2025"]).body.startswith("tahun")
        # nobody else learns of them
        for client in (app, login(app, "warga"), login(app, "produsen-b")):
            for url in files.values():
                assert "2025,99" not in client.get(url, status=404).body
                assert "2024,11" not in client.get(url, status=404).body
        # the public still downloads the published file
        public = app.get(tk.url_for("dataset_resource.download", id=pkg_id,
                                    resource_id=live["id"], filename="tabel.csv"))
        assert public.body == "tahun,jumlah\n2024,10\n"


class TestForms:
    def test_incomplete_submission_gives_one_summary_with_labels_and_links(self, app, region):
        request = region.request_of(region.opd_a)
        client = login(app, "produsen-a")
        page = _page(client, request["id"])
        response = client.post(
            tk.url_for("satudata_request.take", id=request["id"], transition="submit"),
            data={"_csrf_token": csrf_token(page.body), "version": "1",
                  "note": "Mohon dicek"}, status=400)
        body = response.body
        assert ">Mohon dicek</textarea>" in body  # what was typed stays
        assert body.count("satudata-error-summary") == 1
        assert "alert-error" not in body                  # no flash per field
        summary = re.search(r'<div[^>]*satudata-error-summary.*?</div>', body, re.S).group(0)
        pkg = region.call("producer", "package_show", id=request["package_id"])
        edit_url = tk.url_for("dataset.edit", id=pkg["name"])
        assert f'href="{edit_url}#field-license_id"' in summary
        assert f'href="{edit_url}#field-concept"' in summary
        assert f'href="{edit_url}#field-unit"' not in summary  # the Daftar Data item gave it
        text = _text(summary)
        assert "Lisensi" in text and "Konsep" in text
        assert "license_id" not in text and "concept:" not in text
        assert tk.url_for("dataset_resource.new", id=pkg["name"]) in summary  # no data file
        assert len(re.findall(r"<li", summary)) > 10
        assert "satudata-state-requested" in body         # still the request page

    def test_cancel_sits_below_publish_behind_a_confirmation(self, app, region):
        request = region.request_of(region.opd_a)
        add_csv(region, "producer", request["package_id"], "a,b\n1,2\n")
        to_ready(region, request)
        body = _page(login(app, "admin-walidata"), request["id"]).body
        publish_at = body.index("satudata-transition-publish")
        cancel = re.search(r'<details class="satudata-transition-cancel-wrap.*?</details>',
                           body, re.S)
        assert cancel and publish_at < cancel.start()
        assert "btn-outline-danger" in cancel.group(0)
        assert re.search(r'type="checkbox"[^>]*name="confirm"[^>]*required', cancel.group(0))


def test_the_dataset_form_lists_its_errors_once_by_label_with_links(app, region):
    request = region.request_of(region.opd_a)
    pkg = region.call("producer", "package_show", id=request["package_id"])
    client = login(app, "produsen-a")
    edit_url = tk.url_for("dataset.edit", id=pkg["name"])
    page = client.get(edit_url)
    # an e-mail field is one (a phone offers its keyboard, a browser checks
    # it): its type was given twice, the first ("text") the one that counts
    field = re.search(r'<input id="field-producer_contact_email"[^>]*>', page.body).group(0)
    assert re.findall(r'\btype="([^"]+)"', field) == ["email"], field
    response = client.post(edit_url, data={
        "_csrf_token": csrf_token(page.body), "name": pkg["name"], "title": pkg["title"],
        "owner_org": pkg["owner_org"], "producer_contact_email": "bukan-email",
        "save": ""})
    body = response.body
    assert body.count("satudata-error-summary") == 1
    summary = re.search(r'<div[^>]*satudata-error-summary.*?</div>', body, re.S).group(0)
    assert 'href="#field-producer_contact_email"' in summary
    assert "producer_contact_email" not in _text(summary)
    assert "error-explanation" not in body            # not scheming's list of keys too


def test_the_dataset_form_posted_with_free_extras_names_the_refusal(app, region):
    """Free extras added to the form (a hidden input, an old page) were
    refused as a list of texts, which CKAN's form summary reads per extra:
    HTTP 500, what was typed lost."""
    request = region.request_of(region.opd_a)
    pkg = region.call("producer", "package_show", id=request["package_id"])
    client = login(app, "produsen-a")
    edit_url = tk.url_for("dataset.edit", id=pkg["name"])
    page = client.get(edit_url)
    response = client.post(edit_url, data={
        "_csrf_token": csrf_token(page.body), "name": pkg["name"], "title": "Judul diketik",
        "owner_org": pkg["owner_org"], "extras__0__key": "uri",
        "extras__0__value": "http://evil.example/", "save": ""})
    assert response.status_code in (200, 400), response.status_code
    assert "isian tambahan bebas" in response.body
    assert 'value="Judul diketik"' in response.body
    assert "evil.example" not in str(region.call("producer", "package_show",
                                                 id=request["package_id"]))


def test_removing_a_published_table_on_its_page_says_it_stays_public_until_published(
        app, region):
    """CKAN flashed "Resource has been deleted": the table stays public until
    the revision holding its removal is published."""
    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,7\n",
                    name="Tabel Lama")
    add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2025,8\n",
            name="Tabel Baru")
    to_ready(region, request)
    publish(region, request)
    client = login(app, "produsen-a")
    url = f"/dataset/{request['package_id']}/resource/{table['id']}/delete"
    page = client.get(url)
    done = client.post(url, data={"_csrf_token": csrf_token(page.body)},
                       follow_redirects=True)
    assert "tetap publik sampai revisi" in done.body, done.body[:2000]
    assert "Sumber daya telah dihapus" not in done.body
    assert "Tabel Lama" in app.get(f"/dataset/{request['package_id']}").body


def test_variables_given_with_a_row_incomplete_are_shown_with_the_row_named(app, region):
    """Four variables typed, the first without its data type: the review
    table said "Variabel — belum diisi" (the producer typed them all again),
    while the data check said the files matched them."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "package_patch", id=request["package_id"], variables=[
        {"name": "kecamatan"}, {"name": "jumlah_puskesmas", "data_type": "integer"},
        {"name": "puskesmas_rawat_inap", "data_type": "integer"},
        {"name": "tahun", "data_type": "integer"}])
    body = _page(login(app, "produsen-a"), request["id"]).body
    # the field's row (its value is a table of its own) up to the next field's
    row = body.split('<tr data-field="variables"')[1].split("<tr data-field=")[0]
    text = _text(row)
    assert "belum diisi" not in text
    assert all(name in text for name in ("kecamatan", "jumlah_puskesmas",
                                         "puskesmas_rawat_inap", "tahun")), text
    assert "Baris 1 tidak memiliki nilai yang diperlukan setiap baris" in text, text
    assert "Tipe data" in text.split("Baris 1")[1], text
    # and the checklist above says which row, not "missing: variables"
    item = re.search(r'<li class="missing" data-field="variables">.*?</li>', body, re.S).group(0)
    assert "baris 1 belum lengkap" in _text(item) and "Belum lengkap:" in _text(item), item

# -*- coding: utf-8 -*-
"""What readers and producers see of the metadata schema: the dataset page
in Indonesian (the portal default) and English, the facets of /dataset, and
the dataset form with its searchable selects and completeness checklist."""
from __future__ import annotations

import re
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import metadata

from ..factories import form_fields
from ..metadata_samples import full_metadata


def _text(html: str) -> str:
    """The visible text of a page, whitespace collapsed."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def dataset() -> dict[str, Any]:
    user = factories.Sysadmin()
    org = factories.Organization(name="dinas-kesehatan", title="Dinas Kesehatan")
    return helpers.call_action(
        "package_create", {"user": user["name"]}, name="nakes-2025",
        title="Jumlah Tenaga Kesehatan 2025", owner_org=org["id"], **full_metadata())


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestDatasetPage:
    def test_indonesian_page_shows_indonesian_labels_only(self, app, dataset):
        page = _text(app.get(tk.url_for("dataset.read", id=dataset["name"])).body)

        for text in ("Standar data", "Konsep", "Satuan", "Indikator",
                     "Tingkat penyajian (level estimasi)", "Kecamatan", "Variabel",
                     "Tipe data", "Kategori (kode)", "Bilangan bulat", "Cakupan",
                     "Cakupan wilayah", "Kota Balikpapan, Kalimantan Timur",
                     "Frekuensi pemutakhiran", "Tahunan", "Sifat data", "Tetap",
                     "Cara pengumpulan data", "Kompilasi Produk Administrasi",
                     "Urusan pemerintahan", "Kesehatan", "Statistik", "Data prioritas", "Ya",
                     "3. Kehidupan Sehat dan Sejahtera", "Kontak", "Nama kontak produsen data"):
            assert text in page, text
        for text in ("Data standard", "Update frequency", "Annual", "Health",
                     "Presentation level", "Integer", "Good Health"):
            assert text not in page, text

    def test_english_page_shows_english_labels_only(self, app, dataset):
        page = _text(app.get("/en" + tk.url_for("dataset.read", id=dataset["name"])).body)

        for text in ("Data standard", "Concept", "Unit", "Indicator",
                     "Presentation level (estimation level)", "District", "Variables",
                     "Data type", "Category (code)", "Integer", "Coverage", "Area coverage",
                     "Kota Balikpapan, Kalimantan Timur", "Update frequency", "Annual",
                     "Data status", "Final", "Collection method",
                     "Compilation of administrative records", "Government affairs", "Health",
                     "Statistics", "Priority data", "Yes", "3. Good Health and Well-being",
                     "Contact", "Producer contact name"):
            assert text in page, text
        for text in ("Standar data", "Frekuensi pemutakhiran", "Tahunan", "Kompilasi Produk",
                     "Tingkat penyajian", "Bilangan bulat"):
            assert text not in page, text

    def test_codes_are_not_shown_raw(self, app, dataset):
        page = _text(app.get(tk.url_for("dataset.read", id=dataset["name"])).body)

        for code in ("annual", "administrative", "district", "final", "1.02", "64.71"):
            at = page.find(f" {code} ")
            assert at < 0, page[max(at - 200, 0):at + 200]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestSearchPage:
    def test_facets_show_titles_and_labels(self, app, dataset):
        page = _text(app.get(tk.url_for("dataset.search")).body)
        english = _text(app.get("/en" + tk.url_for("dataset.search")).body)

        for text in ("Produsen data (OPD)", "Dinas Kesehatan", "Urusan pemerintahan",
                     "Kesehatan", "Frekuensi pemutakhiran", "Tahunan", "Tahun data", "2025",
                     "Tingkat penyajian", "Kecamatan", "Wilayah", "Kota Balikpapan"):
            assert text in page, text
        for text in ("Producer (OPD)", "Government affairs", "Health", "Update frequency",
                     "Annual", "Data year", "Presentation level", "District", "Area"):
            assert text in english, text

    def test_facet_link_filters_the_search(self, app, dataset):
        other = factories.Dataset(owner_org=dataset["owner_org"], title="Draf lain")

        page = app.get(tk.url_for("dataset.search", vocab_government_affairs="1.02")).body

        assert dataset["title"] in page
        assert other["title"] not in page


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestDatasetForm:
    def test_new_form_offers_searchable_code_selects(self, app):
        user = factories.SysadminWithToken()
        factories.Organization()

        page = app.get(tk.url_for("dataset.new"), headers={"Authorization": user["token"]}).body

        area = re.search(r'<select id="field-area_code"[^>]*>', page).group(0)
        affairs = re.search(r'<select id="field-government_affairs"[^>]*>', page).group(0)
        assert 'data-module="autocomplete"' in area
        assert "multiple" in affairs and 'data-module="autocomplete"' in affairs
        assert '<option value="64.71">Kota Balikpapan, Kalimantan Timur (64.71)</option>' in page
        assert "Standar data" in page and "Konsep" in page
        assert "metadata-checklist" not in page  # only once the draft exists

    def test_new_form_saves_a_draft_with_little_filled_in(self, app):
        """The empty form as a browser sends it (every select and the blank
        variable panel empty) is a valid draft."""
        user = factories.UserWithToken()
        org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
        headers = {"Authorization": user["token"]}
        form = form_fields(app.get(tk.url_for("dataset.new"), headers=headers).body,
                            form_id="dataset-edit")
        form.update({"title": "Jumlah Puskesmas", "name": "jumlah-puskesmas",
                     "owner_org": org["id"], "save": "continue"})

        response = app.post(tk.url_for("dataset.new"), data=form, headers=headers,
                            follow_redirects=False)

        assert response.status_code == 302, _text(response.body)[:2000]
        draft = helpers.call_action("package_show", id="jumlah-puskesmas")
        assert draft["state"] == "draft"
        assert "variables" not in draft and "government_affairs" not in draft
        assert helpers.call_action("satudata_metadata_check", id=draft["id"])["percent"] < 20

    def test_edit_form_shows_the_checklist(self, app):
        user = factories.SysadminWithToken()
        org = factories.Organization()
        draft = factories.Dataset(owner_org=org["id"], title="Draf",
                                  **{"update_frequency": "annual", "data_year": "2025"})

        page = app.get(tk.url_for("dataset.edit", id=draft["name"]),
                       headers={"Authorization": user["token"]}).body
        checklist = page[page.index('id="metadata-checklist"'):]
        checklist = checklist[:checklist.index("</section>")]

        assert "Kelengkapan metadata" in checklist
        assert re.search(r'class="filled[^"]*" data-field="update_frequency"', checklist)
        assert re.search(r'class="missing[^"]*" data-field="concept"', checklist)
        assert '<a href="#field-concept">Konsep</a>' in checklist
        percent = helpers.call_action("satudata_metadata_check", id=draft["id"])["percent"]
        assert f"{percent}%" in checklist
        assert tk.url_for("satudata_metadata.template", id=draft["id"]) in checklist

        # saved with a concept and a refused e-mail: the checklist counts what
        # is saved, not the concept typed (it said filled, nothing was saved)
        form = form_fields(app.get(tk.url_for("dataset.edit", id=draft["name"]),
                                   headers={"Authorization": user["token"]}).body)
        form.update({"concept": "Konsep yang belum tersimpan", "save": "",
                     "producer_contact_email": "bukan-surel"})
        refused = app.post(tk.url_for("dataset.edit", id=draft["name"]), data=form,
                           headers={"Authorization": user["token"]}).body
        checklist = refused[refused.index('id="metadata-checklist"'):]
        assert re.search(r'class="missing[^"]*" data-field="concept"', checklist)
        assert "Konsep yang belum tersimpan" in refused  # the form keeps it
        # and the checklist says it is of the saved dataset (read as "what I
        # typed is lost")
        assert "(yang tersimpan)" in checklist and "belum tersimpan" in checklist
        assert "(yang tersimpan)" not in page

    def test_form_round_trip_keeps_metadata(self, app, dataset):
        """Saving the edit form unchanged keeps every value (selects,
        multi-selects, the flag and the variables survive the HTML form)."""
        user = factories.SysadminWithToken()
        form_page = app.get(tk.url_for("dataset.edit", id=dataset["name"]),
                            headers={"Authorization": user["token"]}).body
        form = form_fields(form_page)
        form["save"] = ""
        form["data_year"] = "2024"

        response = app.post(tk.url_for("dataset.edit", id=dataset["name"]), data=form,
                            headers={"Authorization": user["token"]}, follow_redirects=False)

        assert response.status_code == 302, _text(response.body)[:2000]
        shown = helpers.call_action("package_show", id=dataset["id"])
        assert shown["data_year"] == "2024"
        for key, value in full_metadata().items():
            if key not in ("tags", "data_year"):
                assert shown[key] == value, key


    def test_a_form_sent_before_its_scripts_ran_says_what_is_wrong(self, app, dataset):
        """Sent before the page's scripts removed the hidden model of a new
        variable row (a quick click, a slow line), the form answered only
        "Variabel: Periksa nilai isian ini", hid the real error and came
        back with two extra rows."""
        user = factories.SysadminWithToken()
        page = app.get(tk.url_for("dataset.edit", id=dataset["name"]),
                       headers={"Authorization": user["token"]}).body
        form = form_fields(page, scripts=False)
        assert any("REPEATING-INDEX" in key for key in form)
        rows = len(helpers.call_action("package_show", id=dataset["id"])["variables"])
        form.update({"save": "", "producer_contact_email": "bukan-surel"})
        refused = app.post(tk.url_for("dataset.edit", id=dataset["name"]), data=form,
                           headers={"Authorization": user["token"]}).body
        summary = refused[refused.index('id="error-summary"'):]
        summary = summary[:summary.index("</ul>")]
        assert "E-mail" in summary and "Variabel" not in summary, summary
        form["producer_contact_email"] = "kontak@dinkes.example.go.id"
        saved = app.post(tk.url_for("dataset.edit", id=dataset["name"]), data=form,
                         headers={"Authorization": user["token"]}, follow_redirects=False)
        assert saved.status_code == 302, _text(saved.body)[:2000]
        assert len(helpers.call_action("package_show", id=dataset["id"])["variables"]) == rows

    def test_a_form_opened_before_another_save_is_refused_not_saved_over_it(self, app,
                                                                           dataset):
        """The same dataset's form in two tabs (or two officers): the second
        save silently put back what the first had changed."""
        user = factories.SysadminWithToken()
        headers = {"Authorization": user["token"]}
        url = tk.url_for("dataset.edit", id=dataset["name"])
        first = form_fields(app.get(url, headers=headers).body)
        second = form_fields(app.get(url, headers=headers).body)
        assert first["satudata_seen"] == second["satudata_seen"]
        first.update({"save": "", "concept": "Konsep dari tab pertama"})
        saved = app.post(url, data=first, headers=headers, follow_redirects=False)
        assert saved.status_code == 302, _text(saved.body)[:2000]
        second.update({"save": "", "notes": "Deskripsi dari tab kedua",
                       "variables-0-name": "variabel_tab_kedua"})
        refused = app.post(url, data=second, headers=headers)
        assert refused.status_code == 200
        assert "Seseorang telah mengubah" in refused.body
        assert "Deskripsi dari tab kedua" in refused.body  # what was typed is kept
        assert 'value="variabel_tab_kedua"' in refused.body  # the rows too
        # the way on is the form anew (it said "correct the errors and save
        # again", which was refused again, and again)
        assert f'href="{url}"' in refused.body and "satudata-reopen" in refused.body
        assert "perbaiki kesalahannya" not in refused.body.lower()
        # sent again from the refusal's page: still the version it was built
        # from (it carried the new one, and the second click saved over it)
        again_refused = form_fields(refused.body)
        again_refused["save"] = ""
        assert "Seseorang telah mengubah" in app.post(url, data=again_refused,
                                                      headers=headers).body
        shown = helpers.call_action("package_show", id=dataset["id"])
        assert shown["concept"] == "Konsep dari tab pertama"
        assert shown["notes"] != "Deskripsi dari tab kedua"
        # opened again, it saves
        again = form_fields(app.get(url, headers=headers).body)
        again.update({"save": "", "notes": "Deskripsi dari tab kedua"})
        assert app.post(url, data=again, headers=headers,
                        follow_redirects=False).status_code == 302
        assert helpers.call_action("package_show", id=dataset["id"])["concept"] == \
            "Konsep dari tab pertama"

    def test_a_table_form_opened_before_another_save_is_refused_not_saved_over_it(
            self, app, dataset):
        """Two producers on one table's form: the second save put the old
        name and the old file's address back over the colleague's new file
        (a workbook then served as ``.csv``), without a word."""
        user = factories.SysadminWithToken()
        headers = {"Authorization": user["token"]}
        table = helpers.call_action("resource_create", {"user": user["name"]},
                                    package_id=dataset["id"], name="Tabel 2025",
                                    url="https://data.example.go.id/tabel-2025.csv")
        url = tk.url_for("dataset_resource.edit", id=dataset["name"], resource_id=table["id"])

        def opened() -> dict[str, str]:
            """The table's form as a browser sends it (the link kept)."""
            form = form_fields(app.get(url, headers=headers).body, "resource-edit")
            return {"save": "", "id": table["id"], "name": form["name"],
                    "url": table["url"], "description": form.get("description", ""),
                    "satudata_seen": form["satudata_seen"]}

        first, second = opened(), opened()
        first.update({"name": "Tabel 2025 (berkas baru)",
                      "url": "https://data.example.go.id/tabel-2025-baru.xlsx"})
        saved = app.post(url, data=first, headers=headers, follow_redirects=False)
        assert saved.status_code == 302, _text(saved.body)[:2000]
        second["description"] = "Deskripsi dari tab kedua"
        refused = app.post(url, data=second, headers=headers)
        assert "Seseorang telah mengubah" in refused.body
        assert "Deskripsi dari tab kedua" in refused.body and "satudata-reopen" in refused.body
        shown = helpers.call_action("resource_show", id=table["id"])
        assert (shown["name"], shown["url"], shown.get("description") or "") == (
            "Tabel 2025 (berkas baru)", "https://data.example.go.id/tabel-2025-baru.xlsx", "")
        # opened again, it saves
        again = opened()
        again.update({"description": "Deskripsi dari tab kedua",
                      "url": "https://data.example.go.id/tabel-2025-baru.xlsx"})
        assert app.post(url, data=again, headers=headers,
                        follow_redirects=False).status_code == 302
        shown = helpers.call_action("resource_show", id=table["id"])
        assert (shown["name"], shown["description"]) == ("Tabel 2025 (berkas baru)",
                                                         "Deskripsi dari tab kedua")
        assert "satudata_seen" not in shown

    def test_two_variables_of_one_name_are_refused_at_the_second(self, app, dataset):
        """The form shows the refusal at the variable named twice and keeps
        both rows as typed."""
        user = factories.SysadminWithToken()
        form = form_fields(app.get(tk.url_for("dataset.edit", id=dataset["name"]),
                                   headers={"Authorization": user["token"]}).body)
        names = sorted(k for k in form if k.startswith("variables-") and k.endswith("-name"))
        assert names, form
        first = form[names[0]]
        index = len(names)
        form.update({"save": "", f"variables-{index}-name": first.upper(),
                     f"variables-{index}-definition": "Kolom kembar"})
        response = app.post(tk.url_for("dataset.edit", id=dataset["name"]), data=form,
                            headers={"Authorization": user["token"]})
        assert response.status_code == 200
        assert "Isian lain sudah memakai nama ini" in response.body
        assert "Kolom kembar" in response.body and first.upper() in response.body

    @pytest.mark.parametrize("second, words", [
        # one column to the data check, which found no file could pass
        ("jumlah-anak", "sebagai kolom yang sama dengan “jumlah_anak”"),
        ("Jumlah.Anak", "sebagai kolom yang sama dengan “jumlah_anak”"),
        ("jum\u200blah", "karakter tak terlihat"),
        ("jumlah\u3164", "karakter tak terlihat"),          # a Hangul filler
        ("jumlah\U000e0041", "karakter tak terlihat"),      # a tag character
        ("jumlah\u034fanak", "karakter tak terlihat"),      # a grapheme joiner
        # names the DataStore refuses: the table passed the chain, never loaded
        ('=HYPERLINK("http://x")', "tanda petik ganda"),
        ("_jumlah", "tanda petik ganda"),
    ])
    def test_a_variable_the_data_check_reads_as_another_or_cannot_see_is_refused(
            self, app, dataset, second, words):
        variables = [{"name": "jumlah_anak", "data_type": "integer"},
                     {"name": second, "data_type": "integer"}]
        with app.flask_app.test_request_context("/"), pytest.raises(tk.ValidationError) as e:
            helpers.call_action("package_patch", id=dataset["id"], variables=variables)
        assert words in e.value.error_dict["variables"][1]["name"][0]
        assert not e.value.error_dict["variables"][0]

    def test_more_variables_than_a_table_has_columns_are_refused_on_the_form(self, app,
                                                                            dataset):
        """501 rows on the form answered HTTP 500 (the message about the whole
        list where scheming's form reads one per row): the form again, with
        the message at the first row, the rows as typed."""
        user = factories.SysadminWithToken()
        form = form_fields(app.get(tk.url_for("dataset.edit", id=dataset["name"]),
                                   headers={"Authorization": user["token"]}).body)
        form = {k: v for k, v in form.items() if not k.startswith("variables-")}
        form["save"] = ""
        for i in range(metadata.MAX_ROWS + 1):
            form.update({f"variables-{i}-name": f"kolom_{i}", f"variables-{i}-definition": "x"})
        response = app.post(tk.url_for("dataset.edit", id=dataset["name"]), data=form,
                            headers={"Authorization": user["token"]})
        assert response.status_code == 200
        assert "Paling banyak 500 isian" in response.body
        assert f"kolom_{metadata.MAX_ROWS}" in response.body


@pytest.mark.usefixtures("clean_db")
def test_organization_form_offers_the_opd_fields(app):
    user = factories.SysadminWithToken()

    page = app.get(tk.url_for("organization.new"), headers={"Authorization": user["token"]}).body

    affairs = re.search(r'<select id="field-government_affairs"[^>]*>', page).group(0)
    assert "multiple" in affairs and 'data-module="autocomplete"' in affairs
    for label in ("Kode OPD", "Nama singkat", "Urusan pemerintahan", "Alamat", "Telepon",
                  "E-mail", "Situs web", "Kepala OPD", "Operator data"):
        assert label in page, label

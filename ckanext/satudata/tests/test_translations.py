# -*- coding: utf-8 -*-
"""Bahasa Indonesia everywhere: the extension's one catalogue translates
every message of CKAN (its .pot and its sources: 2.11.6's templates use
messages its .pot lacks), the bundled activity, DataStore and DataTables
plugins, ckanext-xloader, ckanext-scheming and ckanext-dcat, keeps their
placeholders, and wins over CKAN's own incomplete Indonesian catalogue on
the pages a visitor and an OPD operator see."""
from __future__ import annotations

import importlib
import json
import os
import re

import flask_babel
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

import ckan
import ckanext.dcat
import ckanext.satudata
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .factories import build_region, login, publish, to_ready

I18N = os.path.join(os.path.dirname(ckanext.satudata.__file__), "i18n")
PO = os.path.join(I18N, "id", "LC_MESSAGES", "ckanext-satudata.po")
CKAN_POT = os.path.join(os.path.dirname(ckan.__file__), "i18n", "ckan.pot")
DCAT_POT = os.path.join(os.path.dirname(ckanext.dcat.__file__), "i18n", "ckanext-dcat.pot")
# %(name)s, %s, %d, %r, %%, {name}, {0}, {} and HTML tag names
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdifr]|%[sdifr%]|\{[^{}\s]*\}|</?[a-zA-Z0-9]+")


def _read(path: str):
    with open(path, "rb") as f:
        return read_po(f)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _source_msgids(package: str) -> set[str]:
    """The messages of an installed package read from its sources, as
    scripts/i18n.sh does: ckanext-scheming ships no template, and CKAN
    2.11.6's templates use messages its ckan.pot lacks."""
    directory = os.path.dirname(importlib.import_module(package).__file__)
    method_map = [("**/tests/**", "ignore"), ("**/migration/**", "ignore"),
                  ("**/node_modules/**", "ignore"), ("**.py", "python"),
                  ("**.js", "javascript"), ("**/templates/**.html", "ckan")]
    return {(msg[0] if isinstance(msg, tuple) else msg)
            for _f, _l, msg, _c, _ctx in extract_from_dir(
                directory, method_map, keywords={**DEFAULT_KEYWORDS, "translate": None,
                                                 "isPlural": None})}


@pytest.fixture(scope="module")
def catalogue():
    """msgid -> message, for the messages without a context (CKAN's have none)."""
    return {_ids(m)[0]: m for m in _read(PO) if m.id and not m.context}


class TestCatalogue:
    @pytest.mark.parametrize("source", [
        "ckan.pot", "ckanext-dcat.pot", pytest.param("ckan", marks=pytest.mark.slow),
        "ckanext.activity", "ckanext.datastore",
        "ckanext.datatablesview", "ckanext.xloader", "ckanext.scheming", "ckanext.dcat"])
    def test_every_message_is_translated(self, catalogue, source):
        if source.endswith(".pot"):
            wanted = {_ids(m)[0] for m in _read(CKAN_POT if source == "ckan.pot" else DCAT_POT)
                      if m.id}
        else:
            wanted = _source_msgids(source)
        assert len(wanted) > (700 if source.startswith("ckan.") or source == "ckan" else 10)
        missing = sorted(w for w in wanted if w not in catalogue)
        untranslated = sorted(w for w in wanted if w in catalogue
                              and not all(_strings(catalogue[w])))
        assert not missing, missing[:20]
        assert not untranslated, untranslated[:20]

    def test_the_extension_s_own_messages_are_translated(self):
        untranslated = [_ids(m)[0] for m in _read(PO) if m.id and not all(_strings(m))]
        assert not untranslated, untranslated[:20]

    def test_no_fuzzy_entry_and_same_placeholders(self):
        messages = [m for m in _read(PO) if m.id]
        fuzzy = [_ids(m)[0] for m in messages if m.fuzzy]
        assert not fuzzy, fuzzy[:20]
        wrong = []
        for message in messages:
            msgid = _ids(message)[0]
            expected = set().union(*(_placeholders(i) for i in _ids(message)))
            for string in filter(None, _strings(message)):
                # a plural may drop the count its singular leaves implicit
                if not _placeholders(string) <= expected or (
                        _placeholders(string) != expected
                        and _placeholders(string) != _placeholders(_ids(message)[-1])):
                    wrong.append(msgid)
        assert not wrong, wrong[:20]

    def test_no_translation_says_its_sentence_twice(self):
        """14 refusals read "...memublikasikan dataHanya administrator ...
        memublikasikan data": a translation glued to itself."""
        doubled = []
        for message in (m for m in _read(PO) if m.id):
            for string in filter(None, _strings(message)):
                again = string.find(string[:20], 1)
                if again >= 20 and string[again:].startswith(string[:again].rstrip(".")):
                    doubled.append(_ids(message)[0])
        assert not doubled, doubled[:20]

    def test_ours_win_over_ckan_catalogue(self, app):
        # flask_babel merges the directories in order, later ones winning:
        # CKAN's, then ITranslation plugins in reverse ckan.plugins order
        # (ckanext-dcat's, then ours, as satudata comes first in ckan.plugins)
        directories = app.flask_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
        assert os.path.samefile(directories[-1], I18N), directories
        # CKAN 2.11.6's own id catalogue says "Kumpulan data" and leaves the
        # licence titles in English
        with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
            assert flask_babel.gettext("Datasets") == "Dataset"
            assert flask_babel.gettext("Log in") == "Masuk"
            # the search button and the workflow's submit share a word in English only
            assert flask_babel.gettext("Submit") == "Cari"
            assert flask_babel.pgettext("workflow", "Submit") == "Ajukan"
            assert flask_babel.gettext("Creative Commons Attribution") == "Creative Commons Atribusi"
            assert flask_babel.ngettext("{num} Dataset", "{num} Datasets", 3) == "{num} Dataset"
        with app.flask_app.test_request_context(), flask_babel.force_locale("en"):
            assert flask_babel.gettext("Log in") == "Log in"


PUBLIC_PAGES = [
    ("/dataset/", ["Masuk", "Urutkan berdasarkan", "Cari"], ["Log in", "Order by", "Register"]),
    ("/organization/", ["Apa itu OPD?"], ["What are Organizations?", "Log in"]),
    ("/organization/dinas-uji", ["Tentang", "Urutkan berdasarkan"], ["About", "Log in"]),
    ("/user/login", ["Lupa kata sandi?", "Nama Pengguna atau Email"],
     ["Forgotten your password?", "Username or Email", "Need an Account?"]),
]


def _visible_english(body: str, words: list[str]) -> list[str]:
    return [w for w in words if f">{w}<" in body or f"> {w}" in body or f">{w} " in body]


class TestJavaScript:
    def test_js_catalogue_is_built_from_ours(self, ckan_config, monkeypatch, tmp_path):
        """``ckan run`` (and ``ckan translation js`` in production) build the
        JavaScript catalogues from CKAN's .po then ours: ours win there too."""
        from ckan.lib.i18n import build_js_translations
        monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
        build_js_translations()
        with open(tmp_path / "i18n" / "js" / "id.js", encoding="utf-8") as f:
            strings = json.load(f)
        # the resource form's upload field and the confirmation dialog
        assert strings["Upload"] == [None, "Unggah"]
        assert strings["Remove"] == [None, "Hapus"]
        assert strings["Are you sure you want to perform this action?"][1].startswith("Apakah")


class TestPages:
    def test_public_pages(self, app, clean_db, clean_index):
        factories.Organization(name="dinas-uji", title="Dinas Uji")
        for url, indonesian, english in PUBLIC_PAGES:
            body = app.get(url).body
            assert [w for w in indonesian if w not in body] == [], url
            assert _visible_english(body, english) == [], url
        # the English site stays English
        assert "What are Organizations?" in app.get("/en/organization/").body
        # CKAN's error pages print the status in English ("404 Not Found")
        body = app.get("/dataset/tidak-ada", status=404).body
        assert "404 Tidak Ditemukan" in body and "Not Found" not in body
        assert "403 Akses Ditolak" in app.get("/ckan-admin/", status=403).body
        assert "400 Permintaan Tidak Valid" in app.get("/user/?limit=x", status=400).body
        assert "404 Not Found" in app.get("/en/dataset/tidak-ada", status=404).body
        # an address no page answers: werkzeug's English description
        body = app.get("/dataset/tidak-ada/groups-tidak-ada", status=404).body
        assert "Halaman yang Anda minta tidak ada" in body
        assert "The requested URL was not found" not in body

    def test_logged_in_pages(self, app, clean_db, clean_index):
        factories.Sysadmin(name="admin-uji", password="correct123")
        factories.Organization(name="dinas-uji", title="Dinas Uji")
        client = login(app, "admin-uji")
        body = client.get("/dataset/new").body
        assert "wajib diisi" in body.lower()
        assert "Lisensi" in body and "Creative Commons Atribusi" in body
        assert _visible_english(body, ["Required field", "Log out", "Visibility"]) == []
        assert "Creative Commons Attribution<" not in body
        # CKAN's follow button prints its label in English: our copy translates it
        body = client.get("/organization/dinas-uji").body
        assert "Ikuti" in body and _visible_english(body, ["Follow"]) == []
        assert "Required field" in client.get("/en/dataset/new").body
        # CKAN labels the API token's name in English: our copy translates it
        # CKAN prints the user's state through _(user.state): "Status: active"
        assert "<dd>aktif</dd>" in client.get("/user/admin-uji").body
        body = client.get("/user/admin-uji/api-tokens").body
        assert re.search(r"> ?Nama\s*</label>", body) and _visible_english(body, ["Name"]) == []
        # CKAN writes a few words of its templates in English, outside its catalogue
        body = client.get("/ckan-admin/").body
        assert 'placeholder="Nama pengguna"' in body and 'placeholder="Username"' not in body
        assert 'placeholder="Username"' in client.get("/en/ckan-admin/").body
        factories.Group(name="tema-uji")
        body = client.get("/group/member_new/tema-uji").body
        assert 'placeholder="Alamat email"' in body and 'placeholder="Email address"' not in body
        for page in ("/dataset/", "/organization/dinas-uji", "/group/tema-uji"):
            body = client.get(page).body
            assert '<span class="text">Tutup</span>' in body, page
            assert ">close<" not in body, page

    def test_published_dataset_page_and_search(self, app, clean_db, clean_index):
        region = build_region()
        request = region.requests[0]
        to_ready(region, request)
        publish(region, request)
        name = tk.get_action("package_show")(
            {"ignore_auth": True}, {"id": request["package_id"]})["name"]
        body = app.get(f"/dataset/{name}").body
        # the licence title comes from CKAN's licence register, translated at request time
        assert "Creative Commons Atribusi" in body
        assert "Data dan Sumber Daya" in body
        # the resource page lists labelled fields, not raw keys
        resource = tk.get_action("package_show")(
            {"ignore_auth": True}, {"id": request["package_id"]})["resources"][0]
        resource_page = app.get(f"/dataset/{name}/resource/{resource['id']}").body
        assert _visible_english(resource_page, ["Package id", "Position", "State", "Has views"]) == []
        assert _visible_english(body, ["Data and Resources", "Activity Stream", "License",
                                       "Creative Commons Attribution", "Log in"]) == []
        # CKAN's activity filter prints its internal type names ("Deleted Package")
        activity = app.get(f"/dataset/activity/{name}").body
        assert "Dataset baru" in activity and "Tampilan sumber daya dihapus" in activity
        assert not re.search(r"New Package|Deleted Package|Resource View", activity)
        assert "New dataset" in app.get(f"/en/dataset/activity/{name}").body
        body = app.get("/dataset/").body
        # the search page has no licence facet (search.HIDDEN_FACETS)
        assert "1 dataset ditemukan" in body
        assert "Creative Commons Attribution<" not in body
        # the footer's badge described in the page's language
        assert 'alt="Data Terbuka (Open Definition)"' in body and 'alt="Open Data"' not in body


def test_the_data_check_report_is_in_indonesian(app, region, run_jobs, smtp):
    """The report of a data file's check (issue H), on the producer's edit
    pages and the request page: every label and message translated."""
    from .factories import add_csv, complete_metadata

    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    add_csv(region, "producer", request["package_id"],
            "tahun,jumlah,x\n2025,satu,\n2024,3,hubungi 081234567890\n2024,3,"
            "hubungi 081234567890\n")
    run_jobs()
    client = login(app, "produsen-a")
    english = ["Check of the data files", "Data check", "Validation report", "Row", "Column",
               "Problem", "Does not match the declared variables", "Personal data found"]
    for url in (f"/dataset/edit/{request['package_id']}",
                f"/permintaan-data/{request['id']}"):
        body = client.get(url).body
        for indonesian in ("Pemeriksaan berkas data", "Laporan validasi", "Baris 3",
                           "bukan bilangan bulat", "di luar periode yang dideklarasikan",
                           "bukan variabel yang dideklarasikan", "mengulang baris 3",
                           "tampak seperti nomor telepon", "Ditemukan data pribadi"):
            assert indonesian in body, (url, indonesian)
        assert _visible_english(body, english) == [], url


def test_the_table_previews_numbers_are_written_as_the_language_writes_them(app):
    """ckanext-datatablesview's Indonesian file groups thousands with ' (the
    preview's page sizes read 1'000)."""
    with app.flask_app.test_request_context("/"):
        url = tk.h.datatablesview_get_language_file_path("id")
        assert tk.h.datatablesview_get_language_file_path("en") == ""
    strings = json.loads(app.get(url).body)
    assert (strings["thousands"], strings["decimal"]) == (".", ",")
    assert strings["lengthMenu"] == "Tampilkan _MENU_ entri"  # the rest as shipped
    assert app.get("/satudata/datatables/..%2Fsecret.json").status_code == 404

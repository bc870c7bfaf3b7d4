# -*- coding: utf-8 -*-
"""Input safety of the satudata actions and pages:
only http(s) links, spreadsheet cells that cannot become formulas, bad input
refused with a clear error (never a 500), concurrent imports that do not
duplicate, read actions that answer GET, and no empty round sent."""
from __future__ import annotations

import base64
import io
import json
import threading

import openpyxl
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from ckanext.satudata.lib import metadata_workbook, publication
from ckanext.satudata.lib import cells
from ckanext.satudata.model import DaftarData

from ..factories import (add_csv, complete_metadata, csv_upload, login, publish,
                         request_state, to_ready)


FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _formula_cells(content: bytes) -> list[str]:
    """Every cell of the workbook a spreadsheet would evaluate."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in wb.worksheets
            for row in ws.iter_rows() for c in row
            if c.data_type == "f" or (cells.is_formula_like(c.value) and not c.quotePrefix)]


def _all_values(content: bytes) -> set:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}


class TestLinks:
    """Finding 13: only http(s) links are stored."""

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)",
                                     " java\tscript:alert(1)", "data:text/html,<b>x</b>",
                                     "vbscript:msgbox(1)"])
    def test_sk_url_must_be_http(self, region, url):
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_create", title="Data",
                        owner_org=region.opd_a["name"], year=2026, sk_url=url)
        assert "sk_url" in err.value.error_dict
        item = region.call("walidata_admin", "satudata_daftar_data_list", year=2026)
        assert all(i["sk_url"] in (None, "") for i in item["results"])

    @pytest.mark.parametrize("url", ["' OR 1=1 --", "sk.pdf", "www.example.org/sk.pdf"])
    def test_sk_url_is_a_web_address_or_a_path_of_the_portal(self, region, url):
        item = region.call("walidata_admin", "satudata_daftar_data_create", title="Data",
                           owner_org=region.opd_a["name"], year=2026,
                           sk_url="https://jdih.example.go.id/sk-12.pdf")
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                        sk_url=url)
        assert "http" in err.value.error_dict["sk_url"][0]
        path = f"/permintaan-data/daftar-data/{item['id']}/sk"  # an uploaded decree's
        assert region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                           sk_url=path)["sk_url"] == path

    def test_resource_url_must_be_http(self, region):
        dataset = region.request_of(region.opd_a)["package_id"]
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "resource_create", package_id=dataset,
                        url="javascript:alert(document.cookie)", name="x")
        assert "url" in err.value.error_dict
        # invisible characters alone: stored as "http://\u200b", and every
        # later save of the dataset refused
        for invisible in ("\u200b", "\u034f"):
            with pytest.raises(tk.ValidationError) as err:
                region.call("producer", "resource_create", package_id=dataset, url=invisible,
                            name="x")
            assert "url" in err.value.error_dict
        ok = region.call("producer", "resource_create", package_id=dataset,
                         url="https://example.org/data.csv", name="ok")
        assert ok["url"] == "https://example.org/data.csv"
        # a name of invisible characters alone is none (an empty heading)
        unnamed = region.call("producer", "resource_create", package_id=dataset,
                              url="https://example.org/lain.csv", name="\u2065\u200b")
        assert "\u2065" not in (unnamed["name"] or "")

    def test_an_uploaded_table_without_its_file_is_refused(self, region):
        """A table created as "uploaded" with no file was saved: its download
        answered 404 and it stood in the dataset's list of tables."""
        dataset = region.request_of(region.opd_a)["package_id"]
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "resource_create", package_id=dataset, url_type="upload",
                        url="x.csv", name="Tanpa berkas")
        assert "upload" in err.value.error_dict
        assert not helpers.call_action("package_show", id=dataset)["resources"]
        # nor a link turned into one
        linked = region.call("producer", "resource_create", package_id=dataset,
                             url="https://example.org/data.csv", name="Tautan")
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "resource_patch", id=linked["id"], url_type="upload",
                        url="x.csv")
        assert "upload" in err.value.error_dict
        assert helpers.call_action("resource_show", id=linked["id"])["url_type"] in (None, "")

    @pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "@SUM(A1)", "+x(1)"])
    def test_a_variable_named_as_a_formula_is_refused(self, region, name):
        """A declared column named "=cmd|…" was the published table's header:
        a spreadsheet opening the download ran it."""
        dataset = region.request_of(region.opd_a)["package_id"]
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "package_patch", id=dataset,
                        variables=[{"name": name, "data_type": "integer"}])
        assert "variables" in err.value.error_dict
        region.call("producer", "package_patch", id=dataset,
                    variables=[{"name": "jumlah-penduduk", "data_type": "integer"}])

    @pytest.mark.parametrize("url", ["a b [c]", "http://[x]/a.csv",
                                     "http://*:* OR id:* OR title:[* TO *]"])
    def test_a_link_the_uploader_cannot_read_is_refused_and_the_dataset_stays_editable(
            self, region, url):
        """A link with a host in brackets that is no IP address was stored
        (``a b [c]`` as ``http://a b [c]``), or answered 500; once stored,
        every later save of the dataset answered 500 (its producer could not
        save its metadata or upload data any more)."""
        dataset = region.request_of(region.opd_a)["package_id"]
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "resource_create", package_id=dataset, url=url, name="x")
        assert err.value.error_dict == {"url": ["This is not a valid link address"]}
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "package_patch", id=dataset,
                        resources=[{"url": url, "name": "x"}])
        assert err.value.error_dict == {"resources": [{"url": [
            "This is not a valid link address"]}]}
        # nothing stored: the dataset is saved as before, a file named with brackets too
        region.call("producer", "package_patch", id=dataset, notes="Masih bisa disimpan")
        region.call("producer", "resource_create", package_id=dataset, name="Tabel [final]",
                    url="data [final].csv", upload=csv_upload("a,b\n1,2\n", "data [final].csv"))
        assert [r["name"] for r in helpers.call_action("package_show", id=dataset)[
            "resources"]] == ["Tabel [final]"]

    def test_a_file_named_with_control_characters_names_its_table_without_them(
            self, app, region):
        """A table uploaded without a name is named after its file: a NUL in
        the file's name answered 500 (PostgreSQL stores no NUL), over the API
        and the page form; a control turning the text round was kept
        ("\u202egpj.csv" listed as "vsc.jpg")."""
        dataset = region.request_of(region.opd_a)["package_id"]
        token = factories.APIToken(user="produsen-a")["token"]
        names = []
        for filename in ("a\x00b.csv", "\u202egpj.csv"):
            response = app.post("/api/3/action/resource_create", data={
                "package_id": dataset, "upload": (io.BytesIO(b"tahun,jumlah\n2024,1\n"),
                                                  filename)},
                content_type="multipart/form-data", headers={"Authorization": token})
            names.append(json.loads(response.body)["result"]["name"])
        assert names == ["ab.csv", "gpj.csv"]

    def test_download_of_a_file_the_storage_lost_is_404(self, app, region):
        """An upload whose file is gone from the storage answered 500."""
        import os
        from ckanext.satudata.lib import preview

        dataset = region.request_of(region.opd_a)["package_id"]
        resource = add_csv(region, "producer", dataset, "tahun,jumlah\n2024,10\n")
        os.remove(preview.stored_path(resource))
        token = factories.APIToken(user="produsen-a")["token"]
        resp = app.get(tk.url_for("resource.download", id=dataset, resource_id=resource["id"]),
                       headers={"Authorization": token})
        assert resp.status_code == 404
        assert "tidak ada di server" in resp.body

    def test_download_of_a_stored_javascript_link_is_404(self, app, region):
        dataset = region.request_of(region.opd_a)["package_id"]
        resource = region.call("producer", "resource_create", package_id=dataset,
                               url="https://example.org/data.csv", name="old")
        # a link stored before the rule existed
        model.Session.execute(sa.update(model.Resource).where(
            model.Resource.id == resource["id"]).values(url="javascript:alert(1)"))
        model.Session.commit()
        search.rebuild(dataset)
        token = factories.APIToken(user="produsen-a")["token"]
        resp = app.get(tk.url_for("resource.download", id=dataset, resource_id=resource["id"]),
                       headers={"Authorization": token}, follow_redirects=False)
        assert resp.status_code == 404


class TestFormulaCells:
    """Finding 13: text that starts like a formula is written as text."""

    def test_round_status_export(self, region):
        item = region.call("walidata_admin", "satudata_daftar_data_list")["results"][0]
        region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                    title='=HYPERLINK("http://evil","klik")')
        result = region.call("walidata_admin", "satudata_round_export",
                             id=region.round["id"])
        content = base64.b64decode(result["content"])
        assert _formula_cells(content) == []
        assert '=HYPERLINK("http://evil","klik")' in _all_values(content)

    def test_daftar_data_template(self, region):
        helpers.call_action("organization_patch", context={"user": "sysadmin-uji"},
                            id=region.opd_b["id"], title="=cmd|' /C calc'!A0")
        result = region.call("walidata_admin", "satudata_daftar_data_template")
        content = base64.b64decode(result["content"])
        assert _formula_cells(content) == []
        assert "=cmd|' /C calc'!A0" in _all_values(content)

    def test_metadata_template_round_trips_the_text(self, region):
        dataset = region.call("producer", "package_patch",
                              id=region.request_of(region.opd_a)["package_id"],
                              notes="=1+2")
        content = metadata_workbook.build_template(dataset)
        assert _formula_cells(content) == []
        parsed = metadata_workbook.read_workbook(content)
        assert parsed.values.get("notes") == "=1+2"

    def test_publication_compilation(self):
        wb = openpyxl.Workbook()
        ws = wb.active
        for text in FORMULAS:
            ws.append(cells.row([text, 5, -3]))
        cells.make_inert(wb)
        out = io.BytesIO()
        wb.save(out)
        assert _formula_cells(out.getvalue()) == []
        read = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
        assert [r[0].value for r in read.iter_rows()] == FORMULAS
        assert read["B1"].value == 5 and read["C1"].value == -3
        # the compilation writer goes through the same function
        assert "make_inert" in publication.xlsx_bytes.__code__.co_names


class TestBadInput:
    """Finding 14: refused with a ValidationError or a 400/404 page, never a 500."""

    def test_long_daftar_data_title_is_refused(self, region):
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_create", title="x" * 3000,
                        owner_org=region.opd_a["name"], year=2026)
        assert "title" in err.value.error_dict

    def test_round_send_with_the_longest_titles(self, region):
        region.call("walidata_admin", "satudata_daftar_data_create", title="\U0001F600" * 500,
                    owner_org=region.opd_a["name"], year=2027)
        round_ = region.call("walidata_admin", "satudata_round_create", name="panjang",
                             title="\U0001F600" * 200, year=2027, start_date="2027-01-04")
        result = region.call("walidata_admin", "satudata_round_send", id=round_["id"])
        assert result["created"] == 1 and not result["without_dataset"]

    @pytest.mark.parametrize("field,value", [
        ("submit_days", ""), ("submit_days", 10**7), ("submit_days", -1),
        ("start_date", "9999-12-01"), ("start_date", "0001-01-01 00:00"),
        ("year", "abc"), ("year", 10**20), ("title", "a\x00b"), ("title", "a\ud800b"),
        # a date followed by more was taken as that date
        ("start_date", "2026-12-07garbage"), ("start_date", "2026-12-07 atau 2026-12-14"),
        ("start_date", "2026-01-05T00:00:00+25:00"), ("start_date", "2026-01-05 10:00"),
    ])
    def test_round_create_refuses(self, region, field, value):
        data = {"name": "putaran-x", "title": "Putaran", "year": 2026,
                "start_date": "2026-01-05", field: value}
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_create", **data)
        assert field in err.value.error_dict
        assert region.call("walidata_admin", "satudata_round_list")["count"] == 1

    @pytest.mark.parametrize("data", [
        {"id": 5}, {"id": ["a"]}, {"id": {"a": 1}}, {"limit": " "}, {"offset": 10**20},
        {"state": "bogus"}, {"sort": "bogus"}, {"round_id": "bogus"},
    ])
    def test_api_answers_409(self, app, region, data):
        token = factories.APIToken(user="admin-walidata")["token"]
        action = "satudata_round_show" if "id" in data else "satudata_request_list"
        resp = app.post(f"/api/3/action/{action}", json=data,
                        headers={"Authorization": token})
        assert resp.status_code == 409, resp.body

    @pytest.mark.parametrize("match", [{"name": {"a": 1}}, {"id": ["a"]}, {"name": 5},
                                       {"id": None, "name": {"x": 1}}, {"name": True}])
    def test_package_revise_of_a_match_that_is_no_text_answers_409(self, app, region, match):
        """CKAN looked the object up as a dataset's id: HTTP 500, anonymously too."""
        resp = app.post("/api/3/action/package_revise",
                        json={"match": match, "update": {"notes": "x"}})
        assert resp.status_code == 409, resp.body
        assert "match" in resp.json["error"]

    @pytest.mark.parametrize("escape", ["\\u0000", "\\ud800"])
    def test_json_text_whose_escapes_cannot_be_stored_answers_409(self, app, region, escape):
        """JSON sent as text, which the actions decode themselves: the
        escapes became a NUL or a lone surrogate past the check of the text
        as sent (500s, anonymously too; a NUL stored in a variable's name)."""
        request = region.request_of(region.opd_a)
        table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,1\n")
        verifier = factories.APIToken(user="verifikator")["token"]
        producer = factories.APIToken(user="produsen-a")["token"]
        calls = [
            (None, "package_revise", "match",
             {"match": f'{{"id": "a{escape}b"}}', "update": "{}"}),
            (producer, "package_revise", "update",
             {"match": {"id": request["package_id"]}, "update": f'{{"notes": "a{escape}b"}}'}),
            (producer, "package_revise", "update__variables",
             {"match__id": request["package_id"], "update__variables": f'[{{"name": "a{escape}"}}]'}),
            (producer, "datastore_search", "filters",
             {"resource_id": table["id"], "filters": f'{{"tahun": "a{escape}"}}'}),
            (None, "package_search", "facet.field", {"facet.field": f'["tags{escape}"]'}),
        ]
        for token, action, field, data in calls:
            headers = {"Authorization": token} if token else {}
            form = action == "package_revise" and field == "update__variables"
            resp = app.post(f"/api/3/action/{action}", headers=headers,
                            **({"data": data} if form else {"json": data}))
            assert resp.status_code == 409, (action, resp.body)
            assert field in resp.json["error"], (action, resp.json)
        complete_metadata(request["package_id"], "produsen-a")
        region.call("producer", "satudata_request_submit", id=request["id"])
        resp = app.post("/api/3/action/satudata_request_return",
                        headers={"Authorization": verifier},
                        json={"id": request["id"], "note": "Periksa",
                              "field_notes": f'{{"notes": ["a{escape}b"]}}'})
        assert resp.status_code == 409 and "field_notes" in resp.json["error"], resp.body
        # a note of invisible characters alone told the producer a field
        # needed fixing, and not why
        with pytest.raises(tk.ValidationError) as refused:
            region.call("verifier", "satudata_request_return", id=request["id"],
                        note="Periksa", field_notes={"notes": ["\u034f\ufe0f"]})
        assert "field_notes" in refused.value.error_dict
        assert request_state(region, request) == "submitted"
        pkg = region.call("sysadmin", "package_show", id=request["package_id"])
        assert all("\x00" not in v["name"] for v in pkg.get("variables") or [])

    def test_an_empty_list_for_a_text_is_ignored_not_stored(self, app, region):
        """``"state": []`` passed CKAN's validation untouched: stored as a
        round's state (500 on its answer), or given twice to a new round."""
        token = factories.APIToken(user="admin-walidata")["token"]
        created = app.post("/api/3/action/satudata_round_create", json={
            "name": "putaran-kosong", "title": "Putaran kosong", "year": 2026,
            "start_date": "2026-07-01", "state": []}, headers={"Authorization": token})
        assert created.status_code == 200 and created.json["result"]["state"] == "draft"
        updated = app.post("/api/3/action/satudata_round_update", json={
            "id": "putaran-kosong", "state": []}, headers={"Authorization": token})
        assert updated.status_code == 200 and updated.json["result"]["state"] == "draft"

    @pytest.mark.parametrize("field,value", [
        ("update_frequency", ["annual"]), ("update_frequency", "Setiap saat"),
        ("government_affairs", {"a": 1}), ("government_affairs", 5),
        ("government_affairs", ["1.02", "9.99"]), ("unit", ["orang"]),
        ("title", {"id": "x"}), ("description", ["a", "b"]),
    ])
    def test_daftar_data_item_fields_answer_409(self, app, region, field, value):
        token = factories.APIToken(user="admin-walidata")["token"]
        data = {"title": "Jumlah Bidan", "owner_org": "dinas-kesehatan", "year": 2026,
                field: value}
        resp = app.post("/api/3/action/satudata_daftar_data_create", json=data,
                        headers={"Authorization": token})
        assert resp.status_code == 409, resp.body
        assert list(resp.json["error"]) == [field, "__type"] or field in resp.json["error"]
        listed = region.call("walidata_admin", "satudata_daftar_data_list", year=2026)
        assert "Jumlah Bidan" not in [i["title"] for i in listed["results"]]

    def test_a_huge_refused_value_is_not_repeated_in_the_error(self, app, region):
        """A refused value comes back cut to a few words, once, whatever
        its length: 100,000 characters in a coded field came back whole, and
        twice in an e-mail (its length, then its format)."""
        token = factories.APIToken(user="admin-walidata")["token"]
        huge = "x" * 100_000
        resp = app.post("/api/3/action/satudata_daftar_data_create", json={
            "title": "Jumlah Bidan", "owner_org": "dinas-kesehatan", "year": huge,
            "update_frequency": huge}, headers={"Authorization": token})
        assert resp.status_code == 409, resp.body[:500]
        assert len(resp.body) < 2_000
        error = resp.json["error"]
        assert error["update_frequency"][0].startswith('"' + "x" * 59 + '…" bukan nilai')
        assert error["year"] == ["Tahun tidak valid"]
        resp = app.post("/api/3/action/satudata_public_request_create", json={
            "title": "Data bidan", "description": "Jumlah bidan per kecamatan",
            "name": "Warga", "email": huge},
            headers={"Authorization": factories.APIToken(user=factories.User()["name"])["token"]})
        assert resp.status_code == 409, resp.body[:500]
        assert resp.json["error"]["email"] == ["Paling banyak 200 karakter"]
        assert model.Session.query(DaftarData).filter_by(title="Jumlah Bidan").count() == 0
        # a round's chains of roles (their whole megabyte came back)
        for chain in ("approval_chain", "report_chain"):
            resp = app.post("/api/3/action/satudata_round_create", json={
                "name": "rantai-panjang", "title": "Rantai", "year": 2027,
                "start_date": "2027-01-04", chain: huge}, headers={"Authorization": token})
            assert resp.status_code == 409 and len(resp.body) < 2_000, resp.body[:500]

    def test_a_too_long_title_is_told_its_own_limit(self, app, region):
        """A round's title is at most 200 characters, a citizen's request's
        500: the API said 2000 (CKAN's own limit for datasets) above it."""
        token = factories.APIToken(user="admin-walidata")["token"]
        resp = app.post("/api/3/action/satudata_round_create", json={
            "name": "panjang-sekali", "title": "a" * 2500, "year": 2027,
            "start_date": "2027-01-04"}, headers={"Authorization": token})
        assert resp.status_code == 409, resp.body[:500]
        assert resp.json["error"]["title"] == ["Paling banyak 200 karakter"]

    @pytest.mark.parametrize("blank", ["   ", "\n\t", "\u00a0\u00a0"])
    def test_a_required_text_of_spaces_is_missing(self, app, region, blank):
        """A title of spaces was stored as an empty title, and a round sent
        requests titled "" to the OPDs."""
        admin = {"Authorization": factories.APIToken(user="admin-walidata")["token"]}
        citizen = {"Authorization": factories.APIToken(user=factories.User()["name"])["token"]}
        item = region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Bidan",
                           owner_org=region.opd_a["name"], year=2026)
        for action, data, headers, fields in (
                ("satudata_daftar_data_create", {"title": blank, "owner_org": "dinas-kesehatan",
                                                 "year": 2026}, admin, ["title"]),
                ("satudata_daftar_data_update", {"id": item["id"], "title": blank}, admin,
                 ["title"]),
                ("satudata_round_create", {"name": "putaran-kosong", "title": blank,
                                           "year": 2026, "start_date": "2026-01-05"}, admin,
                 ["title"]),
                ("satudata_public_request_create", {"title": blank, "description": blank,
                                                    "name": "Warga"}, citizen,
                 ["description", "title"])):
            resp = app.post(f"/api/3/action/{action}", json=data, headers=headers)
            assert resp.status_code == 409, (action, resp.body[:300])
            assert sorted(resp.json["error"]) == ["__type"] + fields, action
            assert resp.json["error"]["title"] == ["Belum diisi"], action
        assert region.call("walidata_admin", "satudata_daftar_data_show",
                           id=item["id"])["title"] == "Jumlah Bidan"
        assert region.call("walidata_admin", "satudata_round_list")["count"] == 1

    @pytest.mark.parametrize("field,value,error", [
        ("tags", "statistik", ["Harus berupa daftar objek"]),
        ("tags", None, ["Harus berupa daftar objek"]),
        ("variables", "bukan daftar", ["Harus berupa daftar objek"]),
        ("extras", {"a": "b"}, ["Harus berupa daftar objek"]),
        ("resources", [{"url": "https://data.example.org/a.csv"}, "b.csv"],
         ["Harus berupa daftar objek"]),
    ])
    def test_a_dataset_field_of_the_wrong_shape_answers_a_translated_409(
            self, app, region, field, value, error):
        """CKAN answered these with an untranslated "Integrity Error" ("Only
        lists of dicts can be placed against subschema …")."""
        token = factories.APIToken(user="produsen-a")["token"]
        data = {"name": "jumlah-bidan", "title": "Jumlah Bidan",
                "owner_org": region.opd_a["id"], field: value}
        resp = app.post("/api/3/action/package_create", json=data,
                        headers={"Authorization": token, "Accept-Language": "id"})
        assert resp.status_code == 409, resp.body
        assert resp.json["error"]["__type"] == "Validation Error"
        assert resp.json["error"][field] == error
        assert model.Session.query(model.Package).filter_by(name="jumlah-bidan").count() == 0

    @pytest.mark.parametrize("field,value", [
        ("license_id", ["b", "c"]), ("license_id", {}), ("title", "a" * 100_000),
        ("url", "https://example.org/" + "a" * 100_000), ("groups", [{"id": 1}]),
        ("tags", [{"name": "a" * 100_000}]),
    ])
    def test_a_dataset_update_that_crashed_after_saving_answers_409(
            self, app, region, field, value):
        """``license_id: ["b", "c"]`` was saved as "{b,c}" and answered 500
        (shown after saving); a title Solr cannot index, a group id that is
        a number answered 500."""
        request = region.request_of(region.opd_a)
        token = factories.APIToken(user="produsen-a")["token"]
        before = helpers.call_action("package_show", id=request["package_id"])
        resp = app.post("/api/3/action/package_patch",
                        json={"id": request["package_id"], field: value},
                        headers={"Authorization": token, "Accept-Language": "id"})
        assert resp.status_code == 409, resp.body[:300]
        assert field in resp.json["error"] and len(resp.body) < 2_000  # not the value again
        after = helpers.call_action("package_show", id=request["package_id"])
        assert (after.get("license_id"), after["title"]) == (before.get("license_id"),
                                                             before["title"])

    @pytest.mark.parametrize("action,user,value,error", [
        ("package_create", "produsen-a", "maybe", "Jenis tidak dikenal: gunakan salah satu"),
        ("package_create", "produsen-a", {"a": 1}, "Harus berupa teks"),
        ("organization_create", "sysadmin-uji", "maybe", "Jenis tidak dikenal"),
        ("organization_create", "sysadmin-uji", "x" * 2000, "Jenis tidak dikenal"),
        ("organization_create", "sysadmin-uji", "group", "Jenis tidak dikenal"),
        ("organization_create", "sysadmin-uji", "", "Jenis tidak dikenal"),
        ("group_create", "sysadmin-uji", "organization", "Jenis tidak dikenal"),
    ])
    def test_an_unknown_type_answers_a_translated_409(self, app, region, action, user, value,
                                                      error):
        """CKAN stored any ``type``: a dataset of type "maybe" skipped the
        sectoral schema (no required field), and every activity stream that
        listed the new thing answered 500 (its address is built from the
        type), the creator's public profile page among them."""
        token = factories.APIToken(user=user)["token"]
        data = {"name": "uji-jenis", "title": "Uji", "type": value}
        if action == "package_create":
            data["owner_org"] = region.opd_a["id"]
        resp = app.post(f"/api/3/action/{action}", json=data,
                        headers={"Authorization": token, "Accept-Language": "id"})
        assert resp.status_code == 409, resp.body
        assert resp.json["error"]["type"][0].startswith(error)
        assert model.Session.query(model.Package).filter_by(name="uji-jenis").count() == 0
        assert model.Session.query(model.Group).filter_by(name="uji-jenis").count() == 0
        assert app.get(f"/user/activity/{user}",
                       headers={"Authorization": token}).status_code == 200
        # the site's own types are still accepted
        if action == "organization_create":
            resp = app.post(f"/api/3/action/{action}", json=dict(data, type="organization"),
                            headers={"Authorization": token})
            assert resp.json["result"]["type"] == "organization"
            assert app.get(f"/user/activity/{user}",
                       headers={"Authorization": token}).status_code == 200

    def test_unknown_round_is_404(self, app, region):
        token = factories.APIToken(user="admin-walidata")["token"]
        resp = app.post("/api/3/action/satudata_round_show", json={"id": "tidak-ada"},
                        headers={"Authorization": token})
        assert resp.status_code == 404
        resp = app.post(tk.url_for("satudata_round.send", round_id="tidak-ada"),
                        headers={"Authorization": token})
        assert resp.status_code == 404

    @pytest.mark.parametrize("endpoint,query", [
        ("satudata_request.index", {"state": "bogus"}),
        ("satudata_request.index", {"round_id": "bogus"}),
        ("satudata_request.index", {"owner_org": "bogus"}),
        ("satudata_request.index", {"page": "99999999999999999999"}),
        ("satudata_request.index", {"page": "abc"}),
        ("satudata_daftar_data.index", {"page": "99999999999999999999"}),
    ])
    def test_pages_answer_400(self, app, region, endpoint, query):
        # (an order the requests list does not offer is said on the list, its
        # filters kept: views/test_workflow_views.py::test_the_request_list_sorts)
        token = factories.APIToken(user="admin-walidata")["token"]
        resp = app.get(tk.url_for(endpoint), query_string=query,
                       headers={"Authorization": token})
        assert resp.status_code == 400
        assert "must be one of" not in resp.body  # CKAN's one_of: English

    @pytest.mark.parametrize("endpoint,query", [
        ("satudata_round.index", {"year": "abc"}),
        ("satudata_daftar_data.index", {"year": "abc"}),
        ("satudata_daftar_data.index", {"year": "99999999999999999999"}),
    ])
    def test_a_lists_year_it_cannot_use_is_said_on_the_list(self, app, region, endpoint,
                                                            query):
        # (views/test_workflow_views.py::test_a_year_mistyped_in_a_lists_filter_…)
        token = factories.APIToken(user="admin-walidata")["token"]
        resp = app.get(tk.url_for(endpoint), query_string=query,
                       headers={"Authorization": token})
        assert resp.status_code == 200 and "Tahun" in resp.body and "alert" in resp.body

    @pytest.mark.parametrize("action,data,field", [
        ("satudata_request_list", {"sort": "bogus"}, "sort"),
        ("satudata_round_update", {"id": "putaran-x", "state": "bogus"}, "state"),
        ("satudata_round_list", {"state": "bogus"}, "state"),
        ("satudata_public_request_list", {"state": "bogus"}, "state"),
        ("satudata_metadata_check", {"level": "bogus"}, "level"),
        ("satudata_reference_list", {"list": "bogus"}, "list"),
    ])
    def test_a_value_outside_a_choice_is_refused_in_indonesian(self, app, region, action,
                                                                data, field):
        region.call("walidata_admin", "satudata_round_create", name="putaran-x",
                    title="Putaran", year=2026, start_date="2026-01-05")
        if action == "satudata_metadata_check":
            data = dict(data, id=region.request_of(region.opd_a)["package_id"])
        token = factories.APIToken(user="admin-walidata")["token"]
        resp = app.post(f"/api/3/action/{action}", json=data, headers={"Authorization": token})
        assert resp.status_code == 409, resp.body[:300]
        assert resp.json["error"][field][0].startswith('"'), resp.json["error"]
        assert "bukan nilai yang diizinkan" in resp.json["error"][field][0]

    def test_a_search_with_a_pasted_control_character_searches_without_it(self, app, region):
        token = factories.APIToken(user="admin-walidata")["token"]
        resp = app.get(tk.url_for("satudata_daftar_data.index"), query_string={"q": "Pusk\x00"},
                       headers={"Authorization": token})
        assert resp.status_code == 200
        assert "Karakter kontrol yang tidak terlihat" in resp.body
        assert "Jumlah Puskesmas" in resp.body


def _import_workbook(rows: list[list[str]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["judul", "opd"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_daftar_data_workbook_is_read_as_far_as_its_values_go(app, region):
    """A 5 KB workbook whose blank cell XFD1048576 was made bold held a web
    worker two minutes until gunicorn killed it (HTTP 500): every one of a
    million rows was read 16,384 cells wide. Its items are imported; values
    spread over millions of cells are refused as too large, not read."""
    from openpyxl.styles import Font

    def workbook(far: Any) -> bytes:
        wb = openpyxl.load_workbook(io.BytesIO(_import_workbook(
            [[f"Data jauh {i}", "dinas-kesehatan"] for i in range(2)])))
        far(wb.active)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def bold(ws: Any) -> None:
        ws["XFD1048576"].font = Font(bold=True)

    def written(ws: Any) -> None:
        ws["XFD400"] = "x"  # 400 rows of 16,384 columns: 6.5 million cells

    admin = {"user": "admin-walidata"}
    with app.flask_app.test_request_context():
        done = helpers.call_action("satudata_daftar_data_import", context=dict(admin),
                                   upload=workbook(bold), year=2031)
        assert done["created"] == 2
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("satudata_daftar_data_import", context=dict(admin),
                                upload=workbook(written), year=2032)
    assert "terlalu besar" in str(refused.value.error_dict["upload"])


def test_concurrent_imports_do_not_duplicate(app, region):
    """Finding 15: three imports of the same 5-item file at once give 5 items."""
    content = _import_workbook([[f"Data {i}", "dinas-kesehatan"] for i in range(5)])
    barrier = threading.Barrier(3)
    outcomes: list[object] = []

    def run() -> None:
        with app.flask_app.test_request_context():
            try:
                barrier.wait(timeout=10)
                outcomes.append(helpers.call_action(
                    "satudata_daftar_data_import", context={"user": "admin-walidata"},
                    upload=content, year=2030))
            except Exception as e:  # reported below
                outcomes.append(e)
            finally:
                model.Session.remove()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sorted(o["created"] for o in outcomes) == [0, 0, 5]  # type: ignore[index]
    count = model.Session.execute(sa.select(sa.func.count()).select_from(DaftarData)
                                  .where(DaftarData.year == 2030)).scalar_one()
    assert count == 5


def test_read_actions_answer_get(app, region):
    """Finding 16: read actions are side-effect free, so GET works."""
    token = factories.APIToken(user="produsen-a")["token"]
    resp = app.get("/api/3/action/satudata_request_list", query_string={"limit": 1},
                   headers={"Authorization": token})
    assert resp.status_code == 200, resp.body
    assert resp.json["result"]["count"] >= 1
    staff = factories.APIToken(user="admin-walidata")["token"]
    for action, query in [("satudata_round_list", {}), ("satudata_daftar_data_list", {}),
                          ("satudata_round_show", {"id": region.round["name"]}),
                          ("satudata_role_list", {}),
                          ("satudata_round_status", {"id": region.round["name"]})]:
        resp = app.get(f"/api/3/action/{action}", query_string=query,
                       headers={"Authorization": staff})
        assert resp.status_code == 200, (action, resp.body)


def test_empty_round_is_not_sent(app, region):
    """Finding 17: a round whose year has no active items is not opened."""
    round_ = region.call("walidata_admin", "satudata_round_create", name="kosong",
                         title="Putaran kosong", year=2031, start_date="2031-01-06")
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_round_send", id=round_["id"])
    assert "state" in err.value.error_dict
    with pytest.raises(tk.ValidationError):
        region.call("walidata_admin", "satudata_round_update", id=round_["id"], state="open")
    assert region.call("walidata_admin", "satudata_round_show", id="kosong")["state"] == "draft"
    dashboard = helpers.call_action("satudata_progress_dashboard",
                                    context={"user": "", "ignore_auth": False})
    assert "kosong" not in [r["name"] for r in dashboard["rounds"]]


class TestDatasetValueTypes:
    """An external tester's findings: a dataset value of the wrong JSON type
    answered 500, was stored mangled (a list as PostgreSQL's "{a}"), or was
    dropped with a 200, and some refusals were a Python repr or came twice."""

    @staticmethod
    def _patch(app, dataset_id, data):
        token = factories.APIToken(user="produsen-a")["token"]
        return app.post("/api/3/action/package_patch", json={"id": dataset_id, **data},
                        headers={"Authorization": token, "Accept-Language": "id"})

    @pytest.mark.parametrize("field,value,error", [
        ("tag_string", 123, ["Harus berupa teks"]),
        ("tag_string", True, ["Harus berupa teks"]),
        ("concept", False, ["Harus berupa teks"]),
        ("concept", [{"a": 1}], ["Harus berupa teks"]),
        ("unit", True, ["Harus berupa teks"]),
        ("area_code", False, ["Harus berupa satu kode, dalam bentuk teks"]),
        ("area_code", ["11.01"], ["Harus berupa satu kode, dalam bentuk teks"]),
        ("update_frequency", {"a": 1}, ["Harus berupa satu kode, dalam bentuk teks"]),
        ("government_affairs", False, ["Diharapkan daftar kode"]),
        ("producer_contact_email", ["x@example.org"], ["Harus berupa teks"]),
        ("producer_contact_phone", {"a": 1}, ["Harus berupa teks"]),
        ("bps_activity_code", ["2025-001"], ["Harus berupa teks"]),
    ])
    def test_a_value_of_the_wrong_type_answers_409_and_changes_nothing(
            self, app, region, field, value, error):
        dataset_id = region.request_of(region.opd_a)["package_id"]
        before = helpers.call_action("package_show", id=dataset_id)
        resp = self._patch(app, dataset_id, {field: value})
        assert resp.status_code == 409, resp.body[:500]
        assert sorted(resp.json["error"]) == ["__type", field], resp.body[:500]
        assert resp.json["error"][field] == error
        after = helpers.call_action("package_show", id=dataset_id)
        assert after["metadata_modified"] == before["metadata_modified"]

    @pytest.mark.parametrize("extras", [
        [{"key": "catatan", "value": "teks"}, {"key": "angka", "value": 5}],
        [{"key": "x", "value": {"a": 1}}], [{"key": "x", "value": ["a"]}],
        # a key that is no text (it answered 500: unhashable)
        [{"key": ["uri"], "value": "x"}],
    ])
    def test_free_extras_are_refused_whatever_their_value(self, app, region, extras):
        """No form shows a free extra and no reviewer sees it (the DCAT feed
        read ``uri`` and ``publisher_name`` from them)."""
        dataset_id = region.request_of(region.opd_a)["package_id"]
        before = helpers.call_action("package_show", id=dataset_id)
        resp = self._patch(app, dataset_id, {"extras": extras})
        assert resp.status_code == 409, resp.body[:500]
        # per extra, as CKAN reports them (its form's summary reads each one)
        assert resp.json["error"]["extras"] == [{"key": [
            "Portal tidak menyimpan isian tambahan bebas: tidak ada formulir yang "
            "menampilkannya dan tidak ada pemeriksa yang melihatnya (setiap isian dataset "
            "punya tempatnya sendiri di formulirnya)"]}] * len(extras)
        after = helpers.call_action("package_show", id=dataset_id)
        assert after["metadata_modified"] == before["metadata_modified"]

    @pytest.mark.parametrize("variables,error", [
        ([{"nama": "v1", "tipe": "integer"}],
         [{"nama": ['"nama" bukan isian variabel: gunakan name, definition, data_type, unit'],
           "tipe": ['"tipe" bukan isian variabel: gunakan name, definition, data_type, unit']}]),
        ([{"name": "jumlah"}, {"name": "v", "bogus": "x"}],
         [{}, {"bogus": ['"bogus" bukan isian variabel: gunakan name, definition, '
                         'data_type, unit']}]),
    ])
    def test_a_variable_with_an_unknown_key_is_refused(self, app, region, variables, error):
        """The variables were wiped (or the key dropped) with a 200."""
        dataset_id = region.request_of(region.opd_a)["package_id"]
        kept = [{"name": "jumlah", "definition": "Jumlah", "data_type": "integer"}]
        helpers.call_action("package_patch", {"user": "produsen-a"}, id=dataset_id,
                            variables=kept)
        resp = self._patch(app, dataset_id, {"variables": variables})
        assert resp.status_code == 409, resp.body[:500]
        assert resp.json["error"]["variables"] == error
        assert helpers.call_action("package_show", id=dataset_id)["variables"] == kept

    def test_json_false_and_zero_are_not_dropped(self, app, region):
        """``priority_data: false`` removed the flag, ``measure: 0`` the
        measure, each with a 200."""
        dataset_id = region.request_of(region.opd_a)["package_id"]
        helpers.call_action("package_patch", {"user": "produsen-a"}, id=dataset_id,
                            priority_data=True, measure="Jumlah")
        resp = self._patch(app, dataset_id, {"priority_data": False, "measure": 0})
        assert resp.status_code == 200, resp.body[:500]
        shown = helpers.call_action("package_show", id=dataset_id)
        assert shown["priority_data"] is False
        assert shown["measure"] == "0"


@pytest.mark.parametrize("invisible", ["\u200b\u200c\ufeff", "\u00ad", " \u200b ",
                                       # marks with no letter to sit on
                                       "\u034f", "\u17b4", "\ufe0f\u180b",
                                       # kept to show nothing, no meaning yet
                                       "\u2065", "\ufff0", "\U000e0080"])
def test_a_required_text_of_invisible_characters_alone_is_missing(region, invisible):
    """A Daftar Data item, a round and a citizen's request were saved with a
    title (or a description) that shows nothing; an account with such a
    full name was shown with none."""
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "user_patch", id="produsen-a", fullname=invisible)
    assert "fullname" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:  # a group page with no heading
        region.call("sysadmin", "group_create", name="grup-tanpa-judul", title=invisible)
    assert "title" in err.value.error_dict
    group = region.call("sysadmin", "group_create", name="grup-berjudul", title="Ekonomi")
    with pytest.raises(tk.ValidationError) as err:
        region.call("sysadmin", "group_patch", id=group["id"], title=invisible)
    assert "title" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_daftar_data_create", title=invisible,
                    owner_org=region.opd_a["id"], year=2026)
    assert "title" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_round_create", name="putaran-kosong",
                    title=invisible, year=2026, start_date="2026-07-01")
    assert "title" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:
        region.call("public", "satudata_public_request_create", title="Data UMKM",
                    description=invisible, email="warga@example.org")
    assert "description" in err.value.error_dict


@pytest.mark.parametrize("blank", ["\u200b\u200d\ufeff", "   \t\n "])
def test_an_optional_text_that_shows_nothing_is_no_text(region, blank):
    """A Daftar Data item's unit and description, a round's period and
    description and a citizen's purpose were stored as sent when they
    showed nothing (an item's unit looked empty and was not); the
    dataset's own fields leave such a value out. An update with one clears
    the field."""
    item = region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Posyandu",
                       owner_org=region.opd_a["id"], year=2026, unit=blank, description=blank)
    assert (item["unit"], item["description"]) == (None, None)
    item = region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                       unit="Unit", description="Posyandu aktif")
    assert (item["unit"], item["description"]) == ("Unit", "Posyandu aktif")
    item = region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                       unit=blank, description=blank)
    assert (item["unit"], item["description"]) == (None, None)
    round_ = region.call("walidata_admin", "satudata_round_create", name="putaran-kosong",
                         title="Putaran", year=2026, start_date="2026-07-01",
                         period=blank, description=blank)
    assert (round_["period"], round_["description"]) == (None, None)
    request = region.call("public", "satudata_public_request_create", title="Data UMKM",
                          description="Jumlah UMKM per kecamatan", purpose=blank,
                          email="warga@example.org")
    assert request["purpose"] is None


def test_a_title_or_a_contacts_name_sent_with_line_breaks_is_refused(region):
    """A title and a contact's name sent through the API kept their line
    breaks, into page titles, the DCAT titles, the release calendar and the
    exports (a full name and an OPD's name were one line already)."""
    request = region.request_of(region.opd_a)
    for field, value in (("title", "Jumlah Bidan\r\nBcc: x@example.org"),
                         ("producer_contact_name", "Siti\nAminah"),
                         ("measure", "Orang\rper desa")):
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "package_patch", id=request["package_id"],
                        **{field: value})
        assert err.value.error_dict == {field: ["Must be one line, without line breaks"]}, field
    # a line separator pasted into the form's input (it shows none) is a space
    pasted = region.call("producer", "package_patch", id=request["package_id"],
                         unit="Orang\u2028per desa", title="Jumlah\x85Bidan")
    assert (pasted["unit"], pasted["title"]) == ("Orang per desa", "Jumlah Bidan")
    # a description keeps its lines
    notes = region.call("producer", "package_patch", id=request["package_id"],
                        notes="Baris satu\nBaris dua")["notes"]
    assert notes == "Baris satu\nBaris dua"
    # a table's name and period, a variable's name (they went into page titles too)
    table = add_csv(region, "producer", request["package_id"], "a,b\n1,2\n")
    for field in ("name", "period"):
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "resource_patch", id=table["id"], **{field: "Tabel\nBaru"})
        assert field in err.value.error_dict, field
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "package_patch", id=request["package_id"],
                    variables=[{"name": "a\nb"}])
    assert "satu baris" in str(err.value.error_dict["variables"]) \
        or "one line" in str(err.value.error_dict["variables"]), err.value.error_dict


def test_a_yes_or_no_given_a_list_says_so_without_python(region):
    """'"[None]" is not yes or no': the Python spelling of the value."""
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_daftar_data_create", title="Data Ya",
                    owner_org=region.opd_a["id"], year=2026, priority=[None])
    [message] = err.value.error_dict["priority"]
    assert "None" not in message and "[" not in message


def test_a_token_for_nobody_is_refused_clearly(region, app, cli):
    """``api_token_create`` without a user, or for a user who does not
    exist, answered 500 to anyone but a sysadmin; the administrator's
    ``ckan user token add`` still makes one (it was told "Log in")."""
    warga = factories.User()["name"]
    headers = {"Authorization": factories.APIToken(user=warga)["token"]}
    for body, status, error in (
            ({"name": "x"}, 409, {"user": ["Belum diisi"]}),
            ({"user": "tidak-ada-orangnya", "name": "x"}, 404,
             "Tidak ditemukan: Pengguna tidak ditemukan"),
            ({"user": ["a"], "name": "x"}, 409, {"user": ["Harus berupa teks"]})):
        response = app.post("/api/3/action/api_token_create", json=body, headers=headers)
        assert response.status_code == status, (body, response.body)
        answer = response.json["error"]
        assert (answer.get("message") if isinstance(error, str) else
                {k: v for k, v in answer.items() if k != "__type"}) == error
    visitor = app.post("/api/3/action/api_token_create", json={"name": "x"})
    assert visitor.status_code == 403
    # one's own, made by its owner logged in, not by another token
    # (tests/views/test_login.py)
    mine = app.post("/api/3/action/api_token_create", headers=headers,
                    json={"user": warga, "name": "x"})
    assert mine.status_code == 403
    made = cli.invoke(ckan_command, ["user", "token", "add", warga, "baris-perintah"])
    assert made.exit_code == 0, made.output
    assert model.Session.query(model.ApiToken).filter_by(
        user_id=model.User.get(warga).id, name="baris-perintah").count() == 1


def test_a_list_where_a_code_is_expected_is_told_so_in_words(region, app):
    """A list or an object sent where one code is expected came back in its
    Python spelling ("['a']" is not an allowed value), and the allowed
    values were the raw English codes."""
    admin = region.users["walidata_admin"]["name"]
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("satudata_round_list", context={"user": admin}, state=["a"])
    assert err.value.error_dict == {"state": ["Must be text"]}
    # the allowed values named in the reader's language, with their codes
    answer = app.post("/api/3/action/satudata_round_list", json={"state": "x"}, headers={
        "Authorization": factories.APIToken(user=admin)["token"]})
    message = answer.json["error"]["state"][0]
    assert answer.status_code == 409 and "Nilai yang diizinkan" in message, message
    assert "(draft)" in message and "(closed)" in message, message
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("satudata_daftar_data_create", context={"user": admin},
                            title="Jumlah Bidan", owner_org=region.opd_a["id"], year=2027,
                            update_frequency={"a": 1})
    assert err.value.error_dict["update_frequency"] == ["Must be one code, given as text"]


def test_cores_not_found_is_said_in_the_readers_language(region, app):
    """CKAN's own "not found" of an organization, a user or a member was
    English on the Indonesian API ("Tidak ditemukan: Group was not found.")."""
    admin = {"Authorization": factories.APIToken(
        user=region.users["sysadmin"]["name"])["token"]}
    for action, body in (("organization_update", {"id": "tidak-ada", "name": "tidak-ada"}),
                         ("organization_delete", {"id": "tidak-ada"}),
                         ("user_update", {"id": "tidak-ada", "email": "a@example.org"}),
                         ("member_create", {"id": region.opd_a["id"], "object": "tidak-ada",
                                            "object_type": "user", "capacity": "member"}),
                         ("user_delete", {"id": "tidak-ada"}),
                         ("organization_purge", {"id": "tidak-ada"}),
                         ("group_purge", {"id": "tidak-ada"}),
                         ("api_token_list", {"user_id": "tidak-ada"})):
        response = app.post(f"/api/3/action/{action}", json=body, headers=admin)
        assert response.status_code == 404, (action, response.body)
        message = response.json["error"]["message"]
        assert "not found" not in message and "tidak ditemukan" in message, message


def test_a_dataset_requested_for_a_later_year_takes_that_year(region, app):
    """The data year stopped at next year, also for a dataset requested on a
    Daftar Data of a later year (its own year was refused); other years past
    next year stay refused."""
    import datetime

    from ..factories import CollectionRound, DaftarDataItem

    later = datetime.date.today().year + 3
    DaftarDataItem(title="Jumlah Bidan", owner_org=region.opd_a["id"], year=later)
    round_ = CollectionRound(year=later, start_date=f"{later}-01-05")
    region.call("walidata_admin", "satudata_round_send", id=round_["id"])
    [request] = region.call("walidata_admin", "satudata_request_list",
                            round_id=round_["id"])["results"]
    saved = region.call("producer", "package_patch", id=request["package_id"],
                        data_year=str(later))
    assert saved["data_year"] == str(later)
    for dataset, year in ((request["package_id"], later + 1),
                          (region.request_of(region.opd_a)["package_id"], later)):
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "package_patch", id=dataset, data_year=str(year))
        assert "data_year" in err.value.error_dict
    # a year too early is told the range this dataset takes (it said "between
    # 1900 and" next year)
    with pytest.raises(tk.ValidationError) as err, app.flask_app.test_request_context("/"):
        region.call("producer", "package_patch", id=request["package_id"], data_year="1899")
    assert err.value.error_dict["data_year"] == [f"Tahun harus antara 1900 dan {later}"]


def test_a_datasets_own_link_is_a_web_address(region, app):
    """CKAN's ``url`` of a dataset (no form shows it; the DCAT catalogue
    makes it the ``landingPage``) took ``javascript:`` from a producer and
    went through review unseen into the public catalogue."""
    request = region.request_of(region.opd_a)
    for link in ("javascript:alert(document.domain)", "data:text/html,x", " JaVaScRiPt:x"):
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "package_patch", id=request["package_id"], url=link)
        assert "url" in err.value.error_dict, link
    token = {"Authorization": factories.APIToken(user=region.users["producer"]["name"])["token"]}
    answer = app.post("/api/3/action/package_patch", headers=token, json={
        "id": request["package_id"], "url": "javascript:alert(1)"})
    assert answer.status_code == 409 and "url" in answer.json["error"]
    # nor a web address: no form shows it, no reviewer sees it
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "package_patch", id=request["package_id"],
                    url="https://dinkes.example.go.id/data")
    assert list(err.value.error_dict) == ["url"]


def test_a_tables_description_has_the_datasets_limit(region):
    """A table's description took a megabyte (the dataset's stops at 50,000)."""
    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2026,1\n")
    with pytest.raises(tk.ValidationError):
        region.call("producer", "resource_patch", id=table["id"], description="d" * 50_001)
    assert region.call("producer", "resource_patch", id=table["id"],
                       description="Tabel jumlah")["description"] == "Tabel jumlah"


def test_a_round_with_a_long_title_publishes_its_data(region):
    """A round's title (up to 200 characters) labels the period of each
    table it publishes, whose limit is 100: every publication of a round
    titled in 139 characters was refused over the tables' "period", a
    field its publisher never sees."""
    title = "Pengumpulan Data Statistik Sektoral " * 5
    region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                title=title.strip())
    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2026,4\n")
    to_ready(region, request)
    publish(region, request)
    [period] = {r["period"] for r in region.call("sysadmin", "package_show",
                                                  id=request["package_id"])["resources"]}
    assert len(period) <= 100 and period.endswith("…") and title.startswith(period[:-1])


def test_a_round_cannot_be_named_with_an_id(region, app):
    """A round named with another round's id made that round answer HTTP
    500 wherever it is looked up (its page, its publication, the request
    lists): such a name is refused; a look-up by id finds the round of
    that id even beside an older round so named."""
    original = region.round
    for name in (original["id"], original["id"].upper(), model.types.make_uuid()):
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_create", name=name, title="Bayangan",
                        year=2026, start_date=original["start_date"])
        assert list(err.value.error_dict) == ["name"], name
    # a round so named before the rule (written as it stood)
    shadow = region.call("walidata_admin", "satudata_round_create", name="bayangan",
                         title="Bayangan", year=2026, start_date=original["start_date"])
    model.Session.execute(sa.text("UPDATE satudata_round SET name = :n WHERE id = :i"),
                          {"n": original["id"], "i": shadow["id"]})
    model.Session.commit()
    shown = region.call("walidata_admin", "satudata_round_show", id=original["id"])
    assert (shown["id"], shown["title"]) == (original["id"], original["title"])
    listed = region.call("walidata_admin", "satudata_request_list", round_id=original["id"])
    assert listed["count"] > 0
    page = login(app, region.users["walidata_admin"]["name"]).get(
        f"/permintaan-data/putaran/{original['id']}")
    assert page.status_code == 200 and original["title"] in page.body


def test_a_rounds_late_policy_is_chosen_by_its_label(region, app):
    """The late policy listed its raw codes, and a list came back in its
    Python spelling."""
    admin = {"Authorization": factories.APIToken(
        user=region.users["walidata_admin"]["name"])["token"]}
    for value, expected in ((["accept"], "Harus berupa teks"), ("zzz", "(carry)")):
        answer = app.post("/api/3/action/satudata_round_update", headers=admin, json={
            "id": region.round["id"], "late_policy": value})
        assert answer.status_code == 409
        message = answer.json["error"]["late_policy"][0]
        assert expected in message and "['accept']" not in message, message


def test_ckans_fields_the_portal_does_not_keep_are_refused(region):
    """``url``, ``version``, ``author*`` and ``maintainer*`` are in no form
    and no review: a producer's ``url`` became the dataset's landing page in
    the DCAT feed to the national portal, a list was stored as its text."""
    request = region.request_of(region.opd_a)
    with pytest.raises(tk.ValidationError) as refused:
        region.call("producer", "package_patch", id=request["package_id"],
                    url="http://evil.example/", version=[1, 2], author={"x": 1},
                    maintainer="x" * 1000, author_email="a@example.org")
    assert set(refused.value.error_dict) == {"url", "version", "author", "maintainer",
                                             "author_email"}
    region.call("producer", "package_patch", id=request["package_id"], notes="Tetap")
    shown = helpers.call_action("package_show", id=request["package_id"])
    assert not any(shown.get(key) for key in (
        "url", "version", "author", "maintainer", "author_email", "maintainer_email")), shown
    assert "evil.example" not in helpers.call_action(
        "dcat_dataset_show", id=request["package_id"], _format="turtle")


def test_free_extras_and_a_tables_unkept_fields_are_refused(region, app):
    """A producer's free extras (``uri``, ``publisher_name``) and a table's
    ``download_url``/``license`` went through review unseen (no form, no
    review page shows them) into the DCAT feed: the dataset's identity,
    the table's download address and licence, set by the producer."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    with pytest.raises(tk.ValidationError) as refused:
        region.call("producer", "package_patch", id=request["package_id"], extras=[
            {"key": "uri", "value": "http://evil.example/dataset"},
            {"key": "publisher_name", "value": "Bukan OPD"}])
    assert list(refused.value.error_dict) == ["extras"], refused.value.error_dict
    shown = region.call("producer", "package_show", id=request["package_id"])
    table = shown["resources"][0]
    token = {"Authorization": factories.APIToken(user="produsen-a")["token"]}
    answer = app.post("/api/3/action/resource_patch", headers=token, json={
        "id": table["id"], "download_url": "http://evil.example/data.csv",
        "license": "http://evil.example/lisensi", "description": "Tabel utama"})
    assert answer.status_code == 409, answer.body
    assert set(answer.json["error"]) >= {"download_url", "license"}, answer.json
    assert "Tabel utama" not in str(region.call("producer", "resource_show", id=table["id"]))
    # what package_show gives goes back as it is (the DataStore's flags too)
    shown["notes"] = "Diperbarui"
    region.call("producer", "package_update", **shown)
    region.call("producer", "resource_patch", id=table["id"], description="Tabel utama")
    graph = helpers.call_action("dcat_dataset_show", id=request["package_id"],
                                _format="turtle")
    assert "evil.example" not in graph and "Bukan OPD" not in graph
    # nor what CKAN writes itself (the feed's checksum), nor relationships
    # (published unseen; one without its other dataset broke their list)
    with pytest.raises(tk.ValidationError) as own:
        region.call("producer", "resource_patch", id=table["id"], hash="deadbeef",
                    cache_url="http://evil.example/salinan")
    assert set(own.value.error_dict) == {"hash", "cache_url"}, own.value.error_dict
    with pytest.raises(tk.ValidationError) as related:
        region.call("producer", "package_patch", id=request["package_id"],
                    relationships_as_subject=[{"type": "links_to", "comment": "x"}])
    assert list(related.value.error_dict) == ["relationships_as_subject"]
    assert not helpers.call_action("package_relationships_list", id=request["package_id"])


def test_a_whole_published_dataset_sent_back_does_not_replace_its_staged_changes(region):
    """CKAN's usual client read the dataset (its published version), changed
    a field and sent it whole: the changes staged for review were replaced
    by the published version, and the revision published without them."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    to_ready(region, request)
    publish(region, request)
    region.call("producer", "package_patch", id=request["package_id"],
                notes="Catatan revisi yang ditinjau")
    shown = region.call("producer", "package_show", id=request["package_id"])
    shown["title"] = "Judul baru"
    with pytest.raises(tk.ValidationError) as refused:
        region.call("producer", "package_update", **shown)
    assert list(refused.value.error_dict) == ["revision"]
    staged = region.call("producer", "satudata_revision_show", id=request["package_id"])
    assert staged["data"]["notes"] == "Catatan revisi yang ditinjau"
    # the staged version sent back whole is a change of it
    region.call("producer", "package_update", **dict(staged["data"], title="Judul baru"))
    staged = region.call("producer", "satudata_revision_show", id=request["package_id"])
    assert (staged["data"]["title"], staged["data"]["notes"]) == (
        "Judul baru", "Catatan revisi yang ditinjau")


def test_a_date_that_does_not_exist_is_told_so_and_week_dates_are_refused(region, app):
    """30 February was refused as a wrong format (the format was right),
    year 0 too; a week date ("2027-W01-1") and nanoseconds passed as a
    release time."""
    admin = {"Authorization": factories.APIToken(
        user=region.users["walidata_admin"]["name"])["token"]}

    def refusal(action: str, **data: Any) -> dict[str, list[str]]:
        answer = app.post(f"/api/3/action/{action}", headers=admin, json=data)
        assert answer.status_code == 409, answer.body
        return answer.json["error"]

    for day, said in (("2026-02-30", "Tanggal atau waktu ini tidak ada: 2026-02-30"),
                      ("0000-01-01", "Tahun harus"), ("2026-2-3", "TTTT-BB-HH")):
        message = refusal("satudata_round_update", id=region.round["id"],
                          start_date=day)["start_date"][0]
        assert said in message, (day, message)
    # a step of nought days was due the day the letters went out
    for days in ("submit_days", "verify_days", "approval_days"):
        message = refusal("satudata_round_update", id=region.round["id"],
                          **{days: 0})[days][0]
        assert "antara 1 dan 365" in message, (days, message)
    request = region.request_of(region.opd_a)
    for when, said in (("2027-W01-1T10:00", "TTTT-BB-HH JJ:MM"),
                       ("2027-01-01T10:00:00.123456789", "TTTT-BB-HH JJ:MM"),
                       ("2027-02-29 10:00", "tidak ada")):
        message = refusal("satudata_request_schedule", id=request["id"],
                          release_at=when)["release_at"][0]
        assert said in message, (when, message)


def test_no_dataset_activity_is_written_by_hand(region):
    """A sysadmin's activity_create put "<producer> updated the dataset" with
    made-up notes into a workflow dataset's trail."""
    request = region.request_of(region.opd_a)
    producer = model.User.get("produsen-a")
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("activity_create", context={"user": "sysadmin-uji",
                                                        "ignore_auth": False},
                            user_id=producer.id, object_id=request["package_id"],
                            activity_type="changed package",
                            data={"package": {"notes": "DIPALSUKAN"}})
    assert list(refused.value.error_dict) == ["object_id"]
    listed = helpers.call_action("package_activity_list", id=request["package_id"])
    assert not any("DIPALSUKAN" in str(a.get("data")) for a in listed)


def test_a_file_is_downloaded_at_its_own_datasets_address_by_its_own_name(region, app):
    """/dataset/<any dataset>/resource/<another's table>/download/<any name>
    served the other dataset's file under the name the address gave it."""
    own, other = region.request_of(region.opd_a), region.request_of(region.opd_b)
    table = add_csv(region, "producer", own["package_id"], "tahun,jumlah\n2026,1\n")
    client = login(app, "produsen-a")
    base = f"/resource/{table['id']}/download/lain.html"
    assert client.get(f"/dataset/{other['package_id']}{base}").status_code == 404
    served = client.get(f"/dataset/{own['package_id']}{base}")
    assert served.status_code == 200
    assert "lain.html" not in served.headers.get("Content-Disposition", "")
    # an address without a name: the file's own, not its storage path's last piece
    bare = client.get(f"/dataset/{own['package_id']}/resource/{table['id']}/download")
    assert bare.status_code == 200
    assert 'filename=tabel.csv' in bare.headers["Content-Disposition"].replace('"', ""), \
        bare.headers["Content-Disposition"]
    # and a request of another dataset is no check's filter, nor a made-up one
    for ref in (other["id"], "8d74041f-1699-4fc9-a68a-000000000000"):
        with pytest.raises(tk.ObjectNotFound):
            region.call("producer", "satudata_data_check_list", id=own["package_id"],
                        request_id=ref)


def test_membership_and_account_flags_of_the_wrong_type_are_told(region, app):
    """``member_delete`` with ``object_type: null`` (anyone, 500),
    ``user_create``/``user_patch`` with ``sysadmin: 1`` (500), a group's
    ``packages`` that is no list (an English "Integrity Error")."""
    group = factories.Group(name="tema-uji")
    sysadmin = {"user": region.users["sysadmin"]["name"], "ignore_auth": False}
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("member_delete", context=dict(sysadmin), id=group["name"],
                            object="x", object_type=None)
    assert list(refused.value.error_dict) == ["object_type"]
    for action, data in (("user_patch", {"id": "warga"}),
                         ("user_create", {"name": "akun-baru", "email": "baru@example.org",
                                          "password": "correct-horse-123"})):
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action(action, context=dict(sysadmin), sysadmin=1, **data)
        assert "sysadmin" in refused.value.error_dict, action
    token = {"Authorization": factories.APIToken(user=region.users["sysadmin"]["name"])["token"]}
    answer = app.post("/api/3/action/group_patch", headers=token,
                      json={"id": group["name"], "packages": "abc"})
    assert answer.status_code == 409 and "packages" in answer.json["error"]

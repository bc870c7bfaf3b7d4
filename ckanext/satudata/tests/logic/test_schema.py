# -*- coding: utf-8 -*-
"""The satudata dataset and organization schemas through CKAN's API:
malformed values are refused at any level and nothing is stored, full
metadata round-trips, and every facet finds the dataset in Solr."""
from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers
from ckanext.satudata.lib import metadata

from ..metadata_samples import SCHEMA_FIELDS, full_metadata


def _package_count() -> int:
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(model.Package)).scalar_one()


@pytest.fixture
def sysadmin() -> dict[str, Any]:
    return factories.Sysadmin()


@pytest.fixture
def opd() -> dict[str, Any]:
    return factories.Organization(name="dinas-kesehatan", title="Dinas Kesehatan")


def _create(user: dict[str, Any], **data: Any) -> dict[str, Any]:
    return helpers.call_action("package_create", {"user": user["name"]}, **data)


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestDraftLevel:
    def test_a_draft_needs_only_title_name_and_opd(self, sysadmin, opd):
        dataset = _create(sysadmin, name="draf-data", title="Draf data", owner_org=opd["id"])

        shown = helpers.call_action("package_show", id=dataset["id"])
        assert shown["title"] == "Draf data"
        assert "update_frequency" not in shown

    def test_factories_dataset_still_works(self, opd):
        dataset = factories.Dataset(owner_org=opd["id"], title="Jumlah Puskesmas")
        assert helpers.call_action("package_show", id=dataset["id"])["title"] == "Jumlah Puskesmas"

    def test_empty_form_values_are_not_stored(self, sysadmin, opd):
        dataset = _create(sysadmin, name="kosong", title="Kosong", owner_org=opd["id"],
                          update_frequency="", data_year="", government_affairs=[],
                          priority_data="", concept="")

        for key in ("update_frequency", "data_year", "government_affairs",
                    "priority_data", "concept"):
            assert key not in dataset


#: (field, bad value, text the message must contain)
BAD_VALUES = [
    pytest.param("area_code", "99.99", "99.99", id="unknown-region-code"),
    pytest.param("government_affairs", ["1.02", "9.99"], "9.99", id="unknown-urusan-code"),
    pytest.param("update_frequency", "setiap saat", "setiap saat", id="wrong-frekuensi"),
    pytest.param("update_frequency", "Tahunan", "annual", id="frekuensi-label-not-code"),
    pytest.param("data_year", "20x5", "20x5", id="malformed-year"),
    pytest.param("data_year", "25", "25", id="two-digit-year"),
    pytest.param("data_year", "1850", "1900", id="year-out-of-range"),
    pytest.param("presentation_level", "rt-rw", "rt-rw", id="unknown-level"),
    pytest.param("data_status", "final-ish", "Sementara (provisional), Tetap (final)",
                 id="unknown-sifat"),
    pytest.param("collection_method", "wawancara", "wawancara", id="unknown-cara"),
    pytest.param("sdgs_goals", ["18"], "18", id="no-sdg-18"),
    pytest.param("priority_data", "mungkin", "mungkin", id="flag-not-yes-no"),
    pytest.param("producer_contact_email", "bukan-email", "\"bukan-email\"", id="bad-email"),
    pytest.param("bps_activity_code", "kode kegiatan!", "kode kegiatan!", id="bad-code"),
]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestMalformedValues:
    @pytest.mark.parametrize("field, value, fragment", BAD_VALUES)
    def test_refused_at_draft_level_and_nothing_stored(self, sysadmin, opd, field, value,
                                                       fragment):
        before = _package_count()

        with pytest.raises(tk.ValidationError) as e:
            _create(sysadmin, name="data-salah", title="Data salah", owner_org=opd["id"],
                    **{field: value})

        assert list(e.value.error_dict) == [field]
        assert fragment in " ".join(e.value.error_dict[field])
        assert _package_count() == before
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("package_show", id="data-salah")

    def test_bad_variable_is_keyed_by_field_and_row(self, sysadmin, opd):
        before = _package_count()
        variables = [{"name": "jumlah", "data_type": "integer"},
                     {"name": "rasio", "data_type": "float"}]

        with pytest.raises(tk.ValidationError) as e:
            _create(sysadmin, name="data-salah", title="Data salah", owner_org=opd["id"],
                    variables=variables)

        errors = e.value.error_dict["variables"]
        assert errors[0] == {}
        assert "float" in errors[1]["data_type"][0]
        assert _package_count() == before

    def test_a_variable_without_its_name_is_refused_when_saved(self, sysadmin, opd):
        """Saved with only its type, a row was kept without a word: the
        checklist said "Variables: not filled in" for a table of three
        declared variables, and only the submission said why."""
        variables = [{"data_type": "integer"}, {"name": "kecamatan", "data_type": "category"},
                     {"name": "", "definition": "", "data_type": "", "unit": ""}]
        before = _package_count()
        with pytest.raises(tk.ValidationError) as e:
            _create(sysadmin, name="data-tanpa-nama", title="Data", owner_org=opd["id"],
                    variables=variables)
        errors = e.value.error_dict["variables"]
        assert errors[0] == {"name": [
            "Variable 1: give the name of the column it describes"]}
        assert not errors[1] and not errors[2]  # an empty row is no row
        assert _package_count() == before

    def test_bad_values_refused_on_update_too(self, sysadmin, opd):
        dataset = _create(sysadmin, name="data-benar", title="Data", owner_org=opd["id"],
                          **full_metadata())

        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("package_patch", {"user": sysadmin["name"]},
                                id=dataset["id"], data_year="dua ribu")

        assert list(e.value.error_dict) == ["data_year"]
        assert helpers.call_action("package_show", id=dataset["id"])["data_year"] == "2025"

    def test_messages_are_clear_in_english_and_indonesian(self, app, opd):
        user = factories.SysadminWithToken()
        body = {"name": "data-salah", "title": "Data salah", "owner_org": opd["id"],
                "update_frequency": "setiap saat", "data_year": "20x5"}

        english = app.post("/en/api/3/action/package_create", json=body,
                           headers={"Authorization": user["token"]}, status=409).json
        indonesian = app.post("/api/3/action/package_create", json=body,
                              headers={"Authorization": user["token"]}, status=409).json

        # each allowed value by its label, with its code (the API's word)
        assert english["error"]["update_frequency"] == [
            '"setiap saat" is not an allowed value. Allowed values: Daily (daily), '
            'Weekly (weekly), Monthly (monthly), Quarterly (quarterly), Every four months '
            '(four_monthly), Semiannual (semiannual), Annual (annual), Biennial (biennial), '
            'Ad hoc (ad_hoc)']
        assert english["error"]["data_year"] == [
            '"20x5" is not a year: use four digits, e.g. 2024']
        assert indonesian["error"]["data_year"] == [
            '"20x5" bukan tahun: gunakan empat digit, mis. 2024']
        assert indonesian["error"]["update_frequency"][0].startswith(
            '"setiap saat" bukan nilai yang diizinkan.')
        assert "Tahunan (annual)" in indonesian["error"]["update_frequency"][0]
        # a year given twice (a form posting the field twice) is not echoed
        # in Python's spelling ("['2055', 'abc']" bukan tahun)
        twice = app.post("/api/3/action/package_create", json=dict(
            body, update_frequency="annual", data_year=["2025", "abc"]),
            headers={"Authorization": user["token"]}, status=409).json
        assert twice["error"]["data_year"] == [
            "Isikan satu tahun: gunakan empat digit, mis. 2024"]
        # a title given twice was stored as its JSON spelling
        titled = app.post("/api/3/action/package_create", json=dict(
            body, update_frequency="annual", data_year="2025", title=["Satu", "Dua"]),
            headers={"Authorization": user["token"]}, status=409).json
        assert titled["error"]["title"] == ["Harus berupa teks"]
        # a year in other digits is kept in the digits search and DCAT read
        # ("٢٠٢٥" was published as is, and no year filter found it)
        created = app.post("/api/3/action/package_create", json=dict(
            body, update_frequency="annual", data_year="٢٠٢٥"),
            headers={"Authorization": user["token"]}).json["result"]
        assert created["data_year"] == "2025"


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestFullMetadata:
    def test_round_trips_through_package_create_and_show(self, sysadmin, opd):
        sent = full_metadata()

        created = _create(sysadmin, name="nakes-2025", title="Jumlah Tenaga Kesehatan 2025",
                          owner_org=opd["id"], **sent)
        shown = helpers.call_action("package_show", id=created["id"])

        for key in SCHEMA_FIELDS:
            assert shown[key] == sent[key], key
        assert [t["name"] for t in shown["tags"]] == ["kesehatan"]
        assert not shown.get("extras")  # every field is a schema field

    def test_update_with_show_output_changes_nothing(self, sysadmin, opd):
        created = _create(sysadmin, name="nakes-2025", title="Nakes", owner_org=opd["id"],
                          **full_metadata())
        shown = helpers.call_action("package_show", id=created["id"])

        helpers.call_action("package_update", {"user": sysadmin["name"]}, **shown)
        again = helpers.call_action("package_show", id=created["id"])

        for key in SCHEMA_FIELDS:
            assert again[key] == shown[key], key

    def test_values_are_normalised(self, sysadmin, opd):
        created = _create(sysadmin, name="nakes", title="Nakes", owner_org=opd["id"],
                          data_year=2024, sdgs_goals=[8, 3, 3], priority_data="ya",
                          government_affairs="1.02", area_code=" 64.71 ")

        assert created["data_year"] == "2024"
        assert created["sdgs_goals"] == ["3", "8"]
        assert created["priority_data"] is True
        assert created["government_affairs"] == ["1.02"]
        assert created["area_code"] == "64.71"

    def test_resource_period_is_kept(self, sysadmin, opd):
        created = _create(sysadmin, name="nakes", title="Nakes", owner_org=opd["id"],
                          resources=[{"url": "http://example.com/nakes.csv", "format": "CSV",
                                      "description": "Tabel 1", "period": "Triwulan I 2025"}])

        resource = helpers.call_action("package_show", id=created["id"])["resources"][0]
        assert resource["period"] == "Triwulan I 2025"
        assert resource["format"] == "CSV"

    def test_text_fields_take_text_and_the_licence_is_one_of_the_portals(self, sysadmin, opd):
        """A list or an object was stored as its Python spelling, any text as
        the licence."""
        created = _create(sysadmin, name="nakes", title="Nakes", owner_org=opd["id"])
        site = {"user": sysadmin["name"]}
        for field, value in (("concept", ["a", "b"]), ("unit", {"a": 1}),
                             ("producer_contact_email", ["x@example.org"])):
            with pytest.raises(tk.ValidationError) as raised:
                helpers.call_action("package_patch", context=dict(site), id=created["id"],
                                    **{field: value})
            assert field in raised.value.error_dict, field
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action("package_patch", context=dict(site), id=created["id"],
                                license_id="<script>x</script>")
        assert raised.value.error_dict["license_id"] == [
            "Unknown licence: choose one of the portal's licences"]
        assert helpers.call_action("package_patch", context=dict(site), id=created["id"],
                                   license_id="cc-by", unit=12)["unit"] == "12"

    def test_a_tables_name_and_period_have_a_length_limit(self, sysadmin, opd):
        created = _create(sysadmin, name="nakes", title="Nakes", owner_org=opd["id"])
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action("resource_create", package_id=created["id"],
                                url="http://example.com/nakes.csv",
                                name="Tabel " + "x" * 500, period="2025" * 30)
        assert raised.value.error_dict["name"] == ["Must be at most 500 characters long"]
        assert raised.value.error_dict["period"] == ["Must be at most 100 characters long"]
        assert helpers.call_action("package_show", id=created["id"])["resources"] == []
        with pytest.raises(tk.ValidationError) as raised:  # text, not a list
            helpers.call_action("resource_create", package_id=created["id"],
                                url="http://example.com/nakes.csv", period=["a", "b"])
        assert list(raised.value.error_dict) == ["period"]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestFacets:
    @pytest.fixture
    def datasets(self, sysadmin, opd):
        other = factories.Organization(name="dinas-pendidikan", title="Dinas Pendidikan")
        wanted = _create(sysadmin, name="nakes-balikpapan", title="Tenaga kesehatan",
                         owner_org=opd["id"], **full_metadata())
        _create(sysadmin, name="guru-magetan", title="Jumlah guru", owner_org=other["id"],
                **full_metadata(area_code="35.20", government_affairs=["1.01"],
                                update_frequency="semiannual", data_year="2024",
                                presentation_level="regency", notes="Jumlah guru.",
                                indicator_name="Rasio murid guru"))
        return wanted

    @pytest.mark.parametrize("fq", [
        'organization:"dinas-kesehatan"',
        'vocab_government_affairs:"1.02"',
        'update_frequency:"annual"',
        'data_year:"2025"',
        'presentation_level:"district"',
        'area_code:"64.71"',
    ])
    def test_each_facet_finds_the_dataset_in_solr(self, datasets, fq):
        result = helpers.call_action("package_search", fq=fq)

        assert result["count"] == 1
        assert result["results"][0]["id"] == datasets["id"]

    def test_facet_items_carry_labels(self, datasets):
        facets = helpers.call_action(
            "package_search", q="*:*", **{"facet.field": (
                '["organization", "vocab_government_affairs", "update_frequency", '
                '"data_year", "presentation_level", "area_code"]')})["search_facets"]

        def labels(name):
            return {i["name"]: i["display_name"] for i in facets[name]["items"]}

        assert labels("organization")["dinas-kesehatan"] == "Dinas Kesehatan"
        assert labels("vocab_government_affairs") == {
            "1.01": "Pendidikan", "1.02": "Kesehatan", "2.20": "Statistik"}
        assert labels("update_frequency") == {"annual": "Tahunan", "semiannual": "Semesteran"}
        assert labels("data_year") == {"2025": "2025", "2024": "2024"}
        assert labels("presentation_level") == {"district": "Kecamatan",
                                                "regency": "Kabupaten/Kota"}
        assert labels("area_code") == {"64.71": "Kota Balikpapan",
                                       "35.20": "Kabupaten Magetan"}

    def test_long_free_text_is_indexed_and_searchable(self, sysadmin, opd):
        """Solr refuses a string term over 32 KB: free text stays in text fields."""
        concept = "Konsep panjang. " * 2500 + "kata-unik-xyz"

        _create(sysadmin, name="konsep-panjang", title="Panjang", owner_org=opd["id"],
                concept=concept,
                variables=[{"name": f"v{i}", "definition": "d" * 2000} for i in range(20)])

        found = helpers.call_action("package_search", q="kata-unik-xyz")["results"]
        assert [d["name"] for d in found] == ["konsep-panjang"]
        assert len(found[0]["concept"]) > 32766

    def test_code_labels_are_searchable_as_text(self, datasets):
        assert [d["name"] for d in helpers.call_action(
            "package_search", q="Balikpapan")["results"]] == ["nakes-balikpapan"]
        assert [d["name"] for d in helpers.call_action(
            "package_search", q="Magetan")["results"]] == ["guru-magetan"]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestOrganizationSchema:
    OPD = {
        "name": "dinas-kesehatan", "title": "Dinas Kesehatan", "short_name": "Dinkes",
        "opd_code": "1.02.0.00.0.00.01.0000", "government_affairs": ["1.02"],
        "address": "Jl. Jenderal Sudirman No. 1, Balikpapan", "phone": "(0542) 123456",
        "email": "dinkes@balikpapan.example.go.id", "website": "https://dinkes.example.go.id",
        "head_name": "dr. Andi", "head_nip": "197001011990031001",
        "operator_name": "Budi", "operator_email": "budi@example.go.id",
        "operator_phone": "0812 3456 7890",
    }

    def test_opd_fields_round_trip(self, sysadmin):
        helpers.call_action("organization_create", {"user": sysadmin["name"]}, **self.OPD)

        shown = helpers.call_action("organization_show", id="dinas-kesehatan")
        for key, value in self.OPD.items():
            assert shown[key] == value, key

    @pytest.mark.parametrize("field, value", [
        ("government_affairs", ["1.02", "7.77"]),
        ("email", "dinkes-at-example"),
        ("email", "a" * 65 + "@dinkes.example.go.id"),   # no mail server takes it
        ("website", "dinkes.example"),
        ("phone", "telepon kantor"),
        ("phone", "0812 3456 7890 1234 5678 90"),   # 22 digits: no telephone number
        ("phone", "-81234567890"),                   # a negative number of a workbook
        ("phone", "/0812345678"),
        ("phone", "(-81234567890)"),
        ("phone", "+-81234567890"),
        ("phone", "((((((12345"),
        ("head_nip", "abc"),
        ("head_nip", "1970010119900310"),            # 16 digits: a NIP has 18
        ("short_name", "x" * 2001),
        ("address", "Jl. Sudirman " * 4000),          # 52,000 characters
        ("description", "Dinas " * 10_000),
        ("image_url", "https://dinkes.example.go.id/" + "a" * 2000),  # every page asked a 414
        ("image_url", ["https://dinkes.example.go.id/logo.png"]),  # stored as the text "[...]"
        ("image_url", {"a": 1}),
        # a logo never uploaded (a path out of the uploads): a broken image
        ("image_url", "../../etc/passwd"),
        ("image_url", "javascript:alert(1)"),
    ])
    def test_bad_values_are_refused(self, sysadmin, field, value):
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("organization_create", {"user": sysadmin["name"]},
                                **dict(self.OPD, **{field: value}))
        assert field in e.value.error_dict
        assert model.Group.get("dinas-kesehatan") is None

    def test_an_opd_code_belongs_to_one_opd(self, app, sysadmin):
        """Two OPDs of one code were saved: the code names the agency in
        the nomenclature and numbers its letters."""
        context = {"user": sysadmin["name"]}
        helpers.call_action("organization_create", dict(context), **self.OPD)
        with app.flask_app.test_request_context("/"), pytest.raises(tk.ValidationError) as e:
            helpers.call_action("organization_create", dict(context), **dict(
                self.OPD, name="dinas-kesehatan-2", title="Dinas Kesehatan Dua",
                opd_code=" 1.02.0.00.0.00.01.0000 "))
        assert e.value.error_dict["opd_code"] == [
            "OPD lain sudah memakai kode ini: Dinas Kesehatan"]
        # its own code, kept on an update; a deleted OPD's code free again
        helpers.call_action("organization_patch", dict(context), id="dinas-kesehatan",
                            title="Dinas Kesehatan Kota")
        helpers.call_action("organization_delete", dict(context), id="dinas-kesehatan")
        helpers.call_action("organization_create", dict(context), **dict(
            self.OPD, name="dinas-kesehatan-2", title="Dinas Kesehatan Dua"))

    def test_a_logo_of_a_refused_type_is_told_in_the_readers_language(self, app):
        """CKAN's uploader said "Unsupported upload type: image/svg+xml" on
        the Indonesian form."""
        token = factories.SysadminWithToken()["token"]
        response = app.post("/api/3/action/organization_create", data={
            "name": "dinas-svg", "title": "Dinas SVG",
            "image_upload": (io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
                             "logo.svg")},
            headers={"Authorization": token}, status=409)
        assert response.json["error"]["image_upload"] == [
            "Jenis berkas ini tidak dapat diunggah di sini (image/svg+xml): pilih gambar "
            "(PNG, JPEG, atau GIF)"]
        assert model.Group.get("dinas-svg") is None
        group = app.post("/api/3/action/group_create", data={
            "name": "grup-svg", "image_upload": (
                io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"/>'), "logo.svg")},
            headers={"Authorization": token}, status=409)
        assert group.json["error"]["image_upload"] == [
            "Jenis berkas ini tidak dapat diunggah di sini (image/svg+xml): pilih gambar "
            "(PNG, JPEG, atau GIF)"]

    def test_about_page_shows_labels(self, app, sysadmin):
        helpers.call_action("organization_create", {"user": sysadmin["name"]}, **self.OPD)

        page = app.get(tk.url_for("organization.about", id="dinas-kesehatan")).body
        english = app.get("/en" + tk.url_for("organization.about", id="dinas-kesehatan")).body

        assert "Urusan pemerintahan" in page and "Kesehatan" in page and "Kepala OPD" in page
        assert "Government affairs" in english and "Health" in english

    def test_walidata_is_marked(self, app, sysadmin):
        helpers.call_action("organization_create", {"user": sysadmin["name"]},
                            name="walidata", title="Diskominfo")

        page = app.get("/en" + tk.url_for("organization.about", id="walidata")).body
        assert "satudata-walidata-badge" in page


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_variables_and_description_have_limits_a_page_can_show(sysadmin, opd):
    """Ten thousand variables of one name, or a description of two million
    characters, were taken (the dataset page grew to 3 MB): a table has at
    most as many variables as columns, each named once, and a description
    has a length."""
    created = _create(sysadmin, name="nakes", title="Nakes", owner_org=opd["id"])
    variable = {"name": "jumlah", "definition": "Jumlah", "data_type": "integer", "unit": "orang"}
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=created["id"],
                            variables=[dict(variable, name=f"k{i}")
                                       for i in range(metadata.MAX_ROWS + 1)])
    assert str(metadata.MAX_ROWS) in err.value.error_dict["variables"][0]
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=created["id"],
                            variables=[variable, dict(variable, unit="jiwa"),
                                       dict(variable, name=" JUMLAH ")])
    rows = err.value.error_dict["variables"]
    assert not rows[0] and rows[1]["name"] and rows[2]["name"]
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=created["id"],
                            notes="x" * 50001)
    assert "notes" in err.value.error_dict
    shown = helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=created["id"],
                                notes="x" * 50000, variables=[variable])
    assert len(shown["notes"]) == 50000 and len(shown["variables"]) == 1


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestBlankValues:
    """Whitespace and null are no value, as "" is: the field is left out (a
    title falls back to the URL name, as CKAN does for an empty title)."""

    @pytest.mark.parametrize("blank", ["   ", "\u00a0", "\n\t"])
    def test_a_title_of_spaces_is_the_name(self, sysadmin, opd, blank):
        created = _create(sysadmin, name="judul-kosong", title=blank, owner_org=opd["id"])
        assert created["title"] == "judul-kosong"
        patched = helpers.call_action("package_patch", {"user": sysadmin["name"]},
                                      id=created["id"], title=blank)
        assert patched["title"] == "judul-kosong"

    @pytest.mark.parametrize("blank", ["   ", "\u00a0", None])
    def test_blank_fields_are_removed_not_refused(self, sysadmin, opd, blank):
        created = _create(sysadmin, name="nakes", title="Nakes", owner_org=opd["id"],
                          **full_metadata())
        patched = helpers.call_action(
            "package_patch", {"user": sysadmin["name"]}, id=created["id"], notes=blank,
            concept=blank, unit=blank, area_code=blank, update_frequency=blank,
            data_year=blank, priority_data=blank, government_affairs=blank,
            producer_contact_email=blank, producer_contact_phone=blank,
            bps_activity_code=blank)
        shown = helpers.call_action("package_show", id=created["id"])
        for field in ("concept", "unit", "area_code", "update_frequency", "data_year",
                      "priority_data", "government_affairs", "producer_contact_email",
                      "producer_contact_phone", "bps_activity_code"):
            assert field not in shown, field
            assert field not in patched, field
        assert not shown.get("notes")
        assert shown["measure"] == "Jumlah"  # untouched

    def test_text_is_stripped_notes_too(self, sysadmin, opd):
        created = _create(sysadmin, name="nakes", title="Nakes", owner_org=opd["id"],
                          notes="  Jumlah nakes.  ", concept="  Nakes  ")
        assert (created["notes"], created["concept"]) == ("Jumlah nakes.", "Nakes")

    @pytest.mark.parametrize("empty", [None, "", "  ", []])
    def test_null_or_blank_variables_clear_them(self, sysadmin, opd, empty):
        created = _create(sysadmin, name="nakes", title="Nakes", owner_org=opd["id"],
                          **full_metadata())
        helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=created["id"],
                            variables=empty)
        assert not helpers.call_action("package_show", id=created["id"]).get("variables")

    def test_json_false_is_stored_as_no(self, sysadmin, opd):
        created = _create(sysadmin, name="nakes", title="Nakes", owner_org=opd["id"],
                          priority_data=False)
        assert created["priority_data"] is False
        assert helpers.call_action("package_show", id=created["id"])["priority_data"] is False

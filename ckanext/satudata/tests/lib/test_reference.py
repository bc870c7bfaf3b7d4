# -*- coding: utf-8 -*-
"""The reference code lists shipped in the package, and the action that
serves them to searchable selects and API clients."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.lib import reference


class TestWilayah:
    def test_all_38_provinces_and_514_regencies_are_listed(self):
        codes = reference.codes(reference.WILAYAH)

        provinces = [c for c in codes if c.level == "province"]
        regencies = [c for c in codes if c.level == "regency"]
        assert len(provinces) == 38
        assert len(regencies) == 514
        assert len({c.code for c in codes}) == 38 + 514

    def test_every_regency_belongs_to_a_listed_province(self):
        provinces = {c.code for c in reference.search(reference.WILAYAH, level="province")}
        for regency in reference.search(reference.WILAYAH, level="regency"):
            assert regency.parent in provinces
            assert regency.code.startswith(regency.parent + ".")
            assert regency.label_id.startswith(("Kabupaten ", "Kota "))

    @pytest.mark.parametrize("code, name", [
        # the regions of the five SOPs this project comes from
        ("18.72", "Kota Metro"),
        ("15.06", "Kabupaten Tanjung Jabung Barat"),
        ("64.71", "Kota Balikpapan"),
        ("82", "Maluku Utara"),
        ("35.20", "Kabupaten Magetan"),
        # the newest province (UU 29/2022)
        ("96", "Papua Barat Daya"),
    ])
    def test_kemendagri_codes(self, code, name):
        assert reference.label(reference.WILAYAH, code) == name

    def test_regency_label_names_its_province(self):
        assert reference.wilayah_label("64.71") == "Kota Balikpapan, Kalimantan Timur"


class TestCodeLists:
    def test_urusan_follow_uu_23_2014(self):
        groups: dict[str, int] = {}
        for c in reference.codes(reference.URUSAN):
            groups[c.parent] = groups.get(c.parent, 0) + 1
            assert reference.is_valid("urusan_group", c.parent)
        # Pasal 12: 6 wajib pelayanan dasar, 18 wajib non-pelayanan dasar,
        # 8 pilihan; plus the 5 supporting functions of Pasal 219
        assert groups == {"wajib_dasar": 6, "wajib_non_dasar": 18, "pilihan": 8,
                          "penunjang": 5}
        assert reference.label(reference.URUSAN, "2.20", "id") == "Statistik"
        assert reference.label(reference.URUSAN, "2.20", "en") == "Statistics"

    def test_choice_lists_of_the_issue(self):
        assert [c.label_id for c in reference.codes("frequency")] == [
            "Harian", "Mingguan", "Bulanan", "Triwulanan", "Empat Bulanan", "Semesteran",
            "Tahunan", "Dua Tahunan", "Ad-hoc (sewaktu-waktu)"]
        assert [c.label_id for c in reference.codes("data_status")] == ["Sementara", "Tetap"]
        assert [c.label_id for c in reference.codes("collection_method")] == [
            "Sensus", "Survei", "Kompilasi Produk Administrasi", "Cara Lain"]
        assert [c.label_id for c in reference.codes("presentation_level")] == [
            "Nasional", "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan"]
        assert [c.code for c in reference.codes("sdgs")] == [str(n) for n in range(1, 18)]

    def test_every_code_has_both_labels(self):
        for list_name in reference.LIST_NAMES:
            for c in reference.codes(list_name):
                assert c.code and c.label_id and c.label_en, (list_name, c)

    def test_unknown_list_is_an_error(self):
        with pytest.raises(reference.UnknownCodeList):
            reference.codes("kode-pos")


class TestReferenceListAction:
    def test_anonymous_user_can_search_regencies_of_a_province(self):
        result = helpers.call_action(
            "satudata_reference_list", {"user": ""}, list="wilayah", parent="64")

        assert result["count"] == 10  # Kalimantan Timur: 7 kabupaten, 3 kota
        assert {r["parent"] for r in result["results"]} == {"64"}
        assert tk.check_access("satudata_reference_list", {"user": ""}, {"list": "wilayah"})

    def test_search_by_text_in_either_language(self):
        by_id = helpers.call_action("satudata_reference_list", list="urusan", q="kesehatan")
        by_en = helpers.call_action("satudata_reference_list", list="urusan", q="health")

        assert [r["code"] for r in by_id["results"]] == ["1.02"]
        assert [r["code"] for r in by_en["results"]] == ["1.02"]
        assert by_id["results"][0]["label_en"] == "Health"

    def test_unknown_list_is_a_validation_error(self):
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("satudata_reference_list", list="kode-pos")
        assert "list" in e.value.error_dict
        # a level the list does not have (it answered nothing, without a word)
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("satudata_reference_list", list="wilayah", level="bogus")
        assert "level" in e.value.error_dict
        assert helpers.call_action("satudata_reference_list", list="wilayah",
                                   level="province")["count"] > 30

    def test_api_labels_follow_the_request_language(self, app):
        default = app.get("/api/3/action/satudata_reference_list?list=frequency").json
        english = app.get("/en/api/3/action/satudata_reference_list?list=frequency").json

        assert default["result"]["results"][6]["label"] == "Tahunan"  # ckan.locale_default = id
        assert english["result"]["results"][6]["label"] == "Annual"

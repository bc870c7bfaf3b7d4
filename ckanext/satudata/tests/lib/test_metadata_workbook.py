# -*- coding: utf-8 -*-
"""The XLSX metadata template: download it for a dataset, fill it in,
import it; a file with errors changes nothing and names its cells."""
from __future__ import annotations

import base64
import io
from typing import Any

import openpyxl
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import metadata_workbook

from ..metadata_samples import full_metadata


@pytest.fixture
def producer() -> dict[str, Any]:
    return factories.UserWithToken()


@pytest.fixture
def draft(producer) -> dict[str, Any]:
    org = factories.Organization(users=[{"name": producer["name"], "capacity": "editor"}])
    return factories.Dataset(owner_org=org["id"], name="nakes-2025", title="Nakes 2025",
                             notes="", license_id="")


def _template(user: dict[str, Any], dataset: dict[str, Any]) -> openpyxl.Workbook:
    result = helpers.call_action("satudata_metadata_template",
                                 {"user": user["name"], "ignore_auth": False},
                                 id=dataset["id"])
    return openpyxl.load_workbook(io.BytesIO(base64.b64decode(result["content"])))


def _rows(wb: openpyxl.Workbook) -> dict[str, int]:
    """field key -> row of the Metadata sheet."""
    ws = wb[metadata_workbook.METADATA_SHEET]
    return {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}


def _set(wb: openpyxl.Workbook, values: dict[str, Any]) -> None:
    ws, rows = wb[metadata_workbook.METADATA_SHEET], _rows(wb)
    for key, value in values.items():
        ws.cell(row=rows[key], column=metadata_workbook.VALUE_COL, value=value)


def _set_variables(wb: openpyxl.Workbook, rows: list[list[Any]]) -> None:
    ws = wb[metadata_workbook.VARIABLES_SHEET]
    for r, row in enumerate(rows, start=metadata_workbook.FIRST_VARIABLE_ROW):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)


def _bytes(wb: openpyxl.Workbook) -> io.BytesIO:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _import(user: dict[str, Any], dataset: dict[str, Any], upload: Any) -> dict[str, Any]:
    return helpers.call_action("satudata_metadata_import",
                               {"user": user["name"], "ignore_auth": False},
                               id=dataset["id"], upload=upload)


GOOD_VALUES = {
    "notes": "Jumlah tenaga kesehatan menurut jenis.",
    "license_id": "cc-by — Creative Commons Attribution",
    "concept": "Tenaga kesehatan", "definition": "Orang yang bekerja di bidang kesehatan",
    "classification": "UU 36/2014", "measure": "Jumlah", "unit": "Orang",
    "indicator_name": "Rasio nakes", "indicator_definition": "Nakes per penduduk",
    "calculation_method": "nakes / penduduk x 100.000",
    "presentation_level": "district — Kecamatan",
    "area_code": "64.71 — Kota Balikpapan, Kalimantan Timur",
    "data_year": 2025,
    "update_frequency": "Tahunan",  # a label is understood too
    "data_status": "final — Tetap",
    "data_source": "SISDMK",
    "collection_method": "administrative — Kompilasi Produk Administrasi",
    "government_affairs": "1.02 — Kesehatan; 2.20 — Statistik",
    "priority_data": "Ya",
    "sdgs_goals": "3 — 3. Kehidupan Sehat dan Sejahtera",
    "producer_contact_name": "Operator Dinkes",
    "producer_contact_email": "data@dinkes.example.go.id",
    "tag_string": "kesehatan, tenaga kesehatan",
}


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestTemplate:
    def test_template_lists_every_field_prefilled(self, producer):
        org = factories.Organization(users=[{"name": producer["name"], "capacity": "editor"}])
        dataset = factories.Dataset(owner_org=org["id"], title="Nakes", **full_metadata())

        wb = _template(producer, dataset)

        assert wb.sheetnames == ["Metadata", "Variabel", "Kode", "Asal"]
        # what it was filled with, out of sight (the import writes what changed)
        assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == [
            "Metadata", "Variabel", "Kode"]
        ws, rows = wb["Metadata"], _rows(wb)
        assert "owner_org" not in rows and "name" not in rows
        assert ws.cell(row=rows["update_frequency"], column=3).value == "Frekuensi pemutakhiran"
        assert ws.cell(row=rows["update_frequency"], column=4).value == "annual — Tahunan"
        assert ws.cell(row=rows["government_affairs"], column=4).value == \
            "1.02 — Kesehatan; 2.20 — Statistik"
        assert ws.cell(row=rows["data_year"], column=4).value == 2025
        # a code typed into it stays text (Excel made 2.10 the number 2.1)
        assert ws.cell(row=rows["government_affairs"], column=4).number_format == "@"
        assert ws.cell(row=rows["priority_data"], column=4).value == "Ya"
        assert ws.cell(row=rows["update_frequency"], column=5).value == "Ya"  # needed to submit
        assert wb["Variabel"]["A3"].value == "jenis_nakes"
        assert wb["Variabel"]["C4"].value == "integer — Bilangan bulat"
        assert wb.properties.identifier == dataset["id"]

    def test_coded_cells_have_drop_down_lists(self, producer, draft):
        wb = _template(producer, draft)

        ws, rows = wb["Metadata"], _rows(wb)
        lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
        assert lists[f"D{rows['update_frequency']}"].startswith("'Kode'!$")
        area_range = lists[f"D{rows['area_code']}"]
        column = area_range.split("!$")[1].split("$")[0]
        area_values = [c.value for c in wb["Kode"][column][1:] if c.value]
        assert len(area_values) == 38 + 514
        assert "64.71 — Kota Balikpapan, Kalimantan Timur" in area_values

    def test_download_view(self, app, producer, draft):
        response = app.get(tk.url_for("satudata_metadata.template", id=draft["name"]),
                           headers={"Authorization": producer["token"]})

        assert response.status_code == 200
        assert response.headers["Content-Type"] == metadata_workbook.XLSX_MIMETYPE
        assert 'filename="metadata-nakes-2025.xlsx"' in response.headers["Content-Disposition"]
        assert openpyxl.load_workbook(io.BytesIO(response.data)).sheetnames[0] == "Metadata"

    def test_english_template(self, app, producer, draft):
        response = app.get("/en" + tk.url_for("satudata_metadata.template", id=draft["name"]),
                           headers={"Authorization": producer["token"]})

        ws = openpyxl.load_workbook(io.BytesIO(response.data))["Metadata"]
        labels = [ws.cell(row=r, column=3).value for r in range(2, ws.max_row + 1)]
        assert "Update frequency" in labels and "Frekuensi pemutakhiran" not in labels

    def test_strangers_cannot_download(self, app, draft):
        stranger = factories.UserWithToken()

        app.get(tk.url_for("satudata_metadata.template", id=draft["name"]),
                headers={"Authorization": stranger["token"]}, status=403)
        app.get(tk.url_for("satudata_metadata.template", id=draft["name"]), status=403)


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestImport:
    def test_filled_template_updates_the_dataset(self, producer, draft):
        wb = _template(producer, draft)
        _set(wb, GOOD_VALUES)
        _set_variables(wb, [["jenis_nakes", "Jenis tenaga kesehatan", "Kategori (kode)", ""],
                            [None, None, None, None],
                            ["jumlah", "Jumlah", "integer — Bilangan bulat", "orang"]])

        result = _import(producer, draft, _bytes(wb))

        shown = helpers.call_action("package_show", id=draft["id"])
        assert shown["update_frequency"] == "annual"
        assert shown["area_code"] == "64.71"
        assert shown["government_affairs"] == ["1.02", "2.20"]
        assert shown["data_year"] == "2025"
        assert shown["priority_data"] is True
        assert shown["license_id"] == "cc-by"
        assert shown["sdgs_goals"] == ["3"]
        assert sorted(t["name"] for t in shown["tags"]) == ["kesehatan", "tenaga kesehatan"]
        assert shown["variables"] == [
            {"name": "jenis_nakes", "definition": "Jenis tenaga kesehatan",
             "data_type": "category"},
            {"name": "jumlah", "definition": "Jumlah", "data_type": "integer", "unit": "orang"}]
        assert result["completeness"]["complete"] is True

    def test_file_with_errors_changes_nothing_and_names_the_cells(self, producer, draft):
        before = helpers.call_action("package_show", id=draft["id"])
        wb = _template(producer, draft)
        _set(wb, dict(GOOD_VALUES, update_frequency="setiap saat", data_year="20x5",
                      area_code="99.99 — Kota Antah Berantah"))
        _set_variables(wb, [["jumlah", "Jumlah", "angka", "orang"]])
        rows = _rows(wb)

        with pytest.raises(tk.ValidationError) as e:
            _import(producer, draft, _bytes(wb))

        errors = e.value.error_dict
        assert set(errors) == {"update_frequency", "data_year", "area_code", "variables"}
        assert errors["update_frequency"][0].startswith(
            f"Metadata!D{rows['update_frequency']}: \"setiap saat\"")
        assert errors["data_year"][0].startswith(f"Metadata!D{rows['data_year']}: \"20x5\"")
        assert errors["area_code"][0].startswith(f"Metadata!D{rows['area_code']}: \"99.99")
        assert errors["variables"][0].startswith("Variabel!C3: \"angka\"")
        after = helpers.call_action("package_show", id=draft["id"])
        assert after["metadata_modified"] == before["metadata_modified"]
        assert "update_frequency" not in after and "concept" not in after

    def test_changed_key_column_is_reported(self, producer, draft):
        wb = _template(producer, draft)
        wb["Metadata"].cell(row=2, column=1, value="judul")

        with pytest.raises(tk.ValidationError) as e:
            _import(producer, draft, _bytes(wb))

        [message] = e.value.error_dict["upload"]
        assert message.startswith("Metadata!A2: ") and '"judul"' in message

    def test_not_a_workbook(self, producer, draft):
        with pytest.raises(tk.ValidationError) as e:
            _import(producer, draft, io.BytesIO(b"nama,nilai\nx,1\n"))

        assert list(e.value.error_dict) == ["upload"]

    def test_template_of_another_dataset_is_refused(self, producer, draft):
        other = factories.Dataset(owner_org=draft["owner_org"], title="Lain")
        wb = _template(producer, other)

        with pytest.raises(tk.ValidationError) as e:
            _import(producer, draft, _bytes(wb))

        assert list(e.value.error_dict) == ["upload"]

    def test_a_template_downloaded_before_a_colleagues_change_keeps_it(self, producer,
                                                                       draft):
        """Written back whole, a template downloaded before a colleague's
        change put it back without a word: only what was changed in the
        workbook is written."""
        wb = _template(producer, draft)
        helpers.call_action("package_patch", {"user": producer["name"]}, id=draft["id"],
                            notes="Diubah rekan")
        _set(wb, {"concept": "Konsep dari templat"})
        result = _import(producer, draft, _bytes(wb))
        assert result["fields"] == ["concept"]
        shown = helpers.call_action("package_show", id=draft["id"])
        assert (shown["notes"], shown["concept"]) == ("Diubah rekan", "Konsep dari templat")
        # a variable a colleague added since stays when the sheet's rows change
        helpers.call_action("package_patch", {"user": producer["name"]}, id=draft["id"],
                            variables=[{"name": "jenis_nakes", "data_type": "category"},
                                       {"name": "variabel_rekan", "data_type": "integer"}])
        wb = _template(producer, draft)
        helpers.call_action("package_patch", {"user": producer["name"]}, id=draft["id"],
                            variables=[{"name": "jenis_nakes", "data_type": "category"},
                                       {"name": "variabel_rekan", "data_type": "integer"},
                                       {"name": "tambahan_rekan", "data_type": "integer"}])
        _set_variables(wb, [["jenis_nakes", "Jenis tenaga kesehatan", "category"],
                            ["variabel_rekan", None, "integer"]])
        _import(producer, draft, _bytes(wb))
        shown = helpers.call_action("package_show", id=draft["id"])["variables"]
        assert [v["name"] for v in shown] == ["jenis_nakes", "variabel_rekan", "tambahan_rekan"]
        assert shown[0].get("definition") == "Jenis tenaga kesehatan"
        # rows only moved in the workbook are moved
        wb = _template(producer, draft)
        _set_variables(wb, [["tambahan_rekan", None, "integer"],
                            ["variabel_rekan", None, "integer"],
                            ["jenis_nakes", "Jenis tenaga kesehatan", "category"]])
        _import(producer, draft, _bytes(wb))
        assert [v["name"] for v in helpers.call_action(
            "package_show", id=draft["id"])["variables"]] == [
            "tambahan_rekan", "variabel_rekan", "jenis_nakes"]
        # the same workbook imported again, corrected: what it changes, again
        _set(wb, {"concept": "Konsep dari templat, dibetulkan"})
        _import(producer, draft, _bytes(wb))
        shown = helpers.call_action("package_show", id=draft["id"])
        assert (shown["notes"], shown["concept"]) == ("Diubah rekan",
                                                      "Konsep dari templat, dibetulkan")

    def test_a_workbook_of_a_hundred_thousand_rows_is_refused_before_it_is_loaded(
            self, producer, draft):
        """A 2 MB workbook of 400,000 rows kept a worker busy for 23 s and
        250 MB before its refusal."""
        wb = _template(producer, draft)
        sheet = wb[metadata_workbook.VARIABLES_SHEET]
        for row in range(3, 150_003):
            sheet.cell(row=row, column=1, value="x")
        with pytest.raises(tk.ValidationError) as e:
            _import(producer, draft, _bytes(wb))
        assert any(words in str(e.value.error_dict["upload"])
                   for words in ("too large", "terlalu besar"))

    def test_a_blank_cell_formatted_at_the_sheets_far_corner_is_read_past(
            self, producer, draft):
        """A 20 KB template whose blank cell XFD1048576 was made bold: read
        up to that corner, sixteen billion cells, it held a web worker for
        two minutes until gunicorn killed it (HTTP 500). The values are
        imported; the cells read are those holding a value."""
        from openpyxl.styles import Font

        wb = _template(producer, draft)
        _set(wb, {"notes": "Catatan dari templat"})
        _set_variables(wb, [["jumlah", "Jumlah", "integer — Bilangan bulat", "orang"]])
        for name in wb.sheetnames:
            wb[name]["XFD1048576"].font = Font(bold=True)
        upload = _bytes(wb)
        assert len(upload.getvalue()) < 100_000
        _import(producer, draft, upload)
        shown = helpers.call_action("package_show", id=draft["id"])
        assert shown["notes"] == "Catatan dari templat"
        assert [v["name"] for v in shown["variables"]] == ["jumlah"]

    def test_a_value_or_a_merge_reaching_the_far_corner_is_refused_unread(
            self, producer, draft):
        """A space typed in XFD1048576, or cells merged up to it: loaded
        whole, the workbook created every cell up to it and held a web
        worker until it was killed (HTTP 500), its memory growing."""
        import zipfile

        wb = _template(producer, draft)
        wb[metadata_workbook.VARIABLES_SHEET]["XFD1048576"] = " "
        wb[metadata_workbook.METADATA_SHEET].merge_cells("G2:H3")
        merged = _bytes(wb).getvalue()
        far_value = io.BytesIO(merged)
        # the merge made far by its reference (openpyxl would create its cells)
        source, out = zipfile.ZipFile(io.BytesIO(merged)), io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                target.writestr(info, source.read(info.filename).replace(
                    b'mergeCell ref="G2:H3"', b'mergeCell ref="G2:XFD1048576"'))
        wb[metadata_workbook.VARIABLES_SHEET]["XFD1048576"] = None
        for upload in (far_value, io.BytesIO(out.getvalue())):
            with pytest.raises(tk.ValidationError) as e:
                _import(producer, draft, upload)
            assert any(words in str(e.value.error_dict["upload"])
                       for words in ("too large", "terlalu besar"))

    def test_strangers_cannot_import(self, draft):
        stranger = factories.User()
        with pytest.raises(tk.NotAuthorized):
            _import(stranger, draft, io.BytesIO(b""))


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestImportPage:
    def test_upload_form_imports_and_redirects(self, app, producer, draft):
        wb = _template(producer, draft)
        _set(wb, GOOD_VALUES)

        response = app.post(
            tk.url_for("satudata_metadata.import_form", id=draft["name"]),
            data={"upload": (_bytes(wb), "metadata.xlsx")},
            headers={"Authorization": producer["token"]}, follow_redirects=False)

        assert response.status_code == 302
        assert response.headers["Location"].endswith(
            tk.url_for("dataset.read", id=draft["name"]))
        assert helpers.call_action("package_show", id=draft["id"])["data_status"] == "final"

    def test_errors_are_listed_by_cell(self, app, producer, draft):
        wb = _template(producer, draft)
        _set(wb, {"update_frequency": "setiap saat"})
        row = _rows(wb)["update_frequency"]

        response = app.post(
            tk.url_for("satudata_metadata.import_form", id=draft["name"]),
            data={"upload": (_bytes(wb), "metadata.xlsx")},
            headers={"Authorization": producer["token"]}, status=400)

        assert "Berkas tidak diimpor" in response.body
        assert f"Metadata!D{row}: &#34;setiap saat&#34; bukan nilai yang diizinkan" in \
            response.body
        assert "update_frequency" not in helpers.call_action("package_show", id=draft["id"])

    def test_form_page(self, app, producer, draft):
        page = app.get(tk.url_for("satudata_metadata.import_form", id=draft["name"]),
                       headers={"Authorization": producer["token"]}).body

        assert "Impor metadata dari Excel" in page
        assert 'type="file" name="upload"' in page
        assert tk.url_for("satudata_metadata.template", id=draft["name"]) in page


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestImportEdgeCases:
    def test_priority_data_no_round_trips(self, producer, draft):
        """The template wrote "Tidak" for a dataset that is not priority
        data, and its import removed the flag."""
        helpers.call_action("package_patch", {"user": producer["name"]}, id=draft["id"],
                            priority_data=False)
        _import(producer, draft, _bytes(_template(producer, draft)))
        assert helpers.call_action("package_show", id=draft["id"])["priority_data"] is False

    @pytest.mark.parametrize("typed,stored", [("Tidak", False), ("Ya", True), ("No", False),
                                              ("Yes", True), ("tidak", False)])
    def test_priority_data_typed_yes_or_no(self, producer, draft, typed, stored):
        wb = _template(producer, draft)
        _set(wb, {"priority_data": typed})
        _import(producer, draft, _bytes(wb))
        assert helpers.call_action("package_show", id=draft["id"])["priority_data"] is stored

    def test_a_phone_number_keeps_its_leading_zero(self, producer, draft):
        """081234567890 typed in the template became Excel's number
        81234567890, stored without a word: its cell is text, and a number
        read there gets its 0 back."""
        wb = _template(producer, draft)
        cell = wb[metadata_workbook.METADATA_SHEET].cell(
            row=_rows(wb)["producer_contact_phone"], column=metadata_workbook.VALUE_COL)
        assert cell.number_format == "@"
        cell.value = 81234567890
        _import(producer, draft, _bytes(wb))
        shown = helpers.call_action("package_show", id=draft["id"])
        assert shown["producer_contact_phone"] == "081234567890"
        # typed with its country code: its + back (not a 0 before the 62)
        cell.value = 6281234567890
        _import(producer, draft, _bytes(wb))
        shown = helpers.call_action("package_show", id=draft["id"])
        assert shown["producer_contact_phone"] == "+6281234567890"

    def test_a_formula_without_a_value_is_refused_by_its_cell(self, producer, draft):
        """openpyxl (and other writers) save a formula without its result:
        the cell read as empty and the import deleted the field."""
        helpers.call_action("package_patch", {"user": producer["name"]}, id=draft["id"],
                            concept="Tenaga kesehatan")
        wb = _template(producer, draft)
        _set(wb, {"concept": "=1+1"})
        _set_variables(wb, [["jumlah", "=A1", None, None]])
        rows = _rows(wb)
        with pytest.raises(tk.ValidationError) as e:
            _import(producer, draft, _bytes(wb))
        [message] = e.value.error_dict["concept"]
        assert message.startswith(f"Metadata!D{rows['concept']}: ")
        assert "formula" in message
        assert e.value.error_dict["variables"][0].startswith("Variabel!B3: ")
        assert helpers.call_action("package_show", id=draft["id"])["concept"] == \
            "Tenaga kesehatan"

    def test_a_control_turning_the_texts_direction_is_refused_by_its_cell(self, producer,
                                                                          draft):
        """A title with U+202E was saved by the import alone (every form and
        action refuses it): "hostile \u202egnp.exe" read "hostile exe.png"."""
        wb = _template(producer, draft)
        _set(wb, {"title": "Judul \u202egnp.exe"})
        _set_variables(wb, [["jumlah\u2067", None, None, None]])
        rows = _rows(wb)
        with pytest.raises(tk.ValidationError) as e:
            _import(producer, draft, _bytes(wb))
        [message] = e.value.error_dict["title"]
        assert message.startswith(f"Metadata!D{rows['title']}: ") and "direction" in message
        assert e.value.error_dict["variables"][0].startswith("Variabel!A3: ")
        assert "\u202e" not in helpers.call_action("package_show", id=draft["id"])["title"]

    def test_several_codes_separated_by_commas(self, producer, draft):
        wb = _template(producer, draft)
        _set(wb, {"government_affairs": "1.02, 2.20", "sdgs_goals": "3,8"})
        _import(producer, draft, _bytes(wb))
        shown = helpers.call_action("package_show", id=draft["id"])
        assert shown["government_affairs"] == ["1.02", "2.20"]
        assert shown["sdgs_goals"] == ["3", "8"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_two_imports_at_once_keep_both_changes(producer, draft):
    """Two producers importing at the same moment: each merged what it
    changed into the dataset as it had read it, and one change was lost."""
    from ckan import model

    from ..conftest import answer_while_held

    first, second = _template(producer, draft), _template(producer, draft)
    _set(first, {"concept": "Konsep produsen pertama"})
    _set(second, {"classification": "Klasifikasi produsen kedua"})
    model.Session.remove()
    helpers.call_action("satudata_metadata_import",  # the first, not committed yet
                        {"user": producer["name"], "ignore_auth": False, "defer_commit": True},
                        id=draft["id"], upload=_bytes(first))
    outcome = answer_while_held(lambda: _import(producer, draft, _bytes(second)))
    assert not isinstance(outcome, Exception), outcome
    shown = helpers.call_action("package_show", id=draft["id"])
    assert (shown["concept"], shown["classification"]) == (
        "Konsep produsen pertama", "Klasifikasi produsen kedua")

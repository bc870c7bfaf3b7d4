# -*- coding: utf-8 -*-
"""The two completeness levels: a draft saves with little filled in; the
submit level lists what is missing (with labels and a percentage) and gives
the ValidationError dict with which the workflow refuses a submission."""
from __future__ import annotations

import json
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import metadata

from ..metadata_samples import full_metadata

#: what submitting needs besides title, name and OPD, in schema order
SUBMIT_FIELDS = [
    "notes", "license_id", "concept", "definition", "classification", "measure", "unit",
    "indicator_name", "indicator_definition", "calculation_method", "presentation_level",
    "variables", "area_code", "data_year", "update_frequency", "data_status", "data_source",
    "collection_method", "government_affairs", "producer_contact_name",
    "producer_contact_email",
]


#: a link to a CSV file: a data resource
DATA_LINK = {"name": "Tabel", "url": "https://data.example.org/tabel.csv", "format": "CSV"}


@pytest.fixture
def org() -> dict[str, Any]:
    return factories.Organization()


def test_levels_come_from_the_schema():
    assert [f["field_name"] for f in metadata.required_fields("draft")] == [
        "title", "name", "owner_org"]
    assert [f["field_name"] for f in metadata.required_fields("submit")] == [
        "title", "name", "notes", "license_id", "owner_org", *SUBMIT_FIELDS[2:]]
    with pytest.raises(ValueError):
        metadata.required_fields("publish")


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestCompleteness:
    def test_a_fresh_draft_is_complete_for_draft_but_not_for_submit(self, org):
        draft = factories.Dataset(owner_org=org["id"], title="Draf", notes="")

        assert metadata.completeness(draft, "draft") == {
            "level": "draft", "complete": True, "percent": 100, "missing": [],
            "filled": 3, "total": 3}
        result = metadata.completeness(draft, "submit")
        assert result["complete"] is False
        assert [m["field"] for m in result["missing"]] == SUBMIT_FIELDS
        assert result["filled"] == 3 and result["total"] == 24
        assert result["percent"] == 12  # 3 of 24

    def test_full_metadata_is_complete(self, org):
        dataset = factories.Dataset(owner_org=org["id"], **full_metadata(),
                                    resources=[DATA_LINK])

        assert metadata.completeness(dataset) == {
            "level": "submit", "complete": True, "percent": 100, "missing": [],
            "filled": 24, "total": 24}
        assert metadata.submit_errors(dataset) == {}

    def test_percent_is_never_100_while_something_is_missing(self, org):
        dataset = factories.Dataset(owner_org=org["id"],
                                    **full_metadata(producer_contact_email=""))

        result = metadata.completeness(dataset)
        assert result["percent"] == 96
        assert result["missing"] == [{"field": "producer_contact_email",
                                      "label": "E-mail kontak produsen data"}]

    def test_an_empty_variable_row_does_not_count(self, org):
        dataset = factories.Dataset(owner_org=org["id"],
                                    **full_metadata(variables=[{"name": ""}]))

        assert [m["field"] for m in metadata.completeness(dataset)["missing"]] == ["variables"]

    # (a row without its name is refused when saved: tests/logic/test_schema.py)
    @pytest.mark.parametrize("row", [{"name": "jumlah", "definition": "Jumlah"}])
    def test_a_variable_without_its_name_or_type_does_not_count(self, app, org, row):
        """A variable of a definition only counted as filled in: 100 %, and
        the request was submitted with it (the check compares the table's
        columns by name, and reads them by type)."""
        named = {"name": "tahun", "definition": "Tahun", "data_type": "integer"}
        dataset = factories.Dataset(owner_org=org["id"],
                                    **full_metadata(variables=[named, row]))
        result = metadata.completeness(dataset)
        assert (result["complete"], [m["field"] for m in result["missing"]]) == (
            False, ["variables"])
        with app.flask_app.test_request_context("/"):
            assert metadata.submit_errors(dataset)["variables"] == [
                "Setiap baris memerlukan nama, tipe data"]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestSubmitErrors:
    def test_missing_submit_fields_are_keyed_by_field_name(self, org):
        dataset = factories.Dataset(owner_org=org["id"], **full_metadata(
            update_frequency="", data_year="", government_affairs=[]))

        errors = metadata.submit_errors(dataset)

        assert list(errors) == ["data_year", "update_frequency", "government_affairs",
                                "resources"]
        assert all(len(messages) == 1 and messages[0] for messages in errors.values())
        refusal = tk.ValidationError(errors)
        assert refusal.error_dict["update_frequency"] == errors["update_frequency"]

    def test_messages_in_both_languages(self, app, org):
        """The messages C's submit action raises, as the check action shows them."""
        dataset = factories.Dataset(owner_org=org["id"], **full_metadata(data_year=""))
        url = f"/api/3/action/satudata_metadata_check?id={dataset['id']}"

        default = app.get(url).json["result"]
        english = app.get("/en" + url).json["result"]

        assert default["errors"] == {"data_year": [
            "Wajib diisi sebelum dataset dapat diajukan untuk verifikasi"]}
        assert english["errors"] == {"data_year": [
            "Required before the dataset can be submitted for verification"]}


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestMetadataCheckAction:
    def test_lists_missing_fields_with_labels_and_percentage(self, org):
        draft = factories.Dataset(owner_org=org["id"], title="Draf", notes="Catatan",
                                  concept="Konsep data", data_year="2025")

        result = helpers.call_action("satudata_metadata_check", id=draft["name"])

        assert result["id"] == draft["id"]
        assert result["complete"] is False
        assert result["percent"] == 25  # 6 of 24
        assert result["missing"][0] == {"field": "license_id", "label": "Lisensi"}
        assert {"field": "area_code", "label": "Cakupan wilayah"} in result["missing"]
        assert "data_year" not in [m["field"] for m in result["missing"]]
        filled = {i["field"] for i in result["checklist"] if i["filled"]}
        assert filled == {"title", "name", "owner_org", "notes", "concept", "data_year"}

    def test_draft_level(self, org):
        draft = factories.Dataset(owner_org=org["id"], title="Draf")

        result = helpers.call_action("satudata_metadata_check", id=draft["id"], level="draft")

        assert result["complete"] is True and result["percent"] == 100

    def test_labels_follow_the_api_language(self, app, org):
        draft = factories.Dataset(owner_org=org["id"], title="Draf", notes="")

        default = app.get(f"/api/3/action/satudata_metadata_check?id={draft['id']}").json
        english = app.get(f"/en/api/3/action/satudata_metadata_check?id={draft['id']}").json

        assert {"field": "update_frequency", "label": "Frekuensi pemutakhiran"} in \
            default["result"]["missing"]
        assert {"field": "update_frequency", "label": "Update frequency"} in \
            english["result"]["missing"]

    def test_private_dataset_is_not_checked_for_strangers(self, org):
        draft = factories.Dataset(owner_org=org["id"], title="Draf", private=True)
        stranger = factories.User()

        with pytest.raises(tk.ObjectNotFound):  # not found, as its page says
            helpers.call_action("satudata_metadata_check",
                                {"user": stranger["name"], "ignore_auth": False},
                                id=draft["id"])

    def test_bad_level_and_unknown_dataset(self, org):
        draft = factories.Dataset(owner_org=org["id"])

        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("satudata_metadata_check", id=draft["id"], level="publish")
        assert "level" in e.value.error_dict
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("satudata_metadata_check", id="tidak-ada")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_demo_dataset_is_complete_for_submission():
    from ckanext.satudata import demo

    user = factories.Sysadmin()
    factories.Organization(name=demo.DEMO_DATASET["owner_org"])
    dataset = helpers.call_action("package_create", {"user": user["name"]},
                                  **demo.DEMO_DATASET)

    assert metadata.completeness(dataset)["complete"] is True


class TestDataResource:
    """A submission needs a CSV or XLSX file, uploaded or linked."""

    @pytest.mark.parametrize("resource", [
        {"format": "CSV", "url": "https://example.org/unduh?id=1"},
        {"format": "xlsx", "url": "https://example.org/unduh"},
        {"format": ".csv", "url": ""},
        {"format": "", "url": "https://example.org/data/tabel.CSV?v=2"},
        {"format": "", "url": "tabel.xlsx", "url_type": "upload"},
        {"format": "", "url": "x", "mimetype": "text/csv", "url_type": "upload"},
    ])
    def test_csv_or_xlsx_uploaded_or_linked_counts(self, resource):
        assert metadata.is_data_resource(resource)
        assert metadata.data_errors({"resources": [resource]}) == {}

    @pytest.mark.parametrize("resource", [
        {"format": "PDF", "url": "https://example.org/laporan.pdf"},
        {"format": "HTML", "url": "https://example.org/tabel"},
        {"format": "", "url": "https://example.org/tabel.csv.zip"},
        {"format": "CSV", "url": "tabel.csv", "state": "deleted"},
    ])
    def test_other_formats_do_not_count(self, resource):
        assert not metadata.is_data_resource(resource)
        errors = metadata.data_errors({"resources": [resource]})
        assert list(errors) == ["resources"]

    def test_no_resource_names_what_is_missing(self, app):
        errors = metadata.data_errors({"resources": []})
        assert len(errors["resources"]) == 1
        assert "CSV" in errors["resources"][0] and "XLSX" in errors["resources"][0]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestShowValidation:
    """``satudata_datasets`` moves the schema's fields out of the extras
    before scheming's output validation: what ``package_show`` and the
    search index get is what scheming alone gives."""

    @staticmethod
    def _stored(dataset: dict[str, Any]) -> dict[str, Any]:
        """The dataset as CKAN stores it (what the output validation gets)."""
        return helpers.call_action("package_show", context={"validate": False,
                                                            "use_cache": False},
                                   id=dataset["id"])

    @staticmethod
    def _validated(stored: dict[str, Any], validate: Any) -> tuple[Any, Any]:
        from ckan import model
        from ckan.lib import plugins as lib_plugins

        plugin = lib_plugins.lookup_package_plugin(stored["type"])
        return validate(plugin, {"model": model, "session": model.Session},
                        json.loads(json.dumps(stored)), plugin.show_package_schema(),
                        "package_show")

    def _both(self, dataset: dict[str, Any], change: Any = None) -> tuple[Any, Any]:
        from ckanext.scheming.plugins import SchemingDatasetsPlugin

        stored = self._stored(dataset)
        if change:
            change(stored)
        # the errors are not compared: CKAN's package_show and its indexing
        # do not read them (scheming reports each extra it emptied as missing)
        ours, _errors = self._validated(stored, type(self._plugin()).validate)
        scheming, _errors = self._validated(stored, SchemingDatasetsPlugin.validate)
        return ours, scheming

    @staticmethod
    def _plugin() -> Any:
        from ckan.lib import plugins as lib_plugins
        return lib_plugins.lookup_package_plugin("dataset")

    def test_the_dataset_plugin_is_satudatas(self):
        assert type(self._plugin()).__name__ == "SatudataDatasetsPlugin"

    def test_a_complete_dataset_validates_as_scheming_alone_validates_it(self, org):
        dataset = factories.Dataset(owner_org=org["id"], **full_metadata(),
                                    resources=[DATA_LINK])
        ours, scheming = self._both(dataset)
        assert ours == scheming
        assert ours["variables"][0]["name"] and ours["unit"] and "extras" not in ours

    @pytest.mark.parametrize("change", [
        pytest.param(lambda d: None, id="a draft"),
        pytest.param(lambda d: [e.update(value="") for e in d["extras"] if e["key"] == "unit"],
                     id="an empty field"),
        pytest.param(lambda d: d.update(unit="orang"), id="a field also at the top level"),
        pytest.param(lambda d: d["extras"].append({"key": "concept", "value": None}),
                     id="a field without a value"),
        pytest.param(lambda d: d.update(measure=["a", "b"]), id="a list where text belongs"),
        pytest.param(lambda d: d["extras"].append({"key": "variables", "value": json.dumps(
            [{"name": "tahun", "definition": "Tahun", "data_type": "integer"}])}),
                     id="the variables"),
    ])
    def test_a_sparse_or_odd_dataset_validates_as_scheming_alone_validates_it(
            self, org, change):
        dataset = factories.Dataset(owner_org=org["id"], unit="jiwa")
        ours, scheming = self._both(dataset, change)
        assert ours == scheming

    def test_extras_outside_the_schema_stay_extras(self, org):
        dataset = factories.Dataset(owner_org=org["id"], **full_metadata(),
                                    extras=[{"key": "catatan_lama", "value": "dari SIPD"}])
        ours, scheming = self._both(dataset)
        assert ours == scheming
        assert ours["extras"] == [{"key": "catatan_lama", "value": "dari SIPD"}]

    def test_lifting_moves_the_fields_and_keeps_the_rest(self):
        schema = metadata.dataset_schema()
        stored = {"type": "dataset", "extras": [
            {"key": "unit", "value": "orang"},
            {"key": "variables", "value": json.dumps([{"name": "tahun"}])},
            {"key": "catatan_lama", "value": "x"}]}
        lifted = metadata.lift_extras(stored, schema)
        assert lifted == {"type": "dataset", "unit": "orang", "variables": [{"name": "tahun"}],
                          "extras": [{"key": "catatan_lama", "value": "x"}]}
        assert stored["extras"][0] == {"key": "unit", "value": "orang"}  # not changed


class TestSaveValidation:
    """``satudata_datasets`` moves the schema's fields to the extras once,
    after scheming's input validators: a create or update stores what
    scheming alone stores, and refuses what it refuses."""

    @staticmethod
    def _extras(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The validated dataset without its extras, and its extras as
        CKAN saves them (by key, the last of a key wins)."""
        data = dict(data)
        return data, {e["key"]: e["value"] for e in data.pop("extras", None) or []}

    def _both(self, action: str, data_dict: dict[str, Any]) -> tuple[Any, Any]:
        """Ours and scheming's result, as a sysadmin (who may use any OPD)."""
        from ckan import model
        from ckan.lib import plugins as lib_plugins
        from ckanext.scheming.plugins import SchemingDatasetsPlugin

        plugin = lib_plugins.lookup_package_plugin("dataset")
        schema = (plugin.create_package_schema if action == "package_create"
                  else plugin.update_package_schema)
        results = []
        user = factories.Sysadmin()["name"]
        for validate in (type(plugin).validate, SchemingDatasetsPlugin.validate):
            context = {"model": model, "session": model.Session, "user": user}
            data, errors = validate(plugin, context, json.loads(json.dumps(data_dict)),
                                    schema(), action)
            results.append((self._extras(data), errors))
        return results[0], results[1]

    @pytest.mark.parametrize("action", ["package_create", "package_update"])
    @pytest.mark.parametrize("change", [
        pytest.param({}, id="complete"),
        pytest.param({"government_affairs": [], "data_year": "", "concept": None,
                      "unit": "   "}, id="emptied fields"),
        pytest.param({"extras": [{"key": "catatan_lama", "value": "x"}]}, id="extras"),
        pytest.param({"extras": [{"key": "data_year", "value": "1999"}]},
                     id="an extra named like a field (refused)"),
        pytest.param({"update_frequency": "tiap-detik", "data_year": "abc"}, id="refused"),
        pytest.param({"priority_data": True, "sdgs_goals": "3"}, id="other shapes"),
    ])
    def test_a_dataset_is_saved_as_scheming_alone_saves_it(self, org, action, change):
        data_dict = dict(full_metadata(), name="tenaga-kesehatan", title="Tenaga kesehatan",
                         owner_org=org["id"], type="dataset", **change)
        (ours, our_errors), (scheming, scheming_errors) = self._both(action, data_dict)
        assert our_errors == scheming_errors
        if not our_errors:  # a refused dataset is not saved: its data is not compared
            assert ours == scheming

    def test_filled_fields_become_extras_and_emptied_ones_do_not(self, org):
        data_dict = dict(full_metadata(), name="tenaga-kesehatan", title="Tenaga kesehatan",
                         owner_org=org["id"], type="dataset", government_affairs=[],
                         data_year="", concept=None)
        ((data, extras), errors), _scheming = self._both("package_update", data_dict)
        assert not errors
        assert extras["indicator_name"] == full_metadata()["indicator_name"]
        assert json.loads(extras["variables"])[0]["name"] == \
            full_metadata()["variables"][0]["name"]
        assert not {"government_affairs", "data_year", "concept"} & set(extras)



def test_an_unnamed_data_file_is_listed_by_its_file_name():
    """A file uploaded without a name was listed (in the data check, the
    review, the submission's refusal) as its whole address, with the host
    and the uploader's "/en/" prefix."""
    address = ("http://127.0.0.1:5000/en/dataset/95c8/resource/6eb4/download/"
               "tabel%20puskesmas.csv?x=1")
    assert metadata.data_file_label({"url": address}) == "tabel puskesmas.csv"
    assert metadata.data_file_label({"name": "Tabel 1", "url": address}) == "Tabel 1"
    assert metadata.data_file_label({}) == ""

# -*- coding: utf-8 -*-
"""A small region for the workflow tests: the walidata, two OPDs, a user for
each role and a round with its requests. Everything is created through the
actions, against the real database."""
from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers


@dataclasses.dataclass
class Region:
    walidata: dict[str, Any]
    opd_a: dict[str, Any]
    opd_b: dict[str, Any]
    users: dict[str, dict[str, Any]]
    round: dict[str, Any]
    requests: list[dict[str, Any]]

    def ctx(self, who: str) -> dict[str, Any]:
        """A fresh action context for one of ``users`` ("anonymous": none)."""
        return {"user": "" if who == "anonymous" else self.users[who]["name"],
                "ignore_auth": False}

    def call(self, who: str, action: str, **data: Any) -> Any:
        return helpers.call_action(action, context=self.ctx(who), **data)

    def request_of(self, org: dict[str, Any]) -> dict[str, Any]:
        return next(r for r in self.requests if r["owner_org"] == org["id"])


def build_region(item_titles: tuple[str, ...] = ("Jumlah Puskesmas",)) -> Region:
    sysadmin = factories.Sysadmin(name="sysadmin-uji", password="correct123")

    def user(name: str) -> dict[str, Any]:
        return factories.User(name=name, email=f"{name}@example.org", password="correct123")

    users = {
        "sysadmin": sysadmin,
        "public": user("warga"),
        "producer": user("produsen-a"),
        "producer_b": user("produsen-b"),
        "verifier": user("verifikator"),
        "kabid": user("kabid"),
        "kadis": user("kadis"),
        "walidata_admin": user("admin-walidata"),
    }
    walidata = factories.Organization(
        name=tk.config.get("satudata.walidata_organization"), title="Diskominfo",
        users=[{"name": users["walidata_admin"]["name"], "capacity": "admin"},
               {"name": users["verifier"]["name"], "capacity": "editor"}])
    opd_a = factories.Organization(name="dinas-kesehatan", title="Dinas Kesehatan",
                                   users=[{"name": "produsen-a", "capacity": "editor"}])
    opd_b = factories.Organization(name="dinas-pendidikan", title="Dinas Pendidikan",
                                   users=[{"name": "produsen-b", "capacity": "editor"}])
    site = {"user": sysadmin["name"]}
    for name, role in [("verifikator", "verifikator"), ("kabid", "kabid"),
                       ("kadis", "kadis")]:
        helpers.call_action("satudata_role_create", context=dict(site), user=name, role=role)
    for title in item_titles:
        for org in (opd_a, opd_b):
            helpers.call_action("satudata_daftar_data_create", context=dict(site),
                                title=title, owner_org=org["name"], year=2026,
                                update_frequency="annual", government_affairs=["1.02"],
                                unit="unit")
    round_ = helpers.call_action(
        "satudata_round_create", context=dict(site), name="semester-1-2026",
        title="Semester I 2026", year=2026, start_date="2026-01-05")
    helpers.call_action("satudata_round_send", context=dict(site), id=round_["id"])
    requests = helpers.call_action("satudata_request_list", context=dict(site),
                                   round_id=round_["id"])["results"]
    return Region(walidata, opd_a, opd_b, users, round_, requests)


@pytest.fixture
def region(clean_db, clean_index) -> Region:
    return build_region()


def _value_for(field: dict[str, Any]) -> Any:
    """A valid value for a scheming field of the satudata dataset schema,
    derived from the field's own definition (so the helper follows the
    schema as it grows)."""
    from ckanext.satudata.lib import reference

    if "repeating_subfields" in field:
        return [{sub["field_name"]: _value_for(sub) for sub in field["repeating_subfields"]}]
    code_list = field.get("satudata_code_list")
    preset = field.get("preset", "")
    if code_list:
        code = reference.codes(code_list)[0].code
        return [code] if preset == "satudata_codes" else code
    if field.get("choices"):
        return field["choices"][0]["value"]
    if field["field_name"] == "license_id":
        return "cc-by"
    if preset == "satudata_year":
        return "2025"
    if preset == "satudata_email" or field["field_name"].endswith("email"):
        return "data@example.org"
    if preset == "satudata_flag":
        return "true"
    if preset == "satudata_url":
        return "https://example.org"
    return f"Uji {field['field_name']}"


#: the data file a submission needs (metadata.is_data_resource): a link to a CSV
DATA_LINK = {"name": "Tabel data", "url": "https://data.example.org/tabel.csv",
             "format": "CSV"}


def complete_metadata(package_id: str, user: str) -> dict[str, Any]:
    """Fill in every field the satudata schema needs before submission, as
    the producer ``user`` would (package_patch with their rights), and add a
    data resource (a link to a CSV file) unless the dataset has one."""
    from ckanext.satudata.lib import metadata

    values = {f["field_name"]: _value_for(f)
              for f in metadata.required_fields("submit")
              if f["field_name"] not in ("title", "name", "owner_org")}
    result = helpers.call_action("package_patch", context={"user": user},
                                 id=package_id, **values)
    if metadata.data_errors(result):
        helpers.call_action("resource_create", context={"user": user},
                            package_id=package_id, **DATA_LINK)
        result = helpers.call_action("package_show", context={"user": user},
                                     id=package_id)
    return result

# -*- coding: utf-8 -*-
"""The demo loads a round whose requests show the workflow's states."""
from __future__ import annotations

import pytest

from ckan.tests import helpers

from ckanext.satudata import demo


@pytest.mark.ckan_config("satudata.walidata_organization", demo.WALIDATA["name"])
@pytest.mark.usefixtures("clean_db", "clean_index")
def test_demo_round_has_requests_in_several_states():
    lines = list(demo.load("demo-password"))
    assert any("Demo collection round" in line for line in lines), lines
    assert not any("stopped" in line for line in lines), lines
    result = helpers.call_action("satudata_request_list", context={"user": "admin"},
                                 round_id="demo-semester-2", limit=100)
    states = {r["item_title"]: r["state"] for r in result["results"]}
    assert states["Jumlah Tenaga Kesehatan Menurut Jenis"] == "published"
    assert states["Angka Partisipasi Murni SD"] == "scheduled"
    assert states["Jumlah Puskesmas Menurut Kecamatan"] == "returned"
    assert states["Cakupan Imunisasi Dasar Lengkap"] == "verified"
    assert states["Jumlah Sekolah Menurut Jenjang"] == "submitted"
    assert states["Indeks Pembangunan Manusia"] == "requested"
    # each OPD describes its own indicator (every demo dataset carried the
    # health workers' metadata, urusan Kesehatan on school enrolment)
    for request in result["results"]:
        if request["package_id"] and request["state"] != "requested":
            shown = helpers.call_action("package_show", context={"user": "admin"},
                                        id=request["package_id"])
            health = request["owner_org"] == shown["owner_org"] == helpers.call_action(
                "organization_show", id="dinas-kesehatan")["id"]
            assert shown["government_affairs"] == (["1.02"] if health else ["1.01"])
            assert ("tenaga kesehatan" in shown["notes"]) == (
                request["item_title"] == "Jumlah Tenaga Kesehatan Menurut Jenis")
    # the published one is public and the only one the public can find
    found = helpers.call_action("package_search", context={"user": ""}, q="*:*")
    # (one dataset per indicator: titled after the item, its periods on its tables)
    assert [d["title"] for d in found["results"]] == ["Jumlah Tenaga Kesehatan Menurut Jenis"]
    # an OPD's members are its people, not the site's own account
    site = helpers.call_action("get_site_user")["name"]
    members = helpers.call_action("member_list", id="dinas-kesehatan", object_type="user")
    assert members and helpers.call_action("user_show", id=site)["id"] not in {
        m[0] for m in members}
    # idempotent
    list(demo.load("demo-password"))
    assert helpers.call_action("satudata_request_list", context={"user": "admin"},
                               round_id="demo-semester-2")["count"] == len(states)

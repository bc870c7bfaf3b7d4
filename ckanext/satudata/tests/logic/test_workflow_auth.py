# -*- coding: utf-8 -*-
"""The auth matrix: every workflow action × every kind of user, each cell
asserted. A row is (action, the state/level the request is put in, the
users allowed); everyone else must get NotAuthorized. Sysadmins pass CKAN's
own checks, but not the state table's: a transition is taken only by the
actor the table names."""
from __future__ import annotations

import io
from typing import Any, Optional

import pytest
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.model import DataRequest

from ..factories import complete_metadata


USERS = ["anonymous", "public", "producer", "producer_b", "verifier", "kabid", "kadis",
         "walidata_admin", "sysadmin"]
ADMINS = {"walidata_admin", "sysadmin"}
STAFF = {"verifier", "kabid", "kadis", "walidata_admin", "sysadmin"}
ANY_PRODUCER = {"producer", "producer_b"}

# action, (state, approval_level) to put OPD A's request in (None: as sent),
# the object the data dict points at, who is allowed
MATRIX: list[tuple[str, Optional[tuple[str, int]], str, set[str]]] = [
    ("satudata_daftar_data_create", None, "none", ADMINS),
    ("satudata_daftar_data_update", None, "item", ADMINS),
    ("satudata_daftar_data_delete", None, "item", ADMINS),
    ("satudata_daftar_data_import", None, "none", ADMINS),
    ("satudata_daftar_data_show", None, "item", STAFF | {"producer"}),
    ("satudata_daftar_data_list", None, "none", STAFF | ANY_PRODUCER),
    ("satudata_round_create", None, "none", ADMINS),
    ("satudata_round_update", None, "round", ADMINS),
    ("satudata_round_send", None, "round", ADMINS),
    ("satudata_round_show", None, "round", STAFF | ANY_PRODUCER),
    ("satudata_round_list", None, "none", STAFF | ANY_PRODUCER),
    ("satudata_round_status", None, "round", STAFF),
    ("satudata_round_export", None, "round", STAFF),
    ("satudata_daftar_data_template", None, "none", ADMINS),
    ("satudata_request_list", None, "none", STAFF | ANY_PRODUCER),
    ("satudata_request_show", None, "request", STAFF | {"producer"}),
    ("satudata_request_event_list", None, "request", STAFF | {"producer"}),
    ("satudata_request_link_dataset", None, "request", {"producer", "sysadmin"}),
    ("satudata_request_acknowledge", None, "request", {"producer"}),
    # the transitions are decided by the state table, sysadmins included:
    # nobody verifies or approves without the role of the level
    ("satudata_request_submit", None, "request", {"producer"}),
    ("satudata_request_resubmit", ("returned", 0), "request", {"producer"}),
    ("satudata_request_return", ("submitted", 0), "request", {"verifier"}),
    ("satudata_request_return", ("verified", 1), "request", {"kabid"}),
    ("satudata_request_return", ("verified", 2), "request", {"kadis"}),
    ("satudata_request_verify", ("submitted", 0), "request", {"verifier"}),
    ("satudata_request_approve", ("verified", 1), "request", {"kabid"}),
    ("satudata_request_approve", ("verified", 2), "request", {"kadis"}),
    ("satudata_request_cancel", ("submitted", 0), "request", ADMINS),
    # a step beside the table: walidata administrators override personal-data
    # findings (the engine re-checks under the lock); the check results are
    # for the producers and the reviewers
    ("satudata_request_override_screening", None, "request", ADMINS),
    ("satudata_request_override_screening", ("verified", 1), "request", ADMINS),
    ("satudata_data_check_list", None, "dataset", STAFF | {"producer"}),
    # a round's letters and documents: staff, and the producers of its OPDs;
    # a producer only the Surat Permintaan Data to their own OPD
    ("satudata_letter_list", None, "round", STAFF | ANY_PRODUCER),
    ("satudata_letter_export", None, "letter", STAFF | {"producer"}),
    ("satudata_letter_export", None, "record", STAFF),
    ("satudata_letter_issue", None, "round", {"verifier", "walidata_admin", "sysadmin"}),
    ("satudata_round_document_create", None, "round", STAFF),
    ("satudata_round_document_list", None, "round", STAFF | ANY_PRODUCER),
    ("satudata_round_document_export", None, "document", STAFF | ANY_PRODUCER),
    ("satudata_round_document_delete", None, "document", STAFF),
    # a round's stages and report: its drafters (the administrators unless
    # satudata.roles.draft names roles) and the chain's role holders
    ("satudata_round_advance", None, "round", ADMINS),
    ("satudata_round_report_show", None, "round", STAFF),
    ("satudata_round_report_update", None, "round", ADMINS),
    ("satudata_round_report_submit", None, "round", ADMINS),
    ("satudata_round_report_approve", None, "round", {"verifier", "kabid", "kadis"}),
    ("satudata_round_report_return", None, "round", {"verifier", "kabid", "kadis"}),
    # the OPD head's approval and the forum: nobody here holds the OPD role
    # of a head (an editor is not) or the forum's (none configured); the
    # positive cells are in test_sop_magetan.py
    ("satudata_request_opd_approve", ("opd_review", 0), "request", set()),
    ("satudata_request_opd_return", ("opd_review", 0), "request", set()),
    ("satudata_forum_decide", None, "none", set()),
]


def _letter(region, kind: str) -> dict[str, Any]:
    """OPD A's Surat Permintaan Data (issued when the round was sent), or a
    Berita Acara issued after a verification."""
    if kind == "letter":
        mine = region.call("walidata_admin", "satudata_letter_list", id=region.round["id"])
        return {"id": next(x["id"] for x in mine if x["owner_org"] == region.opd_a["id"])}
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], region.users["producer"]["name"])
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    return {"id": region.call("verifier", "satudata_letter_issue", id=region.round["id"])["id"]}


def _target(region, kind: str) -> dict[str, Any]:
    request = region.request_of(region.opd_a)
    if kind in ("letter", "record"):
        return _letter(region, kind)
    if kind == "document":
        return {"id": region.call(
            "walidata_admin", "satudata_round_document_create", id=region.round["id"],
            upload=FileStorage(io.BytesIO(b"kode,indikator\n1,IPM\n"), "matriks.csv"))["id"]}
    return {"none": {}, "item": {"id": request["item_id"]},
            "round": {"id": region.round["id"]}, "request": {"id": request["id"]},
            "dataset": {"id": request["package_id"]}}[kind]


@pytest.mark.parametrize(
    "action,state,target,allowed", MATRIX,
    ids=[f"{a.replace('satudata_', '')}@{s[0] + str(s[1]) if s else 'sent'}"
         for a, s, _t, _u in MATRIX])
def test_auth_matrix(region, action, state, target, allowed):
    if state:
        request = model.Session.get(DataRequest, region.request_of(region.opd_a)["id"])
        request.state, request.approval_level = state
        model.Session.commit()
    data = _target(region, target)
    cells = {}
    for who in USERS:
        context = {"user": region.ctx(who)["user"], "model": model}
        try:
            helpers.call_auth(action, context, **data)
            cells[who] = True
        except tk.NotAuthorized:
            cells[who] = False
    assert cells == {who: who in allowed for who in USERS}


def test_producers_only_see_their_own_opd(region):
    a = region.call("producer", "satudata_request_list")
    b = region.call("producer_b", "satudata_request_list")
    staff = region.call("verifier", "satudata_request_list")
    assert {r["owner_org"] for r in a["results"]} == {region.opd_a["id"]}
    assert {r["owner_org"] for r in b["results"]} == {region.opd_b["id"]}
    assert staff["count"] == 2
    with pytest.raises(tk.NotAuthorized):
        region.call("producer_b", "satudata_request_show",
                    id=region.request_of(region.opd_a)["id"])
    with pytest.raises(tk.NotAuthorized):
        region.call("public", "satudata_request_list")

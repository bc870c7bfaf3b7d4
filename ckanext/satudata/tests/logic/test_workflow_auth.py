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

from ckanext.satudata.lib import workdays
from ckanext.satudata.model import DataRequest

from ..factories import berita_acara_upload, complete_metadata, magetan


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
    ("satudata_request_remind", None, "request", ADMINS),
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
    assert region.may(action, USERS, **data) == {who: who in allowed for who in USERS}


def test_producers_only_see_their_own_opd(region):
    a = region.call("producer", "satudata_request_list")
    b = region.call("producer_b", "satudata_request_list")
    staff = region.call("verifier", "satudata_request_list")
    assert {r["owner_org"] for r in a["results"]} == {region.opd_a["id"]}
    assert {r["owner_org"] for r in b["results"]} == {region.opd_b["id"]}
    assert staff["count"] == 2
    with pytest.raises(tk.ObjectNotFound):  # as if there were none
        region.call("producer_b", "satudata_request_show",
                    id=region.request_of(region.opd_a)["id"])
    with pytest.raises(tk.NotAuthorized):
        region.call("public", "satudata_request_list")


# -- issue I's actions × every role, the OPD heads and the forum included -----------------
# Played on the Magetan configuration (tests/logic/test_sop_magetan.py): the
# OPD's head approves first (OPD admins: head_a, head_b), the forum is a level
# of the chain (verifikator forum kabid kadis), the forum's member holds no
# other role (the world: conftest.magetan_region).



I_USERS = USERS + ["head_a", "head_b", "forum"]
I_STAFF = STAFF | {"forum"}
OPD_A = {"producer", "head_a"}
OPD_ANY = ANY_PRODUCER | {"head_a", "head_b"}
EVERYONE = set(I_USERS)

# action, (state, approval_level) of OPD A's request (None: as sent), the
# object pointed at, who is allowed
I_MATRIX: list[tuple[str, Optional[tuple[str, int]], str, set[str]]] = [
    ("satudata_letter_list", None, "round", I_STAFF | OPD_ANY),
    ("satudata_letter_export", None, "letter", I_STAFF | OPD_A),
    ("satudata_letter_export", None, "record", I_STAFF),
    ("satudata_letter_issue", None, "round", {"verifier", "walidata_admin", "sysadmin"}),
    ("satudata_round_document_create", None, "round", I_STAFF),
    ("satudata_round_document_list", None, "round", I_STAFF | OPD_ANY),
    ("satudata_round_document_export", None, "document", I_STAFF | OPD_ANY),
    ("satudata_round_document_delete", None, "document", I_STAFF),
    ("satudata_forum_decide", None, "none", {"forum"}),
    ("satudata_forum_decision_show", None, "decision", I_STAFF | OPD_A),
    ("satudata_request_opd_approve", ("opd_review", 0), "request", {"head_a"}),
    ("satudata_request_opd_return", ("opd_review", 0), "request", {"head_a"}),
    ("satudata_request_approve", ("verified", 1), "request", {"forum"}),
    ("satudata_request_approve", ("verified", 2), "request", {"kabid"}),
    ("satudata_round_advance", None, "round", ADMINS),
    ("satudata_round_report_show", None, "round", I_STAFF),
    ("satudata_round_report_update", None, "round", ADMINS),
    ("satudata_round_report_submit", None, "round", ADMINS),
    ("satudata_round_report_approve", None, "round", {"verifier", "forum", "kabid", "kadis"}),
    ("satudata_round_report_return", None, "round", {"verifier", "forum", "kabid", "kadis"}),
    # the release calendar is public; a release is (re)scheduled, postponed
    # or cancelled by who publishes: the administrators and the last level
    ("satudata_release_calendar", None, "none", EVERYONE),
    ("satudata_request_schedule", ("ready", 0), "request", ADMINS | {"kadis"}),
    ("satudata_request_unschedule", ("scheduled", 0), "request", ADMINS | {"kadis"}),
    # public data requests (permohonan data): any logged-in user asks, anyone
    # reads the list; the walidata answers
    ("satudata_public_request_create", None, "none", EVERYONE - {"anonymous"}),
    ("satudata_public_request_list", None, "none", EVERYONE),
    ("satudata_public_request_show", None, "public_request", EVERYONE),
    ("satudata_public_request_accept", None, "public_request", I_STAFF),
    ("satudata_public_request_reject", None, "public_request", I_STAFF),
    ("satudata_public_request_plan", None, "public_request", ADMINS),
]


def _i_target(region, kind: str) -> dict[str, Any]:
    if kind == "decision":
        request = model.Session.get(DataRequest, region.request_of(region.opd_a)["id"])
        request.state, request.approval_level = "verified", 1
        model.Session.commit()
        decision = region.call("forum", "satudata_forum_decide", ids=request.id,
                               decision="return", reason="Angka tidak konsisten",
                               decree_number="188/1/2027",
                               meeting_date=workdays.today().isoformat(),
                               berita_acara=berita_acara_upload())
        return {"id": decision["id"]}
    if kind == "record":     # a Berita Acara, once the OPD's head and the verifier decided
        request = region.request_of(region.opd_a)
        complete_metadata(request["package_id"], region.users["producer"]["name"])
        region.call("producer", "satudata_request_submit", id=request["id"])
        region.call("head_a", "satudata_request_opd_approve", id=request["id"])
        region.call("verifier", "satudata_request_verify", id=request["id"])
        return {"id": region.call("verifier", "satudata_letter_issue",
                                  id=region.round["id"])["id"]}
    if kind == "public_request":
        return {"id": region.call("public", "satudata_public_request_create",
                                  title="Jumlah posyandu per desa",
                                  description="Untuk penelitian")["id"]}
    return _target(region, kind)


@magetan
@pytest.mark.parametrize(
    "action,state,target,allowed", I_MATRIX,
    ids=[f"{a.replace('satudata_', '')}@{t}{'-' + s[0] + str(s[1]) if s else ''}"
         for a, s, t, _u in I_MATRIX])
def test_auth_matrix_of_issue_i(magetan_region, action, state, target, allowed):
    region = magetan_region
    if state:
        request = model.Session.get(DataRequest, region.request_of(region.opd_a)["id"])
        request.state, request.approval_level = state
        model.Session.commit()
    data = _i_target(region, target)
    assert region.may(action, I_USERS, **data) == {who: who in allowed for who in I_USERS}


#: actions whose auth is asserted elsewhere, each with where
ELSEWHERE = {
    "satudata_public_request_extend": "test_public_requests.py::test_auth_matrix",
    "satudata_public_request_fulfil": "test_public_requests.py::test_auth_matrix",
    "satudata_public_request_datasets": "test_public_requests.py::test_auth_matrix",
}


def test_every_action_of_issue_i_is_in_a_matrix():
    """A completeness guard: a new action of issue I (letters, round
    documents, the forum, the OPD head, round stages and report, release
    calendar, public requests) without its row fails here."""
    from ckanext.satudata.logic import action

    issue_i = {name for name in action.__all__ if name.startswith((
        "satudata_letter_", "satudata_round_document_", "satudata_forum_",
        "satudata_request_opd_", "satudata_round_advance", "satudata_round_report_",
        "satudata_release_calendar", "satudata_request_schedule",
        "satudata_request_unschedule", "satudata_public_request_"))}
    assert len(issue_i) > 25
    rows = {row[0] for row in I_MATRIX}
    assert issue_i - rows - set(ELSEWHERE) == set()


def test_a_portal_without_the_opd_heads_review_says_so(region):
    """Without ``satudata.opd_approval`` the OPD head's steps were refused
    as "only the head of the requested OPD", to the OPD's head too."""
    request = region.request_of(region.opd_a)
    for who in ("producer", "sysadmin"):
        for action in ("satudata_request_opd_approve", "satudata_request_opd_return"):
            with pytest.raises(tk.NotAuthorized) as err:
                region.call(who, action, id=request["id"], note="x")
            assert "satudata.opd_approval" in str(err.value), (who, action, str(err.value))


def test_a_portal_without_a_forum_says_so(region):
    """Where no level of the chain is the Forum Satu Data, recording its
    decision was refused to everyone (the sysadmin included) as "only
    members of the Forum Satu Data": a forum nobody could join. A release
    is cancelled, not "scheduled", by whom its refusal names."""
    request = region.request_of(region.opd_a)
    for who in ("sysadmin", "walidata_admin", "kadis"):
        with pytest.raises(tk.NotAuthorized) as err:
            region.call(who, "satudata_forum_decide", ids=request["id"], decision="approve")
        assert "satudata.forum_level" in str(err.value), who
    with pytest.raises(tk.NotAuthorized) as err:
        region.call("producer", "satudata_request_unschedule", id=request["id"])
    assert "cancel a scheduled release" in str(err.value)

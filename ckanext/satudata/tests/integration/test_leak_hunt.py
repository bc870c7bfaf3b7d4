# -*- coding: utf-8 -*-
"""Leak hunt: nothing of unpublished data reaches the public or another OPD.

With unpublished datasets present — a private draft, one under
verification, one scheduled for release, one withdrawn, and a published one
whose revision (secret title, notes and a new resource) is under review —
and published datasets with a past — one whose resource had a description
only while it was private and whose later revision (secret notes and tag)
was returned and then cancelled, one withdrawn, edited by its producer
(staged) and published again (the approved version) — the test walks **every GET route** of the Flask app and calls **every
read-only action** (through the HTTP API when the action is GET-able,
directly otherwise), as anonymous and as a producer of a third OPD, and
looks for the unpublished datasets' ids, names and titles, their resource
ids, their tags (names and ids) and resource formats, the staged revisions'
strings and the private-era text in every answer (HTML, JSON, RDF, Atom,
XLSX, redirects, error messages), history pages and activity diffs
included.

Rules:

* an identifier the request itself contains may be echoed back (a 404 page
  repeating its URL); any *other* secret in that answer is a leak (e.g. an
  error message that turns a name into an id);
* the scheduled dataset's title is announced on the release calendar (page
  and action) and in the home page's upcoming releases, and only there;
* the progress dashboard shows counts, never names.

The published dataset must be found (positive control). The routes and
actions are listed explicitly with how they are called (:data:`ROUTES`,
:data:`ACTIONS`) or why they are skipped (:data:`SKIPPED_ROUTES`,
:data:`SKIPPED_ACTIONS`); ``test_every_route_and_read_action_is_listed``
fails when a route or read-only action appears that the lists do not name.
"""
from __future__ import annotations

import base64
import dataclasses
import io
import json
import re
import urllib.parse
import zipfile
from typing import Any, Callable, Iterable

import pypdf
import pytest
from werkzeug.datastructures import FileStorage

import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata import jobs as satudata_jobs
from ckanext.satudata.views import requests as request_views

from ..factories import (CollectionRound, DaftarDataItem, build_region, complete_metadata,
                         csv_upload, publish, to_ready)

REQUESTER_EMAIL = "pemohon.rahasia.r7@example.org"
REQUESTER_PHONE = "0812-7373-0042"
STAGED_TITLE = "Revisi Rahasia Judul Kx41"
STAGED_NOTES = "Revisi rahasia catatan Zq93"
STAGED_RESOURCE = "Lampiran Revisi Rahasia Wv27"
#: a resource description of the published dataset while it was still private
PRIVATE_ERA = "Keterangan Masa Privat Pv55"
#: staged notes of a revision that was returned and then cancelled
CANCELLED_REVISION = "Revisi Batal Rahasia Cr61"
#: staged notes written while the dataset was withdrawn, before it was published again
WITHDRAWN_EDIT = "Suntingan Saat Ditarik Rahasia Rw38"
#: the title of a Daftar Data item requested by a second send of the round: in
#: the Surat Permintaan Data to OPD A and in the Berita Acara
LETTER_ITEM = "Surat Rahasia Permintaan Lt83"
#: the title and content of a document uploaded to the round
DOCUMENT_TITLE = "Matriks Indikator Rahasia Dk52"
DOCUMENT_TEXT = "Isi Dokumen Putaran Rahasia Dc19"
#: the table of a published dataset's second period, in verification
SECOND_PERIOD = "Periode Kedua Rahasia Pd72"
#: a value of the staged revision's new file (which replaces the live table
#: of the published dataset under revision): never in the DataStore before
#: the revision is published
STAGED_DATA = "8675309123"
#: a value of each unpublished dataset's table (loaded into the DataStore)
SECRET_DATA = {"draft": "5550101", "verification": "5550202", "scheduled": "5550303",
               "withdrawn": "5550404"}
#: the decree number and the Berita Acara of the forum's decision on the
#: scheduled request (not public: the request is not)
FORUM_DECREE = "Keputusan Forum Rahasia Fk52"
FORUM_RECORD = "Berita Acara Rahasia Ba83"
#: the SK decree (PDF) of a Daftar Data item: for who may see the item only
SK_TEXT = "SK Bupati Rahasia Sk64"
#: OPD A's item in an all-in round (verify only when every OPD has delivered)
#: that the third OPD's producer is also in: they learn the round waits, not for what
ALL_IN_ITEM = "Item Rahasia Semua Masuk Ai47"
#: the draft report of that round (its report stage): walidata staff only
REPORT_TEXT = "Laporan Putaran Rahasia Lp36"
#: kinds of datasets the public must find
PUBLIC = ("revision", "published", "republished")
#: tags that only unpublished data (datasets or staged revisions) carries
SECRET_TAGS = {kind: f"rahasia-tag-{kind}" for kind in
               ("draft", "verification", "scheduled", "withdrawn", "staged",
                "cancelled_revision", "republished")}
#: resource formats that only unpublished datasets have
SECRET_FORMATS = {kind: f"rhsfmt{kind}" for kind in
                  ("draft", "verification", "scheduled", "withdrawn")}


@dataclasses.dataclass
class World:
    region: Any
    datasets: dict[str, dict[str, Any]]        # kind -> package dict (sysadmin view)
    resources: dict[str, list[str]]            # kind -> resource ids
    staged_resource_id: str
    second_period_resource_id: str             # the unpublished period's table
    requests: dict[str, dict[str, Any]]        # kind -> request
    activity_ids: list[tuple[str, str, str]]   # (activity id, dataset id, dataset name)
    producer_c: dict[str, Any]
    token: str
    org_c: dict[str, Any]
    group: dict[str, Any]
    tag_ids: dict[str, str]                    # secret tag name -> tag id
    #: public data requests: one answered with the draft dataset (waiting for
    #: its publication), one just submitted
    public_request_ids: list[str] = dataclasses.field(default_factory=list)
    #: the round's letters (request letters, a Berita Acara) and documents
    letter_ids: list[str] = dataclasses.field(default_factory=list)
    document_ids: list[str] = dataclasses.field(default_factory=list)
    #: the staged revision's resources that are not live (new files)
    staged_resource_ids: list[str] = dataclasses.field(default_factory=list)
    #: the Forum Satu Data's decision on the scheduled request
    forum_decision_id: str = ""
    #: the all-in round and the reported one: their requests, items; the
    #: all-in round's letters
    all_in_round: dict[str, Any] = dataclasses.field(default_factory=dict)
    all_in_request_ids: list[str] = dataclasses.field(default_factory=list)
    all_in_item_ids: list[str] = dataclasses.field(default_factory=list)
    all_in_letter_ids: list[str] = dataclasses.field(default_factory=list)
    #: a round in its report stage, with a draft report
    report_round: dict[str, Any] = dataclasses.field(default_factory=dict)

    UNPUBLISHED = ("draft", "verification", "scheduled", "withdrawn")

    def secrets(self) -> dict[str, str]:
        """secret string -> what it is."""
        found: dict[str, str] = {}
        for kind in self.UNPUBLISHED:
            pkg = self.datasets[kind]
            found[pkg["id"]] = f"{kind} dataset id"
            found[pkg["name"]] = f"{kind} dataset name"
            found[pkg["title"]] = f"{kind} dataset title"
            for rid in self.resources[kind]:
                found[rid] = f"{kind} resource id"
            found[SECRET_DATA[kind]] = f"{kind} table data (DataStore)"
        for kind, tag in SECRET_TAGS.items():
            found[tag] = f"{kind} tag"
            if tag in self.tag_ids:
                found[self.tag_ids[tag]] = f"{kind} tag id"
        for kind, fmt in SECRET_FORMATS.items():
            found[fmt] = found[fmt.upper()] = f"{kind} resource format"
        found[PRIVATE_ERA] = "private-era resource description of a published dataset"
        found[CANCELLED_REVISION] = "notes of a cancelled revision"
        found[WITHDRAWN_EDIT] = "notes staged while withdrawn"
        found[STAGED_TITLE] = "staged revision title"
        found[STAGED_NOTES] = "staged revision notes"
        found[STAGED_RESOURCE] = "staged revision resource name"
        found[self.staged_resource_id] = "staged revision resource id"
        found[SECOND_PERIOD] = "second period's table name (not published)"
        found[self.second_period_resource_id] = "second period's table id (not published)"
        for rid in self.staged_resource_ids:
            found[rid] = "staged revision resource id"
        found[STAGED_DATA] = "staged revision file data (DataStore)"
        found[REQUESTER_EMAIL] = "a public data request's contact e-mail"
        found[REQUESTER_PHONE] = "a public data request's contact telephone"
        found[LETTER_ITEM] = "an item of a request letter and of the Berita Acara"
        found[DOCUMENT_TITLE] = "the title of a round's uploaded document"
        found[DOCUMENT_TEXT] = "the content of a round's uploaded document"
        found[FORUM_DECREE] = "the forum's decree number of an unpublished request"
        found[FORUM_RECORD] = "the forum's Berita Acara of an unpublished request"
        found[SK_TEXT] = "a Daftar Data item's SK decree"
        found[ALL_IN_ITEM] = "another OPD's item in an all-in round"
        found[REPORT_TEXT] = "a round's draft report"
        return found

    def dataset_refs(self) -> list[str]:
        return [v for pkg in self.datasets.values() for v in (pkg["id"], pkg["name"])]

    def users(self) -> list[str]:
        return [u["name"] for u in self.region.users.values()] + [self.producer_c["name"]]

    def orgs(self) -> list[str]:
        r = self.region
        return [o[k] for o in (r.walidata, r.opd_a, r.opd_b, self.org_c) for k in ("name", "id")]


def _rename(region, who, request, name, title, tags):
    return region.call(who, "package_patch", id=request["package_id"], name=name,
                       title=title, tag_string=",".join(tags))


def build_world() -> World:
    region = build_region(item_titles=("Jumlah Puskesmas", "Jumlah Sekolah", "Jumlah Guru",
                                       "Jumlah Bidan"))
    a = [r for r in region.requests if r["owner_org"] == region.opd_a["id"]]
    b = [r for r in region.requests if r["owner_org"] == region.opd_b["id"]]
    kinds = {"draft": ("producer", a[0]), "verification": ("producer", a[1]),
             "scheduled": ("producer", a[2]), "withdrawn": ("producer_b", b[0]),
             "revision": ("producer_b", b[1]), "published": ("producer_b", b[2]),
             "republished": ("producer_b", b[3])}
    titles = {"draft": "Draf Rahasia Qa0x", "verification": "Verifikasi Rahasia Qa1y",
              "scheduled": "Jadwal Rilis Rahasia Qa2z", "withdrawn": "Ditarik Rahasia Qb0w",
              "revision": "Data Terbit Direvisi", "published": "Data Terbit Umum",
              "republished": "Data Terbit Ulang"}
    for kind, (who, request) in kinds.items():
        secret_tag = [SECRET_TAGS[kind]] if kind in World.UNPUBLISHED else []
        _rename(region, who, request, f"{kind}-set-{request['id'][:6]}", titles[kind],
                ["kesehatan", *secret_tag])
        resource = region.call(who, "resource_create", package_id=request["package_id"],
                               name=f"Tabel {kind}", url="tabel.csv",
                               format=SECRET_FORMATS.get(kind, "CSV"),
                               upload=csv_upload(
                                   f"tahun,jumlah\n2025,{SECRET_DATA.get(kind, 1)}\n"))
        if kind == "published":  # text of its private era, replaced before publication
            region.call(who, "resource_patch", id=resource["id"], description=PRIVATE_ERA)
            region.call(who, "resource_patch", id=resource["id"],
                        description="Keterangan tabel")

    complete_metadata(a[1]["package_id"], region.users["producer"]["name"])
    region.call("producer", "satudata_request_submit", id=a[1]["id"])
    region.call("verifier", "satudata_request_verify", id=a[1]["id"])
    # the Kabid's level as the Forum Satu Data: its decision, with the decree
    # number and the Berita Acara, is as private as the request
    complete_metadata(a[2]["package_id"], region.users["producer"]["name"])
    region.call("producer", "satudata_request_submit", id=a[2]["id"])
    region.call("verifier", "satudata_request_verify", id=a[2]["id"])
    tk.config["satudata.forum_level"] = "kabid"
    try:
        forum_decision_id = region.call(
            "kabid", "satudata_forum_decide", ids=[a[2]["id"]], decision="approve",
            decree_number=FORUM_DECREE, meeting_date="2026-01-05",
            berita_acara=FileStorage(io.BytesIO(b"%PDF-1.4\n" + FORUM_RECORD.encode()),
                                     "berita-acara.pdf"))["id"]
    finally:
        tk.config["satudata.forum_level"] = ""
    region.call("kadis", "satudata_request_approve", id=a[2]["id"])
    region.call("kadis", "satudata_request_schedule", id=a[2]["id"],
                release_at="2099-01-02 09:00")
    for request in b:
        to_ready(region, request)
        publish(region, request)
    region.call("walidata_admin", "satudata_request_withdraw", id=b[0]["id"],
                note="Data keliru")
    # a revision of the published dataset, returned and cancelled: the live
    # version stays, the staged one is kept
    region.call("producer_b", "package_patch", id=b[2]["package_id"], notes=CANCELLED_REVISION,
                tag_string=f"kesehatan,{SECRET_TAGS['cancelled_revision']}")
    region.call("producer_b", "satudata_request_revise", id=b[2]["id"])
    region.call("verifier", "satudata_request_return", id=b[2]["id"], note="Belum lengkap")
    region.call("walidata_admin", "satudata_request_cancel_revision", id=b[2]["id"],
                note="Revisi tidak dilanjutkan")
    # withdrawn, edited by its producer (staged), published again: the approved version
    region.call("walidata_admin", "satudata_request_withdraw", id=b[3]["id"],
                note="Diperiksa ulang")
    region.call("producer_b", "package_patch", id=b[3]["package_id"], notes=WITHDRAWN_EDIT,
                tag_string=f"kesehatan,{SECRET_TAGS['republished']}")
    publish(region, b[3])
    # the revision: staged, submitted for verification
    region.call("producer_b", "package_patch", id=b[1]["package_id"], title=STAGED_TITLE,
                notes=STAGED_NOTES, tag_string=f"kesehatan,{SECRET_TAGS['staged']}")
    region.call("producer_b", "resource_create", package_id=b[1]["package_id"],
                name=STAGED_RESOURCE, url="lampiran.csv", format="CSV",
                upload=csv_upload("tahun,jumlah\n2025,2\n", "lampiran.csv"))
    # ... and a new file in place of its live table
    live_table = region.call("sysadmin", "package_show", id=b[1]["package_id"])["resources"][0]
    region.call("producer_b", "resource_patch", id=live_table["id"],
                upload=csv_upload(f"tahun,jumlah\n2025,{STAGED_DATA}\n"))
    region.call("producer_b", "satudata_request_revise", id=b[1]["id"])
    staged = region.call("sysadmin", "satudata_revision_show", id=b[1]["package_id"])
    staged_resource_id = next(r["id"] for r in staged["data"]["resources"]
                              if r["name"] == STAGED_RESOURCE)
    # a second round of the same Daftar Data: the published dataset's second
    # period (its table) staged and in verification; the first period is public
    site = {"user": region.users["sysadmin"]["name"]}
    round_2 = helpers.call_action("satudata_round_create", context=dict(site),
                                  name="semester-2-2026", title="Semester II 2026",
                                  year=2026, start_date="2026-07-01")
    helpers.call_action("satudata_round_send", context=dict(site), id=round_2["id"])
    second = next(r for r in helpers.call_action(
        "satudata_request_list", context=dict(site), round_id=round_2["id"])["results"]
        if r["package_id"] == b[2]["package_id"])
    period_resource = region.call(
        "producer_b", "resource_create", package_id=b[2]["package_id"], name=SECOND_PERIOD,
        url="semester-2.csv", format="CSV",
        upload=csv_upload("tahun,jumlah\n2026,3\n", "semester-2.csv"))
    region.call("producer_b", "satudata_request_submit", id=second["id"])
    region.call("verifier", "satudata_request_verify", id=second["id"])

    org_c = factories.Organization(name="dinas-pariwisata", title="Dinas Pariwisata")
    producer_c = factories.User(name="produsen-c", email="produsen-c@example.org")
    helpers.call_action("organization_member_create", id=org_c["id"],
                        username=producer_c["name"], role="editor")
    token = helpers.call_action("api_token_create", context={"user": producer_c["name"]},
                                user=producer_c["name"], name="leak-hunt")["token"]
    group = factories.Group(name="kesehatan", title="Kesehatan")
    # (the site user, as CKAN's jobs: a dataset under review joins no group otherwise)
    site_user = helpers.call_action("get_site_user")["name"]
    for kind in ("draft", "published", "withdrawn"):
        helpers.call_action("member_create", context={"user": site_user}, id=group["id"],
                            object_type="package", object=kinds[kind][1]["package_id"],
                            capacity="public")

    datasets = {kind: region.call("sysadmin", "package_show", id=req["package_id"])
                for kind, (_who, req) in kinds.items()}
    # the jobs worker's DataStore loads, in this process: every live table
    for pkg in datasets.values():
        satudata_jobs.load_datastore(pkg["id"])
    live_ids = {r["id"] for r in datasets["revision"]["resources"]}
    staged_ids = [r["id"] for r in staged["data"]["resources"] if r["id"] not in live_ids]
    resources = {kind: [r["id"] for r in pkg["resources"]] for kind, pkg in datasets.items()}
    from ckanext.activity.model import Activity
    package_ids = {pkg["id"]: pkg["name"] for pkg in datasets.values()}
    activity_ids = [(aid, oid, package_ids[oid]) for aid, oid in model.Session.query(
        Activity.id, Activity.object_id).filter(Activity.object_id.in_(list(package_ids)))]
    tag_ids = dict(model.Session.query(model.Tag.name, model.Tag.id).filter(
        model.Tag.name.in_(list(SECRET_TAGS.values()))))
    citizen = {"user": region.users["public"]["name"], "ignore_auth": False}
    asked = [helpers.call_action("satudata_public_request_create", context=dict(citizen),
                                 title=f"Permohonan data {n}", description="Per desa",
                                 email=REQUESTER_EMAIL, phone=REQUESTER_PHONE)["id"]
             for n in (1, 2)]
    region.call("verifier", "satudata_public_request_fulfil", id=asked[0],
                package_id=datasets["draft"]["id"])
    # the round's letters and documents: a second send (a request letter to
    # OPD A with a new item), the Berita Acara, an uploaded document
    DaftarDataItem(title=LETTER_ITEM, owner_org=region.opd_a["name"])
    region.call("walidata_admin", "satudata_round_send", id=region.round["id"])
    region.call("verifier", "satudata_letter_issue", id=region.round["id"])
    document = region.call(
        "walidata_admin", "satudata_round_document_create", id=region.round["id"],
        title=DOCUMENT_TITLE,
        upload=FileStorage(io.BytesIO(f"kode,indikator\n1,{DOCUMENT_TEXT}\n".encode()),
                           "matriks.csv"))
    letter_ids = [x["id"] for x in region.call("walidata_admin", "satudata_letter_list",
                                               id=region.round["id"])]
    # the SK decree of OPD A's first item
    region.call("walidata_admin", "satudata_daftar_data_update", id=a[0]["item_id"],
                sk_number="1/SK/2026", sk_upload=b"%PDF-1.4\n% " + SK_TEXT.encode())
    # an all-in round of OPD A and the third OPD: the third OPD delivered and
    # waits for OPD A's secret item
    DaftarDataItem(title=ALL_IN_ITEM, owner_org=region.opd_a["name"], year=2027)
    DaftarDataItem(title="Jumlah Wisatawan", owner_org=org_c["name"], year=2027)
    all_in = CollectionRound(name="semua-masuk-2027", title="Semua Masuk 2027", year=2027,
                             start_date="2027-01-04", verify_when_complete=True)
    helpers.call_action("satudata_round_send", context=dict(site), id=all_in["id"])
    all_in_requests = helpers.call_action("satudata_request_list", context=dict(site),
                                          round_id=all_in["id"])["results"]
    theirs = next(r for r in all_in_requests if r["owner_org"] == org_c["id"])
    complete_metadata(theirs["package_id"], producer_c["name"])
    helpers.call_action("satudata_request_submit", context={"user": producer_c["name"]},
                        id=theirs["id"])
    # a round of the third OPD in its report stage, the report drafted
    DaftarDataItem(title="Jumlah Hotel", owner_org=org_c["name"], year=2028)
    reported = CollectionRound(name="laporan-2028", title="Laporan 2028", year=2028,
                               start_date="2028-01-03", compile_days=3, report_days=2)
    helpers.call_action("satudata_round_send", context=dict(site), id=reported["id"])
    for request in helpers.call_action("satudata_request_list", context=dict(site),
                                       round_id=reported["id"])["results"]:
        region.call("walidata_admin", "satudata_request_cancel", id=request["id"],
                    note="Tidak tersedia")
        all_in_requests.append(request)
    for stage in ("collection", "compile"):  # to the report
        region.call("walidata_admin", "satudata_round_advance", id=reported["id"], stage=stage)
    region.call("walidata_admin", "satudata_round_report_update", id=reported["id"],
                body=REPORT_TEXT)
    all_in_letters = [x["id"] for x in region.call("walidata_admin", "satudata_letter_list",
                                                   id=all_in["id"])]
    return World(region, datasets, resources, staged_resource_id, period_resource["id"],
                 {kind: req for kind, (_w, req) in kinds.items()}, activity_ids,
                 producer_c, token, org_c, group, tag_ids, asked, letter_ids,
                 [document["id"]], staged_ids, forum_decision_id, all_in,
                 [r["id"] for r in all_in_requests], [r["item_id"] for r in all_in_requests],
                 all_in_letters, reported)


# -- how each GET route is called ------------------------------------------------------

Call = tuple[dict[str, Any], dict[str, Any]]  # (URL arguments, query string)
Provider = Callable[[World], list[Call]]


def none(w: World) -> list[Call]:
    return [({}, {})]


def queries(*qs: dict[str, Any]) -> Provider:
    return lambda w: [({}, q) for q in ({},) + qs]


def per(arg: str, values: Callable[[World], Iterable[Any]]) -> Provider:
    return lambda w: [({arg: v}, {}) for v in values(w)]


def datasets(w: World) -> list[str]:
    return w.dataset_refs()


def dataset_resources(w: World) -> list[Call]:
    calls = []
    public = w.datasets["published"]
    for kind, pkg in w.datasets.items():
        for rid in w.resources[kind]:
            calls += [({"id": pkg["id"], "resource_id": rid}, {}),
                      ({"id": pkg["name"], "resource_id": rid}, {}),
                      ({"id": public["name"], "resource_id": rid}, {})]
    calls.append(({"id": w.datasets["revision"]["name"],
                   "resource_id": w.staged_resource_id}, {}))
    calls.append(({"id": w.datasets["published"]["name"],
                   "resource_id": w.second_period_resource_id}, {}))
    return calls


def with_arg(base: Provider, **extra: Any) -> Provider:
    return lambda w: [(dict(args, **extra), q) for args, q in base(w)]


def dataset_activities(w: World) -> list[Call]:
    return [({"id": ref, "activity_id": aid}, {}) for aid, oid, name in w.activity_ids
            for ref in (oid, name)]


def resource_activities(w: World) -> list[Call]:
    by_id = {pkg["id"]: kind for kind, pkg in w.datasets.items()}
    return [({"id": oid, "resource_id": w.resources[by_id[oid]][0], "activity_id": aid}, {})
            for aid, oid, _name in w.activity_ids]


def dcat_formats(w: World) -> list[Call]:
    return [({"_id": ref, "_format": fmt}, {}) for ref in w.dataset_refs()
            for fmt in ("ttl", "jsonld", "rdf")]


def orgs(w: World) -> list[str]:
    return w.orgs()


def groups(w: World) -> list[str]:
    return [w.group["name"], w.group["id"]]


def users(w: World) -> list[str]:
    return w.users()


def user_ids(w: World) -> list[str]:
    return [u["id"] for u in w.region.users.values()]


def request_ids(w: World) -> list[str]:
    return [r["id"] for r in w.region.requests] + w.all_in_request_ids


def round_refs(w: World) -> list[str]:
    return [r[k] for r in (w.region.round, w.all_in_round, w.report_round)
            for k in ("id", "name")]


def item_ids(w: World) -> list[str]:
    return [r["item_id"] for r in w.region.requests] + w.all_in_item_ids


def letters(w: World) -> list[Call]:
    return [({"round_id": w.region.round["name"], "letter_id": i}, {}) for i in w.letter_ids] \
        + [({"round_id": w.all_in_round["name"], "letter_id": i}, {})
           for i in w.all_in_letter_ids]


def static_files(w: World) -> list[Call]:
    """A file of CKAN's public folder, and where CKAN would serve an SK
    decree kept in its uploads folder (earlier versions kept them there)."""
    return [({"filename": name}, {}) for name in ["base/images/ckan-logo-footer.png"]
            + [f"uploads/satudata_sk/{item}.pdf" for item in item_ids(w)]]


def changes_multiple(w: World) -> list[Call]:
    ids = [aid for aid, _o, _n in w.activity_ids]
    return [({}, {}), ({}, {"new_id": ids[0], "old_id": ids[-1]})]


SEARCH_QS = ({"q": "Rahasia"}, {"q": "name:*set*"}, {"satudata_status": "archived"},
             {"q": "kesehatan", "sort": "metadata_modified desc"}, {"tags": "kesehatan"},
             {"q": "rahasia-tag"}, {"tags": SECRET_TAGS["draft"]},
             {"res_format": SECRET_FORMATS["withdrawn"]})
TAG_QS = ({"incomplete": "kes"}, {"incomplete": "rahasia"}, {"incomplete": "tag",
                                                               "limit": 100})
FORMAT_QS = ({"incomplete": "c"}, {"incomplete": "rhs", "limit": 100}, {"incomplete": "fmt"})
AUTOCOMPLETE_QS = ({"incomplete": "Rahasia"}, {"incomplete": "set"}, {"q": "Rahasia"},
                   {"incomplete": "draft"}, {"incomplete": "revisi"})

ROUTES: dict[str, Provider] = {
    "/": none,
    "/about": none,
    "/api/": none,
    "/api/<int(min=1, max=3):ver>": per("ver", lambda w: [1, 3]),
    "/api/<int(min=1, max=2):ver>/i18n/<lang>": lambda w: [({"ver": 1, "lang": "id"}, {})],
    "/api/i18n/<lang>": per("lang", lambda w: ["id", "en"]),
    "/api/<int(min=1, max=2):ver>/util/dataset/autocomplete":
        with_arg(queries(*AUTOCOMPLETE_QS), ver=2),
    "/api/util/dataset/autocomplete": queries(*AUTOCOMPLETE_QS),
    "/api/<int(min=1, max=2):ver>/util/group/autocomplete": with_arg(queries({"q": "k"}), ver=2),
    "/api/util/group/autocomplete": queries({"q": "k"}),
    "/api/<int(min=1, max=2):ver>/util/organization/autocomplete":
        with_arg(queries({"q": "dinas"}), ver=2),
    "/api/util/organization/autocomplete": queries({"q": "dinas"}),
    "/api/<int(min=1, max=2):ver>/util/resource/format_autocomplete":
        with_arg(queries(*FORMAT_QS), ver=2),
    "/api/util/resource/format_autocomplete": queries(*FORMAT_QS),
    "/api/<int(min=1, max=2):ver>/util/tag/autocomplete": with_arg(queries(*TAG_QS), ver=2),
    "/api/util/tag/autocomplete": queries(*TAG_QS),
    "/api/<int(min=1, max=2):ver>/util/user/autocomplete":
        with_arg(queries({"q": "produsen"}), ver=2),
    "/api/util/user/autocomplete": queries({"q": "produsen"}),
    "/api/<int(min=1, max=2):ver>/util/snippet/<snippet_path>": lambda w: [
        ({"ver": 2, "snippet_path": "follow_button.html"},
         {"type": "dataset", "id": ref}) for ref in w.dataset_refs()],
    "/api/util/snippet/<snippet_path>": lambda w: [
        ({"snippet_path": "follow_button.html"}, {"type": "dataset", "id": ref})
        for ref in w.dataset_refs()],
    # every read-only action is also called through this route (see _walk_actions)
    "/api/action/<logic_function>": lambda w: [
        ({"logic_function": "package_show"}, {"id": ref}) for ref in w.dataset_refs()],
    "/api/<int(min=3, max=3):ver>/action/<logic_function>": lambda w: [
        ({"ver": 3, "logic_function": "package_search"}, {"q": "*:*", "rows": 1000,
                                                         "include_private": "true"}),
        ({"ver": 3, "logic_function": "package_search"}, {"q": "Rahasia"})],
    "/catalog.<_format>": lambda w: [({"_format": f}, q) for f in ("ttl", "rdf", "jsonld", "n3")
                                     for q in ({}, {"q": "Rahasia"}, {"fq": "private:true"},
                                               {"modified_since": "2000-01-01"})],
    "/ckan-admin/": none,
    "/ckan-admin/config": none,
    "/ckan-admin/reset_config": none,
    "/ckan-admin/trash": none,
    "/dashboard/": none,
    "/dashboard/datasets": none,
    "/dashboard/groups": none,
    "/dashboard/organizations": none,
    "/dataset/": queries(*SEARCH_QS),
    "/dataset/<_id>.<_format>": dcat_formats,
    "/dataset_series/<_id>.<_format>": dcat_formats,
    "/dataset/<id>": per("id", datasets),
    "/dataset/<id>/history/<activity_id>": dataset_activities,
    "/dataset/<id>/metadata/import": per("id", datasets),
    "/dataset/<id>/metadata/template.xlsx": per("id", datasets),
    "/dataset/<id>/resource/<resource_id>": dataset_resources,
    "/dataset/<id>/resource/<resource_id>/delete": dataset_resources,
    "/dataset/<id>/resource/<resource_id>/download": dataset_resources,
    "/dataset/<id>/resource/<resource_id>/download/<filename>":
        with_arg(dataset_resources, filename="tabel.csv"),
    "/dataset/<id>/resource/<resource_id>/edit": dataset_resources,
    "/dataset/<id>/resource/<resource_id>/edit_view/<view_id>":
        with_arg(dataset_resources, view_id="nonexistent-view"),
    "/dataset/<id>/resource/<resource_id>/new_view": dataset_resources,
    # the DataStore: xloader's status page, the data dictionary, the dump
    "/dataset/<id>/resource_data/<resource_id>": dataset_resources,
    "/dataset/<id>/dictionary/<resource_id>": dataset_resources,
    "/dataset/<id>/delete-datastore/<resource_id>": dataset_resources,
    "/datastore/dump/<resource_id>": lambda w: [
        ({"resource_id": rid}, q) for rid in all_resource_ids(w) + ["_table_metadata"]
        for q in ({}, {"format": "json"})],
    "/dataset/<id>/resource/<resource_id>/view": dataset_resources,
    "/dataset/<id>/resource/<resource_id>/view/<view_id>":
        with_arg(dataset_resources, view_id="nonexistent-view"),
    "/dataset/<id>/resource/<resource_id>/views": dataset_resources,
    "/dataset/<id>/resource/new": per("id", datasets),
    "/dataset/<id>/resources/<resource_id>/history/<activity_id>": resource_activities,
    "/dataset/<id>/revisi": per("id", datasets),
    # a staged table's whole file (a revision's, a new period's)
    "/dataset/<id>/revisi/tabel/<resource_id>": dataset_resources,
    "/dataset/activity/<id>": per("id", datasets),
    "/dataset/changes/<id>": lambda w: [({"id": aid}, {}) for aid, _o, _n in w.activity_ids],
    "/dataset/changes_multiple": changes_multiple,
    "/dataset/delete/<id>": per("id", datasets),
    "/dataset/edit/<id>": per("id", datasets),
    "/dataset/followers/<id>": per("id", datasets),
    "/dataset/groups/<id>": per("id", datasets),
    "/dataset/new": none,
    "/dataset/resources/<id>": per("id", datasets),
    "/feeds/custom.atom": queries({"q": "Rahasia"}, {"q": "*:*"}),
    "/feeds/dataset.atom": none,
    "/feeds/group/<string:id>.atom": per("id", groups),
    "/feeds/organization/<string:id>.atom": per("id", orgs),
    "/feeds/tag/<string:id>.atom": per("id", lambda w: ["kesehatan", *SECRET_TAGS.values()]),
    "/group/": queries({"q": "kesehatan"}),
    "/group/<id>": per("id", groups),
    "/group/about/<id>": per("id", groups),
    "/group/activity/<id>": per("id", groups),
    "/group/admins/<id>": per("id", groups),
    "/group/bulk_process/<id>": per("id", groups),
    "/group/changes/<id>": lambda w: [({"id": aid}, {}) for aid, _o, _n in w.activity_ids[:3]],
    "/group/changes_multiple": none,
    "/group/delete/<id>": per("id", groups),
    "/group/edit/<id>": per("id", groups),
    "/group/followers/<id>": per("id", groups),
    "/group/manage_members/<id>": per("id", groups),
    "/group/member_delete/<id>": per("id", groups),
    "/group/member_dump/<id>": per("id", groups),
    "/group/member_new/<id>": per("id", groups),
    "/group/members/<id>": per("id", groups),
    "/group/new": none,
    "/jadwal-rilis": none,
    "/satudata/datatables/<lang>.json": lambda w: [({"lang": "id"}, {})],
    "/kode/<list_name>/<code>": lambda w: [({"list_name": "wilayah", "code": "64.71"}, {}),
                                           ({"list_name": "urusan", "code": "1.02"}, {})],
    "/jadwal-rilis.ics": queries({}, {"perkiraan": "1"}, {"opd": "dinas-kesehatan"}),
    "/hari-libur": queries({}, {"tahun": "2027"}),
    "/permohonan-data": queries({}, {"state": "awaiting_publication"}),
    "/permohonan-data/": none,
    "/permohonan-data/baru": none,
    "/permohonan-data/<id>": per("id", lambda w: w.public_request_ids),
    "/permohonan-data/<id>/datasets": lambda w: [({"id": i}, {"incomplete": "a"})
                                                  for i in w.public_request_ids],
    # an answer's address opened again: a redirect to the request page
    "/permohonan-data/<id>/<step>": lambda w: [({"id": i, "step": "fulfil"}, {})
                                               for i in w.public_request_ids],
    "/organization/": queries({"q": "dinas"}),
    "/organization/<id>": lambda w: [({"id": o}, q) for o in w.orgs()
                                     for q in ({}, {"q": "Rahasia"})],
    "/organization/about/<id>": per("id", orgs),
    "/organization/activity/<id>": per("id", orgs),
    "/organization/admins/<id>": per("id", orgs),
    "/organization/bulk_process/<id>": per("id", orgs),
    "/organization/changes/<id>": lambda w: [({"id": aid}, {})
                                             for aid, _o, _n in w.activity_ids[:3]],
    "/organization/changes_multiple": none,
    "/organization/delete/<id>": per("id", orgs),
    "/organization/edit/<id>": per("id", orgs),
    "/organization/followers/<id>": per("id", orgs),
    "/organization/manage_members/<id>": per("id", orgs),
    "/organization/member_delete/<id>": per("id", orgs),
    "/organization/member_dump/<id>": per("id", orgs),
    "/organization/member_new/<id>": per("id", orgs),
    "/organization/members/<id>": per("id", orgs),
    "/organization/new": none,
    "/permintaan-data/": queries({"mine": "0"}),
    "/permintaan-data": queries({"mine": "0"}),
    "/permintaan-data/<id>": per("id", request_ids),
    # a step's address opened again: a redirect to the request page
    "/permintaan-data/<id>/<any(%s):step>" % ", ".join(
        (*request_views.FORMS, *request_views.STEP_FORMS, "dataset")):
        lambda w: [({"id": i, "step": "submit"}, {}) for i in request_ids(w)],
    "/permintaan-data/<id>/diseminasi/<transition>":
        lambda w: [({"id": i, "transition": "publish"}, {}) for i in request_ids(w)],
    "/permintaan-data/daftar-data": none,
    "/permintaan-data/daftar-data/": none,
    "/permintaan-data/daftar-data/<item_id>/edit": per("item_id", item_ids),
    "/permintaan-data/daftar-data/<item_id>/sk.pdf": per("item_id", item_ids),
    "/permintaan-data/daftar-data/import": none,
    "/permintaan-data/daftar-data/new": none,
    "/permintaan-data/daftar-data/template.xlsx": none,
    "/permintaan-data/forum": none,
    "/permintaan-data/forum/keputusan/<decision_id>/berita-acara.pdf":
        per("decision_id", lambda w: [w.forum_decision_id]),
    "/permintaan-data/putaran": none,
    "/permintaan-data/putaran/": none,
    "/permintaan-data/putaran/<round_id>": per("round_id", round_refs),
    "/permintaan-data/putaran/<round_id>/edit": per("round_id", round_refs),
    "/permintaan-data/putaran/<round_id>/laporan": per("round_id", round_refs),
    "/permintaan-data/putaran/<round_id>/status.xlsx": per("round_id", round_refs),
    "/permintaan-data/putaran/<round_id>/surat/<letter_id>.pdf": letters,
    "/permintaan-data/putaran/<round_id>/dokumen/<document_id>":
        lambda w: [({"round_id": w.region.round["name"], "document_id": i}, {})
                   for i in w.document_ids],
    "/permintaan-data/putaran/<round_id>/dokumen": per("round_id", round_refs),
    # the confirmations of a deletion (its button followed as a link)
    "/permintaan-data/putaran/<round_id>/hapus": per("round_id", round_refs),
    "/permintaan-data/putaran/<round_id>/dokumen/<document_id>/hapus":
        lambda w: [({"round_id": w.region.round["name"], "document_id": i}, {})
                   for i in w.document_ids],
    "/permintaan-data/putaran/new": none,
    "/permintaan-data/peran/": none,
    "/permintaan-data/peran": none,
    "/progres-data": none,
    "/progres-data/<round_id>": per("round_id", round_refs),
    "/publikasi/<round_id>": per("round_id", round_refs),
    "/robots.txt": none,
    "/testing/primer": none,
    "/user/": queries({"q": "produsen"}),
    "/user/<id>": per("id", users),
    "/user/<id>/api-tokens": per("id", users),
    "/user/<id>/groups": per("id", users),
    "/user/<id>/organizations": per("id", users),
    "/user/_logout": none,
    "/user/activity/<id>": per("id", users),
    "/user/delete/<id>": per("id", users),
    "/user/edit": none,
    "/user/edit/<id>": per("id", users),
    "/user/followers/<id>": per("id", users),
    "/user/logged_out_redirect": none,
    "/user/login": none,
    "/user/me": none,
    "/user/register": none,
    "/user/reset": none,
    "/user/reset/<id>": per("id", user_ids),
    "/util/redirect": lambda w: [({}, {"url": "/dataset/" + ref}) for ref in w.dataset_refs()],
    # grouped by endpoint: one rule per configured locale
    "home.redirect_locale": lambda w: [({"target_locale": "zh_CN", "path": "dataset/" + ref}, {})
                                       for ref in w.dataset_refs()],
    "static": static_files,
    "webassets.index": per("path", lambda w: ["no-such-bundle.js"]),
}
#: routes keyed by endpoint rather than by rule (their rules vary with the config)
GROUPED_ENDPOINTS = {"home.redirect_locale", "static", "webassets.index"}
#: GET routes not walked, with the reason (none so far)
SKIPPED_ROUTES: dict[str, str] = {}


def route_key(rule: Any) -> str:
    return rule.endpoint if rule.endpoint in GROUPED_ENDPOINTS else rule.rule


def _build(rule: Any, args: dict[str, Any]) -> str:
    def repl(match: re.Match) -> str:
        name = match.group(1)
        value = str(args[name])
        if ":" in match.group(0) and match.group(0).startswith("<path"):
            return urllib.parse.quote(value, safe="/")
        return urllib.parse.quote(value, safe="")
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", repl, rule.rule)


# -- how each read-only action is called ----------------------------------------------

Params = Callable[[World], list[dict[str, Any]]]


def p(*dicts: dict[str, Any]) -> Params:
    return lambda w: [dict(d) for d in dicts] or [{}]


def by(key: str, values: Callable[[World], Iterable[Any]], **extra: Any) -> Params:
    return lambda w: [dict({key: v}, **extra) for v in values(w)]


def activity_ids(w: World) -> list[str]:
    return [aid for aid, _o, _n in w.activity_ids]


def all_resource_ids(w: World) -> list[str]:
    return ([rid for rids in w.resources.values() for rid in rids] + [w.staged_resource_id]
            + w.staged_resource_ids)


ACTIONS: dict[str, Params] = {
    "activity_data_show": by("id", activity_ids, object_type="package"),
    "activity_diff": by("id", activity_ids, object_type="package", diff_type="unified"),
    "activity_show": by("id", activity_ids, include_data=True),
    "am_following_dataset": by("id", datasets),
    "am_following_group": by("id", groups),
    "am_following_user": by("id", users),
    "api_token_list": by("user_id", users),
    "config_option_list": p({}),
    "config_option_show": p({"key": "ckan.site_title"}),
    "current_package_list_with_resources": p({"limit": 1000}),
    "dashboard_activity_list": p({}),
    "dashboard_new_activities_count": p({}),
    "dataset_followee_count": by("id", users),
    "dataset_followee_list": by("id", users),
    "dataset_follower_count": by("id", datasets),
    "dataset_follower_list": by("id", datasets),
    "dcat_catalog_search": lambda w: [{"format": f, "q": q} for f in ("ttl", "jsonld")
                                      for q in ("*:*", "Rahasia")],
    "dcat_catalog_show": p({"format": "ttl"}, {"format": "xml", "fq": "private:true"}),
    "dcat_dataset_show": by("id", datasets, format="ttl"),
    "followee_count": by("id", users),
    "followee_list": by("id", users),
    "format_autocomplete": p({"q": "c"}, {"q": "rhs", "limit": 100}, {"q": "fmt"}),
    "get_site_user": p({}),
    "group_activity_list": by("id", groups),
    "group_autocomplete": p({"q": "k"}),
    "group_followee_count": by("id", users),
    "group_followee_list": by("id", users),
    "group_follower_count": by("id", groups),
    "group_follower_list": by("id", groups),
    "group_list": p({"all_fields": True}, {"all_fields": True, "include_dataset_count": True}),
    "group_list_authz": p({}),
    "group_package_show": lambda w: [{"id": g, "limit": 100} for g in groups(w)],
    "group_show": lambda w: [{"id": g, "include_datasets": True} for g in groups(w)],
    "help_show": p({"name": "package_show"}),
    "job_list": p({}),
    "job_show": p({"id": "no-such-job"}),
    "license_list": p({}),
    "member_list": lambda w: [{"id": o, "object_type": t} for o in w.orgs() + groups(w)
                              for t in ("package", None)],
    "member_roles_list": p({}, {"group_type": "group"}),
    "organization_activity_list": by("id", orgs),
    "organization_autocomplete": p({"q": "dinas"}),
    "organization_followee_count": by("id", users),
    "organization_followee_list": by("id", users),
    "organization_follower_count": by("id", orgs),
    "organization_follower_list": by("id", orgs),
    "organization_list": p({"all_fields": True, "include_dataset_count": True}, {}),
    "organization_list_for_user": by("id", users),
    "organization_show": lambda w: [{"id": o, "include_datasets": True} for o in w.orgs()],
    "package_activity_list": by("id", datasets),
    "package_autocomplete": p({"q": "Rahasia"}, {"q": "set"}, {"q": "draft"},
                              {"q": "withdrawn"}, {"q": "revisi"}),
    "package_collaborator_list": by("id", datasets),
    "package_collaborator_list_for_user": by("id", users),
    "package_list": p({}, {"limit": 1000}),
    "package_relationships_list": by("id", datasets),
    "package_search": p({"q": "*:*", "rows": 1000}, {"q": "*:*", "include_private": True,
                                                     "include_drafts": True, "rows": 1000},
                        {"q": "Rahasia"}, {"fq": "capacity:private", "include_private": True},
                        {"fq": "satudata_status:archived"}, {"q": "Revisi"},
                        {"facet.field": ["name", "title_string", "res_name"], "rows": 0},
                        {"facet.field": ["tags", "res_format"], "rows": 0,
                         "include_private": True, "facet.limit": -1}),
    "package_show": by("id", datasets),
    "recently_changed_packages_activity_list": p({}, {"limit": 100}),
    "resource_search": p({"query": "name:Tabel"}, {"query": "format:CSV"},
                         {"query": "name:Lampiran"}, {"query": "format:rhsfmt"},
                         {"query": "description:Masa"}),
    "resource_show": by("id", all_resource_ids),
    "resource_view_list": by("id", all_resource_ids),
    "resource_view_show": p({"id": "no-such-view"}),
    # the DataStore (the tables of every resource, the staged revision's new files too)
    "datastore_search": lambda w: [{"resource_id": rid} for rid in all_resource_ids(w)]
                                  + [{"resource_id": "_table_metadata"}],
    "datastore_info": by("id", all_resource_ids),
    "datastore_search_sql": lambda w: [{"sql": f'SELECT * FROM "{rid}"'}
                                       for rid in all_resource_ids(w)]
                                      + [{"sql": 'SELECT * FROM "_table_metadata"'}],
    "xloader_status": by("resource_id", all_resource_ids),
    # the check results of unpublished files: producers and reviewers only
    "satudata_data_check_list": by("id", datasets),
    "satudata_daftar_data_list": p({}),
    "satudata_daftar_data_show": by("id", item_ids),
    "satudata_daftar_data_template": p({}),
    "satudata_forum_decision_show": by("id", lambda w: [w.forum_decision_id]),
    "satudata_metadata_check": by("id", datasets),
    "satudata_metadata_template": by("id", datasets),
    "satudata_public_request_list": p({}, {"state": "awaiting_publication", "limit": 1000}),
    "satudata_public_request_show": by("id", lambda w: w.public_request_ids),
    "satudata_public_request_datasets": lambda w: [{"id": i, "q": "a"}
                                                   for i in w.public_request_ids],
    "satudata_progress_dashboard": lambda w: [{}] + [{"round_id": r} for r in round_refs(w)],
    "satudata_publication_show": by("round_id", round_refs),
    "satudata_recently_published": p({}, {"limit": 100}),
    "satudata_reference_list": p({"list": "frequency"}, {"list": "urusan", "q": "kes"}),
    "satudata_release_calendar": p({}, {"limit": 1000}),
    "satudata_letter_export": by("id", lambda w: w.letter_ids + w.all_in_letter_ids),
    "satudata_letter_list": by("id", round_refs),
    "satudata_request_event_list": by("id", request_ids),
    "satudata_request_list": p({}, {"round_id": "semester-1-2026"}),
    "satudata_request_show": by("id", request_ids),
    "satudata_revision_show": by("id", datasets),
    "satudata_role_list": p({}),
    "satudata_role_event_list": p({}, {"limit": 1000}),
    "satudata_round_document_export": by("id", lambda w: w.document_ids),
    "satudata_round_document_list": by("id", round_refs),
    "satudata_round_export": by("id", round_refs),
    "satudata_round_list": p({}),
    "satudata_round_show": by("id", round_refs),
    "satudata_round_report_show": by("id", round_refs),
    "satudata_round_status": by("id", round_refs),
    "scheming_dataset_schema_list": p({}),
    "scheming_dataset_schema_show": p({"type": "dataset"}),
    "scheming_organization_schema_list": p({}),
    "scheming_organization_schema_show": p({"type": "organization"}),
    "status_show": p({}),
    "tag_autocomplete": p({"q": "kes"}, {"q": "rahasia"}, {"q": "tag", "limit": 100}),
    "tag_list": p({}, {"all_fields": True}, {"query": "rahasia"}),
    "tag_search": p({"query": "kes"}, {"query": "rahasia"}, {"query": "tag", "limit": 100}),
    "tag_show": lambda w: [{"id": t, "include_datasets": True}
                           for t in ("kesehatan", *SECRET_TAGS.values())],
    "task_status_show": lambda w: [{"entity_id": ref, "task_type": "t", "key": "k"}
                                   for ref in w.dataset_refs()[:2]],
    "term_translation_show": p({"terms": ["kesehatan"]}),
    "user_activity_list": by("id", users),
    "user_autocomplete": p({"q": "produsen"}),
    "user_followee_count": by("id", users),
    "user_followee_list": by("id", users),
    "user_follower_count": by("id", users),
    "user_follower_list": by("id", users),
    "user_list": p({}, {"all_fields": True}),
    "user_show": lambda w: [{"id": u, "include_datasets": True} for u in w.users()],
    "vocabulary_list": p({}),
    "vocabulary_show": p({"id": "no-such-vocabulary"}),
}
#: actions that only work inside a web request (they build page links from
#: it): called through the HTTP API only
HTTP_ONLY = {"dcat_catalog_show", "dcat_catalog_search"}
#: server errors of CKAN core on the inputs of the hunt, with the reason; any
#: other 5xx fails the test (an error page shows nothing of the data anyway)
KNOWN_SERVER_ERRORS = {
    r"GET /(dataset|organization|group)/changes_multiple":
        "ckanext-activity's changes_multiple view does not catch NotFound/NotAuthorized "
        "from activity_show (CKAN 2.11.6)",
    r"GET /dataset/[^/]+/resource/[^/]+/(new_view|edit_view/[^/?]+)":
        "CKAN's resource view editor fails on a resource that does not exist (the "
        "staged revision's new resource) instead of answering 404",
    r"\[anonymous\] action package_collaborator_list":
        "CKAN's package_collaborator_list auth asserts a logged-in user",
}
#: read-only actions not called, with the reason (none so far)
SKIPPED_ACTIONS: dict[str, str] = {}
READ_ONLY = re.compile(
    r"_(show|list|search|autocomplete|count|check|template|status|export|diff|calendar|"
    r"dashboard|published|list_for_user|list_authz)$|^am_following_")


def read_only_actions() -> set[str]:
    tk.get_action("package_show")  # resolves the registry
    return {name for name, fn in logic._actions.items()
            if getattr(fn, "side_effect_free", False) or READ_ONLY.search(name)}


# -- scanning -------------------------------------------------------------------------------

def _texts(body: bytes) -> str:
    if body[:5] == b"%PDF-":  # a letter: its text (and the bytes of an uploaded PDF)
        try:
            reader = pypdf.PdfReader(io.BytesIO(body))
            text = "\n".join(" ".join(page.extract_text().split()) for page in reader.pages)
        except Exception:  # noqa: BLE001 - not a PDF pypdf reads: its bytes are scanned
            text = ""
        return text + "\n" + body.decode("latin-1")
    if body[:2] == b"PK":  # XLSX and other zips: their entries
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                return "\n".join(archive.read(n).decode("utf-8", "replace")
                                 for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return body.decode("utf-8", "replace")


def _file_texts(result: Any) -> str:
    """The text of a file an action returns (``{"filename", "content"}``,
    base64): what its reader would see."""
    if isinstance(result, dict) and {"filename", "content"} <= set(result):
        return "\n" + _texts(base64.b64decode(result["content"]))
    return ""


class Hunt:
    def __init__(self, world: World):
        self.world = world
        self.secrets = world.secrets()
        self.calendar_title = world.datasets["scheduled"]["title"]
        self.leaks: list[str] = []
        self.errors: list[str] = []
        self.calls = 0        # answers scanned
        self.requests = 0     # HTTP requests made (pages and API)

    def error(self, where: str) -> None:
        if not any(re.search(pattern, where) for pattern in KNOWN_SERVER_ERRORS):
            self.errors.append(where)

    def check(self, where: str, text: str, echoed: str, calendar: bool = False) -> None:
        self.calls += 1
        for secret, what in self.secrets.items():
            if secret in echoed or secret not in text:
                continue
            if calendar and secret == self.calendar_title:
                continue  # the release calendar announces the title
            if secret.isdigit() and not re.search(
                    rf"(?<![0-9a-f]){secret}(?![0-9a-f])", text):
                # a number of a table's data found only inside an id (a
                # public dataset's random UUID held "5550303" once): no leak
                continue
            self.leaks.append(f"{where}: {what} ({secret})")


def _walk_routes(app, hunt: Hunt, persona: str, headers: dict[str, str]) -> None:
    world = hunt.world
    for rule in app.flask_app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        key = route_key(rule)
        if key in SKIPPED_ROUTES:
            continue
        for args, query in ROUTES[key](world):
            url = _build(rule, args)
            response = app.get(url, query_string=query, headers=headers,
                               follow_redirects=False)
            hunt.requests += 1
            full = url + "?" + urllib.parse.urlencode(query, doseq=True)
            echoed = " ".join([full, urllib.parse.unquote(full), json.dumps(query)])
            text = _texts(response.data) + "\n" + response.headers.get("Location", "")
            where = f"[{persona}] GET {full} ({response.status_code})"
            if response.status_code >= 500:
                hunt.error(where)
            # the release calendar and the home page's "upcoming releases" announce the title
            hunt.check(where, text, echoed,
                       calendar=key in ("/jadwal-rilis", "/jadwal-rilis.ics", "/"))


def _walk_actions(app, hunt: Hunt, persona: str, user: str, headers: dict[str, str]) -> None:
    world = hunt.world
    registry = logic._actions
    for name in sorted(read_only_actions()):
        if name in SKIPPED_ACTIONS:
            continue
        for data in ACTIONS[name](world):
            echoed = json.dumps(data)
            where = f"[{persona}] action {name} {echoed}"
            calendar = name == "satudata_release_calendar"
            if name not in HTTP_ONLY:
                _call_action(hunt, name, data, user, where, echoed, calendar)
            if getattr(registry[name], "side_effect_free", False):
                query = {k: (json.dumps(v) if isinstance(v, (list, dict, bool)) else v)
                         for k, v in data.items() if v is not None}
                response = app.get(f"/api/3/action/{name}", query_string=query,
                                   headers=headers)
                hunt.requests += 1
                if response.status_code >= 500:
                    hunt.error(f"{where} via HTTP ({response.status_code})")
                answer = response.data.decode("utf-8", "replace")
                try:
                    answer += _file_texts(json.loads(answer).get("result"))
                except ValueError:
                    pass
                hunt.check(where + " via HTTP", answer, echoed, calendar)


def _call_action(hunt: Hunt, name: str, data: dict[str, Any], user: str, where: str,
                 echoed: str, calendar: bool) -> None:
    """Call the action in-process as ``user``; refusals are answers too (their
    messages must not leak either)."""
    try:
        result = helpers.call_action(name, context={"user": user, "ignore_auth": False},
                                     **data)
        text = json.dumps(result, default=str) + _file_texts(result)
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError) as e:
        text = f"{type(e).__name__}: {e} {getattr(e, 'error_dict', '')}"
    except Exception as e:  # noqa: BLE001 - any other failure is reported
        model.Session.rollback()
        text = f"{type(e).__name__}: {e}"
        hunt.error(f"{where}: {text[:300]}")
    hunt.check(where, text, echoed, calendar)


def preview_views(w: World) -> list[tuple[str, str, str]]:
    """(dataset id, resource id, view id) of every preview of every table
    (the sysadmin lists them)."""
    sysadmin = {"user": w.region.users["sysadmin"]["name"], "ignore_auth": False}
    return [(pkg["id"], rid, view["id"]) for kind, pkg in w.datasets.items()
            for rid in w.resources[kind]
            for view in helpers.call_action("resource_view_list", context=dict(sysadmin),
                                            id=rid)]


def _walk_previews(app, hunt: Hunt, persona: str, headers: dict[str, str]) -> None:
    """The previews themselves (the GET routes are walked with a view id
    that does not exist): each view's page, and datatables' ajax and
    filtered-download endpoints (POST)."""
    for pkg_id, rid, view_id in preview_views(hunt.world):
        url = f"/dataset/{pkg_id}/resource/{rid}/view/{view_id}"
        requests = [("GET", url, None),
                    ("POST", f"/datatables/ajax/{view_id}",
                     {"draw": "1", "search[value]": "", "start": "0", "length": "100"}),
                    ("POST", f"/datatables/filtered-download/{view_id}",
                     {"params": json.dumps({"search": {"value": ""}, "order": [],
                                            "visible": [True] * 10, "columns": []}),
                      "format": "json"})]
        for method, where_url, data in requests:
            response = (app.get(where_url, headers=headers, follow_redirects=False)
                        if method == "GET" else
                        app.post(where_url, data=data, headers=headers,
                                 follow_redirects=False))
            hunt.requests += 1
            where = f"[{persona}] {method} {where_url} ({response.status_code})"
            if response.status_code >= 500:
                hunt.error(where)
            hunt.check(where, _texts(response.data), where_url)


# -- the tests ---------------------------------------------------------------------------------

def test_every_route_and_read_action_is_listed(app):
    registered = {route_key(r) for r in app.flask_app.url_map.iter_rules()
                  if "GET" in r.methods}
    assert not set(ROUTES) & set(SKIPPED_ROUTES)
    assert registered - set(ROUTES) - set(SKIPPED_ROUTES) == set(), \
        "GET routes the leak hunt does not cover"
    assert set(ROUTES) | set(SKIPPED_ROUTES) == registered, "routes listed but gone"

    actions = read_only_actions()
    assert not set(ACTIONS) & set(SKIPPED_ACTIONS)
    assert actions - set(ACTIONS) - set(SKIPPED_ACTIONS) == set(), \
        "read-only actions the leak hunt does not cover"
    assert set(ACTIONS) | set(SKIPPED_ACTIONS) == actions, "actions listed but gone"


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.slow
def test_nothing_unpublished_leaks(app):
    world = build_world()
    hunt = Hunt(world)
    personas = [("anonymous", "", {}),
                ("producer of another OPD", world.producer_c["name"],
                 {"Authorization": world.token})]
    for persona, user, headers in personas:
        _walk_routes(app, hunt, persona, headers)
        _walk_actions(app, hunt, persona, user, headers)
        _walk_previews(app, hunt, persona, headers)

    assert not hunt.leaks, f"{len(hunt.leaks)} leaks:\n" + "\n".join(hunt.leaks[:40])
    assert not hunt.errors, "server errors:\n" + "\n".join(hunt.errors[:40])
    assert hunt.calls > 1000
    print(f"leak hunt: {hunt.calls} answers scanned, {hunt.requests} HTTP requests, "
          f"{len(hunt.secrets)} secrets, 2 personas")

    # positive control: the published datasets are there for the public
    published = world.datasets["published"]
    revised = world.datasets["revision"]
    anonymous = {"user": "", "ignore_auth": False}
    found = helpers.call_action("package_search", context=anonymous, q="*:*")["results"]
    assert {p["id"] for p in found} == {world.datasets[kind]["id"] for kind in PUBLIC}
    assert helpers.call_action("tag_autocomplete", context=anonymous, q="kes") == ["kesehatan"]
    assert helpers.call_action("format_autocomplete", context=anonymous, q="c") == ["csv"]
    for kind in ("published", "republished"):  # public, as last approved
        live = helpers.call_action("package_show", context=anonymous,
                                   id=world.datasets[kind]["id"])
        assert live["title"] == world.datasets[kind]["title"]
        assert {t["name"] for t in live["tags"]} == {"kesehatan"}
    assert published["title"] in app.get("/dataset/").body
    assert published["title"] in app.get("/").body  # recently published
    assert published["id"] in app.get("/catalog.ttl").body
    live = helpers.call_action("package_show", context=anonymous, id=revised["id"])
    assert live["title"] == "Data Terbit Direvisi"  # the live version, not the staged one
    # the letters and documents are there for OPD A's producers (the hunt
    # could have found their markers)
    producer_a = {"user": world.region.users["producer"]["name"], "ignore_auth": False}
    letter_texts = [_file_texts(helpers.call_action("satudata_letter_export",
                                                    context=dict(producer_a), id=i))
                    for i in world.letter_ids
                    if i in {x["id"] for x in helpers.call_action(
                        "satudata_letter_list", context=dict(producer_a),
                        id=world.region.round["id"])}]
    assert any(LETTER_ITEM in text for text in letter_texts)
    document = _file_texts(helpers.call_action("satudata_round_document_export",
                                               context=dict(producer_a),
                                               id=world.document_ids[0]))
    assert DOCUMENT_TEXT in document
    # the all-in round's letter to OPD A names its item; its report is drafted;
    # the SK is kept; the third OPD's producer sees that the round waits
    all_in_letters = [_file_texts(helpers.call_action(
        "satudata_letter_export", context=dict(producer_a), id=x["id"]))
        for x in helpers.call_action("satudata_letter_list", context=dict(producer_a),
                                     id=world.all_in_round["id"])]
    assert any(ALL_IN_ITEM in text for text in all_in_letters)
    admin = {"user": world.region.users["walidata_admin"]["name"], "ignore_auth": False}
    assert helpers.call_action("satudata_round_report_show", context=dict(admin),
                               id=world.report_round["id"])["body"] == REPORT_TEXT
    staff_view = helpers.call_action("satudata_round_show", context=dict(admin),
                                     id=world.all_in_round["id"])
    assert any(ALL_IN_ITEM in missing for missing in staff_view["waiting_for_all"])
    from ckanext.satudata.lib import storage
    with open(storage.stored_sk(world.requests["draft"]["item_id"]), "rb") as sk:
        assert SK_TEXT.encode() in sk.read()
    # the DataStore serves the published tables, the live version of the revised one
    viewed = {pkg_id for pkg_id, _rid, _view in preview_views(world)}
    assert {world.datasets[kind]["id"] for kind in PUBLIC} <= viewed
    for kind in PUBLIC:
        rid = world.datasets[kind]["resources"][0]["id"]
        rows = helpers.call_action("datastore_search", context=dict(anonymous),
                                   resource_id=rid)["records"]
        assert [int(r["jumlah"]) for r in rows] == [1], kind
    calendar = app.get("/jadwal-rilis").body
    assert world.datasets["scheduled"]["title"] in calendar
    assert "2 Januari 2099 09.00 WIB" in calendar

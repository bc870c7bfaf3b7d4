# -*- coding: utf-8 -*-
"""The Magetan SOP (seeds/004) played end to end, the clock frozen for the
whole scenario: the OPD's head approves its data before it reaches the
walidata; the verification in the Forum Pengelolaan Data Sektoral is a level
of the round's approval chain whose one decision, with its decree number and
Berita Acara, covers three requests; data submitted late is carried into the
next publication period (*peringatan*: it misses this one); the public data
requester is notified when the data is published ("notifikasi ke pemohon").

Beside it: per-round chains (Kota Metro: only the verifier; TJB: four
levels), the deadlines of the approval levels and of the publication step,
and the new actions × every kind of user (the auth matrix)."""
from __future__ import annotations

import datetime
import io

import pytest
from freezegun import freeze_time
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import letters, reminders, storage, workdays
from ckanext.satudata.model import DataRequest

from ..factories import (
    MAGETAN_BERITA_ACARA, CollectionRound, DaftarDataItem, WalidataRole, berita_acara_upload,
    complete_metadata, magetan, pdf_text, seen,
)

DECREE = "188/12/403.206/2027"
PDF = MAGETAN_BERITA_ACARA
_berita_acara = berita_acara_upload


@pytest.fixture
def world(magetan_region):
    """The region with Magetan's people and its items of 2027
    (:func:`..factories.magetan_world`; ``magetan_region``)."""
    return magetan_region


def _send_round(region, name, start, **extra):
    round_ = CollectionRound(name=name, title=name.replace("-", " ").title(), year=2027,
                             start_date=start, **extra)
    helpers.call_action("satudata_round_send", context={"user": "sysadmin-uji"},
                        id=round_["id"])
    requests = region.call("sysadmin", "satudata_request_list", round_id=round_["id"])["results"]
    return round_, {r["item_title"]: r for r in requests}


def _producer_of(region, request):
    return "producer" if request["owner_org"] == region.opd_a["id"] else "producer_b"


def _submit(region, request):
    who = _producer_of(region, request)
    complete_metadata(request["package_id"], region.users[who]["name"])
    return region.call(who, "satudata_request_submit", id=request["id"])


def _show(region, request):
    return region.call("sysadmin", "satudata_request_show", id=request["id"])


def _events(region, request):
    return region.call("sysadmin", "satudata_request_event_list", id=request["id"])


@magetan
def test_the_magetan_sop(world, smtp, run_jobs, app):
    region = world
    smtp.take()
    citizen = region.users["public"]
    with freeze_time("2027-01-04 02:00:00"):           # Monday 09:00 WIB
        round_, requests = _send_round(
            region, "magetan-semester-1-2027", "2027-01-04", prepare_days=1, submit_days=8,
            approval_chain="verifikator forum kabid kadis", late_policy="carry")
        assert round_["approval_chain"] == ["verifikator", "forum", "kabid", "kadis"]
        assert round_["submit_due"] == "2027-01-18"
        puskesmas, posyandu, bidan = (requests[t] for t in (
            "Jumlah Puskesmas 2027", "Jumlah Posyandu 2027", "Jumlah Bidan Desa 2027"))
        sekolah = requests["Jumlah Sekolah Dasar 2027"]
        # the Surat Permintaan Data of each OPD, issued as the round is sent
        found = region.call("walidata_admin", "satudata_letter_list", id=round_["id"])
        assert [(x["kind"], x["opd_title"]) for x in found] == [
            ("permintaan", "Dinas Kesehatan"), ("permintaan", "Dinas Pendidikan")]
        text = pdf_text(region.call("head_a", "satudata_letter_export", id=found[0]["id"]))
        for expected in (found[0]["number"], round_["title"], "Dinas Kesehatan",
                         "Jumlah Puskesmas 2027", "Jumlah Posyandu 2027",
                         "Jumlah Bidan Desa 2027", letters.tanggal("2027-01-18")):
            assert expected in text, expected
        assert "Jumlah Sekolah Dasar 2027" not in text     # the other OPD's item
        # the SOP's warning: late data misses this publication period
        assert "dialihkan ke periode publikasi berikutnya" in " ".join(text.split())
        # a citizen asks for data the OPD is preparing (permohonan data)
        asked = region.call("public", "satudata_public_request_create",
                            title="Jumlah puskesmas per kecamatan",
                            description="Magetan 2026", purpose="Penelitian",
                            phone="0812-0000-1111", owner_org=region.opd_a["name"])
        region.call("verifier", "satudata_public_request_accept", id=asked["id"])
        region.call("verifier", "satudata_public_request_fulfil", id=asked["id"],
                    package_id=puskesmas["package_id"], note="Sedang disiapkan")
    run_jobs()
    sent = [m for m in smtp.take() if "Permintaan data baru" in m["subject"]
            and round_["title"] in m["subject"]]
    assert sent and all("dialihkan ke periode publikasi berikutnya" in " ".join(
        m["body"].split()) for m in sent)

    # -- 1. the OPD's head approves before the walidata sees it -----------------------
    with freeze_time("2027-01-06 02:00:00"):
        for request in (puskesmas, posyandu, bidan):
            submitted = _submit(region, request)
            assert submitted["state"] == "opd_review"
            assert submitted["late"] is None
        shown = _show(region, puskesmas)
        assert shown["waiting_for"] == "opd_head"
        assert shown["due_date"] == "2027-01-07"     # one working day for the head
        # the verifier does not see it in their queue yet, the head does
        queue = region.call("verifier", "satudata_request_list", actionable=True)
        assert puskesmas["id"] not in {r["id"] for r in queue["results"]}
        head_queue = region.call("head_a", "satudata_request_list", actionable=True,
                                 round_id=round_["id"])
        assert {r["id"] for r in head_queue["results"]} == {
            puskesmas["id"], posyandu["id"], bidan["id"]}
        # the producer who is not the head cannot approve; nor the verifier
        for who in ("producer", "verifier", "sysadmin", "head_b"):
            # the other OPD's head is told there is no such request
            with pytest.raises(tk.ObjectNotFound if who == "head_b" else tk.NotAuthorized):
                region.call(who, "satudata_request_opd_approve", id=puskesmas["id"])
        with pytest.raises(tk.ValidationError) as err:   # not before the head approved
            region.call("verifier", "satudata_request_verify", id=puskesmas["id"])
        assert "state" in err.value.error_dict
    run_jobs()
    mails = smtp.take()
    to_head = [m for m in mails if "kepala-dinas-kesehatan@example.org" in m["to"]]
    assert len(to_head) == 3 and "persetujuan" in to_head[0]["subject"].lower()
    assert "verifikator@example.org" not in smtp.recipients(mails)

    with freeze_time("2027-01-07 02:00:00"):
        with pytest.raises(tk.ValidationError) as err:     # a return needs its reason
            region.call("head_a", "satudata_request_opd_return", id=bidan["id"])
        assert "note" in err.value.error_dict
        region.call("head_a", "satudata_request_opd_return", id=bidan["id"],
                    note="Angka bidan desa belum sesuai data kepegawaian")
        for request in (puskesmas, posyandu):
            assert region.call("head_a", "satudata_request_opd_approve",
                               id=request["id"])["state"] == "submitted"
    run_jobs()
    mails = smtp.take()
    assert any("produsen-a@example.org" in m["to"] and "bidan" in m["body"].lower()
               for m in mails)                               # back to the producer
    assert "verifikator@example.org" in smtp.recipients(mails)  # on to the walidata

    with freeze_time("2027-01-08 02:00:00"):
        assert region.call("producer", "satudata_request_resubmit", id=bidan["id"],
                           note="Sudah dilengkapi")["state"] == "opd_review"
        assert region.call("head_a", "satudata_request_opd_approve",
                           id=bidan["id"])["state"] == "resubmitted"
        events = _events(region, bidan)
        assert [(e["transition"], e["to_state"], e["user_name"]) for e in events
                if e["transition"].startswith(("opd_", "submit", "resubmit"))] == [
            ("submit", "opd_review", "produsen-a"),
            ("opd_return", "returned", "kepala-dinas-kesehatan"),
            ("resubmit", "opd_review", "produsen-a"),
            ("opd_approve", "resubmitted", "kepala-dinas-kesehatan"),
        ]
        for request in (puskesmas, posyandu, bidan):
            verified = region.call("verifier", "satudata_request_verify", id=request["id"])
            assert (verified["state"], verified["approval_level"]) == ("verified", 1)

    # -- 4. late data: submitted after the deadline, carried into the next period ------
    with freeze_time("2027-01-20 02:00:00"):               # the deadline was the 18th
        submitted = _submit(region, sekolah)
        assert submitted["late"] == "carry"
        # a Berita Acara issued meanwhile lists it as still open, with the OPD's head
        early = region.call("verifier", "satudata_letter_issue", id=round_["id"])
        text = pdf_text(region.call("verifier", "satudata_letter_export", id=early["id"]))
        assert ("Dinas Pendidikan: Jumlah Sekolah Dasar 2027 (menunggu persetujuan "
                "kepala perangkat daerah)") in text
        assert "Telah diverifikasi 3 " in text      # the three of Dinas Kesehatan only
        region.call("head_b", "satudata_request_opd_approve", id=sekolah["id"])
        shown = _show(region, sekolah)
        assert shown["late_label"] == "Late — carried into the next period"
        page = _login(app, "verifikator").get(f"/permintaan-data/{sekolah['id']}")
        assert "Terlambat — dibawa ke periode berikutnya" in page.body
        queue_page = _login(app, "verifikator").get("/permintaan-data/?mine=0")
        assert "Terlambat — dibawa ke periode berikutnya" in queue_page.body
        listed = region.call("verifier", "satudata_request_list", round_id=round_["id"],
                             state="submitted")["results"]
        assert [(r["item_title"], r["late"]) for r in listed] == [
            ("Jumlah Sekolah Dasar 2027", "carry")]
        late_event = next(e for e in _events(region, sekolah) if e["transition"] == "submit")
        assert late_event["data"]["late"] == "carry"
        region.call("verifier", "satudata_request_verify", id=sekolah["id"])

    # -- 2. the forum decides three requests in one decision -------------------------
    with freeze_time("2027-01-21 03:00:00"):
        # the forum's page lists what waits for it
        client = _login(app, "anggota-forum")
        page = client.get("/permintaan-data/forum")
        assert page.status_code == 200
        for title in ("Jumlah Puskesmas 2027", "Jumlah Posyandu 2027", "Jumlah Sekolah Dasar 2027"):
            assert title in page.body
        assert _login(app, "kabid").get("/permintaan-data/forum").status_code == 403

        # all or nothing: one request that does not wait for the forum and none changes
        with pytest.raises(tk.ValidationError) as err:
            region.call("forum", "satudata_forum_decide",
                        ids=[puskesmas["id"], posyandu["id"], requests_other(region)],
                        decision="approve", decree_number=DECREE,
                        meeting_date="2027-01-21", berita_acara=_berita_acara())
        assert "ids" in err.value.error_dict
        assert len(err.value.error_dict["ids"]) == 1
        assert "Jumlah Puskesmas (Dinas Pendidikan)" in err.value.error_dict["ids"][0]
        assert _show(region, puskesmas)["approval_level"] == 1
        # a Berita Acara is required, and a PDF
        with pytest.raises(tk.ValidationError) as err:
            region.call("forum", "satudata_forum_decide",
                        ids=[puskesmas["id"]], decision="approve", decree_number=DECREE,
                        meeting_date="2027-01-21",
                        berita_acara=FileStorage(io.BytesIO(b"bukan pdf"), "ba.txt"))
        assert "berita_acara" in err.value.error_dict
        # only the forum decides
        with pytest.raises(tk.NotAuthorized):
            region.call("kabid", "satudata_forum_decide",
                        ids=[puskesmas["id"]], decision="approve", decree_number=DECREE,
                        meeting_date="2027-01-21", berita_acara=_berita_acara())

        decision = region.call("forum", "satudata_forum_decide",
                               ids=[puskesmas["id"], posyandu["id"], bidan["id"]],
                               decision="approve", decree_number=DECREE,
                               meeting_date="2027-01-21", berita_acara=_berita_acara())
        assert sorted(decision["request_ids"]) == sorted(
            [puskesmas["id"], posyandu["id"], bidan["id"]])
        for request in (puskesmas, posyandu, bidan):
            shown = _show(region, request)
            assert (shown["state"], shown["approval_level"], shown["waiting_for"]) == (
                "verified", 2, "kabid")
            assert shown["due_date"] == "2027-01-22"    # one working day per level
            event = _events(region, request)[-1]
            assert (event["transition"], event["role"]) == ("approve", "forum")
            assert event["forum_decision"]["decree_number"] == DECREE
            assert event["forum_decision"]["id"] == decision["id"]
        with open(storage.berita_acara_path(decision["id"]), "rb") as f:
            assert f.read() == PDF

        # the walidata issues the round's Berita Acara Verifikasi: every request,
        # who decided what and when, the forum's decree
        record = region.call("verifier", "satudata_letter_issue", id=round_["id"])
        assert record["kind"] == "berita_acara"
        text = pdf_text(region.call("forum", "satudata_letter_export", id=record["id"]))
        for expected in ("BERITA ACARA VERIFIKASI", record["number"], round_["title"],
                         "Dinas Kesehatan", "Dinas Pendidikan", "Jumlah Puskesmas 2027",
                         "Jumlah Posyandu 2027", "Jumlah Bidan Desa 2027",
                         "Jumlah Sekolah Dasar 2027", "Diverifikasi", "Disetujui",
                         "(forum)", DECREE, "terverifikasi, dalam persetujuan"):
            assert expected in text, expected
        assert text.count(DECREE) == 3      # the one decision on each of its requests

        # the request page shows the decree and links the Berita Acara
        producer = _login(app, "produsen-a")
        page = producer.get(f"/permintaan-data/{puskesmas['id']}")
        assert DECREE in page.body and decision["berita_acara_url"] in page.body
        assert producer.get(decision["berita_acara_url"]).data == PDF
        # not for another OPD's producer whose requests it does not cover, nor the public
        assert _login(app, "produsen-b").get(decision["berita_acara_url"]).status_code == 403
        assert app.get(decision["berita_acara_url"],
                       follow_redirects=False).status_code in (403, 302)
        with pytest.raises(tk.NotAuthorized):
            region.call("anonymous", "satudata_forum_decision_show", id=decision["id"])

        for request in (puskesmas, posyandu, bidan):
            region.call("kabid", "satudata_request_approve", id=request["id"])
            ready = region.call("kadis", "satudata_request_approve", id=request["id"])
            assert ready["state"] == "ready"
            assert ready["due_date"] == "2027-01-22"    # TJB: publish within one working day
        # the late one goes through the forum in another meeting
        region.call("forum", "satudata_forum_decide", ids=[sekolah["id"]], decision="approve",
                    decree_number="188/13/403.206/2027", meeting_date="2027-01-21",
                    berita_acara=_berita_acara())
        region.call("kabid", "satudata_request_approve", id=sekolah["id"])
        region.call("kadis", "satudata_request_approve", id=sekolah["id"])

        # the requester is notified when their data is published
        run_jobs()
        smtp.take()
        region.call("walidata_admin", "satudata_request_publish", id=puskesmas["id"])

        # carried: not published in this period, and not before the next one exists
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_publish", id=sekolah["id"])
        assert "next publication period" in err.value.error_dict["state"][0]
        # a draft is no period yet (made and deleted at once, it let the
        # carried data out the same day)
        CollectionRound(name="magetan-draf", title="Draf", year=2027, start_date="2027-06-01")
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_publish", id=sekolah["id"])
        assert "is sent" in err.value.error_dict["state"][0]
        _send_round(region, "magetan-semester-2-2027", "2027-07-01")
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_publish", id=sekolah["id"])
        assert tk.h.render_datetime(datetime.date(2027, 7, 1)) in \
            err.value.error_dict["state"][0], err.value.error_dict
        with pytest.raises(tk.ValidationError) as err:
            region.call("kadis", "satudata_request_schedule", id=sekolah["id"],
                        release_at="2027-06-30 09:00")
        assert "release_at" in err.value.error_dict
        scheduled = region.call("kadis", "satudata_request_schedule", id=sekolah["id"],
                                release_at="2027-07-01 09:00")
        assert scheduled["state"] == "scheduled"
    run_jobs()
    run_jobs()
    done = region.call("public", "satudata_public_request_show", id=asked["id"])
    assert done["state"] == "fulfilled"
    to_citizen = [m for m in smtp.take() if citizen["email"] in m["to"]]
    assert len(to_citizen) == 1 and "dipublikasikan" in to_citizen[0]["body"]

    with freeze_time("2027-07-01 03:00:00"):              # the next period: out it goes
        with pytest.raises(tk.ValidationError):  # its announced time has come: not cancelled
            region.call("kadis", "satudata_request_unschedule", id=sekolah["id"])
        # publishing it now: from its page as it is (it is scheduled)
        assert region.call("walidata_admin", "satudata_request_publish", id=sekolah["id"],
                           version=seen(sekolah["id"]))["state"] == "published"


def requests_other(region) -> str:
    """A request that does not wait for the forum: the region's first round's
    request of OPD B (still with its producer)."""
    return region.request_of(region.opd_b)["id"]


def _login(app, name):
    from ..factories import login
    return login(app, name)


# -- the new actions × every kind of user ------------------------------------------------

USERS = ["anonymous", "public", "producer", "producer_b", "head_a", "head_b", "verifier",
         "forum", "kabid", "kadis", "walidata_admin", "sysadmin"]
STAFF = {"verifier", "forum", "kabid", "kadis", "walidata_admin", "sysadmin"}


def _cells(region, action, data):
    return region.may(action, USERS, **data)


@magetan
def test_auth_matrix_of_the_new_actions(world):
    region = world
    request = region.request_of(region.opd_a)
    row = model.Session.get(DataRequest, request["id"])
    row.state, row.approval_level = "opd_review", 0
    model.Session.commit()
    rows = [
        ("satudata_request_opd_approve", {"head_a"}),
        ("satudata_request_opd_return", {"head_a"}),
        ("satudata_request_show", STAFF | {"producer", "head_a"}),
        ("satudata_request_event_list", STAFF | {"producer", "head_a"}),
        # a walidata step taken early: refused for everyone but its actors
        ("satudata_request_verify", {"verifier"}),
    ]
    for action, allowed in rows:
        assert _cells(region, action, {"id": request["id"]}) == {
            who: who in allowed for who in USERS}, action
    assert _cells(region, "satudata_forum_decide", {}) == {
        who: who == "forum" for who in USERS}

    # at the forum's level: the forum approves, nobody else, and its decision
    # is seen by whoever sees one of its requests
    row.state, row.approval_level = "verified", 1
    model.Session.commit()
    assert _cells(region, "satudata_request_approve", {"id": request["id"]}) == {
        who: who == "forum" for who in USERS}
    with freeze_time("2027-01-21 03:00:00"):
        decision = region.call("forum", "satudata_forum_decide", ids=request["id"],
                               decision="return", reason="Angka tidak konsisten",
                               decree_number=DECREE, meeting_date="2027-01-21",
                               berita_acara=_berita_acara())
    assert _show(region, request)["state"] == "returned"
    assert _cells(region, "satudata_forum_decision_show", {"id": decision["id"]}) == {
        who: who in STAFF | {"producer", "head_a"} for who in USERS}


# -- the deadlines of the OPD head's approval and of the publication step -----------------

@magetan
@pytest.mark.ckan_config("satudata.roles.publish", ["staf"])
def test_overdue_opd_review_and_ready_requests_are_reminded(world, smtp):
    """One working day each: the OPD's head is reminded of a submission
    waiting for their approval, the publishers (the administrators and the
    staff who publish) of data ready to publish; overdue, the walidata
    administrators hear of both."""
    region = world
    factories.User(name="staf-publikasi", email="staf@example.org", password="correct123")
    WalidataRole(user="staf-publikasi", role="staf")
    with freeze_time("2027-01-04 02:00:00"):
        round_, requests = _send_round(region, "magetan-tenggat-2027", "2027-01-04",
                                       approval_chain="verifikator")
        waiting, ready = requests["Jumlah Puskesmas 2027"], requests["Jumlah Posyandu 2027"]
        _submit(region, waiting)
        _submit(region, ready)
        region.call("head_a", "satudata_request_opd_approve", id=ready["id"])
        region.call("verifier", "satudata_request_verify", id=ready["id"])
    waiting, ready = _show(region, waiting), _show(region, ready)
    assert (waiting["state"], ready["state"]) == ("opd_review", "ready")
    # one working day each
    assert waiting["due_date"] == ready["due_date"] == workdays.add_working_days(
        datetime.date(2027, 1, 4), 1).isoformat()
    smtp.take()

    reminders.send_reminders(datetime.date(2027, 1, 4))
    mails = smtp.take()
    on = {title: {m["to"].split("<")[-1].rstrip(">") for m in mails if title in m["subject"]}
          for title in ("Jumlah Puskesmas 2027", "Jumlah Posyandu 2027")}
    assert on["Jumlah Puskesmas 2027"] == {"kepala-dinas-kesehatan@example.org"}
    assert on["Jumlah Posyandu 2027"] == {"admin-walidata@example.org", "staf@example.org"}

    reminders.send_reminders(datetime.date.fromisoformat(waiting["due_date"])
                             + datetime.timedelta(days=1))   # late
    mails = smtp.take()
    # the administrators' one message lists both
    late = {title: {m["to"].split("<")[-1].rstrip(">") for m in mails
                    if title in m["subject"] + m["body"]}
            for title in ("Jumlah Puskesmas 2027", "Jumlah Posyandu 2027")}
    assert len(mails) == 3, [m["subject"] for m in mails]
    assert late["Jumlah Puskesmas 2027"] == {"kepala-dinas-kesehatan@example.org",
                                             "admin-walidata@example.org"}
    assert late["Jumlah Posyandu 2027"] == {"admin-walidata@example.org", "staf@example.org"}
    assert all("tenggat" in m["subject"].lower() for m in mails
               if "2027" in m["subject"] and "Jumlah" in m["subject"])


# -- a round's own chain -------------------------------------------------------------------

def test_each_request_follows_its_rounds_chain(region, smtp, run_jobs):
    """Kota Metro needs only the verifier (its Kasi); the region's first round
    keeps the portal's chain (verifier, Kabid, Kadis)."""
    with freeze_time("2027-01-04 02:00:00"):
        DaftarDataItem(title="Jumlah Taman Kota", owner_org=region.opd_a["id"], year=2027)
        with pytest.raises(tk.ValidationError) as err:
            CollectionRound(name="metro-salah", title="Metro", year=2027,
                            start_date="2027-01-04", approval_chain="verifikator lurah")
        assert "lurah" in err.value.error_dict["approval_chain"][0]
        # levels may be left out, the chain never turned around (the Kabid
        # would verify, the verifier approve)
        with pytest.raises(tk.ValidationError) as err:
            CollectionRound(name="metro-terbalik", title="Metro", year=2027,
                            start_date="2027-01-04", approval_chain="kabid verifikator")
        assert "verifikator → " in err.value.error_dict["approval_chain"][0]
        round_, requests = _send_round(region, "metro-2027", "2027-01-04",
                                       approval_chain="verifikator")
        metro = requests["Jumlah Taman Kota"]
        _submit(region, metro)
        # the verifier's step makes it ready: no Kabid, no Kadis
        assert region.call("verifier", "satudata_request_verify",
                           id=metro["id"])["state"] == "ready"
        assert _show(region, metro)["approval_chain"] == ["verifikator"]
        # the first round still goes through Kabid and Kadis
        first = region.request_of(region.opd_a)
        _submit(region, first)
        verified = region.call("verifier", "satudata_request_verify", id=first["id"])
        assert (verified["state"], verified["approval_level"]) == ("verified", 1)
        assert _show(region, first)["waiting_for"] == "kabid"
        # a chain does not change under requests being approved
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                        approval_chain="verifikator kadis")
        assert "approval_chain" in err.value.error_dict
        # the round form offers it
        updated = region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                              approval_chain="verifikator kabid kadis", late_policy="flag")
        assert (updated["approval_chain"], updated["late_policy"]) == (
            ["verifikator", "kabid", "kadis"], "flag")
    run_jobs()
    # the e-mail of the ready request goes to the walidata administrators
    assert "admin-walidata@example.org" in smtp.recipients(smtp.take())

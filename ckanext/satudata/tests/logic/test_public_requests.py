# -*- coding: utf-8 -*-
"""Public data requests (permohonan data): a citizen asks, the walidata
answers within 10 working days (UU 14/2008) counted across holidays,
extendable once by 7; an overdue request is reminded; the requester hears of
every step and of the publication of the data; nobody else sees the
requester's contact details."""
from __future__ import annotations

import datetime
import re

import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import public_requests, reminders, workdays

from ..factories import csrf_token, login, publish, to_ready


def _call(user, action, **data):
    return helpers.call_action(action, context={"user": user["name"] if user else "",
                                                "ignore_auth": False}, **data)


@pytest.fixture
def citizen(region):
    """The region's citizen, warga@example.org (the world is fresh for each test)."""
    return region.users["public"]


def _ask(citizen, **extra):
    return _call(citizen, "satudata_public_request_create", **{
        "title": "Jumlah rumah tangga miskin per desa 2025",
        "description": "Per desa, Kabupaten Magetan, tahun 2025",
        "purpose": "Penelitian skripsi", "phone": "0812-3456-7890", **extra})


def test_the_deadline_counts_working_days_across_holidays_and_extends_once(region, citizen):
    # Monday 28 December 2026, 10:00 WIB: 1 and 5 January 2027 are holidays
    with freeze_time("2026-12-28 03:00:00"):
        asked = _ask(citizen)
        assert asked["state"] == "submitted"
        assert asked["due_date"] == "2027-01-13"     # not the 11th: two holidays
        # with the version an officer's decision sends, as its page has it
        assert asked["version"] == _call(region.users["verifier"],
                                         "satudata_public_request_show",
                                         id=asked["id"])["version"] == 1
        # the reason is told to the requester: blanks (spaces, a zero-width space) are none
        for blank in (None, " \n\t ", "\u00a0\u200b", "\u00ad", "\u200e", "\u2800"):
            with pytest.raises(tk.ValidationError) as err:
                _call(region.users["verifier"], "satudata_public_request_extend",
                      id=asked["id"], **({"note": blank} if blank is not None else {}))
            assert "note" in err.value.error_dict, repr(blank)
        extended = _call(region.users["verifier"], "satudata_public_request_extend",
                         id=asked["id"], note="Data masih dihimpun dari kecamatan")
        assert extended["due_date"] == "2027-01-22" and extended["extended"] is True
        assert "extend" not in _call(region.users["verifier"], "satudata_public_request_show",
                                     id=asked["id"])["allowed_steps"]
        with pytest.raises(tk.ValidationError) as err:  # once only, and it says so
            _call(region.users["verifier"], "satudata_public_request_extend",
                  id=asked["id"], note="lagi")
        assert "sudah pernah diperpanjang" in str(err.value) \
            or "already extended" in str(err.value)


def test_a_deleted_account_hears_nothing_more_of_its_request(region, citizen, smtp,
                                                             run_jobs):
    """Its answer went to the deleted account's address with a link asking
    for a login it could not give; the request and its answer stay public."""
    asked = _ask(citizen, email="kontak@example.org")
    run_jobs()
    smtp.take()
    helpers.call_action("user_delete", context={"user": region.users["sysadmin"]["name"]},
                        id=citizen["id"])
    _call(region.users["verifier"], "satudata_public_request_reject", id=asked["id"],
          note="Data tidak dikuasai pemerintah daerah")
    run_jobs()
    assert not {"warga@example.org", "kontak@example.org"} & smtp.recipients(smtp.take())
    shown = _call(None, "satudata_public_request_show", id=asked["id"])
    assert shown["state"] == "rejected" and "tidak dikuasai" in str(shown)


def test_an_overdue_request_is_reminded_once(region, citizen, smtp):
    with freeze_time("2026-12-28 03:00:00"):
        asked = _ask(citizen)
    smtp.take()

    def public_reminders(day):
        counts = reminders.send_reminders(datetime.date.fromisoformat(day))
        mails = [m for m in smtp.take() if "permohonan data publik" in m["subject"].lower()]
        return counts["public_requests"], mails

    assert public_reminders("2027-01-07") == (0, [])  # four working days before
    count, mails = public_reminders("2027-01-08")     # three working days before
    assert count == 1
    assert {m["to"].split("<")[-1].rstrip(">") for m in mails} >= {"admin-walidata@example.org"}
    assert all("Pengingat" in m["subject"] for m in mails)
    assert public_reminders("2027-01-11") == (0, [])  # not twice for the same deadline
    count, mails = public_reminders("2027-01-15")     # two working days late
    assert count == 1 and all("terlambat" in m["subject"] for m in mails)
    assert "terlambat 2 hari kerja" in mails[0]["body"]
    assert public_reminders("2027-01-18") == (0, [])
    _call(region.users["verifier"], "satudata_public_request_reject", id=asked["id"],
          note="Data tidak dikecualikan, tetapi tidak dikuasai pemerintah daerah")
    assert public_reminders("2027-01-19") == (0, [])  # answered: nothing owed
    # three due the same day: one message to each officer, listing them (each
    # officer got one e-mail per request)
    with freeze_time("2027-01-19 03:00:00"):
        for title in ("Data UMKM", "Data pasar", "Data irigasi"):
            _ask(citizen, title=title)
    smtp.take()
    count, mails = public_reminders("2027-02-01")
    assert count == 3
    to_admin = [m for m in mails if "admin-walidata@example.org" in m["to"]]
    assert len(to_admin) == 1 and "3 permohonan data publik" in to_admin[0]["subject"]
    assert all(t in to_admin[0]["body"] for t in ("Data UMKM", "Data pasar", "Data irigasi"))


def test_each_e_mail_tells_of_its_own_step(region, citizen, smtp, run_jobs):
    """Accepted, then rejected a moment later, before the jobs worker sent
    the first e-mail: the citizen's first message still says accepted."""
    asked = _ask(citizen)
    run_jobs()
    smtp.take()
    verifier = region.users["verifier"]
    _call(verifier, "satudata_public_request_accept", id=asked["id"], note="Sedang dicari")
    _call(verifier, "satudata_public_request_reject", id=asked["id"],
          note="Data tidak dikuasai pemerintah daerah")
    run_jobs()
    mails = sorted((m for m in smtp.take() if "warga@example.org" in m["to"]),
                   key=lambda m: "ditolak" in m["subject"])
    assert [("diterima, sedang diproses" in m["subject"], "ditolak" in m["subject"])
            for m in mails] == [(True, False), (False, True)]
    assert "Sedang dicari" in mails[0]["body"] and "ditolak" not in mails[0]["body"]
    assert "tidak dikuasai" in mails[1]["body"]
    # a refusal says how to object to it (UU 14/2008), an acceptance does not
    assert "keberatan kepada PPID" in mails[1]["body"]
    assert "keberatan" not in mails[0]["body"]


def test_an_acceptance_e_mail_carries_no_dataset_of_a_later_step(region, citizen, smtp,
                                                                  run_jobs):
    """Accepted, then fulfilled with a public dataset a moment later: the
    "accepted" e-mail, sent after both, linked that dataset."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    asked = _ask(citizen)
    run_jobs()
    smtp.take()
    verifier = region.users["verifier"]
    _call(verifier, "satudata_public_request_accept", id=asked["id"], note="Sedang dicari")
    _call(verifier, "satudata_public_request_fulfil", id=asked["id"],
          package_id=request["package_id"], note="Sudah tersedia")
    run_jobs()
    mails = {("diterima" in m["subject"]): m["body"] for m in smtp.take()
             if "warga@example.org" in m["to"]}
    assert "/dataset/" not in mails[True] and "/dataset/" in mails[False]


def test_an_answer_without_a_note_leaves_no_earlier_note_as_the_answer(region, citizen):
    """Fulfilled without a note, the request's "walidata's answer" gave the
    reason its deadline had been extended."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    asked = _ask(citizen)
    verifier = region.users["verifier"]
    _call(verifier, "satudata_public_request_accept", id=asked["id"], note="Diterima")
    _call(verifier, "satudata_public_request_extend", id=asked["id"],
          note="Butuh koordinasi dengan OPD")
    assert _call(citizen, "satudata_public_request_show",
                 id=asked["id"])["response"] == "Butuh koordinasi dengan OPD"
    _call(verifier, "satudata_public_request_fulfil", id=asked["id"],
          package_id=request["package_id"])
    assert _call(citizen, "satudata_public_request_show", id=asked["id"])["response"] in (
        None, "")


def test_the_extension_e_mail_says_so_in_its_subject(region, citizen, smtp, run_jobs):
    asked = _ask(citizen)
    verifier = region.users["verifier"]
    _call(verifier, "satudata_public_request_accept", id=asked["id"])
    run_jobs()
    smtp.take()
    _call(verifier, "satudata_public_request_extend", id=asked["id"],
          note="Butuh koordinasi dengan OPD")
    run_jobs()
    mail, = [m for m in smtp.take() if "warga@example.org" in m["to"]]
    assert "diperpanjang" in mail["subject"] and "diterima" not in mail["subject"]


def test_from_submission_to_fulfilment_on_publication(region, citizen, smtp, run_jobs,
                                                       app):
    request = region.request_of(region.opd_a)
    asked = _ask(citizen, owner_org=region.opd_a["name"])
    run_jobs()
    sent = smtp.take()
    to_citizen = [m for m in sent if "warga@example.org" in m["to"]]
    # "tercatat" (recorded), not "diterima", which also reads "accepted"
    assert len(to_citizen) == 1 and "Permohonan data tercatat" in to_citizen[0]["subject"]
    assert "Batas waktu jawaban:" in to_citizen[0]["body"]
    assert "admin-walidata@example.org" in smtp.recipients(sent)

    # the contact details: the requester and the walidata only
    other = factories.User(name="tetangga", email="tetangga@example.org")
    for reader in (None, other, region.users["producer"]):
        shown = _call(reader, "satudata_public_request_show", id=asked["id"])
        assert "email" not in shown and "phone" not in shown and "requester_id" not in shown
        assert shown["title"] == asked["title"]
    for reader in (citizen, region.users["verifier"]):
        shown = _call(reader, "satudata_public_request_show", id=asked["id"])
        assert shown["email"] == "warga@example.org" and shown["phone"] == "0812-3456-7890"
    listed = _call(None, "satudata_public_request_list")
    assert [r["id"] for r in listed["results"]] == [asked["id"]]
    assert "warga@example.org" not in str(listed) and "0812" not in str(listed)

    with pytest.raises(tk.NotAuthorized):          # producers do not answer
        _call(region.users["producer"], "satudata_public_request_accept", id=asked["id"])
    with pytest.raises(tk.NotAuthorized):          # nor the requester
        _call(citizen, "satudata_public_request_accept", id=asked["id"])
    for step in ("accept", "reject"):  # a citizen's request, not an OPD's
        with pytest.raises(tk.ObjectNotFound, match="Public data request not found"):
            _call(region.users["verifier"], f"satudata_public_request_{step}", id="x" * 36)
    _call(region.users["verifier"], "satudata_public_request_accept", id=asked["id"])
    # the data is being prepared in a request of the round: it is not public yet
    waiting = _call(region.users["verifier"], "satudata_public_request_fulfil",
                    id=asked["id"], package_id=request["package_id"],
                    note="Data sedang disiapkan Dinas Kesehatan")
    assert waiting["state"] == "awaiting_publication"
    public_view = _call(None, "satudata_public_request_show", id=asked["id"])
    assert public_view["package_id"] is None and "dataset" not in public_view
    # its history says it will be fulfilled (it said "fulfilled" of a request
    # still waiting, its citizen finding no data)
    history = app.get(f"/permohonan-data/{asked['id']}").body.split(
        "satudata-public-request-events")[1]
    assert "Akan dipenuhi dengan dataset yang sedang disiapkan" in history
    assert "Dipenuhi dengan dataset" not in history
    run_jobs()
    smtp.take()

    to_ready(region, request)
    publish(region, request)
    run_jobs()                                      # fulfils, then its e-mail job
    run_jobs()
    done = _call(None, "satudata_public_request_show", id=asked["id"])
    assert done["state"] == "fulfilled"
    assert done["dataset"]["name"]
    assert [e["step"] for e in done["events"]] == [
        "submit", "accept", "fulfil", "published"]
    mails = [m for m in smtp.take() if "warga@example.org" in m["to"]]
    assert len(mails) == 1
    assert "telah dipublikasikan di portal" in mails[0]["body"]
    assert f"/dataset/{done['dataset']['name']}" in mails[0]["body"]

    # withdrawn: the request waits for the data again and its requester is
    # told (it stayed "fulfilled", its link answering 410); published
    # again, it is fulfilled again
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Angka keliru")
    run_jobs()
    run_jobs()
    reopened = _call(citizen, "satudata_public_request_show", id=asked["id"])
    assert reopened["state"] == "awaiting_publication" and "dataset" not in reopened
    mails = [m for m in smtp.take() if "warga@example.org" in m["to"]]
    assert len(mails) == 1 and "ditarik dari portal" in mails[0]["body"]
    publish(region, request)
    run_jobs()
    run_jobs()
    again = _call(None, "satudata_public_request_show", id=asked["id"])
    assert again["state"] == "fulfilled"
    assert [e["step"] for e in again["events"]][-2:] == ["withdrawn", "published"]


def test_planning_adds_a_daftar_data_item(region, citizen):
    asked = _ask(citizen)
    with pytest.raises(tk.NotAuthorized):           # the Daftar Data is the admins'
        _call(region.users["verifier"], "satudata_public_request_plan", id=asked["id"],
              owner_org=region.opd_a["name"])
    with pytest.raises(tk.ValidationError) as err:  # no OPD named: choose one
        _call(region.users["walidata_admin"], "satudata_public_request_plan", id=asked["id"])
    assert "owner_org" in err.value.error_dict
    planned = _call(region.users["walidata_admin"], "satudata_public_request_plan",
                    id=asked["id"], owner_org=region.opd_a["name"],
                    update_frequency="annual")
    assert planned["state"] == "planned"
    item = _call(region.users["walidata_admin"], "satudata_daftar_data_show",
                 id=planned["item_id"])
    assert item["title"] == asked["title"] and item["update_frequency"] == "annual"


@pytest.mark.parametrize("data, field", [
    ({"title": "", "description": "x"}, "title"),
    ({"title": "Data", "description": ""}, "description"),
    ({"title": ["a"], "description": "x"}, "title"),
    ({"title": "Data", "description": "x", "email": "bukan-surel"}, "email"),
    # a host with no domain (CKAN's check took it): the answer would go nowhere
    ({"title": "Data", "description": "", "email": "warga@bukan"}, "email"),
    ({"title": "Data", "description": "x", "phone": "telepon saya"}, "phone"),
    ({"title": "Data", "description": "x", "owner_org": "tidak-ada"}, "owner_org"),
])
def test_bad_input_is_a_validation_error(citizen, data, field):
    with pytest.raises(tk.ValidationError) as err:
        _call(citizen, "satudata_public_request_create", **data)
    assert field in err.value.error_dict
    # every error at once
    assert ("description" in err.value.error_dict) == (data["description"] == "")


def test_anonymous_cannot_ask(region):
    with pytest.raises(tk.NotAuthorized):
        _call(None, "satudata_public_request_create", title="Data", description="x")


USERS = ["anonymous", "public", "producer", "producer_b", "verifier", "kabid", "kadis",
         "walidata_admin", "sysadmin"]
STAFF = {"verifier", "kabid", "kadis", "walidata_admin", "sysadmin"}
ADMINS = {"walidata_admin", "sysadmin"}
#: action, the state the request is put in, who is let in (the officers of a
#: step in a state that does not allow it are let in, and refused by the
#: step with the request's state: :data:`PAST`)
MATRIX = [
    ("satudata_public_request_create", None, set(USERS) - {"anonymous"}),
    ("satudata_public_request_list", None, set(USERS)),
    ("satudata_public_request_show", "rejected", set(USERS)),
    ("satudata_public_request_accept", "submitted", STAFF),
    ("satudata_public_request_accept", "accepted", STAFF),
    ("satudata_public_request_extend", "accepted", STAFF),
    ("satudata_public_request_extend", "planned", STAFF),
    ("satudata_public_request_plan", "submitted", ADMINS),
    ("satudata_public_request_plan", "planned", ADMINS),
    ("satudata_public_request_fulfil", "planned", STAFF),
    ("satudata_public_request_fulfil", "awaiting_publication", STAFF),
    ("satudata_public_request_datasets", "accepted", STAFF),
    ("satudata_public_request_reject", "accepted", STAFF),
    ("satudata_public_request_reject", "fulfilled", STAFF),
    ("satudata_public_request_reject", "awaiting_publication", STAFF),
]
#: a step the request's state does not allow: action, state, label of the state
PAST = [
    ("satudata_public_request_accept", "accepted", ("diterima", "accepted")),
    ("satudata_public_request_extend", "planned", ("direncanakan", "planned")),
    ("satudata_public_request_plan", "awaiting_publication",
     ("menunggu publikasi", "awaiting publication")),
    ("satudata_public_request_fulfil", "rejected", ("ditolak", "rejected")),
    ("satudata_public_request_reject", "fulfilled", ("dipenuhi", "fulfilled")),
]


def test_a_request_waiting_for_data_that_will_not_come_is_still_answered(region, citizen):
    """The data request whose dataset a citizen's request waited for was
    cancelled (or its dataset withdrawn): the request stayed "awaiting
    publication" for good, no deadline, every answer of the walidata refused
    by its state."""
    waited_for, other = region.request_of(region.opd_a), region.request_of(region.opd_b)
    verifier = region.users["verifier"]
    asked = [_ask(citizen, owner_org=region.opd_a["name"]),
             _call(citizen, "satudata_public_request_create", title="Jumlah puskesmas 2026",
                   description="Per kecamatan", purpose="Liputan")]
    for one in asked:
        _call(verifier, "satudata_public_request_accept", id=one["id"])
        assert _call(verifier, "satudata_public_request_fulfil", id=one["id"],
                     package_id=waited_for["package_id"])["state"] == "awaiting_publication"
    region.call("walidata_admin", "satudata_request_cancel", id=waited_for["id"],
                note="Indikator dihapus dari Daftar Data")
    rejected = _call(verifier, "satudata_public_request_reject", id=asked[0]["id"],
                     note="Data ini tidak jadi dihimpun tahun ini")
    assert rejected["state"] == "rejected"
    assert rejected["response"] == "Data ini tidak jadi dihimpun tahun ini"
    # or pointed to other data, which it waits for in turn
    # not to the cancelled data again: it would wait for good
    with pytest.raises(tk.ValidationError) as err:
        _call(verifier, "satudata_public_request_fulfil", id=asked[1]["id"],
              package_id=waited_for["package_id"])
    assert "package_id" in err.value.error_dict
    pointed = _call(verifier, "satudata_public_request_fulfil", id=asked[1]["id"],
                    package_id=other["package_id"])
    assert pointed["state"] == "awaiting_publication"
    assert _call(citizen, "satudata_public_request_show",
                 id=asked[1]["id"])["events"][-1]["step"] == "fulfil"


def test_a_request_whose_data_is_cancelled_goes_back_to_the_walidata(
        region, citizen, smtp, run_jobs):
    """Fulfilled with a dataset being prepared, then that data request was
    cancelled: the citizen's request stayed "awaiting publication" with no
    deadline, in no list of open requests, nobody reminded, its requester
    never told the data would not come."""
    waited_for = region.request_of(region.opd_a)
    verifier = region.users["verifier"]
    asked = _ask(citizen, owner_org=region.opd_a["name"])
    _call(verifier, "satudata_public_request_accept", id=asked["id"])
    _call(verifier, "satudata_public_request_fulfil", id=asked["id"],
          package_id=waited_for["package_id"])
    run_jobs()
    smtp.take()
    region.call("walidata_admin", "satudata_request_cancel", id=waited_for["id"],
                note="Indikator dihapus dari Daftar Data")
    run_jobs()
    shown = _call(verifier, "satudata_public_request_show", id=asked["id"])
    assert shown["state"] == "accepted" and shown["events"][-1]["step"] == "stopped"
    assert shown["due_date"] >= workdays.add_working_days(
        workdays.today(), public_requests.EXTENSION_DAYS).isoformat()
    assert asked["id"] in [r["id"] for r in _call(
        verifier, "satudata_public_request_list", waiting=True)["results"]]
    sent = smtp.take()
    told = [m for m in sent if "warga@" in m["to"]]
    assert len(told) == 1 and "tidak akan dipublikasikan" in told[0]["body"], told
    assert "Batas waktu jawaban" in told[0]["body"]
    assert "ditelaah kembali" in told[0]["subject"], told[0]["subject"]
    # the walidata, who owes the answer again, is told so (it heard of it
    # only from the reminders, near the deadline)
    staff = [m for m in sent if "kembali kepada walidata" in m["subject"]]
    assert smtp.recipients(staff) == {verifier["email"], "admin-walidata@example.org"}, sent
    assert "Batas waktu jawaban" in staff[0]["body"]
    # with why: the cancellation and its note (the citizen's has neither)
    assert "dibatalkan" in staff[0]["body"], staff[0]["body"]
    assert "Indikator dihapus dari Daftar Data" in staff[0]["body"], staff[0]["body"]
    assert "Indikator dihapus" not in told[0]["body"]
    # answered again as any open request
    assert _call(verifier, "satudata_public_request_reject", id=asked["id"],
                 note="Data ini tidak jadi dihimpun")["state"] == "rejected"
    # the walidata's trail names who answered; the requester's does not
    trail = _call(verifier, "satudata_public_request_show", id=asked["id"])["events"]
    assert [(e["step"], e.get("user_name")) for e in trail] == [
        ("submit", "warga"), ("accept", "verifikator"), ("fulfil", "verifikator"),
        ("stopped", None), ("reject", "verifikator")]
    assert not any("user_name" in e for e in _call(
        citizen, "satudata_public_request_show", id=asked["id"])["events"])


def test_a_request_planned_as_an_item_whose_request_is_cancelled_goes_back(
        region, citizen, smtp, run_jobs):
    """Planned in the Daftar Data, collected by a round, then that data
    request cancelled: the citizen's request stayed "planned" for good."""
    asked = _ask(citizen)
    planned = _call(region.users["walidata_admin"], "satudata_public_request_plan",
                    id=asked["id"], owner_org=region.opd_a["name"], year=2026)
    region.call("walidata_admin", "satudata_round_send", id=region.round["id"])
    collecting = next(r for r in region.call(
        "walidata_admin", "satudata_request_list", round_id=region.round["id"])["results"]
        if r["item_id"] == planned["item_id"])
    region.call("walidata_admin", "satudata_request_cancel", id=collecting["id"],
                note="Tidak jadi dihimpun")
    run_jobs()
    shown = _call(region.users["verifier"], "satudata_public_request_show", id=asked["id"])
    assert (shown["state"], shown["events"][-1]["step"]) == ("accepted", "stopped")


@pytest.mark.parametrize("action,state,labels", PAST,
                         ids=[f"{a.replace('satudata_public_request_', '')}@{s}"
                              for a, s, _l in PAST])
def test_a_step_the_request_is_past_says_where_it_is(region, citizen, action, state, labels):
    """A second officer's accept, reject or fulfil after the first officer's
    step won (or a plan of a request already waiting for its data) was
    refused "you may not take this step" (403), as if they were not an
    officer: it says where the request is (409)."""
    import ckan.model as model
    from ckanext.satudata.model import PublicRequest

    asked = _ask(citizen, owner_org=region.opd_a["name"])
    model.Session.get(PublicRequest, asked["id"]).state = state
    model.Session.commit()
    with pytest.raises(tk.ValidationError) as err:
        _call(region.users["walidata_admin"], action, id=asked["id"], note="Alasan",
              owner_org=region.opd_a["name"],
              package_id=region.request_of(region.opd_a)["package_id"])
    assert "state" in err.value.error_dict
    assert any(label in str(err.value).lower() for label in labels), str(err.value)
    # a citizen's request in its own words (it was the OPDs' "permintaan")
    assert "data request is" in str(err.value), str(err.value)
    assert _call(region.users["walidata_admin"], "satudata_public_request_show",
                 id=asked["id"])["state"] == state


@pytest.mark.parametrize("action,state,allowed", MATRIX,
                         ids=[f"{a.replace('satudata_public_request_', '')}@{s}"
                              for a, s, _u in MATRIX])
def test_auth_matrix(region, citizen, action, state, allowed):
    import ckan.model as model
    from ckanext.satudata.model import PublicRequest

    asked = _ask(citizen)
    if state:
        model.Session.get(PublicRequest, asked["id"]).state = state
        model.Session.commit()
    cells = {}
    for who in USERS:
        context = {"user": region.ctx(who)["user"], "model": model}
        try:
            helpers.call_auth(action, context, id=asked["id"])
            cells[who] = True
        except tk.NotAuthorized:
            cells[who] = False
    assert cells == {who: who in allowed for who in USERS}


def test_a_mistyped_dataset_keeps_the_answer_and_names_what_was_typed(region, citizen, app):
    """The walidata answers a citizen's request with a dataset name that
    does not exist: the page says which name is unknown, at its form, and
    keeps the name and the note typed (they came back empty)."""
    asked = _ask(citizen, owner_org=region.opd_a["name"])
    _call(region.users["verifier"], "satudata_public_request_accept", id=asked["id"])
    client = login(app, region.users["verifier"]["name"])
    url = f"/permohonan-data/{asked['id']}"
    page = client.get(url)
    assert 'data-module="autocomplete"' in page.body  # the datasets as one types
    response = client.post(f"{url}/fulfil", data={
        "_csrf_token": csrf_token(page.body), "package_id": "tidak-ada-dataset-ini",
        "note": "Data ada di Dinas Kesehatan"})
    assert response.status_code == 400
    form = response.body[response.body.index("satudata-public-request-fulfil"):]
    assert "tidak-ada-dataset-ini" in form[:form.index("</form>")]
    assert "Data ada di Dinas Kesehatan" in form[:form.index("</form>")]
    assert "Tidak ada dataset portal dengan nama atau id" in form
    # none chosen: said at the field (the browser's own message could not
    # show on the field the autocomplete hides, and the button did nothing)
    assert 'name="package_id" required' not in page.body
    empty = client.post(f"{url}/fulfil", data={
        "_csrf_token": csrf_token(page.body), "package_id": "", "note": "Sudah ada"})
    assert empty.status_code == 400 and "Pilih dataset yang memenuhi permohonan" in empty.body
    assert "Sudah ada" in empty.body
    assert _call(region.users["verifier"], "satudata_public_request_show",
                 id=asked["id"])["state"] == "accepted"


def test_the_request_form_says_its_limits_before_it_is_sent(region, citizen, app):
    page = login(app, citizen["name"]).get("/permohonan-data/baru").body
    for field, limit in (("title", 500), ("description", 10000), ("purpose", 10000)):
        tag = re.search(rf'<(?:input|textarea)[^>]*id="field-{field}"[^>]*>', page).group(0)
        assert f'maxlength="{limit}"' in tag, tag


def test_a_form_s_line_breaks_count_once_as_the_browser_counts_them(region, citizen, app):
    """A browser lets 10,000 characters of 1,000 lines into the details and
    sends each line break as CRLF: 11,000 for the server, refused."""
    client = login(app, citizen["name"])
    page = client.get("/permohonan-data/baru")
    details = "\r\n".join(["x" * 9] * 1000)  # 9,999 characters to the browser
    response = client.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(page.body), "title": "Data per desa",
        "description": details})
    assert "Paling banyak" not in response.body
    mine = _call(citizen, "satudata_public_request_list", mine=True)["results"]
    assert [r["title"] for r in mine] == ["Data per desa"]


def test_an_item_a_citizens_request_is_planned_on_is_not_deleted(region, citizen):
    """Deleted, it left the citizen's request "planned" on nothing."""
    asked = _ask(citizen)
    planned = _call(region.users["walidata_admin"], "satudata_public_request_plan",
                    id=asked["id"], owner_org=region.opd_a["name"])
    with pytest.raises(tk.ValidationError) as refused:
        _call(region.users["walidata_admin"], "satudata_daftar_data_delete",
              id=planned["item_id"])
    assert "id" in refused.value.error_dict
    assert _call(region.users["walidata_admin"], "satudata_daftar_data_show",
                 id=planned["item_id"])["title"]
    # nor deactivated: never requested again, the request waited for ever
    with pytest.raises(tk.ValidationError) as refused:
        _call(region.users["walidata_admin"], "satudata_daftar_data_update",
              id=planned["item_id"], active=False)
    assert "active" in refused.value.error_dict
    assert _call(region.users["walidata_admin"], "satudata_daftar_data_show",
                 id=planned["item_id"])["active"] is True


def test_a_name_with_a_line_break_is_refused_and_stops_no_e_mail(region, citizen, smtp,
                                                                  run_jobs):
    """A citizen gave their name a line break (``user_patch``): accepted, it
    went into the e-mail headers, their request's e-mails (the walidata's
    too) were never sent, and the password reset answered 500. It is
    refused; a name already stored so is written on one line."""
    with pytest.raises(tk.ValidationError) as err:
        _call(citizen, "user_patch", id=citizen["name"], fullname="Warga\nX-Header: 1")
    assert "fullname" in err.value.error_dict
    import ckan.model as model

    user = model.User.get(citizen["id"])
    user.fullname = "Warga\r\nX-Header: 1"  # as stored before the refusal
    model.Session.commit()
    run_jobs()
    smtp.take()
    _ask(citizen)
    run_jobs()
    sent = smtp.take()
    assert citizen["email"] in smtp.recipients(sent)
    assert "verifikator@example.org" in smtp.recipients(sent)


def test_a_decision_made_on_a_page_opened_before_another_officers_is_refused(
        region, citizen, app):
    """Two officers answered one request at once, one planning it, one
    rejecting it: both applied (planned, then rejected; the citizen told
    both, the planned item left in the Daftar Data). A form sends the
    version it was built from; the later decision is refused, says why, and
    keeps what was typed."""
    asked = _ask(citizen, owner_org=region.opd_a["name"])
    admin = login(app, region.users["walidata_admin"]["name"])
    verifier = login(app, region.users["verifier"]["name"])
    url = f"/permohonan-data/{asked['id']}"
    planning, rejecting = admin.get(url).body, verifier.get(url).body
    assert 'name="version" value="1"' in rejecting
    response = admin.post(f"{url}/plan", data={
        "_csrf_token": csrf_token(planning), "version": "1", "owner_org": region.opd_a["id"],
        "year": "2026", "note": ""}, follow_redirects=False)
    assert response.status_code == 302, response.body
    refused = verifier.post(f"{url}/reject", data={
        "_csrf_token": csrf_token(rejecting), "version": "1", "note": "Bukan data sektoral"})
    assert refused.status_code == 400  # the form again, as the other refused forms
    assert "sudah dijawab sejak halaman dibuka" in refused.body
    assert "Bukan data sektoral" in refused.body
    shown = _call(region.users["verifier"], "satudata_public_request_show", id=asked["id"])
    assert shown["state"] == "planned" and shown["version"] == 2
    # over the API, the version is optional: without it the step is taken as it is now
    with pytest.raises(tk.ValidationError) as err:
        _call(region.users["verifier"], "satudata_public_request_reject", id=asked["id"],
              note="Alasan", version=1)
    assert "version" in err.value.error_dict


def test_the_same_request_sent_again_while_open_is_refused(region, citizen):
    """A citizen's form sent fifteen times at once made fifteen requests (45
    e-mails to the walidata). While one is open, the same title is refused,
    pointing at it; another title, or the same once answered, is a new one."""
    asked = _ask(citizen)
    with pytest.raises(tk.ValidationError) as err:
        _ask(citizen)
    assert f"/permohonan-data/{asked['id']}" in err.value.error_dict["title"][0]
    _call(citizen, "satudata_public_request_create", title="Data lain sama sekali",
          description="Per desa")
    _call(region.users["verifier"], "satudata_public_request_reject", id=asked["id"],
          note="Data tidak dihimpun")
    assert _ask(citizen)["id"] != asked["id"]


def test_a_citizens_e_mails_arrive_in_the_order_of_the_steps(region, citizen, smtp, run_jobs):
    """Messages go to the front of the jobs queue, so the last owed ran
    first: a citizen answered within a second heard "rejected" before
    "your request is recorded". Each message sends those owed before it
    first."""
    run_jobs()
    smtp.take()
    asked = _ask(citizen)
    _call(region.users["verifier"], "satudata_public_request_accept", id=asked["id"])
    _call(region.users["verifier"], "satudata_public_request_reject", id=asked["id"],
          note="Data tidak dihimpun")
    run_jobs()
    subjects = [m["subject"] for m in smtp.take() if m["to"].endswith(citizen["email"] + ">")
                or m["to"] == citizen["email"]]
    assert len(subjects) == 3, subjects
    assert "tercatat" in subjects[0] and "diterima" in subjects[1] and "ditolak" in subjects[2]


def test_the_answers_go_to_the_account_not_to_a_typed_address(region, citizen, smtp,
                                                              run_jobs):
    """Any account could have the portal e-mail text of its choosing to any
    address, as often as it liked: the address typed into a request is a
    contact for the walidata, never mailed."""
    asked = _call(citizen, "satudata_public_request_create",
                  title="Beli obat murah http://jahat.example",
                  description="Klik http://jahat.example untuk hadiah",
                  email="korban@jahat.example")
    run_jobs()
    sent = smtp.take()
    assert "korban@jahat.example" not in smtp.recipients(sent)
    assert [m["subject"] for m in sent if "warga@example.org" in m["to"]]
    shown = _call(region.users["verifier"], "satudata_public_request_show", id=asked["id"])
    assert shown["email"] == "korban@jahat.example"  # the contact stays for the walidata
    # the walidata's e-mail names a citizen's request as such ("Open the
    # request" named the OPDs' data requests)
    [staff] = [m for m in sent if "admin-walidata@" in m["to"]]
    assert f"Buka permohonan data publik: http://test.ckan.net/permohonan-data/{asked['id']}" \
        in staff["body"], staff["body"]
    _call(region.users["verifier"], "satudata_public_request_reject", id=asked["id"],
          note="Bukan permohonan data")
    run_jobs()
    assert "korban@jahat.example" not in smtp.recipients(smtp.take())


def test_the_walidata_finds_a_request_by_its_words_and_its_opd(region, citizen, app):
    """161 waiting requests and a status drop-down: the new one was on page 4."""
    _ask(citizen, owner_org=region.opd_a["name"])
    _call(citizen, "satudata_public_request_create", title="Jumlah sekolah dasar 2025",
          description="Per kecamatan, 100%_lengkap", owner_org=region.opd_b["name"])
    found = _call(None, "satudata_public_request_list", q="miskin")
    assert [r["title"] for r in found["results"]] == ["Jumlah rumah tangga miskin per desa 2025"]
    # by its words, wherever they stand (title or details)
    assert _call(None, "satudata_public_request_list", q="miskin Magetan")["count"] == 1
    assert _call(None, "satudata_public_request_list", q="miskin sekolah")["count"] == 0
    assert _call(None, "satudata_public_request_list", q="%_")["count"] == 1  # as typed
    by_opd = _call(None, "satudata_public_request_list", owner_org=region.opd_b["name"])
    assert [r["title"] for r in by_opd["results"]] == ["Jumlah sekolah dasar 2025"]
    page = app.get("/permohonan-data/", query_string={"q": "sekolah"}).body
    assert "Jumlah sekolah dasar 2025" in page and "rumah tangga miskin" not in page
    assert "1 permohonan data ditemukan" in page
    nothing = app.get("/permohonan-data/", query_string={"q": "tidak ada yang cocok"}).body
    assert "Tidak ada permohonan data yang cocok" in nothing
    # a search the list cannot take: the list again, the search kept, why beside it
    refused = app.get("/permohonan-data/", query_string={"q": "x" * 201}, status=400).body
    assert 'id="filter-q"' in refused and "satudata-filter-errors" in refused
    assert "Kata pencarian: Paling banyak 200 karakter" in refused



def _fulfil_while(app, hold, asked, verifier, package_id) -> object:
    """The fulfil of ``asked`` with ``package_id`` sent while the workflow's
    step ``hold`` (not committed yet) is taken: what it answered."""
    from ..conftest import answer_while_held

    hold()
    return answer_while_held(lambda: _call(verifier, "satudata_public_request_fulfil",
                                           id=asked["id"], package_id=package_id))

def test_a_fulfil_sent_during_a_withdrawal_or_the_first_publication_waits_for_it(
        region, citizen, app):
    """A fulfil racing a withdrawal left the request "fulfilled" with data no
    longer public (the requester told to download it); racing the first
    publication, "waiting for publication" for good. It waits for the
    step, then answers from where the dataset is."""
    from ..factories import seen

    request = region.request_of(region.opd_a)
    admin, verifier = region.users["walidata_admin"]["name"], region.users["verifier"]
    asked = [_call(citizen, "satudata_public_request_create", title=f"Jumlah bidan {n}",
                   description="Per desa", owner_org=region.opd_a["name"]) for n in (1, 2)]
    for one in asked:
        _call(verifier, "satudata_public_request_accept", id=one["id"])
    to_ready(region, request)

    published = _fulfil_while(app, lambda: helpers.call_action(
        "satudata_request_publish", context={"user": admin, "defer_commit": True},
        id=request["id"], version=seen(request["id"])), asked[0], verifier,
        request["package_id"])
    assert published["state"] == "fulfilled", published

    refused = _fulfil_while(app, lambda: helpers.call_action(
        "satudata_request_withdraw", context={"user": admin, "defer_commit": True},
        id=request["id"], note="Angka keliru"), asked[1], verifier, request["package_id"])
    assert isinstance(refused, tk.ValidationError) and "package_id" in refused.error_dict
    assert _call(citizen, "satudata_public_request_show",
                 id=asked[1]["id"])["state"] == "accepted"


def test_a_second_answer_with_the_dataset_the_request_waits_for_is_no_step(
        region, citizen, smtp, run_jobs):
    """Four officers answering with the same dataset at once: four steps
    and four e-mails to the citizen saying the same."""
    request = region.request_of(region.opd_a)
    verifier, kabid = region.users["verifier"], region.users["kabid"]
    asked = _ask(citizen, owner_org=region.opd_a["name"])
    _call(verifier, "satudata_public_request_accept", id=asked["id"])
    _call(verifier, "satudata_public_request_fulfil", id=asked["id"],
          package_id=request["package_id"])
    with pytest.raises(tk.ValidationError) as err:
        _call(kabid, "satudata_public_request_fulfil", id=asked["id"],
              package_id=request["package_id"])
    assert "state" in err.value.error_dict
    steps = [e["step"] for e in _call(citizen, "satudata_public_request_show",
                                      id=asked["id"])["events"]]
    assert steps == ["submit", "accept", "fulfil"]


def test_an_account_has_at_most_ten_requests_waiting_for_an_answer(region, citizen):
    """One account filed 25 requests in seconds: 275 e-mails to the walidata
    and 25 legal deadlines running. The walidata's own staff are not held."""
    asked = [_call(citizen, "satudata_public_request_create", title=f"Data nomor {n}",
                   description="Per desa") for n in range(10)]
    with pytest.raises(tk.ValidationError) as refused:
        _call(citizen, "satudata_public_request_create", title="Data nomor 10",
              description="Per desa")
    # the requester's, not a field's (the form marked the title wrong)
    assert list(refused.value.error_dict) == ["open_requests"]
    assert "10" in refused.value.error_dict["open_requests"][0]
    _call(region.users["verifier"], "satudata_public_request_reject", id=asked[0]["id"],
          note="Data tidak dikelola daerah")
    assert _call(citizen, "satudata_public_request_create", title="Data nomor 10",
                 description="Per desa")["state"] == "submitted"


def test_the_answer_forms_picker_finds_a_dataset_being_prepared(region, citizen, app):
    """A request may be fulfilled with a dataset a data request is preparing
    (it then waits for its publication), but the page's picker searched as
    the officer, no member of its OPD: it found none for the verifier."""
    asked = _ask(citizen)
    prepared = helpers.call_action("package_show",
                                   id=region.request_of(region.opd_a)["package_id"])
    word = prepared["title"].split()[0]
    verifier = login(app, region.users["verifier"]["name"])
    found = verifier.get(f"/permohonan-data/{asked['id']}/datasets",
                         query_string={"incomplete": word}).json["ResultSet"]["Result"]
    assert prepared["name"] in [d["name"] for d in found], found
    assert f'/permohonan-data/{asked["id"]}/datasets?incomplete=?' in verifier.get(
        f"/permohonan-data/{asked['id']}").body
    # whoever may not fulfil it finds nothing of it
    stranger = login(app, citizen["name"])
    assert stranger.get(f"/permohonan-data/{asked['id']}/datasets",
                        query_string={"incomplete": word}).status_code == 403

# -*- coding: utf-8 -*-
"""The walidata's organisation of work, configured per region and played as
its SOP on a frozen clock:

* **Kota Metro**: one approval level (the Kasi), the staff (JFU) publish;
  the OPD's proof of receipt stands in the timeline;
* **Balikpapan**: verification starts only once every OPD has delivered
  (the all-in gate), and a data item has its own deadline (one week);
* **Tanjung Jabung Barat**: the staff keep the Daftar Data and prepare the
  round, the administrator sends it; after the collection the round is
  compiled and analysed, then its report is drafted from the verified data
  and approved up the chain (over HTTP too).
"""
from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pypdf
import pytest
from freezegun import freeze_time
from werkzeug.datastructures import FileStorage

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import notifications, reminders, workdays
from ckanext.satudata.model import RequestEvent

from ..conftest import answer_beside_held, answer_while_held
from ..factories import (
    CollectionRound, DaftarDataItem, WalidataRole, complete_metadata, csrf_token, is_public,
    login,
)

#: Monday 2 March 2026, 09:00 WIB
MONDAY = "2026-03-02 02:00:00"


def _advance(round_id: str) -> dict:
    """The walidata moves the round on from the stage it is in (the stage
    is required: a second click does not skip one)."""
    stage = _call("admin-walidata", "satudata_round_show", id=round_id)["stage"]
    return _call("admin-walidata", "satudata_round_advance", id=round_id, stage=stage)


def _call(user: str, action: str, **data):
    return helpers.call_action(action, context={"user": user, "ignore_auth": False}, **data)


def _people(walidata_roles: dict[str, str]) -> dict[str, dict]:
    """The walidata (an administrator, a member for each role) and two OPDs
    with a producer each."""
    def user(name: str) -> dict:
        return factories.User(name=name, email=f"{name}@example.org", password="correct123")

    users = {name: user(name) for name in
             ("admin-walidata", "produsen-a", "produsen-b", *walidata_roles)}
    factories.Organization(
        name=tk.config.get("satudata.walidata_organization"), title="Diskominfo",
        users=[{"name": "admin-walidata", "capacity": "admin"}]
        + [{"name": name, "capacity": "editor"} for name in walidata_roles])
    for name, org, title in (("produsen-a", "dinas-kesehatan", "Dinas Kesehatan"),
                             ("produsen-b", "dinas-pendidikan", "Dinas Pendidikan")):
        users[org] = factories.Organization(name=org, title=title,
                                            users=[{"name": name, "capacity": "editor"}])
    for name, role in walidata_roles.items():
        WalidataRole(user=name, role=role)
    return users


def _sent_round_of_one_item(**fields) -> tuple[dict, dict]:
    """A round of one item of Dinas Kesehatan, sent on 2 March 2026: the
    round and its request."""
    DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan")
    round_ = CollectionRound(start_date="2026-03-02", **fields)
    _call("admin-walidata", "satudata_round_send", id=round_["id"])
    request, = _call("admin-walidata", "satudata_request_list",
                     round_id=round_["id"])["results"]
    return round_, request


def _round_with_nothing_to_collect(**fields) -> dict:
    """:func:`_sent_round_of_one_item` whose only request was cancelled:
    nothing holds its later stages back."""
    round_, request = _sent_round_of_one_item(**fields)
    _call("admin-walidata", "satudata_request_cancel", id=request["id"],
          note="Data tidak tersedia tahun ini")
    return round_


def _timeline(request_id: str) -> list[str]:
    return [e["transition"] for e in _call("admin-walidata", "satudata_request_event_list",
                                           id=request_id)]


# -- Kota Metro: Kasi verifies (a one-level chain), the staff publish -------------------

METRO = {"satudata.approval_chain": ["kasi"], "satudata.roles.publish": ["staf"]}


@pytest.mark.ckan_config("satudata.approval_chain", METRO["satudata.approval_chain"])
@pytest.mark.ckan_config("satudata.roles.publish", METRO["satudata.roles.publish"])
def test_kota_metro_the_kasi_verifies_and_the_staff_publish(clean_db, clean_index):
    with freeze_time(MONDAY, tick=True):  # the timeline's order
        _people({"kasi": "kasi", "staf": "staf"})
        DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan")
        round_ = CollectionRound(name="metro-2026", title="Metro 2026")
        _call("admin-walidata", "satudata_round_send", id=round_["id"])
        request = _call("admin-walidata", "satudata_request_list",
                        round_id=round_["id"])["results"][0]

        # distribution with proof of receipt: the OPD opens its request
        _call("produsen-a", "satudata_request_acknowledge", id=request["id"])
        complete_metadata(request["package_id"], "produsen-a")
        _call("produsen-a", "satudata_request_submit", id=request["id"])
        # the staff cannot take the Kasi's step, nor publish before it
        with pytest.raises(tk.NotAuthorized):
            _call("staf", "satudata_request_verify", id=request["id"])
        ready = _call("kasi", "satudata_request_verify", id=request["id"])
        assert (ready["state"], ready["approval_level"]) == ("ready", 0)

        shown = _call("staf", "satudata_request_show", id=request["id"])
        assert shown["waiting_for"] == "staf"
        assert shown["allowed_transitions"] == ["schedule", "publish"]
        queue = _call("staf", "satudata_request_list", actionable=True)["results"]
        assert [r["id"] for r in queue] == [request["id"]]
        # who hears that it is ready: the staff who publish and the administrators
        verify_event = model.Session.query(RequestEvent).filter_by(
            request_id=request["id"], transition="verify").one()
        site_user = helpers.call_action("get_site_user")["name"]  # the organization's creator
        assert {u.name for u in notifications.recipients_for(
            verify_event, request["owner_org"])} - {site_user} == {"staf", "admin-walidata"}
        for who in ("kasi", "produsen-a"):
            with pytest.raises(tk.NotAuthorized):
                _call(who, "satudata_request_publish", id=request["id"])

        published = _call("staf", "satudata_request_publish", id=request["id"])
        assert published["state"] == "published"
        assert published["event"]["data"]["actor"] == ["publisher"]
        assert published["event"]["data"]["role"] == "staf"
        assert is_public(request["package_id"])
        # archiving is no duty of the Metro staff here
        with pytest.raises(tk.NotAuthorized):
            _call("staf", "satudata_request_archive", id=request["id"])
        # who publishes prints the book too (SOP 004: the staff print it);
        # the Kasi does not
        with pytest.raises(tk.NotAuthorized):
            _call("kasi", "satudata_publication_build", round_id=round_["id"])
        assert _call("staf", "satudata_publication_build",
                     round_id=round_["id"])["status"] == "queued"

        assert _timeline(request["id"]) == ["request", "received", "submit", "verify",
                                            "publish"]
        events = _call("produsen-a", "satudata_request_event_list", id=request["id"])
        assert [e["user_name"] for e in events] == [
            "admin-walidata", "produsen-a", "produsen-a", "kasi", "staf"]


# -- Balikpapan: every OPD delivers before verification; a week per item ---------------

def _balikpapan() -> dict:
    users = _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
    DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan",
                   submit_days=7, submit_calendar_days=True)
    DaftarDataItem(title="Jumlah Sekolah", owner_org="dinas-pendidikan")
    round_ = CollectionRound(name="balikpapan-2026", title="Balikpapan 2026",
                             start_date="2026-03-02", verify_when_complete=True)
    _call("admin-walidata", "satudata_round_send", id=round_["id"])
    requests = _call("admin-walidata", "satudata_request_list", round_id=round_["id"],
                     sort="organization")["results"]
    return {"users": users, "round": round_, "health": requests[0], "schools": requests[1]}


def test_balikpapan_verification_waits_for_every_opd(clean_db, clean_index):
    with freeze_time(MONDAY):
        world = _balikpapan()
        health, schools = world["health"], world["schools"]
        complete_metadata(health["package_id"], "produsen-a")
        _call("produsen-a", "satudata_request_submit", id=health["id"])

        for step, extra in (("verify", {}), ("return", {"note": "Kurang lengkap"})):
            with pytest.raises(tk.ValidationError) as err:
                _call("verifikator", f"satudata_request_{step}", id=health["id"], **extra)
            message = err.value.error_dict["state"][0]
            assert "Dinas Pendidikan — Jumlah Sekolah" in message
            assert "Dinas Kesehatan" not in message
        shown = _call("verifikator", "satudata_request_show", id=health["id"])
        assert shown["state"] == "submitted"
        assert shown["waiting_for"] == "all_opds"
        assert shown["waiting_for_all"] == ["Dinas Pendidikan — Jumlah Sekolah"]
        # the verifier is offered no step that would fail, and told why
        assert not {"verify", "return"} & set(shown["allowed_transitions"])
        assert len(shown["held_back"]) == 1
        assert "Dinas Pendidikan — Jumlah Sekolah" in shown["held_back"][0]
        assert _call("verifikator", "satudata_round_show", id=world["round"]["id"])[
            "waiting_for_all"] == ["Dinas Pendidikan — Jumlah Sekolah"]

        complete_metadata(schools["package_id"], "produsen-b")
        _call("produsen-b", "satudata_request_submit", id=schools["id"])
        # every OPD has delivered: verification starts, returns included;
        # a request returned for revision holds back nobody else's
        assert _call("verifikator", "satudata_request_return", id=schools["id"],
                     note="Angka 2025 belum final")["state"] == "returned"
        assert _call("verifikator", "satudata_round_show", id=world["round"]["id"])[
            "waiting_for_all"] == []
        assert _call("verifikator", "satudata_request_verify", id=health["id"])[
            "state"] == "verified"
        # the verified one goes on up the chain; no OPD waits for the others there
        assert _call("kabid", "satudata_request_approve", id=health["id"])["state"] == "verified"


def test_balikpapan_items_sent_later_do_not_stop_a_verification_that_started(clean_db,
                                                                            clean_index):
    """Once every OPD had delivered, the walidata sent the round again with
    items added later: the verifier was refused the requests already under
    verification ("waits for every OPD", naming the new items) while their
    deadline ran."""
    with freeze_time(MONDAY):
        world = _balikpapan()
        for request, producer in ((world["health"], "produsen-a"),
                                  (world["schools"], "produsen-b")):
            complete_metadata(request["package_id"], producer)
            _call(producer, "satudata_request_submit", id=request["id"])
        DaftarDataItem(title="Jumlah Posyandu", owner_org="dinas-kesehatan")
        _call("admin-walidata", "satudata_round_send", id=world["round"]["id"])
        states = sorted(r["state"] for r in _call("admin-walidata", "satudata_request_list",
                                                  round_id=world["round"]["id"])["results"])
        assert states == ["requested", "submitted", "submitted"]  # Posyandu is with its OPD
        assert _call("verifikator", "satudata_round_show", id=world["round"]["id"])[
            "waiting_for_all"] == []
        assert _call("verifikator", "satudata_request_verify", id=world["health"]["id"])[
            "state"] == "verified"
        assert _call("verifikator", "satudata_request_return", id=world["schools"]["id"],
                     note="Angka 2025 belum final")["state"] == "returned"


def test_balikpapan_a_publish_goes_on_beside_a_cancel_holding_the_round(clean_db,
                                                                         clean_index):
    """A publish of a ready request of the all-in round while the walidata
    cancelled its other request: the cancel held the round and waited for
    the dataset's gate, the publish held the gate and waited for the round
    to write its dissemination row (a deadlock, 500 for both)."""
    from ckanext.satudata.lib import rounds

    with freeze_time(MONDAY):
        world = _balikpapan()
        health = world["health"]
        complete_metadata(health["package_id"], "produsen-a")
        _call("produsen-a", "satudata_request_submit", id=health["id"])
        _call("admin-walidata", "satudata_request_cancel", id=world["schools"]["id"],
              note="OPD belum memiliki data")
        _call("verifikator", "satudata_request_verify", id=health["id"])
        for approver in ("kabid", "kadis"):
            _call(approver, "satudata_request_approve", id=health["id"])
        model.Session.remove()
        # a cancel (or a submission) of the round, under way: it holds the round
        rounds.lock_for(health["id"], "cancel")
        outcome = answer_beside_held(lambda: _call(
            "admin-walidata", "satudata_request_publish", id=health["id"]))
        assert not isinstance(outcome, Exception), outcome
        assert outcome["state"] == "published" and is_public(health["package_id"])


def test_balikpapan_verifiers_hear_when_verification_can_start(clean_db, clean_index, smtp,
                                                              run_jobs):
    """An early submission's e-mail asked the verifier to verify what the
    round did not let them verify yet; nobody told them when they could."""
    with freeze_time(MONDAY):
        world = _balikpapan()
        smtp.take()
        for request, producer in ((world["health"], "produsen-a"),
                                  (world["schools"], "produsen-b")):
            complete_metadata(request["package_id"], producer)
            _call(producer, "satudata_request_submit", id=request["id"])
            run_jobs()
            [mail] = [m for m in smtp.take() if "verifikator@example.org" in m["to"]]
            if producer == "produsen-a":
                assert "1 permintaan masih berada di OPD" in mail["body"]
                assert "dimulai hari ini" not in mail["body"]
            else:
                assert "verifikasi 2 permintaan" in mail["body"]
                assert "dimulai hari ini" in mail["body"]


def test_balikpapan_the_last_undelivered_request_cancelled_starts_the_verification(
        clean_db, clean_index, smtp, run_jobs):
    """An OPD that will never deliver: the walidata cancels its request. The
    verification then could be taken but had not started: the verifiers,
    told they would hear when it starts, heard nothing, the early
    submissions kept their old deadline, and an item sent later closed the
    gate again on a resubmission of a round under verification."""
    with freeze_time(MONDAY):
        world = _balikpapan()
        health, schools = world["health"], world["schools"]
        complete_metadata(health["package_id"], "produsen-a")
        _call("produsen-a", "satudata_request_submit", id=health["id"])
        run_jobs()
        smtp.take()
        _call("admin-walidata", "satudata_request_cancel", id=schools["id"],
              note="OPD belum memiliki data")
        shown = _call("verifikator", "satudata_round_show", id=world["round"]["id"])
        assert shown["verification_started_at"] and shown["waiting_for_all"] == []
        run_jobs()
        told = {m["to"].split("<")[-1].rstrip(">"): m for m in smtp.take()}
        mail = told["verifikator@example.org"]
        assert "Verifikasi dimulai" in mail["subject"], mail["subject"]
        assert "verifikasi 1 permintaan" in mail["body"] and "/permintaan-data" in mail["body"]
        # an item sent later holds back nobody: the verification has started
        DaftarDataItem(title="Jumlah Posyandu", owner_org="dinas-pendidikan")
        _call("admin-walidata", "satudata_round_send", id=world["round"]["id"])
        assert _call("verifikator", "satudata_request_return", id=health["id"],
                     note="Lengkapi sumber")["state"] == "returned"
        _call("produsen-a", "satudata_request_resubmit", id=health["id"],
              note="Sumber sudah ada di lampiran")
        assert _call("verifikator", "satudata_request_verify", id=health["id"])[
            "state"] == "verified"


def test_balikpapan_verifiers_are_not_reminded_while_an_opd_has_not_delivered(
        clean_db, clean_index, smtp):
    """The verifier cannot act before every OPD has delivered: no reminder nor
    escalation asks them to verify until then; once the round is complete
    they are told."""
    with freeze_time(MONDAY):
        world = _balikpapan()
        health, schools = world["health"], world["schools"]
        complete_metadata(health["package_id"], "produsen-a")
        submitted = _call("produsen-a", "satudata_request_submit", id=health["id"])
    smtp.take()
    # the next working day (no reminder goes out on a day off)
    overdue = workdays.add_working_days(datetime.date.fromisoformat(submitted["due_date"]), 1)

    def reminded(day: datetime.date) -> dict[str, list[str]]:
        reminders.send_reminders(day)
        mails: dict[str, list[str]] = {}
        for m in smtp.take():
            mails.setdefault(m["to"].split("<")[-1].rstrip(">"), []).append(m["body"])
        return mails

    for day in (datetime.date(2026, 3, 3), overdue):
        mails = reminded(day)
        assert "verifikator@example.org" not in mails
        assert not any("Jumlah Puskesmas" in b for b in mails.get("admin-walidata@example.org", []))

    with freeze_time(f"{overdue} 02:00:00"):
        complete_metadata(schools["package_id"], "produsen-b")
        _call("produsen-b", "satudata_request_submit", id=schools["id"])
        # verification starts now: the early submission's deadline counts
        # from today, as the last one's, not from its own submission
        restarted = _call("verifikator", "satudata_request_show", id=health["id"])["due_date"]
    assert restarted == str(workdays.add_working_days(overdue, world["round"]["verify_days"]))
    assert restarted == _call("verifikator", "satudata_request_show",
                              id=schools["id"])["due_date"]
    assert not any("Jumlah Puskesmas" in b
                   for b in reminded(overdue).get("verifikator@example.org", []))
    late = workdays.add_working_days(datetime.date.fromisoformat(restarted), 1)
    assert any("Jumlah Puskesmas" in b for b in reminded(late)["verifikator@example.org"])


def test_balikpapan_an_item_has_its_own_deadline_reminded_and_flagged(clean_db, clean_index,
                                                                     smtp, run_jobs):
    with freeze_time(MONDAY):
        world = _balikpapan()
    health, schools = world["health"], world["schools"]
    # one week (calendar days) from the sending, for this item only
    assert health["submit_due"] == health["due_date"] == "2026-03-09"
    round_due = _call("admin-walidata", "satudata_round_show", id=world["round"]["id"])[
        "submit_due"]
    assert schools["due_date"] == round_due > "2026-04-01"
    # the producers' e-mail gives the item its own deadline, not the round's
    run_jobs()
    sent = [m["body"] for m in smtp.take() if "produsen-a" in m["to"]]
    assert any("(paling lambat 9 Maret 2026)" in body for body in sent), sent

    def reminded(day: str) -> set[str]:
        reminders.send_reminders(datetime.date.fromisoformat(day))
        return {m["to"].split("<")[-1].rstrip(">") for m in smtp.take()}

    assert reminded("2026-03-03") == set()                      # four working days before
    assert reminded("2026-03-04") == {"produsen-a@example.org"}  # three working days before
    with freeze_time("2026-03-10 02:00:00"):
        late = _call("admin-walidata", "satudata_request_list", overdue=True)["results"]
        assert [r["id"] for r in late] == [health["id"]]
        # a new round deadline moves the other items' requests, not this one
        _call("admin-walidata", "satudata_round_update", id=world["round"]["id"],
              submit_due="2026-06-30")
        shown = {r["id"]: r["due_date"] for r in _call(
            "admin-walidata", "satudata_request_list", round_id=world["round"]["id"])["results"]}
        assert shown == {health["id"]: "2026-03-09", schools["id"]: "2026-06-30"}
        # returned after a late submission: the item's deadline, but a few days to revise
        complete_metadata(health["package_id"], "produsen-a")
        _call("produsen-a", "satudata_request_submit", id=health["id"])
        complete_metadata(schools["package_id"], "produsen-b")
        _call("produsen-b", "satudata_request_submit", id=schools["id"])
        returned = _call("verifikator", "satudata_request_return", id=health["id"],
                         note="Sumber data belum disebut")
        assert returned["due_date"] == "2026-03-17"  # five working days


# -- Tanjung Jabung Barat: the staff keep the Daftar Data, the Kasi checks it ------------

@pytest.mark.ckan_config("satudata.roles.draft", ["staf"])
def test_tjb_the_staff_keep_the_daftar_data_and_prepare_the_round(clean_db, clean_index):
    _people({"staf": "staf", "verifikator": "verifikator"})
    item = _call("staf", "satudata_daftar_data_create", title="Jumlah Posyandu",
                 owner_org="dinas-kesehatan", year=2026, update_frequency="annual",
                 unit="unit", government_affairs=["1.02"])
    _call("staf", "satudata_daftar_data_update", id=item["id"], unit="posyandu")
    round_ = _call("staf", "satudata_round_create", name="tjb-2026", title="TJB 2026",
                   year=2026, start_date="2026-01-05")
    for who in ("verifikator", "produsen-a"):
        with pytest.raises(tk.NotAuthorized):
            _call(who, "satudata_daftar_data_create", title="x", owner_org="dinas-kesehatan",
                  year=2026)
    # sending is not their duty here
    with pytest.raises(tk.NotAuthorized):
        _call("staf", "satudata_round_send", id=round_["id"])
    sent = _call("admin-walidata", "satudata_round_send", id=round_["id"])
    assert sent["created"] == 1
    request = _call("produsen-a", "satudata_request_list")["results"][0]
    dataset = _call("produsen-a", "package_show", id=request["package_id"])
    assert dataset["unit"] == "posyandu"  # the staff's item prefilled it


def test_balikpapan_a_verification_waits_for_a_submission_in_flight(clean_db, clean_index):
    """The last OPD's submission is being committed while the verifier
    verifies: the verification waits for it (the round's row lock) and then
    finds every OPD delivered, instead of refusing on what it read before."""
    world = _balikpapan()
    health, schools = world["health"], world["schools"]
    complete_metadata(health["package_id"], "produsen-a")
    _call("produsen-a", "satudata_request_submit", id=health["id"])
    complete_metadata(schools["package_id"], "produsen-b")
    model.Session.remove()

    # the submission, not committed yet (it holds the round's lock)
    helpers.call_action("satudata_request_submit",
                        context={"user": "produsen-b", "defer_commit": True}, id=schools["id"])
    outcome = answer_while_held(lambda: _call("verifikator", "satudata_request_verify",
                                              id=health["id"]))
    assert not isinstance(outcome, Exception) and outcome["state"] == "verified", outcome
    assert _timeline(schools["id"]) == ["request", "submit"]


# -- TJB / Maluku Utara: compile/analyse, then a report approved up the chain -----------

def _publication_files(package_id: str) -> tuple[bytes, bytes]:
    """The PDF and the XLSX of a public publication dataset, as anyone
    downloads them."""
    pkg = helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                              id=package_id)
    files = {}
    for resource in pkg["resources"]:
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        with open(path, "rb") as f:
            files[resource["format"]] = f.read()
    return files["PDF"], files["XLSX"]


def _ready(request: dict, producer: str) -> None:
    complete_metadata(request["package_id"], producer)
    _call(producer, "satudata_request_submit", id=request["id"])
    _call("verifikator", "satudata_request_verify", id=request["id"])
    _call("kabid", "satudata_request_approve", id=request["id"])
    _call("kadis", "satudata_request_approve", id=request["id"])


def test_tjb_the_report_reads_the_data_the_analysis_had_corrected(clean_db, clean_index):
    """Data the analysis (compile stage) sent back: the round moved on to its
    report anyway, drafted as "returned for revision"; data returned while
    the report was written and corrected since still read "returned" in the
    summary its approvers were sent."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        round_, request = _sent_round_of_one_item(name="tjb-analisis", title="TJB analisis",
                                                  compile_days=5, report_days=5)

        def returned_and_corrected() -> None:
            shown = _call("verifikator", "satudata_request_show", id=request["id"])
            _call("verifikator", "satudata_request_return", id=request["id"],
                  note="Angka tidak cocok", version=shown["version"])
            stage = _call("admin-walidata", "satudata_round_show", id=round_["id"])["stage"]
            if stage == "compile":
                with pytest.raises(tk.ValidationError) as held:
                    _advance(round_["id"])
                assert "Jumlah Puskesmas" in held.value.error_dict["stage"][0]
            _call("produsen-a", "satudata_request_resubmit", id=request["id"],
                  note="Sudah diperbaiki")
            _call("verifikator", "satudata_request_verify", id=request["id"])
            _call("kabid", "satudata_request_approve", id=request["id"])
            _call("kadis", "satudata_request_approve", id=request["id"])

        _ready(request, "produsen-a")
        assert _advance(round_["id"])["stage"] == "compile"
        returned_and_corrected()
        assert _advance(round_["id"])["stage"] == "report"
        drafted = _call("admin-walidata", "satudata_round_report_show", id=round_["id"])
        assert drafted["summary"]["verified"] == 1
        returned_and_corrected()  # while the report is written
        _call("admin-walidata", "satudata_round_report_submit", id=round_["id"])
        sent = _call("kabid", "satudata_round_report_show", id=round_["id"])["summary"]
        assert [r["state"] for r in sent["requests"]] == ["ready"] and sent["verified"] == 1
        # sent back while the report goes up the chain: each approval reads the
        # data as it is, and the last waits for it (the approved report said
        # "ready", and the round was done with the data still out)
        shown = _call("verifikator", "satudata_request_show", id=request["id"])
        _call("verifikator", "satudata_request_return", id=request["id"],
              note="Satu angka keliru", version=shown["version"])
        chain = ["verifikator", "kabid", "kadis"]  # the holders of its levels
        for role in chain[:-1]:
            _call(role, "satudata_round_report_approve", id=round_["id"])
        read = _call("kadis", "satudata_round_report_show", id=round_["id"])["summary"]
        assert [r["state"] for r in read["requests"]] == ["returned"], read
        with pytest.raises(tk.ValidationError) as held:
            _call(chain[-1], "satudata_round_report_approve", id=round_["id"])
        assert "Jumlah Puskesmas" in held.value.error_dict["state"][0]
        _call("produsen-a", "satudata_request_resubmit", id=request["id"], note="Diperbaiki")
        _call("verifikator", "satudata_request_verify", id=request["id"])
        _call("kabid", "satudata_request_approve", id=request["id"])
        _call("kadis", "satudata_request_approve", id=request["id"])
        approved = _call(chain[-1], "satudata_round_report_approve", id=round_["id"])
        assert approved["state"] == "approved"
        assert [r["state"] for r in approved["summary"]["requests"]] == ["ready"]


def test_tjb_late_data_misses_the_period_but_not_the_portal(clean_db, clean_index):
    """TJB: "late data misses the publication period". Under the rule that
    carries it into the next period, the round moves on once the deadline
    has passed without an OPD that has not delivered (the walidata had to
    cancel its request, which then took no data at all); the late data,
    when it comes, goes up the chain for the next period."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan")
        DaftarDataItem(title="Jumlah Sekolah", owner_org="dinas-pendidikan")
        round_ = CollectionRound(name="tjb-2026", title="TJB 2026", start_date="2026-03-02",
                                 compile_days=60, report_days=15, late_policy="carry")
        _call("admin-walidata", "satudata_round_send", id=round_["id"])
        health, schools = _call("admin-walidata", "satudata_request_list",
                                round_id=round_["id"], sort="organization")["results"]
        _ready(health, "produsen-a")
        # before its deadline, the OPD still delivering holds the round
        with pytest.raises(tk.ValidationError) as err:
            _advance(round_["id"])
        assert "Dinas Pendidikan — Jumlah Sekolah" in err.value.error_dict["stage"][0]
    late = workdays.add_working_days(datetime.date.fromisoformat(round_["submit_due"]), 1)
    with freeze_time(f"{late} 02:00:00", tick=True):
        assert _advance(round_["id"])["stage"] == "compile"
        waiting = _call("produsen-b", "satudata_request_show", id=schools["id"])
        assert waiting["state"] == "requested"
        complete_metadata(schools["package_id"], "produsen-b")
        submitted = _call("produsen-b", "satudata_request_submit", id=schools["id"])
        assert (submitted["state"], submitted["late"]) == ("submitted", "carry")
        # the compilation ended early: on that day, before the report's deadline
        reporting = _advance(round_["id"])
        assert reporting["stage"] == "report"
        assert reporting["compile_due"] == late.isoformat() < reporting["report_due"]


def test_tjb_a_round_is_compiled_then_reported_up_the_chain(clean_db, clean_index, app,
                                                           run_jobs, smtp):
    with freeze_time(MONDAY, tick=True):  # the timeline's order
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan")
        DaftarDataItem(title="Jumlah Sekolah", owner_org="dinas-pendidikan")
        round_ = CollectionRound(name="tjb-2026", title="TJB 2026", start_date="2026-03-02",
                                 compile_days=60, report_days=15)
        # planned from the end of the collection until the stage starts
        assert round_["stage"] == "collection"
        assert round_["compile_due"] > round_["verify_due"]
        _call("admin-walidata", "satudata_round_send", id=round_["id"])
        health, schools = _call("admin-walidata", "satudata_request_list",
                                round_id=round_["id"], sort="organization")["results"]
        with pytest.raises(tk.ValidationError) as err:
            _advance(round_["id"])
        assert "2" in err.value.error_dict["stage"][0]
        # which ones (the count alone left the walidata to look for them)
        assert "Dinas Kesehatan — Jumlah Puskesmas" in err.value.error_dict["stage"][0]
        _ready(health, "produsen-a")
        _ready(schools, "produsen-b")
        # its data goes out once its report is approved (SOP 003 step 6: the
        # approved report is the publication's input): neither now nor at a
        # release time, no deadline runs meanwhile, the page says why
        waiting = _call("admin-walidata", "satudata_request_show", id=health["id"])
        assert (waiting["state"], waiting["due_date"]) == ("ready", None)
        assert waiting["waiting_for"] == "round_report"  # not the administrators
        assert "publish" not in waiting["allowed_transitions"]
        assert any("laporan" in m or "report" in m for m in waiting["held_back"])
        for action, extra in (("satudata_request_publish", {}),
                              ("satudata_request_schedule",
                               {"release_at": "2026-03-30 09:00"})):
            with pytest.raises(tk.ValidationError) as held:
                _call("admin-walidata", action, id=health["id"], **extra)
            assert held.value.error_dict["state"] == waiting["held_back"]
        assert not is_public(health["package_id"])
        # nor is anybody reminded of a step nobody can take yet (the one who
        # sent it was reminded himself)
        with pytest.raises(tk.ValidationError) as nobody:
            _call("admin-walidata", "satudata_request_remind", id=health["id"])
        assert list(nobody.value.error_dict) == ["remind"]
        # nor is the report stage taken away meanwhile (emptied, the data
        # went out while the report waited for the Kadis)
        with pytest.raises(tk.ValidationError) as kept:
            _call("admin-walidata", "satudata_round_update", id=round_["id"], report_days="")
        assert list(kept.value.error_dict) == ["report_days"]

        compiling = _advance(round_["id"])
        # 60 working days from Monday 2 March 2026 (Nyepi, Idul Fitri and its
        # cuti bersama, Good Friday, 1 May, Ascension... excluded)
        assert compiling["stage"] == "compile"
        assert compiling["compile_due"] > "2026-05-22"
        assert compiling["report_due"] > compiling["compile_due"]
        with pytest.raises(tk.ObjectNotFound):
            _call("verifikator", "satudata_round_report_show", id=round_["id"])

    # Monday 1 June 2026, Pancasila day: 15 working days skip 1 Muharram (16 June)
    with freeze_time("2026-06-01 02:00:00", tick=True):
        reporting = _advance(round_["id"])
        assert reporting["stage"] == "report" and reporting["report_due"] == "2026-06-23"
        report = _call("verifikator", "satudata_round_report_show", id="tjb-2026")
        assert report["state"] == "draft" and report["due_date"] == "2026-06-23"
        assert (report["summary"]["total"], report["summary"]["verified"]) == (2, 2)
        # nothing is public yet: the draft, printed in the public book once
        # approved, counts the OPDs' data without naming them
        assert "- Dinas Kesehatan — ready to publish: 1" in report["body"]
        assert "Jumlah Puskesmas" not in report["body"]
        assert [(r["organization"], r["state"]) for r in report["summary"]["requests"]] == [
            ("Dinas Kesehatan", "ready"), ("Dinas Pendidikan", "ready")]
        with pytest.raises(tk.NotAuthorized):  # drafting is no verifier's duty here
            _call("verifikator", "satudata_round_report_update", id=round_["id"], body="x")
        for nothing in (" \n  ", "\u200b", "\u00ad\u200e"):  # blanks are no report
            with pytest.raises(tk.ValidationError) as blank:
                _call("admin-walidata", "satudata_round_report_update", id=round_["id"],
                      body=nothing)
            assert list(blank.value.error_dict) == ["body"], repr(nothing)
        _call("admin-walidata", "satudata_round_report_update", id=round_["id"],
              body=report["body"] + "\n\nAnalisis: cakupan layanan dasar meningkat.")
        with pytest.raises(tk.ValidationError):  # not submitted yet
            _call("verifikator", "satudata_round_report_approve", id=round_["id"])
        submitted = _call("admin-walidata", "satudata_round_report_submit", id=round_["id"])
        assert (submitted["state"], submitted["approval_level"]) == ("in_approval", 0)
        assert submitted["due_date"] == "2026-06-02"  # a working day per level
        with pytest.raises(tk.NotAuthorized):  # not the kabid's level yet
            _call("kabid", "satudata_round_report_approve", id=round_["id"])
        _call("verifikator", "satudata_round_report_approve", id=round_["id"])
        for nothing in (None, "\u200b"):  # a zero-width space is no reason
            with pytest.raises(tk.ValidationError) as err:
                _call("kabid", "satudata_round_report_return", id=round_["id"], note=nothing)
            assert "note" in err.value.error_dict
        returned = _call("kabid", "satudata_round_report_return", id=round_["id"],
                         note="Tambahkan perbandingan dengan tahun lalu")
        assert returned["state"] == "returned"
        # the round's book waits for its report's approval (it went public
        # while the report was a draft)
        with pytest.raises(tk.ValidationError) as waits:
            _call("admin-walidata", "satudata_publication_build", round_id=round_["id"])
        assert list(waits.value.error_dict) == ["round_id"]

    # over HTTP: the drafters edit and submit again, each level approves
    admin, kabid = login(app, "admin-walidata"), login(app, "kabid")
    url = "/permintaan-data/putaran/tjb-2026/laporan"
    page = admin.get(url)
    assert "Tambahkan perbandingan dengan tahun lalu" in page.body
    body = report["body"] + "\n\nDibanding 2025: naik 4%."
    version = _call("admin-walidata", "satudata_round_report_show", id=round_["id"])["version"]
    admin.post(url, data={"_csrf_token": csrf_token(page.body), "body": body,
                          "version": version})
    page = admin.get(url)
    admin.post(url, data={"_csrf_token": csrf_token(page.body), "step": "submit",
                          "version": version + 1})
    assert "satudata-publication-wait" in admin.get("/publikasi/tjb-2026").body
    # an officer holding two levels approves the report at one of them only
    WalidataRole(user="verifikator", role="kabid")
    _call("verifikator", "satudata_round_report_approve", id=round_["id"])
    with pytest.raises(tk.NotAuthorized) as err:
        _call("verifikator", "satudata_round_report_approve", id=round_["id"])
    assert "another officer" in str(err.value) or "petugas lain" in str(err.value)
    _call("kabid", "satudata_round_report_approve", id=round_["id"])
    page = kabid.get(url)
    assert "satudata-report-approve" not in page.body  # the kadis's turn now
    assert "menunggu <strong>Kepala Dinas</strong>" in page.body  # by title, not code
    kadis = login(app, "kadis")
    page = kadis.get(url)
    assert "satudata-report-approve" in page.body
    kadis.post(url, data={"_csrf_token": csrf_token(page.body), "step": "approve",
                          "version": _call("kadis", "satudata_round_report_show",
                                           id=round_["id"])["version"]})
    report = _call("kadis", "satudata_round_report_show", id=round_["id"])
    assert report["state"] == "approved" and "naik 4%" in report["body"]
    assert _call("kadis", "satudata_round_show", id=round_["id"])["stage"] == "done"
    # its data may go out now, by the deadline counted from the approval
    publish_due = workdays.add_working_days(
        workdays.today(), tk.config.get("satudata.deadline.publish_days")).isoformat()
    for request in (health, schools):
        ready = _call("admin-walidata", "satudata_request_show", id=request["id"])
        assert (ready["due_date"], ready["held_back"]) == (publish_due, [])
        assert ready["waiting_for"] != "round_report"
        assert "publish" in ready["allowed_transitions"]
    _call("admin-walidata", "satudata_request_publish", id=health["id"])
    assert is_public(health["package_id"])
    assert "satudata-publication-wait" not in admin.get("/publikasi/tjb-2026").body
    assert _call("admin-walidata", "satudata_publication_build",
                 round_id=round_["id"])["status"] == "queued"
    run_jobs()
    # the approved report is disseminated with its data (SOP 001 step 8):
    # the book's first chapter, the compilation's first sheet
    book = _call("admin-walidata", "satudata_publication_show", round_id=round_["id"])
    pdf, xlsx = _publication_files(book["package_id"])
    text = " ".join(" ".join(page.extract_text().split())
                    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Dibanding 2025: naik 4%" in text and "Disetujui pada" in text
    sheets = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets
    assert sheets[0]["A1"].value == report["title"] and len(sheets) == 2
    assert "Dibanding 2025: naik 4%." in [row[0] for row in sheets[0].iter_rows(
        values_only=True)]
    # a finished round: no more sending, neither on its page nor by the API
    page = admin.get("/permintaan-data/putaran/tjb-2026").body
    assert "satudata-round-send" not in page and "satudata-round-history" in page
    with pytest.raises(tk.ValidationError):
        _call("admin-walidata", "satudata_round_send", id=round_["id"])
    with pytest.raises(tk.ValidationError) as refused:  # its dates are history
        _call("admin-walidata", "satudata_round_update", id=round_["id"],
              submit_due="2027-12-01")
    assert list(refused.value.error_dict) == ["submit_due"]
    # nor its year (its requests came from that year's list), chain or rules
    for change in ({"year": 2027}, {"approval_chain": ["verifikator", "kadis"]},
                   {"late_policy": "carry"}):
        with pytest.raises(tk.ValidationError) as refused:
            _call("admin-walidata", "satudata_round_update", id=round_["id"], **change)
        assert list(refused.value.error_dict) == list(change)
    done = _call("admin-walidata", "satudata_round_show", id=round_["id"])
    assert (done["year"], done["late_policy"]) == (round_["year"], round_["late_policy"])
    # its edit form shows them as they are, says why, and still saves a new title
    form = admin.get("/permintaan-data/putaran/tjb-2026/edit").body
    for field in ("year", "submit-due"):
        assert re.search(rf'id="field-{field}"[^>]*readonly', form), field
    chain_boxes = re.findall(r'<input[^>]*name="approval_chain"[^>]*>', form)
    assert chain_boxes and all("disabled" in box or 'type="hidden"' in box
                               for box in chain_boxes)
    assert re.search(r'id="field-late-policy"[^>]*disabled', form)
    assert not re.search(r'id="field-title"[^>]*readonly', form)
    assert "Putaran ini sudah selesai" in form
    # the form sends every field back (the disabled select aside): the unchanged ones pass
    sent_back = {key: str(done[key] or "") for key in (
        "year", "period", "start_date", "prepare_days", "submit_days", "verify_days",
        "approval_days", "submit_due", "verify_due", "compile_days", "report_days")}
    response = admin.post("/permintaan-data/putaran/tjb-2026/edit", data=dict(
        sent_back, _csrf_token=csrf_token(form), title="TJB 2026 (final)",
        approval_chain=" ".join(done["approval_chain"] or [])))
    assert response.status_code == 200, response.body
    assert _call("admin-walidata", "satudata_round_show", id=round_["id"])["title"] == \
        "TJB 2026 (final)"
    listed = admin.get("/permintaan-data/putaran").body
    row = listed[listed.index("TJB 2026 (final)"):]
    assert "selesai" in row[:row.index("</tr>")]  # written as the other states are
    assert [(e["step"], e["user_name"]) for e in report["events"]] == [
        ("draft", "admin-walidata"), ("edit", "admin-walidata"),
        ("submit", "admin-walidata"), ("approve", "verifikator"),
        ("return", "kabid"), ("edit", "admin-walidata"), ("submit", "admin-walidata"),
        ("approve", "verifikator"), ("approve", "kabid"), ("approve", "kadis")]
    # nobody outside the walidata reads it
    assert login(app, "produsen-a").get(url).status_code == 403
    assert app.get(url, follow_redirects=False).status_code in (302, 403)
    # the round's own trail: who moved it on, and the last approval that ended it
    moves = [(e["user_name"], e["data"]["from"], e["data"]["to"]) for e in _call(
        "kadis", "satudata_round_show", id=round_["id"])["events"] if e["step"] == "advance"]
    assert moves == [("admin-walidata", "collection", "compile"),
                     ("admin-walidata", "compile", "report"), ("kadis", "report", "done")]


def test_a_rounds_own_decisions_stand_in_its_history(clean_db, app):
    """Who created the round, moved its deadline, changed its chain, sent it
    and uploaded or removed its documents: on the round's page for the
    walidata, not for the OPDs."""
    with freeze_time(MONDAY, tick=True):  # the trail's order
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan")
        round_ = _call("admin-walidata", "satudata_round_create", name="s1-2026",
                       title="Semester I 2026", year=2026, start_date="2026-03-02")
        _call("admin-walidata", "satudata_round_update", id="s1-2026",
              submit_due="2026-07-01", approval_chain="verifikator kadis")
        _call("admin-walidata", "satudata_round_update", id="s1-2026",
              submit_due="2026-07-01")  # no change: no event
        _call("admin-walidata", "satudata_round_send", id="s1-2026")
        document = helpers.call_action(
            "satudata_round_document_create",
            context={"user": "admin-walidata", "ignore_auth": False}, id="s1-2026",
            title="Matriks indikator",
            upload=FileStorage(stream=io.BytesIO(b"indikator;satuan\nPuskesmas;unit\n"),
                               filename="matriks.csv"))
        _call("admin-walidata", "satudata_round_document_delete", id=document["id"])

    events = _call("verifikator", "satudata_round_show", id="s1-2026")["events"]
    assert [(e["step"], e["user_name"]) for e in events] == [
        ("create", "admin-walidata"), ("update", "admin-walidata"),
        ("send", "admin-walidata"), ("document_add", "admin-walidata"),
        ("document_remove", "admin-walidata")]
    changes = {c["field"]: (c["before"], c["after"]) for c in events[1]["changes"]}
    assert changes["submit_due"] == (round_["submit_due"], "2026-07-01")
    assert changes["approval_chain"] == (None, ["verifikator", "kadis"])
    assert set(changes) == {"submit_due", "verify_due", "approval_chain"}  # it follows
    assert events[2]["data"]["created"] == 1

    page = login(app, "verifikator").get("/permintaan-data/putaran/s1-2026")
    history = page.body[page.body.index("satudata-round-history"):]
    assert "Tenggat pengajuan" in history and "Riwayat putaran" in history
    assert "1 Juli 2026" in history or "July 1, 2026" in history
    assert "rantai portal → <strong>Verifikator, Kepala Dinas<" in history and "matriks.csv" in history
    chain = page.body[page.body.index("satudata-round-chain"):]
    assert chain.startswith('satudata-round-chain">Verifikator → Kepala Dinas'), chain[:80]
    # an OPD's producer reads the round, not the walidata's decisions on it
    assert _call("produsen-a", "satudata_round_show", id="s1-2026")["events"] == []
    page = login(app, "produsen-a").get("/permintaan-data/putaran/s1-2026")
    assert page.status_code == 200 and "satudata-round-history" not in page.body


def test_a_rounds_stage_deadlines_are_reminded_to_whoever_owes_the_work(clean_db, clean_index,
                                                                        smtp):
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        round_ = _round_with_nothing_to_collect(
            name="malut-2026-1", title="Maluku Utara Semester I", compile_days=3, report_days=2)
        # the stage it is moved on from is said: a second click (or a
        # script's second call) moved it through the compile stage at once
        with pytest.raises(tk.ValidationError) as err:
            _call("admin-walidata", "satudata_round_advance", id=round_["id"])
        assert "stage" in err.value.error_dict
        compiling = _advance(round_["id"])
        assert compiling["compile_due"] == "2026-03-05"
        with pytest.raises(tk.ValidationError) as err:
            _call("admin-walidata", "satudata_round_advance", id=round_["id"],
                  stage="collection")
        assert "already moved on" in err.value.error_dict["stage"][0]
        # a stage ahead of its own: it never "moved on" to its own
        with pytest.raises(tk.ValidationError) as err:
            _call("admin-walidata", "satudata_round_advance", id=round_["id"], stage="report")
        assert "is still in the stage" in err.value.error_dict["stage"][0]
        assert _call("admin-walidata", "satudata_round_show", id=round_["id"])["stage"] \
            == "compile"
    smtp.take()

    def reminded(day: str) -> list[tuple[str, str]]:
        counts = reminders.send_reminders(datetime.date.fromisoformat(day))
        mails = [(m["to"].split("<")[-1].rstrip(">"), m["subject"]) for m in smtp.take()]
        assert counts["rounds"] == (1 if mails else 0)
        return mails

    mails = reminded("2026-03-02")   # three working days before
    assert ("admin-walidata@example.org",) == tuple({to for to, _s in mails})
    assert "Kompilasi dan analisis data" in mails[0][1]
    assert reminded("2026-03-03") == []  # once per deadline
    late = reminded("2026-03-09")
    assert late and all("Melewati tenggat" in subject for _to, subject in late)
    with freeze_time("2026-03-09 02:00:00", tick=True):
        _advance(round_["id"])
        _call("admin-walidata", "satudata_round_report_submit", id=round_["id"])
    # the report waits for the verifier's level: the verifier is reminded
    assert {to for to, _s in reminded("2026-03-09")} == {"verifikator@example.org"}


@pytest.mark.ckan_config("satudata.roles.draft", ["staf"])
def test_the_drafters_hear_when_the_round_moves_on_to_their_stage(clean_db, clean_index, smtp,
                                                                  run_jobs):
    """Compiling the data and drafting the report were told to nobody: the
    staff heard of their stage from its reminder, days before its end."""
    with freeze_time(MONDAY, tick=True):
        _people({"staf": "staf", "verifikator": "verifikator"})
        round_ = _round_with_nothing_to_collect(
            name="malut-tahap", title="Maluku Utara Tahap", compile_days=3, report_days=2)
        run_jobs()
        smtp.take()
        _advance(round_["id"])
        run_jobs()
        compiling = smtp.take()
        # the staff, not the administrator who moved it on
        assert smtp.recipients(compiling) == {"staf@example.org"}
        [mail] = compiling
        assert "Kompilasi dan analisis data" in mail["subject"], mail
        assert "Maluku Utara Tahap" in mail["subject"]
        assert "5 Maret 2026" in mail["body"], mail["body"]  # 3 working days
        assert "/permintaan-data/putaran/malut-tahap" in mail["body"]
        _advance(round_["id"])
        run_jobs()
        [mail] = smtp.take()
        assert smtp.recipients([mail]) == {"staf@example.org"}
        assert "laporan" in mail["body"].lower()
        assert "/permintaan-data/putaran/malut-tahap/laporan" in mail["body"], mail["body"]
        # the report's own steps tell it from there: nothing more at its end
        _call("admin-walidata", "satudata_round_report_submit", id=round_["id"])
        run_jobs()
        assert "staf@example.org" not in smtp.recipients(smtp.take())


def test_whoever_wrote_the_report_hears_of_its_return(clean_db, clean_index, smtp, run_jobs):
    """A sysadmin (no walidata administrator) wrote and submitted the
    report: its return went to the administrators only, not to them."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        factories.Sysadmin(name="penulis", email="penulis@example.org")
        round_ = _round_with_nothing_to_collect(
            name="laporan-penulis", title="Laporan penulis", report_days=5)
        _advance(round_["id"])
        _call("penulis", "satudata_round_report_update", id=round_["id"], body="Isi laporan")
        _call("penulis", "satudata_round_report_submit", id=round_["id"])
        # a second "submit" with its text: told the step is taken, not that
        # the report "can only be edited while it is a draft"
        with pytest.raises(tk.ValidationError) as again:
            _call("penulis", "satudata_round_report_submit", id=round_["id"],
                  body="Isi laporan lain")
        assert "is not possible while the report is" in again.value.error_dict["state"][0]
        run_jobs()
        smtp.take()
        _call("verifikator", "satudata_round_report_return", id=round_["id"],
              note="Lengkapi ringkasan")
        run_jobs()
    told = {m["to"].split("<")[-1].rstrip(">") for m in smtp.take()}
    assert {"penulis@example.org", "admin-walidata@example.org"} <= told
    # and of the returned report's deadline: the reminder went to the
    # administrators only
    due = _call("admin-walidata", "satudata_round_show", id=round_["id"])["report_due"]
    reminders.send_reminders(datetime.date.fromisoformat(due))
    told = {m["to"].split("<")[-1].rstrip(">") for m in smtp.take()}
    assert {"penulis@example.org", "admin-walidata@example.org"} <= told


def test_who_submitted_the_report_is_not_told_it_waits_for_them(clean_db, clean_index, smtp,
                                                                  run_jobs):
    """The Kepala Dinas, a walidata administrator who edited and submitted
    the report, was e-mailed "the report waits for your approval" at their
    level, which four eyes refused them."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kadis": "kadis", "kadis-dua": "kadis"})
        helpers.call_action("organization_member_create", context={"ignore_auth": True},
                            id=tk.config.get("satudata.walidata_organization"),
                            username="kadis", role="admin")
        round_ = _round_with_nothing_to_collect(
            name="laporan-kadis", title="Laporan kadis", report_days=5,
            approval_chain=["verifikator", "kadis"])
        _advance(round_["id"])
        _call("kadis", "satudata_round_report_update", id=round_["id"], body="Isi laporan")
        _call("kadis", "satudata_round_report_submit", id=round_["id"])
        run_jobs()
        smtp.take()
        _call("verifikator", "satudata_round_report_approve", id=round_["id"])
        run_jobs()
        told = {m["to"].split("<")[-1].rstrip(">") for m in smtp.take()}
    assert "kadis-dua@example.org" in told and "kadis@example.org" not in told, told
    # and their page says why it offers them nothing
    shown = _call("kadis", "satudata_round_report_show", id=round_["id"])
    assert shown["allowed_steps"] == [] and shown["held_back"], shown["held_back"]
    assert _call("kadis-dua", "satudata_round_report_show", id=round_["id"])["held_back"] == []


def test_a_rounds_report_goes_up_the_rounds_own_chain(clean_db, clean_index, smtp, run_jobs,
                                                      app):
    """A round whose chain is the verifier then the Kepala Dinas: its
    report is approved by those two levels, the Kabid (on the portal's
    chain, not on this round's) has no say in it. Each level is e-mailed
    when the report waits for it; the drafters when it comes back with a
    reason, and when the last level approves it."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan")
        round_ = CollectionRound(name="dua-tingkat", title="Dua tingkat",
                                 start_date="2026-03-02", report_days=5,
                                 approval_chain=["verifikator", "kadis"])
        _call("admin-walidata", "satudata_round_send", id=round_["id"])
        request, = _call("admin-walidata", "satudata_request_list",
                         round_id=round_["id"])["results"]
        complete_metadata(request["package_id"], "produsen-a")
        _call("produsen-a", "satudata_request_submit", id=request["id"])
        _call("verifikator", "satudata_request_verify", id=request["id"])
        _call("kadis", "satudata_request_approve", id=request["id"])
        run_jobs()
        # ready before its report: the walidata learns it waits for the report
        ready_mail, = [m for m in smtp.take() if "admin-walidata" in m["to"]]
        assert "setelah laporan putaran disetujui" in ready_mail["body"], ready_mail["body"]
        assert "Tenggat langkah ini" not in ready_mail["body"]
        _advance(round_["id"])
        run_jobs()
        smtp.take()

        def told() -> list[tuple[str, str, str]]:
            run_jobs()
            return sorted((m["to"].split("<")[-1].rstrip(">").split("@")[0], m["subject"],
                           m["body"]) for m in smtp.take())

        _call("admin-walidata", "satudata_round_report_submit", id=round_["id"])
        (to, subject, body), = told()
        assert to == "verifikator" and "menunggu persetujuan" in subject.lower(), subject
        assert "/putaran/dua-tingkat/laporan" in body
        assert "Tenggat langkah ini" in body  # the level's deadline, as every step's
        _call("verifikator", "satudata_round_report_approve", id=round_["id"])
        assert [to for to, _s, _b in told()] == ["kadis"]  # not the kabid
        # a second click says where the report is now (it was "you cannot
        # take this step on the report as it is now", a 403 naming nothing)
        with pytest.raises(tk.ValidationError) as err:
            _call("verifikator", "satudata_round_report_approve", id=round_["id"])
        assert "Head of Agency" in err.value.error_dict["state"][0]  # who it waits for
        with pytest.raises(tk.NotAuthorized) as refused:  # the Kabid: not this round's chain
            _call("kabid", "satudata_round_report_approve", id=round_["id"])
        assert "Head of Agency" in str(refused.value)
        _call("kadis", "satudata_round_report_return", id=round_["id"],
              note="Tambahkan analisis tren")
        (to, subject, body), = told()
        assert to == "admin-walidata" and "Tambahkan analisis tren" in body
        assert "Tenggat langkah ini" in body  # the report's own deadline: it said none
        # (returned, it goes back unchanged with a note saying why)
        _call("admin-walidata", "satudata_round_report_submit", id=round_["id"],
              note="Analisis tren ada di lampiran")
        _call("verifikator", "satudata_round_report_approve", id=round_["id"])
        # delivered after both steps: each still tells its level's deadline
        assert [(to, "Tenggat langkah ini" in body) for to, _s, body in told()] == [
            ("kadis", True), ("verifikator", True)]
        report = _call("kadis", "satudata_round_report_show", id=round_["id"])
        assert report["waiting_for"] == "kadis"
        assert report["waiting_for_label"] in ("Kepala Dinas", "Head of Agency")
        with pytest.raises(tk.NotAuthorized):
            _call("kabid", "satudata_round_report_approve", id=round_["id"])
        _call("kadis", "satudata_round_report_approve", id=round_["id"])
        (to, _subject, body), = told()
        # the drafters are told the round's data may go out now, and by when
        publish_due = workdays.add_working_days(
            workdays.today(), tk.config.get("satudata.deadline.publish_days"))
        assert to == "admin-walidata" and "Data dari 1 permintaan" in body, body
        with app.flask_app.test_request_context("/"):  # as the portal writes it
            assert tk.h.render_datetime(publish_due) in body
        assert _call("admin-walidata", "satudata_request_show",
                     id=request["id"])["due_date"] == publish_due.isoformat()
        assert _call("kadis", "satudata_round_report_show", id=round_["id"])["state"] \
            == "approved"
        assert _call("kadis", "satudata_round_show", id=round_["id"])["stage"] == "done"


def test_tjb_the_data_is_validated_by_the_kasi_and_the_report_goes_up_to_the_kadis(
        clean_db, clean_index, smtp, run_jobs, app):
    """SOP 001: the data is validated by the Kasi alone, the report checked
    up the chain and approved by the Kadis. One chain per round made every
    item wait for the Kabid and the Kadis too (or the report for nobody)."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan")
        round_ = CollectionRound(name="tjb-laporan", title="TJB", start_date="2026-03-02",
                                 report_days=15, approval_chain=["verifikator"],
                                 report_chain=["verifikator", "kabid", "kadis"])
        shown = _call("admin-walidata", "satudata_round_show", id=round_["id"])
        assert shown["report_chain"] == ["verifikator", "kabid", "kadis"]
        # no report stage, no report chain (it was saved, and shown)
        with pytest.raises(tk.ValidationError) as no_report:
            _call("admin-walidata", "satudata_round_create", name="tanpa-laporan",
                  title="Tanpa laporan", year=2026, start_date="2026-03-02",
                  report_chain=["verifikator", "kadis"])
        assert "report_chain" in no_report.value.error_dict
        page = login(app, "admin-walidata").get("/permintaan-data/putaran/tjb-laporan")
        _call("admin-walidata", "satudata_round_send", id=round_["id"])
        request, = _call("admin-walidata", "satudata_request_list",
                         round_id=round_["id"])["results"]
        complete_metadata(request["package_id"], "produsen-a")
        _call("produsen-a", "satudata_request_submit", id=request["id"])
        _call("verifikator", "satudata_request_verify", id=request["id"])
        # validated by the Kasi: ready, no Kabid nor Kadis on the item
        assert _call("admin-walidata", "satudata_request_show",
                     id=request["id"])["state"] == "ready"
        # the report's levels read the data the report presents (the Kabid,
        # on the report chain only, was answered "not found")
        assert _call("kabid", "package_show", id=request["package_id"])["id"] \
            == request["package_id"]
        _advance(round_["id"])
        _call("admin-walidata", "satudata_round_report_submit", id=round_["id"])
        # while it goes up, its levels do not change
        with pytest.raises(tk.ValidationError) as locked:
            _call("admin-walidata", "satudata_round_update", id=round_["id"],
                  report_chain=["verifikator", "kadis"])
        assert "report_chain" in locked.value.error_dict
        for level in ("verifikator", "kabid", "kadis"):
            report = _call(level, "satudata_round_report_show", id=round_["id"])
            assert report["waiting_for"] == level
            _call(level, "satudata_round_report_approve", id=round_["id"])
        assert _call("kadis", "satudata_round_report_show", id=round_["id"])["state"] \
            == "approved"
        run_jobs()
        told = {m["to"].split("<")[-1].rstrip(">") for m in smtp.take()}
        assert {"kabid@example.org", "kadis@example.org"} <= told
    assert "Rantai persetujuan laporan" in page.body


def test_tjb_an_error_found_after_approval_sends_the_data_back_before_it_is_public(
        clean_db, clean_index, smtp, run_jobs, app):
    """SOP 001 steps 3-7: the walidata analyses the approved data and the
    report's checkers read it; an error found then goes back to its OPD
    before publication (a ready request could only be published, the error
    reaching the public, or cancelled). The verifier or a walidata
    administrator returns it with a reason; the chain that approved it hears
    of it and reviews the corrected data again."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        round_, request = _sent_round_of_one_item(name="tjb-koreksi", title="TJB koreksi",
                                                  report_days=15)
        _ready(request, "produsen-a")
        _advance(round_["id"])  # the report drafted (step 4), read by its checkers
        run_jobs()
        smtp.take()
        shown = _call("verifikator", "satudata_request_show", id=request["id"])
        assert "return" in shown["allowed_transitions"]
        for who in ("kabid", "kadis", "produsen-a"):  # not theirs to return
            assert "return" not in _call(who, "satudata_request_show",
                                         id=request["id"])["allowed_transitions"], who
            with pytest.raises(tk.NotAuthorized):
                _call(who, "satudata_request_return", id=request["id"], note="Salah")
        with pytest.raises(tk.ValidationError) as no_reason:
            _call("verifikator", "satudata_request_return", id=request["id"], note=" ",
                  version=shown["version"])
        assert list(no_reason.value.error_dict) == ["note"]
        # sent without the version read, it is refused: a "return" sent
        # while the request was in review, taken once another officer had
        # approved it, returned data its sender never saw approved
        with pytest.raises(tk.ValidationError) as unseen:
            _call("verifikator", "satudata_request_return", id=request["id"], note="Salah")
        assert list(unseen.value.error_dict) == ["version"]
        returned = _call("verifikator", "satudata_request_return", id=request["id"],
                         note="Angka 2025 tertukar dengan 2024",
                         field_notes={"title": "Sebutkan tahunnya"}, version=shown["version"])
        # due in the resubmission days (it got the collection's deadline,
        # months after the report was due)
        assert returned["state"] == "returned"
        assert returned["due_date"] == workdays.add_working_days(
            workdays.today(), tk.config.get("satudata.deadline.resubmit_days")).isoformat()
        # the report's checkers read it as returned, not "ready to publish"
        summary = _call("kabid", "satudata_round_report_show", id=round_["id"])["summary"]
        assert [r["state"] for r in summary["requests"]] == ["returned"]
        assert summary["verified"] == 0
        run_jobs()
        told = {m["to"].split("<")[-1].rstrip(">").split("@")[0]: m for m in smtp.take()}
        assert set(told) == {"produsen-a", "kabid", "kadis", "admin-walidata"}, sorted(told)
        assert "Angka 2025 tertukar dengan 2024" in told["produsen-a"]["body"]
        assert "Sebutkan tahunnya" in told["produsen-a"]["body"]
        # the approvers: back to them once corrected, not "higher in the chain"
        assert "setelah disetujui" in told["kadis"]["body"], told["kadis"]["body"]
        # who was told it was ready to publish: not to publish it now
        assert "Tidak lagi siap dipublikasikan" in told["admin-walidata"]["subject"]
        assert "Angka 2025 tertukar dengan 2024" in told["admin-walidata"]["body"]
        events = _call("admin-walidata", "satudata_request_event_list", id=request["id"])
        assert (events[-1]["transition"], events[-1]["user_name"], events[-1]["note"]) == (
            "return_ready", "verifikator", "Angka 2025 tertukar dengan 2024")
        # corrected, it goes up the whole chain again
        helpers.call_action("package_patch", context={"user": "produsen-a"},
                            id=request["package_id"], title="Jumlah Puskesmas 2025")
        _call("produsen-a", "satudata_request_resubmit", id=request["id"])
        with pytest.raises(tk.ValidationError):  # the kabid's turn comes after the verifier
            _call("kabid", "satudata_request_approve", id=request["id"])
        _call("verifikator", "satudata_request_verify", id=request["id"])
        _call("kabid", "satudata_request_approve", id=request["id"])
        _call("kadis", "satudata_request_approve", id=request["id"])
        again = _call("admin-walidata", "satudata_request_show", id=request["id"])
        assert again["state"] == "ready"
    # a walidata administrator may return it too, from the request's page
    admin = login(app, "admin-walidata")
    url = tk.url_for("satudata_request.read", id=request["id"])
    page = admin.get(url)
    assert "satudata-transition-return" in page.body
    admin.post(tk.url_for("satudata_request.take", id=request["id"], transition="return"),
               data={"_csrf_token": csrf_token(page.body), "note": "Sumber data belum disebut",
                     "version": again["version"]})
    assert _call("produsen-a", "satudata_request_show",
                 id=request["id"])["state"] == "returned"
    assert "satudata-transition-return" not in admin.get(url).body


def test_a_scheduled_request_is_returned_once_its_release_is_cancelled(
        clean_db, clean_index, app):
    """Both who may return ready data are told to cancel its scheduled
    release first: the verifier heard "it has moved past your level", the
    walidata administrator "only the verifier or the current approver"."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan")
        round_ = CollectionRound(name="dijadwalkan", title="Dijadwalkan",
                                 start_date="2026-03-02")
        _call("admin-walidata", "satudata_round_send", id=round_["id"])
        request, = _call("admin-walidata", "satudata_request_list",
                         round_id=round_["id"])["results"]
        _ready(request, "produsen-a")
        _call("admin-walidata", "satudata_request_schedule", id=request["id"],
              release_at="2026-03-30 09:00")
        for who in ("verifikator", "admin-walidata"):
            with pytest.raises(tk.ValidationError) as scheduled:
                with app.flask_app.test_request_context("/"):
                    _call(who, "satudata_request_return", id=request["id"], note="Salah")
            assert "lakukan \"Batalkan jadwal\" terlebih dahulu" in \
                scheduled.value.error_dict["state"][0], (who, scheduled.value.error_dict)
        shown = _call("admin-walidata", "satudata_request_show", id=request["id"])
        assert shown["state"] == "scheduled"
        _call("admin-walidata", "satudata_request_unschedule", id=request["id"],
              version=shown["version"])
        assert _call("verifikator", "satudata_request_return", id=request["id"], note="Salah",
                     version=shown["version"] + 1)["state"] == "returned"


def test_a_reminder_to_an_opd_without_producers_says_to_add_one(clean_db, clean_index):
    """The refusal sent the officer to the walidata roles (a role "besides
    you"), where no producer can be given: the request waits for its OPD."""
    with freeze_time(MONDAY):
        _people({})
        factories.Organization(name="dinas-baru", title="Dinas Baru")
        DaftarDataItem(title="Jumlah Kios", owner_org="dinas-baru")
        round_ = CollectionRound(start_date="2026-03-02")
        _call("admin-walidata", "satudata_round_send", id=round_["id"])
        request, = _call("admin-walidata", "satudata_request_list",
                         round_id=round_["id"])["results"]
        with pytest.raises(tk.ValidationError) as err:
            _call("admin-walidata", "satudata_request_remind", id=request["id"])
        message = err.value.error_dict["remind"][0]
        assert "no producer" in message and "Walidata roles" not in message
        # its page says so too (it said "waiting for the producers (OPD)")
        shown = _call("admin-walidata", "satudata_request_show", id=request["id"])
        assert any("no producer" in m for m in shown["held_back"]), shown["held_back"]


def test_a_report_nobody_could_approve_is_not_sent(clean_db, clean_index):
    """The Kepala Dinas, the only one and also an administrator of the
    walidata, wrote and sent the round's report: at their level it was
    refused as their own (four eyes) and waited for ever, with the round's
    book waiting for it."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        helpers.call_action("organization_member_create", context={"ignore_auth": True},
                            id=tk.config.get("satudata.walidata_organization"),
                            username="kadis", role="admin")
        DaftarDataItem(title="Jumlah Puskesmas", owner_org="dinas-kesehatan")
        round_ = CollectionRound(name="laporan-kadis", title="Laporan Kadis",
                                 start_date="2026-03-02", report_days=5,
                                 approval_chain=["verifikator", "kadis"])
        _call("admin-walidata", "satudata_round_send", id=round_["id"])
        request, = _call("admin-walidata", "satudata_request_list",
                         round_id=round_["id"])["results"]
        _call("admin-walidata", "satudata_request_cancel", id=request["id"], note="Tidak jadi")
        _advance(round_["id"])
        _call("kadis", "satudata_round_report_update", id=round_["id"], body="Laporan Kadis")
        with pytest.raises(tk.ValidationError) as err:
            _call("kadis", "satudata_round_report_submit", id=round_["id"])
        assert "Head of Agency" in err.value.error_dict["state"][0]
        # the way on it gives works: another officer sending it does not
        # (the Kepala Dinas wrote it), only one more holder of the role
        assert "Let another officer" not in err.value.error_dict["state"][0]
        assert "who did not write it" in err.value.error_dict["state"][0]
        report = _call("admin-walidata", "satudata_round_report_show", id=round_["id"])
        assert report["state"] == "draft"
        # another officer edits and sends it: the Kepala Dinas wrote it too,
        # so nobody could approve it yet; a second holder of the role can
        _call("admin-walidata", "satudata_round_report_update", id=round_["id"],
              body="Laporan Kadis, diperiksa")
        with pytest.raises(tk.ValidationError):  # the kadis still wrote it
            _call("admin-walidata", "satudata_round_report_submit", id=round_["id"])
        WalidataRole(user="kabid", role="kadis")
        assert _call("admin-walidata", "satudata_round_report_submit",
                     id=round_["id"])["state"] == "in_approval"


def test_the_walidata_keeps_its_address(clean_db):
    """Its edit form renamed it like any OPD: the portal finds the walidata
    by its name, and every walidata administrator lost their steps."""
    _people({"verifikator": "verifikator"})
    admin = factories.Sysadmin()
    name = tk.config.get("satudata.walidata_organization")
    for who in (admin["name"], "admin-walidata"):
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("organization_patch", context={"user": who}, id=name,
                                name="diskominfo-baru")
        assert list(err.value.error_dict) == ["name"]
    assert model.Group.get(name) is not None
    # its title and description are its own to change
    helpers.call_action("organization_patch", context={"user": admin["name"]}, id=name,
                        title="Dinas Komunikasi dan Informatika")
    assert model.Group.get(name).title == "Dinas Komunikasi dan Informatika"


def test_a_return_racing_the_rounds_move_gets_the_deadline_of_the_stage_it_lands_in(
        clean_db, clean_index):
    """A ready request returned at the moment the round moved on to its
    compile stage read the round before the move: it got the collection's
    deadline (weeks late) instead of its own days. The return waits for the
    move and counts from the stage the round is in."""
    with freeze_time(MONDAY, tick=True):
        _people({"verifikator": "verifikator", "kabid": "kabid", "kadis": "kadis"})
        round_, request = _sent_round_of_one_item(name="balapan-tahap", title="Balapan tahap",
                                                  compile_days=5)
        _ready(request, "produsen-a")
        seen = _call("verifikator", "satudata_request_show", id=request["id"])["version"]
        # the walidata's move, not committed yet
        helpers.call_action("satudata_round_advance", context={
            "user": "admin-walidata", "defer_commit": True}, id=round_["id"],
            stage="collection")
        returned = answer_while_held(lambda: helpers.call_action(
            "satudata_request_return", context={"user": "verifikator", "ignore_auth": False},
            id=request["id"], note="Angka kecamatan tertukar", version=seen))
        assert not isinstance(returned, Exception), returned
        own_days = workdays.add_working_days(
            workdays.today(), tk.config.get("satudata.deadline.resubmit_days"))
        assert returned["due_date"] == own_days.isoformat(), (returned["due_date"], own_days)

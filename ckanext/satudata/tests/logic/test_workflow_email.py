# -*- coding: utf-8 -*-
"""Notifications are really delivered: a real SMTP server (aiosmtpd) listens
on a free loopback port (``smtp``), the transitions enqueue jobs through the
signal subscriptions, the jobs run as a burst worker runs them (``run_jobs``)
with ``smtp.server`` pointed at that server, and the test reads what
arrived."""
from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import publishing, reminders
from ckanext.satudata.model import DataRequest, ReminderSent

from ..factories import WalidataRole, complete_metadata, seen



def test_each_notifying_transition_delivers_mail(smtp, region, run_jobs):
    run_jobs()
    sent = smtp.take()
    # the round's requests: one message per producer, listing their requests
    assert smtp.recipients(sent) == {"produsen-a@example.org", "produsen-b@example.org"}
    assert all("Jumlah Puskesmas" in m["body"] for m in sent)

    req = region.request_of(region.opd_a)
    complete_metadata(req["package_id"], "produsen-a")
    steps = [
        ("producer", "satudata_request_submit", {}, {"verifikator@example.org"}),
        ("verifier", "satudata_request_return",
         {"note": "Satuan belum diisi", "field_notes": {"unit": ["Isi satuan"]}},
         {"produsen-a@example.org"}),
        ("producer", "satudata_request_resubmit", {"note": "Satuan diisi"},
         {"verifikator@example.org"}),
        # the producers hear that their delivery was accepted
        ("verifier", "satudata_request_verify", {}, {"kabid@example.org",
                                                      "produsen-a@example.org"}),
        ("kabid", "satudata_request_approve", {}, {"kadis@example.org"}),
        # a return higher in the chain goes to the producers, and the
        # officers below it who verified and approved hear of it
        ("kadis", "satudata_request_return", {"note": "Sumber data belum jelas"},
         {"produsen-a@example.org", "verifikator@example.org", "kabid@example.org"}),
        ("producer", "satudata_request_resubmit", {"note": "Sumber diperjelas"},
         {"verifikator@example.org"}),
        # the producers hear that their delivery was accepted
        ("verifier", "satudata_request_verify", {}, {"kabid@example.org",
                                                      "produsen-a@example.org"}),
        ("kabid", "satudata_request_approve", {}, {"kadis@example.org"}),
        ("kadis", "satudata_request_approve", {}, {"admin-walidata@example.org",
                                                   "produsen-a@example.org"}),
    ]
    for who, action, extra, recipients in steps:
        region.call(who, action, id=req["id"], **extra)
        run_jobs()
        sent = smtp.take()
        assert smtp.recipients(sent) == recipients, (action, sent)
        assert all("Jumlah Puskesmas" in m["subject"] for m in sent), sent
        assert all(f"/permintaan-data/{req['id']}" in m["body"] for m in sent), sent
        level = {"kabid@example.org": "Kepala Bidang", "kadis@example.org": "Kepala Dinas"}
        for message in sent:
            to = smtp.recipients([message]).pop()
            if to in level and action in ("satudata_request_verify",
                                          "satudata_request_approve"):
                # the level by its name, as on the pages (it was "(kabid)")
                assert f"({level[to]})" in message["body"], message["body"]
            elif action == "satudata_request_verify" and "produsen" in message["to"]:
                assert "telah diverifikasi" in message["body"], message["body"]
                assert "persetujuan Kepala Bidang" in message["body"], message["body"]
            elif action == "satudata_request_approve" and "produsen" in message["to"]:
                assert "siap dipublikasikan" in message["subject"], message
                assert "disetujui di semua tingkat" in message["body"], message["body"]
        if action == "satudata_request_submit":  # which deadline: the step's
            assert "Tenggat langkah ini:" in sent[0]["body"], sent[0]["body"]
        if action == "satudata_request_return" and who == "kadis":
            assert all("Sumber data belum jelas" in m["body"] for m in sent), sent
            reviewers = [m for m in sent if "produsen" not in m["to"]]
            assert len(reviewers) == 2 and all(
                "yang Anda periksa" in m["body"] for m in reviewers), reviewers
        elif action == "satudata_request_return":
            assert "Satuan belum diisi" in sent[0]["body"]
            assert "Satuan: Isi satuan" in sent[0]["body"]  # the field label, not its key

    # a cancellation: its producers, and the verifiers it waited for (they
    # were asked to verify it, and never told it needs them no more)
    other = region.request_of(region.opd_b)
    complete_metadata(other["package_id"], "produsen-b")
    region.call("producer_b", "satudata_request_submit", id=other["id"])
    run_jobs()
    smtp.take()
    region.call("walidata_admin", "satudata_request_cancel", id=other["id"],
                note="Tidak lagi diperlukan")
    run_jobs()
    sent = smtp.take()
    assert smtp.recipients(sent) == {"produsen-b@example.org", "verifikator@example.org"}
    assert all("Tidak lagi diperlukan" in m["body"] and "dibatalkan" in m["subject"]
               for m in sent), sent
    # a scheduled release cancelled (by a sysadmin): who would publish it hears of it as of a
    # ready request's (nobody did: no step of the table "waits" on it)
    scheduled = req  # approved by the chain above
    region.call("kadis", "satudata_request_schedule", id=scheduled["id"],
                release_at="2099-01-05 09:00")
    run_jobs()
    smtp.take()
    region.call("sysadmin", "satudata_request_cancel", id=scheduled["id"],
                note="Rilis dibatalkan", version=seen(scheduled["id"]))
    run_jobs()
    told = smtp.recipients(smtp.take())
    assert {"produsen-a@example.org", "admin-walidata@example.org"} <= told, told


def test_reviewers_told_a_return_comes_back_hear_of_its_cancellation(smtp, region, run_jobs):
    """The Kadis's return told the verifier and the Kabid the data would
    come back to them; cancelled while with its producers, only the
    producers heard of it."""
    req = region.request_of(region.opd_a)
    complete_metadata(req["package_id"], "produsen-a")
    for who, action in (("producer", "satudata_request_submit"),
                        ("verifier", "satudata_request_verify"),
                        ("kabid", "satudata_request_approve")):
        region.call(who, action, id=req["id"])
    region.call("kadis", "satudata_request_return", id=req["id"], note="Sumber data belum jelas")
    run_jobs()
    smtp.take()
    region.call("walidata_admin", "satudata_request_cancel", id=req["id"],
                note="Indikator dihapus")
    run_jobs()
    sent = smtp.take()
    assert smtp.recipients(sent) == {"produsen-a@example.org", "verifikator@example.org",
                                     "kabid@example.org"}, sent
    assert all("dibatalkan" in m["subject"] and "Indikator dihapus" in m["body"]
               for m in sent), sent


def test_reminders_and_escalations_are_sent_once(smtp, region, cli):
    from ckanext.satudata import cli as satudata_cli

    req = region.request_of(region.opd_a)
    due = datetime.date.fromisoformat(req["due_date"])
    # the day before the deadline: a reminder to each OPD's producers
    result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date",
                                                (due - datetime.timedelta(days=1)).isoformat()])
    assert result.exit_code == 0, result.output
    sent = smtp.take()
    assert smtp.recipients(sent) == {"produsen-a@example.org", "produsen-b@example.org"}
    # the rerun (cron) sends nothing again
    result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date",
                                                (due - datetime.timedelta(days=1)).isoformat()])
    assert result.exit_code == 0, result.output
    assert smtp.take() == []
    # past the deadline: an escalation, also to the walidata administrators
    late = (due + datetime.timedelta(days=7)).isoformat()
    result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date", late])
    assert result.exit_code == 0, result.output
    sent = smtp.take()
    assert smtp.recipients(sent) == {"produsen-a@example.org", "produsen-b@example.org",
                         "admin-walidata@example.org"}
    assert "Escalations: 2" in result.output or "escalations: 2" in result.output
    assert model.Session.execute(sa.select(sa.func.count()).select_from(
        ReminderSent)).scalar_one() == 4
    cli.invoke(satudata_cli.satudata, ["send-reminders", "--date", late])
    assert smtp.take() == []
    assert model.Session.get(DataRequest, req["id"]).state == "requested"


def test_reminders_for_a_date_that_is_no_date_send_nothing(smtp, region, cli):
    """``--date 20261207`` was read as a date (Python's reading of it, not
    the YYYY-MM-DD the help gives) and sent that day's reminders;
    ``--date 2026-02-30`` was told its format was wrong."""
    from ckanext.satudata import cli as satudata_cli

    for day, words in (("2026-02-30", "no such date"), ("20261207", "YYYY-MM-DD"),
                       ("1899-12-31", "between 1900")):
        result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date", day])
        assert result.exit_code != 0 and words in result.output, (day, result.output)
    assert smtp.take() == []


def test_a_person_gets_one_reminder_listing_their_requests(smtp, world_of):
    """Reminders and escalations due the same day to the same person come
    as one message listing the requests (an OPD of twenty requests got
    twenty e-mails, its walidata administrators twenty escalations)."""
    from ..factories import TWO_ITEMS, build_region

    region = world_of("two-items", lambda: build_region(item_titles=TWO_ITEMS))
    due = datetime.date.fromisoformat(region.request_of(region.opd_a)["due_date"])
    smtp.take()
    counts = reminders.send_reminders(due - datetime.timedelta(days=1))
    assert (counts["reminder"], counts["messages"]) == (4, 2), counts
    sent = smtp.take()
    assert smtp.recipients(sent) == {"produsen-a@example.org", "produsen-b@example.org"}
    mine = next(m for m in sent if "produsen-a@example.org" in m["to"])
    assert "2 permintaan data" in mine["subject"], mine["subject"]
    assert "Jumlah Puskesmas" in mine["body"] and "Jumlah Sekolah" in mine["body"]
    assert "Dinas Pendidikan" not in mine["body"]      # only their own OPD's
    assert mine["body"].count("/permintaan-data/") == 2, mine["body"]
    assert "sisa 1 hari kerja" in mine["body"], mine["body"]
    assert "diminta; tenggat" in mine["body"], mine["body"]  # its state in Indonesian
    # past the deadline: one escalation each, the administrators' listing all four
    counts = reminders.send_reminders(due + datetime.timedelta(days=7))
    assert (counts["escalation"], counts["messages"]) == (4, 3), counts
    admin = [m for m in smtp.take() if "admin-walidata@example.org" in m["to"]]
    assert len(admin) == 1 and admin[0]["body"].count("/permintaan-data/") == 4
    assert "Dinas Pendidikan" in admin[0]["body"] and "terlambat" in admin[0]["body"]
    assert reminders.send_reminders(due + datetime.timedelta(days=7))["messages"] == 0
    assert smtp.take() == []


def test_an_items_new_deadline_moves_its_sent_request(smtp, region, run_jobs):
    """An item's own deadline (Balikpapan: a week per item) changed after
    its round was sent left its request due by the old date: reminded,
    escalated and shown overdue by it. It follows now, counted from the day
    the round was sent, and its producers are told; a deadline already past
    for them is refused, nothing changed."""
    from ckanext.satudata.lib import workdays

    run_jobs()
    smtp.take()
    req = region.request_of(region.opd_a)
    other = region.request_of(region.opd_b)
    # the day the round was sent in the portal's time zone (from 17:00 UTC
    # on, WIB's next day): the day the deadline is counted from
    sent_on = publishing.to_local(datetime.datetime.fromisoformat(req["requested_at"])).date()
    region.call("walidata_admin", "satudata_daftar_data_update", id=req["item_id"],
                submit_days=40)
    run_jobs()
    due = workdays.add_working_days(sent_on, 40).isoformat()
    moved = region.call("producer", "satudata_request_show", id=req["id"])
    assert (moved["due_date"], moved["submit_due"]) == (due, due), moved
    assert region.call("producer_b", "satudata_request_show",
                       id=other["id"])["due_date"] == other["due_date"]
    [told] = smtp.take()
    assert "produsen-a@example.org" in told["to"]
    assert "Jumlah Puskesmas" in told["body"] and "sebelumnya" in told["body"], told["body"]
    # the Daftar Data workbook imported again with another "batas_hari": the
    # same (the item changed, its request stayed due by the old date)
    import io

    import openpyxl

    other_item = region.call("walidata_admin", "satudata_daftar_data_create",
                             title="Jumlah Bidan", owner_org="dinas-kesehatan", year=2026)
    region.call("walidata_admin", "satudata_round_send", id=region.round["id"])
    run_jobs()
    smtp.take()
    book = openpyxl.Workbook()
    book.active.append(["judul", "opd", "batas_hari"])
    book.active.append(["Jumlah Puskesmas", "dinas-kesehatan", 45])
    # a second item of the OPD moved by the same import: one message for both
    book.active.append(["Jumlah Bidan", "dinas-kesehatan", 45])
    content = io.BytesIO()
    book.save(content)
    region.call("walidata_admin", "satudata_daftar_data_import", year=2026,
                upload=content.getvalue())
    run_jobs()
    due = workdays.add_working_days(sent_on, 45).isoformat()
    assert region.call("producer", "satudata_request_show", id=req["id"])["due_date"] == due
    [told] = smtp.take()
    assert "Jumlah Puskesmas" in told["body"] and "Jumlah Bidan" in told["body"], told["body"]
    assert other_item["id"]

    # sent long ago: five days from then are past
    model.Session.execute(sa.update(DataRequest).where(DataRequest.id == req["id"]).values(
        requested_at=DataRequest.requested_at - datetime.timedelta(days=60)))
    model.Session.commit()
    with pytest.raises(tk.ValidationError) as refused:
        region.call("walidata_admin", "satudata_daftar_data_update", id=req["item_id"],
                    submit_days=5)
    assert "submit_days" in refused.value.error_dict
    item = region.call("walidata_admin", "satudata_daftar_data_show", id=req["item_id"])
    assert item["submit_days"] == 45
    assert region.call("producer", "satudata_request_show", id=req["id"])["due_date"] == due
    run_jobs()
    assert smtp.take() == []


def test_no_reminder_goes_out_on_a_day_off_and_the_deadline_day_says_today(smtp, region,
                                                                           cli):
    """An escalation sent on a holiday after the deadline read "0 working
    days late" and was not sent again on the next working day; a reminder
    on the deadline's day read "0 working days left"."""
    from ckanext.satudata import cli as satudata_cli

    req = region.request_of(region.opd_a)
    # Friday 14 August 2026; Monday 17 August is Independence Day
    model.Session.execute(sa.update(DataRequest).where(DataRequest.id == req["id"])
                          .values(due_date=datetime.date(2026, 8, 14)))
    model.Session.commit()
    smtp.take()

    def run(day: str) -> tuple[str, list[dict[str, str]]]:
        result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date", day])
        assert result.exit_code == 0, result.output
        return result.output, [m for m in smtp.take() if "produsen-a@" in m["to"]]

    _output, [reminder] = run("2026-08-14")
    assert "tenggatnya hari ini" in reminder["body"], reminder["body"]
    assert "0 hari kerja" not in reminder["body"]
    for day_off in ("2026-08-15", "2026-08-17"):
        output, sent = run(day_off)
        assert sent == [] and "not a working day" in output, output
    assert reminders.send_reminders(datetime.date(2026, 8, 17))["messages"] == 0
    _output, [late] = run("2026-08-18")
    assert "terlambat 1 hari kerja" in late["body"], late["body"]


def test_reminders_run_as_a_background_job(smtp, region, cli, run_jobs):
    from ckanext.satudata import cli as satudata_cli

    run_jobs()          # the round's "new requests" messages
    smtp.take()
    req = region.request_of(region.opd_b)
    late = (datetime.date.fromisoformat(req["due_date"])
            + datetime.timedelta(days=10)).isoformat()
    # a date the command reads (spaces around it) is the job's too: it failed there
    result = cli.invoke(satudata_cli.satudata,
                        ["send-reminders", "--enqueue", "--date", f" {late} "])
    assert result.exit_code == 0, result.output
    assert smtp.take() == []         # nothing sent inline
    run_jobs()
    sent = smtp.take()
    assert smtp.recipients(sent) == {"produsen-a@example.org", "produsen-b@example.org",
                         "admin-walidata@example.org"}
    # the administrators' one message lists both OPDs' overdue requests
    assert len(sent) == 3 and all("Jumlah Puskesmas" in m["body"] for m in sent)


def test_the_commands_refuse_bad_input_in_words_not_a_traceback(region, cli):
    """``send-reminders --date 2026-13-45`` and a ``round-create --send``
    whose send is refused printed Python tracebacks; the second had created
    the round, and running it again said the name was taken."""
    from ckanext.satudata import cli as satudata_cli

    result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date", "2026-13-45"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "no such date" in result.output

    today = datetime.date.today().isoformat()
    result = cli.invoke(satudata_cli.satudata, [
        "round-create", "putaran-kosong", "--title", "Putaran Kosong", "--year", "2091",
        "--start-date", today, "--send"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "putaran-kosong was created but not sent" in result.output
    assert "2091" in result.output  # why: that year's Daftar Data has no items
    shown = helpers.call_action("satudata_round_show", id="putaran-kosong")
    assert shown["state"] == "draft"


def test_the_commands_refuse_an_empty_date_and_a_limit_below_one(region, cli, smtp):
    """``send-reminders --date ""`` (a cron line's unset variable) sent
    today's reminders; ``--limit -1`` of ``outbox drain`` and ``release-due``
    printed tracebacks."""
    from ckanext.satudata import cli as satudata_cli

    smtp.take()
    result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date", ""])
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output
    assert smtp.take() == []
    for command in (["outbox", "drain", "--limit", "-1"], ["release-due", "--limit", "0"],
                    ["release-due", "--limit", "5000"]):
        result = cli.invoke(satudata_cli.satudata, command)
        assert result.exit_code == 2 and "--limit" in result.output, (command, result.output)
        assert isinstance(result.exception, SystemExit), command


def _told_of_the_last_approval(smtp, region, run_jobs) -> list[dict[str, str]]:
    """The messages of the Kadis's last approval of OPD A's request, the
    Kadis an administrator of the walidata too."""
    helpers.call_action("organization_member_create", context={"user": "sysadmin-uji"},
                        id=region.walidata["id"], username="kadis", role="admin")
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    run_jobs()
    smtp.take()
    region.call("kadis", "satudata_request_approve", id=request["id"])
    run_jobs()
    return smtp.take()


def test_the_officer_who_took_a_step_is_not_told_of_it(smtp, region, run_jobs):
    """The Kadis, an administrator of the walidata too, gave the last
    approval and was e-mailed "ready to publish … approved at every level"
    of it; the other administrators are still told."""
    told = smtp.recipients(_told_of_the_last_approval(smtp, region, run_jobs))
    assert "admin-walidata@example.org" in told and "kadis@example.org" not in told
    sysadmin = region.users["sysadmin"]
    assert sysadmin["email"] not in told  # the walidata's administrators are told


def test_ready_data_reaches_a_publisher_when_the_approver_was_the_only_administrator(
        smtp, region, run_jobs):
    """The Kadis was the walidata organization's only administrator: their
    last approval told nobody who publishes that data waited for it (the
    sysadmins publish, and were never told)."""
    helpers.call_action("organization_member_delete", context={"user": "sysadmin-uji"},
                        id=region.walidata["id"], username="admin-walidata")
    messages = _told_of_the_last_approval(smtp, region, run_jobs)
    from ckanext.satudata.lib import roles
    assert [u.name for u in roles.sysadmins()] == ["sysadmin-uji"]
    address = model.User.get("sysadmin-uji").email
    ready = [m for m in messages if address in m["to"]]
    assert ready and "siap dipublikasikan" in ready[0]["subject"], messages
    assert "kadis@example.org" not in smtp.recipients(messages)


def test_a_producer_invited_but_not_yet_in_receives_the_rounds_requests(smtp, region,
                                                                        run_jobs, app):
    """An OPD's only producer, invited and not yet past the invitation: the
    send said the OPD had no producer, their e-mail and letter never came,
    and sending again sent nothing."""
    from ckan.tests import factories

    from ckanext.satudata.lib import workdays

    sysadmin = {"user": region.users["sysadmin"]["name"]}
    opd = factories.Organization(name="dinas-perikanan", title="Dinas Perikanan")
    with app.flask_app.test_request_context("/"):  # the invitation is e-mailed
        invited = helpers.call_action("user_invite", context=dict(sysadmin),
                                      email="nelayan@example.org", group_id=opd["id"],
                                      role="editor")
    assert invited["state"] == "pending"
    region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Kapal",
                owner_org="dinas-perikanan", year=2026)
    round_ = region.call("sysadmin", "satudata_round_create", name="perikanan",
                         title="Perikanan", year=2026,
                         start_date=workdays.today().isoformat())
    run_jobs()
    smtp.take()
    sent = region.call("walidata_admin", "satudata_round_send", id=round_["id"])
    assert sent["created"] == 1 and sent["without_producers"] == []
    run_jobs()
    mail, = [m for m in smtp.take() if "nelayan@example.org" in m["to"]]
    assert "Jumlah Kapal" in mail["body"]
    # the round's later changes reach them too (a deadline moved three months
    # earlier reached nobody: their letter kept the old one)
    shown = region.call("sysadmin", "satudata_round_show", id=round_["id"])
    earlier = workdays.add_working_days(
        datetime.date.fromisoformat(shown["submit_due"][:10]), -3).isoformat()
    region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                submit_due=earlier, modified=shown["modified"])
    run_jobs()
    moved = [m for m in smtp.take() if "nelayan@example.org" in m["to"]]
    assert moved and "Jumlah Kapal" in moved[0]["body"], moved
    # the OPD's only producer: their account stays (the requests waited for nobody)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("user_delete", context=dict(sysadmin), id=invited["id"])


def test_a_return_after_approval_is_not_told_to_an_officer_no_longer_walidata(smtp, region,
                                                                             run_jobs):
    """The Kabid whose role was taken away was still told "the data is back
    with you", with the return's note (a page they can no longer open)."""
    req = region.request_of(region.opd_a)
    complete_metadata(req["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=req["id"])
    region.call("verifier", "satudata_request_verify", id=req["id"])
    region.call("kabid", "satudata_request_approve", id=req["id"])
    kabid = region.users["kabid"]["name"]
    WalidataRole(user=factories.User(name="kabid-baru")["name"], role="kabid")  # the new one
    helpers.call_action("satudata_role_delete", context={"ignore_auth": True},
                        user=kabid, role="kabid")
    run_jobs()
    smtp.take()
    region.call("kadis", "satudata_request_return", id=req["id"], note="Sumber data belum jelas")
    run_jobs()
    told = smtp.recipients(smtp.take())
    assert "verifikator@example.org" in told and "kabid@example.org" not in told, told


def test_closing_a_round_tells_the_opds_still_to_deliver(smtp, region, run_jobs):
    """Closing a round told nobody: its producers found out only by opening
    a request; opened again, nobody heard that they could deliver again."""
    delivered = region.request_of(region.opd_b)
    complete_metadata(delivered["package_id"], "produsen-b")
    region.call("producer_b", "satudata_request_submit", id=delivered["id"])
    run_jobs()
    smtp.take()
    region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                state="closed")
    run_jobs()
    closed = smtp.take()
    assert smtp.recipients(closed) == {"produsen-a@example.org"}, closed
    assert "Putaran ditutup" in closed[0]["subject"]
    assert region.request_of(region.opd_a)["id"] in closed[0]["body"]
    region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                state="open")
    run_jobs()
    reopened = smtp.take()
    assert smtp.recipients(reopened) == {"produsen-a@example.org"}
    assert "dibuka kembali" in reopened[0]["subject"]
    # a change of anything else tells nothing
    region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                title="Semester I 2026 (revisi)")
    run_jobs()
    assert smtp.take() == []

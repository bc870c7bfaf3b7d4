# -*- coding: utf-8 -*-
"""Scheduled releases (jadwal rilis): the dataset stays private until its
release time (Asia/Jakarta), ``ckan satudata release-due`` publishes it then
and not a minute before, and the background job does the same."""
from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import helpers

from ckanext.satudata import jobs
from ckanext.satudata.cli import satudata as satudata_command
from ckanext.satudata.lib import publishing
from ckanext.satudata.model import Release

from ..conftest import free_port
from ..factories import build_region, is_public, request_state, seen, to_ready


def _calendar():
    return helpers.call_action("satudata_release_calendar",
                               context={"user": "", "ignore_auth": False})["results"]


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_release_due_publishes_on_time_and_not_a_minute_before(cli):
    # the whole scenario, the region included, runs on a frozen clock: the
    # timeline is ordered by timestamp, so no step may use the real date
    with freeze_time("2026-11-30 03:00:00") as clock:  # 10:00 WIB the day before
        region = build_region()
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        pkg = region.call("sysadmin", "package_show", id=request["package_id"])

        with pytest.raises(tk.ValidationError) as err:
            region.call("kadis", "satudata_request_schedule", id=request["id"],
                        release_at="2026-11-30 09:00")  # already past in Jakarta
        assert "release_at" in err.value.error_dict
        result = region.call("kadis", "satudata_request_schedule", id=request["id"],
                             release_date="2026-12-01", release_time="09:00")
        assert result["state"] == "scheduled"
        assert result["release"]["release_at"] == "2026-12-01T02:00:00"  # UTC
        assert "2026-12-01 09:00 WIB" in result["event"]["note"]
        # the same time again (a second click, another officer, a
        # "postponement" to the time it has): no second step, no e-mail
        again = region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                            release_at="2026-12-01 09:00")
        assert again["event"] is None and again["release"]["id"] == result["release"]["id"]
        again = region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                            release_at="2026-12-01 09:00", reason="Data belum lengkap")
        assert again["event"] is None and again["release"]["id"] == result["release"]["id"]
        assert [e["transition"] for e in region.call(
            "sysadmin", "satudata_request_event_list", id=request["id"])].count("schedule") == 1

        calendar = _calendar()
        assert calendar == [{
            "id": result["release"]["id"],
            "title": pkg["title"], "period": region.round["title"],
            "release_at": "2026-12-01T02:00:00",
            "release_at_local": "2026-12-01 09:00 WIB",
            "organization": {"name": "dinas-kesehatan", "title": "Dinas Kesehatan"},
            "postponed": None, "sequence": 0,
        }]
        # a page of the calendar says how many there are in all
        other = region.request_of(region.opd_b)
        to_ready(region, other)
        region.call("kadis", "satudata_request_schedule", id=other["id"],
                    release_at="2026-12-02 09:00")
        page = helpers.call_action("satudata_release_calendar", limit=1)
        assert (page["count"], len(page["results"])) == (2, 1)
        region.call("kadis", "satudata_request_unschedule", id=other["id"],
                    version=seen(other["id"]))

        clock.move_to("2026-12-01 01:59:00")  # 08:59 WIB
        # through `ckan`, as cron runs it; the later runs call the command
        # group itself (each `ckan` invocation builds a whole app: ~1 s)
        out = cli.invoke(ckan_command, ["satudata", "release-due"])
        assert out.exit_code == 0, out.output
        assert "0 published" in out.output
        assert not is_public(request["package_id"])
        assert request_state(region, request) == "scheduled"

        clock.move_to("2026-12-01 02:00:00")  # 09:00 WIB
        out = cli.invoke(satudata_command, ["release-due"])
        assert out.exit_code == 0, out.output
        assert f"published {request['id']}" in out.output
        assert is_public(request["package_id"])
        assert request_state(region, request) == "published"
        assert _calendar() == []
        events = region.call("sysadmin", "satudata_request_event_list", id=request["id"])
        assert [e["transition"] for e in events[-2:]] == ["schedule", "publish"]
        assert events[-1]["timestamp"].startswith("2026-12-01T02:00")
        # taken by the portal, noted in its language (cron's command wrote
        # "Scheduled release" in English, signed by the site user's name)
        assert events[-1]["note"] == "Rilis terjadwal"
        assert events[-1]["system"] and not events[-2]["system"]
        assert events[-1]["user_display_name"] != events[-1]["user_name"]
        facts = helpers.call_action("package_show", id=request["package_id"])[
            publishing.DICT_KEY]
        assert facts["published"].startswith("2026-12-01T02:00")
        # the public streams show the release, in the name of who scheduled
        # it (the portal's own account's activity is hidden: they showed none)
        [released] = helpers.call_action(
            "package_activity_list", context={"user": "", "ignore_auth": False},
            id=request["package_id"], limit=1)
        assert released["timestamp"].startswith("2026-12-01T02:00"), released
        assert released["user_id"] == region.users["kadis"]["id"]

        clock.move_to("2026-12-01 02:01:00")  # a rerun publishes nothing twice
        out = cli.invoke(satudata_command, ["release-due"])
        assert "0 published" in out.output


def test_unschedule_and_who_may_schedule(region):
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    later = (datetime.datetime.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    for who in ("producer", "verifier", "kabid", "public"):
        # a citizen is told there is no such request
        with pytest.raises(tk.ObjectNotFound if who == "public" else tk.NotAuthorized):
            region.call(who, "satudata_request_schedule", id=request["id"],
                        release_at=later)
    # seconds given: to the minute, as releases are announced (09:00:30 was a
    # 30-second "postponement" of 09:00)
    region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                release_at=later + ":30")
    assert len(_calendar()) == 1
    assert {r.release_at.second for r in model.Session.query(Release)} == {0}
    # cancelling undoes another officer's decision: on the version seen
    with pytest.raises(tk.ValidationError) as err:
        region.call("kadis", "satudata_request_unschedule", id=request["id"])
    assert "version" in err.value.error_dict
    result = region.call("kadis", "satudata_request_unschedule", id=request["id"],
                         version=seen(request["id"]))
    assert result["state"] == "ready"
    # a postponement sent after the cancellation has nothing to postpone (it
    # scheduled the cancelled release again)
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                    release_at=later, reason="Menunggu data BPS")
    assert "reason" in err.value.error_dict
    assert request_state(region, request) == "ready"
    assert _calendar() == []
    with pytest.raises(tk.ValidationError) as err:
        region.call("kadis", "satudata_request_schedule", id=request["id"],
                    release_at="besok pagi")
    assert "release_at" in err.value.error_dict


def test_the_release_job_publishes_the_due_release(region, smtp, run_jobs):
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    later = publishing.to_local(
        publishing.utcnow() + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    region.call("kadis", "satudata_request_schedule", id=request["id"], release_at=later)
    tk.enqueue_job(jobs.release_due, [], title="release due (test)")
    run_jobs()
    assert not is_public(request["package_id"])          # not due yet
    # an hour later (the release time moves back instead of the clock: the
    # job runs on the real one)
    model.Session.execute(sa.update(Release).where(Release.request_id == request["id"])
                          .values(release_at=publishing.utcnow()
                                  - datetime.timedelta(seconds=1)))
    model.repo.commit()
    tk.enqueue_job(jobs.release_due, [], title="release due (test)")
    run_jobs()
    model.Session.remove()
    assert is_public(request["package_id"])
    assert request_state(region, request) == "published"


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_a_release_due_while_solr_is_unreachable_is_published_by_a_later_run(
        cli, search_at):
    solr_url = tk.config["solr_url"]
    with freeze_time("2026-11-30 03:00:00") as clock:  # 10:00 WIB the day before
        region = build_region()
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        region.call("kadis", "satudata_request_schedule", id=request["id"],
                    release_date="2026-12-01", release_time="09:00")

        clock.move_to("2026-12-01 02:00:00")  # 09:00 WIB, Solr out of reach
        search_at(f"http://127.0.0.1:{free_port()}/solr/ckan")
        out = cli.invoke(satudata_command, ["release-due"])
        assert out.exit_code == 1
        assert "0 published, 1 failed" in out.output
        assert request_state(region, request) == "scheduled"
        assert not is_public(request["package_id"])
        model.Session.remove()
        assert model.Session.execute(sa.select(Release.status)).scalar_one() == "scheduled"

        clock.move_to("2026-12-01 02:01:00")  # the next minute's run, Solr back
        search_at(solr_url)
        out = cli.invoke(satudata_command, ["release-due"])
        assert out.exit_code == 0, out.output
        assert "1 published, 0 failed" in out.output
        assert request_state(region, request) == "published"
        assert is_public(request["package_id"])
        # the release's record says it went out, and when (it said "cancelled")
        model.Session.remove()
        release = model.Session.query(Release).filter_by(request_id=request["id"]).one()
        assert (release.status, release.released_at) == (
            "released", datetime.datetime(2026, 12, 1, 2, 1))


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_failing_release_does_not_stop_the_others(cli):
    with freeze_time("2026-11-30 03:00:00") as clock:
        region = build_region()
        first, second = region.request_of(region.opd_a), region.request_of(region.opd_b)
        for request in (first, second):
            to_ready(region, request)
            region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                        release_at="2026-12-01 09:00")
        # the dataset is gone outside the workflow (no action lets anyone
        # delete it): that release fails, the other one goes out
        broken = model.Package.get(first["package_id"])
        broken.state = "deleted"
        model.repo.commit()

        clock.move_to("2026-12-01 02:00:00")
        out = cli.invoke(satudata_command, ["release-due"])

        assert out.exit_code == 1
        assert "1 published, 1 failed" in out.output
        assert is_public(second["package_id"])
        assert request_state(region, first) == "scheduled"
    failed = model.Session.query(Release).filter_by(request_id=first["id"]).one()
    # why, as words for the officer (it was the exception's repr, "None - {'package_id': …")
    assert failed.status == "failed" and "{" not in failed.error
    assert any(words in failed.error for words in ("No dataset", "Belum ada dataset"))


def test_each_schedule_e_mail_tells_the_release_time_its_step_set(region, smtp, run_jobs):
    """Scheduled for the 10th, then postponed to the 11th before the jobs
    worker sent the first e-mail: the first still says the 10th."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    run_jobs()
    smtp.take()
    first = publishing.to_local(publishing.utcnow() + datetime.timedelta(days=10))
    second = first + datetime.timedelta(days=1)
    region.call("kadis", "satudata_request_schedule", id=request["id"],
                release_at=first.strftime("%Y-%m-%d 09:00"))
    # a reason of invisible characters is none (the calendar said
    # "postponed from …:" and nothing)
    with pytest.raises(tk.ValidationError) as err:
        region.call("kadis", "satudata_request_schedule", id=request["id"],
                    release_at=second.strftime("%Y-%m-%d 09:00"), reason="\u200b\u00ad")
    assert list(err.value.error_dict) == ["reason"]
    region.call("kadis", "satudata_request_schedule", id=request["id"],
                release_at=second.strftime("%Y-%m-%d 09:00"), reason="Menunggu rapat forum")
    run_jobs()
    bodies = [m["body"] for m in smtp.take() if "produsen-a@example.org" in m["to"]]
    days = [int(b.split(" akan dipublikasikan pada ")[1].split()[0]) for b in bodies
            if " akan dipublikasikan pada " in b]
    assert days == [first.day], bodies
    # the move says from when, to when and why
    moved, = [b for b in bodies if " dipindahkan dari " in b]
    assert f"dari {first.day} " in moved and f"ke {second.day} " in moved
    assert "Alasan: Menunggu rapat forum" in moved
    # cancelled: the producers, told when their data would be public, hear of it
    region.call("kadis", "satudata_request_unschedule", id=request["id"],
                note="Rapat forum ditunda", version=seen(request["id"]))
    run_jobs()
    cancelled = [m for m in smtp.take() if "Jadwal rilis dibatalkan" in m["subject"]]
    assert "produsen-a@example.org" in smtp.recipients(cancelled)
    assert all("Alasan: Rapat forum ditunda" in m["body"] and "Tenggat" not in m["body"]
               for m in cancelled)


#: a cancellation, and a postponement, of a scheduled release
_MOVES = {"cancelled": ("satudata_request_unschedule", {}),
          "postponed": ("satudata_request_schedule",
                        {"release_at": "2026-12-04 09:00", "reason": "Data belum lengkap"}),
          # the request ended with its release (an administrator's cancel)
          "ended": ("satudata_request_cancel", {"note": "Data tidak jadi diterbitkan"})}


@pytest.mark.parametrize("move", list(_MOVES))
def test_a_release_whose_time_has_come_is_neither_cancelled_nor_postponed(region, move):
    """The walidata cancelled a scheduled release 0.3 s after its announced
    time, before the release job ran: the public calendar had announced a
    release that then silently did not happen. Postponed while
    ``release-due`` published the releases of that minute, the officer was
    told it was postponed, the calendar announced the new day, and the run
    published it three days early. Once the time has come it is published
    (withdrawn after, if it must not be public). The request's cancel
    ended the due release the same way."""
    action, data = _MOVES[move]
    request = region.request_of(region.opd_a)
    with freeze_time("2026-11-30 03:00:00") as clock:  # the whole scenario
        to_ready(region, request)
        region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                    release_at="2026-12-01 09:00")  # 02:00 UTC
        clock.move_to("2026-12-01 02:00:01")
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", action, id=request["id"], **data)
        assert "state" in err.value.error_dict
        assert request_state(region, request) == "scheduled"
        assert [r["release_at_local"] for r in _calendar()] == ["2026-12-01 09:00 WIB"]
        # a return is not told to cancel the release first (refused now too)
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_return", id=request["id"],
                        note="Angka keliru", version=seen(request["id"]))
        assert "announced release time has come" in str(err.value.error_dict), \
            err.value.error_dict
        clock.move_to("2026-12-01 01:59:00")  # a minute before: still moved
        region.call("walidata_admin", action, id=request["id"], version=seen(request["id"]),
                    **data)
        assert [r["release_at_local"] for r in _calendar()] == (
            ["2026-12-04 09:00 WIB"] if move == "postponed" else [])


def test_a_release_postponed_as_it_fell_due_moves_and_is_not_lost(region, monkeypatch,
                                                                 caplog):
    """A postponement checked just before the release time and committed
    just after ``release-due`` found the release due: the run published it
    days early (it read the request as it was when its turn came), or
    marked it failed, out of the calendar, published by no later run."""
    request = region.request_of(region.opd_a)
    admin = {"user": region.users["walidata_admin"]["name"]}
    with freeze_time("2026-11-30 03:00:00") as clock:  # the whole scenario
        to_ready(region, request)
        region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                    release_at="2026-12-01 09:00")  # 02:00 UTC
        clock.move_to("2026-12-01 02:00:01")
        found = publishing.due_releases

        def postponed_meanwhile(*args, **kwargs):
            due = found(*args, **kwargs)
            clock.move_to("2026-12-01 01:59:59")  # its check, a moment before
            helpers.call_action("satudata_request_schedule", context=dict(admin),
                                id=request["id"], release_at="2026-12-04 09:00",
                                reason="Data belum lengkap", version=seen(request["id"]))
            clock.move_to("2026-12-01 02:00:01")
            return due

        monkeypatch.setattr(publishing, "due_releases", postponed_meanwhile)
        ran = helpers.call_action("satudata_release_run_due", context=dict(admin))
        assert ran == {"published": [], "failed": []}
        # and no warning of a refused release (cron mailed it, addressed to
        # a page user: "reload the page … in another tab")
        assert not [r for r in caplog.records if r.levelname == "WARNING"
                    and "Scheduled release" in r.getMessage()]
        assert request_state(region, request) == "scheduled"
        assert [r["release_at_local"] for r in _calendar()] == ["2026-12-04 09:00 WIB"]


def test_a_release_day_without_a_time_is_asked_for_its_time(region):
    """A schedule with ``release_date`` and no ``release_time`` was set for
    midnight without a word."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                    release_date="2099-01-01")
    assert err.value.error_dict == {"release_time": ["Missing value"]}
    with pytest.raises(tk.ValidationError) as err:  # and a time without its day
        region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                    release_time="10:00")
    assert err.value.error_dict["release_date"] == ["Missing value"]
    # nor is a time given both ways (the date and time were ignored)
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                    release_at="2099-01-02 10:00", release_date="2099-01-20",
                    release_time="09:00")
    assert list(err.value.error_dict) == ["release_at"]
    # nor is a day alone, a blank time or a time that is no text taken for
    # midnight (each was scheduled at 00:00 WIB)
    for given, field in (({"release_at": "2099-01-06"}, "release_at"),
                         ({"release_date": "2099-01-07", "release_time": " "}, "release_time"),
                         ({"release_date": "2099-01-05", "release_time": ["10:00"]},
                          "release_time"),
                         ({"release_date": "2099-01-05", "release_time": {"a": 1}},
                          "release_time"),
                         # and each refusal on the field the form has
                         ({"release_date": " ", "release_time": "10:00"}, "release_date"),
                         ({"release_date": "2099-01-05x", "release_time": "10:00"},
                          "release_date"),
                         ({"release_date": ["2099-01-05"], "release_time": "10:00"},
                          "release_date"),
                         # hours and minutes alone: "10:00Z" became 17:00 WIB,
                         # seconds were kept (and counted as a postponement)
                         ({"release_date": "2099-01-05", "release_time": "10:00Z"},
                          "release_time"),
                         ({"release_date": "2099-01-05", "release_time": "10:00:59.999"},
                          "release_time")):
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                        **given)
        assert list(err.value.error_dict) == [field], given
    assert region.call("walidata_admin", "satudata_request_show",
                       id=request["id"])["state"] == "ready"
    # a time written as Indonesian writes it
    scheduled = region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                            release_date="2099-01-05", release_time="9.00")
    assert scheduled["state"] == "scheduled"
    assert "2099-01-05 09:00 WIB" in [r["release_at_local"] for r in _calendar()]


def test_who_scheduled_a_release_reviews_the_datas_next_revision(region):
    """The portal's account publishes a scheduled release in the name of
    the officer who scheduled it (its change in the dataset's stream): the
    four-eyes rule read that change as the officer's edit, and the Kadis
    who had scheduled it could not approve the next revision (nobody could,
    where the level has one holder)."""
    helpers.call_action("organization_member_create", context={"ignore_auth": True},
                        id=region.walidata["id"], username="kadis", role="admin")
    request = region.request_of(region.opd_a)
    # the whole scenario, after the region was made (its requests' dates),
    # the clock moving (the release's change is written a moment after its
    # step, as on a real portal)
    day = datetime.date.today() + datetime.timedelta(days=7)
    with freeze_time(f"{day} 03:00:00", tick=True) as clock:
        to_ready(region, request)
        region.call("kadis", "satudata_request_schedule", id=request["id"],
                    release_at=f"{day + datetime.timedelta(days=1)} 09:00")  # 02:00 UTC
        clock.move_to(f"{day + datetime.timedelta(days=1)} 02:00:01")
        jobs.release_due()
        assert request_state(region, request) == "published"
        clock.move_to(f"{day + datetime.timedelta(days=2)} 02:00:00")
        region.call("producer", "package_patch", id=request["package_id"],
                    notes="Catatan direvisi")
        region.call("producer", "satudata_request_revise", id=request["id"])
        region.call("verifier", "satudata_request_verify", id=request["id"])
        region.call("kabid", "satudata_request_approve", id=request["id"])
        assert region.call("kadis", "satudata_request_approve", id=request["id"])[
            "state"] == "ready"

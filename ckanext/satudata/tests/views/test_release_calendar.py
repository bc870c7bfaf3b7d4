# -*- coding: utf-8 -*-
"""The release calendar planned ahead: the iCalendar feed lists exactly the
announced releases, a postponement changes it and shows its reason (in the
feed, on the calendar page and on the dataset page), and a published
dataset's next release is expected from its update frequency. Dates are
relative to today."""
from __future__ import annotations

import datetime

import icalendar
import pytest
from dateutil.relativedelta import relativedelta

import ckan.plugins.toolkit as tk

from ckanext.satudata.lib import publishing, release_calendar, workdays

from ..factories import TWO_ITEMS, build_region, login, publish, seen, to_ready


@pytest.fixture
def region(world_of):
    return world_of("two-items", lambda: build_region(item_titles=TWO_ITEMS))


def _local(days: int, hour: int) -> datetime.datetime:
    """A local (WIB) time ``days`` from today at ``hour``:00."""
    today = publishing.to_local(publishing.utcnow()).date()  # type: ignore[union-attr]
    return datetime.datetime.combine(today + datetime.timedelta(days=days),
                                     datetime.time(hour))


def _text(value: datetime.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _utc(value: datetime.datetime) -> datetime.datetime:
    return publishing.to_utc(value).replace(tzinfo=datetime.timezone.utc)


def _feed(app, query: str = "") -> dict[str, icalendar.Event]:
    """The events of the feed by UID."""
    response = app.get("/jadwal-rilis.ics" + query)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def _uid(release: dict) -> str:
    return f"release-{release['id']}@test.ckan.net"


def _title(region, request) -> str:
    return region.call("sysadmin", "package_show", id=request["package_id"])["title"]


def test_the_feed_lists_the_announced_releases_and_follows_a_postponement(app, region):
    first, second = region.request_of(region.opd_a), region.request_of(region.opd_b)
    for request in (first, second):
        to_ready(region, request)
    first_at, second_at = _local(3, 9), _local(5, 10)
    one = region.call("kadis", "satudata_request_schedule", id=first["id"],
                      release_at=_text(first_at))["release"]
    scheduled = region.call("walidata_admin", "satudata_request_schedule", id=second["id"],
                            release_at=_text(second_at), reason="Sesuai kalender BPS")
    two = scheduled["release"]
    # a first schedule's reason postpones nothing (it was recorded "Postponed")
    assert scheduled["event"]["data"]["reason"] is None
    assert scheduled["event"]["data"]["note"] == "Sesuai kalender BPS"
    assert "Sesuai kalender BPS" in scheduled["event"]["note"]
    assert "Ditunda" not in scheduled["event"]["note"] and "Postponed" not in \
        scheduled["event"]["note"]

    events = _feed(app)
    assert set(events) == {_uid(one), _uid(two)}
    event = events[_uid(one)]
    # with the period released (a new period of a public dataset was
    # announced by the dataset's title alone)
    assert str(event["summary"]) == f"Rilis: {_title(region, first)} ({region.round['title']})"
    assert [r["period"] for r in region.call("anonymous", "satudata_release_calendar")[
        "results"]] == [region.round["title"]] * 2
    assert region.round["title"] in app.get("/jadwal-rilis").body
    assert event.decoded("dtstart") == _utc(first_at)
    assert events[_uid(two)].decoded("dtstart") == _utc(second_at)
    assert event["sequence"] == 0
    assert "Dinas Kesehatan" in str(event["description"])
    body = app.get("/jadwal-rilis.ics").data.decode()
    for request in (first, second):  # nothing of the still private datasets
        pkg = region.call("sysadmin", "package_show", id=request["package_id"])
        assert pkg["id"] not in body and f"/dataset/{pkg['name']}" not in body

    # moving an announced release later needs the public reason
    later = _local(7, 13)
    with pytest.raises(tk.ValidationError) as err:
        region.call("kadis", "satudata_request_schedule", id=first["id"],
                    release_at=_text(later))
    assert "reason" in err.value.error_dict
    result = region.call("kadis", "satudata_request_schedule", id=first["id"],
                         release_at=_text(later), reason="Menunggu hasil pemutakhiran BPS")
    assert result["release"]["first_release_at"] == publishing.to_utc(first_at).isoformat()
    assert "Menunggu hasil pemutakhiran BPS" in result["event"]["note"]

    events = _feed(app)
    assert set(events) == {_uid(one), _uid(two)}     # the same event, replaced
    moved = events[_uid(one)]
    assert moved.decoded("dtstart") == _utc(later)
    assert moved["sequence"] == 1
    assert "Menunggu hasil pemutakhiran BPS" in str(moved["description"])

    page = app.get("/jadwal-rilis")
    assert "Menunggu hasil pemutakhiran BPS" in page.body and "Ditunda" in page.body
    producer = login(app, "produsen-a")  # the dataset is still private: its producer
    dataset = producer.get(f"/dataset/{first['package_id']}")
    assert "Rilis berikutnya" in dataset.body
    assert "Menunggu hasil pemutakhiran BPS" in dataset.body

    # back to the time first announced: no longer a postponement
    region.call("kadis", "satudata_request_schedule", id=first["id"],
                release_at=_text(first_at))
    moved = _feed(app)[_uid(one)]
    assert moved["sequence"] == 2 and "BPS" not in str(moved["description"])

    region.call("kadis", "satudata_request_unschedule", id=second["id"],
                version=seen(second["id"]))
    assert set(_feed(app)) == {_uid(one)}


def test_a_published_dataset_expects_its_next_period(app, region):
    request = region.request_of(region.opd_a)
    to_ready(region, request, update_frequency="annual")
    assert _feed(app, "?perkiraan=1") == {}
    publish(region, request)
    pkg = region.call("sysadmin", "package_show", id=request["package_id"])
    assert pkg["update_frequency"] == "annual"
    published = publishing.to_local(datetime.datetime.fromisoformat(
        pkg[publishing.DICT_KEY]["published"])).date()  # type: ignore[union-attr]
    next_year = published + relativedelta(years=1)  # 29 February: the 28th
    if not workdays.is_working_day(next_year):  # a Sunday or a holiday: the next working day
        next_year = workdays.add_working_days(next_year, 1)

    calendar = region.call("anonymous", "satudata_release_calendar")
    assert calendar["results"] == []
    assert [(e["name"], e["date"], e["overdue"]) for e in calendar["expected"]] == [
        (pkg["name"], next_year.isoformat(), False)]

    assert _feed(app) == {}                          # announced only
    events = _feed(app, "?perkiraan=1")
    assert list(events) == [f"expected-{pkg['id']}@test.ckan.net"]
    event = events[f"expected-{pkg['id']}@test.ckan.net"]
    assert str(event["summary"]) == f"Perkiraan rilis: {pkg['title']}"
    assert event.decoded("dtstart") == next_year
    assert str(event["url"]).endswith(f"/dataset/{pkg['name']}")

    page = app.get(f"/dataset/{pkg['name']}")
    assert "Rilis berikutnya" in page.body and "perkiraan" in page.body
    assert f'datetime="{next_year.isoformat()}"' in page.body
    # when it went public (its "Created" is the day it was requested)
    on = page.body.split('class="satudata-published-on"')[1].split("</dl>")[0]
    assert "Dipublikasikan" in on
    assert f'datetime="{pkg[publishing.DICT_KEY]["first_published"]}Z"' in on
    calendar_page = app.get("/jadwal-rilis")
    assert pkg["title"] in calendar_page.body


def test_the_feed_refuses_an_unknown_opd(app):
    response = app.get("/jadwal-rilis.ics?opd=tidak-ada")
    assert response.status_code == 400


def test_an_expected_release_falls_on_a_working_day():
    """Published on Saturday 5 December 2026, an annual dataset was expected
    on Sunday 5 December 2027."""
    published = datetime.datetime(2026, 12, 5, 3, 0)  # 10:00 WIB
    assert release_calendar._next_date(published, "annual") == datetime.date(2027, 12, 6)
    assert release_calendar._next_date(datetime.datetime(2026, 12, 7, 3, 0), "annual") \
        == datetime.date(2027, 12, 7)  # a Tuesday stays

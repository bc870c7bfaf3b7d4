# -*- coding: utf-8 -*-
"""The release calendar (jadwal rilis), planned ahead.

Two kinds of entries:

Announced releases
    The scheduled releases of ready requests (:class:`~.model.Release`):
    the title announced, the OPD, the time. A release moved to a later time
    carries its postponement (the time first announced and the public
    reason). Nothing of the data itself: no dataset id or name, the dataset
    is still private.

Expected releases
    From each published dataset's update frequency and its last
    publication: when its next period is due (``annual`` published on
    2026-12-01 → 2027-12-01). Only datasets the public already sees, and
    none with an announced release (the announcement wins).

:func:`to_ical` writes both as an iCalendar feed that calendar
applications subscribe to. Pure reads: the caller checks access.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import icalendar
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

import ckan.model as model

from ..model import CollectionRound, DataRequest, Dissemination, Release
from . import workdays
from .publishing import format_local, timezone, to_local, utcnow

#: the period of each code of the ``frequency`` list; ``ad_hoc`` has none
PERIODS: dict[str, relativedelta] = {
    "daily": relativedelta(days=1),
    "weekly": relativedelta(weeks=1),
    "monthly": relativedelta(months=1),
    "quarterly": relativedelta(months=3),
    "four_monthly": relativedelta(months=4),
    "semiannual": relativedelta(months=6),
    "annual": relativedelta(years=1),
    "biennial": relativedelta(years=2),
}
FREQUENCY_FIELD = "update_frequency"


def _organization(name: str, title: Optional[str]) -> dict[str, str]:
    return {"name": name, "title": title or name}


def announced(limit: int = 200, owner_org: Optional[str] = None) -> list[dict[str, Any]]:
    """Upcoming scheduled releases, soonest first. One query."""
    stmt = (
        sa.select(Release, model.Group.name, model.Group.title, CollectionRound.title)
        .join(model.Group, model.Group.id == Release.owner_org)
        .outerjoin(DataRequest, DataRequest.id == Release.request_id)
        .outerjoin(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .where(Release.status == "scheduled")
        .order_by(Release.release_at, Release.title)
        .limit(limit)
    )
    if owner_org:
        stmt = stmt.where(Release.owner_org == owner_org)
    return [_announced(release, org_name, org_title, period)
            for release, org_name, org_title, period in model.Session.execute(stmt).all()]


def announced_count(owner_org: Optional[str] = None) -> int:
    """How many scheduled releases there are (all, not one page of them)."""
    stmt = sa.select(sa.func.count()).select_from(Release).where(Release.status == "scheduled")
    if owner_org:
        stmt = stmt.where(Release.owner_org == owner_org)
    return model.Session.execute(stmt).scalar() or 0


def _announced(release: Release, org_name: str, org_title: Optional[str],
               period: Optional[str] = None) -> dict[str, Any]:
    postponed = None
    if release.first_release_at:
        postponed = {
            "from": release.first_release_at.isoformat(),
            "from_local": format_local(release.first_release_at),
            "reason": release.postpone_reason,
        }
    return {
        "id": release.id,
        "title": release.title,
        # the period released (its round): a new period of a dataset
        # already public was announced by the dataset's title alone
        "period": period or "",
        "release_at": release.release_at.isoformat(),
        "release_at_local": format_local(release.release_at),
        "organization": _organization(org_name, org_title),
        "postponed": postponed,
        "sequence": release.sequence or 0,
    }


def _expected_query() -> Any:
    frequency = (
        sa.select(model.PackageExtra.value)
        .where(model.PackageExtra.package_id == model.Package.id,
               model.PackageExtra.key == FREQUENCY_FIELD,
               sa.or_(model.PackageExtra.state.is_(None),
                      model.PackageExtra.state == "active"))
        .limit(1)
        .scalar_subquery())
    announced_ = sa.exists().where(Release.package_id == model.Package.id,
                                   Release.status == "scheduled")
    return (
        sa.select(model.Package.id, model.Package.name, model.Package.title,
                  Dissemination.published_at, frequency.label("frequency"),
                  model.Group.name, model.Group.title)
        .join(Dissemination, Dissemination.package_id == model.Package.id)
        .join(model.Group, model.Group.id == model.Package.owner_org)
        .where(Dissemination.status == "published",
               model.Package.state == "active",
               model.Package.private.is_(False),
               frequency.in_(list(PERIODS)),
               ~announced_))


def _next_date(published_at: datetime.datetime, frequency: str) -> datetime.date:
    """The last publication's day plus the update period, moved to the next
    working day (a release expected on a Sunday or a holiday)."""
    local = to_local(published_at)
    assert local is not None
    due = local.date() + PERIODS[frequency]
    return due if workdays.is_working_day(due) else workdays.add_working_days(due, 1)


def _expected(row: Any, today: datetime.date) -> dict[str, Any]:
    package_id, name, title, published_at, frequency, org_name, org_title = row
    due = _next_date(published_at, frequency)
    return {
        "package_id": package_id, "name": name, "title": title or name,
        "frequency": frequency,
        "last_published": published_at.isoformat(),
        "date": due.isoformat(),
        "overdue": due < today,
        "organization": _organization(org_name, org_title),
    }


def expected(limit: int = 200, owner_org: Optional[str] = None,
             today: Optional[datetime.date] = None) -> list[dict[str, Any]]:
    """The next expected release of every public dataset published through
    the workflow with a periodic update frequency, soonest first (overdue
    ones first of all, flagged). One query."""
    today = today or _today()
    stmt = _expected_query()
    if owner_org:
        stmt = stmt.where(model.Package.owner_org == owner_org)
    rows = [_expected(row, today) for row in model.Session.execute(stmt).all()]
    rows.sort(key=lambda r: (r["date"], r["title"]))
    return rows[:limit]


def next_release(package_id: str, today: Optional[datetime.date] = None
                 ) -> Optional[dict[str, Any]]:
    """The next release of one dataset: its announced release
    (``kind="announced"``) or else its expected one (``kind="expected"``);
    ``None`` when neither is known."""
    row = model.Session.execute(
        sa.select(Release, model.Group.name, model.Group.title)
        .join(model.Group, model.Group.id == Release.owner_org)
        .where(Release.package_id == package_id, Release.status == "scheduled")
        .limit(1)).first()
    if row is not None:
        return dict(_announced(*row), kind="announced")
    row = model.Session.execute(
        _expected_query().where(model.Package.id == package_id)).first()
    if row is not None:
        return dict(_expected(row, today or _today()), kind="expected")
    return None


def _today() -> datetime.date:
    local = to_local(utcnow())
    assert local is not None
    return local.date()


# -- iCalendar ------------------------------------------------------------------

def to_ical(announced_: list[dict[str, Any]], expected_: list[dict[str, Any]], *,
            name: str, host: str, url: str, dataset_url: Any, texts: dict[str, str]
            ) -> bytes:
    """The calendar as an iCalendar feed (RFC 5545, ``METHOD:PUBLISH``).

    An announced release is an event at its time (UTC), with a stable UID
    and the SEQUENCE of its changes, so a postponement replaces the event a
    subscriber holds; its description gives the OPD and the postponement.
    An expected release is an all-day, transparent event.

    ``texts`` holds the translated words (``release``, ``expected``,
    ``producer``, ``postponed``), ``dataset_url(name)`` a dataset's URL.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", "-//ckanext-satudata//jadwal-rilis//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(timezone()))
    stamp = utcnow().replace(tzinfo=datetime.timezone.utc)
    for entry in announced_:
        event = icalendar.Event()
        event.add("uid", f"release-{entry['id']}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.datetime.fromisoformat(
            entry["release_at"]).replace(tzinfo=datetime.timezone.utc))
        period = f" ({entry['period']})" if entry.get("period") else ""
        event.add("summary", f"{texts['release']}: {entry['title']}{period}")
        lines = [f"{texts['producer']}: {entry['organization']['title']}"]
        if entry["postponed"]:
            lines.append(texts["postponed"] % {
                "when": entry["postponed"]["from_local"],
                "reason": entry["postponed"]["reason"] or ""})
        event.add("description", "\n".join(lines))
        event.add("sequence", entry["sequence"])
        event.add("status", "CONFIRMED")
        event.add("url", url)
        cal.add_component(event)
    for entry in expected_:
        event = icalendar.Event()
        event.add("uid", f"expected-{entry['package_id']}@{host}")
        event.add("dtstamp", stamp)
        day = datetime.date.fromisoformat(entry["date"])
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        event.add("summary", f"{texts['expected']}: {entry['title']}")
        event.add("description",
                  f"{texts['producer']}: {entry['organization']['title']}")
        event.add("transp", "TRANSPARENT")
        event.add("status", "TENTATIVE")
        event.add("url", dataset_url(entry["name"]))
        cal.add_component(event)
    return cal.to_ical()

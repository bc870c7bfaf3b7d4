# -*- coding: utf-8 -*-
"""Indonesian working days (hari kerja) and the stage deadlines built on them.

A working day is Monday to Friday that is neither a national public holiday
(from the maintained ``holidays`` library, country ``ID``) nor a *cuti
bersama* day. Cuti bersama come from the library's ``government`` category
(the joint leave days of the yearly SKB) unless
``satudata.cuti_bersama_from_library`` is off, plus the dates listed in
``satudata.cuti_bersama`` (for days the decree adds or the library does not
know yet).

Stage durations (``satudata.deadline.*`` options): 5 working days to
prepare the list and send the requests and 60 for producers to submit (TJB
SOP 001, steps 1–2), 15 to verify a submission (the portal's default: the
SOP gives verification no time of its own), 1 per approval level.
"""
from __future__ import annotations

import datetime
import functools
import zoneinfo
from typing import Optional

import holidays

import ckan.plugins.toolkit as tk

__all__ = [
    "today", "holidays_in", "estimated_years", "is_working_day", "add_working_days",
    "working_days_between", "stage_days", "round_deadlines", "deadline",
    "stage_deadlines",
]

Date = datetime.date


def today() -> Date:
    """Today's date in the portal's time zone (``satudata.timezone``)."""
    tz = zoneinfo.ZoneInfo(tk.config.get("satudata.timezone"))
    return datetime.datetime.now(tz).date()


def _configured_cuti_bersama() -> frozenset[Date]:
    dates = set()
    for value in tk.config.get("satudata.cuti_bersama"):
        dates.add(datetime.date.fromisoformat(str(value).strip()))
    return frozenset(dates)


@functools.lru_cache(maxsize=64)
def _library_holidays(year: int, with_cuti_bersama: bool,
                      language: str = "id") -> dict[Date, str]:
    categories = ("public", "government") if with_cuti_bersama else ("public",)
    return dict(holidays.country_holidays(
        "ID", years=year, categories=categories, language=language))


#: the holiday library's language of a portal language (it names
#: Indonesia's holidays in Indonesian and American English)
HOLIDAY_LANGUAGES = {"id": "id", "en": "en_US"}


def _configured_dates(key: str) -> frozenset[Date]:
    return frozenset(datetime.date.fromisoformat(str(value).strip())
                     for value in tk.config.get(key))


def holidays_in(year: int, lang: str = "id") -> dict[Date, str]:
    """Non-working days of ``year`` other than weekends, with their names
    in ``lang`` (a portal language: ``id``, ``en``): the library's, but the
    dates of ``satudata.not_holidays`` (a holiday the library estimated on
    another day than the decree), and those of ``satudata.cuti_bersama``."""
    days = dict(_library_holidays(
        year, tk.config.get("satudata.cuti_bersama_from_library"),
        HOLIDAY_LANGUAGES.get(lang, "id")))
    for day in _configured_dates("satudata.not_holidays"):
        days.pop(day, None)
    for day in _configured_cuti_bersama():
        if day.year == year:
            days.setdefault(day, "Cuti bersama" if lang == "id"
                            else "Collective leave (cuti bersama)")
    return days


def estimated_years(*days: Optional[Date]) -> list[int]:
    """The years of ``days`` whose holidays the portal only estimates: the
    yearly decree (SKB) fixing them is not known to it — the library marks
    holidays of the year as estimates ("perkiraan") or knows no cuti bersama
    in it, and none are configured — unless the year is listed in
    ``satudata.calendar_confirmed_years`` (checked against the decree). A
    deadline in such a year may move once the decree is out."""
    confirmed = {int(str(year).strip())
                 for year in tk.config.get("satudata.calendar_confirmed_years")}
    public = functools.partial(_library_holidays, with_cuti_bersama=False)
    years = sorted({day.year for day in days if day} - confirmed)
    return [year for year in years
            if any("perkiraan" in name for name in public(year).values())
            or not set(holidays_in(year)) - set(public(year))]


class _Calendar:
    """Holiday look-ups for a span of years, read once per computation."""

    def __init__(self) -> None:
        self._years: dict[int, dict[Date, str]] = {}

    def is_working_day(self, day: Date) -> bool:
        if day.weekday() >= 5:
            return False
        if day.year not in self._years:
            self._years[day.year] = holidays_in(day.year)
        return day not in self._years[day.year]


def is_working_day(day: Date) -> bool:
    return _Calendar().is_working_day(day)


def add_working_days(start: Date, days: int) -> Date:
    """The date ``days`` working days after ``start`` (``start`` itself is
    not counted, as in "within 5 working days of the request"). A negative
    number counts backwards; 0 returns ``start``."""
    cal = _Calendar()
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    day = start
    while remaining:
        day += datetime.timedelta(days=step)
        if cal.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: Date, end: Date) -> int:
    """Working days after ``start`` up to and including ``end``; negative
    when ``end`` is before ``start``. ``working_days_between(a,
    add_working_days(a, n)) == n``."""
    if end < start:
        return -working_days_between(end, start)
    cal = _Calendar()
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if cal.is_working_day(day):
            count += 1
    return count


def stage_days() -> dict[str, int]:
    """The configured stage durations in working days."""
    return {
        "prepare_days": tk.config.get("satudata.deadline.prepare_days"),
        "submit_days": tk.config.get("satudata.deadline.submit_days"),
        "verify_days": tk.config.get("satudata.deadline.verify_days"),
        "approval_days": tk.config.get("satudata.deadline.approval_days"),
    }


def round_deadlines(start: Date, prepare_days: int, submit_days: int,
                    verify_days: int, given: Optional[dict[str, Date]] = None
                    ) -> dict[str, Date]:
    """Round-wide deadlines: the requests go out within ``prepare_days``,
    producers submit within ``submit_days`` after that, verification ends
    ``verify_days`` later. A deadline in ``given`` is taken as it is, and
    the ones after it follow it."""
    given = given or {}
    due: dict[str, Date] = {}
    since = start
    for key, days in (("prepare_due", prepare_days), ("submit_due", submit_days),
                      ("verify_due", verify_days)):
        since = due[key] = given[key] if key in given else add_working_days(since, days)
    return due


def deadline(start: Date, days: int, calendar_days: bool = False) -> Date:
    """The date ``days`` after ``start``: working days, or calendar days when
    the SOP counts them so (Balikpapan: "one week per data item"); a count
    of calendar days that ends on a weekend or holiday ends on the next
    working day, when the office is open to receive the data."""
    if calendar_days:
        due = start + datetime.timedelta(days=days)
        while not is_working_day(due):
            due += datetime.timedelta(days=1)
        return due
    return add_working_days(start, days)


def stage_deadlines(start: Date, compile_days: Optional[int],
                    report_days: Optional[int]) -> dict[str, Optional[Date]]:
    """The deadlines of a round's stages after the collection, counted in
    working days from ``start`` (the end of the collection): compiling and
    analysing the data, then drafting the report (None: no such stage)."""
    compile_due = add_working_days(start, compile_days) if compile_days else None
    report_due = (add_working_days(compile_due or start, report_days)
                  if report_days else None)
    return {"compile_due": compile_due, "report_due": report_due}

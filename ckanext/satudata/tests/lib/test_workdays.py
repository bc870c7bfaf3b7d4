# -*- coding: utf-8 -*-
"""Working days across Indonesian public holidays, cuti bersama and
weekends, on known dates of 2026 (Idul Fitri 1447 H falls on 20-21 March
2026; Nyepi on 19 March; the SKB's cuti bersama around them)."""
from __future__ import annotations

import datetime

import pytest

from ckanext.satudata.lib import workdays

D = datetime.date


@pytest.mark.parametrize("start,days,expected", [
    # Fri → Mon over a plain weekend
    (D(2026, 1, 9), 1, D(2026, 1, 12)),
    # New Year's Day (Thu 1 Jan) is skipped
    (D(2025, 12, 31), 1, D(2026, 1, 2)),
    # Nyepi + Idul Fitri: 18 (cuti), 19 (Nyepi), 20 (cuti), 21-22 (Idul Fitri,
    # weekend), 23-24 (cuti bersama) are all off: the next working day is 25 March
    (D(2026, 3, 17), 1, D(2026, 3, 25)),
    (D(2026, 3, 16), 3, D(2026, 3, 26)),
    # Ascension Thu 14 May and its cuti bersama Fri 15 May
    (D(2026, 5, 12), 5, D(2026, 5, 21)),
    # Idul Adha Wed 27 May and cuti bersama Thu 28 May
    (D(2026, 5, 26), 1, D(2026, 5, 29)),
    # counting backwards
    (D(2026, 3, 25), -1, D(2026, 3, 17)),
    (D(2026, 3, 25), 0, D(2026, 3, 25)),
])
def test_add_working_days(start, days, expected):
    assert workdays.add_working_days(start, days) == expected
    assert workdays.working_days_between(start, expected) == days


def test_working_days_between_counts_only_working_days():
    # 1 to 31 March 2026: 22 weekdays, minus 18, 19, 20, 23, 24 March
    assert workdays.working_days_between(D(2026, 2, 28), D(2026, 3, 31)) == 17
    assert workdays.working_days_between(D(2026, 3, 31), D(2026, 2, 28)) == -17
    assert not workdays.is_working_day(D(2026, 3, 20))
    assert workdays.is_working_day(D(2026, 3, 25))


def test_holiday_names_are_in_indonesian():
    names = workdays.holidays_in(2026)
    assert "Idul Fitri" in names[D(2026, 3, 21)]
    assert D(2026, 3, 23) in names  # cuti bersama Idul Fitri


@pytest.mark.ckan_config("satudata.cuti_bersama_from_library", False)
def test_without_the_library_cuti_bersama_only_public_holidays_count():
    # 18 March is then a working day (only Nyepi 19 and Idul Fitri 21-22 are off)
    assert workdays.add_working_days(D(2026, 3, 17), 1) == D(2026, 3, 18)
    assert workdays.add_working_days(D(2026, 3, 18), 1) == D(2026, 3, 20)


@pytest.mark.ckan_config("satudata.cuti_bersama", ["2026-03-25", "2026-12-31"])
def test_configured_cuti_bersama_dates_are_not_working_days():
    assert workdays.add_working_days(D(2026, 3, 17), 1) == D(2026, 3, 26)
    assert workdays.add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 4)


def test_round_deadlines_follow_the_tjb_sop():
    dates = workdays.round_deadlines(D(2026, 1, 5), 5, 60, 15)
    assert dates["prepare_due"] == D(2026, 1, 12)
    assert workdays.working_days_between(dates["prepare_due"], dates["submit_due"]) == 60
    assert workdays.working_days_between(dates["submit_due"], dates["verify_due"]) == 15
    # 60 working days after 12 January 2026: 13 in January (Isra' Mi'raj on
    # 16 Jan is off), 18 in February (Imlek and its cuti bersama), 17 in
    # March (Nyepi/Idul Fitri week), then 12 in April skipping Good Friday
    assert dates["submit_due"] == D(2026, 4, 17)


@pytest.mark.parametrize("start,days,expected", [
    # a week after Tuesday 3 March: Tuesday 10 March, a working day
    (D(2026, 3, 3), 7, D(2026, 3, 10)),
    # three weeks after Friday 4 December 2026: Friday 25 December (Christmas,
    # cuti bersama on the 24th and 26th-27th a weekend): Monday the 28th
    (D(2026, 12, 4), 21, D(2026, 12, 28)),
    # ending on a Saturday: the Monday after
    (D(2026, 1, 5), 5, D(2026, 1, 12)),
])
def test_a_count_of_calendar_days_ends_on_a_working_day(start, days, expected):
    assert workdays.deadline(start, days, calendar_days=True) == expected


def test_the_years_whose_holidays_are_only_estimated_are_named():
    """The library fixes a year's holidays once its decree (SKB) is out:
    2026's are, 2028's are estimates without any cuti bersama (a deadline
    counted over Idul Fitri 2028 was days early, and nobody was told)."""
    assert workdays.estimated_years(D(2026, 3, 2), None, D(2026, 12, 30)) == []
    assert workdays.estimated_years(D(2026, 12, 30), D(2028, 3, 6), D(2028, 5, 1)) == [2028]


@pytest.mark.ckan_config("satudata.calendar_confirmed_years", ["2028"])
def test_a_year_checked_against_its_decree_is_not_estimated():
    assert workdays.estimated_years(D(2028, 3, 6)) == []


@pytest.mark.ckan_config("satudata.not_holidays", ["2028-02-28"])
@pytest.mark.ckan_config("satudata.cuti_bersama", ["2028-03-01"])
def test_a_holiday_estimated_on_another_day_than_the_decree_is_moved():
    # the library's second day of Idul Fitri (Mon 28 February) is worked;
    # the decree's day off (Wed 1 March) is not
    assert workdays.add_working_days(D(2028, 2, 25), 1) == D(2028, 2, 28)
    assert workdays.add_working_days(D(2028, 2, 28), 2) == D(2028, 3, 2)

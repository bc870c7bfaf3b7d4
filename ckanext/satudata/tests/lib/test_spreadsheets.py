# -*- coding: utf-8 -*-
"""The round's status workbook: its dates are date cells, each step on the
day it was taken in the portal's time zone."""
from __future__ import annotations

import datetime
import io
import zoneinfo

import flask_babel
import openpyxl

from ckanext.satudata.lib import spreadsheets


def _row(**values):
    row = {"item_title": "Jumlah Puskesmas", "organization": {"title": "Dinas Kesehatan"},
           "priority": True, "state_label": "Siap terbit", "waiting_for_label": "",
           "due_date": "2026-03-10", "overdue": False, "submitted_at": None,
           "verified_at": None, "ready_at": None, "return_count": 0, "completeness": 100,
           "dataset": None}
    row.update(values)
    return row


def test_a_step_taken_in_the_evening_utc_is_on_the_next_day_in_wib(app):
    """Steps were written as the UTC text of their timestamp: one taken at
    20:00 UTC (03:00 WIB the next day) showed the day before, and no date
    column sorted or filtered as dates."""
    rows = [_row(submitted_at="2026-03-03T20:00:00.123456",
                 verified_at="2026-03-04T02:00:00", ready_at=None)]
    round_ = {"title": "Semester I 2026", "submit_due": "2026-03-06",
              "verify_due": "2026-03-13"}
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        content = spreadsheets.round_status_workbook(round_, rows,
                                                     zoneinfo.ZoneInfo("Asia/Jakarta"))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["B2"].value == datetime.datetime(2026, 3, 6) and sheet["B2"].is_date
    line = {sheet.cell(row=4, column=c).value: sheet.cell(row=5, column=c)
            for c in range(1, sheet.max_column + 1)}
    assert line["Diajukan"].value == datetime.datetime(2026, 3, 4)
    assert line["Diverifikasi"].value == datetime.datetime(2026, 3, 4)
    assert line["Tenggat"].value == datetime.datetime(2026, 3, 10)
    assert all(line[h].is_date for h in ("Diajukan", "Diverifikasi", "Tenggat"))
    assert line["Siap"].value in ("", None)

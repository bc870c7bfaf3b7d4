# -*- coding: utf-8 -*-
"""The first text of a round report, drafted from its data."""
from __future__ import annotations

import types

from ckanext.satudata.lib import round_report


def test_the_draft_counts_what_it_lists_and_sets_cancelled_requests_apart():
    """"5 of the 5 data requested were verified" stood above a list of 7,
    two of them cancelled."""
    round_ = types.SimpleNamespace(title="Semester I", year=2026)
    rows = [{"organization": "Dinas Kesehatan", "item": f"Data {n}", "state": state}
            for n, state in enumerate(["verified"] * 5 + ["cancelled"] * 2)]
    body = round_report._body(round_, {"requests": rows, "verified": 5, "total": 5})
    counted, _sep, apart = body.partition("Cancelled, no longer asked for (2):")
    assert "5 of the 5 data requested were verified" in counted
    assert counted.count("\n- ") == 5 and apart.count("\n- ") == 2
    assert "Data 5" in apart and "Data 6" in apart and "Data 5" not in counted
    # a list of its own, as Markdown reads one: after a blank line
    assert apart.startswith("\n\n- ")

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
            for n, state in enumerate(["published"] * 5 + ["cancelled"] * 2)]
    body = round_report._body(round_, {"requests": rows, "verified": 5, "total": 5})
    counted, _sep, apart = body.partition("Cancelled, no longer asked for (2):")
    assert "5 of the 5 data requested were verified" in counted
    assert counted.count("\n- ") == 5 and apart.strip() == "- Dinas Kesehatan: 2"
    # a list of its own, as Markdown reads one: after a blank line
    assert apart.startswith("\n\n- ")


def test_the_draft_names_only_what_the_public_has():
    """Approved, the report is printed in the round's public book: its draft
    named every request with its state ("Dinas Kesehatan — Angka Kematian
    Bayi: ready to publish"), data the public does not have."""
    round_ = types.SimpleNamespace(title="Semester I", year=2026)
    rows = ([{"organization": "Dinas Kesehatan", "item": f"Rahasia {state}", "state": state}
             for state in ("ready", "scheduled", "returned", "withdrawn", "verified",
                           "cancelled", "ready")]
            + [{"organization": "Dinas Pendidikan", "item": "Angka Partisipasi Sekolah",
                "state": "published"},
               {"organization": "Dinas Pendidikan", "item": "Jumlah Guru",
                "state": "archived"}])
    body = round_report._body(round_, {"requests": rows, "verified": 7, "total": 8})
    assert "Rahasia" not in body
    assert "- Dinas Pendidikan — Angka Partisipasi Sekolah: published" in body
    assert "- Dinas Pendidikan — Jumlah Guru: archived" in body
    # the others counted, per OPD and state, in the workflow's order, as of
    # the day it was drafted (printed in the book once the data is out)
    assert "Not published when this report was drafted (" in body
    assert ("- Dinas Kesehatan — returned for revision: 1; verified, in approval: 1; "
            "ready to publish: 2; scheduled: 1; withdrawn: 1") in body
    assert "- Dinas Kesehatan: 1" in body.partition("Cancelled")[2]

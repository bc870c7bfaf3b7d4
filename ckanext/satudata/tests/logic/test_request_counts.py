# -*- coding: utf-8 -*-
"""The request counts PostgreSQL keeps (migration 0011_request_counts):
whatever changes the requests — a step of the engine, an ORM update, a bulk
update, a delete — the lists' counts, the rounds' counts per state and the
header's "waiting for me" equal what the requests themselves say; a text
search counts exactly up to 1,000 matches, then says "more than"."""
from __future__ import annotations

import datetime

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.lib import workdays
from ckanext.satudata.model import DataRequest
from ckanext.satudata.model.workflow import request_count

from ..factories import TWO_ITEMS, build_region
from ..views.test_workflow_views import _login

FILTERS = [
    {}, {"overdue": True}, {"overdue": False}, {"actionable": True},
    {"state": "requested"}, {"state": "submitted,cancelled"},
    {"owner_org": "dinas-pendidikan"}, {"owner_org": "dinas-kesehatan", "overdue": True},
]


def _agree(region, who: str = "walidata_admin") -> dict[str, int]:
    """Each filter's count equals the number of requests it lists."""
    counts = {}
    for filters in FILTERS:
        result = region.call(who, "satudata_request_list", limit=1000, **filters)
        assert result["count"] == len(result["results"]), (filters, result["count"])
        counts[str(filters)] = result["count"]
    # and the counts table holds exactly the requests, group by group
    c = request_count.c
    kept = {tuple(row[:-1]): row[-1] for row in model.Session.execute(
        sa.select(c.round_id, c.owner_org, c.state, c.revising, c.approval_level,
                  sa.func.nullif(c.due_date, sa.text("'infinity'::date")), c.n)
        .where(c.n != 0))}
    real = {}
    for r in model.Session.query(DataRequest):
        key = (r.round_id, r.owner_org, r.state, r.revision_of is not None, r.approval_level,
               r.due_date)
        real[key] = real.get(key, 0) + 1
    assert kept == real
    return counts


def test_counts_follow_every_kind_of_change(world_of):
    region = world_of("region_two_items", lambda: build_region(TWO_ITEMS))
    assert _agree(region)["{}"] == 4
    a, b, c, d = [r["id"] for r in region.requests]
    # an engine step
    region.call("walidata_admin", "satudata_request_cancel", id=a, note="Dobel")
    # one statement moving every deadline ahead, then ORM updates: late, a
    # revision waiting at level 1, no deadline while active
    today = workdays.today()
    model.Session.execute(sa.update(DataRequest).values(
        due_date=today + datetime.timedelta(days=30)))
    model.Session.query(DataRequest).filter_by(id=b).update(
        {"due_date": today - datetime.timedelta(days=3)})
    model.Session.query(DataRequest).filter_by(id=c).update(
        {"state": "verified", "approval_level": 1, "revision_of": "published"})
    model.Session.query(DataRequest).filter_by(id=d).update({"due_date": None})
    model.Session.commit()
    counts = _agree(region)
    assert counts[str({"overdue": True})] == 1
    # the request without a deadline is not overdue
    assert counts[str({"overdue": False})] == 3
    round_ = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])
    assert round_["counts"]["total"] == 4 and round_["counts"]["overdue"] == 1
    assert round_["counts"]["cancelled"] == 1 and round_["counts"]["verified"] == 1
    # one statement changing several requests, then a delete
    model.Session.execute(sa.update(DataRequest).where(DataRequest.id.in_([b, d]))
                          .values(state="submitted"))
    model.Session.query(DataRequest).filter_by(id=c).delete()
    model.Session.commit()
    counts = _agree(region)
    assert counts["{}"] == 3 and counts[str({"state": "submitted,cancelled"})] == 3
    _agree(region, "producer")
    _agree(region, "verifier")
    round_ = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])
    assert round_["counts"]["total"] == 3 and "verified" not in round_["counts"]


def test_a_closed_rounds_requests_with_their_producers_are_not_overdue(world_of):
    """A closed round takes no more data: its rows said "not overdue", but
    the round's count and the "overdue" tab had its requests waiting for
    their producers once their deadline passed; the data already with the
    walidata keeps its deadline."""
    from ckanext.satudata.model import CollectionRound

    region = world_of("region_two_items", lambda: build_region(TWO_ITEMS))
    a, b, c, _d = [r["id"] for r in region.requests]
    past = workdays.today() - datetime.timedelta(days=3)
    model.Session.query(DataRequest).filter(DataRequest.id.in_([a, b, c])).update(
        {"due_date": past})
    model.Session.query(DataRequest).filter_by(id=b).update({"state": "returned"})
    model.Session.query(DataRequest).filter_by(id=c).update({"state": "submitted"})
    model.Session.query(CollectionRound).filter_by(id=region.round["id"]).update(
        {"state": "closed"})
    model.Session.commit()
    counts = _agree(region)
    assert counts[str({"overdue": True})] == 1  # the submitted one, with the walidata
    late = region.call("walidata_admin", "satudata_request_list", overdue=True)
    assert [r["id"] for r in late["results"]] == [c]
    round_ = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])
    assert round_["counts"]["overdue"] == 1


def _bulk(region, n: int, title: str, opd: str = "opd_a") -> None:
    """``n`` requests of the region's round for OPD A (or ``opd``), items
    titled ``<title> <i>``, inserted in two statements."""
    from ckanext.satudata.model import DaftarData

    owner = getattr(region, opd)["id"]
    items, requests = [], []
    for i in range(n):
        item_id = model.types.make_uuid()
        items.append({"id": item_id, "title": f"{title} {i}", "owner_org": owner,
                      "year": 2026, "priority": False, "active": True})
        requests.append({"id": model.types.make_uuid(), "round_id": region.round["id"],
                         "item_id": item_id, "owner_org": owner,
                         "state": "submitted", "approval_level": 0,
                         "due_date": workdays.today() + datetime.timedelta(days=i % 30),
                         "version": 1, "return_count": 0})
    model.Session.execute(sa.insert(DaftarData.__table__), items)
    model.Session.execute(sa.insert(DataRequest.__table__), requests)
    model.Session.commit()


def test_text_search_counts_up_to_a_thousand_matches(world_of, app):
    from ckanext.satudata.logic.action.workflow import TEXT_COUNT_CAP

    region = world_of("region_two_items", lambda: build_region(TWO_ITEMS))
    _bulk(region, TEXT_COUNT_CAP + 1, "Angka Kemiskinan Kecamatan")
    _bulk(region, 7, "Luas Panen Padi")
    # a few matches: counted exactly, the page in deadline order
    few = region.call("walidata_admin", "satudata_request_list", q="panen padi", limit=5)
    assert (few["count"], few["count_capped"]) == (7, False)
    assert [r["item_title"] for r in few["results"]] == [f"Luas Panen Padi {i}" for i in range(5)]
    assert region.call("walidata_admin", "satudata_request_list", q="panen padi",
                       state="requested")["count"] == 0
    # the words in any order, apart ("padi luas" found nothing)
    assert region.call("walidata_admin", "satudata_request_list", q="padi  luas")["count"] == 7
    assert region.call("walidata_admin", "satudata_daftar_data_list", year=2026,
                       q="padi luas")["count"] == 7
    # many: the count stops at the cap and says so; every page still comes
    many = region.call("walidata_admin", "satudata_request_list", q="kemiskinan", limit=50)
    assert (many["count"], many["count_capped"]) == (TEXT_COUNT_CAP, True)
    assert len(many["results"]) == 50
    assert all(r["item_title"].startswith("Angka Kemiskinan") for r in many["results"])
    last = region.call("walidata_admin", "satudata_request_list", q="kemiskinan", limit=50,
                       offset=TEXT_COUNT_CAP)
    assert len(last["results"]) == 1
    # the OPD's title matches too (the two requests of OPD B)
    by_opd = region.call("walidata_admin", "satudata_request_list", q="dinas pendidikan")
    assert (by_opd["count"], by_opd["count_capped"]) == (2, False)
    # a request whose item and OPD both match is found once
    _bulk(region, 3, "Rekap Dinas Pendidikan", opd="opd_b")
    both = region.call("walidata_admin", "satudata_request_list", q="dinas pendidikan")
    assert (both["count"], len({r["id"] for r in both["results"]})) == (5, 5)
    # a producer finds only their own OPD's requests
    assert region.call("producer", "satudata_request_list", q="dinas pendidikan")["count"] == 0
    # "%" and "_" are letters of the search, not wildcards (they found every request)
    for letter in ("%", "_", "\\"):
        assert region.call("walidata_admin", "satudata_request_list", q=letter)["count"] == 0
    # no filter: the counts table, exactly
    assert region.call("walidata_admin", "satudata_request_list")["count"] \
        == 4 + TEXT_COUNT_CAP + 1 + 7 + 3

    # the page says the count is capped and pages on without a last page

    client = _login(app, "admin-walidata")
    page = client.get(tk.url_for("satudata_request.index", mine="0", q="kemiskinan")).body
    assert ("Lebih dari 1000 permintaan" in page
            or "More than 1000 requests" in page), page
    assert "dari 21" not in page and "of 21" not in page
    assert "page=2" in page

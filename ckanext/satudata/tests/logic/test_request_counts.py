# -*- coding: utf-8 -*-
"""The request counts PostgreSQL keeps (migration 0010_request_counts):
whatever changes the requests — a step of the engine, an ORM update, a bulk
update, a delete — the lists' counts, the rounds' counts per state and the
header's "waiting for me" equal what the requests themselves say."""
from __future__ import annotations

import datetime

import sqlalchemy as sa

import ckan.model as model

from ckanext.satudata.lib import workdays
from ckanext.satudata.model import DataRequest
from ckanext.satudata.model.workflow import request_count

from ..factories import TWO_ITEMS, build_region

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

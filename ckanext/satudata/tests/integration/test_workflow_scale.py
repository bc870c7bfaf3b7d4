# -*- coding: utf-8 -*-
"""Lists stay bounded: with 10,000 requests the request list, a producer's
dashboard, the round counts and the status export run a fixed number of
queries. How fast they are is measured by bench/bench_request_list.py."""
from __future__ import annotations

import datetime
import time

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.model import DaftarData, DataRequest

from ..conftest import statements_run

pytestmark = pytest.mark.slow

N_OPDS, PER_OPD = 20, 500   # 10,000 requests


@pytest.fixture
def many_requests(clean_db):
    sysadmin = factories.Sysadmin()
    producer = factories.User()
    orgs = [factories.Organization(
        users=[{"name": producer["name"], "capacity": "editor"}] if i == 0 else [])
        for i in range(N_OPDS)]
    round_ = helpers.call_action("satudata_round_create", context={"user": sysadmin["name"]},
                                 name="besar", title="Putaran besar", year=2026,
                                 start_date="2026-01-05")
    items, requests = [], []
    states = ["requested", "submitted", "returned", "verified", "ready"]
    for o, org in enumerate(orgs):
        for i in range(PER_OPD):
            item_id = model.types.make_uuid()
            items.append({"id": item_id, "title": f"Data {o}-{i}", "owner_org": org["id"],
                          "year": 2026, "priority": False, "active": True})
            requests.append({
                "id": model.types.make_uuid(), "round_id": round_["id"], "item_id": item_id,
                "owner_org": org["id"], "state": states[i % 5],
                "approval_level": 1 if states[i % 5] == "verified" else 0,
                "due_date": datetime.date(2026, 1, 5) + datetime.timedelta(days=i % 200),
                "version": 1, "return_count": 0})
    model.Session.execute(sa.insert(DaftarData.__table__), items)
    model.Session.execute(sa.insert(DataRequest.__table__), requests)
    model.Session.commit()
    return sysadmin, producer, round_


def test_ten_thousand_requests_list_in_bounded_queries(many_requests):
    sysadmin, producer, round_ = many_requests
    assert model.Session.execute(sa.select(sa.func.count()).select_from(
        DataRequest)).scalar_one() == N_OPDS * PER_OPD
    measures = {}
    for label, user, data in [
        ("staff, all", sysadmin, {}),
        ("staff, overdue page 50", sysadmin, {"overdue": True, "offset": 2450}),
        ("staff, state+round", sysadmin, {"state": "submitted,resubmitted",
                                          "round_id": round_["name"]}),
        ("producer dashboard", producer, {}),
        ("producer queue", producer, {"actionable": True}),
    ]:
        model.Session.remove()
        with statements_run() as queries:
            start = time.perf_counter()
            result = helpers.call_action("satudata_request_list",
                                         context={"user": user["name"]}, **data)
            elapsed = time.perf_counter() - start
        measures[label] = (len(queries), round(elapsed, 3), result["count"])
        assert len(result["results"]) <= 50
        assert len(queries) <= 12, (label, len(queries))
    assert measures["producer dashboard"][2] == PER_OPD
    assert measures["staff, all"][2] == N_OPDS * PER_OPD

    def round_status() -> tuple[int, float, int]:
        model.Session.remove()
        with statements_run() as queries:
            start = time.perf_counter()
            status = helpers.call_action("satudata_round_show",
                                         context={"user": sysadmin["name"]}, id=round_["id"])
            export = helpers.call_action("satudata_round_export",
                                         context={"user": sysadmin["name"]}, id=round_["id"])
            elapsed = time.perf_counter() - start
        assert export["content"]
        return len(queries), elapsed, status["counts"]["total"]

    n_queries, elapsed, total = round_status()
    assert total == N_OPDS * PER_OPD
    # outside a web request CKAN's auth looks the user up again at each
    # check (in the portal the logged-in user is at hand): a bound, not a
    # count to the query
    assert n_queries <= 18, n_queries
    # and the same number of queries once the round holds ten requests
    keep = model.Session.execute(sa.select(DataRequest.id).limit(10)).scalars().all()
    model.Session.execute(sa.delete(DataRequest).where(DataRequest.id.not_in(keep)))
    model.Session.commit()
    assert round_status()[::2] == (n_queries, 10)
    print("\nrequest_list with 10,000 requests (queries, seconds, count):")
    for label, measure in measures.items():
        print(f"  {label:<28} {measure}")
    print(f"  round_show + export of 10,000 rows: {n_queries} queries, {elapsed:.2f} s")

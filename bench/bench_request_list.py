# -*- coding: utf-8 -*-
"""Request lists with 10,000 requests: queries per call, latency and memory.

Targets ("10,000 must stay fast"):
- ``satudata_request_list``: at most 12 SQL queries per call whoever asks
  (auth and user look-ups included), whatever the number of requests,
  median under 150 ms and worst under 400 ms for a page of 50;
- the verifier queue page (HTML) under 600 ms median;
- the XLSX status export of the whole round under 8 s and 200 MiB peak
  Python allocation.
"""
from __future__ import annotations

import statistics
import time
import tracemalloc

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

# the 10,000-request data set of the test suite; the SQL statements a block runs
from ckanext.satudata.tests.conftest import statements_run
from ckanext.satudata.tests.integration.test_workflow_scale import (  # noqa: F401
    N_OPDS, PER_OPD, many_requests)

REPEAT = 15


@pytest.fixture
def ten_thousand(many_requests):
    sysadmin, producer, round_ = many_requests
    verifier = factories.User()
    helpers.call_action("satudata_role_create", context={"user": sysadmin["name"]},
                        user=verifier["name"], role="verifikator")
    return {"sysadmin": sysadmin, "verifier": verifier, "producer": producer,
            "round": round_}


def _measure(user: str, data: dict) -> tuple[int, list[float], int]:
    timings, queries, count = [], 0, 0
    for _ in range(REPEAT):
        model.Session.remove()
        with statements_run() as statements:
            start = time.perf_counter()
            result = helpers.call_action("satudata_request_list",
                                         context={"user": user}, **data)
            timings.append(time.perf_counter() - start)
        queries = max(queries, len(statements))
        count = result["count"]
    return queries, timings, count


def test_request_list_with_ten_thousand_requests(ten_thousand, app):
    f = ten_thousand
    print(f"\n== satudata_request_list, {N_OPDS * PER_OPD} requests, page of 50, "
          f"{REPEAT} runs each ==")
    cases = [
        ("walidata, all", f["sysadmin"]["name"], {}),
        ("walidata, overdue, page 50", f["sysadmin"]["name"], {"overdue": True, "offset": 2450}),
        ("verifier queue", f["verifier"]["name"], {"actionable": True}),
        ("producer dashboard", f["producer"]["name"], {}),
        ("text search", f["sysadmin"]["name"], {"q": "Data 7-"}),
    ]
    failures = []
    for label, user, data in cases:
        queries, timings, count = _measure(user, data)
        median, worst = statistics.median(timings), max(timings)
        print(f"  {label:<28} matches {count:>6}  queries {queries}  "
              f"median {median * 1000:6.1f} ms  worst {worst * 1000:6.1f} ms")
        if queries > 12 or median > 0.150 or worst > 0.400:
            failures.append(label)

    url = tk.url_for("satudata_request.index") if _has_endpoint(app, "satudata_request.index") else None
    if url:
        env = {"Authorization": _token(f["verifier"]["name"])}
        page_times = []
        for _ in range(5):
            start = time.perf_counter()
            response = app.get(url, headers=env)
            page_times.append(time.perf_counter() - start)
            assert response.status_code == 200
        median = statistics.median(page_times)
        print(f"  {'verifier queue page (HTML)':<28} median {median * 1000:6.1f} ms")
        if median > 0.600:
            failures.append("queue page")

    export_call = lambda: helpers.call_action(  # noqa: E731
        "satudata_round_export", context={"user": f["sysadmin"]["name"]}, id=f["round"]["id"])
    model.Session.remove()
    start = time.perf_counter()
    export = export_call()
    elapsed = time.perf_counter() - start
    model.Session.remove()
    tracemalloc.start()  # slows the call down: measured on a second run
    export_call()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {'round XLSX export':<28} {elapsed:.2f} s, peak {peak / 2**20:.0f} MiB "
          f"(Python allocations), {len(export['content']) // 1024} KiB")
    if elapsed > 8 or peak > 200 * 2**20:
        failures.append("round export")
    assert not failures, f"targets missed: {failures}"


def _has_endpoint(app, endpoint: str) -> bool:
    return endpoint in app.flask_app.view_functions


def _token(user_name: str) -> str:
    return helpers.call_action("api_token_create", context={"user": user_name},
                               user=user_name, name="bench")["token"]


# -- the walidata's queue pages at 10,000 and 100,000 requests ------------------------------

PAGE_RUNS = 15
QUEUE_PAGES = {  # label -> query string of /permintaan-data/
    "all requests": {"mine": "0"},
    "overdue": {"mine": "0", "overdue": "1"},
    "text search": {"mine": "0", "q": "Data 7-"},
    # a few items' titles (11 requests match at 10,000, 111 at 100,000): what a
    # walidata officer types most
    "text search, few": {"mine": "0", "q": "Data 7-49"},
}


def _bulk_requests(n: int) -> dict:
    """``n`` requests (20 OPDs) of one round inserted in bulk, with their
    Daftar Data items; due dates spread over 200 days, a fifth per state."""
    import datetime
    import sqlalchemy as sa
    from ckanext.satudata.model import DaftarData, DataRequest
    sysadmin = factories.Sysadmin()
    orgs = [factories.Organization() for _ in range(20)]
    round_ = helpers.call_action("satudata_round_create", context={"user": sysadmin["name"]},
                                 name="besar", title="Putaran besar", year=2026,
                                 start_date="2026-01-05")
    states = ["requested", "submitted", "returned", "verified", "ready"]
    per_org = n // len(orgs)
    for o, org in enumerate(orgs):
        items, requests = [], []
        for i in range(per_org):
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
    model.Session.execute(sa.text("ANALYZE"))
    return sysadmin

#: SQL statements per page, label -> {number of requests: statements}
_QUEUE_SQL: dict[str, dict[int, int]] = {}


@pytest.mark.parametrize("n_requests", [10_000, 100_000])
def test_walidata_queue_pages(clean_db, app, n_requests):
    """The walidata's pages of all requests, the overdue ones and a text
    search: p50 ≤ 100 ms, and the same number of SQL statements per page at
    10,000 and 100,000 requests."""
    sysadmin = _bulk_requests(n_requests)
    headers = {"Authorization": _token(sysadmin["name"])}
    url = tk.url_for("satudata_request.index")
    print(f"\n== walidata queue pages, {n_requests} requests, {PAGE_RUNS} runs each ==")
    failures, counts = [], _QUEUE_SQL
    for label, query in QUEUE_PAGES.items():
        app.get(url, query_string=query, headers=headers)  # warm
        timings, queries = [], 0
        for _ in range(PAGE_RUNS):
            model.Session.remove()
            with statements_run() as statements:
                start = time.perf_counter()
                response = app.get(url, query_string=query, headers=headers)
                timings.append(time.perf_counter() - start)
            assert response.status_code == 200
            queries = max(queries, len(statements))
        median = statistics.median(timings)
        counts.setdefault(label, {})[n_requests] = queries
        print(f"  {label:<16} p50 {median * 1000:6.1f} ms  SQL {queries}")
        if median > 0.100:
            failures.append(f"{label} {median * 1000:.0f} ms")
        if len(set(counts[label].values())) > 1:
            failures.append(f"{label}: SQL per page {counts[label]}")
    assert not failures, f"targets missed: {failures}"

# -*- coding: utf-8 -*-
"""CPU per operation of one site of the A/B benchmark, in this process (a
tool, not a benchmark): the operations of bench/bench_ab.py and the indexing
of one dataset, each timed by the CPU time of the process (the database and
Solr are not counted, nor the load of other processes on a shared machine),
with the SQL statements it ran and a cProfile of it (CPU clock;
``SATUDATA_PROF_CLOCK=wall``: the wall clock, waits included). ``calls``,
the Python function calls per operation, does not depend on the load of
the machine: it compares two versions of the code on a shared machine.

bench/bench_ab.py leaves its two sites in ``<state>/bench-ab/a`` and ``…/b``
(ini, seeded database; it empties their search index when it ends, so
rebuild it before profiling a search: ``ckan -c <site>/ckan.ini
search-index rebuild``); then:

  .venv/bin/python bench/prof_ab.py .state/bench-ab/b [operation …]

prints a table and writes ``<site>/prof/<operation>.prof`` for pstats
(SATUDATA_PROF_CALLS calls per operation, 40 by default; SATUDATA_PROF_TOP
lines of the profile printed per operation, 0 by default; SATUDATA_PROF_SQL=1
prints the SQL statements of one call).
"""
from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ab_site import WORDS, _load, _sql_counter  # noqa: E402

CALLS = int(os.environ.get("SATUDATA_PROF_CALLS", "40"))
TOP = int(os.environ.get("SATUDATA_PROF_TOP", "0"))
#: ``wall`` times and profiles by the wall clock (waits for PostgreSQL and Solr included)
CLOCK = time.perf_counter if os.environ.get("SATUDATA_PROF_CLOCK") == "wall" else time.process_time


def main(site_dir: str, only: list[str]) -> None:
    site = Path(site_dir)
    facts = json.loads((site / "facts.json").read_text())
    counted = _sql_counter()
    app = _load(str(site / "ckan.ini"))
    from werkzeug.test import Client

    import ckan.model as model
    client = Client(app)
    auth = {"Authorization": facts["token"]}
    with app._wsgi_app.test_request_context():
        names = [n for (n,) in model.Session.query(model.Package.name)
                 .filter(model.Package.state == "active")]
        model.Session.remove()
    created: list[dict[str, Any]] = []
    run = str(int(time.time()))
    serial = iter(range(10**9))

    def get(path: str, **params: Any) -> Any:
        r = client.get(path, query_string=params)
        assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:500])
        return r

    def post(action: str, data: dict[str, Any]) -> Any:
        r = client.post(f"/api/3/action/{action}", json=data, headers=auth)
        assert r.status_code == 200, (action, r.status_code, r.get_data(as_text=True)[:1000])
        return r

    def create(i: int) -> Any:
        r = post("package_create", dict(facts["create"], name=f"prof-{run}-{next(serial)}"))
        created.append(r.get_json()["result"])
        return r

    def update(i: int) -> Any:
        if not created:
            create(-1)
        data = created[i % len(created)]
        data["notes"] = f"Diperbarui {i}: " + (data.get("notes") or "")
        r = post("package_update", data)
        created[i % len(created)] = r.get_json()["result"]
        return r

    def reindex(i: int) -> None:
        from ckan.lib import search
        with app._wsgi_app.test_request_context():
            search.rebuild(package_ids=[model.Package.get(random.choice(names)).id],
                           defer_commit=True, quiet=True)
            model.Session.remove()

    ops: dict[str, Callable[[int], Any]] = {
        "package_show": lambda i: get("/api/3/action/package_show", id=random.choice(names)),
        "search_facets": lambda i: get("/api/3/action/package_search", rows=20, **{
            "facet.field": json.dumps(facts["facets"])}),
        "search_text": lambda i: get("/api/3/action/package_search",
                                     q=WORDS[i % len(WORDS)], rows=20),
        "package_create": create,
        "package_update": update,
        "dataset_list_page": lambda i: get("/dataset/"),
        "dataset_page": lambda i: get(f"/dataset/{random.choice(names)}"),
        "index_one": reindex,
    }
    if any(name.startswith("search") for name in (only or ops)):
        found = get("/api/3/action/package_search", rows=0).get_json()["result"]["count"]
        # bench_ab.py empties its sites' Solr documents when it ends
        assert found, (f"the index of {site} is empty: rebuild it first "
                       f"(ckan -c {site}/ckan.ini search-index rebuild)")
    out = site / "prof"
    out.mkdir(exist_ok=True)
    clock = "wall" if CLOCK is time.perf_counter else "CPU"
    print(f"{'operation':<20} {clock + ' p50':>9} {clock + ' mean':>9} {'SQL':>5} {'profiled':>9} {'calls':>7}")
    for name, op in ops.items():
        if only and name not in only:
            continue
        for i in range(5):
            op(i)
        cpu: list[float] = []
        sql: list[int] = []
        for i in range(CALLS):
            counted["n"] = 0
            t0 = CLOCK()
            op(i)
            cpu.append(CLOCK() - t0)
            sql.append(counted["n"])
        if os.environ.get("SATUDATA_PROF_SQL"):  # the statements of one more call
            counted["log"] = []
            op(CALLS)
            for statement in counted["log"]:
                print("   ", " ".join(statement.split())[:240])
            counted["log"] = None
        prof = cProfile.Profile(CLOCK)
        prof.enable()
        for i in range(CALLS):
            op(i)
        prof.disable()
        stats = pstats.Stats(prof, stream=io.StringIO())
        stats.dump_stats(str(out / f"{name}.prof"))
        print(f"{name:<20} {statistics.median(cpu) * 1000:8.2f}ms "
              f"{statistics.mean(cpu) * 1000:8.2f}ms {statistics.median(sql):5g} "
              f"{stats.total_tt / CALLS * 1000:8.2f}ms {stats.total_calls // CALLS:7d}", flush=True)
        if TOP:
            text = io.StringIO()
            pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(TOP)
            print(text.getvalue())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])

# -*- coding: utf-8 -*-
"""Profile of the walidata's queue pages with N requests (not a benchmark:
a tool). Per page: each SQL statement with its time, EXPLAIN (ANALYZE,
BUFFERS) of each, and a cProfile of one render.
  SATUDATA_PROF_N=100000 scripts/test.sh bench/prof_queue.py -o python_files='prof_*.py' -s
"""
from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import time

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from bench_request_list import QUEUE_PAGES, _bulk_requests, _token  # noqa

N = int(os.environ.get("SATUDATA_PROF_N", "100000"))
EXPLAIN = os.environ.get("SATUDATA_PROF_EXPLAIN", "1") == "1"


def test_profile_queue_pages(clean_db, app):
    start = time.perf_counter()
    sysadmin = _bulk_requests(N)
    print(f"\n{N} requests inserted in {time.perf_counter() - start:.1f} s")
    headers = {"Authorization": _token(sysadmin["name"])}
    url = tk.url_for("satudata_request.index")
    pages = dict(QUEUE_PAGES)
    pages["mine (default)"] = {}
    for label, query in pages.items():
        app.get(url, query_string=query, headers=headers)
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["t0"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):
            import traceback
            where = [f"{f.filename.split('site-packages/')[-1].split('wt-perf/')[-1]}:{f.lineno}"
                     for f in traceback.extract_stack()
                     if ("satudata" in f.filename or "ckan/logic" in f.filename
                         or "ckan/model" in f.filename or "ckan/views" in f.filename)
                     and "prof_queue" not in f.filename][-3:]
            statements.append((time.perf_counter() - conn.info["t0"], statement, parameters))
            if os.environ.get("SATUDATA_PROF_WHERE"):
                print("   SQL", " ".join(statement.split())[:60], " <- ", " ".join(where))

        engine = model.meta.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
        model.Session.remove()
        try:
            app.get(url, query_string=query, headers=headers)
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
            sa.event.remove(engine, "after_cursor_execute", after)
        timings = []
        for _ in range(7):
            model.Session.remove()
            t0 = time.perf_counter()
            r = app.get(url, query_string=query, headers=headers)
            timings.append(time.perf_counter() - t0)
            assert r.status_code == 200
        print(f"\n==== {label}: p50 {statistics.median(timings) * 1000:.1f} ms, "
              f"{len(statements)} statements, SQL total "
              f"{sum(s[0] for s in statements) * 1000:.1f} ms")
        for t, stmt, params in sorted(statements, key=lambda s: -s[0])[:12]:
            print(f"  {t * 1000:7.2f} ms  {' '.join(stmt.split())[:220]}")
        if EXPLAIN:
            for t, stmt, params in sorted(statements, key=lambda s: -s[0])[:4]:
                if not stmt.lstrip().upper().startswith("SELECT"):
                    continue
                conn = model.Session.connection().connection
                cur = conn.cursor()
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + stmt, params)
                print("  ---- EXPLAIN " + " ".join(stmt.split())[:120])
                for (line,) in cur.fetchall():
                    print("     " + line)
                model.Session.rollback()
        model.Session.remove()
        prof = cProfile.Profile()
        prof.enable()
        app.get(url, query_string=query, headers=headers)
        prof.disable()
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats("cumulative").print_stats(int(os.environ.get("SATUDATA_PROF_CUM", "45")))
        stats.sort_stats("tottime").print_stats(int(os.environ.get("SATUDATA_PROF_TOT", "0")) or 1)
        print(out.getvalue()[:30000])

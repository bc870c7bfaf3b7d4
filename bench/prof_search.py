# -*- coding: utf-8 -*-
"""Profile of package_search and of indexing on the satudata site (a tool,
not a benchmark): where a search and a document's indexing spend their time,
by plugin.
  scripts/test.sh bench/prof_search.py -o python_files='prof_*.py' -s
"""
from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import time

import ckan.model as model
from ckan.lib import search
from ckan.tests import factories, helpers

from ab_site import dataset_dict  # noqa

N = int(os.environ.get("SATUDATA_PROF_DATASETS", "40"))
CALLS = int(os.environ.get("SATUDATA_PROF_CALLS", "40"))


def _stats(prof: cProfile.Profile, calls: int, label: str) -> None:
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    dump = os.environ.get("SATUDATA_PROF_DUMP")
    if dump:  # for pstats afterwards: <dir>/<label>.prof
        os.makedirs(dump, exist_ok=True)
        stats.dump_stats(os.path.join(dump, label.replace(" ", "_") + ".prof"))
    total = stats.total_tt
    print(f"\n==== {label}: {total / calls * 1000:.2f} ms per call (profiled)")
    by_plugin: dict[str, float] = {}
    for (filename, _line, func), (_cc, _nc, _tt, ct, callers) in stats.stats.items():
        for name in ("ckanext/satudata/search.py", "ckanext/satudata/lib/publishing.py",
                     "ckanext/dcat/plugins", "ckanext/scheming/plugins.py",
                     "ckanext/satudata/plugin.py"):
            if name in filename and func in (
                    "after_dataset_search", "before_dataset_search", "after_dataset_show",
                    "before_dataset_index", "validate", "index_fields", "add_search_facts",
                    "translate_license_title", "show_facts", "search_params"):
                by_plugin[f"{name}:{func}"] = by_plugin.get(f"{name}:{func}", 0) + ct
    for key, value in sorted(by_plugin.items(), key=lambda kv: -kv[1]):
        print(f"   {value / calls * 1000:7.2f} ms  {key}")
    stats.sort_stats("cumulative").print_stats(int(os.environ.get("SATUDATA_PROF_CUM", "40")))
    stats.sort_stats("tottime").print_stats(int(os.environ.get("SATUDATA_PROF_TOT", "25")))
    for name in filter(None, os.environ.get("SATUDATA_PROF_CALLERS", "").split(",")):
        stats.print_callers(name)
    print(out.getvalue()[:25000])


def test_profile_search_and_index(clean_db, app):
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    ctx = {"user": sysadmin["name"]}
    for i in range(N):
        helpers.call_action("package_create", context=dict(ctx),
                            **dataset_dict("b", f"dataset-prof-{i}", org["id"]))
    facets = json.dumps(["organization", "vocab_government_affairs", "update_frequency",
                         "data_year", "presentation_level", "area_code", "res_format"])
    searches = (("package_search with facets", {"rows": 20, "facet.field": facets}),
                          ("package_search text query", {"q": "kesehatan", "rows": 20}))
    for label, params in searches[:int(os.environ.get("SATUDATA_PROF_SEARCHES", "2"))]:
        app.get("/api/3/action/package_search", query_string=params)
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        for _ in range(CALLS):
            model.Session.remove()
            r = app.get("/api/3/action/package_search", query_string=params)
        prof.disable()
        print(f"\n{label}: {(time.perf_counter() - t0) / CALLS * 1000:.1f} ms per call, "
              f"response {len(r.body)} bytes")
        _stats(prof, CALLS, label)
    ids = [row[0] for row in model.Session.query(model.Package.id)]
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    search.rebuild(package_ids=ids, defer_commit=True, quiet=True)
    prof.disable()
    print(f"\nrebuild of {len(ids)}: {(time.perf_counter() - t0) / len(ids) * 1000:.1f} ms "
          f"per dataset")
    _stats(prof, len(ids), "index one dataset")

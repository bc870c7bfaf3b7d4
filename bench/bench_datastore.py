# -*- coding: utf-8 -*-
"""The load of a data file into CKAN's DataStore (issue H): a clean
100,000-row table (the generator of ``bench_datacheck.py``) is loaded by the
portal's ``load_datastore`` job in at most 30 s on the 2-core machine,
printed beside vanilla CKAN + xloader on the same file, as a ratio.

* portal: :func:`ckanext.satudata.lib.datastore.load_resource` on an
  uploaded resource, as the jobs worker runs it: the file's MD5, xloader's
  status and log rows, xloader's loader (``COPY`` with type guessing), the
  record count, ``datastore_active``, the column indexes and xloader's
  completion hook (the ``datatables_view`` preview);
* vanilla: what xloader's own job does once it has downloaded the file
  (``loader.load_csv`` with type guessing, the record count and the column
  indexes) on a plain (linked) resource, into a clean table too. The
  download over HTTP, which the portal does not need, is not counted.
"""
from __future__ import annotations

import logging
import time

from werkzeug.datastructures import FileStorage

from ckan.tests import helpers

from ckanext.satudata.lib import datastore
from ckanext.satudata.tests.factories import build_region

from bench_datacheck import ROWS, _clean_table  # the same table

TARGET_SECONDS = 30.0


def _total(resource_id: str) -> int:
    return helpers.call_action("datastore_search", resource_id=resource_id, limit=0)["total"]


def test_a_clean_100000_row_table_loads_into_the_datastore_within_target(
        tmp_path, clean_db, clean_index):
    from ckanext.xloader import loader

    path = tmp_path / "tabel.csv"
    _clean_table(path)
    region = build_region()
    pkg_id = region.request_of(region.opd_a)["package_id"]
    with open(path, "rb") as f:
        uploaded = region.call("producer", "resource_create", package_id=pkg_id,
                               name="Tabel 100.000 baris", format="CSV", url="tabel.csv",
                               upload=FileStorage(stream=f, filename="tabel.csv",
                                                  content_type="text/csv"))
    plain = region.call("sysadmin", "resource_create", package_id=pkg_id, name="Tautan",
                        format="CSV", url="http://example.org/tabel.csv")

    logger = logging.getLogger("bench.xloader")
    start = time.perf_counter()
    fields = loader.load_csv(str(path), resource_id=plain["id"], mimetype="CSV",
                             allow_type_guessing=True, logger=logger)
    loader.calculate_record_count(resource_id=plain["id"], logger=logger)
    loader.create_column_indexes(fields=fields, resource_id=plain["id"], logger=logger)
    vanilla = time.perf_counter() - start

    res = helpers.call_action("resource_show", id=uploaded["id"])
    start = time.perf_counter()
    result = datastore.load_resource(res)
    portal = time.perf_counter() - start

    assert result["status"] == "complete", result
    assert _total(uploaded["id"]) == _total(plain["id"]) == ROWS
    print(f"\nDataStore load of {ROWS:,} rows ({path.stat().st_size / 1e6:.1f} MB): "
          f"portal load_datastore {portal:.2f} s (target <= {TARGET_SECONDS:.0f} s), "
          f"vanilla CKAN + xloader loader {vanilla:.2f} s, "
          f"ratio portal/vanilla {portal / vanilla:.2f}")
    assert portal <= TARGET_SECONDS

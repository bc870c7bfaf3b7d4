# -*- coding: utf-8 -*-
"""The check of a data file (issue H): a clean 100,000-row table is
validated against its declared variables and screened for personal data in
at most 15 s on the 2-core machine (what the ``check_data`` job and a
submission do for one file: read, Frictionless validation, duplicate rows,
screening of every cell).

Prints the time of each part and of the whole check, and fails over target.
"""
from __future__ import annotations

import csv
import time

from ckanext.satudata.lib import datacheck, screening, tables, validation

ROWS = 100_000
TARGET_SECONDS = 15.0
PKG = {
    "area_code": "64", "data_year": "2025", "reference_period": "Januari-Desember 2025",
    "variables": [
        {"name": "kode_wilayah", "data_type": "category", "unit": ""},
        {"name": "tahun", "data_type": "integer", "unit": "tahun"},
        {"name": "jenis_kelamin", "data_type": "category", "unit": ""},
        {"name": "kelompok_umur", "data_type": "text", "unit": ""},
        {"name": "jumlah", "data_type": "integer", "unit": "orang"},
        {"name": "persentase", "data_type": "decimal", "unit": "persen"},
        {"name": "tanggal_data", "data_type": "date", "unit": ""},
    ],
}


def _clean_table(path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([v["name"] for v in PKG["variables"]])
        for i in range(ROWS):
            writer.writerow([f"64.{i % 10 + 1:02d}", 2025, "LP"[i % 2],
                             f"{i // 20 % 16 * 5}-{i // 20 % 16 * 5 + 4} #{i}",
                             i % 9973, f"{(i % 1000) / 10:.1f}", "2025-12-31"])


def test_a_clean_100000_row_table_is_checked_within_target(tmp_path):
    path = tmp_path / "tabel.csv"
    _clean_table(path)
    schema = validation.table_schema(PKG)

    start = time.perf_counter()
    validation.validate(["tahun"], [["2025"]], schema)  # frictionless imported once per worker
    imported = time.perf_counter() - start

    start = time.perf_counter()
    table = tables.read(str(path), "csv")
    read = time.perf_counter() - start
    errors, count = validation.validate(table.labels, table.rows, schema)
    validated = time.perf_counter() - start - read
    findings, found = screening.scan(table.labels, table.rows)
    screened = time.perf_counter() - start - read - validated
    assert (count, found, errors, findings) == (0, 0, [], [])

    start = time.perf_counter()
    result = datacheck.check_file(str(path), "csv", schema)
    whole = time.perf_counter() - start
    print(f"\ndata check of {ROWS:,} rows x {len(PKG['variables'])} columns "
          f"({path.stat().st_size / 1e6:.1f} MB): frictionless import (once per worker) "
          f"{imported:.2f} s; read {read:.2f} s, "
          f"validate (frictionless) {validated:.2f} s, screen {screened:.2f} s; "
          f"whole check_file {whole:.2f} s (target <= {TARGET_SECONDS:.0f} s)")
    assert result["status"] == "valid" and result["row_count"] == ROWS
    assert whole <= TARGET_SECONDS

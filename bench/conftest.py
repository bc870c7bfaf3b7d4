# -*- coding: utf-8 -*-
"""Benchmarks run with CKAN's pytest plugin against the real services, on a
database of their own (see bench/run.sh)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _plugins_loaded(with_plugins):
    """The plugins of test.ini are loaded."""


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("satudata")

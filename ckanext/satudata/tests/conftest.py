# -*- coding: utf-8 -*-
"""Fixtures shared by the satudata tests. Everything runs against the real
PostgreSQL, Solr and Redis started by scripts/services.sh."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _plugins_loaded(with_plugins):
    """Every test runs with the plugins of test.ini loaded."""


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's clean_db, plus the migrations of the plugins whose tables the
    tests use (CKAN's reset only creates core tables)."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("satudata")

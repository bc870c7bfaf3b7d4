# -*- coding: utf-8 -*-
"""Fixtures shared by the satudata tests. Everything runs against the real
PostgreSQL, Solr and Redis started by scripts/services.sh."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.common import config

_ENGINES: dict[str, Any] = {}


def _pooled_engine() -> Any:
    """The pooled engine CKAN itself runs on (one per database URL)."""
    url = config["sqlalchemy.url"]
    if url not in _ENGINES:
        _ENGINES[url] = sa.engine_from_config(config, "sqlalchemy.", client_encoding="utf8")
    return _ENGINES[url]


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
    # CKAN's migration environment binds the session to a NullPool engine:
    # every checkout would open a new PostgreSQL connection (~40 ms each);
    # give the session back a pooled engine, as the running portal has
    model.Session.remove()
    model.init_model(_pooled_engine())

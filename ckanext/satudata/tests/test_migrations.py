# -*- coding: utf-8 -*-
"""The models declare exactly what the migrations create: alembic's
``compare_metadata`` between the SQLAlchemy models of the extension and the
database that ``migration/satudata`` built. A model change without its
migration, or a migration the models do not reflect (an index, a unique
rule such as "at most one pending release per request"), fails here.

The comparison runs in a fresh interpreter: in the test process CKAN's
database reset reflects the live tables into the shared metadata, which
would then compare the database with itself."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import ckan.plugins.toolkit as tk

COMPARE = r'''
import json, sys, warnings
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import ckan.model as model
import ckanext.satudata.model  # the models register their tables
from ckanext.satudata.model.workflow import request_count

VERSION_TABLE = "satudata_alembic_version"

def ours(obj, name, type_, reflected, compare_to):
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return table.startswith("satudata_") and table != VERSION_TABLE

warnings.simplefilter("ignore")
engine = sa.create_engine(sys.argv[1])
with engine.connect() as connection:
    context = MigrationContext.configure(
        connection, opts={"include_object": ours, "compare_type": True})
    # the models in CKAN's metadata, and the request counts PostgreSQL keeps
    # outside it (model.workflow.request_count)
    metadata = sa.MetaData()
    for table in model.meta.metadata.tables.values():
        table.to_metadata(metadata)
    request_count.to_metadata(metadata)
    print(json.dumps([repr(d) for d in compare_metadata(context, metadata)]))
'''


@pytest.mark.usefixtures("clean_db")
def test_models_match_the_migrations():
    url = tk.config.get("sqlalchemy.url")
    done = subprocess.run([sys.executable, "-c", COMPARE, url], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    differences = json.loads(done.stdout.strip().splitlines()[-1])
    assert differences == []

# -*- coding: utf-8 -*-
"""A revision's new file takes the place of the published file in the
transaction that publishes it: kept if it commits, undone if it rolls back."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

import ckan.model as model

from ...lib import storage


def _write(resource_id: str, content: bytes) -> str:
    path = storage.resource_path(resource_id)
    assert path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(content)
    return path


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_a_file_takes_the_place_of_another_until_the_transaction_ends(outcome):
    model.Session.execute(sa.text("SELECT 1"))  # as publishing does, in a transaction
    live = _write("aaa11111-0000-4000-8000-000000000001", b"tahun,jumlah\n2024,10\n")
    staged = _write("bbb22222-0000-4000-8000-000000000002", b"tahun,jumlah\n2025,12\n")
    staged_mtime = os.stat(staged).st_mtime_ns
    assert storage.take_place("bbb22222-0000-4000-8000-000000000002",
                              "aaa11111-0000-4000-8000-000000000001")
    # at once, before the commit: readers never find the file missing
    with open(live, "rb") as f:
        assert f.read() == b"tahun,jumlah\n2025,12\n"
    assert os.stat(live).st_mtime_ns == staged_mtime  # the data check's fingerprint holds
    assert storage.took_place("aaa11111-0000-4000-8000-000000000001")
    getattr(model.Session, outcome)()
    with open(live, "rb") as f:
        content = f.read()
    if outcome == "commit":
        assert content == b"tahun,jumlah\n2025,12\n"
        assert not os.path.exists(staged)
    else:
        assert content == b"tahun,jumlah\n2024,10\n"
        assert os.path.exists(staged)
    # nothing else is left in the folder
    assert [n for n in os.listdir(os.path.dirname(live)) if "~" in n] == []
    assert not storage.took_place("aaa11111-0000-4000-8000-000000000001")
    assert not storage.take_place("ccc33333-0000-4000-8000-000000000003",
                                  "aaa11111-0000-4000-8000-000000000001")

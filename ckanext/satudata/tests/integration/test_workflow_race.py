# -*- coding: utf-8 -*-
"""Two verifiers racing the same transition, 50 times: the PostgreSQL row
lock lets exactly one win each time and the timeline gets exactly one
event. Each thread has its own session and database connection
(``model.Session`` is thread-local)."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.model import DataRequest, RequestEvent

from ..factories import build_region

pytestmark = pytest.mark.slow

ROUNDS = 50


@pytest.fixture
def submitted_requests(clean_db, clean_index):
    titles = tuple(f"Indikator {i:02d}" for i in range(ROUNDS // 2))
    region = build_region(titles)
    ids = [r["id"] for r in helpers.call_action(
        "satudata_request_list", context={"user": "sysadmin-uji"}, limit=ROUNDS)["results"]]
    assert len(ids) == ROUNDS
    # put them straight in "submitted": what is raced is the verification
    model.Session.execute(sa.update(DataRequest).where(DataRequest.id.in_(ids))
                          .values(state="submitted", version=2))
    model.Session.commit()
    return region, ids


def _race(request_id: str, with_version: bool) -> list[object]:
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]
    connections: list[int] = [0, 0]

    def verify(slot: int) -> None:
        try:
            # each thread's session holds its own connection from here on
            connections[slot] = model.Session.execute(
                sa.text("select pg_backend_pid()")).scalar()
            barrier.wait()
            data = {"id": request_id, "note": f"thread {slot}"}
            if with_version:
                data["version"] = 2
            helpers.call_action("satudata_request_verify",
                                context={"user": "verifikator"}, **data)
            outcomes[slot] = "ok"
        except tk.ValidationError as e:
            outcomes[slot] = e.error_dict
        except Exception as e:  # pragma: no cover - reported by the assertion
            outcomes[slot] = e
        finally:
            model.Session.remove()

    threads = [threading.Thread(target=verify, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert connections[0] != connections[1], "threads must not share a connection"
    return outcomes


def test_two_threads_race_the_same_transition_50_times(submitted_requests):
    _region, ids = submitted_requests
    refusals = {}
    for i, request_id in enumerate(ids):
        outcomes = _race(request_id, with_version=bool(i % 2))
        winners = [o for o in outcomes if o == "ok"]
        losers = [o for o in outcomes if o != "ok"]
        assert len(winners) == 1, (i, outcomes)
        assert isinstance(losers[0], dict), (i, outcomes)
        # the loser is told why: the form was stale, or the state moved on
        refusals[tuple(losers[0])] = refusals.get(tuple(losers[0]), 0) + 1

    model.Session.remove()
    per_request = dict(model.Session.execute(
        sa.select(RequestEvent.request_id, sa.func.count())
        .where(RequestEvent.request_id.in_(ids), RequestEvent.transition == "verify")
        .group_by(RequestEvent.request_id)).all())
    assert per_request == {request_id: 1 for request_id in ids}
    states = set(model.Session.execute(
        sa.select(DataRequest.state, DataRequest.version)
        .where(DataRequest.id.in_(ids))).all())
    assert states == {("verified", 3)}
    assert set(refusals) <= {("version",), ("state",)}
    assert refusals.get(("version",), 0) >= 1

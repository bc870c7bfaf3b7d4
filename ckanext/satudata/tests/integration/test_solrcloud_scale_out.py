# -*- coding: utf-8 -*-
"""Scale-out on SolrCloud (issue 13, J item 3): two CKAN web processes and two
``ckan satudata worker`` processes on one PostgreSQL database, one Redis queue and
a SolrCloud collection of 2 shards x 2 replicas on two nodes
(``scripts/solrcloud.sh``: ``MiniSolrCloudCluster`` of Solr's test framework,
an embedded ZooKeeper). Every process points at node 1
(``solr_url = http://127.0.0.1:<node 1>/solr/ckan``); node 1 serves the whole
collection, since each node holds a replica of each shard.

API clients, each with its producer's or officer's API token, take every
request of a round through the workflow at the same time, their calls spread
over both web processes: the producer edits the dataset, submits; the
verifier verifies; kabid and kadis approve; the walidata administrator
publishes. While that runs, node 2 is stopped (so far it has always led one
shard or both, whose leadership then passes to node 1; the report says which)
and, some transitions later, started again: it catches up while the last
steps go on.

Nothing is lost or duplicated:

* every request is published, with exactly one event per transition;
* every e-mail the steps owe arrives once (a real SMTP server), every
  notification job ran once (two workers, none failed);
* after node 2 is back, ``package_search`` through each web process counts
  exactly the public datasets of PostgreSQL, with the same ids; both replicas
  of each shard hold the same documents (node 2 caught up with what was
  indexed while it was down), and documents of another site id in the same
  collection (a neighbouring regency's portal) are never counted.

A call that fails while node 2 is down or recovering is retried by its client
(after checking whether it took effect), as a user would click again; the
test reports how many there were and fails if any happened outside that
window or was not a search-index error.
"""
from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import datetime
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import pysolr
import pytest
import requests
import rq
import sqlalchemy as sa

import ckan.model as model
from ckan.common import config
from ckan.lib import jobs, search
from ckan.lib.redis import connect_to_redis
from ckan.lib.search.common import SolrSettings
from ckan.tests import helpers

from ckanext.satudata.model import OutboxEntry, RequestEvent

from ..conftest import free_port
from ..factories import build_region, complete_metadata
from .conftest import Portal, _ini, _stop, serve

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[4]
#: requests driven through the workflow (two OPDs, one request per item each)
ITEMS = int(os.environ.get("SATUDATA_SCALE_OUT_ITEMS", "4"))
#: API clients at work at the same time
CLIENTS = 4
#: the calls of one request, in order: (who, action, state and level after)
STEPS = (
    ("producer", "package_patch", None),
    ("producer", "satudata_request_submit", ("submitted", 0)),
    ("verifier", "satudata_request_verify", ("verified", 1)),
    ("kabid", "satudata_request_approve", ("verified", 2)),
    ("kadis", "satudata_request_approve", ("ready", 0)),
    ("walidata_admin", "satudata_request_publish", ("published", None)),
)
#: the steps' transitions: one event and one e-mail each
TRANSITIONS = collections.Counter(
    {"submit": 1, "verify": 1, "approve": 2, "publish": 1})
#: a request's events: the round's ``request`` (set-up) and the steps'
EVENTS = TRANSITIONS + collections.Counter({"request": 1})
#: node 2 is stopped once this share of the calls is done and started again
#: once this further share is done while it is down; the clients hold the
#: rest until its start is under way, so that it catches up while the
#: workflow goes on
STOP_AT, DOWN_FOR = 0.25, 0.35
MAX_TRIES = 8
REQUEST_TIMEOUT = 60
NEIGHBOUR_SITE = "kabupaten_tetangga"


# -- the cluster ------------------------------------------------------------------------

class SolrCloud:
    """``scripts/solrcloud.sh`` on free ports with its own state directory."""

    def __init__(self, state: Path) -> None:
        self.ports = [free_port(), free_port()]
        self.env = dict(os.environ,
                        SATUDATA_STATE_DIR=str(state),
                        SATUDATA_VENV=sys.prefix,
                        SATUDATA_SOLRCLOUD_PORTS=",".join(map(str, self.ports)),
                        SATUDATA_SOLRCLOUD_ZK_PORT=str(free_port()),
                        SATUDATA_SOLRCLOUD_CONTROL_PORT=str(free_port()),
                        SATUDATA_SOLRCLOUD_HEAP="768m")
        self.log = state / "solrcloud" / "solrcloud.log"
        self.start_seconds = 0.0

    def node_url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[n - 1]}/solr"

    @property
    def collection_url(self) -> str:
        """What CKAN's ``solr_url`` is: the collection, through node 1."""
        return self.node_url(1) + "/ckan"

    def script(self, *args: str, timeout: float = 400) -> str:
        done = subprocess.run([str(ROOT / "scripts" / "solrcloud.sh"), *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            pytest.fail(f"scripts/solrcloud.sh {' '.join(args)} failed: {done.stderr}\n{log}")
        return done.stdout.strip()

    def start(self) -> None:
        started = time.monotonic()
        self.script("start")
        self.start_seconds = time.monotonic() - started

    def stop(self) -> None:
        self.script("stop", timeout=120)

    def replicas(self) -> list[dict[str, Any]]:
        """The collection's replicas (core, node URL, state, leader), from
        the Collections API."""
        status = requests.get(f"{self.node_url(1)}/admin/collections", timeout=30, params={
            "action": "CLUSTERSTATUS", "collection": "ckan", "wt": "json"}).json()
        shards = status["cluster"]["collections"]["ckan"]["shards"]
        return [dict(replica, shard=shard) for shard, info in sorted(shards.items())
                for replica in info["replicas"].values()]

    def replica_ids(self, replica: dict[str, Any], site_id: Optional[str]) -> set[str]:
        """The dataset ids one replica holds (that core alone, ``distrib=false``)."""
        params = {"q": "*:*", "distrib": "false", "fl": "id", "rows": 100000, "wt": "json"}
        if site_id:
            params["fq"] = f'+site_id:"{site_id}"'
        answer = requests.get(f"{replica['base_url']}/{replica['core']}/select",
                              params=params, timeout=30).json()
        return {doc["id"] for doc in answer["response"]["docs"]}


@pytest.fixture
def solrcloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SolrCloud]:
    """A SolrCloud cluster of its own; this test process and every process
    it starts index into its collection (and the shared Solr is left as it
    was)."""
    cloud = SolrCloud(tmp_path / "state")
    cloud.start()
    previous = SolrSettings.get()
    SolrSettings.init(cloud.collection_url)
    monkeypatch.setenv("CKAN_SOLR_URL", cloud.collection_url)
    try:
        yield cloud
    finally:
        SolrSettings.init(*previous)
        cloud.stop()


# -- the portal's processes --------------------------------------------------------------

@contextlib.contextmanager
def job_workers(n: int, log_dir: Path) -> Iterator[list[subprocess.Popen]]:
    """``n`` ``ckan satudata worker`` processes on this site's queue."""
    ckan_bin = Path(sys.executable).with_name("ckan")
    processes = []
    try:
        for i in range(n):
            with open(log_dir / f"worker-{i}.log", "wb") as log:
                processes.append(subprocess.Popen(
                    [str(ckan_bin), "-c", _ini(), "satudata", "worker"], stdout=log,
                    stderr=subprocess.STDOUT, env=dict(os.environ),
                    cwd=Path(_ini()).resolve().parent, start_new_session=True))
        yield processes
    finally:
        for process in processes:
            _stop(process)


def wait_until(what: str, condition: Any, timeout: float, logs: tuple[Path, ...] = ()) -> None:
    """Poll ``condition`` until it is true (a failure after ``timeout`` s,
    with the end of ``logs``)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = "".join(f"\n--- {log}:\n" + log.read_text(errors="replace")[-2000:]
                            for log in logs if log.exists())
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{tails}")
        time.sleep(0.2)  # polling for an outcome, not waiting for a worker blindly


# -- the clients ------------------------------------------------------------------------

class Drive:
    """The API clients, the outage of node 2 and what they saw."""

    def __init__(self, portals: list[Portal], cloud: SolrCloud, region: Any,
                 tokens: dict[str, str]) -> None:
        self.portals = portals
        self.cloud = cloud
        self.region = region
        self.tokens = tokens
        self.total = len(region.requests) * len(STEPS)
        self.done = 0
        self.changed = threading.Condition()
        self.failures: list[tuple[float, str, str]] = []   # (time, call, answer)
        self.retries = 0
        self.calls_per_portal: collections.Counter = collections.Counter()
        self.down_window: Optional[tuple[float, float]] = None
        self.outage: dict[str, Any] = {}
        self.node_2_down = False
        self.restarting = False
        #: the calls done while node 2 was down, by action
        self.while_down: collections.Counter = collections.Counter()

    def who(self, role: str, request: dict[str, Any]) -> str:
        if role == "producer" and request["owner_org"] != self.region.opd_a["id"]:
            role = "producer_b"
        return self.region.users[role]["name"]

    def state_of(self, request_id: str) -> tuple[str, int]:
        shown = self.portals[0].api("satudata_request_show", self.tokens["sysadmin-uji"],
                                    timeout=REQUEST_TIMEOUT, id=request_id).json()["result"]
        return shown["state"], shown["approval_level"]

    def call(self, i: int, request: dict[str, Any], step: int,
             session: requests.Session) -> None:
        role, action, after = STEPS[step]
        with self.changed:  # the last share waits until node 2 is being started
            self.changed.wait_for(lambda: self.restarting or self.done < self.total * (
                STOP_AT + DOWN_FOR), timeout=600)
        portal = self.portals[(i + step) % len(self.portals)]   # both, in turn
        token = self.tokens[self.who(role, request)]
        if action == "package_patch":
            data = {"id": request["package_id"], "notes": f"Diperbarui oleh produsen ({i})"}
        else:
            data = {"id": request["id"]}
        for _try in range(MAX_TRIES):
            try:
                answer: Any = portal.api(action, token, session=session,
                                         timeout=REQUEST_TIMEOUT, **data)
                if answer.status_code == 200:
                    break
                text = f"{answer.status_code} {answer.text[:300]}"
            except requests.RequestException as e:
                text = repr(e)
            with self.changed:
                self.failures.append((time.monotonic(), f"{action} {request['id'][:8]}", text))
                self.retries += 1
            # did it take effect all the same? then the retry would be a duplicate
            if after is not None:
                state, level = self.state_of(request["id"])
                if state == after[0] and (after[1] is None or level == after[1]):
                    break
            time.sleep(0.5)  # a client's back-off before it tries again
        else:
            raise AssertionError(f"{action} on {request['id']} failed {MAX_TRIES} times: {text}")
        with self.changed:
            self.done += 1
            self.calls_per_portal[portal.url] += 1
            if self.node_2_down:
                self.while_down[action] += 1
            self.changed.notify_all()

    def client(self, i: int, request: dict[str, Any]) -> None:
        with requests.Session() as session:
            for step in range(len(STEPS)):
                self.call(i, request, step, session)

    def outage_of_node_2(self) -> None:
        """Stop node 2 once STOP_AT of the calls are done; start it again
        once DOWN_FOR more are done while it is down."""
        try:
            self._outage()
        finally:  # never leave the clients held
            with self.changed:
                self.restarting = True
                self.changed.notify_all()

    def _outage(self) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.done >= self.total * STOP_AT, timeout=600)
            self.outage["done_at_stop"] = self.done
        self.outage["leaders_before"] = {r["shard"]: r["node_name"]
                                         for r in self.cloud.replicas() if r.get("leader")}
        stopped = time.monotonic()
        self.outage["stop"] = self.cloud.script("stop-node", "2")
        with self.changed:
            self.node_2_down = True
            self.changed.wait_for(
                lambda: self.done >= self.total * (STOP_AT + DOWN_FOR), timeout=600)
        self.outage["status_while_down"] = self.cloud.script("status")
        with self.changed:
            self.restarting = True
            self.changed.notify_all()
        try:
            self.outage["start"] = self.cloud.script("start-node", "2")
        finally:
            with self.changed:
                self.node_2_down = False
                self.outage["done_while_down"] = self.done - self.outage["done_at_stop"]
            self.down_window = (stopped, time.monotonic())


def _public_ids() -> set[str]:
    model.Session.remove()
    return set(model.Session.execute(sa.text(
        "SELECT id FROM package WHERE state = 'active' AND private = false"
        " AND type = 'dataset'")).scalars())


def _search_ids(portal: Portal) -> tuple[int, set[str]]:
    answer = portal.api("package_search", rows=1000, timeout=REQUEST_TIMEOUT).json()["result"]
    return answer["count"], {d["id"] for d in answer["results"]}


REQUEST_LINK = re.compile(r"/permintaan-data/([0-9a-f-]{36})")


def test_two_portals_and_two_workers_on_solrcloud_lose_nothing_when_a_node_stops(
        clean_db: None, solrcloud: SolrCloud, smtp: Any, tmp_path: Path) -> None:
    started = time.monotonic()
    commit = config.get("ckan.search.solr_commit")
    titles = tuple(f"Indikator skala {n:02d}" for n in range(ITEMS))
    with contextlib.ExitStack() as stack:
        # the two web processes start while the region is built in-process
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            starting = [pool.submit(lambda n: stack.enter_context(
                serve(tmp_path / f"web-{n}.log")), n) for n in range(2)]
            # set-up, not under test: the index commits once at the end
            # (each commit opens new searchers on all four replicas)
            config["ckan.search.solr_commit"] = False
            try:
                region = build_region(titles)
                for request in region.requests:
                    producer = "produsen-a" if request["owner_org"] == region.opd_a["id"] \
                        else "produsen-b"
                    complete_metadata(request["package_id"], producer)
            finally:
                config["ckan.search.solr_commit"] = commit
            search.commit()
            tokens = {user["name"]: helpers.call_action(
                "api_token_create", context={"user": user["name"]}, user=user["name"],
                name="skala")["token"] for user in region.users.values()}
            model.Session.remove()
            portals = [f.result() for f in starting]
        # a neighbouring regency's portal shares the collection under its own site id
        neighbour = pysolr.Solr(solrcloud.collection_url, timeout=30)
        neighbour.add([{"index_id": f"{NEIGHBOUR_SITE}-{n}", "id": f"tetangga-{n}",
                        "site_id": NEIGHBOUR_SITE, "name": f"data-tetangga-{n}",
                        "title": "Indikator skala tetangga", "entity_type": "package",
                        "dataset_type": "dataset", "state": "active", "capacity": "public"}
                       for n in range(3)], commit=True)
        # the round's own e-mails went out at set-up: only the steps' are counted
        for queue in jobs.get_all_queues():
            queue.empty()
        smtp.take()
        workers = stack.enter_context(job_workers(2, tmp_path))
        setup_seconds = time.monotonic() - started

        drive = Drive(portals, solrcloud, region, tokens)
        run_started = time.monotonic()
        started_at = datetime.datetime.utcnow()
        with concurrent.futures.ThreadPoolExecutor(CLIENTS + 1) as pool:
            outage = pool.submit(drive.outage_of_node_2)
            clients = [pool.submit(drive.client, i, request)
                       for i, request in enumerate(region.requests)]
            for future in clients:
                future.result()
            outage.result()
        run_seconds = time.monotonic() - run_started

        # every notification job ran, once, on one of the two workers
        # a message per step, and the producers' of their data verified and
        # ready to publish (the last approval)
        expected_mail = len(region.requests) * (sum(TRANSITIONS.values()) + 2)
        wait_until(f"{expected_mail} e-mails", lambda: len(smtp.messages) >= expected_mail,
                   timeout=300, logs=(tmp_path / "worker-0.log", tmp_path / "worker-1.log"))
        queue = jobs.get_queue()
        wait_until("an empty job queue",
                   lambda: queue.count == 0 and queue.started_job_registry.count == 0,
                   timeout=60)
        # this test's two workers (a worker an earlier test killed stays
        # registered on the queue until its time to live runs out)
        ours = {process.pid for process in workers}
        worker_stats = {w.name: (w.successful_job_count, w.failed_job_count)
                        for w in rq.Worker.all(connection=connect_to_redis(), queue=queue)
                        if w.pid in ours}
        failed_jobs = queue.failed_job_registry.count
        assert all(w.poll() is None for w in workers), "a jobs worker died"
        tracebacks = [t for p in portals for t in p.tracebacks()]
        # what the public finds through either web process, after recovery
        searched = {portal.url: _search_ids(portal) for portal in portals}

    sent = smtp.take()
    solrcloud_replicas = solrcloud.replicas()
    report = (
        f"\nSolrCloud scale-out: {len(region.requests)} requests x {len(STEPS)} calls by "
        f"{CLIENTS} clients over 2 web processes {dict(drive.calls_per_portal)}, "
        f"2 jobs workers {worker_stats}\n"
        f"  cluster start {solrcloud.start_seconds:.1f} s, set-up {setup_seconds:.1f} s, "
        f"workflow {run_seconds:.1f} s, whole test {time.monotonic() - started:.1f} s\n"
        f"  node 2 (leader of {[s for s, n in drive.outage.get('leaders_before', {}).items() if str(solrcloud.ports[1]) in n]}): "
        f"{drive.outage.get('stop')}; {drive.outage.get('done_while_down')} calls done while "
        f"it was down or catching up {dict(drive.while_down)} "
        f"({drive.outage.get('status_while_down')}); {drive.outage.get('start')}\n"
        f"  {len(drive.failures)} failed calls retried, {len(tracebacks)} server tracebacks"
        + "".join(f"\n    {f[1]}: {f[2][:200]}" for f in drive.failures[:5]))
    print(report)

    # the outage happened while the workflow ran, with calls done meanwhile
    assert drive.down_window is not None, report
    assert "node2=down" in drive.outage["status_while_down"], report
    # datasets were edited and published (indexed) while node 2 was away
    assert drive.while_down["package_patch"] + drive.while_down[
        "satudata_request_publish"] > 0, report
    # a call failed only while node 2 was down or coming back, and only on search
    low, high = drive.down_window
    assert all(low - 1 <= at <= high + 5 for at, _c, _t in drive.failures), report
    assert all("Search" in t or "Solr" in t or "solr" in t for t in tracebacks), (
        report + "\n" + "\n".join(tracebacks[:2]))
    # ...and was refused cleanly: no call answered 500 (CKAN logs one refused
    # indexing as four tracebacks, so they are not counted against the calls)
    assert not [f for f in drive.failures if f[2].startswith("500")], report
    assert not [line for p in portals for line in p.log().splitlines()
                if re.search(r'HTTP/1\.1\S*" 5\d\d ', line)], report
    # both web processes served the clients
    assert len(drive.calls_per_portal) == 2, report

    # every request published once, each transition recorded once
    model.Session.remove()
    for request in region.requests:
        state = helpers.call_action("satudata_request_show", context={"user": "sysadmin-uji"},
                                    id=request["id"])["state"]
        assert state == "published", (request["id"], state)
        events = collections.Counter(model.Session.execute(
            sa.select(RequestEvent.transition).where(
                RequestEvent.request_id == request["id"])).scalars())
        assert events == EVENTS, (request["id"], events)

    # every e-mail once: seven per request, to whom each step concerns
    keys = collections.Counter(
        (m["to"].split("<")[-1].rstrip(">"), REQUEST_LINK.search(m["body"]).group(1),
         m["subject"]) for m in sent)
    assert all(n == 1 for n in keys.values()), [k for k, n in keys.items() if n > 1]
    assert len(sent) == expected_mail, report
    for request in region.requests:
        producer = drive.who("producer", request)
        assert {to for to, rid, _s in keys if rid == request["id"]} == {
            "verifikator@example.org", "kabid@example.org", "kadis@example.org",
            "admin-walidata@example.org", f"{producer}@example.org"}, request["id"]
    assert failed_jobs == 0, report
    # every job the run owed (the steps' e-mails, the data checks of the
    # edited datasets, the public requests' fulfilment on publish) done, each
    # by exactly one job run
    owed = model.Session.execute(sa.select(OutboxEntry.job, OutboxEntry.done_at).where(
        OutboxEntry.created >= started_at)).all()
    assert [job for job, done in owed if done is None] == [], report
    # one job per step (its e-mails: the producers' of verified and ready too)
    assert sum(job == "notify_transition" for job, _d in owed) \
        == len(region.requests) * sum(TRANSITIONS.values()), report
    # both workers took a share (a data check may also be brought up to date
    # by the submit itself, so the number of job runs is not fixed)
    assert len(worker_stats) == 2, report
    assert all(ok > 0 for ok, _failed in worker_stats.values()), report

    # search agrees with PostgreSQL, through either web process
    public = _public_ids()
    assert len(public) == len(region.requests)
    for url, (count, ids) in searched.items():
        assert count == len(public), (url, count, len(public))
        assert ids == public, url
    # node 2 caught up: both replicas of each shard hold the same documents,
    # the shards together hold this site's datasets and the neighbour's
    site_id = os.environ.get("CKAN_SITE_ID") or "satudata_test"
    assert all(r["state"] == "active" for r in solrcloud_replicas), solrcloud_replicas
    by_shard: dict[str, list[set[str]]] = collections.defaultdict(list)
    for replica in solrcloud_replicas:
        by_shard[replica["shard"]].append(solrcloud.replica_ids(replica, None))
    assert all(len(copies) == 2 and copies[0] == copies[1] for copies in by_shard.values()), {
        shard: [len(c) for c in copies] for shard, copies in by_shard.items()}
    everything = set().union(*(copies[0] for copies in by_shard.values()))
    ours = set().union(*(solrcloud.replica_ids(r, site_id) for r in solrcloud_replicas))
    assert ours == public
    assert everything == public | {f"tetangga-{n}" for n in range(3)}

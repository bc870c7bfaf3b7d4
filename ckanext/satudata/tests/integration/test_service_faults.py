# -*- coding: utf-8 -*-
"""Nothing is lost when a service fails, against real services stopped and
started again by the test.

Each test starts its **own** server on a free loopback port (a
``redis-server``; a Solr of ``solr/target`` with a Solr home of its own),
points the portal at it, stops it in the middle of the work and starts it
again on the same port. The shared services of ``scripts/services.sh`` are
never touched.

* Redis stopped during 20 workflow steps: every step is committed, the
  e-mails wait in the outbox; with Redis back, ``ckan satudata outbox
  drain`` (the cron command) and a real ``ckan satudata worker --burst`` deliver
  every expected message to the SMTP server exactly once, and running both
  again sends nothing.
* A jobs worker killed in the middle of sending a round's messages (the
  SMTP server holds the second one): the first is recorded as sent, the
  drain hands the row over again and the next worker sends only the second.
* Solr stopped while a publish commits: the publish is refused and nothing
  changes; with Solr back, ``package_search`` and PostgreSQL agree on which
  datasets are public, before and after the publish is taken again.
* Solr killed right after a publish (CKAN's commits are soft ones, written
  to disk by the automatic hard commit every 15 s): started again, it has
  the published dataset from its update log.
"""
from __future__ import annotations

import collections
import datetime
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest
import redis
import requests
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata import cli as satudata_cli
from ckanext.satudata.model import OutboxEntry

from ..conftest import free_port
from ..factories import complete_metadata, is_public, publish, request_state, to_ready

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[4]
CKAN_CMD = os.path.join(os.path.dirname(sys.executable), "ckan")


def _wait_for(condition: Callable[[], bool], timeout: float, what: str,
              process: Optional[subprocess.Popen] = None, log: Optional[Path] = None) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds or
    when ``process`` exits first (with the end of its ``log``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"{what} did not come up within {timeout} s\n{tail}")


class Server:
    """A process of the test's own, started and stopped by it."""

    name = "server"
    start_timeout = 30.0

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.log = workdir / f"{self.name}.log"
        self.process: Optional[subprocess.Popen] = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def answers(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        assert self.process is None
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command(), stdout=log,
                                            stderr=subprocess.STDOUT, cwd=self.workdir)
        _wait_for(self.answers, self.start_timeout, self.name, self.process, self.log)

    def stop(self) -> None:
        """Stop our process (only ours) and wait until it is gone."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self.process = None
        assert not self.answers()

    def crash(self) -> None:
        """Kill our process as a crash would (SIGKILL: nothing is flushed)."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)
        self.process = None


class RedisServer(Server):
    name = "redis"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
                "--save", "", "--appendonly", "no", "--dir", str(self.workdir)]

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1).ping())
        except redis.exceptions.RedisError:
            return False


class SolrServer(Server):
    """``solr/target``'s loopback Solr (as scripts/services.sh starts it)
    with a Solr home of its own: ``solr/solr.xml`` and a core ``ckan`` with
    the configset services.sh gives it (``scripts/solrcloud.sh configset``:
    ``solr/conf`` with the schema of the installed CKAN, adapted for the
    update log)."""

    name = "solr"
    start_timeout = 240.0  # a JVM on a busy 2-core machine

    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir)
        self.home = workdir / "solr-home"
        subprocess.run([str(ROOT / "scripts" / "solrcloud.sh"), "configset",
                        str(self.home / "ckan" / "conf")],
                       check=True, capture_output=True, timeout=120)
        shutil.copy(ROOT / "solr" / "solr.xml", self.home / "solr.xml")
        (self.home / "ckan" / "core.properties").write_text("name=ckan\n")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/solr/ckan"

    def command(self) -> list[str]:
        target = ROOT / "solr" / "target"
        return ["java", "-Xms128m", "-Xmx384m",
                "-XX:CompileCommand=exclude,com.github.benmanes.caffeine.cache."
                "BoundedLocalCache::put",
                f"-Dlog4j2.configurationFile={ROOT / 'solr' / 'log4j2.xml'}",
                "-Dsolr.log.muteconsole=true", f"-Dsolr.log.dir={self.workdir}",
                "-Dhost=127.0.0.1", "-Djetty.host=127.0.0.1",
                "-cp", f"{target / 'classes'}:{target / 'lib'}/*",
                "id.satudata.solr.LoopbackSolr", str(self.home), str(self.port)]

    def answers(self) -> bool:
        try:
            response = requests.get(f"{self.url}/admin/ping?wt=json", timeout=5)
            return response.ok and response.json().get("status") == "OK"
        except (requests.RequestException, ValueError):
            return False


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (scripts/bootstrap.sh)")
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def own_solr(tmp_path: Path) -> Iterator[SolrServer]:
    if not (ROOT / "solr" / "target" / "lib").is_dir():
        pytest.fail("solr/ is not built (scripts/bootstrap.sh)")
    server = SolrServer(tmp_path)
    yield server
    server.stop()


def _ckan(ini: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """A real ``ckan`` command with the test's configuration and environment
    (database, site id, and the Redis and SMTP server the fixtures set)."""
    return subprocess.run([CKAN_CMD, "-c", ini, *args], capture_output=True, text=True,
                          timeout=timeout)


def _address(message: dict[str, str]) -> str:
    return message["to"].split("<")[-1].rstrip(">")


def test_mail_owed_while_redis_is_stopped_arrives_exactly_once(
        region, smtp, jobs_at, own_redis, ckan_config):
    ini = ckan_config["__file__"]
    own_redis.start()
    jobs_at(own_redis.url)
    requests_ = [region.request_of(region.opd_a), region.request_of(region.opd_b)]
    producers = {requests_[0]["id"]: "produsen-a", requests_[1]["id"]: "produsen-b"}
    for req in requests_:
        complete_metadata(req["package_id"], producers[req["id"]])

    own_redis.stop()
    # 20 steps, each e-mailing someone: submit, then return and resubmit in turn
    expected: collections.Counter[str] = collections.Counter()
    notes = []
    for round_no in range(5):
        for req in requests_:
            producer = "producer" if producers[req["id"]] == "produsen-a" else "producer_b"
            if round_no == 0:
                region.call(producer, "satudata_request_submit", id=req["id"])
            else:
                region.call(producer, "satudata_request_resubmit", id=req["id"],
                            note="Sudah diperbaiki")
            expected["verifikator@example.org"] += 1
            note = f"Perbaiki tabel, putaran {round_no} ({producers[req['id']]})"
            region.call("verifier", "satudata_request_return", id=req["id"], note=note)
            expected[f"{producers[req['id']]}@example.org"] += 1
            notes.append(note)
    assert sum(expected.values()) == 20
    assert {request_state(region, r) for r in requests_} == {"returned"}
    model.Session.remove()
    owed = model.Session.execute(
        sa.select(sa.func.count()).select_from(OutboxEntry)
        .where(OutboxEntry.job == "notify_transition", OutboxEntry.enqueued_at.is_(None))
    ).scalar_one()
    assert owed == 20
    assert smtp.take() == []

    own_redis.start()  # a new process on the same port, its memory empty
    drained = _ckan(ini, "satudata", "outbox", "drain")
    assert drained.returncode == 0, drained.stderr
    assert "20 handed to the jobs queue, 0 waiting" in drained.stdout
    worker = _ckan(ini, "satudata", "worker", "--burst")
    assert worker.returncode == 0, worker.stderr

    sent = smtp.take()
    assert collections.Counter(_address(m) for m in sent) == expected, sent
    for note in notes:  # each return's message once, with its own reason
        assert sum(note in m["body"] for m in sent) == 1, note

    # cron's next drain and another worker: nothing is sent again
    drained = _ckan(ini, "satudata", "outbox", "drain")
    assert drained.returncode == 0 and "0 handed" in drained.stdout, drained
    worker = _ckan(ini, "satudata", "worker", "--burst")
    assert worker.returncode == 0, worker.stderr
    assert smtp.take() == []


def _round_sent_entry() -> OutboxEntry:
    model.Session.remove()
    return model.Session.execute(sa.select(OutboxEntry).where(
        OutboxEntry.job == "notify_round_sent")).scalar_one()


@pytest.mark.ckan_config("satudata.outbox.retry_after", 0)
def test_a_worker_killed_mid_send_leaves_only_the_rest_to_send(
        region, smtp, ckan_config, cli, tmp_path):
    ini = ckan_config["__file__"]
    # the region's round owes one message to each OPD's producers (OPD A's
    # first); the SMTP server hangs on the second
    smtp.held.add("produsen-b@example.org")
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen([CKAN_CMD, "-c", ini, "satudata", "worker", "--burst"],
                                  stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        _wait_for(smtp.holding.is_set, 180, "the worker's second message", worker,
                  tmp_path / "worker.log")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its work horse
        worker.wait(timeout=30)
    assert [_address(m) for m in smtp.take()] == ["produsen-a@example.org"]
    entry = _round_sent_entry()
    assert entry.done_at is None and len(entry.sent) == 1

    smtp.held.clear()
    result = cli.invoke(satudata_cli.satudata, ["outbox", "drain"])
    assert result.exit_code == 0, result.output
    entry = _round_sent_entry()
    assert "1 handed to the jobs queue" in result.output, (
        result.output, entry.attempts, entry.enqueued_at, entry.done_at,
        datetime.datetime.utcnow(), tk.config.get("satudata.outbox.retry_after"))
    again = _ckan(ini, "satudata", "worker", "--burst")
    assert again.returncode == 0, again.stderr
    assert [_address(m) for m in smtp.take()] == ["produsen-b@example.org"]
    assert _round_sent_entry().done_at is not None


def _public_in_database() -> set[str]:
    model.Session.remove()
    return set(model.Session.execute(sa.select(model.Package.id).where(
        model.Package.state == "active", model.Package.private.is_(False),
        model.Package.type == "dataset")).scalars())


def _public_in_search() -> set[str]:
    found = tk.get_action("package_search")(
        {"user": "", "ignore_auth": False}, {"q": "*:*", "rows": 1000, "fl": "id"})
    assert found["count"] == len(found["results"])
    return {pkg["id"] for pkg in found["results"]}


def _stop_when_committing(server: Server) -> Callable[[Any], None]:
    """Stop ``server`` at the next commit of the session, before CKAN indexes
    the changed datasets (its listener comes after this one)."""
    def stop(session: Any) -> None:
        server.stop()

    sa.event.listen(model.Session, "before_commit", stop, once=True, insert=True)
    return stop


def test_solr_stopped_during_publish_then_search_and_database_agree(
        region, own_solr, search_at):
    own_solr.start()
    search_at(own_solr.url)
    model.Session.remove()
    package_ids = list(model.Session.execute(sa.select(model.Package.id).where(
        model.Package.state == "active")).scalars())
    search.rebuild(package_ids=package_ids, defer_commit=True, quiet=True)
    search.commit()

    first, second = region.request_of(region.opd_a), region.request_of(region.opd_b)
    to_ready(region, first)
    to_ready(region, second)
    publish(region, second)
    assert _public_in_search() == _public_in_database() == {second["package_id"]}

    stop = _stop_when_committing(own_solr)
    try:
        with pytest.raises(tk.ValidationError) as refused:
            publish(region, first)
    finally:
        if sa.event.contains(model.Session, "before_commit", stop):
            sa.event.remove(model.Session, "before_commit", stop)
    assert own_solr.process is None, "Solr was not stopped during the publish"
    assert "search" in refused.value.error_dict
    # nothing of the publish was kept
    assert request_state(region, first) == "ready"
    assert not is_public(first["package_id"])

    own_solr.start()
    assert _public_in_search() == _public_in_database() == {second["package_id"]}
    # taken again with Solr back, the publish goes through, and both agree
    publish(region, first)
    assert request_state(region, first) == "published"
    assert _public_in_search() == _public_in_database() == {
        first["package_id"], second["package_id"]}


def test_solr_killed_after_a_publish_still_has_it_when_started_again(
        region, own_solr, search_at):
    own_solr.start()
    search_at(own_solr.url)
    model.Session.remove()
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    assert _public_in_search() == {request["package_id"]}

    # well before Solr's automatic hard commit (15 s) writes the index
    own_solr.crash()
    own_solr.start()
    # Solr replays its update log in the background once it answers
    _wait_for(lambda: _public_in_search() == {request["package_id"]}, 60,
              "the published dataset in the search of the restarted Solr",
              own_solr.process, own_solr.log)
    assert _public_in_search() == _public_in_database()

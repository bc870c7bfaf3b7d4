# -*- coding: utf-8 -*-
"""Fixtures shared by the satudata tests. Everything runs against the real
PostgreSQL, Solr and Redis started by scripts/services.sh.

What CKAN's own fixtures redo for every test, and nothing here changes
between tests, is done once per session (measured on the 2-core machine:
~1.2 s to reload the plugins, ~1.1 s to build the Flask app and ~0.5 s to run
two plugins' migrations, against ~0.07 s to empty the tables):

* the plugins of ``test.ini`` are loaded once (``with_plugins``); CKAN
  turns declared options into their types when plugins load, so a
  ``ckan_config`` mark gives the typed value (``False``, a list);
* one Flask app serves every test (``app``): a test client keeps no state
  between calls, and configuration is read per request;
* the migrations of ``activity`` and ``satudata`` run once; ``clean_db``
  then only empties the tables, as CKAN's ``reset_db`` does.

A world the tests need (the region, …) is built once per session through
the real actions and put back for each test (``world_of``, :class:`Snapshot`).
"""
from __future__ import annotations

import asyncio
import contextlib
import email
import email.message
import email.policy
import os
import socket
import copy
import threading
import time
from typing import Any, Callable, Iterator, Optional

import pytest
import rq
import sqlalchemy as sa
from aiosmtpd.controller import Controller

import ckan.model as model
import ckan.plugins as plugins
from ckan.common import config
from ckan.lib.app_globals import _CONFIG_CACHE
from ckan.tests import helpers as test_helpers

_ENGINES: dict[str, Any] = {}
_MIGRATED: set[str] = set()


def _pooled_engine() -> Any:
    """The pooled engine CKAN itself runs on (one per database URL)."""
    url = config["sqlalchemy.url"]
    if url not in _ENGINES:
        _ENGINES[url] = sa.engine_from_config(config, "sqlalchemy.", client_encoding="utf8")
    return _ENGINES[url]


@pytest.fixture(scope="session")
def _test_app() -> Iterator[Any]:
    """The test app, built once for the session: building it loads the
    plugins of test.ini (CKAN's ``load_environment``). Loading them first
    on their own, as CKAN's ``with_plugins`` does, and then again for the
    app cost each test process one more load of every plugin (~1.5 s)."""
    app = test_helpers._get_test_app()
    yield app
    plugins.unload_non_system_plugins()


@pytest.fixture
def app_of_the_ini(_test_app: Any, ckan_config: Any) -> Any:
    """A test app built for this test, with its ``ckan_config`` marks (the
    session's app was built with test.ini's values: a setting read when the
    app is built, a middleware's or CKAN's CSRF exemptions, needs its own)."""
    return test_helpers._get_test_app()


@pytest.fixture(scope="session")
def with_plugins(_test_app: Any) -> None:
    """The plugins of test.ini, loaded once for the whole session."""


@pytest.fixture(scope="session", autouse=True)
def _letters_rendered_once() -> Iterator[None]:
    """A letter's PDF is rendered by WeasyPrint once per distinct HTML in
    the session (``letters.pdf_bytes``): every test that runs the jobs of
    the restored region sent its round's letters again, each a WeasyPrint
    rendering of the same HTML (about 2 % of the suite's time). What a
    letter says still comes from its record at each call."""
    from ckanext.satudata.lib import letters

    render = letters.pdf_bytes
    rendered: dict[str, bytes] = {}

    def pdf_bytes(letter: Any) -> bytes:
        html = letters.letter_html(letter)
        if html not in rendered:
            rendered[html] = render(letter)
        return rendered[html]

    patch = pytest.MonkeyPatch()
    patch.setattr(letters, "pdf_bytes", pdf_bytes)
    yield
    patch.undo()


#: pbkdf2 rounds of the tests' password hashes (CKAN's: 25,000, ~30 ms of CPU
#: for each hash and each login)
TEST_HASH_ROUNDS = 1000


@pytest.fixture(scope="session", autouse=True)
def _passwords_hashed_cheaply() -> Iterator[None]:
    """Passwords are hashed with CKAN's algorithm (passlib's
    ``pbkdf2_sha512``, CKAN's salt size) but fewer rounds, as Django's
    documentation advises for test suites. Each user of a run, each site
    user made again after the tables are emptied (a random password), and
    each login through the login form paid ~30 ms of CPU: ~6 % of the fast
    suite's test processes. The hashes are real: logins verify them."""
    from ckan.model import user

    patch = pytest.MonkeyPatch()
    patch.setattr(user, "pbkdf2_sha512", user.pbkdf2_sha512.using(rounds=TEST_HASH_ROUNDS))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _plugins_loaded(with_plugins: None) -> None:
    """Every test runs with the plugins of test.ini loaded; values cached
    from the configuration by a previous test are forgotten (as CKAN's
    ``make_app`` fixture does)."""
    _CONFIG_CACHE.clear()


@pytest.fixture(scope="session")
def app(_test_app: Any) -> Any:
    """One test app for the session (CKAN builds one per test)."""
    return _test_app


@pytest.fixture(scope="session")
def reset_queues() -> Any:
    """Empties this site's job queues. CKAN's empties every queue of the
    Redis database, those of the other test workers (and of a portal
    sharing the database) too."""

    def empty() -> None:
        from ckan.lib import jobs

        for queue in jobs.get_all_queues():
            # and its registries: a job of a worker killed by an earlier test
            # was moved from "started" to "failed" during a later test
            for registry in (queue.started_job_registry, queue.failed_job_registry,
                             queue.finished_job_registry, queue.deferred_job_registry,
                             queue.scheduled_job_registry, queue.canceled_job_registry):
                queue.connection.delete(registry.key)  # its jobs may be gone already
            queue.empty()
            queue.delete()

    return empty


@pytest.fixture(scope="session")
def empty_db(reset_db: Any, migrate_db_for: Any) -> Any:
    """Empties CKAN's tables, the satudata tables included. The first call
    of the session resets the database as CKAN does and runs the migrations
    of the plugins whose tables the tests use (CKAN's reset only creates
    core tables); later calls empty every table in one round trip (CKAN's
    reset asks for each table whether it exists, then empties it)."""

    def empty() -> None:
        url = config["sqlalchemy.url"]
        if url not in _MIGRATED:
            reset_db()
            migrate_db_for("activity")
            migrate_db_for("satudata")
            _MIGRATED.add(url)
            # CKAN's migration environment binds the session to a NullPool
            # engine: every checkout would open a new PostgreSQL connection
            # (~40 ms each); give the session back a pooled engine, as the
            # running portal has
            model.Session.remove()
            model.init_model(_pooled_engine())
            return
        model.Session.remove()
        with _pooled_engine().begin() as conn:
            conn.execute(sa.text("; ".join(
                f'DELETE FROM "{name}"' for name in reversed(_table_names(conn)))))

    return empty


_TABLES: dict[str, list[str]] = {}


def _table_names(conn: Any) -> list[str]:
    """The tables of the models, in the order of their dependencies, that
    exist in the database (alembic's version tables left out, and the
    request counts: PostgreSQL's triggers empty and fill them with the
    requests; CKAN's reset puts every table of the database into the
    metadata). Read once per database, after its migrations ran (a test
    creates no table: the inspection and the sort took about a third of
    putting a world back)."""
    from ckanext.satudata.model.workflow import request_count

    url = str(conn.engine.url)
    if url not in _TABLES:
        existing = set(sa.inspect(conn).get_table_names())
        _TABLES[url] = [t.name for t in model.meta.metadata.sorted_tables
                        if t.name in existing and not t.name.endswith("alembic_version")
                        and t.name != request_count.name]
    return _TABLES[url]


@pytest.fixture
def clean_db(empty_db: Any, reset_queues: Any, with_plugins: None) -> None:
    """CKAN's clean_db, with the satudata tables: empty tables for each test,
    and no job left queued by a previous one."""
    empty_db()
    reset_queues()



class Inbox:
    """The messages a real SMTP server (aiosmtpd) on a free loopback port
    received."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        #: addresses the server refuses (550) while listed
        self.refused: set[str] = set()
        #: addresses the server does not answer for while listed (a sender
        #: hangs there); ``holding`` is set once one was asked for
        self.held: set[str] = set()
        self.holding = threading.Event()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        if address in self.held:
            self.holding.set()
            while address in self.held:
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    @staticmethod
    def recipients(messages: list[dict[str, str]]) -> set[str]:
        """The addresses ``messages`` went to."""
        return {m["to"].split("<")[-1].rstrip(">") for m in messages}

    def take(self) -> list[dict[str, str]]:
        """The messages received since the last call: to, subject, body."""
        with self.lock:
            taken, self.messages = self.messages, []
        return [{"to": str(m["To"]), "subject": str(m["Subject"]),
                 "body": m.get_body(("plain",)).get_content()} for m in taken]


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free now (bound to port 0, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def statements_run() -> Iterator[list[str]]:
    """The SQL statements CKAN's engine runs inside the block, in order."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = model.meta.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


def wait_until_blocked(thread: threading.Thread, timeout: float = 30) -> None:
    """Wait (on the condition, not a fixed time) until a transaction of the
    database waits for a lock: ``thread``'s, started to race one the test
    holds open."""
    waiting = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                      "current_database() AND wait_event_type = 'Lock'")
    deadline = time.monotonic() + timeout
    # each probe in a transaction of its own: PostgreSQL keeps one snapshot
    # of pg_stat_activity per transaction, and a wait that began after the
    # first probe was seen only at the timeout
    with model.meta.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as probe:
        while not probe.execute(waiting).scalar() and time.monotonic() < deadline:
            thread.join(0.05)


def _answering(change: Callable[[], Any], app: Any = None
               ) -> tuple[threading.Thread, list[Any]]:
    """``change`` started in another thread (in a request of ``app``, if
    given): the thread, and the list its answer (its result, or the
    exception it raised) goes into."""
    outcome: list[Any] = []

    def run() -> None:
        context = app.flask_app.test_request_context("/") if app is not None \
            else contextlib.nullcontext()
        with context:
            try:
                outcome.append(change())
            except Exception as e:  # noqa: BLE001 (what it answered is the point)
                outcome.append(e)
            finally:
                model.Session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def answer_while_held(change: Callable[[], Any], app: Any = None,
                      then: Optional[Callable[[], Any]] = None) -> Any:
    """What ``change`` answers (its result, or the exception it raised) when
    it runs in another thread (in a request of ``app``, if given) while the
    test's open transaction holds a lock it needs: found waiting, then
    ``then`` runs (the test's transaction going on), then the transaction
    commits and the answer is awaited. The session is fresh afterwards."""
    thread, outcome = _answering(change, app)
    wait_until_blocked(thread)
    assert thread.is_alive() and not outcome, "the change did not wait for the lock"
    if then is not None:
        then()
    model.Session.commit()
    thread.join(60)
    model.Session.remove()
    assert outcome, "the change did not end"
    return outcome[0]


def answer_beside_held(change: Callable[[], Any]) -> Any:
    """What ``change`` answers when it runs in another thread while the
    test's open transaction holds locks it must not wait for: it must end
    before the transaction does (then the transaction commits)."""
    thread, outcome = _answering(change)
    thread.join(30)
    ended = bool(outcome)
    model.Session.commit()
    thread.join(60)
    model.Session.remove()
    assert ended, "the change waited for the test's transaction"
    return outcome[0]


@pytest.fixture
def smtp(ckan_config: Any, monkeypatch: Any) -> Iterator[Inbox]:
    """A real SMTP server the portal sends to (``smtp.server``, also in the
    environment: a ``ckan`` command a test invokes reads it from there)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{port}")
    monkeypatch.setenv("CKAN_SMTP_SERVER", f"127.0.0.1:{port}")
    yield inbox
    controller.stop()


@pytest.fixture
def jobs_at(ckan_config: Any, monkeypatch: Any) -> Callable[[str], None]:
    """``jobs_at(url)`` moves the portal's jobs queue to the Redis at ``url``
    (``ckan.redis.url``, also in the environment for a ``ckan`` command the
    test starts) for the rest of the test: a server the test runs, or a port
    where nothing listens. Put back at teardown."""
    from ckan.lib import jobs, redis

    monkeypatch.setattr(redis, "_connection_pool", None)
    monkeypatch.setattr(jobs, "_queues", {})

    def point(url: str) -> None:
        monkeypatch.setitem(ckan_config, "ckan.redis.url", url)
        monkeypatch.setenv("CKAN_REDIS_URL", url)
        redis._connection_pool = None
        jobs._queues.clear()

    return point


@pytest.fixture
def search_at(ckan_config: Any, monkeypatch: Any) -> Callable[[str], None]:
    """``search_at(url)`` moves the portal's search index to the Solr core
    at ``url`` (``solr_url``, also in the environment) for the rest of the
    test; put back at teardown."""
    from ckan.lib.search.common import SolrSettings

    monkeypatch.setattr(SolrSettings, "_url", SolrSettings._url)

    def point(url: str) -> None:
        monkeypatch.setitem(ckan_config, "solr_url", url)
        monkeypatch.setenv("CKAN_SOLR_URL", url)
        SolrSettings._url = url

    return point


@pytest.fixture
def run_jobs(with_test_worker: None) -> Any:
    """Runs the queued jobs in this process, as ``ckan jobs worker --burst``
    runs them in its own (CKAN's ``with_test_worker``: without forking);
    a job that fails fails the test. One test
    (integration/test_real_worker.py) starts a real worker process.

    CKAN's worker disposes of the database engine before each job, so that
    a forked child shares no connection with its parent; with no fork that
    only closes the pool, and every job then opened new PostgreSQL
    connections (~15-20 ms each, about 5 % of the suite's time): the pool
    is kept here."""
    from ckan.lib import jobs

    def run() -> None:
        worker = jobs.Worker()
        with pytest.MonkeyPatch.context() as m:
            m.setattr(model.meta.engine, "dispose", lambda *args, **kwargs: None)
            worker.work(burst=True)
        failed = worker.queues[0].failed_job_registry
        job_ids = failed.get_job_ids()
        if job_ids:
            details = [(job.func_name, job.exc_info)
                       for job in (rq.job.Job.fetch(i, connection=worker.connection)
                                   for i in job_ids)]
            for job_id in job_ids:
                failed.remove(job_id, delete_job=True)
            pytest.fail(f"background jobs failed: {details}")

    return run


class Snapshot:
    """A world built once per session and put back for each test that
    needs it: the rows of every table (kept in unlogged tables of the schema
    ``satudata_snapshot``), the datasets to index again, and the jobs the
    building queued. Putting it back empties the tables, the index and the
    queues first, so a test starts from exactly the world its builder made,
    at a tenth of the cost of building it (measured: ~0.25 s against ~2 s
    for the region)."""

    SCHEMA = "satudata_snapshot"

    def __init__(self, key: str, value: Any) -> None:
        self.key = key
        self.value = value
        self.tables: list[str] = []
        self.package_ids: list[str] = []
        self.jobs: list[tuple[str, tuple, dict, Optional[str]]] = []
        #: the documents CKAN sent to Solr when it indexed the world's
        #: datasets again at the first restore (None before it)
        self.documents: Optional[list[dict[str, Any]]] = None

    def take(self) -> None:
        from ckan.lib import jobs

        model.Session.remove()
        with _pooled_engine().begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{self.SCHEMA}"'))
            for name in _table_names(conn):
                copy = f'"{self.SCHEMA}"."{self.key}__{name}"'
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {copy}"))
                conn.execute(sa.text(f'CREATE UNLOGGED TABLE {copy} AS SELECT * FROM "{name}"'))
                if conn.execute(sa.text(f"SELECT count(*) FROM {copy}")).scalar():
                    self.tables.append(name)
            self.package_ids = [row[0] for row in conn.execute(sa.text(
                "SELECT id FROM package WHERE state = 'active'"))]
        for job in jobs.get_queue().jobs:
            self.jobs.append((job.func_name, tuple(job.args), dict(job.kwargs),
                              job.meta.get("title")))

    def _index_again(self) -> list[dict[str, Any]]:
        """Indexes the world's datasets as CKAN does (``search.rebuild``:
        each dataset shown, then its document built by CKAN and the plugins,
        without a commit) and answers the documents sent to Solr: the same
        rows give the same documents, so later restores send these again
        (``package_show`` and the index plugins took ~60 % of a restore)."""
        import pysolr
        from ckan.lib import search

        sent: list[dict[str, Any]] = []
        add = pysolr.Solr.add

        def recorded_add(solr: Any, docs: Any, *args: Any, **kwargs: Any) -> Any:
            sent.extend(copy.deepcopy(list(docs)))
            return add(solr, docs, *args, **kwargs)

        with pytest.MonkeyPatch.context() as m:
            m.setattr(pysolr.Solr, "add", recorded_add)
            search.rebuild(package_ids=self.package_ids, defer_commit=True, quiet=True)
        return sent

    def restore(self, empty_db: Any, reset_queues: Any) -> Any:
        from ckan.lib import jobs, search
        from ckan.lib.search.common import make_connection

        empty_db()
        reset_queues()
        with _pooled_engine().begin() as conn:
            conn.execute(sa.text("SELECT 1; " + "; ".join(
                f'INSERT INTO "{name}" SELECT * FROM "{self.SCHEMA}"."{self.key}__{name}"'
                for name in self.tables)))
            # the world's owed jobs are queued again below, now: its outbox
            # rows were handed over now too (not due again for a retry)
            conn.execute(sa.text("UPDATE satudata_outbox SET enqueued_at = "
                                 "(now() AT TIME ZONE 'utc') WHERE enqueued_at IS NOT NULL"))
        # the index: this site's documents out, the world's datasets in, one commit
        make_connection().delete(q=f'+site_id:"{config["ckan.site_id"]}"', commit=False)
        if self.documents is None:
            self.documents = self._index_again()
            search.commit()
        elif self.documents:  # added and committed in one request
            make_connection().add(docs=copy.deepcopy(self.documents), commit=True)
        else:
            search.commit()
        for func_name, args, kwargs, title in self.jobs:
            job = jobs.get_queue().enqueue_call(func=func_name, args=args, kwargs=kwargs)
            if title:
                job.meta["title"] = title
                job.save_meta()
        model.Session.remove()
        return copy.deepcopy(self.value)


_SNAPSHOTS: dict[tuple[str, str], Snapshot] = {}


@pytest.fixture(scope="session")
def world_of(empty_db: Any, reset_index: Any, reset_queues: Any, with_plugins: None) -> Any:
    """``world_of(key, builder)``: the world ``builder()`` makes, built once
    per session (per test database) and put back for each call
    (:class:`Snapshot`). ``builder`` must only use the real actions."""

    def world(key: str, builder: Callable[[], Any]) -> Any:
        index = (config["sqlalchemy.url"], key)
        if index not in _SNAPSHOTS:
            empty_db()
            reset_index()
            reset_queues()
            snapshot = Snapshot(key, builder())
            snapshot.take()
            _SNAPSHOTS[index] = snapshot
        return _SNAPSHOTS[index].restore(empty_db, reset_queues)

    return world


@pytest.fixture
def region(world_of: Any) -> Any:
    """A small region (:func:`.factories.build_region`) for a test that
    changes it: a fresh copy for every test."""
    from .factories import build_region

    return world_of("region", build_region)


@pytest.fixture
def magetan_region(ckan_config: Any, world_of: Any) -> Any:
    """The region with Magetan's people and its items of 2027
    (:func:`.factories.magetan_world`), for a test marked ``magetan``:
    built once on the region's world and put back for each test."""
    from .factories import build_region, magetan_world

    return world_of("magetan", lambda: magetan_world(world_of("region", build_region)))


def pytest_configure(config: Any) -> None:
    """In a pytest-xdist worker (``scripts/test.sh`` starts one per CPU
    core), CKAN runs on the worker's own database and Solr site id, set
    before CKAN's pytest plugin reads its configuration: the workers never
    see each other's rows, documents or jobs (the queues are named after the
    site id)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("CKAN_SQLALCHEMY_URL")
    if not worker or not url:
        return
    os.environ["CKAN_SQLALCHEMY_URL"] = f"{url}_{worker}"
    # the DataStore database beside the worker's (scripts/lib.sh: <db>_datastore)
    for name in ("CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL"):
        ds_url = os.environ.get(name)
        if ds_url and ds_url.endswith("_datastore"):
            os.environ[name] = f"{ds_url[:-len('_datastore')]}_{worker}_datastore"
    os.environ["CKAN_SITE_ID"] = f"{os.environ.get('CKAN_SITE_ID', 'satudata_test')}_{worker}"

# -*- coding: utf-8 -*-
"""The outbox: background work owed by a committed change, kept in
PostgreSQL until the jobs queue has it, and done once.

Why
    E-mails and other background work used to be put on the jobs queue
    (Redis) by a signal receiver after the commit. With Redis unreachable at
    that moment the change was committed and its work lost (the receiver
    only logged). Now the work is a row of ``satudata_outbox``
    (:class:`~..model.OutboxEntry`) written by :func:`add` **in the same
    transaction** as the change: both are committed, or neither.

Handing over (:func:`drain`)
    After a commit that added rows, the session's ``after_commit`` listener
    drains the outbox: the pending rows, oldest first (those of earlier
    failed drains too, at most :data:`AFTER_COMMIT_BATCH`), are put on the
    jobs queue as :func:`..jobs.deliver` with the row id
    as the RQ job id, and marked ``enqueued_at``. It runs on a connection of
    its own (the committing session cannot run SQL any more) and takes the
    rows ``FOR UPDATE SKIP LOCKED``: two processes draining at once never
    hand over the same row. When Redis does not answer, the rows stay
    pending and the request that committed goes on; they are handed over by
    the next drain: after any later commit that adds work, or by ``ckan
    satudata outbox drain`` (cron, every minute; README). CKAN 2.11's jobs
    worker has no start-up hook (``IForkObserver.before_fork`` runs before
    each job, and a worker with an empty queue runs none), so cron is the
    drain that does not depend on traffic. A row handed over but not done
    after ``satudata.outbox.retry_after`` seconds (its job was lost with
    Redis' memory, or its worker died) is handed over again, at most
    ``satudata.outbox.max_attempts`` times; after that ``ckan satudata
    outbox status`` lists it for the operator.

Doing it once (:func:`deliver`)
    A row may be handed over more than once (a drain whose bookkeeping
    commit failed after Redis took the job, a retry, a duplicate job). The
    job therefore takes a PostgreSQL advisory lock on the row (a second copy
    running at the same time returns at once), does nothing if the row is
    ``done_at``, and marks it done when the work returned. Messages are
    counted one by one: :func:`.notifications.send` skips a message whose
    key (recipient and content) is in the row's ``sent`` list and commits
    the key right after the SMTP server accepted it.

    **A worker that dies mid-send** (killed, machine lost) releases the lock
    with its connection; the row is not done, so after ``retry_after`` it
    is handed over again and sends only the messages not yet recorded. The
    one message that can reach its recipient twice is the one the SMTP
    server accepted in the instant before its key was committed: at least
    once, never lost, rather than marking the row done first and losing the
    rest of the messages on a crash. A job that fails (an exception, e.g.
    the SMTP server refusing) keeps its error on the row and is retried the
    same way.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime
import logging
import re
from typing import Any, Callable, Iterator, Optional

import redis.exceptions
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import jobs

from ..model import OutboxEntry

log = logging.getLogger(__name__)

__all__ = ["add", "add_once", "drain", "deliver", "cancel", "ledger", "Ledger", "Drained", "status",
           "prune"]

_TABLE = OutboxEntry.__table__
#: ``session.info`` key: the transaction added rows, drain after its commit
_ADDED = "satudata_outbox_added"
#: the most rows a commit hands over (after an outage the backlog goes in
#: batches, one per commit that owes work, the rest by cron's drain)
AFTER_COMMIT_BATCH = 100
#: the jobs a row may name (:func:`register`), and what the queue runs for a
#: row (:func:`ckanext.satudata.jobs.deliver`, by its dotted path)
_JOBS: dict[str, Callable[..., Any]] = {}
DELIVER = "ckanext.satudata.jobs.deliver"
#: the errors of an unreachable jobs queue
QUEUE_ERRORS = (redis.exceptions.RedisError, OSError)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


# -- writing ------------------------------------------------------------------------------

def add(job: str, args: list[Any], *, title: str,
        timeout: Optional[int] = None) -> OutboxEntry:
    """Owe the background job named ``job`` (a registered function of
    :mod:`ckanext.satudata.jobs`) with ``args`` (JSON) once the current
    transaction commits; it is handed to the jobs queue after the commit
    (nothing if the transaction rolls back). ``timeout`` in seconds."""
    _job(job)  # refuse an unknown job now, not in the worker
    entry = OutboxEntry(id=model.types.make_uuid(), job=job, args=list(args), title=title,
                        timeout=timeout, created=_utcnow(), attempts=0, sent=[])
    model.Session.add(entry)
    model.Session().info[_ADDED] = True
    return entry


def add_once(job: str, args: list[Any], *, title: str,
             timeout: Optional[int] = None) -> None:
    """:func:`add`, unless the same job with the same ``args`` is owed and
    not handed over yet (one per dataset for the jobs that redo a dataset's
    work from its current state)."""
    waiting = model.Session.execute(
        sa.select(OutboxEntry.id).where(
            OutboxEntry.job == job, OutboxEntry.enqueued_at.is_(None),
            OutboxEntry.done_at.is_(None),
            OutboxEntry.args == sa.cast(list(args), OutboxEntry.args.type))
        .limit(1)).first()
    if waiting is None:
        add(job, args, title=title, timeout=timeout)


def register(fn: Callable[..., Any], *, message: bool = False) -> Callable[..., Any]:
    """Make ``fn`` (a job of :mod:`ckanext.satudata.jobs`, which registers
    each of its jobs) a job an outbox row may name. The domain names jobs
    by name; it never imports the jobs module above it. ``message``: the
    job only sends e-mails, and is handed to the front of the queue."""
    _JOBS[fn.__name__] = fn
    if message:
        _MESSAGES.add(fn.__name__)
    return fn


#: the jobs that only send e-mails (:func:`register`): a producer saving a
#: dataset again and again owed a data check and a DataStore load for each
#: save, and a citizen's acknowledgement waited five minutes behind 700 of
#: them; a message is handed to the front of the queue (RQ's ``at_front``)
_MESSAGES: set[str] = set()


def _job(name: str) -> Callable[..., Any]:
    if name not in _JOBS:
        raise ValueError(f"not a job of ckanext.satudata.jobs: {name}")
    return _JOBS[name]


def _drain_after_commit(session: Any) -> None:
    if not session.info.pop(_ADDED, None):
        return
    try:
        drain(AFTER_COMMIT_BATCH)
    except Exception:  # the change is committed; its rows wait for the next drain
        log.exception("Draining the outbox after a commit failed")


if not sa.event.contains(model.Session, "after_commit", _drain_after_commit):
    # a rolled-back transaction leaves the flag: the next commit drains
    # (harmlessly) once more
    sa.event.listen(model.Session, "after_commit", _drain_after_commit)


# -- handing over ------------------------------------------------------------------------

@dataclasses.dataclass
class Drained:
    """What a drain did: rows handed to the jobs queue, rows left pending
    (``error``: why the queue refused them)."""
    enqueued: int = 0
    left: int = 0
    error: Optional[str] = None


def _engine() -> Any:
    return model.Session.get_bind()


def _due(now: datetime.datetime) -> Any:
    retry = now - datetime.timedelta(seconds=tk.config.get("satudata.outbox.retry_after"))
    t = _TABLE.c
    return sa.and_(t.done_at.is_(None),
                   t.attempts < tk.config.get("satudata.outbox.max_attempts"),
                   sa.or_(t.enqueued_at.is_(None), t.enqueued_at < retry))


def drain(limit: Optional[int] = None) -> Drained:
    """Hand the pending rows to the jobs queue, oldest first (at most
    ``limit``); stop at the first refusal of the queue and leave the rest
    pending. Rows another process is handing over are skipped."""
    now = _utcnow()
    t = _TABLE.c
    stmt = (sa.select(t.id, t.job, t.title, t.timeout).where(_due(now))
            .order_by(t.created, t.id).with_for_update(skip_locked=True))
    if limit:
        stmt = stmt.limit(limit)
    result = Drained()
    with _engine().begin() as conn:
        # no wait for the disk: a mark lost in a crash only hands a row over
        # again, and a second delivery does nothing
        conn.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
        rows = conn.execute(stmt).all()
        done: list[str] = []
        for row in rows:
            rq_kwargs: dict[str, Any] = {"job_id": row.id, "at_front": row.job in _MESSAGES}
            if row.timeout:
                rq_kwargs["timeout"] = row.timeout
            try:
                tk.enqueue_job(DELIVER, [row.id], title=row.title,  # type: ignore[arg-type]
                               rq_kwargs=rq_kwargs)
            except QUEUE_ERRORS as e:
                result.error = f"{type(e).__name__}: {e}"
                log.warning("Jobs queue unreachable, %d outbox row(s) wait for the next "
                            "drain: %s", len(rows) - len(done), result.error)
                break
            done.append(row.id)
        if done:
            conn.execute(_TABLE.update().where(t.id.in_(done))
                         .values(enqueued_at=now, attempts=t.attempts + 1))
    if not rows:
        # nothing to hand over: whether the queue could take it all the
        # same (cron tells an outage before the first e-mail waits for it)
        try:
            jobs.get_queue().connection.ping()
        except QUEUE_ERRORS as e:
            result.error = f"{type(e).__name__}: {e}"
    result.enqueued, result.left = len(done), len(rows) - len(done)
    return result


# -- doing it once --------------------------------------------------------------------------

@dataclasses.dataclass
class Ledger:
    """The messages a delivery already sent (keys) and how to record one."""
    sent: set[str]
    record: Callable[[str], None]


_LEDGER: contextvars.ContextVar[Optional[Ledger]] = contextvars.ContextVar(
    "satudata_outbox_ledger", default=None)


def ledger() -> Optional[Ledger]:
    """The ledger of the delivery running in this context (``None`` outside
    :func:`deliver`: a message is then simply sent)."""
    return _LEDGER.get()


@contextlib.contextmanager
def _locked(conn: Any, entry_id: str) -> Iterator[bool]:
    key = sa.func.hashtext("satudata_outbox:" + entry_id)
    with conn.begin():
        got = conn.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar()
    try:
        yield bool(got)
    finally:
        if got:
            with conn.begin():
                conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))


def deliver(entry_id: str) -> Any:
    """Run the job of the outbox row ``entry_id`` unless it is done or being
    run by another worker; mark it done when it returned. What the job
    returned (``None`` when nothing was run).

    A message (:func:`register`) is handed to the front of the queue, so a
    later one could run first: a citizen heard "rejected" before "your
    request is recorded". The messages owed before it that are not done
    yet, about the same thing, are sent first, oldest first (one failing is
    left to its own job)."""
    for earlier in _earlier_messages(entry_id):
        try:
            _deliver_one(earlier)
        except Exception:  # its own job tries again, and records why
            log.exception("Outbox message %s owed before %s failed", earlier, entry_id)
    return _deliver_one(entry_id)


def _earlier_messages(entry_id: str) -> list[str]:
    """The message rows about the same thing as the message row
    ``entry_id`` (the id its title names: a data request, a citizen's
    request, a round) owed before it and not done (nor failed, nor given
    up), oldest first; none for a row that is no message."""
    if not _MESSAGES:
        return []
    t = _TABLE.c
    with _engine().connect() as conn:
        this = conn.execute(sa.select(t.created, t.title).where(
            t.id == entry_id, t.job.in_(_MESSAGES))).first()
        subject = _SUBJECT.search(this.title or "") if this is not None else None
        if subject is None:
            return []
        return list(conn.execute(
            sa.select(t.id).where(
                t.job.in_(_MESSAGES), t.done_at.is_(None), t.error.is_(None),
                t.attempts < tk.config.get("satudata.outbox.max_attempts"),
                t.created < this.created, t.id != entry_id,
                t.title.contains(subject.group(), autoescape=True))
            .order_by(t.created, t.id).limit(_EARLIER_LIMIT)).scalars())


#: the id a message's title names (what it is about)
_SUBJECT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


#: the most earlier messages a message sends first (a backlog is sent by
#: the jobs of its own rows meanwhile)
_EARLIER_LIMIT = 20


def _deliver_one(entry_id: str) -> Any:
    t = _TABLE.c
    with _engine().connect() as conn, _locked(conn, entry_id) as mine:
        if not mine:
            log.info("Outbox row %s is being delivered by another worker", entry_id)
            return None
        with conn.begin():
            row = conn.execute(sa.select(t.job, t.args, t.sent, t.done_at)
                               .where(t.id == entry_id)).first()
        if row is None or row.done_at is not None:
            return None
        function = _job(row.job)
        sent = set(row.sent or [])

        def record(key: str) -> None:
            with conn.begin():
                conn.execute(_TABLE.update().where(t.id == entry_id).values(
                    sent=t.sent.op("||")(sa.cast(sa.literal([key], JSONB), JSONB))))
            sent.add(key)

        token = _LEDGER.set(Ledger(sent, record))
        try:
            result = function(*row.args)
        except Exception as e:
            with conn.begin():
                conn.execute(_TABLE.update().where(t.id == entry_id)
                             .values(error=f"{type(e).__name__}: {e}"[:2000]))
            raise
        finally:
            _LEDGER.reset(token)
        with conn.begin():
            conn.execute(_TABLE.update().where(t.id == entry_id)
                         .values(done_at=_utcnow(), error=None))
        return result


# -- operations ----------------------------------------------------------------------------

def status() -> dict[str, Any]:
    """Counts of the outbox: ``pending`` (not handed over yet or due again),
    ``enqueued`` (handed over, not done), ``done``, ``given_up`` (not done
    after ``satudata.outbox.max_attempts`` hand-overs) and the given-up rows
    themselves (``stuck``, newest first)."""
    t = _TABLE.c
    now = _utcnow()
    given_up = _given_up()
    counts = model.Session.execute(sa.select(
        sa.func.count().filter(_due(now)),
        sa.func.count().filter(t.done_at.is_(None), t.enqueued_at.is_not(None),
                               sa.not_(_due(now)), sa.not_(given_up)),
        sa.func.count().filter(t.done_at.is_not(None)),
        sa.func.count().filter(given_up))).one()
    stuck = model.Session.execute(
        sa.select(OutboxEntry).where(given_up).order_by(t.created.desc()).limit(50)).scalars()
    return {"pending": counts[0], "enqueued": counts[1], "done": counts[2],
            "given_up": counts[3], "stuck": [e.dictize() for e in stuck]}


def _given_up() -> Any:
    """The rows not done after ``satudata.outbox.max_attempts`` hand-overs."""
    t = _TABLE.c
    return sa.and_(t.done_at.is_(None),
                   t.attempts >= tk.config.get("satudata.outbox.max_attempts"))


def ended(entry_id: Optional[str]) -> bool:
    """Whether the row ``entry_id`` will not run (again): it is done,
    cancelled or given up, or there is no such row."""
    if not entry_id:
        return True
    t = _TABLE.c
    waiting = model.Session.execute(sa.select(sa.literal(True)).where(
        t.id == entry_id, t.done_at.is_(None), sa.not_(_given_up()))).scalar()
    return not waiting


def cancel(entry_id: str) -> None:
    """Mark the row ``entry_id`` done without running it (its work was done
    otherwise) and cancel its job if the queue has it; commits."""
    model.Session.execute(
        sa.update(OutboxEntry).where(OutboxEntry.id == entry_id, OutboxEntry.done_at.is_(None))
        .values(done_at=_utcnow(), error="cancelled"))
    model.Session.commit()
    try:
        jobs.job_from_id(entry_id).cancel()  # the toolkit has no job_from_id
    except (KeyError, *QUEUE_ERRORS):
        pass  # never handed over, already gone, or the queue is out of reach


def prune(now: Optional[datetime.datetime] = None) -> int:
    """Delete the rows done more than ``satudata.outbox.keep_days`` ago; the
    number deleted."""
    cutoff = (now or _utcnow()) - datetime.timedelta(
        days=tk.config.get("satudata.outbox.keep_days"))
    deleted = model.Session.execute(
        sa.delete(OutboxEntry).where(OutboxEntry.done_at < cutoff)).rowcount
    model.Session.commit()
    return deleted

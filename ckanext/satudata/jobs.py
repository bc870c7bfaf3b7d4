# -*- coding: utf-8 -*-
"""Every background job of the portal, thin: each loads nothing itself and
calls the domain function that does the work. The work a change owes
(e-mails, a publication to build again) is written to the outbox in the
change's transaction and reaches the queue as :func:`deliver` of its row
(:mod:`.lib.outbox`); the ``ckan satudata`` commands with ``--enqueue`` put
their job on the queue directly. Run by a jobs worker, outside any web
request: each job runs in the portal's language (:func:`_in_portal_language`).

:class:`Worker` (``ckan satudata worker``) is CKAN's jobs worker without
its fork per job: CKAN's ``ckan jobs worker`` forks a work horse for every
job and loads CKAN's whole environment again in it (every plugin, the
templates, the helpers: 2-3 s on a busy 2-core machine), so that an e-mail
of a few milliseconds cost seconds and, with 20 officers at work, the
e-mails and the data checks queued up by the hundred behind each other.
"""
from __future__ import annotations

import datetime
import functools
import logging
from typing import Any, Callable, Optional

import rq

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import app_globals
from ckan.lib import jobs as ckan_jobs

from .lib import datacheck, datastore, publication, publishing, public_requests
from .lib import notifications, outbox, reminders

__all__ = ["deliver", "notify_transition", "notify_round_sent", "notify_deadline_moved",
           "notify_round_state",
           "notify_report_step", "notify_stage_started",
           "send_reminders", "send_reminder",
           "build_publication", "refresh_publication", "release_due",
           "notify_public_request", "fulfil_public_requests", "reopen_public_requests",
           "check_data",
           "load_datastore"]


def _in_portal_language(job: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``job`` in the portal's language (``ckan.locale_default``). CKAN's
    worker runs a job outside any web request, where CKAN's translations
    answer in English: what a job writes for people (the titles of a table's
    default views, a load's status, an e-mail) was English on an Indonesian
    portal."""
    @functools.wraps(job)
    def run(*args: Any, **kwargs: Any) -> Any:
        with notifications.portal_context():
            return job(*args, **kwargs)
    return run


def deliver(entry_id: str) -> Any:
    """Run the job an outbox row owes, once (:func:`.lib.outbox.deliver`; the
    jobs it runs are this module's, each in the portal's language)."""
    return outbox.deliver(entry_id)


@_in_portal_language
def notify_transition(event_id: str) -> int:
    """E-mail the people a step of a request concerns; the number sent."""
    return notifications.notify_transition(event_id)


@_in_portal_language
def notify_round_sent(round_id: str, request_ids: list[str],
                      letter_ids: Optional[dict[str, str]] = None) -> int:
    """E-mail each producer the requests a round sent to their OPD, with
    the OPD's Surat Permintaan Data (``letter_ids``: organization id →
    letter id) attached."""
    return notifications.notify_round_sent(round_id, request_ids, letter_ids)


@_in_portal_language
def notify_round_state(round_id: str) -> int:
    """E-mail the producers of a round's requests still to deliver that the
    round was closed (or opened again)."""
    return notifications.notify_round_state(round_id)


@_in_portal_language
def notify_deadline_moved(round_id: str, moves: dict[str, list[str]]) -> int:
    """E-mail each producer their OPD's requests whose submission deadline
    a change of the round moved (request id → [before, after])."""
    return notifications.notify_deadline_moved(round_id, moves)


@_in_portal_language
def notify_report_step(event_id: str) -> int:
    """E-mail the people a step of a round's report concerns."""
    return notifications.notify_report_step(event_id)


@_in_portal_language
def notify_stage_started(event_id: str) -> int:
    """E-mail the round's drafters that it moved on to a stage of theirs."""
    return notifications.notify_stage_started(event_id)


@_in_portal_language
def send_reminders(today: Optional[str] = None) -> dict[str, int]:
    """``ckan satudata send-reminders`` in the worker (``today`` ISO date)."""
    return reminders.send_reminders(datetime.date.fromisoformat(today) if today else None)


@_in_portal_language
def send_reminder(reminder_id: str) -> int:
    """E-mail a reminder a walidata officer sent from a request's page."""
    return reminders.send_manual(reminder_id)


@_in_portal_language
def build_publication(publication_id: str) -> Optional[dict[str, Any]]:
    """Build a round's publication and attach its PDF and XLSX."""
    return publication.build_and_attach(publication_id)


@_in_portal_language
def refresh_publication(request_id: str) -> Optional[dict[str, Any]]:
    """Build the publication of a request's round again (it left the public)."""
    return publication.refresh_for(request_id)


@_in_portal_language
def release_due() -> dict[str, Any]:
    """Publish the releases whose time has come (as the site user)."""
    return tk.get_action("satudata_release_run_due")(
        {"user": publishing.site_user_name()}, {})


@_in_portal_language
def notify_public_request(event_id: str) -> int:
    """E-mail the requester (and, for a new request, the walidata) about a
    step of a public data request."""
    return notifications.notify_public_request(event_id)


@_in_portal_language
def fulfil_public_requests(request_id: str) -> list[str]:
    """Fulfil the public data requests waiting for the data a request just
    published (their requesters are told after the commit)."""
    done = public_requests.fulfil_published(request_id)
    model.Session.commit()
    return done


@_in_portal_language
def reopen_public_requests(request_id: str) -> list[str]:
    """The public data requests a withdrawn dataset had fulfilled wait for
    it again, those waiting for a cancelled request's data go back to the
    walidata (their requesters are told after the commit)."""
    reopened = public_requests.reopen(request_id)
    model.Session.commit()
    return reopened


@_in_portal_language
def check_data(package_id: str) -> list[dict[str, Any]]:
    """Validate a dataset's data files against its variables and screen
    them for personal data; the results of the files checked."""
    return datacheck.refresh(package_id)


@_in_portal_language
def load_datastore(package_id: str, force: bool = False) -> list[dict[str, Any]]:
    """Load a dataset's live data files into CKAN's DataStore (xloader's
    loader); the result of each file."""
    return datastore.load_package(package_id, force=force)


def register() -> None:
    """Tell the outbox which jobs its rows may name (the plugin calls this
    when CKAN loads it: in the web processes, the commands and the workers)."""
    for name in __all__:
        if name != "deliver":
            outbox.register(globals()[name], message=name in MESSAGES)


#: the jobs that only send e-mails: handed to the front of the queue
MESSAGES = frozenset({"notify_transition", "notify_round_sent", "notify_deadline_moved",
                      "notify_round_state",
                      "send_reminder",
                      "notify_report_step", "notify_stage_started", "notify_public_request"})


log = logging.getLogger(__name__)


class Worker(ckan_jobs.Worker):
    """CKAN's jobs worker (its queues, names, logging, failed-job registry
    and warm shutdown) running every job in the worker's own process (no fork), as rq's
    ``SimpleWorker`` does, with what the fork gave each job done here:

    * the configuration changed on the admin's config page since the last
      job is read again (``app_globals``, as each web request does);
    * the job's database session is closed after it, a failed job's too
      (CKAN's worker also closes the engine's pool: kept here, a job does not
      open new connections);
    * a job's time limit (``ckan.jobs.timeout``) is enforced by rq's
      SIGALRM death penalty in this process.

    A job that crashes the interpreter stops the worker: run it under a
    supervisor that restarts it (systemd ``Restart=always``), with
    ``--max-jobs`` to renew it now and then."""

    def execute_job(self, job: rq.job.Job, queue: rq.Queue) -> None:
        title = (job.meta or {}).get("title")
        job_id = f"{job.id} ({title})" if title else job.id
        log.info("Worker %s starts job %s", self.key, job_id)
        app_globals.app_globals._check_uptodate()
        self.set_state(rq.worker.WorkerStatus.BUSY)
        try:
            rq.Worker.perform_job(self, job, queue)
        finally:
            model.Session.remove()
            self.set_state(rq.worker.WorkerStatus.IDLE)
        log.info("Worker %s has finished job %s", self.key, job_id)

    def get_heartbeat_ttl(self, job: rq.job.Job) -> int:
        return rq.SimpleWorker.get_heartbeat_ttl(self, job)

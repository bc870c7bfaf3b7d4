# -*- coding: utf-8 -*-
"""CKAN signal subscriptions: side effects of satudata events are queued as
background jobs from here, never run inline in a request.

The workflow signals are sent only after the transaction that changed the
request has committed (:mod:`.workflow`), so a job always reads committed
data. Receivers must not use the database session: they only enqueue.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import SignalMapping

from . import dissemination_jobs, jobs, workflow

# transitions of issue C that notify someone by e-mail
NOTIFYING_TRANSITIONS = ("submit", "resubmit", "return", "return_approval",
                         "verify", "approve", "cancel")


def get_subscriptions() -> SignalMapping:
    return {
        workflow.request_transition: [
            {"sender": name, "receiver": notify_transition}
            for name in NOTIFYING_TRANSITIONS
        ] + [
            # issue D: the producers hear about publication, release, withdrawal
            {"sender": name, "receiver": notify_dissemination}
            for name in dissemination_jobs.NOTIFYING_TRANSITIONS
        ],
        workflow.round_sent: [notify_round_sent],
    }


def notify_transition(sender: str, **kwargs: Any) -> None:
    """E-mail the next actor (or the producers) about a transition."""
    tk.enqueue_job(jobs.notify_transition, [kwargs["event_id"]],
                   title=f"satudata: notify {sender} {kwargs['request_id']}")


def notify_round_sent(sender: str, **kwargs: Any) -> None:
    """E-mail each producer the requests a round sent to their OPD."""
    tk.enqueue_job(jobs.notify_round_sent, [kwargs["round_id"], kwargs["request_ids"]],
                   title=f"satudata: round {kwargs['round_id']} sent")


def notify_dissemination(sender: str, **kwargs: Any) -> None:
    """E-mail the producers that their data was published, scheduled,
    withdrawn or archived (issue D)."""
    tk.enqueue_job(dissemination_jobs.notify_dissemination, [kwargs["event_id"]],
                   title=f"satudata: notify {sender} {kwargs['request_id']}")

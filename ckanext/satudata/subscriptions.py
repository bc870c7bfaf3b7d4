# -*- coding: utf-8 -*-
"""CKAN signal subscriptions: side effects of satudata events are queued as
background jobs from here, never run inline in a request.

The workflow signals are sent only after the transaction that changed the
request has committed (:mod:`.lib.engine`), so a job always reads committed
data. Receivers must not use the database session: they only enqueue.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import SignalMapping

from . import jobs
from .lib import datacheck, engine


def get_subscriptions() -> SignalMapping:
    # every transition notifies: who hears of it follows from its target
    # state and the state table (lib.notifications.recipients_for), so none is forgotten
    return {
        engine.request_transition: [notify],
        engine.round_sent: [notify_round_sent],
        datacheck.data_changed: [check_data],
    }


#: target states in which a dataset leaves the round's public publication
LEAVES_PUBLICATION = frozenset({"withdrawn", "archived"})


def notify(sender: str, **kwargs: Any) -> None:
    """E-mail the people a transition concerns (in a background job); build
    the round's publication again when a dataset left it."""
    tk.enqueue_job(jobs.notify_transition, [kwargs["event_id"]],
                   title=f"satudata: notify {sender} {kwargs['request_id']}")
    if kwargs.get("to_state") in LEAVES_PUBLICATION:
        tk.enqueue_job(jobs.refresh_publication, [kwargs["request_id"]],
                       title=f"satudata: refresh publication {kwargs['request_id']}",
                       rq_kwargs={"timeout": 3600})


def notify_round_sent(sender: str, **kwargs: Any) -> None:
    """E-mail each producer the requests a round sent to their OPD."""
    tk.enqueue_job(jobs.notify_round_sent, [kwargs["round_id"], kwargs["request_ids"]],
                   title=f"satudata: round {kwargs['round_id']} sent")


def check_data(sender: str, **kwargs: Any) -> None:
    """Check a dataset's data files against its variables and for personal
    data, after an upload or a change of its metadata."""
    tk.enqueue_job(jobs.check_data, [kwargs["package_id"]],
                   title=f"satudata: check data {kwargs['package_id']}",
                   rq_kwargs={"timeout": 900})

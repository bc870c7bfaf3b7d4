# -*- coding: utf-8 -*-
"""Deadline reminders and escalations.

For every request waiting for someone (``requested``, ``returned``:
the producers; ``submitted``, ``resubmitted``: the verifiers; ``verified``:
the approvers of its level):

* a **reminder** goes to them when the stage deadline is at most
  ``satudata.reminder_days`` working days away;
* an **escalation** goes to them and to the walidata administrators once the
  deadline has passed.

Each is sent once per request, kind, state and deadline: the
``satudata_reminder_sent`` row is written (and committed) before the message
goes out and removed again if it could not be delivered, so reruns of the
cron command (``ckan satudata send-reminders``) neither resend nor lose one.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.lib.mailer as mailer
import ckan.model as model
import ckan.plugins.toolkit as tk

from . import roles, workdays
from .jobs import portal_context, request_url, send_mail
from .model import CollectionRound, DaftarData, DataRequest, ReminderSent
from .states import Actor, next_actors, state_label
from .workflow import ACTIVE_STATES

log = logging.getLogger(__name__)

__all__ = ["due", "send_reminders"]

Due = tuple[DataRequest, str, str, str, str]  # request, kind, item, org, round titles


def due(today: Optional[datetime.date] = None) -> list[Due]:
    """The reminders and escalations not yet sent, in one query."""
    today = today or workdays.today()
    horizon = workdays.add_working_days(today, int(tk.config.get("satudata.reminder_days")))
    kind: Any = sa.case((DataRequest.due_date < today, "escalation"), else_="reminder")
    already = (
        sa.select(ReminderSent.id).where(
            ReminderSent.request_id == DataRequest.id,
            ReminderSent.kind == kind,
            ReminderSent.state == DataRequest.state,
            ReminderSent.due_date == DataRequest.due_date)
        .exists()
    )
    stmt = (
        sa.select(DataRequest, kind, DaftarData.title, model.Group.title, CollectionRound.title)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .where(DataRequest.state.in_([s.value for s in ACTIVE_STATES]),
               DataRequest.due_date.is_not(None),
               DataRequest.due_date <= horizon,
               sa.not_(already))
        .order_by(DataRequest.due_date, DataRequest.id)
    )
    return [tuple(row) for row in model.Session.execute(stmt).all()]  # type: ignore[misc]


class _Recipients:
    """Everyone who may receive a reminder, read once per run."""

    def __init__(self, org_ids: set[str]) -> None:
        self.chain = roles.approval_chain()
        self.producers = roles.producers_of(org_ids)
        self.by_role = {role: roles.users_with_role(role) for role in self.chain}
        self.admins = roles.walidata_admins()

    def actors(self, request: DataRequest) -> list[model.User]:
        """The people the request waits for (the state table's next steps)."""
        kinds = next_actors(request.state, bool(request.revision_of))
        users: list[model.User] = []
        if Actor.PRODUCER in kinds:
            users += self.producers.get(request.owner_org, [])
        if Actor.VERIFIER in kinds and self.chain:
            users += self.by_role[self.chain[0]]
        if Actor.APPROVER in kinds and 0 <= request.approval_level < len(self.chain):
            users += self.by_role[self.chain[request.approval_level]]
        if Actor.WALIDATA_ADMIN in kinds:
            users += self.admins
        return list({u.id: u for u in users}.values())


def _claim(request: DataRequest, kind: str) -> bool:
    """Record the reminder as sent; False if another run already did."""
    inserted = model.Session.execute(
        insert(ReminderSent.__table__).values(
            id=model.types.make_uuid(), request_id=request.id, kind=kind,
            state=request.state, due_date=request.due_date,
            sent_at=datetime.datetime.utcnow())
        .on_conflict_do_nothing(constraint="satudata_reminder_sent_key")
        .returning(ReminderSent.__table__.c.id)
    ).first()
    model.Session.commit()
    return inserted is not None


def _release(request: DataRequest, kind: str) -> None:
    model.Session.execute(sa.delete(ReminderSent).where(
        ReminderSent.request_id == request.id, ReminderSent.kind == kind,
        ReminderSent.state == request.state, ReminderSent.due_date == request.due_date))
    model.Session.commit()


def _message(kind: str, request: DataRequest, item: str, org: str, round_: str,
             today: datetime.date) -> tuple[str, str]:
    assert request.due_date is not None
    values = {"site": tk.config.get("ckan.site_title") or "CKAN", "title": item,
              "org": org, "round": round_, "state": state_label(request.state),
              "date": request.due_date.isoformat() if request.due_date else ""}
    if kind == "escalation":
        values["days"] = workdays.working_days_between(request.due_date, today)
        subject = tk._("[%(site)s] Overdue: %(title)s (%(org)s)") % values
        text = tk._('The data request "%(title)s" from %(org)s (%(round)s) is %(state)s and '
                    "its deadline %(date)s has passed (%(days)s working day(s) late).") % values
    else:
        values["days"] = workdays.working_days_between(today, request.due_date)
        subject = tk._("[%(site)s] Reminder: %(title)s due %(date)s") % values
        text = tk._('The data request "%(title)s" from %(org)s (%(round)s) is %(state)s; '
                    "its deadline is %(date)s (%(days)s working day(s) left).") % values
    return subject, text


def send_reminders(today: Optional[datetime.date] = None,
                   progress: Optional[Callable[[int], None]] = None,
                   pending: Optional[list[Due]] = None) -> dict[str, int]:
    """Send the reminders and escalations that are due; returns counts
    ``{"reminder": n, "escalation": n, "messages": n, "failed": n}``.
    ``progress`` is called with 1 after each request (for a progress bar)."""
    today = today or workdays.today()
    pending = due(today) if pending is None else pending
    counts = {"reminder": 0, "escalation": 0, "messages": 0, "failed": 0}
    if not pending:
        return counts
    recipients = _Recipients({row[0].owner_org for row in pending})
    with portal_context():
        for request, kind, item, org, round_ in pending:
            if progress:
                progress(1)
            users = list(recipients.actors(request))
            if kind == "escalation":
                users += recipients.admins
            if not users or not _claim(request, kind):
                continue
            subject, text = _message(kind, request, item, org, round_, today)
            body = (text + "\n\n" + tk._("Open the request: %(url)s") % {
                "url": request_url(request.id)} + "\n\n-- \n"
                + tk._("This message was sent automatically by %(site)s.") % {
                    "site": tk.config.get("ckan.site_title") or "CKAN"})
            try:
                counts["messages"] += send_mail(users, subject, body)
            except mailer.MailerException as e:
                log.error("Reminder for %s not delivered: %s", request.id, e)
                _release(request, kind)
                counts["failed"] += 1
                continue
            counts[kind] += 1
    return counts

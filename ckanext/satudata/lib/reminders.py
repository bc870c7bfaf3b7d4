# -*- coding: utf-8 -*-
"""Deadline reminders and escalations.

For every request waiting for someone (``requested``, ``returned``:
the producers; ``opd_review``: its OPD's head; ``submitted``,
``resubmitted``: the verifiers; ``verified``: the approvers of its level;
``ready``: those who publish, the administrators and the holders of
``satudata.roles.publish``), as the state table says (:func:`.states.next_actors`):

* a **reminder** goes to them when the stage deadline is at most
  ``satudata.reminder_days`` working days away;
* an **escalation** goes to them and to the walidata administrators once the
  deadline has passed.

A person with several of one kind due in a run gets one message listing them
(``emails/reminder_digest.txt``, ``emails/escalation_digest.txt``; the
citizens' requests: ``emails/public_request_reminder_digest.txt``).

A submission in an all-in round (``verify_when_complete``) is not reminded
nor escalated while another request of the round is still with its
producers: the verifiers cannot act on it before (:mod:`.rounds`).

A round in its compile/analyse or report stage is reminded the same way
before (and escalated after) the stage's deadline: to the walidata's drafters
(``satudata.roles.draft``) and administrators, or, while its report waits at
a level of the chain, to that level's role holders (``stage_reminded_for`` /
``stage_escalated_for``, once per deadline).

Public data requests (permohonan data) the walidata has not answered are
reminded to the walidata administrators and verifiers the same way, once
per request, kind and deadline (``reminded_for``/``escalated_for``).

A walidata administrator may also remind them from the request's page
(:func:`remind_now`, kind ``manual``): once a day per stage, with a note,
recorded with who sent it (:func:`sent_for` lists a request's reminders).

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

from . import outbox, public_requests, roles, round_report, rounds, workdays
from ..model import (
    CollectionRound, DaftarData, DataRequest, PublicRequest, ReminderSent, RoundReport,
)
from .engine import ACTIVE_STATES, lock_request
from .states import state_label
from . import notifications

log = logging.getLogger(__name__)

__all__ = ["due", "send_reminders", "remind_now", "send_manual", "sent_for"]

Due = tuple[DataRequest, str, str, str, str]  # request, kind, item, org, round titles


def due(today: Optional[datetime.date] = None) -> list[Due]:
    """The reminders and escalations not yet sent, in one query."""
    today = today or workdays.today()
    horizon = workdays.add_working_days(today, tk.config.get("satudata.reminder_days"))
    kind: Any = sa.case((DataRequest.due_date < today, "escalation"), else_="reminder")
    already = (
        sa.select(ReminderSent.id).where(
            ReminderSent.request_id == DataRequest.id,
            ReminderSent.kind == kind,
            ReminderSent.state == DataRequest.state,
            ReminderSent.approval_level == DataRequest.approval_level,
            ReminderSent.due_date == DataRequest.due_date)
        .exists()
    )
    # the all-in gate: a submission waits for the round's other OPDs
    other = sa.orm.aliased(DataRequest)
    gated = sa.and_(
        rounds.waiting(),
        DataRequest.state.in_(rounds.GATED_STATES),
        sa.select(other.id).where(other.round_id == DataRequest.round_id,
                                  rounds.undelivered(other)).exists())
    stmt = (
        sa.select(DataRequest, kind, DaftarData.title, model.Group.title, CollectionRound.title)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .where(DataRequest.state.in_([s.value for s in ACTIVE_STATES]),
               DataRequest.due_date.is_not(None),
               DataRequest.due_date <= horizon,
               sa.not_(already), sa.not_(gated),
               # a closed round takes no more data: nobody is chased for it
               sa.not_(sa.and_(CollectionRound.state == "closed",
                               DataRequest.state.in_(rounds.WITH_PRODUCERS))))
        .order_by(DataRequest.due_date, DataRequest.id)
    )
    return [tuple(row) for row in model.Session.execute(stmt).all()]  # type: ignore[misc]


def _claim(request: DataRequest, kind: str) -> bool:
    """Record the reminder as sent; False if another run already did."""
    inserted = model.Session.execute(
        insert(ReminderSent.__table__).values(
            id=model.types.make_uuid(), request_id=request.id, kind=kind,
            state=request.state, approval_level=request.approval_level or 0,
            due_date=request.due_date, sent_at=datetime.datetime.utcnow())
        .on_conflict_do_nothing(constraint="satudata_reminder_sent_key")
        .returning(ReminderSent.__table__.c.id)
    ).first()
    model.Session.commit()
    return inserted is not None


def _release(request: DataRequest, kind: str) -> None:
    model.Session.execute(sa.delete(ReminderSent).where(
        ReminderSent.request_id == request.id, ReminderSent.kind == kind,
        ReminderSent.state == request.state,
        ReminderSent.approval_level == (request.approval_level or 0),
        ReminderSent.due_date == request.due_date))
    model.Session.commit()


def send_reminders(today: Optional[datetime.date] = None,
                   progress: Optional[Callable[[int], None]] = None,
                   pending: Optional[list[Due]] = None) -> dict[str, int]:
    """Send the reminders and escalations that are due; returns counts
    ``{"reminder": n, "escalation": n, "messages": n, "failed": n}``.
    ``progress`` is called with 1 after each request (for a progress bar).
    Nothing is sent on a weekend or a holiday: the escalation of a deadline
    just passed read "0 working days late" there (none had passed) and was
    not sent again on the next working day, when it was one."""
    today = today or workdays.today()
    counts = {"reminder": 0, "escalation": 0, "messages": 0, "failed": 0,
              "public_requests": 0, "rounds": 0}
    if not workdays.is_working_day(today):
        return counts
    pending = due(today) if pending is None else pending
    _public_request_reminders(today, counts)
    _round_stage_reminders(today, counts)
    if not pending:
        return counts
    directory = notifications.Directory({row[0].owner_org for row in pending})
    # claimed first, then one message per person and kind: an OPD of twenty
    # requests due the same week got twenty reminders, its administrators
    # as many escalations
    claimed: list[tuple[DataRequest, str, list[model.User], dict[str, Any]]] = []
    failed: set[tuple[str, str]] = set()
    # (the states' labels of the messages in the portal's language too)
    with notifications.portal_context():
        for request, kind, item, org, round_ in pending:
            _claim_for(request, kind, item, org, round_, today, directory, claimed, progress)
        for (user, kind), entries in _per_person(claimed):
            try:
                counts["messages"] += (
                    notifications.send_message(kind, [user], **entries[0][1])
                    if len(entries) == 1 else
                    notifications.send_message(f"{kind}_digest", [user], kind=kind,
                                               entries=[values for _r, values in entries]))
            except mailer.MailerException as e:
                log.error("Reminders for %s not delivered: %s", user.name, e)
                failed.update((request.id, kind) for request, _values in entries)
    for request, kind, _users, _values in claimed:
        if (request.id, kind) in failed:
            _release(request, kind)
            counts["failed"] += 1
        else:
            counts[kind] += 1
    return counts


def _claim_for(request: DataRequest, kind: str, item: str, org: str, round_: str,
               today: datetime.date, directory: Any,
               claimed: list[tuple[DataRequest, str, list[model.User], dict[str, Any]]],
               progress: Optional[Callable[[int], None]]) -> None:
    """Claim the reminder of ``request`` and note whom it goes to, with the
    values of its message (a request nobody may act on, or one claimed by
    another run, is left)."""
    if progress:
        progress(1)
    users = directory.for_request(request)
    if kind == "escalation":
        users += [u for u in directory.admins if u not in users]
    if not users or not _claim(request, kind):
        return
    assert request.due_date is not None
    days = (workdays.working_days_between(request.due_date, today)
            if kind == "escalation"
            else workdays.working_days_between(today, request.due_date))
    claimed.append((request, kind, users, notifications.reminder_values(
        request, item, org, round_, days)))


def _per_person(claimed: list[tuple[DataRequest, str, list[model.User], dict[str, Any]]]
                ) -> list[tuple[tuple[model.User, str], list[tuple[DataRequest, dict[str, Any]]]]]:
    """The claimed reminders grouped by recipient and kind, in their order."""
    grouped: dict[tuple[str, str], tuple[model.User, list[tuple[DataRequest, dict[str, Any]]]]] = {}
    for request, kind, users, values in claimed:
        for user in users:
            grouped.setdefault((user.id, kind), (user, []))[1].append((request, values))
    return [((user, kind), entries) for (_id, kind), (user, entries) in grouped.items()]


def _claim_public(request: PublicRequest, kind: str) -> Optional[datetime.date]:
    """Record the reminder of a public request as sent (committed before the
    message goes out); the value it replaced, to put back on failure."""
    column = "escalated_for" if kind == "escalation" else "reminded_for"
    before = getattr(request, column)
    setattr(request, column, request.due_date)
    model.Session.commit()
    return before


def _public_request_reminders(today: datetime.date, counts: dict[str, int]) -> None:
    horizon = workdays.add_working_days(today, tk.config.get("satudata.reminder_days"))
    pending = public_requests.due_for_reminder(today, horizon)
    if not pending:
        return
    chain = roles.approval_chain()
    staff = roles.walidata_admins() + (roles.users_with_role(chain[0]) if chain else [])
    if not staff:
        return
    # claimed, then one message per kind to the staff (eleven citizens'
    # requests due made eleven e-mails to each officer)
    by_kind: dict[str, list[tuple[PublicRequest, Optional[datetime.date], dict[str, Any]]]] = {}
    with notifications.portal_context():
        for request, kind in pending:
            before = _claim_public(request, kind)
            days = (workdays.working_days_between(request.due_date, today)
                    if kind == "escalation"
                    else workdays.working_days_between(today, request.due_date))
            by_kind.setdefault(kind, []).append((request, before, {
                "title": request.title, "days": days, "due_date": request.due_date.isoformat(),
                "request_url": notifications.public_request_url(request.id)}))
        for kind, entries in by_kind.items():
            try:
                counts["messages"] += (
                    notifications.send_message("public_request_reminder", staff, kind=kind,
                                               **entries[0][2])
                    if len(entries) == 1 else
                    notifications.send_message("public_request_reminder_digest", staff,
                                               kind=kind, entries=[e for _r, _b, e in entries]))
            except mailer.MailerException as e:
                log.error("Reminders of public requests not delivered: %s", e)
                for request, before, _values in entries:
                    setattr(request, "escalated_for" if kind == "escalation"
                            else "reminded_for", before)
                model.Session.commit()
                counts["failed"] += len(entries)
                continue
            counts["public_requests"] += len(entries)


# -- the stages of a round after the collection ----------------------------------------

def _stage_due(round_: CollectionRound, report: Optional[RoundReport]
               ) -> Optional[datetime.date]:
    if round_.stage == "compile":
        return round_.compile_due
    return report.due_date if report is not None else round_.report_due


def _stage_people(round_: CollectionRound, report: Optional[RoundReport],
                  kind: str) -> list[model.User]:
    """Who owes the stage's work: the report's level while it is in approval,
    else the drafters; the administrators too once it is overdue."""
    chain = roles.report_chain(round_)
    if report is not None and report.state == "in_approval" \
            and report.approval_level < len(chain):
        users = roles.users_with_role(chain[report.approval_level])
    else:
        users = round_report.drafters(report)  # a sysadmin who wrote it too
    if kind == "escalation":
        users += roles.walidata_admins()
    return list({user.id: user for user in users}.values())


def _claim_round(round_id: str, column: str, due: datetime.date) -> bool:
    """Record the stage reminder as sent (committed before the message goes
    out); False if another run already did."""
    claimed = model.Session.execute(
        sa.update(CollectionRound)
        .where(CollectionRound.id == round_id,
               sa.or_(getattr(CollectionRound, column).is_(None),
                      getattr(CollectionRound, column) != due))
        .values({column: due}).returning(CollectionRound.id)
        .execution_options(synchronize_session=False)).first()
    model.Session.commit()
    return claimed is not None


def _round_stage_reminders(today: datetime.date, counts: dict[str, int]) -> None:
    horizon = workdays.add_working_days(today, tk.config.get("satudata.reminder_days"))
    rows = model.Session.execute(
        sa.select(CollectionRound, RoundReport)
        .outerjoin(RoundReport, RoundReport.round_id == CollectionRound.id)
        .where(CollectionRound.stage.in_(("compile", "report")))
        .order_by(CollectionRound.name)).all()
    for round_, report in rows:
        due = _stage_due(round_, report)
        if due is None or due > horizon or (report is not None and report.state == "approved"):
            continue
        kind = "escalation" if due < today else "reminder"
        column = "stage_escalated_for" if kind == "escalation" else "stage_reminded_for"
        users = _stage_people(round_, report, kind)
        if not users or not _claim_round(round_.id, column, due):
            continue
        days = (workdays.working_days_between(due, today) if kind == "escalation"
                else workdays.working_days_between(today, due))
        try:
            with notifications.portal_context():
                counts["messages"] += notifications.send_message(
                    "round_stage_reminder", users, kind=kind, round_title=round_.title,
                    stage=rounds.stage_label(round_.stage), days=days,
                    due_date=due.isoformat(), round_url=notifications.round_url(round_.name))
        except mailer.MailerException as e:
            log.error("Stage reminder for round %s not delivered: %s", round_.id, e)
            model.Session.execute(sa.update(CollectionRound).where(
                CollectionRound.id == round_.id).values({column: None}))
            model.Session.commit()
            counts["failed"] += 1
            continue
        counts["rounds"] += 1


# -- a reminder sent from the request's page ---------------------------------------------

MANUAL = "manual"


def _recipients(request: DataRequest, sender_id: Optional[str]) -> list[model.User]:
    """Whom a reminder from a request's page goes to: those it waits for
    now, not the officer who sends it."""
    return [user for user in notifications.Directory({request.owner_org}).for_request(request)
            if user.id != sender_id]


#: the step a request in a state waits for, as its round may hold it back
_NEXT_STEP = {"requested": "submit", "returned": "resubmit", "submitted": "verify",
              "resubmitted": "verify", "ready": "publish"}


def _waits_for_the_round(request: DataRequest) -> bool:
    """Whether the request waits for its round, not for anyone's step: a
    ready one for the round's report (published once it is approved), a
    submission of an all-in round for the OPDs still delivering, one with
    its producers in a closed round (it takes no more data: the daily
    reminders do not chase them either)."""
    round_ = model.Session.get(CollectionRound, request.round_id)
    step = _NEXT_STEP.get(request.state)
    return round_ is not None and step is not None and bool(
        rounds.gate_errors(round_, step, request))


def remind_now(request_id: str, user: model.User, note: Optional[str],
               version: Optional[int] = None) -> tuple[ReminderSent, int]:
    """Remind the people the request waits for now, by ``user`` (a walidata
    administrator), with ``note``: the reminder row, and how many people it
    goes to. Under the request's row lock; its message is owed to the
    outbox (sent once the step commits). Refused when the request moved on
    since ``version`` (the page's: a click from a stale page chased the
    next step's officers), when nobody has a step to take (a ready request
    of a round whose report is not approved waits for no one's step), and
    when one went out today for this step already."""
    request = lock_request(request_id)
    if version is not None and version != request.version:
        raise tk.ValidationError({"remind": [tk._(
            "The request has moved on since the page was opened: reload it to see whom "
            "it waits for now")]})
    if request.state not in ACTIVE_STATES or _waits_for_the_round(request):
        raise tk.ValidationError({"remind": [tk._(
            "Nobody has a step to take on this request now: there is nobody to remind")]})
    users = _recipients(request, user.id)
    if not users and request.state in rounds.WITH_PRODUCERS:
        # the request waits for its OPD: a walidata role would not help
        raise tk.ValidationError({"remind": [tk._(
            "This request waits for its OPD, which has no producer (an editor or "
            "administrator of the OPD): add one to the OPD first")]})
    if not users:
        raise tk.ValidationError({"remind": [tk._(
            "Nobody but you holds the role of the step this request waits for: give the "
            "role to someone first (Walidata roles)")]})
    today = workdays.today()
    inserted = model.Session.execute(
        insert(ReminderSent.__table__).values(
            id=model.types.make_uuid(), request_id=request.id, kind=MANUAL,
            state=request.state, approval_level=request.approval_level or 0,
            due_date=today, sent_at=datetime.datetime.utcnow(), sent_by=user.id, note=note)
        .on_conflict_do_nothing(constraint="satudata_reminder_sent_key")
        .returning(ReminderSent.__table__.c.id)).scalar()
    if inserted is None:
        raise tk.ValidationError({"remind": [tk._(
            "A reminder for this step was already sent today: the next one can go "
            "tomorrow")]})
    outbox.add("send_reminder", [inserted], title=f"satudata: reminder {request.id}")
    reminder = model.Session.get(ReminderSent, inserted)
    assert reminder is not None
    return reminder, len(users)


def send_manual(reminder_id: str) -> int:
    """E-mail a reminder sent from a request's page to whom the request
    waits for now (it may have moved on: then nobody); the number sent."""
    reminder = model.Session.get(ReminderSent, reminder_id)
    if reminder is None:
        return 0
    row = model.Session.execute(
        sa.select(DataRequest, DaftarData.title, model.Group.title, CollectionRound.title)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .where(DataRequest.id == reminder.request_id)).first()
    if row is None:
        return 0
    request, item, org, round_ = row
    if (request.state, request.approval_level or 0) != (reminder.state,
                                                        reminder.approval_level):
        return 0  # it moved on before the message went out
    sender = model.Session.get(model.User, reminder.sent_by) if reminder.sent_by else None
    users = _recipients(request, reminder.sent_by)
    today = workdays.today()
    days = workdays.working_days_between(today, request.due_date) if request.due_date else 0
    with notifications.portal_context():
        return notifications.send_message(
            "reminder_manual", users, sender=sender.display_name if sender else "",
            note=reminder.note or "",
            **notifications.reminder_values(request, item, org, round_, days))


def sent_for(request_id: str) -> list[dict[str, Any]]:
    """The reminders and escalations a request has had, newest first, with
    the name of whoever sent one by hand."""
    rows = model.Session.execute(
        sa.select(ReminderSent, model.User.fullname, model.User.name)
        .outerjoin(model.User, model.User.id == ReminderSent.sent_by)
        .where(ReminderSent.request_id == request_id)
        .order_by(ReminderSent.sent_at.desc())).all()
    return [{"kind": r.kind, "state": r.state, "state_label": state_label(r.state),
             "approval_level": r.approval_level, "sent_at": r.sent_at.isoformat(),
             "due_date": r.due_date.isoformat(), "note": r.note,
             "sent_by": fullname or name} for r, fullname, name in rows]

# -*- coding: utf-8 -*-
"""Public data requests (permohonan data).

A logged-in citizen asks for data that is not on the portal. The walidata
answers within **10 working days** (UU 14/2008 on public information,
art. 22), extendable **once by 7 working days** with a reason: it accepts
and looks for the data, plans it in the Daftar Data (it will be produced),
fulfils the request with a dataset, or rejects it with a reason. A request
fulfilled with a dataset that is not public yet waits for its publication;
when the dataset (or the data of the Daftar Data item it was planned as) is
published, the request is fulfilled and the requester told.

Who may take which step from where is :data:`.states.PUBLIC_TABLE`;
:func:`take` checks it again under the request's row lock and writes the
step to the audit trail in the same transaction, with the e-mails it owes
(the outbox, :mod:`.outbox`); the signal :data:`public_request_step` goes
out after the commit for other plugins.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..model import DataRequest, PublicRequest, PublicRequestEvent
from . import outbox, publishing, roles, workdays
from .engine import queue_signal
from .states import (ACTIVE_STATES, PUBLIC_OPEN, PUBLIC_TABLE, PublicActor, PublicState,
                     PublicTransition, given_reason, public_rule, public_state_label,
                     public_step_label, public_steps_for)

__all__ = ["RESPONSE_DAYS", "EXTENSION_DAYS", "public_request_step", "actors_of",
           "steps_for", "may_attempt", "check_step", "version_of", "create", "lock", "take",
           "fulfil_published", "reopen", "may_see_contact", "due_for_reminder", "MAX_OPEN",
           "open_over_limit", "prepared_datasets"]

#: working days to answer, and the one extension (UU 14/2008, art. 22 (1), (8))
RESPONSE_DAYS = 10
EXTENSION_DAYS = 7
#: sent after commit; sender = the request id; keyword ``event_id``
public_request_step = tk.signals.ckanext.signal("satudata_public_request_step")
CREATE = "submit"


#: the most requests one account (not the walidata's) may have waiting
#: for an answer at once
MAX_OPEN = 10


def open_over_limit(user: model.User) -> int:
    """How many requests ``user`` has waiting for an answer when they are
    :data:`MAX_OPEN` or more (they may ask for no more until one is
    answered), else 0; always 0 for the walidata's staff (one account filed
    25 at once: 275 e-mails to the walidata, 25 legal deadlines running)."""
    count = model.Session.execute(
        sa.select(sa.func.count()).select_from(PublicRequest).where(
            PublicRequest.requester_id == user.id,
            PublicRequest.state.in_([s.value for s in PUBLIC_OPEN]))).scalar_one()
    return count if count >= MAX_OPEN and not roles.is_walidata_staff(user.name) else 0


def _now() -> datetime.datetime:
    return datetime.datetime.utcnow()


def actors_of(user_name: Optional[str]) -> set[PublicActor]:
    """Which actor kinds of :data:`.states.PUBLIC_TABLE` a user is."""
    kinds: set[PublicActor] = set()
    if roles.is_walidata_staff(user_name):
        kinds.add(PublicActor.WALIDATA)
    if roles.may("draft", user_name):  # who keeps the Daftar Data
        kinds.add(PublicActor.WALIDATA_ADMIN)
    return kinds


def steps_for(request: PublicRequest, user_name: Optional[str]) -> list[str]:
    """The steps ``user_name`` may take on ``request`` now; ``extend`` only
    while the deadline was never extended."""
    steps = public_steps_for(request.state, actors_of(user_name))
    return [s for s in steps if not (s == "extend" and request.extended)]


def may_attempt(step: str, user_name: Optional[str],
                kinds: Optional[set[PublicActor]] = None) -> bool:
    """Whether ``user_name`` (of the actor ``kinds``, when known) is an
    actor of ``step`` in some state of the table: the auth functions' early
    check (whether the request's state allows it now is the step's own
    check, under the row lock, answered with the state)."""
    kinds = actors_of(user_name) if kinds is None else kinds
    return any(t.name == step and t.actors & kinds for t in PUBLIC_TABLE)


def version_of(request: PublicRequest) -> int:
    """The request's version: how many steps it has had (one query). A
    form is built from one; an officer's decision made on a page opened
    before another officer's is refused (:func:`check_step`)."""
    return int(model.Session.execute(
        sa.select(sa.func.count()).select_from(PublicRequestEvent)
        .where(PublicRequestEvent.request_id == request.id)).scalar_one())


def check_step(step: str, request: PublicRequest, user_name: Optional[str],
               expected_version: Optional[int] = None) -> PublicTransition:
    """The table's row for ``step`` from where ``request`` is (read under its
    lock), for ``user_name``; ``NotAuthorized`` for one who is no actor of
    the step, else ``ValidationError`` on ``state`` saying where the request
    is (another officer's step came first), or on ``version`` when the
    request had another step since ``expected_version`` (two officers'
    decisions at once: a plan and a rejection both applied)."""
    kinds = actors_of(user_name)
    if not may_attempt(step, user_name, kinds):
        raise tk.NotAuthorized(tk._("You may not take this step on the data request"))
    if expected_version is not None and expected_version != version_of(request):
        raise tk.ValidationError({"version": [tk._(
            "This data request was answered since you opened the page (perhaps by "
            "you, in another tab). Reload it to see the answer.")]})
    rule = public_rule(step, request.state)
    if rule is None or not rule.actors & kinds:
        # (its own words: the data request's "permintaan" is the OPDs')
        raise tk.ValidationError({"state": [tk._(
            "\"%(transition)s\" is not possible while the data request is %(state)s") % {
                "transition": public_step_label(step),
                "state": public_state_label(request.state)}]})
    if step == "extend" and request.extended:
        raise tk.ValidationError({"state": [tk._(
            "The deadline of this request was already extended once")]})
    return rule


def may_see_contact(request: PublicRequest, user_name: Optional[str]) -> bool:
    """The requester's e-mail and phone: the requester and the walidata."""
    user = roles.user_obj(user_name)
    return bool(user) and (user.id == request.requester_id
                           or roles.is_walidata_staff(user_name))


def _event(request: PublicRequest, step: str, from_state: Optional[str],
           user_id: Optional[str], note: Optional[str]) -> PublicRequestEvent:
    event = PublicRequestEvent(id=model.types.make_uuid(), request_id=request.id,
                               step=step, from_state=from_state, to_state=request.state,
                               user_id=user_id, note=note, due_date=request.due_date,
                               timestamp=_now())
    model.Session.add(event)
    # the e-mails are owed in this transaction (the outbox), the signal is
    # for other plugins
    outbox.add("notify_public_request", [event.id],
               title=f"satudata: public request {step} {request.id}")
    queue_signal(model.Session(), public_request_step, request.id, event_id=event.id)
    return event


def create(user: model.User, data: dict[str, Any],
           today: Optional[datetime.date] = None) -> tuple[PublicRequest, PublicRequestEvent]:
    """A new request of ``user``; the answer is due in :data:`RESPONSE_DAYS`
    working days. The caller commits."""
    today = today or workdays.today()
    request = PublicRequest(
        id=model.types.make_uuid(), title=data["title"], description=data["description"],
        purpose=data.get("purpose"), owner_org=data.get("owner_org"),
        requester_id=user.id, email=data.get("email") or user.email,
        phone=data.get("phone"), state=PublicState.SUBMITTED.value, extended=False,
        due_date=workdays.add_working_days(today, RESPONSE_DAYS))
    model.Session.add(request)
    model.Session.flush()
    return request, _event(request, CREATE, None, user.id, None)


def lock(request_id: str) -> PublicRequest:
    """The request, read again and locked until the transaction ends: two
    officers' steps at once are taken one after the other, the second from
    where the first left it."""
    request = model.Session.execute(
        sa.select(PublicRequest).where(PublicRequest.id == request_id)
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if request is None:
        raise tk.ObjectNotFound(tk._("Public data request not found"))
    return request


def _dataset_public(package_id: str) -> bool:
    """Whether the dataset is public, as the database has it now (not as
    this session read it before a lock)."""
    found = model.Session.execute(
        sa.select(model.Package.state, model.Package.private)
        .where(model.Package.id == package_id)).first()
    return bool(found) and found.state == "active" and not found.private


def prepared_datasets() -> Any:
    """SQL: the ids of the datasets a data request of the workflow is
    preparing (one that will publish them, unless the walidata stops it)."""
    return sa.select(DataRequest.package_id).where(DataRequest.state.in_(ACTIVE_STATES))


def _being_prepared(package_id: str) -> bool:
    """Whether a data request is preparing the dataset (:func:`prepared_datasets`)."""
    return model.Session.execute(
        prepared_datasets().where(DataRequest.package_id == package_id).limit(1)
    ).first() is not None


def take(step: str, request_id: str, user_name: Optional[str], *,
         note: Optional[str] = None, package_id: Optional[str] = None,
         item_id: Optional[str] = None, expected_version: Optional[int] = None,
         ) -> tuple[PublicRequest, PublicRequestEvent]:
    """Take ``step`` on the request, under its row lock: the table decides
    (again) whether ``user_name`` may, from where the request is now. The
    caller commits."""
    if step == "fulfil" and isinstance(package_id, str):
        # the dataset's publication or withdrawal under way first, then
        # whether it is public (a fulfil racing a withdrawal left the
        # request fulfilled with withdrawn data; racing the first
        # publication, waiting for good); before the request's row, as a
        # step of the workflow takes them
        publishing.changes_gate(package_id)
    request = lock(request_id)
    rule = check_step(step, request, user_name, expected_version)
    note = given_reason(note)
    if rule.reason_required and not note:
        raise tk.ValidationError({"note": [tk._("Give the reason")]})
    from_state = request.state
    if step == "extend":
        request.due_date = workdays.add_working_days(request.due_date, EXTENSION_DAYS)
        request.extended = True
        request.response = note
    elif step == "fulfil":
        assert package_id
        public = _dataset_public(package_id)
        if not public and not _being_prepared(package_id):
            # it waited for good, its requester told the data was coming
            raise tk.ValidationError({"package_id": [tk._(
                "This dataset is not public and no data request is preparing it (its "
                "request was cancelled or withdrawn, or it has none): choose a public "
                "dataset or one still being prepared, or reject the request with the "
                "reason")]})
        if not public and request.state == PublicState.AWAITING.value \
                and request.package_id == package_id:
            # several officers answering at once with the same dataset: one
            # step, one e-mail
            raise tk.ValidationError({"state": [tk._(
                "This request already waits for the publication of that dataset")]})
        request.package_id = package_id
        request.state = (PublicState.FULFILLED if public else PublicState.AWAITING).value
    elif step == "plan":
        request.item_id = item_id
        request.state = PublicState.PLANNED.value
    else:
        assert rule.target is not None
        request.state = rule.target.value
    if step in ("fulfil", "plan") or (note and step != "extend"):
        # an answer without a note leaves none: the public read an earlier
        # step's note (a deadline's extension) as the answer to the request
        request.response = note or None
    if PublicState(from_state) in PUBLIC_OPEN and PublicState(request.state) not in PUBLIC_OPEN:
        request.answered_at = _now()
    user = roles.user_obj(user_name)
    return request, _event(request, step, from_state, user.id if user else None, note)


def fulfil_published(data_request_id: str) -> list[str]:
    """Fulfil the public requests waiting for the data of a published data
    request (its dataset, or its Daftar Data item); their ids. The caller
    commits."""
    data_request = model.Session.get(DataRequest, data_request_id)
    if data_request is None or not data_request.package_id \
            or not _dataset_public(data_request.package_id):
        return []
    waiting = sa.or_(
        sa.and_(PublicRequest.state == PublicState.AWAITING.value,
                PublicRequest.package_id == data_request.package_id),
        sa.and_(PublicRequest.state == PublicState.PLANNED.value,
                PublicRequest.item_id == data_request.item_id))
    done = []
    for request in model.Session.execute(
            sa.select(PublicRequest).where(waiting).with_for_update()).scalars():
        from_state = request.state
        request.state = PublicState.FULFILLED.value
        request.package_id = data_request.package_id
        _event(request, "published", from_state, None, None)
        done.append(request.id)
    return done


def reopen(data_request_id: str) -> list[str]:
    """The public requests a data request's dataset answered, once it will
    not be public (withdrawn, or its request cancelled): those it had
    fulfilled wait for it again (they kept "fulfilled" and a link answering
    410); those waiting for it while no other request prepares it go back
    to the walidata, who owes an answer again within
    :data:`EXTENSION_DAYS` working days (they waited for good). Their
    requesters are told; a publication fulfils the waiting ones
    (:func:`fulfil_published`). Their ids. The caller commits."""
    data_request = model.Session.get(DataRequest, data_request_id)
    if data_request is None or not data_request.package_id \
            or _dataset_public(data_request.package_id):
        return []  # a period withdrawn from a dataset that stays public
    package_id = data_request.package_id
    states = [PublicState.FULFILLED.value]
    if not _being_prepared(package_id):
        states.append(PublicState.AWAITING.value)
    waiting = sa.and_(PublicRequest.state.in_(states), PublicRequest.package_id == package_id)
    if data_request.state == "cancelled" and not model.Session.execute(
            sa.select(DataRequest.id).where(DataRequest.item_id == data_request.item_id,
                                            DataRequest.state.in_(ACTIVE_STATES))
            .limit(1)).first():
        # planned as that Daftar Data item, collected by no other request
        waiting = sa.or_(waiting, sa.and_(PublicRequest.state == PublicState.PLANNED.value,
                                          PublicRequest.item_id == data_request.item_id))
    reopened = []
    for request in model.Session.execute(
            sa.select(PublicRequest).where(waiting)
            .order_by(PublicRequest.id).with_for_update()).scalars():
        from_state = request.state
        if from_state == PublicState.FULFILLED.value:
            request.state, step = PublicState.AWAITING.value, "withdrawn"
        else:
            request.state, step = PublicState.ACCEPTED.value, "stopped"
            request.response = None  # the answer it had ("being prepared") no longer holds
            request.due_date = max(request.due_date, workdays.add_working_days(
                workdays.today(), EXTENSION_DAYS))
        _event(request, step, from_state, None, None)
        reopened.append(request.id)
    return reopened


def due_for_reminder(today: datetime.date, horizon: datetime.date
                     ) -> list[tuple[PublicRequest, str]]:
    """Open requests whose answer is due by ``horizon`` and not reminded yet
    for that date (``reminder``), or overdue and not escalated yet
    (``escalation``). One query."""
    open_ = [s.value for s in PUBLIC_OPEN]
    rows = model.Session.execute(
        sa.select(PublicRequest)
        .where(PublicRequest.state.in_(open_), PublicRequest.due_date <= horizon,
               sa.or_(
                   sa.and_(PublicRequest.due_date < today,
                           sa.or_(PublicRequest.escalated_for.is_(None),
                                  PublicRequest.escalated_for != PublicRequest.due_date)),
                   sa.and_(PublicRequest.due_date >= today,
                           sa.or_(PublicRequest.reminded_for.is_(None),
                                  PublicRequest.reminded_for != PublicRequest.due_date))))
        .order_by(PublicRequest.due_date, PublicRequest.id)).scalars()
    return [(r, "escalation" if r.due_date < today else "reminder") for r in rows]

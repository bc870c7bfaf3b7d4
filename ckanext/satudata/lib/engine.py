# -*- coding: utf-8 -*-
"""The single engine that changes the state of a data request.

Contract of :func:`apply_transition` (every ``satudata_request_<transition>``
action, publish/schedule/... included, goes through it):

``apply_transition(context, request_id, transition_name, *, note=None,
field_notes=None, expected_version=None) -> dict``

1. **Auth is not checked here**: the calling action runs ``tk.check_access``
   first. The user recorded on the event is ``context["user"]``.
2. The request row is locked with ``SELECT ... FOR UPDATE`` (and re-read,
   bypassing the session's identity map), so of two concurrent callers the
   second waits and then sees the first one's result.
3. Refusals raise ``tk.ValidationError`` with translated messages:
   ``{"version": [...]}`` when ``expected_version`` is given and differs from
   the request's ``version`` (a stale form: someone else changed it, reload);
   ``{"state": [...]}`` when the transition is not allowed from the current
   state, or when the verifier's step must wait for every OPD of an all-in
   round (:func:`.rounds.gate_errors`, checked under the round's row lock,
   taken before the request's: :func:`.rounds.lock_for`), or a ready
   request's publication for its round's report; ``{"note": [...]}`` when
   the transition needs a reason and none was
   given; for transitions into ``submitted``/``resubmitted`` (submit,
   resubmit, D's revise) ``{"package_id": [...]}`` when no dataset is linked
   and ``{<dataset field>: [...]}`` from :func:`metadata.submit_errors` (or
   the missing fields of :func:`metadata.completeness`) when the dataset's
   metadata is not complete enough to submit; ``{"resources": [...]}``
   (:func:`datacheck.gate_errors`) for submit, resubmit and revise while a
   data file does not match its declared variables, cannot be read or holds
   personal data not overridden, and for publish while one holds personal
   data. ``tk.ObjectNotFound`` for an unknown request.
4. The target state comes from :data:`states.TRANSITIONS`; ``approve`` moves
   to the next level of ``satudata.approval_chain`` (staying ``verified``)
   or to ``ready`` after the last level; ``verify`` with a chain of only a
   verifier goes straight to ``ready``. ``return``/``return_approval`` reset
   the level to the verifier. The stage deadline ``due_date`` is recomputed
   in working days (:func:`due_date_for`).
5. The request is updated (``version`` + 1) and a :class:`RequestEvent` is
   added in the same transaction, with the actor, the note, the per-field
   notes, the metadata completeness percentage of the linked dataset at
   that moment and (``data["data_check"]``) the result of its data files'
   check.
6. Unless ``context["defer_commit"]`` is true the transaction is committed
   (when the dataset changed and the search index cannot be reached, it is
   rolled back and refused: :func:`.publishing.search_required`).
   With ``defer_commit`` the caller does its own work in the same
   transaction (the row stays locked) and commits or rolls back itself.
7. The work the step owes is written to the outbox in the same
   transaction (:mod:`.outbox`): the e-mails of the step
   (``jobs.notify_transition``) and, when the dataset enters or leaves the
   public (published, withdrawn, archived), the round's publication built
   again (once it was built). It reaches
   the jobs queue after the commit, or later if Redis cannot be reached.
8. The signal ``satudata_request_transition`` (:data:`request_transition`,
   sender = the transition name, keyword arguments ``request_id``,
   ``event_id``, ``transition``, ``from_state``, ``to_state``,
   ``approval_level``, ``user_id``, ``note``) is sent only **after** the
   transaction commits (an ``after_commit`` listener on ``model.Session``);
   a rollback discards it. Receivers run while the session is finishing its
   commit: they must not use the database session. This plugin subscribes
   to none (its own side effects go through the outbox); it is there for
   other plugins.

Returns the request dictionary with the new ``event`` under ``"event"``.

:func:`apply_step` records a step of :data:`states.STEPS` (the override of
personal-data findings) the same way, without changing the state.

Other events of the timeline are written with :func:`record_event` without
a transition signal: ``request`` (the request was created when its round
was sent; the round then owes one ``notify_round_sent`` job in the outbox
and emits :data:`round_sent` once, after commit, so that each producer gets
one message for all their new requests) and
``link_dataset`` (a producer linked another dataset).
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context

from . import datacheck, late_data, metadata, outbox, publishing, roles, rounds, workdays
from ..model import CollectionRound, DaftarData, DataRequest, RequestEvent
from .states import (
    DUTY_ACTORS, FIRST, NAMES, REVISION_STATES, Actor, State,
    Target, Transition, given_reason, level_role, rule,
    state_label, step_rule, transition_label,
)

log = logging.getLogger(__name__)

__all__ = [
    "apply_transition", "apply_step", "prepare_data_check", "record_event",
    "queue_signal", "due_date_for",
    "request_transition", "round_sent", "SIGNAL_NAME", "dataset_completeness",
    "CREATE", "ACTIVE_STATES", "CHANGES_PUBLICATION",
]

SIGNAL_NAME = "satudata_request_transition"
request_transition = tk.signals.ckanext.signal(SIGNAL_NAME)
#: sent (after commit) when a round's requests were sent; sender = round id,
#: keyword arguments ``round_id``, ``request_ids``, ``user_id``
round_sent = tk.signals.ckanext.signal("satudata_round_sent")

# name of the pseudo-transition recorded when a request is created
CREATE = "request"
_PENDING_KEY = "satudata_pending_signals"
_SUBMIT_TARGETS = frozenset({State.SUBMITTED, State.RESUBMITTED})
#: transitions refused while a data file fails its check (see lib.datacheck)
_DATA_GATED = frozenset({"submit", "resubmit", "revise", "publish"})
#: states in which someone has a deadline to act (overdue flags, reminders)
ACTIVE_STATES = frozenset({State.REQUESTED, State.OPD_REVIEW, State.SUBMITTED,
                           State.RETURNED, State.RESUBMITTED, State.VERIFIED, State.READY})
#: target states in which a dataset enters or leaves its round's public
#: publication (published again after a withdrawal, published after the book)
CHANGES_PUBLICATION = frozenset({State.PUBLISHED.value, State.WITHDRAWN.value,
                                 State.ARCHIVED.value})


# -- signals after commit ---------------------------------------------------

def queue_signal(session: Any, signal: Any, sender: str, *, once: bool = False,
                 **payload: Any) -> None:
    """Send ``signal`` once ``session``'s transaction commits (dropped if it
    rolls back); with ``once``, not if it is already queued for ``sender``."""
    pending = session.info.setdefault(_PENDING_KEY, [])
    if once and any(s is signal and sent == sender for s, sent, _p in pending):
        return
    pending.append((signal, sender, payload))


def _send_pending(session: Any) -> None:
    pending = session.info.pop(_PENDING_KEY, None)
    for signal, sender, payload in pending or []:
        try:
            signal.send(sender, **payload)
        except Exception:  # the data is committed; a broken receiver must not hide it
            log.exception("Receiver of %s failed for %s", signal.name, payload)


def _drop_pending(session: Any) -> None:
    session.info.pop(_PENDING_KEY, None)


if not sa.event.contains(model.Session, "after_commit", _send_pending):
    sa.event.listen(model.Session, "after_commit", _send_pending)
    sa.event.listen(model.Session, "after_rollback", _drop_pending)


# -- deadlines -----------------------------------------------------------------

def due_date_for(round_: CollectionRound, state: State | str, *, level: int = 0,
                 today: Optional[datetime.date] = None,
                 submit_due: Optional[datetime.date] = None,
                 late: Optional[str] = None) -> Optional[datetime.date]:
    """The deadline of the stage a request enters ``today``.

    * ``requested``: the request's submission deadline ``submit_due`` (its
      item's own, :func:`.rounds.submit_due_of`), else the round's;
    * ``returned``: that submission deadline, but at least
      ``satudata.deadline.resubmit_days`` working days from the return;
      once the round's collection is over (compiled, reported: a ready
      request returned after its analysis), those days alone (it got the
      collection's deadline, months after the report was due);
    * ``submitted``/``resubmitted``: ``verify_days`` of the round after the
      submission, but not before the round's verification deadline (the
      date its letter gives the OPDs and the walidata: one deadline, not an
      earlier one per early submission);
    * ``verified`` (waiting for an approval level) and ``opd_review``
      (waiting for the OPD's head): ``approval_days``;
    * ``ready``: ``satudata.deadline.publish_days`` to publish (or schedule)
      it, counted from the next period's start for data carried into it
      (``late="carry"``, :mod:`.late_data`); none while its round's report
      is not approved (:func:`.rounds.report_pending`: the deadline starts
      with the approval, :func:`.rounds.start_publication`);
    * any later state: no deadline here (dissemination).
    """
    state = State(state)
    today = today or workdays.today()
    submit_due = submit_due or round_.submit_due
    if state == State.REQUESTED:
        return submit_due
    if state == State.RETURNED:
        counted = workdays.add_working_days(
            today, tk.config.get("satudata.deadline.resubmit_days"))
        if round_.stage not in (None, "collection"):
            return counted
        return max(submit_due, counted)
    if state in _SUBMIT_TARGETS:
        return rounds.verification_due(round_, today)
    if state in (State.VERIFIED, State.OPD_REVIEW):
        return workdays.add_working_days(today, round_.approval_days)
    if state == State.READY:
        if late != "carry" and rounds.report_pending(round_):
            return None
        start = today
        if late == "carry":
            start = max(today, late_data.next_period_start(round_) or today)
        return workdays.add_working_days(start, tk.config.get("satudata.deadline.publish_days"))
    return None


def follow_round_deadlines(round_: CollectionRound
                           ) -> dict[str, tuple[datetime.date, datetime.date]]:
    """After a change of ``round_``'s dates (its row locked by the caller):
    the deadlines of its requests counted from them follow, as
    :func:`due_date_for` counts them. Waiting for their producers
    (``requested``, ``returned``; an item with its own deadline keeps it):
    the new submission deadline, a returned one still at least
    ``resubmit_days`` after its return; waiting for verification: the
    round's verification deadline (a returned request kept the old date and
    was escalated as overdue during the longer collection). Returns the
    producers' requests whose deadline moved: ``{id: (before, after)}``."""
    own = sa.select(DaftarData.id).where(DaftarData.submit_days.isnot(None))
    # the submission deadline every request of the round keeps (a request
    # returned later is due by it: it kept the old date)
    model.Session.execute(
        sa.update(DataRequest)
        .where(DataRequest.round_id == round_.id, DataRequest.item_id.notin_(own),
               DataRequest.state.in_([s.value for s in ACTIVE_STATES]))
        .values(submit_due=round_.submit_due)
        .execution_options(synchronize_session="fetch"))
    waiting = list(model.Session.execute(
        sa.select(DataRequest).where(
            DataRequest.round_id == round_.id,
            DataRequest.state.in_(rounds.WITH_PRODUCERS + rounds.GATED_STATES),
            sa.or_(DataRequest.state.in_(rounds.GATED_STATES),
                   DataRequest.item_id.notin_(own)))
        .order_by(DataRequest.id).with_for_update()).scalars())
    returned_on = _returned_on([r.id for r in waiting if r.state == State.RETURNED.value])
    started = publishing.to_local(round_.verification_started_at)
    moved = {}
    for request in waiting:
        state = State(request.state)
        if state in _SUBMIT_TARGETS:
            since = (started.date() if started and round_.verify_when_complete
                     else publishing.to_local(request.submitted_at or request.modified).date())
            due = due_date_for(round_, state, today=since)
        else:  # (its submit_due follows the round's: updated above)
            due = due_date_for(round_, state, today=returned_on.get(request.id),
                               submit_due=round_.submit_due)
        if due is None or due == request.due_date:
            continue
        if state not in _SUBMIT_TARGETS and request.due_date is not None:
            moved[request.id] = (request.due_date, due)
        request.due_date = due
    return moved


def follow_item_deadline(item: DaftarData
                         ) -> dict[str, dict[str, tuple[datetime.date, datetime.date]]]:
    """After a change of ``item``'s own deadline (``submit_days``,
    ``submit_calendar_days``; its row locked by the caller): the submission
    deadline of its requests still in their round's collection follows,
    counted from the day each was sent (:func:`.rounds.submit_due_of`), and
    so does the deadline of those waiting for their producers, as
    :func:`follow_round_deadlines` moves them. Returns, per round still
    open, the producers' requests whose deadline moved: ``{round id: {id:
    (before, after)}}``."""
    rows = model.Session.execute(
        sa.select(DataRequest, CollectionRound)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .where(DataRequest.item_id == item.id, CollectionRound.stage == "collection",
               DataRequest.state.in_([s.value for s in ACTIVE_STATES]))
        .order_by(DataRequest.id).with_for_update(of=DataRequest)).all()
    returned_on = _returned_on([r.id for r, _round in rows if r.state == State.RETURNED.value])
    moved: dict[str, dict[str, tuple[datetime.date, datetime.date]]] = {}
    for request, round_ in rows:
        request.submit_due = rounds.submit_due_of(
            item, round_, publishing.to_local(request.requested_at).date())
        if request.state not in rounds.WITH_PRODUCERS:
            continue
        due = due_date_for(round_, request.state, today=returned_on.get(request.id),
                           submit_due=request.submit_due)
        if due is None or due == request.due_date:
            continue
        if request.due_date is not None and round_.state != "closed":
            moved.setdefault(round_.id, {})[request.id] = (request.due_date, due)
        request.due_date = due
    return moved


def _returned_on(request_ids: list[str]) -> dict[str, datetime.date]:
    """The day (the portal's) each of the returned requests was last returned."""
    if not request_ids:
        return {}
    latest = model.Session.execute(
        sa.select(RequestEvent.request_id, sa.func.max(RequestEvent.timestamp))
        .where(RequestEvent.request_id.in_(request_ids),
               RequestEvent.to_state == State.RETURNED.value)
        .group_by(RequestEvent.request_id)).all()
    return {rid: publishing.to_local(at).date() for rid, at in latest}


# -- events ------------------------------------------------------------------

def dataset_completeness(package_id: Optional[str]) -> tuple[Optional[dict[str, Any]],
                                                             Optional[dict[str, Any]]]:
    """``(pkg_dict, completeness)`` of the linked dataset, or ``(None, None)``."""
    if not package_id:
        return None, None
    try:
        pkg = tk.get_action("package_show")(
            {"ignore_auth": True, "for_view": False}, {"id": package_id})
    except tk.ObjectNotFound:
        return None, None
    return pkg, metadata.completeness(pkg, "submit")


def record_event(request: DataRequest, *, user_id: Optional[str], transition: str,
                 from_state: Optional[str], note: Optional[str] = None,
                 field_notes: Optional[dict[str, list[str]]] = None,
                 completeness: Optional[dict[str, Any]] = None,
                 approval_level: Optional[int] = None,
                 data: Optional[dict[str, Any]] = None,
                 signal: bool = True) -> RequestEvent:
    """Add the audit event of a step of ``request`` (already updated) to the
    session and, unless ``signal`` is false, the work the step owes to the
    outbox (its e-mails; the publication built again when the dataset
    entered or left it) and the transition signal for after the commit."""
    # what the step led to, for jobs that run later (the request may have
    # moved on by then)
    data = dict(data or {})
    data["approval_level_after"] = request.approval_level
    data["revision_of"] = request.revision_of
    data["due_date"] = request.due_date.isoformat() if request.due_date else None
    event = RequestEvent(
        id=model.types.make_uuid(),
        request_id=request.id,
        user_id=user_id,
        timestamp=datetime.datetime.utcnow(),
        transition=transition,
        from_state=from_state,
        to_state=request.state,
        approval_level=request.approval_level if approval_level is None else approval_level,
        version=request.version,
        note=note or None,
        field_notes=field_notes or None,
        completeness=completeness["percent"] if completeness else None,
        data=data,
    )
    model.Session.add(event)
    if not signal:
        return event
    outbox.add("notify_transition", [event.id],
               title=f"satudata: notify {transition} {request.id}")
    if request.state in CHANGES_PUBLICATION:
        outbox.add("refresh_publication", [request.id], timeout=3600,
                   title=f"satudata: refresh publication {request.id}")
    if request.state == State.PUBLISHED.value:  # public data requests waiting for it
        outbox.add("fulfil_public_requests", [request.id],
                   title=f"satudata: public requests of {request.id}")
    elif request.state in (State.WITHDRAWN.value, State.CANCELLED.value):
        # and those it had fulfilled, or whose data it was preparing
        outbox.add("reopen_public_requests", [request.id],
                   title=f"satudata: public requests of {request.id}")
    queue_signal(
        model.Session(), request_transition, transition,
        request_id=request.id, event_id=event.id, transition=transition,
        from_state=from_state, to_state=request.state,
        approval_level=event.approval_level, user_id=user_id, note=event.note,
    )
    return event


# -- the engine ----------------------------------------------------------------

def _user_id(context: Context) -> Optional[str]:
    user = context.get("auth_user_obj") or roles.user_obj(context.get("user"))
    return user.id if isinstance(user, model.User) else None


def _clean_field_notes(field_notes: Any) -> dict[str, list[str]]:
    if not field_notes:
        return {}
    if not isinstance(field_notes, dict):
        raise tk.ValidationError({"field_notes": [
            tk._("Field notes must map dataset field names to reasons")]})
    clean: dict[str, list[str]] = {}
    for field, reasons in field_notes.items():
        if isinstance(reasons, str):
            reasons = [reasons]
        if not isinstance(reasons, (list, tuple)):
            raise tk.ValidationError({"field_notes": [
                tk._("Field notes must map dataset field names to reasons")]})
        kept = [str(r).strip() for r in reasons if str(r).strip()]
        if kept:
            clean[str(field)] = kept
    return clean


def _submit_errors(pkg: Optional[dict[str, Any]],
                   completeness: Optional[dict[str, Any]]) -> dict[str, list[str]]:
    if pkg is None:
        return {"package_id": [tk._(
            "No dataset is linked to this request: create or link the dataset first")]}
    return dict(metadata.submit_errors(pkg) or {})


def _unchanged_since_return(request: DataRequest, pkg: Optional[dict[str, Any]],
                            staged: Any) -> bool:
    """Whether the returned ``request`` comes back as it was returned: its
    dataset (or the staged revision of it) not saved, its files not
    changed and no other dataset linked since the last return."""
    returned_at = model.Session.execute(
        sa.select(sa.func.max(RequestEvent.timestamp))
        .where(RequestEvent.request_id == request.id,
               RequestEvent.to_state == State.RETURNED.value)).scalar()
    if returned_at is None:
        return False
    if staged is not None and staged.modified and staged.modified > returned_at:
        return False
    modified = (pkg or {}).get("metadata_modified")
    if modified and datetime.datetime.fromisoformat(str(modified)) > returned_at:
        return False
    return not model.Session.execute(
        sa.select(RequestEvent.id).where(
            RequestEvent.request_id == request.id,
            RequestEvent.transition == "link_dataset",
            RequestEvent.timestamp > returned_at).limit(1)).first()


def next_period_open(request: DataRequest, staged: Optional[Any]) -> Optional[str]:
    """Why the period of ``request`` (published or withdrawn) cannot be
    revised now, with ``staged`` the dataset's staged changes: a round sent
    since opened the dataset's next period, whose changes the dataset's are
    (one staged revision, reviewed as this period's correction while
    labelled the next one, and the next period's producers locked out until
    the review ended); None when it can."""
    opened = publishing.period_request(request.package_id or "")
    if opened is None or opened.id == request.id \
            or (staged is not None and staged.request_id not in (None, request.id)):
        return None
    opened_round = model.Session.get(CollectionRound, opened.round_id)
    return tk._(
        "A new period of this dataset (%(period)s) is open: the dataset's changes "
        "are that period's until it is published; correct this period after that") % {
            "period": opened_round.title if opened_round else "?"}


def lock_request(request_id: str) -> DataRequest:
    """The data request, its row locked until the transaction ends (and read
    again from the database), once its dataset's gate is passed (the
    changes of the dataset running now finish first, those that come later
    wait: :func:`.publishing.changes_gate`); ``ObjectNotFound`` when there
    is none."""
    package_id = model.Session.execute(
        sa.select(DataRequest.package_id).where(DataRequest.id == request_id)).scalar()
    if package_id:
        publishing.changes_gate(package_id, exclusive=True)
    request = model.Session.execute(
        sa.select(DataRequest).where(DataRequest.id == request_id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if request is None:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


def lock_for_transition(request_id: str, transition_name: str) -> DataRequest:
    """:func:`lock_request` as a transition takes it: an all-in round's row
    first when the transition needs it (the lock order is round, then
    request)."""
    rounds.lock_for(request_id, transition_name)
    return lock_request(request_id)


def _check_version(request: DataRequest, expected_version: Optional[int | str]) -> None:
    if expected_version in (None, ""):
        return
    try:
        expected = int(expected_version)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise tk.ValidationError({"version": [tk._("Invalid version")]})
    if expected != request.version:
        raise tk.ValidationError({"version": [tk._(
            "This request changed since you opened the page (a step was taken, "
            "perhaps by you in another tab): reload it to see where it is now.")]})


def _refuse_state(name: str, current: State) -> tk.ValidationError:
    return tk.ValidationError({"state": [state_refusal_message(name, current)]})


def state_refusal_message(name: str, current: State) -> str:
    """Why the step ``name`` is not possible where the request is, and the
    step to take first when there is one (:data:`.states.FIRST`)."""
    first = FIRST.get((name, current))
    if first:
        return tk._("\"%(transition)s\" is not possible while the request is %(state)s: "
                    "take \"%(first)s\" first") % {
                        "transition": transition_label(name), "state": state_label(current),
                        "first": transition_label(first)}
    return tk._("\"%(transition)s\" is not possible while the request is %(state)s") % {
        "transition": transition_label(name), "state": state_label(current)}


def moved_past_message(request: DataRequest) -> str:
    """Why a reviewer the request has moved on past (another officer of
    their level took the step first, or a level above theirs acts now) may
    not take the step: where it is and whom it waits for, the same
    whichever of the racing calls loses and however late (it said an
    approval was refused "while the request is in approval")."""
    current = State(request.state)
    latest = roles.latest_step(request.id)
    if latest is not None and latest.transition in ("cancel", "cancel_revision"):
        # ended by the walidata, not passed: "past your level" misled
        return tk._("The review of this request was cancelled: it is now %(state)s") % {
            "state": state_label(current)}
    chain = roles.chain_of(request)
    if current == State.VERIFIED and 0 < request.approval_level < len(chain):
        return tk._("The request has moved on past your level: it is now %(state)s and "
                    "waits for the %(role)s") % {
                        "state": state_label(current),
                        "role": roles.role_label(chain[request.approval_level])}
    return tk._("The request has moved on past your level: it is now %(state)s") % {
        "state": state_label(current)}


def _refuse_moved_past(context: Context, request: DataRequest, name: str) -> None:
    """``NotAuthorized`` saying where the request is now and whom it waits
    for, to a reviewer it has moved past (:func:`.roles.moved_past`) who did
    not just take the step themselves: the same words (403) as the auth
    function tells one who comes later, however the race ends."""
    user = context.get("user")
    if not roles.just_took(user, request, name) and roles.moved_past(user, request, name):
        raise tk.NotAuthorized(moved_past_message(request))


def _target(transition: Transition, request: DataRequest,
            chain: list[str]) -> tuple[State, int]:
    """The state and approval level a transition leads to from where the
    request is now."""
    level = request.approval_level
    if transition.target == Target.CHAIN:
        # verify: to the first approval level; approve: to the next one;
        # past the last level: ready
        nxt = 1 if transition.name == "verify" else level + 1
        if nxt < len(chain):
            return State.VERIFIED, nxt
        return State.READY, 0
    if transition.target == Target.REVISION_BASE:
        return State(request.revision_of or State.PUBLISHED.value), 0
    if transition.target == Target.OPD_APPROVED:
        return (State.RESUBMITTED if request.return_count else State.SUBMITTED), 0
    target = State(transition.target)
    if target in _SUBMIT_TARGETS or target in (State.RETURNED, State.OPD_REVIEW):
        return target, 0
    return target, level if target in (State.READY, State.SCHEDULED) else 0


def apply_transition(context: Context, request_id: str, transition_name: str, *,
                     note: Optional[str] = None,
                     field_notes: Optional[dict[str, Any]] = None,
                     expected_version: Optional[int | str] = None,
                     event_data: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Take ``transition_name`` on the request ``request_id``; see the module
    docstring for the full contract. ``event_data`` is added to the event's
    ``data`` (e.g. the forum decision the step belongs to)."""
    if transition_name not in NAMES:
        raise tk.ValidationError({"transition": [
            tk._("Unknown transition: %(name)s") % {"name": transition_name}]})
    note = given_reason(note)
    field_notes = _clean_field_notes(field_notes)

    request = lock_for_transition(request_id, transition_name)
    try:
        _check_version(request, expected_version)
    except tk.ValidationError:
        # the other officer of the level took the step since the page was
        # read; one who may still take it (a verifier returning data made
        # ready meanwhile) is told to reload, not that it passed them
        still = rule(transition_name, State(request.state), request.revision_of)
        if still is None or not still.actors & roles.actor_kinds(context.get("user"), request):
            _refuse_moved_past(context, request, transition_name)
        raise
    current = State(request.state)
    if current == State.SCHEDULED and transition_name != "publish":
        # its announced time has come: ``release-due`` publishes it (an
        # administrator's cancel then ended it unannounced, in silence; a
        # return was told to cancel it first, refused then too)
        publishing.refuse_once_due(publishing.pending_release(request.id))
    transition = rule(transition_name, current, request.revision_of)
    if transition is None:
        # the other officer of the level (the other Kadis, the other
        # verifier) took the step first
        if (transition_name, current) not in FIRST:
            _refuse_moved_past(context, request, transition_name)
        raise _refuse_state(transition_name, current)
    if expected_version in (None, "") and transition.needs_version(
            lambda: roles.took_step(request.id, "withdraw")):
        raise tk.ValidationError({"version": [tk._(
            "The request is now %(state)s: to take this step, reload it and try again "
            "(send its \"version\")") % {"state": state_label(current)}]})
    # the table decides, at the state and level found under the lock (the
    # auth function before the lock was only the early, cheap check)
    kinds = roles.actor_kinds(context.get("user"), request)
    acting = transition.actors & kinds
    if acting and roles.took_part(context.get("user"), request, transition.name):
        raise tk.NotAuthorized(roles.four_eyes_message())
    if not acting:
        if roles.just_took(context.get("user"), request, transition.name):
            raise tk.ValidationError({"state": [tk._(
                "You have just taken this step: the request is now %(state)s") % {
                    "state": state_label(current)}]})
        _refuse_moved_past(context, request, transition.name)
        raise tk.NotAuthorized(tk._(
            "You cannot take this step on the request as it is now: %(state)s") % {
                "state": state_label(current)})
    if expected_version in (None, "") and transition.needs_level_version(
            lambda: roles.approval_levels_held(context.get("user"), request)):
        # one who may take it, at the level it is at now
        raise tk.ValidationError({"version": [tk._(
            "You hold more than one approval level of this request: send the "
            "\"version\" of the request you saw, so that your step is taken at the "
            "level you saw (it is now at %(level)s)") % {
                "level": roles.role_label(level_role(
                    roles.chain_of(request), current, request.approval_level))}]})
    if transition.reason_required and not note:
        raise tk.ValidationError({"note": [tk._("A reason is required")]})
    round_ = model.Session.get(CollectionRound, request.round_id)
    assert round_ is not None
    gate = rounds.gate_errors(round_, transition.name, request)  # under the round's lock
    if gate:
        raise tk.ValidationError(gate)

    chain = roles.chain_of(request)
    level = request.approval_level
    target, new_level = _target(transition, request, chain)
    round_ = model.Session.get(CollectionRound, request.round_id)
    assert round_ is not None
    today = workdays.today()

    pkg, completeness = dataset_completeness(request.package_id)
    errors: dict[str, list[str]] = {}
    # what a revision submits, read again under its lock: a discard of it
    # (publishing.discard) either waited for this or is seen here
    staged = (publishing.lock_staged(request.package_id) if transition.name == "revise"
              else publishing.staged_for(request.package_id))
    later = next_period_open(request, staged) if transition.name == "revise" else None
    if later:
        raise tk.ValidationError({"revision": [later]})
    if transition.name == "revise" and staged is None:
        raise tk.ValidationError({"revision": [tk._(
            "There are no changes to submit: edit the dataset first")]})
    if staged is not None and staged.request_id not in (None, request.id):
        staged = None  # another request's (another period's) edits
    if transition.name == "resubmit" and not note \
            and _unchanged_since_return(request, pkg, staged):
        # "dikembalikan untuk dilengkapi": what comes back unchanged says why
        raise tk.ValidationError({"note": [tk._(
            "Nothing was changed since the request was returned: change the data "
            "or its metadata first, or say in a note why it is sent back unchanged")]})
    if transition.name in ("submit", "resubmit"):
        errors = _submit_errors(staged.data if staged else pkg, completeness)
        # a new period of a published dataset brings a table of its own
        errors.update(publishing.period_errors(request))
    elif transition.name == "revise" and staged is not None:
        # the revision as it is now, under its lock: an edit that committed
        # while the producer's step waited is what the reviewers receive
        errors = _submit_errors(staged.data, completeness)
        completeness = metadata.completeness(staged.data, "submit")
    elif transition.name == "revise" and staged is None \
            and (others := publishing.staged_for(request.package_id)) is not None:
        # which period's request to open (the producer was left to guess)
        owner = model.Session.get(DataRequest, others.request_id or "")
        owner_round = model.Session.get(CollectionRound, owner.round_id) if owner else None
        raise tk.ValidationError({"revision": [tk._(
            "The changes staged on this dataset belong to the request of the period "
            "%(period)s; they are reviewed through that request") % {
                "period": owner_round.title if owner_round else "?"}]})
    # the data files, checked (again) at every step and recorded in its event;
    # withdrawn data published again is the last approved version, not the
    # changes staged since (their files refused the publication, unseen)
    checked = (pkg if transition.name == "publish" and current == State.WITHDRAWN
               else _checked_dataset(request, pkg))
    files = datacheck.ensure(checked) if checked is not None else []
    if files:  # a new period answers for its own tables
        others = publishing.other_periods_tables(request)
        files = [f for f in files if f["resource_id"] not in others]
    covered = datacheck.overridden(request.id) if files else set()
    if transition.name in _DATA_GATED:
        # a submission needs tables that match their variables (once they are
        # declared) and hold no personal data; a publication, no personal data
        gate = datacheck.gate_errors(
            files, covered, validate=transition.name != "publish"
            and bool(checked and checked.get("variables")))
        for key, messages in gate.items():
            errors[key] = list(errors.get(key) or []) + messages
    if transition.name == "publish":  # data carried into the next period waits for it
        errors.update(late_data.carry_errors(request, round_, today, "state"))
    if errors:
        raise tk.ValidationError(errors)

    now = datetime.datetime.utcnow()
    # delivered for the first time: in an all-in round, the last first
    # delivery opens verification (rounds.start_verification)
    delivered = request.submitted_at is None and transition.name in ("submit", "resubmit")
    late = (late_data.late_policy_at_submit(request, round_, today)
            if transition.name == "submit" and request.late is None else None)
    if late:
        request.late = late
    request.state = target.value
    request.approval_level = new_level
    request.due_date = due_date_for(round_, target, level=new_level,
                                    submit_due=request.submit_due, late=request.late)
    if transition.name == "revise":
        request.revision_of = current.value
    elif target not in REVISION_STATES:
        request.revision_of = None
    if target in _SUBMIT_TARGETS or target == State.OPD_REVIEW:
        request.submitted_at = now
    elif target == State.RETURNED:
        request.return_count = (request.return_count or 0) + 1
    if transition.name == "verify":
        request.verified_at = now
    if target == State.READY and current != State.SCHEDULED:
        request.ready_at = now
    request.version = (request.version or 0) + 1
    request.modified = now

    data: dict[str, Any] = {"actor": sorted(k.value for k in acting)}
    data.update(event_data or {})
    if late:
        data["late"] = late
    if completeness and completeness.get("missing"):
        data["missing"] = [m["field"] for m in completeness["missing"]]
    acting_role = level_role(chain, current, level)
    if acting_role and acting & {Actor.VERIFIER, Actor.APPROVER}:
        data["role"] = acting_role
    elif Actor.FINAL_APPROVER in acting and Actor.WALIDATA_ADMIN not in acting and chain:
        data["role"] = chain[-1]
    elif Actor.WALIDATA_ADMIN not in acting:
        # a duty held through a role (satudata.roles.publish/.archive)
        held = roles.user_roles(_user_id(context))
        for kind in sorted(acting & set(DUTY_ACTORS)):
            duty_role = next((r for r in roles.duty_roles(DUTY_ACTORS[kind]) if r in held), None)
            if duty_role:
                data["role"] = duty_role
                break
    if target == State.READY and request.due_date is None and request.late != "carry" \
            and rounds.report_pending(round_):
        data["report_wait"] = True  # its e-mail says so
    if checked is not None:
        data["data_check"] = datacheck.summary(files, covered, checked)
    event = record_event(
        request, user_id=_user_id(context), transition=transition.name,
        from_state=current.value, note=note, field_notes=field_notes,
        completeness=completeness, approval_level=level, data=data,
    )
    model.Session.flush()
    if delivered:  # under the round's lock (lock_for)
        opened = rounds.start_verification(round_, today)
        if round_.verify_when_complete:
            # the verifiers' e-mail says whether they can start (rounds.pending_of)
            waiting = len(rounds.pending_of([round_.id]).get(round_.id, []))
            event.data = dict(event.data or {}, waiting_for_all=waiting,
                              verification_opened=opened if not waiting else 0)
    elif transition.name == "cancel" and round_.verify_when_complete:
        # the last request the round waited for will never come: its
        # verification starts (the verifiers were told they would hear)
        opened = rounds.start_verification(round_, today)
        if opened:
            event.data = dict(event.data or {}, verification_opened=opened)
    # the dataset follows the request, in the same transaction
    publishing.after_transition(context, request, transition.name, current, note)
    result = request.dictize()
    result["event"] = event.dictize()
    if not context.get("defer_commit"):
        with publishing.search_required():  # the dataset changed, Solr is down
            model.Session.commit()
    return result


# -- steps that record a decision without moving the request -----------------------

def _checked_dataset(request: DataRequest, pkg: Optional[dict[str, Any]]
                     ) -> Optional[dict[str, Any]]:
    """The dataset whose files a step of ``request`` checks: the staged
    revision of this request if there is one, else the linked dataset."""
    if pkg is None:
        return None
    staged = publishing.staged_for(request.package_id)
    if staged is not None and staged.request_id in (None, request.id):
        return dict(staged.data, id=request.package_id)
    return pkg


def _override(request: DataRequest, seen: Optional[frozenset[str]] = None
              ) -> dict[str, Any]:
    """The event data of ``override_screening``: the files (and their
    fingerprints) whose personal-data findings it accepts; refused when
    they are not those ``seen`` (``"<resource id>:<fingerprint>"``)."""
    pkg, _completeness = dataset_completeness(request.package_id)
    checked = _checked_dataset(request, pkg)
    files = datacheck.ensure(checked) if checked is not None else []
    covered = datacheck.overridden(request.id)
    pending = [f for f in files if f["finding_count"]
               and (f["resource_id"], f["fingerprint"]) not in covered]
    if not pending:
        raise tk.ValidationError({"resources": [tk._(
            "No data file of this request has personal-data findings to override")]})
    if seen is not None and seen != {f"{f['resource_id']}:{f['fingerprint']}" for f in pending}:
        raise tk.ValidationError({"resources": [tk._(
            "The data files changed since the page was opened: read their findings again "
            "before accepting them")]})
    covered |= {(f["resource_id"], f["fingerprint"]) for f in pending}
    return {"override": {f["resource_id"]: f["fingerprint"] for f in pending},
            "data_check": datacheck.summary(files, covered, checked)}


def prepare_data_check(context: Context, request_id: str) -> None:
    """Bring the results of the request's data files up to date before the
    row is locked (committed unless ``defer_commit``): a large table is
    checked without holding the lock; under the lock the engine only checks
    what changed in between."""
    request = roles.get_request(request_id)
    if request is not None and request.package_id:
        datacheck.refresh(request.package_id, commit=not context.get("defer_commit"))


def apply_step(context: Context, request_id: str, name: str, *,
               note: Optional[str] = None,
               expected_version: Optional[int | str] = None,
               seen_findings: Optional[frozenset[str]] = None) -> dict[str, Any]:
    """Record the step ``name`` of :data:`states.STEPS` on the request, as
    :func:`apply_transition` does a transition (auth checked by the action
    first; the row locked; the actor checked again under the lock; version
    + 1; the event in the same transaction; committed unless
    ``defer_commit``), without changing its state and without a
    notification. Returns the request with the new ``event``."""
    note = given_reason(note)
    request = lock_request(request_id)
    _check_version(request, expected_version)
    current = State(request.state)
    step = step_rule(name, current)
    if step is None:
        raise _refuse_state(name, current)
    acting = step.actors & roles.actor_kinds(context.get("user"), request)
    if not acting:
        raise tk.NotAuthorized(tk._(
            "You cannot take this step on the request as it is now: %(state)s") % {
                "state": state_label(current)})
    if step.reason_required and not note:
        raise tk.ValidationError({"note": [tk._("A reason is required")]})
    data: dict[str, Any] = {"actor": sorted(k.value for k in acting)}
    if name == datacheck.OVERRIDE:
        data.update(_override(request, seen_findings))
    request.version = (request.version or 0) + 1
    request.modified = datetime.datetime.utcnow()
    event = record_event(request, user_id=_user_id(context), transition=name,
                         from_state=current.value, note=note, data=data, signal=False)
    model.Session.flush()
    result = request.dictize()
    result["event"] = event.dictize()
    if not context.get("defer_commit"):
        model.Session.commit()
    return result

# -*- coding: utf-8 -*-
"""A collection round's own rules, beside its requests' state table:

* **a closed round takes no more data**: its requests not delivered yet
  are not submitted any more (:func:`gate_errors`, :data:`CLOSED_TO`);
  what was delivered is still reviewed and published;
* **the all-in gate** (Balikpapan: verification starts only once every OPD
  has delivered): in a round with ``verify_when_complete``, the verifier's
  steps (``verify``, ``return``) are refused while any request of the round
  is still with its producers (``requested`` or ``returned``). The engine
  asks :func:`gate_errors` under the request's row lock, after taking the
  round's row lock (:func:`lock_for`): every step that moves a request of
  such a round into or out of the producers' hands (submit, resubmit,
  verify, return) takes that lock first, so a submission and a verification
  of the same round happen one after the other, never past each other;
* **an item's own deadline** (Balikpapan: a week per data item):
  :func:`submit_due_of`;
* **the stages after the collection** (TJB, Maluku Utara): compile/analyse,
  then the report, then done (:func:`advance_stage`); the data is
  disseminated once the report is approved (SOP 001 step 8, SOP 003 step
  6: "bahan pelaporan ... yang sudah disetujui" is the publication's input),
  so a ready request of such a round is neither published nor scheduled
  before (:data:`PUBLISHING`, :func:`report_pending`) and its deadline to
  publish starts at the report's approval (:func:`start_publication`);
* **what stays as it was** once it was used (:func:`locked_fields`).
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..model import ROUND_STAGES, CollectionRound, DaftarData, DataRequest, RoundReport
from . import workdays
from .states import TABLE, State

__all__ = [
    "GATED", "GATED_STATES", "SERIALIZED", "WITH_PRODUCERS", "CLOSED_TO", "RETURNS",
    "PUBLISHING",
    "lock_for", "report_pending", "start_publication",
    "undelivered", "closed_ids",
    "waiting", "pending_of", "missing_text",
    "gate_errors", "verification_due", "start_verification",
    "submit_due_of", "publication_wait", "stage_label", "stage_labels", "state_label",
    "status_label",
    "next_stage", "advance_stage", "DATE_FIELDS", "RULE_FIELDS", "APPROVED", "locked_fields",
]

#: the verifier's steps that wait for every request of an all-in round
GATED = frozenset({"verify", "return"})
#: the states whose next step the gate holds back: the submissions waiting
#: for verification
GATED_STATES = tuple(sorted({state.value for t in TABLE if t.name in GATED
                             for state in t.sources}))
#: the steps that take the round's row lock in an all-in round (a cancelled
#: request may be the last one the round's verification waited for)
SERIALIZED = GATED | {"submit", "resubmit", "cancel"}
#: the deliveries a closed round no longer takes ("submit" a request, send
#: it again after a return, an OPD head's approval that submits it): its
#: producers' queues leave them out
CLOSED_TO = frozenset({"submit", "resubmit", "opd_approve"})
#: the steps that put a ready request's data out (now or at a release
#: time): in a round with a report stage, they wait for its approval
PUBLISHING = frozenset({"publish", "schedule"})
#: the steps that send data back to its producers (a closed round's could
#: never come back)
RETURNS = frozenset({"return", "return_approval", "return_ready", "opd_return"})
#: a request in these states is still with its producers
WITH_PRODUCERS = (State.REQUESTED.value, State.RETURNED.value)
#: how many missing requests a refusal names before "and n more"
_NAMED = 10


#: the steps whose deadline depends on the round's stage (a request returned
#: once the collection is over gets its own days, not the collection's
#: deadline; ready data waits for the round's report): they read the round
#: under its share lock, so that a stage moved at the same moment
#: (``satudata_round_advance``) comes wholly before or after them (a return
#: racing the move got the collection's deadline, two weeks late)
STAGED = frozenset({"return", "return_approval", "return_ready", "opd_return", "verify",
                    "approve"})


def lock_for(request_id: str, transition: str) -> None:
    """Before the request's row lock: take its round's row lock when the
    round is an all-in one and ``transition`` is one of :data:`SERIALIZED`,
    and its share lock for one of :data:`STAGED` (the lock order is always
    round, then request).

    The row lock is PostgreSQL's ``FOR NO KEY UPDATE``, as every lock of a
    round that is not deleted: a round's key never changes, so the rows
    that refer to it are still written meanwhile. A ``FOR UPDATE`` made
    them wait for it: a publish of another request of the round, holding
    its dataset's gate, waited on the round to write its dissemination row
    while a cancel holding the round waited for the gate (a deadlock, 500)."""
    of_request = (sa.select(CollectionRound.id)
                  .join(DataRequest, DataRequest.round_id == CollectionRound.id)
                  .where(DataRequest.id == request_id))
    if transition in SERIALIZED:
        model.Session.execute(of_request.where(CollectionRound.verify_when_complete.is_(True))
                              .with_for_update(of=CollectionRound, key_share=True))
    if transition in STAGED:
        model.Session.execute(of_request.with_for_update(of=CollectionRound, read=True))


def closed_ids() -> list[str]:
    """The ids of the closed rounds (a handful a year)."""
    return list(model.Session.execute(sa.select(CollectionRound.id).where(
        CollectionRound.state == "closed")).scalars())


def undelivered(t: Any = DataRequest) -> Any:
    """The requests an all-in round's verification waits for: with their
    producers and never delivered. Once every OPD has delivered ("ketika
    semua data sudah terkumpul"), verification has started: a request
    returned for revision after that holds back nobody else's."""
    return sa.and_(t.state.in_(WITH_PRODUCERS), t.submitted_at.is_(None))


def waiting(round_: Any = CollectionRound) -> Any:
    """The all-in rounds whose verification has not started yet. Once it
    has (every OPD delivered), items sent later do not close the gate again:
    the requests under verification are not held back by them."""
    return sa.and_(round_.verify_when_complete.is_(True),
                   round_.verification_started_at.is_(None))


def pending_of(round_ids: list[str] | set[str]) -> dict[str, list[str]]:
    """For the all-in rounds among ``round_ids`` that still wait for some
    OPD (:func:`waiting`, :func:`undelivered`): ``{round_id: ["OPD — item",
    …]}`` (one query)."""
    if not round_ids:
        return {}
    stmt = (
        sa.select(DataRequest.round_id, model.Group.title, DaftarData.title)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .where(DataRequest.round_id.in_(list(round_ids)), waiting(), undelivered())
        .order_by(model.Group.title, DaftarData.title)
    )
    pending: dict[str, list[str]] = {}
    for round_id, org_title, item_title in model.Session.execute(stmt).all():
        pending.setdefault(round_id, []).append(f"{org_title} — {item_title}")
    return pending


def missing_text(missing: list[str]) -> str:
    """The missing requests, named (the first :data:`_NAMED`)."""
    text = "; ".join(missing[:_NAMED])
    if len(missing) > _NAMED:
        text += " " + tk._("and %(count)s more") % {"count": len(missing) - _NAMED}
    return text


def report_pending(round_: CollectionRound) -> bool:
    """Whether ``round_`` has a report stage whose report is not approved
    yet (its stage is not ``done``): its data is not disseminated before."""
    return bool(round_.report_days) and round_.stage != "done"


def gate_errors(round_: CollectionRound, transition: str, request: DataRequest
                ) -> dict[str, list[str]]:
    """Why ``transition`` cannot be taken now on ``request`` of ``round_``
    (empty: it can): a closed round takes no more data (:data:`CLOSED_TO`;
    a revision of published data still goes through); the all-in gate,
    naming the OPDs and items not delivered yet; the report a ready
    request's first publication waits for (:data:`PUBLISHING`; data carried
    into the next period waits for that period instead)."""
    if round_.state == "closed" and transition in CLOSED_TO \
            and request.revision_of is None:
        return {"state": [tk._(
            "This round is closed: it takes no more data. The walidata can reopen it "
            "on the round's page to receive it.")]}
    if round_.state == "closed" and transition in RETURNS and request.revision_of is None:
        # returned, it could never come back (its producers' resubmission
        # was refused), their e-mail asking for it by a deadline
        return {"state": [tk._(
            "This round is closed: data returned now could not be sent again. The "
            "walidata can reopen it on the round's page first.")]}
    if transition in PUBLISHING and request.state == State.READY.value \
            and request.late != "carry" and report_pending(round_):
        return {"state": [tk._(
            "The data of this round is published once the round's report is approved "
            "(the round is now at: %(stage)s)") % {"stage": stage_label(round_.stage)}]}
    if not round_.verify_when_complete or transition not in GATED:
        return {}
    missing = pending_of([round_.id]).get(round_.id)
    if not missing:
        return {}
    return {"state": [tk._(
        "Verification in this round starts once every OPD has delivered. "
        "Still waiting for: %(missing)s") % {"missing": missing_text(missing)}]}


def verification_due(round_: CollectionRound, today: datetime.date) -> datetime.date:
    """When a submission (or an all-in round's whole verification) starting
    ``today`` is due: the round's ``verify_days`` later, but never before
    the round's verification deadline, the date its letter gives (an early
    submission was flagged overdue weeks before it), while the round
    collects: once its collection is over (moved on early), a revision or a
    late submission has its ``verify_days`` (a revision after the round's
    report was given the collection's date, four months away)."""
    counted = workdays.add_working_days(today, round_.verify_days)
    if not round_.verify_due or round_.stage not in (None, "collection"):
        return counted
    return max(counted, round_.verify_due)


def start_verification(round_: CollectionRound, today: datetime.date) -> int:
    """In an all-in round, once its last request has been delivered or the
    last undelivered one cancelled (``today``), the verification of every
    request waiting for it starts:
    their deadline becomes the round's ``verify_days`` from ``today`` (an
    early submission's deadline ran while verification could not start).
    Called under the round's row lock after a first delivery or a
    cancellation; how many
    requests wait for verification now (0 while a request is still with its
    producers, or when it had started before); their deadline is
    :func:`verification_due`."""
    if not round_.verify_when_complete or round_.verification_started_at is not None \
            or pending_of([round_.id]):
        return 0
    round_.verification_started_at = datetime.datetime.utcnow()
    due = verification_due(round_, today)
    waiting = DataRequest.round_id == round_.id, DataRequest.state.in_(GATED_STATES)
    model.Session.execute(
        sa.update(DataRequest)
        .where(*waiting, sa.or_(DataRequest.due_date.is_(None), DataRequest.due_date < due))
        .values(due_date=due)
        .execution_options(synchronize_session="fetch"))
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(DataRequest).where(*waiting)).scalar_one()


#: a request in these states is still in the collection (with its producers,
#: its OPD's head, its verifier or its approvers)
_COLLECTING = (State.REQUESTED.value, State.OPD_REVIEW.value, State.SUBMITTED.value,
               State.RETURNED.value, State.RESUBMITTED.value, State.VERIFIED.value)


def _carried_late(round_: CollectionRound) -> Any:
    """The requests of ``round_`` that do not hold its collection (or its
    analysis) up: under the rule "carried into the next period" (TJB: late
    data misses the publication period), those still with their producers
    after their deadline and those delivered late; they stay open, and what
    comes in later goes through the chain and out in the next period
    (:mod:`.late_data`)."""
    if round_.late_policy != "carry":
        return sa.false()
    # delivered late (carried): reviewed for the next period, neither
    return sa.or_(sa.and_(DataRequest.state.in_((State.REQUESTED.value, State.RETURNED.value)),
                          DataRequest.due_date < workdays.today()),
                  sa.func.coalesce(DataRequest.late, "") == "carry")  # NULL: not late


def still_collecting(round_: CollectionRound) -> list[str]:
    """The requests of ``round_`` still in the collection ("OPD — item"):
    what holds its analysis and its report up (late data carried into the
    next period aside)."""
    return [f"{org} — {item}" for org, item in model.Session.execute(
        sa.select(model.Group.title, DaftarData.title).select_from(DataRequest)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .where(DataRequest.round_id == round_.id, DataRequest.state.in_(_COLLECTING),
               ~_carried_late(round_))
        .order_by(model.Group.title, DaftarData.title)).all()]


def publication_wait(report_days: Optional[int], stage: Optional[str]) -> Optional[str]:
    """Why a round's publication cannot be built yet, or None: a round with
    a report stage (TJB, Maluku Utara: the report is checked and approved
    up the chain, then published) builds its book once its report is
    approved (stage ``done``); it went public while the report was a draft."""
    if report_days and stage != "done":
        return tk._("The publication of this round is built once its report is approved "
                    "(the round is now at: %(stage)s)") % {"stage": stage_label(stage or "")}
    return None


def start_publication(round_: CollectionRound, today: datetime.date) -> list[DataRequest]:
    """Once the report of ``round_`` is approved (its stage now ``done``,
    called under the round's row lock), the round's ready requests may be
    published: their deadline to publish starts ``today`` (they had none
    while they waited). The requests now ready to publish."""
    ready = list(model.Session.execute(
        sa.select(DataRequest).where(
            DataRequest.round_id == round_.id, DataRequest.state == State.READY.value,
            sa.or_(DataRequest.late.is_(None), DataRequest.late != "carry"))
        .order_by(DataRequest.id).with_for_update()).scalars())
    due = workdays.add_working_days(today, tk.config.get("satudata.deadline.publish_days"))
    for request in ready:
        if request.due_date is None or request.due_date < due:
            request.due_date = due
    return ready


# -- an item's own deadline --------------------------------------------------------

def submit_due_of(item: DaftarData, round_: CollectionRound,
                  sent_on: datetime.date) -> datetime.date:
    """The submission deadline of ``item``'s request in ``round_`` sent on
    ``sent_on``: the item's own (``submit_days`` after the sending, in
    working or calendar days) when it has one, else the round's."""
    if item.submit_days:
        return workdays.deadline(sent_on, item.submit_days, item.submit_calendar_days)
    return round_.submit_due


# -- the stages after the collection -----------------------------------------------

def stage_labels() -> dict[str, str]:
    return {
        "collection": tk._("Collection of the OPDs' data"),
        "compile": tk._("Compiling and analysing the data"),
        "report": tk._("Drafting and approving the report"),
        "done": tk._("Done"),
    }


def stage_label(stage: str) -> str:
    return stage_labels().get(stage, stage)


def state_label(state: str) -> str:
    """A round's state (:data:`..model.ROUND_STATES`) in the reader's language."""
    return {"draft": tk._("draft"), "open": tk._("open"),
            "closed": tk._("closed")}.get(state, state)


def status_label(round_: CollectionRound) -> str:
    """What a round's pages say it is: its state, or "done" for an open
    round whose work is over."""
    if round_.state == "open" and round_.stage == "done":
        # written as the states are ("Selesai" beside "berjalan", "ditutup")
        return stage_label("done").lower()
    return state_label(round_.state)


#: a round's dates: its requests were collected by them
DATE_FIELDS = ("start_date", "prepare_days", "submit_days", "verify_days",
               "prepare_due", "submit_due", "verify_due")
#: a round's rules: its report was approved by its chain, its late data
#: judged by its rule, its stages run for their working days, its approvals
#: given their working days, its verification waiting for every OPD or not
#: (a done round's record showed rules it never ran with)
RULE_FIELDS = ("approval_chain", "report_chain", "late_policy", "compile_days",
               "report_days", "approval_days", "verify_when_complete")


#: the states of a request its chain is working on
REVIEWING = (State.SUBMITTED.value, State.RESUBMITTED.value, State.VERIFIED.value)


#: the states of a request whose data was approved: a round with such
#: requests keeps its stages (whether its publication waits for a report)
APPROVED = (State.READY.value, State.SCHEDULED.value, State.PUBLISHED.value,
            State.WITHDRAWN.value, State.ARCHIVED.value)


def reports_in_approval(round_ids: list[str]) -> set[str]:
    """The rounds among ``round_ids`` whose report goes up its chain now
    (one query)."""
    if not round_ids:
        return set()
    return set(model.Session.execute(sa.select(RoundReport.round_id).where(
        RoundReport.round_id.in_(round_ids), RoundReport.state == "in_approval")).scalars())


def locked_fields(round_: CollectionRound, sent: bool, reviewing: bool = False,
                  approved: bool = False, report_reviewing: bool = False) -> dict[str, str]:
    """The fields of ``round_`` that no longer change, each with the reason
    a refusal gives: its year once it is ``sent`` (its requests came from
    that year's Daftar Data), its chain while requests of it are
    ``reviewing`` (being verified or approved), its stages once data of it
    is ``approved`` or its collection is over (a report stage emptied while
    the report waited for the Kadis let its data out unreported), its
    dates once its collection is over, its chain and rules once it is done."""
    locked = {}
    if approved or round_.stage != "collection":
        locked.update(dict.fromkeys(("compile_days", "report_days"), tk._(
            "The round's stages no longer change once its data is approved or its "
            "collection is over (its publication waits for its report, or not)")))
    if reviewing:
        locked["approval_chain"] = tk._(
            "The approval chain cannot change while requests of this round are being "
            "verified or approved")
    if report_reviewing:
        # the report's levels, while it goes up them (its own chain, or the
        # round's when it has none)
        locked.update(dict.fromkeys(
            ("report_chain",) if round_.report_chain else ("approval_chain", "report_chain"),
            tk._("The report's approval chain cannot change while the report is being "
                 "approved")))
    if sent:
        locked["year"] = tk._("The requests of this round were sent from the Daftar Data "
                              "of its year: the year no longer changes")
    if round_.stage != "collection":
        locked.update(dict.fromkeys(DATE_FIELDS, tk._(
            "The collection of this round is over: its dates no longer change")))
    if round_.stage == "done":
        locked.update(dict.fromkeys(RULE_FIELDS, tk._(
            "This round is done: its chain, rules and stages no longer change")))
    return locked


def next_stage(round_: CollectionRound) -> Optional[str]:
    """The stage after the one ``round_`` is in: the stages it has (compile
    when ``compile_days``, report when ``report_days``), then done."""
    if round_.stage == "done":
        return None
    later = ROUND_STAGES[ROUND_STAGES.index(round_.stage) + 1:]
    for stage in later:
        if stage == "compile" and not round_.compile_days:
            continue
        if stage == "report" and not round_.report_days:
            continue
        return stage
    return None


def advance_stage(round_: CollectionRound, today: Optional[datetime.date] = None
                  ) -> dict[str, Any]:
    """Move ``round_`` (row locked by the caller) to its next stage; the
    deadlines of the stages still ahead are counted again from ``today``.
    Returns ``{"from": stage, "to": stage}`` (the caller records it in the
    round's trail, :mod:`.round_history`)."""
    target = next_stage(round_)
    if target is None:
        raise tk.ValidationError({"stage": [tk._("This round has no further stage")]})
    today = today or workdays.today()
    before = round_.stage
    if target == "compile":
        due = workdays.stage_deadlines(today, round_.compile_days, round_.report_days)
        round_.compile_due, round_.report_due = due["compile_due"], due["report_due"]
    elif target == "report":
        round_.report_due = workdays.stage_deadlines(
            today, None, round_.report_days)["report_due"]
        if before == "compile" and round_.compile_due and round_.compile_due > today:
            # ended early: on the day it ended (its planned deadline came
            # after the report's, the round's page read as the wrong order)
            round_.compile_due = today
    round_.stage = target
    round_.modified = datetime.datetime.utcnow()
    return {"from": before, "to": target}

# -*- coding: utf-8 -*-
"""The report of a collection round (Tanjung Jabung Barat, Maluku Utara:
after the collection the walidata compiles and analyses the data, then
drafts a report that is checked up the chain, a working day per level).

The round moves through its stages (:data:`..model.ROUND_STAGES`):
``collection`` → ``compile`` → ``report`` → ``done``, skipping a stage it
has no days for. Entering ``report`` drafts the report from the round's
verified data (:func:`summary`: each request's OPD, item, state, dataset
and returns; the walidata edits the text). The report then goes up
the round's report chain (else its approval chain, else
``satudata.approval_chain``) as its requests do: :data:`TABLE` says who may
take which step from where; the actions check it early, :func:`apply`
again under the report's row lock, writes the audit event
(:class:`..model.RoundReportEvent`) in the same transaction, and the last
approval ends the round's work (stage ``done``).
"""
from __future__ import annotations

import contextlib
import datetime
import enum
from dataclasses import dataclass
from typing import Any, Optional

import flask
import flask_babel
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..model import (
    CollectionRound, DaftarData, DataRequest, RoundReport, RoundReportEvent,
)
from . import outbox, publishing, roles, round_history, rounds, workdays
from .states import PUBLIC_STATES, State, given_reason, state_labels

__all__ = [
    "ReportState", "Actor", "Step", "TABLE", "DRAFTED", "EDIT", "actors_of",
    "steps_for", "waiting_for", "may_attempt", "summary", "draft", "apply", "edit", "events",
    "state_label", "step_label", "lock_round",
]


class ReportState(str, enum.Enum):
    DRAFT = "draft"                # Konsep: the walidata writes it
    IN_APPROVAL = "in_approval"    # Dalam persetujuan: at ``approval_level`` of the chain
    RETURNED = "returned"          # Dikembalikan: back with its drafters, with the reason
    APPROVED = "approved"          # Disetujui: the round's work is done

    def __str__(self) -> str:
        return self.value


class Actor(str, enum.Enum):
    DRAFTER = "drafter"            # holds the walidata's ``draft`` duty
    APPROVER = "approver"          # holds the chain role of the level it waits at


@dataclass(frozen=True)
class Step:
    name: str
    sources: frozenset[ReportState]
    #: None: the next level of the chain, or approved after the last
    target: Optional[ReportState]
    actors: frozenset[Actor]
    reason_required: bool = False


R = ReportState
EDITABLE = frozenset({R.DRAFT, R.RETURNED})
#: THE table of a round report
TABLE: tuple[Step, ...] = (
    Step("submit", EDITABLE, R.IN_APPROVAL, frozenset({Actor.DRAFTER})),
    Step("approve", frozenset({R.IN_APPROVAL}), None, frozenset({Actor.APPROVER})),
    Step("return", frozenset({R.IN_APPROVAL}), R.RETURNED, frozenset({Actor.APPROVER}),
         reason_required=True),
)
#: the events of the timeline that are no step of the table
DRAFTED, EDIT = "draft", "edit"


def state_label(state: str) -> str:
    labels = {
        R.DRAFT.value: tk._("draft"),
        R.IN_APPROVAL.value: tk._("in approval"),
        R.RETURNED.value: tk._("returned for revision"),
        R.APPROVED.value: tk._("approved"),
    }
    return labels.get(state, state)


def step_label(name: str) -> str:
    labels = {
        DRAFTED: tk._("Report drafted from the verified data"),
        EDIT: tk._("Report edited"),
        "submit": tk._("Submit for approval"),
        "approve": tk._("Approve"),
        "return": tk._("Return for revision"),
    }
    return labels.get(name, name)


# -- who may act ---------------------------------------------------------------------

#: the steps that make a user one of a submitted report's hands: who wrote
#: it, sent it for approval or approved it at a level decides on it no more
HANDS = ("edit", "submit", "approve")


def _hands(report: RoundReport) -> Any:
    """The events of the report's hands (:data:`HANDS`) since it was last
    returned, as a WHERE clause."""
    event = RoundReportEvent
    returned = (sa.select(sa.func.max(event.timestamp))
                .where(event.report_id == report.id, event.step == "return")
                .scalar_subquery())
    return sa.and_(event.report_id == report.id, event.step.in_(HANDS),
                   sa.or_(returned.is_(None), event.timestamp > returned))


def took_part(report: RoundReport, user_id: str,
              upto: Optional[datetime.datetime] = None) -> bool:
    """Whether the user wrote, submitted or approved the report since it
    was last returned (four eyes, as :func:`.roles.took_part` for a data
    request); ``upto``: by the steps taken until then (a message about a
    step, sent after the next one). One query."""
    return bool(model.Session.execute(sa.select(sa.exists().where(
        _hands(report), RoundReportEvent.user_id == user_id,
        RoundReportEvent.timestamp <= upto if upto is not None else sa.true()))).scalar())


def holds_level(user: Any, report: RoundReport) -> bool:
    """Whether ``user`` holds the role of the level the report waits at."""
    chain = roles.report_chain(report.round_id)
    return (user is not None and report.state == R.IN_APPROVAL.value
            and 0 <= report.approval_level < len(chain)
            and chain[report.approval_level] in roles.user_roles(user.id))


def actors_of(user_name: Optional[str], report: RoundReport) -> set[Actor]:
    """Which actor kinds of :data:`TABLE` the user is for ``report`` now: an
    approver holds the role of the level it waits at and took no earlier
    part in it (:func:`took_part`)."""
    kinds: set[Actor] = set()
    if roles.may("draft", user_name):
        kinds.add(Actor.DRAFTER)
    user = roles.user_obj(user_name)
    if holds_level(user, report) and not took_part(report, user.id):
        kinds.add(Actor.APPROVER)
    return kinds


def steps_for(user_name: Optional[str], report: RoundReport) -> list[str]:
    """The steps the user may take on ``report`` now."""
    kinds = actors_of(user_name, report)
    return [s.name for s in TABLE
            if ReportState(report.state) in s.sources and s.actors & kinds]


def waiting_for(user_name: Optional[str]) -> list[tuple[CollectionRound, RoundReport]]:
    """The rounds whose report waits for something the user may do (edit and
    submit it, approve or return it at their level), the earliest deadline
    first: a report waiting for the Kabid was in no queue of the portal."""
    user = roles.user_obj(user_name)
    if user is None:
        return []
    drafter = roles.may("draft", user_name)
    held = roles.user_roles(user.id)
    if not drafter and not held:
        return []  # most users: no query per report
    rows = model.Session.execute(
        sa.select(CollectionRound, RoundReport)
        .join(RoundReport, RoundReport.round_id == CollectionRound.id)
        .where(RoundReport.state != R.APPROVED.value)
        .order_by(RoundReport.due_date.asc().nulls_last(), CollectionRound.name)).all()

    def candidate(round_: CollectionRound, report: RoundReport) -> bool:
        # what the table's actors need, from what was read once; the table
        # decides (steps_for) for the reports that pass
        if drafter and ReportState(report.state) in EDITABLE:
            return True
        chain = roles.report_chain(round_)
        return (report.state == R.IN_APPROVAL.value
                and 0 <= report.approval_level < len(chain)
                and chain[report.approval_level] in held)

    return [(round_, report) for round_, report in rows
            if candidate(round_, report) and steps_for(user_name, report)]


def may_attempt(user_name: Optional[str], name: str) -> bool:
    """The auth functions' early check: the user is one who could take the
    step ``name`` somewhere (a drafter; the holder of a chain role). The
    report's state and level are checked under its row lock."""
    actors = next(s.actors for s in TABLE if s.name == name)
    if Actor.DRAFTER in actors and roles.may("draft", user_name):
        return True
    user = roles.user_obj(user_name)
    return Actor.APPROVER in actors and user is not None and bool(
        set(roles.approval_chain()) & roles.user_roles(user.id))


# -- drafting --------------------------------------------------------------------------

def summary(round_id: str) -> dict[str, Any]:
    """What the report is drafted from: each request of the round (OPD,
    item, state, dataset, returns, submitted on time) and the counts per
    state, in one query."""
    stmt = (
        sa.select(DataRequest, model.Group.title, DaftarData.title, DaftarData.unit,
                  model.Package.name, model.Package.title)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .outerjoin(model.Package, model.Package.id == DataRequest.package_id)
        .where(DataRequest.round_id == round_id)
        .order_by(model.Group.title, DaftarData.title)
    )
    rows, counts = [], {}
    for request, org, item, unit, pkg_name, pkg_title in model.Session.execute(stmt).all():
        counts[request.state] = counts.get(request.state, 0) + 1
        on_time = None
        if request.submitted_at and request.submit_due:  # the day in WIB
            on_time = publishing.to_local(request.submitted_at).date() \
                <= request.submit_due  # type: ignore[union-attr]
        rows.append({
            "request_id": request.id, "organization": org, "item": item, "unit": unit,
            "state": request.state, "dataset_name": pkg_name, "dataset_title": pkg_title,
            "return_count": request.return_count, "on_time": on_time,
        })
    # verified at some point (withdrawn data was: the Berita Acara counts
    # it); a cancelled request is no longer asked for
    verified = {State.VERIFIED.value, State.READY.value, State.SCHEDULED.value,
                State.PUBLISHED.value, State.ARCHIVED.value, State.WITHDRAWN.value}
    return {"requests": rows, "counts": counts,
            "total": len(rows) - counts.get(State.CANCELLED.value, 0),
            "verified": sum(n for s, n in counts.items() if s in verified),
            "generated": datetime.datetime.utcnow().isoformat(timespec="seconds")}


def _in_portal_language() -> Any:
    """Translations in the portal's language (``ckan.locale_default``)
    during a web request; outside one (a job, a command) as they are."""
    if not flask.has_request_context():
        return contextlib.nullcontext()
    return flask_babel.force_locale(tk.config.get("ckan.locale_default") or "en")


def _body(round_: CollectionRound, data: dict[str, Any]) -> str:
    """The first text of the report, for the walidata to edit.

    Approved, the text is printed in the round's public book: the data it
    names are those the public has (published, archived); the others are
    counted per OPD and state (the draft named them with their state: a
    book could tell the public of data still "ready to publish", returned
    or withdrawn). The reviewers read each request in the page's table."""
    labels = {s.value: label for s, label in state_labels().items()}
    lines = [tk._("Report of the collection round %(round)s (%(year)s).") % {
        "round": round_.title, "year": round_.year}, "",
        tk._("%(verified)s of the %(total)s data requested were verified.") % {
            "verified": data["verified"], "total": data["total"]}]
    public = {s.value for s in PUBLIC_STATES}
    named = [row for row in data["requests"] if row["state"] in public]
    if named:
        # a blank line before a list: Markdown read it as the sentence's
        # continuation ("…(2): - Dinas Kesehatan — … - Dinas Pendidikan …")
        lines += ["", tk._("Published (%(count)s):") % {"count": len(named)}, ""]
        lines += [f"- {row['organization']} — {row['item']}: "
                  f"{labels.get(row['state'], row['state'])}" for row in named]
    # the requests counted above, then those cancelled apart ("5 of the 5"
    # read wrong beside a list of 7)
    cancelled = State.CANCELLED.value
    waiting = _per_opd([r for r in data["requests"]
                        if r["state"] not in public and r["state"] != cancelled])
    if waiting:
        # dated: printed in the book once the data is out, "not published
        # yet: ready to publish" read as a statement of the book's day
        lines += ["", tk._("Not published when this report was drafted (%(date)s), per OPD:")
                  % {"date": tk.h.render_datetime(workdays.today())}, ""]
        lines += ["- %s — %s" % (organization, "; ".join(  # in the workflow's order
            tk._("%(state)s: %(count)s") % {"state": label, "count": states[state]}
            for state, label in labels.items() if state in states))
            for organization, states in waiting.items()]
    ended = _per_opd([r for r in data["requests"] if r["state"] == cancelled])
    if ended:
        lines += ["", tk._("Cancelled, no longer asked for (%(count)s):") % {
            "count": sum(n for states in ended.values() for n in states.values())}, ""]
        lines += [f"- {organization}: {states[cancelled]}"
                  for organization, states in ended.items()]
    return "\n".join(lines)


def _per_opd(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How many of ``rows`` each OPD has in each state (in the rows' order)."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        states = counts.setdefault(row["organization"], {})
        states[row["state"]] = states.get(row["state"], 0) + 1
    return counts


def _event(report: RoundReport, *, user_id: Optional[str], step: str,
           from_state: Optional[str], level: int, note: Optional[str] = None,
           data: Optional[dict[str, Any]] = None) -> RoundReportEvent:
    event = RoundReportEvent(
        id=model.types.make_uuid(), report_id=report.id, user_id=user_id,
        timestamp=datetime.datetime.utcnow(), step=step, from_state=from_state,
        to_state=report.state, approval_level=level, note=note, data=data or {})
    model.Session.add(event)
    return event


def draft(round_: CollectionRound, user_id: Optional[str]) -> RoundReport:
    """The report of ``round_`` (row locked by the caller), drafted from its
    data now, or the one it has."""
    existing = model.Session.execute(
        sa.select(RoundReport).where(RoundReport.round_id == round_.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    data = summary(round_.id)
    # written once, in the portal's language (it was the language of the
    # page the stage was moved on from: an English title on the Indonesian portal)
    with _in_portal_language():
        title = tk._("Report of %(round)s") % {"round": round_.title}
        body = _body(round_, data)
    report = RoundReport(
        id=model.types.make_uuid(), round_id=round_.id, state=R.DRAFT.value,
        approval_level=0, title=title, body=body, summary=data,
        due_date=round_.report_due, version=1, created_by=user_id)
    model.Session.add(report)
    model.Session.flush()
    _event(report, user_id=user_id, step=DRAFTED, from_state=None, level=0)
    return report


# -- steps ---------------------------------------------------------------------------------

def lock_round(round_id: str) -> tuple[CollectionRound, Optional[RoundReport]]:
    """The round and its report, both rows locked (round first; the round's
    as :func:`.rounds.lock_for` locks it)."""
    round_ = model.Session.execute(
        sa.select(CollectionRound).where(CollectionRound.id == round_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if round_ is None:
        raise tk.ObjectNotFound(tk._("Collection round not found"))
    report = model.Session.execute(
        sa.select(RoundReport).where(RoundReport.round_id == round_id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one_or_none()
    return round_, report


def _check_version(report: RoundReport, expected: Any) -> None:
    if expected in (None, ""):
        return
    try:
        same = int(expected) == report.version
    except (TypeError, ValueError):
        raise tk.ValidationError({"version": [tk._("Invalid version")]})
    if not same:
        raise tk.ValidationError({"version": [tk._(
            "This report changed since you opened the page (a step was taken, "
            "perhaps by you in another tab): reload it to see where it is now.")]})


def _report_of(report: Optional[RoundReport]) -> RoundReport:
    if report is None:
        raise tk.ObjectNotFound(tk._("This round has no report yet"))
    return report


def edit(round_id: str, user_name: Optional[str], user_id: Optional[str], body: str,
         expected_version: Any = None) -> RoundReport:
    """Change the report's text while its drafters hold it (checked under
    the lock); an event records the edit."""
    _round, report = lock_round(round_id)
    report = _report_of(report)
    _check_version(report, expected_version)
    _write(report, user_name, user_id, body)
    return report


def _write(report: RoundReport, user_name: Optional[str], user_id: Optional[str],
           body: str) -> None:
    """Under the report's lock: its text becomes ``body`` (its drafters,
    while they hold it), an event records the edit."""
    if ReportState(report.state) not in EDITABLE:
        raise tk.ValidationError({"state": [tk._(
            "The report can only be edited while it is a draft or returned")]})
    if Actor.DRAFTER not in actors_of(user_name, report):
        raise tk.NotAuthorized(tk._("You cannot edit this report"))
    if body == report.body:
        # the same text saved again is no change (it let a returned report
        # go back unchanged, without the note that says why)
        return
    report.body = body
    report.version += 1
    report.modified = datetime.datetime.utcnow()
    _event(report, user_id=user_id, step=EDIT, from_state=report.state,
           level=report.approval_level)
    model.Session.flush()


def _where(report: RoundReport) -> str:
    """The report's state, and the level it waits for while in approval."""
    shown = state_label(report.state)
    chain = roles.report_chain(report.round_id)
    if report.state == R.IN_APPROVAL.value and 0 <= report.approval_level < len(chain):
        shown = f"{shown} ({roles.role_label(chain[report.approval_level])})"
    return shown


def _edited_since_return(report: RoundReport) -> bool:
    """Whether the report's text was changed since its latest return."""
    latest = model.Session.execute(
        sa.select(RoundReportEvent.step).where(RoundReportEvent.report_id == report.id,
                                               RoundReportEvent.step.in_((EDIT, "return")))
        .order_by(RoundReportEvent.timestamp.desc()).limit(1)).scalar()
    return latest == EDIT


def _just_took(report: RoundReport, user_id: Optional[str], name: str) -> bool:
    """Whether the report's latest step is ``name`` taken by the user."""
    latest = model.Session.execute(
        sa.select(RoundReportEvent.user_id, RoundReportEvent.step)
        .where(RoundReportEvent.report_id == report.id)
        .order_by(RoundReportEvent.timestamp.desc()).limit(1)).first()
    return latest is not None and user_id is not None and tuple(latest) == (user_id, name)


def _refuse_unapprovable(report: RoundReport, chain: list[str],
                         user_id: Optional[str]) -> None:
    """A report nobody could approve at a level of its chain is not sent:
    every holder of that level's role wrote or sends it (four eyes), and it
    waited there for ever (the Kepala Dinas, the only one, who drafted it)."""
    wrote = set(model.Session.execute(sa.select(RoundReportEvent.user_id).where(
        _hands(report), RoundReportEvent.user_id.isnot(None))).scalars())
    for role in chain:
        holders = {user.id for user in roles.users_with_role(role)}
        if holders and holders <= wrote:
            # another officer's sending does not help: they wrote it already
            # (it said so, and nobody could send it)
            raise tk.ValidationError({"state": [tk._(
                "Nobody could approve this report at the level %(role)s: every holder of "
                "that role wrote it. Give the role to one more officer of the walidata, "
                "who did not write it.") % {"role": roles.role_label(role)}]})
        if holders and holders <= wrote | {user_id}:
            raise tk.ValidationError({"state": [tk._(
                "Nobody could approve this report at the level %(role)s: every holder of "
                "that role wrote or sends it. Let another officer of the walidata send it, "
                "or give the role to one more officer.") % {"role": roles.role_label(role)}]})


def apply(round_id: str, name: str, user_name: Optional[str], user_id: Optional[str], *,
          note: Optional[str] = None, expected_version: Any = None,
          body: Optional[str] = None) -> RoundReport:
    """Take the step ``name`` of :data:`TABLE` on the round's report: under
    the round's and the report's row locks the table decides again; the
    deadline of the level it reaches is counted in the round's
    ``approval_days``; the last approval ends the round's work. A
    ``body`` given with ``submit`` is the text it goes with: saved first,
    in the same transaction (the text typed beside "submit" went to
    approval as it was before)."""
    note = given_reason(note)  # a zero-width space is no reason
    round_, report = lock_round(round_id)
    report = _report_of(report)
    _check_version(report, expected_version)
    current = ReportState(report.state)
    step = next((s for s in TABLE if s.name == name and current in s.sources), None)
    if step is None:
        raise tk.ValidationError({"state": [tk._(
            "\"%(step)s\" is not possible while the report is %(state)s") % {
                "step": step_label(name), "state": state_label(current.value)}]})
    acting = step.actors & actors_of(user_name, report)
    if not acting and Actor.APPROVER in step.actors \
            and holds_level(roles.user_obj(user_name), report):
        raise tk.NotAuthorized(roles.four_eyes_message())
    if not acting:
        where = _where(report)
        if _just_took(report, user_id, name):  # a second click, a second client
            raise tk.ValidationError({"state": [tk._(
                "You have just taken this step: the report is now %(state)s") % {
                    "state": where}]})
        raise tk.NotAuthorized(tk._(
            "You cannot take this step on the report as it is now: %(state)s") % {
                "state": where})
    if body is not None and name == "submit":
        # once the step is possible: a second "submit" was told "the report
        # can only be edited while it is a draft or returned"
        _write(report, user_name, user_id, body)
    if step.reason_required and not note:
        raise tk.ValidationError({"note": [tk._("A reason is required")]})
    if step.name == "submit" and current == R.RETURNED and not note \
            and not _edited_since_return(report):
        # as a returned data request: changed, or the note says why not
        raise tk.ValidationError({"note": [tk._(
            "The report was returned: change it, or say in a note why it goes back "
            "unchanged")]})
    chain = roles.report_chain(round_)
    if step.name == "submit":
        _refuse_unapprovable(report, chain, user_id)
        # its approvers read the round's data as it is now (data returned
        # and corrected since the draft still read "returned for revision")
        report.summary = summary(round_.id)
    if step.name == "approve":
        # the round's data as it is at each approval (returned since its
        # submission, the approved report still said "ready")
        report.summary = summary(round_.id)
    level = report.approval_level
    data: dict[str, Any] = {"actor": sorted(k.value for k in acting)}
    if Actor.APPROVER in acting:
        data["role"] = chain[level]
    today = workdays.today()
    if step.name == "approve" and level + 1 < len(chain):
        report.approval_level = level + 1
        report.due_date = workdays.add_working_days(today, round_.approval_days)
    elif step.name == "approve":
        # what it reports on is in: data sent back to its OPD since it was
        # submitted (its summary still said "ready") waits, or the report
        # goes back to be redrafted
        collecting = rounds.still_collecting(round_)
        if collecting and round_.stage == "report":
            raise tk.ValidationError({"state": [tk._(
                "%(count)s request(s) of this round went back into the collection since "
                "the report was submitted: %(requests)s. Approve the report once they are "
                "delivered and approved again, or return it to be redrafted") % {
                    "count": len(collecting),
                    "requests": rounds.missing_text(collecting)}]})
        report.state = R.APPROVED.value
        report.due_date = None
        if round_.stage == "report":
            round_history.record(round_, "advance", user_id,
                                 rounds.advance_stage(round_, today))
            # its data may go out now, by the deadline its e-mail tells
            ready = rounds.start_publication(round_, today)
            if ready:
                data["ready"] = len(ready)
                data["publish_due"] = ready[0].due_date.isoformat()
    elif step.target == R.IN_APPROVAL:
        report.state, report.approval_level = step.target.value, 0
        report.due_date = workdays.add_working_days(today, round_.approval_days)
    else:  # returned: back to its drafters, by the report's deadline (at least a day)
        report.state, report.approval_level = step.target.value, 0
        report.due_date = max(round_.report_due or today,
                              workdays.add_working_days(today, 1))
    report.version += 1
    report.modified = datetime.datetime.utcnow()
    if report.state == R.IN_APPROVAL.value and report.due_date:
        # the deadline of the level it now waits at, as its e-mail tells it
        # (delivered later, the report may have moved on)
        data["due_date"] = report.due_date.isoformat()
    event = _event(report, user_id=user_id, step=step.name, from_state=current.value,
                   level=level, note=note, data=data)
    model.Session.flush()
    # the people the step concerns are told once it commits
    outbox.add("notify_report_step", [event.id],
               title=f"satudata: report {report.id} {step.name}")
    return report


def drafters(report: Optional[RoundReport] = None) -> list[model.User]:
    """Who drafts the round reports: the walidata's administrators and the
    holders of the drafting duty; with ``report``, also whoever drafted,
    edited or submitted that one (a sysadmin who wrote it is neither)."""
    users = roles.walidata_admins() + roles.users_with_duty("draft")
    if report is not None:
        wrote = model.Session.execute(
            sa.select(model.User).join(RoundReportEvent, RoundReportEvent.user_id == model.User.id)
            .where(RoundReportEvent.report_id == report.id,
                   RoundReportEvent.step.in_((DRAFTED, EDIT, "submit")),
                   model.User.state == "active")).scalars().all()
        users += list(wrote)
    return list({user.id: user for user in users}.values())


def waiting_level(event: RoundReportEvent) -> Optional[int]:
    """The level of the chain the report waits at after the step ``event``
    (None when it does not wait for an approval)."""
    if event.to_state != R.IN_APPROVAL.value:
        return None
    return 0 if event.step == "submit" else event.approval_level + 1


def events(report_id: str) -> list[dict[str, Any]]:
    """The report's timeline, oldest first, with the user's name."""
    result = []
    for event, name, shown in roles.with_their_users(
            RoundReportEvent, RoundReportEvent.report_id == report_id):
        item = event.dictize()
        item.update(user_name=name, user_display_name=shown,
                    step_label=step_label(event.step),
                    to_state_label=state_label(event.to_state))
        result.append(item)
    return result

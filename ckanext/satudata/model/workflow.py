# -*- coding: utf-8 -*-
"""Tables of the data-request workflow (permintaan data).

* :class:`DaftarData` — one line of the Daftar Data: a piece of data an OPD
  must supply, usually fixed yearly by an SK decree.
* :class:`CollectionRound` — a collection round (e.g. "Semester I 2026") with
  its stage deadlines in working days.
* :class:`DataRequest` — one Daftar Data item requested in one round from the
  responsible OPD, linked to the dataset the OPD prepares. Its ``state`` is a
  :class:`ckanext.satudata.lib.states.State` value and only changes through
  :func:`ckanext.satudata.lib.engine.apply_transition`.
* :class:`RequestEvent` — the audit trail: one row per transition, written in
  the same transaction as the state change.
* :class:`ReminderSent` — which reminder/escalation e-mails went out, so that
  cron reruns do not send the same one twice.
* :data:`request_count` — how many requests there are per round, OPD, state,
  revision flag, approval level and deadline: PostgreSQL's triggers on
  ``satudata_request`` keep it in the changing statement's transaction
  (``0011_request_counts``), so the lists count a few hundred rows, not
  every request. Read only.
* :class:`RoundReport` — the report of a round (TJB, Maluku Utara: drafted
  from the round's verified data after the compile/analyse stage, then
  approved up the chain), and :class:`RoundReportEvent`, its audit trail.
* :class:`RoundEvent` — a round's own audit trail: who created, changed, sent
  or moved it on, and its documents added and removed.

The tables are created by ``migration/satudata/versions/0002_workflow.py``
(and ``0012_organisation_of_work.py``, ``0015_round_events.py``).
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from sqlalchemy import (
    BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData,
    Table, UnicodeText, UniqueConstraint, false, or_, select,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model import domain_object

__all__ = [
    "DaftarData", "CollectionRound", "DataRequest", "RequestEvent", "ReminderSent",
    "RoundReport", "RoundReportEvent", "ROUND_STATES", "ROUND_STAGES", "request_count",
    "LATE_POLICIES", "ForumDecision", "RoundEvent",
]

# A round is prepared (draft), then its requests are sent (open), then closed.
ROUND_STATES = ("draft", "open", "closed")
# What an open round's work is at: the collection of the OPDs' data, then
# (where the SOP has them) compiling/analysing it, then the report, then done.
ROUND_STAGES = ("collection", "compile", "report", "done")

#: a round's policy for submissions after their deadline: accepted as if in
#: time (recorded), flagged as late, or carried into the next publication
#: period (published no earlier than the next round's start)
LATE_POLICIES = ("accept", "flag", "carry")


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


def _iso(value: Optional[datetime.date]) -> Optional[str]:
    return value.isoformat() if value else None


class DaftarData(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """One item of the Daftar Data (the list of data each OPD must supply)."""

    __tablename__ = "satudata_daftar_data"
    __table_args__ = (
        Index("satudata_daftar_data_owner_org_idx", "owner_org"),
        Index("satudata_daftar_data_year_active_idx", "year", "active"),
        # the request lists' text search (migration 0011_request_counts)
        Index("satudata_daftar_data_title_trgm_idx", "title", postgresql_using="gin",
              postgresql_ops={"title": "gin_trgm_ops"},
              postgresql_with={"fastupdate": "off"}),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    title: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    description: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    # the responsible OPD (a CKAN organization)
    owner_org: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), nullable=False)
    # the dataset schema's fields, so that the item prefills its dataset:
    # a code of the "frequency" list, codes of the "urusan" list, a text
    update_frequency: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    government_affairs: Mapped[list[str]] = Column(  # type: ignore
        ARRAY(UnicodeText), nullable=False, default=list, server_default="{}")
    unit: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    priority: Mapped[bool] = Column(Boolean, nullable=False, default=False)  # type: ignore
    # the item's own submission deadline (Balikpapan: a week per item),
    # counted from the round's sending in working days, or calendar days
    # when ``submit_calendar_days``; None: the round's deadline
    submit_days: Mapped[Optional[int]] = Column(Integer)  # type: ignore
    submit_calendar_days: Mapped[bool] = Column(  # type: ignore
        Boolean, nullable=False, default=False, server_default=false())
    sk_number: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    sk_date: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    sk_url: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    year: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)  # type: ignore
    created: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    modified: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)
    created_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "description": self.description,
            "owner_org": self.owner_org, "update_frequency": self.update_frequency,
            "government_affairs": list(self.government_affairs or []), "unit": self.unit,
            "priority": self.priority,
            "submit_days": self.submit_days,
            "submit_calendar_days": self.submit_calendar_days,
            "sk_number": self.sk_number, "sk_date": _iso(self.sk_date),
            "sk_url": self.sk_url, "year": self.year, "active": self.active,
            "created": _iso(self.created), "modified": _iso(self.modified),
            "created_by": self.created_by,
        }


class DaftarDataEvent(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """One change of an item of the Daftar Data (the list an SK fixes):
    added, changed (each field before and after), imported, deactivated or
    deleted, by whom and when, written in the same transaction. A deleted
    item's events stay (``item_id`` then empty; ``data`` names the item)."""

    __tablename__ = "satudata_daftar_data_event"
    __table_args__ = (
        Index("satudata_daftar_data_event_item_ts_idx", "item_id", "timestamp"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    item_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_daftar_data.id", ondelete="SET NULL"))
    user_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    timestamp: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    step: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    data: Mapped[Optional[dict[str, Any]]] = Column(JSONB)  # type: ignore

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "item_id": self.item_id, "user_id": self.user_id,
            "timestamp": _iso(self.timestamp), "step": self.step, "data": self.data or {},
        }


class CollectionRound(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """A collection round and its stage deadlines.

    The ``*_days`` columns are the stage durations in working days (TJB SOP
    defaults from the config); the ``*_due`` dates are the round-wide
    deadlines computed from ``start_date`` with them unless given."""

    __tablename__ = "satudata_round"
    __table_args__ = (
        Index("satudata_round_year_idx", "year"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    name: Mapped[str] = Column(UnicodeText, nullable=False, unique=True)  # type: ignore
    title: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    description: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    year: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    period: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    start_date: Mapped[datetime.date] = Column(Date, nullable=False)  # type: ignore
    prepare_days: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    submit_days: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    verify_days: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    approval_days: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    prepare_due: Mapped[datetime.date] = Column(Date, nullable=False)  # type: ignore
    submit_due: Mapped[datetime.date] = Column(Date, nullable=False)  # type: ignore
    verify_due: Mapped[datetime.date] = Column(Date, nullable=False)  # type: ignore
    state: Mapped[str] = Column(UnicodeText, nullable=False, default="draft")  # type: ignore
    # Balikpapan: verification starts only once every OPD has delivered
    verify_when_complete: Mapped[bool] = Column(  # type: ignore
        Boolean, nullable=False, default=False, server_default=false())
    # when its verification started (every OPD had delivered): the gate stays
    # open after that, for the requests of items sent later too
    verification_started_at: Mapped[Optional[datetime.datetime]] = Column(  # type: ignore
        DateTime)
    # one of ROUND_STAGES; the compile/analyse and report stages (working
    # days, None: the round has no such stage) and their deadlines
    stage: Mapped[str] = Column(  # type: ignore
        UnicodeText, nullable=False, default="collection", server_default="collection")
    compile_days: Mapped[Optional[int]] = Column(Integer)  # type: ignore
    report_days: Mapped[Optional[int]] = Column(Integer)  # type: ignore
    compile_due: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    report_due: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    # the stage deadline a reminder / an escalation went out for
    stage_reminded_for: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    stage_escalated_for: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    sent_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    created: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    modified: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)
    created_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    # the round's own approval chain (verifier first); None: the site's
    # ``satudata.approval_chain``
    approval_chain: Mapped[Optional[list[str]]] = Column(ARRAY(UnicodeText))  # type: ignore
    # the chain its report goes up (verifier first); None: its approval chain
    report_chain: Mapped[Optional[list[str]]] = Column(ARRAY(UnicodeText))  # type: ignore
    # the ``*_due`` deadlines typed, not counted: they stay when what they
    # follow changes (None: all counted)
    typed_deadlines: Mapped[Optional[list[str]]] = Column(ARRAY(UnicodeText))  # type: ignore
    # what a submission after its deadline gets: one of LATE_POLICIES
    late_policy: Mapped[str] = Column(  # type: ignore
        UnicodeText, nullable=False, default="accept", server_default="accept")

    @classmethod
    def id_for(cls, reference: str) -> Any:
        """The id of the round of id or name ``reference``, as a scalar
        subquery: its id first (a name shaped like another round's id, from
        before such names were refused, matched both: HTTP 500)."""
        return (select(cls.id).where(or_(cls.id == reference, cls.name == reference))
                .order_by((cls.id == reference).desc()).limit(1).scalar_subquery())

    def dictize(self) -> dict[str, Any]:
        return {
            "approval_chain": list(self.approval_chain) if self.approval_chain else None,
            "report_chain": list(self.report_chain) if self.report_chain else None,
            "typed_deadlines": sorted(self.typed_deadlines or []),
            "late_policy": self.late_policy,
            "id": self.id, "name": self.name, "title": self.title,
            "description": self.description, "year": self.year,
            "period": self.period, "start_date": _iso(self.start_date),
            "prepare_days": self.prepare_days, "submit_days": self.submit_days,
            "verify_days": self.verify_days, "approval_days": self.approval_days,
            "prepare_due": _iso(self.prepare_due), "submit_due": _iso(self.submit_due),
            "verify_due": _iso(self.verify_due), "state": self.state,
            "verify_when_complete": self.verify_when_complete,
            "verification_started_at": _iso(self.verification_started_at), "stage": self.stage,
            "compile_days": self.compile_days, "report_days": self.report_days,
            "compile_due": _iso(self.compile_due), "report_due": _iso(self.report_due),
            "sent_at": _iso(self.sent_at), "created": _iso(self.created),
            "modified": _iso(self.modified), "created_by": self.created_by,
        }


class DataRequest(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """One Daftar Data item requested from its OPD in one round.

    ``approval_level`` is the index in ``satudata.approval_chain`` of the
    role that acts next (0, the verifier, until verified; 1.. while in
    ``verified``; the last level once ``ready``). ``due_date`` is the
    deadline of the current stage (lists filter on it); ``version`` grows by
    one on every transition so that a form posted from a stale page is
    refused."""

    __tablename__ = "satudata_request"
    __table_args__ = (
        UniqueConstraint("round_id", "item_id", name="satudata_request_round_item_key"),
        Index("satudata_request_owner_org_state_idx", "owner_org", "state"),
        Index("satudata_request_state_due_idx", "state", "due_date"),
        Index("satudata_request_round_state_idx", "round_id", "state"),
        Index("satudata_request_package_id_idx", "package_id"),
        # a page in deadline order is the first rows of this index
        Index("satudata_request_due_id_idx", "due_date", "id"),
        Index("satudata_request_item_id_idx", "item_id"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    round_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False)
    item_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_daftar_data.id", ondelete="CASCADE"),
        nullable=False)
    owner_org: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), nullable=False)
    package_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("package.id", ondelete="SET NULL"))
    state: Mapped[str] = Column(UnicodeText, nullable=False, default="requested")  # type: ignore
    approval_level: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore
    due_date: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    submit_due: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    requested_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    submitted_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    verified_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    ready_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    return_count: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore
    # the state a revision of earlier published data started from
    # ("published" or "withdrawn") until it is published or cancelled
    revision_of: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    # the round's late policy applied when it was submitted after its
    # deadline (one of LATE_POLICIES), None when it was in time
    late: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    version: Mapped[int] = Column(Integer, nullable=False, default=1)  # type: ignore
    created: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    modified: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "round_id": self.round_id, "item_id": self.item_id,
            "owner_org": self.owner_org, "package_id": self.package_id,
            "state": self.state, "approval_level": self.approval_level,
            "due_date": _iso(self.due_date), "submit_due": _iso(self.submit_due),
            "requested_at": _iso(self.requested_at),
            "submitted_at": _iso(self.submitted_at),
            "verified_at": _iso(self.verified_at), "ready_at": _iso(self.ready_at),
            "return_count": self.return_count, "version": self.version,
            "revision_of": self.revision_of, "late": self.late,
            "created": _iso(self.created), "modified": _iso(self.modified),
        }


class RequestEvent(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """One step of a request's audit trail."""

    __tablename__ = "satudata_request_event"
    __table_args__ = (
        Index("satudata_request_event_request_ts_idx", "request_id", "timestamp"),
        Index("satudata_request_event_user_idx", "user_id"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    request_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_request.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    timestamp: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    # the transition name of states.TRANSITIONS, or "request" for creation
    transition: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    from_state: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    to_state: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    # the chain level at which the step was taken
    approval_level: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore
    # the request's version after the step
    version: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    note: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    # per-field return reasons: {dataset field name: [reason]}
    field_notes: Mapped[Optional[dict[str, Any]]] = Column(JSONB)  # type: ignore
    # metadata completeness (percent) of the linked dataset at that moment
    completeness: Mapped[Optional[int]] = Column(Integer)  # type: ignore
    data: Mapped[Optional[dict[str, Any]]] = Column(JSONB)  # type: ignore

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "request_id": self.request_id, "user_id": self.user_id,
            "timestamp": _iso(self.timestamp), "transition": self.transition,
            "from_state": self.from_state, "to_state": self.to_state,
            "approval_level": self.approval_level, "version": self.version,
            "note": self.note, "field_notes": self.field_notes or {},
            "completeness": self.completeness, "data": self.data or {},
        }


class ReminderSent(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """A reminder (before a deadline) or an escalation (after it) that went
    out for one stage deadline of one request. Unique per request, kind,
    state, approval level and deadline: a changed deadline (or the next
    level's, on the same day) earns a new reminder, a rerun of the cron
    command does not."""

    __tablename__ = "satudata_reminder_sent"
    __table_args__ = (
        UniqueConstraint("request_id", "kind", "state", "approval_level", "due_date",
                         name="satudata_reminder_sent_key"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    request_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_request.id", ondelete="CASCADE"), nullable=False)
    # "reminder" (before the deadline), "escalation" (overdue), or "manual":
    # sent from the request's page by ``sent_by`` (``due_date``: that day,
    # so once a day per stage)
    kind: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    state: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    approval_level: Mapped[int] = Column(Integer, nullable=False, default=0,  # type: ignore
                                         server_default="0")
    due_date: Mapped[datetime.date] = Column(Date, nullable=False)  # type: ignore
    sent_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    sent_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore


#: Requests per round, OPD, state, revision flag (``revision_of`` set),
#: approval level and deadline (``infinity`` without one), kept by the
#: triggers of migration ``0011_request_counts``; groups emptied keep a row
#: with ``n`` 0. Outside CKAN's metadata: written by PostgreSQL alone (CKAN's
#: test reset deletes the requests, and the triggers empty the counts).
request_count = Table(
    "satudata_request_count", MetaData(),
    Column("round_id", UnicodeText, primary_key=True),
    Column("owner_org", UnicodeText, primary_key=True),
    Column("state", UnicodeText, primary_key=True),
    Column("revising", Boolean, primary_key=True),
    Column("approval_level", Integer, primary_key=True),
    Column("due_date", Date, primary_key=True),
    Column("n", BigInteger, nullable=False),
)


class RoundEvent(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """One decision on a round (created, changed, sent, moved to its next
    stage, a document added or removed), written in the same transaction.
    ``data`` holds what changed: ``{"changes": {field: [before, after]}}``,
    the stages moved between, the number of requests sent or the document's
    title."""

    __tablename__ = "satudata_round_event"
    __table_args__ = (
        Index("satudata_round_event_round_ts_idx", "round_id", "timestamp"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    round_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    timestamp: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    step: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    data: Mapped[Optional[dict[str, Any]]] = Column(JSONB)  # type: ignore

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "round_id": self.round_id, "user_id": self.user_id,
            "timestamp": _iso(self.timestamp), "step": self.step, "data": self.data or {},
        }


class RoundReport(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """The report of a round: drafted from the round's verified data (the
    generated ``summary`` of its requests, and ``body``, the text the
    walidata edits), then approved up ``satudata.approval_chain`` as a
    request is (``approval_level``: the level it waits at). ``state`` is one
    of :data:`ckanext.satudata.lib.round_report.STATES`."""

    __tablename__ = "satudata_round_report"
    __table_args__ = (
        UniqueConstraint("round_id", name="satudata_round_report_round_key"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    round_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False)
    state: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    approval_level: Mapped[int] = Column(  # type: ignore
        Integer, nullable=False, default=0, server_default="0")
    title: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    body: Mapped[str] = Column(UnicodeText, nullable=False, default="", server_default="")  # type: ignore
    summary: Mapped[dict[str, Any]] = Column(JSONB, nullable=False)  # type: ignore
    due_date: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    version: Mapped[int] = Column(Integer, nullable=False, default=1, server_default="1")  # type: ignore
    created: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    modified: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)
    created_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "round_id": self.round_id, "state": self.state,
            "approval_level": self.approval_level, "title": self.title,
            "body": self.body, "summary": self.summary, "due_date": _iso(self.due_date),
            "version": self.version, "created": _iso(self.created),
            "modified": _iso(self.modified), "created_by": self.created_by,
        }


class RoundReportEvent(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """One step of a round report's audit trail (drafted, edited, submitted,
    approved or returned at a level), written with the step."""

    __tablename__ = "satudata_round_report_event"
    __table_args__ = (
        Index("satudata_round_report_event_report_ts_idx", "report_id", "timestamp"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    report_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_round_report.id", ondelete="CASCADE"),
        nullable=False)
    user_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    timestamp: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    step: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    from_state: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    to_state: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    approval_level: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    note: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    data: Mapped[Optional[dict[str, Any]]] = Column(JSONB)  # type: ignore

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "report_id": self.report_id, "user_id": self.user_id,
            "timestamp": _iso(self.timestamp), "step": self.step,
            "from_state": self.from_state, "to_state": self.to_state,
            "approval_level": self.approval_level, "note": self.note,
            "data": self.data or {},
        }


class ForumDecision(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """One decision of the Forum Satu Data (the chain level named by
    ``satudata.forum_level``) covering several requests at once: approve or
    return, with the forum's decree number, the meeting date and the
    meeting record (Berita Acara) as an uploaded file. Each request's event
    of the step carries the decision's id (``data["forum_decision_id"]``)."""

    __tablename__ = "satudata_forum_decision"
    __table_args__ = (
        Index("satudata_forum_decision_request_ids_idx", "request_ids",
              postgresql_using="gin"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    role: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    # "approve" or "return"
    decision: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    decree_number: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    meeting_date: Mapped[datetime.date] = Column(Date, nullable=False)  # type: ignore
    reason: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    # the Berita Acara's original file name (stored by lib/storage.py)
    file_name: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    request_ids: Mapped[list[str]] = Column(ARRAY(UnicodeText), nullable=False)  # type: ignore
    user_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    created: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "role": self.role, "decision": self.decision,
            "decree_number": self.decree_number, "meeting_date": _iso(self.meeting_date),
            "reason": self.reason, "file_name": self.file_name,
            "request_ids": list(self.request_ids or []), "user_id": self.user_id,
            "created": _iso(self.created),
        }

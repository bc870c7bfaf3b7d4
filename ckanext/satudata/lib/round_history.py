# -*- coding: utf-8 -*-
"""A collection round's own audit trail (:class:`..model.RoundEvent`): who
created the round, changed its dates, chain or rules (each field before and
after), sent its requests, moved it to its next stage, added or removed one
of its documents, issued its Berita Acara Verifikasi, asked for its
publication to be built, and when. Its requests have their trail
(:class:`..model.RequestEvent`), its report its own
(:class:`..model.RoundReportEvent`); this one answers "who moved the
deadline?" and "who closed the collection?".

Each event is written by the action that takes the decision, in its
transaction; :func:`events` reads them for the round's page.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..model import CollectionRound, RoundEvent
from . import late_data, roles, rounds

__all__ = ["TRACKED", "snapshot", "record", "record_changes", "events", "step_label",
           "field_label", "value_text"]

#: the fields of a round whose changes the trail records
TRACKED = (
    "title", "description", "year", "period", "start_date", "prepare_days", "submit_days",
    "verify_days", "approval_days", "prepare_due", "submit_due", "verify_due", "state",
    "verify_when_complete", "compile_days", "report_days", "compile_due", "report_due",
    "approval_chain", "report_chain", "late_policy",
)


def snapshot(round_: CollectionRound) -> dict[str, Any]:
    """The tracked fields of ``round_`` as JSON values (dates in ISO)."""
    values = round_.dictize()
    return {key: values[key] for key in TRACKED}


def record(round_: CollectionRound, step: str, user_id: Optional[str],
           data: Optional[dict[str, Any]] = None) -> RoundEvent:
    """Add the event ``step`` of ``round_`` to the session (the caller
    commits it with the decision)."""
    event = RoundEvent(id=model.types.make_uuid(), round_id=round_.id, user_id=user_id,
                       timestamp=datetime.datetime.utcnow(), step=step, data=data or {})
    model.Session.add(event)
    return event


def record_changes(round_: CollectionRound, before: dict[str, Any],
                   user_id: Optional[str]) -> Optional[RoundEvent]:
    """Record an ``update`` event with each tracked field that differs from
    ``before`` (:func:`snapshot` taken before the change); nothing when no
    field changed."""
    after = snapshot(round_)
    # an empty text for none is no change (the form sends "" for an empty
    # field: the trail read "Periode: — → —")
    changes = {key: [before[key], after[key]] for key in TRACKED
               if _blank_as_none(before[key]) != _blank_as_none(after[key])}
    if not changes:
        return None
    return record(round_, "update", user_id, {"changes": changes})


def _blank_as_none(value: Any) -> Any:
    return None if value == "" else value


def step_label(step: str) -> str:
    labels = {
        "create": tk._("Round created"),
        "update": tk._("Round changed"),
        "send": tk._("Requests sent to the OPDs"),
        "advance": tk._("Moved on to the next stage"),
        "document_add": tk._("Document uploaded"),
        "document_remove": tk._("Document removed"),
        "letter_issue": tk._("Berita Acara Verifikasi issued"),
        "publication_build": tk._("Publication (book and compilation) asked to be built"),
    }
    return labels.get(step, step)


def field_label(field: str) -> str:
    labels = {
        "title": tk._("Title"), "description": tk._("Description"),
        "year": tk._("Year of the Daftar Data"), "period": tk._("Period"),
        "start_date": tk._("Start date"),
        "prepare_days": tk._("Working days to send the requests"),
        "submit_days": tk._("Working days for producers to submit"),
        "verify_days": tk._("Working days to verify a submission"),
        "approval_days": tk._("Working days per approval level"),
        "prepare_due": tk._("Deadline to send the requests"),
        "submit_due": tk._("Submission deadline"),
        "verify_due": tk._("Verification deadline"),
        "state": tk._("State"),
        "verify_when_complete": tk._("Verify only when all requests are in"),
        "compile_days": tk._("Working days to compile and analyse the data"),
        "report_days": tk._("Working days to draft the report"),
        "compile_due": tk._("Deadline to compile and analyse the data"),
        "report_due": tk._("Report deadline"),
        "approval_chain": tk._("Approval chain of this round"),
        "report_chain": tk._("Approval chain of the report"),
        "late_policy": tk._("Late data"),
    }
    return labels.get(field, field)


_DATES = frozenset({"start_date", "prepare_due", "submit_due", "verify_due", "compile_due",
                    "report_due"})


def value_text(field: str, value: Any) -> str:
    """A recorded value as the round's page shows it: a date in the
    portal's format, a chain as "a, b, c" (the trail writes a change "before
    → after"), a state or policy by its label."""
    if field == "approval_chain" and not value:
        return tk._("the portal's chain")
    if field == "report_chain" and not value:
        return tk._("the round's approval chain")
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return tk._("yes") if value else tk._("no")
    if field in _DATES:
        return tk.h.render_datetime(value)
    if isinstance(value, list):  # a chain: its roles as people call them, in order
        return ", ".join(roles.role_label(str(v)) for v in value)
    if field == "state":
        return rounds.state_label(value)
    if field == "late_policy":
        return late_data.policy_label(value)
    return str(value)


def events(round_id: str) -> list[dict[str, Any]]:
    """The round's trail, oldest first, each with its user's name and the
    labels of its step and changed fields. One query."""
    result = []
    for event, name, shown in roles.with_their_users(RoundEvent,
                                                     RoundEvent.round_id == round_id):
        item = event.dictize()
        item.update(user_name=name, user_display_name=shown,
                    step_label=step_label(event.step),
                    changes=[{"field": key, "label": field_label(key),
                              "before": before, "after": after,
                              "before_text": value_text(key, before),
                              "after_text": value_text(key, after)}
                             for key, (before, after) in
                             (item["data"].get("changes") or {}).items()])
        if event.step == "advance":
            item.update(from_label=rounds.stage_label(item["data"].get("from", "")),
                        to_label=rounds.stage_label(item["data"].get("to", "")))
        result.append(item)
    return result

# -*- coding: utf-8 -*-
"""The one state machine of a data request (permintaan data): its states, the
transitions between them and who may take each. Only the workflow actions
change a request's state, and only through this table.

Approval levels come from ``satudata.approval_chain`` (verifier first): a
request in ``verified`` waits for the approval level ``approval_level`` of
that chain; the last approval makes it ``ready``.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional

import ckan.plugins.toolkit as tk


class State(str, enum.Enum):
    REQUESTED = "requested"        # Diminta: waiting for the producer
    SUBMITTED = "submitted"        # Diajukan: waiting for the verifier
    RETURNED = "returned"          # Dikembalikan: back with the producer for revision
    RESUBMITTED = "resubmitted"    # Diajukan ulang: revised, waiting for the verifier
    VERIFIED = "verified"          # Terverifikasi: in the approval chain
    READY = "ready"                # Siap dipublikasikan
    SCHEDULED = "scheduled"        # Dijadwalkan rilis
    PUBLISHED = "published"        # Dipublikasikan
    WITHDRAWN = "withdrawn"        # Ditarik
    ARCHIVED = "archived"          # Diarsipkan
    CANCELLED = "cancelled"        # Dibatalkan

    def __str__(self) -> str:
        return self.value


class Actor(str, enum.Enum):
    """Who may take a transition; auth functions map these to users."""
    PRODUCER = "producer"          # editor/admin of the request's OPD organization
    VERIFIER = "verifier"          # holder of the first role of the chain
    APPROVER = "approver"          # holder of the role of the request's current level
    WALIDATA_ADMIN = "walidata_admin"  # sysadmin or admin of the walidata organization


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[State]
    target: Optional[State]        # None: decided by the approval chain (approve)
    actors: frozenset[Actor]
    reason_required: bool = False


def _t(name, sources, target, actors, reason_required=False) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(actors), reason_required)


S, A = State, Actor
TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    _t("submit", [S.REQUESTED], S.SUBMITTED, [A.PRODUCER]),
    _t("resubmit", [S.RETURNED], S.RESUBMITTED, [A.PRODUCER]),
    _t("return", [S.SUBMITTED, S.RESUBMITTED], S.RETURNED, [A.VERIFIER], True),
    _t("verify", [S.SUBMITTED, S.RESUBMITTED], S.VERIFIED, [A.VERIFIER]),
    # any approval level may send the request back to the producer
    _t("return_approval", [S.VERIFIED], S.RETURNED, [A.APPROVER], True),
    _t("approve", [S.VERIFIED], None, [A.APPROVER]),
    _t("schedule", [S.READY, S.SCHEDULED], S.SCHEDULED, [A.APPROVER, A.WALIDATA_ADMIN]),
    _t("unschedule", [S.SCHEDULED], S.READY, [A.APPROVER, A.WALIDATA_ADMIN]),
    _t("publish", [S.READY, S.SCHEDULED, S.WITHDRAWN], S.PUBLISHED, [A.WALIDATA_ADMIN]),
    # a producer revising published data: it goes through verification and
    # approval again while the live version stays as it was
    _t("revise", [S.PUBLISHED], S.SUBMITTED, [A.PRODUCER]),
    _t("withdraw", [S.PUBLISHED], S.WITHDRAWN, [A.WALIDATA_ADMIN], True),
    _t("archive", [S.PUBLISHED, S.WITHDRAWN], S.ARCHIVED, [A.WALIDATA_ADMIN]),
    _t("cancel", [S.REQUESTED, S.SUBMITTED, S.RETURNED, S.RESUBMITTED, S.VERIFIED,
                  S.READY, S.SCHEDULED], S.CANCELLED, [A.WALIDATA_ADMIN], True),
]}

# States in which the linked dataset is (or may be) live for the public.
PUBLIC_STATES = frozenset({S.PUBLISHED, S.ARCHIVED})
# States that need no further action.
FINAL_STATES = frozenset({S.ARCHIVED, S.CANCELLED})


def allowed(transition: str, state: State | str) -> bool:
    t = TRANSITIONS.get(transition)
    return t is not None and State(state) in t.sources


def available(state: State | str) -> list[Transition]:
    """Transitions that can be taken from ``state`` (before any role check)."""
    return [t for t in TRANSITIONS.values() if State(state) in t.sources]


def state_label(state: State | str) -> str:
    """The translated name of a state, for pages, e-mails and messages."""
    try:
        return state_labels()[State(state)]
    except ValueError:
        return str(state)


def state_labels() -> dict[State, str]:
    """Every state's translated name (one translation pass for a list)."""
    return {
        S.REQUESTED: tk._("requested"),
        S.SUBMITTED: tk._("submitted"),
        S.RETURNED: tk._("returned for revision"),
        S.RESUBMITTED: tk._("resubmitted"),
        S.VERIFIED: tk._("verified, in approval"),
        S.READY: tk._("ready to publish"),
        S.SCHEDULED: tk._("scheduled"),
        S.PUBLISHED: tk._("published"),
        S.WITHDRAWN: tk._("withdrawn"),
        S.ARCHIVED: tk._("archived"),
        S.CANCELLED: tk._("cancelled"),
    }


def transition_label(name: str) -> str:
    """The translated name of a transition (the button of its form)."""
    labels = {
        "request": tk._("Request"),
        "submit": tk._("Submit"),
        "resubmit": tk._("Resubmit"),
        "return": tk._("Return for revision"),
        "return_approval": tk._("Return for revision"),
        "verify": tk._("Verify"),
        "approve": tk._("Approve"),
        "schedule": tk._("Schedule"),
        "unschedule": tk._("Unschedule"),
        "publish": tk._("Publish"),
        "revise": tk._("Revise"),
        "withdraw": tk._("Withdraw"),
        "archive": tk._("Archive"),
        "cancel": tk._("Cancel"),
    }
    return labels.get(name, name)

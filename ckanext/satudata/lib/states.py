# -*- coding: utf-8 -*-
"""The one state machine of a data request (permintaan data): its states, the
transitions between them and who may take each. Only the workflow actions
change a request's state, and only through this table.

Approval levels come from ``satudata.approval_chain`` (verifier first): a
request in ``verified`` waits for the approval level ``approval_level`` of
that chain; the last approval makes it ``ready``.

Publishing and archiving are the walidata's dissemination duties: walidata
administrators always hold them, and the walidata roles named in
``satudata.roles.publish`` / ``satudata.roles.archive`` too (Kota Metro: the
staff disseminate), as the actor kinds :attr:`Actor.PUBLISHER` and
:attr:`Actor.ARCHIVER` of the table.
"""
from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from typing import Callable, Optional

import ckan.plugins.toolkit as tk
from flask_babel import pgettext


class State(str, enum.Enum):
    REQUESTED = "requested"        # Diminta: waiting for the producer
    OPD_REVIEW = "opd_review"      # Menunggu persetujuan Kepala OPD (satudata.opd_approval)
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
    """Who may take a transition. :func:`actors_of` says which of these a
    user is for one request, at the state and approval level it is in."""
    PRODUCER = "producer"          # editor/admin of the request's OPD organization
    VERIFIER = "verifier"          # holder of the first role of the chain (level 0)
    APPROVER = "approver"          # holder of the role of the level the request waits at
    FINAL_APPROVER = "final_approver"  # holder of the last role of the chain
    WALIDATA_ADMIN = "walidata_admin"  # sysadmin or admin of the walidata organization
    PUBLISHER = "publisher"        # holder of a role of satudata.roles.publish
    ARCHIVER = "archiver"          # holder of a role of satudata.roles.archive
    #: holder of ``satudata.opd_approval_role`` in the request's OPD organization
    OPD_HEAD = "opd_head"


#: the actor kinds held through a configured duty (``satudata.roles.<duty>``)
DUTY_ACTORS: dict[Actor, str] = {Actor.PUBLISHER: "publish", Actor.ARCHIVER: "archive"}


class Target(str, enum.Enum):
    """Targets that depend on the request, not only on the transition."""
    CHAIN = "chain"                # approve: the next level, or ready after the last
    REVISION_BASE = "revision_base"  # back to the state a revision started from
    #: the OPD head approved: submitted, or resubmitted after a return
    OPD_APPROVED = "opd_approved"


#: the states a target that depends on the request may lead to
TARGET_STATES: dict[Target, tuple[State, ...]] = {
    Target.CHAIN: (State.VERIFIED, State.READY),
    Target.REVISION_BASE: (State.PUBLISHED, State.WITHDRAWN),
    Target.OPD_APPROVED: (State.SUBMITTED, State.RESUBMITTED),
}

#: :attr:`Transition.undoes`: the step undoes a decision once the request
#: was withdrawn before (and published again)
AFTER_WITHDRAWAL = "after_withdrawal"
#: :attr:`Transition.undoes`: the step is taken at the level the request is
#: at, which a caller holding several levels of its chain cannot name
SEVERAL_LEVELS = "several_levels"


@dataclass(frozen=True)
class Transition:
    """One row of the table: ``name`` may be taken from ``sources`` by
    ``actors`` and leads to ``target``. ``revising`` restricts the row to
    requests in a revision of earlier published data (True) or to requests
    that are not (False); None: either."""
    name: str
    sources: frozenset[State]
    target: State | Target
    actors: frozenset[Actor]
    reason_required: bool = False
    revising: Optional[bool] = None
    #: the step that moves the work on (queues, "waiting for", reminders,
    #: whom a notification asks to act), not an optional one
    next_step: bool = False
    #: True: the row applies only while ``satudata.opd_approval`` is on
    #: (rows are read in order: the first that applies is taken)
    opd_approval: bool = False
    #: True: the row applies only while the request's data is public
    #: (:func:`is_public`; a revision of withdrawn data is not)
    live: bool = False
    #: True: the step undoes another officer's decision (publishing a
    #: withdrawn or scheduled request, cancelling a release, withdrawing
    #: archived data): the caller sends the request's ``version`` they saw,
    #: so that a click made before that decision (a publish racing a
    #: withdrawal, a withdrawal racing an archiving) does not undo it unseen.
    #: :data:`AFTER_WITHDRAWAL`: so once the request was withdrawn before
    #: (withdrawing data published again undoes its republication; a
    #: withdrawal sent twice, the second after the republication, took the
    #: data down again). :data:`SEVERAL_LEVELS`: so when the caller holds
    #: more than one level of the request's chain (a Kabid's approval sent by
    #: one who is also Kadis, taken once the other Kabid had approved, was
    #: the Kadis's final one, the request never seen at that level)
    undoes: bool | str = False

    def needs_version(self, withdrawn_before: Callable[[], bool]) -> bool:
        """Whether the caller must send the ``version`` they saw
        (``withdrawn_before``: asked only when it matters; for
        :data:`SEVERAL_LEVELS`, :meth:`needs_level_version`)."""
        return self.undoes is True or (self.undoes == AFTER_WITHDRAWAL and withdrawn_before())

    def needs_level_version(self, levels_held: Callable[[], int]) -> bool:
        """Whether the caller, one who may take the step, must send the
        ``version`` they saw to name its level (``levels_held``: how many
        levels of the request's chain they hold, asked only when it
        matters)."""
        return self.undoes == SEVERAL_LEVELS and levels_held() > 1

    def applies(self, state: State | str, revising: bool,
                revision_of: Optional[str] = None) -> bool:
        return State(state) in self.sources and (
            self.revising is None or self.revising == revising) and (
            not self.opd_approval or opd_approval_enabled()) and (
            not self.live or is_public(state, revision_of))


def opd_approval_enabled() -> bool:
    """Whether a producer's submission goes to the OPD's head first."""
    return tk.asbool(tk.config.get("satudata.opd_approval"))


def _t(name, sources, target, actors, reason_required=False, revising=None,
       next_step=False, opd_approval=False, live=False, undoes: bool | str = False
       ) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(actors),
                      reason_required, revising, next_step, opd_approval, live, undoes)


S, A = State, Actor
#: states of a request whose dataset is being reviewed: nobody changes it
REVIEW_STATES = frozenset({S.OPD_REVIEW, S.SUBMITTED, S.RESUBMITTED, S.VERIFIED, S.READY,
                           S.SCHEDULED})
#: states between a revision (``revise``) of published data and its publication
REVISION_STATES = REVIEW_STATES | {S.RETURNED}
_ACTIVE = [S.REQUESTED, S.OPD_REVIEW, S.SUBMITTED, S.RETURNED, S.RESUBMITTED, S.VERIFIED,
           S.READY, S.SCHEDULED]
#: states of a request still working towards its publication (their values)
ACTIVE_STATES = frozenset(s.value for s in _ACTIVE)
#: states a request reaches once every level of its chain approved it: its
#: review is past every reviewer's level
PAST_REVIEW = frozenset({S.READY, S.SCHEDULED, S.PUBLISHED, S.ARCHIVED, S.WITHDRAWN})

#: THE table: the only statement of who may take which step from where.
#: Auth functions, the engine (under the row lock), forms, "waiting for",
#: queues and notification recipients all read it.
TABLE: tuple[Transition, ...] = (
    # with satudata.opd_approval on, the OPD's head approves a submission
    # (or a resubmission) before it reaches the walidata
    _t("submit", [S.REQUESTED], S.OPD_REVIEW, [A.PRODUCER], next_step=True,
       opd_approval=True),
    _t("resubmit", [S.RETURNED], S.OPD_REVIEW, [A.PRODUCER], next_step=True,
       opd_approval=True),
    _t("submit", [S.REQUESTED], S.SUBMITTED, [A.PRODUCER], next_step=True),
    _t("resubmit", [S.RETURNED], S.RESUBMITTED, [A.PRODUCER], next_step=True),
    _t("return", [S.SUBMITTED, S.RESUBMITTED], S.RETURNED, [A.VERIFIER], True,
       next_step=True),
    _t("verify", [S.SUBMITTED, S.RESUBMITTED], Target.CHAIN, [A.VERIFIER], next_step=True),
    # any approval level may send the request back to the producer
    _t("return_approval", [S.VERIFIED], S.RETURNED, [A.APPROVER], True, next_step=True),
    _t("approve", [S.VERIFIED], Target.CHAIN, [A.APPROVER], next_step=True,
       undoes=SEVERAL_LEVELS),
    # an error found once the chain approved it (the walidata's analysis, the
    # round report's review: SOP 001 steps 3-7) goes back to the producer
    # before it reaches the public; a scheduled release is cancelled first.
    # It undoes the chain's approval: a "return" sent while the request was
    # still in review, and taken once the other verifier or the Kadis had
    # approved it, returned data the sender never saw approved
    _t("return_ready", [S.READY], S.RETURNED, [A.VERIFIER, A.WALIDATA_ADMIN], True,
       undoes=True),
    _t("schedule", [S.READY, S.SCHEDULED], S.SCHEDULED,
       [A.FINAL_APPROVER, A.WALIDATA_ADMIN, A.PUBLISHER]),
    # a cancelled release undoes the scheduling officer's decision
    _t("unschedule", [S.SCHEDULED], S.READY,
       [A.FINAL_APPROVER, A.WALIDATA_ADMIN, A.PUBLISHER], undoes=True),
    # from withdrawn: the last approved version again (the producers' edits
    # of withdrawn data are staged and go through ``revise``)
    _t("publish", [S.READY], S.PUBLISHED, [A.WALIDATA_ADMIN, A.PUBLISHER], next_step=True),
    _t("publish", [S.SCHEDULED, S.WITHDRAWN], S.PUBLISHED, [A.WALIDATA_ADMIN, A.PUBLISHER],
       undoes=True),
    # a producer revising published (or withdrawn) data: it goes through
    # verification and approval again while the live version stays as it was
    _t("revise", [S.PUBLISHED], S.SUBMITTED, [A.PRODUCER]),
    # a revision of withdrawn data undoes the withdrawal's end of the
    # review: a second "revise" click sent before the withdrawal (of the
    # revision just sent) put the withdrawn data straight back into review
    _t("revise", [S.WITHDRAWN], S.SUBMITTED, [A.PRODUCER], undoes=True),
    # who puts data out may take it out again
    _t("withdraw", [S.PUBLISHED], S.WITHDRAWN, [A.WALIDATA_ADMIN, A.PUBLISHER], True,
       undoes=AFTER_WITHDRAWAL),
    # archived data taken back undoes the archiving officer's decision
    _t("withdraw", [S.ARCHIVED], S.WITHDRAWN, [A.WALIDATA_ADMIN, A.PUBLISHER], True,
       undoes=True),
    # published data under revision is live: it can be withdrawn meanwhile
    # (a revision of withdrawn data is not: it is cancelled instead, and the
    # producer was told their data was "withdrawn from the portal")
    _t("withdraw", REVISION_STATES, S.WITHDRAWN, [A.WALIDATA_ADMIN, A.PUBLISHER], True,
       revising=True, live=True),
    # archiving data published again undoes its republication (an archive
    # sent while it was withdrawn archived it as soon as it was back)
    _t("archive", [S.PUBLISHED], S.ARCHIVED, [A.WALIDATA_ADMIN, A.ARCHIVER],
       undoes=AFTER_WITHDRAWAL),
    # ending approved data undoes the chain's approval and the release the
    # officers scheduled: a cancel sent while it was still in review ended
    # a scheduled release unseen (it cannot be undone)
    _t("cancel", [S.READY, S.SCHEDULED], S.CANCELLED, [A.WALIDATA_ADMIN], True,
       revising=False, undoes=True),
    _t("cancel", _ACTIVE, S.CANCELLED, [A.WALIDATA_ADMIN], True, revising=False),
    # cancelling a revision ends its review; the data stays as it was
    _t("cancel_revision", [S.READY, S.SCHEDULED], Target.REVISION_BASE, [A.WALIDATA_ADMIN],
       True, revising=True, undoes=True),
    _t("cancel_revision", REVISION_STATES, Target.REVISION_BASE, [A.WALIDATA_ADMIN],
       True, revising=True),
    _t("opd_approve", [S.OPD_REVIEW], Target.OPD_APPROVED, [A.OPD_HEAD], next_step=True),
    _t("opd_return", [S.OPD_REVIEW], S.RETURNED, [A.OPD_HEAD], True, next_step=True),
)

@dataclass(frozen=True)
class Step:
    """A decision recorded in a request's timeline that does not move it:
    ``name`` may be taken in ``sources`` by ``actors``."""
    name: str
    sources: frozenset[State]
    actors: frozenset[Actor]
    reason_required: bool = True

    def applies(self, state: State | str) -> bool:
        return State(state) in self.sources


#: The steps beside the table, read the same way: auth asks :func:`step_rule`
#: early, the engine again under the row lock.
STEPS: tuple[Step, ...] = (
    # a walidata administrator accepts, with a reason, the personal-data
    # findings of the data files as they are now (UU 27/2022 screening)
    Step("override_screening",
         frozenset(_ACTIVE) | {S.PUBLISHED, S.WITHDRAWN}, frozenset({A.WALIDATA_ADMIN})),
)


def step_rule(name: str, state: State | str) -> Optional[Step]:
    """The step ``name`` if it can be taken in ``state``."""
    for step in STEPS:
        if step.name == name and step.applies(state):
            return step
    return None


#: transition names, in the table's order
NAMES: tuple[str, ...] = tuple(dict.fromkeys(t.name for t in TABLE))

# States in which the linked dataset is live for the public (besides a
# revision of published data, see :func:`is_public`).
PUBLIC_STATES = frozenset({S.PUBLISHED, S.ARCHIVED})
# States that need no further action.
FINAL_STATES = frozenset({S.ARCHIVED, S.CANCELLED})


#: the steps that hand data in for review: each starts a submission
SUBMISSIONS = frozenset({"submit", "resubmit", "revise"})
#: the decisions on a submission that take a second pair of eyes: nobody
#: who took a step of the same submission (:data:`HANDS`) takes them, so the
#: producer does not verify their own data and nobody approves it twice
#: (one user may hold the producer's and every chain role)
FOUR_EYES = frozenset({"verify", "return", "approve", "return_approval"})
#: the steps of a submission whose takers do not take a :data:`FOUR_EYES` one
HANDS = SUBMISSIONS | {"opd_approve", "verify", "approve"}
#: the events after which the producers prepare the next submission: whoever
#: changed the dataset since the latest of them had a hand in it too
PREPARATIONS = frozenset({"request", "return", "return_approval", "return_ready", "opd_return",
                          "publish", "cancel_revision"})
#: the steps that write their dataset themselves (its publication, withdrawal,
#: archive, release schedule): the dataset's change is the step's, not an
#: edit by whoever took it (a dataset of several periods is changed by the
#: publication of one period while another period is under review)
DATASET_WRITES = frozenset({"publish", "withdraw", "archive", "schedule", "unschedule",
                            "cancel", "cancel_revision"})


#: characters that show nothing though Unicode does not call them spaces
#: (the braille blank, the Hangul fillers)
_BLANK_LETTERS = frozenset("\u2800\u3164\uffa0\u115f\u1160")
#: the code points Unicode keeps to show nothing (Default_Ignorable_Code_Point)
#: not yet given a meaning, which browsers draw at no width: U+2065,
#: U+FFF0-FFF8, U+E0000-E0FFF
_IGNORABLE_RANGES = ((0x2065, 0x2065), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF))


def blank(text: Optional[str]) -> bool:
    """Whether ``text`` shows nothing: empty, spaces of any kind, control
    and format characters (zero-width spaces, joiners, direction marks, a
    soft hyphen, a BOM), the letters that show nothing, and marks with no
    letter to sit on (the combining grapheme joiner, variation selectors,
    the Khmer and Mongolian invisible vowels and selectors)."""
    return not text or all(
        ch.isspace() or ch in _BLANK_LETTERS
        or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me")
        or any(first <= ord(ch) <= last for first, last in _IGNORABLE_RANGES)
        for ch in text)


def given_reason(note: Optional[str]) -> Optional[str]:
    """The reason given for a step, without surrounding spaces; None when
    nothing visible was written (a step that needs a reason refuses it)."""
    if note is None or blank(note):
        return None
    return note.strip()


def rule(name: str, state: State | str, revision_of: Optional[str]) -> Optional[Transition]:
    """The row of the table for taking ``name`` from ``state``, in a
    revision of ``revision_of`` (a request's, None when it revises
    nothing), if any."""
    for t in TABLE:
        if t.name == name and t.applies(state, bool(revision_of), revision_of):
            return t
    return None


def is_public(state: State | str, revision_of: Optional[str]) -> bool:
    """THE visibility rule: whether a request's dataset is public in
    ``state``. Published and archived data is public; so is published data
    whose revision is being reviewed (the live version stays)."""
    state = State(state)
    return state in PUBLIC_STATES or (
        revision_of == S.PUBLISHED.value and state in REVISION_STATES)


def level_role(chain: list[str], state: State | str, level: int) -> Optional[str]:
    """The chain role that acts next: the verifier while submitted, the
    role of ``level`` while verified, none otherwise."""
    state = State(state)
    if state in (S.SUBMITTED, S.RESUBMITTED):
        return chain[0] if chain else None
    if state == S.VERIFIED and 0 <= level < len(chain):
        return chain[level]
    return None


def actors_of(*, state: State | str, level: int, chain: list[str],
              user_roles: set[str], is_producer: bool,
              is_walidata_admin: bool, is_opd_head: bool = False,
              duties: Optional[dict[str, set[str]]] = None) -> set[Actor]:
    """Which actor kinds a user is for a request at ``state`` and ``level``
    (a pure function of facts the caller looked up). ``duties`` maps a duty
    of :data:`DUTY_ACTORS` (``publish``, ``archive``) to the walidata roles
    configured for it."""
    kinds: set[Actor] = set()
    for kind, duty in DUTY_ACTORS.items():
        if user_roles & set((duties or {}).get(duty) or ()):
            kinds.add(kind)
    if is_opd_head:
        kinds.add(A.OPD_HEAD)
    if is_producer:
        kinds.add(A.PRODUCER)
    if is_walidata_admin:
        kinds.add(A.WALIDATA_ADMIN)
    if chain and chain[0] in user_roles:
        kinds.add(A.VERIFIER)
    if State(state) == S.VERIFIED and 0 < level < len(chain) and chain[level] in user_roles:
        kinds.add(A.APPROVER)
    if chain and chain[-1] in user_roles:
        kinds.add(A.FINAL_APPROVER)
    return kinds


def available(state: State | str, revision_of: Optional[str],
              kinds: Optional[set[Actor]] = None) -> list[Transition]:
    """The rows that can be taken from ``state`` in a revision of
    ``revision_of`` (by one of ``kinds``, or by anyone when None), each name
    once."""
    seen: dict[str, Transition] = {}
    for t in TABLE:
        if t.name in seen or not t.applies(state, bool(revision_of), revision_of):
            continue
        if kinds is None or t.actors & kinds:
            seen[t.name] = t
    return list(seen.values())


#: transitions taken through another transition's action (one form, one
#: API action each): which one depends on where the request is
ACTION_OF = {"return_approval": "return", "return_ready": "return",
             "cancel_revision": "cancel"}

#: (transition, state) -> the step that makes the transition possible again:
#: a scheduled request is returned once its release is cancelled (its
#: officers were told "it has moved past your level", its administrators
#: "only the verifier or the current approver")
FIRST = {("return_ready", S.SCHEDULED): "unschedule"}


def late_label(policy: Optional[str]) -> str:
    """How a late submission was handled (a round's late policy), for the
    request page and the walidata's lists; empty when it was in time."""
    return {
        "accept": tk._("Late — accepted"),
        "flag": tk._("Late — flagged"),
        "carry": tk._("Late — carried into the next period"),
    }.get(policy or "", "")


def transition_for(action: str, state: State | str, revising: bool) -> str:
    """The transition the action ``action`` takes on a request in ``state``."""
    if action == "return" and State(state) == S.VERIFIED:
        return "return_approval"
    if action == "return" and State(state) in (S.READY, S.SCHEDULED):
        return "return_ready"  # a scheduled one once unscheduled (:data:`FIRST`)
    if action == "cancel" and revising:
        return "cancel_revision"
    return action


def next_actors(state: State | str, revising: bool) -> set[Actor]:
    """The actor kinds the request waits for in ``state``: those of its next
    steps (queues, "waiting for", reminders, who a notification asks to
    act)."""
    kinds: set[Actor] = set()
    for t in TABLE:
        if t.next_step and t.applies(state, revising):
            kinds |= t.actors
    return kinds


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
        S.OPD_REVIEW: tk._("awaiting the OPD head's approval"),
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
        # not a transition: the proof of receipt when the OPD first opens it
        "received": tk._("Received by the OPD"),
        # CKAN's search buttons are labelled "Submit" too: a context keeps them apart
        "submit": pgettext("workflow", "Submit"),
        "resubmit": tk._("Resubmit"),
        "return": tk._("Return for revision"),
        "return_approval": tk._("Return for revision"),
        "return_ready": tk._("Return for revision"),
        "verify": tk._("Verify"),
        "approve": tk._("Approve"),
        "schedule": tk._("Schedule"),
        "unschedule": tk._("Unschedule"),
        "publish": tk._("Publish"),
        "revise": tk._("Revise"),
        "withdraw": tk._("Withdraw"),
        "archive": tk._("Archive"),
        "cancel": tk._("Cancel"),
        "cancel_revision": tk._("Cancel the revision"),
        "override_screening": tk._("Override the personal-data findings"),
        "opd_approve": tk._("Approve as head of the OPD"),
        "opd_return": tk._("Return to the producer"),
    }
    return labels.get(name, name)


# -- permohonan data: a citizen's request for data not on the portal ---------------------

class PublicState(str, enum.Enum):
    """States of a public data request (:class:`~..model.PublicRequest`)."""
    SUBMITTED = "submitted"        # Diajukan: waiting for the walidata's answer
    ACCEPTED = "accepted"          # Diproses: the walidata looks for the data
    PLANNED = "planned"            # Direncanakan: to be produced (a Daftar Data item)
    AWAITING = "awaiting_publication"  # Menunggu publikasi: the dataset is not public yet
    FULFILLED = "fulfilled"        # Dipenuhi: the data is on the portal
    REJECTED = "rejected"          # Ditolak, with the reason

    def __str__(self) -> str:
        return self.value


class PublicActor(str, enum.Enum):
    WALIDATA = "walidata"          # walidata staff (any walidata role) or administrator
    WALIDATA_ADMIN = "walidata_admin"  # who keeps the Daftar Data (an admin or satudata.roles.draft)
    SYSTEM = "system"              # the portal itself, when the dataset is published


@dataclass(frozen=True)
class PublicTransition:
    name: str
    sources: frozenset[PublicState]
    #: None: the request stays where it is (an extension of the deadline)
    target: Optional[PublicState]
    actors: frozenset[PublicActor]
    reason_required: bool = False


P, PA = PublicState, PublicActor
#: states in which the walidata still owes an answer (the deadline runs)
PUBLIC_OPEN = frozenset({P.SUBMITTED, P.ACCEPTED})

#: the table of a public data request: who may take which step from where.
#: ``fulfil`` leads to ``fulfilled`` when the dataset is public already and to
#: ``awaiting_publication`` otherwise (the engine decides by the dataset).
PUBLIC_TABLE: tuple[PublicTransition, ...] = (
    PublicTransition("accept", frozenset({P.SUBMITTED}), P.ACCEPTED,
                     frozenset({PA.WALIDATA})),
    PublicTransition("extend", frozenset(PUBLIC_OPEN), None,
                     frozenset({PA.WALIDATA}), reason_required=True),
    PublicTransition("plan", frozenset(PUBLIC_OPEN), P.PLANNED,
                     frozenset({PA.WALIDATA_ADMIN})),
    # a request waiting for data that will not come (its data request was
    # cancelled, its dataset withdrawn for good) is still answered: with
    # another dataset, or rejected with the reason
    PublicTransition("fulfil", frozenset(PUBLIC_OPEN | {P.PLANNED, P.AWAITING}), P.FULFILLED,
                     frozenset({PA.WALIDATA})),
    PublicTransition("reject", frozenset(PUBLIC_OPEN | {P.PLANNED, P.AWAITING}), P.REJECTED,
                     frozenset({PA.WALIDATA}), reason_required=True),
    PublicTransition("published", frozenset({P.AWAITING, P.PLANNED}), P.FULFILLED,
                     frozenset({PA.SYSTEM})),
    # the dataset that fulfilled it was withdrawn: it waits for it again
    PublicTransition("withdrawn", frozenset({P.FULFILLED}), P.AWAITING,
                     frozenset({PA.SYSTEM})),
    # the data request preparing the dataset it waits for was cancelled:
    # the data will not come, the walidata owes an answer again (it waited
    # "menunggu publikasi" for good, in nobody's queue)
    PublicTransition("stopped", frozenset({P.AWAITING, P.PLANNED}), P.ACCEPTED,
                     frozenset({PA.SYSTEM})),
)
PUBLIC_STEPS: tuple[str, ...] = tuple(t.name for t in PUBLIC_TABLE)


def public_rule(name: str, state: PublicState | str) -> Optional[PublicTransition]:
    """The row of :data:`PUBLIC_TABLE` for taking ``name`` from ``state``."""
    for t in PUBLIC_TABLE:
        if t.name == name and PublicState(state) in t.sources:
            return t
    return None


def public_steps_for(state: PublicState | str, kinds: set[PublicActor]) -> list[str]:
    """The steps one of ``kinds`` may take from ``state``."""
    return [t.name for t in PUBLIC_TABLE
            if PublicState(state) in t.sources and t.actors & kinds]


def public_state_label(state: PublicState | str) -> str:
    labels = {
        P.SUBMITTED: tk._("submitted, awaiting an answer"),
        P.ACCEPTED: tk._("accepted, being processed"),
        P.PLANNED: tk._("planned in the Daftar Data"),
        P.AWAITING: tk._("awaiting publication"),
        P.FULFILLED: tk._("fulfilled"),
        P.REJECTED: tk._("rejected"),
    }
    try:
        return labels[PublicState(state)]
    except ValueError:
        return str(state)


def public_step_label(name: str) -> str:
    labels = {
        "accept": tk._("Accept"),
        "extend": tk._("Extend the deadline"),
        "plan": tk._("Plan in the Daftar Data"),
        "fulfil": tk._("Fulfil with a dataset"),
        "reject": tk._("Reject"),
        "published": tk._("Published"),
        "withdrawn": tk._("Data withdrawn"),
        "stopped": tk._("The data being prepared will not come"),
    }
    return labels.get(name, name)


def public_event_label(name: str, to_state: str = "") -> str:
    """What a step of a public data request did, for its history (the
    history read as its buttons: "Reject: …", "Fulfil with a dataset");
    ``to_state``: where it led (a fulfilment with data not public yet is
    none yet: the history said "fulfilled" of a request still waiting)."""
    if name == "fulfil" and to_state == PublicState.AWAITING.value:
        return tk._("To be fulfilled with a dataset being prepared")
    done = {
        "submit": tk._("Submitted"),
        "accept": tk._("Accepted"),
        "extend": tk._("Deadline extended"),
        "plan": tk._("Planned in the Daftar Data"),
        "fulfil": tk._("Fulfilled with a dataset"),
        "reject": tk._("Rejected"),
    }
    # "published" and "withdrawn" name what happened already
    return done.get(name) or public_step_label(name)

# -*- coding: utf-8 -*-
"""A model-based test of the data-request workflow (issue 8, "Must show").

Hypothesis's stateful testing drives random sequences of every workflow
action, taken by every kind of user, against the real database, Solr and
Redis (in-process, through the real actions with ``ignore_auth=False``):
each transition (also withdraw, cancel, cancel_revision, revise, schedule
with a release time relative to now, unschedule, publish, and the scheduled
release run later), ``satudata_request_link_dataset`` (another dataset of the
OPD, the dataset of another request) and CKAN's own ``package_patch``,
``package_delete``, ``resource_create`` and ``resource_delete`` by the
producer and by others. A step may succeed or be refused (``NotAuthorized``,
``ValidationError``, ``ObjectNotFound``); anything else fails the test.

The test keeps its own model of each request (state, approval level,
``revision_of``) written from the semantics of the brief, not from
``states.py``: a step the model forbids must be refused, a step the model
allows by role and state must succeed where nothing else can stop it, and
after every step the database must agree with the model. After every step
it also checks the invariants:

(i)   a request reaches ``ready`` only after each level of
      ``satudata.approval_chain`` was approved, in order, by a holder of that
      level's role, since its last submit/resubmit/revise;
(ii)  a dataset is visible to the public (anonymous ``package_show``)
      exactly when its request's state makes it public (published/archived,
      or a revision cycle of published data);
(iii) what the public sees (title, notes, resources) is the last approved
      version: the version under review when the request was last sent to
      review, taken at the publication from ``ready``/``scheduled``;
(iv)  every event's actor held the role recorded on it, and the actor kind
      its transition needs;
(v)   no dataset linked to a request under review changed (live or staged).

Each example works on new objects (a new round with its requests and
datasets, a new spare dataset), so the database is not reset between
examples. ``derandomize=True`` keeps CI reproducible.
"""
from __future__ import annotations

import collections
import datetime
import itertools
import time
import os
from typing import Any, Optional

import freezegun
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, invariant, rule, run_state_machine_as_test,
)

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.lib import publishing, roles
from ckanext.satudata.model import DataRequest, RequestEvent, StagedRevision

from ..factories import Region, build_region, complete_metadata

pytestmark = pytest.mark.slow

MAX_EXAMPLES = int(os.environ.get("SATUDATA_MODEL_EXAMPLES", "6"))
STEPS = int(os.environ.get("SATUDATA_MODEL_STEPS", "45"))
#: shrinking a failing sequence replays it against the database many times
#: (minutes); the unshrunk sequence (at most STEPS steps) is printed anyway
SHRINK = os.environ.get("SATUDATA_MODEL_SHRINK") == "1"

USERS = ("producer", "producer_b", "verifier", "kabid", "kadis", "walidata_admin",
         "sysadmin", "public", "anonymous")
TRANSITIONS = ("submit", "resubmit", "return", "verify", "approve", "schedule",
               "unschedule", "publish", "revise", "withdraw", "archive", "cancel",
               "cancel_revision")
REVIEW = frozenset({"submitted", "resubmitted", "verified", "ready", "scheduled"})
REVISION = REVIEW | {"returned"}
ACTIVE = frozenset({"requested", "submitted", "returned", "resubmitted", "verified",
                    "ready", "scheduled"})
#: refusals a step may end with
REFUSALS = (tk.NotAuthorized, tk.ValidationError, tk.ObjectNotFound)

_counter = itertools.count(1)
#: what the runs did (printed at the end: examples, steps, successes)
STATS: collections.Counter = collections.Counter()
STATS_PER: dict[str, int] = {}


# -- the model of the brief's semantics -------------------------------------------------

class Req:
    """The model of one request."""

    def __init__(self, request_id: str, org: str) -> None:
        self.id = request_id
        self.org = org                  # "a" or "b"
        self.state = "requested"
        self.level = 0
        self.revision_of: Optional[str] = None

    @property
    def public(self) -> bool:
        """THE rule of the brief: published or archived, or a revision cycle
        of published data."""
        return self.state in ("published", "archived") or (
            self.revision_of == "published" and self.state in REVISION)


def kinds(who: str, req: Req, chain: list[str]) -> set[str]:
    out = set()
    if (who, req.org) in (("producer", "a"), ("producer_b", "b")):
        out.add("producer")
    if who in ("walidata_admin", "sysadmin"):
        out.add("admin")
    if who == "verifier":
        out.add("verifier")
    holders = {1: "kabid", 2: "kadis"}
    if req.state == "verified" and holders.get(req.level) == who:
        out.add("approver")
    if who == "kadis":
        out.add("final")
    return out


def allowed(action: str, who: str, req: Req, chain: list[str]) -> Optional[bool]:
    """Whether the brief's table lets ``who`` take ``action`` on ``req``
    now: True, False, or None where the model does not decide (the brief
    leaves it open)."""
    k = kinds(who, req, chain)
    s, revising = req.state, bool(req.revision_of)
    if action == "submit":
        return s == "requested" and "producer" in k
    if action == "resubmit":
        return s == "returned" and "producer" in k
    if action == "return":
        # after the chain approved it, before it is public: the verifier or
        # a walidata administrator (an error found in the analysis)
        return (s in ("submitted", "resubmitted") and "verifier" in k) or (
            s == "verified" and "approver" in k) or (
            s == "ready" and bool(k & {"verifier", "admin"}))
    if action == "verify":
        return s in ("submitted", "resubmitted") and "verifier" in k
    if action == "approve":
        return s == "verified" and "approver" in k
    if action == "schedule":
        return s in ("ready", "scheduled") and bool(k & {"final", "admin"})
    if action == "unschedule":
        return s == "scheduled" and bool(k & {"final", "admin"})
    if action == "publish":
        return s in ("ready", "scheduled", "withdrawn") and "admin" in k
    if action == "revise":
        return s in ("published", "withdrawn") and "producer" in k
    if action == "withdraw":
        if "admin" not in k:
            return False
        if s in ("published", "archived"):
            return True
        if revising and s in REVISION:
            # the brief: a revision of *published* data; the table also lets
            # a revision of withdrawn data be withdrawn (a no-op for the
            # dataset): not decided here
            return True if req.revision_of == "published" else None
        return False
    if action == "archive":
        return s == "published" and "admin" in k
    if action == "cancel":
        # satudata_request_cancel on a revision ends the revision
        return "admin" in k and ((s in ACTIVE and not revising)
                                 or (revising and s in REVISION))
    if action == "cancel_revision":
        return "admin" in k and revising and s in REVISION
    raise AssertionError(action)


def apply(action: str, req: Req, chain: list[str]) -> None:
    """The model's request after ``action`` succeeded."""
    s = req.state
    if action == "submit":
        req.state, req.level = "submitted", 0
    elif action == "resubmit":
        req.state, req.level = "resubmitted", 0
    elif action == "return":
        req.state, req.level = "returned", 0
    elif action == "verify":
        req.state, req.level = ("verified", 1) if len(chain) > 1 else ("ready", 0)
    elif action == "approve":
        if req.level + 1 < len(chain):
            req.level += 1
        else:
            req.state, req.level = "ready", 0
    elif action == "schedule":
        req.state = "scheduled"
    elif action == "unschedule":
        req.state = "ready"
    elif action == "publish":
        req.state = "published"
    elif action == "revise":
        req.revision_of, req.state, req.level = s, "submitted", 0
    elif action == "withdraw":
        req.state = "withdrawn"
    elif action == "archive":
        req.state = "archived"
    elif action in ("cancel", "cancel_revision"):
        if req.revision_of:
            req.state = req.revision_of
        else:
            req.state = "cancelled"
    if req.state not in REVISION:
        req.revision_of = None
    if req.state != "verified":
        req.level = 0 if req.state != "verified" else req.level


# -- the state machine ---------------------------------------------------------------------

class WorkflowMachine(RuleBasedStateMachine):
    region: Region  # set by the test
    chain: list[str]

    def __init__(self) -> None:
        super().__init__()
        region = self.region
        n = next(_counter)
        site = {"user": region.users["sysadmin"]["name"], "ignore_auth": False}
        round_ = helpers.call_action(
            "satudata_round_create", context=dict(site), name=f"model-{n}",
            title=f"Model {n}", year=2026, start_date="2026-01-05")
        # one dataset per request (the model's rules): the items published by an
        # earlier example get a new dataset, not a new period of theirs
        helpers.call_action("satudata_round_send", context=dict(site), id=round_["id"],
                            new_datasets=True)
        rows = helpers.call_action("satudata_request_list", context=dict(site),
                                   round_id=round_["id"], limit=100)["results"]
        a = [r for r in rows if r["owner_org"] == region.opd_a["id"]]
        b = [r for r in rows if r["owner_org"] == region.opd_b["id"]]
        self.reqs = [Req(r["id"], "a") for r in a] + [Req(b[0]["id"], "b")]
        for r in a + b[:1]:
            complete_metadata(r["package_id"], self.name(
                "producer" if r["owner_org"] == region.opd_a["id"] else "producer_b"))
        # a spare dataset of OPD A that no request asked for (complete too)
        spare = helpers.call_action(
            "package_create", context=self.ctx("producer"), name=f"model-spare-{n}",
            title=f"Cadangan {n}", owner_org=region.opd_a["id"])
        complete_metadata(spare["id"], self.name("producer"))
        self.spare = spare["id"]
        self.linked: dict[str, Optional[str]] = {
            r["id"]: r["package_id"] for r in a + b[:1]}
        #: what each request's dataset looked like when it was last sent to review
        self.reviewed: dict[str, tuple] = {}
        #: the last approved (published) version of each dataset
        self.approved: dict[str, tuple] = {}
        #: (live, staged) of each dataset under review, when its review began
        self.frozen: dict[str, tuple] = {}
        self.checked_events: dict[str, int] = {}
        self.visits: dict[tuple, int] = {}
        users = self.region.users
        self.people = {
            "holders": {role: {u.name for u in roles.users_with_role(role)}
                        for role in self.chain},
            "producers": {users["producer"]["name"], users["producer_b"]["name"]},
            "admins": {users["walidata_admin"]["name"], users["sysadmin"]["name"]},
            "site": helpers.call_action("get_site_user",
                                        context={"ignore_auth": True})["name"],
        }
        STATS["examples"] += 1

    # helpers
    def name(self, who: str) -> str:
        return "" if who == "anonymous" else self.region.users[who]["name"]

    def ctx(self, who: str) -> dict[str, Any]:
        return {"user": self.name(who), "ignore_auth": False}

    def call(self, who: str, action: str, **data: Any) -> tuple[bool, Any]:
        """Take an action as ``who`` (a fresh session, as a web request
        would); (True, result) or (False, the refusal)."""
        fresh()
        try:
            result = helpers.call_action(action, context=self.ctx(who), **data)
        except REFUSALS as e:
            model.Session.rollback()
            STATS["refused"] += 1
            return False, e
        STATS[f"ok {action}"] += 1
        return True, result

    def db(self, request_id: str) -> DataRequest:
        fresh()
        request = model.Session.get(DataRequest, request_id)
        assert request is not None
        return request

    def signature(self, package_id: str) -> Optional[tuple]:
        """(title, notes, resources, state) of the live dataset."""
        fresh()
        try:
            pkg = helpers.call_action("package_show", context={"ignore_auth": True,
                                                               "use_cache": False},
                                      id=package_id)
        except tk.ObjectNotFound:
            return None
        return _signature(pkg)

    def staged_signature(self, package_id: str) -> Optional[tuple]:
        fresh()
        staged = model.Session.get(StagedRevision, package_id)
        return _signature(staged.data) if staged is not None else None

    def under_review_version(self, req: Req) -> Optional[tuple]:
        """What the reviewers review: the staged revision in a revision
        cycle (if any), otherwise the live dataset."""
        package_id = self.linked[req.id]
        if not package_id:
            return None
        if req.revision_of:
            return self.staged_signature(package_id) or self.signature(package_id)
        return self.signature(package_id)

    def req_for(self, index: int) -> Req:
        return self.reqs[index % len(self.reqs)]

    def holder(self, req: Req, action: str) -> str:
        """The user the model expects to take ``action`` on ``req``."""
        if action in ("submit", "resubmit", "revise"):
            return "producer" if req.org == "a" else "producer_b"
        if action in ("verify",) or (action == "return" and req.state != "verified"):
            return "verifier"
        if action in ("approve", "return"):
            return {1: "kabid", 2: "kadis"}.get(req.level, "kabid")
        if action in ("schedule", "unschedule"):
            return "kadis"
        return "walidata_admin"

    # the transitions
    def transition(self, action: str, who: str, req: Req, with_note: bool = True) -> None:
        expect = allowed(action, who, req, self.chain)
        if expect:
            STATS[f"try {action}"] += 1
        data: dict[str, Any] = {"id": req.id}
        if with_note:
            data["note"] = f"alasan {action}"
        if action == "schedule":
            local = publishing.to_local(publishing.utcnow())
            assert local is not None
            data["release_at"] = (local + datetime.timedelta(hours=2)).strftime(
                "%Y-%m-%d %H:%M")
            if with_note and req.state == "scheduled":
                # moving an announced release later is a postponement, which
                # needs its reason: a second schedule a minute later is one
                # (without it the model failed only across a minute boundary);
                # a release cancelled meanwhile has none to postpone
                data["reason"] = "alasan penundaan"
        before = self.db(req.id)
        if action in ("publish", "unschedule", "withdraw") or (
                action == "return" and before.state == "ready"):
            # from the request's page as it is: a step undoing another
            # officer's decision (publishing a withdrawn or scheduled request,
            # cancelling a release, withdrawing archived data, returning
            # approved data) needs its version
            data["version"] = before.version
        before_events = self.events(req.id)
        ok, result = self.call(who, f"satudata_request_{action}", **data)
        if ok:
            assert expect is not False, (
                f"{who} could {action} the request at {req.state}/{req.level} "
                f"(revision of {req.revision_of}): the brief's table forbids it")
            self.after_success(action, req)
        else:
            after = self.db(req.id)
            assert (after.state, after.approval_level, after.version) == (
                before.state, before.approval_level, before.version), (
                f"{action} by {who} was refused ({result!r}) but the request changed")
            assert len(self.events(req.id)) == len(before_events), (
                f"{action} by {who} was refused but an event was recorded")
            if expect and with_note and self.must_succeed(action, req):
                raise AssertionError(
                    f"{who} may {action} the request at {req.state}/{req.level} "
                    f"(revision of {req.revision_of}) but was refused: {result!r}")

    def must_succeed(self, action: str, req: Req) -> bool:
        """Whether nothing but the table can stop ``action`` (the linked
        dataset exists and is active; submit/resubmit/revise also depend on
        the metadata and the staged revision, and link_dataset may have
        linked an incomplete dataset, so they are not predicted)."""
        if action in ("submit", "resubmit", "revise"):
            return False
        package_id = self.linked[req.id]
        return bool(package_id) and (self.signature(package_id) or (None,) * 4)[3] == "active"

    def after_success(self, action: str, req: Req) -> None:
        from_state = req.state
        apply(action, req, self.chain)
        STATS[f"reached {req.state}" + (f" (revision of {req.revision_of})"
                                        if req.revision_of else "")] += 1
        package_id = self.linked[req.id]
        if action in ("submit", "resubmit", "revise"):
            self.reviewed[req.id] = self.under_review_version(req)
        if req.state in REVIEW and from_state not in REVIEW and package_id:
            self.frozen[req.id] = (self.signature(package_id),
                                   self.staged_signature(package_id))
        if req.state not in REVIEW:
            self.frozen.pop(req.id, None)
        if action == "publish" and from_state in ("ready", "scheduled") and package_id:
            self.approved[package_id] = self.reviewed[req.id]

    def events(self, request_id: str) -> list[dict[str, Any]]:
        fresh()
        return helpers.call_action("satudata_request_event_list",
                                   context={"user": self.name("sysadmin"),
                                            "ignore_auth": False}, id=request_id)

    # rules: the right actor (so that the sequences get deep) ...
    @rule(index=st.integers(0, 2), data=st.data())
    def by_its_actor(self, index: int, data: Any) -> None:
        """One of the steps the table allows now, by its actor (withdraw,
        archive, schedule, cancel ... are reached this way)."""
        req = self.req_for(index)
        choices = [a for a in TRANSITIONS
                   if allowed(a, self.holder(req, a), req, self.chain)]
        if not choices:
            return
        action = data.draw(st.sampled_from(choices), label="action")
        if action == "revise" and self.linked[req.id] and \
                self.staged_signature(self.linked[req.id]) is None:
            self.edit(self.holder(req, "revise"), index, "dataset")
        self.transition(action, self.holder(req, action), req)

    @rule(index=st.integers(0, 2))
    def next_step(self, index: int) -> None:
        """The step that moves the request on, by its actor."""
        req = self.req_for(index)
        package_id = self.linked[req.id]
        # where there is a choice, each visit of a state takes the next one
        steps = {"requested": ["submit"], "returned": ["resubmit"],
                 "submitted": ["verify"], "resubmitted": ["verify"],
                 "verified": ["approve"], "ready": ["schedule", "publish"],
                 "scheduled": ["unschedule", "publish"],
                 "published": ["revise", "withdraw", "archive"],
                 "withdrawn": ["publish", "revise"], "archived": ["withdraw"]}.get(req.state)
        if not steps:
            return
        key = (req.id, req.state, req.revision_of)
        self.visits[key] = self.visits.get(key, -1) + 1
        step = steps[self.visits[key] % len(steps)]
        if step == "revise" and package_id and self.staged_signature(package_id) is None:
            self.edit("producer" if req.org == "a" else "producer_b", index, "dataset")
        self.transition(step, self.holder(req, step), req)

    @rule(index=st.integers(0, 2), data=st.data())
    def by_every_wrong_actor(self, index: int, data: Any) -> None:
        """A step someone may take now, tried by everybody else in turn
        (the other approvers, the verifier, sysadmins ...): all refused."""
        req = self.req_for(index)
        actions = [a for a in TRANSITIONS
                   if any(allowed(a, u, req, self.chain) for u in USERS)]
        if not actions:
            return
        action = data.draw(st.sampled_from(actions), label="action")
        for who in USERS:
            if allowed(action, who, req, self.chain) is False:
                self.transition(action, who, req)

    # ... and anybody
    @rule(action=st.sampled_from(TRANSITIONS), who=st.sampled_from(USERS),
          index=st.integers(0, 2), with_note=st.booleans())
    def by_anybody(self, action: str, who: str, index: int, with_note: bool) -> None:
        self.transition(action, who, self.req_for(index), with_note)

    @rule()
    def advance(self) -> None:
        """The next step of the request that is least far along (the
        simplest example hypothesis tries is this rule repeated: the happy
        path of every request, revisions and withdrawals included)."""
        order = ["requested", "returned", "submitted", "resubmitted", "verified", "ready",
                 "scheduled", "published", "withdrawn", "archived", "cancelled"]
        index = min(range(len(self.reqs)), key=lambda i: (
            order.index(self.reqs[i].state), STATS_PER.get(self.reqs[i].id, 0)))
        STATS_PER[self.reqs[index].id] = STATS_PER.get(self.reqs[index].id, 0) + 1
        self.next_step(index)

    @rule(days=st.integers(1, 2))
    def time_passes(self, days: int) -> None:
        """A day later, the scheduled releases whose time came are published
        (``ckan satudata release-due``, as the site user)."""
        scheduled = [r for r in self.reqs if r.state == "scheduled"]
        later = datetime.datetime.utcnow() + datetime.timedelta(days=days)
        fresh()
        with freezegun.freeze_time(later):
            site_user = helpers.call_action("get_site_user", context={"ignore_auth": True})
            result = helpers.call_action("satudata_release_run_due",
                                         context={"user": site_user["name"]})
        fresh()
        assert not result["failed"], result
        published = set(result["published"])
        for req in scheduled:
            if req.id in published:
                self.after_success("publish", req)
        mine = {r.id for r in self.reqs}
        assert published & mine == {r.id for r in scheduled}, (
            "release-due published other requests than the scheduled ones")

    @rule(who=st.sampled_from(("producer", "producer_b", "sysadmin")),
          index=st.integers(0, 2),
          which=st.sampled_from(("spare", "other_request", "other_opd")))
    def link_dataset(self, who: str, index: int, which: str) -> None:
        """Link the spare dataset of OPD A, the dataset of another request,
        or the dataset of a request of the other OPD."""
        req = self.req_for(index)
        others = [r for r in self.reqs if r is not req]
        other_opd = next(r for r in self.reqs if r.org != req.org)
        package_id = {"spare": self.spare,
                      "other_request": self.linked[others[0].id],
                      "other_opd": self.linked[other_opd.id]}[which]
        if package_id is None:
            return
        ok, _ = self.call(who, "satudata_request_link_dataset", id=req.id,
                          package_id=package_id)
        if ok:
            # the producers of the OPD (and sysadmins, whom CKAN lets pass
            # every auth function that does not say otherwise), only while
            # the request is with its producers, never in a revision
            producer = "producer" if req.org == "a" else "producer_b"
            assert who in (producer, "sysadmin") and req.state in (
                "requested", "returned") and not req.revision_of, (
                f"{who} linked a dataset to a request at {req.state}")
            # a dataset answers one request: only a cancelled request's
            # dataset may be taken over
            assert package_id == self.linked[req.id] or which == "spare" or (
                which == "other_request" and others[0].state == "cancelled"), (
                f"{who} linked the dataset of {which}")
            assert self.db(req.id).package_id == package_id
            self.linked[req.id] = package_id

    @rule(who=st.sampled_from(USERS), index=st.integers(0, 3),
          what=st.sampled_from(("dataset", "resource_create", "resource_delete",
                                "package_delete")))
    def core(self, who: str, index: int, what: str) -> None:
        self.edit(who, index, what)

    def edit(self, who: str, index: int, what: str) -> None:
        """CKAN's own package/resource actions on one of the datasets."""
        packages = [self.linked[r.id] for r in self.reqs] + [self.spare]
        package_id = packages[index % len(packages)]
        if package_id is None:
            return
        n = next(_counter)
        if what == "dataset":
            self.call(who, "package_patch", id=package_id, title=f"Judul {n}",
                      notes=f"penanda-{n}")
        elif what == "resource_create":
            self.call(who, "resource_create", package_id=package_id, name=f"sumber-{n}",
                      url=f"https://example.org/data-{n}.csv", format="CSV")
        elif what == "resource_delete":
            sig = self.signature(package_id)
            fresh()
            pkg = helpers.call_action("package_show", context={"ignore_auth": True},
                                      id=package_id)
            if sig and pkg["resources"]:
                self.call(who, "resource_delete", id=pkg["resources"][0]["id"])
        elif what == "package_delete":
            self.call(who, "package_delete", id=package_id)

    # invariants
    @invariant()
    def database_agrees_with_the_model(self) -> None:
        for req in self.reqs:
            request = self.db(req.id)
            got = (request.state, request.approval_level if request.state == "verified" else 0,
                   request.revision_of)
            want = (req.state, req.level if req.state == "verified" else 0, req.revision_of)
            assert got == want, f"request {req.id[:8]}: database {got}, model {want}"
            assert publishing.dataset_public(request) == req.public, (
                f"dataset_public({got}) differs from the brief's rule")

    @invariant()
    def public_sees_exactly_the_last_approved_version(self) -> None:
        """(ii) and (iii)."""
        packages = {self.spare: None}
        for req in sorted(self.reqs, key=lambda r: r.state != "cancelled"):
            if self.linked[req.id]:
                packages[self.linked[req.id]] = req  # the live request wins
        for package_id, req in packages.items():
            fresh()
            try:
                pkg = helpers.call_action("package_show",
                                          context={"user": "", "ignore_auth": False},
                                          id=package_id)
            except (tk.NotAuthorized, tk.ObjectNotFound):
                pkg = None
            should = bool(req and req.public)
            state = f"{req.state}/{req.revision_of}" if req else "no request"
            assert (pkg is not None) == should, (
                f"dataset {package_id[:8]} of a request at {state}: public "
                f"{pkg is not None}, expected {should}")
            if pkg is not None:
                assert package_id in self.approved, "public but never approved"
                assert _signature(pkg)[:3] == self.approved[package_id][:3], (
                    f"the public sees {_signature(pkg)[:3]}, the last approved version "
                    f"is {self.approved[package_id][:3]}")

    @invariant()
    def datasets_under_review_do_not_change(self) -> None:
        """(v)."""
        for req in self.reqs:
            if req.id in self.frozen:
                package_id = self.linked[req.id]
                now = (self.signature(package_id), self.staged_signature(package_id))
                assert now == self.frozen[req.id], (
                    f"the dataset of a request at {req.state} changed: "
                    f"{self.frozen[req.id]} -> {now}")

    @invariant()
    def events_were_taken_by_whom_they_say(self) -> None:
        """(i) and (iv), on the events recorded since the last check (one
        query for the timelines of all the requests)."""
        fresh()
        rows = model.Session.execute(
            sa.select(RequestEvent, model.User.name)
            .outerjoin(model.User, model.User.id == RequestEvent.user_id)
            .where(RequestEvent.request_id.in_([r.id for r in self.reqs]))
            .order_by(RequestEvent.timestamp, RequestEvent.version)).all()
        timelines: dict[str, list[dict[str, Any]]] = {r.id: [] for r in self.reqs}
        for event, user_name in rows:
            timelines[event.request_id].append({
                "transition": event.transition, "user_name": user_name,
                "approval_level": event.approval_level, "to_state": event.to_state,
                "from_state": event.from_state, "role": (event.data or {}).get("role")})
        fresh()
        for req in self.reqs:
            events = timelines[req.id]
            start = self.checked_events.get(req.id, 0)
            for i in range(start, len(events)):
                check_event(events, i, self.chain, self.people)
            self.checked_events[req.id] = len(events)
        STATS["steps"] += 1


def fresh() -> None:
    """Forget what the session holds, so that every read sees what is
    committed now (as a new web request would). The session is not removed:
    after CKAN's core migrations (``clean_db``) it is bound to a NullPool
    engine, where each new session costs a new PostgreSQL connection."""
    model.Session.expire_all()


def _signature(pkg: dict[str, Any]) -> tuple:
    resources = tuple(sorted((r.get("name"), r.get("url")) for r in pkg.get("resources") or []))
    return (pkg.get("title"), pkg.get("notes"), resources, pkg.get("state"))


def check_event(events: list[dict[str, Any]], i: int, chain: list[str],
                people: dict[str, Any]) -> None:
    event = events[i]
    name, actor = event["transition"], event["user_name"]
    if name in ("request",):
        return
    holders = people["holders"]
    held = {role for role in chain if actor in holders[role]}
    if event.get("role"):
        assert event["role"] in held, (
            f"{name} recorded as {event['role']} by {actor}, who does not hold it")
    level = event["approval_level"]
    if name in ("verify", "return"):
        assert level == 0 and chain[0] in held, (
            f"{name} by {actor} at level {level} (holds {held})")
    if name == "return_ready":
        assert actor in people["admins"] or chain[0] in held, f"{name} by {actor}"
    if name in ("approve", "return_approval"):
        assert 1 <= level < len(chain) and chain[level] in held, (
            f"{name} by {actor} at level {level} (holds {held})")
        assert event.get("role") == chain[level], event
    admins = people["admins"]
    if name in ("submit", "resubmit", "revise"):
        assert actor in people["producers"], f"{name} by {actor}"
    if name == "link_dataset":
        assert actor in people["producers"] | admins, f"{name} by {actor}"
    if name in ("publish", "withdraw", "archive", "cancel", "cancel_revision"):
        assert actor in admins | {people["site"]}, f"{name} by {actor}"
    if name in ("schedule", "unschedule"):
        assert actor in admins or chain[-1] in held, f"{name} by {actor}"
    if event["to_state"] == "ready" and name in ("verify", "approve"):
        # (i): verify, then each approval level in order, since the last
        # submit/resubmit/revise, with nothing in between
        j = i
        while j >= 0 and events[j]["transition"] not in ("submit", "resubmit", "revise"):
            j -= 1
        assert j >= 0, "ready without a submission"
        steps = [(e["transition"], e["approval_level"], e.get("role"), e["user_name"])
                 for e in events[j + 1:i + 1]]
        want = [("verify", 0, chain[0])] + [("approve", n, chain[n])
                                              for n in range(1, len(chain))]
        assert [s[:3] for s in steps] == want, f"ready after {steps}"
        for (_t, n, role, user) in steps:
            assert user in holders[role], steps


@pytest.fixture
def world(clean_db, clean_index) -> Region:
    return build_region(("Jumlah Puskesmas", "Jumlah Posyandu"))


def test_random_workflows_keep_every_invariant(world: Region) -> None:
    WorkflowMachine.region = world
    WorkflowMachine.chain = roles.approval_chain()
    assert WorkflowMachine.chain == ["verifikator", "kabid", "kadis"]
    STATS.clear()
    started = time.monotonic()
    try:
        run_state_machine_as_test(WorkflowMachine, settings=settings(
            max_examples=MAX_EXAMPLES, stateful_step_count=STEPS, deadline=None,
            derandomize=True, database=None, print_blob=False,
            phases=[Phase.explicit, Phase.generate] + ([Phase.shrink] if SHRINK else []),
            suppress_health_check=list(HealthCheck)))
    finally:
        print(f"\nworkflow model: {STATS['examples']} examples, {STATS['steps']} steps "
              f"in {time.monotonic() - started:.0f}s; "
              + ", ".join(f"{k}: {v}" for k, v in sorted(STATS.items())
                          if k not in ("examples", "steps")))

# -*- coding: utf-8 -*-
"""Races over HTTP against a running portal (issue 8, "Races over HTTP").

Every transition of a data request, at every approval level, is fired at the
same instant (``threading.Barrier``) by 2–4 API clients, each authenticated
with an API token and none sending ``version`` (what a script or a double
click does; the web forms send it). For each race:

* exactly one client wins (HTTP 200) — ``schedule`` is the one transition
  that is allowed from its own target (``scheduled`` → ``scheduled``, moving
  the release), so there every client may win, each with its own event, and
  exactly one release stays pending;
* the losers get 403 or 409, never a 500 or a time-out;
* exactly one new event per winner in ``satudata_request_event_list``, with
  the transition, states and level the winner's transition gives, taken by
  the winner, and — for verify/return/approve/return_approval — recorded at
  the level the request waited at with that level's role, which the actor
  holds;
* the request's state and level are what the winner's transition gives.

Mixed pairs fire two different transitions (two clients each): verify vs
return by the verifier, approve vs return by the level holder at each
approval level, publish vs cancel by walidata administrators.

Only the race goes over HTTP. The round (many Daftar Data items, so many
requests) is created in-process once, and each request is driven to the
state a race needs with the real actions (``call_action``). A request is
used for a whole "lifeline" of races, the outcome of one race being the
starting state of the next, so little in-process driving is needed.
"""
from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import datetime
import functools
import io
import os
import threading
import time
import types
from typing import Any, Optional

import pytest
import requests
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from werkzeug.datastructures import FileStorage

from ckanext.satudata.lib import publishing, roles, workdays
from ckanext.satudata.model import DataRequest, Release, RequestEvent

from ..factories import Region, add_csv, build_region, complete_metadata, publish, to_ready

pytestmark = pytest.mark.slow

#: how many times each race runs: the dangerous ones (verify, return and
#: approve at each level, and the mixed pairs at those levels) TRIES times,
#: the others FEWER times, to keep the test within ~3 minutes on 2 cores
TRIES = int(os.environ.get("SATUDATA_RACE_TRIES", "30"))
FEWER = min(TRIES, int(os.environ.get("SATUDATA_RACE_FEWER", "8")))
#: lifelines raced side by side (each on its own request)
WORKERS = 3
#: per HTTP request (a loser waits for the winner's row lock, then answers)
REQUEST_TIMEOUT = 30
BARRIER_TIMEOUT = 30

OK = 200
REFUSED = (403, 409)


class Broken(Exception):
    """A request could not be driven to the state a race needs (an earlier
    race left it elsewhere; that race has already been reported)."""


# -- where a request is ----------------------------------------------------------

def position(request: DataRequest) -> str:
    """The request's position as the races name it: its state, ``v<level>``
    while verified, ``rev:<state>`` in a revision cycle of published data."""
    state = request.state
    key = f"v{request.approval_level}" if state == "verified" else state
    if key == "resubmitted":
        key = "submitted"
    if getattr(request, "revision_of", None) and state not in (
            "published", "withdrawn", "archived", "cancelled"):
        key = "rev:" + key
    return key


def fresh() -> None:
    """Forget what this thread's session holds, so that the next reads see
    what is committed now. (The session is not removed: after CKAN's core
    migrations in ``clean_db`` it is bound to a NullPool engine, where each
    new session opens a new PostgreSQL connection.)"""
    model.Session.expire_all()


def load(request_id: str) -> Any:
    """The request as committed now: a snapshot of its columns (a plain
    object, which later reads do not refresh)."""
    fresh()
    request = model.Session.get(DataRequest, request_id)
    assert request is not None
    return types.SimpleNamespace(
        id=request.id, state=request.state, approval_level=request.approval_level,
        revision_of=getattr(request, "revision_of", None), owner_org=request.owner_org,
        package_id=request.package_id, version=request.version)


def event_ids(request_id: str) -> set[str]:
    fresh()
    ids = set(model.Session.execute(sa.select(RequestEvent.id).where(
        RequestEvent.request_id == request_id)).scalars())
    fresh()
    return ids


def events_of(request_id: str) -> list[dict[str, Any]]:
    fresh()
    return helpers.call_action("satudata_request_event_list",
                               context={"user": "sysadmin-uji"}, id=request_id)


def release_time(offset_minutes: int) -> str:
    """A release time in the portal's time zone, 30 days from now."""
    local = publishing.to_local(publishing.utcnow())
    assert local is not None
    when = local + datetime.timedelta(days=30, minutes=offset_minutes)
    return when.strftime("%Y-%m-%d %H:%M")


# -- the races ---------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Call:
    who: str          # key of Region.users
    action: str       # satudata_request_<action>
    data: tuple = ()  # extra data items


@dataclasses.dataclass(frozen=True)
class Race:
    label: str
    pre: str                  # position the request must be at
    calls: tuple[Call, ...]
    #: every client may win (schedule: allowed from its own target)
    all_may_win: bool = False
    #: how many times it runs (one lifeline per try)
    tries: int = TRIES


NOTE = (("note", "alasan uji balapan"),)
#: the request's version as the clients' pages showed it (a step undoing
#: another officer's decision sends it)
SEEN = (("version", None),)


def _same(n: int, who: str, action: str, data: tuple = ()) -> tuple[Call, ...]:
    return tuple(Call(who, action, data) for _ in range(n))


#: a lifeline: each race leaves the request where the next one starts (the
#: driver fills the gaps in-process)
LIFELINE = (
    Race("submit", "requested", _same(3, "producer", "submit"), tries=FEWER),
    Race("return", "submitted", _same(3, "verifier", "return", NOTE)),
    Race("resubmit", "returned", _same(3, "producer", "resubmit", NOTE), tries=FEWER),
    Race("verify", "submitted", _same(3, "verifier", "verify")),
    Race("return_approval@kabid", "v1", _same(3, "kabid", "return", NOTE)),
    Race("approve@kabid", "v1", _same(3, "kabid", "approve")),
    Race("return_approval@kadis", "v2", _same(3, "kadis", "return", NOTE)),
    Race("approve@kadis", "v2", _same(3, "kadis", "approve")),
    Race("schedule", "ready", (Call("kadis", "schedule", (("release_at", 1),)),
                               Call("walidata_admin", "schedule", (("release_at", 2),)),
                               Call("kadis", "schedule", (("release_at", 3),))),
         all_may_win=True, tries=FEWER),
    Race("unschedule", "scheduled", (Call("kadis", "unschedule", SEEN),
                                     Call("walidata_admin", "unschedule", SEEN),
                                     Call("walidata_admin", "unschedule", SEEN)),
         tries=FEWER),
    Race("publish", "ready", (Call("walidata_admin", "publish"),
                              Call("walidata_admin", "publish"),
                              Call("sysadmin", "publish")), tries=FEWER),
    Race("revise", "published+staged", _same(3, "producer", "revise"), tries=FEWER),
    Race("cancel_revision", "rev:submitted", (Call("walidata_admin", "cancel_revision", NOTE),
                                              Call("walidata_admin", "cancel_revision", NOTE),
                                              Call("sysadmin", "cancel_revision", NOTE)),
         tries=FEWER),
    Race("withdraw@revision", "rev:submitted", (Call("walidata_admin", "withdraw", NOTE),
                                                Call("walidata_admin", "withdraw", NOTE),
                                                Call("sysadmin", "withdraw", NOTE)),
         tries=FEWER),
    # (the lifelines publish data again after a withdrawal: the version seen)
    Race("archive", "published", _same(3, "walidata_admin", "archive", SEEN), tries=FEWER),
    Race("withdraw@archived", "archived",
         _same(3, "walidata_admin", "withdraw", NOTE + SEEN), tries=FEWER),
)

MIXED = (
    Race("verify|return by verifier", "submitted",
         (Call("verifier", "verify"), Call("verifier", "return", NOTE)) * 2),
    Race("approve|return_approval@kabid", "v1",
         (Call("kabid", "approve"), Call("kabid", "return", NOTE)) * 2),
    Race("approve|return_approval@kadis", "v2",
         (Call("kadis", "approve"), Call("kadis", "return", NOTE)) * 2),
    Race("publish|cancel", "ready",
         (Call("walidata_admin", "publish"), Call("walidata_admin", "cancel", NOTE)) * 2,
         tries=FEWER),
)

#: a pair on published data (a lifeline of its own: either end is final for it)
PUBLISHED_MIXED = (
    # a withdrawal decided on the published data does not take down the data
    # another officer archived meanwhile: one of the two, the other refused
    Race("archive|withdraw", "published",
         (Call("walidata_admin", "archive", SEEN),
          Call("walidata_admin", "withdraw", NOTE + SEEN)) * 2, tries=FEWER),
)

CANCEL_FROM = ("requested", "submitted", "returned", "v1", "v2", "ready", "scheduled")


def cancel_race(i: int) -> Race:
    """``cancel`` from each active state in turn."""
    pre = CANCEL_FROM[i % len(CANCEL_FROM)]
    # approved data ended undoes the chain's approval: the version seen is sent
    data = NOTE + SEEN if pre in ("ready", "scheduled") else NOTE
    return Race(f"cancel@{pre}", pre,
                (Call("walidata_admin", "cancel", data), Call("walidata_admin", "cancel", data),
                 Call("sysadmin", "cancel", data)))


def expected(call: Call, pre: DataRequest, chain: list[str]
             ) -> tuple[str, str, Optional[int], Optional[str]]:
    """(event transition, position after, level after, role recorded) of
    ``call`` taken from ``pre`` per the semantics of the state table."""
    level = pre.approval_level
    last = len(chain) - 1
    revision = bool(getattr(pre, "revision_of", None))
    name = call.action
    if name == "submit":
        return "submit", "submitted", 0, None
    if name == "resubmit":
        return "resubmit", "rev:submitted" if revision else "submitted", 0, None
    if name == "return":
        if pre.state == "verified":
            return "return_approval", "rev:returned" if revision else "returned", 0, chain[level]
        return "return", "rev:returned" if revision else "returned", 0, chain[0]
    if name == "verify":
        if last == 0:
            return "verify", "ready", None, chain[0]
        return "verify", "v1", 1, chain[0]
    if name == "approve":
        if level < last:
            return "approve", f"v{level + 1}", level + 1, chain[level]
        return "approve", "ready", None, chain[level]
    if name == "schedule":
        return "schedule", "scheduled", None, None
    if name == "unschedule":
        return "unschedule", "ready", None, None
    if name == "publish":
        return "publish", "published", None, None
    if name == "revise":
        return "revise", "rev:submitted", 0, None
    if name == "cancel_revision":
        return "cancel_revision", getattr(pre, "revision_of", None) or "?", None, None
    if name == "withdraw":
        return "withdraw", "withdrawn", None, None
    if name == "archive":
        return "archive", "archived", None, None
    if name == "cancel":
        return "cancel", "cancelled", None, None
    raise AssertionError(name)


# -- the harness ---------------------------------------------------------------------

class Harness:
    def __init__(self, portal: Any, region: Region) -> None:
        self.portal = portal
        self.region = region
        self.chain = roles.approval_chain()
        self.tokens = {
            user["name"]: helpers.call_action(
                "api_token_create", context={"user": user["name"]},
                user=user["name"], name="races")["token"]
            for who, user in region.users.items() if who != "public"}
        self.names = {who: user["name"] for who, user in region.users.items()}
        self.failures: dict[str, list[str]] = collections.defaultdict(list)
        self.counts: collections.Counter = collections.Counter()
        self.skipped: collections.Counter = collections.Counter()
        self.winners: collections.Counter = collections.Counter()
        self.staged: set[str] = set()
        self.lock = threading.Lock()
        self.seconds: collections.Counter = collections.Counter()
        self.holders = {role: {u.name for u in roles.users_with_role(role)}
                        for role in self.chain}

    # in-process, with the real actions
    def user_for(self, who: str, request: DataRequest) -> str:
        """The user name of ``who``; "producer" is the producer of the
        request's OPD."""
        if who == "producer" and request.owner_org != self.region.opd_a["id"]:
            who = "producer_b"
        return self.names[who]

    def act(self, who: str, action: str, request_id: str, **data: Any) -> Any:
        user = self.user_for(who, load(request_id))
        fresh()
        try:
            return helpers.call_action(f"satudata_request_{action}",
                                       context={"user": user}, id=request_id, **data)
        except Exception:
            model.Session.rollback()
            raise

    def stage_edit(self, request: DataRequest) -> None:
        """The producer edits the published dataset: a staged revision."""
        fresh()
        helpers.call_action("package_patch",
                            context={"user": self.user_for("producer", request)},
                            id=request.package_id, notes=f"Revisi {request.id[:8]}")
        self.staged.add(request.id)
        fresh()

    def step(self, request: DataRequest, target: str) -> None:
        """One in-process step of ``request`` towards ``target``."""
        pos, rid = position(request), request.id
        order = {"requested": 0, "returned": 1, "submitted": 2, "v1": 3, "v2": 4, "ready": 5}
        holder = {"submitted": "verifier", "v1": "kabid", "v2": "kadis"}
        forward = {"requested": ("producer", "submit"), "returned": ("producer", "resubmit"),
                   "submitted": ("verifier", "verify"), "v1": ("kabid", "approve"),
                   "v2": ("kadis", "approve")}
        if target in order and pos in order:
            if order[pos] < order[target] or pos in ("requested", "returned"):
                who, action = forward[pos]
                # sent back unchanged, a resubmission says why
                return self.act(who, action, rid,
                                **({"note": "sudah diperiksa"} if action == "resubmit" else {}))
            if pos in holder:
                return self.act(holder[pos], "return", rid, note="mundur")
            raise Broken(f"{pos} -> {target}")
        if target == "published+staged":
            target = "published"
            if pos == "published" and request.id not in self.staged:
                return self.stage_edit(request)
        post = {
            ("ready", "scheduled"): ("walidata_admin", "schedule",
                                     {"release_at": release_time(0)}),
            ("scheduled", "ready"): ("walidata_admin", "unschedule",
                                     {"version": request.version}),
            # (published again after a withdrawal, the version is needed)
            ("published", "withdrawn"): ("walidata_admin", "withdraw",
                                         {"note": "tarik", "version": request.version}),
            ("published", "archived"): ("walidata_admin", "archive",
                                        {"version": request.version}),
            ("rev:submitted", "published"): ("walidata_admin", "cancel_revision",
                                             {"note": "batal"}),
            ("archived", "withdrawn"): ("walidata_admin", "withdraw",
                                        {"note": "tarik", "version": request.version}),
        }
        if (pos, target) in post:
            who, action, data = post[(pos, target)]
            return self.act(who, action, rid, **data)
        if target == "rev:submitted" and pos == "published":
            if request.id not in self.staged:
                return self.stage_edit(request)
            return self.act("producer", "revise", rid)
        if pos in ("ready", "scheduled", "withdrawn") and target in (
                "published", "archived", "rev:submitted"):
            # from its page as it is (publishing a withdrawn or scheduled one needs it)
            return self.act("walidata_admin", "publish", rid, version=load(rid).version)
        if pos in order and pos != "ready" and target not in order:
            # before ready: go forward
            return self.step(request, "ready")
        raise Broken(f"{pos} -> {target}")

    def drive(self, request_id: str, target: str) -> DataRequest:
        for _ in range(12):
            request = load(request_id)
            pos = position(request)
            if pos == target or (target == "published+staged" and pos == "published"
                                 and request_id in self.staged):
                return request
            try:
                self.step(request, target)
            except (tk.ValidationError, tk.NotAuthorized) as e:
                raise Broken(f"{pos} -> {target}: {e}")
        raise Broken(f"{position(load(request_id))} -> {target}: too many steps")

    # over HTTP
    def fire(self, request: DataRequest, race: Race) -> list[tuple[Call, Any]]:
        barrier = threading.Barrier(len(race.calls))
        results: list[Any] = [None] * len(race.calls)
        sessions = [requests.Session() for _ in race.calls]

        def client(slot: int, call: Call) -> None:
            data: dict[str, Any] = {"id": request.id}
            token = self.tokens[self.user_for(call.who, request)]
            for key, value in call.data:
                data[key] = (release_time(value) if key == "release_at"
                             else request.version if key == "version" else value)
            try:
                barrier.wait(BARRIER_TIMEOUT)
                results[slot] = self.portal.api(
                    f"satudata_request_{call.action}", token,
                    session=sessions[slot], timeout=REQUEST_TIMEOUT, **data)
            except Exception as e:  # reported by the checks
                results[slot] = e

        threads = [threading.Thread(target=client, args=(i, c), daemon=True)
                   for i, c in enumerate(race.calls)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(REQUEST_TIMEOUT + BARRIER_TIMEOUT + 5)
        for s in sessions:
            s.close()
        return list(zip(race.calls, results))

    def run(self, request_id: str, race: Race) -> None:
        t0 = time.monotonic()
        try:
            pre = self.drive(request_id, race.pre)
        except Broken as e:
            with self.lock:
                self.skipped[race.label] += 1
                self.failures["(driving)"].append(f"{race.label}: {e}")
            raise
        t1 = time.monotonic()
        before = event_ids(request_id)
        t2 = time.monotonic()
        outcome = self.fire(pre, race)
        t3 = time.monotonic()
        after = events_of(request_id)
        problems = self.check(race, pre, outcome, before, after)
        t4 = time.monotonic()
        with self.lock:
            self.seconds.update({"drive": t1 - t0, "events": t2 - t1, "http": t3 - t2,
                                 "check": t4 - t3})
            self.counts[race.label] += 1
            if problems:
                self.failures[race.label].append(
                    f"{request_id[:8]}: " + "; ".join(problems))

    def check(self, race: Race, pre: DataRequest, outcome: list[tuple[Call, Any]],
              before: set[str], after: list[dict[str, Any]]) -> list[str]:
        problems = []
        statuses = [getattr(r, "status_code", repr(r)) for _c, r in outcome]
        winners = [(c, r) for c, r in outcome if getattr(r, "status_code", None) == OK]
        with self.lock:
            self.winners[(race.label, len(winners))] += 1
        for call, response in outcome:
            status = getattr(response, "status_code", None)
            if status != OK and status not in REFUSED:
                body = getattr(response, "text", repr(response))[:300]
                problems.append(f"{call.who} {call.action} -> {status}: {body}")
        if race.all_may_win:
            if not winners:
                problems.append(f"no winner {statuses}")
        elif len(winners) != 1:
            problems.append(f"{len(winners)} winners {statuses}: " + ", ".join(
                f"{c.who}:{c.action}" for c, _r in winners))
        new = [e for e in after if e["id"] not in before]
        if len(new) != len(winners):
            problems.append(f"{len(new)} new events for {len(winners)} winners: "
                            + ", ".join(f"{e['transition']}@{e['approval_level']}"
                                        f" by {e['user_name']}" for e in new))
        request = load(pre.id)
        if len(winners) == 1 and len(new) == 1:
            call, _response = winners[0]
            event = new[0]
            transition, pos_after, level_after, role = expected(call, pre, self.chain)
            if event["transition"] != transition:
                problems.append(f"event {event['transition']} for {call.action} "
                                f"(expected {transition})")
            if event["user_name"] != self.user_for(call.who, pre):
                problems.append(f"event by {event['user_name']}, winner {call.who}")
            if event["from_state"] != pre.state:
                problems.append(f"event from {event['from_state']}, was {pre.state}")
            if role is not None:
                if event["approval_level"] != pre.approval_level or event["role"] != role:
                    problems.append(f"recorded at level {event['approval_level']} as "
                                    f"{event['role']}, expected {pre.approval_level} {role}")
            if position(request) != pos_after:
                problems.append(f"request at {position(request)}, expected {pos_after}")
            if level_after is not None and request.approval_level != level_after:
                problems.append(f"level {request.approval_level}, expected {level_after}")
        if race.all_may_win and winners:
            if position(request) != "scheduled":
                problems.append(f"request at {position(request)}, expected scheduled")
            pending = model.Session.execute(
                sa.select(sa.func.count()).select_from(Release).where(
                    Release.request_id == pre.id, Release.status == "scheduled")).scalar()
            if pending != 1:
                problems.append(f"{pending} pending releases")
        for event in new:
            if event.get("role"):
                if event["user_name"] not in self.holders.get(event["role"], ()):
                    problems.append(f"{event['transition']} recorded as {event['role']} "
                                    f"by {event['user_name']}, who does not hold it")
        fresh()
        return problems


@pytest.fixture
def harness(portal) -> Harness:
    started = time.monotonic()
    lifelines = TRIES + TRIES + FEWER + FEWER  # full, mixed, cancel, published mixed
    titles = tuple(f"Indikator balapan {i:02d}" for i in range((lifelines + 1) // 2))
    region = build_region(titles)
    region.requests = helpers.call_action(
        "satudata_request_list", context={"user": "sysadmin-uji"}, limit=1000)["results"]
    model.Session.remove()
    h = Harness(portal, region)

    def complete(request: dict[str, Any]) -> None:
        try:
            complete_metadata(request["package_id"],
                              h.user_for("producer", load(request["id"])))
        finally:
            model.Session.remove()

    # every dataset complete enough to submit, as its producer fills it in
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(complete, region.requests))
    h.setup_seconds = time.monotonic() - started  # type: ignore[attr-defined]
    return h


def _lifeline(h: Harness, request_id: str, races: tuple[Race, ...], i: int) -> None:
    """The races of try ``i`` on one request, in order; a request that
    cannot be driven to the next race's state ends its lifeline (the race
    that left it there has been reported)."""
    try:
        for race in races:
            if i < race.tries:
                h.run(request_id, race)
    except Broken:
        pass
    finally:
        model.Session.remove()


def test_every_transition_raced_over_http_has_exactly_one_winner(harness: Harness,
                                                                  portal) -> None:
    h = harness
    started = time.monotonic()
    ids = iter(r["id"] for r in h.region.requests)
    work = []
    for i in range(TRIES):
        work.append((next(ids), LIFELINE, i))
        # whichever side of a mixed pair wins, the driver takes the request
        # on to the level of the next pair
        work.append((next(ids), MIXED, i))
    for i in range(FEWER):
        work.append((next(ids), (cancel_race(i),), 0))
        work.append((next(ids), PUBLISHED_MIXED, i))
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        for future in [pool.submit(_lifeline, h, *args) for args in work]:
            future.result()
    elapsed = time.monotonic() - started
    report = _report(h, elapsed)
    print(report)
    tracebacks = portal.tracebacks()
    assert not h.failures and not tracebacks, report + "\n".join(tracebacks[:3])
    # every race ran as often as planned
    for race in LIFELINE + MIXED + PUBLISHED_MIXED:
        assert h.counts[race.label] == race.tries, report
    assert sum(n for label, n in h.counts.items() if label.startswith("cancel@")) == FEWER


def _report(h: Harness, elapsed: float) -> str:
    lines = [f"races over HTTP: {sum(h.counts.values())} races in {elapsed:.0f}s "
             f"(setup {getattr(h, 'setup_seconds', 0):.0f}s, {WORKERS} lifelines at a time; "
             f"time spent: " + ", ".join(f"{k} {v:.0f}s" for k, v in h.seconds.items()) + ")"]
    for label, n in sorted(h.counts.items()):
        wins = {k[1]: v for k, v in h.winners.items() if k[0] == label}
        lines.append(f"  {label:32s} {n:3d} races, winners per race {wins}, "
                     f"{len(h.failures.get(label, []))} failed")
    for label, problems in h.failures.items():
        lines.append(f"FAILED {label} ({len(problems)}):")
        lines.extend(f"    {p}" for p in problems[:5])
    return "\n".join(lines)


# -- a producer's edit racing the submit -------------------------------------------

#: requests raced (each once): an edit and a submit of the same request
EDIT_TRIES = int(os.environ.get("SATUDATA_EDIT_RACE_TRIES", "16"))
#: how many requests the upload|patch|submit race is run on
TABLE_TRIES = int(os.environ.get("SATUDATA_TABLE_RACE_TRIES", "8"))


def test_an_edit_racing_the_submit_is_either_refused_or_seen_by_it(portal) -> None:
    """The producer's client blanks a field the submission requires while
    another of their clients submits, at the same instant. What the
    verifier gets is what the submission checked: either the edit lands
    first and the submission is refused for the empty field, or the
    submission lands first and the edit is refused (the dataset is under
    review). Never both: a request under review with a dataset the
    submission never saw."""
    from ckanext.satudata.lib import metadata

    region = build_region(tuple(f"Indikator suntingan {i:02d}"
                                for i in range((EDIT_TRIES + 1) // 2)))
    sysadmin = {"user": "sysadmin-uji"}
    requests_ = helpers.call_action("satudata_request_list", context=dict(sysadmin),
                                    limit=1000)["results"][:EDIT_TRIES]
    producers = {region.opd_a["id"]: "produsen-a", region.opd_b["id"]: "produsen-b"}
    for request in requests_:
        complete_metadata(request["package_id"], producers[request["owner_org"]])
    field = next(f["field_name"] for f in metadata.required_fields("submit")
                 if f["field_name"] not in ("title", "name", "owner_org", "notes")
                 and "repeating_subfields" not in f)
    tokens = {name: helpers.call_action("api_token_create", context={"user": name},
                                        user=name, name="races")["token"]
              for name in producers.values()}
    model.Session.remove()

    problems: list[str] = []
    outcomes: collections.Counter = collections.Counter()
    for request in requests_:
        token = tokens[producers[request["owner_org"]]]
        results = _race(portal, token, (
            ("package_patch", {"id": request["package_id"], field: ""}),
            ("satudata_request_submit", {"id": request["id"]})))
        statuses = tuple(getattr(r, "status_code", repr(r)) for r in results)
        outcomes[statuses] += 1
        state = load(request["id"]).state
        fresh()
        stored = helpers.call_action("package_show", context=dict(sysadmin),
                                     id=request["package_id"]).get(field)
        model.Session.remove()
        if any(s not in (OK, *REFUSED) for s in statuses):
            problems.append(f"{request['id'][:8]}: {statuses} " + " | ".join(
                getattr(r, "text", repr(r))[:200] for r in results))
        elif statuses.count(OK) != 1:
            problems.append(f"{request['id'][:8]}: {statuses}, request {state}, "
                            f"{field}={stored!r}")
        elif statuses[1] == OK and (state != "submitted" or stored in ("", None)):
            problems.append(f"{request['id'][:8]}: submitted, yet request {state} "
                            f"with {field}={stored!r}")
        elif statuses[0] == OK and (state != "requested" or stored not in ("", None)):
            problems.append(f"{request['id'][:8]}: edited, yet request {state} "
                            f"with {field}={stored!r}")
    report = f"edit|submit races, {field}: {dict(outcomes)}"
    print(report)
    assert not problems and not portal.tracebacks(), report + "\n" + "\n".join(problems)


def _together(calls: list[Any]) -> list[Any]:
    """Each of ``calls`` (a function of no argument sending one request)
    from its own thread, released at the same instant; their answers (or
    the exception each raised), in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def client(slot: int) -> None:
        try:
            barrier.wait(BARRIER_TIMEOUT)
            results[slot] = calls[slot]()
        except Exception as e:  # reported by the caller
            results[slot] = e

    threads = [threading.Thread(target=client, args=(i,), daemon=True)
               for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(REQUEST_TIMEOUT + BARRIER_TIMEOUT + 5)
    return results


def _race(portal: Any, token: str, calls: tuple[tuple[str, dict[str, Any]], ...]) -> list[Any]:
    """The API calls, each from its own client, released at the same instant."""
    return _together([functools.partial(portal.api, action, token, timeout=REQUEST_TIMEOUT,
                                        **data) for action, data in calls])


def _upload(portal: Any, token: str, package_id: str, name: str) -> Any:
    """A table uploaded to the dataset (a multipart ``resource_create``)."""
    return requests.post(f"{portal.url}/api/3/action/resource_create",
                         headers={"Authorization": token}, timeout=REQUEST_TIMEOUT,
                         data={"package_id": package_id, "name": name, "format": "CSV"},
                         files={"upload": (f"{name}.csv", b"tahun,jumlah\n2025,3\n")})


def test_a_discard_racing_the_revise_has_one_winner(portal) -> None:
    """The producer's client discards the staged revision of published data
    while another of their clients sends it for review. Either the discard
    lands first and the revise is refused (nothing to submit), or the
    revise lands first and the discard is refused (the revision is under
    review). Never both: a request under review with nothing staged."""
    region = build_region(tuple(f"Indikator buang {i:02d}"
                                for i in range((EDIT_TRIES + 1) // 2)))
    requests_ = region.requests_of(region.opd_a)
    for request in requests_:
        to_ready(region, request)
        publish(region, request)
    token = helpers.call_action("api_token_create", context={"user": "produsen-a"},
                                user="produsen-a", name="races")["token"]
    model.Session.remove()

    problems: list[str] = []
    outcomes: collections.Counter = collections.Counter()
    for request in requests_:
        pkg_id = request["package_id"]
        portal.api("package_patch", token, id=pkg_id, notes="Catatan revisi")
        results = _race(portal, token, (("satudata_request_revise", {"id": request["id"]}),
                                        ("satudata_revision_discard", {"id": pkg_id})))
        statuses = tuple(getattr(r, "status_code", repr(r)) for r in results)
        outcomes[statuses] += 1
        state = load(request["id"]).state
        staged = publishing.staged_for(pkg_id) is not None
        model.Session.remove()
        if statuses.count(OK) != 1 or any(s not in (OK, *REFUSED) for s in statuses):
            problems.append(f"{request['id'][:8]}: {statuses}, request {state}, "
                            f"staged {staged}")
        elif statuses[0] == OK and (state != "submitted" or not staged):
            problems.append(f"{request['id'][:8]}: revised, yet request {state}, "
                            f"staged {staged}")
        elif statuses[1] == OK and (state != "published" or staged):
            problems.append(f"{request['id'][:8]}: discarded, yet request {state}, "
                            f"staged {staged}")
    report = f"revise|discard races: {dict(outcomes)}"
    print(report)
    assert not problems and not portal.tracebacks(), report + "\n" + "\n".join(problems)


def test_a_submit_clicked_five_times_on_an_unchecked_file_has_one_winner(portal) -> None:
    """The producer's five clients submit at the same instant a request
    whose new file the jobs worker has not checked yet: each transition
    checks the file first, and the first result of a file is stored once.
    One submission wins, the others are refused: none answers 500."""
    region = build_region(tuple(f"Indikator klik {i:02d}" for i in range(2)))
    token = helpers.call_action("api_token_create", context={"user": "produsen-a"},
                                user="produsen-a", name="races")["token"]
    problems: list[str] = []
    for request in region.requests_of(region.opd_a):
        add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,10\n")
        complete_metadata(request["package_id"], "produsen-a")
        model.Session.remove()
        results = _race(portal, token, (("satudata_request_submit", {"id": request["id"]}),)
                        * 5)
        statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
        events = model.Session.execute(sa.select(sa.func.count()).where(
            RequestEvent.request_id == request["id"],
            RequestEvent.to_state == "submitted")).scalar()
        state = load(request["id"]).state
        model.Session.remove()
        if (statuses.count(OK) != 1 or any(s not in (OK, *REFUSED) for s in statuses)
                or state != "submitted" or events != 1):
            problems.append(f"{request['id'][:8]}: {statuses}, request {state}, "
                            f"{events} submission(s)")
    assert not problems and not portal.tracebacks(), "\n".join(problems)


def test_a_submit_racing_new_tables_and_table_edits_answers_no_500(portal) -> None:
    """The producer's clients upload a table, patch another and submit, at
    the same instant. CKAN's patch read the dataset's row ``FOR UPDATE``
    before the portal share-locked its request; the submit locks the
    request, then writes the new table's check (which needs the dataset's
    row): opposite orders, a deadlock, HTTP 500 (1 race in 3 with six
    clients each). Every call now wins or is refused."""
    region = build_region(tuple(f"Indikator tabel {i:02d}" for i in range(TABLE_TRIES)))
    token = helpers.call_action("api_token_create", context={"user": "produsen-a"},
                                user="produsen-a", name="races")["token"]
    problems: list[str] = []
    for request in region.requests_of(region.opd_a):
        table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,10\n")
        complete_metadata(request["package_id"], "produsen-a")
        model.Session.remove()
        package_id = request["package_id"]
        results = _together(
            [functools.partial(_upload, portal, token, package_id, f"Tabel {slot}")
             for slot in range(2)]
            + [functools.partial(portal.api, "resource_patch", token, timeout=REQUEST_TIMEOUT,
                                 id=table["id"], description=f"Catatan {slot}")
               for slot in range(2)]
            + [functools.partial(portal.api, "satudata_request_submit", token,
                                 timeout=REQUEST_TIMEOUT, id=request["id"])] * 2)
        statuses = [getattr(r, "status_code", repr(r)) for r in results]
        state = load(request["id"]).state
        model.Session.remove()
        submitted = statuses[4:].count(OK)
        if any(s not in (OK, *REFUSED) for s in statuses) or submitted > 1 \
                or (state == "submitted") != (submitted == 1):
            problems.append(f"{request['id'][:8]}: {statuses}, request {state}")
    assert not problems and not portal.tracebacks(), "\n".join(problems)


def test_an_edit_racing_uploads_is_kept(portal) -> None:
    """The producer's client edits the dataset's description while others
    upload tables, at the same instant: every call answered 200, and an
    upload that had read the dataset before the edit wrote the old
    description back (CKAN's lock is no lock when the session already holds
    the dataset). What was answered 200 is what is stored."""
    region = build_region(tuple(f"Indikator catatan {i:02d}" for i in range(TABLE_TRIES)))
    token = helpers.call_action("api_token_create", context={"user": "produsen-a"},
                                user="produsen-a", name="races")["token"]
    problems: list[str] = []
    for number, request in enumerate(region.requests_of(region.opd_a)):
        model.Session.remove()
        notes = f"Catatan baru {number}"
        results = _together(
            [functools.partial(portal.api, "package_patch", token, timeout=REQUEST_TIMEOUT,
                               id=request["package_id"], notes=notes)]
            + [functools.partial(_upload, portal, token, request["package_id"],
                                 f"Unggahan {slot}") for slot in range(1, 5)])
        statuses = [getattr(r, "status_code", repr(r)) for r in results]
        fresh()
        stored = helpers.call_action("package_show", context={"user": "sysadmin-uji"},
                                     id=request["package_id"])
        model.Session.remove()
        tables = len([r for r in stored["resources"] if r["name"].startswith("Unggahan ")])
        if statuses != [OK] * 5 or stored["notes"] != notes or tables != 4:
            problems.append(f"{request['id'][:8]}: {statuses}, notes {stored['notes']!r}, "
                            f"{tables} tables of 4")
    assert not problems and not portal.tracebacks(), "\n".join(problems)


#: editors that keep sending changes while a submission waits
EDITORS = 3


def test_a_submit_is_not_held_back_by_edits_that_keep_coming(portal) -> None:
    """Three of the producer's clients keep editing the dataset, each sending
    its next change as soon as the last is answered, while a fourth submits:
    the submission waits for the changes already running, then goes
    through, and the changes sent after it are refused (the dataset is under
    review). PostgreSQL gave each new change its share lock on the
    request's row ahead of the waiting submission, which waited until the
    editing stopped (20 s with three editors; the web server's time-out
    killed it with twelve)."""
    region = build_region(("Indikator disunting terus",))
    request = region.requests_of(region.opd_a)[0]
    add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,10\n")
    complete_metadata(request["package_id"], "produsen-a")
    token = helpers.call_action("api_token_create", context={"user": "produsen-a"},
                                user="produsen-a", name="races")["token"]
    model.Session.remove()
    editing = threading.Barrier(EDITORS + 1)  # every editor answered once
    submitted = threading.Event()
    after: list[Any] = []  # what the changes sent after the submission got

    def editor(slot: int) -> None:
        deadline = time.monotonic() + 2 * REQUEST_TIMEOUT  # beyond the submission's time-out
        answered = False
        while time.monotonic() < deadline:
            late = submitted.is_set()
            answer = portal.api("package_patch", token, timeout=REQUEST_TIMEOUT,
                                id=request["package_id"], notes=f"Catatan {slot} {time.time()}")
            if late:
                after.append(answer.status_code)
                return
            if not answered:
                answered = True
                editing.wait(BARRIER_TIMEOUT)

    editors = [threading.Thread(target=editor, args=(slot,), daemon=True)
               for slot in range(EDITORS)]
    for thread in editors:
        thread.start()
    editing.wait(BARRIER_TIMEOUT)
    try:
        submit = portal.api("satudata_request_submit", token, timeout=REQUEST_TIMEOUT,
                            id=request["id"])
    except requests.exceptions.Timeout as e:
        submit = e
    submitted.set()
    for thread in editors:
        thread.join(2 * REQUEST_TIMEOUT + 5)
    assert getattr(submit, "status_code", submit) == OK
    assert load(request["id"]).state == "submitted"
    assert after == [409] * EDITORS, after
    assert not portal.tracebacks()


def test_a_walidata_button_clicked_twice_takes_one_step(portal) -> None:
    """Two clicks (or two officers) on the same walidata step at the same
    instant: planning a citizen's request in the Daftar Data, building a
    round's publication, moving a round to its next stage. One click wins,
    the others are refused: no second Daftar Data item, no 500, no stage
    skipped."""
    from ckanext.satudata.model import DaftarData, PublicRequestEvent

    region = build_region()
    admin = helpers.call_action("api_token_create", context={"user": "admin-walidata"},
                                user="admin-walidata", name="races")["token"]
    asked = helpers.call_action(
        "satudata_public_request_create", context={"user": "warga"},
        title="Jumlah desa wisata per kecamatan", description="Per kecamatan, 2025",
        purpose="Perencanaan", owner_org=region.opd_a["name"])
    helpers.call_action("satudata_public_request_accept", context={"user": "verifikator"},
                        id=asked["id"])
    round_id = region.round["id"]
    # a compile stage only (set before its data is approved: its stages stay
    # then): a round with a report stage builds its book once the report is approved
    helpers.call_action("satudata_round_update", context={"user": "admin-walidata"},
                        id=round_id, compile_days=20)
    to_ready(region, region.requests[0])  # one dataset for the book
    publish(region, region.requests[0])
    for request in region.requests[1:]:  # nothing left to collect: the round may move on
        helpers.call_action("satudata_request_cancel", context={"user": "admin-walidata"},
                            id=request["id"], note="Tidak jadi dihimpun")
    model.Session.remove()
    problems = []
    for label, calls in (
            ("plan", (("satudata_public_request_plan", {"id": asked["id"], "year": 2027}),) * 3),
            ("build", (("satudata_publication_build", {"round_id": round_id}),) * 3),
            ("advance", (("satudata_round_advance", {"id": round_id,
                                                     "stage": "collection"}),) * 3)):
        statuses = sorted(getattr(r, "status_code", repr(r))
                          for r in _race(portal, admin, calls))
        if statuses.count(OK) != 1 or any(s not in (OK, *REFUSED) for s in statuses):
            problems.append(f"{label}: {statuses}")
    fresh()
    items = model.Session.execute(sa.select(sa.func.count()).select_from(DaftarData).where(
        DaftarData.title == "Jumlah desa wisata per kecamatan")).scalar()
    plans = model.Session.execute(sa.select(sa.func.count()).where(
        PublicRequestEvent.request_id == asked["id"],
        PublicRequestEvent.step == "plan")).scalar()
    stage = helpers.call_action("satudata_round_show", context={"user": "admin-walidata"},
                                id=round_id)["stage"]
    model.Session.remove()
    assert (items, plans) == (1, 1), problems
    assert stage == "compile", stage
    assert not problems and not portal.tracebacks(), "\n".join(problems)


def test_two_creations_of_one_unique_name_give_one_row_and_a_refusal(portal) -> None:
    """Ten clients creating the same round, giving a user the same role,
    creating a dataset (or an organization or group) of the same URL name,
    or linking one dataset to two requests at once: some answered 500 (the
    database's unique key), and one dataset answered two requests."""
    from ckanext.satudata.model import WalidataRole

    region = build_region(("Indikator tautan 01", "Indikator tautan 02"))
    admin = helpers.call_action("api_token_create", context={"user": "admin-walidata"},
                                user="admin-walidata", name="races")["token"]
    sysadmin = helpers.call_action("api_token_create", context={"user": "sysadmin-uji"},
                                   user="sysadmin-uji", name="races")["token"]
    producer = helpers.call_action("api_token_create", context={"user": "produsen-a"},
                                   user="produsen-a", name="races")["token"]
    two = region.requests_of(region.opd_a)[:2]
    dataset = helpers.call_action("package_create", context={"user": "produsen-a"},
                                  name="tabel-bersama", title="Tabel bersama",
                                  owner_org=region.opd_a["id"])
    model.Session.remove()
    problems = []
    for label, token, calls in (
            ("round", admin, (("satudata_round_create", {
                "name": "putaran-kembar", "title": "Putaran kembar", "year": 2027,
                "start_date": "2027-01-04"}),) * 6),
            ("role", sysadmin, (("satudata_role_create", {"user": "warga",
                                                          "role": "kabid"}),) * 6),
            ("dataset", producer, (("package_create", {
                "name": "dataset-kembar", "title": "Dataset kembar",
                "owner_org": region.opd_a["id"]}),) * 6),
            # organizations and groups share their URL names
            ("organization", sysadmin, (("organization_create", {
                "name": "opd-kembar", "title": "OPD kembar"}),) * 3
             + (("group_create", {"name": "opd-kembar", "title": "Grup kembar"}),) * 3),
            ("link", producer, tuple(("satudata_request_link_dataset", {
                "id": r["id"], "package_id": dataset["id"]}) for r in two) * 3)):
        results = _race(portal, token, calls)
        statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
        # giving a role twice answers the role; linking a request to its own
        # dataset again changes nothing: one request's three clicks win
        winners = {"role": 6, "link": 3}.get(label, 1)
        if statuses.count(OK) != winners or any(s not in (OK, *REFUSED) for s in statuses):
            problems.append(f"{label}: {statuses}")
    fresh()
    linked = model.Session.execute(sa.select(sa.func.count()).select_from(DataRequest).where(
        DataRequest.package_id == dataset["id"])).scalar()
    roles_given = model.Session.execute(sa.select(sa.func.count()).select_from(
        WalidataRole).where(WalidataRole.role == "kabid")).scalar()
    model.Session.remove()
    assert linked == 1 and roles_given == 2, (linked, roles_given, problems)
    assert not problems and not portal.tracebacks(), "\n".join(problems)


def test_two_officers_changing_or_clearing_a_round_at_once(portal) -> None:
    """Six clients move a round's submission deadline at once: each change
    waits for the one before, so the round's trail reads as a chain (each
    change's 'before' is the last one's 'after'; they recorded stale values).
    Six clients remove one document: one removes it, the others find it
    gone (three answered that they removed it)."""
    region = build_region(("Indikator putaran 01",))
    admin = helpers.call_action("api_token_create", context={"user": "admin-walidata"},
                                user="admin-walidata", name="races")["token"]
    round_id = region.round["id"]
    document = helpers.call_action(
        "satudata_round_document_create", context={"user": "admin-walidata"}, id=round_id,
        upload=FileStorage(stream=io.BytesIO(b"kode,indikator\n1,IPM\n"), filename="m.csv"))
    model.Session.remove()
    days = [workdays.add_working_days(workdays.today(), 40 + i) for i in range(6)]
    changes = _race(portal, admin, tuple(
        ("satudata_round_update", {"id": round_id, "submit_due": day.isoformat()})
        for day in days))
    removals = _race(portal, admin, (("satudata_round_document_delete",
                                      {"id": document["id"]}),) * 6)
    fresh()
    assert [getattr(r, "status_code", repr(r)) for r in changes] == [OK] * 6
    trail = [e for e in helpers.call_action("satudata_round_show",
                                            context={"user": "admin-walidata"},
                                            id=round_id)["events"]
             if e["step"] == "update"]
    submits = [e["data"]["changes"]["submit_due"] for e in trail]
    assert all(earlier[1] == later[0] for earlier, later in zip(submits, submits[1:])), submits
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in removals)
    assert statuses == [OK] + [404] * 5, statuses
    assert not portal.tracebacks()


def test_ten_officers_scheduling_the_same_release_time_take_one_step(portal) -> None:
    """Ten clients scheduling a ready request at the same time at once: all
    ten were answered 200 and the trail got four "schedule" steps (three
    from "scheduled" to "scheduled"), each e-mailing the producers that a
    release date was set. The time is compared under the request's lock:
    one step, one release, and the others answer that it is already so."""
    region = build_region(("Indikator jadwal 01",))
    request = region.requests_of(region.opd_a)[0]
    to_ready(region, request)
    admin = helpers.call_action("api_token_create", context={"user": "admin-walidata"},
                                user="admin-walidata", name="races")["token"]
    model.Session.remove()
    when = release_time(0)
    results = _race(portal, admin, (("satudata_request_schedule",
                                     {"id": request["id"], "release_at": when}),) * 10)
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
    steps = [e for e in events_of(request["id"]) if e["transition"] == "schedule"]
    releases = model.Session.execute(sa.select(sa.func.count()).where(
        Release.request_id == request["id"])).scalar()
    model.Session.remove()
    assert statuses == [OK] * 10, statuses
    assert (len(steps), releases) == (1, 1), (steps, releases)
    assert not portal.tracebacks()


def test_an_item_deleted_while_its_round_is_sent_is_deactivated_never_orphaned(portal) -> None:
    """The walidata deletes a Daftar Data item while the round is being sent:
    the delete counted the item's requests without waiting for the send,
    removed the item and, with it, the request just made, leaving its
    dataset and the round's letter naming a request that no longer was.
    Either the delete comes first (no request) or it waits and deactivates
    the item (its request stays)."""
    from ckanext.satudata.model import DaftarData

    from ..factories import CollectionRound, DaftarDataItem

    region = build_region()
    admin = helpers.call_action("api_token_create", context={"user": "admin-walidata"},
                                user="admin-walidata", name="races")["token"]
    problems = []
    for i in range(3):
        round_ = CollectionRound(name=f"hapus-kirim-{i}", title=f"Hapus kirim {i}", year=2027,
                                 start_date=release_time(0)[:10])
        item = DaftarDataItem(title=f"Indikator hapus {i}", owner_org=region.opd_a["name"],
                              year=2027)
        DaftarDataItem(title=f"Indikator tetap {i}", owner_org=region.opd_a["name"], year=2027)
        model.Session.remove()
        results = _race(portal, admin, (("satudata_round_send", {"id": round_["id"]}),
                                        ("satudata_daftar_data_delete", {"id": item["id"]})))
        statuses = [getattr(r, "status_code", repr(r)) for r in results]
        fresh()
        requests_ = model.Session.execute(sa.select(DataRequest).where(
            DataRequest.round_id == round_["id"],
            DataRequest.item_id == item["id"])).scalars().all()
        kept = model.Session.get(DaftarData, item["id"])
        datasets = model.Session.execute(sa.select(sa.func.count()).select_from(model.Package)
                                         .where(model.Package.name.like(f"indikator-hapus-{i}%"),
                                                model.Package.state == "active")).scalar()
        model.Session.remove()
        if statuses != [OK, OK] or (kept is None) != (not requests_) \
                or datasets != len(requests_) or (kept is not None and kept.active):
            problems.append(f"{i}: {statuses}, item {'kept' if kept else 'gone'}, "
                            f"{len(requests_)} request(s), {datasets} dataset(s)")
    assert not problems and not portal.tracebacks(), "\n".join(problems)


def test_a_table_deleted_by_fifteen_clicks_at_once_is_deleted_once(portal) -> None:
    """Fifteen clients deleting one table of a request's dataset at once: two
    were answered 200 and the dataset's history got two changes for one
    deletion (CKAN deletes a deleted resource again). One deletes it, the
    others are told it is not found."""
    from ckanext.activity.model import Activity

    region = build_region(("Indikator hapus tabel",))
    request = region.requests_of(region.opd_a)[0]
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,1\n")
    token = helpers.call_action("api_token_create", context={"user": "produsen-a"},
                                user="produsen-a", name="races")["token"]
    fresh()
    before = model.Session.execute(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.object_id == request["package_id"])).scalar()
    model.Session.remove()
    results = _race(portal, token, (("resource_delete", {"id": table["id"]}),) * 15)
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
    fresh()
    after = model.Session.execute(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.object_id == request["package_id"])).scalar()
    model.Session.remove()
    assert statuses == [OK] + [404] * 14, statuses
    assert after - before == 1
    assert not portal.tracebacks()


def test_a_citizens_request_sent_fifteen_times_at_once_is_one_request(portal) -> None:
    """Fifteen clients sending one citizen's request form at once made
    fifteen requests; one is made, the others are refused pointing at it."""
    from ckanext.satudata.model import PublicRequest

    build_region()
    token = helpers.call_action("api_token_create", context={"user": "warga"},
                                user="warga", name="races")["token"]
    model.Session.remove()
    data = {"title": "Jumlah UMKM per kecamatan", "description": "Tahun 2025"}
    results = _race(portal, token, (("satudata_public_request_create", data),) * 15)
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
    fresh()
    made = model.Session.execute(sa.select(sa.func.count()).select_from(PublicRequest)
                                 .where(PublicRequest.title == data["title"])).scalar()
    model.Session.remove()
    assert statuses == [OK] + [409] * 14, statuses
    assert made == 1
    assert not portal.tracebacks()

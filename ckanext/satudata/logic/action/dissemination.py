# -*- coding: utf-8 -*-
"""Actions of dissemination: publish, scheduled release, revision, withdraw,
archive, the public release calendar and progress dashboard, publications.
(The chained core actions that keep unpublished data private are in
:mod:`.chained`.)

State changes go through :func:`ckanext.satudata.lib.engine.apply_transition`
with ``defer_commit``; the dataset side (:mod:`ckanext.satudata.lib.
publishing`) runs in the same transaction and the action commits once.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...lib import (engine, late_data, outbox, publishing, release_calendar, roles,
                     round_history, rounds)
from ...lib.publication import published_package_ids
from ...lib.states import State, given_reason
from ...model import CollectionRound, DataRequest, Publication, Release
from .. import schema
from ._common import commit as _commit, readable_or_not_found, validate as _validate

log = logging.getLogger(__name__)

__all__ = [
    # transitions
    "satudata_request_publish", "satudata_request_schedule",
    "satudata_request_unschedule", "satudata_request_revise",
    "satudata_request_withdraw", "satudata_request_archive",
    # releases, revisions, public pages
    "satudata_release_run_due", "satudata_release_calendar",
    "satudata_revision_show", "satudata_revision_discard", "satudata_progress_dashboard",
    "satudata_recently_published",
    # publications
    "satudata_publication_build", "satudata_publication_show",
]


def _request_or_not_found(request_id: str) -> DataRequest:
    """The request (not locked: the engine locks it for a step)."""
    request = roles.get_request(request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


def _transition(context: Context, data: dict[str, Any], name: str,
                event_data: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Take the transition with ``defer_commit`` (the dataset side follows in
    the same transaction); returns the engine's result."""
    inner = dict(context)
    inner["defer_commit"] = True
    return engine.apply_transition(
        inner, data["id"], name, note=data.get("note"),  # type: ignore[arg-type]
        expected_version=data.get("version"), event_data=event_data)


def _request_result(result: dict[str, Any], request: DataRequest) -> dict[str, Any]:
    out = request.dictize()
    out["event"] = result["event"]
    return out


def _take(context: Context, data: dict[str, Any], name: str,
          then: Optional[Callable[[DataRequest], Any]] = None,
          event_data: Optional[dict[str, Any]] = None,
          done: Optional[Callable[[DataRequest], Optional[tuple[dict[str, Any], Any]]]] = None,
          ) -> tuple[dict[str, Any], Any]:
    """Take the transition ``name`` and ``then(request)`` in one transaction,
    rolled back whole when either fails, then commit: the request's result
    and what ``then`` returned. ``event_data`` goes into the step's event.
    ``done(request)``, asked under the locks the step takes, before it, may
    answer that the step is already done (its result instead of the step's:
    a second click, a second officer) or refuse it (a ``ValidationError``)."""
    engine.prepare_data_check(context, data["id"])
    with publishing.search_required():  # Solr down: refused whole, cleanly
        try:
            if done is not None:
                already = done(engine.lock_for_transition(data["id"], name))
                if already is not None:
                    _commit(context)
                    return already
            result = _transition(context, data, name, event_data)
            request = _request_or_not_found(data["id"])
            extra = then(request) if then else None
        except Exception:
            model.Session.rollback()
            raise
        _commit(context)
    return _request_result(result, request), extra


# -- transitions ----------------------------------------------------------------

_PARAMS = """
    :param id: the request's id
    :type id: string
    :param version: the request's ``version`` the form was built from
        (optional, but required for a step that undoes another officer's
        decision: publishing a withdrawn or scheduled request, cancelling a
        release, withdrawing archived data or data published again after a
        withdrawal; a publish sent before a withdrawal must not undo it, nor
        a withdrawal sent twice the republication); a changed request is
        refused with a
        ``ValidationError`` on ``version``
    :type version: int
    :param note: a note for the timeline{note}
    :type note: string
    :returns: the request with the new timeline ``event``
    :rtype: dictionary
"""


def satudata_request_publish(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Publish a request's dataset (walidata administrators): from ``ready``,
    ``scheduled`` (a scheduled release published now or by ``release-due``)
    or ``withdrawn``. The dataset becomes public and searchable; a staged
    revision that went through verification and approval is applied first;
    the publication date and round are recorded; the producers are notified.
    """
    tk.check_access("satudata_request_publish", context, data_dict)
    data = _validate(data_dict, schema.publishing_transition(), context)
    request = _request_or_not_found(data["id"])
    if not request.package_id:
        raise tk.ValidationError({"package_id": [tk._(
            "No dataset is linked to this request")]})
    # the engine publishes the dataset in the same transaction; a staged
    # revision is applied only after verification and approval
    return _take(context, data, "publish")[0]


def satudata_request_schedule(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Set (or move) the release date and time of a ready request (the final
    approver or a walidata administrator). The dataset stays private until
    then; ``ckan satudata release-due`` publishes it on time. The public
    release calendar shows the dataset's title, OPD and the time.

    :param release_at: the release time in the portal's time zone
        (``satudata.timezone``, WIB), ``YYYY-MM-DD HH:MM``; or
        ``release_date`` and ``release_time`` separately. Must be in the
        future.
    :type release_at: string
    :param reason: why an announced release moves to a later time
        (required then; the public release calendar shows it)
    :type reason: string
    """
    tk.check_access("satudata_request_schedule", context, data_dict)
    data = _validate(data_dict, schema.request_schedule(), context)
    # a reason of invisible characters is none (the calendar showed
    # "postponed from …:" and nothing)
    data["reason"] = given_reason(data.get("reason"))
    if data["release_at"] <= publishing.utcnow():
        raise tk.ValidationError({"release_at": [tk._(
            "The release time must be in the future")]})
    request = _request_or_not_found(data["id"])
    if not request.package_id:
        raise tk.ValidationError({"package_id": [tk._(
            "No dataset is linked to this request")]})
    round_ = model.Session.get(CollectionRound, request.round_id)
    local = publishing.to_local(data["release_at"])
    carried = late_data.carry_errors(request, round_, local.date(), "release_at") \
        if round_ is not None and local is not None else {}
    if carried:
        raise tk.ValidationError(carried)
    when = publishing.format_local(data["release_at"])
    note = tk._("Release: %(when)s") % {"when": when}
    # a reason postpones a release only when there is one to move (the first
    # schedule's was recorded "Postponed"): otherwise it is the step's note
    moving = request.state == State.SCHEDULED.value
    reason = data.get("reason") if moving else None
    own_note = ". ".join(filter(None, [None if moving else data.get("reason"),
                                       data.get("note")])) or None
    if reason:
        note = f"{note}. " + tk._("Postponed: %(reason)s") % {"reason": reason}
    if own_note:
        note = f"{note}. {own_note}"
    # the pages say the time and reason in the reader's language and date
    # format (the note is the scheduler's); the step's own release time: its
    # e-mail, sent later, tells that one
    event_data = {"release_at": data["release_at"].isoformat(),
                  "reason": reason or None, "note": own_note}

    def done(request: DataRequest) -> Optional[tuple[dict[str, Any], Release]]:
        """Under the lock: the release is already at that time (a second
        click, a second officer, ten clients at once, a "postponement" to
        the time it has): no step, no e-mail, the trail says it once. A
        move: its e-mail says from when."""
        pending = publishing.pending_release(request.id)
        scheduled = request.state == State.SCHEDULED.value and pending is not None
        if scheduled and pending.release_at == data["release_at"]:
            return dict(request.dictize(), event=None), pending
        # (moved once its time has come: the engine refuses it)
        latest = roles.latest_step(request.id) if data.get("reason") and not scheduled \
            else None
        if latest is not None and latest.transition == "unschedule":
            # a postponement of a release another officer cancelled meanwhile
            # (it scheduled it again: cancelled, set, cancelled, …)
            raise tk.ValidationError({"reason": [tk._(
                "There is no scheduled release to postpone: it was cancelled or published "
                "meanwhile. Reload the request")]})
        event_data["previous_release_at"] = (pending.release_at.isoformat()
                                             if scheduled else None)
        return None

    out, release = _take(context, dict(data, note=note), "schedule", lambda request:
                         publishing.schedule(context, request, data["release_at"],
                                             data.get("reason")),
                         event_data=event_data, done=done)
    out["release"] = release.dictize()
    return out


def satudata_request_unschedule(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Cancel the scheduled release of a request (back to ``ready``)."""
    tk.check_access("satudata_request_unschedule", context, data_dict)
    data = _validate(data_dict, schema.publishing_transition(), context)
    # the engine refuses it once the announced time has come
    return _take(context, data, "unschedule")[0]


def satudata_request_revise(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The producer submits the staged revision of a published dataset for
    verification (``published`` → ``submitted``). Edits of a published
    dataset are staged (the live version does not change); this sends them
    through verification and approval again. The staged version must be
    complete enough to submit."""
    tk.check_access("satudata_request_revise", context, data_dict)
    data = _validate(data_dict, schema.publishing_transition(), context)
    # the engine checks the revision as it is under its lock (an edit that
    # committed while this waited is what the reviewers receive): there is
    # one, it is this request's and complete enough to submit

    def claim(request: DataRequest) -> None:
        staged = publishing.staged_for(request.package_id)
        assert staged is not None  # the engine found it
        staged.request_id = request.id

    return _take(context, data, "revise", claim)[0]


def satudata_request_withdraw(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Withdraw (tarik) a published dataset with a reason: it becomes private
    again and disappears from every public page, search, feed and activity
    stream; the producers are notified. Publishing the request again
    restores it."""
    tk.check_access("satudata_request_withdraw", context, data_dict)
    data = _validate(data_dict, schema.publishing_transition(), context)
    return _take(context, data, "withdraw")[0]


def satudata_request_archive(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Archive (arsip) a published request's dataset: it stays reachable by
    its URL with an "archived" banner, but leaves the default search (find
    it with the ``satudata_status`` filter,
    ``/dataset?satudata_status=archived``). A withdrawn dataset is not
    archived: archiving keeps data public, withdrawing took it back (publish
    it again first). Data published again after a withdrawal is archived
    on the ``version`` the caller saw."""
    tk.check_access("satudata_request_archive", context, data_dict)
    data = _validate(data_dict, schema.publishing_transition(), context)
    return _take(context, data, "archive")[0]


for _fn, _note in [
    (satudata_request_publish, ""), (satudata_request_schedule, ""),
    (satudata_request_unschedule, ""), (satudata_request_revise, ""),
    (satudata_request_withdraw, " (required: the reason)"),
    (satudata_request_archive, ""),
]:
    _fn.__doc__ = (_fn.__doc__ or "") + _PARAMS.format(note=_note)


# -- scheduled releases ------------------------------------------------------------

def satudata_release_run_due(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Publish every scheduled release whose time has come (what ``ckan
    satudata release-due`` runs every minute from cron, or its job). Each
    release is published in its own transaction by the calling user (the
    site user from the command); a failure is recorded on the release and
    does not stop the others. A release refused because the search index
    cannot be reached stays scheduled (listed as failed in this run) and is
    published by a later run.

    :param limit: the most releases to publish in one run (default
        ``satudata.release.batch_size``)
    :type limit: int
    :returns: ``{"published": [request id], "failed": [{"request_id",
        "error"}]}``
    :rtype: dictionary
    """
    tk.check_access("satudata_release_run_due", context, data_dict)
    data = _validate(data_dict, schema.release_run_due(), context)
    limit = data.get("limit") or tk.config.get("satudata.release.batch_size")
    due = [(r.id, r.request_id, version)
           for r, version in publishing.due_releases(limit=limit)]
    published, failed = [], []
    for release_id, request_id, version in due:
        try:
            tk.get_action("satudata_request_publish")(
                {"user": context.get("user")},  # type: ignore[arg-type]
                {"id": request_id, "note": tk._("Scheduled release"),
                 # as it was found due: a change since then (a postponement
                 # committed meanwhile) refuses the release; read when its
                 # turn came, it took the postponement in and published early
                 "version": version})
            published.append(request_id)
        except Exception as e:  # noqa: BLE001 - recorded; the other releases go on
            refused = isinstance(e, (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized))
            if not refused:
                log.exception("Scheduled release %s of request %s failed", release_id,
                              request_id)
            model.Session.rollback()
            # the search index out of reach: the release stays scheduled and
            # the next run (cron, every minute) publishes it
            waits = isinstance(e, tk.ValidationError) and "search" in (e.error_dict or {})
            release = None if waits else model.Session.execute(
                sa.select(Release).where(Release.id == release_id).with_for_update()
                .execution_options(populate_existing=True)).scalar_one_or_none()
            if release is not None and (release.status != "scheduled"
                                        or release.release_at > publishing.utcnow()):
                # another run (or an officer) released or moved it meanwhile:
                # a postponement that committed once it was found due left it
                # "failed", out of the calendar, published by no later run
                model.Session.rollback()
                continue
            message = _error_text(e)
            if refused:  # said once it is a failure (cron mails the output)
                log.warning("Scheduled release %s of request %s refused: %s", release_id,
                            request_id, message)
            if release is not None:
                release.status = "failed"
                release.error = message
                model.repo.commit()
            failed.append({"request_id": request_id, "error": message})
    return {"published": published, "failed": failed}


def _error_text(error: Exception) -> str:
    """An action's refusal as its messages, for a person (not the
    exception's repr: "None - {'state': [...]}")."""
    errors = getattr(error, "error_dict", None)
    if isinstance(errors, dict) and errors:
        return "; ".join(" ".join(map(str, v)) if isinstance(v, list) else str(v)
                         for v in errors.values())
    return str(getattr(error, "message", None) or error) or type(error).__name__


@tk.side_effect_free
def satudata_release_calendar(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The public release calendar (jadwal rilis), planned ahead.

    ``results``: the announced (scheduled) releases, soonest first, each
    with its announced title, OPD and time (UTC ``release_at`` and
    ``release_at_local`` in the portal's time zone), ``postponed`` (the time
    first announced and the public reason, or ``null``) and ``sequence``
    (how many times its time changed). Nothing of the data itself.

    ``expected``: the next expected release of each public dataset with a
    periodic update frequency (its last publication plus one period), with
    ``overdue`` when that date has passed.

    :param owner_org: only this OPD's releases (id or name) (optional)
    :param limit: at most this many of each (default 200)
    :rtype: dictionary ``{"count", "results", "expected", "timezone",
        "timezone_name"}``; ``count``: how many releases are announced in
        all (``results`` holds at most ``limit`` of them); ``timezone``: the
        zone's name (``Asia/Jakarta``), ``timezone_name`` as people write it
        (``WIB``)
    """
    tk.check_access("satudata_release_calendar", context, data_dict)
    data = _validate(data_dict, schema.release_calendar(), context)
    limit, owner_org = data.get("limit", 200), data.get("owner_org")
    results = release_calendar.announced(limit=limit, owner_org=owner_org)
    return {"count": release_calendar.announced_count(owner_org), "results": results,
            "expected": release_calendar.expected(limit=limit, owner_org=owner_org),
            "timezone": str(publishing.timezone()),
            "timezone_name": publishing.to_local(publishing.utcnow()).tzname()}


# -- revisions ------------------------------------------------------------------------

@tk.side_effect_free
def satudata_revision_show(context: Context, data_dict: DataDict) -> Optional[dict[str, Any]]:
    """The staged revision of a published dataset, for its producers and the
    walidata reviewers: the pending package dictionary (``data``), the
    top-level fields in which it differs from the live version
    (``changed_fields``) and, when it is a new period's data rather than a
    revision, that period's title (``period``, else null). ``None`` when
    nothing is staged.

    :param id: the dataset's id or name
    :rtype: dictionary
    """
    readable_or_not_found(context, (data_dict or {}).get("id"))  # not found, as its page says
    tk.check_access("satudata_revision_show", context, data_dict)
    data = _validate(data_dict, schema.package_ref(), context)
    pkg = model.Package.get(data["id"])
    assert pkg
    staged = publishing.staged_for(pkg.id)
    if staged is None:
        return None
    live = publishing.live_dict(pkg.id)
    ignore = {"metadata_modified", publishing.DICT_KEY}
    changed = sorted(k for k in set(staged.data) | set(live)
                     if k not in ignore and staged.data.get(k) != live.get(k))
    result = staged.dictize()
    result["changed_fields"] = changed
    # what is staged is a new period's data, not a revision (its page said
    # "a revision of this dataset is staged")
    period = publishing.period_request(pkg.id)
    result["period"] = model.Session.get(CollectionRound, period.round_id).title \
        if period is not None else None
    return result


def satudata_revision_discard(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Discard the staged revision of a published dataset: its changes and
    new files never go live, and the published version stays as it is.
    Its producers discard it before they send it for review (``revise``),
    or once the walidata cancels its review.

    :param id: the dataset's id or name
    :rtype: dictionary ``{"id", "withdrawn"}`` (the dataset's id; whether
        its data is withdrawn, with no published version to stay)
    """
    readable_or_not_found(context, (data_dict or {}).get("id"))
    tk.check_access("satudata_revision_discard", context, data_dict)
    data = _validate(data_dict, schema.package_ref(), context)
    pkg = model.Package.get(data["id"])
    assert pkg
    publishing.discard(pkg.id)
    _commit(context)
    log.info("%s discarded the staged revision of %s", context.get("user"), pkg.name)
    return {"id": pkg.id, "withdrawn": bool(pkg.private)}


# -- public pages ---------------------------------------------------------------------

@tk.side_effect_free
def satudata_progress_dashboard(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The public progress of a collection round: per OPD the number of data
    requested, submitted, verified and published, and the on-time rate
    (share of first submissions made by the deadline, among the requests
    submitted or past their deadline). Only rounds whose requests were sent
    are public. Two queries.

    :param round_id: the round (id or name); default: the latest sent round
    :returns: ``{"round", "rounds", "organizations", "totals",
        "publication"}`` (``publication``: the round's public book, its
        dataset's ``name`` and ``title``, or None)
    :rtype: dictionary
    """
    tk.check_access("satudata_progress_dashboard", context, data_dict)
    data = _validate(data_dict, schema.progress_dashboard(), context)
    rounds = publishing.public_rounds()
    round_: Optional[CollectionRound] = None
    if data.get("round_id"):
        round_ = publishing.public_round(data["round_id"])
        if round_ is None:
            raise tk.ObjectNotFound(tk._("Collection round not found"))
        if all(r.id != round_.id for r in rounds):
            rounds.append(round_)  # an older one asked for by its address
    elif rounds:
        round_ = rounds[0]
    rows = publishing.progress(round_) if round_ else []
    keys = ("requested", "submitted", "verified", "published", "on_time", "due")
    totals: dict[str, Any] = {k: sum(r[k] for r in rows) for k in keys}
    totals["on_time_rate"] = (round(100 * totals["on_time"] / totals["due"])
                              if totals["due"] else None)

    def public_round(r: CollectionRound) -> dict[str, Any]:
        return {"id": r.id, "name": r.name, "title": r.title, "year": r.year,
                "state": r.state, "submit_due": r.submit_due.isoformat()}

    return {
        "round": public_round(round_) if round_ else None,
        "rounds": [public_round(r) for r in rounds],
        "organizations": rows,
        "totals": totals,
        "publication": _public_book(round_) if round_ else None,
    }


def _public_book(round_: CollectionRound) -> Optional[dict[str, Any]]:
    """The round's book, when its dataset is public: the progress page links
    it (a citizen found the books only by searching "publikasi")."""
    pkg = model.Session.execute(
        sa.select(model.Package.name, model.Package.title)
        .join(Publication, Publication.package_id == model.Package.id)
        .where(Publication.round_id == round_.id, model.Package.state == "active",
               model.Package.private.is_(False))).first()
    return {"name": pkg.name, "title": pkg.title} if pkg else None


@tk.side_effect_free
def satudata_recently_published(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The datasets most recently published through the workflow (public
    ones only), newest first, for the home page.

    :param limit: how many (default 5)
    :rtype: list of dictionaries
    """
    tk.check_access("satudata_recently_published", context, data_dict)
    data = _validate(data_dict, schema.recently_published(), context)
    return publishing.recently_published(limit=data.get("limit", 5))


# -- publications -------------------------------------------------------------------------

def satudata_publication_build(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Build (again) the publication of a collection round in a background
    job: a PDF book and an XLSX compilation of the round's published
    datasets, attached to a public publication dataset of the walidata
    organization. Rebuilding gives the same content. The progress is kept
    on the publication (``satudata_publication_show``).

    :param round_id: the round (id or name)
    :returns: the publication status (``status`` ``queued``)
    :rtype: dictionary
    """
    tk.check_access("satudata_publication_build", context, data_dict)
    data = _validate(data_dict, schema.round_ref(), context)
    # builds of a round wait for each other on its row (the first one of a
    # round has no publication row yet to lock): the second sees the first's
    model.Session.execute(sa.select(CollectionRound.id).where(
        CollectionRound.id == data["round_id"]).with_for_update(key_share=True))
    publication = model.Session.execute(
        sa.select(Publication).where(Publication.round_id == data["round_id"])
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    round_ = model.Session.get(CollectionRound, data["round_id"])
    assert round_ is not None
    wait = rounds.publication_wait(round_.report_days, round_.stage)
    if wait:
        raise tk.ValidationError({"round_id": [wait]})
    if (publication is None or publication.package_id is None) \
            and not published_package_ids(data["round_id"]):
        raise tk.ValidationError({"round_id": [tk._(
            "No data of this round has been published yet: there is nothing to publish "
            "as a book")]})
    if publication is None:
        publication = Publication(id=model.types.make_uuid(), round_id=data["round_id"])
        model.Session.add(publication)
    elif publication.status in ("queued", "running") and not outbox.ended(publication.job_id):
        # (a build whose job ended without it, cancelled or given up, is
        # built again: it said "being built" for good)
        raise tk.ValidationError({"round_id": [tk._(
            "The publication of this round is already being built")]})
    user = roles.user_obj(context.get("user"))
    publication.status = "queued"
    publication.progress = 0
    publication.message = None
    publication.requested_by = user.id if user else None
    publication.requested_at = publishing.utcnow()
    publication.started_at = publication.finished_at = None
    model.Session.flush()
    # owed in the same transaction (the outbox row's id is the job's id): a
    # jobs queue out of reach delays the build, never leaves it "queued"
    entry = outbox.add("build_publication", [publication.id], timeout=3600,
                       title=f"satudata: publication {data['round_id']}")
    publication.job_id = entry.id
    round_history.record(round_, "publication_build", publication.requested_by)
    result = publication.dictize()
    model.repo.commit()
    return result


@tk.side_effect_free
def satudata_publication_show(context: Context, data_dict: DataDict) -> Optional[dict[str, Any]]:
    """The publication of a round and the progress of its build (walidata
    staff): ``status`` (queued, running, done, failed), ``progress``
    (percent), ``message``, the publication dataset ``package_id`` and the
    checksums of the PDF and XLSX. ``None`` if never built.

    :param round_id: the round (id or name)
    :rtype: dictionary
    """
    tk.check_access("satudata_publication_show", context, data_dict)
    data = _validate(data_dict, schema.round_ref(), context)
    publication = model.Session.execute(
        sa.select(Publication).where(Publication.round_id == data["round_id"])
    ).scalar_one_or_none()
    return publication.dictize() if publication else None

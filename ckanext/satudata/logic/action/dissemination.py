# -*- coding: utf-8 -*-
"""Actions of dissemination: publish, scheduled release, revision, withdraw,
archive, the public release calendar and progress dashboard, publications,
and the chained core actions that keep unpublished data private.

State changes go through :func:`ckanext.satudata.lib.engine.apply_transition`
with ``defer_commit``; the dataset side (:mod:`ckanext.satudata.
dissemination`) runs in the same transaction and the action commits once.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ...lib import engine, metadata, publishing, roles
from ...model import CollectionRound, DataRequest, Publication, Release
from ...lib import storage
from .. import schema

log = logging.getLogger(__name__)

__all__ = [
    # transitions
    "satudata_request_publish", "satudata_request_schedule",
    "satudata_request_unschedule", "satudata_request_revise",
    "satudata_request_withdraw", "satudata_request_archive",
    # releases, revisions, public pages
    "satudata_release_run_due", "satudata_release_calendar",
    "satudata_revision_show", "satudata_progress_dashboard",
    "satudata_recently_published",
    # publications
    "satudata_publication_build", "satudata_publication_show",
    # chained core actions (the visibility lock and revision staging)
    "package_create", "package_update", "package_show", "resource_create",
    "resource_update", "resource_delete", "package_delete", "bulk_update_public", "bulk_update_private",
    "bulk_update_delete", "member_list", "activity_create",
]


def _validate(data_dict: DataDict, schema_: dict[str, Any], context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict), schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _locked_request(request_id: str) -> DataRequest:
    request = roles.get_request(request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


def _transition(context: Context, data: dict[str, Any], name: str) -> dict[str, Any]:
    """Take the transition with ``defer_commit`` (the dataset side follows in
    the same transaction); returns the engine's result."""
    inner = dict(context)
    inner["defer_commit"] = True
    return engine.apply_transition(
        inner, data["id"], name, note=data.get("note"),  # type: ignore[arg-type]
        expected_version=data.get("version"))


def _commit(context: Context) -> None:
    if not context.get("defer_commit"):
        model.repo.commit()


def _request_result(result: dict[str, Any], request: DataRequest) -> dict[str, Any]:
    out = request.dictize()
    out["event"] = result["event"]
    return out


# -- transitions ----------------------------------------------------------------

_PARAMS = """
    :param id: the request's id
    :type id: string
    :param version: the request's ``version`` the form was built from
        (optional); a changed request is refused with a ``ValidationError``
        on ``version``
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
    request = _locked_request(data["id"])
    if not request.package_id:
        raise tk.ValidationError({"package_id": [tk._(
            "No dataset is linked to this request")]})
    try:
        # the engine publishes the dataset in the same transaction; a
        # staged revision is applied only after verification and approval
        result = _transition(context, data, "publish")
        request = _locked_request(data["id"])
    except Exception:
        model.Session.rollback()
        raise
    _commit(context)
    return _request_result(result, request)


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
    """
    tk.check_access("satudata_request_schedule", context, data_dict)
    data = _validate(data_dict, schema.request_schedule(), context)
    if data["release_at"] <= publishing.utcnow():
        raise tk.ValidationError({"release_at": [tk._(
            "The release time must be in the future")]})
    request = _locked_request(data["id"])
    if not request.package_id:
        raise tk.ValidationError({"package_id": [tk._(
            "No dataset is linked to this request")]})
    when = publishing.format_local(data["release_at"])
    note = tk._("Release: %(when)s") % {"when": when}
    if data.get("note"):
        note = f"{note}. {data['note']}"
    try:
        result = _transition(context, dict(data, note=note), "schedule")
        request = _locked_request(data["id"])
        release = publishing.schedule(context, request, data["release_at"])
    except Exception:
        model.Session.rollback()
        raise
    _commit(context)
    out = _request_result(result, request)
    out["release"] = release.dictize()
    return out


def satudata_request_unschedule(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Cancel the scheduled release of a request (back to ``ready``)."""
    tk.check_access("satudata_request_unschedule", context, data_dict)
    data = _validate(data_dict, schema.publishing_transition(), context)
    try:
        result = _transition(context, data, "unschedule")
        request = _locked_request(data["id"])
    except Exception:
        model.Session.rollback()
        raise
    _commit(context)
    return _request_result(result, request)


def satudata_request_revise(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The producer submits the staged revision of a published dataset for
    verification (``published`` → ``submitted``). Edits of a published
    dataset are staged (the live version does not change); this sends them
    through verification and approval again. The staged version must be
    complete enough to submit."""
    tk.check_access("satudata_request_revise", context, data_dict)
    data = _validate(data_dict, schema.publishing_transition(), context)
    request = _locked_request(data["id"])
    staged = publishing.staged_for(request.package_id)
    if staged is not None and staged.request_id not in (None, request.id):
        staged = None
    if staged is None:
        raise tk.ValidationError({"revision": [tk._(
            "There are no changes to submit: edit the dataset first")]})
    errors = metadata.submit_errors(staged.data)
    if errors:
        raise tk.ValidationError(errors)
    try:
        result = _transition(context, data, "revise")
        staged.request_id = request.id
    except Exception:
        model.Session.rollback()
        raise
    _commit(context)
    return _request_result(result, _locked_request(data["id"]))


def satudata_request_withdraw(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Withdraw (tarik) a published dataset with a reason: it becomes private
    again and disappears from every public page, search, feed and activity
    stream; the producers are notified. Publishing the request again
    restores it."""
    tk.check_access("satudata_request_withdraw", context, data_dict)
    data = _validate(data_dict, schema.publishing_transition(), context)
    try:
        result = _transition(context, data, "withdraw")
        request = _locked_request(data["id"])
    except Exception:
        model.Session.rollback()
        raise
    _commit(context)
    return _request_result(result, request)


def satudata_request_archive(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Archive (arsip) a published or withdrawn request's dataset. A
    published dataset stays reachable by its URL with an "archived" banner,
    but leaves the default search (find it with the ``satudata_status``
    filter, ``/dataset?satudata_status=archived``)."""
    tk.check_access("satudata_request_archive", context, data_dict)
    data = _validate(data_dict, schema.publishing_transition(), context)
    try:
        result = _transition(context, data, "archive")
        request = _locked_request(data["id"])
    except Exception:
        model.Session.rollback()
        raise
    _commit(context)
    return _request_result(result, request)


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
    does not stop the others.

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
    due = [(r.id, r.request_id) for r in publishing.due_releases(limit=limit)]
    published, failed = [], []
    for release_id, request_id in due:
        try:
            tk.get_action("satudata_request_publish")(
                {"user": context.get("user")},  # type: ignore[arg-type]
                {"id": request_id, "note": tk._("Scheduled release")})
            published.append(request_id)
        except Exception as e:  # noqa: BLE001 - recorded; the other releases go on
            if isinstance(e, (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized)):
                log.warning("Scheduled release %s of request %s refused: %s", release_id,
                            request_id, getattr(e, "error_dict", None) or e)
            else:
                log.exception("Scheduled release %s of request %s failed", release_id,
                              request_id)
            model.Session.rollback()
            release = model.Session.get(Release, release_id)
            if release is not None:
                release.status = "failed"
                release.error = str(getattr(e, "error_dict", None) or e)
                model.repo.commit()
            failed.append({"request_id": request_id, "error": str(e)})
    return {"published": published, "failed": failed}


@tk.side_effect_free
def satudata_release_calendar(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The public release calendar (jadwal rilis): upcoming scheduled
    releases, soonest first, each with its announced title, OPD and time
    (UTC ``release_at`` and ``release_at_local`` in the portal's time
    zone). Nothing of the data itself.

    :param owner_org: only this OPD's releases (id or name) (optional)
    :param limit: at most this many (default 200)
    :rtype: dictionary ``{"count", "results"}``
    """
    tk.check_access("satudata_release_calendar", context, data_dict)
    data = _validate(data_dict, schema.release_calendar(), context)
    results = publishing.calendar(limit=data.get("limit", 200),
                                     owner_org=data.get("owner_org"))
    return {"count": len(results), "results": results,
            "timezone": str(publishing.timezone())}


# -- revisions ------------------------------------------------------------------------

@tk.side_effect_free
def satudata_revision_show(context: Context, data_dict: DataDict) -> Optional[dict[str, Any]]:
    """The staged revision of a published dataset, for its producers and the
    walidata reviewers: the pending package dictionary (``data``) and the
    top-level fields in which it differs from the live version
    (``changed_fields``). ``None`` when nothing is staged.

    :param id: the dataset's id or name
    :rtype: dictionary
    """
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
    return result


# -- public pages ---------------------------------------------------------------------

@tk.side_effect_free
def satudata_progress_dashboard(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The public progress of a collection round: per OPD the number of data
    requested, submitted, verified and published, and the on-time rate
    (share of first submissions made by the deadline, among the requests
    submitted or past their deadline). Only rounds whose requests were sent
    are public. Two queries.

    :param round_id: the round (id or name); default: the latest sent round
    :returns: ``{"round", "rounds", "organizations", "totals"}``
    :rtype: dictionary
    """
    tk.check_access("satudata_progress_dashboard", context, data_dict)
    data = _validate(data_dict, schema.progress_dashboard(), context)
    rounds = publishing.public_rounds()
    round_: Optional[CollectionRound] = None
    if data.get("round_id"):
        round_ = next((r for r in rounds if r.id == data["round_id"]), None)
        if round_ is None:
            raise tk.ObjectNotFound(tk._("Collection round not found"))
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
    }


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
    from ... import jobs

    tk.check_access("satudata_publication_build", context, data_dict)
    data = _validate(data_dict, schema.round_ref(), context)
    publication = model.Session.execute(
        sa.select(Publication).where(Publication.round_id == data["round_id"])
        .with_for_update()).scalar_one_or_none()
    if publication is None:
        publication = Publication(id=model.types.make_uuid(), round_id=data["round_id"])
        model.Session.add(publication)
    elif publication.status in ("queued", "running"):
        raise tk.ValidationError({"round_id": [tk._(
            "The publication of this round is already being built")]})
    user = model.User.get(context.get("user") or "")
    publication.status = "queued"
    publication.progress = 0
    publication.message = None
    publication.requested_by = user.id if user else None
    publication.requested_at = publishing.utcnow()
    publication.started_at = publication.finished_at = None
    model.Session.flush()
    publication_id = publication.id
    model.repo.commit()
    job = tk.enqueue_job(jobs.build_publication, [publication_id],
                         title=f"satudata: publication {data['round_id']}",
                         rq_kwargs={"timeout": 3600})
    publication = model.Session.get(Publication, publication_id)
    assert publication
    publication.job_id = job.id
    model.repo.commit()
    return publication.dictize()


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


# -- chained core actions -------------------------------------------------------------------

def _package(data_dict: DataDict, key: str = "id") -> Optional[model.Package]:
    ref = data_dict.get(key) or (data_dict.get("name") if key == "id" else None)
    return model.Package.get(ref) if roles.clean_id(ref) else None


@tk.chained_action
def package_create(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Datasets of non-sysadmins are created private (published only by the
    workflow)."""
    publishing.lock_create(context, data_dict)
    return original(context, data_dict)


@tk.chained_action
def package_update(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A non-sysadmin's update of a live (published) dataset is staged as a
    revision; of an unpublished one, keeps it private."""
    pkg = _package(data_dict)
    if pkg is None or publishing.bypasses_lock(context, pkg.id):
        return original(context, data_dict)
    if publishing.record_for(pkg.id) is not None:
        tk.check_access("package_update", context, data_dict)
        return publishing.stage(context, original, pkg, data_dict)
    publishing.lock_update(context, pkg, data_dict)
    return original(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def package_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Editors reading a published dataset to change it (``for_update``,
    ``for_edit``) get its staged revision; everyone else the live version."""
    result = original(context, data_dict)
    if context.get("for_update") or context.get("for_edit"):
        return publishing.staged_view(context, result)
    return result


def _resource_package(data_dict: DataDict) -> Optional[model.Package]:
    res = model.Resource.get(data_dict["id"]) if roles.clean_id(data_dict.get("id")) else None
    return model.Package.get(res.package_id) if res is not None else None


def _stage_resources(context: Context, pkg: model.Package,
                     change: Any) -> dict[str, Any]:
    """Change the resources of a published dataset's staged revision (CKAN's
    own resource actions would write the live dataset and its files)."""
    pkg_dict = tk.get_action("package_show")(dict(context, for_update=True), {"id": pkg.id})
    pkg_dict["resources"] = change(list(pkg_dict.get("resources") or []))
    try:
        return tk.get_action("package_update")(dict(context, return_id_only=False), pkg_dict)
    except tk.ValidationError as e:
        errors = e.error_dict.get("resources")
        raise tk.ValidationError(errors[-1] if isinstance(errors, list) and errors
                                 and isinstance(errors[-1], dict) else e.error_dict)


def _frozen(context: Context, pkg: Optional[model.Package]) -> bool:
    """Whether ``pkg``'s resources change through its staged revision;
    refuses (cleanly) a change while its request is under review."""
    if pkg is None or publishing.bypasses_lock(context, pkg.id):
        return False
    publishing.refuse_under_review(pkg.id)
    return publishing.record_for(pkg.id) is not None


@tk.chained_action
def resource_create(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A resource added to a published dataset by anyone but the engine goes
    into the staged revision; none is added while the dataset is reviewed.
    A file over the size limit is refused first (:mod:`...lib.storage`)."""
    storage.refuse_oversized(data_dict)
    pkg = _package(data_dict, "package_id")
    if not _frozen(context, pkg):
        return original(context, data_dict)
    assert pkg is not None
    tk.check_access("resource_create", context, data_dict)
    staged = _stage_resources(context, pkg, lambda rs: rs + [dict(data_dict)])
    return staged["resources"][-1]


@tk.chained_action
def resource_update(original: Action, context: Context, data_dict: DataDict) -> Any:
    """As :func:`resource_create`, for a change of a resource."""
    storage.refuse_oversized(data_dict)
    pkg = _resource_package(data_dict)
    if not _frozen(context, pkg):
        return original(context, data_dict)
    assert pkg is not None
    tk.check_access("resource_update", context, data_dict)

    def change(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [dict(data_dict) if r.get("id") == data_dict["id"] else r for r in resources]
    staged = _stage_resources(context, pkg, change)
    return next((r for r in staged["resources"] if r.get("id") == data_dict["id"]),
                staged["resources"][-1] if staged["resources"] else {})


@tk.chained_action
def resource_delete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """As :func:`resource_create`, for the removal of a resource."""
    pkg = _resource_package(data_dict)
    if not _frozen(context, pkg):
        return original(context, data_dict)
    assert pkg is not None
    tk.check_access("resource_delete", context, data_dict)
    _stage_resources(context, pkg,
                     lambda rs: [r for r in rs if r.get("id") != data_dict["id"]])
    return None


@tk.chained_action
def package_delete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Datasets of the workflow are withdrawn, archived or cancelled through
    it, not deleted (by their producers, or anybody but the engine)."""
    pkg = _package(data_dict)
    if pkg is not None:
        publishing.refuse_frozen(context, pkg.id, tk._(
            "This dataset belongs to a data request; ask the walidata to cancel or "
            "withdraw it instead of deleting it"))
    return original(context, data_dict)


@tk.chained_action
def bulk_update_public(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Only the workflow (or a sysadmin, for datasets outside it) makes
    datasets public."""
    message = tk._(
        "Datasets are made public by the walidata through the data request workflow")
    if not publishing.bypasses_lock(context):
        raise tk.NotAuthorized(message)
    publishing.refuse_on_live(context, list(data_dict.get("datasets") or []), message)
    return original(context, data_dict)


@tk.chained_action
def bulk_update_private(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Published datasets are made private by a withdrawal (with a reason)."""
    publishing.refuse_on_live(context, list(data_dict.get("datasets") or []), tk._(
        "Published datasets are made private by a withdrawal through the workflow"))
    return original(context, data_dict)


@tk.chained_action
def bulk_update_delete(original: Action, context: Context, data_dict: DataDict) -> Any:
    publishing.refuse_on_live(context, list(data_dict.get("datasets") or []), tk._(
        "Published datasets cannot be deleted; ask the walidata to withdraw them"))
    return original(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def member_list(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN lists every dataset of an organization as a member, private ones
    included; keep only the datasets the caller may see (one query)."""
    result = original(context, data_dict)
    user = context.get("user")
    if context.get("ignore_auth") or authz.is_sysadmin(user):
        return result
    package_ids = [row[0] for row in result if row[1] == "package"]
    if not package_ids:
        return result
    hidden = set()
    labels_plugin = lib_plugins.get_permission_labels()
    user_obj = model.User.get(user or "")
    user_labels = set(labels_plugin.get_user_dataset_labels(user_obj))
    for pkg in model.Session.execute(
            sa.select(model.Package).where(model.Package.id.in_(package_ids),
                                           model.Package.private.is_(True))).scalars():
        if not user_labels & set(labels_plugin.get_dataset_labels(pkg)):
            hidden.add(pkg.id)
    return [row for row in result if not (row[1] == "package" and row[0] in hidden)]


@tk.chained_action
def activity_create(original: Action, context: Context, data_dict: DataDict) -> Any:
    """No "changed package" activity for an update that was only staged (the
    live dataset did not change)."""
    if publishing.skip_activity(data_dict.get("object_id")):
        tk.check_access("activity_create", context, data_dict)
        return None
    return original(context, data_dict)

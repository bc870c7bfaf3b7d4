# -*- coding: utf-8 -*-
"""Dissemination: how requested data becomes public, and stays safe.

Visibility rule
    A dataset is public only when the walidata publishes it through the
    workflow (:func:`publish`). Until then it is private in its OPD
    organization, so CKAN's own permission labels keep it out of every
    page, API answer, search, feed and activity stream of the public and
    of other OPDs. Producers cannot make a dataset public themselves: the
    chained ``package_create``/``package_update`` (``logic/action/
    chained.py``) keep ``private=True`` for everyone but sysadmins
    and this engine, and ``bulk_update_public`` is refused. While its
    request is verified, approved or scheduled the dataset does not change
    at all (what is published is what was approved). Two holes of CKAN core
    are closed there too: ``member_list`` listed an organization's private
    datasets, and the ``package_show``/``package_update`` refusals named the
    dataset's id (``logic/auth/chained.py``).

Revisions of published data
    An edit of a live dataset by a non-sysadmin never reaches the live
    package: :func:`stage` validates it exactly as ``package_update`` would
    (inside a SAVEPOINT that is rolled back) and keeps the resulting package
    dictionary in :class:`~.model.StagedRevision`. New files are stored
    under fresh resource ids that do not exist yet, so no live file is
    overwritten. The producer then takes the ``revise`` transition; after
    verification and approval :func:`publish` applies the staged dictionary
    with ``package_update`` — the activity stream shows the live version,
    then the revised one, and nothing in between.

Withdraw and archive
    :func:`withdraw` makes the dataset private again and relabels its past
    public activities so that activity streams stop showing it;
    :func:`publish` from ``withdrawn`` restores them. A withdrawal drops an
    unreviewed staged revision: the producers edit the private dataset
    directly until it is published again. :func:`archive` keeps
    the dataset reachable by URL but takes it out of the default search
    (``satudata_status:archived`` in the index, see :func:`search_params`).

One indicator, many periods
    A Daftar Data item collected again (the next semester, the next year)
    is requested on the dataset of its latest published request
    (``satudata_round_send``): one dataset per indicator, one request per
    period. Each resource carries the round of the request that published
    it (:data:`ROUND_KEY`, stamped on publication, never taken from the
    producer) and a ``period`` label (the round's title unless the producer
    gave one). While the new period's request is open, every edit of the
    live dataset is staged for it (:func:`working_request`), and it may add
    and change its own resources only: the other periods' resources cannot
    be changed or removed in it (:func:`refuse_other_periods`). The dataset
    is public while **any** of its requests is (:func:`package_public`);
    the resources of a period are public while **its** request is:

    * publishing a period applies its staged revision, keeps the live
      resources of the other public periods and restores the period's own
      resources that a withdrawal took out;
    * withdrawing a period while another period is public takes only its
      resources out of the dataset (CKAN marks them deleted: no page, no
      download, no index, and purges them at the dataset's next update;
      their ids and a copy of each are kept in the withdrawal's event so
      that publishing the period again restores them, under the same ids and
      with the same files; a revision another request staged lets them go
      too); withdrawing the last
      public period makes the dataset private as before;
    * archiving a period keeps its resources, labelled archived on the
      dataset page and in ``satudata_dissemination.periods``; the dataset
      itself is archived (out of the default search) only once no period
      is published any more.

Scheduled release
    :func:`schedule` stores a :class:`~.model.Release`; ``ckan satudata
    release-due`` (cron, every minute) or its job publishes every release
    whose time has come (:func:`due_releases`).

Everything here runs inside the transaction of the calling action (after
:func:`ckanext.satudata.lib.engine.apply_transition` with ``defer_commit``);
the action commits.

When the search index (Solr) cannot be reached
    CKAN indexes a changed dataset while the transaction commits (its
    ``before_commit`` hook, ``ckan.model.modification``) and, when Solr does
    not answer, raises ``SearchIndexError`` out of the commit, which is not
    made: the request's state, the dataset's visibility and the publication
    record are rolled back together, so search and the database never
    disagree. CKAN 2.11 shows that as an untranslated 500 (*Search Index
    Error*); :func:`search_required` turns it into a translated refusal
    (``ValidationError`` on ``search``) after rolling back. Publishing,
    withdrawing and archiving therefore wait for Solr; the other steps do
    not touch the dataset and go on. The alternative, committing and
    repairing the index afterwards, would leave a public dataset out of
    search (or a withdrawn one in it) until the repair, and needs CKAN's
    commit-time indexing switched off for that one commit.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime
import hashlib
import json
import logging
import zoneinfo
from typing import Any, Callable, Iterable, Iterator, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.lib.search as search
import ckan.lib.uploader as uploader
from ckan.lib.dictization import model_dictize
import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ..model import (
    LIVE_STATUSES, PUBLIC_COLUMNS, CollectionRound, DataCheck, DataRequest, Dissemination,
    Publication, Release, RequestEvent, StagedRevision, public_dict_of,
)
from . import metadata, roles, storage
from .states import (ACTIVE_STATES, REVIEW_STATES as _REVIEW, REVISION_STATES, PUBLIC_STATES,
                     State, is_public)

log = logging.getLogger(__name__)

#: context flag of the engine's own package writes (never settable from the API)
ENGINE = "satudata_dissemination"
#: states of a request in which its dataset is being reviewed: no edits
REVIEW_STATES = frozenset(s.value for s in _REVIEW)
#: states of a request from the revision of its dataset to its publication
IN_REVISION = frozenset(s.value for s in REVISION_STATES)
#: index fields (Solr): ``satudata_status`` (published/archived) and the
#: publication date ``satudata_published_date``
STATUS_FIELD = "satudata_status"
PUBLISHED_FIELD = "satudata_published_date"
#: key of the public publication facts in package dictionaries
DICT_KEY = "satudata_dissemination"
#: resource field: the round whose request published the resource (its period)
ROUND_KEY = "satudata_round"
#: resource field: the label of the period a table covers
PERIOD_KEY = "period"
#: staged resource field: the live resource a new file of the revision
#: replaces (the file is kept under a new resource id until publication)
REPLACES_KEY = "satudata_replaces"
#: label that marks activities hidden by a withdrawal
WITHDRAWN_LABEL = "satudata-withdrawn"
_NO_ACTIVITY = "satudata_no_activity"


# -- time ------------------------------------------------------------------------

def timezone() -> zoneinfo.ZoneInfo:
    """The portal's time zone (``satudata.timezone``, WIB by default)."""
    return zoneinfo.ZoneInfo(tk.config.get("satudata.timezone"))


def utcnow() -> datetime.datetime:
    """Now, in UTC without time zone, like every CKAN timestamp."""
    return datetime.datetime.utcnow()


def to_utc(value: datetime.datetime) -> datetime.datetime:
    """A naive UTC datetime from a local (naive = portal time zone) or
    aware one."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone())
    return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def to_local(value: Optional[datetime.datetime]) -> Optional[datetime.datetime]:
    """A naive UTC datetime in the portal's time zone (aware)."""
    if value is None:
        return None
    return value.replace(tzinfo=datetime.timezone.utc).astimezone(timezone())


def format_local(value: Optional[datetime.datetime]) -> str:
    """``2026-12-01 09:00 WIB`` for a naive UTC datetime."""
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M %Z") if local else ""


# -- who may write what ------------------------------------------------------------

def site_user_name() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def is_site_user(user: Optional[str]) -> bool:
    """Whether ``user`` is the portal's own account (CKAN names its site
    user after the site id, ``get_site_user``), which CKAN's jobs use."""
    return bool(user) and user == tk.config.get("ckan.site_id")


def engine_context(user: Optional[str] = None) -> Context:
    """The context of the engine's own package writes: no auth, no staging,
    no visibility lock, no commit (the calling action commits)."""
    return {"user": user or site_user_name(), "ignore_auth": True,  # type: ignore
            ENGINE: True, "defer_commit": True, "use_cache": False}


def is_engine(context: Context) -> bool:
    return bool(context.get(ENGINE))


def bypasses_lock(context: Context, package_id: Optional[str] = None) -> bool:
    """The engine and the site user (which CKAN's own jobs use) write
    packages directly. Sysadmins do too, except on a dataset that belongs to
    the workflow (linked to a data request or ever published through it):
    that one changes only as its request says, for everybody."""
    if is_engine(context):
        return True
    user = context.get("user")
    if not authz.is_sysadmin(user):
        return False
    if not package_id:
        return True
    if is_site_user(user):
        return True
    return not governed(package_id)


def governed(*package_ids: str) -> bool:
    """Whether the workflow decides the visibility of any of the datasets:
    it is linked to a data request or was published through one. One
    query, none when the transaction already found a dataset free (an
    update asked up to four times: its checks, the lock, the indexing)."""
    absent = model.Session.info.get(_ABSENT, ())
    if all((_UNGOVERNED, i) in absent for i in package_ids):
        return False
    linked = sa.select(sa.literal(True)).where(DataRequest.package_id.in_(package_ids))
    recorded = sa.select(sa.literal(True)).where(Dissemination.package_id.in_(package_ids))
    found = bool(model.Session.execute(sa.select(sa.or_(
        sa.exists(linked), sa.exists(recorded)))).scalar())
    if not found:  # none has a record: the indexing of an update need not ask
        remember_absent(Dissemination, package_ids)
        remember_absent(_UNGOVERNED, package_ids)
    return found


#: :func:`remember_absent`'s name for "no request links the dataset and it
#: has no publication record" (:func:`governed`)
_UNGOVERNED = "ungoverned"


def dataset_public(request: DataRequest) -> bool:
    """THE rule of visibility of a request's dataset (see
    :func:`.states.is_public`): everything that makes a dataset public or
    private, or puts it in a publication, asks this (or :func:`public_clause`,
    its SQL form)."""
    return is_public(request.state, request.revision_of)


def package_requests(package_id: str) -> list[DataRequest]:
    """The requests (not cancelled) whose dataset is ``package_id``, oldest
    period first: the periods of the dataset. One query."""
    return list(model.Session.execute(
        sa.select(DataRequest)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .where(DataRequest.package_id == package_id,
               DataRequest.state != State.CANCELLED.value)
        .order_by(CollectionRound.start_date, CollectionRound.created)).scalars())


def period_request(package_id: str) -> Optional[DataRequest]:
    """The request adding a new period to the dataset (:func:`is_period_request`),
    or None."""
    return next((r for r in package_requests(package_id) if is_period_request(r)), None)


def package_public(package_id: str) -> bool:
    """Whether the dataset is public: one of its requests makes it so
    (:func:`dataset_public`, per period)."""
    return any(dataset_public(r) for r in package_requests(package_id))


def is_period_request(request: DataRequest) -> bool:
    """Whether ``request`` adds a new period to a dataset that another
    request published (not a revision of its own published data, nor a
    period that is over: withdrawn, archived or cancelled; the first period
    of a dataset, withdrawn while a later one stays public, was shown as a
    new period without a table). A period withdrawn since is still one: its
    tables stay its own (the second period's staging changed and deleted
    the withdrawn first period's table, which never came back)."""
    if request.revision_of or not request.package_id or request.state in FINISHED \
            or dataset_public(request):
        return False
    return any(r.id != request.id and (dataset_public(r) or r.state == State.WITHDRAWN.value)
               for r in package_requests(request.package_id))


def working_request(package_id: str, record: Optional[Dissemination]) -> Optional[str]:
    """The request an edit of a published dataset is staged for: its open
    new-period request if there is one, else the request that published it
    last (a revision)."""
    for request in package_requests(package_id):
        if request.state not in FINISHED and not request.revision_of \
                and not dataset_public(request):
            return request.id
    return record.request_id if record is not None else None


#: states in which a request no longer works on its dataset
FINISHED = frozenset({State.PUBLISHED.value, State.WITHDRAWN.value, State.ARCHIVED.value,
                      State.CANCELLED.value})


def public_clause() -> Any:
    """:func:`dataset_public` as an SQL condition on ``DataRequest``."""
    return sa.or_(
        DataRequest.state.in_([s.value for s in PUBLIC_STATES]),
        sa.and_(DataRequest.revision_of == State.PUBLISHED.value,
                DataRequest.state.in_([s.value for s in REVISION_STATES])))


def public_not_archived_clause() -> Any:
    """The requests whose data is public and not archived (the dataset a
    later period of the item is added to)."""
    return sa.and_(public_clause(), DataRequest.state != State.ARCHIVED.value)


# -- records -------------------------------------------------------------------------

#: ``Session.info`` key: the (table, package id) rows found missing in the
#: current transaction
_ABSENT = "satudata_absent_rows"


def _get(cls: Any, package_id: Optional[str]) -> Any:
    """``Session.get`` that also remembers a missing row until the
    transaction ends or a row of ``cls`` joins the session. ``Session.get``
    answers a present row from the identity map but asks the database again
    for a missing one: a ``package_create`` asked up to six times (each
    internal ``package_show`` and the indexer)."""
    if not package_id:
        return None
    absent = model.Session.info.setdefault(_ABSENT, set())
    if (cls, package_id) in absent:
        return None
    row = model.Session.get(cls, package_id)
    if row is None:
        absent.add((cls, package_id))
    return row


def remember_absent(cls: Any, package_ids: Iterable[str]) -> None:
    """The rows of ``cls`` of these datasets are known to be missing (a
    query just said so, or the datasets are being created): :func:`_get`
    answers ``None`` for them without a query until the transaction ends or
    a row of ``cls`` joins the session."""
    model.Session.info.setdefault(_ABSENT, set()).update((cls, i) for i in package_ids)


def dataset_created(package_id: str) -> None:
    """``after_dataset_create``: a dataset created in this transaction has
    no publication record and no staged revision yet (their rows reference
    the package): the indexing in the same transaction does not look them
    up."""
    remember_absent(Dissemination, [package_id])
    remember_absent(StagedRevision, [package_id])


@sa.event.listens_for(model.Session, "after_transaction_end")
def _forget_absent_at_end(session: Any, transaction: Any) -> None:
    # the end of the outermost transaction: a flush runs in a
    # subtransaction of its own, whose end changes nothing another
    # transaction can see (SQLAlchemy 1.4)
    if transaction.parent is None:
        session.info.pop(_ABSENT, None)


@sa.event.listens_for(model.Session, "after_attach")
def _forget_absent_on_add(session: Any, instance: Any) -> None:
    if isinstance(instance, (Dissemination, StagedRevision, DataRequest)):
        session.info.pop(_ABSENT, None)


@sa.event.listens_for(DataRequest.package_id, "set")
def _forget_absent_on_link(target: Any, value: Any, old: Any, initiator: Any) -> None:
    # a request linked to a dataset makes it governed (:func:`governed`)
    session = sa.inspect(target).session
    if session is not None and value:
        session.info.pop(_ABSENT, None)


def record_for(package_id: Optional[str]) -> Optional[Dissemination]:
    """The publication record of a dataset (no query when the transaction
    already looked)."""
    return _get(Dissemination, package_id)


def staged_for(package_id: Optional[str]) -> Optional[StagedRevision]:
    """The staged revision of a dataset (no query when the transaction
    already looked)."""
    return _get(StagedRevision, package_id)


#: the dataset form's hidden field: the version of the dataset it was built from
SEEN_KEY = "satudata_seen"


#: the dataset's own columns its form edits
_FORM_COLUMNS = ("name", "title", "notes", "url", "license_id", "owner_org", "version",
                 "author", "author_email", "maintainer", "maintainer_email")


def same_time(sent: Any, stored: Any) -> bool:
    """Whether ``sent`` (what a client gives back) is the time ``stored``
    (an ISO string): however it is written ("…Z", "+00:00", a space for
    "T"); nothing sent is no time."""
    def parse(value: Any) -> Optional[datetime.datetime]:
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            parsed = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return parsed
    mine = parse(sent)
    return mine is not None and mine == parse(stored)


def form_version(package: model.Package) -> str:
    """The version of a dataset its edit form shows: its staged revision's
    (a published dataset's form edits that), else a digest of what the form
    edits (not ``metadata_modified``: the DataStore's load of a table
    changes it, and a form opened before it was refused for nobody's edit)."""
    staged = staged_for(package.id)
    if staged is not None:
        return staged.modified.isoformat() if staged.modified else ""
    fields: dict[str, Any] = {column: getattr(package, column) for column in _FORM_COLUMNS}
    fields["extras"] = sorted((str(k), str(v)) for k, v in (package.extras or {}).items())
    fields["tags"] = sorted(tag.name for tag in package.get_tags())
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()
                          ).hexdigest()[:20]


#: what a table's form edits besides its schema's fields (the rest changes
#: without anyone's edit: the DataStore's load, the data check)
_RESOURCE_FORM_KEYS = ("name", "description", "url", "url_type", "format")


def resource_form_version(user: Optional[str], resource_id: str) -> str:
    """The version of a table its edit form shows to ``user``: a digest of
    what the form edits, as ``resource_show`` gives it to them (a published
    dataset's table as its revision holds it)."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    # as its edit form reads it: a published dataset's table as its staged
    # revision holds it (the live one's never changed: a stale form was saved)
    resource = tk.get_action("resource_show")({"user": user or "", "for_edit": True},
                                              {"id": resource_id})
    fields = [f["field_name"] for f in
              (scheming_get_dataset_schema("dataset") or {}).get("resource_fields") or []]
    edited = {key: resource.get(key) for key in (*_RESOURCE_FORM_KEYS, *fields)}
    return hashlib.sha256(json.dumps(edited, sort_keys=True, default=str).encode()
                          ).hexdigest()[:20]


def stale_form_error() -> tk.ValidationError:
    """The refusal of a form built from an older version than the one saved."""
    return tk.ValidationError({SEEN_KEY: [tk._(
        "Someone else changed this since you opened the form: open it again to "
        "see their change, then make yours (what you typed is below)")]})


def refuse_stale_form(package: model.Package, data_dict: dict[str, Any]) -> None:
    """A dataset form built from an older version than the dataset's now (a
    second tab, a colleague's save) is refused: its save overwrote the
    other change without a word. ``SEEN_KEY`` is taken out of
    ``data_dict`` once checked; a call without it (the API) is not checked."""
    seen = data_dict.get(SEEN_KEY)
    if not seen or not isinstance(seen, str) or seen == form_version(package):
        data_dict.pop(SEEN_KEY, None)
        return
    # kept in the form's data: its page shown again still carries the version
    # it was built from (a second click saved over the other change)
    raise stale_form_error()


def changes_gate(package_id: str, exclusive: bool = False) -> None:
    """Pass, until the transaction ends, the dataset's gate: shared by the
    changes of the dataset (before they share-lock its requests,
    :func:`under_review`), exclusive for a step of one of its requests
    (before it locks the request, :func:`.engine.lock_request`).

    The requests' rows alone do not queue: PostgreSQL grants a row's share
    lock to a newcomer while a step waits for the row, so producers editing
    without pause kept a submission waiting until they stopped (20 s with
    three editors, killed by the web server's timeout with twelve). The
    gate is an advisory lock, which queues in order: a step waits for the
    changes already running, and the changes that come after wait for it."""
    lock = sa.func.pg_advisory_xact_lock if exclusive else sa.func.pg_advisory_xact_lock_shared
    model.Session.execute(sa.select(lock(sa.func.hashtext(f"dataset-change:{package_id}"))))


def share_lock_requests(package_id: str) -> None:
    """Share-lock the rows of the dataset's requests until the transaction
    ends (see :func:`under_review`), unless it already did."""
    if package_id not in in_transaction(_SHARED):
        under_review(package_id)


def in_transaction(key: str) -> set[str]:
    """A set kept in the session under ``key`` for the current transaction
    (a new one starts empty): what the transaction already did once."""
    transaction = model.Session().get_transaction()
    held, done = model.Session.info.get(key) or (None, set())
    if held is not transaction:
        done = set()
        model.Session.info[key] = (transaction, done)
    return done


#: :func:`in_transaction` key: the datasets whose requests the transaction share-locked
_SHARED = "satudata_requests_share_locked"


def under_review(package_id: str, lock: bool = True,
                 states: frozenset[str] = REVIEW_STATES) -> bool:
    """Whether a request linked to the dataset is being verified, approved or
    waits for publication (its dataset must not change meanwhile); with
    ``states``, whether one is in one of those.

    Asked before a change of the dataset: the rows of its requests stay
    share-locked until the change commits. A transition of one of them
    (which locks its row for update, :func:`.engine.apply_transition`)
    waits for the change, then checks the dataset as changed; a change that
    comes after a submission sees the request under review. ``lock=False``:
    a page asking whether to offer a change locks nothing."""
    return bool(_request_states(package_id, lock) & states)


def _request_states(package_id: str, lock: bool) -> set[str]:
    """The states of the requests linked to the dataset (``lock``: as
    :func:`under_review` takes them)."""
    stmt = sa.select(DataRequest.state).where(DataRequest.package_id == package_id)
    if lock:
        changes_gate(package_id)
    found = set(model.Session.execute(
        stmt.with_for_update(read=True) if lock else stmt).scalars())
    if lock:
        in_transaction(_SHARED).add(package_id)
        _read_again(package_id)
    return found


def _read_again(package_id: str) -> None:
    """What the transaction read of the dataset's publication before its
    lock is read again after it (its record, revision and visibility): a
    step of its requests may have committed while the lock waited. An upload
    that waited for the dataset's first publication had found no
    publication record before, and wrote into the now public dataset
    instead of its revision. (A record with changes of
    this transaction is its own, and stays.)"""
    _forget_absent(package_id)
    for cls in (Dissemination, StagedRevision, model.Package):
        row = model.Session.identity_map.get(model.Session.identity_key(cls, package_id))
        if row is not None and row not in model.Session.dirty:
            model.Session.expire(row)


def _forget_absent(package_id: str, cls: Any = None) -> None:
    """What :func:`_get` remembers missing of the dataset (of ``cls``, or
    of every kind) is asked again."""
    absent = model.Session.info.get(_ABSENT)
    if absent:
        absent.difference_update([key for key in absent if key[1] == package_id
                                  and (cls is None or key[0] is cls)])


def show_facts(context: Context, pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``after_dataset_show``: add the public publication facts (status,
    dates, round) of a dataset published through the workflow.

    A dictionary that ``package_show`` read from the search index already
    carries them as they were indexed (:func:`index_facts`; the index is
    rebuilt whenever they change): no query then."""
    if not pkg_dict.get("id"):
        return pkg_dict
    if context.get(ENGINE):
        pkg_dict.pop(DICT_KEY, None)
        return pkg_dict
    facts = pkg_dict.get(DICT_KEY, _UNKNOWN)
    if not (facts is None or isinstance(facts, dict)):
        facts = public_facts(pkg_dict["id"])
    if facts:
        pkg_dict[DICT_KEY] = facts
    else:
        pkg_dict.pop(DICT_KEY, None)
    return pkg_dict


#: facts not looked up yet (``None`` is "looked up, none")
_UNKNOWN = object()


#: the query of :func:`public_facts` (built once: building it cost as much
#: as running it)
_FACTS = (
    sa.select(*(getattr(Dissemination, c) for c in PUBLIC_COLUMNS),
              DataRequest.round_id.label("request_round_id"),
              DataRequest.state.label("request_state"),
              DataRequest.revision_of, CollectionRound.title.label("round_title"))
    .outerjoin(DataRequest, sa.and_(DataRequest.package_id == Dissemination.package_id,
                                    DataRequest.state != State.CANCELLED.value))
    .outerjoin(CollectionRound, CollectionRound.id == DataRequest.round_id)
    .where(Dissemination.package_id == sa.bindparam("package_id"))
    .order_by(CollectionRound.start_date, CollectionRound.created))


def public_facts(package_id: str) -> Optional[dict[str, Any]]:
    """What the public may know of a dataset's publication (added to the
    dataset dictionary by ``after_dataset_show``, so by every indexing).
    One query of the few columns it needs: the record, the dataset's
    requests and their rounds' titles (loading the three rows as objects
    cost more than the rest of the indexer's additions)."""
    if (Dissemination, package_id) in model.Session.info.get(_ABSENT, ()):
        return None
    rows = model.Session.execute(_FACTS, {"package_id": package_id}).all()
    if not rows:
        remember_absent(Dissemination, [package_id])
        return None
    record = rows[0]
    if record.status not in LIVE_STATUSES:
        return None
    facts = public_dict_of(record)
    # a round's title is never empty: a row without one has no request or no round
    titles = {row.request_round_id: row.round_title for row in rows
              if row.round_title is not None}
    if record.round_id:
        facts["round_title"] = (titles[record.round_id] if record.round_id in titles
                                else _round_title(record.round_id))
    facts["periods"] = [
        _period(row.request_round_id, row.round_title, row.request_state) for row in rows
        if row.round_title is not None and is_public(row.request_state, row.revision_of)]
    return facts


def _period(round_id: str, title: Optional[str], state: str) -> dict[str, Any]:
    """A public period: its round and whether it is published or archived."""
    return {"round_id": round_id, "title": title,
            "status": (State.ARCHIVED.value if state == State.ARCHIVED.value
                       else State.PUBLISHED.value)}


def _round_title(round_id: str) -> Optional[str]:
    round_ = model.Session.get(CollectionRound, round_id)
    return round_.title if round_ else None


# -- the visibility lock ----------------------------------------------------------------

def lock_create(context: Context, data_dict: dict[str, Any]) -> None:
    """A new dataset of a non-sysadmin is always private."""
    if not bypasses_lock(context):
        data_dict["private"] = True
        _unstamp(data_dict)


#: what only the portal writes on a resource: its period's round, the live
#: table a staged file replaces, whether the DataStore holds its rows
PORTAL_RESOURCE_KEYS = (ROUND_KEY, REPLACES_KEY, "datastore_active")


def _unstamp(data_dict: dict[str, Any]) -> None:
    """Only the portal says which period a resource belongs to, which table
    it replaces and whether the DataStore holds it (a table of the dataset
    keeps what the portal said)."""
    resources = data_dict.get("resources")
    for res in resources if isinstance(resources, list) else ():
        if isinstance(res, dict):
            unstamp_resource(res)


def unstamp_resource(res: dict[str, Any]) -> None:
    """:func:`_unstamp` for one resource dictionary, given by a caller: the
    portal's keys of an existing table are those stored, a new one has none."""
    stored = model.Resource.get(res["id"]) if isinstance(res.get("id"), str) else None
    for key in PORTAL_RESOURCE_KEYS:
        if stored is not None and key in stored.extras:
            res[key] = stored.extras[key]
        else:
            res.pop(key, None)


def lock_update(context: Context, pkg: model.Package, data_dict: dict[str, Any]) -> None:
    """A private dataset stays private in a non-sysadmin's update; a dataset
    of the workflow keeps the visibility its request gives it, whoever
    updates it, and does not change while its request is being verified,
    approved or waits for its release (what is published is what was
    approved; to change it, the request is returned first)."""
    if bypasses_lock(context, pkg.id):
        return
    refuse_under_review(pkg.id)
    _unstamp(data_dict)
    if pkg.private or governed(pkg.id):
        asked = data_dict.get("private")
        if asked not in (None, "") and tk.asbool(asked) != pkg.private:
            # it answered 200 and kept the dataset as it was, without a word
            raise tk.ValidationError({"private": [tk._(
                "The walidata publishes the data of a request: its visibility does not "
                "change through an edit")]})
        data_dict["private"] = pkg.private


#: the states of a request whose review is over: its data waits to be published
_APPROVED = frozenset({State.READY.value, State.SCHEDULED.value})


def review_message(package_id: str, lock: bool = False) -> Optional[str]:
    """Why the dataset does not change now (its request is being reviewed,
    approved and waiting for publication, or cancelled), or None (``lock``:
    as :func:`under_review`)."""
    states = _request_states(package_id, lock)
    if states == {State.CANCELLED.value}:
        # the data nobody will review or publish any more (a producer's
        # edits and uploads went on unseen, as if it were still asked for)
        return tk._("The data request of this dataset was cancelled: the dataset no "
                    "longer changes")
    reviewed = states & REVIEW_STATES
    if not reviewed:
        return None
    if reviewed - _APPROVED:
        # published data's new period, or its revision (both were "being
        # reviewed for publication; … once its request is returned")
        in_review = [r for r in package_requests(package_id) if r.state in REVIEW_STATES]
        if any(is_period_request(r) for r in in_review):
            return period_in_review_message()
        if any(r.revision_of for r in in_review):
            return tk._("A revision of this dataset is being reviewed; it can be changed "
                        "again once it is returned or published")
        return tk._("This dataset is being reviewed for publication; it can be changed "
                    "again once its request is returned")
    return tk._("This dataset is approved and waits for publication; once it is "
                "published, a change goes through a revision")


def period_in_review_message() -> str:
    """Why published data does not change while its new period is reviewed."""
    return tk._("A new period of this dataset is being reviewed; the dataset can be "
                "changed again once it is returned or published")


def refuse_under_review(package_id: str) -> None:
    """A ``ValidationError`` when the dataset's request is being reviewed."""
    message = review_message(package_id, lock=True)
    if message:
        raise tk.ValidationError({"state": [message]})


def refuse_frozen(context: Context, package_id: str, message: str) -> None:
    """``NotAuthorized`` when someone but the engine would delete a dataset
    of the workflow (it is withdrawn, archived or cancelled instead)."""
    if bypasses_lock(context, package_id):
        return
    if governed(package_id):
        raise tk.NotAuthorized(message)


def not_deleted_message() -> str:
    """Why a dataset of the workflow is not deleted or purged."""
    return tk._("This dataset belongs to a data request; ask the walidata to cancel or "
                "withdraw it instead of deleting it")


def refuse_move(context: Context, pkg: model.Package, owner_org: Any) -> None:
    """A ``ValidationError`` when anyone but the engine would move a dataset
    of the workflow to another organization (``owner_org``, an id or a
    name; ``""``: none): it stays with the OPD its request was sent to (an
    editor of two OPDs moved a request's dataset, and its publication, to
    the other)."""
    if owner_org is None or owner_org == pkg.owner_org:
        return
    group = model.Group.get(owner_org) if isinstance(owner_org, str) else None
    if group is not None and group.id == pkg.owner_org:
        return
    if not bypasses_lock(context, pkg.id) and governed(pkg.id):
        raise tk.ValidationError({"owner_org": [tk._(
            "A dataset of a data request stays with the OPD the request was sent to")]})


def refuse_core_change(context: Context, pkg: model.Package, data_dict: dict[str, Any]) -> None:
    """A ``ValidationError`` when anyone but the engine would change the
    state or the type of a dataset of the workflow through an update (a
    producer's ``package_patch`` with ``state: deleted`` went into a
    revision that reviewers could not see, and its publication deleted the
    published data)."""
    changes = {key: data_dict[key] for key in ("state", "type")
               if key in data_dict and data_dict[key] not in (None, getattr(pkg, key))}
    if not changes or bypasses_lock(context, pkg.id) or not governed(pkg.id):
        return
    errors = {}
    if "state" in changes:
        errors["state"] = [not_deleted_message()]
    if "type" in changes:
        errors["type"] = [tk._("A dataset of a data request keeps its type")]
    raise tk.ValidationError(errors)


def refuse_on_live(context: Context, package_ids: list[str], message: str) -> None:
    """``NotAuthorized`` when anyone but the engine acts on datasets of the
    workflow in a way only the workflow may (bulk private/public/delete)."""
    ids = [i for i in package_ids if isinstance(i, str)]
    if not is_engine(context) and ids and governed(*ids):
        raise tk.NotAuthorized(message)


# -- staging a revision ------------------------------------------------------------

def _json(data: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if k != DICT_KEY}
    return json.loads(json.dumps(data, default=str))


def stage(context: Context, update: Callable[[Context, dict[str, Any]], Any],
          pkg: model.Package, data_dict: dict[str, Any]) -> Any:
    """Keep ``data_dict`` (a ``package_update`` of the live dataset ``pkg``)
    as the dataset's staged revision instead of applying it.

    ``update`` is the ``package_update`` next in the chain: it validates and
    saves the dictionary inside a SAVEPOINT, the result is read back with
    ``package_show`` (so the staged dictionary has the exact shape and
    validation of a real update) and the SAVEPOINT is rolled back. Files
    uploaded with the revision are stored under new resource ids.

    :returns: the staged package dictionary (or its id with
        ``return_id_only``)
    :raises tk.ValidationError: the dataset is archived, under review, or
        the data is invalid
    """
    record = record_for(pkg.id)
    assert record is not None
    if record.status == "archived":
        raise tk.ValidationError({"state": [tk._("Archived datasets cannot be changed")]})
    if under_review(pkg.id):
        # why, in the words a table's upload is refused with (an approved
        # revision waiting for its release read "being reviewed")
        raise tk.ValidationError({"state": [review_message(pkg.id) or tk._(
            "A revision of this dataset is being reviewed; it can be changed again "
            "once it is returned or published")]})
    # one staging (or discard) of the revision at a time; locked after the
    # request rows, as a transition and a discard lock them
    lock_staged(pkg.id)

    data = dict(data_dict)
    data["id"] = pkg.id
    if isinstance(data.get("name"), str) and data["name"] and data["name"] != pkg.name:
        # its publication took the old address away: links to it (the
        # national portal's, a citation's) answered 404
        raise tk.ValidationError({"name": [tk._(
            "The address of published data does not change: links to it, in the "
            "national portal too, would stop working")]})
    # the workflow decides the visibility: what an edit carries is dropped (a
    # page opened before the publication, or a revision read when the data
    # was public, carries the visibility it was read with)
    data.pop("private", None)
    # a revision changes the data and its description, never whether the
    # dataset exists or what kind it is (refuse_core_change tells the caller)
    data["state"], data["type"] = pkg.state, pkg.type
    uploads: list[tuple[int, Any]] = []
    replaced: dict[int, str] = {}
    held = staged_for(pkg.id)
    if held is not None and not context.get("allow_partial_update") \
            and held.data.get("metadata_modified") \
            and not same_time(data_dict.get("metadata_modified"),
                              held.data.get("metadata_modified")):
        # a whole dataset (with its tables or without: none then) not read
        # from the staged version as it is now (from the published version by
        # package_show, before another editor's change, or with its read time
        # left out), sent back while changes are staged: it replaced them
        # unseen
        raise tk.ValidationError({"revision": [tk._(
            "Changes to this dataset are staged for review, and what you sent was not "
            "read from them as they are now (from its published version, or before "
            "another change): saved, it would replace them. Send your changes on the "
            "staged version (satudata_revision_show, with its metadata_modified), or "
            "only the fields you change (package_patch)")]})
    if "resources" not in data and context.get("allow_partial_update"):
        # the dataset form sends no tables (CKAN keeps a dataset's own): the
        # revision keeps those it holds, else the live ones; the update
        # below is of the live package, which would drop them
        data["resources"] = (list(held.data.get("resources") or []) if held is not None
                             else list(live_dict(pkg.id).get("resources") or []))
    if "resources" in data:  # read below before CKAN validates it
        errors = metadata.shape_errors({"resources": data["resources"]}, {"resources": {}})
        if errors:
            raise tk.ValidationError(errors)
    if isinstance(data.get("resources"), list):
        resources = [dict(r) for r in data["resources"]]
        live_ids = {r.id for r in pkg.resources}
        # what the revision says each of its own tables replaces
        held_replaces = {r.get("id"): r.get(REPLACES_KEY) for r in (
            (held.data.get("resources") or []) if held is not None else [])}
        own_ids = live_ids | set(held_replaces)
        for index, res in enumerate(resources):
            if not isinstance(res.get("id"), str) or res["id"] not in own_ids:
                res.pop("id", None)  # a new table: CKAN gives it its id
                for key in PORTAL_RESOURCE_KEYS:
                    # nor the period, the table replaced, the DataStore's
                    # state a caller gives it (a new table said it replaced
                    # a live one: reviewers saw "file changed", the
                    # publication added a table)
                    res.pop(key, None)
            # which live table a staged file replaces is the portal's to say:
            # only a table of this dataset, and never one a caller names
            # (it decides who reads and changes the staged file)
            origin = res.pop(REPLACES_KEY, None)
            origin = (origin if isinstance(origin, str) and origin in live_ids
                      and res.get("id") not in live_ids
                      and held_replaces.get(res.get("id")) == origin else None)
            if res.get("upload") and hasattr(res["upload"], "stream"):
                # a new file of a live table makes a new resource: the live
                # file stays as it is; a table only the revision holds keeps
                # its id (its producer's script corrected it by that id, and
                # was told "not found" at the next correction)
                if res.get("id") in live_ids:
                    origin = origin or res.pop("id")
                upload = uploader.get_resource_uploader(res)
                # its size and type, as CKAN's own update sets them (the
                # staged table was published without a size: no byteSize in
                # the catalogue)
                if getattr(upload, "filesize", None) is not None:
                    res["size"] = upload.filesize
                if getattr(upload, "mimetype", None) and not res.get("mimetype"):
                    res["mimetype"] = upload.mimetype
                uploads.append((index, upload))
            if origin in live_ids:
                replaced[index] = origin
        data["resources"] = resources

    save_context: Context = {  # type: ignore
        "model": model, "session": model.Session, "user": context.get("user"),
        "auth_user_obj": context.get("auth_user_obj"), "ignore_auth": True,
        ENGINE: True, "defer_commit": True, "use_cache": False, "return_id_only": True,
        # what the caller leaves out (the form: groups) stays as it is
        "allow_partial_update": bool(context.get("allow_partial_update")),
    }
    nested = model.Session.begin_nested()
    try:
        update(save_context, data)
        shown = tk.get_action("package_show")(
            {"ignore_auth": True, ENGINE: True, "use_cache": False,  # type: ignore
             "for_view": False}, {"id": pkg.id})
    finally:
        if nested.is_active:
            nested.rollback()
    shown["private"] = False
    for index, upload in uploads:
        upload.upload(shown["resources"][index]["id"], uploader.get_max_resource_size())
    for index, origin in replaced.items():
        shown["resources"][index][REPLACES_KEY] = origin

    # a revision or a period under work keeps its staged edits; otherwise
    # they go to the open new period, else to the last publication
    current = staged_for(pkg.id)
    owner = (model.Session.get(DataRequest, current.request_id)
             if current is not None and current.request_id else None)
    request_id = (owner.id if owner is not None and owner.state not in FINISHED
                  else _period_request(pkg.id, shown.get("resources") or [])
                  or working_request(pkg.id, record))
    request = model.Session.get(DataRequest, request_id) if request_id else None
    if request is not None and is_period_request(request):
        refuse_other_periods(request, shown.get("resources") or [])
    refuse_archived_periods(pkg.id, shown.get("resources") or [])
    user = roles.user_obj(context.get("user"))
    staged = staged_for(pkg.id)
    if staged is None:
        staged = StagedRevision(package_id=pkg.id, created_by=user.id if user else None)
        model.Session.add(staged)
    staged.request_id = request_id
    data = _json(shown)
    if staged.data is None or _content(data) != _content(staged.data):
        # a save that changed nothing (the form saved as it opened) is no
        # change, and leaves the row as it is: an approved revision withdrawn
        # stays approved (it went out as the version before it), a form open
        # elsewhere stays current
        staged.data = data
        staged.modified_by = user.id if user else None
        staged.modified = utcnow()
        if user is not None and user.id not in (staged.writers or []):
            staged.writers = [*(staged.writers or []), user.id]
    # the package_update that staged this did not change the live package:
    # no "changed package" activity for it (see the chained activity_create)
    model.Session.info.setdefault(_NO_ACTIVITY, set()).add(pkg.id)
    context["package"] = pkg
    if not context.get("defer_commit"):
        model.repo.commit()
    if context.get("return_id_only"):
        return pkg.id
    return copy.deepcopy(staged.data)


#: what a save writes whether or not anything changed
_SAVED_AT = ("metadata_modified", "revision_id")


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """A staged dataset without the times a save writes (its resources'
    too): what its producers changed or not."""
    content = {key: value for key, value in data.items() if key not in _SAVED_AT}
    content["resources"] = [
        {key: value for key, value in resource.items() if key not in _SAVED_AT}
        for resource in data.get("resources") or [] if isinstance(resource, dict)]
    return content


def _period_request(package_id: str, resources: list[dict[str, Any]]) -> Optional[str]:
    """The published (or withdrawn) request of the one earlier period whose
    live tables a staged change corrects, when it touches tables of that
    period only and no new period is open: that period's revision, as the
    README says ("revise that period's request"); a correction of the 2077
    table went to the 2088 request, whose revision then published it, and
    the 2077 request could not be revised. None otherwise."""
    if working_request(package_id, None):
        return None  # an open new period takes the edits (it refuses others' tables)
    stamps, staged = _stamps(package_id), {r.get("id"): r for r in resources}
    replaced = {r.get(REPLACES_KEY) for r in resources}
    touched = {stamps.get(res["id"]) for res in live_dict(package_id).get("resources") or []
               if res["id"] in replaced or res["id"] not in staged
               or any(table_value(staged[res["id"]], k) != table_value(res, k)
                      for k in _RESOURCE_FIELDS)}
    if len(touched) != 1 or None in touched:
        return None
    periods = package_requests(package_id)
    requests = [r for r in periods if r.round_id in touched
                and r.state in (State.PUBLISHED.value, State.WITHDRAWN.value)]
    if len(requests) != 1 or requests == periods[-1:]:
        return None  # the latest period's edits go to it anyway
    return requests[0].id


#: :func:`in_transaction` key: the datasets whose staging the transaction locked
_STAGING = "satudata_staging_locked"


def lock_staged(package_id: str) -> Optional[StagedRevision]:
    """The staged revision of a dataset, read again and locked until the
    transaction ends (None when there is none). Whoever also locks the
    dataset's request rows locks them first, and the dataset's row after.

    The lock is the dataset's staging, not only the row: with no revision
    staged yet there was no row to lock, and two first edits of a
    published dataset both added one (HTTP 500); a discard and an edit
    that had read the revision before it were not ordered, and the edit
    wrote the discarded changes back. Once per transaction: then the
    revision is this transaction's to read and change."""
    locked = in_transaction(_STAGING)
    if package_id in locked:
        return staged_for(package_id)
    model.Session.execute(sa.select(sa.func.pg_advisory_xact_lock(
        sa.func.hashtext(f"dataset-staging:{package_id}"))))
    locked.add(package_id)
    _forget_absent(package_id, StagedRevision)
    staged = model.Session.execute(
        sa.select(StagedRevision).where(StagedRevision.package_id == package_id)
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if staged is None:  # discarded meanwhile: not the copy read before
        held = model.Session.identity_map.get(
            model.Session.identity_key(StagedRevision, package_id))
        if held is not None and held not in model.Session.new:
            model.Session.expunge(held)
    return staged


def discard(package_id: str) -> None:
    """Throw away the staged revision of a dataset: its changes and new
    files never go live, the published version stays as it is. Refused
    (``ValidationError``) while a request of the dataset revises it (from
    ``revise`` to publication, returned included), and when nothing is
    staged. The staged files stay on disk, as CKAN leaves
    the file of a deleted resource."""
    # a submission waits for this, then finds nothing staged
    if under_review(package_id, states=IN_REVISION):
        raise tk.ValidationError({"id": [tk._(
            "The staged changes are in a revision under review: they can be discarded "
            "once the walidata publishes the revision or cancels its review")]})
    staged = lock_staged(package_id)
    if staged is None:
        raise tk.ValidationError({"id": [tk._("No changes are staged for this dataset.")]})
    model.Session.delete(staged)


def staged_holding(resource_id: Any) -> Optional[StagedRevision]:
    """The staged revision holding the table ``resource_id`` (one it adds or
    a new file of it, by its own id, or the one replacing the live table
    ``resource_id``: :data:`REPLACES_KEY`), or None. One query."""
    if not isinstance(resource_id, str) or not resource_id:
        return None
    resources = StagedRevision.data["resources"]
    return model.Session.execute(sa.select(StagedRevision).where(sa.or_(
        resources.contains([{"id": resource_id}]),
        resources.contains([{REPLACES_KEY: resource_id}])))).scalars().first()


def resource_position(resources: list[dict[str, Any]], resource_id: str) -> Optional[int]:
    """The position in ``resources`` (a dataset's, staged or live) of the
    table ``resource_id``: its own, or the new file replacing it."""
    for key in ("id", REPLACES_KEY):
        for index, res in enumerate(resources):
            if res.get(key) == resource_id:
                return index
    return None


def skip_activity(object_id: Optional[str]) -> bool:
    """Whether the activity about to be created for ``object_id`` belongs to
    a staged (not applied) update; consumes the mark."""
    marks = model.Session.info.get(_NO_ACTIVITY)
    if not marks or object_id not in marks:
        return False
    marks.discard(object_id)
    return True


def staged_view(context: Context, pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """For an editor of the dataset reading it to update or edit it
    (``for_update``/``for_edit``), the staged revision instead of the live
    dictionary; everyone else gets ``pkg_dict`` unchanged."""
    if bypasses_lock(context, pkg_dict.get("id")) or context.get("ignore_auth"):
        return pkg_dict
    staged = staged_for(pkg_dict.get("id"))
    if staged is None:
        return pkg_dict
    try:
        tk.check_access("package_update", {"user": context.get("user")},  # type: ignore
                        {"id": pkg_dict["id"]})
    except tk.NotAuthorized:
        return pkg_dict
    data = copy.deepcopy(staged.data)
    if context.get("for_edit"):
        # the edit form writes its tags from the live dataset's unless given
        # (a revision's tags were not shown, and its next save removed them)
        data["tag_string"] = ", ".join(
            t["name"] for t in data.get("tags") or [] if isinstance(t, dict) and t.get("name"))
    return data


# -- periods ------------------------------------------------------------------------------

def _stamps(package_id: str) -> dict[str, Optional[str]]:
    """``{resource id: round id}`` of every resource the dataset ever had
    (deleted ones included), as stored by the engine. One query."""
    rows = model.Session.execute(
        sa.select(model.Resource.id, model.Resource.extras)
        .where(model.Resource.package_id == package_id)).all()
    return {rid: (extras or {}).get(ROUND_KEY) for rid, extras in rows}


def round_order(package_id: str) -> dict[str, int]:
    """The position of each of the dataset's rounds, oldest first."""
    return {r.round_id: i for i, r in enumerate(package_requests(package_id))}


#: the resource fields whose change counts as changing a table
_RESOURCE_FIELDS = ("name", "url", "format", "description", PERIOD_KEY)


def table_value(res: dict[str, Any], key: str) -> Any:
    """A table's ``key`` as compared between versions: an uploaded file's
    address by its file name (CKAN writes the download address in the
    language of the page that read it: a revision read on an Indonesian page
    held "/id/dataset/…" and every table of it counted as changed)."""
    value = res.get(key) or ""
    if key == "url" and res.get("url_type") == "upload" and isinstance(value, str):
        return value.rsplit("/", 1)[-1]
    return value


def refuse_other_periods(request: DataRequest, resources: list[dict[str, Any]]) -> None:
    """A new period's staged revision may add and change its own tables
    only: a ``ValidationError`` when it changes or removes a live table of
    another period (that is a revision of that period's request; an
    unstamped live table was published before the periods)."""
    changed = _changed_table(request.package_id or "", resources,
                             lambda stamp: stamp != request.round_id)
    if changed:
        raise tk.ValidationError({"resources": [tk._(
            "This request adds a new period to the dataset: the tables of the "
            "other periods cannot be changed or removed in it (\"%(name)s\" is "
            "one). To correct an earlier period, revise that period's request "
            "once this one is published.") % {"name": changed}]})


def refuse_archived_periods(package_id: str, resources: list[dict[str, Any]]) -> None:
    """A ``ValidationError`` when a staged change changes, replaces or
    removes a live table of an archived period: archived data stays as it
    was archived (a table of the archived 2091 period was changed through
    the 2095 period's revision, its reviewers not told it was archived)."""
    archived = {r.round_id for r in package_requests(package_id)
                if r.state == State.ARCHIVED.value}
    changed = _changed_table(package_id, resources, archived.__contains__) \
        if archived else None
    if changed:
        raise tk.ValidationError({"resources": [tk._(
            "The table \"%(name)s\" belongs to an archived period: archived data is "
            "not changed or removed") % {"name": changed}]})


def _changed_table(package_id: str, resources: list[dict[str, Any]],
                   of_period: Callable[[Optional[str]], bool]) -> Optional[str]:
    """The name of the first live table whose period (its round's id, None
    for a table stamped with none) ``of_period`` keeps that ``resources`` (a
    staged version) changes, replaces or removes; None."""
    stamps, staged = _stamps(package_id), {r.get("id"): r for r in resources}
    replaced = {r.get(REPLACES_KEY) for r in resources}
    for res in live_dict(package_id).get("resources") or []:
        if not of_period(stamps.get(res["id"])):
            continue
        mine = staged.get(res["id"])
        if mine is None or res["id"] in replaced or any(
                table_value(mine, k) != table_value(res, k) for k in _RESOURCE_FIELDS):
            return res.get("name") or res["id"]
    return None


def new_period_resources(request: DataRequest) -> list[dict[str, Any]]:
    """The tables a new-period request adds: those of its staged revision
    that the dataset does not have yet."""
    staged = staged_for(request.package_id)
    if staged is None or staged.request_id != request.id:
        return []
    stamps = _stamps(request.package_id or "")
    return [r for r in (staged.data.get("resources") or []) if r.get("id") not in stamps
            or stamps[r.get("id")] == request.round_id]


def other_periods_tables(request: DataRequest) -> set[str]:
    """The ids of the tables of the dataset's other periods: those published
    with another round's request (and, for a request adding a new period,
    :func:`is_period_request`, the tables published before periods were
    recorded). They were checked against their own period's metadata when it
    was published, and this request cannot change them
    (:func:`refuse_other_periods`): a later period's metadata (its data year)
    does not hold back this one's submission or revision."""
    if not request.package_id:
        return set()
    stamps = _stamps(request.package_id)
    if is_period_request(request):
        return {rid for rid, stamp in stamps.items() if stamp != request.round_id}
    return {rid for rid, stamp in stamps.items()
            if stamp is not None and stamp != request.round_id}


def period_errors(request: DataRequest) -> dict[str, list[str]]:
    """A new period is submitted with at least one table of its own."""
    if is_period_request(request) and not new_period_resources(request):
        return {"resources": [tk._(
            "This request adds a new period to a published dataset: add the "
            "period's data table before submitting it")]}
    return {}


def _withdrawn_resources(request: DataRequest) -> list[dict[str, Any]]:
    """The resources (dictionaries) the request's latest withdrawal took out
    of its dataset, as noted in the event's data (:func:`_note_withdrawn`).

    CKAN marks a resource left out of a ``package_update`` deleted, and
    purges the deleted ones at the next ``package_update`` of the dataset:
    by the time the period is published again its rows may be gone (another
    period withdrawn, revised or published meanwhile). A resource whose row
    is gone comes back from the copy noted with the withdrawal, under its
    own id (so its uploaded file, kept under that id, is served again)."""

    rows = model.Session.execute(
        sa.select(RequestEvent.transition, RequestEvent.data)
        .where(RequestEvent.request_id == request.id,
               RequestEvent.transition.in_(("publish", "withdraw")))
        .order_by(RequestEvent.version.desc()).limit(2)).all()
    if rows and rows[0][0] == "publish":
        rows = rows[1:]  # the publication being made now
    if not rows or rows[0][0] != "withdraw":
        return []  # published since: nothing to restore
    noted = rows[0][1] or {}
    copies = noted.get("tables") or {}
    ids = list(noted.get("resources") or [])
    rows = {r.id: r for r in model.Session.execute(
        sa.select(model.Resource).where(model.Resource.id.in_(ids))).scalars()} if ids else {}
    result = []
    for rid in ids:
        res = rows.get(rid)
        if res is not None and res.package_id in (request.package_id, None):
            restored = model_dictize.resource_dictize(res, {"model": model})
        elif res is None and rid in copies:
            restored = copy.deepcopy(copies[rid])
        else:
            continue
        restored.pop("state", None)
        restored.pop("package_id", None)
        result.append(restored)
    return result


#: the longest period a table carries (the dataset schema's ``period``)
PERIOD_LENGTH = 100


def period_label(round_: CollectionRound) -> str:
    """The period a round's tables are labelled with: its title, within the
    table's limit (a round titled in 139 characters made every publication
    of it refused over a field its publisher never sees)."""
    label = round_.title or ""
    return label if len(label) <= PERIOD_LENGTH else label[:PERIOD_LENGTH - 1].rstrip() + "…"


def _period_resources(request: DataRequest, resources: list[dict[str, Any]]
                      ) -> list[dict[str, Any]]:
    """The resources of the dataset once ``request`` is published: those of
    its public periods (this one included), each stamped with its round;
    new ones belong to this request's period; the period's resources that
    its withdrawal took out come back. Ordered by period."""
    package_id = request.package_id or ""
    stamps = _stamps(package_id)
    public_rounds = {r.round_id for r in package_requests(package_id)
                     if r.id == request.id or dataset_public(r)}
    round_ = model.Session.get(CollectionRound, request.round_id)
    label = period_label(round_) if round_ else None
    ids = {r.get("id") for r in resources}
    for restored in _withdrawn_resources(request):
        if restored.get("id") not in ids:
            resources.append(restored)
    # a live table published before resources carried their period belongs
    # to the period that published the dataset before this one
    earlier = [r for r in package_requests(package_id)
               if r.id != request.id and dataset_public(r)]
    legacy = earlier[-1].round_id if earlier else request.round_id
    result = []
    dropped: dict[str, list[dict[str, Any]]] = {}
    for res in resources:
        rid = res.get("id")
        stamp = stamps.get(rid) or (legacy if rid in stamps else request.round_id)
        if stamp not in public_rounds:
            # a period withdrawn meanwhile stays out (and comes back with it)
            dropped.setdefault(stamp, []).append(dict(res, **{ROUND_KEY: stamp}))
            continue
        res = dict(res, **{ROUND_KEY: stamp})
        if stamp == request.round_id and not res.get(PERIOD_KEY) and label:
            res[PERIOD_KEY] = label
        result.append(res)
    for other in package_requests(package_id):
        if other.round_id in dropped:
            _note_withdrawn(other, dropped[other.round_id], add=True)
    order = round_order(package_id)
    return sorted(result, key=lambda r: order.get(r[ROUND_KEY], len(order)))


def _note_withdrawn(request: DataRequest, resources: list[dict[str, Any]],
                    add: bool = False) -> None:
    """Keep in the request's latest withdrawal the resources it took out of
    the dataset (``add``: besides those already noted), their ids and a
    copy of each (CKAN may purge their rows before the period is published
    again), so that publishing it again restores them."""
    event = _latest_event(request, "withdraw")
    if event is None:
        return
    data = event.data or {}
    noted = list(data.get("resources") or []) if add else []
    copies = dict(data.get("tables") or {}) if add else {}
    for res in resources:
        if res["id"] not in noted:
            noted.append(res["id"])
        if res["id"] not in copies:  # the copy taken at the withdrawal stays
            copies[res["id"]] = {k: v for k, v in res.items()
                                 if k not in ("state", "package_id")}
    event.data = dict(data, resources=noted, tables=copies)


def _latest_event(request: DataRequest, transition: str) -> Any:
    """The request's latest event of ``transition`` (a ``RequestEvent``)."""
    from ..model import RequestEvent

    return model.Session.execute(
        sa.select(RequestEvent)
        .where(RequestEvent.request_id == request.id, RequestEvent.transition == transition)
        .order_by(RequestEvent.version.desc()).limit(1)).scalar()


def table_withdrawn_at(package_id: str, resource_id: str) -> Optional[datetime.datetime]:
    """When the walidata withdrew the period holding table ``resource_id``
    of the public dataset ``package_id`` (the dataset's other periods stay
    public), if that period is still withdrawn; else None. One query."""
    from ..model import RequestEvent

    return model.Session.execute(
        sa.select(sa.func.max(RequestEvent.timestamp))
        .join(DataRequest, DataRequest.id == RequestEvent.request_id)
        .where(DataRequest.package_id == package_id,
               DataRequest.state == State.WITHDRAWN.value,
               RequestEvent.transition == "withdraw",
               RequestEvent.data["resources"].contains([resource_id]))).scalar()


def _note_period_only(request: DataRequest, transition: str) -> None:
    """Mark the request's latest ``transition`` event as acting on its
    period only (the dataset's other periods stay published): its e-mail
    says so."""
    event = _latest_event(request, transition)
    if event is not None:
        event.data = dict(event.data or {}, period_only=True)


def _point_record(record: Dissemination, package_id: str) -> None:
    """The dataset's record names its latest published period; it is
    archived once no period is published any more."""
    public = [r for r in package_requests(package_id) if dataset_public(r)]
    if not public:
        return
    published = [r for r in public if r.state != State.ARCHIVED.value]
    latest = (published or public)[-1]
    record.request_id = latest.id
    record.round_id = latest.round_id
    if published:
        record.status = "published"
        record.archived_at = None
    elif record.status != "archived":
        # its only public period is archived (the published one withdrawn
        # since): it read "published", in the default search, a next
        # release expected
        record.status = "archived"
        record.archived_at = utcnow()


# -- publication ------------------------------------------------------------------------

def _user_id(user_name: Optional[str]) -> Optional[str]:
    user = roles.user_obj(user_name)
    return user.id if user else None


def live_dict(package_id: str) -> dict[str, Any]:
    """The live package dictionary, as the engine reads it (no staging)."""
    result = tk.get_action("package_show")(
        {"ignore_auth": True, ENGINE: True, "use_cache": False,  # type: ignore
         "for_view": False}, {"id": package_id})
    result.pop(DICT_KEY, None)
    return result


#: an activity whose dataset snapshot holds one of the tables ``:tables``
_HOLDS_TABLES = (
    "EXISTS (SELECT 1 FROM jsonb_array_elements("
    "CASE WHEN jsonb_typeof(data::jsonb -> 'package' -> 'resources') = 'array' "
    "THEN data::jsonb -> 'package' -> 'resources' ELSE '[]'::jsonb END) AS r "
    "WHERE r ->> 'id' = ANY(:tables))")


def _relabel_activities(package_id: str, hide: bool, tables: Iterable[str] = ()) -> None:
    """Hide the public activities of a withdrawn dataset from the public (and
    show them again when it is published again). With ``tables`` (a period
    withdrawn from a dataset that stays public): hide only the activities
    whose snapshot holds one of them (their names, descriptions and the
    changes page showed the withdrawn period), or show again all but those.
    ``activity.permission_labels`` is a PostgreSQL text array (the activity
    plugin's own filter uses ``&&``)."""
    if not plugins.plugin_loaded("activity"):
        return
    pkg = model.Package.get(package_id)
    assert pkg is not None
    tables = [t for t in tables if t]
    if hide:
        labels, marker = [f"member-{pkg.owner_org}", WITHDRAWN_LABEL], "public"
    else:
        labels, marker = ["public"], WITHDRAWN_LABEL
    holding = f" AND {'' if hide else 'NOT '}{_HOLDS_TABLES}" if tables else ""
    model.Session.execute(
        sa.text("UPDATE activity SET permission_labels = :labels "
                "WHERE object_id = :package_id AND :marker = ANY(permission_labels)"
                + holding),
        {"labels": labels, "package_id": package_id, "marker": marker, "tables": tables})


def _withheld_tables(package_id: str, publishing_id: str) -> list[str]:
    """The tables of the dataset's other periods withdrawn now (their
    activities stay hidden when ``publishing_id`` is published)."""
    return [str(res.get("id")) for other in package_requests(package_id)
            if other.id != publishing_id and other.state == State.WITHDRAWN.value
            for res in _withdrawn_resources(other)]


@contextlib.contextmanager
def search_required() -> Iterator[None]:
    """Run a transaction that changes a dataset and commits: when the search
    index cannot be reached (CKAN raises ``SearchIndexError``, from the
    commit or from :func:`reindex`), roll it back whole and refuse with a
    translated message instead of CKAN's 500."""
    try:
        yield
    except search.SearchIndexError as e:
        log.warning("Search index unreachable, the transaction is rolled back: %s", e)
        model.Session.rollback()
        raise tk.ValidationError({"search": [tk._(
            "The search index cannot be reached right now, so the dataset cannot "
            "change its visibility. Nothing was changed; try again in a moment.")]}) from e


def replaceable_tables(request: dict[str, Any]) -> set[str]:
    """The ids of the live tables of a request's dataset (``request``:
    ``satudata_request_show``'s answer) whose file may be replaced for it:
    none while another request of the dataset is working on it (a new
    period's: the save of this one's table is refused), a new period's own
    tables only."""
    dataset = request.get("dataset") or {}
    pkg = model.Package.get(dataset.get("id") or "")
    if pkg is None or any(other.id != request["id"] and other.state not in FINISHED
                          for other in package_requests(pkg.id)):
        return set()
    ids = {res.id for res in pkg.resources}
    if request.get("new_period"):
        ids &= {res["id"] for res in request.get("new_period_resources") or []}
    return ids


def reindex(package_id: str) -> None:
    """Index the dataset again (its publication facts changed without a
    package change); runs in the current transaction's view."""
    model.Session.flush()
    search.rebuild(package_id)


def reindex_round(round_id: str) -> None:
    """Index again the public datasets published in a round (their facts
    carry its title); one index commit."""
    model.Session.flush()
    _reindex_all(model.Session.execute(
        sa.select(Dissemination.package_id).where(
            Dissemination.round_id == round_id,
            Dissemination.status.in_(LIVE_STATUSES))).scalars().all())


def _reindex_all(package_ids: list[str]) -> None:
    """Index the datasets again, in one index commit."""
    if not package_ids:
        return
    index = search.index_for(model.Package)
    for package_id in package_ids:
        index.update_dict(tk.get_action("package_show")(
            {"ignore_auth": True, "use_cache": False, "validate": False},  # type: ignore
            {"id": package_id}), defer_commit=True)
    index.commit()


def index_created(package_ids: list[str]) -> None:
    """Index the datasets created in this transaction (not committed yet)
    together, in one index commit, and leave them out of CKAN's commit-time
    indexing: that indexes a new dataset twice (as new, and as changed
    through its new tags and members), each time with an index commit of its
    own, which made a round's send (a dataset per item) take a minute for a
    few hundred items. Raises ``SearchIndexError`` as the commit would, so
    the transaction is not made when the index cannot be reached."""
    if not package_ids:
        return
    model.Session.flush()
    _reindex_all(package_ids)
    cache = getattr(model.Session(), "_object_cache", None)  # ckan.model.meta
    ours = set(package_ids)
    for objects in (cache or {}).values():
        for obj in list(objects):
            if isinstance(obj, model.Package):
                related = {obj.id}
            elif isinstance(obj, model.Resource):
                continue  # other observers are told of a new table (xloader)
            else:
                try:
                    related = {pkg.id for pkg in obj.related_packages()}
                except AttributeError:
                    continue
            if related and related <= ours:
                objects.discard(obj)


def reindex_group(group: model.Group) -> None:
    """Index again every active dataset of the organization or group ``group``
    (renamed: CKAN indexes none of them again, and the search pages listed
    the OPD's datasets in progress under its old name and title, with a
    facet of an OPD that no longer existed); one index commit."""
    model.Session.flush()
    if group.is_organization:
        where = model.Package.owner_org == group.id
    else:
        where = model.Package.id.in_(sa.select(model.Member.table_id).where(
            model.Member.group_id == group.id, model.Member.table_name == "package",
            model.Member.state == "active"))
    _reindex_all(model.Session.execute(sa.select(model.Package.id).where(
        where, model.Package.state == "active")).scalars().all())


def after_transition(context: Context, request: DataRequest, transition: str,
                     from_state: State, note: Optional[str]) -> None:
    """The dataset side of a transition, in its transaction (called by the
    engine after the request changed): the dataset is made public or private
    as :func:`dataset_public` says, a reviewed staged revision is applied on
    publication, and a release is pending only while the request is
    scheduled (published: released, by :func:`publish`). ``note`` is the
    transition's (a withdrawal's reason)."""
    if request.state != State.SCHEDULED.value and transition != "publish":
        unschedule(request)
    pkg = model.Package.get(request.package_id or "")
    if pkg is None:
        if transition == "publish":
            raise tk.ValidationError({"package_id": [tk._(
                "No dataset is linked to this request")]})
        return
    if transition == "publish":
        publish(context, request, scheduled=from_state == State.SCHEDULED,
                reviewed=from_state in (State.READY, State.SCHEDULED)
                or (from_state == State.WITHDRAWN and _approved_when_withdrawn(request)))
    elif transition == "withdraw":
        withdraw(context, request, note)
    elif transition == "archive":
        archive(context, request)
    elif transition == "cancel":
        staged = staged_for(pkg.id)
        if staged is not None and staged.request_id == request.id:
            # a cancelled new period: its staged tables never go live
            model.Session.delete(staged)
    if transition not in ("publish", "withdraw") and not pkg.private \
            and not package_public(pkg.id):
        # a safety net: nothing stays public that none of its requests makes so
        withdraw(context, request, note)


def _approved_when_withdrawn(request: DataRequest) -> bool:
    """Whether the revision staged for ``request`` had been approved (ready
    or scheduled) when its data was withdrawn, and is unchanged since: the
    last approved version, which publishing the data again brings (it
    brought the version before it, the approval silently dropped)."""
    staged = staged_for(request.package_id or "")
    if staged is None or staged.request_id != request.id:
        return False
    withdrawal = model.Session.execute(
        sa.select(RequestEvent).where(RequestEvent.request_id == request.id,
                                      RequestEvent.transition == "withdraw")
        .order_by(RequestEvent.timestamp.desc()).limit(1)).scalar_one_or_none()
    return (withdrawal is not None
            and withdrawal.from_state in (State.READY.value, State.SCHEDULED.value)
            and staged.modified <= withdrawal.timestamp)


def _publisher(request: DataRequest, user: Optional[str]) -> Optional[str]:
    """Whom the dataset's activity names as publishing it: the officer who
    scheduled a release the portal's own account publishes (CKAN hides that
    account's activity: a scheduled release left no trace in the dataset's
    and the OPD's public streams), else ``user``."""
    if not is_site_user(user):
        return user
    return model.Session.execute(
        sa.select(model.User.name)
        .join(RequestEvent, RequestEvent.user_id == model.User.id)
        .where(RequestEvent.request_id == request.id,
               RequestEvent.to_state == State.SCHEDULED.value,
               model.User.state == "active")
        .order_by(RequestEvent.timestamp.desc()).limit(1)).scalar() or user


def publish(context: Context, request: DataRequest, *, reviewed: bool = True,
            scheduled: bool = False) -> Dissemination:
    """Make the request's dataset public: apply its staged revision if it
    belongs to this request and was ``reviewed`` (published from
    ``ready``/``scheduled``, after verification and approval), otherwise
    turn the last approved version public; record the publication; mark a
    pending scheduled release as released (``scheduled``: the request was
    scheduled; the portal's account publishing it names its scheduler in
    the dataset's activity)."""
    pkg = model.Package.get(request.package_id or "")
    if pkg is None or pkg.state != "active":
        raise tk.ValidationError({"package_id": [tk._(
            "No dataset is linked to this request")]})
    user = context.get("user")
    now = utcnow()
    record = record_for(pkg.id)

    staged = staged_for(pkg.id) if reviewed else None
    if staged is not None and staged.request_id not in (None, request.id):
        staged = None  # never somebody else's unreviewed edits
    data = copy.deepcopy(staged.data) if staged is not None else live_dict(pkg.id)
    data.pop(DICT_KEY, None)
    data["id"] = pkg.id
    data["state"], data["type"] = "active", pkg.type
    resources = data.get("resources") or []
    live_created = {r.id: r.created for r in pkg.resources}
    kept = {r.get("id") for r in resources}
    for res in resources:
        origin = res.pop(REPLACES_KEY, None)
        if origin in live_created and origin not in kept:
            # the new file takes the place of the published one: the table
            # keeps its id, its address, its views and its DataStore table
            # (loaded again from the new file)
            if storage.take_place(res["id"], origin):
                DataCheck.move(res["id"], origin)
                # a new file: its table waits for its load (``package_update``)
                res["last_modified"] = utcnow()
            res["id"] = origin
            res["created"] = live_created[origin].isoformat() if live_created[origin] else None
    data["resources"] = _period_resources(request, copy.deepcopy(resources))
    changed = False
    if staged is not None or pkg.private or _changed(resources, data["resources"]):
        data["private"] = False
        tk.get_action("package_update")(
            engine_context(_publisher(request, user) if scheduled else user), data)
        changed = True
    if staged is not None:
        model.Session.delete(staged)
    elif changed:
        # a period published again: its tables go back into the revision
        # another period staged meanwhile (which its withdrawal had taken
        # them out of): that revision's publication deleted them
        stamps = _stamps(pkg.id)
        _restage_tables(pkg.id, request, [
            r for r in live_dict(pkg.id).get("resources") or []
            if stamps.get(r["id"]) == request.round_id])

    if record is None:
        record = Dissemination(package_id=pkg.id, first_published_at=now)
        model.Session.add(record)
    record.owner_org = pkg.owner_org or request.owner_org
    record.status = "published"
    record.published_at = now
    record.published_by = _user_id(user)
    record.archived_at = None
    record.modified = now
    _point_record(record, pkg.id)

    pending = model.Session.execute(
        sa.select(Release).where(Release.request_id == request.id,
                                 Release.status == "scheduled")).scalars().all()
    for release in pending:
        release.status = "released"
        release.released_at = now
    # the history a withdrawal hid (the whole dataset's, or this period's),
    # but the activities holding another period still withdrawn
    _relabel_activities(pkg.id, hide=False, tables=_withheld_tables(pkg.id, request.id))
    model.Session.flush()
    if not changed:
        reindex(pkg.id)
    return record


def _changed(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> bool:
    """Whether the resources (their ids, order, periods) differ."""
    def key(resources: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(r.get("id"), r.get(ROUND_KEY), r.get(PERIOD_KEY)) for r in resources]
    return key(before) != key(after)


def _hide_round_publication(context: Context, request: DataRequest) -> None:
    """Take the round's publication (its book and compilation hold the data
    just withdrawn) off the public in the withdrawal's transaction; its
    rebuild (``refresh_publication``, owed with the step) shows it again
    without that data. It stayed downloadable until the job ran, with no
    end if the jobs worker was down."""
    package_id = model.Session.execute(
        sa.select(Publication.package_id).where(Publication.round_id == request.round_id)
    ).scalar_one_or_none()
    pkg = model.Package.get(package_id) if package_id else None
    if pkg is not None and pkg.state == "active" and not pkg.private:
        tk.get_action("package_patch")(engine_context(context.get("user")),
                                       {"id": pkg.id, "private": True})


def withdraw(context: Context, request: DataRequest, reason: Optional[str]) -> Optional[Dissemination]:
    """Make a published dataset private again (with the reason on record) and
    hide its past activities from the public. A staged revision is kept: the
    producers may send it through review (``revise``).

    When another period of the dataset stays public, only this period's
    resources leave it (see the module docstring)."""
    pkg = model.Package.get(request.package_id or "")
    if pkg is None:
        return None
    _hide_round_publication(context, request)
    record = record_for(pkg.id)
    now = utcnow()
    if record is not None and package_public(pkg.id):
        _withdraw_period(context, request, pkg, record)
        return record
    if not pkg.private:
        data = live_dict(pkg.id)
        data["private"] = True
        tk.get_action("package_update")(engine_context(context.get("user")), data)
    if record is not None:
        record.status = "withdrawn"
        record.withdrawn_at = now
        record.withdrawn_reason = reason
        record.modified = now
    model.Session.flush()
    _relabel_activities(pkg.id, hide=True)
    return record


def _withdraw_period(context: Context, request: DataRequest, pkg: model.Package,
                     record: Dissemination) -> None:
    """Take the period of ``request`` out of a dataset that stays public:
    its resources are removed (their ids kept in the withdrawal's event so
    that publishing the period again restores them)."""
    stamps = _stamps(pkg.id)
    data = live_dict(pkg.id)
    resources = data.get("resources") or []
    mine = [r for r in resources if stamps.get(r["id"]) == request.round_id]
    _note_withdrawn(request, copy.deepcopy(mine))
    _note_period_only(request, "withdraw")
    if mine:
        taken = {r["id"] for r in mine}
        _unstage_tables(pkg.id, request, taken)
        data["resources"] = [r for r in resources if r["id"] not in taken]
        tk.get_action("package_update")(engine_context(context.get("user")), data)
        _relabel_activities(pkg.id, hide=True, tables=taken)
    record.modified = utcnow()
    _point_record(record, pkg.id)
    model.Session.flush()
    if not mine:
        reindex(pkg.id)


def _unstage_tables(package_id: str, request: DataRequest, taken: set[str]) -> None:
    """Take the tables ``taken`` (a withdrawn period's) out of the revision
    another request has staged: it held them as they were read when it was
    staged, and a producer could still change them there."""
    staged = lock_staged(package_id)
    if staged is None or staged.request_id == request.id:
        return
    resources = staged.data.get("resources") or []
    kept = [r for r in resources
            if r.get("id") not in taken and r.get(REPLACES_KEY) not in taken]
    if len(kept) != len(resources):
        staged.data = dict(staged.data, resources=kept)


def _restage_tables(package_id: str, request: DataRequest,
                    tables: list[dict[str, Any]]) -> None:
    """Put ``tables`` (a period's, published again) back into the revision
    another request has staged, as they are now live: :func:`_unstage_tables`
    took them out at the period's withdrawal."""
    staged = lock_staged(package_id)
    if staged is None or staged.request_id == request.id or not tables:
        return
    resources = list(staged.data.get("resources") or [])
    held = {r.get("id") for r in resources} | {r.get(REPLACES_KEY) for r in resources}
    missing = [copy.deepcopy(t) for t in tables if t["id"] not in held]
    if not missing:
        return
    # in the order of their periods, as the publication orders them
    stamps, order = _stamps(package_id), round_order(package_id)
    staging = model.Session.get(DataRequest, staged.request_id) if staged.request_id else None
    own = staging.round_id if staging is not None else None
    staged.data = dict(staged.data, resources=sorted(
        resources + missing,
        key=lambda r: order.get(stamps.get(r.get("id")) or r.get(ROUND_KEY) or own, len(order))))


def archive(context: Context, request: DataRequest) -> Dissemination:
    """Archive a published dataset: it stays reachable by its URL with a
    banner but leaves the default search. A period of a dataset whose other
    periods are still published is archived alone: its resources stay,
    labelled archived."""
    pkg = model.Package.get(request.package_id or "")
    record = record_for(pkg.id if pkg else None)
    if pkg is None or record is None:
        raise tk.ValidationError({"package_id": [tk._(
            "The dataset of this request was never published")]})
    staged = lock_staged(pkg.id)
    periods = [r for r in package_requests(pkg.id) if r.id != request.id]
    others = [r for r in periods if r.state == State.PUBLISHED.value]
    if others and staged is not None and (staged.request_id == request.id or _changed_table(
            pkg.id, staged.data.get("resources") or [], lambda stamp: stamp == request.round_id)):
        # one period archived with a correction of it staged while another
        # stays published: the producers could no longer change the dataset
        # at all (every edit held that correction). (A dataset archived
        # whole keeps its changes for its producers to discard.)
        raise tk.ValidationError({"state": [tk._(
            "Changes to this period are staged (not yet reviewed): have them reviewed "
            "and published, or discarded, before archiving it")]})
    collecting = [r for r in periods if r.state in ACTIVE_STATES and not r.revision_of]
    if collecting and not others:
        # archived whole, the dataset is changed no more: the producers of
        # its new period could not add their table, nor submit without one
        raise tk.ValidationError({"state": [tk._(
            "A new period of this dataset is being collected (%(round)s): archive the "
            "dataset once that period is published, or cancel its request first") % {
                "round": _round_title(collecting[0].round_id) or "?"}]})
    now = utcnow()
    record.status = "archived"
    record.archived_at = now
    record.modified = now
    # its public record changed (archived, updated no more): a harvest of
    # what changed since (``modified_since``) reads it again
    pkg.metadata_modified = now
    _point_record(record, pkg.id)
    if record.status == "published":  # another period stays published
        _note_period_only(request, "archive")
    reindex(pkg.id)
    return record


# -- scheduled releases ------------------------------------------------------------------

def pending_release(request_id: str) -> Optional[Release]:
    return model.Session.execute(
        sa.select(Release).where(Release.request_id == request_id,
                                 Release.status == "scheduled")).scalar_one_or_none()


def refuse_once_due(pending: Optional[Release]) -> None:
    """A ``ValidationError`` when the announced time of the release
    ``pending`` has come: ``release-due`` publishes it, it is neither
    cancelled nor moved (the calendar announced it; ended then, it silently
    did not happen): it is withdrawn once public if it must not be."""
    if pending is not None and pending.release_at <= utcnow():
        raise tk.ValidationError({"state": [tk._(
            "The announced release time has come: the data is being published. "
            "Withdraw it once it is public if it must not be")]})


def schedule(context: Context, request: DataRequest,
             release_at: datetime.datetime, reason: Optional[str] = None) -> Release:
    """Set (or move) the release time of a ready request. ``release_at`` is
    naive UTC. The announced title is the dataset's title now.

    Moving an announced release to a later time is a postponement: it
    needs a ``reason``, which the public calendar shows beside the time
    first announced. Moving it back to that time or earlier ends the
    postponement. Every change of time counts in ``sequence``."""
    pkg = model.Package.get(request.package_id or "")
    if pkg is None:
        raise tk.ValidationError({"package_id": [tk._(
            "No dataset is linked to this request")]})
    release = pending_release(request.id)
    if release is None:
        release = Release(id=model.types.make_uuid(), request_id=request.id,
                          status="scheduled", sequence=0,
                          created_by=_user_id(context.get("user")))
        model.Session.add(release)
    elif release_at != release.release_at:
        if release_at > release.release_at:
            if not reason:
                raise tk.ValidationError({"reason": [tk._(
                    "Give the reason for postponing the announced release")]})
            release.first_release_at = release.first_release_at or release.release_at
            release.postpone_reason = reason
        elif release.first_release_at and release_at <= release.first_release_at:
            release.first_release_at = release.postpone_reason = None
        release.sequence = (release.sequence or 0) + 1
    release.package_id = pkg.id
    release.owner_org = pkg.owner_org or request.owner_org
    release.title = pkg.title or pkg.name
    release.release_at = release_at
    release.modified = utcnow()
    model.Session.flush()
    return release


def unschedule(request: DataRequest) -> Optional[Release]:
    release = pending_release(request.id)
    if release is not None:
        release.status = "cancelled"
        release.modified = utcnow()
    return release


def due_releases(now: Optional[datetime.datetime] = None,
                 limit: int = 100) -> list[tuple[Release, int]]:
    """Pending releases whose time has come (oldest first), at most
    ``limit``, each with the version of its request as it was due (read in
    the same statement: a postponement committed after it is a change the
    release's publication is refused for)."""
    now = now or utcnow()
    return list(model.Session.execute(
        sa.select(Release, DataRequest.version)
        .join(DataRequest, DataRequest.id == Release.request_id)
        .where(Release.status == "scheduled", Release.release_at <= now,
               DataRequest.state == State.SCHEDULED.value)
        .order_by(Release.release_at, Release.id)
        .limit(limit)).all())


# -- search -------------------------------------------------------------------------------

def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add the publication status and date to a dataset's index document,
    and keep the public facts (or their absence) in the validated
    dictionary the index returns to ``package_show`` and ``package_search``
    (:func:`show_facts` and :func:`add_search_facts` then need no query).

    ``pkg_dict`` is what ``package_show`` gave the indexer: the facts are
    already in it (``after_dataset_show``)."""
    facts = pkg_dict.pop(DICT_KEY, None)
    if isinstance(facts, str):  # the index flattens dictionaries to JSON
        try:
            facts = json.loads(facts)
        except ValueError:
            facts = None
    if not isinstance(facts, dict):
        facts = None
    if facts:
        pkg_dict[STATUS_FIELD] = facts.get("status")
        if facts.get("published"):
            pkg_dict[PUBLISHED_FIELD] = facts["published"][:19] + "Z"
    validated = pkg_dict.get("validated_data_dict")
    if isinstance(validated, str):
        shown = json.loads(validated)
        shown[DICT_KEY] = facts
        for res in shown.get("resources") or []:
            if isinstance(res, dict) and res.get("url_type") == "upload":
                res["url"] = _without_language(res.get("url"))
        pkg_dict["validated_data_dict"] = json.dumps(shown)
    if isinstance(pkg_dict.get("res_url"), list):
        pkg_dict["res_url"] = [_without_language(url) for url in pkg_dict["res_url"]]
    return pkg_dict


def _without_language(url: Any) -> Any:
    """An uploaded file's address without the language of the page that
    indexed its dataset: CKAN writes it with the indexing request's prefix
    ("/en/…/download/…"), and ``package_show`` and search serve that copy
    to every reader, the DCAT feed to the national portal too."""
    if not isinstance(url, str):
        return url
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    for lang in tk.config.get("ckan.locales_offered") or []:
        prefix = f"{site}/{lang}/"
        if url.startswith(prefix):
            return f"{site}/{url[len(prefix):]}"
    return url


#: set while the DCAT catalogue is built (:func:`catalog_order`)
_catalog_search: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "satudata_catalog_search", default=False)

#: ckanext-dcat's order of the catalogue's pages, and the portal's
CATALOG_SORT = ("metadata_modified desc", "metadata_created asc, id asc")


@contextlib.contextmanager
def catalog_order() -> Iterator[None]:
    """The DCAT catalogue's searches in the order the datasets came
    (:func:`search_params`): ckanext-dcat pages it by offset, the latest
    changed first, so a dataset revised or published while a harvester read
    the pages went to page 1, one of the pages not yet read slid up past it,
    and the national portal's harvest left that public dataset out (and
    deletes what a whole run misses)."""
    token = _catalog_search.set(True)
    try:
        yield
    finally:
        _catalog_search.reset(token)


def search_params(search_params: dict[str, Any]) -> dict[str, Any]:
    """Leave archived datasets out of every search that does not ask for
    them: a query or filter naming ``satudata_status`` is left alone. The
    DCAT catalogue's pages in a stable order (:func:`catalog_order`), and
    with the archived datasets: they stay public, and a national portal
    harvesting the catalogue deletes what a whole run misses."""
    if _catalog_search.get():
        # the pages' search (it leaves out dcat's harvest and showcase types),
        # not dcat's one-row look-up of the latest change, the catalogue's
        # dct:modified (turned over, it gave the oldest: a harvester reading
        # it saw no change all day)
        pages = any(f.startswith("-dataset_type:") for f in search_params.get("fq_list") or [])
        if pages and search_params.get("sort") == CATALOG_SORT[0]:
            search_params["sort"] = CATALOG_SORT[1]
        return search_params
    fq = search_params.get("fq") or ""
    q = search_params.get("q") or ""
    fq_list = search_params.get("fq_list") or []
    asked = STATUS_FIELD in fq or STATUS_FIELD in q or any(
        STATUS_FIELD in f for f in fq_list)
    if not asked:
        search_params["fq"] = (fq + " -" + STATUS_FIELD + ":archived").strip()
    return search_params


# -- public pages: progress, recently published (the calendar: release_calendar.py) -----------------------

PUBLIC_ROUND_STATES = ("open", "closed")


def _public_round_clause() -> Any:
    """A round whose requests were sent (its progress is public)."""
    return sa.and_(CollectionRound.state.in_(PUBLIC_ROUND_STATES),
                   sa.exists().where(DataRequest.round_id == CollectionRound.id))


def public_rounds(limit: int = 200) -> list[CollectionRound]:
    """Rounds whose requests were sent: those started by today first, the
    newest first (a round planned for a later year does not push the
    current one out of the list), then those starting later, the soonest
    first."""
    today = to_local(utcnow()).date()  # type: ignore[union-attr]
    started = CollectionRound.start_date <= today
    return list(model.Session.execute(
        sa.select(CollectionRound).where(_public_round_clause())
        .order_by(started.desc(),
                  sa.case((started, CollectionRound.start_date)).desc().nulls_last(),
                  sa.case((~started, CollectionRound.start_date)).asc().nulls_last(),
                  CollectionRound.name)
        .limit(limit)).scalars())


def public_round(round_id: str) -> Optional[CollectionRound]:
    """The round ``round_id`` if its progress is public, whatever its age."""
    return model.Session.execute(
        sa.select(CollectionRound).where(CollectionRound.id == round_id,
                                         _public_round_clause())).scalar_one_or_none()


def progress(round_: CollectionRound, today: Optional[datetime.date] = None
             ) -> list[dict[str, Any]]:
    """Per OPD of a round: how many data were requested, submitted (at least
    once), verified, published (public now), and how many were first submitted by their
    deadline. ``on_time_rate`` is the share (percent) of on-time
    submissions among the requests that were submitted or whose deadline
    has passed (``None`` when there are none yet). Cancelled requests are
    left out. One aggregate query, whatever the number of requests."""
    from ..model import RequestEvent

    today = today or to_local(utcnow()).date()  # type: ignore[union-attr]
    tz = tk.config.get("satudata.timezone")
    first_submit = (
        sa.select(RequestEvent.request_id.label("request_id"),
                  sa.func.min(RequestEvent.timestamp).label("at"))
        .where(RequestEvent.transition == "submit")
        .group_by(RequestEvent.request_id)
        .subquery())
    deadline = sa.func.coalesce(DataRequest.submit_due, round_.submit_due)
    submitted_day = sa.cast(
        sa.func.timezone(tz, sa.func.timezone("UTC", first_submit.c.at)), sa.Date)
    counted = sa.or_(first_submit.c.at.isnot(None), deadline < today)
    stmt = (
        sa.select(
            model.Group.name, model.Group.title,
            sa.func.count().label("requested"),
            sa.func.count(first_submit.c.at).label("submitted"),
            sa.func.count(DataRequest.verified_at).label("verified"),
            # public now: data withdrawn since is not counted
            sa.func.count().filter(public_clause()).label("published"),
            sa.func.count().filter(submitted_day <= deadline).label("on_time"),
            sa.func.count().filter(counted).label("due"),
        )
        .select_from(DataRequest)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .outerjoin(first_submit, first_submit.c.request_id == DataRequest.id)
        .where(DataRequest.round_id == round_.id,
               DataRequest.state != State.CANCELLED.value)
        .group_by(model.Group.name, model.Group.title)
        .order_by(model.Group.title, model.Group.name)
    )
    rows = []
    for name, title, requested, submitted, verified, published_, on_time, due in \
            model.Session.execute(stmt).all():
        rows.append({
            "organization": {"name": name, "title": title or name},
            "requested": requested, "submitted": submitted, "verified": verified,
            "published": published_, "on_time": on_time, "due": due,
            "on_time_rate": round(100 * on_time / due) if due else None,
        })
    return rows


def recently_published(limit: int = 5) -> list[dict[str, Any]]:
    """The public datasets most recently published through the workflow
    (a search, so only what the public may see)."""
    result = tk.get_action("package_search")(
        {"ignore_auth": True}, {  # type: ignore
            "q": "*:*", "fq": f"+{STATUS_FIELD}:published", "rows": limit,
            "sort": f"{PUBLISHED_FIELD} desc", "include_private": False,
        })
    return result["results"]


def add_search_facts(search_results: dict[str, Any]) -> dict[str, Any]:
    """Add the public publication facts to search results. The index keeps
    them (:func:`index_fields`); only results indexed before it did are
    looked up (one query for the whole page)."""
    results = [r for r in search_results.get("results") or [] if isinstance(r, dict)]
    missing = []
    for result in results:
        facts = result.get(DICT_KEY, _UNKNOWN)
        if facts is _UNKNOWN or not (facts is None or isinstance(facts, dict)):
            if result.get("id"):
                missing.append(result["id"])
            result.pop(DICT_KEY, None)
        elif not facts:
            result.pop(DICT_KEY, None)
    if not missing:
        return search_results
    records = {rec.package_id: rec for rec in model.Session.execute(
        sa.select(Dissemination).where(Dissemination.package_id.in_(missing))).scalars()}
    for result in results:
        record = records.get(result.get("id"))
        if record is not None and record.live:
            result[DICT_KEY] = record.public_dict()
    return search_results

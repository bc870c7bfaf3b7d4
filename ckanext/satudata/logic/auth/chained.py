# -*- coding: utf-8 -*-
"""Chained auth of CKAN core and bundled-plugin actions, in one place.

``package_show`` and ``package_update``: the walidata reviewers read the
private dataset of a request they must act on now (the state table says
who), and a refusal never names the dataset's id.

The DataStore (``datastore_search``, ``datastore_info``,
``datastore_search_sql``, ``xloader_status``): CKAN's own rule is the
resource's ``resource_show``, so its dataset's ``package_show`` above; the
public reads a table only once the workflow made its dataset public. Here a
table is also readable only while its resource and dataset are active (the
table of a file a published revision replaced is not served), and
``datastore_search_sql`` (which can name any table of the DataStore
database) is refused to non-sysadmins for every name that is not such a
resource, before CKAN checks each one's ``resource_show``.

What the public reads of a dataset the workflow governs is what was
approved, sysadmins included: its DataStore tables (``datastore_create``,
``_upsert``, ``_delete``, ``_records_delete``) are written only by the
portal's own loading of its approved files (the jobs worker, as the site
user); its resource views (``resource_view_create``, ``_update``,
``_delete``, ``_reorder``) and the columns' descriptions (the Data
Dictionary) do not change while its request is reviewed nor once it is
published; no relationship to another dataset is set on it by hand
(``package_relationship_create``, ``_update``; ``_delete`` asks
``_create``). CKAN's own rule is the resource's or the dataset's update
right: the producer rewrote a published table, put text on its public
page, or related it to a draft whose name the public then read.

``activity_diff``: the activity plugin checks the permission labels of the
activity asked for, but the diff also prints the *previous* activity of the
dataset. For the first public version of a dataset that one dates from its
private era (labelled ``member-<org>``), so the diff showed text that existed
only while the dataset was private. Here the caller must also be allowed to
see that previous activity.

Dataset collaborators (``package_collaborator_create``, ``_delete``,
``_list``): CKAN's auth functions assert that the dataset and the caller
exist, so a dataset id that does not exist, or an anonymous call, answered
a 500; here they are a 404 and a refusal.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ...lib import datastore, publishing, roles
from ...lib.states import Actor, State, available
from ...model import DataRequest, Dissemination
from ._common import allow, refuse

__all__ = ["activity_show", "package_show", "package_update", "resource_show", "resource_create",
           "resource_update",
           "resource_delete", "activity_diff", "datastore_search",
           "datastore_info", "datastore_search_sql", "xloader_status",
           "package_collaborator_create", "package_collaborator_delete",
           "package_collaborator_list", "datastore_create", "datastore_upsert",
           "datastore_delete", "datastore_records_delete", "resource_view_create",
           "resource_view_update", "resource_view_delete", "resource_view_reorder",
           "resource_view_clear",
           "package_relationship_create", "package_relationship_update",
           "dataset_purge"]


def activity_readable(context: Context, activity: Any) -> bool:
    """The caller may see the activity's data: a sysadmin, or one of the
    user's permission labels is on the activity row (the activity plugin's
    own rule, which the withdraw relabelling relies on)."""
    user = context.get("user")
    if authz.is_sysadmin(user):
        return True
    user_obj = context.get("auth_user_obj") or roles.user_obj(user)
    labels = lib_plugins.get_permission_labels().get_user_dataset_labels(user_obj)  # type: ignore
    return bool(set(labels) & set(activity.permission_labels or []))


def previous_activity(activity: Any) -> Optional[Any]:
    """The activity the plugin's ``activity_diff`` compares ``activity`` with."""
    from ckanext.activity.model import Activity

    return model.Session.execute(
        sa.select(Activity).where(Activity.object_id == activity.object_id,
                                  Activity.timestamp < activity.timestamp)
        .order_by(Activity.timestamp.desc()).limit(1)).scalar_one_or_none()


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def activity_diff(next_auth: AuthFunction, context: Context, data_dict: DataDict
                  ) -> AuthResult:
    """Also refuse when the activity it is compared with is not readable by
    the caller and its text would be printed in the diff (an activity about a
    table's view, unlabelled, holds no dataset to print: its dataset's
    producer was refused the page of their next change)."""
    result = next_auth(context, data_dict)  # type: ignore[call-arg]
    if not result.get("success") or not plugins.plugin_loaded("activity"):
        return result
    from ckanext.activity.model import Activity

    activity = context.get("activity") or (model.Session.get(Activity, data_dict["id"])
                                                if roles.clean_id(data_dict.get("id")) else None)
    if activity is None:
        return result
    previous = previous_activity(activity)
    shown = previous.data.get(data_dict.get("object_type") or "package") \
        if previous is not None and isinstance(previous.data, dict) else None
    if shown is not None and not activity_readable(context, previous):
        return {"success": False, "msg": tk._("Unauthorized to view activity data")}
    return result


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def activity_show(next_auth: AuthFunction, context: Context, data_dict: DataDict
                  ) -> AuthResult:
    """CKAN's function reads ``include_data`` without a default: asked
    without it by anyone but a sysadmin, ``activity_show`` answered 500."""
    return next_auth(context, dict(data_dict or {}, include_data=bool(
        (data_dict or {}).get("include_data"))))


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata reviewers read the private dataset of a request they
    must act on now (the state table says who), and the officers of its
    approval chain once it was submitted: its page, its files, its
    metadata. CKAN's refusal names the dataset's id ("not authorized to
    read package <id>"), which turns a guessed name into an id for anyone;
    the refusal here names nothing."""
    _refuse_bad_id(data_dict)
    result = next_auth(context, data_dict)  # type: ignore[call-arg]
    if result.get("success"):
        return result
    if reviews_dataset(context, data_dict):
        return allow()
    return refuse(tk._("Not authorized to read this dataset"))


def _refuse_bad_id(data_dict: DataDict) -> None:
    """CKAN looks the dataset up with whatever ``id`` (else ``name``) it is
    given: a number, a list or a NUL byte would reach the database (HTTP
    500). A ``name`` beside an ``id`` is the new name, which the schema
    validates (a long one made the edit form "not found", its input lost)."""
    data = data_dict or {}
    key = "id" if data.get("id") not in (None, "") else "name"
    if data.get(key) not in (None, "") and roles.clean_id(data.get(key)) is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))


def _package_of(context: Context, data_dict: DataDict) -> Optional[model.Package]:
    """The dataset an auth function is asked about: the one CKAN's action
    put in the context, else the one its ``id`` or ``name`` names."""
    pkg = context.get("package")
    if isinstance(pkg, model.Package):
        return pkg
    ref = (data_dict or {}).get("id") or (data_dict or {}).get("name")
    return model.Package.get(ref) if roles.clean_id(ref) else None


def reviews_dataset(context: Context, data_dict: DataDict) -> bool:
    """Whether the caller reads the dataset as a walidata reviewer of its
    request (the state table's actor now, or an officer of its chain once
    it was submitted), not as a member of its OPD."""
    user = context.get("user")
    if not user or not roles.is_walidata_staff(user):
        return False
    pkg = _package_of(context, data_dict)
    if pkg is None:
        return False
    requests = model.Session.execute(
        sa.select(DataRequest).where(DataRequest.package_id == pkg.id)).scalars()
    held = None
    for request in requests:
        kinds = roles.actor_kinds(user, request) - {Actor.PRODUCER}
        if kinds and available(request.state, request.revision_of, kinds):
            return True
        if request.submitted_at is not None and request.state != State.CANCELLED.value:
            # submitted at least once: every level of its chain reads it, the
            # next ones before it reaches them, the earlier ones after they acted
            # (a verifier re-checks what they returned); and every level of its
            # round's report chain, whose report presents it (SOP 001: the
            # Kabid checks the report against the tables)
            if held is None:
                found = roles.user_obj(user)
                held = roles.user_roles(found.id if found else None)
            if held & (set(roles.chain_of(request)) | set(roles.report_chain(request.round_id))):
                return True
    return False


@tk.chained_auth_function
def package_update(next_auth: AuthFunction, context: Context, data_dict: DataDict
                   ) -> AuthResult:
    """As :func:`package_show`: CKAN's refusal names the dataset's id. An
    archived dataset of the workflow is not changed by anyone (the engine
    aside): its pages offer no edit (its action refused only after the
    form was filled in)."""
    _refuse_bad_id(data_dict)
    result = next_auth(context, data_dict)  # type: ignore[call-arg]
    if not result.get("success"):
        return refuse(tk._("Not authorized to edit this dataset"))
    pkg = _package_of(context, data_dict)
    if pkg is not None and not publishing.bypasses_lock(context, pkg.id):
        record = publishing.record_for(pkg.id)
        if record is not None and record.status == "archived":
            return refuse(tk._("Archived datasets cannot be changed"))
    return result


# -- the DataStore ---------------------------------------------------------------------------

def _live_resource(resource_id: Any, loaded: bool = False) -> bool:
    """An active resource of an active dataset: the only tables served;
    ``loaded``: whose rows are its file's (:func:`...lib.datastore.loaded`)."""
    if not roles.clean_id(resource_id):
        return False
    res = model.Resource.get(resource_id)
    if res is None or res.state != "active" or (loaded and not datastore.loaded(res.id)):
        return False
    pkg = model.Package.get(res.package_id)
    return pkg is not None and pkg.state == "active"


def _datastore_read(next_auth: AuthFunction, context: Context, data_dict: DataDict,
                    loaded: bool = True) -> AuthResult:
    """A live resource (its rows: ``loaded``) of a dataset the caller may read."""
    resource_id = (data_dict or {}).get("resource_id") or (data_dict or {}).get("id")
    if not authz.is_sysadmin(context.get("user")) and not _live_resource(resource_id,
                                                                         loaded):
        return refuse(tk._("Not authorized to read this resource"))
    result = next_auth(context, data_dict)  # type: ignore[call-arg]
    if not result.get("success"):
        return refuse(tk._("Not authorized to read this resource"))
    return result


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(next_auth: AuthFunction, context: Context, data_dict: DataDict
                     ) -> AuthResult:
    """Rows of a live resource of a dataset the caller may read."""
    return _datastore_read(next_auth, context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_info(next_auth: AuthFunction, context: Context, data_dict: DataDict
                   ) -> AuthResult:
    """The columns of a live resource of a dataset the caller may read."""
    return _datastore_read(next_auth, context, data_dict)


@tk.chained_auth_function
def xloader_status(next_auth: AuthFunction, context: Context, data_dict: DataDict
                   ) -> AuthResult:
    """xloader's status and log: its editors (xloader's rule), of a live
    resource."""
    return _datastore_read(next_auth, context, data_dict, loaded=False)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search_sql(next_auth: AuthFunction, context: Context, data_dict: DataDict
                         ) -> AuthResult:
    """Every table the query reads (CKAN passes them as ``table_names``)
    must be a live resource of a dataset the caller may read; a sysadmin
    reads everything. One that is not is refused as PostgreSQL refuses a
    table that does not exist (raised here, where CKAN names the tables):
    CKAN's 403 told an outsider that the table of unpublished data exists.
    A query that reads no table is refused as a made-up table is
    (``SELECT $$<id>$$::regclass`` plans without a table when the table
    exists, and fails when it does not), in the same words."""
    if authz.is_sysadmin(context.get("user")):
        return next_auth(context, data_dict)  # type: ignore[call-arg]
    names = list(context.get("table_names") or [])  # type: ignore[call-overload]
    if not names:
        # it reads no table (a hidden table's id cast as text, escaped or
        # not, plans without one; a made-up one fails): as a made-up table
        raise tk.ValidationError({"sql": [datastore.no_such_table()]})
    for name in names:
        if not _live_resource(name, loaded=True) or not _table_readable(context, name):
            raise tk.ValidationError({"sql": [datastore.no_such_table()]})
    result = next_auth(context, data_dict)  # type: ignore[call-arg]
    if not result.get("success"):
        return refuse(tk._("Not authorized to read this resource"))
    return result


def _table_readable(context: Context, resource_id: str) -> bool:
    """Whether the caller may read the resource (its dataset)."""
    try:
        tk.check_access("resource_show", {"user": context.get("user")},  # type: ignore
                        {"id": resource_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def _chained(name: str, check: Callable[[AuthFunction, Context, DataDict], AuthResult],
             sysadmins: bool = False) -> AuthFunction:
    """The chained auth function ``name`` that runs ``check`` (given CKAN's
    own function first): one rule for several of CKAN's functions.
    ``sysadmins``: the rule holds for sysadmins too (CKAN lets them through
    every auth function not marked so)."""
    def auth(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
        return check(next_auth, context, data_dict)

    auth.__name__ = auth.__qualname__ = name
    if sysadmins:
        auth = tk.auth_sysadmins_check(auth)
    return tk.chained_auth_function(auth)


def _purging(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """A dataset of the workflow is withdrawn, archived or cancelled through
    it, never purged, not even by a sysadmin (the chained action refuses
    too). ``package_delete``'s auth stays CKAN's: CKAN asks it whether a
    dataset's resource may be deleted; the chained action refuses the
    deletion of the dataset itself."""
    ref = (data_dict or {}).get("id")
    pkg = model.Package.get(ref) if roles.clean_id(ref) else None
    if pkg is not None and _governed_by_others(context, pkg.id):
        return refuse(publishing.not_deleted_message())
    if authz.is_sysadmin(context.get("user")):
        return allow()
    return next_auth(context, data_dict)  # type: ignore[call-arg]


dataset_purge = _chained("dataset_purge", _purging, sysadmins=True)


# -- the tables of a staged revision ---------------------------------------------------

def _staged_table(read: bool) -> Callable[[AuthFunction, Context, DataDict], AuthResult]:
    """A table only a published dataset's staged revision holds (one it
    adds, or a new file of it: no resource row until publication; CKAN's own
    functions cannot find it) is read (``read``) by whom may see the
    revision, its producers and the walidata staff who review it (they
    download its file), and changed or removed by the dataset's editors only
    (the chained resource actions)."""
    def check(next_auth: AuthFunction, context: Context, data_dict: DataDict
              ) -> AuthResult:
        resource_id = data_dict.get("id")
        if roles.clean_id(resource_id) and model.Resource.get(resource_id) is None:
            staged = publishing.staged_holding(resource_id)
            if staged is not None:
                right = "satudata_revision_show" if read else "package_update"
                return (allow() if authz.is_authorized_boolean(
                    right, context, {"id": staged.package_id})
                    else refuse(tk._("Not authorized to read this dataset")))
        return next_auth(context, data_dict)  # type: ignore[call-arg]
    return check


resource_show = tk.auth_allow_anonymous_access(
    _chained("resource_show", _staged_table(read=True)))
def _archived_says_so(check: Callable[[AuthFunction, Context, DataDict], AuthResult],
                      package_key: str) -> Callable[[AuthFunction, Context, DataDict],
                                                    AuthResult]:
    """``check``, whose refusal of a table of an archived dataset says why
    (as the dataset's edit does): a producer's upload racing the archiving
    was told CKAN's "not authorized to create resources on dataset <id>"."""
    def archived(next_auth: AuthFunction, context: Context, data_dict: DataDict
                 ) -> AuthResult:
        result = check(next_auth, context, data_dict)
        if result.get("success"):
            return result
        ref = (data_dict or {}).get(package_key)
        package = (_package_of_resource(ref) if package_key == "id"
                   else (model.Package.get(ref) if roles.clean_id(ref) else None))
        package_id = package.id if isinstance(package, model.Package) else package
        if isinstance(package_id, str) and not publishing.bypasses_lock(context, package_id):
            record = publishing.record_for(package_id)
            if record is not None and record.status == "archived":
                return refuse(tk._("Archived datasets cannot be changed"))
        return result
    return archived


def _ckan_own(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return next_auth(context, data_dict)  # type: ignore[call-arg]


resource_create = _chained("resource_create", _archived_says_so(_ckan_own, "package_id"))
resource_update = _chained("resource_update",
                           _archived_says_so(_staged_table(read=False), "id"))
resource_delete = _chained("resource_delete",
                           _archived_says_so(_staged_table(read=False), "id"))


# -- what the public reads of a governed dataset: its tables and views ------------------

def _package_of_resource(resource_id: Any) -> Optional[str]:
    res = model.Resource.get(resource_id) if roles.clean_id(resource_id) else None
    return res.package_id if res is not None else None


def _governed_by_others(context: Context, package_id: Any) -> bool:
    """The workflow decides what ``package_id`` shows, and the caller is not
    the workflow (the engine, the site user of the jobs)."""
    return (isinstance(package_id, str)
            and not publishing.bypasses_lock(context, package_id)
            and publishing.governed(package_id))


def _presentation_refusal(context: Context, package_id: Any) -> Optional[AuthResult]:
    """The refusal of a change to what a governed dataset shows around its
    data (its views, the columns' descriptions) by anyone but the workflow,
    while its request is reviewed or once it is published; ``None`` while it
    is a draft or returned, or outside the workflow."""
    if not _governed_by_others(context, package_id):
        return None
    if publishing.under_review(package_id, lock=False):  # pages ask it too
        return refuse(tk._("This dataset is being reviewed for publication; it can be "
                           "changed again once its request is returned"))
    if publishing.record_for(package_id) is not None:
        return refuse(tk._(
            "Published data is shown as it was approved: its views do not change"))
    return None


def _table_package(data_dict: DataDict) -> Any:
    """The dataset whose table a DataStore write names (for a
    ``datastore_create`` with a new ``resource``, the one it is added to)."""
    data = data_dict or {}
    resource = data.get("resource")
    if isinstance(resource, dict):  # CKAN takes the dataset's name there too
        pkg = (model.Package.get(resource.get("package_id"))
               if isinstance(resource.get("package_id"), str) else None)
        return pkg.id if pkg is not None else resource.get("package_id")
    return _package_of_resource(data.get("resource_id") or data.get("id"))


def _rows_from_files() -> AuthResult:
    return refuse(tk._(
        "The tables of this dataset are loaded from its approved data files; change "
        "a file through its data request"))


def _datastore_write(next_auth: AuthFunction, context: Context, data_dict: DataDict
                     ) -> AuthResult:
    """CKAN's rule, and the rows of a governed dataset's tables come from its
    data files only (loaded by the jobs worker): none is written by hand."""
    if _governed_by_others(context, _table_package(data_dict)):
        return _rows_from_files()
    return next_auth(context, data_dict)  # type: ignore[call-arg]


def _datastore_create(next_auth: AuthFunction, context: Context, data_dict: DataDict
                      ) -> AuthResult:
    """As :func:`_datastore_write`; but a ``datastore_create`` with no rows
    on a resource that exists (the Data Dictionary form: the columns' labels
    and descriptions, and the check of its page) changes what is shown
    around the data, as a view does (:func:`_presentation_refusal`)."""
    data = data_dict or {}
    if data.get("resource") is not None or data.get("records"):
        return _datastore_write(next_auth, context, data_dict)
    return (_presentation_refusal(context, _table_package(data_dict))
            or next_auth(context, data_dict))  # type: ignore[call-arg]


datastore_create = _chained("datastore_create", _datastore_create, sysadmins=True)
datastore_upsert = _chained("datastore_upsert", _datastore_write, sysadmins=True)
datastore_delete = _chained("datastore_delete", _datastore_write, sysadmins=True)
datastore_records_delete = _chained("datastore_records_delete", _datastore_write,
                                    sysadmins=True)


def _view_resources(context: Context, data_dict: DataDict) -> list[Any]:
    """The resources a view change touches: the view's own (CKAN's actions
    put it in the context, or its ``id``) and the one named, if any."""
    data = data_dict or {}
    found = [data.get("resource_id")]
    view = context.get("resource_view")
    if view is None and roles.clean_id(data.get("id")):
        view = model.ResourceView.get(data["id"])
    if view is not None:
        found.append(view.resource_id)
    return [r for r in found if r]


def _view_change(next_auth: AuthFunction, context: Context, data_dict: DataDict
                 ) -> AuthResult:
    """CKAN's rule, and the views of a governed dataset stay as reviewed.
    CKAN's rule reads the view's table from ``resource_id``, which a caller
    may leave out (a ``KeyError``, HTTP 500): the view's own is given."""
    resources = _view_resources(context, data_dict)
    for resource_id in resources:
        refusal = _presentation_refusal(context, _package_of_resource(resource_id))
        if refusal:
            return refusal
    if resources and not (data_dict or {}).get("resource_id"):
        data_dict = dict(data_dict or {}, resource_id=resources[-1])
    return next_auth(context, data_dict)  # type: ignore[call-arg]


def _views_cleared(next_auth: AuthFunction, context: Context, data_dict: DataDict
                   ) -> AuthResult:
    """CKAN's rule, and no clearing of the views of every dataset (of some
    types) while one of them is published or reviewed: the views of a
    governed dataset stay as reviewed (``resource_view_delete`` refuses
    them one by one)."""
    types = (data_dict or {}).get("view_types")
    view, res = model.ResourceView, model.Resource
    stmt = (sa.select(res.package_id).join(view, view.resource_id == res.id)
            .where(res.state == "active", sa.or_(
                res.package_id.in_(sa.select(DataRequest.package_id)),
                res.package_id.in_(sa.select(Dissemination.package_id))))
            .distinct())
    if isinstance(types, list) and types:
        stmt = stmt.where(view.view_type.in_([t for t in types if isinstance(t, str)]))
    for package_id in model.Session.execute(stmt).scalars():
        refusal = _presentation_refusal(context, package_id)
        if refusal:
            return refusal
    if authz.is_sysadmin(context.get("user")):  # CKAN's rule: sysadmins only
        return allow()
    return next_auth(context, data_dict)  # type: ignore[call-arg]


resource_view_clear = _chained("resource_view_clear", _views_cleared, sysadmins=True)
resource_view_create = _chained("resource_view_create", _view_change, sysadmins=True)
resource_view_update = _chained("resource_view_update", _view_change, sysadmins=True)
resource_view_delete = _chained("resource_view_delete", _view_change, sysadmins=True)
resource_view_reorder = _chained("resource_view_reorder", _view_change, sysadmins=True)


def _relationship_change(next_auth: AuthFunction, context: Context, data_dict: DataDict
                         ) -> AuthResult:
    """CKAN's rule, and no relationship set by hand on a dataset of the
    workflow (the public list of a published dataset's relationships
    named whatever its editor related it to)."""
    data = data_dict or {}
    for key in ("subject", "object"):
        ref = data.get(key)
        pkg = model.Package.get(ref) if roles.clean_id(ref) else None
        if pkg is not None and _governed_by_others(context, pkg.id):
            return refuse(tk._(
                "This dataset belongs to a data request: it changes only through its request"))
    return next_auth(context, data_dict)  # type: ignore[call-arg]


package_relationship_create = _chained("package_relationship_create", _relationship_change,
                                       sysadmins=True)
package_relationship_update = _chained("package_relationship_update", _relationship_change,
                                       sysadmins=True)


# -- dataset collaborators --------------------------------------------------------------

def _collaborators(next_auth: AuthFunction, context: Context, data_dict: DataDict
                   ) -> AuthResult:
    """CKAN's auth function of a dataset's collaborators, with the caller
    and the dataset known to exist."""
    if roles.user_obj(context.get("user")) is None:  # anonymous (CKAN asserts a user)
        return {"success": False, "msg": tk._("Not authorized to see this page")}
    package_id = data_dict.get("id")
    if not isinstance(package_id, str) or model.Package.get(package_id) is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return next_auth(context, data_dict)


package_collaborator_create = _chained("package_collaborator_create", _collaborators)
package_collaborator_delete = _chained("package_collaborator_delete", _collaborators)
package_collaborator_list = _chained("package_collaborator_list", _collaborators)

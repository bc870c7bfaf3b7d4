# -*- coding: utf-8 -*-
"""Chained CKAN core actions, every one of them in this module.

The visibility lock and revision staging (``package_create``,
``package_update``, ``package_show``, ``resource_show/create/update/delete``,
``package_delete``, ``bulk_update_public/private/delete``, ``member_list``,
``activity_create``): a dataset of the workflow is public exactly when its
request says so (:mod:`ckanext.satudata.lib.publishing`); producers cannot
make it public, delete it or change it while it is reviewed; edits of
published data are staged; ``member_list`` does not list private datasets
to those who may not see them.

The DataStore (``xloader_submit``, ``xloader_hook``): a submission (xloader's "Upload to
DataStore" button, the API) owes the portal's ``load_datastore`` job (:mod:`ckanext.satudata.lib.datastore`),
which loads the dataset's live files from the storage; xloader's job would
download them over HTTP and load whatever resource it is given. Only that
job reports how a load went (``xloader_hook``).

Tags and resource formats (``tag_list``, ``tag_search``, ``tag_autocomplete``,
``tag_show``, ``format_autocomplete``, ``vocabulary_show``,
``vocabulary_list``, and so the legacy ``/api/2/util/tag/autocomplete`` and
``/api/2/util/resource/format_autocomplete`` routes that call them): CKAN
lists every tag and format of the site, those of private datasets included,
so the tags and formats of unpublished data reached anyone. Here they come
only from the datasets the caller may read, decided in one SQL query from
CKAN's own permission labels (:func:`visible_datasets`): for the public the
public, active datasets; for a logged-in user also the private datasets of
the organizations they are a member of (and those they created without an
organization or collaborate on). Sysadmins get CKAN's answers unchanged.
Vocabulary tags follow the same rule.

Arguments read without checking (``organization_autocomplete``,
``group_autocomplete``, ckanext-dcat's ``dcat_dataset_show``,
``dcat_catalog_show`` and ``dcat_catalog_search``): a call without ``q``, an
unknown RDF ``format`` or profile answered a 500; they are validation
errors here. ``profiles`` may be given as the catalogue pages take it, a
comma-separated string (dcat read such a string letter by letter).

The ``type`` of a new dataset, organization or group (``package_create``,
``organization_create``, ``group_create``) is one the site has
(:func:`..validators.type_refusal`): CKAN stored any text, a dataset of an
unknown type skipped the sectoral schema, and the activity streams linking
to it answered 500. CKAN's updates keep the stored type.
"""
from __future__ import annotations

import contextlib
import copy
import datetime
import functools
import json
import logging
import mimetypes
import os
import re
from typing import Any, Callable, Iterable, Iterator, Optional
from urllib.parse import quote

import flask
import psycopg2.errors
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Exists
from werkzeug.datastructures import ImmutableMultiDict

import ckan.authz as authz
import ckan.lib.dictization as d
import ckan.lib.dictization.model_dictize as model_dictize
import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.types import Action, Context, DataDict

from ...lib import (
    datacheck, datastore, login_attempts, metadata, publishing, roles, sessions, storage,
)
from ...lib.states import blank
from .. import validators
from ..auth import chained as auth_chained
from ._common import contains, lock_name, readable_or_not_found

log = logging.getLogger(__name__)

__all__ = [
    # the visibility lock and revision staging
    "package_create", "package_update", "package_show", "package_activity_list",
    "package_search",
    "dataset_follower_count", "dataset_follower_list", "am_following_dataset",
    "follow_dataset", "package_collaborator_list", "package_patch", "package_revise",
    "unfollow_dataset",
    "package_collaborator_create", "package_collaborator_delete", "member_create",
    "member_delete",
    "package_relationship_create", "package_relationship_update",
    "package_relationship_delete",
    # no user's e-mail hash leaves the portal
    "user_show", "user_list", "organization_show", "organization_list", "group_show",
    "group_list", "organization_list_for_user",
    "resource_show", "resource_create", "resource_patch",
    "resource_update", "resource_delete", "package_delete", "dataset_purge",
    "package_owner_org_update",
    "bulk_update_public",
    "bulk_update_private", "bulk_update_delete", "member_list", "activity_create",
    # the DataStore: loaded by the portal's job, from live files only
    "xloader_submit", "xloader_hook", "xloader_status", "datastore_search",
    "datastore_search_sql", "datastore_info", "datastore_create", "datastore_upsert",
    "datastore_delete", "datastore_records_delete", "package_create_default_resource_views",
    "resource_create_default_resource_views", "task_status_show", "resource_view_show",
    "resource_view_create", "resource_view_update",
    "resource_view_delete", "resource_view_list", "resource_view_reorder",
    # tags, formats and relationships of readable datasets only
    "tag_list", "tag_search", "tag_autocomplete", "tag_show", "format_autocomplete",
    "vocabulary_show", "vocabulary_list", "package_relationships_list",
    # arguments read without checking
    "organization_autocomplete", "group_autocomplete", "dcat_dataset_show",
    "dcat_catalog_show", "dcat_catalog_search",
    # the type of a new organization or group (of a dataset: package_create)
    "organization_create", "group_create",
    # a member removed from an organization or group that exists
    "organization_member_delete", "group_member_delete",
    # CKAN's English "not found" translated
    "organization_update", "organization_delete", "group_update", "group_delete",
    "group_purge", "organization_purge", "api_token_list", "config_option_update",
    # the approval chain keeps an officer at each level
    "user_delete",
    # names a page can show
    "user_create", "user_update", "api_token_create",
    # an activity of a dataset the caller may not read is not found
    "activity_show", "activity_data_show", "activity_diff",
    # the views of a table in the activity streams: of readable datasets only
    "user_activity_list", "dashboard_activity_list", "organization_activity_list",
    "group_activity_list",
    # which accounts exist: only to whom may read them
    "user_follower_count", "am_following_user", "followee_count", "user_followee_count",
    "followee_list", "user_followee_list", "dataset_followee_count", "dataset_followee_list",
    "group_followee_count", "group_followee_list", "organization_followee_count",
    "organization_followee_list",
]

#: prefixes of CKAN's permission labels (ckan.lib.plugins.DefaultPermissionLabels)
_MEMBER, _CREATOR, _COLLABORATOR = "member-", "creator-", "collaborator-"


# -- who sees which datasets -----------------------------------------------------------------

def _sees_everything(context: Context) -> bool:
    return authz.is_sysadmin(context.get("user"))


def visible_datasets(context: Context) -> ColumnElement[Any]:
    """A condition on ``package`` true for the active datasets the caller may
    read, translated from CKAN's permission labels of the user: ``public``
    (not private), ``member-<org>``, ``creator-<user>`` (private datasets
    without an organization) and ``collaborator-<dataset>``."""
    user = roles.user_obj(context.get("user"))
    labels = lib_plugins.get_permission_labels().get_user_dataset_labels(user)  # type: ignore
    pkg = model.Package

    def suffixes(prefix: str) -> list[str]:
        return [label[len(prefix):] for label in labels if label.startswith(prefix)]

    readable = []
    if "public" in labels:
        readable.append(pkg.private.is_(False))
    if orgs := suffixes(_MEMBER):
        readable.append(sa.and_(pkg.private.is_(True), pkg.owner_org.in_(orgs)))
    if creators := suffixes(_CREATOR):
        readable.append(sa.and_(pkg.private.is_(True), pkg.owner_org.is_(None),
                                pkg.creator_user_id.in_(creators)))
    if collaborations := suffixes(_COLLABORATOR):
        readable.append(sa.and_(pkg.private.is_(True), pkg.id.in_(collaborations)))
    return sa.and_(pkg.state == "active", sa.or_(sa.false(), *readable))  # type: ignore


def _tag_used(context: Context) -> Exists:
    """``tag`` is applied to at least one dataset the caller may read."""
    return sa.exists().where(sa.and_(
        model.PackageTag.tag_id == model.Tag.id, model.PackageTag.state == "active",
        model.Package.id == model.PackageTag.package_id, visible_datasets(context)))


# -- input ------------------------------------------------------------------------------------

def _paging_schema() -> dict[str, Any]:
    ignore_missing = tk.get_validator("ignore_missing")
    natural = tk.get_validator("natural_number_validator")
    return {"limit": [ignore_missing, natural], "offset": [ignore_missing, natural]}


def _validated(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """``data_dict`` with ``limit``/``offset`` as numbers and the search
    terms as a list of strings (a clear 409 instead of CKAN's 500 on bad
    values)."""
    paging = {k: data_dict[k] for k in ("limit", "offset") if data_dict.get(k) not in (None, "")}
    data, errors = tk.navl_validate(paging, _paging_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    terms = data_dict.get("query") or data_dict.get("q") or []
    if isinstance(terms, str):
        terms = [terms]
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise tk.ValidationError({"query": [tk._("Must be a string or a list of strings")]})
    fields = data_dict.get("fields") or {}
    if isinstance(fields, dict):  # deprecated by CKAN, still honoured
        terms += [v for k, v in fields.items() if k in ("tag", "tags") and isinstance(v, str)]
    vocabulary = data_dict.get("vocabulary_id")
    if vocabulary is not None and not isinstance(vocabulary, str):
        raise tk.ValidationError({"vocabulary_id": [tk._("Must be a string")]})
    return dict(data, terms=[t.strip() for t in terms if t.strip()], vocabulary=vocabulary)


def _vocabulary(name_or_id: Optional[str], strict: bool) -> Optional[model.Vocabulary]:
    if not name_or_id:
        return None
    vocabulary = model.Vocabulary.get(name_or_id)
    if vocabulary is None and strict:
        raise tk.ObjectNotFound(tk._("Vocabulary not found"))
    return vocabulary


def _visible_tags(context: Context, data: dict[str, Any], strict_vocabulary: bool
                  ) -> tuple[list[model.Tag], int]:
    """The tags the caller may see matching every search term (all when
    there are none), in the vocabulary asked for (free tags otherwise),
    sorted by name; one query for the page, one for the count."""
    stmt = sa.select(model.Tag).where(_tag_used(context))
    if data["vocabulary"]:
        vocabulary = _vocabulary(data["vocabulary"], strict_vocabulary)
        if vocabulary is None:
            return [], 0
        stmt = stmt.where(model.Tag.vocabulary_id == vocabulary.id)
    else:
        stmt = stmt.where(model.Tag.vocabulary_id.is_(None))
    for term in data["terms"]:
        stmt = stmt.where(contains(model.Tag.name, term))
    count = model.Session.execute(
        sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
    stmt = stmt.order_by(model.Tag.name).offset(data.get("offset")).limit(data.get("limit"))
    return list(model.Session.execute(stmt).scalars()), count


# -- tags -------------------------------------------------------------------------------------

@tk.chained_action
@tk.side_effect_free
def tag_list(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's ``tag_list``, limited to the tags of datasets the caller may
    read (see the module docstring)."""
    if _sees_everything(context):
        return original(context, data_dict)
    tk.check_access("tag_list", context, data_dict)
    data = _validated(context, data_dict)
    tags, _count = _visible_tags(context, data, strict_vocabulary=not data["terms"])
    if tk.asbool(data_dict.get("all_fields")):
        return model_dictize.tag_list_dictize(tags, context)
    return [tag.name for tag in tags]


@tk.chained_action
@tk.side_effect_free
def tag_search(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's ``tag_search``, limited to the tags of datasets the caller may
    read."""
    if _sees_everything(context):
        return original(context, data_dict)
    tk.check_access("tag_search", context, data_dict)
    data = _validated(context, data_dict)
    if not data["terms"]:
        return {"count": 0, "results": []}
    tags, count = _visible_tags(context, data, strict_vocabulary=False)
    return {"count": count, "results": [d.table_dictize(tag, context) for tag in tags]}


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's ``tag_autocomplete`` (also behind ``/api/2/util/tag/
    autocomplete``), limited to the tags of datasets the caller may read."""
    if _sees_everything(context):
        return original(context, data_dict)
    tk.check_access("tag_autocomplete", context, data_dict)
    data = _validated(context, data_dict)
    if not data["terms"]:
        return []
    tags, _count = _visible_tags(context, data, strict_vocabulary=False)
    return [tag.name for tag in tags]


@tk.chained_action
@tk.side_effect_free
def tag_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A tag that no dataset the caller may read carries is not found (its
    dataset list was already limited to public datasets by CKAN)."""
    if not _sees_everything(context) and isinstance(data_dict.get("id"), str):
        vocabulary = data_dict.get("vocabulary_id")
        tag = model.Tag.get(data_dict["id"], vocab_id_or_name=vocabulary
                            if isinstance(vocabulary, str) else None)
        if tag is not None and not model.Session.execute(
                sa.select(_tag_used(context)).where(model.Tag.id == tag.id)).scalar():
            # as CKAN answers a tag that does not exist (its own words differed:
            # "Tag not found" told that a tag of unpublished data existed)
            raise tk.ObjectNotFound()
    return original(context, data_dict)


def _without_hidden_tags(context: Context, vocabularies: Iterable[dict[str, Any]]) -> None:
    """Drop, in place, the tags no readable dataset carries (one query)."""
    vocabularies = list(vocabularies)
    tag_ids = {t["id"] for v in vocabularies for t in v.get("tags") or []}
    if not tag_ids:
        return
    shown = set(model.Session.execute(
        sa.select(model.Tag.id).where(model.Tag.id.in_(tag_ids), _tag_used(context))).scalars())
    for vocabulary in vocabularies:
        vocabulary["tags"] = [t for t in vocabulary.get("tags") or [] if t["id"] in shown]


@tk.chained_action
@tk.side_effect_free
def vocabulary_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A vocabulary with only the tags of datasets the caller may read."""
    result = original(context, data_dict)
    if not _sees_everything(context):
        _without_hidden_tags(context, [result])
    return result


@tk.chained_action
@tk.side_effect_free
def vocabulary_list(original: Action, context: Context, data_dict: DataDict) -> Any:
    """The vocabularies, each with only the tags of datasets the caller may
    read."""
    result = original(context, data_dict)
    if not _sees_everything(context):
        _without_hidden_tags(context, result)
    return result


# -- resource formats -------------------------------------------------------------------------

@tk.chained_action
@tk.side_effect_free
def format_autocomplete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's ``format_autocomplete`` (also behind ``/api/2/util/resource/
    format_autocomplete``): the formats of the active resources of datasets
    the caller may read containing ``q``, most used first.

    :param q: the string to search for
    :param limit: the maximum number of formats (optional, default: 5)
    :rtype: list of strings
    """
    tk.check_access("format_autocomplete", context, data_dict)
    schema = {"q": [tk.get_validator("not_missing"), tk.get_validator("unicode_safe")],
              "limit": [tk.get_validator("default")(5),
                        tk.get_validator("natural_number_validator")]}
    data, errors = tk.navl_validate(
        {k: data_dict[k] for k in ("q", "limit") if k in data_dict}, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    resource, pkg = model.Resource, model.Package
    total = sa.func.count(resource.format)
    stmt = (sa.select(resource.format, total)
            .where(resource.state == "active",
                   contains(resource.format, data['q']))
            .group_by(resource.format).order_by(total.desc(), resource.format)
            .limit(data["limit"]))
    if not _sees_everything(context):
        stmt = stmt.join(pkg, pkg.id == resource.package_id).where(visible_datasets(context))
    return [row[0].lower() for row in model.Session.execute(stmt)]


@tk.chained_action
@tk.side_effect_free
def package_relationships_list(original: Action, context: Context, data_dict: DataDict
                               ) -> Any:
    """CKAN's ``package_relationships_list`` without the relationships to a
    dataset the caller may not read (CKAN checks only the datasets asked
    about: the list of a published dataset named the private one it was
    related to). A dataset asked about that the caller may not read is not
    found, as one nobody named (CKAN said 403 for it, and English for that)."""
    for key in ("id", "id2"):
        readable_or_not_found(context, (data_dict or {}).get(key))
    known: dict[Any, bool] = {}  # the dataset asked about is in every relationship

    def readable(ref: Any) -> bool:
        if ref not in known:
            try:
                tk.check_access("package_show", {"user": context.get("user")}, {"id": ref})
                known[ref] = True
            except (tk.NotAuthorized, tk.ObjectNotFound):
                known[ref] = False
        return known[ref]

    try:
        found = original(context, data_dict)
    except AttributeError:
        # a relationship written without its other dataset (a producer's
        # ``relationships_as_subject``, refused since): CKAN fails to name it
        log.warning("package_relationships_list: a relationship of %s has no other dataset",
                    data_dict.get("id"))
        found = []
    return [r for r in found if readable(r.get("subject")) and readable(r.get("object"))]


# -- arguments read without checking ---------------------------------------------------

def _q_given(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's action, with ``q`` required."""
    if not isinstance(data_dict.get("q"), str):
        raise tk.ValidationError({"q": [tk._("Missing value")]})
    return original(context, data_dict)


#: the portal's DCAT profile (``ckanext.dcat.rdf.profiles``' last)
PORTAL_PROFILE = "satudata_dcat_ap"


#: an ISO-8601 time whose "+HH:MM" offset lost its "+" in a query string
_MANGLED_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)? \d{2}(?::?\d{2})?$")


def rdf_arguments(data_dict: DataDict) -> DataDict:
    """ckanext-dcat's ``profiles`` (a list, or a comma-separated text: the
    list) and ``modified_since`` checked: a ``ValidationError`` of the
    argument that is not a list of known profiles, or not a date. Also
    used by the catalogue's pages (:mod:`...views.guard`), where dcat
    showed the error's dictionary as the page."""
    from ckanext.dcat.exceptions import RDFProfileException
    from ckanext.dcat.processors import RDFSerializer

    profiles = data_dict.get("profiles")
    if isinstance(profiles, str):
        data_dict = dict(data_dict, profiles=[p.strip() for p in profiles.split(",") if p.strip()])
    elif profiles is not None and not (
            isinstance(profiles, list) and all(isinstance(p, str) for p in profiles)):
        raise tk.ValidationError({"profiles": [tk._("Must be a list of texts")]})
    if data_dict.get("profiles"):
        try:
            RDFSerializer(profiles=data_dict["profiles"])
        except RDFProfileException as error:
            raise tk.ValidationError({"profiles": [tk._(
                "Unknown RDF profiles: %(profiles)s") % {
                    "profiles": str(error).split(": ", 1)[-1]}]})
    if data_dict.get("profiles"):
        # the portal's profile always runs, last: its safety and its Satu Data
        # fields (profiles=euro_dcat_ap_2 brought a javascript: landing page
        # back and dropped every other)
        data_dict = dict(data_dict, profiles=[
            p for p in data_dict["profiles"] if p != PORTAL_PROFILE] + [PORTAL_PROFILE])
    since = data_dict.get("modified_since")
    if isinstance(since, str) and _MANGLED_OFFSET.match(since):
        # "…T04:19:00+07:00" in an address not encoded: its "+" came as a
        # space, and the time was read as 07:00 local (another window)
        since = since.replace(" ", "+")
        data_dict = dict(data_dict, modified_since=since)
    if since:
        try:  # dcat answers ValueError only: 99999999999999999999 overflowed,
            # and an offset of +25:00 fails only when it is written out; ISO
            # 8601 only, as the refusal says (dateutil read "UTC+7" as -07:00,
            # "WIB" as nothing and 7/12/2026 as 12 July)
            parsed = datetime.datetime.fromisoformat(str(since).strip())
            parsed.isoformat()
            # dcat writes the time with its offset and a "Z" after it
            # ("…+07:00Z"), which Solr refused: the same instant in UTC (one
            # past the year 9999 there, 9999-12-31T23:00-01:00, refused)
            utc = parsed.astimezone(datetime.timezone.utc) if parsed.tzinfo else None
        except (ValueError, OverflowError, TypeError):
            raise tk.ValidationError({"modified_since": [tk._(
                "Use a date in the ISO-8601 format, such as 2026-12-03")]})
        if utc is not None:
            data_dict = dict(data_dict, modified_since=utc.replace(tzinfo=None).isoformat())
    page = data_dict.get("page")
    if page not in (None, "") and str(page).lstrip("-").isdigit() and str(page).isascii() \
            and int(page) < 1:
        raise tk.ValidationError({"page": [tk._("The page number starts at 1")]})
    return data_dict


#: the arguments ckanext-dcat copies into a catalogue's page links
_PAGE_LINK_ARGUMENTS = ("modified_since", "profiles", "q", "fq")


@contextlib.contextmanager
def _page_links_encoded() -> Iterator[None]:
    """ckanext-dcat writes a catalogue's page links (hydra ``next``,
    ``last``, …) from the request's arguments as they were typed: a search
    of two words (``q=posyandu aktif``) made an address with a space, which
    the Turtle and N3 serializers refuse (500). The arguments it reads for
    them are percent-encoded while it serializes (the search itself took
    them from ``data_dict`` already)."""
    if not flask.has_request_context() or not any(
            key in _PAGE_LINK_ARGUMENTS for key in flask.request.args):
        yield
        return
    typed = flask.request.args
    flask.request.args = ImmutableMultiDict(  # type: ignore[misc]
        [(key, quote(value, safe="") if key in _PAGE_LINK_ARGUMENTS else value)
         for key, value in typed.items(multi=True)])
    try:
        yield
    finally:
        flask.request.args = typed  # type: ignore[misc]


def _rdf(original: Action, context: Context, data_dict: DataDict) -> Any:
    """ckanext-dcat's serialization with its ``format``, ``profiles`` and
    ``modified_since`` checked (:func:`rdf_arguments`): an unknown or
    unreadable one is a validation error of that argument."""
    from rdflib.plugin import PluginException
    from ckanext.dcat.exceptions import RDFProfileException

    data_dict = rdf_arguments(data_dict)
    try:
        with _page_links_encoded(), publishing.catalog_order():
            return original(context, data_dict)
    except RDFProfileException as error:
        raise tk.ValidationError({"profiles": [tk._("Unknown RDF profiles: %(profiles)s") % {
            "profiles": str(error).split(": ", 1)[-1]}]})
    except PluginException:
        raise tk.ValidationError({"format": [tk._("Unknown format: use one of %(formats)s")
                                             % {"formats": "xml, ttl, n3, nt, jsonld"}]})


def core_not_found(message: str) -> Optional[str]:
    """The reader's words for a "not found" CKAN's actions raise in English
    (here, and in an API answer: ``views/guard.py``)."""
    if re.fullmatch(r'User ".*" was not found\.', message):
        return tk._("User not found")
    return {"Package was not found.": tk._("Dataset not found"),
            "Resource was not found.": tk._("Resource not found"),
            "Group was not found.": tk._("Group was not found."),
            "Group was not found": tk._("Group was not found."),
            "Organization was not found": tk._("Organization was not found."),
            "User was not found.": tk._("User was not found."),
            "User not found": tk._("User not found")}.get(message)


#: CKAN's uploader's refusal of a file type, in English whatever the page
_UNSUPPORTED_UPLOAD = re.compile(r"Unsupported upload type: (?P<type>.*)")


def _core_message(message: Any) -> Any:
    """The reader's words for a validation message CKAN writes in English."""
    found = _UNSUPPORTED_UPLOAD.fullmatch(message) if isinstance(message, str) else None
    if found is None:
        return message
    return tk._("This type of file cannot be uploaded here (%(type)s): choose a picture "
                "(PNG, JPEG or GIF)") % {"type": found.group("type")}


@contextlib.contextmanager
def _core_words_translated() -> Iterator[None]:
    """CKAN's own "not found" messages that it does not translate (an
    unknown organization, user or member: "Tidak ditemukan: Group was not
    found."), and its uploader's refusal of a file type (an SVG picture of a
    profile, "Unsupported upload type: image/svg+xml"), in the reader's
    language."""
    try:
        yield
    except tk.ObjectNotFound as e:
        translated = core_not_found(str(e))
        if translated is None:
            raise
        raise tk.ObjectNotFound(translated) from e
    except tk.ValidationError as e:
        errors = e.error_dict or {}
        if not any(isinstance(messages, list) and any(
                isinstance(m, str) and _UNSUPPORTED_UPLOAD.fullmatch(m) for m in messages)
                for messages in errors.values()):
            raise
        raise tk.ValidationError({
            key: [_core_message(m) for m in messages] if isinstance(messages, list)
            else messages for key, messages in errors.items()}) from e


def _as_it_is(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's action, its English "not found" translated."""
    return original(context, data_dict)


def _checked(name: str, check: Callable[[Action, Context, DataDict], Any],
             side_effect_free: bool = True) -> Action:
    """The action ``name`` (a read action unless told) chained to ``check``
    (which calls it)."""
    def action(original: Action, context: Context, data_dict: DataDict) -> Any:
        with _core_words_translated():
            return check(original, context, data_dict)

    action.__name__ = action.__qualname__ = name
    action.__doc__ = f"``{name}``: {check.__doc__}"
    return tk.chained_action(tk.side_effect_free(action) if side_effect_free else action)


organization_autocomplete = _checked("organization_autocomplete", _q_given)
group_autocomplete = _checked("group_autocomplete", _q_given)
dcat_dataset_show = _checked("dcat_dataset_show", _rdf)
dcat_catalog_show = _checked("dcat_catalog_show", _rdf)
dcat_catalog_search = _checked("dcat_catalog_search", _rdf)


def _without_email_hashes(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Users without the MD5 of their e-mail address (CKAN's
    ``email_hash``, for gravatar.com, which the portal does not use): a
    guessed address checked against it told whose account it was, a
    citizen's included; nor when they were last active (any registered
    user read when each official last used the portal). Sysadmins and the
    user themselves keep both."""
    result = original(context, data_dict)
    user = context.get("user")
    if context.get("ignore_auth") or authz.is_sysadmin(user):
        return result
    _drop_email_hashes(result, user)
    return result


#: what a user's dictionary tells only the user and the sysadmins
_PRIVATE_USER_KEYS = frozenset({"email_hash", "last_active"})


def _drop_email_hashes(value: Any, user: Optional[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _drop_email_hashes(item, user)
    elif isinstance(value, dict):
        if not (user and value.get("name") == user):
            for private in _PRIVATE_USER_KEYS & value.keys():
                del value[private]
        for item in value.values():
            if isinstance(item, (list, dict)):
                _drop_email_hashes(item, user)


#: the limited texts that may hold line breaks (a profile's "about", an
#: organization's or a group's description)
_MULTILINE = frozenset({"about", "description"})


def _text_errors(data: DataDict, limits: dict[str, int],
                 shown: tuple[str, ...] = ("fullname",)) -> dict[str, list[str]]:
    """The texts named in ``limits`` longer than their limit, or of more
    than one line (but those of :data:`_MULTILINE`), and those of ``shown``
    given but showing nothing."""
    errors = {key: [tk._("Must be at most %(max)s characters long") % {"max": limit}]
              for key, limit in limits.items()
              if isinstance(data.get(key), str) and len(data[key]) > limit}
    # one line: a name with a line break went into e-mail headers, where it
    # stopped the account's e-mails and the password reset (HTTP 500)
    errors.update({key: [tk._("Must be one line, without line breaks")]
                   for key in limits if key not in errors and key not in _MULTILINE
                   and isinstance(data.get(key), str)
                   and any(ch in data[key] for ch in validators.LINE_BREAKS)})
    # a full name or a group's title of invisible characters (or spaces)
    # alone: an account shown with no name, a group page with no heading
    for key in shown:
        if key in limits and key not in errors and isinstance(data.get(key), str) \
                and data[key] and blank(data[key]):
            errors[key] = [tk._("The name shows nothing: write one, or leave it empty")]
    return errors


def _group_shown(organization: bool) -> tuple[str, ...]:
    """What of a group must show something: its title (an OPD's is its
    schema's, which says "missing")."""
    return () if organization else ("title",)


def _picture_refusal(kind: str, data: DataDict) -> Optional[str]:
    """Why the ``image_url`` of a user's or a group's update cannot be shown
    (a link that is no web address, or the bare name of a file that was
    never uploaded: :func:`.validators.picture_refusal`), or None. A file
    uploaded with it is checked by CKAN's uploader."""
    picture = data.get("image_url")
    if not picture:
        return None
    refusal = validators.url_refusal(picture)
    if refusal or getattr(data.get("image_upload"), "filename", None):
        return refusal
    ref = data.get("id") if isinstance(data.get("id"), str) else None
    found = (model.User.get(ref) if kind == "user" else model.Group.get(ref)) if ref else None
    return validators.picture_refusal(picture, kind, getattr(found, "image_url", None))


def _limited(name: str, limits: dict[str, int],
             then: Optional[Callable[[Any, DataDict], None]] = None,
             first: Optional[Callable[[Context, DataDict], None]] = None) -> Action:
    """The action ``name`` refusing, after the caller's access, a text
    named in ``limits`` longer than its limit (or of more than one line);
    ``first(context, data_dict)`` before the access is checked, ``then(result,
    data_dict)`` after it succeeded."""
    def check(original: Action, context: Context, data_dict: DataDict) -> Any:
        if first is not None:
            first(context, data_dict if isinstance(data_dict, dict) else {})
        tk.check_access(name, context, data_dict)
        errors = _text_errors(data_dict or {}, limits)
        if "image_url" in limits and "image_url" not in errors \
                and (refusal := _picture_refusal("user", data_dict or {})):
            # a javascript: picture was stored (a broken image on every page)
            errors["image_url"] = [refusal]
        if errors:
            raise tk.ValidationError(errors)
        result = original(context, data_dict)
        if then is not None:
            then(result, data_dict or {})
        return result
    check.__doc__ = ("CKAN's, with a limit to the length of " + ", ".join(limits) + " (one "
                     "line each): CKAN sets none, and a name of 2,000 characters widened "
                     "every page showing it (an activity stream to 14,000 px).")
    return _checked(name, check, side_effect_free=False)


#: the longest full name and API token name (characters)
NAME_LENGTH = 200
TOKEN_NAME_LENGTH = 100
#: a picture's address (a 100,000-character one made every page showing it
#: ask the server for a 414)
IMAGE_URL_LENGTH = 2000
#: the longest "about" of a profile (it took a megabyte)
ABOUT_LENGTH = 5000
def _flag_typed(context: Context, data: DataDict, action: str = "user_create") -> None:
    """A user's ``sysadmin`` flag is true or false (CKAN's validator
    answered 500 to a number)."""
    flag = data.get("sysadmin")
    if flag is not None and not isinstance(flag, (bool, str)):
        tk.check_access(action, context, data)
        raise tk.ValidationError({"sysadmin": [tk._("Must be true or false")]})


user_create = _limited("user_create", {"fullname": NAME_LENGTH, "image_url": IMAGE_URL_LENGTH,
                                       "about": ABOUT_LENGTH}, first=_flag_typed)


def _last_holder(user: model.User) -> Optional[str]:
    """Why ``user`` (active, or invited) may not leave: the only holder of a
    level of the approval chain or the only producer of an OPD waiting for
    its producers (:func:`.roles.leaving_refusal`, after the locks a removal
    of the role or of the producer takes), or None."""
    if user.state not in ("active", "pending"):
        return None
    for role in sorted(roles.user_roles(user.id)):
        lock_name("role", role)
    for org_id in sorted(roles.producer_org_ids(user.name, user)):
        # as a removal from the OPD locks it: the account deleted while the
        # OPD's other producer was taken out left its requests to nobody
        lock_name("producers", org_id)
    return roles.leaving_refusal(user)


def _account_kept(context: Context, data: DataDict) -> None:
    """A sysadmin's ``user_update``/``user_patch`` of ``state`` (deleted,
    pending) is a deletion: the only officer holding a level of the chain
    keeps their account, as :func:`user_delete` refuses (the requests
    reaching that level waited for nobody)."""
    user = model.User.get(data["id"]) if roles.clean_id(data.get("id")) else None
    _flag_typed(context, data, "user_update")
    flag = data.get("sysadmin")
    # (only a sysadmin's flag is taken: another's is dropped, not refused
    # for a promotion that does not happen)
    if user is not None and not user.sysadmin and user.state == "active" \
            and flag not in (None, "", False) and tk.asbool(flag.strip() if isinstance(
                flag, str) else flag) \
            and (context.get("ignore_auth") or authz.is_sysadmin(context.get("user"))):
        # a sysadmin is no OPD's producer: promoted, the OPD's only producer
        # left its waiting requests to nobody (and the account deletable)
        orgs = sorted(roles.producer_org_ids(user.name, user))
        for org_id in orgs:
            lock_name("producers", org_id)
        last = roles.last_producer_message(user, orgs)
        if last:
            tk.check_access("user_update", context, data)
            # (its message: what the sysadmins' page flashes)
            raise tk.ValidationError({"sysadmin": [last]}, extra_msg=last)
    state = data.get("state")
    if not isinstance(state, str) or state in ("", "active"):
        return
    last = _last_holder(user) if user is not None else None
    if last:
        tk.check_access("user_update", context, data)  # told first
        raise tk.ValidationError({"state": [last]})


def _credentials_confirmed(context: Context, data: DataDict) -> None:
    """A change of one's own password or e-mail address asks for the
    current password (``old_password``), as CKAN's form does: an API token
    alone (a leaked one) changed both, which logged the owner out
    everywhere and sent the password resets to the new address. A sysadmin
    changes another's without; a password reset (its key checked) needs none."""
    if context.get("reset_password") or context.get("ignore_auth"):
        return
    actor = roles.user_obj(context.get("user"))
    user = model.User.get(data["id"]) if roles.clean_id(data.get("id")) else None
    if actor is None or actor.sysadmin or user is None:
        return
    email = data.get("email")
    if not any(isinstance(data.get(key), str) and data[key] for key in ("password", "password1")) \
            and not (isinstance(email, str) and email.strip().lower() != (user.email or "").lower()):
        return
    tk.check_access("user_update", context, data)  # told first
    if login_attempts.locked(actor.name):  # guessed as a login is (the profile form's too)
        raise tk.ValidationError({"old_password": [tk._(
            "Too many failed logins to this account. For its safety, logging in is "
            "paused for %(minutes)s minutes; try again later or reset your password.")
            % {"minutes": tk.config["satudata.login.lock_minutes"]}]})
    old = data.get("old_password")
    if not isinstance(old, str) or not old or not actor.validate_password(old):
        if isinstance(old, str) and old:
            login_attempts.failed(actor.name)
        raise tk.ValidationError({"old_password": [tk._(
            "Give your current password to change your password or e-mail address")]})


def _user_update_checks(context: Context, data: DataDict) -> None:
    _credentials_confirmed(context, data)
    _account_kept(context, data)


def _password_changed(result: Any, data: DataDict) -> None:
    """A new password (the API's ``password``, the form's ``password1``)
    ends the account's other sessions (:func:`...lib.sessions.password_changed`)."""
    if any(isinstance(data.get(key), str) and data[key] for key in ("password", "password1")):
        user = model.User.get(result["id"])
        sessions.password_changed(None, user=user)
        login_attempts.password_changed(user)  # a reset ends the lock it was offered for


user_update = _limited("user_update", {"fullname": NAME_LENGTH, "image_url": IMAGE_URL_LENGTH,
                                       "about": ABOUT_LENGTH},
                       then=_password_changed, first=_user_update_checks)


def _token_owner_exists(context: Context, data: DataDict) -> None:
    """A visitor is asked to log in; the user a token is for is given and
    exists: CKAN's auth function reads it unchecked, and answered 500 to
    anyone but a sysadmin for a missing or unknown one. A caller that skips
    the auth (``ckan user token add``) is nobody's visitor."""
    if not context.get("user") and not context.get("ignore_auth"):
        raise tk.NotAuthorized(tk._("Log in to create an API token"))
    user = data.get("user")
    if not isinstance(user, str) or not user.strip():
        raise tk.ValidationError({"user": [tk._("Missing value")]})
    if roles.clean_id(user) is None or model.User.get(user) is None:
        raise tk.ObjectNotFound(tk._("User not found"))
    name = data.get("name")
    if isinstance(name, str) and name and not name.strip():
        # a name of spaces made a token nobody could tell from another
        raise tk.ValidationError({"name": [tk._("Missing value")]})


def _not_minted_by_a_token(context: Context) -> None:
    """A token is created by its owner logged in (the account's page, or the
    API with the session's cookie), not by another token: a leaked token
    made more of itself, and revoking it locked nobody out."""
    if not context.get("ignore_auth") and _called_with_a_token():
        raise tk.NotAuthorized(tk._(
            "An API token cannot create another one: create it on your account's page, "
            "logged in with your password"))


def _called_with_a_token() -> bool:
    """Whether the request was authenticated by an API token it sent.
    CKAN marks ``login_via_auth_header`` whenever no session names the
    user, sent token or not: a script acting as a user in a request
    context of its own (the benchmark's seeding) was refused."""
    if not flask.has_request_context() or not tk.g.get("login_via_auth_header"):
        return False
    names = (tk.config.get("apitoken_header_name") or "Authorization", "X-CKAN-API-Key")
    return any(flask.request.headers.get(name) for name in names)


def _token_checks(context: Context, data: DataDict) -> None:
    _token_owner_exists(context, data)
    _not_minted_by_a_token(context)


api_token_create = _limited("api_token_create", {"name": TOKEN_NAME_LENGTH},
                            first=_token_checks)

user_show = _checked("user_show", _without_email_hashes)
user_list = _checked("user_list", _without_email_hashes)
organization_show = _checked("organization_show", _without_email_hashes)
organization_list = _checked("organization_list", _without_email_hashes)
group_show = _checked("group_show", _without_email_hashes)
group_list = _checked("group_list", _without_email_hashes)


def _refuse_unreadable_account(context: Context, data_dict: DataDict, message: str) -> None:
    """Refuse (``message``) a caller asking about another user's account
    (``id``) they may not read (``user_show``)."""
    asked = (data_dict or {}).get("id") if isinstance(data_dict, dict) else None
    if isinstance(asked, str) and asked and not context.get("ignore_auth"):
        caller = roles.user_obj(context.get("user"))
        if caller is None or asked not in (caller.id, caller.name):
            try:
                tk.check_access("user_show", {"user": context.get("user")},  # type: ignore
                                {"id": asked})
            except (tk.NotAuthorized, tk.ObjectNotFound):
                raise tk.NotAuthorized(message)


def _account_readable(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's, for another user's account only to whom may read it
    (``user_show``): a visitor counting an account's followers got a number
    for an account that exists and "not found" for one that does not, so
    citizens' account names could be confirmed though user details are not
    public."""
    _refuse_unreadable_account(context, data_dict, tk._("Not authorized to see this user"))
    return original(context, data_dict)


user_follower_count = _checked("user_follower_count", _account_readable)
am_following_user = _checked("am_following_user", _account_readable)
followee_count = _checked("followee_count", _account_readable)
user_followee_count = _checked("user_followee_count", _account_readable)
followee_list = _checked("followee_list", _account_readable)
user_followee_list = _checked("user_followee_list", _account_readable)
dataset_followee_count = _checked("dataset_followee_count", _account_readable)
dataset_followee_list = _checked("dataset_followee_list", _account_readable)
group_followee_count = _checked("group_followee_count", _account_readable)
group_followee_list = _checked("group_followee_list", _account_readable)
organization_followee_count = _checked("organization_followee_count", _account_readable)
organization_followee_list = _checked("organization_followee_list", _account_readable)


@tk.chained_action
@tk.side_effect_free
def organization_list_for_user(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's, for another user only to whom may read that user's account:
    a visitor asking for ``id=kadis`` got the walidata's organization (and
    "not found" for a made-up name: which accounts exist), where
    ``user_show`` refuses them."""
    _refuse_unreadable_account(context, data_dict, tk._(
        "Not authorized to see this user's organizations"))
    return original(context, data_dict)


def _member_delete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's, with the organization or group known to exist (CKAN asserts
    it: a 500)."""
    ref = data_dict.get("id")
    if not isinstance(ref, str) or model.Group.get(ref) is None:
        raise tk.ObjectNotFound(tk._("Organization not found"))
    return original(context, data_dict)


@tk.chained_action
def organization_member_delete(original: Action, context: Context, data_dict: DataDict
                               ) -> Any:
    """As CKAN's, a 404 for an organization that does not exist. An
    invitation withdrawn (a pending account taken out of its only
    organization) ends that account: its e-mail's link still set a password
    and opened an active account, on a portal nobody registers on."""
    result = _member_delete(original, context, data_dict)
    ref = (data_dict or {}).get("username") or (data_dict or {}).get("user_id")
    user = model.User.get(ref) if isinstance(ref, str) and ref else None
    if user is not None and user.state == model.State.PENDING:
        still = model.Session.execute(sa.select(model.Member.id).where(
            model.Member.table_name == "user", model.Member.table_id == user.id,
            model.Member.state == model.State.ACTIVE).limit(1)).first()
        if still is None:
            user.state = model.State.DELETED
            user.reset_key = None
            model.repo.commit()
    return result


def _producer_kept(name: str, context: Context, data_dict: DataDict) -> None:
    """``member_create``/``member_delete`` (which the organization's member
    actions and pages call too) refuse to take an OPD's only producer out of
    it (a removal, or a capacity that is no producer's) while its data
    requests wait for its producers: they waited for nobody, and a return
    was e-mailed to nobody (the only holder of a chain level is kept the
    same way)."""
    data = data_dict if isinstance(data_dict, dict) else {}
    capacity = data.get("capacity") if name == "member_create" else None
    group = model.Group.get(data["id"]) if isinstance(data.get("id"), str) else None
    user = model.User.get(data["object"]) if isinstance(data.get("object"), str) else None
    if group is None or user is None or not group.is_organization \
            or data.get("object_type") != "user" or capacity in roles.PRODUCER_CAPACITIES:
        return
    lock_name("producers", group.id)  # two removals at once: the second sees the first
    last = roles.last_producer_message(user, [group.id])
    if last:
        tk.check_access(name, context, data_dict)  # a caller who may not is told that first
        raise tk.ValidationError({"username": [last]})


def _producers_kept(context: Context, data: DataDict, group: Optional[model.Group]) -> None:
    """An organization's update that gives its members (``users``) keeps a
    producer while its data requests wait for one (:func:`_producer_kept`)."""
    users = data.get("users")
    if group is None or not group.is_organization or not isinstance(users, list):
        return
    kept = [model.User.get(u.get("name") or u.get("id") or "") for u in users
            if isinstance(u, dict) and u.get("capacity") in roles.PRODUCER_CAPACITIES]
    if any(u is not None and u.state == "active" and not u.sysadmin for u in kept):
        return
    lock_name("producers", group.id)
    org = roles.waiting_for_producers([group.id])
    if org is not None:
        tk.check_access("organization_update", context, data)
        raise tk.ValidationError({"users": [tk._(
            "%(opd)s keeps at least one producer (an editor or admin) while its data "
            "requests wait for its producers or are under review and may come back to "
            "them") % {"opd": org.display_name}]})


@tk.chained_action
def group_member_delete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """As CKAN's, a 404 for a group that does not exist."""
    return _member_delete(original, context, data_dict)


#: an organization's or a group's title and description (CKAN limits
#: neither: an empty-looking title of 1 MB, a description of 1 MB were stored
#: and widened or weighed down every page listing them)
GROUP_LIMITS = {"title": NAME_LENGTH, "description": 10_000}


def _group_texts(action: str, context: Context, data_dict: DataDict) -> None:
    """Refuses a title or description beyond :data:`GROUP_LIMITS`, and a
    logo that cannot be shown, as an update refuses it (a new OPD's
    ``../../etc/passwd`` was kept: a broken logo) (a caller who may not run
    ``action`` is told that first)."""
    errors = _text_errors(data_dict, GROUP_LIMITS,
                          _group_shown(action.startswith("organization")))
    if "image_url" not in errors and isinstance(data_dict, dict) \
            and (refusal := _picture_refusal("group", data_dict)):
        errors["image_url"] = [refusal]
    if errors:
        tk.check_access(action, context, data_dict)
        raise tk.ValidationError(errors)


def _known_type(kind: str, action: str, context: Context, data_dict: DataDict) -> None:
    """Refuses a ``type`` the site does not have (:func:`type_refusal`); a
    caller who may not run ``action`` is told that first."""
    message = validators.type_refusal(kind, data_dict.get("type"))
    if message:
        tk.check_access(action, context, data_dict)
        raise tk.ValidationError({"type": [message]})


@tk.chained_action
def organization_create(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's, with the ``type`` one of the site's organization types (and
    its English refusal of a logo's file type translated)."""
    _known_type("organization", "organization_create", context, data_dict)
    _state_known("organization_create", context, data_dict)
    _group_texts("organization_create", context, data_dict)
    _lock_group_name(data_dict)
    with _core_words_translated():
        return original(context, data_dict)


@tk.chained_action
def group_create(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's, with the ``type`` one of the site's group types (and its
    English refusal of a picture's file type translated)."""
    _known_type("group", "group_create", context, data_dict)
    _state_known("group_create", context, data_dict)
    _group_texts("group_create", context, data_dict)
    if isinstance(data_dict, dict):  # its datasets join it as member_create lets them
        _group_packages_reviewed(context, data_dict, None, new=True)
    _lock_group_name(data_dict)
    with _core_words_translated():
        return original(context, data_dict)


def _lock_group_name(data_dict: DataDict) -> None:
    """Two creations of one organization's or group's URL name at once: the
    second is told the name is taken (it failed on the database's unique
    key, HTTP 500). Organizations and groups share their names."""
    if isinstance(data_dict.get("name"), str):
        lock_name("group", data_dict["name"])


# -- the visibility lock and revision staging --------------------------------------------

def _package(data_dict: DataDict, key: str = "id") -> Optional[model.Package]:
    ref = data_dict.get(key) or (data_dict.get("name") if key == "id" else None)
    return model.Package.get(ref) if roles.clean_id(ref) else None


#: what the data check reads of a dataset besides its resources (:mod:`...lib.validation`)
_CHECKED_FIELDS = ("variables", "reference_period", "data_year", "area_code")
#: what tells a resource's file apart
_FILE_KEYS = ("url", "url_type", "format")


def _file_of(get: Any) -> tuple[str, ...]:
    """What tells a resource's file apart (``get(key)`` reads the resource),
    as stored: an uploaded file's URL is its name (``package_show`` gives
    the whole download URL)."""
    values = {k: str(get(k) or "") for k in _FILE_KEYS}
    if values["url_type"] == "upload":
        values["url"] = values["url"].rsplit("/", 1)[-1]
    return tuple(values[k] for k in _FILE_KEYS)


def _stored(value: Any) -> Any:
    """A dataset field as stored (an extra: a string, JSON for lists)."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _stored_files_and_fields(pkg: model.Package, fields: list[str]
                             ) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """What the data check reads of ``pkg`` as stored, in one query: its
    resources (not deleted) by id (:data:`_FILE_KEYS`), and the extras
    among ``fields``. CKAN's ``package_update`` reloads the package and its
    resources and extras anyway: loading them here through the ORM cost two
    queries more per update."""
    res, extra = model.Resource, model.PackageExtra
    resources = sa.select(sa.literal("resource"), res.id, res.url, res.url_type,
                          res.format).where(res.package_id == pkg.id, res.state != "deleted")
    extras = sa.select(sa.literal("extra"), extra.key, extra.value, sa.null(), sa.null()
                       ).where(extra.package_id == pkg.id, extra.key.in_(fields))
    stored: dict[str, dict[str, Any]] = {}
    values: dict[str, Any] = {}
    for kind, key, first, second, third in model.Session.execute(
            sa.union_all(resources, extras) if fields else resources):
        if kind == "resource":
            stored[key] = dict(zip(_FILE_KEYS, (first, second, third)))
        else:
            values[key] = first
    return stored, values


def _data_may_change(pkg: model.Package, data_dict: DataDict) -> bool:
    """Whether a ``package_update`` of ``pkg`` can change what the data check
    and the DataStore see: its files (a resource added, removed, or with
    another link, kind or format) or a field the check reads. An update of
    the description, the contacts, the dates… queues neither job, nor does
    any update of a dataset without tables before and after. Any doubt
    counts as a change."""
    fields = [f for f in _CHECKED_FIELDS if f in data_dict]
    if "resources" not in data_dict and not fields:
        return False
    stored, extras = _stored_files_and_fields(pkg, fields)
    if not stored and not data_dict.get("resources"):  # no file, before or after
        return False
    if "resources" in data_dict:
        incoming = data_dict.get("resources") or []
        if not isinstance(incoming, list) or len(incoming) != len(stored):
            return True
        for res in incoming:
            old = (stored.get(res["id"]) if isinstance(res, dict)
                   and isinstance(res.get("id"), str) else None)
            if (old is None or "upload" in res or _file_of(res.get) != _file_of(old.get)
                    or storage.took_place(res["id"])):  # a revision's file, published
                return True
    for field in fields:
        new, old = data_dict[field], _stored(extras.get(field))
        if new != old and str(new or "") != str(old or ""):
            return True
    return False


def _refuse_unusable_resources(action: str, context: Context, data_dict: DataDict) -> None:
    """Refuses a dataset whose resources hold a value CKAN uses before it
    validates them (its uploader parses ``url``, a text; ``size`` must fit
    PostgreSQL's bigint; a name or description that is an object cannot be
    stored): each answered 500, through every action that writes a
    dataset's resources (``package_revise`` and ``package_patch`` too). A
    caller who may not run ``action`` is told that first."""
    resources = data_dict.get("resources")
    if not isinstance(resources, list):
        return
    errors = [{key: [message] for key, value in res.items()
               if (message := validators.api_argument_message(key, value)
                   or (validators.link_message(res) if key == "url" else None))}
              if isinstance(res, dict) else {} for res in resources]
    if any(errors):
        tk.check_access(action, context, data_dict)
        raise tk.ValidationError({"resources": errors})


#: the states CKAN gives a dataset, an organization or a group
KNOWN_STATES = ("active", "draft", "deleted")


def _state_message(state: Any) -> Optional[str]:
    """Why ``state`` (given) is no state of CKAN's, or None."""
    if state is None:
        return None  # as not given
    if not isinstance(state, str):
        return tk._("Must be text")
    if state not in KNOWN_STATES:
        return tk._("Must be one of: %(values)s") % {"values": ", ".join(KNOWN_STATES)}
    return None


def _state_known(action: str, context: Context, data_dict: DataDict) -> None:
    """A ``state`` given is one of CKAN's (:data:`KNOWN_STATES`): its schemas
    take anything (a form's field sent twice, ``package_revise``'s update, an
    empty or made-up one) and stored it, and the pages of the dataset, group
    or OPD then answered 500 or 404 to everyone, search lost the dataset.
    A caller who may not run ``action`` is told that first."""
    if not isinstance(data_dict, dict) or "state" not in data_dict:
        return
    message = _state_message(data_dict["state"])
    if message:
        tk.check_access(action, context, data_dict)
        raise tk.ValidationError({"state": [message]})


def _refuse_taken_resource_ids(data_dict: DataDict, pkg: model.Package) -> None:
    """A dataset's update names its own tables by their ids, and a new one
    by none or a new uuid: a deleted table's id brought it back with its
    deleted file, an upper-cased id replaced the tables by copies."""
    given = data_dict.get("resources") if isinstance(data_dict, dict) else None
    if not isinstance(given, list):
        return
    own = {r.id for r in pkg.resources}
    ids = [r.get("id") for r in given if isinstance(r, dict)]
    ids = [i for i in ids if isinstance(i, str) and i and i not in own]
    if ids and (message := _new_table_id_refusal(ids)):
        raise tk.ValidationError({"resources": [message]})


#: a resource id as CKAN makes them
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _new_table_id_refusal(ids: list[str]) -> Optional[str]:
    """Why new tables cannot take the ``ids`` their caller gives, or None:
    another spelling of a uuid (braces, no hyphens, capitals) was a second
    table of the "same" id; a table's own id overwrote it (its name,
    description and file replaced unseen), a deleted one's brought it back
    with its deleted file (CKAN refuses only another dataset's)."""
    if any(not _UUID.fullmatch(i) for i in ids):
        return tk._("A table's id, when given, is a UUID in lower case "
                    "(e.g. 7c9c76af-db0f-42cb-bda6-43c59ed76129)")
    if model.Session.execute(
            sa.select(model.Resource.id).where(model.Resource.id.in_(ids))).first():
        return tk._("Resource id already exists.")
    return None
#: CKAN's own dataset fields the portal's schema has not: no form shows
#: them, no reviewer sees them, the DCAT feed sent them to the national
#: portal (a producer's ``url`` as the landing page, ``version`` "[1, 2]")
UNKEPT_FIELDS = ("url", "version", "author", "author_email", "maintainer",
                 "maintainer_email")


def _unkept_fields_refused(context: Context, data_dict: DataDict,
                           pkg: Optional[model.Package] = None) -> None:
    """A value of the :data:`UNKEPT_FIELDS` is refused, but the one a
    dataset has stored (an update sends it back as it is); so are free
    extras (``uri``, ``publisher_name``, ``spatial``…: the DCAT feed took
    them for the dataset's identity and publisher), relationships set with
    the dataset, and a table's fields the portal does not keep
    (``download_url``, ``license``…: the feed's download address and
    licence) or CKAN writes itself (``hash``: the feed's checksum), but from
    the portal itself."""
    if not isinstance(data_dict, dict):
        return
    errors: dict[str, Any] = {}
    for key in UNKEPT_FIELDS:
        value = data_dict.get(key)
        if value in (None, "") or (pkg is not None and value == getattr(pkg, key, None)):
            continue
        errors[key] = [tk._(
            "The portal does not keep this field: no form shows it and no reviewer sees "
            "it (a dataset's contacts are its producer's and the walidata's)")]
    if not context.get("ignore_auth") and not publishing.is_site_user(context.get("user")):
        # relationships set with the dataset: staged, published unseen (the
        # rule on package_relationship_create did not see them), and one
        # without an object made package_relationships_list fail
        for key in ("relationships_as_subject", "relationships_as_object"):
            if data_dict.get(key) not in (None, "", []):
                errors[key] = [tk._(
                    "The portal keeps no relationships between datasets: no form shows "
                    "them and no reviewer sees them")]
        stored = pkg.extras if pkg is not None else {}
        extras = data_dict.get("extras")
        unkept = [not isinstance(e, dict) or not isinstance(e.get("key"), str)
                  or e["key"] not in stored or stored[e["key"]] != e.get("value")
                  for e in (extras if isinstance(extras, list) else [])]
        if any(unkept):
            # per extra, as CKAN reports them (its form's error summary
            # reads each one's "key": a list of texts answered 500)
            errors["extras"] = [{"key": [tk._(
                "The portal keeps no free extra fields: no form shows them and no reviewer "
                "sees them (each field of the dataset has its own place in its form)")]}
                if refused else {} for refused in unkept]
        tables = _unkept_table_fields(data_dict.get("resources"), pkg)
        if tables:
            errors["resources"] = tables
    if errors:
        raise tk.ValidationError(errors)


def _unkept_table_fields(resources: Any, pkg: Optional[model.Package]) -> list[dict[str, Any]]:
    """Per table of ``resources`` (as CKAN reports a dataset's resource
    errors, by position), the fields it is given that the portal does not
    keep, with a value other than the one stored; empty when there are
    none."""
    if not isinstance(resources, list):
        return []
    columns = set(model.Resource.__table__.columns.keys())
    stored = {r.id: {**(r.extras or {}), **{key: _as_shown(getattr(r, key))
                                           for key in _CKAN_OWN if key in columns}}
              for r in (pkg.resources if pkg is not None else [])}
    kept = _kept_table_keys()
    errors: list[dict[str, Any]] = []
    for resource in resources:
        extras = stored.get(resource.get("id")) or {} if isinstance(resource, dict) else {}
        # a staged new file of a live table carries what the loader wrote
        # on that table (its ``resource_id``): as stored there
        replaced = resource.get(publishing.REPLACES_KEY) if isinstance(resource, dict) else None
        if not extras and isinstance(replaced, str):
            extras = stored.get(replaced) or {}
        unkept = sorted(
            key for key, value in (resource.items() if isinstance(resource, dict) else ())
            if (key not in kept or key in _CKAN_OWN) and value not in (None, "")
            and extras.get(key) != value)
        errors.append({key: [tk._(
            "The portal does not keep the field \"%(field)s\" of a table: no form shows it "
            "and no reviewer sees it") % {"field": key}] for key in unkept})
    return errors if any(errors) else []


def _as_shown(value: Any) -> Any:
    """A stored value as ``package_show`` gives it (a time in ISO form)."""
    return value.isoformat() if isinstance(value, datetime.datetime) else value


#: a table's fields CKAN (or its DataStore loader) writes itself, never a
#: producer: the file's checksum (the DCAT feed's ``spdx:checksum``), a
#: cached copy's address, the loader's own id
_CKAN_OWN = ("hash", "cache_url", "cache_last_updated", "mimetype_inner", "resource_type",
             "resource_id")


@functools.lru_cache(maxsize=1)
def _kept_table_keys() -> frozenset[str]:
    """A table's fields: CKAN's own, the dataset schema's, and those of the
    file upload and the DataStore."""
    from ckan.logic.schema import default_resource_schema
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema("dataset") or {}
    return (frozenset(default_resource_schema())
            | set(model.Resource.__table__.columns.keys())
            | {f["field_name"] for f in schema.get("resource_fields") or []}
            | {"upload", "clear_upload", "datastore_contains_all_records_of_source_file",
               "resource_id", "tracking_summary", publishing.REPLACES_KEY})


@tk.chained_action
def package_create(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Datasets of non-sysadmins are created private (published only by the
    workflow), of one of the site's dataset types."""
    _known_type("dataset", "package_create", context, data_dict)
    _state_known("package_create", context, data_dict)
    _refuse_unusable_resources("package_create", context, data_dict)
    _unkept_fields_refused(context, data_dict)
    publishing.lock_create(context, data_dict)
    if isinstance(data_dict.get("name"), str):
        # two creations of one URL name: the second is told it is taken
        lock_name("package", data_dict["name"])
    return original(context, data_dict)


@tk.chained_action
def package_update(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A non-sysadmin's update of a live (published) dataset is staged as a
    revision; of an unpublished one, keeps it private. Whoever may not
    read the dataset is told it is not found."""
    readable_or_not_found(context, (data_dict or {}).get("id") or (data_dict or {}).get("name"))
    _state_known("package_update", context, data_dict)
    _refuse_unusable_resources("package_update", context, data_dict)
    pkg = _package(data_dict)
    if pkg is not None:
        # as CKAN's own update sets it before its check: the dataset's groups
        # are its own, not ones the producer adds (a producer of a dataset
        # the walidata had put in a group was refused every change of it)
        context["package"] = pkg
    _unkept_fields_refused(context, data_dict, pkg)
    if pkg is not None and not publishing.bypasses_lock(context, pkg.id):
        _refuse_taken_resource_ids(data_dict, pkg)
    if pkg is not None and isinstance(data_dict, dict) and publishing.SEEN_KEY in data_dict:
        tk.check_access("package_update", context, data_dict)
        from ckanext.scheming.helpers import scheming_get_dataset_schema

        # the form's rows (``variables-0-name``) as its page shows them again
        # when it is refused (before scheming's step: the stored rows were shown)
        metadata.expand_form_rows(data_dict, scheming_get_dataset_schema(pkg.type))
        # compared under the dataset's lock: six tabs saving at once all read
        # the version they were built from, and four saved over each other
        _lock_for_change(context, pkg)
        publishing.refuse_stale_form(pkg, data_dict)
    if pkg is not None:
        try:
            if "owner_org" in data_dict:
                publishing.refuse_move(context, pkg, data_dict["owner_org"])
            publishing.refuse_core_change(context, pkg, data_dict)
        except tk.ValidationError:
            tk.check_access("package_update", context, data_dict)  # told first
            raise
    if pkg is None:
        with publishing.search_required():
            return original(context, data_dict)
    bypass = publishing.bypasses_lock(context, pkg.id)
    if not bypass:
        # decided under the lock: an update that waited for the dataset's
        # first publication wrote the public dataset private again
        publishing.share_lock_requests(pkg.id)
    if not bypass and publishing.record_for(pkg.id) is not None:
        tk.check_access("package_update", context, data_dict)
        publishing.lock_staged(pkg.id)  # before the jobs it owes (see _queue_checks)
        _queue_jobs_if_data_may_change(pkg, data_dict)
        return publishing.stage(context, original, pkg, data_dict)
    if not bypass:
        publishing.lock_update(context, pkg, data_dict)
    _lock_for_change(context, pkg)
    if not bypass:
        _activation_keeps_tables(context, data_dict)
    _queue_jobs_if_data_may_change(pkg, data_dict)
    datastore.note_new_files(data_dict.get("resources"))
    with publishing.search_required():  # Solr away: refused whole, not a 500
        return original(context, data_dict)


def _activation_keeps_tables(context: Context, data_dict: DataDict) -> None:
    """CKAN's "Add" of a table saves it, then reads the dataset and writes it
    again to make it active (its ``go-metadata`` step; its new dataset's
    last step alike): the dataset keeps its tables as they are then (read
    under its lock), not the list that read gave: tables added by another
    tab or producer in between were dropped (all told "added"; 2 of 4 kept),
    a draft's as an active dataset's. No such activation changes tables."""
    if context.get("allow_state_change") and data_dict.get("state") == "active":
        data_dict.pop("resources", None)
        context["allow_partial_update"] = True  # (CKAN keeps the tables not given)


def _queue_jobs_if_data_may_change(pkg: model.Package, data_dict: DataDict) -> None:
    if _data_may_change(pkg, data_dict):
        _queue_checks(pkg)


@tk.chained_action
@tk.side_effect_free
def package_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Editors reading a published dataset to change it (``for_update``,
    ``for_edit``) get its staged revision; everyone else the live version.
    Whoever may not read a dataset is told it is not found, as its page
    says (:func:`_unreadable_not_found`)."""
    with _unreadable_not_found():
        result = original(context, data_dict)
    if context.get("for_update") or context.get("for_edit"):
        return publishing.staged_view(context, result)
    return result


@contextlib.contextmanager
def _unreadable_not_found() -> Iterator[None]:
    """CKAN refuses a dataset its caller may not read with 403 "not
    authorized", and answers 404 for a name nobody took: a guessed name
    (an item's title and a round's) told an outsider which data were
    requested from which OPD. Both are "not found" here, as on the pages
    (:mod:`..views.privacy`)."""
    try:
        yield
    except tk.NotAuthorized as e:
        raise tk.ObjectNotFound() from e  # word for word CKAN's answer for a missing one


@tk.chained_action
@tk.side_effect_free
def package_activity_list(original: Action, context: Context, data_dict: DataDict) -> Any:
    """As :func:`package_show`: an unreadable dataset is not found. A
    walidata reviewer of the dataset reads its activities as the members of
    its OPD do: who changed it, and when, while it was private (the list was
    empty for them; the activity plugin reads the permission labels only,
    and the reviewers read the dataset by the state table)."""
    with _unreadable_not_found():
        activities = original(context, data_dict)
    pkg = model.Package.get(str(data_dict.get("id") or ""))
    user = context.get("user")
    if pkg is None or not pkg.owner_org or not user or authz.is_sysadmin(user) \
            or not auth_chained.reviews_dataset(dict(context, package=pkg), {"id": pkg.id}):
        return activities
    return _activities_read_as_members(context, data_dict, pkg)


def _activities_read_as_members(context: Context, data_dict: DataDict,
                                pkg: model.Package) -> list[dict[str, Any]]:
    """The dataset's activities as the activity plugin lists them (its
    parameters, validated by its schema), to the caller's permission labels
    added its OPD members' (``member-<org id>``)."""
    from ckanext.activity.logic import schema as activity_schema
    from ckanext.activity.model import activity as model_activity

    data, errors = tk.navl_validate(dict(data_dict),
                                    activity_schema.default_activity_list_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    user_obj = context.get("auth_user_obj") or roles.user_obj(context.get("user"))
    labels = list(lib_plugins.get_permission_labels().get_user_dataset_labels(user_obj))
    found = model_activity.package_activity_list(
        pkg.id, limit=data["limit"], offset=int(data.get("offset") or 0),
        after=data.get("after"), before=data.get("before"), include_hidden_activity=False,
        activity_types=data.get("activity_types"),
        exclude_activity_types=data.get("exclude_activity_types"),
        user_permission_labels=labels + [f"member-{pkg.owner_org}"])
    return model_activity.activity_list_dictize(found, context)


def _activity_of_readable(original: Action, context: Context, data_dict: DataDict) -> Any:
    """An activity of a dataset the caller may not see is not found, as a
    made-up id: CKAN said 403, so the id of a step on unpublished data was
    confirmed to an outsider (the page of a change, ``/dataset/changes/<id>``,
    said 403 too). Other refusals (an organization's activity: sysadmins
    only) stay CKAN's."""
    try:
        return original(context, data_dict)
    except tk.NotAuthorized as e:
        from ckanext.activity.model import Activity

        ref = roles.clean_id((data_dict or {}).get("id"))
        activity = model.Session.get(Activity, ref) if ref else None
        if activity is not None and model.Package.get(activity.object_id) is not None:
            raise tk.ObjectNotFound() from e  # word for word CKAN's answer for a missing one
        raise


activity_show = _checked("activity_show", _activity_of_readable)
activity_data_show = _checked("activity_data_show", _activity_of_readable)
activity_diff = _checked("activity_diff", _activity_of_readable)


def _views_of_readable_datasets(original: Action, context: Context,
                                 data_dict: DataDict) -> Any:
    """Without the activities about a table's views ("made the view …") of
    datasets the caller may not read: the activity plugin filters only the
    activities whose type ends with "package", and a user's or an
    organization's stream showed anybody the views made on unpublished
    data, with the dataset's and the table's ids."""
    result = original(context, data_dict)
    if context.get("ignore_auth") or authz.is_sysadmin(context.get("user")):
        return result
    readable: dict[str, bool] = {}

    def shown(activity: dict[str, Any]) -> bool:
        if not str(activity.get("activity_type") or "").endswith("resource view"):
            return True
        package_id = activity.get("object_id")
        if package_id not in readable:
            readable[package_id] = authz.is_authorized_boolean(
                "package_show", dict(context), {"id": package_id})
        return readable[package_id]
    return [a for a in result if not isinstance(a, dict) or shown(a)] \
        if isinstance(result, list) else result


user_activity_list = _checked("user_activity_list", _views_of_readable_datasets)
dashboard_activity_list = _checked("dashboard_activity_list", _views_of_readable_datasets)
organization_activity_list = _checked("organization_activity_list",
                                      _views_of_readable_datasets)
group_activity_list = _checked("group_activity_list", _views_of_readable_datasets)


def _readable(*keys: str) -> Callable[[Action, Context, DataDict], Any]:
    """A check (:func:`_checked`) that the datasets named by ``keys`` of an
    action's data are readable by the caller, else not found (CKAN answered
    403, or counted its followers, for a dataset that exists and 404 or 409
    for a name nobody took). A member action's ``object`` is checked when
    it is a dataset."""
    def check(original: Action, context: Context, data_dict: DataDict) -> Any:
        data = data_dict or {}
        for key in keys:
            if key != "object" or data.get("object_type") == "package":
                readable_or_not_found(context, data.get(key))
        return original(context, data_dict)
    check.__doc__ = _readable.__doc__
    return check


dataset_follower_count = _checked("dataset_follower_count", _readable("id"))
dataset_follower_list = _checked("dataset_follower_list", _readable("id"))
am_following_dataset = _checked("am_following_dataset", _readable("id"))
package_collaborator_list = _checked("package_collaborator_list", _readable("id"))
follow_dataset = _checked("follow_dataset", _readable("id"), side_effect_free=False)
unfollow_dataset = _checked("unfollow_dataset", _readable("id"), side_effect_free=False)
package_collaborator_create = _checked("package_collaborator_create", _readable("id"),
                                       side_effect_free=False)
package_collaborator_delete = _checked("package_collaborator_delete", _readable("id"),
                                       side_effect_free=False)
#: what CKAN's ``member_create`` adds to a group or organization
_MEMBER_OBJECT_TYPES = ("user", "package", "group")
#: the capacity of a dataset or group in a group (CKAN writes "public",
#: the group hierarchy "parent")
_OBJECT_CAPACITIES = ("public", "private", "parent")


def _member(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A membership of a known kind (``object_type``: user, package or
    group) with a capacity, a user's one of CKAN's roles (admin, editor,
    member): CKAN answered 500 to an ``object_type`` or ``capacity`` of
    null, and stored any text (``<b>x</b>``, a megabyte) as a user's role,
    shown on the organization's members page. Then the dataset named
    (:func:`_readable`)."""
    data = data_dict or {}
    errors: dict[str, list[str]] = {}
    object_type = data.get("object_type")
    if "object_type" in data and object_type not in _MEMBER_OBJECT_TYPES:
        errors["object_type"] = [tk._("Must be one of: %(values)s") % {
            "values": ", ".join(_MEMBER_OBJECT_TYPES)}]
    capacity = data.get("capacity")
    # a user's: one of CKAN's roles; a dataset's or a group's: how CKAN and
    # the group hierarchy write it
    capacities = list(authz.ROLE_PERMISSIONS) if object_type == "user" \
        else [*_OBJECT_CAPACITIES, *authz.ROLE_PERMISSIONS]
    if "capacity" in data:
        if not isinstance(capacity, str) or not capacity.strip():
            errors["capacity"] = [tk._("Missing value")]
        elif capacity not in capacities:
            errors["capacity"] = [tk._("Must be one of: %(values)s") % {
                "values": ", ".join(capacities)}]
    if errors:
        raise tk.ValidationError(errors)
    _producer_kept("member_create", context, data)
    return _readable("object")(_groups_reviewed(original), context, data_dict)


def _member_removed(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A membership of a known kind (``object_type`` null answered 500, to
    anyone); not an OPD's only producer while its requests wait for one
    (:func:`_producer_kept`); then the dataset named (:func:`_readable`)."""
    data = data_dict if isinstance(data_dict, dict) else {}
    if "object_type" in data and data.get("object_type") not in _MEMBER_OBJECT_TYPES:
        raise tk.ValidationError({"object_type": [tk._("Must be one of: %(values)s") % {
            "values": ", ".join(_MEMBER_OBJECT_TYPES)}]})
    _producer_kept("member_delete", context, data_dict)
    return _readable("object")(_groups_reviewed(original), context, data_dict)


def _groups_reviewed(original: Action) -> Action:
    """A dataset of the workflow joins or leaves a group as its edit does
    (a group's editor put data under review, or published data, into a
    group at once, no review): refused while its request is reviewed;
    once published, by the walidata's curation only (its producers' change
    of groups goes through the revision, ``package_patch``)."""
    def action(context: Context, data_dict: DataDict) -> Any:
        data = data_dict if isinstance(data_dict, dict) else {}
        pkg = model.Package.get(data.get("object") or "") if data.get(
            "object_type") == "package" and isinstance(data.get("object"), str) else None
        if pkg is not None:
            _refuse_group_change(context, pkg, "object")
        return original(context, data_dict)
    return action


def _refuse_group_change(context: Context, pkg: model.Package, key: str) -> None:
    """Refuse ``pkg`` joining or leaving a group now (:func:`_groups_reviewed`)."""
    if not publishing.governed(pkg.id) or publishing.bypasses_lock(context, pkg.id):
        return
    publishing.refuse_under_review(pkg.id)
    user = context.get("user")
    if publishing.record_for(pkg.id) is not None and not (
            authz.is_sysadmin(user) or roles.is_walidata_staff(user)):
        raise tk.ValidationError({key: [tk._(
            "The groups of published data change through its revision: edit the "
            "dataset, the change is reviewed before it goes public")]})


def _group_packages_reviewed(context: Context, data: dict[str, Any],
                             group: Optional[model.Group], new: bool = False) -> None:
    """A group's update (or creation: ``new``) that gives its datasets
    (``packages``) changes their groups as :func:`_groups_reviewed` allows
    (``group_patch`` put data under review into a group at once)."""
    given = data.get("packages")
    if not isinstance(given, list) or (not new and (group is None or group.is_organization)):
        return
    current = {p.id for p in group.packages(with_private=True)} if group is not None else set()
    named = set()
    for entry in given:
        ref = entry.get("id") or entry.get("name") if isinstance(entry, dict) else entry
        pkg = model.Package.get(ref) if isinstance(ref, str) and ref else None
        if pkg is not None:
            named.add(pkg.id)
    for package_id in sorted(current ^ named):
        pkg = model.Package.get(package_id)
        if pkg is not None:
            _refuse_group_change(context, pkg, "packages")


def _kind_and_name_kept(original: Action, context: Context, data_dict: DataDict) -> Any:
    """a group's or an organization's new name checked as at its creation
    (CKAN checks it then only: an update took "<script>…</script>" as a
    group's address, its pages then answered 404), and its kind kept (a
    sysadmin's ``is_organization=false`` made an OPD a group, its datasets
    and producers with it)."""
    data = data_dict if isinstance(data_dict, dict) else {}
    errors: dict[str, list[str]] = {}
    if "name" in data and (message := validators.url_name_message(data["name"])):
        errors["name"] = [message]
    updated = model.Group.get(data["id"]) if isinstance(data.get("id"), str) else None
    errors.update(_text_errors(data, GROUP_LIMITS, _group_shown(
        updated is None or bool(updated.is_organization))))
    if "state" in data and (message := _state_message(data["state"])):
        errors["state"] = [message]  # (a field sent twice, a made-up one: 404 since)
    users = data.get("users")
    if isinstance(users, list) and any(
            isinstance(u, dict) and u.get("capacity") not in (None, "", "admin", "editor",
                                                              "member") for u in users):
        # a member of capacity "god" was stored: no role the portal knows
        errors["users"] = [tk._("Must be one of: %(values)s") % {
            "values": "admin, editor, member"}]
    if "image_url" not in errors and (refusal := _picture_refusal("group", data)):
        errors["image_url"] = [refusal]  # a javascript: picture (as an OPD's is refused)
    group = updated if data.get("is_organization") not in (None, "") else None
    if group is not None:
        try:
            changed = tk.asbool(data["is_organization"]) != bool(group.is_organization)
        except ValueError:
            errors["is_organization"] = [tk._("Must be true or false")]
        else:
            if changed:
                errors["is_organization"] = [tk._(
                    "An organization stays an organization and a group a group: "
                    "create the other kind instead")]
    walidata = roles.walidata_organization()
    if "name" not in errors and walidata is not None and isinstance(data.get("id"), str) \
            and data["id"] in (walidata.id, walidata.name) and "name" in data \
            and data["name"] != walidata.name:
        # the portal finds the walidata by its name (satudata.walidata_organization):
        # renamed, every walidata administrator lost their steps
        errors["name"] = [tk._(
            "The walidata's organization keeps its address \"%(name)s\": the portal "
            "finds the walidata by it (satudata.walidata_organization)") % {
                "name": walidata.name}]
    if not errors:
        group = model.Group.get(data["id"]) if isinstance(data.get("id"), str) else None
        _producers_kept(context, data, group)
        _group_packages_reviewed(context, data, group)
        if group is not None and group.is_organization and data.get("state") == "deleted" \
                and group.state != "deleted":
            _refuse_opd_removal(context, data_dict, group)  # a deletion by its update
    if errors:
        # a caller who may not edit it is told that first
        existing = model.Group.get(data["id"]) if isinstance(data.get("id"), str) else None
        if existing is not None:
            tk.check_access("organization_update" if existing.is_organization
                            else "group_update", context, data_dict)
        raise tk.ValidationError(errors)
    group = model.Group.get(data["id"]) if isinstance(data.get("id"), str) else None
    shown = (group.name, group.title) if group is not None else None
    result = original(context, data_dict)
    if group is not None and shown != (group.name, group.title):
        publishing.reindex_group(group)  # its datasets show its name and title
    return result


def _opd_kept(purge: bool, as_group: bool = False
              ) -> Callable[[Action, Context, DataDict], Any]:
    def check(original: Action, context: Context, data_dict: DataDict) -> Any:
        """An OPD is deleted (or purged) as an organization, and stays while
        its Daftar Data and requests do (:func:`.roles.opd_in_use`):
        ``group_purge`` of an OPD deleted its requests, items and trail with
        it (CKAN checks an organization's datasets only as one), its
        published data left ownerless."""
        group = model.Group.get(data_dict.get("id") or "") \
            if isinstance(data_dict, dict) and isinstance(data_dict.get("id"), str) else None
        if group is not None and group.is_organization:
            if as_group:  # the organization's own action, with its checks
                return tk.get_action("organization_purge" if purge
                                     else "organization_delete")(context, data_dict)
            _refuse_opd_removal(context, data_dict, group, purge)
        try:
            return original(context, data_dict)
        except AssertionError:
            if not purge:
                raise
            # CKAN commits the removal of the group's members, then asserts
            # that the group is still there: another purge of it at the same
            # moment made that a 500
            raise tk.ObjectNotFound(tk._("Organization not found"))
    return check


def _refuse_opd_removal(context: Context, data_dict: DataDict, group: model.Group,
                        purge: bool = False) -> None:
    """The refusal of the OPD ``group``'s deletion while it is in use (a
    caller who may not delete it is told that first), as CKAN refuses an
    organization's with datasets: its ``message`` (CKAN's delete page shows
    it; a list there answered 500)."""
    lock_name("opd", group.id)  # an item added at the same moment: one after the other
    if purge and model.Session.execute(sa.select(model.Group.id).where(
            model.Group.id == group.id)).first() is None:
        # purged by another call while this one waited (it answered 200 too)
        raise tk.ObjectNotFound(tk._("Organization not found"))
    message = roles.opd_in_use(group, purge)
    if message:
        tk.check_access("organization_purge" if purge else "organization_delete",
                        context, {"id": group.id})
        raise tk.ValidationError({"message": message})


member_create = _checked("member_create", _member, side_effect_free=False)
organization_update = _checked("organization_update", _kind_and_name_kept,
                               side_effect_free=False)
organization_delete = _checked("organization_delete", _opd_kept(False),
                               side_effect_free=False)
group_update = _checked("group_update", _kind_and_name_kept, side_effect_free=False)
group_delete = _checked("group_delete", _opd_kept(False, as_group=True),
                        side_effect_free=False)
group_purge = _checked("group_purge", _opd_kept(True, as_group=True), side_effect_free=False)
organization_purge = _checked("organization_purge", _opd_kept(True), side_effect_free=False)
api_token_list = _checked("api_token_list", _as_it_is)
# its uploader's refusal of the logo's file type, in the reader's language
config_option_update = _checked("config_option_update", _as_it_is, side_effect_free=False)
member_delete = _checked("member_delete", _member_removed, side_effect_free=False)
package_relationship_create = _checked("package_relationship_create",
                                       _readable("subject", "object"), side_effect_free=False)
package_relationship_update = _checked("package_relationship_update",
                                       _readable("subject", "object"), side_effect_free=False)
package_relationship_delete = _checked("package_relationship_delete",
                                       _readable("subject", "object"), side_effect_free=False)


@tk.chained_action
@tk.side_effect_free
def package_search(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's; through the API, a search Solr refuses is a validation error
    in the reader's language. CKAN's API answered with Solr's whole query
    (the portal's visibility filters, its site id) and Solr's Java error,
    in English. The pages keep CKAN's own handling. Solr's functions are
    refused (:func:`index_function_errors`)."""
    errors = index_function_errors(context, data_dict if isinstance(data_dict, dict) else {})
    if errors:
        raise tk.ValidationError(errors)
    try:
        return original(context, data_dict)
    except SearchError as error:
        if not (flask.has_request_context() and flask.request.path.startswith("/api/")):
            raise
        if isinstance(error, SearchQueryError):
            field = "sort" if "sort" in str(error) else "q"
            raise tk.ValidationError({field: [tk._(
                "The search cannot be run as asked: check its query, sort, fields and "
                "filters")]}) from error
        raise tk.ValidationError({"q": [tk._(
            "The search could not be run: check its brackets and quotation marks.")]}) \
            from error


#: a field name in ``fl``, a sort clause, a ``qf`` field with its weight
_FIELD_NAME = re.compile(r"[\w.\-*]+")
_SORT_CLAUSE = re.compile(r"\s*[\w.\-]+(\s+(asc|desc))?\s*", re.I)
_QUERY_FIELD = re.compile(r"[\w.\-]+(\^\d+(\.\d+)?)?")
#: Solr's function queries inside a query (``_val_:"docfreq(text,'x')"``)
_FUNCTION_QUERY = re.compile(r"_(val|query)_\s*:|\{!", re.I)  # (and local parameters)


def index_function_errors(context: Context, data: DataDict) -> dict[str, list[str]]:
    """``package_search``'s arguments that would run Solr functions, for
    anyone but a sysadmin: a function in ``fl`` or ``sort``, ``bf`` and
    ``boost``, ``_val_`` in a query, another query parser than CKAN's (``func``),
    a score, facets of no dataset. They read the whole index, past the
    visibility filter: ``fl=n:docfreq(text,'word')`` told anybody whether a
    word or a figure was in an unpublished dataset (and a guessed name
    existed), ``facet.mincount=0`` listed every term. And an answer other
    than JSON (``wt=xml``, 500)."""
    errors: dict[str, list[str]] = {}
    wt = data.get("wt")
    if wt not in (None, "", "json"):
        errors["wt"] = [tk._("The API answers in JSON only: leave wt out")]
    if authz.is_sysadmin(context.get("user")):
        return errors
    fields = data.get("fl")
    names = [n for item in (fields if isinstance(fields, list) else [fields])
             if isinstance(item, str) for n in re.split(r"[\s,]+", item) if n]
    # (a score weighs words by how many datasets hold them, unpublished ones too)
    if any(not _FIELD_NAME.fullmatch(n) or n == "score" for n in names):
        errors["fl"] = [tk._("Give the names of fields only, without functions")]
    sort = data.get("sort")
    if isinstance(sort, str) and sort.strip() and any(
            not _SORT_CLAUSE.fullmatch(clause) for clause in sort.split(",")):
        errors["sort"] = [tk._('Sort by field names, e.g. "metadata_modified desc"')]
    qf = data.get("qf")
    if isinstance(qf, str) and any(not _QUERY_FIELD.fullmatch(f) for f in qf.split()):
        errors["qf"] = [tk._("Give the names of fields only, without functions")]
    for key in ("bf", "boost"):
        if data.get(key) not in (None, ""):
            errors[key] = [tk._("This field is not accepted")]
    # a query parser of functions (defType=func&q=docfreq(text,'word'))
    if data.get("defType") not in (None, "", "dismax", "edismax", "lucene"):
        errors["defType"] = [tk._("Use dismax, edismax or lucene")]
    # facets of no dataset: every term of the index, those of unpublished
    # datasets too (facet.mincount=0 listed their titles, names, tags,
    # file addresses and words, with a count of 0)
    asked = data.get("facet.mincount")
    try:
        # (a JSON 0 is falsy: "or 1" let it through)
        mincount = 1 if asked is None or asked == "" else float(asked)
    except (TypeError, ValueError):
        mincount = 1  # the API guard says what is wrong with it
    if mincount < 1:
        errors["facet.mincount"] = [tk._("Must be at least 1")]
    filters = [data.get("fq")] + list(
        data.get("fq_list") if isinstance(data.get("fq_list"), list) else [])
    for key, queries in (("q", [data.get("q")]), ("fq", filters)):
        # (a filter's function was reported as the query's)
        if any(isinstance(q, str) and _FUNCTION_QUERY.search(q) for q in queries):
            errors[key] = [tk._("The search cannot be run as asked: check its query, "
                                "sort, fields and filters")]
    return errors


@tk.chained_action
def package_patch(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's, on a dataset the caller may read (else not found); the
    dataset's requests are share-locked before CKAN locks its row (see
    :func:`_lock_for_change`). Published data asked to be private is
    refused with the way (the walidata withdraws it)."""
    readable_or_not_found(context, (data_dict or {}).get("id"))
    pkg = _package(data_dict or {})
    _lock_for_change(context, pkg)
    _refuse_hiding_published(context, pkg, data_dict or {})
    return original(context, data_dict)


def _refuse_hiding_published(context: Context, pkg: Optional[model.Package],
                             asked: DataDict) -> None:
    """Published data an edit asks to be private (``asked``: what it
    changes, ``package_patch``'s or ``package_revise``'s ``update``) is
    refused with the way: it answered 200 and kept it public. (A whole
    dataset sent to ``package_update`` carries the visibility it was read
    with, and the workflow's is kept: dropped there.)"""
    if pkg is None or pkg.private or not _asked_visibility(asked) \
            or publishing.record_for(pkg.id) is None \
            or publishing.bypasses_lock(context, pkg.id):
        return
    tk.check_access("package_update", context, {"id": pkg.id})
    raise tk.ValidationError({"private": [tk._(
        "The walidata publishes the data of a request: its visibility does not "
        "change through an edit (to take published data out of sight, the walidata "
        "withdraws it)")]})


@tk.chained_action
def package_revise(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's, on a dataset the caller may read (else not found), with the
    dataset's locks taken first, in the order of every change of it
    (:func:`_lock_for_change`): CKAN's own read locked the dataset's row,
    then its update waited for the revision another change held while that
    change waited for the row (a deadlock, HTTP 500)."""
    match = (data_dict or {}).get("match")
    if match is None:  # its flattened form (``match__id``)
        match = _flattened(data_dict or {}, "match") or None
    if isinstance(match, str):
        try:
            match = json.loads(match)
        except ValueError:
            match = None  # CKAN says what is wrong with it
    ref = (match.get("id") or match.get("name")) if isinstance(match, dict) else None
    if ref is not None and not isinstance(ref, str):
        # an object or a list as the id answered 500 (CKAN's lookup of it)
        raise tk.ValidationError({"match": [tk._("Must be a string")]})
    if isinstance(ref, str) and ref:
        readable_or_not_found(context, ref)
        pkg = model.Package.get(ref)
        if pkg is not None:
            # its groups are its own (as package_update: a producer of a
            # dataset the walidata put in a group was refused every revise)
            context["package"] = pkg
        _lock_for_change(context, pkg)
        update = (data_dict or {}).get("update")
        if isinstance(update, str):
            try:
                update = json.loads(update)
            except ValueError:
                update = None  # CKAN says what is wrong with it
        # its flattened form too (``update__private``)
        for asked in (update, _flattened(data_dict or {}, "update")):
            if isinstance(asked, dict):
                _refuse_hiding_published(context, pkg, asked)
    return original(context, data_dict)


def _flattened(data_dict: DataDict, name: str) -> dict[str, Any]:
    """``package_revise``'s ``name`` as its flattened keys give it
    (``match__id``, ``update__private``)."""
    prefix = f"{name}__"
    return {key[len(prefix):]: value for key, value in data_dict.items()
            if isinstance(key, str) and key.startswith(prefix)}


def _lock_for_change(context: Context, pkg: Optional[model.Package]) -> None:
    """Before CKAN changes the dataset: share-lock its requests, then lock
    its row and read it again. A transition's order is the request, then the
    dataset: CKAN's patch actions locked the dataset first, and a submit
    racing a table's patch deadlocked (HTTP 500). And CKAN's own lock
    (``Package.get(for_update=True)``) takes none when the session already
    holds the dataset (the portal's checks loaded it): an upload read the
    dataset before a concurrent edit committed and wrote it back over the
    edit, both answered 200. So the dataset and what the session holds of
    it (its resources, extras, tags) are read again under the lock; the
    rest of the session stays as loaded. Once per dataset and transaction
    (a patch's update, an upload's update)."""
    if pkg is None:
        return
    locked = publishing.in_transaction(_LOCKED)
    if pkg.id in locked:
        return
    if not publishing.bypasses_lock(context, pkg.id):
        publishing.share_lock_requests(pkg.id)
        if publishing.record_for(pkg.id) is not None:
            # a published dataset's change goes into its revision: read as
            # it is once the staging is this change's (a patch built on the
            # revision read before a discard wrote the discarded changes back)
            publishing.lock_staged(pkg.id)
    model.Session.flush()
    package_id = pkg.id  # read before it expires
    for held in list(model.Session.identity_map.values()):
        # what the session loaded (reading an expired attribute would load it)
        if held is pkg or sa.inspect(held).dict.get("package_id") == package_id:
            model.Session.expire(held)
    model.Session.execute(sa.select(model.Package).where(model.Package.id == package_id)
                          .with_for_update().execution_options(populate_existing=True)
                          ).scalar_one()
    locked.add(package_id)


def lock_dataset_for_change(context: Context, package_id: str) -> None:
    """:func:`_lock_for_change` for an action that reads the dataset before
    it changes it (the metadata workbook's import: two imports at once each
    merged into what it had read, and one change was lost)."""
    _lock_for_change(context, model.Package.get(package_id))


#: :func:`.publishing.in_transaction` key: the datasets locked for a change
_LOCKED = "satudata_locked_for_change"


def _resource_package(data_dict: DataDict) -> Optional[model.Package]:
    """The dataset of resource ``id``: a live one, or a table only a staged
    revision holds (:func:`.publishing.staged_holding`)."""
    if not roles.clean_id(data_dict.get("id")):
        return None
    res = model.Resource.get(data_dict["id"])
    staged = publishing.staged_holding(data_dict["id"]) if res is None else None
    package_id = res.package_id if res is not None else staged.package_id if staged else None
    return model.Package.get(package_id) if package_id else None


def _resource_readable_or_not_found(context: Context, pkg: Optional[model.Package],
                                    message: str = "") -> None:
    """A table of a dataset the caller may not read is not found, in the
    words (``message``) of the action for a table that does not exist (CKAN
    said 403 for one that exists)."""
    if pkg is None:
        return
    try:
        readable_or_not_found(context, pkg.id)
    except tk.ObjectNotFound as e:
        raise tk.ObjectNotFound(message) from e


def _position(resources: list[dict[str, Any]], resource_id: str) -> int:
    """:func:`.publishing.resource_position`; a table not there is not
    found, or, one the revision removes, refused with the reason."""
    position = publishing.resource_position(resources, resource_id)
    if position is None:
        live = model.Resource.get(resource_id or "")
        if live is not None and live.state == "active":
            # its page still shows it (the public's version): "not found"
            # told its producer nothing of why
            raise tk.ValidationError({"id": [tk._(
                "The revision being prepared removes this table: it changes no more "
                "(discard the revision to keep the table as it is published)")]})
        raise tk.ObjectNotFound(tk._("Resource was not found."))
    return position


@tk.chained_action
@tk.side_effect_free
def resource_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A table of a published dataset's staged revision (one it adds, or a
    new file, kept under a new id until publication) is shown to the
    dataset's editors, and to the reviewers of the revision who download its
    file (logic/auth/chained.py): by its own id, and to the editors by the id
    of the live table it replaces when they read to change it
    (``for_update``/``for_edit``, as ``resource_patch`` and the edit form
    do). Nobody else learns of it, nor of any table of a dataset they may
    not read."""
    pkg = _resource_package(data_dict)
    _resource_readable_or_not_found(context, pkg)
    staged = publishing.staged_for(pkg.id) if pkg is not None else None
    resources = (staged.data.get("resources") or []) if staged is not None else []
    to_change = bool(context.get("for_update") or context.get("for_edit"))
    if staged is None or (model.Resource.get(data_dict["id"]) is not None and not (
            to_change and all(r.get("id") != data_dict["id"] for r in resources))):
        return original(context, data_dict)  # a live table, as it is
    try:
        tk.check_access("resource_show", context, data_dict)
        if to_change and not authz.is_authorized_boolean(
                "package_update", context, {"id": pkg.id}):
            raise tk.NotAuthorized
    except tk.NotAuthorized:
        # in the words of a made-up id's (its own told the file exists)
        raise tk.ObjectNotFound()
    return copy.deepcopy(resources[_position(resources, data_dict["id"])])


def _stage_resources(context: Context, pkg: model.Package,
                     change: Any) -> dict[str, Any]:
    """Change the resources of a published dataset's staged revision (CKAN's
    own resource actions would write the live dataset and its files), as it
    is once the staging is this change's (:func:`.publishing.lock_staged`)."""
    publishing.lock_staged(pkg.id)
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


def _table_follows_upload(data_dict: DataDict) -> None:
    """A file uploaded into a table gives it its type (MIME), its name when
    the table was named after its old file or has none, and, a CSV or XLSX into a table
    whose format says the other kind (or nothing), its format: the form
    kept "CSV" when a workbook replaced the file, and the data check read
    the workbook as a CSV ("a binary file: save it as CSV or XLSX", of an
    XLSX) and the DataStore did not load it."""
    name = getattr(data_dict.get("upload"), "filename", None)
    if not isinstance(name, str) or not name:
        return
    kind = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    given = str(data_dict.get("format") or "").strip().lower().lstrip(".")
    if kind in ("csv", "xlsx") and given in ("", "csv", "xlsx") and given != kind:
        data_dict["format"] = kind.upper()
    # its type and, when it was named after its file, its name are the new
    # file's (a CSV replacing "tabel.xlsx" was served as an Excel workbook,
    # titled "tabel.xlsx")
    data_dict["mimetype"] = mimetypes.guess_type(name)[0] or data_dict.get("mimetype")
    stored = model.Resource.get(data_dict["id"]) if isinstance(data_dict.get("id"), str) \
        else None
    old_file = (stored.url or "").rsplit("/", 1)[-1] if stored is not None else ""
    named_after_old = old_file and stored.name == old_file \
        and data_dict.get("name") in (None, old_file)
    # a table uploaded without a name was listed by its id or its whole
    # download address, its chart headed "Chart: ", named "" in the API
    unnamed = not str(data_dict.get("name") or "").strip() \
        and (stored is None or not stored.name)
    if named_after_old or unnamed:
        # as typed text is stored: a NUL in the file's name (HTTP 500 from
        # PostgreSQL) and the controls that turn the text round
        # ("\u202egpj.csv" read "vsc.jpg") dropped
        data_dict["name"] = validators.storable_text(
            os.path.basename(name.replace("\\", "/"))).strip()


def _refuse_without_data(data_dict: DataDict) -> None:
    """A table's upload that is too large, empty or a program, or a table
    with neither a file nor a link: a ``ValidationError``. A table's format
    follows the data file uploaded (:func:`_table_follows_upload`)."""
    storage.refuse_unusable_upload(data_dict)
    _table_follows_upload(data_dict)
    if data_dict.get("url_type") not in (None, "", "upload", "datastore"):
        # a made-up one left the uploaded file unreachable (its download led
        # to the dataset page)
        raise tk.ValidationError({"url_type": [tk._("Must be one of: %(values)s") % {
            "values": "upload, datastore"}]})
    if message := validators.link_message(data_dict):
        raise tk.ValidationError({"url": [message]})
    if not storage.upload_size(data_dict.get("upload")) and not str(
            data_dict.get("url") or "").strip():
        raise tk.ValidationError({"url": [tk._(
            "Choose a file to upload or give a link to the data")]})


def _refuse_upload_without_file(context: Context, pkg: Optional[model.Package],
                                data_dict: DataDict) -> None:
    """A table "uploaded" with no file (a new one, or a link turned into
    one) is refused: its download answered 404. The engine's own writes
    (publication, staging) pass."""
    if data_dict.get("url_type") == "upload" and not storage.upload_size(
            data_dict.get("upload")) and not (pkg and publishing.bypasses_lock(context, pkg.id)):
        raise tk.ValidationError({"upload": [tk._(
            "Choose the file to upload (a table stored on the portal needs its file), "
            "or give a link to the data")]})


def _queue_checks(pkg: Optional[model.Package]) -> None:
    """The data check and the DataStore load a table's change owes, once the
    dataset's locks are held: an upload that owed them first waited for the
    revision (or the step) another change held while that change owed the
    same jobs, a deadlock (HTTP 500)."""
    if pkg is not None:
        datacheck.queue_check(pkg.id)  # checked on upload, by the jobs worker
        datastore.queue_load(pkg.id)  # only live files are loaded


@tk.chained_action
def resource_create(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A resource added to a published dataset by anyone but the engine goes
    into the staged revision; none is added while the dataset is reviewed.
    A file over the size limit, empty or a program is refused first
    (:mod:`...lib.storage`), as is a table with neither a file nor a link.
    Whoever may not read the dataset is told it is not found; whoever may
    not change it is told so before anything about its review."""
    readable_or_not_found(context, (data_dict or {}).get("package_id"))
    pkg = _package(data_dict, "package_id")
    if pkg is not None:
        tk.check_access("resource_create", context, data_dict)
    _refuse_without_data(data_dict)
    _refuse_upload_without_file(context, pkg, data_dict)
    given_id = (data_dict or {}).get("id")
    if isinstance(given_id, str) and given_id \
            and (message := _new_table_id_refusal([given_id])):
        raise tk.ValidationError({"id": [message]})
    frozen = _frozen(context, pkg)
    _lock_for_change(context, pkg)
    _queue_checks(pkg)
    if not frozen:
        if pkg is not None and not publishing.bypasses_lock(context, pkg.id):
            publishing.unstamp_resource(data_dict)  # the portal's keys are the portal's
        with publishing.search_required():
            return original(context, data_dict)
    assert pkg is not None  # and its access checked above
    staged = _stage_resources(context, pkg, lambda rs: rs + [dict(data_dict)])
    return staged["resources"][-1]


@tk.chained_action
def resource_update(original: Action, context: Context, data_dict: DataDict) -> Any:
    """As :func:`resource_create`, for a change of a resource (a link
    emptied, or an update without one, left a table of nothing that still
    counted for the submission)."""
    pkg = _resource_package(data_dict)
    missing = tk._("Resource was not found.")  # CKAN's own words are not translated
    if pkg is None and roles.clean_id(data_dict.get("id")):
        raise tk.ObjectNotFound(missing)
    _resource_readable_or_not_found(context, pkg, missing)
    _refuse_without_data(data_dict)
    stored = model.Resource.get(roles.clean_id(data_dict.get("id")) or "")
    if stored is not None and stored.url_type != "upload":  # a link turned into an upload
        _refuse_upload_without_file(context, pkg, data_dict)
    frozen = _frozen(context, pkg)
    _lock_for_change(context, pkg)
    _refuse_stale_table_form(context, data_dict)
    _queue_checks(pkg)
    if not frozen:
        if pkg is not None and not publishing.bypasses_lock(context, pkg.id):
            publishing.unstamp_resource(data_dict)
        with publishing.search_required():
            return original(context, data_dict)
    assert pkg is not None
    tk.check_access("resource_update", context, data_dict)
    positions: list[int] = []

    def change(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        positions.append(_position(resources, data_dict["id"]))
        held = resources[positions[0]]
        changed = dict(data_dict, id=held["id"])  # a replaced table: its new file
        changed.pop(publishing.REPLACES_KEY, None)
        if held.get(publishing.REPLACES_KEY):
            changed[publishing.REPLACES_KEY] = held[publishing.REPLACES_KEY]
        return resources[:positions[0]] + [changed] + resources[positions[0] + 1:]
    return _stage_resources(context, pkg, change)["resources"][positions[0]]


def _asked_visibility(data_dict: DataDict) -> Optional[bool]:
    """The ``private`` an update asks for, None when it asks none (or none
    that reads as yes or no: its validation says so)."""
    asked = data_dict.get("private")
    if asked in (None, ""):
        return None
    try:
        return tk.asbool(asked)  # as CKAN reads it ("on" too)
    except ValueError:
        return None


def _refuse_stale_table_form(context: Context, data_dict: DataDict) -> None:
    """A table's form built before another save of the table (a colleague's,
    a second tab) is refused, as the dataset's: its save put the old name
    and the old file's address back over the colleague's new file (a
    workbook then served as ``.csv``). A call without the form's version
    (the API) is not checked."""
    seen = data_dict.pop(publishing.SEEN_KEY, None)
    if not seen or not isinstance(seen, str):
        return
    tk.check_access("resource_update", context, data_dict)
    if seen != publishing.resource_form_version(context.get("user"), data_dict["id"]):
        data_dict[publishing.SEEN_KEY] = seen  # the page shown again carries it
        raise publishing.stale_form_error()


@tk.chained_action
def resource_patch(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's (which goes through :func:`resource_update`); a table of a
    dataset the caller may not read is not found, as a missing one; no id
    at all is a missing value (it was "not found"; a form's ``id=`` was)."""
    if not (data_dict or {}).get("id"):
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    pkg = _resource_package(data_dict)
    _resource_readable_or_not_found(context, pkg)
    _lock_for_change(context, pkg)
    return original(context, data_dict)


@tk.chained_action
def resource_delete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """As :func:`resource_create`, for the removal of a resource."""
    pkg = _resource_package(data_dict)
    _resource_readable_or_not_found(context, pkg)
    if not _frozen(context, pkg):
        _lock_for_change(context, pkg)
        # CKAN deletes a deleted resource again (a second click, a second
        # client that waited for the lock): a second change of the dataset
        if pkg is not None:
            resource = model.Session.get(model.Resource, data_dict["id"],
                                         populate_existing=True)
            if resource is None or resource.state != "active":
                raise tk.ObjectNotFound(tk._("Resource was not found."))
        try:
            return original(context, data_dict)
        except sa.exc.ProgrammingError as e:
            # CKAN's DataStore drops the deleted table once the dataset's save
            # committed; the portal's load job that commit queued may drop it
            # first: "table does not exist", a 500 for a table deleted all the same
            if not isinstance(e.orig, psycopg2.errors.UndefinedTable):
                raise
            model.Session.rollback()
            gone = model.Session.get(model.Resource, data_dict["id"], populate_existing=True)
            if gone is None or gone.state != "deleted":
                raise
            return None
    assert pkg is not None
    tk.check_access("resource_delete", context, data_dict)

    def remove(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        position = _position(resources, data_dict["id"])
        return resources[:position] + resources[position + 1:]
    _stage_resources(context, pkg, remove)
    return None


@tk.chained_action
def user_delete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's, but not of the only officer holding a level of the approval
    chain (as :func:`.roles.satudata_role_delete` refuses to take the role):
    the requests reaching that level would wait for nobody. Refused as not
    authorized, which CKAN's delete page shows."""
    tk.check_access("user_delete", context, data_dict)
    user = model.User.get(data_dict.get("id")) if roles.clean_id(data_dict.get("id")) else None
    if user is None:
        raise tk.ObjectNotFound(tk._("User not found"))  # CKAN's words are English
    last = _last_holder(user)
    if last:
        raise tk.NotAuthorized(last)
    # their walidata roles end with the account, in the roles' trail
    roles.end_roles(user, roles.user_obj(context.get("user")))
    return original(context, data_dict)


@tk.chained_action
def package_delete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Datasets of the workflow are withdrawn, archived or cancelled through
    it, not deleted (by their producers, or anybody but the engine)."""
    readable_or_not_found(context, (data_dict or {}).get("id"))
    tk.check_access("package_delete", context, data_dict)
    _refuse_deletion(context, data_dict)
    return original(context, data_dict)


@tk.chained_action
def dataset_purge(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Nor purged: a sysadmin's purge took a dataset under review off the
    portal with no withdrawal, and left its request to be verified and
    approved with no dataset."""
    readable_or_not_found(context, (data_dict or {}).get("id"))
    tk.check_access("dataset_purge", context, data_dict)
    _refuse_deletion(context, data_dict)
    return original(context, data_dict)


def _refuse_deletion(context: Context, data_dict: DataDict) -> None:
    pkg = _package(data_dict)
    if pkg is not None:
        publishing.refuse_frozen(context, pkg.id, publishing.not_deleted_message())


@tk.chained_action
def package_owner_org_update(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A dataset of the workflow stays with its request's OPD (sysadmins
    move other datasets as CKAN lets them)."""
    tk.check_access("package_owner_org_update", context, data_dict)
    pkg = _package(data_dict)
    if pkg is not None:
        publishing.refuse_move(context, pkg, data_dict.get("organization_id") or "")
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
    """A dataset of the workflow changes its visibility through it (a
    published one is withdrawn, with a reason). Whoever may not act on the
    organization's datasets at all is told so first, as for any id (the
    workflow's refusal told an outsider which ids are requests' datasets)."""
    tk.check_access("bulk_update_private", context, data_dict)
    publishing.refuse_on_live(context, list(data_dict.get("datasets") or []), tk._(
        "The visibility of a data request's dataset changes only through the workflow: "
        "a published one is withdrawn"))
    return original(context, data_dict)


@tk.chained_action
def bulk_update_delete(original: Action, context: Context, data_dict: DataDict) -> Any:
    """As :func:`bulk_update_private`: datasets of a request, published or
    not, are not deleted ("published datasets cannot be deleted" was said of
    one under review that never was)."""
    tk.check_access("bulk_update_delete", context, data_dict)
    publishing.refuse_on_live(context, list(data_dict.get("datasets") or []),
                              publishing.not_deleted_message())
    return original(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def member_list(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN lists every dataset of an organization as a member, private ones
    included; keep only the datasets the caller may see (one query). Its
    members who are users only for whom CKAN shows them: asked for users
    (``object_type=user``), a visitor is refused; asked for every kind, the
    visitor got each account's id and capacity (the walidata's included)."""
    result = original(context, data_dict)
    user = context.get("user")
    if context.get("ignore_auth") or authz.is_sysadmin(user):
        return result
    if not data_dict.get("object_type") and any(row[1] == "user" for row in result):
        try:
            tk.check_access("group_show", dict(context), dict(data_dict, object_type="user"))
        except tk.NotAuthorized:
            result = [row for row in result if row[1] != "user"]
    package_ids = [row[0] for row in result if row[1] == "package"]
    if not package_ids:
        return result
    hidden = set()
    labels_plugin = lib_plugins.get_permission_labels()
    user_obj = roles.user_obj(user)
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
    live dataset did not change). A resource view's activity carries the
    dataset as it stands (CKAN's holds the view only: the next change's
    "Changes" page, compared with it, answered 404 "Could not find object
    in the activity data", for nearly every dataset with a table), with the
    permission labels of the activity it was read from. No activity of a
    dataset is written by hand (only CKAN's own, which ignores auth): a
    sysadmin's call put "<producer> updated the dataset" with made-up
    values into the trail of a dataset of the workflow."""
    ref = data_dict.get("object_id") if isinstance(data_dict, dict) else None
    if not context.get("ignore_auth") and isinstance(ref, str) \
            and model.Package.get(ref) is not None:
        tk.check_access("activity_create", context, data_dict)
        raise tk.ValidationError({"object_id": [tk._(
            "A dataset's activity is written by the portal as it changes: it is not "
            "added by hand")]})
    if publishing.skip_activity(data_dict.get("object_id")):
        tk.check_access("activity_create", context, data_dict)
        return None
    if data_dict.get("activity_type") in _VIEW_ACTIVITIES and data_dict.get("object_id") \
            and isinstance(data_dict.get("data"), dict) and "package" not in data_dict["data"]:
        from ckanext.activity.model import Activity

        last = model.Session.execute(
            sa.select(Activity.data, Activity.permission_labels)
            .where(Activity.object_id == data_dict["object_id"],
                   Activity.data.like('%"package"%'))
            .order_by(Activity.timestamp.desc()).limit(1)).first()
        if last is not None and isinstance(last.data, dict) and "package" in last.data:
            # and whom that dataset is shown to: unlabelled, only sysadmins
            # read it, and its producer was refused the next change's page
            data_dict = dict(data_dict, data=dict(data_dict["data"], package=last.data["package"]),
                             permission_labels=list(last.permission_labels or []))
    return original(context, data_dict)


#: the activities of a dataset's resource views
_VIEW_ACTIVITIES = frozenset({"new resource view", "changed resource view",
                              "deleted resource view"})


# -- the DataStore ----------------------------------------------------------------------------

@tk.chained_action
def xloader_submit(original: Action, context: Context, data_dict: DataDict) -> Any:
    """Owe the load of the resource's dataset (its live files) instead of
    xloader's own job; ``ignore_hash`` loads unchanged files again. Commits
    unless ``defer_commit``. xloader's own hooks (which call it ignoring
    auth, at every commit that touches a resource) owe nothing: every change
    of a dataset's resources owes its load already (``package_update``,
    ``resource_create/update`` above). A table of a dataset the caller may
    not read is not found (:func:`_table_readable_or_not_found`). :returns: True"""
    _table_readable_or_not_found(context, data_dict)
    tk.check_access("xloader_submit", context, data_dict)
    if context.get("ignore_auth"):
        return True
    resource_id = data_dict.get("resource_id") or data_dict.get("id")
    res = model.Resource.get(resource_id) if roles.clean_id(resource_id) else None
    if res is None or res.state != "active":
        raise tk.ObjectNotFound(tk._("Resource not found"))
    datastore.queue_load(res.package_id, force=tk.asbool(data_dict.get("ignore_hash")))
    if not context.get("defer_commit"):
        model.repo.commit()
    return True


def _table_readable_or_not_found(context: Context, data_dict: DataDict,
                                 missing: bool = False) -> None:
    """The table (``resource_id``, or ``id``) of a dataset the caller may not
    read is not found, in CKAN's words for one that does not exist: CKAN
    said 403 and why (the table "was loaded from the approved file", the
    user "may not change resource <id>"), which confirmed to an outsider
    that the table of unpublished data exists. ``missing``: a table that
    does not exist is not found here too (the action's own rule refuses it
    as not readable)."""
    data = data_dict if isinstance(data_dict, dict) else {}
    ref = roles.clean_id(data.get("resource_id") or data.get("id"))
    pkg = _resource_package({"id": ref})  # a live table, or one a revision holds
    if pkg is not None:
        _resource_readable_or_not_found(context, pkg)
    elif ref and missing:
        raise tk.ObjectNotFound()


def _table_readable_or_invalid(context: Context, data_dict: DataDict) -> None:
    """:func:`_table_readable_or_not_found` for the actions that refuse a
    table that does not exist as an invalid ``resource_id`` (CKAN's
    ``resource_id_exists``)."""
    try:
        _table_readable_or_not_found(context, data_dict)
    except tk.ObjectNotFound:
        raise tk.ValidationError({"resource_id": [
            "%s: %s" % (tk._("Not found"), tk._("Resource"))]})


def _table_of_readable(missing: bool = False) -> Callable[[Action, Context, DataDict], Any]:
    """A check (:func:`_checked`): a table of a dataset the caller may not
    read (``missing``: or of none) is not found
    (:func:`_table_readable_or_not_found`)."""
    def check(original: Action, context: Context, data_dict: DataDict) -> Any:
        _table_readable_or_not_found(context, data_dict, missing=missing)
        return original(context, data_dict)
    check.__doc__ = _table_of_readable.__doc__
    return check


def _new_table_of_readable(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A table of a dataset the caller may not read is refused as one that
    does not exist (:func:`_table_readable_or_invalid`); a new table
    (``resource``) for such a dataset is not found, as for a made-up name."""
    _table_readable_or_invalid(context, data_dict)
    resource = (data_dict or {}).get("resource") if isinstance(data_dict, dict) else None
    if isinstance(resource, dict):
        readable_or_not_found(context, resource.get("package_id"))
    return original(context, data_dict)


def _default_views_of_readable(original: Action, context: Context, data_dict: DataDict
                               ) -> Any:
    """The default views of a dataset (``package``) or a table
    (``resource``) the caller may not read: not found, as for a made-up id
    (CKAN said 403, and named the dataset of a hidden table)."""
    data = data_dict if isinstance(data_dict, dict) else {}
    for key in ("package", "resource"):
        given = data.get(key)
        if not isinstance(given, dict):
            continue
        if key == "package":
            readable_or_not_found(context, given.get("id") or given.get("name"))
        else:
            _table_readable_or_not_found(context, given)
            readable_or_not_found(context, given.get("package_id"))
    return original(context, data_dict)


def _task_of_readable(original: Action, context: Context, data_dict: DataDict) -> Any:
    """The status of a task on a table or a dataset the caller may not read
    (xloader's: the table's columns and types, the hash of its file, when it
    was loaded) is not found, as a made-up one: CKAN shows any task to
    anybody."""
    result = original(context, data_dict)
    entity = roles.clean_id(result.get("entity_id") if isinstance(result, dict) else None)
    res = model.Resource.get(entity) if entity else None
    pkg = model.Package.get(res.package_id if res is not None else entity) if entity else None
    if pkg is not None:  # a task of another entity (a user's) stays CKAN's
        readable_or_not_found(context, pkg.id)
    return result


def _status_of_readable(original: Action, context: Context, data_dict: DataDict) -> Any:
    """xloader's status of a table the caller may read; to an API caller,
    a file the data check could not read is told why in the reader's words
    as its DataStore page tells it (it said "unreadable by the data check",
    in English). The pages translate what they read themselves."""
    result = _table_of_readable(missing=True)(original, context, data_dict)
    error = result.get("error") if isinstance(result, dict) else None
    if not context.get("api_version") or not isinstance(error, dict) \
            or error.get("message") != datastore.UNREADABLE:
        return result
    resource_id = (data_dict or {}).get("resource_id")
    return datastore.page_status(result, resource_id if isinstance(resource_id, str) else None)


xloader_status = _checked("xloader_status", _status_of_readable)
task_status_show = _checked("task_status_show", _task_of_readable)
datastore_create = _checked("datastore_create", _new_table_of_readable,
                            side_effect_free=False)
package_create_default_resource_views = _checked(
    "package_create_default_resource_views", _default_views_of_readable,
    side_effect_free=False)
resource_create_default_resource_views = _checked(
    "resource_create_default_resource_views", _default_views_of_readable,
    side_effect_free=False)
datastore_upsert = _checked("datastore_upsert", _table_of_readable(), side_effect_free=False)
datastore_delete = _checked("datastore_delete", _table_of_readable(), side_effect_free=False)
datastore_records_delete = _checked("datastore_records_delete", _table_of_readable(),
                                    side_effect_free=False)


@tk.chained_action
def xloader_hook(original: Action, context: Context, data_dict: DataDict) -> Any:
    """xloader's report of how a load went: only the portal's own loading
    job reports (:mod:`...lib.datastore`, ignoring auth). xloader lets the
    resource's editors call it: a producer set a load "complete" or an
    error text of their choosing on their table (an error that was not a
    text answered 500)."""
    if not context.get("ignore_auth"):
        raise tk.NotAuthorized(tk._("Only the portal's loading job reports how a table "
                                    "was loaded"))
    return original(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def datastore_search(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN answers ``datastore_search`` on ``_table_metadata`` (the names of
    every table of the DataStore, those of unpublished data too) without any
    check: sysadmins only."""
    if (data_dict or {}).get("resource_id") == "_table_metadata":
        if not authz.is_sysadmin(context.get("user")):
            raise tk.NotAuthorized(tk._("Not authorized to read this resource"))
        # CKAN's own check is skipped for that name, and its action framework
        # then refused the answer it had (a sysadmin's 500)
        tk.check_access("datastore_search", context, data_dict)
    _refuse_filters_not_an_object(data_dict)
    _refuse_fields_named_twice(data_dict)
    _refuse_long_sort(data_dict)
    _time_limited(context)
    with datastore.translated_errors(), _unreadable_table_not_found(data_dict):
        return datastore.finite(original(context, data_dict))


def _time_limited(context: Context) -> None:
    """A DataStore query of anyone but a sysadmin runs at most
    ``satudata.datastore.query_timeout`` milliseconds (CKAN's limit, a
    minute, let a few anonymous queries hold every web process)."""
    if not authz.is_sysadmin(context.get("user")):
        context["query_timeout"] = tk.config.get(  # type: ignore[typeddict-unknown-key]
            "satudata.datastore.query_timeout")


def _refuse_filters_not_an_object(data_dict: DataDict) -> None:
    """``filters`` given as a list (``filters=[1]``, even anonymously)
    reached the DataStore's ``filters.keys()``: HTTP 500."""
    filters = (data_dict or {}).get("filters")
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError:
            return  # CKAN's own validator says it is no JSON
    if filters is not None and not isinstance(filters, dict):
        raise tk.ValidationError({"filters": [tk._(
            'Give the filters as an object of column names and values, e.g. '
            '{"tahun": 2025}')]})
    if isinstance(filters, dict) and sum(
            len(v) if isinstance(v, list) else 1 for v in filters.values()
    ) > datastore.FILTER_VALUES_MAX:
        raise tk.ValidationError({"filters": [tk._(
            "The filters may list at most %(max)s values") % {
                "max": datastore.FILTER_VALUES_MAX}]})


def _refuse_long_sort(data_dict: DataDict) -> None:
    """A sort of more columns than a table holds: 100,000 of them held a web
    process for 10 s, anonymously."""
    sort = (data_dict or {}).get("sort")
    count = len(sort.split(",")) if isinstance(sort, str) else \
        len(sort) if isinstance(sort, list) else 0
    if count > datastore.SORT_COLUMNS_MAX:
        raise tk.ValidationError({"sort": [tk._(
            "Sort by at most %(max)s columns") % {"max": datastore.SORT_COLUMNS_MAX}]})


def _refuse_fields_named_twice(data_dict: DataDict) -> None:
    """A column asked for twice (``fields=_id,_id,…``): 2,000 of them were
    PostgreSQL's "target lists can have at most 1664 entries", a 500 of the
    download and a message blaming the search words in the API."""
    fields = (data_dict or {}).get("fields")
    if isinstance(fields, str):
        fields = fields.split(",")
    if not isinstance(fields, list):
        return  # CKAN's own validation
    seen: set[Any] = set()
    for field in fields:
        # CKAN strips any quotes around a name: "_id" and ""_id"" are _id
        name = field.strip().strip('"') if isinstance(field, str) else field
        if not isinstance(name, (str, int, float)):
            return
        if name in seen:
            raise tk.ValidationError({"fields": [tk._(
                "The column %(name)s is asked for twice") % {"name": str(name)[:100]}]})
        seen.add(name)


@tk.chained_action
@tk.side_effect_free
def datastore_info(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's answer about a missing table is English: translated. A table
    the caller may not read is not found (:func:`_unreadable_table_not_found`)."""
    with datastore.translated_errors(), _unreadable_table_not_found(data_dict):
        return datastore.finite(original(context, data_dict))


@tk.chained_action
def resource_view_create(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's, with a view type nobody offers refused in the reader's
    language (CKAN: "No plugin found for view_type …", in English and as a
    bare text where a field's errors are a list). The table of a dataset the
    caller may not read is refused as a table that does not exist (CKAN said
    403, and whether its dataset was being reviewed)."""
    _table_readable_or_invalid(context, data_dict)
    try:
        return original(context, data_dict)
    except tk.ValidationError as error:
        if not isinstance((error.error_dict or {}).get("view_type"), str):
            raise
        offered = sorted(view.info()["name"]
                         for view in plugins.PluginImplementations(plugins.IResourceView))
        raise tk.ValidationError({"view_type": [tk._(
            '"%(type)s" is not a view this portal offers: use one of %(types)s') % {
                "type": validators.shown(data_dict.get("view_type")),
                "types": ", ".join(offered)}]})


def _view_of_readable(kind: str, message: str = "") -> Callable[[Action, Context, DataDict], Any]:
    """A check (:func:`_checked`) that the view (``kind`` "view") or the
    table (``kind`` "table") named by ``id`` belongs to a dataset the caller
    may read, else not found in CKAN's words for one that does not exist
    (the msgid ``message``; CKAN said 403, and named the table a hidden view
    belongs to)."""
    def check(original: Action, context: Context, data_dict: DataDict) -> Any:
        ref = roles.clean_id((data_dict or {}).get("id"))
        if ref and kind == "view":
            view = model.ResourceView.get(ref)
            ref = view.resource_id if view is not None else None
        res = model.Resource.get(ref) if ref else None
        if res is not None and res.state != "active":
            # a table taken out of its dataset (a period withdrawn from a
            # public dataset): not found, as resource_show says (its views
            # were listed to anyone)
            raise tk.ObjectNotFound(tk._(message) if message else tk._("Resource not found"))
        if res is not None:
            _resource_readable_or_not_found(context, model.Package.get(res.package_id),
                                            tk._(message) if message else "")
        try:
            return original(context, data_dict)
        except tk.ObjectNotFound as error:
            if message and str(error) == message:  # CKAN's words, not translated
                raise tk.ObjectNotFound(tk._(message)) from error
            raise
    check.__doc__ = _view_of_readable.__doc__
    return check


resource_view_show = _checked("resource_view_show", _view_of_readable(
    "view", "Resource view not found, cannot check auth."))  # CKAN's words
resource_view_update = _checked("resource_view_update", _view_of_readable("view"),
                                side_effect_free=False)
resource_view_delete = _checked("resource_view_delete", _view_of_readable("view"),
                                side_effect_free=False)
resource_view_list = _checked("resource_view_list", _view_of_readable("table"))
resource_view_reorder = _checked("resource_view_reorder", _view_of_readable(
    "table", "Resource was not found."), side_effect_free=False)  # CKAN's words


@contextlib.contextmanager
def _unreadable_table_not_found(data_dict: DataDict) -> Iterator[None]:
    """A DataStore table of a dataset the caller may not read is not found,
    in the words of a table that does not exist (CKAN said 403: the table
    of unpublished data exists)."""
    try:
        yield
    except tk.NotAuthorized:
        data = data_dict or {}
        table = data.get("resource_id") or data.get("id")
        raise tk.ObjectNotFound(tk._('Table "%(id)s" was not found') % {
            "id": str(table)[:100]})




@tk.chained_action
@tk.side_effect_free
def datastore_search_sql(original: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN runs the query as SQLAlchemy text, where a colon before a name
    is a parameter: a query with ``':a'`` in a string answered 500 (to
    anybody, the public included). Refused as a query that cannot run.
    CKAN's English messages are translated. The tables a query names are
    checked before PostgreSQL plans it: a hidden one is refused as a table
    that does not exist, whatever else is wrong with the query."""
    sql = (data_dict or {}).get("sql")
    if isinstance(sql, str) and len(sql) > datastore.SQL_MAX \
            and not authz.is_sysadmin(context.get("user")):
        # CKAN parses the text several times before PostgreSQL's time limit
        # applies: a query padded to a megabyte held a web process 25 s
        raise tk.ValidationError({"sql": [tk._(
            "The query is too long: at most %(max)s characters") % {
                "max": datastore.SQL_MAX}]})
    named = datastore.named_tables(sql)
    if named and not authz.is_sysadmin(context.get("user")):
        tk.check_access("datastore_search_sql", dict(context, table_names=named),  # type: ignore
                        data_dict)
    _time_limited(context)
    try:
        with datastore.translated_errors("sql"):
            return datastore.finite(original(context, data_dict))
    except (sa.exc.InvalidRequestError, sa.exc.StatementError) as e:
        if "bind parameter" not in str(e):
            raise
        raise tk.ValidationError({"sql": [tk._(
            "The query cannot be run: a colon followed by a name (:name) is read "
            "as a parameter; write it as \\:name")]})

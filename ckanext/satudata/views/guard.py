# -*- coding: utf-8 -*-
"""A guard in front of every page and API call: an address, a query
argument, a form field or a field of an API call's JSON body carrying a NUL
byte (or another control character, or a lone surrogate) cannot be looked
up or stored in PostgreSQL, and CKAN's views and actions, ours too, would
answer it with an HTTP 500.

* An API call is refused as CKAN's API refuses (JSON, 409 for a field's
  value, 400 for the address or a name), before any view runs: a program
  sent it and can send it right.
* A page's form fields and query arguments are what a person typed or
  pasted: a word processor pastes its line breaks as control characters.
  Refusing them lost the whole form, so their values are made storable
  (:func:`storable_text`: line breaks kept, invisible characters dropped)
  and the page says so. An address or a field name no person typed is
  refused with a 400 page.

It also checks the arguments CKAN's actions and pages read without checking
them (each gave a 500 when probed): an API argument of the wrong type
(:func:`api_argument_message`: ``include_private=maybe``, a number as an
``owner_org``, ``offset=99999999999999999999``), a page's ``page`` and
``limit``; and a page whose search Solr cannot parse
(``/catalog.ttl?q=title:(``) answers 400, as does a page of CKAN's activity
streams that cannot use the arguments of its address (``before=-1``,
``after=99999999999999999999``, the dashboard's ``type=bogus``), and a
dataset, resource or settings form posted without the fields CKAN's view
deletes unchecked (its ``save`` button: a script's post), or the
sysadmins' form with a ``status`` that is not a yes or no, answers 400.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Iterable, Iterator, Optional
from urllib.parse import unquote_to_bytes

import jinja2
import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, make_response, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, Conflict, HTTPException, RequestEntityTooLarge

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import falsy, truthy
from ckan.lib.search.common import SearchError

from ..lib import publishing, roles, storage
from ..logic.action.chained import core_not_found, index_function_errors
from ..logic.validators import (REQUIRED_API_ARGUMENTS, api_argument_message,
                                bad_json_text_message, bad_text_message, bad_value_message,
                                shown, site_types,
                                url_name_message,
                                storable_text, user_sort_message)

log = logging.getLogger(__name__)

satudata_guard = Blueprint("satudata_guard", __name__)


def _first_bad(entries: Iterable[tuple[Optional[str], Any]], action: str
               ) -> tuple[Optional[str], Optional[str]]:
    """The first ``(field, message)`` of the entries of a call of ``action``
    whose value cannot be stored or used (``field`` None: the address or a
    name), or ``(None, None)``."""
    for field, value in entries:
        message = bad_value_message(value) or (
            api_argument_message(field, value, action) if field is not None else None)
        if message:
            return field, message
    return None, None


def _unknown_action() -> bool:
    """Whether an API call names an action that does not exist."""
    name = _action()
    if not name or request.url_rule is None or request.url_rule.endpoint != "api.action":
        return False
    try:
        tk.get_action(name)
    except (KeyError, AttributeError):
        return True
    return False


def _changing_action_by_get() -> bool:
    """Whether an API call asks by GET for an action that is not a read
    (CKAN answers a bare string, half in English)."""
    name = _action()
    if request.method != "GET" or not name or request.url_rule is None \
            or request.url_rule.endpoint != "api.action":
        return False
    try:
        function = tk.get_action(name)
    except (KeyError, AttributeError):
        return False
    return not getattr(function, "side_effect_free", False)


def _action() -> str:
    """The action an API call names (``/api/3/action/<name>``), or ""."""
    return (request.view_args or {}).get("logic_function") or ""


def _api_entries() -> Iterator[tuple[Optional[str], Any]]:
    """``(field, value)``: the address, then the names and values of the
    query arguments, of a POST's form fields and of its JSON body."""
    yield None, request.path
    for source in _sources():
        for key, values in source.lists():
            yield None, key
            yield from ((key, v) for v in values if isinstance(v, str))
            if len(values) > 1:  # CKAN reads an argument given twice as a list
                yield key, values
    if request.method == "POST" and request.is_json:
        body = request.get_json(silent=True)  # parsed once: CKAN reads the cached copy
        for key, value in body.items() if isinstance(body, dict) else ():
            yield None, key
            yield key, value


#: a page's arguments CKAN reads as numbers and uses unchecked (the users'
#: list reads ``limit`` with ``int()``, an organization's page each facet's
#: ``_<facet>_limit``)
_PAGE_NUMBERS = ("page", "limit")
_FACET_LIMIT = re.compile(r"^_\w+_limit$")


def _page_number_message() -> Optional[str]:
    """Why a page's ``page``, ``limit`` or ``_<facet>_limit`` argument
    cannot be used, or None. An empty ``page`` or page 0 is refused in the
    reader's language (CKAN answered '"page" parameter must be a positive
    integer' in English)."""
    for name, value in request.args.items(multi=True):
        if name not in _PAGE_NUMBERS and not _FACET_LIMIT.match(name):
            continue
        if name == "page" and value.strip("0") == "":
            return tk._("The page number starts at 1")
        if not (value.isascii() and value.isdigit()):  # "²" is a digit to isdigit, not to int
            return tk._("Must be a natural number")
        if name == "limit" and int(value) == 0:  # the users' list divided by it (500)
            return tk._("Must be at least 1")
        too_large = api_argument_message(name, value)
        if too_large:
            return too_large
    return None


def _catalog_message() -> Optional[str]:
    """Why the DCAT catalogue's ``profiles`` or ``modified_since`` cannot be
    used, or None (ckanext-dcat's page answered 409 with the error's
    dictionary as its text)."""
    if request.blueprint != "dcat" or not (
            request.args.get("profiles") or request.args.get("modified_since")):
        return None
    from ..logic.action.chained import rdf_arguments

    try:
        rdf_arguments({key: request.args.get(key) for key in ("profiles", "modified_since")
                       if request.args.get(key)})
    except tk.ValidationError as error:
        return " ".join(str(message) for messages in (error.error_dict or {}).values()
                        for message in messages)
    return None


#: the serializations of ckanext-dcat's pages (``/catalog.<format>``,
#: ``/dataset/<id>.<format>``; ``rdf`` is RDF/XML)
_RDF_FORMATS = ("rdf", "xml", "ttl", "n3", "nt", "jsonld")


def _unknown_rdf_format() -> Optional[str]:
    """Why a dcat page's format is unknown, or None: a page that does not
    exist (dcat answered 409 with its error dictionary: "None - {'format':
    [...]}")."""
    if request.blueprint != "dcat":
        return None
    found = (request.view_args or {}).get("_format")
    if found is None or found in _RDF_FORMATS:
        return None
    return tk._("There is no such version of this page: use one of %(formats)s") % {
        "formats": ", ".join(_RDF_FORMATS)}


def _sort_message() -> Optional[str]:
    """Why a search page's ``sort`` cannot be used, or None: CKAN reads it
    as fields each followed by ``asc`` or ``desc`` and refused anything else
    in English ("Invalid "sort" parameter") on an Indonesian page."""
    sort = request.args.get("sort")
    if not sort or (request.endpoint or "").startswith("satudata_"):
        return None  # the portal's own lists check their sort themselves
    for part in sort.split(","):
        words = part.strip().split(" ")
        if len(words) != 2 or words[1] not in ("asc", "desc"):
            return tk._("The search cannot be sorted by this: name a field followed by asc "
                        "or desc")
    return None


#: the search pages that turn each argument of their address they do not
#: know into a filter ``<name>:"<value>"`` for Solr
_SEARCH_PAGES = ("dataset.search", "organization.read", "group.read")
#: an argument's name Solr reads as a field name
_FILTER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


def _filter_name_message() -> Optional[str]:
    """Why a search page cannot filter by an argument of its address, or
    None: a name that is no field name (``owner_org[]``, ``a:b``, ``x)``)
    made Solr fail on the filter CKAN built from it, logged as an error
    behind a generic "the search failed" page."""
    if request.endpoint not in _SEARCH_PAGES:
        return None
    for name in request.args:
        if not _FILTER_NAME.fullmatch(name):
            return tk._("The search cannot be filtered by %(name)s: it is not a field of "
                        "the datasets") % {"name": shown(name)}
    return None


def _search_function_message() -> Optional[str]:
    """Why a search page's query or sort cannot be run, or None: one that
    would run Solr's functions (:func:`...logic.action.chained.index_function_errors`),
    refused on the dataset page (409), answered 500 on an OPD's or a group's."""
    if request.endpoint not in _SEARCH_PAGES:
        return None
    user = tk.current_user.name if tk.current_user.is_authenticated else ""  # type: ignore
    errors = index_function_errors({"user": user}, {  # type: ignore[arg-type]
        "q": request.args.get("q"), "sort": request.args.get("sort")})
    return next((texts[0] for texts in errors.values()), None)


def _user_sort_message() -> Optional[str]:
    """Why the users page cannot be sorted by its ``order_by``, or None
    (:func:`...logic.validators.user_sort_message`)."""
    if request.endpoint != "user.index":
        return None
    return user_sort_message(request.args.get("order_by"))


#: what no address holds (a tab passes): control characters and DEL
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _json_argument_message() -> Optional[str]:
    """A page's argument of JSON text whose escapes decode to what cannot be
    stored (the DataStore dump's ``filters={"_id":"\\ud800"}``: a 500 to
    anyone), as the API refuses it."""
    return next(filter(None, (bad_json_text_message(value) for values in
                              request.args.listvalues() for value in values)), None)


def _control_character_message() -> Optional[str]:
    """A line break or a control character in the address
    (``…/download/a%0aB.csv``, ``a%7Fb.csv``): CKAN put the file name into
    a header and answered 500."""
    if _CONTROL.search(request.path):
        return tk._("The address cannot hold a line break or a control character")
    return None


#: the form fields CKAN's resource form views (``<dataset type>_resource``)
#: delete or pop without checking them (``del data["save"]``), by view: a
#: form posted without its button by a script answered 500. The dataset
#: form reads ``save`` only on its later stages (``_ckan_phase``), the
#: settings form always.
_RESOURCE_FORM_FIELDS = {"new": ("save", "id"), "edit": ("save",)}
#: the fields of CKAN's forms its views read as one text (a field sent twice
#: answered 500: ``urlparse`` of a list, a list as a primary key, a list
#: stripped), by the view's name
_ONE_VALUE_FIELDS = {
    "resource": ("id", "url", "url_type", "name", "format", "description", "satudata_seen"),
    "group": ("id", "name", "title", "image_url", "description", "email"),
    "user": ("name", "fullname", "email", "about", "image_url", "old_password",
             "password1", "password2"),
    "member": ("username", "email", "role"),
    # the dataset form's core fields (its schema's own say "must be text";
    # an OPD posted twice reached the database as a list: 500)
    "dataset": ("owner_org", "name", "title", "notes", "url", "version", "license_id",
                "private", "satudata_seen", "state"),
}
#: the fields of the profile form its view reads unchecked (``del``, ``[]``)
_USER_EDIT_FIELDS = ("email", "old_password")
#: the longest password passlib hashes (a longer one answered 500)
_LONGEST_FORM_PASSWORD = 4096


def _one_value_fields(endpoint: str, blueprint: str, view: str) -> tuple[str, ...]:
    if blueprint.endswith("_resource"):
        return _ONE_VALUE_FIELDS["resource"]
    if view in ("member_new", "member_edit"):
        return _ONE_VALUE_FIELDS["member"]
    if blueprint == "user" or endpoint.startswith("user."):
        return _ONE_VALUE_FIELDS["user"]
    if blueprint in site_types("organization") | site_types("group"):
        return _ONE_VALUE_FIELDS["group"]
    if blueprint in site_types("dataset") and view in ("new", "edit"):
        return _ONE_VALUE_FIELDS["dataset"]
    return ()


def _unreadable_field(names: Iterable[str]) -> Optional[str]:
    """The first field of a form CKAN's views cannot read as a nested field
    (``resources__0__url``: a name, then a number, after each ``__``; a
    list's numbers from 0 without a gap), or None: ``__junk``, ``x__1``
    alone or ``name__`` answered 500."""
    numbers: dict[tuple[str, ...], set[int]] = {}
    first: dict[tuple[str, ...], str] = {}
    for name in names:
        if "__" not in name:
            continue
        parts = name.split("__")
        if not all(parts[0::2]) or not all(p.isascii() and p.isdigit() and len(p) < 6
                                           for p in parts[1::2]):
            return name
        for i in range(1, len(parts), 2):
            numbers.setdefault(tuple(parts[:i]), set()).add(int(parts[i]))
            first.setdefault(tuple(parts[:i]), name)
    return next((first[prefix] for prefix, found in numbers.items()
                 if found != set(range(len(found)))), None)


#: the file fields of CKAN's forms: a table's file, an OPD's or a group's
#: picture, the site's logo
_FILE_FIELDS = ("upload", "image_upload", "logo_upload")
#: and the API's: a Daftar Data item's decree, a forum's Berita Acara
_API_FILE_FIELDS = _FILE_FIELDS + ("sk_upload", "berita_acara")


def _form_field_message() -> Optional[str]:
    """Why a POST to one of CKAN's dataset, resource or settings forms
    cannot be read (a field its view needs is missing), or to its
    sysadmins' form (``status`` not a yes or no), or None."""
    if request.method != "POST":
        return None
    endpoint = request.endpoint or ""
    if endpoint == "user.sysadmin":  # CKAN reads ``status`` with asbool()
        status = request.form.get("status")
        if status is not None and status.strip().lower() not in (*truthy, *falsy):
            return tk._('"%(value)s" is not yes or no') % {"value": shown(status)}
    blueprint, _, view = endpoint.rpartition(".")
    needed: tuple[str, ...] = ()
    if endpoint == "admin.config":
        needed = ("save",)
    elif blueprint.endswith("_resource"):
        needed = _RESOURCE_FORM_FIELDS.get(view, ())
    elif (view == "edit" and "_ckan_phase" in request.form
          and blueprint in site_types("dataset")):
        needed = ("save",)
    if endpoint == "user.edit" and request.form.get("save") is not None:
        needed = needed + _USER_EDIT_FIELDS
    if any(name not in request.form for name in needed):
        if _form_unreadable():
            return _unreadable_file_name()
        return tk._("The form is incomplete: send it again from its page.")
    unreadable = _unreadable_field(list(request.form) + list(request.files))
    if unreadable is None and blueprint in site_types("dataset") and view in ("new", "edit"):
        # a dataset form's tables are the table forms' (one posted with it
        # replaced every table of the dataset, unchecked)
        unreadable = next((name for name in request.form if name.startswith("resources__")),
                          None)
    if unreadable is None and not blueprint.startswith("satudata"):  # CKAN's forms
        unreadable = next((name for name in request.files if name not in _FILE_FIELDS), None)
    if unreadable is not None:  # CKAN's views read it as a nested field: 500
        return tk._("The form has a field its page does not offer (%(name)s): send it "
                    "again from its page.") % {"name": shown(unreadable)}
    twice = next((name for name in _one_value_fields(endpoint, blueprint, view)
                  if len(request.form.getlist(name)) > 1), None) or next(
        (name for name in _FILE_FIELDS if len(request.files.getlist(name)) > 1), None)
    if twice:
        return tk._("The field %(name)s was sent more than once: send the form again "
                    "from its page.") % {"name": shown(twice)}
    if view == "edit" and blueprint in site_types("group") and "name" in request.form:
        # CKAN checks a group's name at its creation only: the edit form took
        # "<script>…" as its address (its pages then answered 404)
        message = url_name_message(request.form.get("name"))
        if message:
            return tk._("Name") + ": " + message
    if any(len(request.form.get(name) or "") > _LONGEST_FORM_PASSWORD
           for name in ("old_password", "password1", "password2")):
        return tk._("Must be at most %(max)s characters") % {"max": _LONGEST_FORM_PASSWORD}
    return None


def _missing_argument(action: str) -> tuple[Optional[str], Optional[str]]:
    """The first argument ``action`` reads without checking that it was
    given (:data:`REQUIRED_API_ARGUMENTS`) that the call lacks."""
    given = {key for source in _sources() for key in source.keys()}
    if request.method == "POST" and request.is_json:
        body = request.get_json(silent=True)
        given.update(body if isinstance(body, dict) else ())
    missing = [n for n in REQUIRED_API_ARGUMENTS.get(action, ()) if n not in given]
    return (missing[0], tk._("Missing value")) if missing else (None, None)


def _json_body_message() -> Optional[str]:
    """Why the body of an API call cannot be read, or None: CKAN answered
    in English with Python's spelling of what it found ("Error decoding
    JSON data. Error: <BadRequest ...>", "Request data JSON decoded to [1,
    2] but it needs to be a dictionary"), and an HTML page for a body that
    is neither JSON nor a form."""
    if request.method != "POST" or not request.get_data(cache=True):
        return None
    if request.is_json:
        body = request.get_json(silent=True)
        if body is None or _not_standard_json(request.get_data(cache=True)):
            return tk._("The request body is not valid JSON")
        if not isinstance(body, dict):
            return tk._("The request body must be a JSON object of the action's arguments")
        return None
    if request.mimetype not in _FORM_TYPES:
        # a body without a Content-Type too: CKAN answered an HTML page in
        # English (415, "Did not attempt to load JSON data")
        return tk._("Send the arguments as JSON (Content-Type: application/json) or as a form")
    return None


def _not_standard_json(data: bytes) -> bool:
    """Whether a body Python's parser read holds ``NaN``, ``Infinity`` or
    ``-Infinity``, which JSON has not (a bare NaN was stored as the text
    "nan"); the body is parsed again only when one of the words is in it."""
    if b"NaN" not in data and b"Infinity" not in data:
        return False

    def refuse(constant: str) -> Any:
        raise ValueError(constant)
    try:
        json.loads(data, parse_constant=refuse)
    except (ValueError, RecursionError):
        return True
    return False


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_URLENCODED = _FORM_TYPES[0]


def _form_body_kept() -> bool:
    """Whether the request is a url-encoded POST whose body is read whole
    and kept as sent (:func:`keep_form_body`): within the form's memory, or
    sent in chunks, of no stated length (Werkzeug reads such a form whole
    too)."""
    limit = request.max_form_memory_size
    return (request.method == "POST" and request.mimetype == _URLENCODED
            and (request.content_length is None or limit is None
                 or request.content_length <= limit))


def keep_form_body() -> None:
    """Keeps a url-encoded POST's body as sent, before anything parses its
    form (CKAN's CSRF check does, first): Werkzeug reads the form back from
    the kept copy, and :func:`_undecodable_field` reads the bytes."""
    if _form_body_kept():
        request.get_data(cache=True)


@satudata_guard.record_once
def _body_kept_first(state: Any) -> None:
    # before CKAN's CSRF check (registered after the plugins' blueprints)
    state.app.before_request_funcs.setdefault(None, []).insert(0, keep_form_body)


def _undecodable_field() -> Optional[str]:
    """The first field of a url-encoded POST whose bytes, raw or
    %-escaped, are no UTF-8, or None. Werkzeug kept an escape it could not
    decode as its text (a Latin-1 client's "caf%E9" was stored so), and a
    raw byte emptied the whole form (every field sent was told it was
    missing)."""
    if not _form_body_kept():
        return None
    for part in request.get_data(cache=True).split(b"&"):
        key, _, value = (unquote_to_bytes(piece.replace(b"+", b" "))
                         for piece in part.partition(b"="))
        try:
            key.decode("utf-8"), value.decode("utf-8")
        except UnicodeDecodeError:
            return key.decode("utf-8", "replace")
    return None


def _undecodable_form_message() -> Optional[str]:
    """Why a page's url-encoded form cannot be read as text, or None."""
    field = _undecodable_field()
    if field is None:
        return None
    return tk._("The text is not valid Unicode") + " (" + shown(field) + ")"


def _api_form_message() -> Optional[tuple[Optional[str], str, int]]:
    """Why the form fields of an API call cannot be read, or None:
    ``(field, message, status)``. CKAN reads a form of one field whose value
    is empty or ``1`` as a JSON text in the field's name (what old clients
    sent): ``id=`` answered a bare string with Python's ``JSONDecodeError``;
    a multipart call of only a file made CKAN read a JSON body, an HTML page
    in English (415); fields larger than the form's memory an HTML page (413)."""
    if request.method != "POST" or request.mimetype not in _FORM_TYPES:
        return None
    undecodable = _undecodable_field()
    if undecodable is not None and request.get_data(cache=True).lstrip()[:1] == b"{":
        # a JSON object sent as a form (``curl -d`` without its type): CKAN
        # reads it as JSON, its %-escapes and "+" as a form's ("100%cakupan"
        # was stored as "100%CAkupan")
        return None, tk._("Send the arguments as JSON (Content-Type: application/json) "
                          "or as a form"), 400
    if undecodable is not None:
        return undecodable or None, tk._("The text is not valid Unicode"), 409
    try:
        form = request.form
    except RequestEntityTooLarge:
        return None, tk._("What was sent is too large for the portal: send long texts "
                          "as JSON (Content-Type: application/json)"), 413
    if not form:
        if request.mimetype == "multipart/form-data":
            return None, tk._("The action's arguments are missing: send them as form "
                              "fields beside the file"), 400
        return None
    for key, files in request.files.lists():
        # a text argument sent as a file part: CKAN passed the file object
        # on (500 for anyone on package_show) or stored '"n.txt"' as the
        # title, the file's content lost (package_patch answered 200)
        if key not in _API_FILE_FIELDS:
            return key, tk._("Must be text, not a file"), 409
        if len(files) > 1:  # the second file was dropped without a word
            return key, tk._("The field %(name)s was sent more than once") % {
                "name": shown(key)}, 409
    for key, value in form.items(multi=True):
        # a multipart part's bytes that are no UTF-8 (a JSON body refuses
        # them): read by Werkzeug as U+FFFD, they were stored in their place
        if "\ufffd" in value:
            return key, tk._("The text is not valid Unicode"), 409
    values = list(form.values())
    if len(values) != 1 or values[0] not in ("", "1"):
        return None
    key = next(iter(form.keys()))
    try:
        if isinstance(json.loads(key), dict):
            return None  # a JSON object sent as a form's only field: CKAN reads it
    except ValueError:
        pass
    if values[0] == "":
        return key, tk._("Missing value"), 409
    return None, tk._("Send the arguments as JSON (Content-Type: application/json): "
                      "a form of one field with the value 1 cannot be read"), 400


def _unparsable_json() -> bool:
    """Whether a POST's JSON body is nested deeper than Python's parser
    goes (about 990 levels: it raises ``RecursionError``, not the
    ``ValueError`` of bad JSON, and CKAN's API answered 500); its parse is
    cached otherwise, and CKAN reads that copy."""
    if request.method != "POST" or not request.is_json:
        return False
    try:
        request.get_json(silent=True)
    except RecursionError:
        return True
    return False


@satudata_guard.before_app_request
def refuse_unstorable_text() -> Any:
    if request.path.startswith("/api/"):
        unreadable = _api_form_message()
        if unreadable:
            return _api_error(*unreadable)
        if _unparsable_json():
            return _api_error(None, tk._("The value is nested too deeply"))
        body_message = _json_body_message()
        if body_message:
            return _api_error(None, body_message)
        field, message = _first_bad(_api_entries(), _action())
        if not message and _unknown_action():  # CKAN's words for it are not translated
            message = tk._("There is no action called %(name)s") % {"name": shown(_action())}
        if not message and _changing_action_by_get():  # CKAN's: a bare, English string
            message = tk._("The action %(name)s changes data: send it with POST") % {
                "name": shown(_action())}
        if not message:
            field, message = _missing_argument(_action())
        return _api_error(field, message) if message else None
    message = _control_character_message() or bad_text_message(request.path) \
        or _undecodable_form_message() or next(
        filter(None, (bad_text_message(key) for source in _sources() for key in source)),
        None) or _page_number_message() or _form_field_message() or _catalog_message() \
        or _sort_message() or _filter_name_message() or _search_function_message() \
        or _user_sort_message() or _json_argument_message()
    if message:
        return tk.abort(400, message)
    missing = _unknown_rdf_format()
    if missing:
        return tk.abort(404, missing)
    _make_page_input_storable()
    return None


#: CKAN's words it does not mark for translation, in an API error: a lookup
#: without an id ("Missing id, can not get Resource object", any caller of
#: resource_patch)
_MISSING_ID = re.compile(r"Missing id, can not get \w+ object")
#: CKAN's refusal of a setting ``config_option_show`` does not show
_OPTION_NOT_SHOWN = re.compile(r"Configuration option '(.{0,200})' can not be shown")


@satudata_guard.after_app_request
def api_errors_in_the_readers_words(response: Any) -> Any:
    """An API error CKAN writes in English, in the reader's language
    (:data:`_MISSING_ID`; a "not found" the chained actions translate,
    :func:`..logic.action.chained.core_not_found`, raised by an action they
    do not wrap; "Missing value" of the DataStore's own schema). Only an
    action's error is read (a 4xx JSON answer of ``/api/``): the answers
    that succeed are not touched."""
    if (response.status_code not in (400, 404, 409) or not request.path.startswith("/api/")
            or response.mimetype != "application/json"):
        return response
    body = response.get_json(silent=True)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return response
    changed = False
    message = error.get("message")
    if isinstance(message, str) and _MISSING_ID.fullmatch(message):
        error.pop("message")
        error["id"] = [tk._("Missing value")]
        changed = True
    elif message == "Values in lists need to be dicts":  # CKAN's reading of [{…}, "x"]
        error["message"] = tk._("A list of the arguments holds objects and plain values "
                                "together: give one kind only")
        changed = True
    elif message == "Type cannot be updated":  # an organization's or group's
        error["message"] = tk._("The type of an organization or a group cannot be changed")
        changed = True
    elif isinstance(message, str) and (option := _OPTION_NOT_SHOWN.fullmatch(message)):
        error["message"] = tk._("The setting %(key)s cannot be shown") % {
            "key": option.group(1)}
        changed = True
    elif isinstance(message, str):
        # CKAN writes "<Not found, translated>: <its English words>"
        prefix, sep, words = message.rpartition(": ")
        translated = core_not_found(words)
        if translated is not None:
            error["message"] = prefix + sep + translated
            changed = True
    for key, value in error.items():
        if isinstance(value, list) and "Missing value" in value:
            error[key] = [tk._("Missing value") if v == "Missing value" else v for v in value]
            changed = True
    if changed:
        response.set_data(json.dumps(body))
    return response


#: the formats CKAN's DataStore download writes
_DUMP_FORMATS = ("csv", "tsv", "json", "xml")


@satudata_guard.before_app_request
def dump_format_known() -> Any:
    """A table's DataStore download in a format it does not write
    (``?format=xlsx``) is told which it writes, in the reader's language
    (CKAN's view answered "format: Value must be one of ('csv', …)"); its
    ``filters`` that are no JSON object too."""
    if request.endpoint != "datastore.dump":
        return None
    wanted = request.args.get("format")
    if wanted is not None and wanted not in _DUMP_FORMATS:
        return current_app.handle_http_exception(BadRequest(tk._(
            "A table is downloaded as CSV, TSV, JSON or XML (format=csv, tsv, json or "
            "xml); its page offers the original file too.")))
    # its filters, in the reader's words (CKAN's "filters: Cannot parse JSON")
    filters = request.args.get("filters")
    if filters is not None:
        try:
            parsed = json.loads(filters)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            return current_app.handle_http_exception(BadRequest(
                "filters: " + tk._("This is not valid JSON")))
    return None


@satudata_guard.after_app_request
def dump_named_after_its_table(response: Any) -> Any:
    """A table's DataStore download is named after the table
    (``jumlah-puskesmas-per-kecamatan.csv``): CKAN names it by the
    resource's id, a file nobody recognises in a Downloads folder."""
    if request.endpoint != "datastore.dump" or response.status_code != 200:
        return response
    disposition = response.headers.get("Content-Disposition") or ""
    found = re.search(r'filename="[^"]*?(\.\w+)"', disposition)
    resource = model.Resource.get(str((request.view_args or {}).get("resource_id") or ""))
    if not found or resource is None or not resource.name:
        return response
    response.headers["Content-Disposition"] = disposition.replace(
        found.group(0), f'filename="{storage.slug(resource.name)}{found.group(1)}"')
    return response


@satudata_guard.before_app_request
def trash_keeps_opds() -> Any:
    """CKAN's trash purges the deleted OPDs one after the other and stops
    at the first it may not (one kept for its requests' history,
    :func:`.roles.opd_in_use`): none after it was ever purged, whatever
    the administrator did. With such an OPD in the trash, the others are
    purged here and the kept ones named (and, for "purge all", the datasets
    and groups as CKAN purges them)."""
    if request.endpoint != "admin.trash" or request.method != "POST" \
            or "cancel" in request.form or request.form.get("action") not in (
                "organization", "all") or not authz.is_sysadmin(tk.current_user.name):
        return None  # not its case, or CKAN's own refusal
    deleted = model.Session.query(model.Group).filter_by(
        state=model.State.DELETED, is_organization=True).all()
    in_use = roles.opds_in_use((group.id for group in deleted), purge=True)
    kept = [group for group in deleted if group.id in in_use]
    if not kept:
        return None
    context = {"user": tk.current_user.name}
    if request.form["action"] == "all":
        from ckan.views.admin import TrashView

        trash = TrashView()
        for action, entities in (("dataset_purge", trash.deleted_packages),
                                 ("group_purge", trash.deleted_groups)):
            for entity in list(entities):
                try:
                    tk.get_action(action)(dict(context), {
                        "id": entity.id if hasattr(entity, "id") else entity["id"]})
                except tk.ObjectNotFound:
                    continue  # purged by another click at the same moment
    purged = 0
    for group in deleted:
        if group not in kept:
            try:
                tk.get_action("organization_purge")(dict(context), {"id": group.id})
            except tk.ObjectNotFound:
                continue  # purged by another click at the same moment
            purged += 1
    tk.h.flash_success(tk._("%(number)s OPD(s) purged") % {"number": purged})
    tk.h.flash_notice(tk._(
        "Kept in the trash, for the history of their Daftar Data items and data "
        "requests: %(opds)s") % {"opds": ", ".join(group.display_name for group in kept)})
    return tk.redirect_to("admin.trash")


@satudata_guard.before_app_request
def opd_refusals_on_its_pages() -> Any:
    """Refusals CKAN's OPD views answered with a dead-end "403 Access
    denied" page, to an administrator who may take the step: an OPD still
    in use deleted (its edit page again, saying why), and the bulk page's
    "Make public", "Make private" and "Delete" of the workflow's datasets
    (its page again, saying the way: the data requests)."""
    if request.method != "POST" or "cancel" in request.form:
        return None
    group_id = (request.view_args or {}).get("id") or ""
    if request.endpoint == "organization.delete":
        group = model.Group.get(group_id)
        if group is None or not group.is_organization or group.state != "active":
            return None
        try:
            tk.check_access("organization_delete", {"user": tk.current_user.name},
                            {"id": group.id})
        except tk.NotAuthorized:
            return None  # CKAN's own refusal
        why = roles.opd_in_use(group)
        if not why:
            return None
        tk.h.flash_error(why)
        return tk.redirect_to("organization.edit", id=group.name)
    if request.endpoint != "organization.bulk_process":
        return None
    # "Make private" and "Delete" of the workflow's datasets too (a bare "not
    # authorized to update in bulk", no reason, no dataset named)
    why = {"public": lambda: tk._("Datasets are made public by the walidata through the "
                                  "data request workflow"),
           "private": lambda: tk._("Published data is taken out of sight by withdrawing it, "
                                   "on its data request's page (the walidata)"),
           "delete": publishing.not_deleted_message}
    action = next((name for name in why if f"bulk_action.{name}" in request.form
                   or name in request.form.values()), None)
    if action is None:
        return None
    chosen = [key[len("dataset_"):] for key in request.form if key.startswith("dataset_")]
    if not (chosen and publishing.governed(*chosen)) and (
            action != "public" or authz.is_sysadmin(tk.current_user.name)):
        return None  # datasets outside the workflow: CKAN's own step (or refusal)
    tk.h.flash_error(why[action]())
    return tk.redirect_to("organization.bulk_process", id=group_id)


@satudata_guard.before_app_request
def snippet_that_exists() -> Any:
    """CKAN's ``/api/util/snippet/<path>`` (the pages' scripts fetch a few)
    renders whatever template is named, with whatever arguments: a name of
    no snippet, or a snippet without the arguments it needs, answered 500.
    Not found, or a bad request, instead."""
    if request.endpoint != "api.snippet":
        return None
    path = f"ajax_snippets/{(request.view_args or {}).get('snippet_path', '')}"
    try:
        return tk.render(path, extra_vars=request.args.to_dict())
    except jinja2.TemplateNotFound:
        return tk.abort(404, tk._("Not found"))
    except HTTPException:
        raise
    except Exception:  # the snippet's own helpers on its arguments: a bad request
        # (a table id that is no UUID, a follow button of no kind of object)
        log.info("Snippet %s refused its arguments", path, exc_info=True)
        return tk.abort(400, tk._("Bad request"))


def _form_unreadable() -> bool:
    """Whether nothing of a multipart form could be read (a file name of
    bytes that are no text drops the whole form)."""
    return request.mimetype == "multipart/form-data" and (request.content_length or 0) > 0 \
        and not request.form and not request.files


def _unreadable_file_name() -> str:
    """What a form is told when nothing of it could be read."""
    return tk._("The form could not be read: the name of the file chosen holds "
                "characters that are not text. Rename the file, choose it again "
                "and send the form.")


@satudata_guard.app_errorhandler(CSRFError)
def form_expired(error: CSRFError) -> Any:
    """A form whose security token no longer matches the session (sent
    after a logout and login in another tab, or kept open too long): what
    to do, in the reader's language (Flask-WTF's "The CSRF tokens do not
    match." was the whole page)."""
    message = tk._("The form could not be sent: it was opened before your last login or "
                   "logout, or too long ago. Go back, copy what you typed, reload the page "
                   "and send it again.")
    if _form_unreadable():
        # not an old form, whatever its token
        message = _unreadable_file_name()
    if request.path.startswith("/api/"):
        if not _form_unreadable() and request.headers.get("X-CSRFToken"):
            # sent, and not this session's (read before the last login)
            message = tk._("The X-CSRFToken header does not match this login's session: "
                           "read the token again from a page opened since the last login.")
        elif not _form_unreadable():
            # a script, which opened no form: what the call lacks
            message = tk._("A call to the API with a login's cookie needs the page's CSRF "
                           "token in the X-CSRFToken header; a script sends an API token "
                           "in the Authorization header instead.")
        return _api_error(None, message)
    return current_app.handle_http_exception(BadRequest(message))


@satudata_guard.app_errorhandler(SearchError)
def search_not_run(error: SearchError) -> Any:
    """A page whose search Solr refused (CKAN's dataset search page shows
    the error itself; ckanext-dcat's catalogue and the organization pages
    answered 500). An API call gets CKAN's own answer before this."""
    return current_app.handle_http_exception(BadRequest(tk._(
        "The search could not be run: check its brackets and quotation marks.")))


#: what the pages of CKAN's activity streams (ckanext-activity's blueprint
#: ``activity``: a dataset's, an organization's, a group's, a user's, the
#: dashboard, the changes of a dataset) raise from the arguments of their
#: address, which they read unchecked: ``before=-1`` or ``before=1000`` (no
#: activity that old: IndexError), ``after=99999999999999999999``
#: (OverflowError), ``before=abc`` (ValueError), the dashboard's
#: ``type=bogus`` (KeyError) or ``type`` without ``name``, and the changes
#: between two activities a visitor may not see (ValidationError)
_ACTIVITY_ARGUMENT_ERRORS = (IndexError, OverflowError, ValueError, KeyError,
                             tk.ValidationError, sa.exc.DataError)


def _messages(error: tk.ValidationError) -> str:
    """The messages of a refusal, "field: message" joined (CKAN keys a
    failing query "query", a word nobody typed: the message alone)."""
    return "; ".join(
        (str(message) if key == "query" else f"{key}: {message}")
        for key, messages in (error.error_dict or {}).items()
        for message in (messages if isinstance(messages, list) else [messages])
        if isinstance(message, str))


def activity_not_shown(error: Exception) -> Any:
    """A page of the activity streams that cannot use the arguments of its
    address answers 400 (each gave a 500), and so does a download of a
    table (the DataStore's dump: ``offset=-1``, a ``format`` it does not
    write raise a ValidationError its view does not catch). The same errors
    elsewhere stay errors of the portal (500)."""
    if request.blueprint == "datastore" and isinstance(
            error, (tk.ValidationError, sa.exc.DataError)):  # offset past bigint
        log.warning("%s answered 400: %r", request.full_path, error)
        reasons = _messages(error) if isinstance(error, tk.ValidationError) else ""
        if reasons:  # which argument (a language, a search), not a guess
            return current_app.handle_http_exception(BadRequest(tk._(
                "The table cannot be downloaded with the arguments of this address: "
                "%(reasons)s") % {"reasons": reasons}))
        return current_app.handle_http_exception(BadRequest(tk._(
            "The table cannot be downloaded with the arguments of this address "
            "(offset, limit, format): download it again from its page.")))
    if request.blueprint == "api" and isinstance(error, tk.ValidationError):
        # CKAN's autocompletion (/api/2/util/…) does not catch a refused
        # argument (limit=-1)
        log.warning("%s answered 400: %r", request.full_path, error)
        return current_app.handle_http_exception(BadRequest(tk._(
            "The arguments of this address cannot be used: %(errors)s") % {
                "errors": "; ".join(f"{k}: {', '.join(map(str, v))}" if isinstance(v, list)
                                    else str(v) for k, v in (error.error_dict or {}).items())}))
    if isinstance(error, tk.ValidationError) and (request.blueprint or "").endswith(
            ("dataset", "resource")):
        # a step of a dataset or table form that CKAN's view takes unguarded:
        # its "go-metadata" save updates the dataset after the table was
        # added, refused once the request went into review meanwhile (a
        # submission in another tab): it answered 500, the table saved
        log.warning("%s answered 409: %r", request.full_path, error)
        return current_app.handle_http_exception(Conflict("; ".join(
            str(message) for messages in (error.error_dict or {}).values()
            for message in (messages if isinstance(messages, list) else [messages]))
            or tk._("The dataset could not be saved")))
    if isinstance(error, tk.ValidationError) and (request.endpoint or "").endswith(
            ".member_delete") and request.blueprint:
        # CKAN's view of a member's removal does not catch a refusal (an
        # OPD's only producer while its requests wait for one): the
        # members' page again, saying why
        for messages in (error.error_dict or {}).values():
            for message in (messages if isinstance(messages, list) else [messages]):
                tk.h.flash_error(str(message))
        return tk.redirect_to(f"{request.blueprint}.members",
                              id=(request.view_args or {}).get("id"))
    if isinstance(error, tk.ValidationError) and request.endpoint == "admin.trash":
        # CKAN's trash purges unguarded: an OPD kept for its requests'
        # history (organization_purge refuses it) answered 500
        for messages in (error.error_dict or {}).values():
            for message in (messages if isinstance(messages, list) else [messages]):
                tk.h.flash_error(str(message))
        return tk.redirect_to("admin.trash")
    if isinstance(error, tk.ValidationError) and request.blueprint == "feeds":
        # a feed's search the portal refuses (a query of Solr's local
        # parameters, "{!lucene}x"): CKAN's feed view let it through, a 500
        log.warning("%s answered 400: %r", request.full_path, error)
        return current_app.handle_http_exception(BadRequest(
            _messages(error) or tk._("Bad request")))
    if request.blueprint != "activity":
        raise error
    log.warning("%s answered 400: %r", request.full_path, error, exc_info=error)
    return current_app.handle_http_exception(BadRequest(tk._(
        "The activity stream cannot be shown with the arguments of this address: "
        "open it again from its page.")))


for _error in _ACTIVITY_ARGUMENT_ERRORS:
    satudata_guard.app_errorhandler(_error)(activity_not_shown)


def _sources() -> list[MultiDict[str, Any]]:
    """The query arguments, and the form fields of a POST."""
    return [request.args] + ([request.form] if request.method == "POST" else [])


def _make_page_input_storable() -> None:
    """Puts the storable text (:func:`storable_text`) in place of each
    query argument and form field that needs it, and tells the reader."""
    changed = False
    if request.method == "POST" and any(isinstance(v, str) and "\r" in v
                                        for v in request.form.values()):
        # a browser sends a textarea's line breaks as CRLF but counts each as
        # one character against its maxlength: one, as the limits count them
        request.form = ImmutableMultiDict(
            [(k, v.replace("\r\n", "\n") if isinstance(v, str) else v)
             for k, v in request.form.items(multi=True)])
    if request.method == "POST" and len(request.form.getlist("tag_string")) > 1:
        # the dataset form's tags posted twice: CKAN's view splits the list
        # (500); one text of both, as the form's own field joins them
        tags = ",".join(v for v in request.form.getlist("tag_string") if isinstance(v, str))
        request.form = ImmutableMultiDict(
            [(k, v) for k, v in request.form.items(multi=True) if k != "tag_string"]
            + [("tag_string", tags)])
    for name, source in zip(("args", "form"), _sources()):
        items = list(source.items(multi=True))
        if not any(isinstance(v, str) and bad_text_message(v) for _, v in items):
            continue
        setattr(request, name, ImmutableMultiDict(
            [(k, storable_text(v) if isinstance(v, str) else v) for k, v in items]))
        changed = True
    if changed:
        tk.h.flash_notice(tk._(
            "Invisible control characters (as pasted from a word processor) were "
            "removed from what you entered; its line breaks were kept."))


_RESOURCE_DELETES = frozenset({"dataset_resource.delete", "resource.delete"})


@satudata_guard.after_app_request
def staged_removal_said(response: Any) -> Any:
    """A table of published data removed on its page: CKAN flashed
    "Resource has been deleted", and the table stays public until the
    revision holding its removal is published. Said so instead."""
    if request.endpoint not in _RESOURCE_DELETES or request.method != "POST" \
            or response.status_code != 302 or "cancel" in request.form:
        return response
    from ckanext.satudata.lib import publishing

    ref = (request.view_args or {}).get("id")
    pkg = model.Package.get(ref) if isinstance(ref, str) else None
    if pkg is None or publishing.staged_for(pkg.id) is None:
        return response
    deleted = tk._("Resource has been deleted.")
    flashes = session.get("_flashes") or []
    if any(message == deleted for _category, message in flashes):
        session["_flashes"] = [
            (category, tk._("The table's removal is part of the revision: it stays public "
                            "until the revision is reviewed and published.")
             if message == deleted else message) for category, message in flashes]
    return response


def _api_error(field: Optional[str], message: str, status: Optional[int] = None) -> Any:
    """The API answers as CKAN's own API does: a field's value is a
    validation error (409), a bad address or name a bad request (400;
    ``status``: another one, e.g. 413)."""
    if field is not None:
        status, error = status or 409, {"__type": "Validation Error", field: [message]}
    else:
        status, error = status or 400, {"__type": "Bad request",
                                        "message": "{} - {}".format(tk._("Bad request"),
                                                                    message)}
    body: dict[str, Any] = {"success": False, "error": error}
    action = _action()
    if action and request.url_rule is not None and request.url_rule.endpoint == "api.action":
        body["help"] = tk.url_for("api.action", logic_function="help_show", ver=3,
                                  name=action, _external=True)
    return make_response(jsonify(body), status)

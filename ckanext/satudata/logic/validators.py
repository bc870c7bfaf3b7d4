# -*- coding: utf-8 -*-
"""Validators of ckanext-satudata, registered by ``tk.blanket.validators``.

The ``satudata_code``/``satudata_codes`` validators are scheming field
validators: ckanext-scheming calls them with the field definition, whose
``satudata_code_list`` names the reference list (:mod:`..lib.reference`).
"""
from __future__ import annotations

import datetime
import json
import math
import os
import re
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import sqlalchemy as sa
from werkzeug.urls import iri_to_uri

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import falsy, truthy
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey
from ckanext.scheming.validation import scheming_validator

from ..lib import reference, roles
from ..model import CollectionRound, DaftarData
from ..lib.states import State, blank

__all__ = [
    "satudata_role_name", "satudata_deadline_days",
    "satudata_code", "satudata_codes", "satudata_codes_output",
    "satudata_year", "satudata_flag", "satudata_flag_output",
    "satudata_phone", "satudata_email", "satudata_user_exists", "satudata_identifier",
    "satudata_nip",
    "satudata_code_in", "satudata_codes_in", "satudata_text", "satudata_license", "satudata_visible",
    "satudata_title", "satudata_one_line", "satudata_request_title", "satudata_uploaded_logo",
    "satudata_style_sheet", "satudata_not_blank",
    "satudata_column_name", "satudata_opd_code_unique",
    "satudata_clean_strings", "satudata_id", "satudata_length", "satudata_year_int",
    "satudata_date", "satudata_limit", "satudata_offset", "satudata_working_days",
    "satudata_step_days",
    "satudata_safe_url", "satudata_web_link", "satudata_boolean", "satudata_version",
    "satudata_organization_id", "satudata_round_id", "satudata_daftar_data_id",
    "satudata_dataset_id",
    "satudata_request_states", "satudata_field_notes", "satudata_local_datetime",
    "satudata_release_date_time", "satudata_round_chain", "satudata_late_policy",
    "satudata_request_ids", "satudata_one_of", "satudata_ignore_blank", "satudata_blank_as_empty",
    "satudata_blank_clears", "satudata_variable_named",
    "satudata_tag_string", "satudata_name_not_an_id",
]

#: the most tags of a dataset (each costs CKAN a few milliseconds to save)
MAX_TAGS = 100
#: lists up to this long are spelled out in the error message
_SPELL_OUT_MAX = 20
MIN_YEAR = 1900
#: the last year a date or a year of the workflow may be in
MAX_YEAR = 2100
#: the largest page an action returns, and the furthest it pages
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000
#: a stage of a round lasts at most this many working days
MAX_WORKING_DAYS = 365
#: ids and names are at most this long (CKAN names: 100)
MAX_ID_LENGTH = 100
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
#: browsers drop these anywhere in a URL before reading its scheme
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
#: a digit first, after its + or its area code's bracket ("-81234567890", a
#: number Excel kept as negative, and "(-8…" or "+-8…" passed)
_PHONE = re.compile(r"^(?:\+|\()?[0-9][0-9 ()\-./]{3,28}$")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-/_]{0,63}$")
_TRUE = {"true", "ya", "yes", "y", "1", "t"}
_FALSE = {"false", "tidak", "no", "n", "0", "f"}


def satudata_role_name(value: Any) -> Any:
    """One of the roles of the configured approval chain or of the
    walidata's duties (``satudata.roles.*``)."""
    known = roles.known_roles()
    if value not in known:
        raise tk.Invalid(
            tk._("Unknown walidata role. Allowed: %(roles)s") % {"roles": ", ".join(known)}
        )
    return value


#: the longest part of a refused value a message repeats
_SHOWN_MAX = 60


def shown(value: Any) -> str:
    """``value`` as a message repeats it: at most :data:`_SHOWN_MAX`
    characters, cut with "…" (a refused value of 100,000 characters would
    otherwise come back whole in the error, and in the log)."""
    text = str(value)
    return text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX - 1] + "…"


def _empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == "" or value == []


def _blank(value: Any) -> bool:
    """No value: missing, None, ``[]`` or a text that shows nothing (spaces
    of any kind and invisible characters alone, :func:`..lib.states.blank`).
    ``False`` and ``0`` are values."""
    return _empty(value) or isinstance(value, str) and blank(value)


def satudata_ignore_blank(key: FlattenKey, data: FlattenDataDict,
                          errors: FlattenErrorDict, context: Context) -> None:
    """As CKAN's ``ignore_empty``, but for what :func:`_blank` calls no
    value: a text of spaces is left out as "" is (it was stored as "", or
    refused by a code field), and ``False`` and ``0`` are kept for the next
    validators (``ignore_empty`` dropped them: ``priority_data: false``
    removed the flag, ``measure: 0`` the measure, each without a word)."""
    if _blank(data.get(key)):
        data.pop(key, None)
        raise tk.StopOnError


def satudata_variable_named(key: FlattenKey, data: FlattenDataDict,
                            errors: FlattenErrorDict, context: Context) -> None:
    """(A variable's ``name``) A row of the variables with a definition,
    a type or a unit but no name is refused when saved: it was kept, the
    checklist then said "Variables: not filled in" for a table of three
    declared variables, and only the submission said why (without which
    row)."""
    if not _blank(data.get(key)):
        return
    row = key[:-1]
    if any(not _blank(data.get((*row, field)))
           for field in ("definition", "data_type", "unit")):
        errors[key].append(tk._("Variable %(number)s: give the name of the column it "
                                "describes") % {"number": key[-2] + 1})
        raise tk.StopOnError


def satudata_blank_clears(key: FlattenKey, data: FlattenDataDict,
                          errors: FlattenErrorDict, context: Context) -> None:
    """A blank optional value given is no value: ``None``, which an update
    stores (an emptied SK number, date or link of a Daftar Data item was
    answered "saved" and kept its old value)."""
    if _blank(data.get(key)):
        data[key] = None
        raise tk.StopOnError


def satudata_blank_as_empty(value: Any) -> Any:
    """A text that shows nothing as "" (for ``if_empty_same_as``: a title of
    spaces falls back to the URL name, as an empty title does)."""
    return "" if isinstance(value, str) and blank(value) else value


def satudata_request_title(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                           context: Context) -> None:
    """The title of a dataset of a data request is required: emptied, it
    fell back to the URL name (CKAN's ``if_empty_same_as(name)``, kept for
    the other datasets), and the title the Daftar Data gave it was lost."""
    if data.get(key) not in (None, "", tk.missing):
        return
    pkg = context.get("package")
    if pkg is not None and getattr(pkg, "id", None):
        from ..lib import publishing

        if publishing.governed(pkg.id):
            errors[key].append(tk._("Missing value"))
            raise tk.StopOnError


def _not_text(value: Any) -> bool:
    """A value a text field does not take: a list, an object or a boolean
    (a number is written as text)."""
    return isinstance(value, (list, tuple, dict, set, bool))


def unknown_code_message(list_name: str, value: Any) -> str:
    """The translated message for a value that is not in a code list."""
    entries = reference.codes(list_name)
    if len(entries) <= _SPELL_OUT_MAX:
        # each by its label in the reader's language (what the forms and
        # the workbooks offer), with its code where that differs
        allowed = ", ".join(c.label() if c.label() == c.code else f"{c.label()} ({c.code})"
                            for c in entries)
        return tk._('"%(value)s" is not an allowed value. Allowed values: %(allowed)s') % {
            "value": shown(value), "allowed": allowed}
    return tk._('"%(value)s" is not a known code in the list of %(list)s') % {
        "value": shown(value), "list": reference.list_title(list_name)}


def satudata_one_of(values: list[str],
                    label: Optional[Callable[[str], str]] = None) -> Callable[[Any], Any]:
    """One of ``values`` (an empty text passes, as with CKAN's ``one_of``),
    refused in the reader's language: CKAN's ``one_of`` fills the list in
    before it translates, so its message is English on every page. A value
    that is not a text is told so (not repeated in its Python spelling);
    ``label(value)``: the allowed values are named by their labels too."""

    def named(value: str) -> str:
        text = label(value) if label is not None else value
        return value if text == value else f"{text} ({value})"

    def validator(value: Any) -> Any:
        if _not_text(value) or value is None:
            raise tk.Invalid(tk._("Must be text"))
        if value != "" and (not isinstance(value, str) or value not in values):
            raise tk.Invalid(tk._(
                '"%(value)s" is not an allowed value. Allowed values: %(allowed)s') % {
                    "value": shown(value), "allowed": ", ".join(named(v) for v in values)})
        return value

    return validator


def _list_name(field: dict[str, Any]) -> str:
    list_name = field.get("satudata_code_list")
    if list_name not in reference.LIST_NAMES:
        raise ValueError(
            f"field {field.get('field_name')!r}: satudata_code_list must be one of "
            f"{', '.join(reference.LIST_NAMES)}")
    return list_name


@scheming_validator
def satudata_code(field: dict[str, Any], schema: dict[str, Any]) -> Callable[..., Any]:
    """One code of the field's ``satudata_code_list``; empty values pass
    (put ``ignore_empty`` before it to drop them)."""
    list_name = _list_name(field)

    def validator(value: Any) -> Any:
        if _empty(value):
            return value
        if _not_text(value):
            # not its Python spelling ("['11.01']" is not a known code)
            raise tk.Invalid(tk._("Must be one code, given as text"))
        code = str(value).strip()
        if not reference.is_valid(list_name, code):
            raise tk.Invalid(unknown_code_message(list_name, value))
        return code

    return validator


@scheming_validator
def satudata_codes(field: dict[str, Any], schema: dict[str, Any]) -> Callable[..., Any]:
    """Zero or more codes of the field's ``satudata_code_list``, given as a
    list, a JSON list or one code; stored as a JSON list in list order."""
    list_name = _list_name(field)

    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        value = data.get(key)
        if _blank(value):
            data.pop(key, None)
            raise tk.StopOnError
        if not isinstance(value, (str, list, tuple, int)) or isinstance(value, bool):
            errors[key].append(tk._("Expecting a list of codes"))
            raise tk.StopOnError
        given = reference.as_code_list(value)
        for code in given:
            if not reference.is_valid(list_name, code):
                errors[key].append(unknown_code_message(list_name, code))
        if errors[key]:
            raise tk.StopOnError
        order = [c.code for c in reference.codes(list_name)]
        data[key] = json.dumps([c for c in order if c in set(given)])

    return validator


def satudata_code_in(list_name: str) -> Callable[[Any], Any]:
    """One code of the reference list ``list_name``, as a dataset field of
    that list takes it (outside scheming schemas, e.g. the Daftar Data
    item); in a schema: ``satudata_code_in("frequency")``."""

    def validator(value: Any) -> Any:
        if _empty(value):
            return None
        if _not_text(value):  # not its Python spelling ("['11.01']")
            raise tk.Invalid(tk._("Must be one code, given as text"))
        code = str(value).strip()
        if not reference.is_valid(list_name, code):
            raise tk.Invalid(unknown_code_message(list_name, value))
        return code

    return validator


def satudata_codes_in(list_name: str) -> Callable[[Any], Any]:
    """Zero or more codes of the reference list ``list_name`` (a list, a JSON
    list or one code), kept as a Python list in the list's order; in a
    schema: ``satudata_codes_in("urusan")``."""

    def validator(value: Any) -> Any:
        if _empty(value):
            return []
        if not isinstance(value, (str, list, tuple)):
            raise tk.Invalid(tk._("Expecting a list of codes"))
        given = reference.as_code_list(value)
        unknown = [code for code in given if not reference.is_valid(list_name, code)]
        if unknown:
            raise tk.Invalid("; ".join(unknown_code_message(list_name, c) for c in unknown))
        return [c.code for c in reference.codes(list_name) if c.code in set(given)]

    return validator


def satudata_codes_output(value: Any) -> Any:
    """The stored JSON list of codes as a list."""
    return reference.as_code_list(value)


def _requested_year(context: Context) -> int:
    """The latest Daftar Data year the dataset being saved was requested
    for (0: none)."""
    from ..model import DataRequest

    pkg = context.get("package")
    if not getattr(pkg, "id", None):
        return 0
    year = model.Session.execute(
        sa.select(sa.func.max(DaftarData.year))
        .join(DataRequest, DataRequest.item_id == DaftarData.id)
        .where(DataRequest.package_id == pkg.id)).scalar()  # type: ignore[union-attr]
    return int(year or 0)


def satudata_year(value: Any, context: Context) -> Any:
    """A four-digit year (``2024``), between 1900 and next year, or the year
    of the Daftar Data the dataset was requested for (an item of a later
    year refused its own year); kept as a string."""
    if _empty(value):
        return value
    if _not_text(value):  # a list repeated its Python spelling ("['2055', 'abc']")
        raise tk.Invalid(tk._("Give one year: use four digits, e.g. 2024"))
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise tk.Invalid(tk._('"%(value)s" is not a year: use four digits, e.g. 2024')
                         % {"value": shown(value)})
    # in the digits search and DCAT read: "٢٠٦٦" (Arabic-Indic) was kept as
    # typed, published as the date "٢٠٦٦-01-01" and found by no year filter
    text = str(int(text)).zfill(4)
    latest = datetime.date.today().year + 1
    if not MIN_YEAR <= int(text) <= latest:
        # the range told is the one this dataset accepts (1899 was told
        # "between 1900 and 2027" of a dataset requested for 2096)
        latest = max(latest, _requested_year(context))
    if not MIN_YEAR <= int(text) <= latest:
        raise tk.Invalid(tk._("The year must be between %(min)s and %(max)s")
                         % {"min": MIN_YEAR, "max": latest})
    return text


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def satudata_flag(value: Any) -> Any:
    """Yes or no (``true``/``false``, ``ya``/``tidak``, ``yes``/``no``, 1/0)
    as the dataset extra stores it: ``"true"`` or ``"false"``. (A bool was
    stored as that text too, but it differs from the text read back, so
    every update of the dataset wrote the extra again.)"""
    if _empty(value):
        return value
    if not isinstance(value, (bool, int, float, str)):
        raise tk.Invalid(tk._("Must be true or false"))
    flag = _flag(value)
    if flag is None:
        raise tk.Invalid(tk._('"%(value)s" is not yes or no') % {"value": shown(value)})
    return "true" if flag else "false"


def satudata_flag_output(value: Any) -> Any:
    """The stored flag (``"true"``/``"false"``) as a bool."""
    if _empty(value):
        return value
    flag = _flag(value)
    return value if flag is None else flag


def satudata_email(value: Any, context: Context) -> Any:
    """An e-mail address, as CKAN's ``email_validator`` checks it and with a
    domain (``nama@dinas.go.id``, not ``nama@dinas``), refused
    with the typed value quoted (CKAN's message read "Format email bukan
    email tidak valid")."""
    if _empty(value):
        return value
    try:
        value = tk.get_validator("email_validator")(value, context)
        local, _at, domain = str(value).rpartition("@")
        if "." not in domain or len(local) > 64:
            # "warga@bukan": a host of no domain, which no mail reaches; a
            # name of more than 64 characters no mail server takes (RFC 5321)
            raise tk.Invalid("no domain")
        return value
    except tk.Invalid:
        raise tk.Invalid(tk._('"%(value)s" is not an e-mail address, e.g. '
                              'nama@dinas.go.id') % {"value": shown(value)})


def satudata_phone(value: Any) -> Any:
    """A telephone number: digits, spaces, ``+``, ``-``, ``.``, ``/`` and parentheses."""
    if _empty(value):
        return value
    text = str(value).strip()
    # 5 to 15 digits (E.164: a number, its country code included, has at most 15)
    if not _PHONE.match(text) or not 5 <= sum(ch.isdigit() for ch in text) <= 15:
        raise tk.Invalid(tk._('"%(value)s" is not a telephone number: write its digits, '
                              'e.g. 0812 3456 7890 or (0542) 123456') % {"value": shown(value)})
    return text


def satudata_nip(value: Any) -> Any:
    """A civil servant number (NIP): 18 digits, spaces between its parts
    allowed (``19800101 200501 1 001``); kept as typed, trimmed."""
    if _empty(value):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"[0-9 ]+", text) or len(text.replace(" ", "")) != 18:
        raise tk.Invalid(tk._('"%(value)s" is not a NIP: a NIP has 18 digits')
                         % {"value": shown(value)})
    return text


def satudata_identifier(value: Any) -> Any:
    """A short code such as a kode OPD or kode kegiatan BPS: letters, digits,
    dots, dashes, slashes and underscores, up to 64 characters."""
    if _empty(value):
        return value
    text = str(value).strip()
    if not _IDENTIFIER.match(text):
        raise tk.Invalid(
            tk._('"%(value)s" is not a valid code: use letters, digits, dots, dashes '
                 'and slashes (at most 64 characters)') % {"value": shown(value)})
    return text


# -- input checks shared by every satudata action ---------------------------

#: what PostgreSQL cannot store: control characters but tab and line
#: breaks, and lone UTF-16 surrogates (one scan in C, not a Python loop over
#: the characters: the guard reads every address, argument and form field)
#: the controls that turn the direction of the text after them (a title
#: with U+202E was shown reversed on the public list and in e-mail
#: subjects: text made to look like something else), as first and last code
_DIRECTION_CONTROLS = ((0x202a, 0x202e), (0x2066, 0x2069))
_DIRECTION_CLASS = "".join(f"{chr(first)}-{chr(last)}" for first, last in _DIRECTION_CONTROLS)
#: (DEL and the C1 controls too, but NEL, U+0085, a line break read as one)
_C1 = "\x7f-\x84\x86-\x9f"
_UNSTORABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_C1}\ud800-\udfff{_DIRECTION_CLASS}]")
_DIRECTION = re.compile(f"[{_DIRECTION_CLASS}]")


def bad_text_message(value: str) -> Optional[str]:
    """Why ``value`` cannot be stored, or None: NUL and other control
    characters (tab and line breaks aside) and lone UTF-16 surrogates."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() < " " or "\x7f" <= found.group() <= "\x9f":
        return tk._("Control characters (such as NUL) are not allowed")
    if _DIRECTION.match(found.group()):
        return tk._("Characters that change the direction of the text are not allowed")
    return tk._("The text is not valid Unicode")


def storable_text(value: str) -> str:
    """``value`` as it can be stored, with nothing a reader would miss: the
    vertical tab and the form feed (the line and page breaks a word
    processor pastes) become line breaks, a lone surrogate the replacement
    character, and the other control characters, which show nothing, are
    dropped."""
    return _UNSTORABLE.sub(lambda found: _STORED_AS.get(found.group(), "\ufffd"), value)


#: what :func:`storable_text` puts for each control character it finds
_STORED_AS = {chr(code): "" for code in [*range(0x20), *range(0x7f, 0xa0), *(
    code for first, last in _DIRECTION_CONTROLS for code in range(first, last + 1))]}
_STORED_AS.update({"\x0b": "\n", "\x0c": "\n"})


def bad_value_message(value: Any, depth: int = 0) -> Optional[str]:
    """Why a value (a string, or the keys and values of nested lists and
    objects) cannot be stored, or None (:func:`bad_text_message`)."""
    if isinstance(value, str):
        return bad_text_message(value) or bad_json_text_message(value, depth)
    if isinstance(value, float) and not math.isfinite(value):
        # JSON's 1e309 or NaN: stored as the text "inf" or "nan"
        return tk._("Must be a finite number")
    if depth > 20:
        return tk._("The value is nested too deeply")
    if isinstance(value, dict):
        for k, v in value.items():
            found = bad_value_message(k, depth + 1) or bad_value_message(v, depth + 1)
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for v in value:
            found = bad_value_message(v, depth + 1)
            if found:
                return found
    return None


def bad_json_text_message(value: str, depth: int = 0) -> Optional[str]:
    """What :func:`bad_value_message` finds in JSON text whose escapes
    (``\\u0000``, ``\\ud800``) decode to what cannot be stored: CKAN's and
    the portal's actions decode such text themselves (``field_notes``,
    ``package_revise``'s ``match``/``update``, the DataStore's ``filters``
    and ``q``, ``facet.field``), past the check of the text as sent, and
    PostgreSQL refused the character (a 500) or stored it."""
    if "\\u" not in value or not value.lstrip().startswith(("{", "[", '"')):
        return None
    try:
        decoded = json.loads(value)
    except (ValueError, RecursionError):
        return None
    return bad_value_message(decoded, depth + 1)


# -- the types CKAN's actions assume for their arguments ------------------------------
# CKAN's core actions (and those of its bundled plugins) take the values of
# an API call as they come and use them as text, booleans or numbers: a
# number as an ``owner_org``, a list as an ``id``, ``private: 5`` or
# ``include_private=maybe`` each answered a 500 when the portal was probed
# (PostgreSQL's "operator does not exist", ``asbool``, ``.lower()``).

#: arguments that are text wherever CKAN takes them (``None``: not given,
#: but for those that must be given); ``q`` and ``sort`` too, but for the
#: DataStore's actions, which take an object and a list and check them
_TEXT_ARGUMENTS = frozenset({
    "about", "capacity", "comment", "description", "email", "format", "fullname", "group_id",
    "id", "id2", "key", "name", "notes", "object", "order_by", "owner_org", "package_id",
    "password", "rel", "resource_id", "role", "sql", "subject", "title", "type", "url",
    "url_type", "user", "user_id", "username", "view_type", "license_id", "object_type",
    "vocabulary_id", "name_or_id", "org_id", "entity_id", "task_type",
    # a dataset's or a group's (an empty list was stored: its page answered
    # 500, and search lost it)
    "state"})
#: texts Solr indexes whole (a ``string`` field holds at most 32,766 bytes:
#: a longer one answered 500): their longest length
_LONGEST_TEXT = {"title": 2000, "url": 2000, "license_id": 100,
                 # a table's format and type (a 1 MB one was "the search index
                 # cannot be reached", a retry that never works)
                 "format": 100, "resource_type": 100}
#: lists of objects whose members CKAN looks up by ``id`` or ``name``
_NAMED_OBJECTS = frozenset({"groups", "users", "tags"})
_NEVER_NULL = frozenset({"sql", "order_by"})
#: the longest text an autocomplete completes (what a person types in a field)
_LONGEST_AUTOCOMPLETE = 200
#: arguments CKAN reads with ``asbool`` (a word of its own, a boolean, 0 or 1)
_BOOLEAN_ARGUMENTS = frozenset({
    "all_fields", "distinct", "include_datasets", "include_dataset_count",
    "include_deleted", "include_drafts", "include_extras", "include_followers",
    "include_groups", "include_member_count", "include_plugin_extras", "include_private",
    "include_tags", "include_total", "include_users", "plain", "private", "sysadmin",
    "use_default_schema", "force", "include_site_user", "include_num_followers",
    "calculate_record_count", "delete_fields", "dry_run", "or_replace",
    "include_hidden_activity", "include_password_hash",
    # package_show's (500 for anyone, before the dataset's access), an
    # organization's flag, a table preview's
    "include_plugin_data", "is_organization", "responsive", "ignore_hash",
    # a profile's e-mail setting (a number or a list answered 500)
    "activity_streams_email_notifications",
    # the DataStore's function removal's, a table view's (500 for anyone:
    # validated before the access check)
    "if_exists", "filterable"})
#: those of them the DataStore reads with CKAN's ``boolean_validator``: a
#: boolean or a word, not a number
_WORD_BOOLEAN_ARGUMENTS = frozenset({
    "force", "calculate_record_count", "delete_fields", "dry_run", "or_replace",
    "activity_streams_email_notifications",
    # the activity lists' and a dataset's (a sysadmin's ``private: 0``), read
    # with the same validator; a user's ``sysadmin: 1`` (CKAN's validator: 500)
    "include_hidden_activity", "private", "sysadmin", "if_exists", "filterable"})
#: the time stamps (seconds since 1970) of the activity lists' ``before`` and
#: ``after``, and the largest one (year 5138: Python's datetime overflowed)
_TIMESTAMP_ARGUMENTS = frozenset({"before", "after"})
_LATEST_TIMESTAMP = 10**11
#: arguments that reach PostgreSQL or Solr as whole numbers, and their
#: largest value (Solr's 32-bit integers; a file's size is a bigint)
_NUMBER_ARGUMENTS = {"limit": 2**31 - 1, "offset": 2**31 - 1, "rows": 2**31 - 1,
                     "start": 2**31 - 1, "page": 2**31 - 1, "size": 2**63 - 1,
                     "facet.mincount": 2**31 - 1}
#: arguments that are a list of texts (``order``: the ids of a reordering),
#: and those that may also be one text
_TEXT_LIST_ARGUMENTS = frozenset({"fq_list", "fl", "order"})
_ONE_TEXT_TOO = frozenset({"fl"})
#: arguments that are a list of objects (a dataset's resources, tags,
#: extras and groups, a group's users and datasets)
_OBJECT_LIST_ARGUMENTS = frozenset({"resources", "tags", "extras", "groups", "users",
                                    "packages"})
#: the longest password passlib hashes
_LONGEST_PASSWORD = 4096


#: arguments whose type depends on the action: ``(action, argument)`` →
#: "texts" (a list of texts), "text or texts", "object", "object with id"
#: (its ``id`` a text), "objects", "relationship type" (one of CKAN's: it
#: asserts so, an unknown one answered 500)
_ACTION_ARGUMENTS = {
    ("package_relationship_create", "type"): "relationship type",
    ("package_relationship_update", "type"): "relationship type",
    ("package_relationship_delete", "type"): "relationship type",
    ("package_relationships_list", "rel"): "relationship type",
    ("group_list", "groups"): "texts", ("organization_list", "organizations"): "texts",
    ("term_translation_show", "terms"): "texts", ("resource_search", "query"): "text or texts",
    ("task_status_update_many", "data"): "objects", ("datastore_create", "resource"): "object",
    ("resource_create_default_resource_views", "resource"): "object with id",
    ("resource_create_default_resource_views", "package"): "object",
    ("package_create_default_resource_views", "package"): "object with id",
    # the DataStore's column names: a list of lists answered 500
    ("datastore_search", "fields"): "text or texts",
    ("datastore_search", "sort"): "text or texts",
    # sorted by a hidden column (e-mail, password hash, reset key), the list
    # told any account the e-mail addresses of the others, letter by letter
    ("user_list", "order_by"): "user sort",
    # CKAN strips or iterates them: another type answered 500
    ("tag_list", "query"): "text", ("tag_autocomplete", "query"): "text",
    ("tag_search", "query"): "text or texts",
    ("resource_view_create", "filter_fields"): "texts",
    ("resource_view_update", "filter_fields"): "texts",
    ("resource_view_create", "filter_values"): "texts",
    ("resource_view_update", "filter_values"): "texts",
    # the fields a tag search matches (a list answered 500)
    ("tag_search", "fields"): "object", ("tag_autocomplete", "fields"): "object",
    # the datasets of the bulk actions (a number answered 500)
    ("bulk_update_private", "datasets"): "texts", ("bulk_update_public", "datasets"): "texts",
    ("bulk_update_delete", "datasets"): "texts"}
#: what the list of users may be sorted by (CKAN takes any column of the table)
USER_SORTS = ("name", "display_name", "fullname", "created", "number_created_packages")
#: arguments an action reads without checking that they were given
REQUIRED_API_ARGUMENTS = {
    "organization_member_create": ("id",), "group_member_create": ("id",),
    "organization_member_delete": ("id",), "group_member_delete": ("id",),
    "user_invite": ("group_id",),
    "datastore_run_triggers": ("resource_id",), "task_status_update_many": ("data",),
    "resource_create_default_resource_views": ("resource",),
    "package_create_default_resource_views": ("package",)}


def _typed_message(kind: str, value: Any) -> Optional[str]:
    """Why ``value`` is not of the ``kind`` of :data:`_ACTION_ARGUMENTS`."""
    if kind == "relationship type":
        types = model.PackageRelationship.get_all_types()
        if value in (None, "") or isinstance(value, str) and value in types:
            return None
        if not isinstance(value, str):
            return tk._("Must be text")
        return tk._("Must be one of: %(values)s") % {"values": ", ".join(types)}
    if kind == "user sort":  # null (CKAN's getattr of None answered 500) is no sort
        return tk._("Must be text") if value is None else user_sort_message(value)
    if kind == "text":
        return None if value is None or isinstance(value, str) else tk._("Must be text")
    texts = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "texts" and not texts or kind == "text or texts" and not (
            texts or isinstance(value, str)):
        return tk._("Must be a list of texts")
    if kind in ("object", "object with id") and not isinstance(value, dict):
        return tk._("Must be an object")
    if kind == "object with id" and not isinstance(value.get("id"), str):
        return tk._("Must be an object with an id")
    if kind == "objects" and not (isinstance(value, list)
                                  and all(isinstance(v, dict) for v in value)):
        return tk._("Must be a list of objects")
    return None



def url_name_message(value: Any) -> Optional[str]:
    """Why ``value`` cannot be the URL name of a group or an organization
    (lower-case letters, digits, ``-`` and ``_``, 2 to 100), or None."""
    if not isinstance(value, str):
        return tk._("Must be text")
    return None if re.fullmatch(r"[a-z0-9_\-]{2,100}", value) else tk._(
        "Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_")


def user_sort_message(value: Any) -> Optional[str]:
    """Why the list of users cannot be sorted by ``value``, or None."""
    if value in (None, "") or value in USER_SORTS:
        return None
    return tk._("Must be one of: %(values)s") % {"values": ", ".join(USER_SORTS)}


def _timestamp_message(value: Any) -> Optional[str]:
    """Why ``value`` is not a time stamp CKAN can turn into a date."""
    if isinstance(value, bool):
        return tk._("Must be a number")
    try:
        stamp = abs(float(value))
    except OverflowError:  # an integer beyond any float
        return tk._("The number is too large")
    except (TypeError, ValueError):
        return tk._("Must be a number")
    if stamp != stamp:  # NaN
        return tk._("Must be a number")
    return tk._("The number is too large") if stamp > _LATEST_TIMESTAMP else None


#: CKAN's lists of organizations and groups: ``q`` must be text (null
#: answered 500) and ``sort`` one of its fields, with an order (a blank one
#: answered 500, an unknown one "Cannot sort by field" in English)
_GROUP_LISTS = frozenset({"organization_list", "group_list"})
_GROUP_LIST_SORT = re.compile(r"^\s*(name|title|package_count)(\s+(asc|desc))?\s*$")
#: the keys CKAN's validation reserves for itself (a body with "__junk"
#: answered 500)
RESERVED_KEYS = frozenset({"__junk", "__extras", "__before", "__after"})


def _group_list_message(name: str, value: Any) -> Optional[str]:
    if not isinstance(value, str):
        return tk._("Must be text")
    if name == "sort" and not _GROUP_LIST_SORT.match(value):
        return tk._("Sort by name, title or package_count, optionally followed by asc or desc")
    return None


def link_message(resource: Any) -> Optional[str]:
    """Why the ``url`` of ``resource`` (a dictionary) cannot be stored, or
    None. CKAN's uploader parses it before anything validates it, and CKAN
    stores a link without a scheme as ``http://…``: a host in brackets that
    is no IP address (``http://[x]/a.csv``, ``a b [c]``) answered 500 on
    that save and on every later save of its dataset. An uploaded file's
    name is stored without a scheme (brackets are fine there)."""
    value = resource.get("url") if isinstance(resource, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if "://" not in text and resource.get("url_type") != "upload" \
            and not resource.get("upload"):
        text = "http://" + text
    try:
        urlsplit(text)
    except ValueError:
        return tk._("This is not a valid link address")
    return None


def api_argument_message(name: str, value: Any, action: str = "") -> Optional[str]:
    """Why the value of the top-level argument ``name`` of an API call of
    ``action`` would fail inside CKAN for its type, or None."""
    if name in ("q", "query") and isinstance(value, str) and len(value) > _LONGEST_AUTOCOMPLETE \
            and (action.endswith("_autocomplete") or action in ("tag_list", "tag_search")):
        # what a person types in a field: a 1 MB query held a web process for a
        # minute (tags) or answered Solr's English error of 4 MB
        return tk._("Must be at most %(max)s characters") % {"max": _LONGEST_AUTOCOMPLETE}
    if (action, name) in _ACTION_ARGUMENTS:
        return _typed_message(_ACTION_ARGUMENTS[action, name], value)
    if name in RESERVED_KEYS:
        return tk._("This field is not accepted")
    if name in _TIMESTAMP_ARGUMENTS and value not in (None, ""):
        return _timestamp_message(value)
    if name in ("q", "sort"):
        if action in _GROUP_LISTS:
            return _group_list_message(name, value)
        if action.startswith("datastore_") or value is None or isinstance(value, str):
            return None
        return tk._("Must be text")
    if name in _TEXT_ARGUMENTS:
        if name == "state" and action.startswith("satudata_"):
            return None  # the extension's schemas read their own states
        if value is None and name not in _NEVER_NULL or isinstance(value, str):
            if name == "password" and value and len(value) > _LONGEST_PASSWORD:
                return tk._("Must be at most %(max)s characters") % {"max": _LONGEST_PASSWORD}
            # the extension's own actions say their own (lower) limits
            if value and len(value) > _LONGEST_TEXT.get(name, len(value)) \
                    and not action.startswith("satudata_"):
                return tk._("Must be at most %(max)s characters") % {"max": _LONGEST_TEXT[name]}
            return None
        return tk._("Must be text")
    if name in _BOOLEAN_ARGUMENTS:
        if value is None or isinstance(value, bool) or value in (0, 1) and isinstance(
                value, int) and name not in _WORD_BOOLEAN_ARGUMENTS \
                or isinstance(value, str) and value.strip().lower() in truthy | falsy:
            return None
        return tk._("Must be true or false")
    if name in _NUMBER_ARGUMENTS:
        if value is None:
            return None
        if isinstance(value, str) and value.strip().lstrip("+-").isdigit() and value.isascii():
            # "²" is a digit to isdigit, not to int: a 500 of every action
            number = int(value.strip())
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            return tk._("Must be a whole number")
        if number < 0 and name in ("limit", "offset", "rows", "start"):
            # organization_autocomplete handed limit=-1 to PostgreSQL (500)
            return tk._("Must be a natural number")
        return tk._("The number is too large") if abs(number) > _NUMBER_ARGUMENTS[name] else None
    if name in _TEXT_LIST_ARGUMENTS:
        if value is None and name != "fq_list" or name in _ONE_TEXT_TOO and isinstance(value, str) \
                or isinstance(value, list) and all(isinstance(v, str) for v in value):
            return None
        return tk._("Must be a list of texts")
    if name in _OBJECT_LIST_ARGUMENTS:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            return tk._("Must be a list of objects")
        if name == "tags" and len(value) > MAX_TAGS:
            return tk._("At most %(max)s tags") % {"max": MAX_TAGS}
        if name in _NAMED_OBJECTS and any(
                not isinstance(v.get(key), (str, type(None))) for v in value
                for key in ("id", "name")):
            return tk._("An id or a name must be text")
        if name in _NAMED_OBJECTS and any(len(v.get("name") or "") > MAX_ID_LENGTH
                                          for v in value):
            # CKAN's refusal of a long tag repeated the whole of it
            return tk._("Must be at most %(max)s characters") % {"max": MAX_ID_LENGTH}
        return None
    return None


def satudata_clean_strings(key: FlattenKey, data: FlattenDataDict,
                           errors: FlattenErrorDict, context: Context) -> None:
    """A ``__before`` validator: refuse the whole input if any string in it
    (keys included, nested lists and objects too) carries a NUL or another
    control character, or a lone surrogate, which PostgreSQL cannot store.
    The error is reported on the top-level field that holds it."""
    for flat_key in list(data.keys()):
        if not isinstance(flat_key, tuple) or not flat_key:
            continue
        found = bad_value_message(flat_key) or bad_value_message(data[flat_key])
        if found:
            field = flat_key[0] if isinstance(flat_key[0], str) \
                and not bad_value_message(flat_key[0]) else "__input"
            errors.setdefault((field,), []).append(found)
    if any(errors.values()):
        raise tk.StopOnError


def id_refusal(value: Any) -> Optional[str]:
    """Why ``value`` cannot be an id or URL name (a string of at most 100
    characters PostgreSQL can store), or None."""
    if not isinstance(value, str):
        return tk._("Expecting an id or name as text")
    text = value.strip()
    if not text or len(text) > MAX_ID_LENGTH:
        return tk._("Not found")
    return bad_text_message(text)


def site_types(kind: str) -> set[str]:
    """The dataset, organization or group types of the site (``kind``:
    "dataset", "organization", "group"): CKAN's own and those of its
    IDatasetForm and IGroupForm plugins (an organization plugin: one whose
    ``is_organization`` is true, or whose controller is "organization", as
    CKAN registers them)."""
    from ckan import plugins

    types = {kind}
    if kind == "dataset":
        for plugin in plugins.PluginImplementations(plugins.IDatasetForm):
            types.update(plugin.package_types())
        return types
    for plugin in plugins.PluginImplementations(plugins.IGroupForm):
        controller = getattr(plugin, "group_controller", lambda: "group")()
        is_organization = getattr(plugin, "is_organization", controller == "organization")
        if is_organization == (kind == "organization"):
            types.update(plugin.group_types())
    return types


def type_refusal(kind: str, value: Any) -> Optional[str]:
    """Why ``value`` cannot be the ``type`` of a new dataset, organization
    or group (``kind``), or None. CKAN stores any text, and every page that
    links to the thing builds its address from the type: the activity
    streams of the thing, of its creator and of their followers answered 500
    for an unknown type. None is no type (CKAN's default), as is "" for a
    dataset (CKAN stores its default type then)."""
    if value is None or (kind == "dataset" and value == ""):
        return None
    types = site_types(kind)
    if isinstance(value, str) and value in types:
        return None
    return tk._("Unknown type: use one of %(types)s") % {"types": ", ".join(sorted(types))}


def satudata_user_exists(value: Any, context: Context) -> Any:
    """A user's name or id that an account has, refused naming what was
    typed (CKAN's message read "Not found: User")."""
    if model.User.get(value) is None:
        raise tk.Invalid(tk._('No user is named "%(name)s": give a user name '
                              'as it is on the user\'s page') % {"name": shown(value)})
    return value


def satudata_id(key: FlattenKey, data: FlattenDataDict,
                errors: FlattenErrorDict, context: Context) -> None:
    """An id or URL name given as a string (not a number, list or object),
    at most 100 characters, without NUL or lone surrogates; stripped. A
    refusal stops the field's later validators (which look it up)."""
    value = data.get(key)
    if value is tk.missing or value is None or value == "":
        return
    message = id_refusal(value)
    if message:
        errors[key].append(message)
        raise tk.StopOnError
    data[key] = value.strip()


def satudata_text(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
    """A text field takes text (or a number, written as text): a list, an
    object or a boolean is refused rather than stored as its Python spelling
    (or, for ``false``, dropped). The refusal stops the field's validators:
    the next ones (an e-mail or a code check) would only repeat it, with the
    value spelled out."""
    if _not_text(data.get(key)):
        errors[key].append(tk._("Must be text"))
        raise tk.StopOnError


def satudata_tag_string(key: FlattenKey, data: FlattenDataDict,
                        errors: FlattenErrorDict, context: Context) -> None:
    """Tags as CKAN's ``tag_string_convert`` reads them: a text of tags
    separated by commas, or a list of texts. A number or a boolean answered
    500 there (it splits the value)."""
    value = data.get(key)
    if not (isinstance(value, str) or isinstance(value, list)
            and all(isinstance(v, str) for v in value)):
        errors[key].append(tk._("Must be text"))
        raise tk.StopOnError
    count = len(value.split(",")) if isinstance(value, str) else len(value)
    if count > MAX_TAGS:  # 100,000 tags held a web process past its time (killed)
        errors[key].append(tk._("At most %(max)s tags") % {"max": MAX_TAGS})
        raise tk.StopOnError


def satudata_visible(value: Any) -> Any:
    """A text that shows something: spaces and invisible characters alone
    (a zero-width space, a soft hyphen) are refused as missing."""
    if isinstance(value, str) and blank(value):
        raise tk.Invalid(tk._("Missing value"))
    return value


#: characters that show nothing inside a word: the soft hyphen, the combining
#: grapheme joiner, the Hangul and Khmer fillers and vowels, the Mongolian
#: variation selectors and vowel separator, zero-width spaces, joiners and
#: marks, the word joiner and invisible operators, the BOM, the tag characters
_INVISIBLE = re.compile("[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f"
                        "\u200b-\u200f\u2060-\u2064\u3164\ufeff\uffa0"
                        "\U000e0000-\U000e007f]")


_ID_SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def satudata_name_not_an_id(value: Any) -> Any:
    """A URL name that is not shaped like an id: a round named with another
    round's id made both answer "not found" or HTTP 500 wherever it is
    looked up by id or name."""
    if isinstance(value, str) and _ID_SHAPE.fullmatch(value.strip().lower()):
        raise tk.Invalid(tk._(
            "A name cannot be shaped like an id: use words, such as tjb-2026-semester-1"))
    return value


def satudata_title(value: Any) -> Any:
    """A title as one line of plain spaces: any run of spaces (a
    non-breaking space pasted from a word processor, a tab, a line break)
    is one space. A character that shows nothing (a zero-width space) is
    refused: "Item\u200b Uji" looked like "Item Uji" and was a second item
    of that title."""
    if not isinstance(value, str):
        return value
    if _INVISIBLE.search(value):
        raise tk.Invalid(tk._(
            "The title contains an invisible character (such as a zero-width space): "
            "type it again without it"))
    return " ".join(value.split())


#: what ends a line: CR, LF, the vertical tab, the form feed, NEL (U+0085),
#: the line and paragraph separators (U+2028, U+2029)
LINE_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"


#: the line breaks a one-line input keeps when pasted (from a PDF, a word
#: processor) and shows as nothing: made spaces
_PASTED_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


def satudata_one_line(value: Any) -> Any:
    """A field its form gives one line (a title, a contact's name) is one
    line, as a full name is: a line break sent through the API went into
    page titles, the DCAT titles, the release calendar's entries and the
    exports as typed. A line separator pasted into the form's input (it
    shows none: refused, the operator saw "Puskesmasmenurut" and nothing
    to fix) is a space."""
    if not isinstance(value, str):
        return value
    value = value.translate(_PASTED_BREAKS)
    if any(ch in value for ch in LINE_BREAKS):
        raise tk.Invalid(tk._("Must be one line, without line breaks"))
    return value


def satudata_column_name(value: Any) -> Any:
    """(A variable's ``name``) The name of a column, without a character
    that shows nothing: "jum\u200blah" looked like the column "jumlah", and
    the data check said both "column jumlah is not declared" and "variable
    jumlah has no column"; nor one the DataStore refuses (a leading ``_``,
    a ``"``: the table passed the check and the chain, then never loaded),
    nor one a spreadsheet runs as a formula (``=cmd|…``: published as it came)."""
    if isinstance(value, str) and _INVISIBLE.search(value):
        raise tk.Invalid(tk._(
            "The name contains an invisible character (such as a zero-width space): "
            "type it again without it"))
    from ..lib import cells, validation
    if isinstance(value, str) and not validation.loadable_name(value):
        raise tk.Invalid(tk._(
            "A column name may not begin with \"_\" nor hold a double quote (\"): the data "
            "API cannot keep the column"))
    if isinstance(value, str) and cells.runs_as_formula(value.strip()):
        # the table's header is a cell too: a spreadsheet ran it
        raise tk.Invalid(tk._(
            "A column name may not begin as a formula (=, +, - or @ before a word): a "
            "spreadsheet opening the published file would run it"))
    return value


def satudata_opd_code_unique(key: FlattenKey, data: FlattenDataDict,
                             errors: FlattenErrorDict, context: Context) -> None:
    """(An organization's ``opd_code``) No other OPD's: the code names the
    agency in the regional nomenclature and in its letters' numbers (two
    OPDs of one code were saved, their letters numbered alike)."""
    code = data.get(key)
    if not isinstance(code, str) or not code.strip():
        return
    own = data.get(("id",)) or data.get(("name",))
    other = model.Session.execute(
        sa.select(model.Group.title, model.Group.name)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .where(model.GroupExtra.key == "opd_code", model.GroupExtra.state == "active",
               sa.func.btrim(model.GroupExtra.value) == code.strip(),
               model.Group.is_organization.is_(True), model.Group.state == "active",
               model.Group.id != (own or ""), model.Group.name != (own or "")).limit(1)).first()
    if other:
        errors[key].append(tk._("Another OPD already has this code: %(opd)s") % {
            "opd": other.title or other.name})
        raise tk.StopOnError


def satudata_license(value: Any) -> Any:
    """The id of one of the portal's licences (CKAN's licence register), or
    empty (a licence is required when the dataset is submitted)."""
    if value in (None, ""):
        return value
    if value not in model.Package.get_license_register():
        raise tk.Invalid(tk._("Unknown licence: choose one of the portal's licences"))
    return value


def satudata_length(max_length: int) -> Callable[..., None]:
    """A text of at most ``max_length`` characters; in a schema:
    ``satudata_length(500)``. A longer text stops the field's validators:
    the next ones (an e-mail or a code check) would only repeat the refusal,
    and the text with it."""

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        value = data.get(key)
        if isinstance(value, str) and len(value) > max_length:
            errors[key].append(tk._("Must be at most %(max)s characters long")
                               % {"max": max_length})
            raise tk.StopOnError

    return validator


def _whole_number(value: Any) -> Optional[int]:
    """``value`` as an int if it is a whole number (int or digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,20}\s*", value):
        return int(value)
    return None


def _bounded(value: Any, low: int, high: int) -> int:
    number = _whole_number(value)
    if number is None or not low <= number <= high:
        raise tk.Invalid(tk._("Must be a whole number between %(min)s and %(max)s")
                         % {"min": low, "max": high})
    return number


def satudata_year_int(value: Any) -> Any:
    """A year between 1900 and 2100, as an int."""
    number = _whole_number(value)
    if number is None:
        raise tk.Invalid(tk._("Invalid year"))
    if not MIN_YEAR <= number <= MAX_YEAR:
        raise tk.Invalid(tk._("The year must be between %(min)s and %(max)s")
                         % {"min": MIN_YEAR, "max": MAX_YEAR})
    return number


#: a date as the forms write it, and a date and time (seconds, their
#: fractions and a UTC offset allowed): Python's ``fromisoformat`` alone also
#: took week dates ("2027-W01-1") and nanoseconds
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
                        r"(?:Z|[+-]\d{2}(?::?\d{2})?)?", re.ASCII)


def _in_calendar(text: str, pattern: re.Pattern[str], format_message: str
                 ) -> datetime.datetime:
    """``text`` as ``pattern`` writes a date (and time): a year outside
    1900-2100 and a day or time that does not exist (30 February) are told
    so, not that the format is wrong."""
    match = pattern.fullmatch(text)
    if match is None:
        raise tk.Invalid(format_message)
    if not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        raise tk.Invalid(tk._("The year must be between %(min)s and %(max)s")
                         % {"min": MIN_YEAR, "max": MAX_YEAR})
    try:
        return datetime.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise tk.Invalid(tk._("There is no such date or time: %(value)s") % {"value": text})


def satudata_date(value: Any) -> Any:
    """A calendar date between 1900 and 2100, given as ``YYYY-MM-DD`` (or a
    date); returns a date."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        message = tk._("Date format incorrect, use YYYY-MM-DD")
        if not isinstance(value, str):
            raise tk.Invalid(message)
        text = value.strip()
        # a date; or a midnight written as a date and time (no zone): a
        # date followed by anything else was taken as that date
        # ("2027-01-29 atau 2027-02-05", "2026-12-07garbage")
        parsed = _in_calendar(text, _DATE if len(text) <= 10 else _DATE_TIME, message)
        if len(text) > 10 and (parsed.tzinfo is not None or parsed.time() != datetime.time()):
            raise tk.Invalid(message)
        value = parsed.date()
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise tk.Invalid(tk._("The year must be between %(min)s and %(max)s")
                         % {"min": MIN_YEAR, "max": MAX_YEAR})
    return value


def satudata_limit(value: Any) -> Any:
    """A page size: a whole number from 0; more than 1000 gives 1000."""
    number = _whole_number(value)
    if number is None or number < 0:
        raise tk.Invalid(tk._("Must be a whole number between %(min)s and %(max)s")
                         % {"min": 0, "max": MAX_LIMIT})
    return min(number, MAX_LIMIT)


def satudata_offset(value: Any) -> Any:
    """How many results to skip: 0 to 1,000,000."""
    return _bounded(value, 0, MAX_OFFSET)


def satudata_working_days(value: Any) -> Any:
    """A stage duration in working days: 0 to 365."""
    return _bounded(value, 0, MAX_WORKING_DAYS)


def satudata_step_days(value: Any) -> Any:
    """The working days of a step somebody must take (submit, verify,
    approve): 1 to 365 (0 made the data due the day the letters went out)."""
    return _bounded(value, 1, MAX_WORKING_DAYS)


def satudata_deadline_days(value: Any) -> Any:
    """An optional deadline in days, 1 to 365; empty is none (None)."""
    if _empty(value):
        return None
    return _bounded(value, 1, MAX_WORKING_DAYS)


def url_refusal(value: Any) -> Optional[str]:
    """Why ``value`` is not a safe link, or None. Safe: an ``http(s)`` URL
    with a host, or a bare file name / path without a scheme (what CKAN
    stores for an uploaded resource)."""
    if not isinstance(value, str):
        return tk._("Please provide a valid URL")
    unusable = tk._("This web address cannot be opened: check its host name (no spaces) "
                    "and port")
    if value.strip() and blank(value):
        # invisible characters alone: CKAN stored "http://\u200b", which every
        # later save of the dataset then refused
        return unusable
    probe = _URL_IGNORED.sub("", value)
    match = _SCHEME.match(probe)
    if not match:
        return None
    if match.group(1).lower() not in ("http", "https"):
        return tk._("Only http:// and https:// links are allowed")
    try:  # as a download redirects to it: a host of spaces or mixed scripts answered 500
        iri_to_uri(value)
        parts = urlsplit(value.strip())
        host, port = parts.hostname, parts.port
    except (UnicodeError, ValueError):
        return unusable
    # a host a browser cannot reach (none, spaces, a label with a dash at an
    # end) or port 0: the download sent every reader to it
    authority = value.strip().split("//", 1)[-1].split("/", 1)[0]  # (urlsplit drops tabs)
    if not host or any(c.isspace() or ord(c) < 32 for c in authority) or port == 0 \
            or any(label.startswith("-") or label.endswith("-") for label in host.split(".")):
        return unusable
    return None


def picture_refusal(value: Any, kind: str, kept: Optional[str] = None) -> Optional[str]:
    """Why the picture ``value`` of a ``kind`` ("user", "group", "admin":
    CKAN's uploader of that kind) cannot be shown, or None. CKAN stores an
    uploaded picture by its bare file name; the form keeps the name of a
    file it refused (the browser's upload widget writes it into the address
    field), and saving again set a picture that was never uploaded: a broken
    image on every page (the site logo) or on the profile. A bare name must
    be a file the uploader stored; ``kept``, the picture as it is now,
    stays."""
    from ckan.lib import uploader

    if not isinstance(value, str) or not value.strip() or value == kept \
            or _SCHEME.match(value) or value.startswith("/"):
        return None
    storage = uploader.get_storage_path()
    if not storage:
        return None
    name = value.strip()
    if os.path.basename(name) == name and os.path.isfile(
            os.path.join(storage, "storage", "uploads", kind, name)):
        return None
    return tk._("No picture named \"%(name)s\" was uploaded (a file that was refused?): "
                "choose the file again, or give the web address of a picture") % {
                    "name": name[:100]}


def satudata_uploaded_logo(value: Any) -> Any:
    """The site logo (``ckan.site_logo``) is a web address or a file the
    admin uploader stored (:func:`picture_refusal`): after a refused upload
    the settings form kept the refused file's name, and saving again set a
    logo that was never uploaded, a broken image in every page's header."""
    refusal = picture_refusal(value, "admin")
    if refusal:
        raise tk.Invalid(refusal)
    return value


def satudata_not_blank(key: FlattenKey, data: FlattenDataDict,
                       errors: FlattenErrorDict, context: Context) -> None:
    """A field given is not blank (one not given is left to the next
    validators)."""
    value = data.get(key)
    if isinstance(value, str) and _blank(value):
        errors[key].append(tk._("Missing value"))
        raise tk.StopOnError


def satudata_style_sheet(value: Any) -> Any:
    """The site's custom CSS (``ckan.site_custom_css``) has no markup: CKAN
    prints it inside a ``<style>`` element, so ``</style><script>`` ran a
    script on every page for every visitor."""
    if isinstance(value, str) and re.search(r"<\s*/|<!--|<\s*script", value, re.I):
        raise tk.Invalid(tk._("Custom CSS holds style rules only: remove the markup "
                              "(\"</\", \"<script\", \"<!--\")"))
    return value


def satudata_safe_url(value: Any) -> Any:
    """Only ``http``/``https`` links (or the bare file name of an upload):
    ``javascript:``, ``data:``, ``vbscript:`` and other schemes are refused."""
    if _empty(value):
        return value
    message = url_refusal(value)
    if message:
        raise tk.Invalid(message)
    return value


def satudata_web_link(value: Any) -> Any:
    """A link a page shows as it is (the SK decree's): an ``http``/``https``
    URL, or a path of this site (``/…``, where an uploaded decree is
    served). As :func:`satudata_safe_url`, and text that is no link at all
    (it made a relative link to nowhere) is refused too."""
    value = satudata_safe_url(value)
    # "//host/…" (and "/\host/…", which browsers read so, and with a tab or
    # a line break between, which browsers drop) is another site's
    bare = _URL_IGNORED.sub("", value) if isinstance(value, str) else ""
    own_path = bare.startswith("/") and bare[1:2] not in ("/", "\\")
    if not _empty(value) and not (own_path or _SCHEME.match(_URL_IGNORED.sub("", value))):
        raise tk.Invalid(tk._("Please give a web address starting with http:// or https://"))
    return value


def satudata_boolean(value: Any) -> Any:
    """A strict yes or no: a bool, or ``true``/``false`` (``ya``/``tidak``,
    ``yes``/``no``, ``1``/``0``); empty is false; anything else is refused."""
    if _empty(value):
        return False
    if not isinstance(value, (bool, int, str)):  # not its Python spelling ("[None]")
        raise tk.Invalid(tk._("Must be true or false"))
    flag = _flag(value)
    if flag is None:
        raise tk.Invalid(tk._('"%(value)s" is not yes or no') % {"value": shown(value)})
    return flag


def satudata_version(value: Any) -> Any:
    """The ``version`` a form was built from: a whole number."""
    return _bounded(value, 0, 2**31 - 1)


# -- references and values of the workflow and dissemination actions -------

def satudata_organization_id(value: Any, context: Context) -> Any:
    """An active organization given by id or name; returns its id."""
    refused = id_refusal(value)
    group = model.Group.get(value) if not refused else None
    if not group or not group.is_organization or group.state != "active":
        if refused:
            raise tk.Invalid(tk._("Organization not found"))
        # named as typed, as the other fields' refusals are (an import's row
        # said "OPD not found" without the value of the cell)
        raise tk.Invalid(tk._('No OPD "%(value)s" was found') % {"value": shown(value)})
    return group.id


def satudata_dataset_id(value: Any, context: Context) -> Any:
    """A dataset of the portal (not deleted) given by id or URL name;
    returns its id. The message names what was typed."""
    package = model.Package.get(value) if not id_refusal(value) else None
    if not package or package.state == "deleted":
        raise tk.Invalid(tk._(
            'No dataset of the portal has the name or id "%(value)s": choose one from '
            'the list as you type, or copy the name from the end of its address') % {
                "value": shown(value)})
    return package.id


def satudata_round_id(value: Any, context: Context) -> Any:
    """A collection round given by id or name; returns its id."""
    found = model.Session.execute(sa.select(CollectionRound.id_for(value))).scalar() \
        if not id_refusal(value) else None
    if not found:
        raise tk.Invalid(tk._("Collection round not found"))
    return found


def satudata_daftar_data_id(value: Any, context: Context) -> Any:
    """An existing Daftar Data item id."""
    if id_refusal(value) or not model.Session.get(DaftarData, value):
        raise tk.Invalid(tk._("Daftar Data item not found"))
    return value


#: a round's chain has at most this many levels
MAX_CHAIN = 10


def satudata_round_chain(value: Any) -> Any:
    """A round's own approval chain: roles of ``satudata.approval_chain``
    in the order the round's requests pass them, verifier first (a list, or
    a string separated by spaces or commas); empty: None, the site's chain."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise tk.Invalid(tk._("Expecting a list of walidata roles"))
    value = [v.strip() for v in value if v.strip()]
    if not value:
        return None
    site = roles.approval_chain()
    unknown = [v for v in value if v not in site]
    if unknown:
        raise tk.Invalid(tk._("Unknown walidata role: %(role)s. Allowed: %(roles)s") % {
            "role": shown(", ".join(unknown[:_SPELL_OUT_MAX])), "roles": ", ".join(site)})
    if len(set(value)) != len(value):
        raise tk.Invalid(tk._("A role can appear only once in the approval chain"))
    if value != sorted(value, key=site.index):
        # a round may leave levels out, never turn the chain around (the
        # first role verifies, each next one approves what the last passed)
        raise tk.Invalid(tk._("The roles must keep the order of the site's approval "
                              "chain: %(roles)s") % {"roles": " → ".join(site)})
    if len(value) > MAX_CHAIN:
        raise tk.Invalid(tk._("An approval chain has at most %(n)s levels") % {"n": MAX_CHAIN})
    return list(value)


#: a forum decision covers at most this many requests
MAX_DECISION_REQUESTS = 500


def satudata_request_ids(value: Any) -> Any:
    """Ids of data requests: a list, or a string separated by commas or
    spaces; each an id, each once, at least one."""
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, (list, tuple)) or not value:
        raise tk.Invalid(tk._("Choose at least one data request"))
    if len(value) > MAX_DECISION_REQUESTS:
        raise tk.Invalid(tk._("At most %(n)s data requests at once") % {
            "n": MAX_DECISION_REQUESTS})
    for v in value:
        refusal = id_refusal(v)
        if refusal:
            raise tk.Invalid(refusal)
    return list(dict.fromkeys(v.strip() for v in value))


def satudata_late_policy(value: Any) -> Any:
    """A round's policy for late submissions: one of ``LATE_POLICIES``."""
    from ..lib.states import late_label
    from ..model import LATE_POLICIES

    if _not_text(value):  # not echoed in its Python spelling
        raise tk.Invalid(tk._("Must be text"))
    if value not in LATE_POLICIES:
        raise tk.Invalid(tk._("Choose what happens to late data: %(values)s") % {
            "values": ", ".join(f"{late_label(p)} ({p})" for p in LATE_POLICIES)})
    return value


def satudata_request_states(value: Any) -> Any:
    """One state or a list of states (a list or a comma-separated string)."""
    if isinstance(value, str):
        value = [v for v in value.replace(" ", ",").split(",") if v]
    if not isinstance(value, (list, tuple)):
        raise tk.Invalid(tk._("Unknown request state"))
    known = {s.value for s in State}
    for v in value:
        if not isinstance(v, str):  # a list of lists answered 500
            raise tk.Invalid(tk._("Unknown request state"))
        if v not in known:
            raise tk.Invalid(tk._("Unknown request state: %(state)s") % {"state": v})
    return list(value)


#: at most this many per-field notes, each at most this long
FIELD_NOTES_MAX = 200
FIELD_NOTE_MAX_LENGTH = 5000


def satudata_field_notes(value: Any) -> Any:
    """Per-field reasons: ``{field: [reason]}`` (a reason alone is taken as a
    list of one), or that object as JSON; bounded in number and length."""
    message = tk._("Field notes must map dataset field names to reasons")
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except ValueError:
            raise tk.Invalid(message)
    if not isinstance(value, dict):
        raise tk.Invalid(message)
    if len(value) > FIELD_NOTES_MAX or sum(
            len(r) if isinstance(r, list) else 1 for r in value.values()) > FIELD_NOTES_MAX:
        # at most FIELD_NOTES_MAX reasons in all (10,000 made a page of 600 KB)
        raise tk.Invalid(tk._("At most %(max)s notes per field in all") % {
            "max": FIELD_NOTES_MAX})
    result: dict[str, list[str]] = {}
    for field, reasons in value.items():
        if isinstance(reasons, str):
            reasons = [reasons]
        if (not isinstance(field, str) or not field or len(field) > 100
                or not isinstance(reasons, list)
                or not all(isinstance(r, str) for r in reasons)):
            raise tk.Invalid(message)
        if any(len(r) > FIELD_NOTE_MAX_LENGTH for r in reasons):
            # a note too long was told the notes were no pairs of field and
            # reason; then not which field's it was
            from ..lib import review
            raise tk.Invalid(tk._("The note on %(field)s: at most %(max)s characters") % {
                "field": review.field_labels().get(field, field),
                "max": FIELD_NOTE_MAX_LENGTH})
        if not reasons or any(blank(r) for r in reasons):
            # a zero-width space told the producer a field needed fixing, and not why
            from ..lib import review
            raise tk.Invalid(tk._("The note on %(field)s says nothing: write what must be "
                                  "changed") % {"field": review.field_labels().get(field, field)})
        result[field] = reasons
    from ..lib import review
    known = review.field_labels()
    unknown = sorted(field for field in result if field not in known)
    if unknown:
        raise tk.Invalid(tk._("Not a field of the dataset: %(fields)s") % {
            "fields": ", ".join(unknown)})
    return result


def satudata_local_datetime(value: Any) -> Any:
    """A date and time in the portal's time zone (``YYYY-MM-DD HH:MM``, ``T``
    allowed, or with an explicit UTC offset); returns naive UTC."""
    message = tk._("Date and time format incorrect, use YYYY-MM-DD HH:MM")
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, str):
        # a day alone was taken for midnight
        parsed = _in_calendar(value.strip(), _DATE_TIME, message)
    else:
        raise tk.Invalid(message)
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise tk.Invalid(tk._("The year must be between %(min)s and %(max)s")
                         % {"min": MIN_YEAR, "max": MAX_YEAR})
    from ..lib import publishing
    # to the minute, as releases are announced (09:00:30 was a 30-second
    # "postponement" of 09:00, shown as "postponed from 09.00 to 09.00")
    return publishing.to_utc(parsed.replace(second=0, microsecond=0))


#: a release time as a form gives it: hours and minutes (``09:00``, ``9.00``)
_CLOCK_TIME = re.compile(r"(\d{1,2})[:.]([0-5]\d)")


def satudata_release_date_time(key: FlattenKey, data: FlattenDataDict,
                               errors: FlattenErrorDict, context: Context) -> None:
    """(``__before``) Forms send ``release_date`` and ``release_time``
    separately; join them into ``release_at`` when it is not given. A day
    without a time is refused on ``release_time`` (it was released at
    midnight without a word); both ways at once are refused (the date and
    time were ignored without a word)."""
    if data.get(("release_at",)):
        if data.get(("release_date",)) or data.get(("release_time",)):
            errors.setdefault(("release_at",), []).append(tk._(
                "Give the release time either as release_at or as release_date and "
                "release_time, not both"))
        return
    day = data.pop(("release_date",), None)
    time = data.pop(("release_time",), None)
    has_day, has_time = _given(day), _given(time)
    if has_day and not has_time:  # the error is the time's alone
        errors.setdefault(("release_time",), []).append(tk._("Missing value"))
        # release_at stays quiet: it is not what the caller sent
        data[("release_at",)] = datetime.datetime(MIN_YEAR, 1, 1)
        return
    if has_time and not has_day:  # and the day's (it was told on release_at alone)
        errors.setdefault(("release_date",), []).append(tk._("Missing value"))
        data[("release_at",)] = datetime.datetime(MIN_YEAR, 1, 1)
        return
    if not has_day:
        return
    try:  # a day that is none is the day's error (it was told on release_at)
        satudata_date(day)
    except tk.Invalid as e:
        errors.setdefault(("release_date",), []).append(e.error)
        data[("release_at",)] = datetime.datetime(MIN_YEAR, 1, 1)
        return
    # hours and minutes alone (a list or an object was taken for midnight;
    # "10:00Z" for 17:00 WIB, seconds kept and counted as a postponement);
    # "09.00", as Indonesian writes it, too
    typed = _CLOCK_TIME.fullmatch(time.strip()) if isinstance(time, str) else None
    if typed is None:
        errors.setdefault(("release_time",), []).append(tk._(
            "Time format incorrect, use HH:MM"))
        data[("release_at",)] = datetime.datetime(MIN_YEAR, 1, 1)
        return
    clock = f"{int(typed.group(1)):02d}:{typed.group(2)}"
    data[("release_at",)] = f"{day.strip()} {clock}" if isinstance(day, str) else day


def _given(value: Any) -> bool:
    """Whether a form value was given: not missing, empty or blank."""
    if value is None or value is tk.missing:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return value not in ([], {})

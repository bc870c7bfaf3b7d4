# -*- coding: utf-8 -*-
"""Validators of ckanext-satudata, registered by ``tk.blanket.validators``.

The ``satudata_code``/``satudata_codes`` validators are scheming field
validators: ckanext-scheming calls them with the field definition, whose
``satudata_code_list`` names the reference list (:mod:`..reference`).
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey
from ckanext.scheming.validation import scheming_validator

from .. import reference, roles

__all__ = [
    "satudata_role_name",
    "satudata_code", "satudata_codes", "satudata_codes_output",
    "satudata_year", "satudata_flag", "satudata_flag_output",
    "satudata_phone", "satudata_identifier",
]

#: lists up to this long are spelled out in the error message
_SPELL_OUT_MAX = 20
MIN_YEAR = 1900
_PHONE = re.compile(r"^\+?[0-9 ()\-./]{5,30}$")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-/_]{0,63}$")
_TRUE = {"true", "ya", "yes", "y", "1", "t"}
_FALSE = {"false", "tidak", "no", "n", "0", "f"}


def satudata_role_name(value: Any) -> Any:
    """One of the roles of the configured approval chain."""
    chain = roles.approval_chain()
    if value not in chain:
        raise tk.Invalid(
            tk._("Unknown walidata role. Allowed: %(roles)s") % {"roles": ", ".join(chain)}
        )
    return value


def _empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == "" or value == []


def unknown_code_message(list_name: str, value: Any) -> str:
    """The translated message for a value that is not in a code list."""
    entries = reference.codes(list_name)
    if len(entries) <= _SPELL_OUT_MAX:
        return tk._('"%(value)s" is not an allowed value. Allowed values: %(allowed)s') % {
            "value": value, "allowed": ", ".join(c.code for c in entries)}
    return tk._('"%(value)s" is not a known code in the list of %(list)s') % {
        "value": value, "list": reference.list_title(list_name)}


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
        if _empty(value):
            data.pop(key, None)
            raise tk.StopOnError
        if not isinstance(value, (str, list, tuple, int)):
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


def satudata_codes_output(value: Any) -> Any:
    """The stored JSON list of codes as a list."""
    return reference.as_code_list(value)


def satudata_year(value: Any) -> Any:
    """A four-digit year (``2024``), between 1900 and next year; kept as a string."""
    if _empty(value):
        return value
    if isinstance(value, bool):
        raise tk.Invalid(tk._('"%(value)s" is not a year: use four digits, e.g. 2024')
                         % {"value": value})
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise tk.Invalid(tk._('"%(value)s" is not a year: use four digits, e.g. 2024')
                         % {"value": value})
    latest = datetime.date.today().year + 1
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
    """Yes or no (``true``/``false``, ``ya``/``tidak``, ``yes``/``no``, 1/0) as a bool."""
    if _empty(value):
        return value
    flag = _flag(value)
    if flag is None:
        raise tk.Invalid(tk._('"%(value)s" is not yes or no') % {"value": value})
    return flag


def satudata_flag_output(value: Any) -> Any:
    """The stored flag (``"True"``/``"False"``) as a bool."""
    if _empty(value):
        return value
    flag = _flag(value)
    return value if flag is None else flag


def satudata_phone(value: Any) -> Any:
    """A telephone number: digits, spaces, ``+``, ``-``, ``.``, ``/`` and parentheses."""
    if _empty(value):
        return value
    text = str(value).strip()
    if not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 5:
        raise tk.Invalid(tk._('"%(value)s" is not a telephone number') % {"value": value})
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
                 'and slashes (at most 64 characters)') % {"value": value})
    return text

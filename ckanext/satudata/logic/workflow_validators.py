# -*- coding: utf-8 -*-
"""Validators of the data-request workflow schemas (:mod:`.schema`). They
are used directly by those schema functions rather than registered by
name, so they cannot clash with the dataset-field validators."""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ..model import CollectionRound, DaftarData
from ..states import State
from . import validators

__all__ = ["organization_id", "date", "year", "round_id", "daftar_data_id",
           "request_states", "field_notes"]


def organization_id(value: Any, context: Context) -> Any:
    """An active organization given by id or name; returns its id."""
    group = model.Group.get(value) if not validators.id_refusal(value) else None
    if not group or not group.is_organization or group.state != "active":
        raise tk.Invalid(tk._("Organization not found"))
    return group.id


def date(value: Any) -> Any:
    """A calendar date between 1900 and 2100 (``YYYY-MM-DD`` or a date);
    returns a date. The same as the registered ``satudata_date``."""
    return validators.satudata_date(value)


def year(value: Any) -> Any:
    """A year between 1900 and 2100, as an int (``satudata_year_int``)."""
    return validators.satudata_year_int(value)


def round_id(value: Any, context: Context) -> Any:
    """A collection round given by id or name; returns its id."""
    found = model.Session.execute(
        sa.select(CollectionRound.id).where(
            sa.or_(CollectionRound.id == value, CollectionRound.name == value))
    ).scalar_one_or_none() if not validators.id_refusal(value) else None
    if not found:
        raise tk.Invalid(tk._("Collection round not found"))
    return found


def daftar_data_id(value: Any, context: Context) -> Any:
    """An existing Daftar Data item id."""
    if validators.id_refusal(value) or not model.Session.get(DaftarData, value):
        raise tk.Invalid(tk._("Daftar Data item not found"))
    return value


def request_states(value: Any) -> Any:
    """One state or a list of states (a list or a comma-separated string)."""
    if isinstance(value, str):
        value = [v for v in value.replace(" ", ",").split(",") if v]
    if not isinstance(value, (list, tuple)):
        raise tk.Invalid(tk._("Unknown request state"))
    known = {s.value for s in State}
    for v in value:
        if v not in known:
            raise tk.Invalid(tk._("Unknown request state: %(state)s") % {"state": v})
    return list(value)


#: at most this many per-field notes, each at most this long
FIELD_NOTES_MAX = 200
FIELD_NOTE_MAX_LENGTH = 5000


def field_notes(value: Any) -> Any:
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
    if not isinstance(value, dict) or len(value) > FIELD_NOTES_MAX:
        raise tk.Invalid(message)
    result: dict[str, list[str]] = {}
    for field, reasons in value.items():
        if isinstance(reasons, str):
            reasons = [reasons]
        if (not isinstance(field, str) or not field or len(field) > 100
                or not isinstance(reasons, list)
                or not all(isinstance(r, str) and len(r) <= FIELD_NOTE_MAX_LENGTH
                           for r in reasons)):
            raise tk.Invalid(message)
        result[field] = reasons
    return result

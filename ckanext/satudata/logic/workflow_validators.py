# -*- coding: utf-8 -*-
"""Validators of the data-request workflow schemas (:mod:`.schema`). They
are used directly by those schema functions rather than registered by
name, so they cannot clash with the dataset-field validators."""
from __future__ import annotations

import datetime
import json
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ..model import CollectionRound, DaftarData
from ..states import State

__all__ = ["organization_id", "date", "year", "round_id", "daftar_data_id",
           "request_states", "field_notes"]


def organization_id(value: Any, context: Context) -> Any:
    """An active organization given by id or name; returns its id."""
    group = model.Group.get(value) if value else None
    if not group or not group.is_organization or group.state != "active":
        raise tk.Invalid(tk._("Organization not found"))
    return group.id


def date(value: Any) -> Any:
    """A calendar date, given as YYYY-MM-DD (or a date); returns a date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise tk.Invalid(tk._("Date format incorrect, use YYYY-MM-DD"))


def year(value: Any) -> Any:
    """A year as an int."""
    try:
        result = int(str(value).strip())
    except ValueError:
        raise tk.Invalid(tk._("Invalid year"))
    if not 1945 <= result <= 2200:
        raise tk.Invalid(tk._("Invalid year"))
    return result


def round_id(value: Any, context: Context) -> Any:
    """A collection round given by id or name; returns its id."""
    found = model.Session.execute(
        sa.select(CollectionRound.id).where(
            sa.or_(CollectionRound.id == value, CollectionRound.name == value))
    ).scalar_one_or_none() if value else None
    if not found:
        raise tk.Invalid(tk._("Collection round not found"))
    return found


def daftar_data_id(value: Any, context: Context) -> Any:
    """An existing Daftar Data item id."""
    if not value or not model.Session.get(DaftarData, value):
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


def field_notes(value: Any) -> Any:
    """Per-field reasons: ``{field: [reason]}``, or that object as JSON."""
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except ValueError:
            raise tk.Invalid(tk._("Field notes must map dataset field names to reasons"))
    if not isinstance(value, dict):
        raise tk.Invalid(tk._("Field notes must map dataset field names to reasons"))
    return value

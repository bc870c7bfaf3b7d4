# -*- coding: utf-8 -*-
"""Validation schemas (and their validators) of the dissemination actions.
The validators are used directly by these schema functions, not registered
by name."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator

from .. import dissemination
from . import schema as workflow_schema
from . import validators
from . import workflow_validators as wv


def local_datetime(value: Any) -> Any:
    """A date and time in the portal's time zone (``YYYY-MM-DD HH:MM``, ``T``
    allowed, or with an explicit UTC offset); returns naive UTC."""
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value.strip().replace(" ", "T", 1))
        except ValueError:
            raise tk.Invalid(tk._("Date and time format incorrect, use YYYY-MM-DD HH:MM"))
    else:
        raise tk.Invalid(tk._("Date and time format incorrect, use YYYY-MM-DD HH:MM"))
    if not validators.MIN_YEAR <= parsed.year <= validators.MAX_YEAR:
        raise tk.Invalid(tk._("The year must be between %(min)s and %(max)s")
                         % {"min": validators.MIN_YEAR, "max": validators.MAX_YEAR})
    return dissemination.to_utc(parsed)


def combine_date_time(key: Any, data: dict[Any, Any], errors: dict[Any, Any],
                      context: Any) -> None:
    """Forms send ``release_date`` and ``release_time`` separately; join
    them into ``release_at`` when it is not given."""
    if data.get(("release_at",)):
        return
    day = data.pop(("release_date",), None)
    time = data.pop(("release_time",), None) or "00:00"
    if isinstance(day, str) and day.strip() and isinstance(time, str):
        data[("release_at",)] = f"{day.strip()} {time.strip()}"
    elif day:
        data[("release_at",)] = day


def positive_limit(value: Any) -> Any:
    """A page size from 0; more than 1000 gives 1000 (``satudata_limit``)."""
    return validators.satudata_limit(value)


def request_transition() -> Schema:
    """The workflow's transition schema without its per-field notes (the
    dissemination forms have none)."""
    schema = workflow_schema.request_transition()
    del schema["field_notes"]
    return schema


@validator_args
def request_schedule(not_empty: Validator, ignore_missing: Validator,
                     unicode_safe: Validator, int_validator: Validator) -> Schema:
    schema = request_transition()
    schema["__before"] = [validators.satudata_clean_strings, combine_date_time]
    schema["release_at"] = [not_empty, local_datetime]
    schema["release_date"] = [ignore_missing]
    schema["release_time"] = [ignore_missing]
    return schema


@validator_args
def release_run_due(ignore_missing: Validator) -> Schema:
    return {"__before": [validators.satudata_clean_strings],
            "limit": [ignore_missing, positive_limit]}


@validator_args
def release_calendar(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    return {
        "__before": [validators.satudata_clean_strings],
        "limit": [ignore_missing, positive_limit],
        "owner_org": [ignore_missing, validators.satudata_id, wv.organization_id],
    }


@validator_args
def round_ref(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"__before": [validators.satudata_clean_strings],
            "round_id": [not_empty, validators.satudata_id, wv.round_id]}


@validator_args
def progress_dashboard(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    return {"__before": [validators.satudata_clean_strings],
            "round_id": [ignore_missing, validators.satudata_id, wv.round_id]}


@validator_args
def package_ref(not_empty: Validator, unicode_safe: Validator,
                package_id_or_name_exists: Validator) -> Schema:
    return {"__before": [validators.satudata_clean_strings],
            "id": [not_empty, validators.satudata_id, package_id_or_name_exists]}


@validator_args
def recently_published(ignore_missing: Validator) -> Schema:
    return {"__before": [validators.satudata_clean_strings],
            "limit": [ignore_missing, positive_limit]}

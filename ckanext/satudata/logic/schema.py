# -*- coding: utf-8 -*-
"""Validation schemas of the satudata actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator

from . import workflow_validators as wv


@validator_args
def role_create(
    not_empty: Validator, unicode_safe: Validator, user_id_or_name_exists: Validator,
    satudata_role_name: Validator,
) -> Schema:
    return {
        "user": [not_empty, unicode_safe, user_id_or_name_exists],
        "role": [not_empty, unicode_safe, satudata_role_name],
    }


@validator_args
def role_list(ignore_missing: Validator, unicode_safe: Validator,
              satudata_role_name: Validator) -> Schema:
    return {"role": [ignore_missing, unicode_safe, satudata_role_name]}


# -- data-request workflow (issue C) -----------------------------------------

@validator_args
def daftar_data_create(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    strip_value: Validator, boolean_validator: Validator, default: Validator,
) -> Schema:
    return {
        "title": [not_empty, unicode_safe, strip_value],
        "owner_org": [not_empty, unicode_safe, wv.organization_id],
        "year": [not_empty, wv.year],
        "description": [ignore_missing, unicode_safe],
        "frekuensi": [ignore_missing, unicode_safe, strip_value],
        "urusan": [ignore_missing, unicode_safe, strip_value],
        "satuan": [ignore_missing, unicode_safe, strip_value],
        "priority": [default(False), boolean_validator],
        "sk_number": [ignore_missing, unicode_safe, strip_value],
        "sk_date": [ignore_missing, wv.date],
        "sk_url": [ignore_missing, unicode_safe, strip_value],
        "active": [default(True), boolean_validator],
    }


@validator_args
def daftar_data_update(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    strip_value: Validator, boolean_validator: Validator,
) -> Schema:
    """Fields that are not given keep their value."""
    return {
        "id": [not_empty, unicode_safe, wv.daftar_data_id],
        "title": [ignore_missing, not_empty, unicode_safe, strip_value],
        "owner_org": [ignore_missing, unicode_safe, wv.organization_id],
        "year": [ignore_missing, wv.year],
        "description": [ignore_missing, unicode_safe],
        "frekuensi": [ignore_missing, unicode_safe, strip_value],
        "urusan": [ignore_missing, unicode_safe, strip_value],
        "satuan": [ignore_missing, unicode_safe, strip_value],
        "priority": [ignore_missing, boolean_validator],
        "sk_number": [ignore_missing, unicode_safe, strip_value],
        "sk_date": [ignore_missing, wv.date],
        "sk_url": [ignore_missing, unicode_safe, strip_value],
        "active": [ignore_missing, boolean_validator],
    }


@validator_args
def daftar_data_list(ignore_missing: Validator, unicode_safe: Validator,
                     boolean_validator: Validator, natural_number_validator: Validator,
                     default: Validator) -> Schema:
    return {
        "year": [ignore_missing, wv.year],
        "owner_org": [ignore_missing, unicode_safe, wv.organization_id],
        "active": [ignore_missing, boolean_validator],
        "q": [ignore_missing, unicode_safe],
        "limit": [default(100), natural_number_validator],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def daftar_data_import(not_empty: Validator, ignore_missing: Validator,
                       boolean_validator: Validator, default: Validator) -> Schema:
    return {
        "upload": [not_empty],
        "year": [not_empty, wv.year],
        "dry_run": [default(False), boolean_validator],
    }


@validator_args
def round_create(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    strip_value: Validator, name_validator: Validator,
    natural_number_validator: Validator,
) -> Schema:
    return {
        "name": [not_empty, unicode_safe, name_validator],
        "title": [not_empty, unicode_safe, strip_value],
        "year": [not_empty, wv.year],
        "period": [ignore_missing, unicode_safe, strip_value],
        "description": [ignore_missing, unicode_safe],
        "start_date": [not_empty, wv.date],
        "prepare_days": [ignore_missing, natural_number_validator],
        "submit_days": [ignore_missing, natural_number_validator],
        "verify_days": [ignore_missing, natural_number_validator],
        "approval_days": [ignore_missing, natural_number_validator],
        "prepare_due": [ignore_missing, wv.date],
        "submit_due": [ignore_missing, wv.date],
        "verify_due": [ignore_missing, wv.date],
    }


@validator_args
def round_update(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    strip_value: Validator, one_of: Validator, natural_number_validator: Validator,
) -> Schema:
    """Fields that are not given keep their value (``name`` cannot change)."""
    return {
        "id": [not_empty, unicode_safe, wv.round_id],
        "title": [ignore_missing, not_empty, unicode_safe, strip_value],
        "year": [ignore_missing, wv.year],
        "period": [ignore_missing, unicode_safe, strip_value],
        "description": [ignore_missing, unicode_safe],
        "start_date": [ignore_missing, wv.date],
        "prepare_days": [ignore_missing, natural_number_validator],
        "submit_days": [ignore_missing, natural_number_validator],
        "verify_days": [ignore_missing, natural_number_validator],
        "approval_days": [ignore_missing, natural_number_validator],
        "prepare_due": [ignore_missing, wv.date],
        "submit_due": [ignore_missing, wv.date],
        "verify_due": [ignore_missing, wv.date],
        "state": [ignore_missing, unicode_safe, one_of(["draft", "open", "closed"])],
    }


@validator_args
def round_show(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe, wv.round_id]}


@validator_args
def round_list(ignore_missing: Validator, unicode_safe: Validator,
               natural_number_validator: Validator, default: Validator,
               one_of: Validator) -> Schema:
    return {
        "year": [ignore_missing, wv.year],
        "state": [ignore_missing, unicode_safe, one_of(["draft", "open", "closed"])],
        "limit": [default(100), natural_number_validator],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def request_list(
    ignore_missing: Validator, unicode_safe: Validator, boolean_validator: Validator,
    natural_number_validator: Validator, default: Validator, one_of: Validator,
) -> Schema:
    return {
        "round_id": [ignore_missing, unicode_safe, wv.round_id],
        "owner_org": [ignore_missing, unicode_safe, wv.organization_id],
        "state": [ignore_missing, wv.request_states],
        "overdue": [ignore_missing, boolean_validator],
        "actionable": [ignore_missing, boolean_validator],
        "q": [ignore_missing, unicode_safe],
        "sort": [default("due_date"), one_of(
            ["due_date", "-due_date", "modified", "-modified", "title", "organization"])],
        "limit": [default(50), natural_number_validator],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def request_show(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@validator_args
def request_transition(not_empty: Validator, ignore_missing: Validator,
                       unicode_safe: Validator, int_validator: Validator) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "note": [ignore_missing, unicode_safe],
        "field_notes": [ignore_missing, wv.field_notes],
        "version": [ignore_missing, int_validator],
    }


@validator_args
def request_link_dataset(not_empty: Validator, unicode_safe: Validator,
                         package_id_or_name_exists: Validator) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "package_id": [not_empty, unicode_safe, package_id_or_name_exists],
    }

# -*- coding: utf-8 -*-
"""Validation schemas of the satudata actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator


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

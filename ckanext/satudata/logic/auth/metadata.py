# -*- coding: utf-8 -*-
"""Auth of the metadata actions: they defer to CKAN's own dataset permissions
(whoever may read a dataset may check its completeness; whoever may edit it
may fill it in from Excel). The reference lists are public."""
from __future__ import annotations

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import roles

__all__ = ["satudata_metadata_check", "satudata_metadata_template",
           "satudata_metadata_import", "satudata_reference_list"]


def _dataset(data_dict: DataDict) -> DataDict:
    ref = roles.clean_id((data_dict or {}).get("id"))
    if ref is None:  # never a number, a list or a NUL byte to the database
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return {"id": ref}


@tk.auth_allow_anonymous_access
def satudata_metadata_check(context: Context, data_dict: DataDict) -> AuthResult:
    return authz.is_authorized("package_show", context, _dataset(data_dict))


def satudata_metadata_template(context: Context, data_dict: DataDict) -> AuthResult:
    return authz.is_authorized("package_update", context, _dataset(data_dict))


def satudata_metadata_import(context: Context, data_dict: DataDict) -> AuthResult:
    return authz.is_authorized("package_update", context, _dataset(data_dict))


@tk.auth_allow_anonymous_access
def satudata_reference_list(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}

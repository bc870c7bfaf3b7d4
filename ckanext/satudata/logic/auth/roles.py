# -*- coding: utf-8 -*-
"""Auth for walidata role management: sysadmins and walidata admins."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import roles

__all__ = ["satudata_role_create", "satudata_role_delete", "satudata_role_list",
           "satudata_role_event_list"]


def satudata_role_create(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.is_walidata_admin(context.get("user")):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only walidata administrators can manage walidata roles")}


def satudata_role_delete(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_role_create(context, data_dict)


def satudata_role_list(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.is_walidata_staff(context.get("user")):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only walidata staff can see walidata roles")}


def satudata_role_event_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Who may read the roles may read how they changed."""
    return satudata_role_list(context, data_dict)

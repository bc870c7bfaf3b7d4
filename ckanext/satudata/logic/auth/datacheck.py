# -*- coding: utf-8 -*-
"""Auth of the results of the data files' checks: the producers of the
dataset's OPD and walidata staff (the reviewers) see them; nobody else (a
result names rows and columns of unpublished data)."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import roles
from ._common import allow, refuse, staff_or_producer_of

__all__ = ["satudata_data_check_list"]


def satudata_data_check_list(context: Context, data_dict: DataDict) -> AuthResult:
    ref = roles.clean_id((data_dict or {}).get("id"))
    pkg = model.Package.get(ref) if ref else None
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    if staff_or_producer_of(context, pkg.owner_org):
        return allow()
    return refuse(tk._("Not authorized to see the checks of this dataset's data files"))

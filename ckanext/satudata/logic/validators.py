# -*- coding: utf-8 -*-
"""Validators of ckanext-satudata, registered by ``tk.blanket.validators``."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import roles

__all__ = ["satudata_role_name"]


def satudata_role_name(value: Any) -> Any:
    """One of the roles of the configured approval chain."""
    chain = roles.approval_chain()
    if value not in chain:
        raise tk.Invalid(
            tk._("Unknown walidata role. Allowed: %(roles)s") % {"roles": ", ".join(chain)}
        )
    return value

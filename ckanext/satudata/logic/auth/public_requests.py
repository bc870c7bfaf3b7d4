# -*- coding: utf-8 -*-
"""Auth of public data requests: any logged-in user may ask; anyone may
read (the actions leave out what a reader may not see); the walidata
answers, as :data:`...lib.states.PUBLIC_TABLE` says for the request's
present state (checked again under the row lock)."""
from __future__ import annotations

from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import public_requests, roles
from ...model import PublicRequest
from ._common import allow, refuse

__all__ = [
    "satudata_public_request_create", "satudata_public_request_show",
    "satudata_public_request_list", "satudata_public_request_accept",
    "satudata_public_request_extend", "satudata_public_request_plan",
    "satudata_public_request_fulfil", "satudata_public_request_reject",
    "satudata_public_request_datasets",
]


def satudata_public_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    if not roles.user_obj(context.get("user")):
        return refuse(tk._("Log in to ask for data"))
    return allow()


@tk.auth_allow_anonymous_access
def satudata_public_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    return allow()


@tk.auth_allow_anonymous_access
def satudata_public_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    return allow()


def _step_auth(step: str) -> Callable[[Context, DataDict], AuthResult]:
    # sysadmins too: the table has no bypass (they are walidata administrators)
    @tk.auth_sysadmins_check
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        request_id = roles.clean_id((data_dict or {}).get("id"))
        request = model.Session.get(PublicRequest, request_id) if request_id else None
        if request is None:
            raise tk.ObjectNotFound(tk._("Public data request not found"))
        # an actor of the step: whether the request's state allows it now is
        # the step's own answer (409, where the request is)
        if public_requests.may_attempt(step, context.get("user")):
            return allow()
        return refuse(tk._("You may not take this step on the data request"))
    auth.__name__ = f"satudata_public_request_{step}"
    auth.__doc__ = f"The walidata may ``{step}`` where the state table allows it."
    return auth


satudata_public_request_accept: Any = _step_auth("accept")
satudata_public_request_extend: Any = _step_auth("extend")
satudata_public_request_plan: Any = _step_auth("plan")
satudata_public_request_fulfil: Any = _step_auth("fulfil")
satudata_public_request_reject: Any = _step_auth("reject")
#: the datasets to fulfil a request with: for whoever may fulfil it
satudata_public_request_datasets: Any = _step_auth("fulfil")

# -*- coding: utf-8 -*-
"""Auth of the Forum Satu Data's decisions (:mod:`..action.forum`)."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import roles
from ...model import ForumDecision
from ._common import allow, refuse

__all__ = ["satudata_forum_decide", "satudata_forum_decision_show"]


@tk.auth_sysadmins_check
def satudata_forum_decide(context: Context, data_dict: DataDict) -> AuthResult:
    """Only holders of the forum's role (``satudata.forum_level``); the
    engine checks each request again under its row lock. Sysadmins too: the
    chain has no bypass."""
    role = roles.forum_role()
    if not role:  # the portal has no forum (Magetan's SOP has one)
        return refuse(tk._("The Forum Satu Data is not a level of this portal's approval "
                           "chain (satudata.forum_level)"))
    if roles.has_role(context.get("user"), role):
        return allow()
    return refuse(tk._("Only members of the Forum Satu Data can record its decisions"))


def satudata_forum_decision_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see one of the requests the decision covers."""
    decision_id = roles.clean_id((data_dict or {}).get("id"))
    decision = model.Session.get(ForumDecision, decision_id) if decision_id else None
    if decision is None:
        raise tk.ObjectNotFound(tk._("Forum decision not found"))
    for request_id in decision.request_ids:
        try:
            tk.check_access("satudata_request_show", dict(context), {"id": request_id})
            return allow()
        except (tk.NotAuthorized, tk.ObjectNotFound):
            continue
    return refuse(tk._("Not authorized to see this decision"))

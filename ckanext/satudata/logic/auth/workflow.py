# -*- coding: utf-8 -*-
"""Auth of the data-request workflow.

Who is who (all decided in :mod:`ckanext.satudata.roles`):

* **producer**: editor or admin of the request's OPD organization (CKAN's
  own membership capacity);
* **verifier**: holder of the first role of ``satudata.approval_chain``;
* **approver of level n**: holder of role ``n`` of the chain;
* **walidata admin**: sysadmin or admin of the walidata organization;
* **walidata staff**: a walidata admin or the holder of any chain role.

Sysadmins pass every check (CKAN's ``check_access``). The public, and
logged-in users who are neither producers nor walidata staff, see nothing.
The state of a request is not checked here (the engine refuses a
transition that the state does not allow); the role needed to return or
approve depends on the level the request waits at.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ... import roles
from ...model import DaftarData, DataRequest
from ...states import transition_for

__all__ = [
    "satudata_daftar_data_create", "satudata_daftar_data_update",
    "satudata_daftar_data_delete", "satudata_daftar_data_show",
    "satudata_daftar_data_list", "satudata_daftar_data_import",
    "satudata_round_create", "satudata_round_update", "satudata_round_show",
    "satudata_round_list", "satudata_round_send", "satudata_round_status",
    "satudata_round_export", "satudata_daftar_data_template",
    "satudata_request_show", "satudata_request_list", "satudata_request_event_list",
    "satudata_request_link_dataset",
    "satudata_request_submit", "satudata_request_resubmit", "satudata_request_return",
    "satudata_request_verify", "satudata_request_approve", "satudata_request_cancel",
    "satudata_request_cancel_revision",
]


def _ok() -> AuthResult:
    return {"success": True}


def _no(msg: str) -> AuthResult:
    return {"success": False, "msg": msg}


def _request(context: Context, data_dict: Optional[DataDict]) -> DataRequest:
    request_id = (data_dict or {}).get("id")
    request = roles.get_request(request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


def _walidata_admin(context: Context, msg: str) -> AuthResult:
    return _ok() if roles.is_walidata_admin(context.get("user")) else _no(msg)


def _staff_or_producer_of(context: Context, owner_org: Optional[str]) -> bool:
    """Walidata staff, or a producer of the OPD ``owner_org``."""
    user = context.get("user")
    return roles.is_walidata_staff(user) or roles.is_producer(user, owner_org)


def _staff_or_any_producer(context: Context, round_ref: Optional[str] = None) -> bool:
    """Walidata staff, or a producer of an OPD the workflow involves: one
    with a Daftar Data item or a data request (an editor or admin of any
    other organization is no producer here). With ``round_ref`` (a round's id
    or name): a producer of an OPD that received requests of that round,
    which is therefore sent (never a draft round). One query."""
    import sqlalchemy as sa

    from ...model import CollectionRound

    user = context.get("user")
    if roles.is_walidata_staff(user):
        return True
    org_ids = roles.producer_org_ids(user)
    if not org_ids:
        return False
    requests = sa.select(DataRequest.id).where(DataRequest.owner_org.in_(org_ids))
    if round_ref is not None:
        requests = requests.join(CollectionRound, CollectionRound.id == DataRequest.round_id) \
            .where(sa.or_(CollectionRound.id == round_ref, CollectionRound.name == round_ref),
                   CollectionRound.state != "draft")
        return model.Session.execute(requests.limit(1)).first() is not None
    items = sa.select(DaftarData.id).where(DaftarData.owner_org.in_(org_ids))
    return bool(model.Session.execute(sa.select(sa.or_(sa.exists(requests),
                                                       sa.exists(items)))).scalar())


def _has_chain_role(context: Context, level: int) -> bool:
    chain = roles.approval_chain()
    return 0 <= level < len(chain) and roles.has_role(context.get("user"), chain[level])


# -- Daftar Data -------------------------------------------------------------

def satudata_daftar_data_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _walidata_admin(
        context, tk._("Only walidata administrators can manage the Daftar Data"))


def satudata_daftar_data_update(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_daftar_data_create(context, data_dict)


def satudata_daftar_data_delete(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_daftar_data_create(context, data_dict)


def satudata_daftar_data_import(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_daftar_data_create(context, data_dict)


def satudata_daftar_data_show(context: Context, data_dict: DataDict) -> AuthResult:
    item_id = roles.clean_id((data_dict or {}).get("id"))
    item = model.Session.get(DaftarData, item_id) if item_id else None
    if item is None:
        raise tk.ObjectNotFound(tk._("Daftar Data item not found"))
    if _staff_or_producer_of(context, item.owner_org):
        return _ok()
    return _no(tk._("Not authorized to see this Daftar Data item"))


def satudata_daftar_data_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata staff see the whole list, producers their OPDs' items."""
    if _staff_or_any_producer(context):
        return _ok()
    return _no(tk._("Not authorized to see the Daftar Data"))


# -- collection rounds -----------------------------------------------------------

def satudata_round_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _walidata_admin(
        context, tk._("Only walidata administrators can manage collection rounds"))


def satudata_round_update(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_round_create(context, data_dict)


def satudata_round_send(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_round_create(context, data_dict)


def satudata_round_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata staff, and the producers of the OPDs that received requests
    of the round (so never a draft round for them)."""
    ref = (data_dict or {}).get("id")
    if _staff_or_any_producer(context, ref if isinstance(ref, str) else ""):
        return _ok()
    return _no(tk._("Not authorized to see collection rounds"))


def satudata_round_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata staff, and the producers of OPDs the workflow involves."""
    if _staff_or_any_producer(context):
        return _ok()
    return _no(tk._("Not authorized to see collection rounds"))


def satudata_round_status(context: Context, data_dict: DataDict) -> AuthResult:
    """The status of every OPD's requests: walidata staff only."""
    if roles.is_walidata_staff(context.get("user")):
        return _ok()
    return _no(tk._("Only walidata staff can export the status of a round"))


def satudata_round_export(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_round_status(context, data_dict)


def satudata_daftar_data_template(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_daftar_data_create(context, data_dict)


# -- requests ----------------------------------------------------------------------

def satudata_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata staff see every request, producers their OPDs' requests."""
    if _staff_or_any_producer(context):
        return _ok()
    return _no(tk._("Not authorized to see data requests"))


def satudata_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    request = _request(context, data_dict)
    if _staff_or_producer_of(context, request.owner_org):
        return _ok()
    return _no(tk._("Not authorized to see this data request"))


def satudata_request_event_list(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_request_show(context, data_dict)


def _producer(context: Context, data_dict: DataDict,
              msg: Optional[str] = None) -> AuthResult:
    request = _request(context, data_dict)
    if roles.is_producer(context.get("user"), request.owner_org):
        return _ok()
    return _no(msg or tk._("Only the producers of the requested OPD can do this"))


def satudata_request_link_dataset(context: Context, data_dict: DataDict) -> AuthResult:
    return _producer(context, data_dict)


def transition_auth(action: str, message: Callable[[], str]) -> Any:
    """The auth function of the transition action ``action``: the state
    table decides (:func:`roles.may_attempt`), for the transition the action
    takes where the request is; the engine checks again under the row lock.
    Sysadmins are checked too: the approval chain has no bypass."""
    @tk.auth_sysadmins_check
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        request = _request(context, data_dict)
        name = transition_for(action, request.state, bool(request.revision_of))
        if roles.may_attempt(context.get("user"), request, name):
            return _ok()
        return _no(message())
    auth.__name__ = f"satudata_request_{action}"
    auth.__doc__ = f"Who may take ``{action}``: the state table says."
    return auth


satudata_request_submit = transition_auth("submit", lambda: tk._(
    "Only the producers of the requested OPD can do this"))
satudata_request_resubmit = transition_auth("resubmit", lambda: tk._(
    "Only the producers of the requested OPD can do this"))
satudata_request_verify = transition_auth("verify", lambda: tk._(
    "Only verifiers can verify data requests"))
satudata_request_return = transition_auth("return", lambda: tk._(
    "Only the verifier or the current approver can return this request"))
satudata_request_approve = transition_auth("approve", lambda: tk._(
    "Only the approver of the current level can approve this request"))
satudata_request_cancel = transition_auth("cancel", lambda: tk._(
    "Only walidata administrators can cancel data requests"))
satudata_request_cancel_revision = transition_auth("cancel_revision", lambda: tk._(
    "Only walidata administrators can cancel a revision"))

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

from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ... import roles
from ...model import DaftarData, DataRequest
from ...states import State

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
]


def _ok() -> AuthResult:
    return {"success": True}


def _no(msg: str) -> AuthResult:
    return {"success": False, "msg": msg}


def _request(context: Context, data_dict: Optional[DataDict]) -> DataRequest:
    request_id = (data_dict or {}).get("id")
    request = model.Session.get(DataRequest, request_id) if request_id else None
    if request is None:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


def _walidata_admin(context: Context, msg: str) -> AuthResult:
    return _ok() if roles.is_walidata_admin(context.get("user")) else _no(msg)


def _staff_or_producer_of(context: Context, owner_org: Optional[str]) -> bool:
    """Walidata staff, or a producer of the OPD ``owner_org``."""
    user = context.get("user")
    return roles.is_walidata_staff(user) or roles.is_producer(user, owner_org)


def _staff_or_any_producer(context: Context) -> bool:
    user = context.get("user")
    return roles.is_walidata_staff(user) or bool(roles.producer_org_ids(user))


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
    item = model.Session.get(DaftarData, (data_dict or {}).get("id") or "")
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
    if _staff_or_any_producer(context):
        return _ok()
    return _no(tk._("Not authorized to see collection rounds"))


def satudata_round_list(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_round_show(context, data_dict)


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


def satudata_request_submit(context: Context, data_dict: DataDict) -> AuthResult:
    return _producer(context, data_dict)


def satudata_request_resubmit(context: Context, data_dict: DataDict) -> AuthResult:
    return _producer(context, data_dict)


def satudata_request_verify(context: Context, data_dict: DataDict) -> AuthResult:
    _request(context, data_dict)
    if _has_chain_role(context, 0):
        return _ok()
    return _no(tk._("Only verifiers can verify data requests"))


def satudata_request_return(context: Context, data_dict: DataDict) -> AuthResult:
    """The verifier returns a submission; in the approval chain, the role of
    the level the request waits at."""
    request = _request(context, data_dict)
    level = request.approval_level if request.state == State.VERIFIED.value else 0
    if _has_chain_role(context, level):
        return _ok()
    return _no(tk._("Only the verifier or the current approver can return this request"))


def satudata_request_approve(context: Context, data_dict: DataDict) -> AuthResult:
    request = _request(context, data_dict)
    if _has_chain_role(context, max(request.approval_level, 1)):
        return _ok()
    return _no(tk._("Only the approver of the current level can approve this request"))


def satudata_request_cancel(context: Context, data_dict: DataDict) -> AuthResult:
    return _walidata_admin(
        context, tk._("Only walidata administrators can cancel data requests"))

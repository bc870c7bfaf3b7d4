# -*- coding: utf-8 -*-
"""Auth of the data-request workflow.

Who is who (all decided in :mod:`ckanext.satudata.lib.roles`):

* **producer**: editor or admin of the request's OPD organization (CKAN's
  own membership capacity);
* **verifier**: holder of the first role of ``satudata.approval_chain``;
* **approver of level n**: holder of role ``n`` of the chain;
* **walidata admin**: sysadmin or admin of the walidata organization;
* **holder of a duty**: a walidata admin, or the holder of a role that
  ``satudata.roles.draft`` (Daftar Data and rounds) or ``.send`` (sending a
  round) names;
* **walidata staff**: a walidata admin or the holder of any chain role.

Sysadmins pass every check (CKAN's ``check_access``). The public, and
logged-in users who are neither producers nor walidata staff, see nothing.
The state of a request is not checked here (the engine refuses a
transition that the state does not allow); the role needed to return or
approve depends on the level the request waits at.
"""
from __future__ import annotations

from typing import Callable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import roles
from ...model import DaftarData
from ._common import (allow, duty, may_read_request, readable_request_of, refuse, request_of,
                      staff_or_any_producer, staff_or_producer_of, step_auth, transition_auth)


__all__ = [
    "satudata_daftar_data_create", "satudata_daftar_data_update",
    "satudata_daftar_data_delete", "satudata_daftar_data_show",
    "satudata_daftar_data_list", "satudata_daftar_data_import",
    "satudata_round_create", "satudata_round_update", "satudata_round_delete",
    "satudata_round_show",
    "satudata_round_list", "satudata_round_send", "satudata_round_status",
    "satudata_round_export", "satudata_daftar_data_template",
    "satudata_request_show", "satudata_request_list", "satudata_request_event_list",
    "satudata_request_link_dataset", "satudata_request_acknowledge",
    "satudata_request_submit", "satudata_request_resubmit", "satudata_request_return",
    "satudata_request_verify", "satudata_request_approve", "satudata_request_cancel",
    "satudata_request_cancel_revision", "satudata_request_override_screening",
    "satudata_request_opd_approve", "satudata_request_opd_return",
    "satudata_request_remind",
]


# -- Daftar Data -------------------------------------------------------------

def satudata_daftar_data_create(context: Context, data_dict: DataDict) -> AuthResult:
    return duty(context, "draft", tk._(
        "Only walidata administrators and the staff who keep it can manage the Daftar Data"))


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
    if staff_or_producer_of(context, item.owner_org):
        return allow()
    return refuse(tk._("Not authorized to see this Daftar Data item"))


def satudata_daftar_data_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata staff see the whole list, producers their OPDs' items."""
    if staff_or_any_producer(context):
        return allow()
    return refuse(tk._("Not authorized to see the Daftar Data"))


# -- collection rounds -----------------------------------------------------------

def satudata_round_create(context: Context, data_dict: DataDict) -> AuthResult:
    return duty(context, "draft", tk._(
        "Only walidata administrators and the staff who prepare them can manage "
        "collection rounds"))


def satudata_round_update(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_round_create(context, data_dict)


def satudata_round_delete(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever prepares rounds deletes one never sent (the action refuses a
    sent one)."""
    return satudata_round_create(context, data_dict)


def satudata_round_send(context: Context, data_dict: DataDict) -> AuthResult:
    return duty(context, "send", tk._(
        "Only walidata administrators and the staff who send them can send rounds"))


def satudata_round_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata staff, and the producers of the OPDs that received requests
    of the round (so never a draft round for them)."""
    ref = (data_dict or {}).get("id")
    if staff_or_any_producer(context, ref if isinstance(ref, str) else ""):
        return allow()
    return refuse(tk._("Not authorized to see collection rounds"))


def satudata_round_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata staff, and the producers of OPDs the workflow involves."""
    if staff_or_any_producer(context):
        return allow()
    return refuse(tk._("Not authorized to see collection rounds"))


def satudata_round_status(context: Context, data_dict: DataDict) -> AuthResult:
    """The status of every OPD's requests: walidata staff only."""
    if roles.is_walidata_staff(context.get("user")):
        return allow()
    return refuse(tk._("Only walidata staff can export the status of a round"))


def satudata_round_export(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_round_status(context, data_dict)


def satudata_daftar_data_template(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_daftar_data_create(context, data_dict)


# -- requests ----------------------------------------------------------------------

def satudata_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata staff see every request, producers their OPDs' requests."""
    if staff_or_any_producer(context):
        return allow()
    return refuse(tk._("Not authorized to see data requests"))


def satudata_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    # refused, not "not found": a template's check_access only catches a
    # refusal (the actions answer it as not found)
    if may_read_request(context, request_of(context, data_dict)):
        return allow()
    return refuse(tk._("Not authorized to see this data request"))


def satudata_request_event_list(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_request_show(context, data_dict)


def _producer(context: Context, data_dict: DataDict,
              msg: Optional[str] = None) -> AuthResult:
    request = readable_request_of(context, data_dict)
    if roles.is_producer(context.get("user"), request.owner_org):
        return allow()
    return refuse(msg or tk._("Only the producers of the requested OPD can do this"))


def satudata_request_link_dataset(context: Context, data_dict: DataDict) -> AuthResult:
    return _producer(context, data_dict)


@tk.auth_sysadmins_check
def satudata_request_acknowledge(context: Context, data_dict: DataDict) -> AuthResult:
    """Only the requested OPD's producers give its proof of receipt (a
    sysadmin opening the request is no receipt of the OPD)."""
    return _producer(context, data_dict)


satudata_request_submit = transition_auth("submit", lambda: tk._(
    "Only the producers of the requested OPD can do this"))
satudata_request_resubmit = transition_auth("resubmit", lambda: tk._(
    "Only the producers of the requested OPD can do this"))
satudata_request_verify = transition_auth("verify", lambda: tk._(
    "Only verifiers can verify data requests"))
satudata_request_return = transition_auth("return", lambda: tk._(
    "Only the verifier or the current approver can return this request (data ready to "
    "publish: the verifier or a walidata administrator)"))
satudata_request_approve = transition_auth("approve", lambda: tk._(
    "Only the approver of the current level can approve this request"))
satudata_request_cancel = transition_auth("cancel", lambda: tk._(
    "Only walidata administrators can cancel data requests"))
satudata_request_cancel_revision = transition_auth("cancel_revision", lambda: tk._(
    "Only walidata administrators can cancel a revision"))
def _opd_head_refusal(said: Callable[[], str]) -> Callable[[], str]:
    """The OPD head's steps refused: on a portal without the OPD head's
    review, that it has none (its head was told to be one)."""
    def refusal() -> str:
        if not tk.config.get("satudata.opd_approval"):
            return tk._("This portal has no review by the head of the OPD before the "
                        "walidata's (satudata.opd_approval)")
        return said()
    return refusal


satudata_request_opd_approve = transition_auth("opd_approve", _opd_head_refusal(lambda: tk._(
    "Only the head of the requested OPD can approve its submission")))
satudata_request_opd_return = transition_auth("opd_return", _opd_head_refusal(lambda: tk._(
    "Only the head of the requested OPD can return its submission")))
satudata_request_override_screening = step_auth("override_screening", lambda: tk._(
    "Only walidata administrators can override personal-data findings"))


def satudata_request_remind(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata administrators chase a late step from the request's page."""
    readable_request_of(context, data_dict)
    if roles.is_walidata_admin(context.get("user")):
        return allow()
    return refuse(tk._("Only walidata administrators can send a reminder"))

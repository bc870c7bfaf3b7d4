# -*- coding: utf-8 -*-
"""Auth of dissemination.

* publish, withdraw, archive, run due releases, build publications:
  walidata administrators (sysadmins or admins of the walidata organization);
* schedule and unschedule a release: the final approver of the chain (in the
  SOPs the Kepala Dinas orders publication per release period) or a walidata
  administrator;
* revise published data: the producers of the request's OPD;
* see a staged revision: its producers and the walidata staff (who review it);
* the release calendar, the progress dashboard and the recently published
  list are public.

The request's state is not checked here: the engine refuses a transition
that the state does not allow.
"""
from __future__ import annotations

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ... import roles
from ...model import DataRequest
from ...states import Actor, available
from .workflow import (_no, _ok, _staff_or_producer_of, _walidata_admin,
                       transition_auth)

__all__ = [
    "satudata_request_publish", "satudata_request_schedule",
    "satudata_request_unschedule", "satudata_request_revise",
    "satudata_request_withdraw", "satudata_request_archive",
    "satudata_release_run_due", "satudata_release_calendar",
    "satudata_revision_show", "satudata_progress_dashboard",
    "satudata_recently_published",
    "satudata_publication_build", "satudata_publication_show",
    # chained core auth
    "package_show", "package_update",
]


satudata_request_publish = transition_auth("publish", lambda: tk._(
    "Only walidata administrators can publish data"))
satudata_request_withdraw = transition_auth("withdraw", lambda: tk._(
    "Only walidata administrators can withdraw published data"))
satudata_request_archive = transition_auth("archive", lambda: tk._(
    "Only walidata administrators can archive published data"))
satudata_request_schedule = transition_auth("schedule", lambda: tk._(
    "Only the final approver or a walidata administrator can schedule a release"))
satudata_request_unschedule = transition_auth("unschedule", lambda: tk._(
    "Only the final approver or a walidata administrator can schedule a release"))
satudata_request_revise = transition_auth("revise", lambda: tk._(
    "Only the producers of the OPD can revise its published data"))


def satudata_revision_show(context: Context, data_dict: DataDict) -> AuthResult:
    ref = roles.clean_id((data_dict or {}).get("id"))
    pkg = model.Package.get(ref) if ref else None
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    if _staff_or_producer_of(context, pkg.owner_org):
        return _ok()
    return _no(tk._("Not authorized to see the revision of this dataset"))


def satudata_release_run_due(context: Context, data_dict: DataDict) -> AuthResult:
    return _walidata_admin(
        context, tk._("Only walidata administrators can run the scheduled releases"))


def satudata_publication_build(context: Context, data_dict: DataDict) -> AuthResult:
    return _walidata_admin(
        context, tk._("Only walidata administrators can build publications"))


def satudata_publication_show(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.is_walidata_staff(context.get("user")):
        return _ok()
    return _no(tk._("Only walidata staff can see the progress of publications"))


@tk.auth_allow_anonymous_access
def satudata_release_calendar(context: Context, data_dict: DataDict) -> AuthResult:
    return _ok()


@tk.auth_allow_anonymous_access
def satudata_progress_dashboard(context: Context, data_dict: DataDict) -> AuthResult:
    return _ok()


@tk.auth_allow_anonymous_access
def satudata_recently_published(context: Context, data_dict: DataDict) -> AuthResult:
    return _ok()


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata reviewers read the private dataset of a request they
    must act on now (the state table says who): its page, its files, its
    metadata. CKAN's refusal names the dataset's id ("not authorized to
    read package <id>"), which turns a guessed name into an id for anyone;
    the refusal here names nothing."""
    _refuse_bad_id(data_dict)
    result = next_auth(context, data_dict)  # type: ignore[call-arg]
    if result.get("success"):
        return result
    if _reviewer_of(context, data_dict):
        return _ok()
    return _no(tk._("Not authorized to read this dataset"))


def _refuse_bad_id(data_dict: DataDict) -> None:
    """CKAN looks the dataset up with whatever ``id`` it is given: a number,
    a list or a NUL byte would reach the database (HTTP 500)."""
    for key in ("id", "name"):
        value = (data_dict or {}).get(key)
        if value not in (None, "") and roles.clean_id(value) is None:
            raise tk.ObjectNotFound(tk._("Dataset not found"))


def _reviewer_of(context: Context, data_dict: DataDict) -> bool:
    user = context.get("user")
    if not user or not roles.is_walidata_staff(user):
        return False
    pkg = context.get("package") if isinstance(context.get("package"), model.Package) \
        else None
    ref = (data_dict or {}).get("id") or (data_dict or {}).get("name")
    if pkg is None and roles.clean_id(ref):
        pkg = model.Package.get(ref)
    if pkg is None:
        return False
    requests = model.Session.execute(
        sa.select(DataRequest).where(DataRequest.package_id == pkg.id)).scalars()
    for request in requests:
        kinds = roles.actor_kinds(user, request) - {Actor.PRODUCER}
        if kinds and available(request.state, bool(request.revision_of), kinds):
            return True
    return False


@tk.chained_auth_function
def package_update(next_auth: AuthFunction, context: Context, data_dict: DataDict
                   ) -> AuthResult:
    """As :func:`package_show`: CKAN's refusal names the dataset's id."""
    _refuse_bad_id(data_dict)
    result = next_auth(context, data_dict)  # type: ignore[call-arg]
    if not result.get("success"):
        return _no(tk._("Not authorized to edit this dataset"))
    return result

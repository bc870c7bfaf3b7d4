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

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ... import roles
from .workflow import (_no, _ok, _producer, _request, _staff_or_producer_of,
                       _walidata_admin)

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


def satudata_request_publish(context: Context, data_dict: DataDict) -> AuthResult:
    _request(context, data_dict)
    return _walidata_admin(context, tk._("Only walidata administrators can publish data"))


def satudata_request_withdraw(context: Context, data_dict: DataDict) -> AuthResult:
    _request(context, data_dict)
    return _walidata_admin(
        context, tk._("Only walidata administrators can withdraw published data"))


def satudata_request_archive(context: Context, data_dict: DataDict) -> AuthResult:
    _request(context, data_dict)
    return _walidata_admin(
        context, tk._("Only walidata administrators can archive published data"))


def satudata_request_schedule(context: Context, data_dict: DataDict) -> AuthResult:
    _request(context, data_dict)
    user = context.get("user")
    if roles.is_walidata_admin(user) or roles.has_role(user, roles.approval_chain()[-1]):
        return _ok()
    return _no(tk._("Only the final approver or a walidata administrator can schedule "
                    "a release"))


def satudata_request_unschedule(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_request_schedule(context, data_dict)


def satudata_request_revise(context: Context, data_dict: DataDict) -> AuthResult:
    return _producer(context, data_dict,
                     tk._("Only the producers of the OPD can revise its published data"))


def satudata_revision_show(context: Context, data_dict: DataDict) -> AuthResult:
    pkg = model.Package.get((data_dict or {}).get("id") or "")
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
    """CKAN's refusal names the dataset's id ("not authorized to read
    package <id>"), which turns a guessed name into an id for anyone; the
    refusal here names nothing."""
    result = next_auth(context, data_dict)  # type: ignore[call-arg]
    if not result.get("success"):
        return _no(tk._("Not authorized to read this dataset"))
    return result


@tk.chained_auth_function
def package_update(next_auth: AuthFunction, context: Context, data_dict: DataDict
                   ) -> AuthResult:
    """As :func:`package_show`: CKAN's refusal names the dataset's id."""
    result = next_auth(context, data_dict)  # type: ignore[call-arg]
    if not result.get("success"):
        return _no(tk._("Not authorized to edit this dataset"))
    return result

# -*- coding: utf-8 -*-
"""Auth of dissemination.

* publish, withdraw, archive: walidata administrators (sysadmins or admins
  of the walidata organization) and the holders of the roles
  ``satudata.roles.publish`` (publish, withdraw) and ``.archive`` name (the
  state table's publisher and archivist);
* run due releases, build publications: walidata administrators;
* schedule and unschedule a release: the final approver of the chain (in the
  SOPs the Kepala Dinas orders publication per release period), a walidata
  administrator or a publisher;
* revise published data: the producers of the request's OPD;
* see a staged revision: its producers and the walidata staff (who review it);
  discard it: whoever may change the dataset (its producers);
* the release calendar, the progress dashboard and the recently published
  list are public.

The request's state is not checked here: the engine refuses a transition
that the state does not allow.
"""
from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import publishing, roles
from ...lib.states import REVISION_STATES
from ._common import allow, duty, refuse, transition_auth, walidata_admin

__all__ = [
    "satudata_request_publish", "satudata_request_schedule",
    "satudata_request_unschedule", "satudata_request_revise",
    "satudata_request_withdraw", "satudata_request_archive",
    "satudata_release_run_due", "satudata_release_calendar",
    "satudata_revision_show", "satudata_revision_discard", "satudata_progress_dashboard",
    "satudata_recently_published",
    "satudata_publication_build", "satudata_publication_show",
]


satudata_request_publish = transition_auth("publish", lambda: tk._(
    "Only walidata administrators and the staff who publish can publish data"))
satudata_request_withdraw = transition_auth("withdraw", lambda: tk._(
    "Only walidata administrators and the staff who publish can withdraw published data"))
satudata_request_archive = transition_auth("archive", lambda: tk._(
    "Only walidata administrators and the staff who archive can archive published data"))
satudata_request_schedule = transition_auth("schedule", lambda: tk._(
    "Only the final approver or a walidata administrator can schedule a release"))
satudata_request_unschedule = transition_auth("unschedule", lambda: tk._(
    "Only the final approver or a walidata administrator can cancel a scheduled release"))
satudata_request_revise = transition_auth("revise", lambda: tk._(
    "Only the producers of the OPD can revise its published data"))


def satudata_revision_show(context: Context, data_dict: DataDict) -> AuthResult:
    ref = roles.clean_id((data_dict or {}).get("id"))
    pkg = model.Package.get(ref) if ref else None
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    user = context.get("user")
    if roles.is_producer(user, pkg.owner_org) or authz.is_sysadmin(user):
        return allow()
    # the walidata's officers review what the producers sent: a revision
    # not sent yet (or the new period of a request not submitted) is the
    # producers' draft (the chain's officers read it before)
    if roles.is_walidata_staff(user) and publishing.under_review(
            pkg.id, lock=False, states=REVISION_STATES):
        return allow()
    return refuse(tk._("Not authorized to see the revision of this dataset"))


def satudata_revision_discard(context: Context, data_dict: DataDict) -> AuthResult:
    ref = roles.clean_id((data_dict or {}).get("id"))
    pkg = model.Package.get(ref) if ref else None
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    # its producers, also once the data is archived (which no one may
    # change: its staged changes were left for good, "changes staged")
    if roles.is_producer(context.get("user"), pkg.owner_org):
        return allow()
    try:
        tk.check_access("package_update", context, {"id": pkg.id})
    except tk.NotAuthorized:
        return refuse(tk._("Only the producers of this dataset can discard its staged changes"))
    return allow()


def satudata_release_run_due(context: Context, data_dict: DataDict) -> AuthResult:
    return walidata_admin(
        context, tk._("Only walidata administrators can run the scheduled releases"))


def satudata_publication_build(context: Context, data_dict: DataDict) -> AuthResult:
    """Who publishes the data prints its book too (SOP 004: the staff print
    the publication): the walidata administrators and the holders of a
    role of ``satudata.roles.publish``."""
    return duty(context, "publish", tk._(
        "Only walidata administrators and the staff who publish can build publications"))


def satudata_publication_show(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.is_walidata_staff(context.get("user")):
        return allow()
    return refuse(tk._("Only walidata staff can see the progress of publications"))


@tk.auth_allow_anonymous_access
def satudata_release_calendar(context: Context, data_dict: DataDict) -> AuthResult:
    return allow()


@tk.auth_allow_anonymous_access
def satudata_progress_dashboard(context: Context, data_dict: DataDict) -> AuthResult:
    return allow()


@tk.auth_allow_anonymous_access
def satudata_recently_published(context: Context, data_dict: DataDict) -> AuthResult:
    return allow()



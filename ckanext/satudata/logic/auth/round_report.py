# -*- coding: utf-8 -*-
"""Auth of a round's stages and report:

* moving a round to its next stage, editing and submitting its report: the
  holders of the walidata's ``draft`` duty (its administrators and the roles
  ``satudata.roles.draft`` names);
* approving or returning the report: the holders of a role of the approval
  chain (the report's table checks the level it waits at under its row
  lock); sysadmins are checked too: the chain has no bypass;
* seeing the report: walidata staff.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import roles, round_report
from . import workflow
from ._common import allow, duty, refuse

__all__ = [
    "satudata_round_advance", "satudata_round_report_show", "satudata_round_report_update",
    "satudata_round_report_submit", "satudata_round_report_approve",
    "satudata_round_report_return",
]


def satudata_round_advance(context: Context, data_dict: DataDict) -> AuthResult:
    """Moving a round on is managing it (the draft duty)."""
    return workflow.satudata_round_update(context, data_dict)


def satudata_round_report_show(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.is_walidata_staff(context.get("user")):
        return allow()
    return refuse(tk._("Only walidata staff can see a round's report"))


def satudata_round_report_update(context: Context, data_dict: DataDict) -> AuthResult:
    return duty(context, "draft", tk._(
        "Only walidata administrators and the staff who prepare them can draft a "
        "round's report"))


@tk.auth_sysadmins_check
def satudata_round_report_submit(context: Context, data_dict: DataDict) -> AuthResult:
    return satudata_round_report_update(context, data_dict)


def _approver(context: Context, name: str) -> AuthResult:
    if round_report.may_attempt(context.get("user"), name):
        return allow()
    return refuse(tk._("Only the holder of the approval chain's role at the report's "
                       "level can approve or return it"))


@tk.auth_sysadmins_check
def satudata_round_report_approve(context: Context, data_dict: DataDict) -> AuthResult:
    return _approver(context, "approve")


@tk.auth_sysadmins_check
def satudata_round_report_return(context: Context, data_dict: DataDict) -> AuthResult:
    return _approver(context, "return")

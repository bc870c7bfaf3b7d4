# -*- coding: utf-8 -*-
"""Actions of a round's stages after the collection (compile/analyse, the
report) and of its report, drafted from the round's verified data and
approved up the chain (:mod:`...lib.round_report`)."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...lib import outbox, roles, round_history, round_report, rounds
from ...lib.states import State, state_labels
from ...model import ROUND_STAGES, RoundReport
from .. import schema
from ._common import commit, validate

__all__ = [
    "satudata_round_advance", "satudata_round_report_show", "satudata_round_report_update",
    "satudata_round_report_submit", "satudata_round_report_approve",
    "satudata_round_report_return",
]

def _user_id(context: Context) -> Optional[str]:
    user = roles.user_obj(context.get("user"))
    return user.id if user else None


def _round_result(round_: Any) -> dict[str, Any]:
    result = round_.dictize()
    result["stage_label"] = rounds.stage_label(round_.stage)
    return result


def satudata_round_advance(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Move a sent round to its next stage: from the collection (once no
    request is still with its producers, verifier or approvers; in a round
    that carries late data into the next period, a request still with its
    producers after its deadline stays open and does not hold it) to compiling
    and analysing the data, then to the report (which is then drafted from
    the round's verified data), then done; a stage the round has no days for
    is skipped. The report's last approval ends the report stage.

    :param id: id or name of the round
    :param stage: the stage the caller saw the round in (required; the
        round's page sends it): refused when the round has moved on since,
        so that a second click does not skip a stage
    :returns: the round, with ``stage`` and the stages' deadlines
    :rtype: dictionary
    """
    tk.check_access("satudata_round_advance", context, data_dict)
    data = validate(data_dict, schema.round_advance(), context)
    round_, _report = round_report.lock_round(data["id"])
    if round_.state == "draft":
        raise tk.ValidationError({"stage": [tk._("Send the round first")]})
    if data["stage"] != round_.stage:
        stages = list(ROUND_STAGES)
        ahead = (data["stage"] in stages and round_.stage in stages
                 and stages.index(data["stage"]) > stages.index(round_.stage))
        raise tk.ValidationError({"stage": [(tk._(
            # a stage it never reached: it "had already moved on" to its own
            "The round is still in the stage \"%(stage)s\": open its page again")
            if ahead else tk._(
            "The round has already moved on to the stage \"%(stage)s\"")) % {
                "stage": rounds.stage_label(round_.stage)}]})
    if round_.stage == "report":
        raise tk.ValidationError({"stage": [tk._(
            "The report stage ends with the report's last approval")]})
    if round_.stage in ("collection", "compile"):
        # which ones (the count alone left the walidata to look for them);
        # data the analysis sent back is corrected before the report is
        # drafted from it (it was drafted as "returned for revision")
        collecting = rounds.still_collecting(round_)
        if collecting:
            raise tk.ValidationError({"stage": [tk._(
                "%(count)s request(s) of this round are still being collected, "
                "verified or approved: %(requests)s") % {
                    "count": len(collecting), "requests": rounds.missing_text(collecting)}]})
    moved = rounds.advance_stage(round_)
    event = round_history.record(round_, "advance", _user_id(context), moved)
    if moved["to"] == "report":
        round_report.draft(round_, _user_id(context))
    model.Session.flush()
    # its drafters are told once the move commits
    outbox.add("notify_stage_started", [event.id],
               title=f"satudata: round {round_.id} {moved['to']}")
    commit(context)
    return _round_result(round_)


@tk.side_effect_free
def satudata_round_report_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A round's report: its text, the summary it was drafted from, its
    state, the level of the chain it waits at (``waiting_for``: a chain
    role), its deadline, its timeline (``events``) and the steps the calling
    user may take (``allowed_steps``).

    :param id: id or name of the round
    :rtype: dictionary
    """
    tk.check_access("satudata_round_report_show", context, data_dict)
    data = validate(data_dict, schema.round_report_ref(), context)
    report = model.Session.execute(
        sa.select(RoundReport).where(RoundReport.round_id == data["id"])).scalar_one_or_none()
    if report is None:
        raise tk.ObjectNotFound(tk._("This round has no report yet"))
    result = _with_its_level(report)
    result["state_label"] = round_report.state_label(report.state)
    result["events"] = round_report.events(report.id)
    result["allowed_steps"] = round_report.steps_for(context.get("user"), report)
    result["step_labels"] = {name: round_report.step_label(name)
                             for name in result["allowed_steps"]}
    # one who holds the level it waits at but had a hand in it: told why
    # the page offers them nothing (it waited "for them", without a word)
    user = roles.user_obj(context.get("user"))
    result["held_back"] = [roles.four_eyes_message()] if (
        user is not None and round_report.holds_level(user, report)
        and round_report.took_part(report, user.id)) else []
    if report.state != round_report.R.APPROVED.value:
        # the requests as they are now while the report is checked (a ready
        # request returned to its OPD read "ready to publish" to the
        # officers approving the report); the approved report keeps those it
        # was approved with
        result["summary"] = round_report.summary(report.round_id)
    labels = {state.value: label for state, label in state_labels().items()}
    for row in result["summary"].get("requests", []):
        row["state_label"] = labels.get(row["state"], row["state"])
    result["can_edit"] = (report.state in round_report.EDITABLE and round_report.Actor.DRAFTER
                          in round_report.actors_of(context.get("user"), report))
    return result


def satudata_round_report_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change the text of a round's report while it is a draft or returned.

    :param id: id or name of the round
    :param body: the report's text
    :param version: (optional) the version the text was edited from; a
        stale one is refused
    :returns: the report
    :rtype: dictionary
    """
    tk.check_access("satudata_round_report_update", context, data_dict)
    data = validate(data_dict, schema.round_report_update(), context)
    report = round_report.edit(data["id"], context.get("user"), _user_id(context),
                               data["body"], data.get("version"))
    model.Session.flush()
    commit(context)
    return report.dictize()


def _with_its_level(report: Any) -> dict[str, Any]:
    """The report with the level of its chain it waits at (``waiting_for``,
    a role, and ``waiting_for_label``; None unless in approval)."""
    result = report.dictize()
    chain = roles.report_chain(report.round_id)
    waiting = report.state == round_report.ReportState.IN_APPROVAL.value
    result["waiting_for"] = chain[report.approval_level] if waiting and \
        report.approval_level < len(chain) else None
    result["waiting_for_label"] = roles.role_label(result["waiting_for"]) \
        if result["waiting_for"] else None
    return result


def _step(name: str) -> Any:
    def action(context: Context, data_dict: DataDict) -> dict[str, Any]:
        tk.check_access(f"satudata_round_report_{name}", context, data_dict)
        data = validate(data_dict, schema.round_report_submit() if name == "submit"
                        else schema.round_report_step(), context)
        report = round_report.apply(data["id"], name, context.get("user"), _user_id(context),
                                    note=data.get("note"), expected_version=data.get("version"),
                                    body=data.get("body"))
        model.Session.flush()
        commit(context)
        return _with_its_level(report)
    action.__name__ = f"satudata_round_report_{name}"
    return action


satudata_round_report_submit = _step("submit")
satudata_round_report_submit.__doc__ = """Submit a round's report (a draft, or
returned) to the first level of its report chain.

:param id: id or name of the round
:param version: (optional) the report's version the form showed
:param body: (optional) the report's text it goes with (its drafters' last
    edit, saved with the submission)
:returns: the report, with the level it waits at now (``waiting_for``,
    ``waiting_for_label``)
:rtype: dictionary
"""
satudata_round_report_approve = _step("approve")
satudata_round_report_approve.__doc__ = """Approve a round's report at the
level of the chain it waits at (the holder of that level's role); the last
level's approval ends the round's report stage.

:param id: id or name of the round
:param version: (optional)
:returns: the report, with the level it waits at now (``waiting_for``,
    ``waiting_for_label``)
:rtype: dictionary
"""
satudata_round_report_return = _step("return")
satudata_round_report_return.__doc__ = """Return a round's report to its
drafters with a reason (the holder of the level's role).

:param id: id or name of the round
:param note: the reason (required)
:param version: (optional)
:returns: the report, with the level it waits at now (``waiting_for``,
    ``waiting_for_label``)
:rtype: dictionary
"""

# -*- coding: utf-8 -*-
"""The Forum Satu Data as a level of the approval chain (Magetan: verification
in the Forum Pengelolaan Data Sektoral): the role named by
``satudata.forum_level`` decides the requests waiting at its level together,
several in one decision with the forum's decree number, its meeting date and
the meeting record (Berita Acara).

A decision applies the level's transition of the state table (``approve``,
or ``return_approval`` with the reason) to each request through the engine,
under each request's row lock (taken in id order), in one transaction: one
request refused and none changes. Each request's event carries the
decision's id; its timeline shows the decree number and the Berita Acara."""
from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...lib import engine, publishing, roles, storage, workdays
from ...lib.states import State, level_role, state_label
from ...model import DaftarData, DataRequest, ForumDecision
from .. import schema
from ._common import validate as _validate

__all__ = ["satudata_forum_decide", "satudata_forum_decision_show"]

#: the transition a decision takes on each request
_TRANSITION = {"approve": "approve", "return": "return_approval"}


def _titles(ids: list[str]) -> dict[str, str]:
    """``{request id: "item title (OPD)"}`` for messages naming requests."""
    rows = model.Session.execute(
        sa.select(DataRequest.id, DaftarData.title, model.Group.title)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .where(DataRequest.id.in_(ids))).all()
    return {rid: f"{item} ({org})" for rid, item, org in rows}


def _user_id(context: Context) -> Any:
    user = roles.user_obj(context.get("user"))
    return user.id if user else None


def satudata_forum_decide(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The Forum Satu Data decides several requests waiting at its level of
    the approval chain at once: all are approved (each to its chain's next
    level, or ready) or all returned to their producers with the reason.
    All or nothing: when one request cannot take the step (not waiting for
    the forum, changed meanwhile), none changes and the error names it.

    :param ids: the requests' ids (a list, or separated by commas)
    :type ids: list of strings
    :param decision: ``approve`` or ``return``
    :param decree_number: the forum's decree number (nomor keputusan forum)
    :param meeting_date: the forum's meeting date, YYYY-MM-DD (not in the future)
    :param berita_acara: the meeting record (Berita Acara) as a PDF upload
    :param reason: the reason (required to return; optional otherwise), in
        each request's timeline
    :returns: the decision (``id``, ``decree_number``, ``meeting_date``,
        ``request_ids``, ``berita_acara_url``) with the requests as they are
        now (``requests``)
    :rtype: dictionary
    """
    tk.check_access("satudata_forum_decide", context, data_dict)
    data_dict = dict(data_dict)
    upload = data_dict.pop("berita_acara", None)
    data = _validate(data_dict, schema.forum_decide(), context)
    errors: dict[str, list[str]] = {}
    if data["meeting_date"] > workdays.today():
        errors["meeting_date"] = [tk._("The meeting date cannot be in the future")]
    if data["decision"] == "return" and not (data.get("reason") or "").strip():
        errors["reason"] = [tk._("A reason is required")]
    content = storage.read_pdf(
        upload if upload not in (None, "") else None, "berita_acara",
        too_large=tk._("The Berita Acara may be at most %(mb)s MB"),
        not_pdf=tk._("The Berita Acara must be a PDF file"))
    if content is None:
        errors["berita_acara"] = [tk._("Attach the forum's Berita Acara (PDF)")]
    if errors:
        raise tk.ValidationError(errors)

    role = roles.forum_role()
    decision_id = model.types.make_uuid()
    note = (data.get("reason") or "").strip() or tk._(
        "Decision of the Forum Satu Data no. %(number)s") % {"number": data["decree_number"]}
    step_context = dict(context, defer_commit=True)
    ids = sorted(data["ids"])  # the row locks in one order: no deadlock between two decisions
    refused: dict[str, str] = {}
    for request_id in ids:
        try:
            request = engine.lock_request(request_id)
        except tk.ObjectNotFound:
            refused[request_id] = tk._("Data request not found")
            continue
        if level_role(roles.chain_of(request), request.state,
                      request.approval_level) != role or request.state != State.VERIFIED.value:
            refused[request_id] = tk._("It is not waiting for the forum: %(state)s") % {
                "state": state_label(request.state)}
            continue
        try:
            engine.apply_transition(
                step_context, request_id, _TRANSITION[data["decision"]], note=note,
                event_data={"forum_decision_id": decision_id,
                            "decree_number": data["decree_number"]})
        except (tk.ValidationError, tk.NotAuthorized) as e:
            message = e.error_summary if isinstance(e, tk.ValidationError) else str(e)
            refused[request_id] = " ".join(str(m) for m in (
                message.values() if isinstance(message, dict) else [message]))
    if refused:
        model.Session.rollback()
        titles = _titles(list(refused))
        raise tk.ValidationError({"ids": [
            tk._("%(request)s: %(reason)s") % {"request": titles.get(rid, rid), "reason": why}
            for rid, why in refused.items()]})

    decision = ForumDecision(
        id=decision_id, role=role, decision=data["decision"],
        decree_number=data["decree_number"], meeting_date=data["meeting_date"],
        reason=(data.get("reason") or "").strip() or None,
        file_name=getattr(upload, "filename", None) or "berita-acara.pdf",
        request_ids=ids, user_id=_user_id(context), created=datetime.datetime.utcnow())
    model.Session.add(decision)
    model.Session.flush()
    assert content is not None
    storage.save_berita_acara(decision_id, content)
    result = _decision_dict(decision)
    try:
        with publishing.search_required():
            model.Session.commit()
    except Exception:
        storage.delete_berita_acara(decision_id)  # no file without its decision
        raise
    decided = model.Session.execute(
        sa.select(DataRequest).where(DataRequest.id.in_(ids)).order_by(DataRequest.id))
    result["requests"] = [request.dictize() for request in decided.scalars()]
    return result


def _decision_dict(decision: ForumDecision) -> dict[str, Any]:
    result = decision.dictize()
    result["berita_acara_url"] = tk.url_for("satudata_forum.berita_acara",
                                            decision_id=decision.id)
    return result


def decisions_by_id(ids: set[str]) -> dict[str, dict[str, Any]]:
    """The decisions ``ids`` (one query), for the timelines that link them."""
    if not ids:
        return {}
    rows = model.Session.execute(
        sa.select(ForumDecision).where(ForumDecision.id.in_(list(ids)))).scalars()
    return {d.id: _decision_dict(d) for d in rows}


@tk.side_effect_free
def satudata_forum_decision_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A decision of the Forum Satu Data, for those who may see one of the
    requests it covers.

    :param id: the decision's id
    :rtype: dictionary
    """
    tk.check_access("satudata_forum_decision_show", context, data_dict)
    data = _validate(data_dict, schema.request_show(), context)
    decision = model.Session.get(ForumDecision, data["id"])
    if decision is None:
        raise tk.ObjectNotFound(tk._("Forum decision not found"))
    return _decision_dict(decision)

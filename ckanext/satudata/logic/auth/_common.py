# -*- coding: utf-8 -*-
"""What the auth functions share: their answers, the request a call names,
and the questions about the caller that :mod:`...lib.roles` answers
(walidata admin, staff, producer of an OPD, holder of a chain level).
:func:`transition_auth` makes the auth function of a transition action from
the state table."""
from __future__ import annotations

from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import engine, roles
from ...lib.states import State, rule, transition_for
from ...model import CollectionRound, DaftarData, DataRequest


def allow() -> AuthResult:
    return {"success": True}


def refuse(msg: str) -> AuthResult:
    return {"success": False, "msg": msg}


def request_of(context: Context, data_dict: Optional[DataDict]) -> DataRequest:
    request_id = (data_dict or {}).get("id")
    request = roles.get_request(request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


def readable_request_of(context: Context, data_dict: Optional[DataDict]) -> DataRequest:
    """:func:`request_of`, not found for one who may not read the request
    (another OPD's producer, a citizen, a visitor): a step on another OPD's
    request answered 403 where a made-up id answered 404, telling which
    guessed ids exist. The readers are :func:`may_read_request`'s."""
    request = request_of(context, data_dict)
    if not may_read_request(context, request):
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


def may_read_request(context: Context, request: DataRequest) -> bool:
    """Walidata staff, the producers of its OPD and the OPD's head."""
    return staff_or_producer_of(context, request.owner_org) or roles.is_opd_head(
        context.get("user"), request.owner_org)


def walidata_admin(context: Context, msg: str) -> AuthResult:
    return allow() if roles.is_walidata_admin(context.get("user")) else refuse(msg)


def duty(context: Context, name: str, msg: str) -> AuthResult:
    """Allowed to the holders of the walidata duty ``name``: its
    administrators and the roles ``satudata.roles.<name>`` names."""
    return allow() if roles.may(name, context.get("user")) else refuse(msg)


def staff_or_producer_of(context: Context, owner_org: Optional[str]) -> bool:
    """Walidata staff, or a producer of the OPD ``owner_org``."""
    user = context.get("user")
    return roles.is_walidata_staff(user) or roles.is_producer(user, owner_org)


def staff_or_any_producer(context: Context, round_ref: Optional[str] = None) -> bool:
    """Walidata staff, or a producer of an OPD the workflow involves: one
    with a Daftar Data item or a data request (an editor or admin of any
    other organization is no producer here). With ``round_ref`` (a round's id
    or name): a producer of an OPD that received requests of that round,
    which is therefore sent (never a draft round). One query."""
    user = context.get("user")
    if roles.is_walidata_staff(user):
        return True
    org_ids = roles.producer_org_ids(user)
    if not org_ids:
        return False
    requests = sa.select(DataRequest.id).where(DataRequest.owner_org.in_(org_ids))
    if round_ref is not None:
        requests = requests.join(CollectionRound, CollectionRound.id == DataRequest.round_id) \
            .where(CollectionRound.id == CollectionRound.id_for(round_ref),
                   CollectionRound.state != "draft")
        return model.Session.execute(requests.limit(1)).first() is not None
    items = sa.select(DaftarData.id).where(DaftarData.owner_org.in_(org_ids))
    return bool(model.Session.execute(sa.select(sa.or_(sa.exists(requests),
                                                       sa.exists(items)))).scalar())


def has_chain_role(context: Context, level: int) -> bool:
    chain = roles.approval_chain()
    return 0 <= level < len(chain) and roles.has_role(context.get("user"), chain[level])


def transition_auth(action: str, message: Callable[[], str]) -> Any:
    """The auth function of the transition action ``action``: the state
    table decides (:func:`roles.may_attempt`), for the transition the action
    takes where the request is; the engine checks again under the row lock.
    Sysadmins are checked too: the approval chain has no bypass."""
    @tk.auth_sysadmins_check
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        request = readable_request_of(context, data_dict)
        name = transition_for(action, request.state, bool(request.revision_of))
        if not roles.may_attempt(context.get("user"), request, name):
            # a second click of one who just took the step: the engine says
            # where the request is now (409), not "only the current level"
            if roles.just_took(context.get("user"), request, name):
                return allow()
            # a reviewer the request has moved past is told where it is now
            # and whom it waits for, in the words the engine tells the losers
            # of a race (:func:`.engine.moved_past_message`)
            if roles.moved_past(context.get("user"), request, name):
                return refuse(engine.moved_past_message(request))
            # and a reviewer whose step the request's state no longer offers
            # (another officer returned it first) why, as the engine tells
            # one let in first ("only the verifier or the current
            # approver…", to a Kabid)
            if rule(name, request.state, request.revision_of) is None \
                    and roles.reviews(context.get("user"), request, name):
                return refuse(engine.state_refusal_message(name, State(request.state)))
            return refuse(message())
        # a step the request is past (verifying a verified request), or the
        # same step again of one who just took it, is left to the engine,
        # which says so, not refused as a second pair of eyes
        if rule(name, request.state, request.revision_of) is not None \
                and not roles.just_took(context.get("user"), request, name) \
                and roles.took_part(context.get("user"), request, name) \
                and not roles.moved_on_since(request):
            # (a step taken since the request was read here, by a second
            # client of the same officer, is no earlier step of theirs: the
            # engine says where the request is now)
            return refuse(roles.four_eyes_message())
        return allow()
    auth.__name__ = f"satudata_request_{action}"
    auth.__doc__ = f"Who may take ``{action}``: the state table says."
    return auth


def step_auth(name: str, message: Callable[[], str]) -> Any:
    """The auth function of a step of :data:`...lib.states.STEPS`: the user
    is one of its actors for the request (:func:`roles.may_take_step`); the
    engine checks again, and the state, under the row lock."""
    @tk.auth_sysadmins_check
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        request = readable_request_of(context, data_dict)
        if roles.may_take_step(context.get("user"), request, name):
            return allow()
        return refuse(message())
    auth.__name__ = f"satudata_request_{name}"
    auth.__doc__ = f"Who may take the step ``{name}``: the steps table says."
    return auth

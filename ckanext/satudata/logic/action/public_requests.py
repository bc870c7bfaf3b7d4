# -*- coding: utf-8 -*-
"""Actions of public data requests (permohonan data): a logged-in citizen
asks (``satudata_public_request_create``); anyone reads the list and each
request without the requester's contact details; the walidata answers
(``accept``, ``extend``, ``plan``, ``fulfil``, ``reject``). Each answer is
checked by its auth function first and by the state table again under the
request's row lock (:func:`...lib.public_requests.take`)."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...lib import public_requests, roles, workdays
from ...lib.states import PUBLIC_OPEN, public_state_label
from ...model import DaftarData, PublicRequest, PublicRequestEvent
from .. import schema
from ._common import commit as _commit, contains, lock_name, validate as _validate

__all__ = [
    "satudata_public_request_create", "satudata_public_request_show",
    "satudata_public_request_list", "satudata_public_request_accept",
    "satudata_public_request_extend", "satudata_public_request_plan",
    "satudata_public_request_fulfil", "satudata_public_request_reject",
    "satudata_public_request_datasets",
]


def _overdue(request: PublicRequest, today: datetime.date) -> bool:
    return request.state in {s.value for s in PUBLIC_OPEN} and request.due_date < today


def _dict(request: PublicRequest, user_name: Optional[str],
          today: Optional[datetime.date] = None) -> dict[str, Any]:
    """The request as ``user_name`` may read it: the requester's contact
    details only for the requester and the walidata; the dataset only when
    it is public (or the reader is walidata staff)."""
    today = today or workdays.today()
    contact = public_requests.may_see_contact(request, user_name)
    out = request.dictize() if contact else request.public_dict()
    out["state_label"] = public_state_label(request.state)
    out["overdue"] = _overdue(request, today)
    out["working_days_left"] = (workdays.working_days_between(today, request.due_date)
                                if request.state in {s.value for s in PUBLIC_OPEN} else None)
    pkg = model.Package.get(request.package_id) if request.package_id else None
    if pkg is not None and ((pkg.state == "active" and not pkg.private)
                            or roles.is_walidata_staff(user_name)):
        out["dataset"] = {"name": pkg.name, "title": pkg.title or pkg.name}
    else:
        out["package_id"] = None
    org = model.Group.get(request.owner_org) if request.owner_org else None
    # the OPD the requester named (the walidata's plan starts from it)
    out["organization"] = ({"name": org.name, "title": org.display_name}
                           if org is not None else None)
    # planned: in which year's Daftar Data, from which OPD (the status alone
    # told the citizen nothing of when to expect it)
    item = model.Session.get(DaftarData, request.item_id) if request.item_id else None
    item_org = model.Group.get(item.owner_org) if item is not None else None
    out["plan"] = ({"year": item.year,
                    "organization": item_org.display_name if item_org is not None else None}
                   if item is not None else None)
    if contact:
        requester = model.Session.get(model.User, request.requester_id)
        out["requester"] = requester.display_name if requester else None
    return out


def _refuse_over_limit(user: model.User) -> None:
    """A ``ValidationError`` when ``user`` has too many requests waiting
    (:func:`.public_requests.open_over_limit`)."""
    count = public_requests.open_over_limit(user)
    if count:
        # the requester's, not a field's (the form marked the title wrong)
        raise tk.ValidationError({"open_requests": [tk._(
            "You have %(count)s requests still waiting for an answer: the walidata answers "
            "them first. Follow them on your requests page, and ask again once one is "
            "answered") % {"count": count}]})


def satudata_public_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask the walidata for data that is not on the portal (a logged-in
    user). The answer is due in 10 working days (UU 14/2008).

    :param title: what data, e.g. "Jumlah penduduk miskin per desa 2025"
    :param description: what exactly is needed (period, area, detail)
    :param purpose: what the data is for (optional)
    :param owner_org: the OPD that may hold it, id or name (optional)
    :param email: a contact address for the walidata (optional; default: the
        account's); the answers are e-mailed to the account's address
    :param phone: a telephone number (optional)
    :rtype: dictionary (the request, with the requester's contact details)
    """
    tk.check_access("satudata_public_request_create", context, data_dict)
    user = roles.user_obj(context.get("user"))
    assert user is not None
    # said first (it was said once the form's other errors were mended)
    _refuse_over_limit(user)
    data = _validate(data_dict, schema.public_request_create(), context)
    if not (data.get("email") or user.email):
        raise tk.ValidationError({"email": [tk._(
            "Give an e-mail address for the answer")]})
    # one open request per requester and title: a form sent fifteen times at
    # once made fifteen requests (and 45 e-mails); the others wait for this one
    lock_name("public_request", user.id)
    earlier = model.Session.execute(
        sa.select(PublicRequest.id).where(
            PublicRequest.requester_id == user.id,
            sa.func.lower(PublicRequest.title) == data["title"].lower(),
            PublicRequest.state.in_([s.value for s in PUBLIC_OPEN])).limit(1)).scalar()
    if earlier is not None:
        # ``earlier``: its id, for the form's link to it (and an API client)
        raise tk.ValidationError({"title": [tk._(
            "You already asked for this data and its answer is still open: follow it on "
            "its page (%(url)s)") % {"url": tk.url_for("satudata_public_request.read",
                                                        id=earlier, _external=True)}],
            "earlier": [earlier]})
    # again, under the requester's lock: requests sent at once are counted
    _refuse_over_limit(user)
    request, _event = public_requests.create(user, data)
    _commit(context)
    # with its version, as satudata_public_request_show: an officer's
    # decision on what was created sends it
    return dict(_dict(request, user.name), version=public_requests.version_of(request))


@tk.side_effect_free
def satudata_public_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One public data request with its steps (``events``) and the steps the
    caller may take (``allowed_steps``). The requester's contact details
    only for the requester and the walidata.

    :param id: the request's id
    """
    tk.check_access("satudata_public_request_show", context, data_dict)
    data = _validate(data_dict, schema.public_request_ref(), context)
    request = model.Session.get(PublicRequest, data["id"])
    if request is None:
        raise tk.ObjectNotFound(tk._("Public data request not found"))
    user_name = context.get("user")
    out = _dict(request, user_name)
    events = model.Session.execute(
        sa.select(PublicRequestEvent, model.User.name, model.User.fullname)
        .outerjoin(model.User, model.User.id == PublicRequestEvent.user_id)
        .where(PublicRequestEvent.request_id == request.id)
        .order_by(PublicRequestEvent.timestamp, PublicRequestEvent.id)).all()
    # the walidata's own trail names the officer of each answer (UU 14/2008:
    # who extended, rejected or fulfilled it); the requester reads the steps
    staff = authz.is_sysadmin(user_name) or roles.is_walidata_staff(user_name)
    out["events"] = [dict(e.dictize(), **({"user_name": name,
                                           "user_display_name": fullname or name}
                                          if staff and name else {}))
                     for e, name, fullname in events]
    out["version"] = len(out["events"])  # what a form sends back (public_requests.version_of)
    out["allowed_steps"] = public_requests.steps_for(request, user_name)
    return out


@tk.side_effect_free
def satudata_public_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Public data requests, newest first, without the requesters' contact
    details.

    :param state: only requests in this state (optional)
    :param q: only requests whose title or details hold each of these words
        (optional)
    :param owner_org: only requests for this OPD, id or name (optional)
    :param mine: only the caller's own requests (optional)
    :param waiting: only the requests the walidata still owes an answer
        (submitted or being processed), the soonest deadline first (optional)
    :param limit: at most this many (default 50)
    :param offset: skip this many (default 0)
    :rtype: dictionary ``{"count", "results"}``
    """
    tk.check_access("satudata_public_request_list", context, data_dict)
    data = _validate(data_dict, schema.public_request_list(), context)
    stmt = sa.select(PublicRequest)
    if data.get("state"):
        stmt = stmt.where(PublicRequest.state == data["state"])
    for word in (data.get("q") or "").split()[:10]:  # each word, anywhere
        stmt = stmt.where(sa.or_(contains(PublicRequest.title, word),
                                 contains(PublicRequest.description, word)))
    if data.get("owner_org"):
        stmt = stmt.where(PublicRequest.owner_org == data["owner_org"])
    if data.get("mine"):
        user = roles.user_obj(context.get("user"))
        stmt = stmt.where(PublicRequest.requester_id == (user.id if user else None))
    order: tuple[Any, ...] = (PublicRequest.created.desc(), PublicRequest.id)
    if data.get("waiting"):
        stmt = stmt.where(PublicRequest.state.in_([s.value for s in PUBLIC_OPEN]))
        order = (PublicRequest.due_date, PublicRequest.created, PublicRequest.id)
    count = model.Session.execute(
        sa.select(sa.func.count()).select_from(stmt.subquery())).scalar()
    rows = model.Session.execute(
        stmt.order_by(*order)
        .limit(data.get("limit", 50)).offset(data.get("offset", 0))).scalars().all()
    today = workdays.today()
    # the list never carries contact details, whoever asks
    results = []
    for request in rows:
        row = request.public_dict()
        row.update(state_label=public_state_label(request.state),
                   overdue=_overdue(request, today))
        row.pop("package_id")
        results.append(row)
    return {"count": count, "results": results}


def _step(context: Context, data_dict: DataDict, step: str,
          schema_: dict[str, Any]) -> dict[str, Any]:
    tk.check_access(f"satudata_public_request_{step}", context, data_dict)
    data = _validate(data_dict, schema_, context)
    package = model.Package.get(data["package_id"]) if data.get("package_id") else None
    try:
        request, _event = public_requests.take(
            step, data["id"], context.get("user"), note=data.get("note"),
            package_id=package.id if package else None, expected_version=data.get("version"))
        _commit(context)
    except Exception:
        model.Session.rollback()
        raise
    return _dict(request, context.get("user"))


def satudata_public_request_accept(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Accept a request: the walidata looks for the data (walidata staff).

    :param id: the request's id
    :param note: a note to the requester (optional)
    :param version: the request's ``version`` as the caller read it
        (``satudata_public_request_show``; optional): a decision on an older
        version is refused (another officer answered since)
    """
    return _step(context, data_dict, "accept", schema.public_request_step())


def satudata_public_request_extend(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Extend the deadline once by 7 working days, with the reason told to
    the requester (walidata staff).

    :param id: the request's id
    :param note: the reason
    :param version: the request's ``version`` as the caller read it
        (``satudata_public_request_show``; optional): a decision on an older
        version is refused (another officer answered since)
    """
    return _step(context, data_dict, "extend", schema.public_request_step())


def satudata_public_request_reject(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Reject a request with the reason told to the requester (walidata
    staff).

    :param id: the request's id
    :param note: the reason
    :param version: the request's ``version`` as the caller read it
        (``satudata_public_request_show``; optional): a decision on an older
        version is refused (another officer answered since)
    """
    return _step(context, data_dict, "reject", schema.public_request_step())


def satudata_public_request_fulfil(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Fulfil a request with a dataset (walidata staff). A dataset not
    public yet: the request waits for its publication and is fulfilled then.

    :param id: the request's id
    :param package_id: the dataset, id or name
    :param note: a note to the requester (optional)
    :param version: the request's ``version`` as the caller read it
        (``satudata_public_request_show``; optional): a decision on an older
        version is refused (another officer answered since)
    """
    return _step(context, data_dict, "fulfil", schema.public_request_fulfil())


@tk.side_effect_free
def satudata_public_request_datasets(context: Context, data_dict: DataDict
                                     ) -> list[dict[str, str]]:
    """The datasets a request may be fulfilled with whose title or name
    holds ``q``, for whoever may fulfil it: those the caller finds (CKAN's
    ``package_autocomplete``), and those a data request is preparing (the
    request then waits for their publication; the walidata's officers, no
    members of their OPD, found none of them by the page's search).

    :param id: the request's id
    :param q: a few letters of the title or the name
    :param limit: at most this many (optional, default 10)
    :returns: ``name``, ``title``, ``match_field``, ``match_displayed`` of each
    :rtype: list of dictionaries
    """
    tk.check_access("satudata_public_request_fulfil", context, data_dict)
    data = _validate(data_dict, schema.public_request_datasets(), context)
    if not data.get("q"):
        return []
    limit = data.get("limit", 10)
    found = tk.get_action("package_autocomplete")(
        {"user": context.get("user")}, {"q": data["q"], "limit": limit})
    named = {d["name"] for d in found}
    prepared = model.Session.execute(
        sa.select(model.Package.name, model.Package.title)
        .where(model.Package.state == "active",
               model.Package.id.in_(public_requests.prepared_datasets()),
               sa.or_(contains(model.Package.title, data["q"]),
                      contains(model.Package.name, data["q"])))
        .order_by(model.Package.title).limit(limit)).all()
    found += [{"name": name, "title": title or name, "match_field": "title",
               "match_displayed": title or name}
              for name, title in prepared if name not in named]
    return found[:limit]


def satudata_public_request_plan(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Plan the requested data in the Daftar Data (a walidata
    administrator): a new item for the OPD, requested in the next round;
    the request is fulfilled when that data is published.

    :param id: the request's id
    :param owner_org: the responsible OPD (default: the one the requester named)
    :param year: the Daftar Data year (default: this year)
    :param update_frequency: a code of the ``frequency`` list (optional)
    :param note: a note to the requester (optional)
    :returns: the request, with ``item_id``
    :param version: the request's ``version`` as the caller read it
        (``satudata_public_request_show``; optional): a decision on an older
        version is refused (another officer answered since)
    """
    tk.check_access("satudata_public_request_plan", context, data_dict)
    data = _validate(data_dict, schema.public_request_plan(), context)
    try:
        # locked before its item is added: a second click waits, then is
        # refused from the planned request (no second item)
        request = public_requests.lock(data["id"])
        public_requests.check_step("plan", request, context.get("user"), data.get("version"))
    except Exception:
        model.Session.rollback()
        raise
    owner_org = data.get("owner_org") or request.owner_org
    if not owner_org:
        raise tk.ValidationError({"owner_org": [tk._(
            "Choose the OPD responsible for the data")]})
    item = {"title": request.title, "owner_org": owner_org,
            "year": data.get("year") or workdays.today().year,
            "description": request.description}
    if data.get("update_frequency"):
        item["update_frequency"] = data["update_frequency"]
    try:
        created = tk.get_action("satudata_daftar_data_create")(
            dict(context, defer_commit=True), item)  # type: ignore[arg-type]
        out, _event = public_requests.take("plan", request.id, context.get("user"),
                                           note=data.get("note"), item_id=created["id"])
        _commit(context)
    except Exception:
        model.Session.rollback()
        raise
    assert model.Session.get(DaftarData, created["id"]) is not None
    return _dict(out, context.get("user"))

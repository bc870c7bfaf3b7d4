# -*- coding: utf-8 -*-
"""Actions that give walidata staff their roles (verifier, approval levels)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...lib import roles
from ...model import WalidataRole, WalidataRoleEvent
from .. import schema
from ._common import lock_name

__all__ = ["satudata_role_create", "satudata_role_delete", "satudata_role_list",
           "satudata_role_event_list"]


def _record(user: model.User, role: str, step: str, context: Context) -> None:
    """The role's trail: ``step`` (grant, revoke) in the same transaction."""
    roles.record_role_change(user.id, role, step, roles.user_obj(context["user"]))


def satudata_role_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Give a user a walidata role.

    :param user: the id or name of the user
    :type user: string
    :param role: one of the roles of ``satudata.approval_chain``
        (by default ``verifikator``, ``kabid``, ``kadis``) or of the
        walidata's duties (``satudata.roles.draft``, ``.send``, ``.publish``,
        ``.archive``)
    :type role: string
    :returns: the role assignment (``held_before``: true when the user
        already held the role, and nothing changed)
    :rtype: dictionary
    """
    tk.check_access("satudata_role_create", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.role_create(), context)
    if errors:
        raise tk.ValidationError(errors)
    user = model.User.get(data["user"])
    assert user
    if user.state != "active":  # a deleted account approves nothing
        raise tk.ValidationError({"user": [tk._("This account is not active")]})
    if user.name == tk.config.get("ckan.site_id"):
        # the portal's own account (jobs, the CLI): nobody logs in as it, and
        # it counted as another holder of the level (the last holder's
        # protection then let the level go to no one)
        raise tk.ValidationError({"user": [tk._(
            "This is the portal's own account: nobody acts with it")]})
    lock_name("role", user.id, data["role"])
    existing = model.Session.execute(
        sa.select(WalidataRole).where(
            WalidataRole.user_id == user.id, WalidataRole.role == data["role"]
        )
    ).scalar_one_or_none()
    if existing:
        return dict(existing.dictize(), held_before=True)
    actor = roles.user_obj(context["user"])
    role = WalidataRole(
        user_id=user.id, role=data["role"], created_by=actor.id if actor else None
    )
    model.Session.add(role)
    _record(user, data["role"], "grant", context)
    if not context.get("defer_commit"):
        model.Session.commit()
    return role.dictize()


def satudata_role_delete(context: Context, data_dict: DataDict) -> None:
    """Take a walidata role away from a user.

    :param user: the id or name of the user
    :type user: string
    :param role: the role to remove
    :type role: string
    """
    tk.check_access("satudata_role_delete", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.role_create(), context)
    if errors:
        raise tk.ValidationError(errors)
    user = model.User.get(data["user"])
    assert user
    # one removal of a role at a time: two officers cannot each remove one
    # of its last two holders
    lock_name("role", data["role"])
    if not model.Session.execute(sa.select(WalidataRole.id).where(
            WalidataRole.role == data["role"], WalidataRole.user_id == user.id)).first():
        raise tk.ValidationError({"role": [tk._("%(user)s does not hold this role") % {
            "user": user.display_name}]})
    last = roles.last_holder_message(user, data["role"])
    if last:
        raise tk.ValidationError({"role": [last]})
    model.Session.execute(
        sa.delete(WalidataRole).where(
            WalidataRole.user_id == user.id, WalidataRole.role == data["role"]
        )
    )
    _record(user, data["role"], "revoke", context)
    if not context.get("defer_commit"):
        model.Session.commit()


@tk.side_effect_free
def satudata_role_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """List walidata role assignments, in approval-chain order.

    :param role: only this role (optional)
    :type role: string
    :returns: assignments with ``user_name`` and ``display_name`` added
    :rtype: list of dictionaries
    """
    tk.check_access("satudata_role_list", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.role_list(), context)
    if errors:
        raise tk.ValidationError(errors)
    stmt = sa.select(WalidataRole, model.User).join(
        model.User, model.User.id == WalidataRole.user_id
    ).where(model.User.state == "active")  # a deleted account holds no role
    if data.get("role"):
        stmt = stmt.where(WalidataRole.role == data["role"])
    order = {name: i for i, name in enumerate(roles.known_roles())}
    rows = model.Session.execute(stmt).all()
    result = []
    for role, user in rows:
        item = role.dictize()
        item["user_name"] = user.name
        item["display_name"] = user.display_name
        result.append(item)
    result.sort(key=lambda r: (order.get(r["role"], len(order)), r["user_name"]))
    return result


@tk.side_effect_free
def satudata_role_event_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The trail of walidata roles, newest first: who was given or deprived
    of which role, by whom, when.

    :param user: only the changes of this user's roles (id or name; optional)
    :type user: string
    :param limit: at most this many (default 50, at most 1000)
    :type limit: int
    :param offset: skip this many (default 0)
    :type offset: int
    :returns: ``count`` and ``results`` (each with ``user_name``,
        ``user_display_name``, ``actor_name``, ``actor_display_name`` (None
        for a command, run as CKAN's site user) and ``role_label``)
    :rtype: dictionary
    """
    tk.check_access("satudata_role_event_list", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.role_event_list(), context)
    if errors:
        raise tk.ValidationError(errors)
    event = WalidataRoleEvent
    subject = sa.orm.aliased(model.User)
    actor = sa.orm.aliased(model.User)
    where = []
    if data.get("user"):
        user = model.User.get(data["user"])
        assert user
        where.append(event.user_id == user.id)
    count = model.Session.execute(
        sa.select(sa.func.count()).select_from(event).where(*where)).scalar()
    rows = model.Session.execute(
        sa.select(event, subject.name, subject.fullname, actor.name, actor.fullname)
        .outerjoin(subject, subject.id == event.user_id)
        .outerjoin(actor, actor.id == event.actor_id)
        .where(*where).order_by(event.timestamp.desc(), event.id.desc())
        .limit(data.get("limit", 50)).offset(data.get("offset", 0))).all()
    results = []
    site_user = tk.config.get("ckan.site_id")
    for row, name, fullname, actor_name, actor_fullname in rows:
        if actor_name == site_user:
            # CKAN's site user: a command (``ckan satudata role-add``, the
            # demo's loader), not an officer named after the site's id
            actor_name = actor_fullname = None
        item = row.dictize()
        item.update(user_name=name, user_display_name=fullname or name,
                    actor_name=actor_name, actor_display_name=actor_fullname or actor_name,
                    role_label=roles.role_label(row.role))
        results.append(item)
    return {"count": count, "results": results}

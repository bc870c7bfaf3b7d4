# -*- coding: utf-8 -*-
"""The walidata roles in one place: the configured approval chain and who
holds which role. Auth functions ask here; nothing else decides roles."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from .model import WalidataRole


def approval_chain() -> list[str]:
    """The configured roles in order: verifier first, then each approval level."""
    return list(tk.config.get("satudata.approval_chain"))


def verifier_role() -> str:
    return approval_chain()[0]


def walidata_organization() -> Optional[model.Group]:
    return model.Group.get(tk.config.get("satudata.walidata_organization"))


def user_roles(user_id: Optional[str]) -> set[str]:
    """The walidata roles held by a user (by id); empty for anonymous."""
    if not user_id:
        return set()
    stmt = sa.select(WalidataRole.role).where(WalidataRole.user_id == user_id)
    return set(model.Session.execute(stmt).scalars())


def user_obj(user_name: Optional[str]) -> Optional[model.User]:
    return model.User.get(user_name) if user_name else None


def has_role(user_name: Optional[str], role: str) -> bool:
    user = user_obj(user_name)
    return bool(user) and role in user_roles(user.id)


def is_walidata_admin(user_name: Optional[str]) -> bool:
    """Sysadmins and admins of the walidata organization manage roles,
    the Daftar Data and collection rounds."""
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    org = walidata_organization()
    return bool(org) and authz.has_user_permission_for_group_or_org(
        org.id, user_name, "admin"
    )


def is_walidata_staff(user_name: Optional[str]) -> bool:
    """Anyone on the walidata side: an admin or the holder of any role."""
    user = user_obj(user_name)
    return bool(user) and (is_walidata_admin(user_name) or bool(user_roles(user.id)))


def users_with_role(role: str) -> list[model.User]:
    stmt = (
        sa.select(model.User)
        .join(WalidataRole, WalidataRole.user_id == model.User.id)
        .where(WalidataRole.role == role, model.User.state == "active")
        .order_by(model.User.name)
    )
    return list(model.Session.execute(stmt).scalars())

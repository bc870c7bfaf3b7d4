# -*- coding: utf-8 -*-
"""Walidata staff roles: which CKAN user acts as verifier or at which approval
level. Managed by walidata administrators and sysadmins."""
from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Index, UnicodeText, UniqueConstraint
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model import domain_object


class WalidataRole(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    __tablename__ = "satudata_walidata_role"
    __table_args__ = (
        UniqueConstraint("user_id", "role", name="satudata_walidata_role_user_role_key"),
        Index("satudata_walidata_role_user_id_idx", "user_id"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    user_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False
    )
    role: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    created: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=datetime.datetime.utcnow
    )
    created_by: Mapped[str | None] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "role": self.role,
            "created": self.created.isoformat(),
            "created_by": self.created_by,
        }


class WalidataRoleEvent(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """One change of who holds a walidata role (given or taken away), by
    whom and when: the trail a supervisor reads of who could verify and
    approve at which time."""

    __tablename__ = "satudata_walidata_role_event"
    __table_args__ = (
        Index("satudata_walidata_role_event_timestamp_idx", "timestamp"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    #: the user given the role or deprived of it
    user_id: Mapped[str | None] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    role: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    #: ``grant`` or ``revoke``
    step: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    #: who gave or took it (None: the site user, a command)
    actor_id: Mapped[str | None] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    timestamp: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=datetime.datetime.utcnow)

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "user_id": self.user_id, "role": self.role, "step": self.step,
            "actor_id": self.actor_id, "timestamp": self.timestamp.isoformat(),
        }

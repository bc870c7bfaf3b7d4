# -*- coding: utf-8 -*-
"""Tables of public data requests (permohonan data): a logged-in citizen asks
for data that is not on the portal; the walidata answers within the deadline
of UU 14/2008 (10 working days, one extension of 7).

* :class:`PublicRequest` — the request. Its ``state`` is a
  :class:`ckanext.satudata.lib.states.PublicState` value and changes only
  through :func:`ckanext.satudata.lib.public_requests.take`. The requester's
  contact details (``email``, ``phone``) are seen by the requester and the
  walidata only.
* :class:`PublicRequestEvent` — its audit trail, one row per step.

Created by ``migration/satudata/versions/0007_public_request.py``.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, UnicodeText
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model import domain_object

__all__ = ["PublicRequest", "PublicRequestEvent"]


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


def _iso(value: Optional[datetime.date]) -> Optional[str]:
    return value.isoformat() if value else None


class PublicRequest(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """A citizen's request for data."""

    __tablename__ = "satudata_public_request"
    __table_args__ = (
        Index("satudata_public_request_state_due_idx", "state", "due_date"),
        Index("satudata_public_request_requester_idx", "requester_id"),
        Index("satudata_public_request_package_idx", "package_id"),
        Index("satudata_public_request_item_idx", "item_id"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    title: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    description: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    purpose: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    # the OPD the requester thinks holds the data (optional)
    owner_org: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("group.id", ondelete="SET NULL"))
    requester_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    email: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    phone: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    state: Mapped[str] = Column(UnicodeText, nullable=False, default="submitted")  # type: ignore
    # the answer is due (a working day, UU 14/2008)
    due_date: Mapped[datetime.date] = Column(Date, nullable=False)  # type: ignore
    extended: Mapped[bool] = Column(Boolean, nullable=False, default=False)  # type: ignore
    # the walidata's answer: the reason of a rejection or an extension, a note
    response: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    package_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("package.id", ondelete="SET NULL"))
    item_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_daftar_data.id", ondelete="SET NULL"))
    # the due date a reminder / an overdue escalation was sent for
    reminded_for: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    escalated_for: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    answered_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    created: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    modified: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)

    def public_dict(self) -> dict[str, Any]:
        """What anyone may read: the request and its answer, nothing of the
        requester."""
        return {
            "id": self.id, "title": self.title, "description": self.description,
            "purpose": self.purpose, "owner_org": self.owner_org, "state": self.state,
            "due_date": _iso(self.due_date), "extended": self.extended,
            "response": self.response, "package_id": self.package_id,
            "item_id": self.item_id, "answered_at": _iso(self.answered_at),
            "created": _iso(self.created), "modified": _iso(self.modified),
        }

    def dictize(self) -> dict[str, Any]:
        """Everything, the requester's contact details included."""
        return dict(self.public_dict(), requester_id=self.requester_id,
                    email=self.email, phone=self.phone)


class PublicRequestEvent(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """One step of a public data request."""

    __tablename__ = "satudata_public_request_event"
    __table_args__ = (
        Index("satudata_public_request_event_request_idx", "request_id", "timestamp"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    request_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_public_request.id", ondelete="CASCADE"),
        nullable=False)
    step: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    from_state: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    to_state: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    user_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    due_date: Mapped[Optional[datetime.date]] = Column(Date)  # type: ignore
    timestamp: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "request_id": self.request_id, "step": self.step,
            "from_state": self.from_state, "to_state": self.to_state,
            "note": self.note, "due_date": _iso(self.due_date),
            "timestamp": _iso(self.timestamp),
        }

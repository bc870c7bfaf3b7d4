# -*- coding: utf-8 -*-
"""The outbox (:mod:`..lib.outbox`): one row per piece of background work a
committed change still owes (an e-mail, a publication to build again),
written in the same transaction as the change.

The table is created by ``migration/satudata/versions/0008_outbox.py``.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from sqlalchemy import Column, DateTime, Index, Integer, UnicodeText, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model import domain_object

__all__ = ["OutboxEntry"]


def _iso(value: Optional[datetime.datetime]) -> Optional[str]:
    return value.isoformat() if value else None


class OutboxEntry(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """A job owed by a committed transaction: ``job`` (a function of
    :mod:`ckanext.satudata.jobs`) with ``args``; ``enqueued_at`` when it was
    last handed to the jobs queue, ``done_at`` once it ran to its end,
    ``sent`` the keys of the messages it already sent."""

    __tablename__ = "satudata_outbox"
    __table_args__ = (
        Index("satudata_outbox_pending_idx", "done_at", "created"),
    )

    id: Mapped[str] = Column(  # type: ignore
        UnicodeText, primary_key=True, default=model.types.make_uuid)
    job: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    args: Mapped[list[Any]] = Column(  # type: ignore
        JSONB, nullable=False, default=list, server_default=text("'[]'::jsonb"))
    title: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    timeout: Mapped[Optional[int]] = Column(Integer)  # type: ignore
    created: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=datetime.datetime.utcnow, server_default=func.now())
    enqueued_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    attempts: Mapped[int] = Column(  # type: ignore
        Integer, nullable=False, default=0, server_default="0")
    sent: Mapped[list[str]] = Column(  # type: ignore
        JSONB, nullable=False, default=list, server_default=text("'[]'::jsonb"))
    done_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    error: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore

    def dictize(self) -> dict[str, Any]:
        return {"id": self.id, "job": self.job, "args": self.args, "title": self.title,
                "created": _iso(self.created), "enqueued_at": _iso(self.enqueued_at),
                "attempts": self.attempts, "sent": len(self.sent or []),
                "done_at": _iso(self.done_at), "error": self.error}

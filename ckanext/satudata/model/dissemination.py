# -*- coding: utf-8 -*-
"""Tables of dissemination.

* :class:`Dissemination` — one row per dataset made public through the
  workflow: when it was (first) published, by whom, for which request and
  round, and whether it is live (``published``), ``withdrawn`` (private
  again) or ``archived`` (reachable by URL, out of the default search).
* :class:`Release` — a scheduled release (jadwal rilis) of a ready request:
  the dataset stays private until ``release_at`` (UTC), then
  ``ckan satudata release-due`` publishes it. ``title`` is the announced
  title, the only thing of the dataset the public release calendar shows.
* :class:`StagedRevision` — the pending package dictionary of a revision of
  a published dataset. The live package is not touched until the revision
  is approved and published; then ``data`` is applied with
  ``package_update`` and the row is deleted.
* :class:`Publication` — the publication (PDF book and XLSX compilation) of
  a collection round and the progress of the job that builds it.

The tables are created by ``migration/satudata/versions/0003_dissemination.py``.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, UnicodeText, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model import domain_object

__all__ = [
    "Dissemination", "Release", "StagedRevision", "Publication",
    "LIVE_STATUSES", "PUBLICATION_STATUSES", "PUBLIC_COLUMNS", "public_dict_of",
]

#: dissemination statuses in which the dataset is public
LIVE_STATUSES = ("published", "archived")
#: the life of a publication build
PUBLICATION_STATUSES = ("queued", "running", "done", "failed")


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


def _iso(value: Optional[datetime.datetime]) -> Optional[str]:
    return value.isoformat() if value else None


class Dissemination(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """The publication record of one dataset."""

    __tablename__ = "satudata_dissemination"
    __table_args__ = (
        Index("satudata_dissemination_status_published_idx", "status", "published_at"),
        Index("satudata_dissemination_round_idx", "round_id"),
        Index("satudata_dissemination_request_idx", "request_id"),
    )

    package_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), primary_key=True)
    request_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_request.id", ondelete="SET NULL"))
    round_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_round.id", ondelete="SET NULL"))
    owner_org: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), nullable=False)
    # published | withdrawn | archived
    status: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    first_published_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False)  # type: ignore
    published_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False)  # type: ignore
    published_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    withdrawn_reason: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    archived_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    modified: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES

    def public_dict(self) -> dict[str, Any]:
        """What the public may know (added to the dataset dictionary)."""
        return public_dict_of(self)

    def dictize(self) -> dict[str, Any]:
        result = self.public_dict()
        result.update({
            "package_id": self.package_id, "request_id": self.request_id,
            "owner_org": self.owner_org, "published_by": self.published_by,
            "withdrawn_at": _iso(self.withdrawn_at),
            "withdrawn_reason": self.withdrawn_reason,
            "modified": _iso(self.modified),
        })
        return result


#: the columns of a :class:`Dissemination` that :func:`public_dict_of` reads
PUBLIC_COLUMNS = ("status", "first_published_at", "published_at", "archived_at", "round_id")


def public_dict_of(row: Any) -> dict[str, Any]:
    """What the public may know of a publication record: of a
    :class:`Dissemination` or of a row of its :data:`PUBLIC_COLUMNS`."""
    return {
        "status": row.status,
        "first_published": _iso(row.first_published_at),
        "published": _iso(row.published_at),
        "archived": _iso(row.archived_at),
        "round_id": row.round_id,
    }


class Release(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """A scheduled release of a request's dataset."""

    __tablename__ = "satudata_release"
    __table_args__ = (
        Index("satudata_release_status_at_idx", "status", "release_at"),
        # at most one pending release per request
        Index("satudata_release_one_pending_idx", "request_id", unique=True,
              postgresql_where=text("status = 'scheduled'")),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    request_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_request.id", ondelete="CASCADE"), nullable=False)
    package_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False)
    owner_org: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    # UTC, naive (as every CKAN timestamp)
    release_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False)  # type: ignore
    # scheduled | released | cancelled | failed
    status: Mapped[str] = Column(UnicodeText, nullable=False, default="scheduled")  # type: ignore
    released_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    error: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    # a postponement: the time first announced (UTC) and the public reason
    first_release_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    postpone_reason: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    # how many times the announced time changed (iCalendar SEQUENCE)
    sequence: Mapped[int] = Column(  # type: ignore
        Integer, nullable=False, default=0, server_default=text("0"))
    created_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    created: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    modified: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "request_id": self.request_id,
            "package_id": self.package_id, "owner_org": self.owner_org,
            "title": self.title, "release_at": _iso(self.release_at),
            "status": self.status, "released_at": _iso(self.released_at),
            "error": self.error, "created_by": self.created_by,
            "created": _iso(self.created),
            "first_release_at": _iso(self.first_release_at),
            "postpone_reason": self.postpone_reason, "sequence": self.sequence,
        }


class StagedRevision(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """The pending package dictionary of a revision under work or review."""

    __tablename__ = "satudata_staged_revision"

    package_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), primary_key=True)
    request_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_request.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = Column(JSONB, nullable=False)  # type: ignore
    created_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    modified_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    #: every user who changed it (the four-eyes rule: one who wrote between
    #: the first and the last writer verified what they had written)
    writers: Mapped[list[str]] = Column(  # type: ignore
        ARRAY(UnicodeText), nullable=False, default=list, server_default=text("'{}'"))
    created: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    modified: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)

    def dictize(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id, "request_id": self.request_id,
            "data": self.data, "created_by": self.created_by,
            "modified_by": self.modified_by, "writers": list(self.writers or []),
            "created": _iso(self.created),
            "modified": _iso(self.modified),
        }


class Publication(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """The publication of a round and the state of its build job."""

    __tablename__ = "satudata_publication"

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    round_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_round.id", ondelete="CASCADE"),
        nullable=False, unique=True)
    package_id: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("package.id", ondelete="SET NULL"))
    status: Mapped[str] = Column(UnicodeText, nullable=False, default="queued")  # type: ignore
    progress: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore
    message: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    job_id: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    dataset_count: Mapped[Optional[int]] = Column(Integer)  # type: ignore
    pdf_sha256: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    xlsx_sha256: Mapped[Optional[str]] = Column(UnicodeText)  # type: ignore
    requested_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False, default=_utcnow)  # type: ignore
    started_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore
    finished_at: Mapped[Optional[datetime.datetime]] = Column(DateTime)  # type: ignore

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "round_id": self.round_id, "package_id": self.package_id,
            "status": self.status, "progress": self.progress, "message": self.message,
            "job_id": self.job_id, "dataset_count": self.dataset_count,
            "pdf_sha256": self.pdf_sha256, "xlsx_sha256": self.xlsx_sha256,
            "requested_by": self.requested_by,
            "requested_at": _iso(self.requested_at),
            "started_at": _iso(self.started_at), "finished_at": _iso(self.finished_at),
        }

# -*- coding: utf-8 -*-
"""The latest check of each data file (:mod:`ckanext.satudata.lib.datacheck`).

:class:`DataCheck` holds, per resource, the result of validating its table
against the dataset's declared variables and of screening it for personal
data, for one ``fingerprint`` (the file's size and modification time, the
Table Schema built from the variables and the checker's version): a row
whose fingerprint differs from the file's current one is stale and the file
is checked again. The resource may be a file of a staged revision (no row
in CKAN's ``resource`` table), hence no foreign key on ``resource_id``.

The table is created by ``migration/satudata/versions/0009_data_check.py``.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy import Column, DateTime, Float, ForeignKey, Index, Integer, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model import domain_object

__all__ = ["DataCheck", "CHECK_STATUSES"]

#: valid: nothing found; invalid: the table does not match its variables;
#: personal: personal data found (and maybe invalid too); unreadable: the
#: file is no table that can be read
CHECK_STATUSES = ("valid", "invalid", "personal", "unreadable")


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


class DataCheck(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """The latest check of one data file."""

    __tablename__ = "satudata_data_check"
    __table_args__ = (
        Index("satudata_data_check_package_idx", "package_id"),
    )

    resource_id: Mapped[str] = Column(UnicodeText, primary_key=True)  # type: ignore
    package_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False)
    fingerprint: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    status: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    #: ``[{"code", "row", "column", "field", "value"?, …}]``, at most a few hundred
    errors: Mapped[list[Any]] = Column(JSONB, nullable=False, default=list)  # type: ignore
    error_count: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore
    #: ``[{"kind", "row", "column", "field", "masked"}]`` (never the full value)
    findings: Mapped[list[Any]] = Column(JSONB, nullable=False, default=list)  # type: ignore
    finding_count: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore
    row_count: Mapped[Optional[int]] = Column(Integer)  # type: ignore
    seconds: Mapped[Optional[float]] = Column(Float)  # type: ignore
    checked_at: Mapped[datetime.datetime] = Column(  # type: ignore
        DateTime, nullable=False, default=_utcnow)

    @classmethod
    def move(cls, new_id: str, resource_id: str) -> None:
        """The result of a staged revision's file (``new_id``) becomes the
        result of the table whose place the file takes when the revision is
        published (``resource_id``: ``lib.storage.take_place``, which keeps
        the file's fingerprint)."""
        session = model.Session
        session.execute(sa.delete(cls).where(cls.resource_id == resource_id))
        session.execute(sa.update(cls).where(cls.resource_id == new_id)
                        .values(resource_id=resource_id)
                        .execution_options(synchronize_session=False))

    def dictize(self) -> dict[str, Any]:
        return {
            "resource_id": self.resource_id, "package_id": self.package_id,
            "fingerprint": self.fingerprint, "status": self.status,
            "errors": list(self.errors or []), "error_count": self.error_count,
            "findings": list(self.findings or []), "finding_count": self.finding_count,
            "row_count": self.row_count, "seconds": self.seconds,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
        }

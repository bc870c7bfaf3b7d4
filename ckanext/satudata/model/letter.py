# -*- coding: utf-8 -*-
"""The documents of a collection round (:mod:`..lib.letters`):

* :class:`Letter` — a generated letter, numbered once when it is issued:
  a *Surat Permintaan Data* to one OPD (``kind`` ``permintaan``) or a
  *Berita Acara Verifikasi* of the round (``berita_acara``, a new version
  each time it is issued again). ``content`` is what the letter says, taken
  when it was issued, so that every download gives the same document.
* :class:`LetterCounter` — the last number given per kind and year; the row
  is locked by the issuing transaction, so numbers have no gaps and no
  duplicates.
* :class:`RoundDocument` — a file the walidata uploaded to a round (the
  indicator matrix, guidelines, the SK decree).

The tables are created by ``migration/satudata/versions/0010_letters.py``.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from sqlalchemy import (
    Column, Date, DateTime, ForeignKey, Index, Integer, UnicodeText, UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model import domain_object

__all__ = ["Letter", "LetterCounter", "RoundDocument", "LETTER_KINDS"]

#: a Surat Permintaan Data (per round and OPD), a Berita Acara Verifikasi (per round)
LETTER_KINDS = ("permintaan", "berita_acara")


def _iso(value: Optional[datetime.date]) -> Optional[str]:
    return value.isoformat() if value else None


class LetterCounter(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """The last sequence number issued for a kind of letter in a year."""

    __tablename__ = "satudata_letter_counter"

    kind: Mapped[str] = Column(UnicodeText, primary_key=True)  # type: ignore
    year: Mapped[int] = Column(Integer, primary_key=True)  # type: ignore
    last: Mapped[int] = Column(Integer, nullable=False)  # type: ignore


class Letter(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """A letter issued for a round."""

    __tablename__ = "satudata_letter"
    __table_args__ = (
        UniqueConstraint("kind", "year", "seq", name="satudata_letter_kind_year_seq_key"),
        Index("satudata_letter_round_idx", "round_id", "kind"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    round_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    # the addressee OPD of a Surat Permintaan Data
    owner_org: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("group.id", ondelete="CASCADE"))
    # 1, 2, … per round, kind and OPD
    version: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    year: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    seq: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    number: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    issued_on: Mapped[datetime.date] = Column(Date, nullable=False)  # type: ignore
    issued_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False)  # type: ignore
    issued_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    content: Mapped[dict[str, Any]] = Column(JSONB, nullable=False)  # type: ignore

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "round_id": self.round_id, "kind": self.kind,
            "owner_org": self.owner_org, "version": self.version, "year": self.year,
            "seq": self.seq, "number": self.number, "issued_on": _iso(self.issued_on),
            "issued_at": _iso(self.issued_at), "issued_by": self.issued_by,
        }


class RoundDocument(domain_object.DomainObject, tk.BaseModel):  # type: ignore
    """A file uploaded to a round; the bytes are kept in private storage
    (:func:`..lib.storage.round_document_path`)."""

    __tablename__ = "satudata_round_document"
    __table_args__ = (
        Index("satudata_round_document_round_idx", "round_id"),
    )

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=model.types.make_uuid)  # type: ignore
    round_id: Mapped[str] = Column(  # type: ignore
        UnicodeText, ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    file_name: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    mimetype: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    size: Mapped[int] = Column(Integer, nullable=False)  # type: ignore
    sha256: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore
    uploaded_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False)  # type: ignore
    uploaded_by: Mapped[Optional[str]] = Column(  # type: ignore
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id, "round_id": self.round_id, "title": self.title,
            "file_name": self.file_name, "mimetype": self.mimetype, "size": self.size,
            "sha256": self.sha256, "uploaded_at": _iso(self.uploaded_at),
            "uploaded_by": self.uploaded_by,
        }

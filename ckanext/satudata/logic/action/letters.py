# -*- coding: utf-8 -*-
"""Actions of a round's documents: the generated letters (Surat Permintaan
Data, issued when the round is sent; Berita Acara Verifikasi, issued by the
walidata) and the files the walidata uploads to a round.

Walidata staff see every letter and document of a round; the producers of
an OPD that received the round's requests see its documents and only the
letters addressed to their OPD; nobody else sees any (:mod:`..auth.letters`).
"""
from __future__ import annotations

import base64
import datetime
import hashlib
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...lib import letters, roles, round_history, storage
from ...model import CollectionRound, Letter, RoundDocument
from .. import schema
from ._common import commit as _commit, get_round, validate as _validate

__all__ = ["satudata_letter_list", "satudata_letter_export", "satudata_letter_issue",
           "satudata_round_document_create", "satudata_round_document_list",
           "satudata_round_document_export", "satudata_round_document_delete"]


def _ref(context: Context, data_dict: DataDict) -> str:
    """The ``id`` of the call, checked to be an id string."""
    return _validate({"id": data_dict.get("id")}, schema.request_show(), context)["id"]


def _round(context: Context, data_dict: DataDict) -> CollectionRound:
    return get_round(_ref(context, data_dict))


def _get(entity: Any, context: Context, data_dict: DataDict, missing: str) -> Any:
    """The letter or document the call names (a sysadmin's call skips the
    auth function that otherwise looked it up first); with ``round_id`` (an
    id or a name), only one of that round (a letter's address names its
    round: another round's address served it)."""
    found = model.Session.get(entity, _ref(context, data_dict))
    round_ref = data_dict.get("round_id")
    if found is not None and round_ref is not None:
        round_ = model.Session.get(CollectionRound, found.round_id)
        if round_ is None or round_ref not in (round_.id, round_.name):
            found = None
    if found is None:
        raise tk.ObjectNotFound(missing)
    return found


def _letter_dict(letter: Letter, org: Any) -> dict[str, Any]:
    result = letter.dictize()
    result["opd_title"] = (org.title or org.name) if org is not None else None
    result["opd_name"] = org.name if org is not None else None
    result["file_name"] = letters.file_name(letter, org.name if org is not None else None)
    return result


def _file(filename: str, mimetype: str, content: bytes) -> dict[str, Any]:
    return {"filename": filename, "mimetype": mimetype,
            "content": base64.b64encode(content).decode("ascii")}


# -- letters ---------------------------------------------------------------------------------

@tk.side_effect_free
def satudata_letter_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The letters issued for a round, each kind in order of issue (the
    Surat Permintaan Data by OPD, the versions of the Berita Acara
    Verifikasi newest first). A producer gets only the letters addressed to
    their OPDs.

    :param id: id or name of the round
    :returns: the letters: ``number``, ``kind`` (``permintaan`` or
        ``berita_acara``), ``version``, ``issued_on``, ``opd_title``, …
    :rtype: list of dictionaries
    """
    tk.check_access("satudata_letter_list", context, data_dict)
    round_ = _round(context, data_dict)
    stmt = (sa.select(Letter, model.Group)
            .outerjoin(model.Group, model.Group.id == Letter.owner_org)
            .where(Letter.round_id == round_.id)
            .order_by(Letter.kind.desc(), model.Group.title, Letter.version.desc(),
                      Letter.seq))
    user = context.get("user")
    if not (context.get("ignore_auth") or roles.is_walidata_staff(user)):
        stmt = stmt.where(Letter.kind == letters.PERMINTAAN,
                          Letter.owner_org.in_(roles.producer_org_ids(user)))
    return [_letter_dict(letter, org) for letter, org in model.Session.execute(stmt).all()]


@tk.side_effect_free
def satudata_letter_export(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A letter as PDF, rendered from what it recorded when it was issued
    (the same number, date and text at every download).

    :param id: id of the letter
    :param round_id: id or name of its round (optional: another round's
        letter is not found)
    :returns: ``{"filename", "mimetype", "content"}``, the content base64-encoded
    :rtype: dictionary
    """
    tk.check_access("satudata_letter_export", context, data_dict)
    letter = _get(Letter, context, data_dict, tk._("Letter not found"))
    return _file(letters.file_name(letter), "application/pdf", letters.pdf_bytes(letter))


def satudata_letter_issue(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Issue the Berita Acara Verifikasi of a round: every request with the
    decisions taken on it (verified, returned, approved: by whom, when),
    the requests still open listed as such. Issuing it again after
    decisions changed gives a new version with a new number; the earlier
    versions are kept. Refused when nothing was decided yet or nothing
    changed since the latest version.

    :param id: id or name of the round
    :param kind: ``berita_acara`` (the Surat Permintaan Data are issued when
        the round is sent)
    :returns: the letter
    :rtype: dictionary
    """
    tk.check_access("satudata_letter_issue", context, data_dict)
    data = _validate(data_dict, schema.letter_issue(), context)
    round_ = _round(context, data)
    model.Session.execute(
        sa.select(CollectionRound.id).where(CollectionRound.id == round_.id)
        .with_for_update())
    user = roles.user_obj(context.get("user"))
    letter = letters.issue_verification_record(round_, user.id if user else None)
    round_history.record(round_, "letter_issue", user.id if user else None, {
        "number": letter.number, "version": letter.version})
    _commit(context)
    return _letter_dict(letter, None)


# -- uploaded documents ------------------------------------------------------------------------

def satudata_round_document_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Upload a document to a round (the indicator matrix, guidelines, the
    SK decree): a PDF, spreadsheet, text document or CSV file of at most
    ``satudata.round_document.max_size`` MB. The round's OPDs' producers
    and the walidata staff can download it; nobody else.

    :param id: id or name of the round
    :param upload: the file (multipart upload)
    :param title: (optional) what the document is; default: its file name
    :returns: the document
    :rtype: dictionary
    """
    tk.check_access("satudata_round_document_create", context, data_dict)
    data_dict = dict(data_dict)
    upload = data_dict.pop("upload", None)
    data = _validate(data_dict, schema.round_document_create(), context)
    round_ = _round(context, data)
    content, mimetype, name, safe_name = storage.read_round_document(upload)
    # one upload at a time per round (its row locked: rows referring to it
    # are still written meanwhile), and the same file of the same title
    # already there is that document: a double click (two tabs) stored it
    # two or three times, each with its own line in the round's trail
    model.Session.execute(sa.select(CollectionRound.id).where(
        CollectionRound.id == round_.id).with_for_update(key_share=True))
    digest = hashlib.sha256(content).hexdigest()
    same = model.Session.execute(sa.select(RoundDocument).where(
        RoundDocument.round_id == round_.id, RoundDocument.sha256 == digest,
        RoundDocument.title == (data.get("title") or name))).scalars().first()
    if same is not None:
        return same.dictize()
    user = roles.user_obj(context.get("user"))
    document = RoundDocument(
        id=model.types.make_uuid(), round_id=round_.id, title=data.get("title") or name,
        file_name=safe_name, mimetype=mimetype, size=len(content),
        sha256=digest, uploaded_at=datetime.datetime.utcnow(),
        uploaded_by=user.id if user else None)
    model.Session.add(document)
    model.Session.flush()
    round_history.record(round_, "document_add", document.uploaded_by, {
        "title": document.title, "file_name": document.file_name})
    storage.save_round_document(document.id, content)
    _commit(context)
    return document.dictize()


@tk.side_effect_free
def satudata_round_document_list(context: Context, data_dict: DataDict
                                 ) -> list[dict[str, Any]]:
    """The documents uploaded to a round, oldest first.

    :param id: id or name of the round
    :rtype: list of dictionaries
    """
    tk.check_access("satudata_round_document_list", context, data_dict)
    round_ = _round(context, data_dict)
    return [d.dictize() for d in model.Session.execute(
        sa.select(RoundDocument).where(RoundDocument.round_id == round_.id)
        .order_by(RoundDocument.uploaded_at, RoundDocument.id)).scalars()]


@tk.side_effect_free
def satudata_round_document_export(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The file of a round's document.

    :param id: id of the document
    :param round_id: id or name of its round (optional, as for a letter)
    :returns: ``{"filename", "mimetype", "content"}``, the content base64-encoded
    :rtype: dictionary
    """
    tk.check_access("satudata_round_document_export", context, data_dict)
    document = _get(RoundDocument, context, data_dict, tk._("Document not found"))
    path = storage.round_document_path(document.id)
    if path is None:
        raise tk.ObjectNotFound(tk._("The file of this document is missing"))
    try:
        with open(path, "rb") as f:
            content = f.read()
    except FileNotFoundError:
        raise tk.ObjectNotFound(tk._("The file of this document is missing"))
    return _file(document.file_name, document.mimetype, content)


def satudata_round_document_delete(context: Context, data_dict: DataDict) -> None:
    """Remove a document from its round (and its file).

    :param id: id of the document
    """
    tk.check_access("satudata_round_document_delete", context, data_dict)
    document = _get(RoundDocument, context, data_dict, tk._("Document not found"))
    # two removals at once: the second waits, then finds it gone (404)
    document = model.Session.execute(
        sa.select(RoundDocument).where(RoundDocument.id == document.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if document is None:
        raise tk.ObjectNotFound(tk._("Document not found"))
    ref = document.id
    user = roles.user_obj(context.get("user"))
    round_ = model.Session.get(CollectionRound, document.round_id)
    round_history.record(round_, "document_remove", user.id if user else None, {
        "title": document.title, "file_name": document.file_name})
    model.Session.delete(document)
    if not context.get("defer_commit"):
        model.Session.commit()
        storage.delete_round_document(ref)  # once the row is gone for good

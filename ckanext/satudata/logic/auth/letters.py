# -*- coding: utf-8 -*-
"""Auth of a round's letters and uploaded documents.

* the letters and documents of a round: walidata staff, and the producers
  of the OPDs that received the round's requests (never of a draft round);
  a producer sees only the Surat Permintaan Data addressed to their OPD,
  never the Berita Acara (it covers every OPD);
* issuing the Berita Acara Verifikasi: the verifiers and the walidata
  administrators;
* uploading and removing documents: walidata staff.

A letter or a document the caller may not see is not found, as a made-up
id (a 403 confirmed to an outsider that it exists).
"""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ...lib import roles
from ...lib.letters import PERMINTAAN
from ...model import CollectionRound, Letter, RoundDocument
from ._common import allow, has_chain_role, refuse, staff_or_any_producer

__all__ = ["satudata_letter_list", "satudata_letter_export", "satudata_letter_issue",
           "satudata_round_document_create", "satudata_round_document_list",
           "satudata_round_document_export", "satudata_round_document_delete"]


def _get(entity: Any, data_dict: DataDict, missing: str) -> Any:
    ref = roles.clean_id((data_dict or {}).get("id"))
    found = model.Session.get(entity, ref) if ref else None
    if found is None:
        raise tk.ObjectNotFound(missing)
    return found


def _round_reader(context: Context, round_ref: Any) -> bool:
    return staff_or_any_producer(context, round_ref if isinstance(round_ref, str) else "")


def satudata_letter_list(context: Context, data_dict: DataDict) -> AuthResult:
    if _round_reader(context, (data_dict or {}).get("id")):
        return allow()
    return refuse(tk._("Not authorized to see the letters of this round"))


def satudata_letter_export(context: Context, data_dict: DataDict) -> AuthResult:
    letter = _get(Letter, data_dict, tk._("Letter not found"))
    user = context.get("user")
    if roles.is_walidata_staff(user) or (
            letter.kind == PERMINTAAN and roles.is_producer(user, letter.owner_org)):
        return allow()
    # not found, as a made-up id: a 403 confirmed that the letter exists
    raise tk.ObjectNotFound(tk._("Letter not found"))


def satudata_letter_issue(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.is_walidata_admin(context.get("user")) or has_chain_role(context, 0):
        return allow()
    return refuse(tk._("Only verifiers and walidata administrators can issue the Berita "
                       "Acara"))


def satudata_round_document_create(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.is_walidata_staff(context.get("user")):
        return allow()
    return refuse(tk._("Only walidata staff can manage the documents of a round"))


def satudata_round_document_delete(context: Context, data_dict: DataDict) -> AuthResult:
    _get(RoundDocument, data_dict, tk._("Document not found"))
    return satudata_round_document_create(context, data_dict)


def satudata_round_document_list(context: Context, data_dict: DataDict) -> AuthResult:
    if _round_reader(context, (data_dict or {}).get("id")):
        return allow()
    return refuse(tk._("Not authorized to see the documents of this round"))


def satudata_round_document_export(context: Context, data_dict: DataDict) -> AuthResult:
    document = _get(RoundDocument, data_dict, tk._("Document not found"))
    round_ = model.Session.get(CollectionRound, document.round_id)
    if round_ is not None and _round_reader(context, round_.id):
        return allow()
    raise tk.ObjectNotFound(tk._("Document not found"))  # as a made-up id

# -*- coding: utf-8 -*-
"""The SK decree documents (PDF) of Daftar Data items, kept in CKAN's
storage (``<ckan.storage_path>/storage/uploads/satudata_sk/<item id>.pdf``)
and served by ``/permintaan-data/daftar-data/<id>/sk.pdf`` to whoever may
see the item."""
from __future__ import annotations

import os
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.lib.uploader import get_storage_path

__all__ = ["MAX_MB", "path_for", "read_upload", "save"]

MAX_MB = 10


def path_for(item_id: str) -> Optional[str]:
    storage = get_storage_path()
    if not storage:
        return None
    return os.path.join(storage, "storage", "uploads", "satudata_sk", f"{item_id}.pdf")


def read_upload(upload: Any) -> Optional[bytes]:
    """The bytes of an uploaded SK (a multipart file or bytes), checked to be
    a PDF of at most ``MAX_MB`` MB; None when nothing was uploaded."""
    if upload is None or upload == "":
        return None
    if isinstance(upload, (bytes, bytearray)):
        content = bytes(upload)
    else:
        if not getattr(upload, "filename", "x"):
            return None
        stream = getattr(upload, "stream", upload)
        content = stream.read(MAX_MB * 1024 * 1024 + 1)
    if not content:
        return None
    if len(content) > MAX_MB * 1024 * 1024:
        raise tk.ValidationError({"sk_upload": [
            tk._("The SK document may be at most %(mb)s MB") % {"mb": MAX_MB}]})
    if not content.startswith(b"%PDF"):
        raise tk.ValidationError({"sk_upload": [tk._("The SK document must be a PDF file")]})
    return content


def save(item_id: str, content: bytes) -> str:
    """Store the PDF and return the URL that serves it."""
    path = path_for(item_id)
    if path is None:
        raise tk.ValidationError({"sk_upload": [
            tk._("File uploads are not configured (ckan.storage_path)")]})
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + "~"
    with open(tmp, "wb") as out:
        out.write(content)
    os.replace(tmp, path)
    return tk.url_for("satudata_workflow.daftar_data_sk", item_id=item_id)

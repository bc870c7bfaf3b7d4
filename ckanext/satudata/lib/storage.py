# -*- coding: utf-8 -*-
"""Uploaded data files: the size limit, checked before anything is stored.

CKAN refuses a file over ``ckan.max_resource_size`` (megabytes) only while
copying it, after the dataset was already updated in the transaction, and
with an untranslated message; :func:`refuse_oversized` refuses it first,
with a translated message under the resource form's ``upload`` field.
"""
from __future__ import annotations

import os
from typing import Any

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk

__all__ = ["upload_size", "refuse_oversized"]

MB = 1024 * 1024


def upload_size(upload: Any) -> int | None:
    """The size in bytes of an uploaded file (a werkzeug ``FileStorage`` or
    CGI field storage), None when it is not an upload or cannot be told."""
    stream = getattr(upload, "stream", None) or getattr(upload, "file", None)
    if stream is None or not getattr(upload, "filename", None):
        return None
    try:
        position = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return size


def refuse_oversized(data_dict: dict[str, Any]) -> None:
    """A ``ValidationError`` on ``upload`` when the file uploaded with a
    resource is larger than ``ckan.max_resource_size``."""
    size = upload_size(data_dict.get("upload"))
    limit = uploader.get_max_resource_size()
    if size is not None and size > limit * MB:
        raise tk.ValidationError({"upload": [tk._(
            "The file is too large: %(size)s MB, the limit is %(limit)s MB") % {
                "size": f"{size / MB:.1f}", "limit": limit}]})

# -*- coding: utf-8 -*-
"""Resource downloads that never fail on a stored link that is not a web
address.

CKAN's ``/dataset/<id>/resource/<resource_id>/download`` redirects to the
resource's URL; for a link that is neither an ``http(s)``/``ftp`` URL nor a
path (e.g. a ``javascript:`` URL stored before links were restricted to
``http(s)``) the redirect fails with an error page. The same URLs are
registered here first (the first rule registered for a URL wins): such a
download answers 404 with a message; every other download is handed to
CKAN's own view.

An uploaded file is served from the portal's own address, so a file a
browser would run (an HTML page, an SVG image with a script) ran with the
session of whoever opened it, a walidata administrator included: CKAN
serves every upload ``inline`` with the type its name gives. Here only the
types a browser shows without running anything (PDF, pictures, CSV, plain
text, JSON) are shown; every other file is downloaded (``attachment``) and
sandboxed (and, as every answer, never type-sniffed: :mod:`.headers`).
"""
from __future__ import annotations

import logging
from typing import Any, Optional
from urllib.parse import unquote

from flask import Blueprint

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.views import resource as core_resource

log = logging.getLogger(__name__)

satudata_downloads = Blueprint("satudata_downloads", __name__)


@satudata_downloads.route("/dataset/<id>/resource/<resource_id>/download")
@satudata_downloads.route("/dataset/<id>/resource/<resource_id>/download/<filename>")
def download(id: str, resource_id: str, filename: Optional[str] = None) -> Any:
    user = tk.current_user.name if tk.current_user.is_authenticated else ""  # type: ignore
    try:
        resource = tk.get_action("resource_show")(
            {"user": user}, {"id": resource_id})  # type: ignore[arg-type]
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return tk.abort(404, tk._("Resource not found"))
    dataset = model.Package.get(id)
    if dataset is None or dataset.id != resource.get("package_id"):
        # another dataset's address (a file shown as one dataset's, under
        # any name the address gave it)
        return tk.abort(404, tk._("Resource not found"))
    url = resource.get("url") or ""
    if resource.get("url_type") == "upload":
        # its own name, not the address's (nor, with none there, the last
        # piece of its storage path: "71-d4f1-…")
        filename = unquote(url.rsplit("/", 1)[-1]) or filename
    if resource.get("url_type") != "upload" and not (
            tk.h.is_url(url) or url.startswith("/")):
        return tk.abort(404, tk._("This resource has no web address to download from"))
    try:
        response = core_resource.download("dataset", id, resource_id, filename)
    except (FileNotFoundError, IsADirectoryError):  # the storage lost it: tell the admin
        log.warning("The stored file of resource %s is missing", resource_id)
        return tk.abort(404, tk._("The file of this resource is not on the server"))
    return _served_safely(response)


#: types a browser shows without running anything in them
_SHOWN = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
                    "text/csv", "text/plain", "application/json"})


def _served_safely(response: Any) -> Any:
    """An uploaded file's answer: downloaded and sandboxed unless its type
    is one of :data:`_SHOWN` (a link's redirect is left as it is)."""
    if response.status_code == 200 and response.mimetype not in _SHOWN:
        disposition = response.headers.get("Content-Disposition", "")
        name = disposition.partition(";")[2]
        response.headers["Content-Disposition"] = "attachment" + (";" + name if name else "")
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response

# -*- coding: utf-8 -*-
"""Resource downloads that never fail on a stored link that is not a web
address.

CKAN's ``/dataset/<id>/resource/<resource_id>/download`` redirects to the
resource's URL; for a link that is neither an ``http(s)``/``ftp`` URL nor a
path (e.g. a ``javascript:`` URL stored before links were restricted to
``http(s)``) the redirect fails with an error page. The same URLs are
registered here first (the first rule registered for a URL wins): such a
download answers 404 with a message; every other download is handed to
CKAN's own view unchanged.
"""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.views import resource as core_resource

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
    url = resource.get("url") or ""
    if resource.get("url_type") != "upload" and not (
            tk.h.is_url(url) or url.startswith("/")):
        return tk.abort(404, tk._("This resource has no web address to download from"))
    return core_resource.download("dataset", id, resource_id, filename)

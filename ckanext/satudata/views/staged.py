# -*- coding: utf-8 -*-
"""The page of a table only a published dataset's staged revision holds.

A table the revision adds, or a new file it brings, is kept under a new
resource id until the revision is published; CKAN's resource page looks it up
in the live dataset and answered 404, also where CKAN itself sends the
producer (after saving the table's edit form, the links of the resource
list). The same URL is registered here first (the first rule registered for
a URL wins): for whoever may read the revision, such a table's page (and its
views page: a staged table has none) is the staged table's own page, which
shows the whole file and says why it is not public
(``satudata_dissemination.staged_table``); every other resource page is
CKAN's own.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.views import resource as core_resource

from ..lib import publishing, roles
from ._common import context

satudata_staged = Blueprint("satudata_staged", __name__)


def _staged_page(id: str, resource_id: str) -> Any:
    """The revision's page, with a notice, for an editor asking for a page
    of a table only the staged revision holds; None otherwise."""
    if (roles.clean_id(resource_id) and model.Resource.get(resource_id) is None
            and publishing.staged_holding(resource_id) is not None):
        try:
            tk.get_action("resource_show")(context(), {"id": resource_id})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            return None
        # the table's own page, which says why it is not public (the
        # revision's page was a dead end: no table, no way back)
        return tk.redirect_to("satudata_dissemination.staged_table", id=id,
                              resource_id=resource_id)
    return None


@satudata_staged.route("/dataset/<id>/resource/<resource_id>")
def read(id: str, resource_id: str) -> Any:
    return _staged_page(id, resource_id) or core_resource.read("dataset", id, resource_id)


@satudata_staged.route("/dataset/<id>/resource/<resource_id>/views")
def views(id: str, resource_id: str) -> Any:
    """The views of a staged table: none until it is published."""
    return _staged_page(id, resource_id) or core_resource.views("dataset", id, resource_id)

# -*- coding: utf-8 -*-
"""The results of the checks of a dataset's data files (validation against
the declared variables, personal-data screening; see
:mod:`ckanext.satudata.lib.datacheck`)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...lib import datacheck, publishing
from ...lib.states import State
from ...model import DataRequest
from .. import schema
from ._common import readable_or_not_found

__all__ = ["satudata_data_check_list"]


def _validated(data_dict: DataDict, context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict), schema.data_check_list(), context)
    if errors:
        raise tk.ValidationError(errors)
    return data


@tk.side_effect_free
def satudata_data_check_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The results of the checks of a dataset's data files: each uploaded
    CSV/XLSX table validated against the declared variables and screened for
    personal data (:mod:`ckanext.satudata.lib.datacheck`). For a dataset
    with a staged revision, the revision's files, for those who may see it.
    Checks nothing: a file not yet checked (the job is queued) is
    ``pending``.

    :param id: the dataset's id or name
    :param request_id: one data request of the dataset (optional): only the
        files that request answers for (its period's tables, and the staged
        ones when its revision holds them), as its page lists them
    :returns: ``files`` (``resource_id``, ``name``, ``status`` — ``valid``,
        ``invalid``, ``personal``, ``unreadable`` or ``pending`` —,
        ``error_count``, ``errors`` and ``finding_count``, ``findings``, each
        with its ``row``, ``column``, ``letter``, ``field`` and translated
        ``message``, personal values masked; ``overridden``), ``linked``
        (names of linked files, not checked), ``request_id``; no files for
        a dataset of no data request (the workflow's datasets are checked)
    :rtype: dictionary
    """
    readable_or_not_found(context, (data_dict or {}).get("id"))  # not found, as its page says
    tk.check_access("satudata_data_check_list", context, data_dict)
    data = _validated(data_dict, context)
    # the auth function decided who may see the results
    pkg = tk.get_action("package_show")(
        {"ignore_auth": True, "for_view": False}, {"id": data["id"]})  # type: ignore
    request = model.Session.get(DataRequest, data["request_id"]) \
        if data.get("request_id") else None
    if data.get("request_id"):
        # one the caller may not read is not found, as a made-up one (which
        # was ignored): another OPD learnt which ids exist
        try:
            if request is None:
                raise tk.NotAuthorized
            tk.check_access("satudata_request_show", context, {"id": request.id})
        except tk.NotAuthorized:
            raise tk.ObjectNotFound(tk._("Data request not found")) from None
    if request is not None and request.package_id != pkg["id"]:
        raise tk.ValidationError({"request_id": [tk._("Not a data request of this dataset")]})
    staged = publishing.staged_for(pkg["id"])
    if staged is not None and (request is None or staged.request_id in (None, request.id)):
        try:
            tk.check_access("satudata_revision_show", context, {"id": pkg["id"]})
            pkg = dict(staged.data, id=pkg["id"])
        except tk.NotAuthorized:
            pass
    if request is not None:  # another period's tables are that period's request's
        others = publishing.other_periods_tables(request)
        pkg = dict(pkg, resources=[r for r in pkg.get("resources") or []
                                   if not isinstance(r, dict) or r.get("id") not in others])
    request_id = request.id if request is not None else model.Session.execute(
        sa.select(DataRequest.id).where(DataRequest.package_id == pkg["id"],
                                        DataRequest.state != State.CANCELLED.value)
        .limit(1)).scalar()
    if request_id is None:
        # a dataset outside the workflow is never checked (its files said
        # "waiting for the check" for good)
        return {"files": [], "linked": [], "request_id": None}
    covered = datacheck.overridden(request_id) if request_id else set()
    return {"files": datacheck.present(datacheck.entries(pkg), covered),
            "linked": [r.get("name") or r.get("url") for r in datacheck.linked_files(pkg)],
            "request_id": request_id}

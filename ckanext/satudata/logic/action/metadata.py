# -*- coding: utf-8 -*-
"""Actions of the metadata schema: completeness check, the Excel metadata
template and its import, and the reference code lists."""
from __future__ import annotations

import base64
from typing import Any

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...lib import metadata, metadata_workbook, reference
from .. import schema
from ..validators import bad_value_message
from ._common import readable_or_not_found, validate as _validate
from .chained import lock_dataset_for_change

__all__ = ["satudata_metadata_check", "satudata_metadata_template",
           "satudata_metadata_import", "satudata_reference_list"]

@tk.side_effect_free
def satudata_metadata_check(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """How complete a dataset's metadata is for a level.

    :param id: the id or name of the dataset
    :type id: string
    :param level: ``submit`` (default: what submitting for verification
        needs) or ``draft`` (what saving needs)
    :type level: string
    :returns: ``id``, ``name``, ``level``, ``complete`` (bool), ``percent``
        (0-100), ``missing`` (``[{"field", "label"}]`` in schema order,
        labels in the request's language), ``filled``, ``total``,
        ``checklist`` (every field of the level with ``filled``) and
        ``errors`` (``{field: [message]}``: the errors with which a
        submission of the dataset would be refused at this level)
    :rtype: dictionary
    """
    readable_or_not_found(context, (data_dict or {}).get("id"))  # not found, as its page says
    tk.check_access("satudata_metadata_check", context, data_dict)
    data = _validate(data_dict, schema.metadata_check(), context)
    pkg = tk.get_action("package_show")(dict(context), {"id": data["id"]})
    result = metadata.completeness(pkg, data["level"])
    result["checklist"] = metadata.checklist(pkg, data["level"])
    result["errors"] = metadata.level_errors(pkg, data["level"])
    return {"id": pkg["id"], "name": pkg["name"], **result}


@tk.side_effect_free
def satudata_metadata_template(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The XLSX metadata template of a dataset, pre-filled with its metadata,
    with labels in the request's language.

    :param id: the id or name of the dataset
    :type id: string
    :returns: ``filename``, ``mimetype`` and ``content`` (the workbook,
        base64-encoded)
    :rtype: dictionary
    """
    readable_or_not_found(context, (data_dict or {}).get("id"))  # not found, as its page says
    tk.check_access("satudata_metadata_template", context, data_dict)
    data = _validate(data_dict, schema.dataset_ref(), context)
    # its editors get what they are changing: a published dataset's staged
    # revision (the live version's template, imported again, threw away the
    # revision's changes prepared since)
    pkg = tk.get_action("package_show")(dict(context, for_edit=True), {"id": data["id"]})
    content = metadata_workbook.build_template(pkg)
    return {"filename": f"metadata-{pkg['name']}.xlsx",
            "mimetype": metadata_workbook.XLSX_MIMETYPE,
            "content": base64.b64encode(content).decode("ascii")}


def satudata_metadata_import(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Update a dataset's metadata from a filled-in XLSX template.

    Every error of the file is reported at once, keyed by field name with
    the cell it comes from (``"Metadata!D9: ..."``, ``"Variabel!C4: ..."``);
    nothing is saved from a file with errors.

    :param id: the id or name of the dataset
    :type id: string
    :param upload: the workbook (a multipart file upload)
    :type upload: file
    :returns: ``dataset`` (the updated dataset), ``fields`` (the fields the
        file changed: only those are written, a colleague's change to another
        field since the download stays) and ``completeness`` (submit level)
    :rtype: dictionary
    :raises ValidationError: with the errors of the file
    """
    readable_or_not_found(context, (data_dict or {}).get("id"))
    tk.check_access("satudata_metadata_import", context, data_dict)
    data = _validate({"id": data_dict.get("id")}, schema.dataset_ref(), context)
    upload = data_dict.get("upload")
    if upload is None or upload == "" or (hasattr(upload, "filename") and not upload.filename):
        raise tk.ValidationError({"upload": [tk._("Choose the filled-in Excel template")]})

    # what the producer edits: a published dataset's staged revision (the
    # live version, merged and staged over it, undid the revision's edits
    # and dropped or brought back its tables), read under the dataset's lock
    # (two imports at once each merged into what it had read: one was lost)
    package = model.Package.get(data["id"])
    if package is not None:
        lock_dataset_for_change(context, package.id)
    pkg = tk.get_action("package_show")(dict(context, for_edit=True, use_cache=False),
                                        {"id": data["id"]})
    parsed = metadata_workbook.read_workbook(upload, pkg.get("type") or "dataset")
    errors = list(parsed.errors) + metadata_workbook.refused_cells(parsed, bad_value_message)
    if parsed.identifier and parsed.identifier != pkg["id"]:
        errors.append(metadata_workbook.CellError("", "", "upload", tk._(
            "This file is the template of another dataset; download the template of "
            "this dataset")))
    if any(e.field == "upload" and not e.cell for e in errors):
        raise tk.ValidationError(metadata_workbook.error_dict(errors))

    new_pkg = metadata_workbook.merge(pkg, parsed)
    errors.extend(metadata_workbook.cell_errors(_dry_run_errors(context, new_pkg), parsed))
    if errors:
        raise tk.ValidationError(metadata_workbook.error_dict(errors))

    # the metadata only: the tables stay as the dataset (or its revision)
    # holds them when the update runs, one uploaded meanwhile included
    new_pkg.pop("resources", None)
    updated = tk.get_action("package_update")(dict(context, allow_partial_update=True),
                                              new_pkg)
    return {"dataset": updated,
            "fields": sorted(metadata_workbook.changed(parsed)),
            "completeness": metadata.completeness(updated, "submit")}


def _dry_run_errors(context: Context, pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The errors ``package_update`` would raise for ``pkg_dict``, without saving."""
    package = model.Package.get(pkg_dict["id"])
    plugin = lib_plugins.lookup_package_plugin(package.type if package else None)
    validate_context: Context = {"model": model, "session": model.Session,
                                 "user": context.get("user", ""), "package": package}
    _data, errors = lib_plugins.plugin_validate(
        plugin, validate_context, dict(pkg_dict), plugin.update_package_schema(),
        "package_update")
    return errors


@tk.side_effect_free
def satudata_reference_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Codes of a reference list, for searchable selects and API clients.

    :param list: ``wilayah`` (38 provinces and 514 kabupaten/kota,
        Kemendagri codes), ``urusan`` (government affairs, UU 23/2014),
        ``frequency``, ``data_status``, ``collection_method``,
        ``presentation_level``, ``data_type``, ``sdgs``, ``yes_no`` or
        ``urusan_group``
    :type list: string
    :param q: only codes whose code or label contains this text (optional)
    :type q: string
    :param parent: only the children of this code, e.g. the kabupaten/kota
        of a province (optional)
    :type parent: string
    :param level: ``wilayah`` only: ``province`` or ``regency`` (optional)
    :type level: string
    :param limit: at most this many codes (default and maximum 1000)
    :type limit: int
    :returns: ``list``, ``title``, ``count`` and ``results``: ``[{"code",
        "label" (request language), "label_id", "label_en", "parent",
        "level"}]`` in reference order
    :rtype: dictionary
    """
    tk.check_access("satudata_reference_list", context, data_dict)
    data = _validate(data_dict, schema.reference_list(), context)
    found = reference.search(data["list"], data.get("q", ""), data.get("parent"),
                             data.get("level"), min(int(data["limit"]), schema.REFERENCE_LIMIT_MAX))
    lang = reference.current_language()
    return {"list": data["list"], "title": reference.list_title(data["list"]),
            "count": len(found), "results": [c.as_dict(lang) for c in found]}

# -*- coding: utf-8 -*-
"""Template helpers of the metadata schema (re-exported by :mod:`.helpers`):
code labels for display, choices for the scheming forms, the grouped
metadata of the dataset page and the completeness checklist of the edit page.
None of them touches the database."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import metadata, reference

__all__ = [
    "satudata_code_choices", "satudata_code_labels", "satudata_selected_codes",
    "satudata_flag_label", "satudata_metadata_groups", "satudata_form_group",
    "satudata_metadata_completeness", "satudata_is_walidata_organization",
]

#: core fields the dataset page already shows elsewhere (title, notes, tags,
#: organization, license in the sidebar)
_SHOWN_ELSEWHERE = {"title", "name", "notes", "tag_string", "owner_org", "license_id"}


def satudata_code_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """scheming ``choices_helper``: the choices of the field's ``satudata_code_list``."""
    return reference.scheming_choices(field["satudata_code_list"])


def satudata_code_labels(list_name: str, value: Any) -> list[str]:
    """Labels (reader's language) of one code or a list of codes; a
    kabupaten/kota is shown with its province."""
    codes = reference.as_code_list(_flag_code(value))
    if list_name == reference.WILAYAH:
        return [reference.wilayah_label(c) for c in codes]
    return [reference.label(list_name, c) for c in codes]


def _flag_code(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower()
    return value


def satudata_selected_codes(value: Any) -> list[str]:
    """The codes selected in a form field (a code, a list, a JSON list or a flag)."""
    return reference.as_code_list(_flag_code(value))


def satudata_flag_label(value: Any) -> str:
    """``Ya``/``Tidak`` (``Yes``/``No``) for a stored flag; empty when unset."""
    if value is None or value == "":
        return ""
    return reference.label("yes_no", _flag_code(value))


def satudata_metadata_groups(pkg_dict: dict[str, Any],
                             dataset_type: str | None = None) -> list[dict[str, Any]]:
    """The groups of the dataset page (standar data, indikator, variabel,
    cakupan, sumber, urusan, kontak), each with the fields that have a value;
    empty groups are left out."""
    groups = metadata.field_groups(dataset_type or pkg_dict.get("type") or "dataset")
    shown = []
    for group in groups:
        fields = [f for f in group["fields"]
                  if f["field_name"] not in _SHOWN_ELSEWHERE
                  and f.get("display_snippet", "") is not None
                  and metadata.is_filled(f, pkg_dict)]
        if fields:
            shown.append(dict(group, fields=fields))
    return shown


def satudata_form_group(field: dict[str, Any],
                        dataset_type: str = "dataset") -> dict[str, Any] | None:
    """The group a form field belongs to (for the group headings of the form)."""
    name = field.get("satudata_group")
    for group in metadata.dataset_schema(dataset_type).get("satudata_field_groups", []):
        if group["name"] == name:
            return group
    return None


def satudata_metadata_completeness(pkg_dict: dict[str, Any],
                                   level: str = "submit") -> dict[str, Any]:
    """:func:`metadata.completeness` plus the full ``checklist``."""
    result = metadata.completeness(pkg_dict, level)
    result["checklist"] = metadata.checklist(pkg_dict, level)
    return result


def satudata_is_walidata_organization(name_or_id: str | None) -> bool:
    """Whether the organization is the walidata (``satudata.walidata_organization``)."""
    return bool(name_or_id) and name_or_id == tk.config.get("satudata.walidata_organization")


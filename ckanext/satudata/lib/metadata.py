# -*- coding: utf-8 -*-
"""Metadata completeness of a satudata dataset: which fields a level requires
(``draft`` to save, ``submit`` to submit for verification) and which are
missing.

The levels come from the scheming dataset schema: a field marked
``satudata_required: draft`` is needed to save at all (CKAN requires title,
name and owner organization anyway), one marked ``satudata_required: submit``
only to submit. Malformed values are refused at any level by the schema's
validators; this module only answers "is it filled in?". The workflow
calls :func:`completeness` at submit time and records its
percentage, and :func:`submit_errors` gives the ValidationError dict with
which a submission is refused.

Besides its metadata a submission needs data: at least one resource that is
a CSV or XLSX file (:func:`is_data_resource`), uploaded or linked. A link
counts as a file does (a producer may keep the table on the OPD's own
server); a resource of another format (a PDF, a web page) does not.
"""
from __future__ import annotations

import json
import re
from urllib.parse import unquote
from typing import Any, Optional, Iterable

import ckan.plugins.toolkit as tk

from . import reference
from .states import blank

LEVELS = ("draft", "submit")
DATASET_TYPE = "dataset"
#: the formats of a data resource (lower case, as CKAN's format field or a file suffix)
DATA_FORMATS = ("csv", "xlsx")
#: the MIME types CKAN records for uploads of those formats
DATA_MIMETYPES = ("text/csv",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def dataset_schema(dataset_type: str = DATASET_TYPE) -> dict[str, Any]:
    """The expanded scheming schema of a dataset type."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type)
    if not schema:
        raise RuntimeError(
            "the satudata_datasets plugin with the satudata dataset schema is not loaded")
    return schema


def field_label(field: dict[str, Any], lang: str | None = None) -> str:
    """The label of a scheming field in ``lang`` (default: the portal language)."""
    text = field.get("label", field["field_name"])
    if isinstance(text, dict):
        lang = lang or reference.current_language()
        return text.get(lang) or text.get("id") or next(iter(text.values()))
    return tk._(text)


def required_fields(level: str = "submit",
                    dataset_type: str = DATASET_TYPE) -> list[dict[str, Any]]:
    """The scheming fields a level requires, in schema order; ``submit``
    includes the ``draft`` ones."""
    if level not in LEVELS:
        raise ValueError(f"unknown completeness level {level!r}; expected one of {LEVELS}")
    wanted = set(LEVELS[: LEVELS.index(level) + 1])
    return [f for f in dataset_schema(dataset_type)["dataset_fields"]
            if f.get("satudata_required") in wanted]


def is_filled(field: dict[str, Any], pkg_dict: dict[str, Any]) -> bool:
    """Whether the dataset has a value for the field. Works on package_show
    output and on the raw data of a re-rendered form."""
    name = field["field_name"]
    if "repeating_subfields" in field:
        # the rows given, each with the subfields a row needs (a variable
        # without a name counted, and the dataset was submitted with it)
        given = _given_rows(field, pkg_dict)
        return bool(given) and all(_has_value(r.get(f["field_name"])) for r in given
                                   for f in _row_needs(field))
    if name == "tag_string":
        return _has_value(pkg_dict.get("tag_string")) or bool(pkg_dict.get("tags"))
    if name == "license_id":
        return _has_value(pkg_dict.get("license_id")) and pkg_dict["license_id"] != "notspecified"
    return _has_value(pkg_dict.get(name))


def _given_rows(field: dict[str, Any], pkg_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the composite ``field`` with a value, from package_show
    output or from a re-rendered form (``name-0-key``)."""
    name = field["field_name"]
    rows = pkg_dict.get(name)
    if not isinstance(rows, list):
        prefix, grouped = name + "-", {}
        for key, value in pkg_dict.items():
            parts = key.split("-", 2) if key.startswith(prefix) else []
            if len(parts) == 3:
                grouped.setdefault(parts[1], {})[parts[2]] = value
        rows = list(grouped.values())
    return [r for r in rows if isinstance(r, dict) and any(_has_value(v) for v in r.values())]


def incomplete_rows(field: dict[str, Any], pkg_dict: dict[str, Any]
                    ) -> tuple[list[int], list[dict[str, Any]]]:
    """The numbers (from 1) of the rows of the composite ``field`` given
    with a subfield a row needs left empty, and the subfields each row
    needs; ``([], [])`` for another field."""
    if "repeating_subfields" not in field:
        return [], []
    needs = _row_needs(field)
    return [n for n, row in enumerate(_given_rows(field, pkg_dict), 1)
            if not all(_has_value(row.get(f["field_name"])) for f in needs)], needs


def _row_needs(field: dict[str, Any]) -> list[dict[str, Any]]:
    """The subfields each row of a composite field needs."""
    return [f for f in field["repeating_subfields"] if f.get("satudata_required")]


def _has_value(value: Any) -> bool:
    if value is None or value is tk.missing:
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, str):
        return bool(reference.as_code_list(value)) if value.strip().startswith("[") \
            else bool(value.strip())
    if isinstance(value, (list, tuple, dict, set)):
        return any(_has_value(v) for v in (value.values() if isinstance(value, dict) else value))
    return True


def missing_fields(pkg_dict: dict[str, Any], level: str = "submit",
                   lang: str | None = None) -> list[dict[str, str]]:
    """``[{"field": name, "label": label}]`` of the fields the level needs
    and the dataset lacks, in schema order."""
    dataset_type = pkg_dict.get("type") or DATASET_TYPE
    return [{"field": f["field_name"], "label": field_label(f, lang)}
            for f in required_fields(level, dataset_type) if not is_filled(f, pkg_dict)]


def completeness(pkg_dict: dict[str, Any], level: str = "submit") -> dict[str, Any]:
    """``{"level", "complete": bool, "percent": int 0-100,
    "missing": [{"field": name, "label": translated label}]}``

    ``percent`` is the share of the level's fields that are filled in; it is
    100 only when nothing is missing.
    """
    dataset_type = pkg_dict.get("type") or DATASET_TYPE
    fields = required_fields(level, dataset_type)
    missing = missing_fields(pkg_dict, level)
    total = len(fields)
    filled = total - len(missing)
    percent = 100 if not missing else min(99, int(round(100 * filled / total))) if total else 0
    return {"level": level, "complete": not missing, "percent": percent,
            "missing": missing, "filled": filled, "total": total}


def checklist(pkg_dict: dict[str, Any], level: str = "submit") -> list[dict[str, Any]]:
    """Every field the level needs with ``{"field", "label", "filled", "group",
    "incomplete"}``, for the checklist of the edit page; ``incomplete``: the
    numbers of a composite field's rows given without what a row needs (the
    checklist said "missing: variables" of four variables typed, one without
    its data type)."""
    dataset_type = pkg_dict.get("type") or DATASET_TYPE
    items = []
    for f in required_fields(level, dataset_type):
        filled = is_filled(f, pkg_dict)
        items.append({"field": f["field_name"], "label": field_label(f), "filled": filled,
                      "group": f.get("satudata_group", ""),
                      "incomplete": [] if filled else incomplete_rows(f, pkg_dict)[0]})
    return items


def level_errors(pkg_dict: dict[str, Any], level: str = "submit") -> dict[str, list[str]]:
    """``{field_name: [message]}`` for each field the level needs and the
    dataset lacks, in schema order."""
    message = (tk._("Required before the dataset can be submitted for verification")
               if level == "submit" else tk._("Missing value"))
    fields = {f["field_name"]: f for f in required_fields(level, pkg_dict.get("type")
                                                          or DATASET_TYPE)}
    return {m["field"]: [_rows_message(fields[m["field"]], pkg_dict) or message]
            for m in missing_fields(pkg_dict, level)}


def _rows_message(field: dict[str, Any], pkg_dict: dict[str, Any]) -> Optional[str]:
    """For a composite field with rows that lack what a row needs (a
    variable with no name): what each row needs; else None."""
    if "repeating_subfields" not in field or not _given_rows(field, pkg_dict):
        return None
    return tk._("Each row needs its %(fields)s") % {"fields": ", ".join(
        field_label(f).lower() for f in _row_needs(field))}


def data_file_label(resource: dict[str, Any]) -> str:
    """What a data file is called where it is listed: its name, else the
    file name its address ends with (the whole address, with its host and
    the uploader's language prefix, read as the file's title)."""
    if resource.get("name"):
        return str(resource["name"])
    path = str(resource.get("url") or "").split("?", 1)[0].split("#", 1)[0]
    return unquote(path.rstrip("/").rsplit("/", 1)[-1])


def data_file_kind(resource: dict[str, Any]) -> Optional[str]:
    """``"csv"`` or ``"xlsx"`` when a resource holds a data table: its format
    (or MIME type) says so, or its file name or URL ends in ``.csv`` or
    ``.xlsx``; None otherwise. The one rule for submission, previews and the
    publication."""
    for value in (resource.get("format"), resource.get("mimetype")):
        text = str(value or "").strip().lower().lstrip(".")
        for kind, mimetype in zip(DATA_FORMATS, DATA_MIMETYPES):
            if text in (kind, mimetype):
                return kind
    path = str(resource.get("url") or "").split("?", 1)[0].split("#", 1)[0].lower()
    return next((kind for kind in DATA_FORMATS if path.endswith(f".{kind}")), None)


def is_data_resource(resource: dict[str, Any]) -> bool:
    """Whether a resource is a data file a submission can rest on: an active
    CSV or XLSX resource (:func:`data_file_kind`), uploaded or linked alike."""
    return (resource.get("state", "active") == "active"
            and data_file_kind(resource) is not None)


def data_errors(pkg_dict: dict[str, Any]) -> dict[str, list[str]]:
    """``{"resources": [message]}`` when the dataset has no data resource
    (:func:`is_data_resource`), else empty."""
    if any(is_data_resource(r) for r in pkg_dict.get("resources") or []
           if isinstance(r, dict)):
        return {}
    return {"resources": [tk._(
        "Data file missing: add at least one resource with the data as a CSV or XLSX "
        "file (upload it or link to it) before submitting")]}


def submit_errors(pkg_dict: dict[str, Any]) -> dict[str, list[str]]:
    """``{field_name: [message]}`` for each field a submission needs and the
    dataset lacks, and ``{"resources": [message]}`` without a data file
    (:func:`data_errors`): the error dict of the ``tk.ValidationError`` with
    which a submission is refused. Empty when the dataset can be submitted."""
    return {**level_errors(pkg_dict, "submit"), **data_errors(pkg_dict)}


def field_groups(dataset_type: str = DATASET_TYPE,
                 fields: Iterable[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The schema's ``satudata_field_groups``, each with its ``fields`` (in
    schema order); fields without a known group go into the last group."""
    schema = dataset_schema(dataset_type)
    groups = [dict(g, fields=[]) for g in schema.get("satudata_field_groups", [])]
    by_name = {g["name"]: g for g in groups}
    if not groups:
        groups = [{"name": "general", "label": "", "fields": []}]
        by_name = {"general": groups[0]}
    for field in schema["dataset_fields"] if fields is None else fields:
        by_name.get(field.get("satudata_group", ""), groups[-1])["fields"].append(field)
    return groups


# -- the stored shape ----------------------------------------------------------

def lift_extras(data_dict: dict[str, Any], scheming_schema: Optional[dict[str, Any]]
                ) -> dict[str, Any]:
    """``data_dict`` (a dataset as CKAN stores it, the schema's fields in its
    ``extras``) with those fields moved to the top level, as the output
    validation of ckanext-scheming would move them; its result is the same.

    Scheming moves each field with CKAN's ``convert_from_extras``, which
    scans the whole flattened dataset for its extra and leaves CKAN's extras
    validators to run on the emptied rows: with the 28 extras of a satudata
    dataset the output validation did three times the work of the rest of
    an indexing (measured on the A/B bench: 5.1 ms against 1.8 ms with the
    fields moved first). Extras that are not schema fields, or whose field
    is also at the top level, stay for scheming to handle."""
    extras = data_dict.get("extras")
    if not scheming_schema or not isinstance(extras, list) or not extras:
        return data_dict
    plain, composite = set(), set()
    for field in scheming_schema["dataset_fields"]:
        (composite if "repeating_subfields" in field else plain).add(field["field_name"])
    lifted, kept = {}, []
    for extra in extras:
        key = extra.get("key") if isinstance(extra, dict) else None
        if key in plain and key not in data_dict and key not in lifted:
            lifted[key] = extra.get("value")
        elif key in composite and key not in data_dict and key not in lifted \
                and isinstance(extra.get("value"), str):
            try:
                lifted[key] = json.loads(extra["value"])
            except ValueError:
                kept.append(extra)
        else:
            kept.append(extra)
    if not lifted:
        return data_dict
    data_dict = dict(data_dict, **lifted)
    if kept:
        data_dict["extras"] = kept
    else:
        del data_dict["extras"]
    return data_dict


def validate_for_show(context: Any, data_dict: dict[str, Any], schema: dict[str, Any],
                      scheming_schema: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """ckanext-scheming's output validation of ``data_dict`` (a dataset as
    CKAN stores it: what every uncached ``package_show`` and every indexing
    runs), with scheming's result, at a fraction of its cost.

    Scheming gives each of the schema's fields CKAN's ``convert_from_extras``
    and ``ignore_missing``, plus its output validators, and runs them all
    through CKAN's navl, whose cost grows with the number of fields times the
    number of values: a satudata dataset's 40 fields made it most of an
    indexing. Here the fields are moved out of the extras first
    (:func:`lift_extras`), and a field whose output validation gives its
    value back unchanged (not one of CKAN's own, no output validators, no
    subfields, a plain value, no extra of its name left) is set aside and
    put back, as ``ignore_missing`` would: without a value when it had none.
    The other fields, CKAN's own fields (a missing name is still an error)
    and the resources go through navl as scheming sends them."""
    from ckan.lib.navl.dictization_functions import validate
    from ckanext.scheming.plugins import _field_output_validators

    data_dict = lift_extras(data_dict, scheming_schema)
    extras = data_dict.get("extras")
    extras = extras if isinstance(extras, list) else []
    extra_keys = {e.get("key") for e in extras if isinstance(e, dict)}
    rest, shown, composite = dict(data_dict), {}, set()
    for field in scheming_schema["dataset_fields"]:
        name = field["field_name"]
        if ("output_validators" not in field and "repeating_subfields" not in field
                and name not in schema and name not in extra_keys
                and _plain_value(rest.get(name))):
            value = rest.pop(name, None)
            if value is not None:
                shown[name] = value
            continue
        convert = name not in schema
        schema[name] = _field_output_validators(field, scheming_schema, convert)
        if convert and "repeating_subfields" in field:
            composite.add(name)
    for field in scheming_schema["resource_fields"]:
        schema["resources"][field["field_name"]] = _field_output_validators(
            field, scheming_schema, False)
    if composite & extra_keys:  # as scheming: a composite field's JSON left in the extras
        for extra in extras:
            if isinstance(extra, dict) and extra.get("key") in composite:
                rest[extra["key"]] = json.loads(extra["value"])
        rest["extras"] = [e for e in extras
                          if not (isinstance(e, dict) and e.get("key") in composite)]
    data, errors = validate(rest, schema, context)
    data.update(shown)
    return data, errors


def with_safe_links(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the dataset's own link (CKAN's ``url``, the DCAT
    catalogue's ``landingPage``) refused unless ``http``/``https``: no form
    shows it, and a producer's ``javascript:`` link went through review
    unseen into the public catalogue."""
    if "url" not in schema:
        return schema
    return dict(schema, url=list(schema["url"]) + [tk.get_validator("satudata_safe_url")])


def validate_for_save(validate: Any, context: Any, data_dict: dict[str, Any],
                      schema: dict[str, Any], scheming_schema: dict[str, Any],
                      action: str) -> tuple[dict[str, Any], Any]:
    """ckanext-scheming's input validation (``validate``: scheming's
    ``validate``) of ``data_dict`` for ``package_create``/``package_update``,
    with scheming's result, at less cost.

    Scheming ends the validators of each field that is not one of CKAN's
    with CKAN's ``convert_to_extras``, which scans every key of the
    flattened dataset for the next free extra: with the 28 plain fields of
    a satudata dataset and its resources, that is thousands of steps for an
    update. Here scheming finds those fields already named in ``schema``
    (so it runs their validators without the conversion), and each field
    left with a value after validation is then appended to the extras, in
    one step; ``ignore_missing``/``ignore_empty`` and the portal's
    validators drop a field without a value, as they end scheming's
    conversion. An empty list is no value: navl gives back a ``[]`` it was
    given even when the field's validators dropped it
    (``ckan.fix_partial_updates``). Composite fields (``variables``) keep
    scheming's own conversion."""
    plain = [f["field_name"] for f in scheming_schema["dataset_fields"]
             if f["field_name"] not in schema and "repeating_subfields" not in f]
    schema.update((name, []) for name in plain)  # scheming sets each field's validators
    data_dict = clear_blank_composites(data_dict, scheming_schema)
    data, errors = validate(context, data_dict, schema, action)
    if errors:
        return data, errors
    extras = data.get("extras")
    extras = list(extras) if isinstance(extras, list) else []
    extras.extend({"key": name, "value": data[name]} for name in plain
                  if name in data and data[name] is not tk.missing and data[name] != [])
    if extras:
        data["extras"] = extras
    return data, errors


def _plain_value(value: Any) -> bool:
    """A value navl passes as it is (not a list or a dictionary, which it
    would flatten)."""
    return value is None or isinstance(value, (str, int, float, bool))


def _blank_value(value: Any) -> bool:
    """None, or a text that shows nothing: no value for a composite field."""
    return value is None or isinstance(value, str) and blank(value)


def clear_blank_composites(data_dict: dict[str, Any],
                           scheming_schema: Optional[dict[str, Any]]) -> dict[str, Any]:
    """``data_dict`` with each composite field (``variables``) that is null
    or a text of spaces given as ``[]``, which clears it (as a blank text
    field is left out)."""
    blanks = [f["field_name"] for f in (scheming_schema or {}).get("dataset_fields", [])
              if "repeating_subfields" in f and f["field_name"] in data_dict
              and _blank_value(data_dict[f["field_name"]])]
    return dict(data_dict, **{name: [] for name in blanks}) if blanks else data_dict


def _holds_objects(value: Any) -> bool:
    """A list with an object in it, which CKAN's validation spreads into
    keys of their own (its error: "[('concept', 0, 'a')] not expected")."""
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _not_text_message(field: dict[str, Any]) -> str:
    """What a scheming field that takes text or codes answers a list of
    objects with."""
    validators = str(field.get("validators", "")).split()
    if "satudata_codes" in validators:
        return tk._("Expecting a list of codes")
    if "satudata_code" in validators:
        return tk._("Must be one code, given as text")
    return tk._("Must be text")


def _extra_errors(extra: dict[str, Any]) -> dict[str, list[str]]:
    """The errors of one of a dataset's ``extras``: its key and value are
    text (a number or a boolean is stored as its text); a list was stored
    as PostgreSQL's spelling of an array ("{a}"), an object answered 500."""
    return {name: [tk._("Must be text")] for name in ("key", "value")
            if isinstance(extra.get(name), (list, tuple, dict, set))}


def _row_errors(row: dict[str, Any], subfields: list[dict[str, Any]]) -> dict[str, Any]:
    """The errors of one row of a composite field (a variable): a key that
    is none of its subfields (it was dropped, and the row with it, without
    a word), a subfield holding objects."""
    known = [f["field_name"] for f in subfields]
    errors: dict[str, Any] = {}
    for key, value in row.items():
        if key not in known:
            errors[key] = [tk._('"%(key)s" is not a field of a variable: use %(fields)s') % {
                "key": key, "fields": ", ".join(known)}]
        elif _holds_objects(value):
            errors[key] = [_not_text_message(subfields[known.index(key)])]
    return errors


def expand_form_rows(data_dict: dict[str, Any],
                     scheming_schema: Optional[dict[str, Any]]) -> None:
    """The rows of the composite fields a form posts as ``variables-0-name``
    … made the list of objects the API sends (scheming's own step, taken
    first so that :func:`shape_errors` checks a form's rows as an API
    call's)."""
    from ckanext.scheming.plugins import expand_form_composite

    composites = {f["field_name"] for f in (scheming_schema or {}).get("dataset_fields", [])
                  if "repeating_subfields" in f}
    if composites:
        # the form's hidden model of a new row (``variables-REPEATING-INDEX0-
        # name``), posted when the form is sent before its script removed it:
        # it became a row of its own, whose error hid the form's real ones
        for key in [k for k in data_dict if isinstance(k, str) and "-REPEATING-INDEX" in k
                    and k.split("-", 1)[0] in composites]:
            del data_dict[key]
        expand_form_composite(data_dict, composites)


#: the most rows of a composite field (``variables``: one for each column of
#: a table, so the most columns a data file may have, :data:`.tables.MAX_COLUMNS`)
MAX_ROWS = 500


def column_key(name: Any) -> str:
    """A column or variable name as the data check matches them: lower
    case, trimmed, runs of spaces, ``_``, ``-`` and ``.`` as one ``_``."""
    return re.sub(r"[\s_\-.]+", "_", str(name or "").strip().lower()).strip("_")


def _same_names(nested: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``nested`` (the rows' errors) with an error at each row named as an
    earlier one as the data check matches a column to its variable (case,
    spaces, ``_``, ``-`` and ``.`` aside, :func:`column_key`): two
    variables of one column. "jumlah_anak" beside "jumlah-anak" was saved,
    and no file could pass the check ("variable jumlah_anak has no column"
    beside that very column)."""
    seen: dict[str, str] = {}
    for errors, row in zip(nested, rows):
        name = row.get("name")
        if not isinstance(name, str) or blank(name):
            continue
        key = column_key(name)
        if key in seen:
            errors.setdefault("name", []).append(
                tk._("Another entry already has this name")
                if " ".join(seen[key].split()).casefold() == " ".join(name.split()).casefold()
                else tk._("The data check reads this name as the same column as "
                          "“%(other)s” (case, spaces, _, - and . aside): give each "
                          "variable its own column name") % {"other": seen[key].strip()})
        seen.setdefault(key, name)
    return nested


def shape_errors(data_dict: dict[str, Any], schema: dict[str, Any],
                 scheming_schema: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """The fields of ``data_dict`` that ``schema`` (or the composite fields
    of ``scheming_schema``, such as ``variables``) reads as lists of objects
    but that hold something else, with a translated error each (nested: the
    error sits at its place in the list, as CKAN reports resources' errors).
    CKAN's validation stops at the first of them with a ``DataError`` ("Only
    lists of dicts can be placed against subschema …"), which its API
    answers as an untranslated "Integrity Error" and its forms as a 500.

    Also refused here, each with its error at its place: a row of a
    composite field with a key that is none of its subfields, an extra whose
    key or value is a list or an object (:func:`_extra_errors`), and a list
    of objects given to a field of the schema that takes text or codes
    (CKAN's validation reported it under ``__junk`` as a Python tuple). A
    composite field that is null or blank is no value
    (:func:`clear_blank_composites`)."""
    subschemas = {key: value for key, value in schema.items() if isinstance(value, dict)}
    rows: dict[str, list[dict[str, Any]]] = {}
    errors: dict[str, Any] = {}
    for field in (scheming_schema or {}).get("dataset_fields", []):
        name = field["field_name"]
        if "repeating_subfields" in field:
            subschemas.setdefault(name, {})
            rows[name] = field["repeating_subfields"]
        elif name not in subschemas and _holds_objects(data_dict.get(name)):
            errors[name] = [_not_text_message(field)]
    for key, subschema in subschemas.items():
        value = data_dict.get(key, [])
        if value == [] or key in rows and _blank_value(value):
            continue
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            message = tk._("Must be a list of objects")
            # CKAN's ValidationError reads the errors of tags per tag name
            errors[key] = [{"name": [message]}] if key == "tags" else [message]
            continue
        if key in rows and len(value) > MAX_ROWS:
            # a table has at most that many columns, one variable each (ten
            # thousand rows made a dataset page of 3 MB)
            errors[key] = [tk._("At most %(max)s entries: one for each column of the table")
                           % {"max": MAX_ROWS}]
            continue
        if key in rows:
            nested = _same_names([_row_errors(item, rows[key]) for item in value], value)
        elif key == "extras":
            nested = [_extra_errors(item) for item in value]
        else:
            nested = [shape_errors(item, subschema) for item in value]
        if any(nested):
            errors[key] = nested
    return errors

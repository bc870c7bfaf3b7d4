# -*- coding: utf-8 -*-
"""What the people of a data request's review loop read on screen.

* the producers: the reason and the per-field notes of the latest return,
  labelled from the scheming schema (on the request page and next to each
  field of the edit form);
* the reviewers: every metadata value under its group, the data files with
  a preview of their first rows, and for a revision of published data what
  changed against the live version;
* anyone who may read a dataset's history: CKAN's description of each of
  its changes, in the reader's words (:func:`readable_changes`).

Nothing here decides who may see what: callers pass dictionaries they
obtained through the actions (``satudata_request_show``,
``satudata_request_event_list``, ``package_show``,
``satudata_revision_show``) as the current user, so CKAN's and the
extension's auth functions have already said yes.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..model import CollectionRound
from . import metadata, publishing, reference, roles
from .states import SUBMISSIONS, Actor, State
from . import preview as previews

__all__ = ["RESOURCES_NOTE", "field_labels", "labelled_notes", "latest_return",
           "since_return", "actor_label", "metadata_groups", "resources", "changes",
           "error_summary", "returned_for_package", "readable_changes"]

#: the key of a reviewer's note about the data files (not a schema field)
RESOURCES_NOTE = "resources"


def field_labels(dataset_type: str = metadata.DATASET_TYPE) -> dict[str, str]:
    """``{field_name: label}`` of the schema's dataset fields in the current
    language, in schema order, plus the data files."""
    labels = {f["field_name"]: metadata.field_label(f)
              for f in metadata.dataset_schema(dataset_type)["dataset_fields"]}
    labels[RESOURCES_NOTE] = tk._("Data files")
    return labels


def labelled_notes(field_notes: Optional[dict[str, list[str]]],
                   dataset_type: str = metadata.DATASET_TYPE) -> list[dict[str, Any]]:
    """The per-field notes of an event as ``[{"field", "label", "reasons"}]``
    in schema order (notes on unknown fields last, under a generic label,
    never the bare key)."""
    if not field_notes:
        return []
    labels = field_labels(dataset_type)
    order = {name: i for i, name in enumerate(labels)}
    notes = []
    for field, reasons in field_notes.items():
        reasons = [reasons] if isinstance(reasons, str) else list(reasons or [])
        if not reasons:
            continue
        notes.append({"field": field, "label": labels.get(field) or tk._("Other"),
                      "reasons": reasons})
    return sorted(notes, key=lambda n: order.get(n["field"], len(order)))


def latest_return(request: dict[str, Any],
                  events: list[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """The event that returned the request, while it is with its producers
    for revision (``returned``); None otherwise. The event gets
    ``labelled_notes``."""
    if request.get("state") != State.RETURNED.value:
        return None
    for event in reversed(events):
        # the step into ``returned``: not an event recorded while it is there
        # (a proof of receipt, a linked dataset, an override)
        if event.get("to_state") == State.RETURNED.value and \
                event.get("from_state") != State.RETURNED.value:
            event = dict(event)
            event["labelled_notes"] = labelled_notes(event.get("field_notes"))
            return event
    return None


#: the states in which a returned request is back with its reviewers
_BACK_IN_REVIEW = frozenset({State.OPD_REVIEW.value, State.SUBMITTED.value,
                             State.RESUBMITTED.value, State.VERIFIED.value})


def since_return(request: dict[str, Any], events: list[dict[str, Any]],
                 pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """For a request back with its reviewers after a return: the return
    (``event``, with its ``labelled_notes``), the dataset as it was then
    (``then``: the dataset's activity of that moment) and what changed since
    (``changes``, as :func:`changes` tells a revision's). The verifier had
    only the current values and the producer's word for what was fixed.
    ``then`` and ``changes`` are None for staged data (a revision, a new
    period: compared with the published version) and when the dataset's
    history does not reach back to the return. None when the request is
    not back in review after a return."""
    if request.get("state") not in _BACK_IN_REVIEW or not pkg.get("id"):
        return None
    # the return this submission answers: the submission under review is a
    # resubmission (a revision of published data, a new submission, had the
    # request's return of an earlier cycle shown above it as if just sent back)
    submitted = next((i for i in range(len(events) - 1, -1, -1)
                      if events[i].get("transition") in SUBMISSIONS), None)
    if submitted is None or events[submitted].get("transition") != "resubmit":
        return None
    returned = next((e for e in reversed(events[:submitted])
                     if e.get("to_state") == State.RETURNED.value
                     and e.get("from_state") != State.RETURNED.value), None)
    if returned is None or not returned.get("timestamp"):
        return None
    event = dict(returned, labelled_notes=labelled_notes(returned.get("field_notes")))
    if request.get("revision_of") or request.get("new_period"):
        # staged: what changed is told against the published version; the
        # return's reason and notes above it
        return {"event": event, "then": None, "changes": None}
    from ckanext.activity.model import Activity

    then = model.Session.execute(
        sa.select(Activity.data).where(
            Activity.object_id == pkg["id"],
            Activity.activity_type.in_(("new package", "changed package")),
            Activity.timestamp <= datetime.datetime.fromisoformat(returned["timestamp"]))
        .order_by(Activity.timestamp.desc()).limit(1)).scalar()
    then = (then or {}).get("package") if isinstance(then, dict) else None
    if not isinstance(then, dict) or then.get("owner_org") != pkg.get("owner_org"):
        # (another OPD's then: a dataset moved since is not shown as it was
        # there, which its readers now could not read)
        return {"event": event, "then": None, "changes": None}
    return {"event": event, "then": then, "changes": changes(then, pkg)}


def actor_labels() -> dict[str, str]:
    return {
        # no brackets: the pages put the label in brackets ("(Producer (OPD))")
        Actor.PRODUCER.value: tk._("OPD data producer"),
        Actor.VERIFIER.value: tk._("Verifier"),
        Actor.APPROVER.value: tk._("Approver"),
        Actor.FINAL_APPROVER.value: tk._("Final approver"),
        Actor.WALIDATA_ADMIN.value: tk._("Walidata administrator"),
        Actor.PUBLISHER.value: tk._("Publisher"),
        Actor.ARCHIVER.value: tk._("Archivist"),
        Actor.OPD_HEAD.value: tk._("Head of the OPD"),
    }


def actor_label(event: dict[str, Any], labels: Optional[dict[str, str]] = None) -> str:
    """The role in which the event's user acted, as the engine recorded it
    (``data.actor`` and, for the approval chain, ``data.role``): e.g.
    "OPD data producer", "Approver: Head of Division" (the pages put it in
    brackets: "(Approver (Head of Division))" read badly); empty for the
    system."""
    labels = labels or actor_labels()
    data = event.get("data") or {}
    actors = data.get("actor") or []
    if isinstance(actors, str):
        actors = [actors]
    text = ", ".join(labels.get(a, a) for a in actors)
    role = data.get("role") or event.get("role")
    if role and actors and set(actors) & {Actor.VERIFIER.value, Actor.APPROVER.value,
                                          Actor.FINAL_APPROVER.value, Actor.PUBLISHER.value,
                                          Actor.ARCHIVER.value}:
        title = roles.role_label(role)
        return text if title.lower() == text.lower() else f"{text}: {title}"
    return text or (role or "")


def metadata_groups(pkg_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema's groups with all their fields that a form shows (filled in
    or not), for the reviewer's table: ``[{"name", "label", "fields"}]``;
    a composite field's rows that lack a value a row needs are
    ``satudata_incomplete`` (their numbers), with the labels of the
    subfields a row needs (``satudata_row_needs``): the table said "not
    filled in" of variables given, one of them without its data type, and
    their producer typed them all again."""
    dataset_type = pkg_dict.get("type") or metadata.DATASET_TYPE
    groups = []
    for group in metadata.field_groups(dataset_type):
        fields = []
        for f in group["fields"]:
            if f.get("form_snippet", "") is None or f["field_name"] == "name":
                continue
            incomplete, needs = metadata.incomplete_rows(f, pkg_dict)
            fields.append(dict(f, satudata_filled=metadata.is_filled(f, pkg_dict),
                               satudata_incomplete=incomplete, satudata_row_needs=", ".join(
                                   metadata.field_label(n) for n in needs)))
        if fields:
            groups.append(dict(group, fields=fields))
    return groups


def resources(pkg_dict: dict[str, Any], live: Optional[dict[str, Any]] = None,
              with_preview: bool = True, new_period: Optional[str] = None
              ) -> list[dict[str, Any]]:
    """The data files of ``pkg_dict`` with ``size`` (bytes, or None),
    ``preview`` (:class:`preview.Preview` or None), ``new`` (a table the
    live version ``live`` does not have), ``replaces`` (the name of the live
    table whose file this one replaces, or None), ``page`` (its table's page
    shows this very file: a table the revision leaves as it is keeps the link
    to the whole table) and the table's period (``period``, ``satudata_round``,
    for ``h.satudata_resource_period``: a replaced table's, a new table's
    ``new_period``, the title of the period a request adds). Every file with a ``url`` is
    downloadable: CKAN serves a staged revision's uploads too, to whom may
    see the revision."""
    live_res = _by_id(live) if live is not None else {}

    def row(res: dict[str, Any]) -> dict[str, Any]:
        replaced = live_res.get(_replaces(res) or "")
        kept = live_res.get(res.get("id"))
        return {
            "id": res.get("id"), "name": metadata.data_file_label(res),
            # the table's description goes public with it: its reviewers read it
            "description": res.get("description")
            if isinstance(res.get("description"), str) else "",
            "format": res.get("format") or "", "url": res.get("url") or "",
            # a CSV or XLSX table (its page shows the table; a PDF's, no table)
            "table": metadata.is_data_resource(res),
            "url_type": res.get("url_type"),
            "size": previews.file_size(res),
            "preview": previews.preview(res) if with_preview else None,
            "new": live is not None and kept is None and replaced is None,
            "replaces": metadata.data_file_label(replaced) if replaced else None,
            "page": bool(res.get("id")) and (live is None or kept is not None and not any(
                publishing.table_value(res, k) != publishing.table_value(kept, k)
                for k in _TABLE_KEYS)),
            publishing.PERIOD_KEY: res.get(publishing.PERIOD_KEY)
            or (replaced or {}).get(publishing.PERIOD_KEY)
            or (new_period if kept is None and replaced is None else None),
            publishing.ROUND_KEY: res.get(publishing.ROUND_KEY)
            or (replaced or {}).get(publishing.ROUND_KEY),
        }
    return [row(res) for res in pkg_dict.get("resources", []) or [] if isinstance(res, dict)]


#: what tells a changed table apart (its name, format, file or description)
_TABLE_KEYS = ("name", "format", "url", "description", "last_modified")


def changes(live: dict[str, Any], staged: dict[str, Any]) -> dict[str, Any]:
    """What a revision changes against the live version: ``fields`` (the
    schema fields whose value differs, as field dictionaries, in schema
    order), ``added`` and ``removed`` files (by resource), ``changed``
    files (same resource, different name, format, description or file) and
    ``changed_from`` (the live table each changed one was, by its id: the
    reviewers compare the two, "Data file changed" told them nothing)."""
    dataset_type = live.get("type") or metadata.DATASET_TYPE
    fields = [f for f in metadata.dataset_schema(dataset_type)["dataset_fields"]
              if f["field_name"] != "name"
              and _value(f, staged) != _value(f, live)]
    live_res = _by_id(live)
    staged_res = _by_id(staged)
    # a new file of a live table is staged under a new id (publishing.stage)
    replaced = {_replaces(r) for r in staged_res.values()} & set(live_res)
    changed = [r for i, r in staged_res.items()
               if (i in live_res and any(publishing.table_value(r, k) != publishing
                                         .table_value(live_res[i], k) for k in _TABLE_KEYS))
               or _replaces(r) in replaced]
    return {
        "fields": fields,
        "added": [r for i, r in staged_res.items()
                  if i not in live_res and _replaces(r) not in replaced],
        "removed": [r for i, r in live_res.items() if i not in staged_res and i not in replaced],
        "changed": changed,
        "changed_from": {r["id"]: live_res.get(r["id"]) or live_res.get(_replaces(r) or "")
                         for r in changed},
    }


def _by_id(pkg_dict: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The tables of a dataset or a revision by id. A revision stored before
    its values were checked may hold anything (a list as an id made the
    request page answer 500 to everyone): what is not a table is left out."""
    return {r["id"]: r for r in pkg_dict.get("resources") or []
            if isinstance(r, dict) and isinstance(r.get("id"), str)}


def _replaces(res: dict[str, Any]) -> Optional[str]:
    """The live table a staged one replaces (a text), or None."""
    value = res.get(publishing.REPLACES_KEY)
    return value if isinstance(value, str) else None


def table_change(live_res: dict[str, Any], staged: dict[str, Any]) -> Optional[str]:
    """What a revision (``staged``, its package dictionary) does to the live
    table ``live_res``: ``"removed"``, ``"new_file"`` (a new file is staged
    for it), ``"changed"`` (its name, format or description) or None."""
    resources = [r for r in staged.get("resources") or [] if isinstance(r, dict)]
    if any(_replaces(r) == live_res.get("id") for r in resources):
        return "new_file"
    held = next((r for r in resources if r.get("id") == live_res.get("id")), None)
    if held is None:
        return "removed"
    return "changed" if any(publishing.table_value(held, k) != publishing.table_value(
        live_res, k) for k in _TABLE_KEYS) else None


def _value(field: dict[str, Any], pkg_dict: dict[str, Any]) -> Any:
    name = field["field_name"]
    if name == "tag_string":
        tags = pkg_dict.get("tags")
        if isinstance(tags, list):
            return sorted(t.get("name") for t in tags if isinstance(t, dict))
        return sorted(t.strip() for t in (pkg_dict.get("tag_string") or "").split(",")
                      if t.strip())
    value = pkg_dict.get(name)
    return None if value in ("", [], {}) else value


def error_summary(error_dict: dict[str, Any], edit_url: Optional[str],
                  resource_url: Optional[str] = None,
                  dataset_type: str = metadata.DATASET_TYPE) -> list[dict[str, str]]:
    """The errors of a refused transition for the error summary snippet:
    ``[{"label", "message", "anchor"}]``; a dataset field's error is
    labelled from the schema and links to the field on the edit form
    (``edit_url#field-<name>``), an error about the data files to the page
    that adds one (``resource_url``)."""
    labels = field_labels(dataset_type)
    order = {name: i for i, name in enumerate(labels)}
    summary = []
    for field, messages in sorted((error_dict or {}).items(),
                                  key=lambda kv: order.get(kv[0], -1)):
        for message in messages if isinstance(messages, list) else [messages]:
            if not isinstance(message, str):
                continue
            if field == RESOURCES_NOTE:
                summary.append({"label": labels[field], "message": message,
                                "anchor": resource_url or ""})
            elif field in labels:
                summary.append({"label": labels[field], "message": message,
                                "anchor": f"{edit_url}#field-{field}" if edit_url else ""})
            else:
                summary.append({"label": "", "message": message, "anchor": ""})
    return summary


def returned_for_package(package_id: Optional[str], user: Optional[str]
                         ) -> Optional[dict[str, Any]]:
    """The latest return (see :func:`latest_return`) of the request whose
    dataset is ``package_id``, if that request is returned and ``user`` may
    see it (the actions decide); None otherwise. One query and two actions."""
    import sqlalchemy as sa

    import ckan.model as model

    from ..model import DataRequest

    if not package_id or not user:
        return None
    request_id = model.Session.execute(
        sa.select(DataRequest.id).where(DataRequest.package_id == package_id,
                                        DataRequest.state == State.RETURNED.value)
        .limit(1)).scalar()
    if request_id is None:
        return None
    context: Any = {"user": user}
    try:
        request = tk.get_action("satudata_request_show")(dict(context), {"id": request_id})
        events = tk.get_action("satudata_request_event_list")(dict(context),
                                                              {"id": request_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    event = latest_return(request, events)
    if event is not None:
        event["request_id"] = request_id
        event["notes_by_field"] = {n["field"]: n for n in event["labelled_notes"]}
    return event


#: what the portal and its plugins write on a resource for themselves (the
#: DataStore's flags, the load's bookkeeping): no change anybody made
_OWN_RESOURCE_KEYS = frozenset({
    "datastore_active", "datastore_contains_all_records_of_source_file", "resource_id",
    "ignore_hash", "original_url", "set_url_type", "hash"})


def readable_changes(found: list[dict[str, Any]], old: Optional[dict[str, Any]] = None,
                     new: Optional[dict[str, Any]] = None,
                     dataset_type: str = metadata.DATASET_TYPE) -> list[dict[str, Any]]:
    """CKAN's changes of a dataset (``compare_pkg_dicts`` of ``old`` and
    ``new``), in the reader's words: its fields and its resources' fields
    named by their labels (they read "period", "satudata_round" and the
    round's id) with their values as a reader writes them (a flag "Ya", not
    "True"; a code by its label), the keys the portal writes on a resource
    for itself left out ("datastore_active changed to True"), its
    visibility in the reader's language (CKAN's "Public"), and the schema's
    fields filled in for the first time (CKAN names only the fields both
    versions have: a draft's metadata filled in listed two of thirty). A
    change left with nothing to say is dropped (CKAN's "no change" when
    none is left)."""
    schema = metadata.dataset_schema(dataset_type)
    fields = {f["field_name"]: f for f in schema["dataset_fields"]}
    resource_labels = {f["field_name"]: metadata.field_label(f)
                       for f in schema.get("resource_fields") or []}

    def label_of(key: Any) -> Any:
        return metadata.field_label(fields[key]) if key in fields else key

    def resource_value(key: str, value: Any) -> Any:
        if key == publishing.ROUND_KEY and value:
            round_ = model.Session.get(CollectionRound, value)
            return round_.title if round_ is not None else value
        return value

    readable: list[dict[str, Any]] = []
    reported = set()
    for change in found:
        change = dict(change)
        kind = change.get("type")
        if kind == "private":
            change["new"] = tk._("Private") if change.get("new") == "Private" \
                else tk._("Public")
        elif kind == "extension_fields":
            key = change.get("key")
            reported.add(key)
            if key in fields:
                change["value"] = _change_text(fields[key],
                                               (new or {}).get(key, change.get("value")))
            change["key"] = label_of(key)
        elif kind == "resource_extras":
            if "key_list" in change:
                keys = list(change["key_list"])
                values = change.get("value_list")
                # CKAN's list of the values of added fields (its template reads
                # it by name: they showed none), or a dictionary by name
                values = dict(zip(keys, values)) if isinstance(values, list) \
                    else dict(values or {})
                keys = [k for k in keys if k not in _OWN_RESOURCE_KEYS]
                if not keys:
                    continue
                change["key_list"] = [resource_labels.get(k, k) for k in keys]
                change["value_list"] = {resource_labels.get(k, k):
                                        resource_value(k, values.get(k, "")) for k in keys}
            else:
                key = change.get("key")
                if key in _OWN_RESOURCE_KEYS:
                    continue
                for name in ("value", "new_value", "old_value"):
                    if name in change:
                        change[name] = resource_value(key, change[name])
                change["key"] = resource_labels.get(key, key)
        readable.append(change)
    for key, field in fields.items() if old is not None and new is not None else ():
        if key in reported or key in _CORE_FIELDS or _empty(new.get(key)) \
                or not _empty(old.get(key)):
            continue
        readable.append({"type": "extension_fields", "pkg_id": new.get("id"),
                         "title": new.get("title"), "key": label_of(key),
                         "value": _change_text(field, new.get(key))})
    return readable or [{"type": "no_change"}]


#: the dataset fields CKAN's own descriptions of a change cover
_CORE_FIELDS = frozenset({"title", "name", "notes", "owner_org", "private", "tag_string",
                          "tags", "license_id", "url", "version", "author", "author_email",
                          "maintainer", "maintainer_email", "resources", "extras"})


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _change_text(field: dict[str, Any], value: Any) -> str:
    """A field's value as a reader writes it: a flag yes or no, codes by
    their labels, a list of entries counted."""
    if isinstance(value, bool):
        return tk._("yes") if value else tk._("no")
    code_list = field.get("satudata_code_list")
    if code_list and not _empty(value):
        return ", ".join(reference.labels(code_list, value))
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ", ".join(value)
        return tk.ungettext("%(num)s entry", "%(num)s entries", len(value)) % {
            "num": len(value)}
    return "" if value is None else str(value)

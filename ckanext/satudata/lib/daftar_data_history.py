# -*- coding: utf-8 -*-
"""The Daftar Data's own audit trail (:class:`..model.DaftarDataEvent`):
who added an item to the list an SK fixes, changed it (each field before
and after), imported it from a workbook, deactivated or deleted it, and
when. The rounds have theirs (:mod:`.round_history`), the requests theirs;
this one answers "who changed the unit of this item after the SK?".

Each event is written by the action that makes the change, in its
transaction; :func:`events` reads them for the item's edit page.
"""
from __future__ import annotations

import datetime
import hashlib
import os
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..model import DaftarData, DaftarDataEvent
from . import reference, roles

__all__ = ["TRACKED", "snapshot", "added", "document_text", "record", "record_changes",
           "events"]

#: the fields of an item whose changes the trail records
TRACKED = ("title", "owner_org", "year", "description", "update_frequency",
           "government_affairs", "unit", "priority", "submit_days", "submit_calendar_days",
           "sk_number", "sk_date", "sk_url", "active")


def snapshot(item: DaftarData) -> dict[str, Any]:
    """The tracked fields of ``item`` as JSON values (dates in ISO)."""
    values = item.dictize()
    return {key: values[key] for key in TRACKED}


def record(item: DaftarData, step: str, user_id: Optional[str],
           data: Optional[dict[str, Any]] = None) -> DaftarDataEvent:
    """Add the event ``step`` of ``item`` to the session (the caller commits
    it with the change); the item's title, OPD and year go with it (a
    deleted item's trail still names it)."""
    event = DaftarDataEvent(
        id=model.types.make_uuid(), item_id=item.id, user_id=user_id,
        timestamp=datetime.datetime.utcnow(), step=step,
        data=dict(data or {}, title=item.title, owner_org=item.owner_org, year=item.year))
    model.Session.add(event)
    return event


def added(item: DaftarData) -> dict[str, Any]:
    """The ``data`` of an item's first event: what it was added with (the
    decree that fixed it included), each field from nothing."""
    return {"changes": {key: [None, value] for key, value in snapshot(item).items()
                        if key not in ("title", "owner_org", "year", "active")
                        and value not in (None, "", [], False)}}


def document_text(name: Optional[str], content: bytes) -> str:
    """An uploaded document as the trail names it: its file name, size and
    the start of its SHA-256 (the printed decree can be matched to it)."""
    digest = hashlib.sha256(content).hexdigest()[:12]
    # bytes without a thousands separator: stored once, read in either language
    return f"{os.path.basename(name or '') or 'SK.pdf'} ({len(content)} B, SHA-256 {digest}…)"


def record_changes(item: DaftarData, before: dict[str, Any], user_id: Optional[str],
                   step: str = "update", sk_file: Optional[str] = None,
                   sk_replaced: bool = False) -> Optional[DaftarDataEvent]:
    """Record ``step`` with each tracked field that differs from ``before``
    (:func:`snapshot` taken before the change); nothing when no field
    changed (an empty text and none are no change). ``sk_file``: the name
    of a decree document uploaded with the change (it replaces the one
    before at the same address, so no field says so), ``sk_replaced``:
    whether one was uploaded before."""
    after = snapshot(item)
    changes = {key: [before[key], after[key]] for key in TRACKED
               if (before[key] or None) != (after[key] or None)}
    if sk_file:
        changes["sk_file"] = [True if sk_replaced else None, sk_file]
    if not changes:
        return None
    return record(item, step, user_id, {"changes": changes})


def _step_label(step: str) -> str:
    return {"create": tk._("Item added"), "update": tk._("Item changed"),
            "import_create": tk._("Item added by a workbook import"),
            "import_update": tk._("Item changed by a workbook import"),
            "deactivate": tk._("Item deactivated (it has requests)"),
            "delete": tk._("Item deleted")}.get(step, step)


def _field_label(field: str) -> str:
    return {"title": tk._("Data"), "owner_org": tk._("OPD"), "year": tk._("Year"),
            "description": tk._("Description"), "update_frequency": tk._("Update frequency"),
            "government_affairs": tk._("Government affairs"), "unit": tk._("Unit"),
            "priority": tk._("Priority data"),
            "submit_days": tk._("Own submission deadline (days after the round is sent)"),
            "submit_calendar_days": tk._("Count calendar days, not working days"),
            "sk_number": tk._("SK decree number"), "sk_date": tk._("SK decree date"),
            "sk_url": tk._("Link to the SK decree document"),
            "sk_file": tk._("SK decree document (PDF)"),
            "active": tk._("Active (requested in new rounds)")}.get(field, field)


def _value_text(field: str, value: Any) -> str:
    """A recorded value as a reader names it: an OPD by its title, a code by
    its label, yes or no, a date in the portal's format."""
    if value is None or value == "" or value == []:
        return "—"
    if field == "sk_file" and value is True:
        return tk._("the document uploaded before")
    if isinstance(value, bool):
        return tk._("yes") if value else tk._("no")
    if field == "owner_org":
        org = model.Group.get(value)
        return (org.title or org.name) if org is not None else str(value)
    if field == "update_frequency":
        return reference.label("frequency", value)
    if field == "government_affairs":
        return ", ".join(reference.label(reference.URUSAN, code) for code in value)
    if field == "sk_date":
        return tk.h.render_datetime(value)
    return str(value)


def events(item_id: str) -> list[dict[str, Any]]:
    """The item's trail, oldest first, each with its user's name and the
    labels of its step and changed fields. One query (and one per OPD a
    change names)."""
    result = []
    for event, name, shown in roles.with_their_users(
            DaftarDataEvent, DaftarDataEvent.item_id == item_id):
        item = event.dictize()
        item.update(user_name=name, user_display_name=shown, step_label=_step_label(event.step),
                    changes=[{"field": key, "label": _field_label(key),
                              "before_text": _value_text(key, before),
                              "after_text": _value_text(key, after)}
                             for key, (before, after) in
                             (item["data"].get("changes") or {}).items()])
        result.append(item)
    return result

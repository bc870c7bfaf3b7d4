# -*- coding: utf-8 -*-
"""Actions of the data-request workflow: the Daftar Data, collection rounds,
data requests and their transitions.

State changes go through :func:`ckanext.satudata.lib.engine.apply_transition`
only. Lists run a bounded number of queries (a count and one page, joined
with the item, organization, round and dataset) however many requests
exist.

How requests link to datasets: sending a round creates, for each request,
a **private** dataset in the OPD organization (``satudata.request.
create_dataset``), titled after the Daftar Data item. The
OPD's editors fill in its data and metadata there; the walidata sees it
through the request; publishing makes it public. A producer can
instead link another dataset of the same OPD (``satudata_request_link_dataset``)
while the request is with them. An item published in an earlier round is
requested on its published dataset instead: the round adds a period to it
(one dataset per indicator; see "One indicator, many periods" in
:mod:`...lib.publishing`).
"""
from __future__ import annotations

import base64
import datetime
import logging
import re
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...lib import storage
from ...lib import (daftar_data_history, datacheck, engine, late_data, letters, metadata,
                    outbox, publishing, reminders, roles, round_history, rounds, spreadsheets,
                    workdays)
from ...model import (LATE_POLICIES, CollectionRound, DaftarData, DataRequest, PublicRequest,
                      RequestEvent, RoundDocument)
from ...model.workflow import request_count
from ...lib.states import (
    ACTION_OF, DUTY_ACTORS, FOUR_EYES, Actor, PublicState, State, available, given_reason,
    late_label, next_actors,
    state_label, state_labels, transition_for, transition_label,
)
from .. import schema, validators
from . import forum
from ._common import commit as _commit, contains, get_round, lock_name, \
    readable_or_not_found, refuse_changed_since, validate as _validate

log = logging.getLogger(__name__)

__all__ = [
    "satudata_daftar_data_create", "satudata_daftar_data_update",
    "satudata_daftar_data_delete", "satudata_daftar_data_show",
    "satudata_daftar_data_list", "satudata_daftar_data_import",
    "satudata_round_create", "satudata_round_update", "satudata_round_delete",
    "satudata_round_show",
    "satudata_round_list", "satudata_round_send", "satudata_round_status",
    "satudata_round_export", "satudata_daftar_data_template",
    "satudata_request_show", "satudata_request_list", "satudata_request_event_list",
    "satudata_request_link_dataset", "satudata_request_acknowledge",
    "satudata_request_submit", "satudata_request_resubmit", "satudata_request_return",
    "satudata_request_verify", "satudata_request_approve", "satudata_request_cancel",
    "satudata_request_cancel_revision", "satudata_request_override_screening",
    "satudata_request_remind",
    "satudata_request_opd_approve", "satudata_request_opd_return",
]

MAX_LIMIT = 1000
TITLE_MAX = schema.TITLE_MAX
#: the timeline event of the proof of receipt (no transition of the table)
RECEIVED = "received"
#: PostgreSQL indexes the dataset title (idx_pkg_stitle): a b-tree entry
#: holds at most ~2,700 bytes, so a generated title stays below this
TITLE_MAX_BYTES = 2000
#: the first key of the advisory lock that serializes Daftar Data imports
#: (the second is the year)
IMPORT_LOCK = 0x5D_DA7A


# -- helpers -----------------------------------------------------------------

def _user_id(context: Context) -> Optional[str]:
    user = roles.user_obj(context.get("user"))
    return user.id if user else None


def _file_upload(value: Any, field: str) -> Any:
    """``value`` if it can be an uploaded file (a multipart file or bytes),
    None when empty; anything else is a ``ValidationError`` on ``field``."""
    if value is None or value == "":
        return None
    if isinstance(value, (bytes, bytearray)) or hasattr(value, "read") \
            or hasattr(value, "stream"):
        return value
    raise tk.ValidationError({field: [tk._("Expecting an uploaded file")]})


def _ref(data_dict: DataDict, context: Context) -> str:
    """The ``id`` of a show-like call, checked to be an id string (an
    unknown one is then ``ObjectNotFound``)."""
    return _validate({"id": data_dict.get("id")} if "id" in data_dict else {},
                     schema.request_show(), context)["id"]


def _limit(data: dict[str, Any]) -> int:
    return max(0, min(int(data.get("limit", 50)), MAX_LIMIT))


def _count(entity: Any, where: list[Any]) -> int:
    """How many rows of ``entity`` match ``where`` (one query)."""
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(entity).where(*where)).scalar_one()


def _item_or_not_found(data_dict: DataDict) -> None:
    """A Daftar Data item named by an id that is none (deleted, made up) is
    not found, as its show says (its change and its deletion said the id
    was invalid: a second click could not tell "gone" from "bad input")."""
    ref = roles.clean_id((data_dict or {}).get("id"))
    if ref and model.Session.get(DaftarData, ref) is None:
        raise tk.ObjectNotFound(tk._("Daftar Data item not found"))


def _locked(entity: Any, id_: str, missing: str) -> Any:
    """The row ``id_`` of ``entity`` as it is under its lock (a change made
    while this waited for it is read); not found (``missing``) when it was
    deleted meanwhile (a delete and an update at once answered 500). A
    round's lock lets the rows that refer to it be written meanwhile
    (:func:`.rounds.lock_for`)."""
    row = model.Session.execute(
        sa.select(entity).where(entity.id == id_)
        .with_for_update(key_share=entity is CollectionRound)
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None:
        raise tk.ObjectNotFound(missing)
    return row


def _page(stmt: Any, data: dict[str, Any]) -> Any:
    """``stmt`` limited to the page asked for by ``limit``/``offset``."""
    return stmt.limit(_limit(data)).offset(data.get("offset", 0))


def _iso(value: Any) -> Optional[str]:
    return value.isoformat() if value else None


def _index_safe(text: str) -> str:
    """``text`` cut to at most :data:`TITLE_MAX_BYTES` bytes of UTF-8."""
    encoded = text.encode("utf-8")
    if len(encoded) <= TITLE_MAX_BYTES:
        return text
    return encoded[:TITLE_MAX_BYTES].decode("utf-8", "ignore").rstrip() + "…"


# -- Daftar Data ---------------------------------------------------------------

def _item_dict(item: DaftarData, org: Optional[model.Group] = None) -> dict[str, Any]:
    result = item.dictize()
    org = org or model.Group.get(item.owner_org)
    result["organization"] = {"id": item.owner_org, "name": org.name if org else None,
                              "title": org.title if org else None}
    return result


def _item_data(data_dict: DataDict, schema_: dict[str, Any], context: Context
               ) -> tuple[dict[str, Any], Optional[bytes]]:
    """A Daftar Data item's validated fields and its SK document (PDF bytes
    or None); every error at once, the document's with the fields' (the
    form showed the others only after the document was fixed)."""
    data_dict = dict(data_dict)
    errors: dict[str, Any] = {}
    sk_pdf = None
    try:
        sk_pdf = storage.read_sk(_file_upload(data_dict.pop("sk_upload", None), "sk_upload"))
    except tk.ValidationError as e:
        errors.update(e.error_dict)
    try:  # (a list of objects for a value was taken apart and left out, unsaid)
        data = _validate(data_dict, schema_, context)
    except tk.ValidationError as e:
        errors.update({k: v for k, v in e.error_dict.items() if v})
        data = {}
    if errors:
        raise tk.ValidationError(errors)
    return data, sk_pdf


def _lock_year(year: int) -> None:
    """Wait for the imports and additions of the Daftar Data of ``year``
    (the lock ends with the transaction)."""
    model.Session.execute(sa.select(sa.func.pg_advisory_xact_lock(IMPORT_LOCK, year)))


def _lock_rounds_of(round_ids: Any) -> None:
    """Lock the rounds ``round_ids`` (a select of their ids) in the order
    every lock of rounds takes them, as a round's own change does
    (``FOR NO KEY UPDATE``): before a year's and its items' locks."""
    model.Session.execute(
        sa.select(CollectionRound.id).where(CollectionRound.id.in_(round_ids))
        .order_by(CollectionRound.id).with_for_update(key_share=True))


def _lock_years(item_id: str, *more: Any) -> None:
    """Wait for the imports and additions of the item's year (and of the
    years ``more`` names), in the order an import takes its locks: the
    year's first, the items' after."""
    year = model.Session.execute(
        sa.select(DaftarData.year).where(DaftarData.id == item_id)).scalar()
    for each in sorted({int(y) for y in (year, *more) if isinstance(y, int) or (
            isinstance(y, str) and y.isascii() and y.isdigit())}):
        _lock_year(each)


def _refuse_duplicate(data: dict[str, Any], item: Optional[DaftarData] = None) -> None:
    """Refuse a second item of the same title (case and surrounding spaces
    aside) for the same OPD in the same year, as the workbook import treats
    it as the same item. Waits for the imports and additions of that year
    (the lock ends with the transaction), so two at once cannot both add it."""
    title = data.get("title", item.title if item else None)
    owner_org = data.get("owner_org", item.owner_org if item else None)
    year = data.get("year", item.year if item else None)
    if not title or not owner_org or not year:
        return
    _lock_year(year)
    # an OPD's deletion checks its items under this lock (chained.py): an
    # item added at the same moment stayed, listed, under a deleted OPD
    lock_name("opd", owner_org)
    if model.Session.execute(sa.select(model.Group.state).where(
            model.Group.id == owner_org)).scalar() == "deleted":
        raise tk.ValidationError({"owner_org": [tk._("Organization does not exist")]})
    where = [DaftarData.year == year, DaftarData.owner_org == owner_org,
             sa.func.lower(sa.func.btrim(DaftarData.title)) == title.strip().lower()]
    if item is not None:
        where.append(DaftarData.id != item.id)
    if _count(DaftarData, where):
        raise tk.ValidationError({"title": [tk._(
            "This OPD already has an item with this title in the Daftar Data of "
            "%(year)s (an inactive one can be made active again)") % {"year": year}]})


def satudata_daftar_data_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Add an item to the Daftar Data.

    :param title: what data is requested, e.g. "Jumlah Puskesmas"
    :type title: string
    :param owner_org: id or name of the responsible OPD organization
    :type owner_org: string
    :param year: the year of the Daftar Data
    :type year: int
    :param update_frequency: how often it is produced, a code of the
        ``frequency`` list, e.g. ``annual`` (optional)
    :param government_affairs: the government affairs (urusan pemerintahan),
        codes of the ``urusan`` list, e.g. ``["1.02"]`` (optional)
    :type government_affairs: list of strings
    :param unit: unit of measure, e.g. "unit" (optional)

    The last three are the dataset schema's fields of the same names: the
    dataset created for the item when a round is sent starts with them.
    :param description: (optional)
    :param priority: a priority item (optional, default false)
    :type priority: bool
    :param sk_number: number of the decree (SK) fixing the list (optional)
    :param sk_date: date of the decree, YYYY-MM-DD (optional)
    :param sk_url: link to the decree document (optional)
    :param sk_upload: the decree document as a PDF upload (optional; then
        ``sk_url`` points at the stored copy)
    :param active: requested in new rounds (optional, default true)
    :type active: bool
    :param submit_days: the item's own time to submit, in working days from
        the day its round is sent (optional; the round's deadline otherwise)
    :type submit_days: int
    :param submit_calendar_days: count ``submit_days`` in calendar days
        instead (optional, default false)
    :type submit_calendar_days: bool
    :returns: the item
    :rtype: dictionary
    """
    tk.check_access("satudata_daftar_data_create", context, data_dict)
    data, sk_pdf = _item_data(data_dict, schema.daftar_data_create(), context)
    _refuse_duplicate(data)
    item = DaftarData(id=model.types.make_uuid(), created_by=_user_id(context), **data)
    if sk_pdf:
        item.sk_url = storage.save_sk(item.id, sk_pdf)
    model.Session.add(item)
    model.Session.flush()
    daftar_data_history.record(item, "create", item.created_by,
                               daftar_data_history.added(item))
    _commit(context)
    return _item_dict(item)


def satudata_daftar_data_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change an item of the Daftar Data; fields not given keep their value.
    Requests already sent keep pointing at the item; a new own deadline
    (``submit_days``, ``submit_calendar_days``) moves those still in their
    round's collection, counted from the day each was sent (refused when
    that is past for a request with its producers, who are told the new date).

    :param id: the item's id
    :type id: string
    :param modified: the item's ``modified`` as the caller read it (optional:
        a change made since is refused, not overwritten)
    :type modified: string
    :returns: the item
    :rtype: dictionary

    The other parameters are those of :func:`satudata_daftar_data_create`,
    ``sk_upload`` included.
    """
    tk.check_access("satudata_daftar_data_update", context, data_dict)
    _item_or_not_found(data_dict)
    upload_name = getattr(data_dict.get("sk_upload"), "filename", None)
    data, sk_pdf = _item_data(data_dict, schema.daftar_data_update(), context)
    # one change of the item at a time, read as it is under its lock (taken
    # after its year's: an import holding that lock and updating the item
    # deadlocked with the change holding the item)
    item_id = data.pop("id")
    if {"submit_days", "submit_calendar_days"} & set(data):
        # a new own deadline moves the item's requests: their rounds first,
        # as a round's send and change of dates take them (round, then year
        # and items, then requests: a change of the round's dates at the
        # same moment deadlocked, or left a request the round's deadline)
        _lock_rounds_of(sa.select(DataRequest.round_id).where(DataRequest.item_id == item_id))
    _lock_years(item_id, data.get("year"))
    item = _locked(DaftarData, item_id, tk._("Daftar Data item not found"))
    refuse_changed_since(item.modified, data.pop("modified", None))
    requested = _count(DataRequest, [DataRequest.item_id == item.id,
                                     DataRequest.state != State.CANCELLED.value])
    if data.get("owner_org", item.owner_org) != item.owner_org and requested:
        # its requests, datasets and letters are the OPD's it was sent to
        raise tk.ValidationError({"owner_org": [tk._(
            "This item was already requested from its OPD: it stays with it (deactivate "
            "it and add an item for the other OPD)")]})
    if str(data.get("year", item.year)) != str(item.year) and requested:
        # its requests were sent in that year's rounds
        raise tk.ValidationError({"year": [tk._(
            "This item was already requested in a round of its year: it stays in that "
            "year's Daftar Data (add it to the other year's list instead)")]})
    if data.get("active") is False and item.active and _planned_requests(item.id):
        # never requested again, the citizen's planned request waited for ever
        raise tk.ValidationError({"active": [tk._(
            "A citizen's data request was planned on this item: it stays active until "
            "that request is fulfilled or rejected")]})
    _refuse_duplicate(data, item)
    before = daftar_data_history.snapshot(item)
    own_deadline = (item.submit_days, item.submit_calendar_days)
    for key, value in data.items():
        setattr(item, key, value)
    if requested and (item.submit_days, item.submit_calendar_days) != own_deadline:
        # its requests' deadlines follow, as a round's dates move its own
        # (they kept the date the item had when they were sent); refused
        # before the decree's file is written
        _follow_item_deadline(item)
    # a decree uploaded in place of one uploaded before (the trail said so
    # of a decree that was only a link)
    replaced = bool(sk_pdf) and storage.stored_sk(item.id) is not None
    if sk_pdf:
        item.sk_url = storage.save_sk(item.id, sk_pdf)
    item.modified = datetime.datetime.utcnow()
    daftar_data_history.record_changes(
        item, before, _user_id(context),
        sk_file=daftar_data_history.document_text(upload_name, sk_pdf) if sk_pdf else None,
        sk_replaced=replaced)
    _commit(context)
    return _item_dict(item)


def _follow_item_deadline(item: DaftarData,
                          told: Optional[dict[str, dict[str, list[str]]]] = None) -> None:
    """Move the deadlines of ``item``'s requests to its new own deadline
    (:func:`...lib.engine.follow_item_deadline`); refused when that leaves a
    producer a deadline already past. Their producers are told, or, given
    ``told`` (an import's: one message per OPD and round, not one per item),
    the moves are added to it for :func:`_tell_deadlines_moved`."""
    moved = engine.follow_item_deadline(item)
    past = min((after for moves in moved.values() for _before, after in moves.values()
                if after < workdays.today()), default=None)
    if past is not None:
        model.Session.rollback()  # the requests moved, the item changed
        raise tk.ValidationError({"submit_days": [tk._(
            "With this deadline the submission deadline (%(date)s) would already be past "
            "for the producers working on this item's request: give more days")
            % {"date": tk.h.render_datetime(past)}]})
    pending = {} if told is None else told
    for round_id, moves in moved.items():
        pending.setdefault(round_id, {}).update({
            rid: [old.isoformat(), new.isoformat()] for rid, (old, new) in moves.items()})
    if told is None:
        _tell_deadlines_moved(pending, f"item {item.id}")


def _tell_deadlines_moved(moved: dict[str, dict[str, list[str]]], what: str) -> None:
    """E-mail the producers of the requests whose deadlines moved, per round
    (one message per OPD, listing its requests)."""
    for round_id, moves in moved.items():
        outbox.add("notify_deadline_moved", [round_id, moves],
                   title=f"satudata: deadlines of {what}")


def _planned_requests(item_id: str) -> int:
    """The citizens' data requests planned on the Daftar Data item."""
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(PublicRequest)
        .where(PublicRequest.item_id == item_id,
               PublicRequest.state == PublicState.PLANNED.value)).scalar_one()


def satudata_daftar_data_delete(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Delete an item of the Daftar Data that was never requested. An item
    with requests is deactivated instead (``active`` false), so that its
    history stays.

    :param id: the item's id
    :type id: string
    :param modified: the item's ``modified`` as the caller read it (optional:
        an item changed since is not deleted)
    :returns: ``{"id", "deleted"}``: ``deleted`` false when the item was
        deactivated (the caller was told nothing either way)
    :rtype: dictionary
    """
    tk.check_access("satudata_daftar_data_delete", context, data_dict)
    _item_or_not_found(data_dict)
    data = _validate(data_dict, schema.daftar_data_delete(), context)
    # locked: a round being sent with it finishes first, and the item is then
    # deactivated (deleted under it, the new request went with it, and the
    # round's letter and dataset named a request that no longer was)
    # after its year's lock: an import of the year updating it failed (500)
    _lock_years(data["id"])
    item = _locked(DaftarData, data["id"], tk._("Daftar Data item not found"))
    # one changed since its page was opened is not deleted unseen
    refuse_changed_since(item.modified, data.get("modified"))
    if _planned_requests(item.id):
        # the citizen was told it is planned: it stays (deleted, it left them nothing)
        raise tk.ValidationError({"id": [tk._(
            "A citizen's data request was planned on this item: it cannot be deleted "
            "until that request is fulfilled or rejected")]})
    used = model.Session.execute(
        sa.select(sa.func.count()).select_from(DataRequest)
        .where(DataRequest.item_id == item.id)).scalar_one()
    if used:
        if item.active:
            before = daftar_data_history.snapshot(item)
            item.active = False
            daftar_data_history.record_changes(item, before, _user_id(context), "deactivate")
    else:
        daftar_data_history.record(item, "delete", _user_id(context))
        model.Session.flush()
        model.Session.delete(item)
    result = {"id": data["id"], "deleted": not used}
    _commit(context)
    return result


@tk.side_effect_free
def satudata_daftar_data_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One item of the Daftar Data, with its trail for the walidata staff
    (``events``: who added, changed, imported, deactivated it; each change
    of a field before and after).

    :param id: the item's id
    :type id: string
    :rtype: dictionary
    """
    _readable_request(context, data_dict, "satudata_daftar_data_show",
                      tk._("Daftar Data item not found"))
    item = model.Session.get(DaftarData, _ref(data_dict, context))
    if item is None:
        raise tk.ObjectNotFound(tk._("Daftar Data item not found"))
    result = _item_dict(item)
    # its own trail (who added, changed, imported it): the walidata staff's
    result["events"] = daftar_data_history.events(item.id) \
        if roles.is_walidata_staff(context.get("user")) else []
    return result


@tk.side_effect_free
def satudata_daftar_data_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The Daftar Data, ordered by OPD and title. Producers see only the
    items of their own OPDs.

    :param year: only this year (optional)
    :type year: int
    :param owner_org: only this OPD, id or name (optional)
    :param active: only active (true) or inactive (false) items (optional)
    :type active: bool
    :param q: text to look for in the title (optional)
    :param limit: page size (default 100, at most 1000)
    :param offset: (default 0)
    :returns: ``{"count": total, "results": [item]}``
    :rtype: dictionary
    """
    tk.check_access("satudata_daftar_data_list", context, data_dict)
    data = _validate(data_dict, schema.daftar_data_list(), context)
    where = []
    if data.get("year"):
        where.append(DaftarData.year == data["year"])
    if data.get("owner_org"):
        where.append(DaftarData.owner_org == data["owner_org"])
    if "active" in data:
        where.append(DaftarData.active.is_(bool(data["active"])))
    if data.get("q"):
        where.append(contains(DaftarData.title, data["q"]))
    if not roles.is_walidata_staff(context.get("user")):
        where.append(DaftarData.owner_org.in_(roles.producer_org_ids(context.get("user"))))
    count = _count(DaftarData, where)
    stmt = _page(
        sa.select(DaftarData, model.Group)
        .join(model.Group, model.Group.id == DaftarData.owner_org)
        .where(*where)
        # an item and its copy of another year tie on OPD and title: paged
        # without a tie-break, one of them was on no page and the other on two
        .order_by(model.Group.title, DaftarData.title, DaftarData.year.desc(), DaftarData.id),
        data)
    results = [_item_dict(item, org) for item, org in model.Session.execute(stmt).all()]
    return {"count": count, "results": results}


def _refuse_deleted_opds(valid: list[tuple[int, dict[str, Any]]],
                         labels: dict[str, str]) -> None:
    """Under the OPDs' locks (as an item's addition and an OPD's deletion
    take them), a ``ValidationError`` naming the rows of an OPD deleted
    since the workbook was read: an import beside the deletion added an
    active item under the deleted OPD."""
    owners = sorted({clean["owner_org"] for _number, clean in valid})
    for owner_org in owners:
        lock_name("opd", owner_org)
    gone = set(model.Session.execute(sa.select(model.Group.id).where(
        model.Group.id.in_(owners), model.Group.state == "deleted")).scalars())
    if gone:
        raise tk.ValidationError({
            "upload": [tk._("The file has errors; nothing was imported. Fix "
                            "the rows below and upload the file again.")],
            "rows": [tk._("Row %(row)s, column %(column)s: %(error)s") % {
                "row": number, "column": labels.get("owner_org", "owner_org"),
                "error": tk._("Organization does not exist")}
                for number, clean in valid if clean["owner_org"] in gone]})


#: what an emptied cell of an item's optional column stores
_EMPTIED = {"description": None, "update_frequency": None, "government_affairs": [],
            "unit": None, "submit_days": None, "sk_number": None, "sk_date": None,
            "sk_url": None}


def _imported_changes(clean: dict[str, Any], columns: set[str]) -> dict[str, Any]:
    """What an imported row changes of the item it names: the columns the
    sheet has (an empty one cleared: the value emptied in the exported
    workbook stayed, "unchanged"), not the defaults of those it has not."""
    return {**{field: _EMPTIED[field] for field in columns & set(_EMPTIED)},
            **{field: value for field, value in clean.items()
               if field in columns or field in ("title", "owner_org", "year")}}


def satudata_daftar_data_import(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Import Daftar Data items from an Excel workbook (.xlsx) laid out as
    the template (``/permintaan-data/daftar-data/template.xlsx``): columns
    ``judul``, ``opd`` (organization name or title), ``frekuensi`` (a code
    or label of the frequency list), ``urusan`` (codes or labels of the
    government affairs, separated by ``;``), ``satuan``, ``prioritas``
    (ya/tidak), ``nomor_sk``, ``tanggal_sk``, ``deskripsi``, ``batas_hari``
    (the item's own deadline in days), ``hari_kalender`` (ya/tidak: calendar
    days) and ``tautan_sk``. An item with the same title and OPD in the same
    year is updated rather than duplicated: the columns the sheet has
    (an empty cell clears the value), not the others (nor whether it is
    active).

    All or nothing: when any row has an error nothing is saved and a
    ``ValidationError`` lists every error by row under ``rows``.

    :param upload: the .xlsx file (a multipart upload over HTTP; bytes from
        Python code)
    :param year: the year of the Daftar Data
    :type year: int
    :param dry_run: only check the file (optional, default false)
    :type dry_run: bool
    :returns: ``{"created": n, "updated": n, "unchanged": n, "items": [item]}``
        (``updated``: items the file changed; ``unchanged``: items it has as
        they are)
    :rtype: dictionary
    """
    tk.check_access("satudata_daftar_data_import", context, data_dict)
    data = _validate(data_dict, schema.daftar_data_import(), context)
    year = data["year"]
    parsed = list(spreadsheets.read_daftar_data(_file_upload(data["upload"], "upload") or b""))
    most = tk.config.get("satudata.daftar_data.import_max_rows")
    if len(parsed) > most:  # 20,000 rows held a web process for over a minute
        raise tk.ValidationError({"upload": [tk._(
            "The workbook has %(count)s items; one import takes at most %(max)s: split it "
            "into smaller files") % {"count": len(parsed), "max": most}]})
    if not data["dry_run"]:
        # the rounds of the year's requests first, as an item's change and a
        # round's send take them: a new own deadline moves an item's requests
        _lock_rounds_of(sa.select(DataRequest.round_id).join(
            DaftarData, DaftarData.id == DataRequest.item_id).where(DaftarData.year == year))
        # Imports of the same year wait for each other, so that each one
        # sees the items the previous one added (an item is updated, not
        # added twice); the lock ends with the transaction.
        _lock_year(year)

    orgs = model.Session.execute(
        sa.select(model.Group.id, model.Group.name, model.Group.title).where(
            model.Group.is_organization.is_(True), model.Group.state == "active")
    ).all()
    org_lookup: dict[str, str] = {}
    for org_id, name, title in orgs:
        org_lookup[org_id] = org_id
        org_lookup[name.lower()] = org_id
        if title:
            org_lookup.setdefault(title.strip().lower(), org_id)
    existing = {
        (item.title.strip().lower(), item.owner_org): item
        for item in model.Session.execute(
            sa.select(DaftarData).where(DaftarData.year == year)).scalars()
    }
    item_schema = schema.daftar_data_create()
    row_errors: list[str] = []
    valid: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    labels = {field: header for header, field, _a in spreadsheets.DAFTAR_DATA_COLUMNS}
    # the columns each row has, an empty cell's included (an update changes
    # those alone: a sheet without "prioritas" took every item's priority
    # away, and one read again reactivated a deactivated item)
    columns = {number: set(row) for number, row in parsed}
    for number, row in parsed:
        for field in [f for f, v in row.items() if v is None]:
            del row[field]
        said = row.get("year")
        if said is not None and str(said).strip().removesuffix(".0") != str(year):
            row_errors.append(tk._(
                "Row %(row)s: the row is of the year %(said)s, the import of %(year)s: "
                "import it into its own year") % {"row": number, "said": said, "year": year})
            continue
        row["year"] = year
        org_value = str(row.get("owner_org") or "").strip()
        if org_value:
            row["owner_org"] = org_lookup.get(org_value.lower(), org_value)
        clean, errors = tk.navl_validate(row, item_schema, context)
        if not errors:
            key = (clean["title"].strip().lower(), clean["owner_org"])
            if key in seen:
                errors = {"title": [tk._("Same title and OPD as row %(row)s") % {
                    "row": seen[key]}]}
            seen[key] = number
        if errors:
            for field, messages in errors.items():
                for message in messages:
                    row_errors.append(tk._("Row %(row)s, column %(column)s: %(error)s") % {
                        "row": number, "column": labels.get(field, field),
                        "error": message})
        else:
            valid.append((number, clean))
    if not parsed:
        raise tk.ValidationError({"upload": [tk._("The file has no data rows")]})
    if row_errors:
        raise tk.ValidationError({
            "upload": [tk._("The file has errors; nothing was imported. Fix "
                            "the rows below and upload the file again.")],
            "rows": row_errors,
        })
    if not data["dry_run"]:
        _refuse_deleted_opds(valid, labels)
    created = updated = unchanged = 0
    # requests whose deadline the items' new own deadlines moved, per round
    moved: dict[str, dict[str, list[str]]] = {}
    items = []
    user_id = _user_id(context)
    for number, clean in valid:
        item = existing.get((clean["title"].strip().lower(), clean["owner_org"]))
        if item is not None:
            clean = _imported_changes(clean, columns[number])
        # a file imported again as it was changes nothing (it said every
        # item was updated)
        same = item is not None and all(getattr(item, f) == v for f, v in clean.items())
        if data["dry_run"]:
            created += item is None
            updated += item is not None and not same
            unchanged += same
            continue
        if item is not None:
            if same:
                unchanged += 1
            else:
                before = daftar_data_history.snapshot(item)
                own_deadline = (item.submit_days, item.submit_calendar_days)
                for field, value in clean.items():
                    setattr(item, field, value)
                if (item.submit_days, item.submit_calendar_days) != own_deadline:
                    # its requests follow, as an item changed by hand moves them
                    try:
                        _follow_item_deadline(item, moved)
                    except tk.ValidationError as e:
                        raise tk.ValidationError({"rows": [tk._(
                            "Row %(row)s, column %(column)s: %(error)s") % {
                                "row": number, "column": labels.get("submit_days"),
                                "error": e.error_dict["submit_days"][0]}]})
                daftar_data_history.record_changes(item, before, user_id, "import_update")
                updated += 1
        else:
            item = DaftarData(id=model.types.make_uuid(), created_by=user_id, **clean)
            model.Session.add(item)
            # with what it was added (the decree's number and date), as a
            # hand-made item's trail says
            daftar_data_history.record(item, "import_create", user_id,
                                       daftar_data_history.added(item))
            created += 1
        # a list copied from last year's links last year's items' SK: this
        # item keeps a copy of its own (deleting the other killed the link)
        own = storage.sk_of_another(item.id, item.sk_url)
        if own:
            item.sk_url = own
        items.append(item)
    if not data["dry_run"]:
        _tell_deadlines_moved(moved, f"the Daftar Data {year}")
        model.Session.flush()
        _commit(context)
    return {"created": created, "updated": updated, "unchanged": unchanged,
            "dry_run": data["dry_run"], "items": [item.dictize() for item in items]}


# -- collection rounds -----------------------------------------------------------

def _state_counts(round_ids: list[str], owner_orgs: Optional[list[str]] = None
                  ) -> dict[str, dict[str, int]]:
    """``{round_id: {state: n, "total": n, "overdue": n}}`` in one query (of
    the request counts: not one row per request); of the requests of
    ``owner_orgs`` only, if given."""
    counts: dict[str, dict[str, int]] = {rid: {"total": 0, "overdue": 0} for rid in round_ids}
    if not round_ids:
        return counts
    c = request_count.c
    overdue = sa.func.coalesce(sa.func.sum(c.n).filter(_late(c)), 0)
    stmt = (
        sa.select(c.round_id, c.state, sa.func.sum(c.n), overdue)
        .where(c.round_id.in_(round_ids),
               *([c.owner_org.in_(owner_orgs)] if owner_orgs is not None else []))
        .group_by(c.round_id, c.state)
        .having(sa.func.sum(c.n) > 0)
    )
    for round_id, state, n, late in model.Session.execute(stmt).all():
        counts[round_id][state] = int(n)
        counts[round_id]["total"] += int(n)
        counts[round_id]["overdue"] += int(late)
    return counts


def _round_dict(round_: CollectionRound, counts: Optional[dict[str, int]] = None,
                report_reviewing: Optional[bool] = None) -> dict[str, Any]:
    """The round with its counts and its locked fields (``counts`` and
    ``report_reviewing``: read for a whole list at once, else here)."""
    result = round_.dictize()
    result["counts"] = counts if counts is not None else _state_counts([round_.id])[round_.id]
    result["stage_label"] = rounds.stage_label(round_.stage)
    result["status_label"] = rounds.status_label(round_)
    result["late_policy_label"] = late_data.policy_label(round_.late_policy)
    # the fields that no longer change, with the reason (its edit form shows them as they are)
    result["locked_fields"] = rounds.locked_fields(
        round_, sent=result["counts"].get("total", 0) > 0,
        reviewing=any(result["counts"].get(state) for state in rounds.REVIEWING),
        approved=any(result["counts"].get(state) for state in rounds.APPROVED),
        report_reviewing=(round_.id in rounds.reports_in_approval([round_.id])
                          if report_reviewing is None else report_reviewing))
    return result


#: the deadlines of a round that an administrator may set by hand
_ROUND_DEADLINES = ("prepare_due", "submit_due", "verify_due")


def _refuse_past_deadlines(data: dict[str, Any],
                           round_: Optional[CollectionRound] = None) -> None:
    """A deadline given by hand must not be already past (in the portal's
    time zone); on an update only a deadline that changes is checked, so a
    round whose deadline has passed can still be edited otherwise. Computed
    deadlines are not refused (a round may be recorded after its start)."""
    today = workdays.today()
    given = [key for key in _ROUND_DEADLINES if data.get(key) is not None
             and (round_ is None or getattr(round_, key) != data[key])]
    errors = {key: [tk._("This deadline has already passed: choose today or a later date")]
              for key in given if data[key] < today}
    # a deadline falls on a working day, as the counted ones do
    for key in given:
        if key not in errors and not workdays.is_working_day(data[key]):
            errors[key] = [tk._(
                "%(date)s is not a working day (a weekend, a public holiday or cuti "
                "bersama): choose another date, e.g. %(next)s") % {
                    "date": tk.h.render_datetime(data[key]),
                    "next": tk.h.render_datetime(workdays.add_working_days(data[key], 1))}]
    if errors:
        raise tk.ValidationError(errors)


def _refuse_beyond_calendar(due: dict[str, Any]) -> None:
    """Deadlines counted past the last year a date may have (a round started
    late in 2100 was saved with deadlines in 2101, which its own edit form
    then refused, field by field)."""
    last = max((value for value in due.values() if isinstance(value, datetime.date)),
               default=None)
    if last is not None and last.year > validators.MAX_YEAR:
        raise tk.ValidationError({"start_date": [tk._(
            "The deadlines counted from this start date would fall after %(year)s "
            "(%(date)s): choose an earlier start date or fewer days") % {
                "year": validators.MAX_YEAR, "date": tk.h.render_datetime(last)}]})


def _refuse_past_submission(round_: CollectionRound, due: dict[str, Any], sent: bool) -> None:
    """New dates of a round already ``sent`` must not put its submission
    deadline in the past: its producers' requests follow it (they would all
    be overdue at once)."""
    if not sent or due["submit_due"] == round_.submit_due \
            or due["submit_due"] >= workdays.today():
        return
    raise tk.ValidationError({"start_date": [tk._(
        "With these dates the submission deadline (%(date)s) would already be past for "
        "the producers working on this round's requests: choose later dates")
        % {"date": tk.h.render_datetime(due["submit_due"])}]})


def _refuse_disordered_deadlines(start_date: Any, submit_due: Any, verify_due: Any,
                                 given: set[str], prepare_due: Any = None) -> None:
    """The submission deadline cannot come before the round's start, nor
    before the date its requests are sent by (``prepare_due``: the letter
    printed both, the later first), nor the verification deadline before
    the submission one; each error names the date given by hand (the later
    one when both were), all of them at once (the form said one, and the
    next only once that was fixed)."""
    dates = {"start": start_date, "prepare": prepare_due, "submit": submit_due,
             "verify": verify_due}
    shown = {name: tk.h.render_datetime(day) for name, day in dates.items() if day}
    errors: dict[str, list[str]] = {}
    for early, late, message in (
            ("start", "submit", lambda: tk._(
                "The submission deadline (%(submit)s) cannot come before the round's start "
                "(%(start)s)")),
            ("prepare", "submit", lambda: tk._(
                "The submission deadline (%(submit)s) cannot come before the date the "
                "requests are sent by (%(prepare)s)")),
            ("submit", "verify", lambda: tk._(
                "The verification deadline (%(verify)s) cannot come before the submission "
                "deadline (%(submit)s)"))):
        if dates[early] and dates[late] and dates[late] < dates[early]:
            early_key, late_key = _DATE_KEYS[early], _DATE_KEYS[late]
            key = early_key if early_key in given and late_key not in given else late_key
            errors.setdefault(key, []).append(message() % shown)
    if errors:
        raise tk.ValidationError(errors)


#: the round fields of :func:`_refuse_disordered_deadlines`' dates
_DATE_KEYS = {"start": "start_date", "prepare": "prepare_due", "submit": "submit_due",
              "verify": "verify_due"}


def _unchanged_dropped(round_: CollectionRound, data: dict[str, Any]) -> None:
    """Drop from ``data`` the year, dates, durations and rules it gives as
    they are (the edit form sends every field back): only a changed one is
    a decision (and refused once the field is locked), and a deadline typed
    earlier stays when another field changes."""
    for key in ("year", *rounds.DATE_FIELDS, *rounds.RULE_FIELDS):
        if key in data and data[key] == getattr(round_, key):
            del data[key]


def _emptied_deadlines(data_dict: DataDict) -> set[str]:
    """The deadlines a change gives empty (``""``, blanks, ``null``): to be
    counted (again) from what they follow (a typed deadline could not be taken back:
    the form said "saved" and kept it)."""
    return {key for key in _ROUND_DEADLINES if key in data_dict and (
        data_dict[key] is None
        or isinstance(data_dict[key], str) and not data_dict[key].strip())}


def _deadlines_after(round_: Optional[CollectionRound], data: dict[str, Any],
                     recount: frozenset[str] = frozenset(),
                     typed: frozenset[str] = frozenset(),
                     fixed: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The deadlines ``round_`` would have with the change ``data`` (a new
    round's when ``round_`` is None), without changing it: a deadline given
    is kept; one not given is counted from the one before it when that one
    or its duration changed (a new start moves all three, a new submission
    deadline or verification time the verification deadline only); the
    others keep their date. A deadline in ``recount`` is counted again, and
    those after it follow; one in ``typed`` was given as it is (the edit
    form sends every date back) and is kept unless a date before it moved:
    a new duration moved a date left filled in, against the form's word
    ("leave a date empty to have it computed"), even a sent round's
    deadline earlier. One in ``fixed`` was typed before (the round's
    ``typed_deadlines``) and is kept whatever duration or deadline before
    it changed; a new start moves the whole round, typed dates too."""
    def value(key: str) -> Any:
        return data[key] if key in data else getattr(round_, key)

    kept: dict[str, Any] = {}
    moved = shifted = round_ is None or "start_date" in data
    for key, days in (("prepare_due", "prepare_days"), ("submit_due", "submit_days"),
                      ("verify_due", "verify_days")):
        moved = moved or days in data or key in data or key in recount
        if key in data or not moved or key in fixed and "start_date" not in data \
                or key in typed and not shifted:
            kept[key] = value(key)
        # a date before it moved: a date sent back as it was follows it
        shifted = shifted or key in data or key not in kept
    return workdays.round_deadlines(value("start_date"), value("prepare_days"),
                                    value("submit_days"), value("verify_days"), kept)


def satudata_round_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Create a collection round. Stage durations default to the
    ``satudata.deadline.*`` options (5 working days to prepare and 60 to
    submit as TJB SOP 001 gives them, 15 to verify, 1 per approval level);
    the deadlines are computed in working days unless given, one stage after
    the other:
    ``prepare_due`` from ``start_date``, ``submit_due`` from ``prepare_due``,
    ``verify_due`` from ``submit_due`` (as the SOPs chain them).

    :param name: URL name, e.g. ``semester-1-2026``
    :param title: e.g. "Semester I 2026"
    :param year: the year of the Daftar Data requested
    :type year: int
    :param start_date: YYYY-MM-DD
    :param period: free text, e.g. "S1" (optional)
    :param description: (optional)
    :param prepare_days: (optional) working days to send the requests
    :param submit_days: (optional) working days for producers to submit
    :param verify_days: (optional) working days to verify a submission
    :param approval_days: (optional) working days per approval level
    :param prepare_due: (optional) override of the computed date (not past)
    :param submit_due: (optional) override of the computed date (not past);
        the verification deadline then follows it by ``verify_days``
    :param verify_due: (optional) override of the computed date (not past,
        not before the submission deadline)
    :param verify_when_complete: (optional, default false) the all-in gate:
        verification starts only once every OPD has delivered
    :type verify_when_complete: bool
    :param compile_days: (optional) working days to compile and analyse the
        data after the collection (TJB: 60); none: no such stage
    :param report_days: (optional) working days to draft the report (TJB:
        15); none: no such stage
    :param approval_chain: (optional) the round's own approval chain, roles of
        ``satudata.approval_chain`` in order, verifier first (a list or a
        string separated by spaces); empty: the site's chain
    :param report_chain: (optional) the chain the round's report goes up,
        the same way (SOP 001: the data validated by the verifier alone, the
        report up to the Kepala Dinas); empty: the round's approval chain
    :param late_policy: (optional) ``accept`` (default), ``flag`` or ``carry``:
        what a submission after its deadline gets (:mod:`...lib.late_data`)
    :returns: the round
    :rtype: dictionary
    """
    tk.check_access("satudata_round_create", context, data_dict)
    # a deadline given empty is counted, as one not given (it was refused
    # as a malformed date, while an update counts it again)
    emptied = _emptied_deadlines(data_dict)
    data = _validate({key: value for key, value in data_dict.items() if key not in emptied},
                     schema.round_create(), context)
    given = set(data)
    _refuse_past_deadlines(data)
    _refuse_report_chain_without_report(data)
    lock_name("round", data["name"])
    taken = model.Session.execute(
        sa.select(CollectionRound.id).where(CollectionRound.name == data["name"])
    ).first()
    if taken:
        raise tk.ValidationError({"name": [tk._("That URL is already in use.")]})
    for key, days in workdays.stage_days().items():
        data.setdefault(key, days)
    # each deadline not given follows the one before it (a typed submission
    # deadline moves the verification one)
    data.update(_deadlines_after(None, data))
    _refuse_disordered_deadlines(data["start_date"], data["submit_due"], data["verify_due"],
                                 given, data.get("prepare_due"))
    data.update(workdays.stage_deadlines(
        data["verify_due"], data.get("compile_days"), data.get("report_days")))
    _refuse_beyond_calendar(data)
    round_ = CollectionRound(created_by=_user_id(context), state="draft", **data)
    round_.typed_deadlines = sorted(given & set(_ROUND_DEADLINES)) or None
    model.Session.add(round_)
    model.Session.flush()
    round_history.record(round_, "create", round_.created_by)
    _commit(context)
    return _round_dict(round_, {"total": 0, "overdue": 0})


def satudata_round_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change a round; fields not given, or given as they are (the edit form
    sends every field back), keep their value. A deadline not given is
    counted again when what it follows changes (the start date, the
    deadline before it or its working days), so a deadline typed earlier
    stays when a later duration changes; the deadlines of the sent
    requests counted from the round's follow (:func:`.engine.follow_round_deadlines`:
    waiting for their producers, returned, waiting for verification), and
    the producers whose submission deadline moved are e-mailed. Two
    changes at once are made one after the other.

    :param id: id or name of the round
    :param modified: the round's ``modified`` as the caller read it (optional:
        a change made since is refused, not overwritten)
    :returns: the round
    :rtype: dictionary

    The other parameters are those of :func:`satudata_round_create`, plus
    ``state`` (``draft``, ``open`` or ``closed``); a deadline given empty
    (``prepare_due: ""``) is counted again from what it follows.
    """
    tk.check_access("satudata_round_update", context, data_dict)
    if roles.clean_id((data_dict or {}).get("id")):
        get_round(data_dict["id"])  # gone: not found (as its show, its send), not invalid
    recount = _emptied_deadlines(data_dict)
    data = _validate({key: value for key, value in data_dict.items() if key not in recount},
                     schema.round_update(), context)
    # one change at a time: a second officer's change waits, then starts from
    # this one's result (and the trail records what each one changed)
    round_ = _locked(CollectionRound, data.pop("id"), tk._("Collection round not found"))
    if set(data) - {"modified", "name"} == {"state"} and data["state"] == round_.state:
        # a close (or a reopening) from a page opened before another
        # officer's same click: done already (it was told "someone changed
        # this… what you typed is below", with nothing typed, nothing below)
        return _round_dict(round_)
    refuse_changed_since(round_.modified, data.pop("modified", None))
    data.pop("name", None)
    typed = frozenset(key for key in _ROUND_DEADLINES if key in data)
    _unchanged_dropped(round_, data)
    # typed before, typed now (a changed date), or counted again (emptied)
    fixed = frozenset(round_.typed_deadlines or ()) - set(recount)
    typed_now = (fixed | {key for key in _ROUND_DEADLINES if key in data}) - set(recount)
    sent = bool(_count(DataRequest, [DataRequest.round_id == round_.id]))
    locked = rounds.locked_fields(round_, sent=sent, reviewing=bool(_count(
        DataRequest, [DataRequest.round_id == round_.id,
                      DataRequest.state.in_(rounds.REVIEWING)])), approved=bool(_count(
        DataRequest, [DataRequest.round_id == round_.id,
                      DataRequest.state.in_(rounds.APPROVED)])),
        report_reviewing=round_.id in rounds.reports_in_approval([round_.id]))
    # an emptied deadline counted again to the date it has is no change
    counted = _deadlines_after(round_, data, frozenset(recount), typed, fixed)
    recount = frozenset(key for key in recount if counted[key] != getattr(round_, key))
    if (set(data) | recount) & set(locked):
        raise tk.ValidationError({key: [locked[key]] for key in (*data, *sorted(recount))
                                  if key in locked})
    _refuse_past_deadlines(data, round_)
    _refuse_report_chain_without_report(data, round_)
    before = round_history.snapshot(round_)
    if data.get("state") == "open" and round_.state != "open" and not sent:
        raise tk.ValidationError({"state": [tk._(
            "A round without requests cannot be opened: send it instead")]})
    if data.get("state") == "closed" and round_.state == "draft" and not sent:
        # closed, it could be neither sent ("closed") nor opened ("send it")
        raise tk.ValidationError({"state": [tk._(
            "A round not yet sent cannot be closed: send it, or delete it")]})
    if data.get("state") == "draft" and round_.state != "draft" and sent:
        raise tk.ValidationError({"state": [tk._(
            "A round whose requests were sent cannot go back to draft: its producers "
            "are working on them (close the round instead)")]})
    due = _deadlines_after(round_, data, recount, typed, fixed)
    _refuse_disordered_deadlines(data.get("start_date", round_.start_date), due["submit_due"],
                                 due["verify_due"], set(data), due.get("prepare_due"))
    _refuse_past_submission(round_, due, sent)
    _refuse_beyond_calendar({**due, **(workdays.stage_deadlines(
        due["verify_due"], data.get("compile_days", round_.compile_days),
        data.get("report_days", round_.report_days)) if due.get("verify_due") else {})})
    renamed = "title" in data and data["title"] != round_.title
    changed = any(getattr(round_, key) != value for key, value in {**data, **due}.items())
    for key, value in {**data, **due}.items():
        setattr(round_, key, value)
    round_.typed_deadlines = sorted(typed_now) or None
    if changed:  # a close of a closed round refused another officer's open form
        round_.modified = datetime.datetime.utcnow()
    if round_.stage == "collection":
        # the later stages' planned deadlines, from the end of the collection
        for key, value in workdays.stage_deadlines(
                round_.verify_due, round_.compile_days, round_.report_days).items():
            setattr(round_, key, value)
    moved = {}
    after = round_history.snapshot(round_)
    if sent and any(before.get(key) != after.get(key) for key in rounds.DATE_FIELDS):
        # its requests' deadlines follow; their producers are told of a
        # moved submission deadline (it changed unseen, the letter's stood)
        moved = engine.follow_round_deadlines(round_)
    round_history.record_changes(round_, before, _user_id(context))
    if sent and before.get("state") in ("open", "closed") \
            and round_.state in ("open", "closed") and before.get("state") != round_.state:
        # its OPDs with requests still to deliver hear that they no longer can
        # (or can again): closed, the requests only said so once opened
        outbox.add("notify_round_state", [round_.id], title=f"satudata: round {round_.name} "
                   f"{round_.state}")
    if moved and round_.state != "closed":
        # a closed round's producers cannot submit: told nothing of a date
        # they could not keep (they were, three times over a close)
        outbox.add("notify_deadline_moved", [round_.id, {
            rid: [old.isoformat(), new.isoformat()] for rid, (old, new) in moved.items()}],
            title=f"satudata: deadlines of round {round_.name}")
    if renamed:  # its public datasets carry its title in the search index
        publishing.reindex_round(round_.id)
    _commit(context)
    return _round_dict(round_)


def satudata_round_delete(context: Context, data_dict: DataDict) -> None:
    """Delete a round created by mistake: only one never sent (no request
    was made from it); its documents go with it. A sent round is closed
    instead (``satudata_round_update`` with ``state`` ``closed``): its
    requests, letters and trail stay.

    :param id: id or name of the round
    """
    tk.check_access("satudata_round_delete", context, data_dict)
    # one change of the round at a time: a send waits for this, or this for
    # it; a second deletion finds it gone (both answered "deleted")
    round_ = _locked(CollectionRound, get_round(_ref(data_dict, context)).id,
                     tk._("Collection round not found"))
    if _count(DataRequest, [DataRequest.round_id == round_.id]):
        raise tk.ValidationError({"state": [tk._(
            "This round was sent: its requests, letters and history stay. Close it "
            "instead")]})
    documents = [d.id for d in model.Session.execute(
        sa.select(RoundDocument).where(RoundDocument.round_id == round_.id)).scalars()]
    log.info("Round %s (%s) deleted by %s", round_.name, round_.id, context.get("user"))
    model.Session.delete(round_)
    _commit(context)
    for document_id in documents:  # their rows went with the round's
        storage.delete_round_document(document_id)


@tk.side_effect_free
def satudata_round_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A collection round with the number of its requests in each state
    (``counts``: state → n, plus ``total`` and ``overdue``), the stage it is
    at (``stage_label``) and, in an all-in round (``verify_when_complete``),
    the requests its verification still waits for (``waiting_for_all``:
    "OPD — item"). The walidata staff also get the round's own trail
    (``events``, oldest first: who created, changed, sent or moved it on,
    and each changed field before and after).

    :param id: id or name of the round
    :rtype: dictionary
    """
    tk.check_access("satudata_round_show", context, data_dict)
    round_ = get_round(_ref(data_dict, context))
    staff = context.get("ignore_auth") or roles.is_walidata_staff(context.get("user"))
    # a producer counts their OPDs' requests (the list behind the counts),
    # not the walidata's figures of every OPD
    result = _round_dict(round_, None if staff else _state_counts(
        [round_.id], roles.producer_org_ids(context.get("user")))[round_.id])
    # an all-in round: the requests its verification still waits for (named
    # to the walidata staff only: a producer does not see the other OPDs' items)
    result["waiting_for_all"] = rounds.pending_of([round_.id]).get(round_.id, []) \
        if staff else []
    # its own trail (who changed, sent, moved it on): the walidata staff's
    result["events"] = round_history.events(round_.id) if staff else []
    # the years of its deadlines whose holidays are only estimated: the
    # deadlines may move once the year's decree is out
    result["calendar_estimated_years"] = workdays.estimated_years(
        round_.prepare_due, round_.submit_due, round_.verify_due, round_.compile_due,
        round_.report_due)
    return result


@tk.side_effect_free
def satudata_round_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Collection rounds, newest first, each with its counts.

    :param year: (optional)
    :param state: ``draft``, ``open`` or ``closed`` (optional)
    :param limit: (default 100)
    :param offset: (default 0)
    :returns: ``{"count": total, "results": [round]}``; a producer gets only
        the sent rounds that requested data from their OPDs
    :rtype: dictionary
    """
    tk.check_access("satudata_round_list", context, data_dict)
    data = _validate(data_dict, schema.round_list(), context)
    where = []
    if data.get("year"):
        where.append(CollectionRound.year == data["year"])
    if data.get("state"):
        where.append(CollectionRound.state == data["state"])
    user = context.get("user")
    own: Optional[list[str]] = None  # a producer's OPDs: their requests counted
    if not (context.get("ignore_auth") or roles.is_walidata_staff(user)):
        # producers: only the rounds that sent requests to their OPDs
        own = list(roles.producer_org_ids(user))
        where.append(CollectionRound.state != "draft")
        where.append(CollectionRound.id.in_(
            sa.select(DataRequest.round_id).where(DataRequest.owner_org.in_(own))))
    count = _count(CollectionRound, where)
    listed = list(model.Session.execute(_page(
        sa.select(CollectionRound).where(*where)
        .order_by(CollectionRound.start_date.desc(), CollectionRound.name), data)).scalars())
    ids = [r.id for r in listed]
    counts, reviewing = _state_counts(ids, own), rounds.reports_in_approval(ids)
    return {"count": count, "results": [_round_dict(r, counts[r.id], r.id in reviewing)
                                        for r in listed]}


def _prefill(item: DaftarData) -> dict[str, Any]:
    """The dataset schema's fields an item already knows (the same names
    and code lists): what the OPD need not type again."""
    fields: dict[str, Any] = {
        "update_frequency": item.update_frequency, "unit": item.unit,
        "government_affairs": list(item.government_affairs or []),
        "priority_data": bool(item.priority),
    }
    return {key: value for key, value in fields.items() if value not in (None, "", [])}


def _create_dataset(context: Context, item: DaftarData, round_: CollectionRound
                    ) -> Optional[str]:
    """A private dataset in the OPD for the request, or None if the dataset
    schema refuses the minimal draft (the producer links one later)."""
    base = storage.slug(f"{item.title} {round_.name}", 90)
    name = base
    while model.Session.execute(
            sa.select(model.Package.id).where(model.Package.name == name)).first():
        name = f"{base[:81]}-{model.types.make_uuid()[:8]}"
    try:
        return tk.get_action("package_create")(
            {"user": context.get("user"), "ignore_auth": True, "defer_commit": True,
             "return_id_only": True},
            {"name": name,
             # the indicator's dataset, whatever the period: the rounds that
             # follow add their periods to it (its resources name them)
             "title": _index_safe(item.title[:TITLE_MAX]),
             "notes": item.description or "", "owner_org": item.owner_org,
             "private": True, **_prefill(item)})
    except tk.ValidationError:
        return None


def _earlier_requests(*columns: Any) -> Any:
    """``SELECT columns`` over each Daftar Data item joined with the
    requests of the item and of the same OPD's items of the same indicator
    (equal titles but for case and surrounding spaces, as
    :func:`_refuse_duplicate` compares them, in any year)."""
    earlier = sa.orm.aliased(DaftarData)
    same_title = (sa.func.lower(sa.func.btrim(earlier.title))
                  == sa.func.lower(sa.func.btrim(DaftarData.title)))
    return (sa.select(*columns).select_from(DaftarData)
            .join(earlier, sa.and_(earlier.owner_org == DaftarData.owner_org,
                                   sa.or_(earlier.id == DaftarData.id, same_title)))
            .join(DataRequest, DataRequest.item_id == earlier.id))


def _published_datasets(items: list[DaftarData]) -> dict[str, str]:
    """``{item id: dataset id}``: the dataset of each item's latest
    published request, where the item (or the same OPD's item of the same
    title in an earlier year's Daftar Data) was published before and is not
    archived (an archived dataset takes no new period: its producers cannot
    change it). One query for all the items."""
    if not items:
        return {}
    rows = model.Session.execute(
        _earlier_requests(DaftarData.id, DataRequest.package_id)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .join(model.Package, model.Package.id == DataRequest.package_id)
        .where(DaftarData.id.in_([i.id for i in items]), model.Package.state == "active",
               publishing.public_not_archived_clause())
        .order_by(DaftarData.id, CollectionRound.start_date.desc(),
                  CollectionRound.created.desc())).all()
    found: dict[str, str] = {}
    for item_id, package_id in rows:
        found.setdefault(item_id, package_id)
    return found


#: an earlier period's request in these states is not released: still with
#: its producers, in review or approval, or scheduled (its dataset will be the
#: indicator's), or withdrawn (published again, it would be a second public
#: dataset of the indicator). Sending the item now split the indicator over
#: two datasets and asked its producers twice; the walidata sends it again
#: once that period is public, cancels it, or asks for new datasets
_UNRELEASED = tuple(s.value for s in (
    State.REQUESTED, State.OPD_REVIEW, State.SUBMITTED, State.RETURNED, State.RESUBMITTED,
    State.VERIFIED, State.READY, State.SCHEDULED, State.WITHDRAWN))
#: a request of a new period in these states is still open on its dataset
_OPEN_PERIOD = tuple(s.value for s in (
    State.REQUESTED, State.OPD_REVIEW, State.SUBMITTED, State.RETURNED, State.RESUBMITTED,
    State.VERIFIED, State.READY, State.SCHEDULED))


def _unreleased_earlier(items: list[DaftarData], round_: CollectionRound,
                        published: dict[str, str]
                        ) -> tuple[list[DaftarData], dict[str, tuple[CollectionRound, str]]]:
    """The items whose earlier period, requested in another round, is not
    released yet: one not published before whose earlier period is still
    collected, reviewed, approved, scheduled or withdrawn (sending now would
    give the indicator a second dataset, and its producers two requests for
    one indicator), and one published before whose dataset another round's
    new period, or a correction of a published period, is still open on
    (its uploads are staged for that period only: a table of the new period
    went into the correction, and was published as the earlier period's).
    With them, the round and state of each one's earlier request (one still
    with its producers in a closed round is never delivered: the walidata
    cancels it or reopens its round).
    Two queries."""
    open_period = {package_id: (held_by, state) for package_id, held_by, state in
                   model.Session.execute(
        sa.select(DataRequest.package_id, CollectionRound, DataRequest.state)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id).where(
            DataRequest.package_id.in_(set(published.values())),
            DataRequest.round_id != round_.id,
            DataRequest.state.in_(_OPEN_PERIOD))).all()} if published else {}
    held = {i: open_period[package_id] for i, package_id in published.items()
            if package_id in open_period}
    candidates = [i.id for i in items if i.id not in published]
    if candidates:
        held.update({item_id: (held_by, state) for item_id, held_by, state in
                     model.Session.execute(
            _earlier_requests(DaftarData.id, CollectionRound, DataRequest.state)
            .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
            .where(DaftarData.id.in_(candidates), DataRequest.round_id != round_.id,
                   DataRequest.revision_of.is_(None),
                   DataRequest.state.in_(_UNRELEASED))).all()})
    return [i for i in items if i.id in held], held


def _never_released(holding: tuple[CollectionRound, str]) -> bool:
    """Whether an earlier request (its round, its state) is still with its
    producers in a closed round: it is never delivered, so never released."""
    held_by, state = holding
    return held_by.state == "closed" and state in rounds.WITH_PRODUCERS


def satudata_round_send(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Send a round's requests in one action: one request per active Daftar
    Data item of the round's year, to the item's OPD. An item published
    before (in an earlier round, or the same OPD's item of the same title
    in an earlier year) is requested on **its published dataset**: the
    round adds a new period to it (the new table is staged and reviewed
    while the earlier periods stay public; :mod:`...lib.publishing`).
    Any other item gets a private dataset created in the OPD organization
    (``satudata.request.create_dataset``), as does every item when
    ``new_datasets`` is true. Items already requested in this round are
    skipped, so sending again after adding items only sends the new ones.
    An item whose earlier period (requested in another round) is not
    released yet, or was withdrawn, is held back (``held_back``): sending it
    now would give the indicator a second dataset; send the round again once
    that period is public (or give ``new_datasets``).
    The round becomes ``open``; each OPD receiving requests gets a numbered
    Surat Permintaan Data listing them (``satudata_letter_list``), and its
    producers an e-mail listing their new requests with that letter attached
    and links to the round's uploaded documents.

    :param id: id or name of the round
    :param new_datasets: a new dataset for every item, even one published
        before (optional, default false)
    :returns: ``{"round": round, "created": n, "skipped": n, "new_periods": n,
        "without_dataset": [request id], "held_back": [{"item_id", "title",
        "owner_org", "round": {"name", "title", "closed"}}] (``round``: the round
        of the earlier request it waits for), "without_producers": [{"id", "title"}] (the OPDs sent
        requests that have no producer: no e-mail reached them; add one)}``
    :rtype: dictionary
    """
    tk.check_access("satudata_round_send", context, data_dict)
    try:  # a strict yes or no (a list, an object or a 2 is none)
        new_datasets = validators.satudata_boolean(data_dict.get("new_datasets"))
    except tk.Invalid as e:
        raise tk.ValidationError({"new_datasets": [e.error]})
    # the round as it is under its lock: a change of its year or dates made
    # meanwhile is read here (its row read before the lock was stale)
    round_ = _locked(CollectionRound, get_round(_ref(data_dict, context)).id,
                     tk._("Collection round not found"))
    if round_.state == "closed":
        raise tk.ValidationError({"state": [tk._("This round is closed")]})
    if round_.stage != "collection":
        raise tk.ValidationError({"state": [tk._(
            "This round's collection is over (stage \"%(stage)s\"): send its new items in "
            "another round") % {"stage": rounds.stage_label(round_.stage)}]})
    already = sa.select(DataRequest.item_id).where(DataRequest.round_id == round_.id)
    # the items locked until the requests are made: a change of an item's year
    # or OPD waits for this send (then sees its request), or this send for it
    # (then takes the item as changed); after the year's lock, as an import
    # and an item's change take them (an import updating the items deadlocked)
    _lock_year(round_.year)
    items = list(model.Session.execute(
        sa.select(DaftarData).where(
            DaftarData.year == round_.year, DaftarData.active.is_(True),
            DaftarData.id.not_in(already),
            # an OPD deleted since its items were listed is asked nothing
            DaftarData.owner_org.in_(sa.select(model.Group.id).where(
                model.Group.state != "deleted")))
        .order_by(DaftarData.owner_org, DaftarData.title)
        .with_for_update(of=DaftarData).execution_options(populate_existing=True)).scalars())
    skipped = model.Session.execute(
        sa.select(sa.func.count()).select_from(DataRequest)
        .where(DataRequest.round_id == round_.id)).scalar_one()
    if not items and not skipped:
        raise tk.ValidationError({"state": [tk._(
            "The Daftar Data of %(year)s has no active items: there is nothing to "
            "send") % {"year": round_.year}]})
    if items and round_.submit_due is not None and round_.submit_due < workdays.today() \
            and not tk.config.get("satudata.round.send_after_deadline"):
        # its requests would all be late at once, and its letter ask for the
        # data by a date already past
        raise tk.ValidationError({"submit_due": [tk._(
            "The round's submission deadline (%(date)s) has passed: change the round's "
            "dates before sending its requests") % {
                "date": tk.h.render_datetime(round_.submit_due)}]})
    create_dataset = tk.config.get("satudata.request.create_dataset")
    user_id = _user_id(context)
    now = datetime.datetime.utcnow()
    sent_on = workdays.today()
    created, unlinked, made = [], [], []
    reused = {} if new_datasets else _published_datasets(items)
    # the datasets' steps under way first (a correction's revise sent at the
    # same moment was not seen, and the new period it holds back was sent):
    # a step that comes after sees the new period and is refused
    for package_id in sorted(set(reused.values())):
        publishing.changes_gate(package_id)
    # one dataset per indicator: an item whose earlier period is not public
    # yet waits (sent again once it is released), unless new datasets are asked
    held, holding = ([], {}) if new_datasets else _unreleased_earlier(items, round_, reused)
    held_ids = {i.id for i in held}
    items = [i for i in items if i.id not in held_ids]
    reused = {i: p for i, p in reused.items() if i not in held_ids}
    stuck = [i for i in held if _never_released(holding[i.id])]
    if not items and not skipped and stuck:
        raise tk.ValidationError({"state": [tk._(
            "The earlier request of these items is still open in a closed round, which "
            "takes no more data: %(items)s. Cancel that request, or reopen its round, then "
            "send this round again.") % {"items": "; ".join(
                f"{i.title} ({holding[i.id][0].title})" for i in stuck)}]})
    if not items and not skipped and held:
        raise tk.ValidationError({"state": [tk._(
            "Every item of this round waits for its earlier period to be released (or "
            "published again, when it was withdrawn): release it first, then send the "
            "round (or create new datasets)")]})
    # the OPDs' producers as they are once the requests exist: a producer's
    # removal waits for this send (then sees the requests wait for them)
    orgs = sorted({i.owner_org for i in items})
    for org_id in orgs:
        lock_name("producers", org_id)
    # an invited producer is told too (the e-mail waits for their password)
    producers = roles.producers_of(orgs, invited=True)
    for item in items:
        package_id = reused.get(item.id)
        if not package_id and create_dataset:
            package_id = _create_dataset(context, item, round_)
            made += [package_id] if package_id else []
        submit_due = rounds.submit_due_of(item, round_, sent_on)
        request = DataRequest(
            id=model.types.make_uuid(), round_id=round_.id, item_id=item.id,
            owner_org=item.owner_org, package_id=package_id,
            state=State.REQUESTED.value, approval_level=0,
            due_date=submit_due, submit_due=submit_due,
            requested_at=now, version=1)
        model.Session.add(request)
        engine.record_event(request, user_id=user_id, transition=engine.CREATE,
                              from_state=None, signal=False,
                              data={"new_period": True} if item.id in reused else None)
        created.append(request.id)
        if not package_id:
            unlinked.append(request.id)
    round_.state = "open"
    round_.sent_at = round_.sent_at or now
    model.Session.flush()
    if created:
        round_history.record(round_, "send", user_id, {
            "created": len(created), "new_periods": len(reused), "skipped": skipped})
        # a Surat Permintaan Data to each OPD, attached to its e-mail
        sent_letters = letters.issue_request_letters(round_, created, user_id)
        outbox.add("notify_round_sent", [round_.id, created, sent_letters],
                   title=f"satudata: round {round_.id} sent")
        engine.queue_signal(model.Session(), engine.round_sent, round_.id,
                              round_id=round_.id, request_ids=created, user_id=user_id)
    publishing.index_created(made)
    _commit(context)
    return {"round": _round_dict(round_), "created": len(created), "skipped": skipped,
            "new_periods": len(reused), "without_dataset": unlinked,
            "held_back": [{"item_id": i.id, "title": i.title, "owner_org": i.owner_org,
                           # the round of the earlier request it waits for;
                           # "closed": closed with the request still with its
                           # producers, which never comes (cancel or reopen)
                           "round": {"name": holding[i.id][0].name,
                                     "title": holding[i.id][0].title,
                                     "closed": _never_released(holding[i.id])}}
                          for i in held],
            # sent to an OPD with no producer: nobody was told, nobody can answer
            "without_producers": [{"id": group.id, "title": group.display_name}
                                  for group in _groups([o for o in orgs if not producers[o]])]}


def _refuse_report_chain_without_report(data: dict[str, Any],
                                        round_: Optional[CollectionRound] = None) -> None:
    """A report chain on a round without a report stage (it was saved, and
    the round's page showed the chain of a report it would never have)."""
    chain = data.get("report_chain", round_.report_chain if round_ else None)
    days = data.get("report_days", round_.report_days if round_ else None)
    if chain and not days:
        raise tk.ValidationError({"report_chain": [tk._(
            "A report chain needs a report stage: give the working days to draft the "
            "report, or tick no level")]})


def _groups(ids: list[str]) -> list[model.Group]:
    """The organizations ``ids``, in that order, in one query (none for none)."""
    if not ids:
        return []
    found = {g.id: g for g in model.Session.execute(
        sa.select(model.Group).where(model.Group.id.in_(ids))).scalars()}
    return [found[i] for i in ids if i in found]


@tk.side_effect_free
def satudata_round_status(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The status of every request of a round (for the XLSX export): the
    rows of :func:`satudata_request_list` plus the metadata completeness
    recorded by each request's latest event.

    :param id: id or name of the round
    :returns: ``{"round": round, "rows": [request]}``
    :rtype: dictionary
    """
    tk.check_access("satudata_round_status", context, data_dict)
    round_ = get_round(_ref(data_dict, context))
    rows = _request_rows(_Scope(context), {"round_id": round_.id, "sort": "organization"},
                         limit=None, offset=0, with_completeness=True)
    return {"round": _round_dict(round_), "rows": rows}


def _file(filename: str, content: bytes) -> dict[str, Any]:
    return {"filename": filename, "mimetype": spreadsheets.XLSX_MIMETYPE,
            "content": base64.b64encode(content).decode("ascii")}


@tk.side_effect_free
def satudata_round_export(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The status of a round's requests as an Excel workbook: a line per
    request (OPD, state, the role it waits for, due date, overdue, dates,
    returns, metadata completeness, dataset link) and a summary sheet.

    :param id: id or name of the round
    :returns: ``{"filename", "mimetype", "content"}``, the content base64-encoded
    :rtype: dictionary
    """
    tk.check_access("satudata_round_export", context, data_dict)
    status = satudata_round_status(context, data_dict)
    content = spreadsheets.round_status_workbook(status["round"], status["rows"],
                                                 publishing.timezone())
    return _file(f"status-{status['round']['name']}.xlsx", content)


@tk.side_effect_free
def satudata_daftar_data_template(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The Excel template for :func:`satudata_daftar_data_import`, with the
    codes of the active OPDs on its OPD sheet (the walidata's when the year
    lists its own data); with
    ``year``, the Daftar Data of that year in it (its active items, by OPD
    and title): the list an SK fixes, ready to import again.

    :param year: the year whose items fill the sheet (optional)
    :type year: int
    :returns: ``{"filename", "mimetype", "content"}``, the content base64-encoded
    :rtype: dictionary
    """
    tk.check_access("satudata_daftar_data_template", context, data_dict)
    year = (data_dict or {}).get("year")
    if year not in (None, ""):
        try:
            year = validators.satudata_year_int(year)
        except tk.Invalid as e:
            raise tk.ValidationError({"year": [e.error]})
    items = model.Session.execute(
        sa.select(DaftarData, model.Group.name)
        .join(model.Group, model.Group.id == DaftarData.owner_org)
        .where(DaftarData.year == year, DaftarData.active.is_(True))
        .order_by(model.Group.title, DaftarData.title)).all() if year else []
    # the walidata too when the year lists its own data (the sheet's own
    # check of the OPD column refused the rows it had exported)
    listed = {name for _item, name in items}
    walidata = tk.config.get("satudata.walidata_organization")
    orgs = model.Session.execute(
        sa.select(model.Group.name, model.Group.title).where(
            model.Group.is_organization.is_(True), model.Group.state == "active",
            sa.or_(model.Group.name != walidata, model.Group.name.in_(listed)))
        .order_by(model.Group.title)).all()
    content = spreadsheets.daftar_data_template([{"name": n, "title": t} for n, t in orgs],
                                                [(item, name) for item, name in items])
    return _file(f"daftar-data-{year}.xlsx" if year else "template-daftar-data.xlsx", content)


# -- requests ----------------------------------------------------------------------

def _waiting_for(state: str, level: int, chain: list[str],
                 revising: bool = False) -> Optional[str]:
    """Who the request waits for, from the state table: ``producer``,
    ``opd_head``, a chain role, the roles that hold the duty it waits for
    (``satudata.roles.publish``) or else ``walidata`` (its administrators),
    or None."""
    kinds = next_actors(state, revising)
    if Actor.OPD_HEAD in kinds:
        return "opd_head"
    if Actor.PRODUCER in kinds:
        return "producer"
    if Actor.VERIFIER in kinds and chain:
        return chain[0]
    if Actor.APPROVER in kinds and 0 <= level < len(chain):
        return chain[level]
    if Actor.WALIDATA_ADMIN in kinds:
        # the walidata's duty (publish): its administrators, and the
        # roles the region gives it
        duty = next((d for k, d in DUTY_ACTORS.items() if k in kinds), None)
        held_by = roles.duty_roles(duty) if duty else []
        return ", ".join(held_by) if held_by else "walidata"
    return None


def _waiting_label(role: Optional[str]) -> str:
    if role is None:
        return ""
    if role == "producer":
        return tk._("Producer (OPD)")
    if role == "opd_head":
        return tk._("Head of the OPD")
    if role == "walidata":
        return tk._("Walidata administrator")
    if role == ROUND_REPORT:
        return tk._("the round's report (its data is published once the report is approved)")
    return roles.role_label(role)


class _Scope:
    """What the calling user may see and act on, read once per action call
    (a few queries, however many requests are listed)."""

    def __init__(self, context: Context, restrict: bool = True) -> None:
        user = context.get("user")
        user_obj = roles.user_obj(user)
        self.chain = roles.approval_chain()
        #: the rounds with their own chain (the others follow ``chain``)
        self.round_chains = roles.round_chains()
        self.user_id = user_obj.id if user_obj else None
        self.held = roles.user_roles(user_obj.id) if user_obj else set()
        # a sysadmin is no OPD's producer (CKAN makes whoever creates an OPD its
        # admin: every request waiting for the OPDs the sysadmin set up was
        # "waiting for me", 1,067 of 1,082), as the e-mails already say
        self.org_ids = (roles.producer_org_ids(user, user_obj)
                        if user_obj and not user_obj.sysadmin else set())
        self.head_org_ids = roles.opd_head_org_ids(user) if user_obj else set()
        self.admin = roles.is_walidata_admin(user, user_obj) if user_obj else False
        #: a closed round's requests wait for no producer (:data:`.rounds.CLOSED_TO`)
        self.closed_rounds = rounds.closed_ids() if self.org_ids or self.head_org_ids else []
        staff = self.staff = bool(self.held) or self.admin
        # None: every OPD
        self.visible: Optional[set[str]] = (
            None if (staff or not restrict) else self.org_ids | self.head_org_ids)

    def chain_of(self, round_id: str) -> list[str]:
        return self.round_chains.get(round_id, self.chain)

    def _at_levels(self, levels_of: Any, t: Any = DataRequest) -> Any:
        """Requests whose round's chain has a role the user holds at one of
        ``levels_of(chain)`` (per round with its own chain, and the site's
        for the others), or None when there is none (``t``: the requests or
        their counts)."""
        conditions = []
        own = list(self.round_chains)
        levels = levels_of(self.chain)
        if levels:
            conditions.append(sa.and_(t.round_id.not_in(own) if own else sa.true(),
                                      t.approval_level.in_(levels)))
        for round_id, chain in self.round_chains.items():
            levels = levels_of(chain)
            if levels:
                conditions.append(sa.and_(t.round_id == round_id,
                                          t.approval_level.in_(levels)))
        return sa.or_(*conditions) if conditions else None

    def actionable(self, t: Any = DataRequest) -> Any:
        """Requests waiting for something the user can do (their next steps
        in the state table); ``t``: the requests or their counts."""
        waiting: dict[Actor, list[Any]] = {}
        for state in State:
            for revising in (False, True):
                here = sa.and_(t.state == state.value,
                               _revising(t) if revising else sa.not_(_revising(t)))
                for kind in next_actors(state, revising):
                    waiting.setdefault(kind, []).append(here)
        conditions: list[Any] = []
        open_round = (sa.or_(t.round_id.not_in(self.closed_rounds), _revising(t))
                      if self.closed_rounds else sa.true())
        if self.org_ids and waiting.get(Actor.PRODUCER):
            conditions.append(sa.and_(t.owner_org.in_(self.org_ids), open_round,
                                      sa.or_(*waiting[Actor.PRODUCER])))
        if self.head_org_ids and waiting.get(Actor.OPD_HEAD):
            conditions.append(sa.and_(t.owner_org.in_(self.head_org_ids), open_round,
                                      sa.or_(*waiting[Actor.OPD_HEAD])))
        # the verifier's requests wait at level 0 of their round's chain;
        # a reviewer waits for none they took a step of (four eyes: another
        # officer decides; the counts, of no single request, cannot tell)
        second_pair = (sa.not_(roles.had_a_hand(self.user_id, DataRequest.id,
                                                DataRequest.package_id))
                       if t is DataRequest and self.user_id else sa.true())
        verifier = self._at_levels(
            lambda chain: [0] if chain and chain[0] in self.held else [], t)
        if verifier is not None and waiting.get(Actor.VERIFIER):
            conditions.append(sa.and_(sa.or_(*waiting[Actor.VERIFIER]), verifier, second_pair))
        approver = self._at_levels(
            lambda chain: [i for i, role in enumerate(chain) if i > 0 and role in self.held], t)
        if approver is not None and waiting.get(Actor.APPROVER):
            conditions.append(sa.and_(sa.or_(*waiting[Actor.APPROVER]), approver, second_pair))
        if self.admin and waiting.get(Actor.WALIDATA_ADMIN):
            conditions.append(sa.or_(*waiting[Actor.WALIDATA_ADMIN]))
        for kind, duty in DUTY_ACTORS.items():
            if waiting.get(kind) and self.held & set(roles.duty_roles(duty)):
                conditions.append(sa.or_(*waiting[kind]))
        return sa.or_(*conditions) if conditions else sa.false()


def _revising(t: Any) -> Any:
    """A revision of published data (``t``: the requests or their counts)."""
    return DataRequest.revision_of.is_not(None) if t is DataRequest else t.revising


def _late(t: Any) -> Any:
    """Past the stage deadline in an active state; a request without a
    deadline is never late, nor one waiting for its producers in a closed
    round, which takes no more data (its row said not overdue while the
    counts and the "overdue" filter had it) (``t``: the requests or their
    counts)."""
    closed = sa.select(CollectionRound.id).where(CollectionRound.state == "closed")
    return sa.and_(t.due_date.is_not(None), t.due_date < workdays.today(),
                   t.state.in_([s.value for s in engine.ACTIVE_STATES]),
                   sa.not_(sa.and_(t.state.in_(rounds.WITH_PRODUCERS),
                                   t.round_id.in_(closed))))


def _filters(scope: _Scope, data: dict[str, Any], t: Any = DataRequest) -> list[Any]:
    """The WHERE clauses of a request query on the requests (``t``
    :class:`DataRequest`) or on their counts (``request_count.c``: without
    ``id`` and ``q``, see :func:`_count_requests`)."""
    where: list[Any] = []
    if scope.visible is not None:
        where.append(t.owner_org.in_(scope.visible))
    if isinstance(data.get("id"), list):  # the matches of a text search
        where.append(DataRequest.id.in_(data["id"]))
    elif data.get("id"):
        where.append(DataRequest.id == data["id"])
    if data.get("round_id"):
        where.append(t.round_id == data["round_id"])
    if data.get("owner_org"):
        where.append(t.owner_org == data["owner_org"])
    if data.get("state"):
        where.append(t.state.in_(data["state"]))
    if "overdue" in data:
        where.append(_late(t) if data["overdue"] else sa.not_(_late(t)))
    if data.get("actionable"):
        where.append(scope.actionable(t))
    if data.get("q"):
        # the requests of the items whose title matches (hashed from a
        # trigram index) or of the OPDs whose title does; "%" and "_" are
        # letters (they matched every request)
        where.append(sa.or_(
            DataRequest.item_id.in_(
                sa.select(DaftarData.id).where(contains(DaftarData.title, data["q"]))),
            DataRequest.owner_org.in_(
                sa.select(model.Group.id).where(contains(model.Group.title, data["q"])))))
    return where


#: a text search counts its matches up to this number (then "more than")
TEXT_COUNT_CAP = 1000


def _count_requests(scope: _Scope, data: dict[str, Any]) -> int:
    """How many requests match: a sum over the request counts (a few
    hundred rows whatever the number of requests)."""
    c = request_count.c
    stmt = sa.select(sa.func.coalesce(sa.func.sum(c.n), 0)).where(*_filters(scope, data, c))
    return int(model.Session.execute(stmt).scalar_one())


def _count_rows(scope: _Scope, data: dict[str, Any]) -> int:
    """How many requests match, counted from the requests themselves."""
    stmt = sa.select(sa.func.count(DataRequest.id)).where(*_filters(scope, data))
    return int(model.Session.execute(stmt).scalar_one())


def _text_matches(scope: _Scope, data: dict[str, Any]) -> Optional[list[str]]:
    """The ids of the requests a text search matches, or None when there
    are more than :data:`TEXT_COUNT_CAP` (the scan stops there: a search
    matching half of 100,000 requests does not read them all).

    Two index-driven halves, from the matching items (trigram index, then
    the requests by ``item_id``) and from the matching OPDs (requests by
    ``owner_org``, less those the first half gave). As one OR of two
    subqueries PostgreSQL read every request to find a few: at 100,000
    requests a search matching 11 took 30 ms and one matching none 14 ms,
    now 2 ms and 0.6 ms (one matching 5,000 items: 14 -> 17 ms)."""
    others = _filters(scope, dict(data, q=None))
    by_item = (sa.select(DataRequest.id)
               .join(DaftarData, DaftarData.id == DataRequest.item_id)
               .where(contains(DaftarData.title, data["q"]), *others))
    by_opd = (sa.select(DataRequest.id)
              .join(model.Group, model.Group.id == DataRequest.owner_org)
              .join(DaftarData, DaftarData.id == DataRequest.item_id)
              .where(contains(model.Group.title, data["q"]),
                     sa.not_(contains(DaftarData.title, data["q"])), *others))
    ids = list(model.Session.execute(
        sa.union_all(by_item, by_opd).limit(TEXT_COUNT_CAP + 1)).scalars())
    return ids if len(ids) <= TEXT_COUNT_CAP else None


_SORTS = {
    "due_date": (DataRequest.due_date.asc().nulls_last(),),
    "-due_date": (DataRequest.due_date.desc().nulls_last(),),
    "modified": (DataRequest.modified.asc(),),
    "-modified": (DataRequest.modified.desc(),),
    "title": (DaftarData.title.asc(),),
    "organization": (model.Group.title.asc(), DaftarData.title.asc()),
}


def _request_rows(scope: _Scope, data: dict[str, Any], *, limit: Optional[int],
                  offset: int, with_completeness: bool = False) -> list[dict[str, Any]]:
    """One query: the requests joined with their item, OPD, round and dataset."""
    columns: list[Any] = [
        DataRequest, DaftarData.title, DaftarData.priority,
        DaftarData.update_frequency,
        model.Group.name, model.Group.title, CollectionRound.name, CollectionRound.title,
        model.Package.name, model.Package.title, model.Package.private,
        # its round's report not approved yet (a ready request waits for it)
        sa.and_(CollectionRound.report_days > 0, CollectionRound.stage != "done"),
        CollectionRound.state == "closed",
    ]
    stmt = (
        sa.select(*columns)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .outerjoin(model.Package, model.Package.id == DataRequest.package_id)
        .where(*_filters(scope, data))
        .order_by(*_SORTS[data.get("sort") or "due_date"], DataRequest.id)
    )
    if with_completeness:
        latest = (
            sa.select(RequestEvent.request_id, RequestEvent.completeness)
            .where(RequestEvent.completeness.is_not(None))
            .distinct(RequestEvent.request_id)
            .order_by(RequestEvent.request_id, RequestEvent.timestamp.desc())
            .subquery()
        )
        stmt = stmt.add_columns(latest.c.completeness).outerjoin(
            latest, latest.c.request_id == DataRequest.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    today = workdays.today()
    active = {s.value for s in engine.ACTIVE_STATES}
    dataset_url = tk.config.get("ckan.site_url").rstrip("/") + "/dataset/"
    labels = {state.value: label for state, label in state_labels().items()}
    waiting_labels = {role: _waiting_label(role)
                      for role in [None, "producer", "opd_head", "walidata", ROUND_REPORT,
                                   *scope.chain,
                                   *(r for c in scope.round_chains.values() for r in c)]}
    late_labels = {policy: late_label(policy) for policy in LATE_POLICIES}
    results = []
    for row in model.Session.execute(stmt).all():
        request = row[0]
        result = request.dictize()
        waiting = _waiting_for(request.state, request.approval_level,
                               scope.chain_of(request.round_id), bool(request.revision_of))
        if row[11] and request.state == State.READY.value and request.late != "carry":
            waiting = ROUND_REPORT  # not the administrators, who may not publish it yet
        # a closed round takes no more data: its producers are waited for no
        # more (the page counted down the working days of a step nobody could take)
        closed = bool(row[12]) and request.state in rounds.WITH_PRODUCERS
        if closed:
            waiting = None
        result.update({
            "item_title": row[1], "priority": row[2], "update_frequency": row[3],
            "organization": {"id": request.owner_org, "name": row[4], "title": row[5]},
            "round": {"id": request.round_id, "name": row[6], "title": row[7]},
            # the period the request is about: its round
            "period": row[7],
            "dataset": {
                "id": request.package_id, "name": row[8], "title": row[9],
                "private": row[10],
                "url": dataset_url + row[8],
            } if request.package_id else None,
            "state_label": labels.get(request.state, request.state),
            "waiting_for": waiting,
            "waiting_for_label": waiting_labels.get(waiting, waiting),
            "late_label": late_labels.get(request.late or "", ""),
            "overdue": bool(request.due_date and request.due_date < today
                            and request.state in active and not closed),
            # as satudata_request_show says it (the list said null, always)
            "working_days_left": (workdays.working_days_between(today, request.due_date)
                                  if request.due_date and request.state in active
                                  and not closed else None),
            "round_closed": bool(row[12]),
            # its producers are waited for no more: no deadline for them
            "closed_to_producers": closed,
        })
        if with_completeness:
            result["completeness"] = row[13]
        results.append(result)
    _mark_waiting_for_all(results, named=scope.staff)
    return results


#: the value of ``waiting_for`` while an all-in round waits for its OPDs
ALL_OPDS = "all_opds"
#: the value of ``waiting_for`` while a ready request waits for its round's report
ROUND_REPORT = "round_report"


def _mark_waiting_for_all(results: list[dict[str, Any]], named: bool) -> None:
    """Submitted requests of an all-in round that still waits for some OPD
    wait for all of them, not for the verifier: ``waiting_for`` is
    :data:`ALL_OPDS` and, for walidata staff (``named``; a producer does not
    see the other OPDs' items), ``waiting_for_all`` names the missing
    requests (one query for the page)."""
    waiting = (State.SUBMITTED.value, State.RESUBMITTED.value)
    pending = rounds.pending_of({r["round_id"] for r in results if r["state"] in waiting})
    for result in results:
        missing = pending.get(result["round_id"]) if result["state"] in waiting else None
        result["waiting_for_all"] = (missing or []) if named else []
        if missing:
            result["waiting_for"] = ALL_OPDS
            result["waiting_for_label"] = tk._("all OPDs (verification starts once "
                                               "every OPD has delivered)")


@tk.side_effect_free
def satudata_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Data requests, a page at a time. Producers only ever see their own
    OPDs' requests; walidata staff see all. Two queries (count and page)
    however many requests match.

    :param round_id: id or name of a round (optional)
    :param owner_org: id or name of an OPD (optional)
    :param state: a state or a list of states, also comma-separated (optional)
    :param overdue: true for requests past their stage deadline, false for
        the others (optional)
    :type overdue: bool
    :param actionable: true for the requests waiting for something the
        calling user can do (their queue) (optional)
    :type actionable: bool
    :param q: text in the item title or the OPD name (optional)
    :param sort: ``due_date`` (default), ``-due_date``, ``modified``,
        ``-modified``, ``title`` or ``organization``
    :param limit: page size (default 50, at most 1000)
    :param offset: (default 0)
    :returns: ``{"count": total, "count_capped": bool, "results": [request]}``
        (a text search counts up to 1,000 matches: beyond, ``count`` is
        1,000 and ``count_capped`` true); each request has
        ``item_title``, ``organization``, ``round``, ``dataset``,
        ``state_label``, ``waiting_for`` (``producer`` or a chain role) and
        ``overdue``
    :rtype: dictionary
    """
    tk.check_access("satudata_request_list", context, data_dict)
    data = _validate(data_dict, schema.request_list(), context)
    scope = _Scope(context)
    limit = _limit(data)
    capped = False
    if data.get("q"):
        # a few matches: their page by id; many: in deadline order from the
        # front of an index, stopping after the page
        ids = _text_matches(scope, data)
        count, capped = (len(ids), False) if ids is not None else (TEXT_COUNT_CAP, True)
        page_data = {"id": ids, "sort": data["sort"]} if ids is not None else data
    elif data.get("actionable") and scope.held:
        # a reviewer's queue leaves out the submissions they took a step of,
        # which the counts cannot tell: counted from the requests
        count, page_data = _count_rows(scope, data), data
    else:
        count, page_data = _count_requests(scope, data), data
    results = _request_rows(scope, page_data, limit=limit,
                            offset=data.get("offset", 0)) if limit else []
    return {"count": count, "count_capped": capped, "results": results}


def _allowed_transitions(context: Context, request_id: str) -> tuple[list[str], list[str]]:
    """The transition actions of the request the calling user may take now,
    as the state table says (``return_approval`` is offered as ``return``,
    ``cancel_revision`` as ``cancel``: one action each), and why the
    others the table gives them wait (the request's round is closed, waits
    for every OPD, or for its report: :func:`.rounds.gate_errors`; their buttons always
    failed), or wait for another officer (the user took an earlier step of
    the submission: :func:`.roles.took_part`, as the engine refuses it)."""
    request = model.Session.get(DataRequest, request_id)
    assert request
    kinds = roles.actor_kinds(context.get("user"), request)
    round_ = model.Session.get(CollectionRound, request.round_id)
    allowed: list[str] = []
    held_back: list[str] = []
    # the gate is the same for the steps it holds back alike (verify and
    # return wait for the same OPDs): asked once per kind of step
    gates: dict[tuple[bool, ...], dict[str, list[str]]] = {}
    took_part: Optional[bool] = None  # asked once for all the four-eyes steps
    for transition in available(request.state, request.revision_of, kinds):
        action = ACTION_OF.get(transition.name, transition.name)
        if transition.name in FOUR_EYES:
            if took_part is None:
                took_part = roles.took_part(context.get("user"), request, transition.name)
            if took_part:
                if roles.four_eyes_message() not in held_back:
                    held_back.append(roles.four_eyes_message())
                continue
        if transition.name == "revise":
            # its button could only be refused while the next period is open
            later = engine.next_period_open(request, publishing.staged_for(
                request.package_id or ""))
            if later:
                held_back.append(later)
                continue
        kind = (transition.name in rounds.CLOSED_TO, transition.name in rounds.GATED,
                transition.name in rounds.PUBLISHING, transition.name in rounds.RETURNS)
        if kind not in gates:
            gates[kind] = rounds.gate_errors(round_, transition.name, request) \
                if round_ else {}
        gate = gates[kind]
        if gate:
            held_back.extend(m for m in gate["state"] if m not in held_back)
        elif action not in allowed:
            allowed.append(action)
    return allowed, held_back


def _periods_of(request_id: str) -> dict[str, Any]:
    """Which period a request is about: ``periods`` (every request of its
    dataset, oldest period first, ``current`` for this one, ``open`` for one
    still on its way), ``new_period``
    (it adds a period to a dataset another period made public) and
    ``new_period_resources`` (the tables it adds, staged)."""
    request = model.Session.get(DataRequest, request_id)
    if request is None or not request.package_id:
        return {"periods": [], "new_period": False, "new_period_resources": []}
    labels = state_labels()
    rounds = {r.id: r for r in model.Session.execute(
        sa.select(CollectionRound).join(DataRequest, DataRequest.round_id == CollectionRound.id)
        .where(DataRequest.package_id == request.package_id)).scalars()}
    periods = [{
        "request_id": r.id, "round_id": r.round_id,
        "title": rounds[r.round_id].title if r.round_id in rounds else None,
        "state": r.state, "state_label": labels.get(State(r.state), r.state),
        "public": publishing.dataset_public(r), "current": r.id == request.id,
        # still on its way (neither released, withdrawn, archived nor cancelled)
        "open": r.state not in publishing.FINISHED,
    } for r in publishing.package_requests(request.package_id)]
    new_period = publishing.is_period_request(request)
    return {"periods": periods, "new_period": new_period,
            "new_period_resources": [
                {"id": r.get("id"), "name": r.get("name"), "format": r.get("format"),
                 "url": r.get("url")}
                for r in publishing.new_period_resources(request)] if new_period else []}


def _readable_request(context: Context, data_dict: DataDict, auth: str,
                      message: Optional[str] = None) -> None:
    """``auth`` checked; a request (or an item: ``message``) the caller may
    not read is not found (it answered 403 for another OPD's and 404 for a
    made-up id)."""
    try:
        tk.check_access(auth, context, data_dict)
    except tk.NotAuthorized as e:
        raise tk.ObjectNotFound(message or tk._("Data request not found")) from e


@tk.side_effect_free
def satudata_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One data request, as in :func:`satudata_request_list`, plus the
    metadata completeness of its dataset now (``completeness``, from
    :func:`ckanext.satudata.lib.metadata.completeness`) and its field by field
    ``checklist``, the approval chain, the transitions the calling user
    may take (``allowed_transitions``) and why the other steps the state
    table gives them wait (``held_back``: its round is closed, or waits for
    every OPD).

    :param id: the request's id
    :rtype: dictionary
    """
    _readable_request(context, data_dict, "satudata_request_show")
    data = _validate(data_dict, schema.request_show(), context)
    rows = _request_rows(_Scope(context, restrict=False), {"id": data["id"]},
                         limit=1, offset=0)
    if not rows:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    result = rows[0]
    pkg, completeness = engine.dataset_completeness(result["package_id"])
    result["completeness"] = completeness
    result["checklist"] = (metadata.checklist(pkg, "submit")
                           if pkg is not None and hasattr(metadata, "checklist") else [])
    result["approval_chain"] = roles.approval_chain(result["round_id"])
    result["allowed_transitions"], result["held_back"] = _allowed_transitions(
        context, data["id"])
    if result["state"] in rounds.WITH_PRODUCERS and not roles.producers_of(
            {result["owner_org"]}).get(result["owner_org"]):
        # it waits for its OPD, where nobody can take the step: the page said
        # "waiting for the producers (OPD)" and only a reminder's refusal told
        result["held_back"].append(tk._(
            "Nobody can take this request's next step: its OPD has no producer (an editor "
            "or administrator of the OPD). The walidata adds one to the OPD."))
    result.update(_periods_of(data["id"]))
    if result["due_date"] and not result["closed_to_producers"]:
        result["working_days_left"] = workdays.working_days_between(
            workdays.today(), datetime.date.fromisoformat(result["due_date"]))
    return result


@tk.side_effect_free
def satudata_request_event_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The timeline (audit trail) of a request, oldest first: who did what,
    when, from which state to which, with the note, the per-field notes and
    the metadata completeness at that moment.

    :param id: the request's id
    :returns: events with ``user_name``, ``user_display_name``, ``system``
        (a step the portal took by itself),
        ``transition_label``, ``from_state_label``, ``to_state_label`` and
        ``role`` (the chain role at which it was taken, if any)
    :rtype: list of dictionaries
    """
    _readable_request(context, data_dict, "satudata_request_event_list")
    data = _validate(data_dict, schema.request_show(), context)
    if roles.get_request(data["id"]) is None:  # a sysadmin's typo is no empty trail
        raise tk.ObjectNotFound(tk._("Data request not found"))
    stmt = (
        sa.select(RequestEvent, model.User.name, model.User.fullname)
        .outerjoin(model.User, model.User.id == RequestEvent.user_id)
        .where(RequestEvent.request_id == data["id"])
        .order_by(RequestEvent.timestamp, RequestEvent.version)
    )
    rows = model.Session.execute(stmt).all()
    decisions = forum.decisions_by_id({(e.data or {}).get("forum_decision_id")
                                       for e, _n, _f in rows} - {None})
    events = []
    site_user = tk.config.get("ckan.site_id")
    for event, name, fullname in rows:
        result = event.dictize()
        # the portal's own steps (a scheduled release, a job) are taken by
        # CKAN's site user, named after the site id ("satudata_demo")
        system = name is not None and name == site_user
        result.update({
            "user_name": name, "system": system,
            "user_display_name": tk._("The portal (automatic)") if system else fullname or name,
            "transition_label": transition_label(event.transition),
            "from_state_label": state_label(event.from_state) if event.from_state else None,
            "to_state_label": state_label(event.to_state),
            "role": (event.data or {}).get("role"),
            # a decision of the Forum Satu Data: its decree and Berita Acara
            "forum_decision": decisions.get((event.data or {}).get("forum_decision_id")),
            "late_label": late_label((event.data or {}).get("late")),
        })
        events.append(result)
    return events


def satudata_request_acknowledge(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The proof of receipt of a request by its OPD: the first time one of
    its producers opens it (the request page calls this), a ``received``
    event enters the timeline; later calls change nothing. The state does
    not change and nobody is notified. Only while the request waits for its
    producers' first step: one opened first after its submission (its
    producers worked through the API) got its receipt after its approval,
    or its publication.

    :param id: the request's id
    :returns: ``{"received": <timestamp or None>, "recorded": <whether this
        call recorded it>}``
    :rtype: dictionary
    """
    tk.check_access("satudata_request_acknowledge", context, data_dict)
    data = _validate(data_dict, schema.request_show(), context)
    request = engine.lock_request(data["id"])
    seen = model.Session.execute(
        sa.select(RequestEvent.timestamp).where(RequestEvent.request_id == request.id,
                                                RequestEvent.transition == RECEIVED)
        .limit(1)).scalar()
    if seen is not None or request.state != State.REQUESTED.value:
        model.Session.rollback()  # the row lock
        return {"received": seen.isoformat() if seen else None, "recorded": False}
    user = roles.user_obj(context.get("user"))
    event = engine.record_event(request, user_id=user.id if user else None,
                                transition=RECEIVED, from_state=request.state, signal=False)
    _commit(context)
    return {"received": event.timestamp.isoformat(), "recorded": True}


def _dataset_name_of(typed: str) -> str:
    """The dataset name in what was typed: a name, or a dataset's address
    (``https://…/dataset/<name>?…``, its language prefix or not)."""
    text = typed.strip()
    found = re.search(r"/dataset/(?:edit/)?([^/?#\s]+)", text)
    return found.group(1) if found else text


def satudata_request_link_dataset(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Link another dataset of the same OPD to a request that is with its
    producers (``requested`` or ``returned``). Recorded in the timeline.

    :param id: the request's id
    :param package_id: id or name of the dataset
    :returns: the request
    :rtype: dictionary
    """
    tk.check_access("satudata_request_link_dataset", context, data_dict)
    typed = (data_dict or {}).get("package_id")
    if isinstance(typed, str):
        # its address as copied from the browser's address bar is its name
        typed = _dataset_name_of(typed)
        if not typed:
            raise tk.ValidationError({"package_id": [tk._(
                "Write the dataset's name, the end of its address (e.g. "
                "jumlah-puskesmas-2026), or paste its address")]})
        data_dict = dict(data_dict, package_id=typed)
    try:  # another OPD's unpublished dataset is answered as a missing one
        readable_or_not_found(context, typed)
    except tk.ObjectNotFound:
        # (the same words whether another OPD's dataset exists or not)
        raise tk.ValidationError({"package_id": [tk._(
            "No dataset of that name was found: write its name, the end of its address "
            "(e.g. jumlah-puskesmas-2026), or paste its address")]})
    data = _validate(data_dict, schema.request_link_dataset(), context)
    request = engine.lock_request(data["id"])
    if request.state not in (State.REQUESTED.value, State.RETURNED.value):
        raise tk.ValidationError({"state": [tk._(
            "A dataset can only be linked while the request is with its producers")]})
    if request.revision_of:
        raise tk.ValidationError({"state": [tk._(
            "The dataset of a revision of published data cannot be changed")]})
    pkg = model.Package.get(data["package_id"])
    assert pkg
    if pkg.state != "active":  # deleted (it was told to belong to the OPD it did)
        raise tk.ValidationError({"package_id": [tk._(
            "That dataset is deleted: link a dataset in use, or leave the request to "
            "make its own")]})
    if pkg.owner_org != request.owner_org:
        raise tk.ValidationError({"package_id": [tk._(
            "The dataset must belong to the requested OPD")]})
    # a dataset answers one request, and published data changes only
    # through its own request's review (never through another request);
    # two links of one dataset at once wait for each other on its row
    model.Session.execute(sa.select(model.Package.id).where(model.Package.id == pkg.id)
                          .with_for_update())
    other = model.Session.execute(
        sa.select(DataRequest.id).where(DataRequest.package_id == pkg.id,
                                        DataRequest.id != request.id,
                                        DataRequest.state != State.CANCELLED.value)
        .limit(1)).scalar()
    if other or publishing.record_for(pkg.id) is not None:
        raise tk.ValidationError({"package_id": [tk._(
            "This dataset already belongs to another data request")]})
    request.package_id = pkg.id
    request.version += 1
    request.modified = datetime.datetime.utcnow()
    _pkg, completeness = engine.dataset_completeness(pkg.id)
    engine.record_event(request, user_id=_user_id(context), transition="link_dataset",
                          from_state=request.state, completeness=completeness,
                          data={"package_id": pkg.id}, signal=False)
    model.Session.flush()
    result = request.dictize()
    _commit(context)
    return result


def _take(context: Context, data_dict: DataDict, transition: str) -> dict[str, Any]:
    data = _validate(data_dict, schema.request_transition(), context)
    engine.prepare_data_check(context, data["id"])
    return engine.apply_transition(
        context, data["id"], transition, note=data.get("note"),
        field_notes=data.get("field_notes"), expected_version=data.get("version"))


def _take_action(context: Context, data_dict: DataDict, action: str) -> dict[str, Any]:
    """Take the transition ``action`` stands for where the request is (the
    engine decides again on the state it finds under the row lock)."""
    request = roles.get_request(data_dict.get("id"))
    name = (transition_for(action, request.state, bool(request.revision_of))
            if request is not None else action)
    return _take(context, data_dict, name)


_TRANSITION_PARAMS = """
    :param id: the request's id
    :param version: the request's ``version`` the form was built from
        (optional); if the request changed since, a ``ValidationError`` on
        ``version`` asks to reload
    :type version: int
    :param note: a note for the timeline{note}
    :returns: the request with the new timeline ``event``
    :rtype: dictionary
"""


def satudata_request_submit(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The producer submits the requested data and metadata
    (``requested`` → ``submitted``). The linked dataset's metadata must be
    complete enough to submit (:mod:`ckanext.satudata.lib.metadata`); the
    verifiers are notified."""
    tk.check_access("satudata_request_submit", context, data_dict)
    return _take(context, data_dict, "submit")


def satudata_request_resubmit(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The producer submits a returned request again after revising it
    (``returned`` → ``resubmitted``); the verifiers are notified."""
    tk.check_access("satudata_request_resubmit", context, data_dict)
    return _take(context, data_dict, "resubmit")


def satudata_request_return(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Return a request to its producers for revision, with a reason: the
    verifier from ``submitted``/``resubmitted``, the approver of the
    current level from ``verified``, or the verifier or a walidata
    administrator from ``ready`` (an error found after the approval, before
    publication). The producers are notified, and the officers who
    approved it of a return above them or after them.

    :param field_notes: reasons per dataset field, ``{field: [reason]}``
        (or that object as JSON) (optional)
    :type field_notes: dictionary"""
    tk.check_access("satudata_request_return", context, data_dict)
    return _take_action(context, data_dict, "return")


def satudata_request_verify(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The verifier accepts a submission (``submitted``/``resubmitted`` →
    ``verified``, waiting for the first approval level); the approvers of
    that level are notified."""
    tk.check_access("satudata_request_verify", context, data_dict)
    return _take(context, data_dict, "verify")


def satudata_request_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The approver of the current level approves: the request goes to the
    next level of ``satudata.approval_chain``, or becomes ``ready`` (to
    publish) after the last one. The next approvers (or the walidata
    administrators, once ready) are notified. An approver holding more than
    one level of the request's chain sends the request's ``version`` they
    saw: the approval is taken at that version's level or refused."""
    tk.check_access("satudata_request_approve", context, data_dict)
    return _take(context, data_dict, "approve")


def satudata_request_cancel(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A walidata administrator cancels, with a reason, a request that is
    not yet published; or, for a revision of published data, the revision
    (the request goes back to published, or withdrawn, as it was; the
    producers' staged edits are kept)."""
    tk.check_access("satudata_request_cancel", context, data_dict)
    return _take_action(context, data_dict, "cancel")


def satudata_request_cancel_revision(context: Context, data_dict: DataDict
                                     ) -> dict[str, Any]:
    """A walidata administrator ends the review of a revision of published
    data, with a reason: the request goes back to the state the revision
    started from (published, or withdrawn); the live version does not
    change."""
    tk.check_access("satudata_request_cancel_revision", context, data_dict)
    return _take(context, data_dict, "cancel_revision")


def satudata_request_override_screening(context: Context, data_dict: DataDict
                                        ) -> dict[str, Any]:
    """A walidata administrator accepts, with a reason, the personal-data
    findings (UU 27/2022 screening) of the request's data files as they are
    now: submission and publication are no longer refused for them. The
    reason and the files are recorded in the timeline; a file changed
    afterwards is screened again. Refused when no file has findings.

    :param findings: (optional) the findings the caller read, as its page
        shows them (``"<resource id>:<fingerprint> …"``): refused when the
        files' findings are others now (a file replaced since the page was
        opened had its findings accepted unseen)"""
    tk.check_access("satudata_request_override_screening", context, data_dict)
    findings = (data_dict or {}).get("findings")
    data = _validate({k: v for k, v in (data_dict or {}).items() if k != "findings"},
                     schema.request_transition(), context)
    engine.prepare_data_check(context, data["id"])
    seen = frozenset(findings.split()) if isinstance(findings, str) and findings.strip() \
        else None
    return engine.apply_step(context, data["id"], datacheck.OVERRIDE,
                             note=data.get("note"), expected_version=data.get("version"),
                             seen_findings=seen)


def satudata_request_remind(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A walidata administrator reminds the people the request waits for
    now (its producers, its verifiers, the approvers of its level, those who
    publish), by e-mail, with a note: a late OPD chased from the request's
    page, not only by the daily reminders. Once a day per step; recorded
    with who sent it (the request's ``reminders``).

    :param id: the request's id
    :param note: (optional) what the reminder says besides the deadline
    :param version: (optional) the request's ``version`` as the caller saw
        it: refused if it moved on since (its reminder would chase the next
        step's people)
    :returns: ``sent_at`` and ``recipients`` (how many people it goes to,
        never the sender)
    :rtype: dictionary
    """
    tk.check_access("satudata_request_remind", context, data_dict)
    data = _validate(data_dict, schema.request_remind(), context)
    user = roles.user_obj(context.get("user"))
    assert user is not None
    reminder, recipients = reminders.remind_now(data["id"], user,
                                                given_reason(data.get("note")),
                                                data.get("version"))
    _commit(context)
    return {"sent_at": reminder.sent_at.isoformat(), "recipients": recipients}


def satudata_request_opd_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The head of the OPD (``satudata.opd_approval_role`` of the request's
    organization) approves a submission waiting for them (``opd_review`` →
    ``submitted``, or ``resubmitted`` after a return), so that it reaches
    the walidata; the verifiers are notified. Only while
    ``satudata.opd_approval`` is on does a submission wait for the head."""
    tk.check_access("satudata_request_opd_approve", context, data_dict)
    return _take(context, data_dict, "opd_approve")


def satudata_request_opd_return(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The head of the OPD returns a submission waiting for them to its
    producers, with a reason (``opd_review`` → ``returned``); the producers
    are notified."""
    tk.check_access("satudata_request_opd_return", context, data_dict)
    return _take(context, data_dict, "opd_return")


for _fn, _note in [
    (satudata_request_opd_approve, ""),
    (satudata_request_opd_return, " (required: the reason)"),
    (satudata_request_submit, ""), (satudata_request_resubmit, ""),
    (satudata_request_return, " (required: the reason)"),
    (satudata_request_verify, ""), (satudata_request_approve, ""),
    (satudata_request_cancel, " (required: the reason)"),
    (satudata_request_cancel_revision, " (required: the reason)"),
    (satudata_request_override_screening, " (required: the reason)"),
]:
    _fn.__doc__ = (_fn.__doc__ or "") + "\n" + _TRANSITION_PARAMS.format(note=_note)

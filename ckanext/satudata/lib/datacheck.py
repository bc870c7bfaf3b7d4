# -*- coding: utf-8 -*-
"""The check of a dataset's data files: each uploaded CSV/XLSX table is
validated against the declared variables (:mod:`.validation`) and screened
for personal data (:mod:`.screening`); the latest result per file is kept
(:class:`~ckanext.satudata.model.DataCheck`) under a fingerprint of the
file and of the Table Schema, so that a new file or a changed declaration
makes it stale.

When it runs:

* **on upload**: a change of a dataset's resources or metadata owes the
  job ``check_data`` (:func:`refresh`) in the outbox, in the change's
  transaction (:func:`queue_check`); the jobs worker runs it. The pages
  show a file without a current result as "waiting for the check"
  (``pending``). A job, not the upload request itself: a 100,000-row table
  takes seconds to check, which an upload form should not wait for.
* **at submit** (``submit``, ``resubmit``, ``revise``): the action brings
  every result up to date first (:func:`refresh`, committed, outside the
  row lock) and the engine, under the lock, refuses the transition while a
  file fails or holds personal data not overridden (:func:`gate_errors`);
* **before publish**: the engine refuses while a file holds personal data
  not overridden;
* **at every transition** the engine records the summary of the results
  (:func:`summary`) in the event.

A linked file (a URL) is never fetched: it is listed as not checked. A
walidata administrator overrides the personal-data findings of the files
as they are now with a reason (``override_screening``, recorded in the
timeline); a file changed after the override is screened again.
"""
from __future__ import annotations

import datetime
import logging
import os
import time
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import metadata, outbox, screening, tables, validation
from . import preview as previews
from ..model import CollectionRound, DataCheck, DataRequest, RequestEvent
from .states import State

log = logging.getLogger(__name__)

__all__ = ["VERSION", "OVERRIDE", "queue_check", "uploaded_files",
           "linked_files", "fingerprint", "check_file", "ensure", "refresh", "entries",
           "summary", "overridden", "gate_errors", "present"]

#: the checker's version: a new one makes every earlier result stale
VERSION = "4"
#: the timeline step of a walidata administrator's override of findings
OVERRIDE = "override_screening"


def queue_check(package_id: Optional[str]) -> None:
    """Have the dataset's files checked once the current transaction
    commits (nothing if it rolls back): a ``check_data`` job owed in the
    outbox (:mod:`.outbox`), one per dataset while none is waiting to be
    handed over."""
    if package_id:
        outbox.add_once("check_data", [package_id], timeout=900,
                        title=f"satudata: check data {package_id}")


def uploaded_files(pkg_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The data resources (:func:`metadata.is_data_resource`) stored by
    CKAN's uploader: the files that are checked."""
    return [r for r in pkg_dict.get("resources") or []
            if isinstance(r, dict) and metadata.is_data_resource(r)
            and r.get("url_type") == "upload" and r.get("id")]


def linked_files(pkg_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The data resources that are links: not fetched, so not checked."""
    return [r for r in pkg_dict.get("resources") or []
            if isinstance(r, dict) and metadata.is_data_resource(r)
            and r.get("url_type") != "upload"]


def fingerprint(path: Optional[str], schema: dict[str, Any]) -> str:
    """The file's size and modification time, the schema's hash and the
    checker's version."""
    if path is None:
        return f"{VERSION}:missing:{validation.schema_hash(schema)}"
    stat = os.stat(path)
    return f"{VERSION}:{stat.st_size}:{stat.st_mtime_ns}:{validation.schema_hash(schema)}"


def check_file(path: Optional[str], kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Validate and screen one file: ``{"status", "errors", "error_count",
    "findings", "finding_count", "row_count", "seconds"}``. Never raises for
    a bad file: an unreadable one is a result (``unreadable``)."""
    started = time.perf_counter()
    errors: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    error_count = finding_count = 0
    rows: Optional[int] = None
    try:
        if path is None:
            raise tables.Unreadable("not_stored")
        table = tables.read(path, kind)
    except tables.Unreadable as e:
        errors, error_count, status = [e.error], 1, "unreadable"
    else:
        rows = len(table.rows)
        errors, error_count = validation.validate(table.labels, table.rows, schema)
        findings, finding_count = screening.scan(table.labels, table.rows)
        if kind == "xlsx":  # what a downloader reads beside the cells
            more, more_count = screening.scan_places(tables.workbook_places(path))
            findings = (findings + more)[:screening.MAX_FINDINGS]
            finding_count += more_count
        status = "personal" if finding_count else "invalid" if error_count else "valid"
    return {"status": status, "errors": errors, "error_count": error_count,
            "findings": findings, "finding_count": finding_count, "row_count": rows,
            "seconds": round(time.perf_counter() - started, 3)}


def unreadable(pkg_dict: dict[str, Any]) -> set[str]:
    """The ids of the uploaded data files of ``pkg_dict`` that cannot be read
    as a table: by their stored result, and, for a file without a current
    one (a dataset outside the workflow is never checked), by reading it
    now within the reader's limits (too wide, a line too long, binary, a
    workbook that unpacks too large), storing nothing."""
    found = set()
    for entry, res in zip(entries(pkg_dict), uploaded_files(pkg_dict)):
        if entry["status"] == "pending":
            path = previews.stored_path(res)
            try:
                if path is None:
                    raise tables.Unreadable("not_stored")
                tables.read(path, metadata.data_file_kind(res) or "csv")
            except tables.Unreadable:
                found.add(res["id"])
        elif entry["status"] == "unreadable":
            found.add(res["id"])
    return found


def period_years(package_id: str) -> list[int]:
    """The years of the rounds whose requests ask for the dataset (one per
    period of a yearly indicator), a cancelled request's left out."""
    return list(model.Session.execute(
        sa.select(CollectionRound.year).distinct()
        .join(DataRequest, DataRequest.round_id == CollectionRound.id)
        .where(DataRequest.package_id == package_id,
               DataRequest.state != State.CANCELLED.value,
               CollectionRound.year.isnot(None))).scalars())


def _stored(package_id: str, resource_ids: list[str]) -> dict[str, DataCheck]:
    if not resource_ids:
        return {}
    rows = model.Session.execute(
        sa.select(DataCheck).where(DataCheck.resource_id.in_(resource_ids))).scalars()
    return {row.resource_id: row for row in rows}


def ensure(pkg_dict: dict[str, Any], *, check: bool = True) -> list[dict[str, Any]]:
    """The current result of each uploaded data file of ``pkg_dict`` (a
    dataset or a staged revision), as :func:`entries` gives them; with
    ``check``, a file without a current result is checked now and its
    result stored in the session (not committed); without, it is
    ``pending``. One query for the stored results."""
    files = uploaded_files(pkg_dict)
    schema = validation.table_schema(pkg_dict, period_years(pkg_dict["id"]))
    stored = _stored(pkg_dict["id"], [r["id"] for r in files])
    result = []
    for res in files:
        path = previews.stored_path(res)
        current = fingerprint(path, schema)
        row = stored.get(res["id"])
        if (row is None or row.fingerprint != current) and check:
            found = check_file(path, metadata.data_file_kind(res) or "csv", schema)
            found.update(package_id=pkg_dict["id"], fingerprint=current,
                         checked_at=datetime.datetime.utcnow())
            if row is None:
                row = _insert(res["id"], found)
            else:
                for key, value in found.items():
                    setattr(row, key, value)
        entry = {"resource_id": res["id"], "name": metadata.data_file_label(res),
                 "format": metadata.data_file_kind(res), "fingerprint": current}
        if row is not None and row.fingerprint == current:
            entry.update(row.dictize())
            entry["fingerprint"] = current
        else:
            entry.update({"status": "pending", "errors": [], "error_count": 0,
                          "findings": [], "finding_count": 0})
        result.append(entry)
    if check:
        model.Session.flush()
    return result


def _insert(resource_id: str, values: dict[str, Any]) -> DataCheck:
    """Store the first result of a file. Two transactions may check the
    same new file at once (a transition's check and the ``check_data`` job,
    or two clicks on one transition): the later one waits for the earlier,
    then writes its result over it, instead of failing on the primary key
    (HTTP 500)."""
    model.Session.execute(
        insert(DataCheck.__table__).values(resource_id=resource_id, **values)
        .on_conflict_do_update(index_elements=["resource_id"], set_=values))
    return model.Session.get(DataCheck, resource_id, populate_existing=True)


def entries(pkg_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored results of the dataset's files, checking nothing (files
    without a current result are ``pending``): for pages."""
    return ensure(pkg_dict, check=False)


def _dataset_of(package_id: str) -> Optional[dict[str, Any]]:
    """The dataset as it is being prepared: its staged revision if it has
    one, else the live dataset (as the engine reads it)."""
    from . import publishing

    staged = publishing.staged_for(package_id)
    if staged is not None:
        return dict(staged.data, id=package_id)
    try:
        return publishing.live_dict(package_id)
    except tk.ObjectNotFound:
        return None


def refresh(package_id: str, commit: bool = True) -> list[dict[str, Any]]:
    """Bring the results of a dataset's files up to date (the job after an
    upload; the submit actions before they lock the request), and commit."""
    from ..model import DataRequest

    if model.Session.execute(sa.select(DataRequest.id).where(
            DataRequest.package_id == package_id).limit(1)).first() is None:
        return []  # not a dataset of the workflow
    pkg = _dataset_of(package_id)
    if pkg is None:
        return []
    result = ensure(pkg)
    if commit:
        model.Session.commit()
    return result


def overridden(request_id: str) -> set[tuple[str, str]]:
    """``(resource id, fingerprint)`` of the files whose findings a walidata
    administrator overrode on the request (one query)."""
    covered: set[tuple[str, str]] = set()
    rows = model.Session.execute(
        sa.select(RequestEvent.data).where(RequestEvent.request_id == request_id,
                                           RequestEvent.transition == OVERRIDE)).scalars()
    for data in rows:
        for resource_id, print_ in ((data or {}).get("override") or {}).items():
            covered.add((resource_id, print_))
    return covered


def summary(files: list[dict[str, Any]], covered: set[tuple[str, str]],
            pkg_dict: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """What the event of a transition records about the data files: each
    file's status, counts and whether its findings were overridden; the
    number of linked (unchecked) files."""
    return {
        "files": [{"resource_id": f["resource_id"], "name": f["name"][:200],
                   "status": f["status"], "errors": f["error_count"],
                   "findings": f["finding_count"],
                   "overridden": (f["resource_id"], f["fingerprint"]) in covered}
                  for f in files],
        "linked": len(linked_files(pkg_dict)) if pkg_dict else 0,
    }


def gate_errors(files: list[dict[str, Any]], covered: set[tuple[str, str]], *,
                validate: bool = True) -> dict[str, list[str]]:
    """``{"resources": [message]}`` for each file that stops the transition:
    (with ``validate``) one that does not match its variables or cannot be
    read, and one with personal data its request's override does not
    cover. Empty when none does."""
    messages = []
    for f in files:
        name = f["name"]
        if validate and f["status"] == "unreadable":
            messages.append(tk._("Data file \"%(name)s\" cannot be checked: %(reason)s") % {
                "name": name, "reason": tables.read_message(f["errors"][0])})
        elif validate and f["error_count"]:
            messages.append(tk.ungettext(
                "Data file \"%(name)s\" does not match the declared variables: "
                "%(count)s error (see its validation report)",
                "Data file \"%(name)s\" does not match the declared variables: "
                "%(count)s errors (see its validation report)", f["error_count"],
                name=name, count=f["error_count"]))
        if f["finding_count"] and (f["resource_id"], f["fingerprint"]) not in covered:
            messages.append(tk.ungettext(
                "Data file \"%(name)s\" seems to contain personal data: %(count)s "
                "finding (see its report). Remove it, or ask a walidata "
                "administrator to override with a reason",
                "Data file \"%(name)s\" seems to contain personal data: %(count)s "
                "findings (see its report). Remove them, or ask a walidata "
                "administrator to override with a reason", f["finding_count"],
                name=name, count=f["finding_count"]))
    return {"resources": messages} if messages else {}


def present(files: list[dict[str, Any]], covered: set[tuple[str, str]] = frozenset()
            ) -> list[dict[str, Any]]:
    """The results for a page: each error and finding with its ``message``
    in the current language; ``overridden`` per file."""
    result = []
    for f in files:
        f = dict(f)
        f["errors"] = [dict(e, message=validation.message(e)) for e in f["errors"]]
        f["findings"] = [dict(x, message=screening.message(x)) for x in f["findings"]]
        f["overridden"] = (f["resource_id"], f["fingerprint"]) in covered
        result.append(f)
    return result

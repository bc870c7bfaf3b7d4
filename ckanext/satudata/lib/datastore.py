# -*- coding: utf-8 -*-
"""CKAN's DataStore: the rows of every uploaded CSV/XLSX table, loaded by
ckanext-xloader's loader through the portal's jobs worker, previewed with
``datatables_view`` and queried with ``datastore_search``.

How a table gets there
    A change of a dataset's resources owes the job ``load_datastore``
    (:func:`load_package`) in the outbox, in the change's transaction, beside
    the data check (:func:`queue_load`; the chained ``package_update`` and
    ``resource_create/update``); so does a user's ``xloader_submit``
    (xloader's "Upload to DataStore" button, chained; xloader's own hooks,
    which call it ignoring auth, owe nothing more). The job loads each uploaded data file of
    the dataset **as it is live in the database** whose contents changed
    since its last load (MD5 of the stored file), with xloader's loader
    (PostgreSQL ``COPY`` with type guessing, xloader's tabulator load when
    that fails, as xloader's own job does), reading the file from the
    portal's storage instead of downloading it over HTTP. xloader's status
    (``xloader_status``: pending, running, complete, error, with its log) is
    written as xloader writes it; the producer sees it on the resource's edit
    page (:func:`status`). A file the data check found unreadable (its
    result stored by the ``check_data`` job owed before this one) is not
    handed to xloader: its status says why.

Staged revisions
    The new file of a staged revision of published data is stored under a
    resource id that does not exist in the database before the revision is
    published (:func:`.publishing.stage`), so the job, which loads only the
    live resources, never loads it; the live table stays as published.
    Publishing applies the revision with ``package_update``, which owes the
    load of the new file (and the job drops the table of a file the revision
    removed).

Who reads it
    ``datastore_search``, ``datastore_info``, ``datastore_search_sql``,
    ``xloader_status`` and the previews answer as the dataset's
    ``package_show`` does (``logic/auth/chained.py``): the public only
    once the workflow made the dataset public.
"""
from __future__ import annotations

import contextlib
import datetime
import decimal
import hashlib
import json
import logging
import math
import re
import uuid
from typing import Any, Callable, Iterator, Optional

import psycopg2
import psycopg2.errors
import redis.exceptions as redis_errors
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib import search
from ckan.lib.redis import connect_to_redis

from ..model import DataCheck, Publication
from . import datacheck, outbox, tables, validation
from . import preview as previews

log = logging.getLogger(__name__)

__all__ = ["TASK", "JOBS_DB_DEFAULT", "configure", "queue_load", "note_new_files", "loaded",
           "load_state", "loadable", "file_hash",
           "load_package", "load_resource", "numeric_variables", "type_columns", "status",
           "translated_errors"]

#: the views that show a DataStore table (CKAN's preview, the portal's chart)
TABLE_VIEWS = ("datatables_view", "satudata_chart")
#: task type and key of xloader's status (``task_status``)
TASK = "xloader"
#: the error of a file the data check could not read, which is not loaded
#: (shown translated by :func:`status`)
UNREADABLE = "unreadable by the data check"
#: xloader's default job log database (a file in /tmp shared by every
#: portal of the machine): the portal keeps that log in its own database
JOBS_DB_DEFAULT = "sqlite:////tmp/xloader_jobs.db"


def configure(config: CKANConfig) -> None:
    """xloader's job log goes to the portal's database unless
    ``ckanext.xloader.jobs_db.uri`` says otherwise (called by the plugin's
    ``update_config``, after CKAN read ``CKAN_SQLALCHEMY_URL``)."""
    if config.get("ckanext.xloader.jobs_db.uri") in (None, "", JOBS_DB_DEFAULT):
        config["ckanext.xloader.jobs_db.uri"] = config.get("sqlalchemy.url")


def queue_load(package_id: Optional[str], force: bool = False) -> None:
    """Have the dataset's live data files loaded into the DataStore once the
    current transaction commits: a ``load_datastore`` job owed in the outbox,
    one per dataset while none is waiting to be handed over; ``force``
    loads unchanged files again."""
    if package_id:
        outbox.add_once("load_datastore", [package_id, True] if force else [package_id],
                        timeout=3600, title=f"satudata: load DataStore {package_id}")


def note_new_files(resources: Any) -> None:
    """The loaded tables of the resources an update gives a new file (an
    upload, which CKAN's uploader stamps with the time, or another address)
    wait for its load: their loading task is pending again, in the update's
    transaction, and their rows, the old file's, are not served
    (:func:`loaded`) until the job loaded the new one. The old rows were
    served to the reviewers as the new file's, and to the public when the
    data was published before the busy jobs worker came round."""
    for res in resources if isinstance(resources, list) else ():
        stored = model.Resource.get(res["id"]) if isinstance(res, dict) and isinstance(
            res.get("id"), str) else None
        if stored is None or not _new_file(res, stored):
            continue
        task = _task_row(stored.id)
        if task is not None and task.state != "pending":
            task.state, task.last_updated = "pending", datetime.datetime.utcnow()


def _new_file(res: dict[str, Any], stored: model.Resource) -> bool:
    """Whether an update of the resource ``stored`` gives it another file."""
    if getattr(res.get("upload"), "filename", None):
        return True
    modified = res.get("last_modified")
    if isinstance(modified, datetime.datetime) and modified != stored.last_modified:
        return True
    url = res.get("url")
    return isinstance(url, str) and url.rsplit("/", 1)[-1] != (stored.url or "").rsplit(
        "/", 1)[-1]


def _task_row(resource_id: str) -> Optional[model.TaskStatus]:
    return model.Session.execute(sa.select(model.TaskStatus).where(
        model.TaskStatus.entity_id == resource_id, model.TaskStatus.task_type == TASK,
        model.TaskStatus.key == TASK)).scalar()


def loaded(resource_id: str) -> bool:
    """Whether the rows the DataStore holds for the resource are its
    file's: its last load completed and no new file came since
    (:func:`note_new_files`), or no loading job made its table (a table
    written through the API). One query."""
    return load_state(resource_id) in (None, "complete")


def load_state(resource_id: str) -> Optional[str]:
    """The state of the resource's last load (``pending``, ``running``,
    ``complete``, ``error``), None when no loading job made its table."""
    task = _task_row(resource_id)
    return task.state if task is not None else None


def loadable(resource: dict[str, Any]) -> bool:
    """An uploaded CSV/XLSX data file (linked files are not fetched)."""
    return bool(datacheck.uploaded_files({"resources": [resource]}))


def file_hash(path: str) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _site_context() -> dict[str, Any]:
    from .publishing import site_user_name

    return {"user": site_user_name(), "ignore_auth": True}


def _task(resource_id: str) -> Optional[dict[str, Any]]:
    try:
        return tk.get_action("task_status_show")(
            {"ignore_auth": True}, {"entity_id": resource_id, "task_type": TASK, "key": TASK})
    except tk.ObjectNotFound:
        return None


def _set_task(resource_id: str, state: str, value: dict[str, Any],
              error: Optional[str] = None) -> None:
    task = _task(resource_id) or {"entity_id": resource_id, "entity_type": "resource",
                                  "task_type": TASK, "key": TASK}
    task.update(state=state, value=json.dumps(value), error=error or "",
                last_updated=str(datetime.datetime.utcnow()))
    tk.get_action("task_status_update")(
        {"ignore_auth": True, "session": model.meta.create_local_session()}, task)


def load_package(package_id: str, force: bool = False) -> list[dict[str, Any]]:
    """The job: load each live uploaded data file of the dataset whose
    contents changed since its last load (all of them with ``force``), and
    drop the tables of its deleted resources. One result per file.

    A load asked while another worker loads the dataset does not wait for
    it (a second worker sat blocked behind a long load of the same dataset,
    every e-mail waiting): it asks the running load to go again once done
    (:func:`_one_load_at_a_time`), and returns nothing."""
    pkg = model.Package.get(package_id)
    if pkg is None or pkg.state != "active" or _is_publication(package_id):
        return []
    results: list[dict[str, Any]] = []
    while True:
        with _one_load_at_a_time(package_id, force) as mine:
            if not mine:
                return results
            # this load covers what was asked before it started
            results = _load_package(package_id, _asked_again(package_id) == "force" or force)
        # asked meanwhile by a load that found this one running
        again = _asked_again(package_id)
        if again is None:
            return results
        force = force or again == "force"


def _again_key(package_id: str) -> str:
    return f"{tk.config['ckan.site_id']}:satudata:load-again:{package_id}"


def _ask_again(package_id: str, force: bool) -> None:
    """Asks the load running for the dataset to load it again once done."""
    key = _again_key(package_id)
    if force:
        connect_to_redis().set(key, "force", ex=3600)
    else:
        connect_to_redis().set(key, "1", ex=3600, nx=True)


def _asked_again(package_id: str) -> Optional[str]:
    """``"force"`` or ``"1"`` when a load was asked again (and forgets it);
    None when not (or Redis is out of reach)."""
    try:
        value = connect_to_redis().getdel(_again_key(package_id))
    except (redis_errors.RedisError, OSError):
        return None
    return value.decode() if isinstance(value, bytes) else value


@contextlib.contextmanager
def _one_load_at_a_time(package_id: str, force: bool = False) -> Iterator[bool]:
    """The loads of one dataset, one after the other (a PostgreSQL advisory
    lock held on a connection of its own for the whole load, whatever the
    load commits meanwhile): two jobs workers loaded a table at once, each
    copying its rows into it, and the public read every row twice. Yields
    whether this load runs: when another holds the lock, this one asks it to
    go again (:func:`_ask_again`) and tries once more (the other may have
    finished meanwhile, before it looked); with Redis out of reach, it
    waits for the lock as it used to."""
    key = sa.func.hashtext("satudata_load:" + package_id)
    with model.meta.engine.connect() as conn:
        def attempt() -> bool:
            with conn.begin():
                return bool(conn.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar())

        got = attempt()
        if not got:
            try:
                _ask_again(package_id, force)
            except (redis_errors.RedisError, OSError):
                with conn.begin():
                    conn.execute(sa.select(sa.func.pg_advisory_lock(key)))
                got = True
            else:
                got = attempt()
        if not got:
            yield False
            return
        try:
            model.Session.expire_all()  # what the load before this one wrote
            yield True
        finally:
            with conn.begin():
                conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))


def _load_package(package_id: str, force: bool) -> list[dict[str, Any]]:
    from .publishing import live_dict

    live = live_dict(package_id)
    unreadable = datacheck.unreadable(live)
    numbers = numeric_variables(live)
    uploaded = datacheck.uploaded_files(live)
    results = [_not_loaded(res) if res["id"] in unreadable
               else load_resource(res, force=force, numbers=numbers)
               for res in uploaded]
    _drop_deleted(package_id)
    _drop_unloadable(live, {res["id"] for res in uploaded})
    _index_afresh(package_id)
    return results


def _index_afresh(package_id: str) -> None:
    """Index the dataset again from what is committed, once a step of its
    requests (publish, withdraw) has committed: CKAN's DataStore and
    xloader index it when a table is created or loaded from a copy read
    before (a dataset the load's session had read, or its document in
    Solr), outside any lock, so a publication committed during the load
    was overwritten by the document of the private dataset: published,
    it was missing from search, its OPD's count and the DCAT catalogue.
    The dataset's gate (shared) waits for a step under way; the objects the
    load's session holds are read again."""
    from .publishing import changes_gate

    try:
        changes_gate(package_id)
        model.Session.expire_all()
        search.rebuild(package_id)
    finally:
        model.Session.commit()  # the gate's lock ends with the transaction


def _is_publication(package_id: str) -> bool:
    """Whether the dataset holds a round's publication: its compilation is
    a workbook of one sheet per dataset, each a block of metadata above a
    table, no table to load (its load failed: an error badge on the
    walidata's own publication)."""
    return model.Session.execute(sa.select(Publication.id).where(
        Publication.package_id == package_id)).first() is not None


def _not_loaded(res: dict[str, Any]) -> dict[str, Any]:
    """A file the data check could not read (binary, empty, too wide, a line
    too long) is not handed to xloader, whose type guessing would spend the
    worker's time on it for nothing: its status says why, and a table an
    earlier file of the resource left goes, so that nothing stale is served."""
    resource_id = res["id"]
    _drop_table(resource_id)
    _set_task(resource_id, "error", {}, error=json.dumps({"message": UNREADABLE}))
    model.Session.commit()
    return {"resource_id": resource_id, "status": "error", "error": UNREADABLE}


def _table_exists(resource_id: str) -> bool:
    from ckanext.datastore.backend import DatastoreBackend

    return bool(DatastoreBackend.get_active_backend().resource_exists(resource_id))


def _drop_table(resource_id: str) -> bool:
    """Drop the resource's DataStore table, if it has one; whether it had."""
    if not _table_exists(resource_id):
        return False
    tk.get_action("datastore_delete")(
        dict(_site_context()), {"resource_id": resource_id, "force": True})
    return True


def _drop_deleted(package_id: str) -> None:
    """The tables of the dataset's deleted resources (a file a published
    revision replaced) go: only live files are served."""
    ids = model.Session.execute(sa.select(model.Resource.id).where(
        model.Resource.package_id == package_id,
        model.Resource.state == "deleted")).scalars().all()
    for resource_id in ids:
        if _drop_table(resource_id):
            log.info("DataStore table of deleted resource %s dropped", resource_id)


def _drop_unloadable(live: dict[str, Any], uploaded: set[str]) -> None:
    """The tables the loader made of the dataset's live resources that no
    longer hold an uploaded table (a file replaced by a link): their rows
    and their loading status go (the rows were the old file's, and the
    preview said "being loaded" for ever)."""
    for res in live.get("resources") or []:
        if res["id"] in uploaded:
            continue
        task = _task_row(res["id"])
        if task is None:
            continue  # a table written through the API, not the loader's
        _drop_table(res["id"])
        # and the previews of that table (an empty table and a chart of nothing)
        for view in model.Session.execute(sa.select(model.ResourceView).where(
                model.ResourceView.resource_id == res["id"],
                model.ResourceView.view_type.in_(TABLE_VIEWS))).scalars().all():
            model.Session.delete(view)
        model.Session.delete(task)
        model.Session.commit()
        log.info("DataStore table of %s dropped: it holds no uploaded table now", res["id"])


def load_resource(res: dict[str, Any], force: bool = False,
                  numbers: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """Load one live file into the DataStore with xloader's loader, recording
    xloader's status and log; never raises for a bad file (its status is
    ``error`` with the reason). ``numbers``: the declared number variables
    (:func:`numeric_variables`); a file loaded before they changed is
    loaded again."""
    from ckanext.xloader import db as xloader_db
    from ckanext.xloader import jobs as xloader_jobs
    from ckanext.xloader import loader
    from ckanext.xloader.job_exceptions import JobError, LoaderError

    resource_id = res["id"]
    path = previews.stored_path(res)
    digest = file_hash(path) if path else None
    task = _task(resource_id)
    previous = json.loads(task["value"] or "{}") if task else {}
    numbers = numbers or {}
    if (not force and digest and task and task.get("state") == "complete"
            and previous.get("file_hash") == digest and res.get("datastore_active")
            and previous.get("numbers", {}) == numbers and _table_exists(resource_id)):
        # (a period's table published again had its table dropped while it
        # was withdrawn: "unchanged", it stayed without rows)
        return {"resource_id": resource_id, "status": "unchanged"}

    job_id = str(uuid.uuid4())
    metadata = {"resource_id": resource_id, "ckan_url": tk.config.get("ckan.site_url"),
                "task_created": str(datetime.datetime.utcnow()),
                "original_url": res.get("url"), "ignore_hash": force}
    _set_task(resource_id, "running", {"job_id": job_id})
    xloader_db.init(tk.config)
    xloader_db.add_pending_job(job_id, job_type="xloader_to_datastore", api_key="",
                               metadata=metadata)
    logger = logging.getLogger(f"{__name__}.{job_id}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    handler = xloader_jobs.StoringHandler(job_id, {"metadata": metadata})
    logger.addHandler(handler)
    fmt = res.get("format") or ("XLSX" if str(res.get("url", "")).lower().endswith("xlsx")
                                else "CSV")
    result: dict[str, Any] = {"resource_id": resource_id}
    try:
        if not path:
            raise JobError("the file is not stored on this server")
        logger.info("Loading %s (%s, MD5 %s)", res.get("name") or resource_id, fmt, digest)
        if fmt.upper() == "XLSX" and \
                previews.unused_strings(path) > previews.MAX_UNUSED_STRINGS:
            raise JobError(UNUSED_STRINGS)
        far = tables.far_extent(path) if fmt.upper() == "XLSX" else None
        if far:
            raise JobError(f"{FAR_VALUE}, column {validation.column_letter(far[1])}"
                           if far[0] == "column" else f"{FAR_ROWS}, row {far[1]}")
        try:
            fields = loader.load_csv(path, resource_id=resource_id, mimetype=fmt,
                                     allow_type_guessing=True, logger=logger)
        except (JobError, LoaderError) as e:
            logger.warning("Load using COPY failed: %s", e)
            logger.info("Trying again with tabulator")
            loader.load_table(path, resource_id=resource_id, mimetype=fmt, logger=logger)
            fields = None
        loader.calculate_record_count(resource_id=resource_id, logger=logger)
        # how many rows the table has (xloader's COPY says it nowhere)
        logger.info("Rows loaded: %s", tk.get_action("datastore_search")(
            dict(_site_context()), {"resource_id": resource_id, "limit": 0})["total"])
        xloader_jobs.set_datastore_active({"resource_id": resource_id}, res, logger)
        if fields:
            loader.create_column_indexes(fields=fields, resource_id=resource_id, logger=logger)
        typed = type_columns(resource_id, numbers)
        if typed:
            logger.info("Number columns (declared variables): %s", ", ".join(typed))
        logger.info("Express Load completed")
        xloader_db.mark_job_as_completed(job_id, {"resource_id": resource_id})
        _set_task(resource_id, "complete",
                  {"job_id": job_id, "file_hash": digest, "numbers": numbers})
        # xloader's own completion: the default views that need the
        # DataStore (the datatables_view preview), IXloader.after_upload
        hook_context = dict(_site_context())
        tk.get_action("xloader_hook")(hook_context, {"metadata": metadata,
                                                     "status": "complete"})
        result["status"] = "complete"
    except Exception as e:  # a bad file: its status says why
        model.Session.rollback()
        message = str(e) or e.__class__.__name__
        logger.error("xloader error: %s", message)
        xloader_db.mark_job_as_errored(job_id, message)
        _set_task(resource_id, "error", {"job_id": job_id},
                  error=json.dumps({"message": message}))
        result.update(status="error", error=message)
    finally:
        logger.removeHandler(handler)
    model.Session.commit()
    return result


#: a workbook's load refused for a sheet reaching far to the right, or far
#: down (:func:`.tables.far_extent`)
FAR_VALUE = "A cell far past the header"
FAR_ROWS = "A range far below the table"
#: and for texts no cell uses (:func:`.preview.unused_strings`)
UNUSED_STRINGS = "Texts no cell uses"

#: the BPS symbols of a figure not available (:data:`.validation.MISSING_SYMBOLS`):
#: no value in a number column
_MISSING = sorted(validation.MISSING_SYMBOLS)


def numeric_variables(pkg_dict: dict[str, Any]) -> dict[str, str]:
    """The declared variables of whole numbers and decimals: normalized
    name -> data type, under the name the loader gives the column too
    (:func:`.validation.loaded_name`)."""
    found: dict[str, str] = {}
    for var in validation.variables(pkg_dict):
        if var["data_type"] in validation.NOTATIONS:
            for name in (var["name"], validation.loaded_name(var["name"])):
                found.setdefault(validation.normalize(name), var["data_type"])
    return found


def type_columns(resource_id: str, numbers: dict[str, str]) -> list[str]:
    """Make each text column of a loaded table that ``numbers`` declares a
    number a ``numeric`` column, when every non-empty cell of it is a
    number written in one notation (:data:`.validation.NOTATIONS`: plainly, ``1.234,5``
    or ``1,234.5``; empty cells and the symbols of a figure not available,
    ``-``, ``...``, ``x``, ``NA``, become NULL); a column with another value
    (a note) stays text, as xloader loaded it, and so does a column
    whose type was set on the Data Dictionary page. The columns made
    numbers, in table order."""
    if not numbers:
        return []
    from ckanext.datastore.backend.postgres import get_write_engine, identifier

    typed = []
    with get_write_engine().begin() as conn:
        conn.execute(sa.text("SET LOCAL lock_timeout = '15s'"))
        fields = tk.get_action("datastore_info")(
            dict(_site_context()), {"id": resource_id})["fields"]
        matching = {}
        for field in fields:
            name, declared = field["id"], numbers.get(validation.normalize(field["id"]))
            if (not declared or field.get("type") != "text"
                    or (field.get("info") or {}).get("type_override")):
                continue
            column = identifier(name)
            matching[name] = [notation for notation in validation.NOTATIONS[declared]
                              if conn.execute(
                sa.text(f"SELECT bool_and(btrim({column}) ~ :pattern) "
                        f"FROM {identifier(resource_id)} "
                        f"WHERE btrim(coalesce({column}, '')) <> '' "
                        f"AND btrim({column}) <> ALL(:missing)"),
                {"pattern": notation.pattern, "missing": _MISSING}).scalar()]
        # a column that reads both ways is read as the table's others are
        for name, written in validation.table_notations(matching).items():
            column = identifier(name)
            if written:
                for index in conn.execute(_TEXT_INDEXES, {"table": identifier(resource_id),
                                                          "column": name}).scalars():
                    conn.execute(sa.text(f"DROP INDEX {index}"))
                cell = written.sql(f"btrim({column})")
                missing = ", ".join("'" + symbol.replace("'", "''") + "'"
                                    for symbol in _MISSING)
                conn.execute(sa.text(
                    f"ALTER TABLE {identifier(resource_id)} ALTER COLUMN {column} "
                    f"TYPE numeric USING CASE WHEN btrim({column}) IN ({missing}) "
                    f"THEN NULL ELSE nullif({cell}, '')::numeric END"))
                typed.append(name)
    return typed


#: the full-text indexes of a column (``to_tsvector`` of text, which the
#: DataStore builds on each text column and a number has not): the
#: qualified index names, by table (quoted) and column name
_TEXT_INDEXES = sa.text("""
    SELECT DISTINCT d.objid::regclass::text FROM pg_depend d
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.refobjid = CAST(:table AS regclass)
      AND a.attname = :column AND pg_get_indexdef(d.objid) LIKE '%to_tsvector(%'""")


#: what the producer reads for xloader's states
def _labels() -> dict[str, str]:
    return {
        "waiting": tk._("Waiting to be loaded (the jobs worker loads it after an upload; "
                        "reload the page in a moment)"),
        "pending": tk._("Waiting to be loaded (the jobs worker loads it after an upload; "
                        "reload the page in a moment)"),
        "running": tk._("Being loaded into the DataStore"),
        "running_but_viewable": tk._("Being loaded into the DataStore"),
        "complete": tk._("In the DataStore: preview and data API available once published"),
        "error": tk._("Could not be loaded into the DataStore"),
    }


def status(context: dict[str, Any], resource_id: str) -> Optional[dict[str, Any]]:
    """xloader's status of a resource as its editor may see it
    (``xloader_status``, checked as that user), with an Indonesian label and
    the last lines of the log; None when the user may not see it."""
    try:
        found = tk.get_action("xloader_status")(dict(context), {"resource_id": resource_id})
    except tk.ObjectNotFound:
        found = {"status": "waiting", "error": None, "task_info": None}
    except (tk.NotAuthorized, tk.ValidationError):
        return None
    state = found.get("status") or "waiting"
    error = found.get("error")
    if isinstance(error, dict):
        error = error.get("message")
    if error == UNREADABLE:
        error = unreadable_message()
    elif isinstance(error, str) and _COLUMN_NAMES_REFUSED.search(error):
        # the DataStore's refusal of the columns' names, in English and
        # Python's dump of it (the data check names the columns)
        error = _column_names_message()
    # in the reader's words, as on the DataStore page (this page printed
    # xloader's English lines, "INFO: Rows loaded: 6")
    logs = readable_log((found.get("task_info") or {}).get("logs") or [])[-8:]
    label = _labels().get(state, state)
    if state == "complete" and _public(resource_id):
        # it said "available once published" on a published table
        label = tk._("In the DataStore: previewed and open through the data API")
    return {"status": state, "label": label, "error": error or None,
            "last_updated": found.get("last_updated"),
            "log": [str(entry.get("message") or "") if entry.get("level") in ("INFO", "DEBUG")
                    else f"{entry.get('level', '')}: {entry.get('message', '')}"
                    for entry in logs]}


#: xloader's words for the column names the DataStore refuses
_COLUMN_NAMES_REFUSED = re.compile(
    r"Duplicate column names are not supported|is not a valid field name")


def _column_names_message() -> str:
    """What a load refused for its column names is told (its status and log)."""
    return tk._("The DataStore cannot keep the table's column names (two of one name, "
                "or one beginning with \"_\" or holding a double quote): the data "
                "check names them. Rename the columns and upload the file again")


def _public(resource_id: str) -> bool:
    """Whether the resource's dataset is public."""
    res = model.Resource.get(resource_id)
    pkg = model.Package.get(res.package_id) if res is not None else None
    return pkg is not None and not pkg.private


def _in_workflow(resource_id: str) -> bool:
    """Whether the table's dataset is one of the workflow's (its files are
    checked; the check of a new file may still be on its way)."""
    from .publishing import governed

    res = model.Resource.get(resource_id)
    return res is not None and governed(res.package_id)


def unreadable_message(report: bool = True) -> str:
    """What a file the data check could not read is told where its load is
    shown (:data:`UNREADABLE` is what the load records); ``report``: the
    check kept one (a dataset outside the workflow is never checked: the
    page cited a report that did not exist)."""
    if not report:
        return tk._("This file cannot be read as a table (binary, empty, too wide or a "
                    "line too long), so it is not loaded: upload a readable CSV or XLSX "
                    "table")
    return tk._("The data check could not read this file (see its report), "
                "so it is not loaded: upload a readable CSV or XLSX table")


#: the lines of a load's log (xloader's, and :func:`load_resource`'s own), in
#: the reader's words: a pattern, and the message (None: a line for the
#: technicians, left out: "Fields: [{'id': …}]", "Using chunk size: …")
def _log_lines() -> list[tuple[re.Pattern[str], Optional[str]]]:
    lines = [
        (r"Loading (?P<name>.*) \((?P<format>\w+), MD5 .*\)",
         tk._("Loading %(name)s (%(format)s)")),
        (r"Determining column names and types", tk._("Reading the columns and their types")),
        (r"Copying to database\.\.\.", tk._("Copying the rows into the DataStore")),
        (r"\.\.\.copying done", tk._("The rows are copied")),
        (r"\.\.\.search index created", tk._("The search index is built")),
        (r"\.\.\.column indexes created\.?", tk._("The column indexes are built")),
        (r"(Successfully pushed (?P<count>\d+) entries.*|Rows loaded: (?P<rows>\d+))",
         tk._("%(count)s rows loaded")),
        (r"Trying again with tabulator", tk._("Trying again with another reader")),
        (r"Load using COPY failed: .*", tk._("The fast load did not work")),
        (r"Setting resource\.datastore_active = True", tk._("The table is in the DataStore")),
        (r"Number columns \(declared variables\): (?P<columns>.*)",
         tk._("Columns read as numbers (declared variables): %(columns)s")),
        (r"Express Load completed", tk._("Loading completed")),
        (r"xloader error: A cell far past the header, column (?P<column>[A-Z]+)",
         tk._("Not loaded: the sheet reaches far past its header, to column %(column)s (a "
              "value, a space or a formatted cell there: the table would be thousands of "
              "columns wide). Delete the columns right of the table and upload the file "
              "again")),
        (r"xloader error: A range far below the table, row (?P<row>\d+)",
         tk._("Not loaded: the sheet reaches far below the table, to row %(row)s. Delete "
              "the rows below the table and upload the file again")),
        (r"xloader error: .*(Duplicate column names are not supported|is not a valid "
         r"field name).*", _column_names_message()),
        (r"xloader error: (?P<message>.*)", tk._("The load failed: %(message)s")),
    ]
    return [(re.compile(pattern, re.S), message) for pattern, message in lines]


def readable_log(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A load's log in the reader's words (:func:`_log_lines`): the steps a
    producer follows, translated; xloader's technical lines ("Fields:
    [{'id': 'jenis_nakes', 'type': 'text', …}]", "Using chunk size: …")
    left out; a warning or error nobody translated kept as it is; the lines
    in the order they were written."""
    lines = _log_lines()
    readable = []
    # in the order it was written: xloader reads its log table without an
    # order, and a table whose rows were deleted hands them back shuffled
    # ("Loading completed" came before the rows were copied, or was cut off)
    for item in sorted(items or [], key=lambda item: str(item.get("timestamp") or "")):
        text = str(item.get("message") or "").strip()
        found = next(((m, message) for pattern, message in lines
                      for m in [pattern.fullmatch(text)] if m), None)
        if found is not None:
            match, message = found
            values = match.groupdict()
            values["count"] = values.get("count") or values.get("rows")
            readable.append(dict(item, message=message % values))
        elif item.get("level") not in ("INFO", "DEBUG"):
            readable.append(item)
    return readable


def page_status(found: Optional[dict[str, Any]],
                resource_id: Optional[str] = None) -> Optional[dict[str, Any]]:
    """xloader's status for its DataStore page (``resource_data``): its log
    in the reader's words (:func:`readable_log`: English and Python's
    dumps of the columns); a file the data check could not read told why in
    the reader's language (the page printed "unreadable by the data check";
    the check's own reason, e.g. too many rows, when it has one),
    ``unreadable`` set."""
    if (found or {}).get("unreadable"):
        return found  # told already (``xloader_status`` answers so)
    task_info = (found or {}).get("task_info")
    if isinstance(task_info, dict) and task_info.get("logs"):
        found = dict(found or {}, task_info=dict(task_info,
                                                 logs=readable_log(task_info["logs"])))
    error = (found or {}).get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str) \
            and error["message"] != UNREADABLE:
        # xloader's own failure, in English and Python's dumps ("Validation
        # error writing rows to db: None - {'field': [...]}")
        return dict(found, error=dict(error, message=load_failure_message(
            error["message"])))  # type: ignore[arg-type]
    if not isinstance(error, dict) or error.get("message") != UNREADABLE:
        return found
    check = model.Session.get(DataCheck, resource_id) if resource_id else None
    reason = (validation.message(check.errors[0]) if check is not None
              and check.status == "unreadable" and check.errors else None)
    message = (tk._("The data check could not use this file, so it is not loaded: "
                    "%(reason)s") % {"reason": reason}) if reason else unreadable_message(
        report=check is not None or not resource_id or _in_workflow(resource_id))
    return dict(found, error=dict(error, message=message),  # type: ignore[arg-type]
                unreadable=True)


#: xloader's failures whose cause the reader can mend, and how to say it
_LOAD_FAILURES = (
    ("Duplicate column names", lambda: tk._(
        "two columns of its first row have the same name: name each column once")),
    ("too long", lambda: tk._("a column name or a value is too long")),
    (FAR_VALUE, lambda: tk._(
        "the sheet reaches far past its header (a value, a space or a formatted cell: the "
        "table would be thousands of columns wide): delete the columns right of the table "
        "and upload the file again")),
    (FAR_ROWS, lambda: tk._(
        "the sheet reaches far below the table: delete the rows below it and upload the "
        "file again")),
    (UNUSED_STRINGS, lambda: tk._(
        "the workbook carries many texts no cell uses: open it in a spreadsheet program "
        "and save it again, or upload the table as CSV")),
)


def load_failure_message(raw: str) -> str:
    """xloader's failure to load a file, in the reader's words: its cause
    when it is one the producer can mend, else where to look."""
    reason = next((say() for found, say in _LOAD_FAILURES if found in raw), None)
    if reason is None:
        reason = tk._("check that its first row names the columns and that every row has "
                      "the same columns; the walidata can read the details in the logs")
    return tk._("The table could not be loaded for the preview and the API: %(reason)s") % {
        "reason": reason}


# -- CKAN's DataStore messages, in the reader's language ---------------------------

#: CKAN's DataStore writes these without marking them for translation
_NOT_FOUND = re.compile(r'^Resource(?:/Alias)? "(?P<id>.*)" was not found\.$', re.S)
_NOT_A_TABLE = re.compile(r'relation "(?P<name>[^"]*)" does not exist')


#: a DataStore table as a query names it: its resource id, double-quoted,
#: or single-quoted as a text cast to a table (``'<id>'::regclass`` told an
#: outsider that the table of unpublished data exists)
_QUOTED_TABLE = re.compile(
    r'(["\'])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\1', re.IGNORECASE)


def finite(result: Any) -> Any:
    """A DataStore answer JSON can carry: a ``NaN`` or an infinity anywhere
    in it (a query's ``'NaN'::float8``, in an array too, a numeric column's
    NaN, the filters CKAN echoes back) is null (CKAN's API refused to write
    a float one: a 500 page, in HTML; a numeric one went out as a bare
    ``NaN``, which no JSON reader takes)."""
    if isinstance(result, dict):
        for key, value in result.items():
            result[key] = finite(value)
    elif isinstance(result, list):
        for index, value in enumerate(result):
            result[index] = finite(value)
    elif isinstance(result, float) and not math.isfinite(result) \
            or isinstance(result, decimal.Decimal) and not result.is_finite():
        return None
    return result


#: the longest DataStore query text a user who is no sysadmin may send
SQL_MAX = 20_000

#: the most values a search's ``filters`` may list, all columns together (one
#: anonymous search of 200,000 held a web process for 47 s)
FILTER_VALUES_MAX = 1_000

#: the most columns a search sorts by (100,000 held a web process for 10 s)
SORT_COLUMNS_MAX = 100


def named_tables(sql: Any) -> list[str]:
    """The tables a DataStore query names (quoted resource ids), in order,
    read from its text: CKAN learns them from PostgreSQL's plan of the query,
    and planning a query that names a hidden table answered with that
    table's columns and their types ("column … does not exist", "UNION
    types … cannot be matched")."""
    if not isinstance(sql, str):
        return []
    return list(dict.fromkeys(m.group(2) for m in _QUOTED_TABLE.finditer(sql)))


def no_such_table() -> str:
    """What a DataStore query is told when a table it names is none it may
    read, or it reads none: the same words whatever the table (its name, as
    PostgreSQL read it from an escaped string, told a made-up id from a
    hidden table's)."""
    return tk._("The query reads no table you may read: query a table by its "
                "resource id")


#: CKAN's DataStore messages about a search's arguments (in English)
_INVALID_VALUE = re.compile(r'^invalid value "(?P<value>.*)"$', re.S)
_ONE_OF = re.compile(r"^Value must be one of (?P<values>\[.*\])$", re.S)


#: CKAN's refusal of a function a query calls (``pg_sleep``, ``version``)
_FUNCTION_REFUSED = re.compile(r"^Not authorized to call function (?P<name>.+)$")


def _untranslated_message(text: str) -> str:
    found = _INVALID_VALUE.match(text)
    if found:
        return tk._('Invalid value "%(value)s"') % {"value": found.group("value")[:100]}
    found = _ONE_OF.match(text)
    if found:
        values = re.findall(r"'([^']*)'", found.group("values"))
        return tk._("Must be one of: %(values)s") % {"values": ", ".join(values)}
    if text == "Invalid query":
        # PostgreSQL's refusal of the whole search: its words, or a filter's
        # value of another type than its column's, or an unknown language
        return tk._("The search cannot be run: check its words (q), its filters (a value "
                    "of the column's type) and its language")
    if text == "Cannot parse JSON":
        return tk._("This is not valid JSON")
    if text == "Query is not a single statement.":
        return tk._("The query is not a single statement")
    if text == "Not authorized to access system tables":
        return tk._("The system tables of the database cannot be queried")
    if text == "Query took too long":
        return tk._("The query took too long and was stopped: ask for fewer rows, or "
                    "filter them")
    if text == "Not authorized to read resource.":
        return tk._("The query reads something other than the portal's public tables")
    function = _FUNCTION_REFUSED.match(text)
    if function:
        return tk._("The query may not call the function %(name)s") % {
            "name": function.group("name")[:100]}
    if text.startswith("(psycopg2.") or "[SQL:" in text:
        # PostgreSQL's error, with the statement CKAN ran around the query
        table = _NOT_A_TABLE.search(text)
        if table:
            return no_such_table()
        return _cannot_run(re.sub(r"^\([\w.]+\)\s*", "", text))
    return text


def _cannot_run(reason: str) -> str:
    """PostgreSQL's reason a query cannot run: its first line, in the
    reader's language when it is one of the usual ones (they were English)."""
    first = reason.split("\n", 1)[0].strip()
    for pattern, message in _PG_REASONS:
        found = pattern.fullmatch(first)
        if found:
            first = message() % {k: v[:100] for k, v in found.groupdict().items()}
            break
    return tk._("The query cannot be run: %(reason)s") % {"reason": first}


#: PostgreSQL's usual reasons, as the reader is told them
_PG_REASONS: list[tuple[re.Pattern[str], Callable[[], str]]] = [
    (re.compile(r'column "?(?P<name>[^"]*)"? does not exist'),
     lambda: tk._('there is no column "%(name)s"')),
    (re.compile(r'syntax error at or near "\)"'),  # of the wrapping CKAN gives it
     lambda: tk._("it is not valid SQL (it ends too early)")),
    (re.compile(r'syntax error at or near "(?P<near>.*)"'),
     lambda: tk._('it is not valid SQL (near "%(near)s")')),
    (re.compile(r"syntax error at end of input"),
     lambda: tk._("it is not valid SQL (it ends too early)")),
    (re.compile(r"division by zero"), lambda: tk._("a division by zero")),
    (re.compile(r'invalid input syntax for type (?P<type>[\w ]+): "(?P<value>.*)"'),
     lambda: tk._('"%(value)s" is not a value of type %(type)s')),
    (re.compile(r'unrecognized configuration parameter "(?P<name>.*)"'),
     lambda: tk._('there is no setting "%(name)s"')),
    (re.compile(r"function (?P<name>.+) does not exist"),
     lambda: tk._("there is no function %(name)s")),
    (re.compile(r"operator does not exist: (?P<name>.+)"),
     lambda: tk._("there is no operator %(name)s")),
    # the table's download (CKAN's dump) reads PostgreSQL's own words
    (re.compile(r'text search configuration "(?P<name>.*)" does not exist'),
     lambda: tk._('the search language (language) "%(name)s" is not known: leave it out')),
    (re.compile(r'(?:no operand|syntax error) in tsquery: "(?P<words>.*)"'),
     lambda: tk._('the search words (q) "%(words)s" cannot be read: write words, '
                  'not signs alone')),
    (re.compile(r"No literal value renderer is available for literal value.*"),
     lambda: tk._("a filter's value (filters) is an object or a list of lists, not a "
                  "value of its column")),
]


def _past_a_limit(error: Any) -> bool:
    """Whether PostgreSQL refused a query past one of its limits (class 54:
    a value it cannot hold, too many columns, a statement too complex)."""
    return str(getattr(error, "pgcode", "") or "").startswith("54")


@contextlib.contextmanager
def translated_errors(key: str = "query") -> Iterator[None]:
    """Around a DataStore read action: CKAN's own English messages (a
    missing table, a query refused or failing in PostgreSQL, with the SQL
    CKAN wrapped it in) become the portal's translated ones, and values
    PostgreSQL refuses (a division by zero, a number out of range: CKAN
    lets them through, a 500) a ``ValidationError`` on ``key``."""
    try:
        yield
    except (sa.exc.DataError, psycopg2.DataError, psycopg2.ProgrammingError,
            sa.exc.CompileError) as e:
        # the dump copies with psycopg2 itself: its error is not SQLAlchemy's
        # (a language PostgreSQL does not know, a search of punctuation
        # alone, "q=!!", were 500s of the CSV dump), and a filter whose
        # value is an object or a list of lists cannot even be written as SQL
        raise tk.ValidationError({key: [_cannot_run(str(getattr(e, "orig", None) or e))]})
    except sa.exc.OperationalError as e:
        # a value beyond what PostgreSQL can hold (``SELECT chr(0)``: "null
        # character not permitted"), a 500; a cancelled query is CKAN's
        if not _past_a_limit(e.orig):
            raise
        raise tk.ValidationError({key: [_cannot_run(str(e.orig))]})
    except psycopg2.OperationalError as e:
        # the same from CKAN's own plan of a query (2,000 columns: "target
        # lists can have at most 1664 entries", a 500 to anyone)
        if not _past_a_limit(e):
            raise
        raise tk.ValidationError({key: [_cannot_run(str(e))]})
    except sa.exc.NotSupportedError as e:  # "cannot convert NaN to integer"
        raise tk.ValidationError({key: [_cannot_run(str(e.orig))]})
    except (ValueError, OverflowError) as e:
        # a value PostgreSQL holds and Python does not (a date of the year
        # 294277, read back by psycopg2): a 500 to anyone
        raise tk.ValidationError({key: [_cannot_run(str(e))]})
    except tk.ObjectNotFound as e:
        found = _NOT_FOUND.match(str(e))
        if found:
            raise tk.ObjectNotFound(tk._('Table "%(id)s" was not found') % {
                "id": found.group("id")[:100]})
        raise
    except tk.NotAuthorized as e:
        text = str(e)
        if not text:
            raise
        raise tk.NotAuthorized(_untranslated_message(text))
    except tk.ValidationError as e:
        errors = e.error_dict if isinstance(e.error_dict, dict) else {}
        if not any(isinstance(v, list) and any(isinstance(m, str) for m in v)
                   for v in errors.values()):
            raise
        # CKAN keys a failing query "query", whatever the caller named it
        raise tk.ValidationError({
            key if field == "query" else field:
            [_untranslated_message(m) if isinstance(m, str) else m for m in value]
            for field, value in errors.items()
            if field != "info" and isinstance(value, list)})

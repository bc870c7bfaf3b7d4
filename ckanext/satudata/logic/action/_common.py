# -*- coding: utf-8 -*-
"""What the action modules share: validating a data dict against a schema,
committing unless the caller defers it, taking a data request's row lock,
waiting for the other creations of a unique name, finding a round by id or
name, telling "not found" to whoever may not read a dataset."""
from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ...model import CollectionRound


def validate(data_dict: DataDict, schema_: dict[str, Any], context: Context) -> dict[str, Any]:
    """The validated data, or a ``ValidationError`` with every field's errors.
    CKAN's validation hands back an empty list or object it did not validate
    (a field not in the schema, or one ``ignore_empty`` skips): dropped, as
    an empty text is (``"state": []`` was stored as a round's state: 500).
    A list of objects for a field the schema reads as a value or a list
    of values is refused: CKAN's validation takes it apart into sub-fields
    the schema does not know, and the field was left out (``"state": [{"a":
    1}]`` listed every request)."""
    data, errors = tk.navl_validate(dict(data_dict), schema_, context)
    for key, value in dict(data_dict).items():
        if key in schema_ and not isinstance(schema_[key], dict) and isinstance(value, list) \
                and any(isinstance(v, dict) for v in value) and key not in errors:
            errors[key] = [tk._("Must be text")]
    if errors:
        raise tk.ValidationError(errors)
    skip = tk.get_validator("ignore_empty")
    for key, value in list(data.items()):
        if isinstance(value, (list, dict)) and not value and (
                key not in schema_ or skip in (schema_[key] or [])[:1]):
            del data[key]
    return data


def readable_or_not_found(context: Context, ref: Any) -> None:
    """``ObjectNotFound`` when the caller may not read the dataset ``ref``
    (an id or a name): CKAN's 403 for a dataset that exists, against 404 for
    a name nobody took, told an outsider which guessed names were requested.
    A value that is no name is left to the action's own validation."""
    if context.get("ignore_auth") or not isinstance(ref, str) or not ref or len(ref) > 100 \
            or "\x00" in ref:
        return  # the portal's own calls, and a value the action's validation refuses
    try:
        tk.check_access("package_show", {"user": context.get("user"),  # type: ignore
                                         "auth_user_obj": context.get("auth_user_obj")},
                        {"id": ref})
    except (tk.NotAuthorized, tk.ObjectNotFound) as e:
        raise tk.ObjectNotFound() from e  # word for word CKAN's answer for a missing one


def contains(column: Any, term: str) -> Any:
    """``column ILIKE '%word%'`` for every word of ``term``, in any order
    ("kendaraan jenis" found nothing in "Jumlah Kendaraan Menurut Jenis"),
    the words' ``%``, ``_`` and ``\\`` taken as themselves."""
    def like(word: str) -> Any:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return column.ilike(f"%{escaped}%", escape="\\")

    words = term.split()
    return sa.and_(*map(like, words)) if len(words) > 1 else like(term.strip() or term)


def commit(context: Context) -> None:
    """Commit, unless the caller does (``defer_commit``)."""
    if not context.get("defer_commit"):
        model.Session.commit()


def lock_name(kind: str, *key: str) -> None:
    """Wait, until the transaction ends, for the other transactions creating
    a ``kind`` of the same unique ``key`` (a round's or a dataset's URL
    name, a user's role): the second one then finds the first's row and is
    refused, or answered, by its own check, instead of failing on the
    database's unique key (HTTP 500)."""
    model.Session.execute(sa.select(sa.func.pg_advisory_xact_lock(
        sa.func.hashtext(":".join((kind, *key))))))


def refuse_changed_since(modified: Any, seen: Any) -> None:
    """``seen``: the ``modified`` time of a record (an item, a round) its
    edit form was built from; a record changed since then is not
    overwritten by the form (two officers' tabs: the second save put back
    the first one's change unseen). Nothing to check without it (an API
    call changing only what it names)."""
    if seen in (None, ""):
        return
    try:  # not a time at all: said "someone else changed this" (nobody had)
        datetime.datetime.fromisoformat(str(seen))
    except ValueError:
        raise tk.ValidationError({"modified": [tk._(
            "Not a time as the form gives it (YYYY-MM-DDTHH:MM:SS.ffffff)")]})
    if modified is None:
        return
    if str(seen) != modified.isoformat():
        raise tk.ValidationError({"modified": [tk._(
            "Someone else changed this since you opened the form: open it again to "
            "see their change, then make yours (what you typed is below)")]})


def get_round(value: str) -> CollectionRound:
    """The collection round of id or name ``value`` (its id first: a name
    shaped like another round's id, from before such names were refused,
    answered HTTP 500); ``ObjectNotFound`` when there is none."""
    round_ = model.Session.execute(sa.select(CollectionRound).where(
        CollectionRound.id == CollectionRound.id_for(value))).scalar_one_or_none()
    if round_ is None:
        raise tk.ObjectNotFound(tk._("Collection round not found"))
    return round_

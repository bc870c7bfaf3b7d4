# -*- coding: utf-8 -*-
"""Validation schemas of the satudata actions.

Every schema starts with ``__before: satudata_clean_strings`` (no NUL,
control characters or lone surrogates anywhere in the input), takes ids as
bounded strings (``satudata_id``), bounds the length of every text the
database indexes or stores, and the range of every number and date
(``satudata_limit``, ``satudata_offset``, ``satudata_year_int``,
``satudata_date``, ``satudata_working_days``). A required text is
checked again once stripped (``strip_value, not_empty``): a title of
spaces is missing, not an empty title. A refused input is a
``ValidationError`` (HTTP 409 in the API), never a database error.
"""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator


#: longest Daftar Data / round title: the dataset created for a request is
#: titled "<item> (<round>)", and PostgreSQL's title index takes ~2,700 bytes
TITLE_MAX = 500
ROUND_TITLE_MAX = 200
#: short texts (unit, SK number, period, search text)
SHORT_MAX = 200
URL_MAX = 2000
#: descriptions and transition notes
LONG_MAX = 10_000
#: a round report's text
REPORT_MAX = 100_000


@validator_args
def role_create(
    not_empty: Validator, satudata_user_exists: Validator, satudata_role_name: Validator,
    satudata_clean_strings: Validator, satudata_id: Validator,
) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "user": [not_empty, satudata_id, satudata_user_exists],
        "role": [not_empty, satudata_id, satudata_role_name],
    }


@validator_args
def role_list(ignore_missing: Validator, satudata_id: Validator,
              satudata_role_name: Validator, satudata_clean_strings: Validator) -> Schema:
    return {"__before": [satudata_clean_strings],
            "role": [ignore_missing, satudata_id, satudata_role_name]}


@validator_args
def role_event_list(ignore_missing: Validator, default: Validator, satudata_id: Validator,
                    satudata_user_exists: Validator, satudata_limit: Validator,
                    satudata_offset: Validator, satudata_clean_strings: Validator) -> Schema:
    return {"__before": [satudata_clean_strings],
            "user": [ignore_missing, satudata_id, satudata_user_exists],
            "limit": [default(50), satudata_limit],
            "offset": [default(0), satudata_offset]}


# -- data-request workflow ---------------------------------------------------

@validator_args
def daftar_data_create(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    satudata_text: Validator,
    strip_value: Validator, default: Validator, satudata_clean_strings: Validator,
    satudata_id: Validator, satudata_length: Validator, satudata_year_int: Validator,
    satudata_date: Validator, satudata_boolean: Validator, satudata_web_link: Validator,
    satudata_organization_id: Validator, satudata_code_in: Validator,
    satudata_codes_in: Validator, satudata_deadline_days: Validator,
    satudata_visible: Validator, satudata_title: Validator, satudata_blank_clears: Validator,
) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        # a title of invisible characters alone (a zero-width space) is none
        "title": [not_empty, satudata_text, unicode_safe, strip_value, not_empty,
                  satudata_visible, satudata_title, satudata_length(TITLE_MAX)],
        "owner_org": [not_empty, satudata_id, satudata_organization_id],
        "year": [not_empty, satudata_year_int],
        # spaces or invisible characters alone: no text (they were stored)
        "description": [ignore_missing, satudata_blank_clears, satudata_text, unicode_safe,
                        satudata_length(LONG_MAX)],
        # the dataset schema's fields and code lists: the item prefills its dataset
        "update_frequency": [ignore_missing, satudata_code_in("frequency")],
        "government_affairs": [ignore_missing, satudata_codes_in("urusan")],
        "unit": [ignore_missing, satudata_blank_clears, satudata_text, unicode_safe,
                 strip_value, satudata_length(SHORT_MAX)],
        "priority": [default(False), satudata_boolean],
        # its own submission deadline (days from the round's sending)
        "submit_days": [ignore_missing, satudata_deadline_days],
        "submit_calendar_days": [default(False), satudata_boolean],
        # emptied: cleared (the decree is not known after all)
        "sk_number": [ignore_missing, satudata_blank_clears, satudata_text, unicode_safe,
                      strip_value, satudata_length(SHORT_MAX)],
        "sk_date": [ignore_missing, satudata_blank_clears, satudata_date],
        "sk_url": [ignore_missing, satudata_blank_clears, satudata_text, unicode_safe,
                   strip_value, satudata_length(URL_MAX),
                   satudata_web_link],
        "active": [default(True), satudata_boolean],
    }


def _optional(validators: list[Validator], not_empty: Validator) -> list[Validator]:
    """The validators of a required field but its leading ``not_empty``: a
    field an update leaves out keeps its value; one it gives is checked as
    on create, blank once stripped included."""
    return validators[1:] if validators and validators[0] is not_empty else validators


@validator_args
def daftar_data_update(
    not_empty: Validator, ignore_missing: Validator, satudata_id: Validator,
    satudata_boolean: Validator, satudata_daftar_data_id: Validator,
    satudata_text: Validator, unicode_safe: Validator, satudata_length: Validator,
) -> Schema:
    """Fields that are not given keep their value; ``modified``: the item's
    as the edit form was built from (a change since is refused)."""
    schema = daftar_data_create()
    for field in ("priority", "active", "submit_calendar_days"):
        schema[field] = [satudata_boolean]
    for field, validators in schema.items():
        if field != "__before":
            schema[field] = [ignore_missing] + _optional(validators, not_empty)
    schema["title"] = [ignore_missing, not_empty] + schema["title"][1:]
    schema["id"] = [not_empty, satudata_id, satudata_daftar_data_id]
    schema["modified"] = [ignore_missing, satudata_text, unicode_safe, satudata_length(40)]
    return schema


@validator_args
def daftar_data_ref(
    not_empty: Validator, satudata_id: Validator, satudata_clean_strings: Validator,
    satudata_daftar_data_id: Validator,
) -> Schema:
    return {"__before": [satudata_clean_strings],
            "id": [not_empty, satudata_id, satudata_daftar_data_id]}


@validator_args
def daftar_data_delete(
    ignore_missing: Validator, satudata_text: Validator, unicode_safe: Validator,
    satudata_length: Validator,
) -> Schema:
    """An item's deletion, with the ``modified`` time its page showed."""
    return {**daftar_data_ref(), "modified": [ignore_missing, satudata_text, unicode_safe,
                                              satudata_length(40)]}


@validator_args
def daftar_data_list(
    ignore_missing: Validator, unicode_safe: Validator,
    satudata_text: Validator, default: Validator,
    satudata_clean_strings: Validator, satudata_id: Validator, satudata_length: Validator,
    satudata_year_int: Validator, satudata_boolean: Validator, satudata_limit: Validator,
    satudata_offset: Validator, satudata_organization_id: Validator,
) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "year": [ignore_missing, satudata_year_int],
        "owner_org": [ignore_missing, satudata_id, satudata_organization_id],
        "active": [ignore_missing, satudata_boolean],
        "q": [ignore_missing, satudata_text, unicode_safe, satudata_length(SHORT_MAX)],
        "limit": [default(100), satudata_limit],
        "offset": [default(0), satudata_offset],
    }


@validator_args
def daftar_data_import(not_empty: Validator, default: Validator,
                       satudata_clean_strings: Validator, satudata_year_int: Validator,
                       satudata_boolean: Validator) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "upload": [not_empty],
        "year": [not_empty, satudata_year_int],
        "dry_run": [default(False), satudata_boolean],
    }


@validator_args
def round_create(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    satudata_text: Validator, strip_value: Validator, name_validator: Validator,
    satudata_clean_strings: Validator, satudata_length: Validator,
    satudata_year_int: Validator, satudata_date: Validator,
    satudata_working_days: Validator, satudata_step_days: Validator,
    satudata_deadline_days: Validator,
    satudata_boolean: Validator, satudata_round_chain: Validator,
    satudata_late_policy: Validator, default: Validator, satudata_visible: Validator,
    satudata_title: Validator, satudata_name_not_an_id: Validator,
    satudata_blank_clears: Validator,
) -> Schema:
    return {
        "approval_chain": [ignore_missing, satudata_round_chain],
        "report_chain": [ignore_missing, satudata_round_chain],
        "late_policy": [default("accept"), satudata_late_policy],
        "__before": [satudata_clean_strings],
        "name": [not_empty, name_validator, satudata_name_not_an_id],
        "title": [not_empty, satudata_text, unicode_safe,
                  strip_value, not_empty, satudata_visible, satudata_title,
                  satudata_length(ROUND_TITLE_MAX)],
        "year": [not_empty, satudata_year_int],
        "period": [ignore_missing, satudata_blank_clears, satudata_text, unicode_safe,
                   strip_value, satudata_length(SHORT_MAX)],
        "description": [ignore_missing, satudata_blank_clears, satudata_text, unicode_safe,
                        satudata_length(LONG_MAX)],
        "start_date": [not_empty, satudata_date],
        "prepare_days": [ignore_missing, satudata_working_days],
        "submit_days": [ignore_missing, satudata_step_days],
        "verify_days": [ignore_missing, satudata_step_days],
        "approval_days": [ignore_missing, satudata_step_days],
        "prepare_due": [ignore_missing, satudata_date],
        "submit_due": [ignore_missing, satudata_date],
        "verify_due": [ignore_missing, satudata_date],
        # verification waits until every request of the round is in
        "verify_when_complete": [default(False), satudata_boolean],
        # the stages after the collection (none when empty)
        "compile_days": [ignore_missing, satudata_deadline_days],
        "report_days": [ignore_missing, satudata_deadline_days],
    }


@validator_args
def round_update(
    not_empty: Validator, ignore_missing: Validator, ignore_empty: Validator,
    satudata_one_of: Validator, satudata_id: Validator, satudata_round_id: Validator,
    satudata_text: Validator, unicode_safe: Validator, satudata_length: Validator,
    ignore: Validator,
) -> Schema:
    """Fields that are not given keep their value (``name`` cannot change);
    ``modified``: the round's as the edit form was built from (a change
    since is refused). Other keys are left alone (a round sent back as
    ``satudata_round_show`` gave it, its ``name`` among them, answered 500)."""
    from ..lib import rounds

    schema = round_create()
    del schema["name"]
    schema["verify_when_complete"] = schema["verify_when_complete"][1:]
    for field, validators in schema.items():
        if field != "__before":
            schema[field] = [ignore_missing] + _optional(validators, not_empty)
    schema["title"] = [ignore_missing, not_empty] + schema["title"][1:]
    schema["late_policy"] = [ignore_missing, schema["late_policy"][-1]]
    schema["id"] = [not_empty, satudata_id, satudata_round_id]
    schema["state"] = [ignore_empty, satudata_one_of(["draft", "open", "closed"],
                                                     rounds.state_label)]
    schema["modified"] = [ignore_missing, satudata_text, unicode_safe, satudata_length(40)]
    schema["__extras"] = [ignore]
    schema["__junk"] = [ignore]  # an unknown key holding a list of objects ("events")
    return schema


@validator_args
def round_list(
    ignore_missing: Validator, default: Validator, satudata_one_of: Validator,
    satudata_clean_strings: Validator, satudata_year_int: Validator,
    satudata_limit: Validator, satudata_offset: Validator,
) -> Schema:
    from ..lib import rounds

    return {
        "__before": [satudata_clean_strings],
        "year": [ignore_missing, satudata_year_int],
        "state": [ignore_missing, satudata_one_of(["draft", "open", "closed"],
                                                  rounds.state_label)],
        "limit": [default(100), satudata_limit],
        "offset": [default(0), satudata_offset],
    }


#: the orders of satudata_request_list
REQUEST_SORTS = ["due_date", "-due_date", "modified", "-modified", "title", "organization"]


@validator_args
def request_list(
    ignore_missing: Validator, unicode_safe: Validator,
    satudata_text: Validator, default: Validator,
    satudata_one_of: Validator, satudata_clean_strings: Validator, satudata_id: Validator,
    satudata_length: Validator, satudata_boolean: Validator, satudata_limit: Validator,
    satudata_offset: Validator, satudata_organization_id: Validator,
    satudata_request_states: Validator, satudata_round_id: Validator,
) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "round_id": [ignore_missing, satudata_id, satudata_round_id],
        "owner_org": [ignore_missing, satudata_id, satudata_organization_id],
        "state": [ignore_missing, satudata_request_states],
        "overdue": [ignore_missing, satudata_boolean],
        "actionable": [ignore_missing, satudata_boolean],
        "q": [ignore_missing, satudata_text, unicode_safe, satudata_length(SHORT_MAX)],
        "sort": [default("due_date"), satudata_one_of(REQUEST_SORTS)],
        "limit": [default(50), satudata_limit],
        "offset": [default(0), satudata_offset],
    }


@validator_args
def request_show(not_empty: Validator, satudata_id: Validator,
                 satudata_clean_strings: Validator) -> Schema:
    return {"__before": [satudata_clean_strings], "id": [not_empty, satudata_id]}


@validator_args
def data_check_list(not_empty: Validator, ignore_missing: Validator, satudata_id: Validator,
                    satudata_clean_strings: Validator) -> Schema:
    return {"__before": [satudata_clean_strings], "id": [not_empty, satudata_id],
            "request_id": [ignore_missing, satudata_id]}


@validator_args
def request_remind(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    satudata_text: Validator, satudata_clean_strings: Validator, satudata_id: Validator,
    satudata_length: Validator, satudata_version: Validator,
) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "id": [not_empty, satudata_id],
        "note": [ignore_missing, satudata_text, unicode_safe, satudata_length(LONG_MAX)],
        "version": [ignore_missing, satudata_version],
    }


@validator_args
def request_transition(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    satudata_text: Validator,
    satudata_clean_strings: Validator, satudata_id: Validator, satudata_length: Validator,
    satudata_version: Validator, satudata_field_notes: Validator,
) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "id": [not_empty, satudata_id],
        "note": [ignore_missing, satudata_text, unicode_safe, satudata_length(LONG_MAX)],
        "field_notes": [ignore_missing, satudata_field_notes],
        "version": [ignore_missing, satudata_version],
    }


@validator_args
def forum_decide(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    satudata_one_of: Validator, satudata_text: Validator, satudata_clean_strings: Validator,
    satudata_length: Validator, satudata_date: Validator, satudata_request_ids: Validator,
    strip_value: Validator,
) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "ids": [not_empty, satudata_request_ids],
        "decision": [not_empty, satudata_one_of(["approve", "return"])],
        "decree_number": [not_empty, satudata_text, unicode_safe, strip_value, not_empty,
                          satudata_length(SHORT_MAX)],
        "meeting_date": [not_empty, satudata_date],
        "reason": [ignore_missing, satudata_text, unicode_safe, satudata_length(LONG_MAX)],
    }


@validator_args
def request_link_dataset(not_empty: Validator, satudata_id: Validator,
                         package_id_or_name_exists: Validator,
                         satudata_clean_strings: Validator) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "id": [not_empty, satudata_id],
        "package_id": [not_empty, satudata_id, package_id_or_name_exists],
    }


@validator_args
def dataset_ref(not_empty: Validator, satudata_id: Validator,
                satudata_clean_strings: Validator) -> Schema:
    """A dataset given by id or name (the metadata actions)."""
    return {"__before": [satudata_clean_strings], "id": [not_empty, satudata_id]}


# -- dissemination -------------------------------------------------------------

def publishing_transition() -> Schema:
    """The transition schema without per-field notes: the forms of publish,
    withdraw, archive, cancel have none."""
    schema = request_transition()
    del schema["field_notes"]
    return schema


@validator_args
def request_schedule(not_empty: Validator, ignore_missing: Validator,
                     satudata_clean_strings: Validator, satudata_release_date_time: Validator,
                     satudata_local_datetime: Validator) -> Schema:
    schema = publishing_transition()
    schema["__before"] = [satudata_clean_strings, satudata_release_date_time]
    schema["release_at"] = [not_empty, satudata_local_datetime]
    schema["release_date"] = [ignore_missing]
    schema["release_time"] = [ignore_missing]
    # the public reason of a postponement: as long as a note
    schema["reason"] = list(schema["note"])
    return schema


@validator_args
def release_run_due(
    ignore_missing: Validator, satudata_clean_strings: Validator,
    satudata_limit: Validator,
) -> Schema:
    return {"__before": [satudata_clean_strings],
            "limit": [ignore_missing, satudata_limit]}


@validator_args
def release_calendar(
    ignore_missing: Validator, satudata_clean_strings: Validator, satudata_id: Validator,
    satudata_limit: Validator, satudata_organization_id: Validator,
) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "limit": [ignore_missing, satudata_limit],
        "owner_org": [ignore_missing, satudata_id, satudata_organization_id],
    }


@validator_args
def round_ref(
    not_empty: Validator, satudata_clean_strings: Validator, satudata_id: Validator,
    satudata_round_id: Validator,
) -> Schema:
    return {"__before": [satudata_clean_strings],
            "round_id": [not_empty, satudata_id, satudata_round_id]}


@validator_args
def progress_dashboard(
    ignore_missing: Validator, satudata_clean_strings: Validator, satudata_id: Validator,
    satudata_round_id: Validator,
) -> Schema:
    return {"__before": [satudata_clean_strings],
            "round_id": [ignore_missing, satudata_id, satudata_round_id]}


@validator_args
def package_ref(
    not_empty: Validator, package_id_or_name_exists: Validator,
    satudata_clean_strings: Validator, satudata_id: Validator,
) -> Schema:
    return {"__before": [satudata_clean_strings],
            "id": [not_empty, satudata_id, package_id_or_name_exists]}


@validator_args
def recently_published(
    ignore_missing: Validator, satudata_clean_strings: Validator,
    satudata_limit: Validator,
) -> Schema:
    return {"__before": [satudata_clean_strings],
            "limit": [ignore_missing, satudata_limit]}


# -- public data requests (permohonan data) ------------------------------------------

@validator_args
def public_request_create(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    strip_value: Validator, satudata_text: Validator, satudata_clean_strings: Validator,
    satudata_id: Validator, satudata_length: Validator,
    satudata_organization_id: Validator, satudata_email: Validator,
    satudata_phone: Validator, satudata_visible: Validator, satudata_title: Validator,
    satudata_blank_clears: Validator,
) -> Schema:
    return {
        "__before": [satudata_clean_strings],
        "title": [not_empty, satudata_text, unicode_safe, strip_value, not_empty,
                  satudata_visible, satudata_title, satudata_length(TITLE_MAX)],
        "description": [not_empty, satudata_text, unicode_safe, strip_value, not_empty,
                        satudata_visible, satudata_length(LONG_MAX)],
        "purpose": [ignore_missing, satudata_blank_clears, satudata_text, unicode_safe,
                    strip_value, satudata_length(LONG_MAX)],
        "owner_org": [ignore_missing, satudata_id, satudata_organization_id],
        "email": [ignore_missing, satudata_text, unicode_safe, strip_value,
                  satudata_length(SHORT_MAX), satudata_email],
        "phone": [ignore_missing, satudata_text, unicode_safe, strip_value, satudata_phone],
    }


@validator_args
def public_request_ref(not_empty: Validator, satudata_clean_strings: Validator,
                       satudata_id: Validator) -> Schema:
    return {"__before": [satudata_clean_strings], "id": [not_empty, satudata_id]}


@validator_args
def public_request_step(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    satudata_text: Validator, satudata_length: Validator, satudata_version: Validator,
) -> Schema:
    schema = public_request_ref()
    schema["note"] = [ignore_missing, satudata_text, unicode_safe, satudata_length(LONG_MAX)]
    # the version the form was built from (optional): a decision made on a
    # page opened before another officer's is refused
    schema["version"] = [ignore_missing, satudata_version]
    return schema


@validator_args
def public_request_fulfil(not_empty: Validator, satudata_id: Validator,
                          satudata_dataset_id: Validator) -> Schema:
    schema = public_request_step()
    schema["package_id"] = [not_empty, satudata_id, satudata_dataset_id]
    return schema


@validator_args
def public_request_datasets(ignore_missing: Validator, default: Validator,
                            unicode_safe: Validator, satudata_text: Validator,
                            satudata_length: Validator, satudata_limit: Validator) -> Schema:
    """The datasets a request may be fulfilled with, found by a few letters."""
    schema = public_request_ref()
    schema["q"] = [ignore_missing, satudata_text, unicode_safe, satudata_length(SHORT_MAX)]
    schema["limit"] = [default(10), satudata_limit]
    return schema


@validator_args
def public_request_plan(
    not_empty: Validator, ignore_missing: Validator, satudata_id: Validator,
    satudata_organization_id: Validator, satudata_year_int: Validator,
    satudata_code_in: Validator,
) -> Schema:
    schema = public_request_step()
    schema["owner_org"] = [ignore_missing, satudata_id, satudata_organization_id]
    schema["year"] = [ignore_missing, satudata_year_int]
    schema["update_frequency"] = [ignore_missing, satudata_code_in("frequency")]
    return schema


#: at most this many codes in one satudata_reference_list answer
REFERENCE_LIMIT_MAX = 1000


@validator_args
def metadata_check(default: Validator, satudata_one_of: Validator) -> Schema:
    from ..lib.metadata import LEVELS

    result = dataset_ref()
    result["level"] = [default("submit"), satudata_one_of(list(LEVELS))]
    return result


@validator_args
def reference_list(not_empty: Validator, ignore_missing: Validator,
                   unicode_safe: Validator, satudata_one_of: Validator,
                   default: Validator, satudata_clean_strings: Validator,
                   satudata_id: Validator, satudata_length: Validator,
                   satudata_limit: Validator) -> Schema:
    from ..lib.reference import LIST_NAMES

    return {
        "__before": [satudata_clean_strings],
        "list": [not_empty, satudata_id, satudata_one_of(list(LIST_NAMES))],
        "q": [ignore_missing, unicode_safe, satudata_length(SHORT_MAX)],
        "parent": [ignore_missing, satudata_id],
        "level": [ignore_missing, satudata_id, satudata_one_of(["province", "regency"])],
        "limit": [default(REFERENCE_LIMIT_MAX), satudata_limit],
    }


@validator_args
def public_request_list(
    ignore_missing: Validator, satudata_clean_strings: Validator, satudata_limit: Validator,
    satudata_offset: Validator, satudata_boolean: Validator, satudata_one_of: Validator,
    satudata_text: Validator, unicode_safe: Validator, satudata_length: Validator,
    satudata_id: Validator, satudata_organization_id: Validator,
) -> Schema:
    from ..lib.states import PublicState, public_state_label

    return {
        "__before": [satudata_clean_strings],
        "q": [ignore_missing, satudata_text, unicode_safe, satudata_length(SHORT_MAX)],
        "owner_org": [ignore_missing, satudata_id, satudata_organization_id],
        "state": [ignore_missing, satudata_one_of([s.value for s in PublicState],
                                                  public_state_label)],
        "mine": [ignore_missing, satudata_boolean],
        "waiting": [ignore_missing, satudata_boolean],
        "limit": [ignore_missing, satudata_limit],
        "offset": [ignore_missing, satudata_offset],
    }


# -- letters and round documents -------------------------------------------------------

@validator_args
def letter_issue(not_empty: Validator, default: Validator, satudata_id: Validator,
                 satudata_one_of: Validator, satudata_clean_strings: Validator) -> Schema:
    return {"__before": [satudata_clean_strings],
            "id": [not_empty, satudata_id],
            "kind": [default("berita_acara"), satudata_one_of(["berita_acara"])]}


@validator_args
def round_document_create(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    satudata_text: Validator, satudata_clean_strings: Validator, satudata_id: Validator,
    satudata_length: Validator,
) -> Schema:
    return {"__before": [satudata_clean_strings],
            "id": [not_empty, satudata_id],
            "title": [ignore_missing, satudata_text, unicode_safe, satudata_length(SHORT_MAX)]}


# -- a round's stages and report ---------------------------------------------------------

@validator_args
def round_report_ref(not_empty: Validator, satudata_id: Validator,
                     satudata_clean_strings: Validator, satudata_round_id: Validator) -> Schema:
    """A round, by id or name (its id after validation)."""
    return {"__before": [satudata_clean_strings],
            "id": [not_empty, satudata_id, satudata_round_id]}


@validator_args
def round_advance(not_empty: Validator, satudata_one_of: Validator) -> Schema:
    """A round, and the stage the caller saw it in (required: two clicks, or
    a script's two calls, moved a round through a whole stage)."""
    from ..lib import rounds
    from ..model import ROUND_STAGES

    schema = round_report_ref()
    schema["stage"] = [not_empty, satudata_one_of(list(ROUND_STAGES), rounds.stage_label)]
    return schema


@validator_args
def round_report_update(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    satudata_text: Validator, satudata_length: Validator, satudata_version: Validator,
    strip_value: Validator, satudata_visible: Validator,
) -> Schema:
    schema = round_report_ref()
    # blank text is no report (spaces, invisible characters)
    schema["body"] = [not_empty, satudata_text, unicode_safe, strip_value, satudata_visible,
                      satudata_length(REPORT_MAX)]
    schema["version"] = [ignore_missing, satudata_version]
    return schema


@validator_args
def round_report_step(
    ignore_missing: Validator, unicode_safe: Validator, satudata_text: Validator,
    satudata_length: Validator, satudata_version: Validator,
) -> Schema:
    schema = round_report_ref()
    schema["note"] = [ignore_missing, satudata_text, unicode_safe, satudata_length(LONG_MAX)]
    schema["version"] = [ignore_missing, satudata_version]
    return schema


@validator_args
def round_report_submit(ignore_missing: Validator) -> Schema:
    """A submission of the report, with the text it goes with (optional;
    given, it is checked as an edit's)."""
    schema = round_report_step()
    schema["body"] = [ignore_missing] + round_report_update()["body"]
    return schema


#: the site's texts a sysadmin sets on /ckan-admin/config, and their longest
SITE_TEXTS = {"ckan.site_title": 100, "ckan.site_description": 1000,
              "ckan.site_about": 20000, "ckan.site_intro_text": 20000,
              "satudata.site_intro_text_en": 20000, "satudata.site_about_en": 20000,
              "ckan.site_custom_css": 50000}


def site_settings(schema: Schema) -> Schema:
    """CKAN's schema of the settings a sysadmin changes at run time (the
    form of /ckan-admin/config, ``config_option_update``), its texts as
    text: a title sent twice was stored as a list ("[1, 2]", in every
    e-mail's subject), one of thousands of characters broke the e-mails
    (a line too long for SMTP); the title is one line; the logo a web
    address or an uploaded file (``satudata_uploaded_logo``). The English
    readers' introduction and about text (``satudata.site_intro_text_en``,
    ``satudata.site_about_en``) are set there too: the texts edited there
    changed the Indonesian pages alone (the English about page read the
    Indonesian text), and only ``ckan.ini`` changed the English ones."""
    from ckan.plugins.toolkit import get_validator

    text, length = get_validator("satudata_text"), get_validator("satudata_length")
    for key, longest in SITE_TEXTS.items():
        validators = list(schema.get(key) or [get_validator("ignore_missing"),
                                              get_validator("unicode_safe")])
        checks = [text, length(longest)] + (
            [get_validator("satudata_title")] if key == "ckan.site_title" else
            [get_validator("satudata_style_sheet")] if key == "ckan.site_custom_css" else [])
        # a title emptied left "Beranda -" and "Undangan ke " in the e-mails
        # (given, it is not blank; CKAN's first validator stops on an empty one)
        first = [get_validator("satudata_not_blank")] if key == "ckan.site_title" else []
        schema[key] = first + validators[:1] + checks + validators[1:]  # after ignore_missing
    schema["ckan.site_logo"] = list(schema.get("ckan.site_logo") or []) + [
        get_validator("satudata_uploaded_logo")]
    return schema

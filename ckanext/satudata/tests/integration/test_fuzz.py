# -*- coding: utf-8 -*-
"""Fuzz: every satudata action and every satudata route, fed bad values.

The actions are enumerated from the satudata plugin's registered actions
(every ``satudata_*`` name, so a new action is covered without touching this
file) and their parameters from their Sphinx docstrings (``:param x:``); the
routes from the Flask URL map of the extension's blueprints. Each action is
called over the HTTP API (``POST /api/3/action/<name>`` with a JSON body and
an API token, the whole stack) with one parameter at a time replaced by each
value of :data:`BAD_VALUES`, the others valid; uploads are also sent as a
malformed XLSX file in a multipart body. Each route is requested by the
anonymous public, a producer and a walidata administrator with bad path
arguments, bad query arguments and bad form fields.

The invariants, checked after every call:

* no answer is a 500 (the API answers 200, 400, 403, 404 or 409);
* nothing is logged at ERROR level (no traceback);
* a refused call stores nothing: the row counts of every ``satudata_*``
  table and of ``package`` are those from before the call.
"""
from __future__ import annotations

import io
import json
import logging
import re
import time
from typing import Any, Iterator

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.satudata import views

from ..factories import build_region

pytestmark = pytest.mark.slow

BAD_VALUES: list[tuple[str, Any]] = [
    ("int", 5),
    ("list", ["a", 1]),
    ("dict", {"a": [1]}),
    ("none", None),
    ("bool", True),
    ("empty", ""),
    ("blank", " "),
    ("nul", "ab\x00cd"),
    ("surrogate", "x\ud800y"),
    ("1MB", "x" * 1_000_000),
    ("date-min", "0001-01-01 00:00"),
    ("date-max", "9999-12-01"),
    ("huge", 10**20),
    ("negative", -1),
    ("unknown-id", "tidak-ada-00000000"),
    ("javascript", "javascript:alert(1)"),
    ("formula", "=HYPERLINK(\"http://x\")"),
]

#: actions not fuzzed, with the reason
SKIP_ACTIONS: dict[str, str] = {}

#: not a real workbook, but starts like one (a ZIP)
MALFORMED_XLSX = b"PK\x03\x04" + b"\x00garbage" * 100

#: values for path arguments of the routes
BAD_PATH_VALUES = ["tidak-ada", "%00", "%ED%A0%80", "x" * 3000, "99999999999999999999"]
#: query arguments the satudata pages read
QUERY_ARGS = ["state", "round_id", "owner_org", "sort", "page", "year", "q", "mine",
              "overdue", "limit", "offset"]
BAD_QUERY_VALUES = ["bogus", "\x00", "99999999999999999999", "-1", "x" * 5000]
#: form fields the satudata forms post
FORM_FIELDS = ["note", "version", "field_note-title", "package_id", "title", "owner_org",
               "year", "sk_url", "sk_date", "sk_number", "name", "start_date",
               "submit_days", "prepare_days", "user", "role", "remove", "release_date",
               "release_time", "state"]
BAD_FORM_VALUES = ["abc", "\x00", "x" * 100_000, "99999999999999999999", "9999-12-01"]

#: the API answers a refused call with one of these
API_STATUSES = {200, 400, 403, 404, 409}


def satudata_actions() -> dict[str, Any]:
    actions = plugins.get_plugin("satudata").get_actions()
    return {name: fn for name, fn in sorted(actions.items())
            if name.startswith("satudata_") and name not in SKIP_ACTIONS}


def params_of(fn: Any) -> list[str]:
    """The parameters an action documents (``:param name:``)."""
    names = re.findall(r":param (\w+):", fn.__doc__ or "")
    return list(dict.fromkeys(names)) or ["id"]


def satudata_rules(flask_app: Any) -> list[Any]:
    names = {getattr(views, n).name for n in views.__all__}
    return sorted((r for r in flask_app.url_map.iter_rules()
                   if r.endpoint.split(".")[0] in names),
                  key=lambda r: (r.rule, sorted(r.methods or [])))


def row_counts() -> tuple[int, ...]:
    """The rows of every satudata_* table and of package, in one query."""
    tables = sorted(t for t in sa.inspect(model.Session.get_bind()).get_table_names()
                    if t.startswith("satudata_")) + ["package"]
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    counts = tuple(model.Session.execute(sa.text(sql)).one())
    model.Session.commit()
    return counts


class World:
    """The ids a valid call would use, and a token per kind of user."""

    def __init__(self) -> None:
        region = build_region()
        self.region = region
        site = {"user": region.users["sysadmin"]["name"]}
        request = region.request_of(region.opd_a)
        item = tk.get_action("satudata_daftar_data_list")(dict(site), {})["results"][0]
        dataset = tk.get_action("package_show")(dict(site), {"id": request["package_id"]})
        resource = factories.Resource(package_id=dataset["id"], url="https://example.org/a.csv")
        self.valid: dict[str, Any] = {
            "round_id": region.round["id"], "owner_org": region.opd_a["id"],
            "package_id": dataset["id"], "year": 2026, "user": "kabid", "role": "kabid",
            "list": "wilayah", "level": "submit", "state": "requested",
            "title": "Data uji", "name": "putaran-uji", "start_date": "2026-02-02",
            "note": "catatan", "limit": 5, "offset": 0, "release_at": "2026-03-01 09:00",
        }
        self.ids = {"request": request["id"], "round": region.round["id"],
                    "daftar_data": item["id"], "dataset": dataset["id"],
                    "resource": resource["id"]}
        self.tokens = {
            "walidata_admin": factories.APIToken(user="admin-walidata")["token"],
            "producer": factories.APIToken(user="produsen-a")["token"],
            "sysadmin": factories.APIToken(user=region.users["sysadmin"]["name"])["token"],
        }

    def id_for(self, action: str) -> str:
        for family in ("daftar_data", "round", "request"):
            if f"_{family}_" in action:
                return self.ids[family]
        return self.ids["dataset"]

    def baseline(self, action: str, params: list[str]) -> dict[str, Any]:
        data = {p: self.valid[p] for p in params if p in self.valid}
        if "id" in params:
            data["id"] = self.id_for(action)
        return data


@pytest.fixture
def world(clean_db, clean_index) -> World:
    return World()


def _errors(caplog: Any) -> list[str]:
    return [f"{r.name}: {r.getMessage()[:200]}" for r in caplog.records
            if r.levelno >= logging.ERROR]


def action_calls(world: World) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """``(who, action, label, data)`` for every action x parameter x value."""
    for name, fn in satudata_actions().items():
        params = params_of(fn)
        base = world.baseline(name, params)
        for param in params:
            for label, value in BAD_VALUES:
                yield "sysadmin", name, f"{param}={label}", {**base, param: value}
        # the auth path of a producer, with the ids wrong
        for label, value in BAD_VALUES[:5] + [("unknown-id", "tidak-ada")]:
            yield "producer", name, f"id={label}", {**base, "id": value}


def test_no_action_answers_500(app, world, caplog):
    caplog.set_level(logging.ERROR)
    failures: list[str] = []
    calls = 0
    started = time.monotonic()
    # the counts after a call are the counts before the next one
    counts = row_counts()
    for who, name, label, data in action_calls(world):
        before = counts
        resp = app.post(f"/api/3/action/{name}", data=json.dumps(data),
                        content_type="application/json",
                        headers={"Authorization": world.tokens[who]})
        calls += 1
        counts = row_counts()
        where = f"{name} {label} as {who}"
        if resp.status_code not in API_STATUSES:
            failures.append(f"{where}: HTTP {resp.status_code}")
        elif resp.status_code != 200 and counts != before:
            failures.append(f"{where}: refused ({resp.status_code}) but stored rows")
        for error in _errors(caplog):
            failures.append(f"{where}: logged {error}")
        caplog.clear()
    # uploads: a malformed workbook as a multipart file
    for name, fn in satudata_actions().items():
        for param in [p for p in params_of(fn) if "upload" in p]:
            base = {k: str(v) for k, v in world.baseline(name, params_of(fn)).items()}
            before = row_counts()
            resp = app.post(f"/api/3/action/{name}",
                            data={**base, param: (io.BytesIO(MALFORMED_XLSX), "x.xlsx")},
                            headers={"Authorization": world.tokens["sysadmin"]})
            calls += 1
            if resp.status_code not in API_STATUSES or (
                    resp.status_code != 200 and row_counts() != before):
                failures.append(f"{name} {param}=malformed-xlsx: HTTP {resp.status_code}")
            failures.extend(f"{name} {param}=malformed-xlsx: logged {e}"
                            for e in _errors(caplog))
            caplog.clear()
    print(f"{calls} action calls in {time.monotonic() - started:.1f}s")
    assert calls > 500
    assert not failures, f"{len(failures)} of {calls} calls failed:\n" + "\n".join(
        failures[:80])


def _route_urls(rule: Any, world: World) -> Iterator[tuple[str, str]]:
    """``(label, url)``: the rule with valid arguments, then each argument
    replaced by each bad value."""
    valid = {"id": world.ids["request"], "round_id": world.region.round["name"],
             "item_id": world.ids["daftar_data"], "transition": "submit",
             "resource_id": world.ids["resource"], "activity_id": "tidak-ada",
             "filename": "a.csv"}
    if rule.rule.startswith("/dataset/"):
        valid["id"] = world.ids["dataset"]
    if "diseminasi" in rule.rule:
        valid["transition"] = "publish"
    args = {a: valid.get(a, "x") for a in rule.arguments}

    def url(values: dict[str, str]) -> str:
        path = rule.rule
        for key, value in values.items():
            path = re.sub(rf"<(?:\w+:)?{key}>", value, path)
        return path

    yield "valid", url(args)
    for arg in rule.arguments:
        for value in BAD_PATH_VALUES:
            yield f"{arg}={value[:12]}", url({**args, arg: value})


def test_no_route_answers_500(app, world, caplog):
    caplog.set_level(logging.ERROR)
    rules = satudata_rules(app.flask_app)
    assert len(rules) > 15
    users = {"anonymous": None, "producer": world.tokens["producer"],
             "sysadmin": world.tokens["sysadmin"],  # CKAN skips auth functions for them
             "walidata_admin": world.tokens["walidata_admin"]}
    failures: list[str] = []
    requests_made = 0
    started = time.monotonic()

    def check(where: str, resp: Any, before: tuple[int, ...]) -> None:
        if resp.status_code >= 500:
            # what the page said, to find a rare one again (seen once, never since)
            said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))
            failures.append(f"{where}: HTTP {resp.status_code}: {said.strip()[:300]}")
        elif resp.status_code >= 400 and row_counts() != before:
            failures.append(f"{where}: refused ({resp.status_code}) but stored rows")
        failures.extend(f"{where}: logged {e}" for e in _errors(caplog))
        caplog.clear()

    for rule in rules:
        methods = sorted((rule.methods or set()) & {"GET", "POST"})
        for who, token in users.items():
            headers = {"Authorization": token} if token else {}
            for label, url in _route_urls(rule, world):
                for method in methods:
                    before = row_counts()
                    resp = app.get(url, headers=headers, follow_redirects=False) \
                        if method == "GET" else \
                        app.post(url, headers=headers, data={}, follow_redirects=False)
                    requests_made += 1
                    check(f"{method} {rule.rule} [{label}] as {who}", resp, before)
            valid_url = next(_route_urls(rule, world))[1]
            if "GET" in methods:
                # bad query arguments, one at a time (all at once for the public)
                for value in BAD_QUERY_VALUES:
                    names = QUERY_ARGS if who == "walidata_admin" else ["__all__"]
                    for name in names:
                        query = ({n: value for n in QUERY_ARGS} if name == "__all__"
                                 else {name: value})
                        before = row_counts()
                        resp = app.get(valid_url, headers=headers, query_string=query,
                                       follow_redirects=False)
                        requests_made += 1
                        check(f"GET {rule.rule}?{name}={value[:12]} as {who}", resp, before)
            if "POST" in methods and token:
                for value in BAD_FORM_VALUES:
                    form: dict[str, Any] = {n: value for n in FORM_FIELDS}
                    form["upload"] = (io.BytesIO(MALFORMED_XLSX), "x.xlsx")
                    form["sk_upload"] = (io.BytesIO(MALFORMED_XLSX), "x.pdf")
                    before = row_counts()
                    resp = app.post(valid_url, headers=headers, data=form,
                                    follow_redirects=False)
                    requests_made += 1
                    check(f"POST {rule.rule} form={value[:12]!r} as {who}", resp, before)
    print(f"{requests_made} route requests in {time.monotonic() - started:.1f}s")
    assert not failures, f"{len(failures)} of {requests_made} requests failed:\n" + \
        "\n".join(failures[:80])


#: values of the wrong type for an argument of a CKAN core action
WRONG_TYPES: list[tuple[str, Any]] = [
    ("int", 5), ("list", ["a", 1]), ("dict", {"a": [1]}), ("none", None), ("bool", True),
    ("huge", 10**20), ("float", 1.5), ("word", "maybe"), ("empty", ""), ("long", "x" * 5000)]


def core_calls(world: World) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """CKAN's own actions (and its bundled plugins') a client calls with a
    JSON body: a valid body, and the arguments to replace one at a time."""
    dataset, resource = world.ids["dataset"], world.ids["resource"]
    org = world.valid["owner_org"]
    return {
        "package_create": ({"name": "fuzz-inti", "owner_org": org},
                           ["name", "title", "owner_org", "private", "id", "type", "url",
                            "resources", "tags", "extras", "groups", "notes"]),
        "package_patch": ({"id": dataset},
                          ["id", "notes", "private", "state", "owner_org", "resources", "tags"]),
        "resource_create": ({"package_id": dataset, "url": "https://example.org/b.csv"},
                            ["package_id", "url", "name", "format", "size", "description"]),
        "resource_patch": ({"id": resource}, ["id", "url", "format", "size", "name"]),
        "organization_create": ({"name": "fuzz-opd", "title": "OPD Fuzz"},
                                ["name", "title", "description", "state", "type", "users",
                                 "extras"]),
        "organization_member_create": ({"id": org, "username": "produsen-b", "role": "member"},
                                       ["id", "username", "role"]),
        "user_create": ({"name": "fuzz-warga", "email": "fuzz@example.org",
                         "password": "kata-sandi-uji"},
                        ["name", "email", "password", "about", "sysadmin", "fullname"]),
        "user_update": ({"id": "produsen-b", "email": "produsen-b@example.org"},
                        ["id", "email", "about", "password", "fullname"]),
        "api_token_create": ({"user": "produsen-b", "name": "uji"}, ["user", "name"]),
        "package_collaborator_create": ({"id": dataset, "user_id": "produsen-b",
                                         "capacity": "member"}, ["id", "user_id", "capacity"]),
        "package_search": ({}, ["q", "fq", "fq_list", "rows", "start", "sort", "fl",
                                "include_private", "include_drafts", "facet.field"]),
        "package_list": ({}, ["limit", "offset"]),
        "organization_list": ({}, ["all_fields", "limit", "offset", "sort"]),
        "organization_show": ({"id": org}, ["id", "include_datasets", "include_users"]),
        "organization_autocomplete": ({"q": "din"}, ["q", "limit"]),
        "user_list": ({}, ["all_fields", "q", "limit", "offset", "order_by"]),
        "datastore_search": ({"resource_id": resource},
                             ["resource_id", "limit", "offset", "distinct", "plain",
                              "include_total", "filters", "fields"]),
        "datastore_search_sql": ({"sql": "SELECT 1"}, ["sql"]),
        "dcat_catalog_search": ({}, ["q", "format", "profiles", "page"]),
    }


def test_no_core_action_answers_500(app, world, caplog):
    """CKAN's actions use their arguments as text, booleans, numbers or
    lists without checking their type: 300 such calls answered a 500
    when the running portal was probed (views/guard.py now refuses them)."""
    caplog.set_level(logging.ERROR)
    failures: list[str] = []
    calls = 0
    for name, (base, params) in core_calls(world).items():
        for param in params:
            for label, value in WRONG_TYPES:
                data = {**base, param: value}
                if name == "package_create" and param != "name":
                    data["name"] = f"fuzz-inti-{calls}"
                resp = app.post(f"/api/3/action/{name}", data=json.dumps(data),
                                content_type="application/json",
                                headers={"Authorization": world.tokens["sysadmin"]})
                calls += 1
                if resp.status_code not in API_STATUSES:
                    failures.append(f"{name} {param}={label}: HTTP {resp.status_code}")
                failures.extend(f"{name} {param}={label}: logged {e}" for e in _errors(caplog))
                caplog.clear()
    assert calls > 900
    assert not failures, f"{len(failures)} of {calls} calls:\n" + "\n".join(failures[:40])

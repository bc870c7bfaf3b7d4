# -*- coding: utf-8 -*-
"""One CKAN site of the A/B benchmark (bench/bench_ab.py), from its ini file.

- ``BENCH_INI=… gunicorn ab_site:application`` serves it; every response
  carries ``X-Bench-SQL``: the SQL statements the request ran.
- ``python ab_site.py seed INI FLAVOR N OUT.json`` fills an empty, migrated
  database with a sysadmin, an organization and N datasets: one created
  with ``package_create`` (for satudata, every field of its schema and the
  publication record the workflow writes), the others copied from it in
  SQL, with titles drawn from a word list so that a text query finds a
  tenth of them. It writes what the benchmark needs to OUT.json (the
  sysadmin's API token, the organization, a dataset dictionary to create).
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any

WORDS = ["kesehatan", "pendidikan", "penduduk", "pertanian", "perikanan",
         "jalan", "air", "pariwisata", "industri", "energi"]


def _load(ini: str):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    return make_app(load_config(ini))


def _sql_counter():
    """Count the statements of every engine (CKAN's is made after import)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import Engine
    state: dict[str, Any] = {"n": 0, "log": None}

    @sa.event.listens_for(Engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        state["n"] += 1
        if state["log"] is not None:
            state["log"].append(statement)
    return state


def wsgi_app():
    counted = _sql_counter()
    app = _load(os.environ["BENCH_INI"])

    def application(environ, start_response):
        counted["n"] = 0

        def start(status, headers, exc_info=None):
            headers = list(headers) + [("X-Bench-SQL", str(counted["n"]))]
            return start_response(status, headers, exc_info)
        return app(environ, start)
    return application


# -- seeding -------------------------------------------------------------------------

def dataset_dict(flavor: str, name: str, org: str) -> dict[str, Any]:
    """What a producer enters: the same core fields on both sites, and on the
    satudata site every field of its schema (as the test factories fill it)."""
    data: dict[str, Any] = {
        "name": name, "title": "Jumlah tenaga kesehatan menurut jenis",
        "notes": "Jumlah tenaga kesehatan di puskesmas dan rumah sakit menurut jenis "
                 "tenaga dan kecamatan, hasil pendataan dinas kesehatan.",
        "owner_org": org, "license_id": "cc-by", "private": False,
        "tags": [{"name": "kesehatan"}, {"name": "tenaga kesehatan"}],
        "resources": [{"name": "Tabel data", "format": "CSV",
                       "url": "https://data.example.org/tabel.csv"}],
    }
    if flavor == "b":
        from ckanext.satudata.lib import metadata
        from ckanext.satudata.tests.factories import field_value
        for field in metadata.dataset_schema("dataset")["dataset_fields"]:
            if field["field_name"] not in data and field["field_name"] not in (
                    "tag_string", "resources"):
                data[field["field_name"]] = field_value(field)
        data.update(bps_activity_code="3201.001", producer_contact_phone="0274 123456",
                    walidata_contact_phone="0274 654321")
    return data


def _clone(n: int, template_id: str, flavor: str) -> None:
    """Copy the template dataset n times (package, extras, tags, resources
    and, for satudata, its publication record) in a few statements."""
    import sqlalchemy as sa
    import ckan.model as model
    s = model.Session

    def cols(table: str) -> list[str]:
        return [r[0] for r in s.execute(sa.text(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = :t AND table_schema = 'public' ORDER BY ordinal_position"),
            {"t": table})]

    s.execute(sa.text(
        "CREATE TEMP TABLE bench_map AS SELECT i, gen_random_uuid()::text AS id "
        "FROM generate_series(1, :n) AS i"), {"n": n})
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    override = {
        "package": {"id": "m.id", "name": "t.name || '-' || m.i",
                    "title": f"t.title || ' ' || ({words})[1 + m.i % 10] || ' ' || m.i"},
        "package_extra": {"id": "gen_random_uuid()::text", "package_id": "m.id"},
        "package_tag": {"id": "gen_random_uuid()::text", "package_id": "m.id"},
        "resource": {"id": "gen_random_uuid()::text", "package_id": "m.id"},
        "satudata_dissemination": {"package_id": "m.id"},
    }
    for table, over in override.items():
        if flavor == "a" and table.startswith("satudata_"):
            continue
        names = cols(table)
        key = "id" if table == "package" else "package_id"
        select = ", ".join(over.get(c, f"t.{c}") for c in names)
        s.execute(sa.text(
            f'INSERT INTO "{table}" ({", ".join(names)}) SELECT {select} '
            f'FROM "{table}" t CROSS JOIN bench_map m WHERE t.{key} = :tid'),
            {"tid": template_id})
    s.execute(sa.text("DROP TABLE bench_map"))
    s.commit()


def seed(ini: str, flavor: str, n: int, out: str) -> None:
    import sqlalchemy as sa
    import ckan.model as model
    import ckan.plugins as plugins
    import ckan.plugins.toolkit as tk
    app = _load(ini)
    with app._wsgi_app.test_request_context():
        site = {"ignore_auth": True, "user": tk.get_action("get_site_user")(
            {"ignore_auth": True}, {})["name"]}
        admin = tk.get_action("user_create")(dict(site), {
            "name": "bench-admin", "email": "bench@example.org",
            "password": "bench-admin-123"})
        user = model.User.get(admin["id"])
        user.sysadmin = True
        model.repo.commit()
        ctx = {"user": "bench-admin"}
        token = tk.get_action("api_token_create")(dict(ctx), {
            "user": "bench-admin", "name": "bench"})["token"]
        org_data = {"name": "opd-bench", "title": "Dinas Kesehatan"}
        if flavor == "b":
            org_data.update(short_name="Dinkes", opd_code="1.02.01")
        org = tk.get_action("organization_create")(dict(ctx), org_data)
        template = tk.get_action("package_create")(
            dict(ctx), dataset_dict(flavor, "dataset-bench", org["name"]))
        if flavor == "b":
            from ckanext.satudata.model import Dissemination
            now = model.Session.execute(sa.text("SELECT now() at time zone 'utc'")).scalar()
            model.Session.add(Dissemination(
                package_id=template["id"], owner_org=org["id"], status="published",
                first_published_at=now, published_at=now, modified=now))
            model.Session.commit()
        _clone(n - 1, template["id"], flavor)
        # the facets of the /dataset/ page: CKAN's five, then the plugins'
        facets: dict[str, Any] = dict.fromkeys(
            ["organization", "groups", "tags", "res_format", "license_id"])
        for plugin in plugins.PluginImplementations(plugins.IFacets):
            facets = plugin.dataset_facets(facets, "dataset")
    with open(out, "w") as f:
        json.dump({"token": token, "org": org["name"], "facets": list(facets),
                   "create": dataset_dict(flavor, "", org["name"])}, f)


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
else:
    if os.environ.get("BENCH_INI"):
        application = wsgi_app()

# -*- coding: utf-8 -*-
"""Demo data for a local portal: the walidata, three OPDs, a user for each
role and one published dataset. Idempotent: run it again and it only fills
what is missing."""
from __future__ import annotations

from typing import Any, Iterator

import ckan.model as model
import ckan.plugins.toolkit as tk

WALIDATA = {
    "name": "diskominfo",
    "title": "Dinas Komunikasi dan Informatika (Walidata)",
    "description": "Walidata Satu Data daerah.",
}
OPDS = [
    {"name": "dinas-kesehatan", "title": "Dinas Kesehatan",
     "description": "Produsen data bidang kesehatan."},
    {"name": "dinas-pendidikan", "title": "Dinas Pendidikan dan Kebudayaan",
     "description": "Produsen data bidang pendidikan."},
    {"name": "bappeda", "title": "Badan Perencanaan Pembangunan Daerah",
     "description": "Produsen data perencanaan pembangunan."},
]
# user name, full name, (organization, capacity) or None, walidata roles
USERS: list[tuple[str, str, tuple[str, str] | None, list[str]]] = [
    ("verifikator", "Verifikator Walidata", ("diskominfo", "editor"), ["verifikator"]),
    ("kabid", "Kepala Bidang Statistik", ("diskominfo", "editor"), ["kabid"]),
    ("kadis", "Kepala Dinas Kominfo", ("diskominfo", "admin"), ["kadis"]),
    ("produsen-dinkes", "Operator Data Dinas Kesehatan", ("dinas-kesehatan", "editor"), []),
    ("produsen-dindik", "Operator Data Dinas Pendidikan", ("dinas-pendidikan", "editor"), []),
    ("produsen-bappeda", "Operator Data Bappeda", ("bappeda", "editor"), []),
    ("warga", "Warga (pengguna publik)", None, []),
]
SYSADMIN = "admin"

DEMO_DATASET: dict[str, Any] = {
    "name": "jumlah-tenaga-kesehatan-2025",
    "title": "Jumlah Tenaga Kesehatan Menurut Jenis 2025",
    "notes": "Jumlah tenaga kesehatan di fasilitas pelayanan kesehatan menurut jenis tenaga.",
    "owner_org": "dinas-kesehatan",
    "private": False,
    "license_id": "cc-by",
    "tags": [{"name": "kesehatan"}, {"name": "tenaga kesehatan"}],
}


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _ensure_user(name: str, fullname: str, password: str, sysadmin: bool = False) -> None:
    user = model.User.get(name)
    if user is None:
        tk.get_action("user_create")(_site_context(), {
            "name": name, "fullname": fullname, "password": password,
            "email": f"{name}@satudata.example",
        })
        user = model.User.get(name)
    assert user
    if sysadmin and not user.sysadmin:
        user.sysadmin = True
        model.Session.commit()


def _ensure_org(org: dict[str, Any]) -> None:
    if model.Group.get(org["name"]) is None:
        tk.get_action("organization_create")(_site_context(), dict(org))


def load(password: str) -> Iterator[str]:
    _ensure_user(SYSADMIN, "Administrator Portal", password, sysadmin=True)
    for org in [WALIDATA, *OPDS]:
        _ensure_org(org)
    for name, fullname, membership, walidata_roles in USERS:
        _ensure_user(name, fullname, password)
        if membership:
            org, capacity = membership
            tk.get_action("organization_member_create")(_site_context(), {
                "id": org, "username": name, "role": capacity,
            })
        for role in walidata_roles:
            tk.get_action("satudata_role_create")(
                _site_context(), {"user": name, "role": role})
    if model.Package.get(DEMO_DATASET["name"]) is None:
        tk.get_action("package_create")(_site_context(), dict(DEMO_DATASET))

    yield "Demo data ready. Users (password for all: %s):" % password
    yield f"  {SYSADMIN:<18} sysadmin"
    for name, fullname, membership, walidata_roles in USERS:
        where = f"{membership[1]} of {membership[0]}" if membership else "no organization"
        roles = f", walidata role {', '.join(walidata_roles)}" if walidata_roles else ""
        yield f"  {name:<18} {fullname} ({where}{roles})"

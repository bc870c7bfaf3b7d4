# -*- coding: utf-8 -*-
"""Demo data for a local portal: the walidata, three OPDs, a user for each
role, then (:mod:`.demo_workflow`) a collection round whose datasets go
through the real workflow: nothing is made public except by publishing.
Idempotent: run it again and it only fills what is missing."""
from __future__ import annotations

from typing import Any, Iterator

import ckan.model as model
import ckan.plugins.toolkit as tk

WALIDATA = {
    "name": "diskominfo",
    "title": "Dinas Komunikasi dan Informatika (Walidata)",
    "description": "Walidata Satu Data daerah.",
    "short_name": "Diskominfo", "government_affairs": ["2.16", "2.20", "2.21"],
    "email": "satudata@diskominfo.example.go.id",
}
OPDS = [
    {"name": "dinas-kesehatan", "title": "Dinas Kesehatan",
     "description": "Produsen data bidang kesehatan.",
     "short_name": "Dinkes", "government_affairs": ["1.02"]},
    {"name": "dinas-pendidikan", "title": "Dinas Pendidikan dan Kebudayaan",
     "description": "Produsen data bidang pendidikan.",
     "short_name": "Disdikbud", "government_affairs": ["1.01", "2.22"]},
    {"name": "bappeda", "title": "Badan Perencanaan Pembangunan Daerah",
     "description": "Produsen data perencanaan pembangunan.",
     "short_name": "Bappeda", "government_affairs": ["5.01", "5.05"]},
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

# The complete metadata the demo producers give their request datasets.
DEMO_DATASET: dict[str, Any] = {
    "name": "jumlah-tenaga-kesehatan-2025",
    "title": "Jumlah Tenaga Kesehatan Menurut Jenis 2025",
    "notes": "Jumlah tenaga kesehatan di fasilitas pelayanan kesehatan menurut jenis tenaga.",
    "owner_org": "dinas-kesehatan",
    "license_id": "cc-by",
    "tags": [{"name": "kesehatan"}, {"name": "tenaga kesehatan"}],
    # the metadata of the satudata dataset schema (all submit-level fields)
    "concept": "Tenaga kesehatan adalah setiap orang yang mengabdikan diri dalam bidang "
               "kesehatan serta memiliki pengetahuan dan/atau keterampilan melalui "
               "pendidikan di bidang kesehatan.",
    "definition": "Jumlah tenaga kesehatan yang bekerja di fasilitas pelayanan kesehatan "
                  "pada akhir tahun.",
    "classification": "Jenis tenaga kesehatan menurut UU 36/2014 tentang Tenaga Kesehatan",
    "measure": "Jumlah",
    "unit": "Orang",
    "indicator_name": "Rasio tenaga kesehatan per 100.000 penduduk",
    "indicator_definition": "Jumlah tenaga kesehatan per 100.000 penduduk.",
    "indicator_interpretation": "Semakin tinggi rasio, semakin baik ketersediaan tenaga "
                                "kesehatan.",
    "calculation_method": "(jumlah tenaga kesehatan / jumlah penduduk) x 100.000",
    "presentation_level": "district",
    "disaggregation": "Jenis tenaga kesehatan, kecamatan",
    "variables": [
        {"name": "kecamatan", "definition": "Nama kecamatan", "data_type": "category"},
        {"name": "jenis_tenaga", "definition": "Jenis tenaga kesehatan",
         "data_type": "category"},
        {"name": "jumlah", "definition": "Jumlah tenaga kesehatan", "data_type": "integer",
         "unit": "orang"},
    ],
    "area_code": "64.71",
    "data_year": "2025",
    "reference_period": "Keadaan 31 Desember 2025",
    "update_frequency": "annual",
    "data_status": "final",
    "data_source": "Sistem Informasi SDM Kesehatan (SISDMK)",
    "collection_method": "administrative",
    "government_affairs": ["1.02"],
    "priority_data": True,
    "sdgs_goals": ["3"],
    "producer_contact_name": "Operator Data Dinas Kesehatan",
    "producer_contact_email": "produsen-dinkes@satudata.example",
    "walidata_contact_name": "Verifikator Walidata",
    "walidata_contact_email": "verifikator@satudata.example",
}


# The data file the demo producers upload with each request dataset (a
# submission needs a CSV or XLSX data resource).
DEMO_CSV = """kecamatan,jenis_tenaga,jumlah
Samarinda Ulu,Dokter umum,42
Samarinda Ulu,Perawat,215
Samarinda Ulu,Bidan,88
Sungai Kunjang,Dokter umum,31
Sungai Kunjang,Perawat,164
Sungai Kunjang,Bidan,72
"""


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
    # the data-request workflow: a round and requests in several states
    from . import demo_workflow
    yield from demo_workflow.load(DEMO_DATASET, DEMO_CSV)

    yield "Demo data ready. Users (password for all: %s):" % password
    yield f"  {SYSADMIN:<18} sysadmin"
    for name, fullname, membership, walidata_roles in USERS:
        where = f"{membership[1]} of {membership[0]}" if membership else "no organization"
        roles = f", walidata role {', '.join(walidata_roles)}" if walidata_roles else ""
        yield f"  {name:<18} {fullname} ({where}{roles})"

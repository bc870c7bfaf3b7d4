# -*- coding: utf-8 -*-
"""Demo data for a local portal: the walidata, three OPDs, a user for each
role, then the data-request workflow: a Daftar Data for the current year, a
collection round sent to the OPDs and its requests taken to different states
by the demo users (through the real actions, so the timelines and e-mails are
real), each dataset with its metadata and an uploaded CSV table: one
published, one scheduled for release, the others waiting at each step of
verification. Nothing is made public except by publishing. Idempotent: run it
again and it only fills what is missing (the workflow part is skipped when
the demo round exists)."""
from __future__ import annotations

import io
from typing import Any, Iterator

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk

from .lib import workdays
from .model import CollectionRound

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
    """The organization, without the site's own user among its members
    (CKAN makes its creator an admin: the OPD's member list showed an
    account nobody knows; the site user needs no membership)."""
    context = _site_context()
    if model.Group.get(org["name"]) is None:
        tk.get_action("organization_create")(dict(context), dict(org))
    site = model.User.get(context["user"])
    members = tk.get_action("member_list")(dict(context), {"id": org["name"],
                                                           "object_type": "user"})
    if site is not None and any(member[0] == site.id for member in members):
        tk.get_action("organization_member_delete")(
            dict(context), {"id": org["name"], "username": context["user"]})


# -- the data-request workflow of the demo -----------------------------------

ROUND_NAME = "demo-semester-2"

# What each OPD fills in for its own indicator, over the common metadata of
# DEMO_DATASET (a dataset of health workers for an item on school
# enrolment read as nonsense in search), and the table it uploads.
DEMO_ITEMS: dict[str, tuple[dict[str, Any], str]] = {
    "Jumlah Tenaga Kesehatan Menurut Jenis": ({}, DEMO_CSV),
    "Jumlah Puskesmas Menurut Kecamatan": ({
        "notes": "Jumlah pusat kesehatan masyarakat (puskesmas) menurut kecamatan.",
        "concept": "Puskesmas adalah fasilitas pelayanan kesehatan tingkat pertama yang "
                   "menyelenggarakan upaya kesehatan masyarakat dan perseorangan.",
        "definition": "Jumlah puskesmas yang beroperasi di setiap kecamatan pada akhir tahun.",
        "classification": "Puskesmas rawat inap dan non rawat inap",
        "unit": "Unit",
        "indicator_name": "Rasio puskesmas per kecamatan",
        "indicator_definition": "Jumlah puskesmas dibagi jumlah kecamatan.",
        "indicator_interpretation": "Setiap kecamatan sekurang-kurangnya memiliki satu "
                                    "puskesmas.",
        "calculation_method": "jumlah puskesmas / jumlah kecamatan",
        "disaggregation": "Kecamatan",
        "variables": [
            {"name": "kecamatan", "definition": "Nama kecamatan", "data_type": "category"},
            {"name": "jumlah_puskesmas", "definition": "Jumlah puskesmas",
             "data_type": "integer", "unit": "unit"}],
        "data_source": "Profil Kesehatan Kota",
    }, "kecamatan,jumlah_puskesmas\nSamarinda Ulu,3\nSungai Kunjang,2\n"),
    "Cakupan Imunisasi Dasar Lengkap": ({
        "notes": "Persentase bayi usia 0-11 bulan yang mendapat imunisasi dasar lengkap.",
        "concept": "Imunisasi dasar lengkap adalah imunisasi yang diberikan kepada bayi "
                   "sebelum berusia satu tahun sesuai jadwal nasional.",
        "definition": "Bayi yang mendapat imunisasi dasar lengkap dibagi jumlah bayi, "
                      "dikali 100.",
        "classification": "Menurut kecamatan",
        "measure": "Persentase",
        "unit": "Persen",
        "indicator_name": "Cakupan imunisasi dasar lengkap",
        "indicator_definition": "Persentase bayi yang mendapat imunisasi dasar lengkap.",
        "indicator_interpretation": "Semakin tinggi cakupan, semakin baik perlindungan bayi.",
        "calculation_method": "(bayi diimunisasi lengkap / jumlah bayi) x 100",
        "disaggregation": "Kecamatan",
        "variables": [
            {"name": "kecamatan", "definition": "Nama kecamatan", "data_type": "category"},
            {"name": "cakupan", "definition": "Cakupan imunisasi dasar lengkap",
             "data_type": "decimal", "unit": "persen"}],
        "data_source": "Laporan imunisasi puskesmas",
    }, "kecamatan,cakupan\nSamarinda Ulu,94.5\nSungai Kunjang,91.2\n"),
    "Jumlah Sekolah Menurut Jenjang": ({
        "notes": "Jumlah sekolah menurut jenjang pendidikan dan kecamatan.",
        "concept": "Sekolah adalah satuan pendidikan formal yang menyelenggarakan "
                   "pendidikan dasar dan menengah.",
        "definition": "Jumlah sekolah negeri dan swasta yang aktif pada tahun ajaran "
                      "berjalan.",
        "classification": "Jenjang pendidikan (SD, SMP)",
        "unit": "Unit",
        "indicator_name": "Jumlah sekolah",
        "indicator_definition": "Banyaknya sekolah menurut jenjang.",
        "indicator_interpretation": "Menggambarkan ketersediaan sarana pendidikan.",
        "calculation_method": "Penjumlahan sekolah aktif",
        "disaggregation": "Jenjang pendidikan, kecamatan",
        "variables": [
            {"name": "kecamatan", "definition": "Nama kecamatan", "data_type": "category"},
            {"name": "jenjang", "definition": "Jenjang pendidikan", "data_type": "category"},
            {"name": "jumlah", "definition": "Jumlah sekolah", "data_type": "integer",
             "unit": "unit"}],
        "data_source": "Data Pokok Pendidikan (Dapodik)",
        "government_affairs": ["1.01"],
        "sdgs_goals": ["4"],
        "producer_contact_name": "Operator Data Dinas Pendidikan",
        "producer_contact_email": "produsen-dindik@satudata.example",
    }, "kecamatan,jenjang,jumlah\nSamarinda Ulu,SD,24\nSamarinda Ulu,SMP,9\n"
       "Sungai Kunjang,SD,21\nSungai Kunjang,SMP,7\n"),
    "Angka Partisipasi Murni SD": ({
        "notes": "Angka partisipasi murni (APM) jenjang SD menurut kecamatan.",
        "concept": "APM adalah proporsi penduduk usia sekolah yang bersekolah pada "
                   "jenjang yang sesuai dengan usianya.",
        "definition": "Murid SD berusia 7-12 tahun dibagi penduduk berusia 7-12 tahun, "
                      "dikali 100.",
        "classification": "Menurut kecamatan",
        "measure": "Persentase",
        "unit": "Persen",
        "indicator_name": "Angka partisipasi murni SD",
        "indicator_definition": "Persentase penduduk usia 7-12 tahun yang bersekolah di SD.",
        "indicator_interpretation": "Semakin mendekati 100, semakin banyak anak usia SD "
                                    "yang bersekolah tepat jenjang.",
        "calculation_method": "(murid SD usia 7-12 / penduduk usia 7-12) x 100",
        "disaggregation": "Kecamatan",
        "variables": [
            {"name": "kecamatan", "definition": "Nama kecamatan", "data_type": "category"},
            {"name": "apm", "definition": "Angka partisipasi murni SD",
             "data_type": "decimal", "unit": "persen"}],
        "data_source": "Data Pokok Pendidikan (Dapodik)",
        "government_affairs": ["1.01"],
        "sdgs_goals": ["4"],
        "producer_contact_name": "Operator Data Dinas Pendidikan",
        "producer_contact_email": "produsen-dindik@satudata.example",
    }, "kecamatan,apm\nSamarinda Ulu,97.8\nSungai Kunjang,96.4\n"),
}


# title, OPD, update_frequency, government_affairs, unit, priority (the
# dataset schema's fields and codes: the request's dataset starts with them)
ITEMS = [
    ("Jumlah Tenaga Kesehatan Menurut Jenis", "dinas-kesehatan", "annual", ["1.02"], "orang", True),
    ("Jumlah Puskesmas Menurut Kecamatan", "dinas-kesehatan", "annual", ["1.02"], "unit", False),
    ("Cakupan Imunisasi Dasar Lengkap", "dinas-kesehatan", "annual", ["1.02"], "persen", True),
    ("Jumlah Sekolah Menurut Jenjang", "dinas-pendidikan", "annual", ["1.01"], "unit", False),
    ("Angka Partisipasi Murni SD", "dinas-pendidikan", "annual", ["1.01"], "persen", True),
    ("Indeks Pembangunan Manusia", "bappeda", "annual", ["5.01"], "indeks", True),
]

# item title -> the steps taken: (user, action, note)
STEPS: dict[str, list[tuple[str, str, str]]] = {
    "Jumlah Tenaga Kesehatan Menurut Jenis": [
        ("produsen-dinkes", "submit", "Data dan metadata 2025 sudah lengkap."),
        ("verifikator", "verify", "Sesuai standar data."),
        ("kabid", "approve", "Disetujui."),
        ("kadis", "approve", "Siap dipublikasikan."),
        ("kadis", "publish", "Dipublikasikan pada Portal Satu Data."),
    ],
    "Jumlah Puskesmas Menurut Kecamatan": [
        ("produsen-dinkes", "submit", ""),
        ("verifikator", "return", "Satuan dan sumber data belum sesuai; lihat catatan."),
    ],
    "Cakupan Imunisasi Dasar Lengkap": [
        ("produsen-dinkes", "submit", ""),
        ("verifikator", "verify", ""),
    ],
    "Jumlah Sekolah Menurut Jenjang": [
        ("produsen-dindik", "submit", "Mohon diverifikasi."),
    ],
    "Angka Partisipasi Murni SD": [
        ("produsen-dindik", "submit", ""),
        ("verifikator", "verify", ""),
        ("kabid", "approve", ""),
        ("kadis", "approve", ""),
        ("kadis", "schedule", "Rilis bersama publikasi semester."),
    ],
}


def _site() -> dict[str, Any]:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


def _metadata(demo_dataset: dict[str, Any]) -> dict[str, Any]:
    """The complete metadata of the demo dataset, for the demo requests."""
    skip = {"name", "title", "owner_org", "private", "id", "tags"}
    return {k: v for k, v in demo_dataset.items() if k not in skip}


def _add_data_file(user: str, package_id: str, csv_text: str) -> None:
    """The producer's data table: an uploaded CSV file where the portal
    stores uploads, else a link to one."""
    data: dict[str, Any] = {"package_id": package_id, "name": "Tabel data",
                            "format": "CSV"}
    if uploader.get_storage_path():
        data.update(url="tabel-data.csv", upload=FileStorage(
            stream=io.BytesIO(csv_text.encode("utf-8")), filename="tabel-data.csv",
            content_type="text/csv"))
    else:
        data["url"] = "https://data.example.org/tabel-data.csv"
    tk.get_action("resource_create")({"user": user}, data)


def _next_working_morning() -> str:
    """09:00 (portal time) on the next working day: a release that is still
    upcoming when the demo is looked at, and is then published on time by
    the release loop of scripts/run.sh."""
    day = workdays.add_working_days(workdays.today(), 1)
    return f"{day.isoformat()} 09:00"


def _load_workflow(demo_dataset: dict[str, Any], csv_text: str) -> Iterator[str]:
    if model.Session.execute(sa.select(CollectionRound.id).where(
            CollectionRound.name == ROUND_NAME)).first():
        return
    year = workdays.today().year
    for title, org, frequency, affairs, unit, priority in ITEMS:
        tk.get_action("satudata_daftar_data_create")(_site(), {
            "title": title, "owner_org": org, "year": year, "update_frequency": frequency,
            "government_affairs": affairs, "unit": unit, "priority": priority,
            "sk_number": f"100/KPTS/{year}", "sk_date": f"{year}-01-15"})
    start = workdays.add_working_days(workdays.today(), -20)
    round_ = tk.get_action("satudata_round_create")(_site(), {
        "name": ROUND_NAME, "title": f"Semester II {year}", "year": year,
        "period": "S2", "start_date": start.isoformat()})
    tk.get_action("satudata_round_send")(_site(), {"id": round_["id"]})
    requests = tk.get_action("satudata_request_list")(
        _site(), {"round_id": round_["id"], "limit": 100})["results"]
    for request in requests:
        steps = STEPS.get(request["item_title"], [])
        own, table = DEMO_ITEMS.get(request["item_title"], ({}, csv_text))
        try:
            if steps and request["package_id"]:
                tk.get_action("package_patch")(
                    {"user": steps[0][0]},
                    {"id": request["package_id"], **_metadata(demo_dataset), **own})
                _add_data_file(steps[0][0], request["package_id"], table)
            for user, transition, note in steps:
                data: dict[str, Any] = {"id": request["id"], "note": note}
                if transition == "return":
                    data["field_notes"] = {"unit": ["Gunakan satuan baku: unit"],
                                           "data_source": ["Sebutkan sumber data primer"]}
                elif transition == "schedule":
                    data["release_at"] = _next_working_morning()
                tk.get_action(f"satudata_request_{transition}")({"user": user}, data)
        except tk.ValidationError as e:
            yield f"  (demo request {request['item_title']!r} stopped: {e.error_dict})"
    yield (f"Demo collection round {round_['title']!r}: {len(requests)} requests "
           "in several states (see /permintaan-data/).")


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
    yield from _load_workflow(DEMO_DATASET, DEMO_CSV)

    yield "Demo data ready. Users (password for all: %s):" % password
    yield f"  {SYSADMIN:<18} sysadmin"
    for name, fullname, membership, walidata_roles in USERS:
        where = f"{membership[1]} of {membership[0]}" if membership else "no organization"
        roles = f", walidata role {', '.join(walidata_roles)}" if walidata_roles else ""
        yield f"  {name:<18} {fullname} ({where}{roles})"

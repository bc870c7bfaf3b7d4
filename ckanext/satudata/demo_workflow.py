# -*- coding: utf-8 -*-
"""Demo of the data-request workflow, loaded by ``ckan satudata load-demo``
after the organizations and users of :mod:`.demo`: a Daftar Data for the
current year, a collection round sent to the OPDs and its requests taken
to different states by the demo users (through the real actions, so the
timelines and e-mails are real), each dataset with its metadata and an
uploaded CSV table: one published, one scheduled for release,
the others waiting at each step of verification. Idempotent: nothing is done if the demo
round exists."""
from __future__ import annotations

import io
from typing import Any, Iterator

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk

from . import workdays
from .model import CollectionRound

ROUND_NAME = "demo-semester-2"

# title, OPD, frekuensi, urusan, priority
ITEMS = [
    ("Jumlah Tenaga Kesehatan Menurut Jenis", "dinas-kesehatan", "Tahunan", "Kesehatan", True),
    ("Jumlah Puskesmas Menurut Kecamatan", "dinas-kesehatan", "Tahunan", "Kesehatan", False),
    ("Cakupan Imunisasi Dasar Lengkap", "dinas-kesehatan", "Tahunan", "Kesehatan", True),
    ("Jumlah Sekolah Menurut Jenjang", "dinas-pendidikan", "Tahunan", "Pendidikan", False),
    ("Angka Partisipasi Murni SD", "dinas-pendidikan", "Tahunan", "Pendidikan", True),
    ("Indeks Pembangunan Manusia", "bappeda", "Tahunan", "Perencanaan", True),
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


def load(demo_dataset: dict[str, Any], csv_text: str) -> Iterator[str]:
    if model.Session.execute(sa.select(CollectionRound.id).where(
            CollectionRound.name == ROUND_NAME)).first():
        return
    year = workdays.today().year
    for title, org, frekuensi, urusan, priority in ITEMS:
        tk.get_action("satudata_daftar_data_create")(_site(), {
            "title": title, "owner_org": org, "year": year, "frekuensi": frekuensi,
            "urusan": urusan, "priority": priority,
            "sk_number": f"100/KPTS/{year}", "sk_date": f"{year}-01-15"})
    start = workdays.add_working_days(workdays.today(), -20)
    round_ = tk.get_action("satudata_round_create")(_site(), {
        "name": ROUND_NAME, "title": f"Semester II {year}", "year": year,
        "period": "S2", "start_date": start.isoformat()})
    tk.get_action("satudata_round_send")(_site(), {"id": round_["id"]})
    requests = tk.get_action("satudata_request_list")(
        _site(), {"round_id": round_["id"], "limit": 100})["results"]
    metadata = _metadata(demo_dataset)
    for request in requests:
        steps = STEPS.get(request["item_title"], [])
        try:
            if steps and request["package_id"]:
                tk.get_action("package_patch")(
                    {"user": steps[0][0]}, {"id": request["package_id"], **metadata})
                _add_data_file(steps[0][0], request["package_id"], csv_text)
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

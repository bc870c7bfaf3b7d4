"""Daftar Data items use the dataset schema's fields and code lists

``frekuensi``, ``urusan`` and ``satuan`` were free texts beside the coded
``update_frequency``, ``government_affairs`` and ``unit`` of the dataset an
item is requested as. They become those three fields: a code of the
``frequency`` list, codes of the ``urusan`` list, a text. A value is kept as
a code when it is a code or a label (Indonesian or English, any case) of
its list; what matches nothing is kept in the item's description, so that
nothing typed in is lost.

Revision ID: 0005_daftar_data_codes
Revises: 0004_revision_of
Create Date: 2026-12-01

"""
import csv
import os
import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0005_daftar_data_codes"
down_revision = "0004_revision_of"
branch_labels = None
depends_on = None

#: the reference data as this migration was written (ckanext/satudata/data)
_DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "data")


def _rows(file_name):
    with open(os.path.join(_DATA, file_name), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _lookup(rows):
    """code, Indonesian and English label (lower case) -> code"""
    found = {}
    for row in rows:
        for key in ("label_en", "label_id", "code"):
            if row.get(key):
                found[row[key].strip().lower()] = row["code"]
    return found


def upgrade():
    op.add_column("satudata_daftar_data", sa.Column("update_frequency", sa.UnicodeText))
    op.add_column("satudata_daftar_data", sa.Column(
        "government_affairs", ARRAY(sa.UnicodeText), nullable=False, server_default="{}"))
    op.add_column("satudata_daftar_data", sa.Column("unit", sa.UnicodeText))

    frequencies = _lookup(r for r in _rows("code_lists.csv") if r["list"] == "frequency")
    affairs = _lookup(_rows("urusan_pemerintahan.csv"))
    affair_order = [r["code"] for r in _rows("urusan_pemerintahan.csv")]
    bind = op.get_bind()
    items = bind.execute(sa.text(
        "SELECT id, frekuensi, urusan, satuan, description FROM satudata_daftar_data"
        " WHERE coalesce(frekuensi, '') <> '' OR coalesce(urusan, '') <> ''"
        " OR coalesce(satuan, '') <> ''")).all()
    for item_id, frekuensi, urusan, satuan, description in items:
        kept = []
        frequency = None
        if (frekuensi or "").strip():
            frequency = frequencies.get(frekuensi.strip().lower())
            if frequency is None:
                kept.append(f"Frekuensi: {frekuensi.strip()}")
        codes = []
        for part in re.split(r"[;,\n]", urusan or ""):
            if part.strip():
                code = affairs.get(part.strip().lower())
                if code is None:
                    kept.append(f"Urusan: {part.strip()}")
                elif code not in codes:
                    codes.append(code)
        codes.sort(key=affair_order.index)
        if kept:
            description = "\n".join(filter(None, [description or "", *kept]))
        bind.execute(sa.text(
            "UPDATE satudata_daftar_data SET update_frequency = :frequency,"
            " government_affairs = :codes, unit = :unit, description = :description"
            " WHERE id = :id"), {"frequency": frequency, "codes": codes,
                                 "unit": (satuan or "").strip() or None,
                                 "description": description, "id": item_id})

    op.drop_column("satudata_daftar_data", "frekuensi")
    op.drop_column("satudata_daftar_data", "urusan")
    op.drop_column("satudata_daftar_data", "satuan")


def downgrade():
    op.add_column("satudata_daftar_data", sa.Column("frekuensi", sa.UnicodeText))
    op.add_column("satudata_daftar_data", sa.Column("urusan", sa.UnicodeText))
    op.add_column("satudata_daftar_data", sa.Column("satuan", sa.UnicodeText))
    labels = {r["code"]: r["label_id"] for r in _rows("code_lists.csv")
              if r["list"] == "frequency"}
    affairs = {r["code"]: r["label_id"] for r in _rows("urusan_pemerintahan.csv")}
    bind = op.get_bind()
    for item_id, frequency, codes, unit in bind.execute(sa.text(
            "SELECT id, update_frequency, government_affairs, unit"
            " FROM satudata_daftar_data")).all():
        bind.execute(sa.text(
            "UPDATE satudata_daftar_data SET frekuensi = :f, urusan = :u, satuan = :s"
            " WHERE id = :id"), {
                "f": labels.get(frequency, frequency),
                "u": ", ".join(affairs.get(c, c) for c in codes or []) or None,
                "s": unit, "id": item_id})
    op.drop_column("satudata_daftar_data", "update_frequency")
    op.drop_column("satudata_daftar_data", "government_affairs")
    op.drop_column("satudata_daftar_data", "unit")

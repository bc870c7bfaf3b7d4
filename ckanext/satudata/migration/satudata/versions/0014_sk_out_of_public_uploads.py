"""The SK decrees of Daftar Data items move out of the folder CKAN serves to
anyone under ``/uploads`` (``<storage>/storage/uploads/satudata_sk``) to
``<storage>/satudata_private/sk``, which only their guarded route
``/permintaan-data/daftar-data/<id>/sk.pdf`` serves. Files only, no tables.

Revision ID: 0014_sk_out_of_public_uploads
Revises: 0013_chain_levels
Create Date: 2026-12-02

"""
import os

from ckan.lib.uploader import get_storage_path

revision = "0014_sk_out_of_public_uploads"
down_revision = "0013_chain_levels"
branch_labels = None
depends_on = None

PUBLIC = ("storage", "uploads", "satudata_sk")
PRIVATE = ("satudata_private", "sk")


def _move(source: tuple, target: tuple) -> None:
    storage = get_storage_path()
    if not storage or not os.path.isdir(os.path.join(storage, *source)):
        return
    os.makedirs(os.path.join(storage, *target), exist_ok=True)
    for name in os.listdir(os.path.join(storage, *source)):
        if name.endswith(".pdf"):
            os.replace(os.path.join(storage, *source, name),
                       os.path.join(storage, *target, name))


def upgrade():
    _move(PUBLIC, PRIVATE)


def downgrade():
    # the earlier version reads them at the old place only
    _move(PRIVATE, PUBLIC)

"""Requests remember the state a revision of published data started from

Revision ID: 0004_revision_of
Revises: 0003_dissemination
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

revision = "0004_revision_of"
down_revision = "0003_dissemination"
branch_labels = None
depends_on = None


def upgrade():
    # "published" or "withdrawn" while a revision (``revise``) is in its
    # review cycle; NULL otherwise. With the state, it decides whether the
    # dataset is public (states.is_public).
    op.add_column("satudata_request", sa.Column("revision_of", sa.UnicodeText))


def downgrade():
    op.drop_column("satudata_request", "revision_of")

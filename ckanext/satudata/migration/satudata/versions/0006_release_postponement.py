"""A scheduled release remembers its postponements

A release moved to a later time is a postponement the public is told about:
the time first announced (``first_release_at``), the reason
(``postpone_reason``) and how many times the announced time changed
(``sequence``, the iCalendar SEQUENCE calendar applications use to replace
the event they already hold).

Revision ID: 0006_release_postponement
Revises: 0005_daftar_data_codes
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

revision = "0006_release_postponement"
down_revision = "0005_daftar_data_codes"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_release", sa.Column("first_release_at", sa.DateTime))
    op.add_column("satudata_release", sa.Column("postpone_reason", sa.UnicodeText))
    op.add_column("satudata_release", sa.Column(
        "sequence", sa.Integer, nullable=False, server_default="0"))


def downgrade():
    op.drop_column("satudata_release", "sequence")
    op.drop_column("satudata_release", "postpone_reason")
    op.drop_column("satudata_release", "first_release_at")
